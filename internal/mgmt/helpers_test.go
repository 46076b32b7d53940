package mgmt

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// testEnv is one in-process server and what a test needs around it.
type testEnv struct {
	srv *server.Server
	ts  *httptest.Server
	log *recLogger
}

// newTestEnv starts a server; wrap, when not nil, wraps its handler (to
// inject one specific condition in front of the real server).
func newTestEnv(t *testing.T, opts server.Options, wrap func(http.Handler) http.Handler) *testEnv {
	t.Helper()
	srv, err := server.New(opts)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return &testEnv{srv: srv, ts: ts, log: &recLogger{}}
}

// fastConfig is a configuration with small waits, so that retry tests are
// quick.
func (e *testEnv) fastConfig() Config {
	return Config{
		Domain:       e.ts.URL,
		ClientID:     e.srv.AdminClientID(),
		ClientSecret: e.srv.AdminClientSecret(),
		MaxRetries:   3,
		RetryTimeout: 5 * time.Second,
		RetryWaitMin: 5 * time.Millisecond,
		RetryWaitMax: 50 * time.Millisecond,
		UserAgent:    "mgmt-test",
		Logger:       e.log,
	}
}

// client returns a root-admin client; mods adjust its configuration.
func (e *testEnv) client(t *testing.T, mods ...func(*Config)) *Client {
	t.Helper()
	cfg := e.fastConfig()
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// count sums the server's request counters for (tenant, method, route);
// status 0 matches every status.
func (e *testEnv) count(tenant, method, route string, status int) int64 {
	var n int64
	for _, c := range e.srv.Counts() {
		if c.Tenant == tenant && c.Method == method && c.Route == route && (status == 0 || c.Status == status) {
			n += c.N
		}
	}
	return n
}

// eventuallyCount polls count (any status) until it reaches want or 5s
// pass, and returns the last value.
func (e *testEnv) eventuallyCount(tenant, method, route string, want int64) int64 {
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := e.count(tenant, method, route, 0)
		if n >= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// countStatus sums the counters of every request answered with status.
func (e *testEnv) countStatus(status int) int64 {
	var n int64
	for _, c := range e.srv.Counts() {
		if c.Status == status {
			n += c.N
		}
	}
	return n
}

// total sums every request counter of the server.
func (e *testEnv) total() int64 {
	var n int64
	for _, c := range e.srv.Counts() {
		n += c.N
	}
	return n
}

func (e *testEnv) dumpCounts(t *testing.T) {
	t.Helper()
	for _, c := range e.srv.Counts() {
		t.Logf("  %q %s %s %d: %d", c.Tenant, c.Method, c.Route, c.Status, c.N)
	}
}

// recLogger records every log line, at every level.
type recLogger struct {
	mu    sync.Mutex
	lines []logLine
}

type logLine struct {
	level  Level
	msg    string
	fields map[string]any
}

func (l *recLogger) Log(_ context.Context, level Level, msg string, fields map[string]any) {
	cp := make(map[string]any, len(fields))
	for k, v := range fields {
		cp[k] = v
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, logLine{level, msg, cp})
}

func (l *recLogger) snapshot() []logLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logLine(nil), l.lines...)
}

// find returns the lines whose message is msg.
func (l *recLogger) find(msg string) []logLine {
	var out []logLine
	for _, line := range l.snapshot() {
		if line.msg == msg {
			out = append(out, line)
		}
	}
	return out
}

func (line logLine) String() string {
	return fmt.Sprintf("%s %s %v", line.level, line.msg, line.fields)
}

// injector answers the first n requests matching (method, path) with a
// canned status and headers, then delegates to the real server. It counts
// every request it sees by "METHOD path".
type injector struct {
	next http.Handler

	mu      sync.Mutex
	rules   []*injectRule
	seen    map[string]int
	bearers map[string]bool
}

type injectRule struct {
	method, path string
	status       int
	header       map[string]string
	body         string
	left         int
	// drop: let the real server execute the request, then close the
	// connection without an answer (commit-then-drop).
	drop bool
}

func newInjector(next http.Handler) *injector {
	return &injector{next: next, seen: map[string]int{}, bearers: map[string]bool{}}
}

// once makes the next request matching method and path (exact, as the
// server receives it, escaped) answer status with header.
func (in *injector) once(method, path string, status int, header map[string]string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	body := fmt.Sprintf(`{"statusCode":%d,"error":%q,"message":"injected","errorCode":"injected"}`, status, http.StatusText(status))
	if status == http.StatusTooManyRequests {
		body = `{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"}`
	}
	if status == http.StatusServiceUnavailable {
		body = `{"statusCode":503,"error":"Service Unavailable","message":"injected","errorCode":"temporarily_unavailable"}`
	}
	in.rules = append(in.rules, &injectRule{method: method, path: path, status: status, header: header, body: body, left: 1})
}

// times makes the next n requests matching method and path answer status.
func (in *injector) times(n int, method, path string, status int, header map[string]string) {
	for range n {
		in.once(method, path, status, header)
	}
}

// dropOnce makes the real server execute the next request matching method
// and path, then closes the connection without answering: the client
// cannot tell whether the request took effect.
func (in *injector) dropOnce(method, path string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rules = append(in.rules, &injectRule{method: method, path: path, drop: true, left: 1})
}

func (in *injector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Method + " " + r.URL.EscapedPath()
	in.mu.Lock()
	in.seen[key]++
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		in.bearers[tok] = true
	}
	var hit *injectRule
	for _, rule := range in.rules {
		if rule.left > 0 && rule.method == r.Method && rule.path == r.URL.EscapedPath() {
			rule.left--
			hit = rule
			break
		}
	}
	in.mu.Unlock()
	if hit == nil {
		in.next.ServeHTTP(w, r)
		return
	}
	if hit.drop {
		in.next.ServeHTTP(httptest.NewRecorder(), r)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		_ = conn.Close()
		return
	}
	for k, v := range hit.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(hit.status)
	_, _ = w.Write([]byte(hit.body))
}

func (in *injector) count(method, path string) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.seen[method+" "+path]
}

func (in *injector) bearerTokens() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	var out []string
	for t := range in.bearers {
		out = append(out, t)
	}
	return out
}

// quickClient is New(cfg) with retry waits of a nanosecond.
func quickClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	cfg.RetryWaitMin, cfg.RetryWaitMax = 1, 1
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testPolicyClient returns a client whose retry policy the table tests use.
func testPolicyClient(t *testing.T) *Client {
	t.Helper()
	c, err := New(Config{
		Domain: "idp.example.com", APIToken: "tok", MaxRetries: 3,
		RetryTimeout: 5 * time.Second, RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 80 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// loopServer answers each request with the next of answers (the last one
// repeats) and records the request bodies it received.
type loopServer struct {
	mu      sync.Mutex
	answers []func(w http.ResponseWriter)
	bodies  []string
}

func (s *loopServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(b))
	a := s.answers[min(len(s.bodies), len(s.answers))-1]
	s.mu.Unlock()
	a(w)
}

func (s *loopServer) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

func status(code int, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

// cutOff announces a longer body than it sends, so that the client's read
// of the body fails.
func cutOff(w http.ResponseWriter) {
	w.Header().Set("Content-Length", "100")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, `{"a":`)
}

func loopClient(t *testing.T, s *loopServer, mods ...func(*Config)) *Client {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	cfg := Config{Domain: srv.URL, APIToken: "tok", RetryTimeout: 5 * time.Second,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// injected starts a server behind an injector and returns a client whose
// token is already cached.
func injected(t *testing.T, mods ...func(*Config)) (*testEnv, *injector, *Client) {
	t.Helper()
	var inj *injector
	env := newTestEnv(t, server.Options{}, func(h http.Handler) http.Handler { inj = newInjector(h); return inj })
	c := env.client(t, mods...)
	if _, err := c.ListTenants(t.Context()); err != nil {
		t.Fatal(err)
	}
	return env, inj, c
}

// fixtures creates an API with scopes and a client for grant tests.
func fixtures(t *testing.T, c *Client, id string) (*ResourceServer, *Application) {
	t.Helper()
	ctx := t.Context()
	api, err := c.CreateResourceServer(ctx, &ResourceServer{
		Name: String(id), Identifier: String("https://" + id + ".example.com"),
		Scopes: &[]ResourceServerScope{{Value: "read:x"}, {Value: "write:x"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	app, err := c.CreateApplication(ctx, &Application{Name: String(id)})
	if err != nil {
		t.Fatal(err)
	}
	return api, app
}

// cancelLogger cancels a context when a given message is logged.
type cancelLogger struct {
	msg    string
	mu     sync.Mutex
	cancel context.CancelFunc
}

func (l *cancelLogger) Log(_ context.Context, _ Level, msg string, _ map[string]any) {
	if msg != l.msg {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cancel != nil {
		l.cancel()
	}
}

// endlessServer answers every list with a full page and does not end it
// for the first pages pages (then it does, so that a client without a cap
// fails the test instead of running out of memory): offset pages of
// per_page clients without a total, and checkpoint pages of take clients
// whose next always points further. It counts requests.
func endlessServer(t *testing.T, pages int32) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := n.Add(1)
		if page > pages {
			_, _ = w.Write([]byte(`{"clients":[]}`))
			return
		}
		q := r.URL.Query()
		size, _ := strconv.Atoi(q.Get("per_page"))
		if take := q.Get("take"); take != "" {
			size, _ = strconv.Atoi(take)
		}
		var items []string
		for i := range size {
			items = append(items, fmt.Sprintf(`{"client_id":"c%d-%d"}`, page, i))
		}
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/clients") && strings.Contains(r.URL.Path, "/connections/") {
			fmt.Fprintf(w, `{"clients":[%s],"next":"c%d"}`, strings.Join(items, ","), page)
			return
		}
		fmt.Fprintf(w, `{"clients":[%s]}`, strings.Join(items, ","))
	}))
	t.Cleanup(ts.Close)
	return ts, &n
}

// stallingServer starts a server that stops in the middle of every answer,
// before its headers or after the first bytes of its body, until the test
// ends; it counts the requests.
func stallingServer(t *testing.T, beforeHeaders bool) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	release := make(chan struct{})
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if !beforeHeaders {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"client_id":`))
			_ = http.NewResponseController(w).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(release) }) // runs first: lets ts.Close finish
	return ts, &n
}

// levelLogger records lines like recLogger and says, through
// LevelEnabler, that it wants only min and above.
type levelLogger struct {
	recLogger
	min Level
}

func (l *levelLogger) Enabled(_ context.Context, level Level) bool { return level >= l.min }

// withoutReadClientKeys starts a server behind a fault injector and returns
// the admin's client and a client whose token may create clients and rotate
// secrets but not read them (no read:client_keys), its token already fetched.
func withoutReadClientKeys(t *testing.T) (*testEnv, *injector, *Client, *Client) {
	t.Helper()
	var inj *injector
	env := newTestEnv(t, server.Options{}, func(h http.Handler) http.Handler { inj = newInjector(h); return inj })
	ctx := t.Context()
	admin := env.client(t)
	app, err := admin.CreateApplication(ctx, &Application{Name: String("no read:client_keys")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.CreateClientGrant(ctx, &ClientGrant{ClientID: app.ClientID, Audience: String(admin.Audience()),
		Scope: &[]string{"create:clients", "read:clients", "update:client_keys"}}); err != nil {
		t.Fatal(err)
	}
	c := env.client(t, func(cfg *Config) { cfg.ClientID, cfg.ClientSecret = *app.ClientID, *app.ClientSecret })
	if _, err := c.ListApplications(ctx, ApplicationFilter{}); err != nil {
		t.Fatal(err)
	}
	return env, inj, admin, c
}
