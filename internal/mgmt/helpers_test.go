package mgmt

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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
