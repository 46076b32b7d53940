package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestDurableStoreReload(t *testing.T) {
	store := NewMemoryStore()
	f := newFixture(t, Options{Store: store, AdminClientID: "AdminClient000000000000000000001", AdminClientSecret: "secret-0123456789-0123456789-0123"})
	f.expect(f.do(http.MethodPost, f.ts.URL+"/api/v2/tenants", f.token, map[string]any{"name": "kept"}), http.StatusCreated, "")

	// A second server over the same store accepts the first one's tokens
	// (same keys) and knows its tenants.
	srv2, err := New(Options{Store: store, AdminClientID: "AdminClient000000000000000000001", AdminClientSecret: "secret-0123456789-0123456789-0123"})
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

// A store whose admin has an ID of another form than the real service issues (kept by a start
// before that was refused) does not start without an admin ID of the right form, which says so.
func TestStoredAdminClientIDForm(t *testing.T) {
	store := NewMemoryStore()
	if _, err := New(Options{Store: store}); err != nil {
		t.Fatal(err)
	}
	var seed map[string]any
	if err := getJSON(store, RootTenant, KindSeed, seedClientID, &seed); err != nil {
		t.Fatal(err)
	}
	seed["client_id"] = "admin"
	raw, err := json.Marshal(seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Put(RootTenant, KindSeed, seedClientID, raw); err != nil {
		t.Fatal(err)
	}
	_, err = New(Options{Store: store})
	want := `server: the stored admin client ID "admin" is not a client ID as the real service issues them: ` +
		`give an admin client ID of 32 letters and digits, which replaces it (the data stay)`
	if err == nil || err.Error() != want {
		t.Errorf("New over a store with admin %q: %v, want %q", seed["client_id"], err, want)
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
