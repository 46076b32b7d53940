package server_test

// Tests of organizations (organizations.go) and of organizations in the
// client credentials grant (token_organization.go).

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

var reOrganizationID = regexp.MustCompile(`^org_[A-Za-z0-9]{16}$`)

func TestOrganizationsCRUD(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// A new tenant has no organization.
	if got := h.mustList(h.base, h.tok, "/api/v2/organizations"); len(got) != 0 {
		t.Fatalf("a new tenant has organizations: %v", got)
	}
	o := h.mustCreate(h.base, h.tok, "/api/v2/organizations", map[string]any{
		"name": "acme_1-x", "display_name": "Acme",
		"branding": map[string]any{"logo_url": "https://acme.example/logo.png",
			"colors": map[string]any{"primary": "#0059d6", "page_background": "#fff"}},
		"metadata":    map[string]any{"tier": "gold"},
		"token_quota": map[string]any{"client_credentials": map[string]any{"enforce": true, "per_day": 100}},
	})
	id := strField(t, o, "id")
	if !reOrganizationID.MatchString(id) {
		t.Errorf("id %q", id)
	}
	if o["display_name"] != "Acme" || o["metadata"].(map[string]any)["tier"] != "gold" || o["token_quota"] == nil {
		t.Errorf("create answered %v", o)
	}
	for _, k := range []string{"created_at", "connections", "enabled_connections"} {
		if _, ok := o[k]; ok {
			t.Errorf("create answered %s: %v", k, o)
		}
	}
	if got := h.mustGet(h.base, h.tok, "/api/v2/organizations/"+id); got["name"] != "acme_1-x" {
		t.Errorf("GET by id: %v", got)
	}
	if got := h.mustGet(h.base, h.tok, "/api/v2/organizations/name/acme_1-x"); got["id"] != id {
		t.Errorf("GET by name: %v", got)
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/organizations/name/nobody", nil), http.StatusNotFound, "inexistent_organization")
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/organizations/org_nobody", nil), http.StatusNotFound, "inexistent_organization")
	e := expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/organizations", map[string]any{"name": "acme_1-x"}), http.StatusConflict, "conflict")
	if e.Message != "An organization with this name already exists." {
		t.Errorf("conflict message %q", e.Message)
	}

	// A PATCH merges metadata (null removes a key) and a rename moves the name.
	r := h.call(h.base, h.tok, http.MethodPatch, "/api/v2/organizations/"+id, map[string]any{
		"name": "acme-2", "metadata": map[string]any{"tier": nil, "region": "eu"}})
	expectStatus(t, r, http.StatusOK)
	got := r.object(t)
	if md := got["metadata"].(map[string]any); len(md) != 1 || md["region"] != "eu" || got["display_name"] != "Acme" {
		t.Errorf("PATCH answered %v", got)
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/organizations/name/acme_1-x", nil), http.StatusNotFound, "inexistent_organization")
	h.mustGet(h.base, h.tok, "/api/v2/organizations/name/acme-2")
	h.mustCreate(h.base, h.tok, "/api/v2/organizations", map[string]any{"name": "acme_1-x"})
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/organizations/"+id, map[string]any{"name": "acme_1-x"}),
		http.StatusConflict, "conflict")

	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/organizations/"+id, nil), http.StatusNoContent)
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/organizations/"+id, nil), http.StatusNoContent)
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/organizations/name/acme-2", nil), http.StatusNotFound, "inexistent_organization")
	h.mustCreate(h.base, h.tok, "/api/v2/organizations", map[string]any{"name": "acme-2"})
}

func TestOrganizationsRefuseBadBodies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	many := map[string]any{}
	for i := range 26 {
		many["k"+strings.Repeat("x", i)] = "v"
	}
	for _, body := range []map[string]any{
		{},
		{"name": ""},
		{"name": strings.Repeat("a", 51)},
		{"name": "Acme"},
		{"name": "acme corp"},
		{"name": "acme.corp"},
		{"name": "a", "display_name": ""},
		{"name": "a", "display_name": strings.Repeat("d", 256)},
		{"name": "a", "branding": map[string]any{"logo_url": "http://acme.example/logo.png"}},
		{"name": "a", "branding": map[string]any{"colors": map[string]any{"primary": "#000"}}},
		{"name": "a", "branding": map[string]any{"colors": map[string]any{"primary": "red", "page_background": "#000"}}},
		{"name": "a", "branding": map[string]any{"theme": "dark"}},
		{"name": "a", "metadata": many},
		{"name": "a", "metadata": map[string]any{"k": strings.Repeat("v", 256)}},
		{"name": "a", "metadata": map[string]any{"k": 1}},
		{"name": "a", "enabled_connections": []map[string]any{{"assign_membership_on_login": true}}},
		{"name": "a", "members": []string{}},
	} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/organizations", body), http.StatusBadRequest, "invalid_body")
	}
	h.mustCreate(h.base, h.tok, "/api/v2/organizations", map[string]any{"name": strings.Repeat("a", 50)})
	h.mustCreate(h.base, h.tok, "/api/v2/organizations", map[string]any{"name": "0_-"})
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/organizations",
		map[string]any{"name": "b", "enabled_connections": []map[string]any{{"connection_id": "con_nope"}}}),
		http.StatusNotFound, "inexistent_connection")
}

func TestOrganizationsPaging(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	names := []string{"delta", "alpha", "charlie", "bravo", "echo"}
	for _, n := range names {
		h.mustCreate(h.base, h.tok, "/api/v2/organizations", map[string]any{"name": n, "display_name": strings.ToUpper(n)})
	}
	if got := names2(h.mustList(h.base, h.tok, "/api/v2/organizations")); strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("default order (created_at) %v", got)
	}
	if got := names2(h.mustList(h.base, h.tok, "/api/v2/organizations?sort=name:1&page=1&per_page=2")); strings.Join(got, ",") != "charlie,delta" {
		t.Errorf("sorted page %v", got)
	}
	if got := names2(h.mustList(h.base, h.tok, "/api/v2/organizations?sort=display_name:-1&per_page=1")); strings.Join(got, ",") != "echo" {
		t.Errorf("descending %v", got)
	}
	totals := h.mustGet(h.base, h.tok, "/api/v2/organizations?include_totals=true&per_page=2")
	if totals["total"] != float64(5) || totals["limit"] != float64(2) || len(totals["organizations"].([]any)) != 2 {
		t.Errorf("totals %v", totals)
	}
	var seen []string
	from := ""
	for range 10 {
		page := h.mustGet(h.base, h.tok, "/api/v2/organizations?take=2&from="+url.QueryEscape(from))
		for _, o := range page["organizations"].([]any) {
			seen = append(seen, o.(map[string]any)["name"].(string))
		}
		next, ok := page["next"].(string)
		if !ok {
			break
		}
		from = next
	}
	if len(seen) != 5 {
		t.Errorf("checkpoint pages saw %v", seen)
	}
	for _, q := range []string{"?sort=size:1", "?sort=name", "?sort=name:2", "?sort=display_name:-1x", "?take=0", "?take=101", "?per_page=101", "?page=1001"} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/organizations"+q, nil), http.StatusBadRequest, "invalid_query_string")
	}
}

func names2(list []map[string]any) []string {
	out := make([]string, 0, len(list))
	for _, o := range list {
		out = append(out, o["name"].(string))
	}
	return out
}

func TestOrganizationEnabledConnections(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/connections", map[string]any{"name": "a", "strategy": "auth0"}), "id")
	b := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/connections", map[string]any{"name": "b", "strategy": "auth0"}), "id")
	o := h.mustCreate(h.base, h.tok, "/api/v2/organizations", map[string]any{"name": "acme",
		"enabled_connections": []map[string]any{{"connection_id": a, "assign_membership_on_login": true}}})
	id := strField(t, o, "id")
	enabled := o["enabled_connections"].([]any)
	if len(enabled) != 1 || enabled[0].(map[string]any)["connection"].(map[string]any)["name"] != "a" {
		t.Errorf("create answered %v", o)
	}
	path := "/api/v2/organizations/" + id + "/enabled_connections"
	added := h.mustCreate(h.base, h.tok, path, map[string]any{"connection_id": b, "show_as_button": false})
	if added["show_as_button"] != false || added["assign_membership_on_login"] != false || added["is_signup_enabled"] != false {
		t.Errorf("POST answered %v", added)
	}
	list := h.mustList(h.base, h.tok, path)
	if len(list) != 2 || list[0]["assign_membership_on_login"] != (list[0]["connection_id"] == a) || list[0]["show_as_button"] == list[1]["show_as_button"] {
		t.Errorf("list %v", list)
	}
	if got := h.mustList(h.base, h.tok, path+"?take=1"); len(got) != 2 {
		t.Errorf("take is no parameter of this list, yet it paged: %v", got)
	}
	totals := h.mustGet(h.base, h.tok, path+"?include_totals=true&per_page=1&page=1")
	if totals["total"] != float64(2) || len(totals["enabled_connections"].([]any)) != 1 {
		t.Errorf("totals %v", totals)
	}
	r := h.call(h.base, h.tok, http.MethodPatch, path+"/"+a, map[string]any{"assign_membership_on_login": false, "is_signup_enabled": true})
	expectStatus(t, r, http.StatusOK)
	if got := h.mustGet(h.base, h.tok, path+"/"+a); got["assign_membership_on_login"] != false || got["is_signup_enabled"] != true {
		t.Errorf("after PATCH %v", got)
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, path+"/"+a, map[string]any{"connection_id": b}), http.StatusBadRequest, "invalid_body")
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, path+"/"+a, nil), http.StatusNoContent)
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, path+"/"+a, nil), http.StatusNoContent)
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, path+"/"+a, nil), http.StatusNotFound, "inexistent_connection")
	// Deleting a connection removes it from the organization.
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/connections/"+b, nil), http.StatusNoContent)
	if list := h.mustList(h.base, h.tok, path); len(list) != 0 {
		t.Errorf("a deleted connection is still enabled: %v", list)
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/organizations/org_nope/enabled_connections", nil), http.StatusNotFound, "inexistent_organization")
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, path, map[string]any{"connection_id": "con_nope"}), http.StatusNotFound, "inexistent_connection")
}

// TestOrganizationNamedLikeARoute: /organizations/name/{name} is matched
// before /organizations/{id}/client-grants, which Auth0's spec also has.
func TestOrganizationNamedLikeARoute(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	o := h.mustCreate(h.base, h.tok, "/api/v2/organizations", map[string]any{"name": "client-grants"})
	if got := h.mustGet(h.base, h.tok, "/api/v2/organizations/name/client-grants"); got["id"] != o["id"] {
		t.Errorf("got %v", got)
	}
}

// orgFixture is a tenant with an API, a client granted two of its scopes
// with usage, and two organizations, acme associated with the grant.
type orgFixture struct {
	h                *harness
	aud, id, secret  string
	grant, acme, bee string
}

func newOrgFixture(t *testing.T, grant map[string]any) orgFixture {
	h := newHarness(t)
	aud := "https://satellite.example/"
	h.newAPI(h.base, h.tok, map[string]any{"identifier": aud,
		"scopes": []map[string]string{{"value": "read:orders"}, {"value": "write:orders"}, {"value": "admin"}}})
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": unique("central ")})
	f := orgFixture{h: h, aud: aud, id: strField(t, c, "client_id"), secret: strField(t, c, "client_secret")}
	grant["client_id"], grant["audience"] = f.id, aud
	if grant["scope"] == nil {
		grant["scope"] = []string{"read:orders", "write:orders"}
	}
	f.grant = strField(t, h.mustCreate(h.base, h.tok, "/api/v2/client-grants", grant), "id")
	f.acme = strField(t, h.mustCreate(h.base, h.tok, "/api/v2/organizations", map[string]any{"name": "acme"}), "id")
	f.bee = strField(t, h.mustCreate(h.base, h.tok, "/api/v2/organizations", map[string]any{"name": "bee"}), "id")
	h.mustCreate(h.base, h.tok, "/api/v2/organizations/"+f.acme+"/client-grants", map[string]any{"grant_id": f.grant})
	return f
}

func (f orgFixture) token(org, scope string) *response {
	req := credentials(f.id, f.secret, f.aud, scope)
	if org != "" {
		req["organization"] = org
	}
	return f.h.tokenJSON(f.h.base, req)
}

func orgClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	_, payload := tokenParts(t, tok)
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

func TestTokenOrganizationRequired(t *testing.T) {
	t.Parallel()
	f := newOrgFixture(t, map[string]any{"organization_usage": "require"})
	// Without an organization: refused.
	e := expectOAuthError(t, f.token("", ""), http.StatusBadRequest, "invalid_request")
	if !strings.Contains(e.Description, "organization is required") {
		t.Errorf("description %q", e.Description)
	}
	// With the associated one: org_id, and only the scopes asked for.
	tr := expectTokenOK(t, f.token(f.acme, "read:orders"), []string{"read:orders"}, 86400)
	claims := orgClaims(t, tr.AccessToken)
	if claims["org_id"] != f.acme || claims["scope"] != "read:orders" {
		t.Errorf("claims %v", claims)
	}
	if _, ok := claims["org_name"]; ok {
		t.Errorf("org_name without the tenant setting: %v", claims)
	}
	// A scope the grant lacks is refused as without organizations.
	expectOAuthError(t, f.token(f.acme, "admin"), http.StatusForbidden, "access_denied")
	// Another organization, an unknown one, and a name (without the setting): refused.
	for _, org := range []string{f.bee, "org_nobody00000000", "acme"} {
		e := expectOAuthError(t, f.token(org, ""), http.StatusForbidden, "access_denied")
		if !strings.Contains(e.Description, org) {
			t.Errorf("%s: description %q", org, e.Description)
		}
	}
	// Dissociated, acme is refused too; deleting an organization dissociates it.
	path := "/api/v2/organizations/" + f.acme + "/client-grants"
	list := f.h.mustList(f.h.base, f.h.tok, path)
	if len(list) != 1 || list[0]["id"] != f.grant || list[0]["organization_usage"] != "require" || list[0]["audience"] != f.aud {
		t.Errorf("organization's grants %v", list)
	}
	expectAPIError(t, f.h.call(f.h.base, f.h.tok, http.MethodPost, path, map[string]any{"grant_id": f.grant}), http.StatusConflict, "conflict")
	expectStatus(t, f.h.call(f.h.base, f.h.tok, http.MethodDelete, path+"/"+f.grant, nil), http.StatusNoContent)
	expectStatus(t, f.h.call(f.h.base, f.h.tok, http.MethodDelete, path+"/"+f.grant, nil), http.StatusNoContent)
	expectOAuthError(t, f.token(f.acme, ""), http.StatusForbidden, "access_denied")
	f.h.mustCreate(f.h.base, f.h.tok, "/api/v2/organizations/"+f.bee+"/client-grants", map[string]any{"grant_id": f.grant})
	expectTokenOK(t, f.token(f.bee, ""), []string{"read:orders", "write:orders"}, 86400)
	expectStatus(t, f.h.call(f.h.base, f.h.tok, http.MethodDelete, "/api/v2/organizations/"+f.bee, nil), http.StatusNoContent)
	f.bee = strField(t, f.h.mustCreate(f.h.base, f.h.tok, "/api/v2/organizations", map[string]any{"name": "bee"}), "id")
	expectOAuthError(t, f.token(f.bee, ""), http.StatusForbidden, "access_denied")
	g := f.h.mustGet(f.h.base, f.h.tok, "/api/v2/client-grants/"+f.grant)
	if _, ok := g["organizations"]; ok {
		t.Errorf("a grant answers its organizations: %v", g)
	}
}

func TestTokenOrganizationDenied(t *testing.T) {
	t.Parallel()
	// Unset usage is deny, as is deny itself.
	for _, grant := range []map[string]any{{}, {"organization_usage": "deny"}} {
		f := newOrgFixture(t, grant)
		expectTokenOK(t, f.token("", ""), []string{"read:orders", "write:orders"}, 86400)
		expectOAuthError(t, f.token(f.acme, ""), http.StatusForbidden, "access_denied")
	}
}

func TestTokenOrganizationAllowed(t *testing.T) {
	t.Parallel()
	f := newOrgFixture(t, map[string]any{"organization_usage": "allow"})
	tr := expectTokenOK(t, f.token("", ""), []string{"read:orders", "write:orders"}, 86400)
	if _, ok := orgClaims(t, tr.AccessToken)["org_id"]; ok {
		t.Errorf("org_id without an organization")
	}
	expectOAuthError(t, f.token(f.bee, ""), http.StatusForbidden, "access_denied")
	// allow_any_organization opens every organization.
	expectStatus(t, f.h.call(f.h.base, f.h.tok, http.MethodPatch, "/api/v2/client-grants/"+f.grant,
		map[string]any{"allow_any_organization": true}), http.StatusOK)
	tr = expectTokenOK(t, f.token(f.bee, ""), []string{"read:orders", "write:orders"}, 86400)
	if orgClaims(t, tr.AccessToken)["org_id"] != f.bee {
		t.Errorf("org_id not bee")
	}
	// With the tenant setting, a name is taken and tokens carry org_name.
	expectStatus(t, f.h.call(f.h.base, f.h.tok, http.MethodPatch, "/api/v2/tenants/settings",
		map[string]any{"allow_organization_name_in_authentication_api": true}), http.StatusOK)
	tr = expectTokenOK(t, f.token("bee", ""), []string{"read:orders", "write:orders"}, 86400)
	if c := orgClaims(t, tr.AccessToken); c["org_id"] != f.bee || c["org_name"] != "bee" {
		t.Errorf("claims %v", c)
	}
	tr = expectTokenOK(t, f.token(f.acme, ""), []string{"read:orders", "write:orders"}, 86400)
	if c := orgClaims(t, tr.AccessToken); c["org_name"] != "acme" {
		t.Errorf("claims %v", c)
	}
	// The clients filter by organization sees the association.
	r := f.h.call(f.h.base, f.h.tok, http.MethodGet, "/api/v2/clients?take=10&q=client_grant.organization_id:"+f.acme, nil)
	expectStatus(t, r, http.StatusOK)
	if cl := r.object(t)["clients"].([]any); len(cl) != 1 || cl[0].(map[string]any)["client_id"] != f.id {
		t.Errorf("clients of acme %v", cl)
	}
}

func TestOrganizationClientGrantsList(t *testing.T) {
	t.Parallel()
	f := newOrgFixture(t, map[string]any{"organization_usage": "allow"})
	path := "/api/v2/organizations/" + f.acme + "/client-grants"
	for q, want := range map[string]int{
		"": 1, "?audience=" + url.QueryEscape(f.aud): 1, "?audience=https://other.example/": 0,
		"?client_id=" + f.id: 1, "?client_id=nobody": 0, "?grant_ids=" + f.grant: 1, "?grant_ids=cgr_x&grant_ids=cgr_y": 0,
	} {
		if got := f.h.mustList(f.h.base, f.h.tok, path+q); len(got) != want {
			t.Errorf("%s: %v", q, got)
		}
	}
	totals := f.h.mustGet(f.h.base, f.h.tok, path+"?include_totals=true")
	if totals["total"] != float64(1) {
		t.Errorf("totals %v", totals)
	}
	if list := f.h.mustList(f.h.base, f.h.tok, "/api/v2/organizations/"+f.bee+"/client-grants"); len(list) != 0 {
		t.Errorf("bee's grants %v", list)
	}
	expectAPIError(t, f.h.call(f.h.base, f.h.tok, http.MethodPost, path, map[string]any{"grant_id": "cgr_nope"}), http.StatusNotFound, "inexistent_client_grant")
	expectAPIError(t, f.h.call(f.h.base, f.h.tok, http.MethodPost, path, map[string]any{}), http.StatusBadRequest, "invalid_body")
	expectAPIError(t, f.h.call(f.h.base, f.h.tok, http.MethodGet, "/api/v2/organizations/org_nope/client-grants", nil), http.StatusNotFound, "inexistent_organization")
	expectAPIError(t, f.h.call(f.h.base, f.h.tok, http.MethodGet, path+"?grant_ids=a&grant_ids=b&grant_ids=c&grant_ids=d&grant_ids=e&grant_ids=f&grant_ids=g&grant_ids=h&grant_ids=i&grant_ids=j&grant_ids=k", nil),
		http.StatusBadRequest, "invalid_query_string")
	// Deleting the grant's client deletes the grant, and so the association.
	expectStatus(t, f.h.call(f.h.base, f.h.tok, http.MethodDelete, "/api/v2/clients/"+f.id, nil), http.StatusNoContent)
	if list := f.h.mustList(f.h.base, f.h.tok, path); len(list) != 0 {
		t.Errorf("after the client's delete %v", list)
	}
}

// TestOrganizationsPersistAndReset: organizations are in the store, so a
// restart keeps them, and a reset drops them.
func TestOrganizationsPersistAndReset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st := openStore(t, dir)
	h := newHarness(t, func(o *server.Options) { o.Store = st })
	o := h.mustCreate(h.base, h.tok, "/api/v2/organizations", map[string]any{"name": "kept"})
	h.ts.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st2 := openStore(t, dir)
	defer st2.Close()
	srv2, err := server.New(server.Options{Store: st2})
	if err != nil {
		t.Fatal(err)
	}
	ts2 := newTestServer(t, srv2)
	h2 := &harness{t: t, srv: srv2, ts: ts2, client: ts2.Client(), base: ts2.URL}
	h2.tok = h2.mintToken(h2.base, srv2.AdminClientID(), srv2.AdminClientSecret(), h2.mgmtAudience(h2.base), "")
	if got := h2.mustGet(h2.base, h2.tok, "/api/v2/organizations/name/kept"); got["id"] != o["id"] {
		t.Errorf("after a restart %v", got)
	}
	expectStatus(t, h2.call(h2.base, "", http.MethodPost, "/_idp/reset", nil, h2.adminBasic()), http.StatusNoContent)
	tok := h2.mintToken(h2.base, srv2.AdminClientID(), srv2.AdminClientSecret(), h2.mgmtAudience(h2.base), "")
	if got := h2.mustList(h2.base, tok, "/api/v2/organizations"); len(got) != 0 {
		t.Errorf("after a reset %v", got)
	}
}
