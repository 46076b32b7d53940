package server_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// persistedWorld is what a restart must bring back, read over HTTP.
type persistedWorld struct {
	rootClients, rootAPIs, rootGrants, tenants    string
	tenantClients, tenantAPIs, tenantGrants       string
	rootJWKS, tenantJWKS, tenantSettings, rootSet string
}

func readWorld(h *harness, tenantBase, tenantTok string) persistedWorld {
	h.t.Helper()
	get := func(base, tok, path string) string {
		r := h.call(base, tok, http.MethodGet, path, nil)
		if r.Status != http.StatusOK {
			h.t.Fatalf("GET %s%s: %s", base, path, r)
		}
		return string(r.Body)
	}
	return persistedWorld{
		rootClients:    get(h.base, h.tok, "/api/v2/clients"),
		rootAPIs:       get(h.base, h.tok, "/api/v2/resource-servers"),
		rootGrants:     get(h.base, h.tok, "/api/v2/client-grants"),
		tenants:        get(h.base, h.tok, "/api/v2/tenants"),
		rootSet:        get(h.base, h.tok, "/api/v2/tenants/settings"),
		tenantClients:  get(tenantBase, tenantTok, "/api/v2/clients"),
		tenantAPIs:     get(tenantBase, tenantTok, "/api/v2/resource-servers"),
		tenantGrants:   get(tenantBase, tenantTok, "/api/v2/client-grants"),
		tenantSettings: get(tenantBase, tenantTok, "/api/v2/tenants/settings"),
		rootJWKS:       get(h.base, "", "/.well-known/jwks.json"),
		tenantJWKS:     get(tenantBase, "", "/.well-known/jwks.json"),
	}
}

// A server on a durable store comes back after a restart with its tenants,
// objects, secrets, signing keys and admin credentials: tokens issued before
// the restart still verify.
func TestBoltRestartRoundTrip(t *testing.T) {
	dir := t.TempDir()
	const public = "http://idp.restart.test"
	st := openStore(t, dir)
	h := newHarness(t, func(o *server.Options) { o.Store = st; o.PublicURL = public })
	adminID, adminSecret := h.srv.AdminClientID(), h.srv.AdminClientSecret()

	ten := h.mustCreate(h.base, h.tok, "/api/v2/tenants", map[string]any{"name": "persisted", "display_name": "Persisted"})
	mc := ten["management_client"].(map[string]any)
	tenantBase := h.base + "/tenants/persisted"
	tenantTok := h.mintToken(tenantBase, mc["client_id"].(string), mc["client_secret"].(string), public+"/tenants/persisted/api/v2/", "")
	api := h.mustCreate(tenantBase, tenantTok, "/api/v2/resource-servers", map[string]any{
		"name": "Orders", "identifier": "https://orders.example/", "scopes": []any{map[string]any{"value": "read:orders"}},
	})
	cl := h.mustCreate(tenantBase, tenantTok, "/api/v2/clients", map[string]any{"name": "svc", "client_metadata": map[string]any{"k": "v"}})
	h.mustCreate(tenantBase, tenantTok, "/api/v2/client-grants", map[string]any{
		"client_id": cl["client_id"], "audience": api["identifier"], "scope": []any{"read:orders"},
	})
	h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "root-side"})
	if r := h.call(tenantBase, tenantTok, http.MethodPatch, "/api/v2/tenants/settings", map[string]any{"friendly_name": "Persisted Inc"}); r.Status != http.StatusOK {
		t.Fatalf("PATCH settings: %s", r)
	}
	// A token of the new client, for its API, signed by the tenant's key.
	svcTok := h.mintTokenResponse(tenantBase, cl["client_id"].(string), cl["client_secret"].(string), "https://orders.example/", "")
	before := readWorld(h, tenantBase, tenantTok)

	h.ts.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st2 := openStore(t, dir)
	defer st2.Close()
	// No admin credentials configured: the stored ones come back.
	srv2, err := server.New(server.Options{Store: st2, PublicURL: public})
	if err != nil {
		t.Fatalf("server.New on the reopened store: %v", err)
	}
	if srv2.AdminClientID() != adminID || srv2.AdminClientSecret() != adminSecret {
		t.Errorf("admin credentials changed across the restart")
	}
	ts2 := newTestServer(t, srv2)
	h2 := &harness{t: t, srv: srv2, ts: ts2, client: ts2.Client(), base: ts2.URL, tok: h.tok}
	// The old tokens verify: same keys, same issuer.
	after := readWorld(h2, ts2.URL+"/tenants/persisted", tenantTok)
	if before != after {
		t.Errorf("state differs after the restart:\nbefore %+v\nafter  %+v", before, after)
	}
	if !strings.Contains(after.tenantClients, cl["client_secret"].(string)) {
		t.Errorf("the client's secret is not back")
	}
	_ = svcTok
	// The new tenant's clients still get tokens.
	h2.mintToken(ts2.URL+"/tenants/persisted", cl["client_id"].(string), cl["client_secret"].(string), "https://orders.example/", "read:orders")
}

// Configured admin credentials win over the stored ones, and the previous
// admin client does not linger as a second admin.
func TestBoltRestartNewAdmin(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	srv, err := server.New(server.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	oldID := srv.AdminClientID()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st2 := openStore(t, dir)
	defer st2.Close()
	srv2, err := server.New(server.Options{Store: st2, AdminClientID: "new-admin", AdminClientSecret: "new-admin-secret-0123456789-0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st2.Get(server.RootTenant, server.KindClients, oldID); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("the previous admin client %s is still stored (err %v)", oldID, err)
	}
	if srv2.AdminClientID() != "new-admin" {
		t.Errorf("admin id = %q", srv2.AdminClientID())
	}
}
