package mgmt

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

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
