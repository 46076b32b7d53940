package mgmt

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestInterrupted: a call whose context is cancelled says it was
// interrupted and what it was doing, and whether a create may have run;
// it is context.Canceled, not a connection problem.
func TestInterrupted(t *testing.T) {
	t.Parallel()
	create := func(ctx context.Context, c *Client) error {
		_, err := c.CreateApplication(ctx, &Application{Name: String("x")})
		return err
	}
	rotate := func(ctx context.Context, c *Client) error {
		_, err := c.RotateApplicationSecret(ctx, "abc")
		return err
	}
	read := func(ctx context.Context, c *Client) error {
		_, err := c.GetApplication(ctx, "abc")
		return err
	}
	hourly := func(cfg *Config) {
		cfg.RetryWaitMin, cfg.RetryWaitMax, cfg.RetryTimeout, cfg.MaxRetries = time.Hour, time.Hour, 2*time.Hour, 0
	}
	for _, tc := range []struct {
		name   string
		client func(t *testing.T, log *cancelLogger) *Client
		call   func(context.Context, *Client) error
		cancel time.Duration // after the call starts; 0: when log.msg is logged
		msg    string
		want   string
		known  bool
	}{
		{"pacer wait", func(t *testing.T, log *cancelLogger) *Client {
			c := loopClient(t, &loopServer{answers: []func(http.ResponseWriter){status(200, `{}`)}},
				func(cfg *Config) { cfg.RequestsPerSecond = 0.001 })
			if err := read(t.Context(), c); err != nil { // takes the one token of the burst
				t.Fatal(err)
			}
			return c
		}, create, 50 * time.Millisecond, "", "POST /api/v2/clients: interrupted (the operation was cancelled) " +
			"while waiting for the request pacer", true},
		{"backoff after a 429", func(t *testing.T, log *cancelLogger) *Client {
			return loopClient(t, &loopServer{answers: []func(http.ResponseWriter){status(429, `{}`)}},
				hourly, func(cfg *Config) { cfg.Logger = log })
		}, rotate, 0, "retrying request", "POST /api/v2/clients/abc/rotate-secret: interrupted (the operation was " +
			"cancelled) while waiting <d> to retry after attempt 1 failed (status 429)", true},
		{"backoff after a 503 of a create", func(t *testing.T, log *cancelLogger) *Client {
			return loopClient(t, &loopServer{answers: []func(http.ResponseWriter){status(503, `{}`)}},
				hourly, func(cfg *Config) { cfg.Logger = log })
		}, func(ctx context.Context, c *Client) error {
			_, err := c.CreateResourceServer(ctx, &ResourceServer{Name: String("x"), Identifier: String("https://x/")})
			return err
		}, 0, "retrying request", "POST /api/v2/resource-servers: interrupted (the operation was cancelled) while " +
			"waiting <d> to retry after attempt 1 failed (status 503); whether the request took effect on the " +
			"server is not known; the resource server may or may not have been created: look for a resource server " +
			`with identifier "https://x/", and import it or delete it before trying again`, false},
		{"read in flight", func(t *testing.T, log *cancelLogger) *Client {
			ts, _ := stallingServer(t, true)
			return quickClient(t, Config{Domain: ts.URL, APIToken: "tok"})
		}, read, 50 * time.Millisecond, "", "GET /api/v2/clients/abc: interrupted (the operation was cancelled) " +
			"while sending the request (attempt 1)", true},
		{"rotation in flight", func(t *testing.T, log *cancelLogger) *Client {
			ts, _ := stallingServer(t, true)
			return quickClient(t, Config{Domain: ts.URL, APIToken: "tok"})
		}, rotate, 50 * time.Millisecond, "", "POST /api/v2/clients/abc/rotate-secret: interrupted (the operation was cancelled) " +
			"while sending the request (attempt 1); whether the request took effect on the server is not known", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			log := &cancelLogger{msg: tc.msg}
			c := tc.client(t, log)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			log.mu.Lock()
			log.cancel = cancel
			log.mu.Unlock()
			if tc.cancel > 0 {
				time.AfterFunc(tc.cancel, cancel)
			}
			err := tc.call(ctx, c)
			var ie *InterruptedError
			if !errors.As(err, &ie) || !errors.Is(err, context.Canceled) || !IsInterrupted(err) {
				t.Fatalf("got %T %v, want an *InterruptedError that is context.Canceled", err, err)
			}
			want := strings.ReplaceAll(regexp.QuoteMeta(tc.want), "<d>", `[0-9hms.]+`)
			if !regexp.MustCompile("^" + want + "$").MatchString(err.Error()) {
				t.Errorf("got  %q\nwant %q", err, tc.want)
			}
			if ie.Unknown == tc.known {
				t.Errorf("Unknown = %v", ie.Unknown)
			}
			for _, bad := range []string{"domain", "server is running", "context canceled"} {
				if strings.Contains(err.Error(), bad) {
					t.Errorf("%q says %q", err, bad)
				}
			}
		})
	}
}

// TestNotInterruptedByDeadline: a deadline is no interrupt.
func TestNotInterruptedByDeadline(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(ts.Close)
	c := quickClient(t, Config{Domain: ts.URL, APIToken: "tok"})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := c.ListTenants(ctx)
	if err == nil || IsInterrupted(err) {
		t.Errorf("got %v, want a failure that is no interrupt", err)
	}
}
