package mgmt

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

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
