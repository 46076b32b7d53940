package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// sleepRecorder is an Options.Sleep that records the delays instead of
// waiting them out, and whether the root tenant's lock was free meanwhile.
type sleepRecorder struct {
	mu     sync.Mutex
	delays []time.Duration
	locked bool
	srv    *Server
}

func (r *sleepRecorder) sleep(_ context.Context, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.delays = append(r.delays, d)
	if r.srv != nil {
		root := r.srv.lookupTenant(RootTenant)
		if root.mu.TryLock() {
			root.mu.Unlock()
		} else {
			r.locked = true
		}
	}
}

// take returns the delays recorded since the last take.
func (r *sleepRecorder) take() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.delays
	r.delays = nil
	return d
}

// Failed client authentications are answered late, more so with each
// failure of the same client id from the same address, up to
// FailedLoginDelay; a success, another client id, a refusal that is not
// about the secret, or a request without credentials, is not delayed. The
// token endpoint and the /_idp/ endpoints share the admin's count.
func TestFailedLoginsSlowDown(t *testing.T) {
	rec := &sleepRecorder{}
	f := newFixture(t, Options{FailedLoginDelay: time.Second, Sleep: rec.sleep})
	rec.mu.Lock()
	rec.srv = f.srv
	rec.mu.Unlock()
	base := f.ts.URL
	id, secret := f.srv.AdminClientID(), f.srv.AdminClientSecret()
	token := func(id, secret, audience string) reply {
		return f.do(http.MethodPost, base+"/oauth/token", "", map[string]string{
			"grant_type": "client_credentials", "client_id": id, "client_secret": secret, "audience": audience,
		})
	}
	expectDelays := func(what string, want ...time.Duration) {
		t.Helper()
		if got := rec.take(); !slices.Equal(got, want) {
			t.Errorf("%s: delays %v, want %v", what, got, want)
		}
	}
	expectDelays("the fixture's token")

	for range 5 {
		f.expect(token(id, "wrong", base+"/api/v2/"), http.StatusUnauthorized, "")
	}
	expectDelays("five wrong secrets", 125*time.Millisecond, 250*time.Millisecond, 500*time.Millisecond, time.Second, time.Second)
	f.expect(f.doWith(http.MethodPost, base+"/_idp/reset", func(q *http.Request) { q.SetBasicAuth(id, "wrong") }),
		http.StatusUnauthorized, "invalid_credentials")
	expectDelays("a wrong admin secret on /_idp/reset, after five on the token endpoint", time.Second)

	f.expect(token("another-client", "wrong", base+"/api/v2/"), http.StatusUnauthorized, "")
	expectDelays("another client id", 125*time.Millisecond)
	f.expect(f.do(http.MethodGet, base+"/_idp/requests", "", nil), http.StatusUnauthorized, "invalid_credentials")
	f.expect(token(id, secret, "https://unknown.example/"), http.StatusForbidden, "")
	expectDelays("no credentials, and a right secret for a wrong audience")

	// The right secret started the count over.
	f.expect(token(id, "wrong", base+"/api/v2/"), http.StatusUnauthorized, "")
	expectDelays("a wrong secret after a right one", 125*time.Millisecond)
	f.expect(f.doWith(http.MethodGet, base+"/_idp/requests", f.asAdmin), http.StatusOK, "")
	f.expect(f.doWith(http.MethodPost, base+"/_idp/reset", func(q *http.Request) { q.SetBasicAuth(id, "wrong") }),
		http.StatusUnauthorized, "invalid_credentials")
	expectDelays("a wrong secret after the admin's credentials opened /_idp/requests", 125*time.Millisecond)

	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.locked {
		t.Error("a delay was waited out holding the root tenant's lock")
	}
}

// Without FailedLoginDelay, as tests build the server, nothing waits.
func TestNoFailedLoginDelayByDefault(t *testing.T) {
	rec := &sleepRecorder{}
	f := newFixture(t, Options{Sleep: rec.sleep})
	f.expect(f.do(http.MethodPost, f.ts.URL+"/oauth/token", "", map[string]string{
		"grant_type": "client_credentials", "client_id": f.srv.AdminClientID(), "client_secret": "wrong", "audience": f.ts.URL + "/api/v2/",
	}), http.StatusUnauthorized, "")
	f.expect(f.doWith(http.MethodPost, f.ts.URL+"/_idp/reset", func(q *http.Request) { q.SetBasicAuth("x", "y") }),
		http.StatusUnauthorized, "invalid_credentials")
	if got := rec.take(); len(got) != 0 {
		t.Errorf("delays %v without FailedLoginDelay", got)
	}
}

// The failures remembered are bounded, and a client's count survives until
// the map is full.
func TestLoginThrottleBounded(t *testing.T) {
	rec := &sleepRecorder{}
	l := newLoginThrottle(time.Second, rec.sleep)
	ctx := t.Context()
	l.failed(ctx, "kept")
	for i := range maxThrottled - 1 {
		l.failed(ctx, fmt.Sprint(i))
	}
	l.failed(ctx, "kept")
	if n := len(l.fails); n != maxThrottled || l.fails["kept"] != 2 {
		t.Fatalf("%d remembered, kept = %d", n, l.fails["kept"])
	}
	l.failed(ctx, "one more")
	if n := len(l.fails); n != 1 {
		t.Errorf("%d remembered after the map was full, want 1", n)
	}
}

// The default sleep ends when the request is cancelled.
func TestSleepContextEndsWithTheRequest(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	sleepContext(ctx, time.Hour)
}
