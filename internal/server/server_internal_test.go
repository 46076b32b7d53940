package server

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fixture is an in-process server with its admin token.
type fixture struct {
	t     *testing.T
	srv   *Server
	ts    *httptest.Server
	token string
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	f := &fixture{t: t, srv: srv, ts: ts}
	f.token = f.mint(ts.URL, srv.AdminClientID(), srv.AdminClientSecret(), ts.URL+"/api/v2/")
	return f
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decoding %d %s: %v", r.status, r.body, err)
	}
	return m
}

func (f *fixture) do(method, rawURL, token string, body any) reply {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, rawURL, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// doWith sends a request without a body, set adding its credentials.
func (f *fixture) doWith(method, rawURL string, set func(*http.Request)) reply {
	f.t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	set(req)
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// asAdmin sets the root admin's Basic credentials, as /_idp/ wants them.
func (f *fixture) asAdmin(q *http.Request) {
	q.SetBasicAuth(f.srv.AdminClientID(), f.srv.AdminClientSecret())
}

func (f *fixture) expect(r reply, status int, code string) {
	f.t.Helper()
	if r.status != status {
		f.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if code != "" {
		if got := r.object(f.t)["errorCode"]; got != code {
			f.t.Fatalf("errorCode %v, want %s: %s", got, code, r.body)
		}
	}
}

func (f *fixture) mint(base, id, secret, audience string) string {
	f.t.Helper()
	r := f.do(http.MethodPost, base+"/oauth/token", "", map[string]string{
		"grant_type": "client_credentials", "client_id": id, "client_secret": secret, "audience": audience,
	})
	if r.status != http.StatusOK {
		f.t.Fatalf("token: %d %s", r.status, r.body)
	}
	return r.object(f.t)["access_token"].(string)
}

func TestTenantLifecycle(t *testing.T) {
	f := newFixture(t, Options{})
	root := f.ts.URL

	r := f.do(http.MethodPost, root+"/api/v2/tenants", f.token, map[string]any{
		"name": "customer-1", "display_name": "Customer One", "owners": []string{"a@example.com"},
		"metadata": map[string]string{"company": "ACME"},
	})
	f.expect(r, http.StatusCreated, "")
	created := r.object(t)
	base := root + "/tenants/customer-1"
	if created["domain"] != base {
		t.Fatalf("domain = %v, want %s", created["domain"], base)
	}
	mc := created["management_client"].(map[string]any)
	tok := f.mint(base, mc["client_id"].(string), mc["client_secret"].(string), base+"/api/v2/")

	// The new tenant is managed with its own token, and isolated.
	f.expect(f.do(http.MethodGet, base+"/api/v2/clients", tok, nil), http.StatusOK, "")
	f.expect(f.do(http.MethodGet, base+"/api/v2/clients", f.token, nil), http.StatusUnauthorized, "invalid_token")
	f.expect(f.do(http.MethodGet, root+"/api/v2/clients", tok, nil), http.StatusUnauthorized, "invalid_token")
	f.expect(f.do(http.MethodGet, base+"/api/v2/tenants", tok, nil), http.StatusNotFound, "not_found")

	// Its Management API is listed, with the tenant's own identifier and
	// no tenants scopes.
	r = f.do(http.MethodGet, base+"/api/v2/resource-servers/"+url.PathEscape(base+"/api/v2/"), tok, nil)
	f.expect(r, http.StatusOK, "")
	if rs := r.object(t); rs["identifier"] != base+"/api/v2/" || rs["is_system"] != true {
		t.Fatalf("management API = %s", r.body)
	}
	if strings.Contains(string(r.body), ":tenants") {
		t.Fatalf("tenant Management API has tenants scopes: %s", r.body)
	}

	// By id and by name; duplicate name; PATCH; name is immutable.
	id := created["id"].(string)
	f.expect(f.do(http.MethodGet, root+"/api/v2/tenants/"+id, f.token, nil), http.StatusOK, "")
	f.expect(f.do(http.MethodGet, root+"/api/v2/tenants/customer-1", f.token, nil), http.StatusOK, "")
	f.expect(f.do(http.MethodPost, root+"/api/v2/tenants", f.token, map[string]any{"name": "customer-1"}), http.StatusConflict, "conflict")
	r = f.do(http.MethodPatch, root+"/api/v2/tenants/"+id, f.token, map[string]any{"display_name": "C1"})
	f.expect(r, http.StatusOK, "")
	if r.object(t)["display_name"] != "C1" || r.object(t)["management_client"] != nil {
		t.Fatalf("patched tenant = %s", r.body)
	}
	f.expect(f.do(http.MethodPatch, root+"/api/v2/tenants/"+id, f.token, map[string]any{"name": "x"}), http.StatusBadRequest, "invalid_body")
	f.expect(f.do(http.MethodPost, root+"/api/v2/tenants", f.token, map[string]any{"name": "Bad_Name"}), http.StatusBadRequest, "invalid_body")
	f.expect(f.do(http.MethodPost, root+"/api/v2/tenants", f.token, map[string]any{"name": "ok-name", "owners": []string{"Bob <b@x.io>"}}), http.StatusBadRequest, "invalid_body")

	r = f.do(http.MethodGet, root+"/api/v2/tenants?include_totals=true", f.token, nil)
	f.expect(r, http.StatusOK, "")
	if r.object(t)["total"] != float64(1) {
		t.Fatalf("tenant list = %s", r.body)
	}

	// Delete: everything in it goes, its token stops working, and the
	// name can be reused with fresh keys.
	f.expect(f.do(http.MethodDelete, root+"/api/v2/tenants/"+id, f.token, nil), http.StatusNoContent, "")
	f.expect(f.do(http.MethodDelete, root+"/api/v2/tenants/"+id, f.token, nil), http.StatusNoContent, "")
	f.expect(f.do(http.MethodGet, base+"/api/v2/clients", tok, nil), http.StatusNotFound, "inexistent_tenant")
	f.expect(f.do(http.MethodGet, root+"/api/v2/tenants/customer-1", f.token, nil), http.StatusNotFound, "inexistent_tenant")
	f.expect(f.do(http.MethodPost, root+"/api/v2/tenants", f.token, map[string]any{"name": "customer-1"}), http.StatusCreated, "")
	f.expect(f.do(http.MethodGet, base+"/api/v2/clients", tok, nil), http.StatusUnauthorized, "invalid_token")
}

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

func TestDurableStoreReload(t *testing.T) {
	store := NewMemoryStore()
	f := newFixture(t, Options{Store: store, AdminClientID: "admin", AdminClientSecret: "secret-0123456789-0123456789-0123"})
	f.expect(f.do(http.MethodPost, f.ts.URL+"/api/v2/tenants", f.token, map[string]any{"name": "kept"}), http.StatusCreated, "")

	// A second server over the same store accepts the first one's tokens
	// (same keys) and knows its tenants.
	srv2, err := New(Options{Store: store, AdminClientID: "admin", AdminClientSecret: "secret-0123456789-0123456789-0123"})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, f.ts.URL+"/api/v2/tenants/kept", nil)
	req.Host = strings.TrimPrefix(f.ts.URL, "http://")
	req.Header.Set("Authorization", "Bearer "+f.token)
	rec := httptest.NewRecorder()
	srv2.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("reloaded server: %d %s", rec.Code, rec.Body)
	}
	r := f.do(http.MethodGet, f.ts.URL+"/api/v2/client-grants", f.token, nil)
	if n := strings.Count(string(r.body), `"cgr_`); n != 1 {
		t.Fatalf("reload duplicated the admin grant: %s", r.body)
	}
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

func TestNewRejectsBadOptions(t *testing.T) {
	for _, opts := range []Options{
		{PublicURL: "not a url"},
		{PublicURL: "ftp://x"},
		{RateLimit: -1},
		{Faults: Faults{Rate5xx: 1.5}},
		{Faults: Faults{Latency: -time.Second}},
		{FailedLoginDelay: -time.Second},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("New(%+v) accepted", opts)
		}
	}
}

// A given admin secret shorter than MinAdminSecretLength is refused with a
// message saying so; one of that length, and a generated one, are taken.
func TestNewRefusesShortAdminSecret(t *testing.T) {
	for _, secret := range []string{"x", strings.Repeat("é", MinAdminSecretLength-1)} {
		_, err := New(Options{AdminClientSecret: secret})
		if err == nil || !strings.Contains(err.Error(), "at least 32") {
			t.Errorf("New with a %d-character admin secret: %v, want a refusal naming the minimum", len([]rune(secret)), err)
		}
	}
	if _, err := New(Options{AdminClientSecret: strings.Repeat("x", MinAdminSecretLength)}); err != nil {
		t.Errorf("New with a %d-character admin secret: %v", MinAdminSecretLength, err)
	}
	srv, err := New(Options{})
	if err != nil || len(srv.AdminClientSecret()) < MinAdminSecretLength || !srv.AdminSecretGenerated() {
		t.Errorf("generated admin secret: %v, %v", srv, err)
	}
}

func TestShortHS256Secret(t *testing.T) {
	f := newFixture(t, Options{})
	secret := "0123456789abcdef" // 16 characters: below go-jose's HMAC minimum
	r := f.do(http.MethodPost, f.ts.URL+"/api/v2/resource-servers", f.token, map[string]any{
		"identifier": "https://short.example/", "signing_alg": "HS256", "signing_secret": secret,
		"scopes": []map[string]string{{"value": "read:x"}},
	})
	f.expect(r, http.StatusCreated, "")
	r = f.do(http.MethodPost, f.ts.URL+"/api/v2/clients", f.token, map[string]any{"name": "c"})
	f.expect(r, http.StatusCreated, "")
	cl := r.object(t)
	f.expect(f.do(http.MethodPost, f.ts.URL+"/api/v2/client-grants", f.token, map[string]any{
		"client_id": cl["client_id"], "audience": "https://short.example/", "scope": []string{"read:x"},
	}), http.StatusCreated, "")
	tok := f.mint(f.ts.URL, cl["client_id"].(string), cl["client_secret"].(string), "https://short.example/")
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a compact JWS", tok)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if base64.RawURLEncoding.EncodeToString(mac.Sum(nil)) != parts[2] {
		t.Fatal("HS256 signature does not verify with the signing secret")
	}
	hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if !strings.Contains(string(hdr), `"alg":"HS256"`) || !strings.Contains(string(hdr), `"typ":"JWT"`) {
		t.Fatalf("header %s", hdr)
	}
}
