package mgmt

import (
	"errors"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

func TestOneTokenRequestForManyCalls(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()

	c := env.client(t)
	for i := range 20 {
		if _, err := c.ListResourceServers(ctx); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if n := env.count("", "POST", "/oauth/token", 0); n != 1 {
		env.dumpCounts(t)
		t.Fatalf("token requests after 20 sequential calls = %d, want 1", n)
	}
	if n := env.count("", "GET", "/api/v2/resource-servers", 200); n != 20 {
		t.Errorf("GET /api/v2/resource-servers = %d, want 20", n)
	}

	// Concurrent first calls of a fresh client: still one token request.
	env.srv.ResetCounts()
	c2 := env.client(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			if _, err := c2.ListApplications(ctx); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := env.count("", "POST", "/oauth/token", 0); n != 1 {
		env.dumpCounts(t)
		t.Fatalf("token requests after 20 concurrent first calls = %d, want 1", n)
	}

	// The cached token is replaced shortly before it expires: min(60s, 10%).
	c2.tokens.mu.Lock()
	tok, refreshAt := c2.tokens.tok, c2.tokens.refreshAt
	c2.tokens.mu.Unlock()
	if margin := tok.expiry.Sub(refreshAt); margin <= 0 || margin > maxRefreshMargin {
		t.Errorf("refresh margin %s, want (0, %s]", margin, maxRefreshMargin)
	}
	// Once past that point, the next call asks for a new token.
	c2.tokens.mu.Lock()
	c2.tokens.refreshAt = time.Now().Add(-time.Second)
	c2.tokens.mu.Unlock()
	if _, err := c2.ListApplications(ctx); err != nil {
		t.Fatal(err)
	}
	if n := env.count("", "POST", "/oauth/token", 0); n != 2 {
		t.Errorf("token requests after the refresh point = %d, want 2", n)
	}
}

func TestStaticAPIToken(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	admin := env.client(t)
	tok, err := admin.RequestToken(ctx, TokenRequest{
		ClientID: env.srv.AdminClientID(), ClientSecret: env.srv.AdminClientSecret(), Audience: admin.Audience(),
	})
	if err != nil {
		t.Fatal(err)
	}
	env.srv.ResetCounts()
	c := env.client(t, func(cfg *Config) { cfg.ClientID, cfg.ClientSecret, cfg.APIToken = "", "", tok.AccessToken })
	for range 3 {
		if _, err := c.ListApplications(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := env.count("", "POST", "/oauth/token", 0); n != 0 {
		t.Errorf("token requests with a static API token = %d, want 0", n)
	}
	bad := env.client(t, func(cfg *Config) { cfg.ClientID, cfg.ClientSecret, cfg.APIToken = "", "", "not-a-jwt" })
	_, err = bad.ListApplications(ctx)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
		t.Fatalf("bad API token: got %v, want a 401 *Error", err)
	}
	if n := env.count("", "GET", "/api/v2/clients", 401); n != 1 {
		t.Errorf("a static token refused with 401 was retried: %d GETs", n)
	}
}

// TestUnauthorizedRefreshesToken moves the server's clock past the cached
// token's expiry: the server answers 401, and the client drops the token and
// retries once with a fresh one.
func TestUnauthorizedRefreshesToken(t *testing.T) {
	t.Parallel()
	var offset atomic.Int64
	env := newTestEnv(t, server.Options{Now: func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }}, nil)
	ctx := t.Context()
	c := env.client(t)
	if _, err := c.ListApplications(ctx); err != nil {
		t.Fatal(err)
	}
	offset.Store(int64(48 * time.Hour))
	if _, err := c.CreateApplication(ctx, &Application{Name: String("after clock jump")}); err != nil {
		t.Fatalf("create after the server clock jumped: %v", err)
	}
	if n := env.count("", "POST", "/oauth/token", 200); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}
	if n := env.count("", "POST", "/api/v2/clients", 401); n != 1 {
		t.Errorf("401 answers = %d, want 1", n)
	}
	if n := env.count("", "POST", "/api/v2/clients", 201); n != 1 {
		t.Errorf("creates = %d, want 1", n)
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

func TestLimiterStaysUnderServerRateLimit(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	setup := env.client(t)
	rs, err := setup.CreateResourceServer(ctx, &ResourceServer{Name: String("paced"), Identifier: String("https://paced.example.com")})
	if err != nil {
		t.Fatal(err)
	}
	env.srv.SetRateLimit(50)
	env.srv.ResetCounts()

	c := env.client(t, func(cfg *Config) { cfg.RetryTimeout = 20 * time.Second; cfg.Logger = nil })
	var wg sync.WaitGroup
	var failed atomic.Int64
	errs := make(chan error, 200)
	for g := range 20 {
		wg.Go(func() {
			for i := range 10 {
				var err error
				if (g+i)%2 == 0 {
					_, err = c.GetResourceServer(ctx, *rs.ID)
				} else {
					_, err = c.GetResourceServer(ctx, *rs.Identifier)
				}
				if err != nil {
					failed.Add(1)
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("call failed: %v", err)
	}
	seen429 := env.countStatus(http.StatusTooManyRequests)
	ok := env.count("", "GET", "/api/v2/resource-servers/{id}", 200)
	t.Logf("200 calls at a server limit of 50/s: %d answered 200, %d 429s seen on the wire, pacer at %v/s",
		ok, seen429, c.pacer.limit())
	if ok != 200 || failed.Load() != 0 {
		env.dumpCounts(t)
		t.Fatalf("%d calls answered 200, %d failed", ok, failed.Load())
	}
	if seen429 > 10 {
		env.dumpCounts(t)
		t.Errorf("%d 429s on the wire: the limiter does not keep under the server's budget", seen429)
	}
}

func TestErrorsAreTyped(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	c := env.client(t)

	_, err := c.GetApplication(ctx, "doesnotexist")
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("404: got %T %v", err, err)
	}
	if apiErr.StatusCode != 404 || apiErr.Code != "inexistent_client" || apiErr.Message == "" ||
		apiErr.Method != "GET" || apiErr.Path != "/api/v2/clients/doesnotexist" {
		t.Errorf("404 error = %+v", apiErr)
	}
	if !IsNotFound(err) || IsConflict(err) {
		t.Error("IsNotFound/IsConflict wrong for a 404")
	}
	if want := "GET /api/v2/clients/doesnotexist: 404 Not Found: "; !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "(inexistent_client)") {
		t.Errorf("Error() = %q", err.Error())
	}
	for _, get := range []func() error{
		func() error { _, err := c.GetResourceServer(ctx, "https://nope.example.com"); return err },
		func() error { _, err := c.GetClientGrant(ctx, "cgr_0000000000000000"); return err },
		func() error { _, err := c.GetTenant(ctx, "nope"); return err },
	} {
		if err := get(); !IsNotFound(err) {
			t.Errorf("want 404, got %v", err)
		}
	}

	rs := &ResourceServer{Name: String("dup"), Identifier: String("https://dup.example.com")}
	if _, err := c.CreateResourceServer(ctx, rs); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateResourceServer(ctx, rs)
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 409 || apiErr.Code != "conflict" || !IsConflict(err) || IsNotFound(err) {
		t.Errorf("409: got %v", err)
	}

	_, err = c.CreateResourceServer(ctx, &ResourceServer{Name: String("bad"), Identifier: String("https://bad.example.com"), SigningAlg: String("XX256")})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Code != "invalid_body" || apiErr.Message == "" {
		t.Errorf("400: got %v", err)
	}

	// Deleting what does not exist is a success (204).
	if err := c.DeleteApplication(ctx, "doesnotexist"); err != nil {
		t.Errorf("delete of a missing client: %v", err)
	}
}

func TestRequestToken(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	c := env.client(t)

	api, err := c.CreateResourceServer(ctx, &ResourceServer{
		Name: String("content"), Identifier: String("https://content.example.com"),
		Scopes:        &[]ResourceServerScope{{Value: "read:content"}, {Value: "post:content"}, {Value: "delete:content"}},
		TokenLifetime: Int64(3600),
	})
	if err != nil {
		t.Fatal(err)
	}
	app, err := c.CreateApplication(ctx, &Application{Name: String("satellite")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateClientGrant(ctx, &ClientGrant{
		ClientID: app.ClientID, Audience: api.Identifier, Scope: &[]string{"read:content", "post:content"},
	}); err != nil {
		t.Fatal(err)
	}
	req := TokenRequest{ClientID: *app.ClientID, ClientSecret: *app.ClientSecret, Audience: *api.Identifier}

	env.srv.ResetCounts()
	all, err := c.RequestToken(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if all.AccessToken == "" || all.TokenType != "Bearer" || all.ExpiresIn != 3600 {
		t.Errorf("token = type %q expires_in %d", all.TokenType, all.ExpiresIn)
	}
	if got := strings.Fields(all.Scope); !sameSet(got, []string{"read:content", "post:content"}) {
		t.Errorf("all granted scopes: %q", all.Scope)
	}

	narrow := req
	narrow.Scopes = []string{"post:content"}
	limited, err := c.RequestToken(ctx, narrow)
	if err != nil {
		t.Fatal(err)
	}
	if limited.Scope != "post:content" {
		t.Errorf("narrowed scope = %q", limited.Scope)
	}
	// Not cached: each RequestToken is a token request (plus the client's
	// own Management API token, requested by the first call above).
	if n := env.count("", "POST", "/oauth/token", 200); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}

	ungranted := req
	ungranted.Scopes = []string{"delete:content"}
	_, err = c.RequestToken(ctx, ungranted)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 403 || apiErr.Code != "access_denied" ||
		apiErr.Message != "Client has not been granted scopes: delete:content" {
		t.Errorf("ungranted scope: got %#v", err)
	}
	if apiErr != nil && (apiErr.Method != "POST" || apiErr.Path != "/oauth/token") {
		t.Errorf("token error names %s %s", apiErr.Method, apiErr.Path)
	}

	unknown := req
	unknown.Audience = "https://unknown.example.com"
	_, err = c.RequestToken(ctx, unknown)
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 403 || apiErr.Code != "access_denied" ||
		apiErr.Message != "Service not found: https://unknown.example.com" {
		t.Errorf("unknown audience: got %v", err)
	}

	wrong := req
	wrong.ClientSecret = "wrong-secret"
	_, err = c.RequestToken(ctx, wrong)
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Code != "access_denied" {
		t.Errorf("wrong secret: got %v", err)
	}
	if n := env.count("", "POST", "/oauth/token", 401); n != 1 {
		t.Errorf("a 401 token request was retried: %d", n)
	}

	// Default credentials: the client's own (the root admin).
	own, err := c.RequestToken(ctx, TokenRequest{Audience: c.Audience(), Scopes: []string{"read:clients"}})
	if err != nil || own.Scope != "read:clients" {
		t.Errorf("own credentials: %v %+v", err, own)
	}
	// A client-credentials error during a Management API call is an *Error too.
	badAuth := env.client(t, func(cfg *Config) { cfg.ClientSecret = "wrong" })
	_, err = badAuth.ListApplications(ctx)
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Path != "/oauth/token" {
		t.Errorf("bad admin credentials: got %v", err)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

// TestLimiterRecoversFromAnUnknownLimit starts a burst larger than the
// server's whole bucket before the client has seen any rate-limit header:
// the first wave bounces (429, Retry-After), the pacer adapts, and no 429
// reaches a caller.
func TestLimiterRecoversFromAnUnknownLimit(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	c := env.client(t, func(cfg *Config) { cfg.RetryTimeout = 20 * time.Second; cfg.Logger = nil })
	if _, err := c.ListApplications(ctx); err != nil { // token first, before any limit exists
		t.Fatal(err)
	}
	// A limit the first wave of 20 concurrent calls exceeds.
	env.srv.SetRateLimit(10)
	env.srv.ResetCounts()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 20 {
		wg.Go(func() {
			for range 2 {
				if _, err := c.GetApplication(ctx, env.srv.AdminClientID()); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("call failed: %v", err)
	}
	ok := env.count("", "GET", "/api/v2/clients/{id}", 200)
	t.Logf("40 calls at a server limit of 10/s, limit unknown at first: %d answered 200, %d 429s seen on the wire",
		ok, env.countStatus(http.StatusTooManyRequests))
	if ok != 40 {
		env.dumpCounts(t)
		t.Errorf("%d calls answered 200, want 40", ok)
	}
}
