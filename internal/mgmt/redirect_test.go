package mgmt

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// A server that redirects gets an error naming where it pointed, and the
// place it pointed to gets nothing: not the bearer token of a Management
// API call, not the client secret of a token request (the provider's own,
// or idp_token's to another domain). Config.HTTPClient is the HTTPS test
// server's client, whose own policy would follow redirects.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	t.Parallel()
	const (
		bearer = "sentinel-bearer-token-0123456789"
		secret = "sentinel-client-secret-0123456789"
	)
	// The target: plain HTTP on another loopback port.
	var targetHits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		targetHits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"stolen","token_type":"Bearer","expires_in":3600,"client_id":"x"}`))
	}))
	t.Cleanup(target.Close)
	port := target.URL[strings.LastIndex(target.URL, ":")+1:]
	targets := map[string]string{
		"another port":      "http://127.0.0.1:" + port,
		"another host name": "http://localhost:" + port,
	}
	endpoints := map[string]struct {
		path string
		call func(t *testing.T, domain string, hc *http.Client) error
	}{
		"management API": {"/api/v2/clients/abc", func(t *testing.T, domain string, hc *http.Client) error {
			c := quickClient(t, Config{Domain: domain, APIToken: bearer, HTTPClient: hc})
			_, err := c.GetApplication(t.Context(), "abc")
			return err
		}},
		"token endpoint": {"/oauth/token", func(t *testing.T, domain string, hc *http.Client) error {
			c := quickClient(t, Config{Domain: domain, ClientID: "id", ClientSecret: secret, HTTPClient: hc})
			return c.Verify(t.Context())
		}},
		"token endpoint of another domain": {"/oauth/token", func(t *testing.T, domain string, hc *http.Client) error {
			c := quickClient(t, Config{Domain: "https://idp.example.com", APIToken: bearer, HTTPClient: hc})
			_, err := c.RequestToken(t.Context(), TokenRequest{Domain: domain, ClientID: "id", ClientSecret: secret})
			return err
		}},
	}
	for targetName, to := range targets {
		for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
			for name, ep := range endpoints {
				t.Run(targetName+"/"+http.StatusText(status)+"/"+name, func(t *testing.T) {
					var sourceHits atomic.Int32
					source := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						sourceHits.Add(1)
						http.Redirect(w, r, to+r.URL.Path, status)
					}))
					t.Cleanup(source.Close)

					err := ep.call(t, source.URL, source.Client())
					var redirect *RedirectError
					if !errors.As(err, &redirect) {
						t.Fatalf("got %v, want a *RedirectError", err)
					}
					want := to + ep.path
					if redirect.StatusCode != status || redirect.Location != want {
						t.Errorf("RedirectError = %d %q, want %d %q", redirect.StatusCode, redirect.Location, status, want)
					}
					for _, s := range []string{"redirected to " + want + ", not followed",
						"credentials are only ever sent to the configured domain"} {
						if !strings.Contains(err.Error(), s) {
							t.Errorf("error %q does not say %q", err, s)
						}
					}
					if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), bearer) {
						t.Errorf("error carries a credential: %v", err)
					}
					if n := sourceHits.Load(); n != 1 {
						t.Errorf("the redirecting server got %d requests, want 1 (a redirect is not retried)", n)
					}
					if n := targetHits.Load(); n != 0 {
						t.Errorf("the redirect's target got %d requests", n)
					}
				})
			}
		}
	}
}

// A Location with user info is shown without it.
func TestRedirectErrorHidesUserInfo(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest(http.MethodGet, "https://idp.example.com/api/v2/clients", nil)
	resp := &http.Response{StatusCode: http.StatusMovedPermanently, Header: http.Header{"Location": {"https://user:pass@elsewhere.example/x"}}}
	err := redirectError(req, resp)
	if err == nil || strings.Contains(err.Error(), "user") || strings.Contains(err.Error(), "pass") ||
		!strings.Contains(err.Error(), "https://elsewhere.example/x") {
		t.Errorf("redirectError = %v", err)
	}
	resp.Header.Set("Location", "/relative")
	if err := redirectError(req, resp); err == nil || !strings.Contains(err.Error(), "https://idp.example.com/relative") {
		t.Errorf("relative Location: %v", err)
	}
	resp.Header.Del("Location")
	if err := redirectError(req, resp); err != nil {
		t.Errorf("3xx without Location: %v", err)
	}
}
