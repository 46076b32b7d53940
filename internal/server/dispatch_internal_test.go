package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRateLimit(t *testing.T) {
	f := newFixture(t, Options{})
	f.srv.SetRateLimit(2)
	url := f.ts.URL + "/.well-known/jwks.json"
	var last reply
	for i := 0; i < 3; i++ {
		last = f.do(http.MethodGet, url, "", nil)
		if last.header.Get("X-RateLimit-Limit") != "2" || last.header.Get("X-RateLimit-Reset") == "" {
			t.Fatalf("request %d: headers %v", i, last.header)
		}
	}
	// Three requests in well under a second against a bucket of two.
	f.expect(last, http.StatusTooManyRequests, "too_many_requests")
	if ra, err := strconv.Atoi(last.header.Get("Retry-After")); err != nil || ra < 1 {
		t.Fatalf("Retry-After = %q", last.header.Get("Retry-After"))
	}
	if last.header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("X-RateLimit-Remaining = %q", last.header.Get("X-RateLimit-Remaining"))
	}
	// Another tenant has its own bucket; the counters never are limited.
	f.srv.SetRateLimit(0)
	f.expect(f.do(http.MethodGet, url, "", nil), http.StatusOK, "")
	if h := f.do(http.MethodGet, url, "", nil).header.Get("X-RateLimit-Limit"); h != "" {
		t.Fatalf("rate-limit headers with the limit off: %q", h)
	}
}

func TestFaultsReproducible(t *testing.T) {
	statuses := func() []int {
		f := newFixture(t, Options{})
		f.srv.SetFaults(Faults{Rate429: 0.3, Rate5xx: 0.3, Seed: 42})
		var out []int
		for i := 0; i < 40; i++ {
			r := f.do(http.MethodGet, f.ts.URL+"/api/v2/clients", f.token, nil)
			switch r.status {
			case http.StatusTooManyRequests:
				f.expect(r, r.status, "too_many_requests")
				if r.header.Get("Retry-After") != "1" {
					t.Fatalf("fault 429 Retry-After = %q", r.header.Get("Retry-After"))
				}
			case http.StatusServiceUnavailable:
				f.expect(r, r.status, "temporarily_unavailable")
			}
			out = append(out, r.status)
		}
		return out
	}
	a, b := statuses(), statuses()
	seen := map[int]bool{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("run 1 %v != run 2 %v", a, b)
		}
		seen[a[i]] = true
	}
	if !seen[200] || !seen[429] || !seen[503] {
		t.Fatalf("statuses %v lack a kind", a)
	}
}

func TestDropAfterCommit(t *testing.T) {
	f := newFixture(t, Options{})
	f.srv.SetFaults(Faults{DropAfterCommit: 1, Seed: 1})
	raw, _ := json.Marshal(map[string]any{"name": "dropped"})
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/api/v2/clients", bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+f.token)
	req.Header.Set("Content-Type", "application/json")
	// A POST is not retried by net/http, so the error surfaces.
	resp, err := f.ts.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("POST answered %d, want a dropped connection", resp.StatusCode)
	}
	f.srv.SetFaults(Faults{})
	// ... but it was committed.
	r := f.do(http.MethodGet, f.ts.URL+"/api/v2/clients", f.token, nil)
	if !strings.Contains(string(r.body), `"dropped"`) {
		t.Fatalf("dropped create not committed: %s", r.body)
	}
	found := false
	for _, c := range f.srv.Counts() {
		if c.Method == http.MethodPost && c.Route == "/api/v2/clients" && c.Status == http.StatusCreated {
			found = true
		}
	}
	if !found {
		t.Fatalf("counts %v lack the dropped POST", f.srv.Counts())
	}
}

func TestCountsAndObservability(t *testing.T) {
	f := newFixture(t, Options{})
	f.srv.ResetCounts()
	f.do(http.MethodGet, f.ts.URL+"/api/v2/clients", f.token, nil)
	f.do(http.MethodGet, f.ts.URL+"/api/v2/clients/nope", f.token, nil)
	f.do(http.MethodGet, f.ts.URL+"/nowhere", "", nil)
	f.do(http.MethodGet, f.ts.URL+"/tenants/ghost/api/v2/clients", "", nil)
	f.expect(f.do(http.MethodGet, f.ts.URL+"/_idp/requests", "", nil), http.StatusUnauthorized, "invalid_credentials")
	r := f.doWith(http.MethodGet, f.ts.URL+"/_idp/requests", f.asAdmin)
	f.expect(r, http.StatusOK, "")
	var got struct{ Requests []Count }
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	want := []Count{
		{Tenant: "", Method: "GET", Route: "/api/v2/clients", Status: 200, N: 1},
		{Tenant: "", Method: "GET", Route: "/api/v2/clients/{id}", Status: 404, N: 1},
		{Tenant: "", Method: "GET", Route: "unknown", Status: 404, N: 1},
		{Tenant: "ghost", Method: "GET", Route: "unknown", Status: 404, N: 1},
	}
	if len(got.Requests) != len(want) {
		t.Fatalf("counts = %+v, want %+v", got.Requests, want)
	}
	for i := range want {
		if got.Requests[i] != want[i] {
			t.Fatalf("counts = %+v, want %+v", got.Requests, want)
		}
	}
	f.expect(f.do(http.MethodDelete, f.ts.URL+"/_idp/requests", "", nil), http.StatusUnauthorized, "invalid_credentials")
	if n := len(f.srv.Counts()); n == 0 {
		t.Fatal("a refused DELETE /_idp/requests zeroed the counters")
	}
	f.expect(f.doWith(http.MethodDelete, f.ts.URL+"/_idp/requests", f.asAdmin), http.StatusNoContent, "")
	if n := len(f.srv.Counts()); n != 0 {
		t.Fatalf("%d counters after reset", n)
	}
}

func TestBodyTooLarge(t *testing.T) {
	f := newFixture(t, Options{})
	big := `{"name":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	f.expect(f.do(http.MethodPost, f.ts.URL+"/api/v2/clients", f.token, big), http.StatusRequestEntityTooLarge, "payload_too_large")
	r := f.do(http.MethodPost, f.ts.URL+"/oauth/token", "", big)
	if r.status != http.StatusRequestEntityTooLarge || r.object(t)["error"] != "payload_too_large" {
		t.Fatalf("token endpoint: %d %s", r.status, r.body)
	}
}

// panicStore fails loudly, to check that a panic becomes a logged 500.
type panicStore struct {
	Store
	armed bool
	mu    sync.Mutex
}

func (p *panicStore) List(tenant string, kind Kind) ([][]byte, error) {
	p.mu.Lock()
	armed := p.armed
	p.mu.Unlock()
	if armed {
		panic("boom")
	}
	return p.Store.List(tenant, kind)
}

func (p *panicStore) Get(tenant string, kind Kind, id string) ([]byte, error) {
	p.mu.Lock()
	armed := p.armed
	p.mu.Unlock()
	if armed && kind == KindClients && id == "store-error" {
		return nil, errors.New("disk on fire")
	}
	return p.Store.Get(tenant, kind, id)
}

func TestPanicAndStoreErrorsAre500(t *testing.T) {
	ps := &panicStore{Store: NewMemoryStore()}
	f := newFixture(t, Options{Store: ps})
	ps.mu.Lock()
	ps.armed = true
	ps.mu.Unlock()
	f.expect(f.do(http.MethodGet, f.ts.URL+"/api/v2/clients", f.token, nil), http.StatusInternalServerError, "internal_error")
	f.expect(f.do(http.MethodGet, f.ts.URL+"/api/v2/clients/store-error", f.token, nil), http.StatusInternalServerError, "internal_error")
}

func TestLatencyFault(t *testing.T) {
	f := newFixture(t, Options{})
	f.srv.SetFaults(Faults{Latency: 50 * time.Millisecond})
	start := time.Now()
	f.expect(f.do(http.MethodGet, f.ts.URL+"/.well-known/jwks.json", "", nil), http.StatusOK, "")
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("request took %v, want ≥ 50ms", d)
	}
}
