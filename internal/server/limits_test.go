package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
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

func TestFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tokenBody := jsonOf(credentials(h.srv.AdminClientID(), h.srv.AdminClientSecret(), h.mgmtAudience(h.base), ""))

	h.srv.SetFaults(server.Faults{Rate429: 1})
	for i := 0; i < 5; i++ {
		r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil)
		expectAPIError(t, r, http.StatusTooManyRequests, "too_many_requests")
		if ra := r.Header.Get("Retry-After"); ra != "1" {
			t.Errorf("Retry-After = %q, want 1", ra)
		}
	}
	expectStatus(t, h.postToken(h.base, "application/json", tokenBody, nil), http.StatusTooManyRequests)
	expectStatus(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients", map[string]any{"name": "never"}), http.StatusTooManyRequests)
	expectStatus(t, h.call(h.base, "", http.MethodGet, "/_idp/requests", nil, h.adminBasic()), http.StatusOK)

	h.srv.SetFaults(server.Faults{Rate5xx: 1})
	for i := 0; i < 5; i++ {
		r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil)
		expectAPIError(t, r, http.StatusServiceUnavailable, "temporarily_unavailable")
	}
	expectStatus(t, h.postToken(h.base, "application/json", tokenBody, nil), http.StatusServiceUnavailable)
	expectStatus(t, h.call(h.base, "", http.MethodGet, "/_idp/requests", nil, h.adminBasic()), http.StatusOK)

	h.srv.SetFaults(server.Faults{})
	list := h.mustList(h.base, h.tok, "/api/v2/clients")
	if findBy(list, "name", "never") != nil {
		t.Errorf("a request refused by a fault was executed")
	}

	const latency = 150 * time.Millisecond
	h.srv.SetFaults(server.Faults{Latency: latency})
	start := time.Now()
	expectStatus(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil), http.StatusOK)
	if d := time.Since(start); d < latency {
		t.Errorf("request took %v under Latency %v", d, latency)
	}
	h.srv.SetFaults(server.Faults{})
}

func TestFaultSequenceReproducible(t *testing.T) {
	t.Parallel()
	faults := server.Faults{Rate429: 0.3, Rate5xx: 0.3, Seed: 42}
	const n = 60
	run := func(h *harness, tok string) []int {
		out := make([]int, 0, n)
		for i := 0; i < n; i++ {
			out = append(out, h.call(h.base, tok, http.MethodGet, "/api/v2/clients", nil).Status)
		}
		return out
	}
	h1 := newHarness(t)
	h2 := newHarness(t)
	h1.srv.SetFaults(faults)
	h2.srv.SetFaults(faults)
	s1 := run(h1, h1.tok)
	s2 := run(h2, h2.tok)
	if !slices.Equal(s1, s2) {
		t.Errorf("same seed, different sequences:\n%v\n%v", s1, s2)
	}
	for _, want := range []int{200, 429, 503} {
		if !slices.Contains(s1, want) {
			t.Errorf("no %d among %v with 30%%/30%% faults", want, s1)
		}
	}
	// Setting the same faults again restarts the sequence.
	h1.srv.SetFaults(faults)
	if s3 := run(h1, h1.tok); !slices.Equal(s1, s3) {
		t.Errorf("SetFaults with the same seed again:\n%v\n%v", s1, s3)
	}
	// Another seed gives another sequence.
	other := faults
	other.Seed = 43
	h2.srv.SetFaults(other)
	if s4 := run(h2, h2.tok); slices.Equal(s1, s4) {
		t.Errorf("seeds 42 and 43 give the same %d statuses", n)
	}

	// Options.Faults seeds the same way (the requests are unauthenticated: faults come first).
	srv, err := server.New(server.Options{Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, srv)
	h3 := &harness{t: t, srv: srv, ts: ts, client: ts.Client(), base: ts.URL}
	s5 := run(h3, "")
	for i := range s5 {
		if s5[i] == http.StatusUnauthorized {
			s5[i] = http.StatusOK
		}
	}
	if !slices.Equal(s1, s5) {
		t.Errorf("Options.Faults and SetFaults with the same seed differ:\n%v\n%v", s1, s5)
	}
}

func TestFaultDropAfterCommit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	toPatch := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "to patch"}), "client_id")
	toDelete := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "to delete"}), "client_id")

	h.srv.SetFaults(server.Faults{DropAfterCommit: 1})
	// Reads are never dropped.
	expectStatus(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil), http.StatusOK)

	writes := []struct {
		method, path string
		body         any
	}{
		{http.MethodPost, "/api/v2/clients", map[string]any{"name": "dropped but created"}},
		{http.MethodPatch, "/api/v2/clients/" + toPatch, map[string]any{"description": "patched"}},
		{http.MethodDelete, "/api/v2/clients/" + toDelete, nil},
	}
	for _, w := range writes {
		r, err := h.send(w.method, h.base+w.path, bearer(h.tok), w.body)
		if !isConnError(err) {
			t.Errorf("%s %s under DropAfterCommit=1: want a connection error, got %v %v", w.method, w.path, r, err)
		}
	}

	h.srv.SetFaults(server.Faults{})
	if findBy(h.mustList(h.base, h.tok, "/api/v2/clients"), "name", "dropped but created") == nil {
		t.Errorf("the dropped POST was not committed")
	}
	if got := h.mustGet(h.base, h.tok, "/api/v2/clients/"+toPatch); got["description"] != "patched" {
		t.Errorf("the dropped PATCH was not committed: %v", got)
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients/"+toDelete, nil), http.StatusNotFound, "inexistent_client")
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const limit = 1 << 20
	// padded builds a JSON object of exactly size bytes.
	padded := func(prefix string, size int) string {
		const suffix = `"}`
		return prefix + strings.Repeat("a", size-len(prefix)-len(suffix)) + suffix
	}
	over := padded(`{"name":"big","description":"`, limit+1024)
	c := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "small"}), "client_id")

	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients", over), http.StatusRequestEntityTooLarge, "payload_too_large")
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/clients/"+c, padded(`{"description":"`, limit+1024)), http.StatusRequestEntityTooLarge, "payload_too_large")
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/resource-servers", padded(`{"name":"`, limit+1)), http.StatusRequestEntityTooLarge, "payload_too_large")

	// Without a Content-Length (chunked), too.
	hdr := http.Header{"Authorization": {"Bearer " + h.tok}, "Content-Type": {"application/json"}}
	r := h.call(h.base, "", http.MethodPost, "/api/v2/clients", io.MultiReader(strings.NewReader(over)), hdr)
	expectAPIError(t, r, http.StatusRequestEntityTooLarge, "payload_too_large")

	// The token endpoint answers in the OAuth shape.
	form := url.Values{"grant_type": {"client_credentials"}, "audience": {h.mgmtAudience(h.base)}, "pad": {strings.Repeat("p", limit)}}.Encode()
	expectOAuthError(t, h.postToken(h.base, "application/x-www-form-urlencoded", form, nil), http.StatusRequestEntityTooLarge, "payload_too_large")
	expectOAuthError(t, h.postToken(h.base, "application/json", padded(`{"grant_type":"`, limit+10), nil), http.StatusRequestEntityTooLarge, "payload_too_large")

	// Exactly 1 MB is allowed.
	r = h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients", padded(`{"name":"at the limit","description":"`, limit))
	if r.Status == http.StatusRequestEntityTooLarge {
		t.Errorf("a body of exactly 1 MB was refused: %s", r)
	}
}

// countKey identifies a counter without its value.
type countKey struct {
	Tenant, Method, Route string
	Status                int
}

func countMap(cs []server.Count) map[countKey]int64 {
	m := map[countKey]int64{}
	for _, c := range cs {
		m[countKey{c.Tenant, c.Method, c.Route, c.Status}] += c.N
	}
	return m
}

func TestCounters(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tokenKey := countKey{"", "POST", "/oauth/token", 200}
	if !eventually(func() bool { return countMap(h.srv.Counts())[tokenKey] == 1 }) {
		t.Fatal("timed out waiting for the bootstrap token request to be counted")
	}
	h.srv.ResetCounts()
	if cs := h.srv.Counts(); len(cs) != 0 {
		t.Fatalf("Counts after ResetCounts = %v", cs)
	}

	c := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "counted"}), "client_id")
	h.mustGet(h.base, h.tok, "/api/v2/clients/"+c)
	h.mustGet(h.base, h.tok, "/api/v2/clients/"+c)
	expectStatus(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients/nope", nil), http.StatusNotFound)
	expectStatus(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/nope", nil), http.StatusNotFound)
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/clients/"+c, nil), http.StatusNoContent)
	expectStatus(t, h.call(h.base, "", http.MethodGet, "/_idp/requests", nil, h.adminBasic()), http.StatusOK)
	te := h.newTenant("counted")
	h.mustList(te.base, te.tok, "/api/v2/clients")
	h.srv.SetFaults(server.Faults{Rate429: 1})
	expectStatus(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil), http.StatusTooManyRequests)
	h.srv.SetFaults(server.Faults{})

	want := map[countKey]int64{
		{"", "POST", "/api/v2/clients", 201}:        1,
		{"", "GET", "/api/v2/clients/{id}", 200}:    2,
		{"", "GET", "/api/v2/clients/{id}", 404}:    1,
		{"", "GET", "unknown", 404}:                 1,
		{"", "DELETE", "/api/v2/clients/{id}", 204}: 1,
		{"", "POST", "/api/v2/tenants", 201}:        1,
		{"", "GET", "/api/v2/clients", 429}:         1,
		{"counted", "POST", "/oauth/token", 200}:    1,
		{"counted", "GET", "/api/v2/clients", 200}:  1,
	}
	var got map[countKey]int64
	if !eventually(func() bool {
		got = countMap(h.srv.Counts())
		return fmt.Sprint(got) == fmt.Sprint(want)
	}) {
		t.Errorf("Counts:\n got %v\nwant %v", got, want)
	}

	cs := h.srv.Counts()
	sorted := slices.IsSortedFunc(cs, func(a, b server.Count) int {
		if a.Tenant != b.Tenant {
			return strings.Compare(a.Tenant, b.Tenant)
		}
		if a.Method != b.Method {
			return strings.Compare(a.Method, b.Method)
		}
		if a.Route != b.Route {
			return strings.Compare(a.Route, b.Route)
		}
		return a.Status - b.Status
	})
	if !sorted {
		t.Errorf("Counts not sorted by tenant, method, route, status: %v", cs)
	}

	r := h.call(h.base, "", http.MethodGet, "/_idp/requests", nil, h.adminBasic())
	expectStatus(t, r, http.StatusOK)
	var overHTTP struct {
		Requests []server.Count `json:"requests"`
	}
	r.decode(t, &overHTTP)
	if !slices.Equal(overHTTP.Requests, cs) {
		t.Errorf("GET /_idp/requests = %v, Counts() = %v", overHTTP.Requests, cs)
	}
	if !strings.Contains(string(r.Body), `"count":`) {
		t.Errorf("GET /_idp/requests body lacks count fields: %s", r.Body)
	}

	r = h.call(h.base, "", http.MethodDelete, "/_idp/requests", nil, h.adminBasic())
	expectStatus(t, r, http.StatusNoContent)
	if cs := h.srv.Counts(); len(cs) != 0 {
		t.Errorf("Counts after DELETE /_idp/requests = %v", cs)
	}
	r = h.call(h.base, "", http.MethodGet, "/_idp/requests", nil, h.adminBasic())
	r.decode(t, &overHTTP)
	if len(overHTTP.Requests) != 0 {
		t.Errorf("GET /_idp/requests after reset = %s", r.Body)
	}
}

// TestConcurrentControl changes limits and faults and reads counters while requests run.
func TestConcurrentControl(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	stop := make(chan struct{})
	var ctl sync.WaitGroup
	ctl.Add(1)
	go func() {
		defer ctl.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if i%2 == 0 {
				h.srv.SetRateLimit(1_000_000)
			} else {
				h.srv.SetRateLimit(0)
			}
			h.srv.SetFaults(server.Faults{Seed: int64(i)})
			_ = h.srv.Counts()
			if i%10 == 0 {
				h.srv.ResetCounts()
			}
			if r, err := h.send(http.MethodGet, h.base+"/_idp/requests", h.adminBasic(), nil); err != nil || r.Status != http.StatusOK {
				t.Errorf("GET /_idp/requests: %v %v", r, err)
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 15; i++ {
				r, err := h.send(http.MethodPost, h.base+"/api/v2/clients", bearer(h.tok), map[string]any{"name": fmt.Sprintf("c%d-%d", w, i)})
				if err != nil || r.Status != http.StatusCreated {
					t.Errorf("POST: %v %v", r, err)
					return
				}
				r, err = h.send(http.MethodGet, h.base+"/api/v2/clients?per_page=5", bearer(h.tok), nil)
				if err != nil || r.Status != http.StatusOK {
					t.Errorf("GET: %v %v", r, err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(stop)
	ctl.Wait()
}

// expectTooMany requires the real service's answer to a create past an entity limit.
func expectTooMany(t testing.TB, r *response, what string, limit int) {
	t.Helper()
	e := expectAPIError(t, r, http.StatusForbidden, "too_many_entities")
	want := fmt.Sprintf("You reached the limit of entities of this type for this tenant. At most %d %s are allowed.", limit, what)
	if e.Message != want {
		t.Errorf("message = %q, want %q", e.Message, want)
	}
}

// The number of hosted tenants, and of each kind of object per tenant, is capped; the seeded
// objects (Management API, admin or management client, its grant) count.
func TestEntityCaps(t *testing.T) {
	t.Parallel()
	const maxObjects, maxTenants = 3, 2
	h := newHarness(t, func(o *server.Options) { o.MaxObjects, o.MaxTenants = maxObjects, maxTenants })

	fill := func(base, tok string) (apis []map[string]any, clients []map[string]any, grants []map[string]any) {
		t.Helper()
		// One of each is seeded, so two more fit.
		for range maxObjects - 1 {
			apis = append(apis, h.newAPI(base, tok, map[string]any{}))
			clients = append(clients, h.mustCreate(base, tok, "/api/v2/clients", map[string]any{"name": unique("c")}))
		}
		for i := range maxObjects - 1 {
			grants = append(grants, h.mustCreate(base, tok, "/api/v2/client-grants", map[string]any{
				"client_id": clients[i]["client_id"], "audience": apis[i]["identifier"], "scope": []string{},
			}))
		}
		expectTooMany(t, h.call(base, tok, http.MethodPost, "/api/v2/resource-servers", map[string]any{"identifier": "https://one-too-many.example/"}),
			"resource servers", maxObjects)
		expectTooMany(t, h.call(base, tok, http.MethodPost, "/api/v2/clients", map[string]any{"name": "one too many"}), "clients", maxObjects)
		expectTooMany(t, h.call(base, tok, http.MethodPost, "/api/v2/client-grants", map[string]any{
			"client_id": clients[0]["client_id"], "audience": apis[1]["identifier"], "scope": []string{},
		}), "client grants", maxObjects)
		// Nothing was stored by the refusals.
		for _, path := range []string{"/api/v2/resource-servers", "/api/v2/clients", "/api/v2/client-grants"} {
			if n := len(h.mustList(base, tok, path)); n != maxObjects {
				t.Errorf("%s lists %d objects, want %d", path, n, maxObjects)
			}
		}
		return apis, clients, grants
	}

	apis, clients, grants := fill(h.base, h.tok)

	// Deleting makes room again. A deleted API takes its grant with it.
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/client-grants/"+strField(t, grants[0], "id"), nil), http.StatusNoContent)
	h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{
		"client_id": clients[0]["client_id"], "audience": apis[1]["identifier"], "scope": []string{},
	})
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/resource-servers/"+strField(t, apis[0], "id"), nil), http.StatusNoContent)
	h.newAPI(h.base, h.tok, map[string]any{})
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/clients/"+strField(t, clients[1], "client_id"), nil), http.StatusNoContent)
	h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "in its place"})

	// Updates are not creates: a full tenant still takes them.
	expectStatus(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/clients/"+strField(t, clients[0], "client_id"), map[string]any{"description": "full"}), http.StatusOK)

	// The caps are per tenant: a hosted tenant has its own room while the root is full.
	te := h.newTenant("capped-one")
	fill(te.base, te.tok)

	// Hosted tenants are capped on the root, the root tenant aside.
	h.newTenant("capped-two")
	expectTooMany(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/tenants", map[string]any{"name": "capped-three"}), "tenants", maxTenants)
	expectStatus(t, h.call(h.base+"/tenants/capped-three", "", http.MethodGet, "/.well-known/jwks.json", nil), http.StatusNotFound)
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/tenants/capped-two", nil), http.StatusNoContent)
	h.newTenant("capped-three")
}

func TestEntityCapOptions(t *testing.T) {
	t.Parallel()
	for _, o := range []server.Options{{MaxTenants: -1}, {MaxObjects: -1}} {
		if _, err := server.New(o); err == nil {
			t.Errorf("server.New(%+v) accepted a negative cap", o)
		}
	}
	// The zero value means the defaults, which leave room for far more than a test makes.
	h := newHarness(t)
	for range 5 {
		h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": unique("c")})
	}
	if server.DefaultMaxTenants < 1000 || server.DefaultMaxObjects < 10000 {
		t.Errorf("defaults %d tenants, %d objects are below what make bench needs", server.DefaultMaxTenants, server.DefaultMaxObjects)
	}
}
