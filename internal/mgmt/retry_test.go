package mgmt

import (
	"context"
	"errors"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// TestRetryLoop drives the retry loop through the cases it must carry.
func TestRetryLoop(t *testing.T) {
	t.Parallel()
	ctx := t.Context()

	t.Run("body resent on every attempt", func(t *testing.T) {
		t.Parallel()
		s := &loopServer{answers: []func(http.ResponseWriter){status(503, ""), status(502, ""), status(200, `{}`)}}
		c := loopClient(t, s)
		info, err := c.doWith(ctx, c.newBudget(ctx), request{method: http.MethodPatch, url: c.endpoint("/api/v2/x")}, map[string]string{"k": "v"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := s.received()
		if info.attempts != 3 || !info.ambiguous || len(got) != 3 {
			t.Fatalf("attempts=%d ambiguous=%v bodies=%q", info.attempts, info.ambiguous, got)
		}
		for _, b := range got {
			if b != `{"k":"v"}` {
				t.Errorf("attempt sent body %q", b)
			}
		}
	})

	t.Run("cut-off answer retried for GET", func(t *testing.T) {
		t.Parallel()
		s := &loopServer{answers: []func(http.ResponseWriter){cutOff, status(200, `{"a":1}`)}}
		c := loopClient(t, s)
		var out map[string]int
		info, err := c.doWith(ctx, c.newBudget(ctx), request{method: http.MethodGet, url: c.endpoint("/api/v2/x")}, nil, &out)
		if err != nil || out["a"] != 1 || info.attempts != 2 || !info.ambiguous {
			t.Fatalf("err=%v out=%v attempts=%d ambiguous=%v", err, out, info.attempts, info.ambiguous)
		}
	})

	t.Run("cut-off answer not retried for POST", func(t *testing.T) {
		t.Parallel()
		s := &loopServer{answers: []func(http.ResponseWriter){cutOff, status(200, `{}`)}}
		c := loopClient(t, s)
		info, err := c.doWith(ctx, c.newBudget(ctx), request{method: http.MethodPost, url: c.endpoint("/api/v2/x")}, map[string]string{}, nil)
		if err == nil || !strings.Contains(err.Error(), "may have taken effect") || info.attempts != 1 || !info.ambiguous {
			t.Fatalf("err=%v attempts=%d ambiguous=%v", err, info.attempts, info.ambiguous)
		}
	})

	t.Run("MaxRetries gives up with the last answer", func(t *testing.T) {
		t.Parallel()
		s := &loopServer{answers: []func(http.ResponseWriter){status(503, `{"errorCode":"down","message":"m"}`)}}
		c := loopClient(t, s, func(cfg *Config) { cfg.MaxRetries = 2 })
		_, err := c.doWith(ctx, c.newBudget(ctx), request{method: http.MethodGet, url: c.endpoint("/api/v2/x")}, nil, nil)
		var re *RetryError
		var apiErr *Error
		if !errors.As(err, &re) || re.Attempts != 3 || !strings.Contains(re.Reason, "MaxRetries 2") ||
			!errors.As(err, &apiErr) || apiErr.Code != "down" || len(s.received()) != 3 {
			t.Fatalf("err=%v, %d requests", err, len(s.received()))
		}
	})

	t.Run("server wait beyond the budget fails at once", func(t *testing.T) {
		t.Parallel()
		s := &loopServer{answers: []func(http.ResponseWriter){func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "60")
			status(429, "")(w)
		}}}
		c := loopClient(t, s)
		start := time.Now()
		_, err := c.doWith(ctx, c.newBudget(ctx), request{method: http.MethodPost, url: c.endpoint("/api/v2/x")}, map[string]string{}, nil)
		var re *RetryError
		if !errors.As(err, &re) || re.Attempts != 1 || !isTooManyRequests(err) || time.Since(start) > 2*time.Second {
			t.Fatalf("err=%v after %s", err, time.Since(start))
		}
	})
}

func isTooManyRequests(err error) bool { return hasStatus(err, http.StatusTooManyRequests) }

func TestBudgetExhaustion(t *testing.T) {
	t.Parallel()
	// The objects the test reads are made by a client with the usual
	// budget, so that a slow machine cannot fail the setup; the budget under
	// test is half a second, long enough for two attempts on a loaded machine.
	env, inj, setup := injected(t)
	c := env.client(t, func(cfg *Config) { cfg.MaxRetries, cfg.RetryTimeout = 0, 500*time.Millisecond })
	ctx := t.Context()
	rs, err := setup.CreateResourceServer(ctx, &ResourceServer{Name: String("budget"), Identifier: String("https://budget.example.com")})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v2/resource-servers/" + *rs.ID

	inj.times(100000, "GET", path, http.StatusServiceUnavailable, nil)
	_, err = c.GetResourceServer(ctx, *rs.ID)
	var re *RetryError
	var apiErr *Error
	if !errors.As(err, &re) || !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("got %v, want a *RetryError wrapping a 503", err)
	}
	want := regexp.MustCompile(`^GET /api/v2/resource-servers/\S+: 503 Service Unavailable: injected \(temporarily_unavailable\); gave up after \d+ attempts in \S+: the retry timeout \(500ms\) ran out$`)
	if !want.MatchString(err.Error()) || re.Attempts < 2 || re.Attempts != inj.count("GET", path) {
		t.Errorf("error %q (attempts %d, seen %d)", err, re.Attempts, inj.count("GET", path))
	}

	// A server wait beyond the budget fails at once, and says so.
	long := env.client(t, func(cfg *Config) { cfg.MaxRetries, cfg.RetryTimeout = 0, 5*time.Second })
	inj.once("GET", "/api/v2/tenants", http.StatusTooManyRequests, map[string]string{"Retry-After": "30"})
	_, err = long.ListTenants(ctx)
	if !errors.As(err, &re) || re.Attempts != 1 || !strings.Contains(err.Error(), "the server asked to wait 30s (Retry-After)") {
		t.Errorf("Retry-After beyond the budget: %v", err)
	}

	// A keyed create that never gets an answer it can trust.
	inj.times(100000, "POST", "/api/v2/resource-servers", http.StatusServiceUnavailable, nil)
	_, err = c.CreateResourceServer(ctx, &ResourceServer{Name: String("never"), Identifier: String("https://never.example.com")})
	var ue *UncertainCreateError
	if !errors.As(err, &ue) || !errors.As(err, &re) || !strings.Contains(err.Error(), `identifier "https://never.example.com"`) {
		t.Errorf("keyed create always 503: %v", err)
	}

	// A client create whose outcome stays unknown names its marker.
	env.srv.ResetCounts()
	inj.times(100000, "POST", "/api/v2/clients", http.StatusServiceUnavailable, nil)
	_, err = c.CreateApplication(ctx, &Application{Name: String("never")})
	if !errors.As(err, &ue) || !errors.As(err, &re) {
		t.Fatalf("client create always 503: got %v, want an *UncertainCreateError", err)
	}
	if ue.MarkerKey != CreateRequestMetadataKey || len(ue.MarkerValue) != 32 || len(ue.IDs) != 0 ||
		!strings.Contains(err.Error(), ue.MarkerValue) || !strings.Contains(err.Error(), CreateRequestMetadataKey) ||
		!strings.Contains(err.Error(), "ran out") {
		t.Errorf("uncertain create: %+v: %v", ue, err)
	}
	if n := env.count("", "POST", "/api/v2/clients", 201); n != 0 {
		t.Errorf("clients created = %d", n)
	}
}

// TestCancelDuringBackoff: the backoff is an hour; cancelling the context
// while it runs ends the call at once (the test would time out otherwise).
func TestCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, method, path, msg string
		call                    func(context.Context, *Client) error
	}{
		{"GET", "GET", "/api/v2/tenants", "retrying request", func(ctx context.Context, c *Client) error {
			_, err := c.ListTenants(ctx)
			return err
		}},
		{"client create", "POST", "/api/v2/clients", "retrying request", func(ctx context.Context, c *Client) error {
			_, err := c.CreateApplication(ctx, &Application{Name: String("cancelled")})
			return err
		}},
	} {
		log := &cancelLogger{msg: tc.msg}
		_, inj, c := injected(t, func(cfg *Config) {
			cfg.RetryWaitMin, cfg.RetryWaitMax, cfg.RetryTimeout, cfg.MaxRetries = time.Hour, time.Hour, 2*time.Hour, 0
			cfg.Logger = log
		})
		ctx, cancel := context.WithCancel(t.Context())
		log.mu.Lock()
		log.cancel = cancel
		log.mu.Unlock()
		before := inj.count(tc.method, tc.path)
		inj.once(tc.method, tc.path, http.StatusServiceUnavailable, nil)
		err := tc.call(ctx, c)
		cancel()
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "while waiting") {
			t.Errorf("%s: got %v, want context.Canceled while waiting", tc.name, err)
		}
		if n := inj.count(tc.method, tc.path) - before; n != 1 {
			t.Errorf("%s: %d attempts, want 1", tc.name, n)
		}
	}
}

// TestGetRetriedAfterDroppedConnection: a read whose connection drops is
// sent again.
func TestGetRetriedAfterDroppedConnection(t *testing.T) {
	t.Parallel()
	_, inj, c := injected(t)
	inj.dropOnce("GET", "/api/v2/tenants")
	if _, err := c.ListTenants(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := inj.count("GET", "/api/v2/tenants"); n != 3 { // the warm-up, the drop, the retry
		t.Errorf("GETs seen = %d, want 3", n)
	}
}

func TestRetryAfterIsWaitedOut(t *testing.T) {
	t.Parallel()
	var inj *injector
	env := newTestEnv(t, server.Options{}, func(h http.Handler) http.Handler { inj = newInjector(h); return inj })
	ctx := t.Context()
	c := env.client(t)
	app, err := c.CreateApplication(ctx, &Application{Name: String("retry-after")})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v2/clients/" + *app.ClientID

	inj.once("GET", path, http.StatusTooManyRequests, map[string]string{"Retry-After": "1"})
	got, err := c.GetApplication(ctx, *app.ClientID)
	if err != nil {
		t.Fatalf("GET after a 429: %v", err)
	}
	if *got.ClientID != *app.ClientID {
		t.Errorf("got client %s", *got.ClientID)
	}
	if n := inj.count("GET", path); n != 2 {
		t.Errorf("GETs seen = %d, want 2 (the 429 and the retry)", n)
	}
	if n := env.count("", "GET", "/api/v2/clients/{id}", 200); n != 1 {
		t.Errorf("GETs answered by the server = %d, want 1", n)
	}
	var waited bool
	for _, line := range env.log.find("retrying request") {
		if line.fields["path"] == path && line.fields["reason"] == "Retry-After" && line.fields["wait_ms"] == int64(1000) {
			waited = true
		}
	}
	if !waited {
		t.Errorf("no retry after Retry-After: 1 logged; lines: %v", env.log.find("retrying request"))
	}

	// A POST refused with 429 was not executed, so it is retried too.
	inj.once("POST", "/api/v2/clients", http.StatusTooManyRequests, map[string]string{"Retry-After": "1"})
	if _, err := c.CreateApplication(ctx, &Application{Name: String("after 429")}); err != nil {
		t.Fatalf("POST after a 429: %v", err)
	}
	if n := inj.count("POST", "/api/v2/clients"); n != 3 {
		t.Errorf("POST /api/v2/clients seen = %d, want 3 (1 earlier + 429 + retry)", n)
	}

	// A wait beyond the RetryTimeout budget is not waited: the 429 comes back.
	short := env.client(t, func(cfg *Config) { cfg.RetryTimeout = 500 * time.Millisecond })
	inj.once("GET", path, http.StatusTooManyRequests, map[string]string{"Retry-After": "5"})
	_, err = short.GetApplication(ctx, *app.ClientID)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.Code != "too_many_requests" {
		t.Fatalf("429 beyond the budget: got %v, want a 429 *Error", err)
	}
	if n := inj.count("GET", path); n != 3 {
		t.Errorf("GETs seen = %d, want 3 (no retry of the last 429)", n)
	}
}

// TestPlainPostNotRetriedAfter5xxButGetIs: a POST that is not a convergent
// create (rotate-secret) is not sent again after a 5xx; GET, PATCH and
// DELETE are, and so are the keyed creates.
func TestPlainPostNotRetriedAfter5xxButGetIs(t *testing.T) {
	t.Parallel()
	var inj *injector
	env := newTestEnv(t, server.Options{}, func(h http.Handler) http.Handler { inj = newInjector(h); return inj })
	ctx := t.Context()
	c := env.client(t)
	app, err := c.CreateApplication(ctx, &Application{Name: String("rotated")})
	if err != nil {
		t.Fatal(err)
	}
	rotate := "/api/v2/clients/" + *app.ClientID + "/rotate-secret"
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusInternalServerError} {
		before := inj.count("POST", rotate)
		inj.once("POST", rotate, status, nil)
		_, err := c.RotateApplicationSecret(ctx, *app.ClientID)
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
			t.Fatalf("POST after %d: got %v, want a %d *Error", status, err, status)
		}
		if apiErr.Method != "POST" || apiErr.Path != rotate {
			t.Errorf("error names %s %s", apiErr.Method, apiErr.Path)
		}
		if n := inj.count("POST", rotate) - before; n != 1 {
			t.Errorf("POSTs seen after a %d = %d, want exactly 1", status, n)
		}
	}
	if n := env.count("", "POST", "/api/v2/clients/{id}/rotate-secret", 0); n != 0 {
		t.Errorf("the server executed %d rotations, want 0", n)
	}

	// A keyed create is retried after a 5xx.
	inj.once("POST", "/api/v2/resource-servers", http.StatusServiceUnavailable, nil)
	rs, err := c.CreateResourceServer(ctx, &ResourceServer{Name: String("retry get"), Identifier: String("https://retry-get.example.com")})
	if err != nil {
		t.Fatalf("create after a 503: %v", err)
	}
	if n := inj.count("POST", "/api/v2/resource-servers"); n != 2 {
		t.Errorf("POSTs seen = %d, want 2 (the 503 and the retry)", n)
	}
	path := "/api/v2/resource-servers/" + *rs.ID
	inj.once("GET", path, http.StatusServiceUnavailable, nil)
	if _, err := c.GetResourceServer(ctx, *rs.ID); err != nil {
		t.Fatalf("GET after a 503: %v", err)
	}
	if n := inj.count("GET", path); n != 2 {
		t.Errorf("GETs seen = %d, want 2 (the 503 and the retry)", n)
	}
	// PATCH and DELETE are retried after a 5xx as well.
	inj.once("PATCH", path, http.StatusBadGateway, nil)
	if _, err := c.UpdateResourceServer(ctx, *rs.ID, &ResourceServer{Name: String("renamed")}); err != nil {
		t.Fatalf("PATCH after a 502: %v", err)
	}
	inj.once("DELETE", path, http.StatusServiceUnavailable, nil)
	if err := c.DeleteResourceServer(ctx, *rs.ID); err != nil {
		t.Fatalf("DELETE after a 503: %v", err)
	}
	if a, b := inj.count("PATCH", path), inj.count("DELETE", path); a != 2 || b != 2 {
		t.Errorf("PATCHes seen = %d, DELETEs seen = %d, want 2 each", a, b)
	}

	// 5xx on every attempt: MaxRetries, when set, bounds the tries.
	rs2, err := c.CreateResourceServer(ctx, &ResourceServer{Name: String("always 503"), Identifier: String("https://always-503.example.com")})
	if err != nil {
		t.Fatal(err)
	}
	path2 := "/api/v2/resource-servers/" + *rs2.ID
	inj.times(10, "GET", path2, http.StatusServiceUnavailable, nil)
	_, err = c.GetResourceServer(ctx, *rs2.ID)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Code != "temporarily_unavailable" {
		t.Fatalf("GET always 503: got %v", err)
	}
	var retryErr *RetryError
	if !errors.As(err, &retryErr) || retryErr.Attempts != 4 || !strings.Contains(err.Error(), "gave up after 4 attempts") ||
		!strings.Contains(err.Error(), "MaxRetries 3") {
		t.Errorf("GET always 503: error %v does not say it gave up after 4 attempts at MaxRetries 3", err)
	}
	if n := inj.count("GET", path2); n != 4 {
		t.Errorf("GETs seen = %d, want 4 (1 + MaxRetries 3)", n)
	}

	// MaxRetries 0: no count cap, the budget alone decides.
	uncapped := env.client(t, func(cfg *Config) { cfg.MaxRetries = 0 })
	inj.times(6, "GET", path2, http.StatusServiceUnavailable, nil)
	if _, err := uncapped.GetResourceServer(ctx, *rs2.ID); err != nil {
		t.Fatalf("GET after 6 503s without a count cap: %v", err)
	}
}

// TestDropAfterCommit: a plain POST whose connection drops after the server
// committed it is not sent again, and the error says it may have taken
// effect; an idempotent PATCH is retried.
func TestDropAfterCommit(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	c := env.client(t)
	app, err := c.CreateApplication(ctx, &Application{Name: String("dropped rotate")})
	if err != nil {
		t.Fatal(err)
	}
	env.srv.SetFaults(server.Faults{DropAfterCommit: 1, Seed: 1})
	_, err = c.RotateApplicationSecret(ctx, *app.ClientID)
	env.srv.SetFaults(server.Faults{})
	if err == nil {
		t.Fatal("a dropped POST returned no error")
	}
	var apiErr *Error
	if errors.As(err, &apiErr) {
		t.Fatalf("a dropped connection surfaced as an HTTP error: %v", err)
	}
	t.Logf("dropped POST: %v", err)
	if !strings.Contains(err.Error(), "may have taken effect") {
		t.Errorf("the error does not say the POST may have taken effect: %v", err)
	}
	// The server counts a dropped request after closing the connection,
	// so the counter may trail the client's error: poll.
	if n := env.eventuallyCount("", "POST", "/api/v2/clients/{id}/rotate-secret", 1); n != 1 {
		env.dumpCounts(t)
		t.Errorf("POSTs that reached the server = %d, want 1", n)
	}

	// A PATCH is idempotent: a dropped connection is retried (and dropped
	// again here, MaxRetries times).
	rs, err := c.CreateResourceServer(ctx, &ResourceServer{Name: String("dropped"), Identifier: String("https://dropped.example.com/api")})
	if err != nil {
		t.Fatal(err)
	}
	env.srv.SetFaults(server.Faults{DropAfterCommit: 1, Seed: 1})
	_, err = c.UpdateResourceServer(ctx, *rs.ID, &ResourceServer{Name: String("patched")})
	env.srv.SetFaults(server.Faults{})
	if err == nil {
		t.Fatal("dropped PATCHes returned no error")
	}
	if n := env.eventuallyCount("", "PATCH", "/api/v2/resource-servers/{id}", 4); n != 4 {
		t.Errorf("PATCH attempts = %d, want 4 (1 + MaxRetries 3)", n)
	}
}

func TestConnectionRefusedPostIsRetried(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	// With client credentials the POST is the token request; with an API
	// token it is the Management API create itself.
	for _, creds := range []Config{{ClientID: "id", ClientSecret: "secret"}, {APIToken: "token"}} {
		log := &recLogger{}
		cfg := creds
		cfg.Domain, cfg.MaxRetries, cfg.Logger = "http://"+addr, 2, log
		cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, 5*time.Millisecond
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.CreateApplication(t.Context(), &Application{Name: String("x")})
		if err == nil || !strings.Contains(err.Error(), "refused") {
			t.Fatalf("got %v, want connection refused", err)
		}
		t.Logf("refused: %v", err)
		failed := log.find("HTTP request failed")
		if len(failed) != 3 {
			t.Errorf("attempts = %d, want 3 (1 + MaxRetries 2)", len(failed))
		}
		for _, line := range failed {
			if line.fields["method"] != "POST" {
				t.Errorf("attempt logged as %v", line)
			}
		}
		if n := len(log.find("retrying request")); n != 2 {
			t.Errorf("retries logged = %d, want 2", n)
		}
	}
}
