package server_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

func TestHealth(t *testing.T) {
	h := newHarness(t)
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		r := h.call(h.base, "", method, "/_idp/health", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("%s /_idp/health: %s", method, r)
		}
		if method == http.MethodGet && string(r.Body) != "{\"status\":\"ok\"}\n" {
			t.Errorf("body %q", r.Body)
		}
	}
	if r := h.call(h.base, "", http.MethodPost, "/_idp/health", nil); r.Status != http.StatusMethodNotAllowed {
		t.Errorf("POST /_idp/health: %s", r)
	}
	// Like the counters, health checks are not counted.
	for _, c := range h.srv.Counts() {
		if c.Route == "/_idp/health" {
			t.Errorf("health check counted: %+v", c)
		}
	}
}

func TestResetNeedsAdminCredentials(t *testing.T) {
	h := newHarness(t)
	h.mustCreate(h.base, h.tok, "/api/v2/tenants", map[string]any{"name": "kept"})
	for _, hdr := range []http.Header{
		nil,
		basic(h.srv.AdminClientID(), "wrong"),
		basic("wrong", h.srv.AdminClientSecret()),
		bearer(h.tok), // a token is not enough
	} {
		r := h.call(h.base, "", http.MethodPost, "/_idp/reset", nil, hdr)
		expectAPIError(t, r, http.StatusUnauthorized, "invalid_credentials")
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("401 without WWW-Authenticate")
		}
		r = h.call(h.base, "", http.MethodPost, "/_idp/reset/kept", nil, hdr)
		expectAPIError(t, r, http.StatusUnauthorized, "invalid_credentials")
	}
	if got := h.mustList(h.base, h.tok, "/api/v2/tenants"); len(got) != 1 {
		t.Errorf("a refused reset changed the tenants: %v", got)
	}
}

func TestResetServer(t *testing.T) {
	h := newHarness(t)
	admin := basic(h.srv.AdminClientID(), h.srv.AdminClientSecret())
	start := struct{ clients, apis, grants, connections []string }{
		names(t, h.mustList(h.base, h.tok, "/api/v2/clients"), "name"),
		names(t, h.mustList(h.base, h.tok, "/api/v2/resource-servers"), "name"),
		names(t, h.mustList(h.base, h.tok, "/api/v2/client-grants"), "client_id"),
		names(t, h.mustList(h.base, h.tok, "/api/v2/connections"), "name"),
	}
	if len(start.connections) != 1 {
		t.Fatalf("a fresh server's connections: %v, want the default database connection", start.connections)
	}

	ten := h.mustCreate(h.base, h.tok, "/api/v2/tenants", map[string]any{"name": "gone"})
	mc := ten["management_client"].(map[string]any)
	h.mustCreate(h.base, h.tok, "/api/v2/resource-servers", map[string]any{"name": "Extra", "identifier": "https://extra.example/"})
	cl := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "extra"})
	h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": cl["client_id"], "audience": "https://extra.example/", "scope": []any{}})
	expectStatus(t, h.call(h.base, "", http.MethodPost, "/_idp/reset", nil, admin), http.StatusNoContent)
	if c := h.srv.Counts(); len(c) != 0 {
		t.Errorf("counters after a reset: %+v", c)
	}

	if got := h.mustList(h.base, h.tok, "/api/v2/tenants"); len(got) != 0 {
		t.Errorf("tenants after a reset: %v", got)
	}
	expectAPIError(t, h.tokenJSON(h.base+"/tenants/gone", credentials(mc["client_id"].(string), mc["client_secret"].(string), h.base+"/tenants/gone/api/v2/", "")),
		http.StatusNotFound, "inexistent_tenant")
	if got := names(t, h.mustList(h.base, h.tok, "/api/v2/clients"), "name"); !slices.Equal(got, start.clients) {
		t.Errorf("clients after a reset %v, want %v", got, start.clients)
	}
	if got := names(t, h.mustList(h.base, h.tok, "/api/v2/resource-servers"), "name"); !slices.Equal(got, start.apis) {
		t.Errorf("APIs after a reset %v, want %v", got, start.apis)
	}
	if got := names(t, h.mustList(h.base, h.tok, "/api/v2/client-grants"), "client_id"); !slices.Equal(got, start.grants) {
		t.Errorf("grants after a reset %v, want %v", got, start.grants)
	}
	if got := names(t, h.mustList(h.base, h.tok, "/api/v2/connections"), "name"); !slices.Equal(got, start.connections) {
		t.Errorf("connections after a reset %v, want %v", got, start.connections)
	}
	// The admin's credentials still work, and so does the old token.
	h.mintToken(h.base, h.srv.AdminClientID(), h.srv.AdminClientSecret(), h.base+"/api/v2/", "")
	// A tenant of the same name can be made again.
	h.mustCreate(h.base, h.tok, "/api/v2/tenants", map[string]any{"name": "gone"})
}

func TestResetTenant(t *testing.T) {
	h := newHarness(t)
	admin := basic(h.srv.AdminClientID(), h.srv.AdminClientSecret())
	ten := h.mustCreate(h.base, h.tok, "/api/v2/tenants", map[string]any{"name": "reset-me", "display_name": "Reset Me"})
	mc := ten["management_client"].(map[string]any)
	base := h.base + "/tenants/reset-me"
	aud := base + "/api/v2/"
	tok := h.mintToken(base, mc["client_id"].(string), mc["client_secret"].(string), aud, "")
	other := h.mustCreate(h.base, h.tok, "/api/v2/tenants", map[string]any{"name": "left-alone"})
	omc := other["management_client"].(map[string]any)
	otherBase := h.base + "/tenants/left-alone"
	otherTok := h.mintToken(otherBase, omc["client_id"].(string), omc["client_secret"].(string), otherBase+"/api/v2/", "")
	h.mustCreate(otherBase, otherTok, "/api/v2/clients", map[string]any{"name": "stays"})

	jwks := h.call(base, "", http.MethodGet, "/.well-known/jwks.json", nil).Body
	h.mustCreate(base, tok, "/api/v2/resource-servers", map[string]any{"name": "Orders", "identifier": "https://orders.example/"})
	cl := h.mustCreate(base, tok, "/api/v2/clients", map[string]any{"name": "svc"})
	h.mustCreate(base, tok, "/api/v2/connections", map[string]any{"name": "extra-db", "strategy": "auth0"})
	h.mustCreate(base, tok, "/api/v2/client-grants", map[string]any{"client_id": cl["client_id"], "audience": "https://orders.example/", "scope": []any{}})
	expectStatus(t, h.call(base, tok, http.MethodPatch, "/api/v2/tenants/settings", map[string]any{"friendly_name": "Changed"}), http.StatusOK)
	r := h.call(base, tok, http.MethodPost, "/api/v2/clients/"+mc["client_id"].(string)+"/rotate-secret", nil)
	expectStatus(t, r, http.StatusOK)
	rotated := strField(t, r.object(t), "client_secret")
	expectStatus(t, h.call(base, tok, http.MethodDelete, "/api/v2/clients/"+mc["client_id"].(string), nil), http.StatusNoContent)

	expectStatus(t, h.call(h.base, "", http.MethodPost, "/_idp/reset/reset-me", nil, admin), http.StatusNoContent)

	// The management client is back with the secret it was rotated to, not
	// the one the create returned; its old token still verifies (same
	// signing key).
	h.mintToken(base, mc["client_id"].(string), rotated, aud, "")
	expectOAuthError(t, h.tokenJSON(base, credentials(mc["client_id"].(string), mc["client_secret"].(string), aud, "")),
		http.StatusUnauthorized, "access_denied")
	if got := names(t, h.mustList(base, tok, "/api/v2/clients"), "name"); !slices.Equal(got, []string{"Management API Client"}) {
		t.Errorf("clients after a tenant reset: %v", got)
	}
	if got := names(t, h.mustList(base, tok, "/api/v2/resource-servers"), "name"); !slices.Equal(got, []string{"Auth0 Management API"}) {
		t.Errorf("APIs after a tenant reset: %v", got)
	}
	if got := names(t, h.mustList(base, tok, "/api/v2/connections"), "name"); !slices.Equal(got, []string{"Username-Password-Authentication"}) {
		t.Errorf("connections after a tenant reset: %v", got)
	}
	if got := h.mustList(base, tok, "/api/v2/client-grants"); len(got) != 1 || got[0]["client_id"] != mc["client_id"] {
		t.Errorf("grants after a tenant reset: %v", got)
	}
	if got := h.mustGet(base, tok, "/api/v2/tenants/settings"); got["friendly_name"] != nil {
		t.Errorf("settings after a tenant reset: %v", got)
	}
	if got := h.call(base, "", http.MethodGet, "/.well-known/jwks.json", nil).Body; string(got) != string(jwks) {
		t.Errorf("the tenant's signing key changed")
	}
	// The tenant record and the other tenant are untouched.
	if got := h.mustGet(h.base, h.tok, "/api/v2/tenants/reset-me"); got["display_name"] != "Reset Me" || got["id"] != ten["id"] {
		t.Errorf("tenant record after a reset: %v", got)
	}
	if got := names(t, h.mustList(otherBase, otherTok, "/api/v2/clients"), "name"); !slices.Contains(got, "stays") {
		t.Errorf("another tenant changed: %v", got)
	}

	expectAPIError(t, h.call(h.base, "", http.MethodPost, "/_idp/reset/nope", nil, admin), http.StatusNotFound, "inexistent_tenant")
	expectAPIError(t, h.call(h.base, "", http.MethodPost, "/_idp/reset/", nil, admin), http.StatusNotFound, "not_found")
}

// The server's endpoints check the root admin's current secret: after a
// rotation the old one opens neither a reset nor a token, the new one opens
// both, and a reset keeps it, as does a restart on the same store.
func TestResetFollowsAdminRotation(t *testing.T) {
	store := server.NewMemoryStore()
	h := newHarness(t, func(o *server.Options) { o.Store = store })
	id, old := h.srv.AdminClientID(), h.srv.AdminClientSecret()
	aud := h.mgmtAudience(h.base)

	r := h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients/"+id+"/rotate-secret", nil)
	expectStatus(t, r, http.StatusOK)
	rotated := strField(t, r.object(t), "client_secret")
	if h.srv.AdminClientSecret() != rotated {
		t.Errorf("AdminClientSecret() = %q after a rotation to %q", h.srv.AdminClientSecret(), rotated)
	}
	refused := func() {
		t.Helper()
		expectAPIError(t, h.call(h.base, "", http.MethodPost, "/_idp/reset", nil, basic(id, old)), http.StatusUnauthorized, "invalid_credentials")
		expectAPIError(t, h.call(h.base, "", http.MethodGet, "/_idp/requests", nil, basic(id, old)), http.StatusUnauthorized, "invalid_credentials")
		expectOAuthError(t, h.tokenJSON(h.base, credentials(id, old, aud, "")), http.StatusUnauthorized, "access_denied")
	}
	refused()
	h.mintToken(h.base, id, rotated, aud, "")
	expectStatus(t, h.call(h.base, "", http.MethodPost, "/_idp/reset", nil, basic(id, rotated)), http.StatusNoContent)

	// After the reset: the rotated secret is still the admin's.
	refused()
	tok := h.mintToken(h.base, id, rotated, aud, "")
	if got := h.mustGet(h.base, tok, "/api/v2/clients/"+id)["client_secret"]; got != rotated {
		t.Errorf("the admin's secret after a reset = %v, want the rotated one", got)
	}
	expectStatus(t, h.call(h.base, "", http.MethodPost, "/_idp/reset", nil, basic(id, rotated)), http.StatusNoContent)

	// A restart on the same store keeps it too.
	srv2, err := server.New(server.Options{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	if srv2.AdminClientID() != id || srv2.AdminClientSecret() != rotated || srv2.AdminSecretGenerated() {
		t.Errorf("restart: admin %s/%s (generated %v), want %s and the rotated secret",
			srv2.AdminClientID(), srv2.AdminClientSecret(), srv2.AdminSecretGenerated(), id)
	}
}

// A reset on a durable store is durable too.
func TestResetBolt(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	h := newHarness(t, func(o *server.Options) { o.Store = st })
	h.mustCreate(h.base, h.tok, "/api/v2/tenants", map[string]any{"name": "gone"})
	if err := h.srv.Reset(); err != nil {
		t.Fatal(err)
	}
	h.ts.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st2 := openStore(t, dir)
	defer st2.Close()
	if raws, _ := st2.List(server.RootTenant, server.KindTenants); len(raws) != 0 {
		t.Errorf("%d tenants after a reset and a restart", len(raws))
	}
	if raws, _ := st2.List("gone", server.KindClients); len(raws) != 0 {
		t.Errorf("the reset tenant's clients are still stored")
	}
	if _, err := server.New(server.Options{Store: st2}); err != nil {
		t.Fatal(err)
	}
}
