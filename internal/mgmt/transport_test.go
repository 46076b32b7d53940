package mgmt

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A host that does not exist fails the call at its first attempt, with one
// message that says so, instead of being retried for the whole budget.
func TestUnresolvableHostFailsAtOnce(t *testing.T) {
	t.Parallel()
	const host = "nonexistent.invalid" // .invalid never resolves (RFC 2606)
	var probe *net.DNSError
	if _, err := net.DefaultResolver.LookupHost(t.Context(), host); !errors.As(err, &probe) || !probe.IsNotFound {
		t.Skipf("this machine's resolver does not answer that %s does not exist: %v", host, err)
	}
	calls := map[string]struct {
		cfg  Config
		call func(c *Client) error
	}{
		"token request": {Config{ClientID: "id", ClientSecret: "secret"}, func(c *Client) error { return c.Verify(t.Context()) }},
		"management API": {Config{APIToken: "tok"}, func(c *Client) error {
			_, err := c.GetApplication(t.Context(), "abc")
			return err
		}},
	}
	for name, tc := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			log := &recLogger{}
			// A budget long enough that retrying would show.
			cfg := tc.cfg
			cfg.Domain, cfg.RetryTimeout, cfg.RetryWaitMin, cfg.Logger = host, time.Minute, 10*time.Millisecond, log
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = tc.call(c)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			var retry *RetryError
			if errors.As(err, &retry) || !IsHostNotFound(err) {
				t.Errorf("err = %v (%T), want a host-not-found error, not retried", err, err)
			}
			if !strings.Contains(msg, "the host "+host+" does not resolve (no such host)") || strings.Count(msg, host) != 1 {
				t.Errorf("message %q does not say once that %s does not resolve", msg, host)
			}
			if n := len(log.find("HTTP request failed")); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
		})
	}
}

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

// A server that stalls costs one attempt, not the whole budget: the
// attempt times out and the policy treats it as a lost connection,
// retried for a GET and a token request, and not for a plain POST, whose
// error says it may have taken effect.
func TestAttemptTimeout(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		beforeHeaders bool
		call          func(ctx context.Context, c *Client) error
		attempts      int32
		want          string
	}{
		{"GET, slow body", false, func(ctx context.Context, c *Client) error {
			_, err := c.GetApplication(ctx, "abc")
			return err
		}, 3, "the retry limit (MaxRetries 2) was reached"},
		{"GET, no headers", true, func(ctx context.Context, c *Client) error {
			_, err := c.GetApplication(ctx, "abc")
			return err
		}, 3, "the retry limit (MaxRetries 2) was reached"},
		{"token request, slow body", false, func(ctx context.Context, c *Client) error {
			_, err := c.RequestToken(ctx, TokenRequest{ClientID: "id", ClientSecret: "secret"})
			return err
		}, 3, "the retry limit (MaxRetries 2) was reached"},
		{"POST, slow body", false, func(ctx context.Context, c *Client) error {
			_, err := c.RotateApplicationSecret(ctx, "abc")
			return err
		}, 1, "it may have taken effect"},
		{"POST, no headers", true, func(ctx context.Context, c *Client) error {
			_, err := c.RotateApplicationSecret(ctx, "abc")
			return err
		}, 1, "it may have taken effect"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts, requests := stallingServer(t, tc.beforeHeaders)
			c, err := New(Config{Domain: ts.URL, APIToken: "tok", AttemptTimeout: 50 * time.Millisecond,
				MaxRetries: 2, RetryTimeout: 10 * time.Second, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			// Without an attempt timeout the call would last until this
			// deadline.
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			err = tc.call(ctx, c)
			if err == nil || ctx.Err() != nil {
				t.Fatalf("err = %v, context: %v", err, ctx.Err())
			}
			for _, s := range []string{"no complete answer within the attempt timeout (50ms)", tc.want} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("the attempt's timeout reads as the caller's: %v", err)
			}
			if n := requests.Load(); n != tc.attempts {
				t.Errorf("%d attempts, want %d", n, tc.attempts)
			}
		})
	}
}

// An attempt never runs past the call's budget: with the default attempt
// timeout of 30s and a budget of 300ms, a server that stalls costs the
// budget, not 30s.
func TestAttemptTimeoutCappedByBudget(t *testing.T) {
	t.Parallel()
	calls := map[string]func(ctx context.Context, c *Client) error{
		"GET": func(ctx context.Context, c *Client) error {
			_, err := c.GetApplication(ctx, "abc")
			return err
		},
		"token request": func(ctx context.Context, c *Client) error {
			_, err := c.RequestToken(ctx, TokenRequest{ClientID: "id", ClientSecret: "secret"})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ts, requests := stallingServer(t, true)
			c, err := New(Config{Domain: ts.URL, APIToken: "tok", RetryTimeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			start := time.Now()
			err = call(ctx, c)
			if elapsed := time.Since(start); elapsed > 10*time.Second || ctx.Err() != nil {
				t.Fatalf("the call took %s (context: %v): the attempt outlasted the budget", elapsed, ctx.Err())
			}
			var re *RetryError
			if !errors.As(err, &re) || re.Reason != "the retry timeout (300ms) ran out" ||
				!strings.Contains(err.Error(), "no complete answer before the retry timeout (300ms) ran out") {
				t.Errorf("err = %v, want a *RetryError saying the budget ran out", err)
			}
			if n := requests.Load(); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
		})
	}
}
