package mgmt

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// Verify requests the token once; the calls after it use the cached one.
func TestVerifyCachesTheToken(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	c := env.client(t)
	if err := c.Verify(t.Context()); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if n := env.count("", "POST", "/oauth/token", 0); n != 1 {
		t.Fatalf("token requests after Verify = %d, want 1", n)
	}
	if err := c.Verify(t.Context()); err != nil {
		t.Fatalf("second Verify: %v", err)
	}
	if _, err := c.ListApplications(t.Context(), ApplicationFilter{}); err != nil {
		t.Fatal(err)
	}
	if n := env.count("", "POST", "/oauth/token", 0); n != 1 {
		env.dumpCounts(t)
		t.Fatalf("token requests after Verify, Verify and a call = %d, want 1", n)
	}
}

func TestVerifyErrors(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)

	bad := env.client(t, func(cfg *Config) { cfg.ClientSecret = "wrong" })
	err := bad.Verify(t.Context())
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized || !apiErr.IsTokenRequest() {
		t.Fatalf("wrong secret: got %v, want a 401 *Error of the token request", err)
	}

	audience := env.client(t, func(cfg *Config) { cfg.Audience = "https://not-an-api.example.com/" })
	err = audience.Verify(t.Context())
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden || apiErr.Code != "access_denied" ||
		!apiErr.IsTokenRequest() {
		t.Fatalf("wrong audience: got %v, want a 403 access_denied *Error of the token request", err)
	}

	token := env.client(t, func(cfg *Config) { cfg.ClientID, cfg.ClientSecret, cfg.APIToken = "", "", "t" })
	env.srv.ResetCounts()
	if err := token.Verify(t.Context()); err != nil {
		t.Fatalf("Verify with an API token: %v", err)
	}
	if n := env.count("", "POST", "/oauth/token", 0); n != 0 {
		t.Errorf("Verify with an API token made %d token requests, want 0", n)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	down := env.client(t, func(cfg *Config) { cfg.Domain, cfg.MaxRetries = closed, 0 })
	err = down.Verify(t.Context())
	if err == nil || errors.As(err, &apiErr) {
		t.Fatalf("closed port: got %v, want a connection error", err)
	}
	if got, want := down.TokenURL(), closed+"/oauth/token"; got != want {
		t.Errorf("TokenURL = %q, want %q", got, want)
	}
}

func TestErrorIsTokenRequest(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]bool{
		"/oauth/token":                 true,
		"/tenants/acme/oauth/token":    true,
		"/api/v2/clients":              false,
		"/api/v2/clients/oauth/tokens": false,
	} {
		e := &Error{Method: http.MethodPost, Path: path}
		if got := e.IsTokenRequest(); got != want {
			t.Errorf("IsTokenRequest(POST %s) = %v, want %v", path, got, want)
		}
	}
	if (&Error{Method: http.MethodGet, Path: "/oauth/token"}).IsTokenRequest() {
		t.Error("a GET is not a token request")
	}
	c, err := New(Config{Domain: "http://127.0.0.1:1/tenants/x", APIToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.DefaultAudience(); !strings.HasSuffix(got, "/tenants/x/api/v2/") {
		t.Errorf("DefaultAudience = %q", got)
	}
}
