package mgmt

import (
	"errors"
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

// TestStaleTokenScopeRefresh: the provider's own client gains a scope after
// its token was issued; the 403 insufficient_scope costs one fresh token.
func TestStaleTokenScopeRefresh(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	admin := env.client(t)
	app, err := admin.CreateApplication(ctx, &Application{Name: String("provider")})
	if err != nil {
		t.Fatal(err)
	}
	g, err := admin.CreateClientGrant(ctx, &ClientGrant{ClientID: app.ClientID, Audience: String(admin.Audience()), Scope: &[]string{"read:clients"}})
	if err != nil {
		t.Fatal(err)
	}
	c := env.client(t, func(cfg *Config) { cfg.ClientID, cfg.ClientSecret = *app.ClientID, *app.ClientSecret })
	if _, err := c.ListApplications(ctx, ApplicationFilter{}); err != nil { // the token, with read:clients only
		t.Fatal(err)
	}
	if _, err := admin.UpdateClientGrant(ctx, *g.ID, &ClientGrant{Scope: &[]string{"read:clients", "read:resource_servers"}}); err != nil {
		t.Fatal(err)
	}
	env.srv.ResetCounts()
	if _, err := c.ListResourceServers(ctx); err != nil {
		t.Fatalf("call after the grant gained its scope: %v", err)
	}
	if n := env.count("", "POST", "/oauth/token", 200); n != 1 {
		t.Errorf("token requests = %d, want exactly 1 extra", n)
	}
	if a, b := env.count("", "GET", "/api/v2/resource-servers", 403), env.count("", "GET", "/api/v2/resource-servers", 200); a != 1 || b != 1 {
		t.Errorf("403s = %d, 200s = %d, want 1 each", a, b)
	}

	// A scope still missing: one fresh token, then the 403.
	env.srv.ResetCounts()
	_, err = c.ListTenants(ctx)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 403 || apiErr.Code != "insufficient_scope" {
		t.Fatalf("missing scope: got %v", err)
	}
	if n, m := env.count("", "POST", "/oauth/token", 200), env.count("", "GET", "/api/v2/tenants", 403); n != 1 || m != 2 {
		t.Errorf("missing scope: %d token requests, %d 403s, want 1 and 2", n, m)
	}
}

// TestTokenRequestRetried: a token request has no effect on the server
// beyond the token, so a 503 and a lost answer are retried like a GET's,
// and the call that needed the token succeeds.
func TestTokenRequestRetried(t *testing.T) {
	t.Parallel()
	var inj *injector
	env := newTestEnv(t, server.Options{}, func(h http.Handler) http.Handler { inj = newInjector(h); return inj })
	inj.once("POST", "/oauth/token", http.StatusServiceUnavailable, nil)
	inj.dropOnce("POST", "/oauth/token")
	c := env.client(t)
	if _, err := c.ListTenants(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := inj.count("POST", "/oauth/token"); n != 3 { // the 503, the drop, the token
		t.Errorf("token requests seen = %d, want 3", n)
	}
}

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
			if _, err := c2.ListApplications(ctx, ApplicationFilter{}); err != nil {
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
	if _, err := c2.ListApplications(ctx, ApplicationFilter{}); err != nil {
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
		if _, err := c.ListApplications(ctx, ApplicationFilter{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := env.count("", "POST", "/oauth/token", 0); n != 0 {
		t.Errorf("token requests with a static API token = %d, want 0", n)
	}
	bad := env.client(t, func(cfg *Config) { cfg.ClientID, cfg.ClientSecret, cfg.APIToken = "", "", "not-a-jwt" })
	_, err = bad.ListApplications(ctx, ApplicationFilter{})
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
	if _, err := c.ListApplications(ctx, ApplicationFilter{}); err != nil {
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
	_, err = badAuth.ListApplications(ctx, ApplicationFilter{})
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
