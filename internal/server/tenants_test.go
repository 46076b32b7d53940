package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

func TestTenantCreateUseDelete(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	body := map[string]any{
		"name":         "acme",
		"display_name": "Acme Corp",
		"owners":       []string{"ops@acme.example", "jane@acme.example"},
		"metadata":     map[string]string{"plan": "gold"},
	}
	r := h.call(h.base, h.tok, http.MethodPost, "/api/v2/tenants", body)
	expectStatus(t, r, http.StatusCreated)
	ten := r.object(t)
	id := strField(t, ten, "id")
	if !reTenantID.MatchString(id) {
		t.Errorf("tenant id %q is not ten_ + 16 alphanumerics", id)
	}
	base := h.base + "/tenants/acme"
	if ten["name"] != "acme" || ten["display_name"] != "Acme Corp" || ten["domain"] != base ||
		jsonString(t, ten["metadata"]) != `{"plan":"gold"}` || len(stringList(ten["owners"])) != 2 {
		t.Errorf("tenant = %v", ten)
	}
	created, err1 := time.Parse(time.RFC3339, strField(t, ten, "created_at"))
	_, err2 := time.Parse(time.RFC3339, strField(t, ten, "updated_at"))
	if err1 != nil || err2 != nil {
		t.Errorf("created_at/updated_at not RFC 3339: %v %v", err1, err2)
	}
	mc, _ := ten["management_client"].(map[string]any)
	cid, _ := mc["client_id"].(string)
	csecret, _ := mc["client_secret"].(string)
	if !reClientID.MatchString(cid) || !reClientSecret.MatchString(csecret) {
		t.Fatalf("management_client = %v", mc)
	}

	// GET by id and by name; the domain follows the request's Host.
	for _, seg := range []string{id, "acme"} {
		got := h.mustGet(h.base, h.tok, "/api/v2/tenants/"+seg)
		if got["id"] != id || got["name"] != "acme" || got["domain"] != base {
			t.Errorf("GET /tenants/%s = %v", seg, got)
		}
		if _, ok := got["management_client"]; ok {
			t.Errorf("GET /tenants/%s repeats the management client's secret", seg)
		}
	}
	if findBy(h.mustList(h.base, h.tok, "/api/v2/tenants"), "id", id) == nil {
		t.Errorf("tenant not listed")
	}

	// The management client holds every scope of the tenant's Management API (no tenants scopes).
	aud := base + "/api/v2/"
	tr := h.mintTokenResponse(base, cid, csecret, aud, "")
	if !sameSet(scopeSet(tr.Scope), managementScopes(false)) {
		t.Errorf("tenant management token scope = %q, want %v", tr.Scope, managementScopes(false))
	}
	tok := tr.AccessToken
	expectOAuthError(t, h.tokenJSON(base, credentials(cid, csecret, aud, "read:tenants")), http.StatusForbidden, "access_denied")

	// Tokens are signed by the tenant's own key, with the tenant's issuer.
	pt := h.verifyWithJWKS(base, tok, jose.RS256)
	checkClaims(t, pt, base+"/", cid, aud, managementScopes(false), 86400, time.Time{})
	rootKid, _ := tokenParts(t, h.tok)
	if pt.header.KeyID == rootKid["kid"] {
		t.Errorf("tenant and root share kid %q", pt.header.KeyID)
	}
	r = h.call(base, "", http.MethodGet, "/.well-known/openid-configuration", nil)
	if cfg := r.object(t); cfg["issuer"] != base+"/" || cfg["token_endpoint"] != base+"/oauth/token" || cfg["jwks_uri"] != base+"/.well-known/jwks.json" {
		t.Errorf("tenant openid-configuration = %v", cfg)
	}

	// The tenant has its own system API and the management client.
	rsList := h.mustList(base, tok, "/api/v2/resource-servers")
	sys := findBy(rsList, "is_system", true)
	if sys != nil {
		checkSystemAPIScopes(t, scopeValues(t, sys), false)
	}
	if len(rsList) != 1 || sys == nil || sys["identifier"] != aud || sys["name"] != "Auth0 Management API" {
		t.Errorf("tenant resource servers = %v", rsList)
	}
	clients := h.mustList(base, tok, "/api/v2/clients")
	if len(clients) != 1 || clients[0]["client_id"] != cid || clients[0]["name"] != "Management API Client" || clients[0]["tenant"] != "acme" {
		t.Errorf("tenant clients = %v", clients)
	}
	grants := h.mustList(base, tok, "/api/v2/client-grants")
	if len(grants) != 1 || grants[0]["client_id"] != cid || grants[0]["audience"] != aud {
		t.Errorf("tenant grants = %v", grants)
	}

	// Every scope works: full CRUD of each kind inside the tenant.
	api := h.mustCreate(base, tok, "/api/v2/resource-servers", map[string]any{
		"name": "T API", "identifier": "https://t.example.com/", "scopes": []map[string]any{{"value": "x:y"}}})
	apiPath := "/api/v2/resource-servers/" + strField(t, api, "id")
	h.mustGet(base, tok, apiPath)
	expectStatus(t, h.call(base, tok, http.MethodPatch, apiPath, map[string]any{"name": "T API 2"}), http.StatusOK)
	c := h.mustCreate(base, tok, "/api/v2/clients", map[string]any{"name": "T client"})
	if c["tenant"] != "acme" {
		t.Errorf("client tenant = %v, want acme", c["tenant"])
	}
	cPath := "/api/v2/clients/" + strField(t, c, "client_id")
	if got := h.mustGet(base, tok, cPath); got["client_secret"] != c["client_secret"] {
		t.Errorf("read:client_keys on the tenant does not show the secret")
	}
	expectStatus(t, h.call(base, tok, http.MethodPatch, cPath, map[string]any{"description": "d"}), http.StatusOK)
	expectStatus(t, h.call(base, tok, http.MethodPost, cPath+"/rotate-secret", nil), http.StatusOK)
	g := h.mustCreate(base, tok, "/api/v2/client-grants", map[string]any{"client_id": c["client_id"], "audience": "https://t.example.com/", "scope": []string{"x:y"}})
	gPath := "/api/v2/client-grants/" + strField(t, g, "id")
	h.mustGet(base, tok, gPath)
	expectStatus(t, h.call(base, tok, http.MethodPatch, gPath, map[string]any{"scope": []string{}}), http.StatusOK)
	for _, p := range []string{gPath, cPath, apiPath} {
		expectStatus(t, h.call(base, tok, http.MethodDelete, p, nil), http.StatusNoContent)
	}
	// Objects left behind when the tenant goes.
	leftover := h.mustCreate(base, tok, "/api/v2/clients", map[string]any{"name": "leftover"})
	h.mustCreate(base, tok, "/api/v2/resource-servers", map[string]any{"name": "left", "identifier": "https://left.example.com/"})

	// Tenant routes exist only on the root.
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		expectAPIError(t, h.call(base, tok, m, "/api/v2/tenants", map[string]any{"name": "nested"}), http.StatusNotFound, "not_found")
	}
	expectAPIError(t, h.call(base, tok, http.MethodGet, "/api/v2/tenants/acme", nil), http.StatusNotFound, "not_found")

	// PATCH.
	r = h.call(h.base, h.tok, http.MethodPatch, "/api/v2/tenants/"+id, map[string]any{"display_name": "Acme Inc", "metadata": map[string]string{"plan": "silver"}})
	expectStatus(t, r, http.StatusOK)
	p := r.object(t)
	if p["display_name"] != "Acme Inc" || p["name"] != "acme" || jsonString(t, p["metadata"]) != `{"plan":"silver"}` {
		t.Errorf("PATCH = %v", p)
	}
	if updated, err := time.Parse(time.RFC3339, strField(t, p, "updated_at")); err != nil || updated.Before(created) {
		t.Errorf("updated_at = %v (%v), created_at = %v", p["updated_at"], err, created)
	}
	if p["created_at"] != ten["created_at"] {
		t.Errorf("created_at changed by PATCH: %v -> %v", ten["created_at"], p["created_at"])
	}
	expectStatus(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/tenants/acme", map[string]any{"owners": []string{"new@acme.example"}}), http.StatusOK)

	// Conflict on the name.
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/tenants", map[string]any{"name": "acme"}), http.StatusConflict, "conflict")

	// DELETE removes the tenant, its URLs and its tokens; again is still 204.
	for i := 0; i < 2; i++ {
		r := h.call(h.base, h.tok, http.MethodDelete, "/api/v2/tenants/"+id, nil)
		expectStatus(t, r, http.StatusNoContent)
		if len(r.Body) != 0 {
			t.Errorf("DELETE body = %q", r.Body)
		}
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/tenants/"+id, nil), http.StatusNotFound, "inexistent_tenant")
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/tenants/acme", nil), http.StatusNotFound, "inexistent_tenant")
	expectAPIError(t, h.call(base, "", http.MethodGet, "/.well-known/jwks.json", nil), http.StatusNotFound, "inexistent_tenant")
	expectAPIError(t, h.tokenJSON(base, credentials(cid, csecret, aud, "")), http.StatusNotFound, "inexistent_tenant")
	if r := h.call(base, tok, http.MethodGet, "/api/v2/clients", nil); r.Status != http.StatusUnauthorized && r.Status != http.StatusNotFound {
		t.Errorf("token of a deleted tenant: want 401 or 404, got %s", r)
	}

	// The name is free again, and the new tenant starts empty.
	again := h.newTenant("acme")
	if again.id == id || again.clientID == cid {
		t.Errorf("recreated tenant reuses id %s / client %s", again.id, again.clientID)
	}
	if cl := h.mustList(again.base, again.tok, "/api/v2/clients"); len(cl) != 1 || cl[0]["client_id"] != again.clientID {
		t.Errorf("recreated tenant's clients = %v", cl)
	}
	if rs := h.mustList(again.base, again.tok, "/api/v2/resource-servers"); len(rs) != 1 {
		t.Errorf("recreated tenant's resource servers = %v", rs)
	}
	expectAPIError(t, h.call(again.base, again.tok, http.MethodGet, "/api/v2/clients/"+strField(t, leftover, "client_id"), nil), http.StatusNotFound, "inexistent_client")
	// The old token does not open the new tenant (new key).
	expectInvalidToken(t, h.call(again.base, tok, http.MethodGet, "/api/v2/clients", nil), "")
}

func TestTenantDomainFollowsHost(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	te := h.newTenant("hosty")
	if te.obj["domain"] != h.base+"/tenants/hosty" {
		t.Errorf("domain = %v", te.obj["domain"])
	}
	r := h.call(h.base, "", http.MethodGet, "/tenants/hosty/.well-known/openid-configuration", nil, http.Header{"Host": {"idp.test:9000"}})
	if iss := r.object(t)["issuer"]; iss != "http://idp.test:9000/tenants/hosty/" {
		t.Errorf("tenant issuer through another host = %v", iss)
	}
	// The root admin token is bound to 127.0.0.1; mint one for idp.test:9000.
	alt := "http://idp.test:9000"
	body := jsonOf(credentials(h.srv.AdminClientID(), h.srv.AdminClientSecret(), alt+"/api/v2/", "read:tenants"))
	r = h.postToken(h.base, "application/json", body, http.Header{"Host": {"idp.test:9000"}})
	tok := expectTokenOK(t, r, []string{"read:tenants"}, 86400).AccessToken
	r = h.call(h.base, tok, http.MethodGet, "/api/v2/tenants/hosty", nil, http.Header{"Host": {"idp.test:9000"}})
	expectStatus(t, r, http.StatusOK)
	if d := r.object(t)["domain"]; d != alt+"/tenants/hosty" {
		t.Errorf("domain through another host = %v", d)
	}
	// The tenant's management client works through that host too.
	body = jsonOf(credentials(te.clientID, te.secret, alt+"/tenants/hosty/api/v2/", ""))
	r = h.postToken(h.base+"/tenants/hosty", "application/json", body, http.Header{"Host": {"idp.test:9000"}})
	expectTokenOK(t, r, managementScopes(false), 86400)
}

func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.newTenant("iso-a")
	b := h.newTenant("iso-b")

	// Tokens cross no tenant boundary.
	for _, tc := range []struct {
		name, base, tok string
	}{
		{"A's token on B", b.base, a.tok},
		{"B's token on A", a.base, b.tok},
		{"root token on A", a.base, h.tok},
		{"A's token on root", h.base, a.tok},
	} {
		r := h.call(tc.base, tc.tok, http.MethodGet, "/api/v2/clients", nil)
		if r.Status != http.StatusUnauthorized {
			t.Errorf("%s: want 401, got %s", tc.name, r)
			continue
		}
		expectInvalidToken(t, r, "")
	}
	// A's client cannot get tokens from B; B does not know A's audience.
	expectOAuthError(t, h.tokenJSON(b.base, credentials(a.clientID, a.secret, b.base+"/api/v2/", "")), http.StatusUnauthorized, "access_denied")
	expectOAuthError(t, h.tokenJSON(b.base, credentials(b.clientID, b.secret, a.base+"/api/v2/", "")), http.StatusForbidden, "access_denied")
	expectOAuthError(t, h.tokenJSON(h.base, credentials(a.clientID, a.secret, h.base+"/api/v2/", "")), http.StatusUnauthorized, "access_denied")

	// The same identifier may exist once per tenant.
	ident := "https://shared.example.com/"
	apiA := h.mustCreate(a.base, a.tok, "/api/v2/resource-servers", map[string]any{"name": "A", "identifier": ident})
	apiB := h.mustCreate(b.base, b.tok, "/api/v2/resource-servers", map[string]any{"name": "B", "identifier": ident})
	h.mustCreate(h.base, h.tok, "/api/v2/resource-servers", map[string]any{"name": "root", "identifier": ident})
	if got := h.mustGet(b.base, b.tok, "/api/v2/resource-servers/"+url.PathEscape(ident)); got["id"] != apiB["id"] {
		t.Errorf("B looks up %s and gets %v", ident, got)
	}
	cA := h.mustCreate(a.base, a.tok, "/api/v2/clients", map[string]any{"name": "only in A"})
	gA := h.mustCreate(a.base, a.tok, "/api/v2/client-grants", map[string]any{"client_id": cA["client_id"], "audience": ident, "scope": []string{}})

	for _, other := range []struct{ name, base, tok string }{{"B", b.base, b.tok}, {"root", h.base, h.tok}} {
		expectAPIError(t, h.call(other.base, other.tok, http.MethodGet, "/api/v2/clients/"+cA["client_id"].(string), nil), http.StatusNotFound, "inexistent_client")
		expectAPIError(t, h.call(other.base, other.tok, http.MethodGet, "/api/v2/resource-servers/"+apiA["id"].(string), nil), http.StatusNotFound, "inexistent_resource_server")
		expectAPIError(t, h.call(other.base, other.tok, http.MethodGet, "/api/v2/client-grants/"+gA["id"].(string), nil), http.StatusNotFound, "inexistent_client_grant")
		expectAPIError(t, h.call(other.base, other.tok, http.MethodPatch, "/api/v2/clients/"+cA["client_id"].(string), map[string]any{"name": "stolen"}), http.StatusNotFound, "inexistent_client")
		// A grant in another tenant cannot reference A's client.
		expectAPIError(t, h.call(other.base, other.tok, http.MethodPost, "/api/v2/client-grants",
			map[string]any{"client_id": cA["client_id"], "audience": ident, "scope": []string{}}), http.StatusNotFound, "inexistent_client")
		if findBy(h.mustList(other.base, other.tok, "/api/v2/clients"), "client_id", cA["client_id"]) != nil {
			t.Errorf("%s lists A's client", other.name)
		}
		// Deleting in another tenant leaves A's object alone.
		expectStatus(t, h.call(other.base, other.tok, http.MethodDelete, "/api/v2/clients/"+cA["client_id"].(string), nil), http.StatusNoContent)
	}
	h.mustGet(a.base, a.tok, "/api/v2/clients/"+cA["client_id"].(string))
	if n := len(h.mustList(b.base, b.tok, "/api/v2/clients")); n != 1 {
		t.Errorf("B has %d clients, want only its management client", n)
	}

	// Tenants page like any list.
	r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/tenants?include_totals=true&per_page=1&page=0", nil)
	expectStatus(t, r, http.StatusOK)
	env := r.object(t)
	items, _ := env["tenants"].([]any)
	if total, _ := env["total"].(float64); total < 2 || len(items) != 1 || env["limit"] != 1.0 || env["start"] != 0.0 {
		t.Errorf("tenant page = %s", r.Body)
	}
}

func TestTenantValidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	te := h.newTenant("valid-one")
	bad := []struct {
		name   string
		method string
		path   string
		body   any
	}{
		{"bad json", "POST", "/api/v2/tenants", `{"name":`},
		{"missing name", "POST", "/api/v2/tenants", map[string]any{"display_name": "x"}},
		{"name wrong type", "POST", "/api/v2/tenants", map[string]any{"name": 7}},
		{"name too short", "POST", "/api/v2/tenants", map[string]any{"name": "ab"}},
		{"name too long", "POST", "/api/v2/tenants", map[string]any{"name": strings.Repeat("a", 64)}},
		{"name upper case", "POST", "/api/v2/tenants", map[string]any{"name": "Acme"}},
		{"name leading dash", "POST", "/api/v2/tenants", map[string]any{"name": "-acme"}},
		{"name trailing dash", "POST", "/api/v2/tenants", map[string]any{"name": "acme-"}},
		{"name underscore", "POST", "/api/v2/tenants", map[string]any{"name": "ac_me"}},
		{"name with slash", "POST", "/api/v2/tenants", map[string]any{"name": "ac/me"}},
		{"name with dot", "POST", "/api/v2/tenants", map[string]any{"name": "ac.me"}},
		{"name empty", "POST", "/api/v2/tenants", map[string]any{"name": ""}},
		{"owners not e-mails", "POST", "/api/v2/tenants", map[string]any{"name": "owners", "owners": []string{"not an email"}}},
		{"owners not an array", "POST", "/api/v2/tenants", map[string]any{"name": "owners", "owners": "a@b.example"}},
		{"metadata values not strings", "POST", "/api/v2/tenants", map[string]any{"name": "meta", "metadata": map[string]any{"a": true}}},
		{"unknown property", "POST", "/api/v2/tenants", map[string]any{"name": "unknown", "region": "eu"}},
		{"PATCH name", "PATCH", "/api/v2/tenants/valid-one", map[string]any{"name": "renamed"}},
		{"PATCH same name", "PATCH", "/api/v2/tenants/valid-one", map[string]any{"name": "valid-one"}},
		{"PATCH owners", "PATCH", "/api/v2/tenants/valid-one", map[string]any{"owners": []string{"@@"}}},
		{"PATCH unknown property", "PATCH", "/api/v2/tenants/valid-one", map[string]any{"domain": "x"}},
		{"PATCH bad json", "PATCH", "/api/v2/tenants/valid-one", `nope`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			expectAPIError(t, h.with(t).call(h.base, h.tok, tt.method, tt.path, tt.body), http.StatusBadRequest, "invalid_body")
		})
	}
	t.Run("unknown tenant", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/tenants/ten_0000000000000000", nil), http.StatusNotFound, "inexistent_tenant")
		expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/tenants/no-such", nil), http.StatusNotFound, "inexistent_tenant")
		expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/tenants/no-such", map[string]any{"display_name": "x"}), http.StatusNotFound, "inexistent_tenant")
		expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/tenants/no-such", nil), http.StatusNoContent)
		for _, p := range []string{"/.well-known/jwks.json", "/.well-known/openid-configuration", "/api/v2/clients"} {
			expectAPIError(t, h.call(h.base+"/tenants/no-such", h.tok, http.MethodGet, p, nil), http.StatusNotFound, "inexistent_tenant")
		}
		expectAPIError(t, h.tokenJSON(h.base+"/tenants/no-such", credentials("x", "y", "z", "")), http.StatusNotFound, "inexistent_tenant")
	})
	t.Run("tenant's objects unaffected by a bad PATCH", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		got := h.mustGet(h.base, h.tok, "/api/v2/tenants/"+te.id)
		if got["name"] != "valid-one" {
			t.Errorf("tenant = %v", got)
		}
	})
}
