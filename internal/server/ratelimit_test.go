package server_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// checkRateHeaders checks the X-RateLimit-* headers of a response under a limit of n.
func checkRateHeaders(t testing.TB, r *response, n int) {
	t.Helper()
	if got := r.Header.Get("X-RateLimit-Limit"); got != strconv.Itoa(n) {
		t.Errorf("X-RateLimit-Limit = %q, want %d", got, n)
	}
	rem, err := strconv.Atoi(r.Header.Get("X-RateLimit-Remaining"))
	if err != nil || rem < 0 || rem > n {
		t.Errorf("X-RateLimit-Remaining = %q, want an integer in 0..%d", r.Header.Get("X-RateLimit-Remaining"), n)
	}
	reset, err := strconv.ParseInt(r.Header.Get("X-RateLimit-Reset"), 10, 64)
	now := time.Now().Unix()
	if err != nil || reset < now-5 || reset > now+3600 {
		t.Errorf("X-RateLimit-Reset = %q, want Unix seconds near %d", r.Header.Get("X-RateLimit-Reset"), now)
	}
}

// checkRetryAfter requires an integer Retry-After of at least one second.
func checkRetryAfter(t testing.TB, r *response) {
	t.Helper()
	ra, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || ra < 1 {
		t.Errorf("Retry-After = %q, want integer seconds ≥ 1", r.Header.Get("Retry-After"))
	}
}

// until429 repeats do until it answers 429; each attempt must otherwise answer ok.
func until429(t testing.TB, ok int, do func() *response) *response {
	t.Helper()
	for i := 0; i < 200; i++ {
		r := do()
		if r.Status == http.StatusTooManyRequests {
			return r
		}
		if r.Status != ok {
			t.Fatalf("want %d or 429, got %s", ok, r)
		}
	}
	t.Fatalf("no 429 after 200 requests")
	return nil
}

func TestRateLimitHeadersAndRefusal(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil)
	expectStatus(t, r, http.StatusOK)
	for _, k := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
		if v := r.Header.Get(k); v != "" {
			t.Errorf("%s = %q without a rate limit", k, v)
		}
	}

	h.srv.SetRateLimit(2)
	r = until429(t, http.StatusOK, func() *response {
		r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil)
		checkRateHeaders(t, r, 2)
		return r
	})
	expectAPIError(t, r, http.StatusTooManyRequests, "too_many_requests")
	checkRetryAfter(t, r)
	if r.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("X-RateLimit-Remaining on a 429 = %q, want 0", r.Header.Get("X-RateLimit-Remaining"))
	}

	// The token endpoint shares the tenant's bucket.
	tokenBody := jsonOf(credentials(h.srv.AdminClientID(), h.srv.AdminClientSecret(), h.mgmtAudience(h.base), ""))
	r = until429(t, http.StatusOK, func() *response { return h.postToken(h.base, "application/json", tokenBody, nil) })
	checkRetryAfter(t, r)
	checkRateHeaders(t, r, 2)

	// The bucket refills: poll until a request passes again.
	if !eventually(func() bool {
		return h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil).Status == http.StatusOK
	}) {
		t.Fatal("timed out waiting for the bucket to refill")
	}

	// Off again: no headers, no refusals.
	h.srv.SetRateLimit(0)
	for i := 0; i < 20; i++ {
		r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil)
		expectStatus(t, r, http.StatusOK)
		if v := r.Header.Get("X-RateLimit-Limit"); v != "" {
			t.Fatalf("X-RateLimit-Limit = %q after SetRateLimit(0)", v)
		}
	}
}

func TestRateLimitPerTenant(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	te := h.newTenant("limited")
	h.srv.SetRateLimit(1)
	until429(t, http.StatusOK, func() *response { return h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil) })
	// Root's bucket is empty; the tenant's is not.
	r := h.call(te.base, te.tok, http.MethodGet, "/api/v2/clients", nil)
	expectStatus(t, r, http.StatusOK)
	checkRateHeaders(t, r, 1)
}

func TestRateLimitOption(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *server.Options) { o.RateLimit = 1000 })
	r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil)
	expectStatus(t, r, http.StatusOK)
	checkRateHeaders(t, r, 1000)
	// The observability endpoint is never limited nor decorated.
	h.srv.SetRateLimit(1)
	for i := 0; i < 5; i++ {
		r := h.call(h.base, "", http.MethodGet, "/_idp/requests", nil, h.adminBasic())
		expectStatus(t, r, http.StatusOK)
	}
}
