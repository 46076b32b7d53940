package server_test

// Tests of /api/v2/client-grants (client_grants.go).

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

func TestClientGrantCRUD(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	api := h.newAPI(h.base, h.tok, map[string]any{"scopes": []map[string]any{{"value": "read:a"}, {"value": "write:a"}}})
	aud := strField(t, api, "identifier")
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "granted"})
	cid := strField(t, c, "client_id")

	g := h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": cid, "audience": aud, "scope": []string{"read:a"}})
	gid := strField(t, g, "id")
	if !reGrantID.MatchString(gid) {
		t.Errorf("grant id %q is not cgr_ + 16 alphanumerics", gid)
	}
	if g["client_id"] != cid || g["audience"] != aud || jsonString(t, g["scope"]) != `["read:a"]` {
		t.Errorf("grant = %v", g)
	}
	got := h.mustGet(h.base, h.tok, "/api/v2/client-grants/"+gid)
	if jsonString(t, got) != jsonString(t, g) {
		t.Errorf("GET = %v, POST = %v", got, g)
	}

	r := h.call(h.base, h.tok, http.MethodPatch, "/api/v2/client-grants/"+gid, map[string]any{"scope": []string{"read:a", "write:a"}})
	expectStatus(t, r, http.StatusOK)
	p := r.object(t)
	if p["id"] != gid || p["client_id"] != cid || p["audience"] != aud || !sameSet(stringList(p["scope"]), []string{"read:a", "write:a"}) {
		t.Errorf("PATCH response = %v", p)
	}
	tr := h.mintTokenResponse(h.base, cid, strField(t, c, "client_secret"), aud, "")
	if !sameSet(scopeSet(tr.Scope), []string{"read:a", "write:a"}) {
		t.Errorf("token scope after PATCH = %q", tr.Scope)
	}
	r = h.call(h.base, h.tok, http.MethodPatch, "/api/v2/client-grants/"+gid, map[string]any{"scope": []string{}})
	expectStatus(t, r, http.StatusOK)
	if sc, ok := r.object(t)["scope"].([]any); !ok || len(sc) != 0 {
		t.Errorf("scope after PATCH to [] = %v, want []", r.object(t)["scope"])
	}

	// An empty scope list is a valid grant, shown as [].
	c2 := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "empty"})
	g2 := h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": c2["client_id"], "audience": aud, "scope": []string{}})
	if sc, ok := g2["scope"].([]any); !ok || len(sc) != 0 {
		t.Errorf("empty grant scope = %v, want []", g2["scope"])
	}

	for i := 0; i < 2; i++ {
		r := h.call(h.base, h.tok, http.MethodDelete, "/api/v2/client-grants/"+gid, nil)
		expectStatus(t, r, http.StatusNoContent)
		if len(r.Body) != 0 {
			t.Errorf("DELETE body = %q", r.Body)
		}
	}
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/client-grants/cgr_0000000000000000", nil), http.StatusNoContent)
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/client-grants/"+gid, nil), http.StatusNotFound, "inexistent_client_grant")
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/client-grants/"+gid, map[string]any{"scope": []string{}}), http.StatusNotFound, "inexistent_client_grant")
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/client-grants/nope", nil), http.StatusNotFound, "inexistent_client_grant")
	// The client now has no grant.
	expectOAuthError(t, h.tokenJSON(h.base, credentials(cid, strField(t, c, "client_secret"), aud, "")), http.StatusForbidden, "access_denied")
}

func TestClientGrantValidationAndConflict(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	api := h.newAPI(h.base, h.tok, map[string]any{"scopes": []map[string]any{{"value": "read:a"}}})
	aud := strField(t, api, "identifier")
	cid := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "g"}), "client_id")
	cid2 := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "g2"}), "client_id")
	g := h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": cid, "audience": aud, "scope": []string{"read:a"}})
	gpath := "/api/v2/client-grants/" + strField(t, g, "id")

	bad := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{"bad json", "POST", "/api/v2/client-grants", `{"client_id":`, 400, "invalid_body"},
		{"missing client_id", "POST", "/api/v2/client-grants", map[string]any{"audience": aud, "scope": []string{}}, 400, "invalid_body"},
		{"missing audience", "POST", "/api/v2/client-grants", map[string]any{"client_id": cid2, "scope": []string{}}, 400, "invalid_body"},
		{"scope not an array", "POST", "/api/v2/client-grants", map[string]any{"client_id": cid2, "audience": aud, "scope": "read:a"}, 400, "invalid_body"},
		{"scope undefined by the API", "POST", "/api/v2/client-grants", map[string]any{"client_id": cid2, "audience": aud, "scope": []string{"read:a", "write:a"}}, 400, "invalid_body"},
		{"empty scope value", "POST", "/api/v2/client-grants", map[string]any{"client_id": cid2, "audience": aud, "scope": []string{""}}, 400, "invalid_body"},
		{"unknown property", "POST", "/api/v2/client-grants", map[string]any{"client_id": cid2, "audience": aud, "scope": []string{}, "x": 1}, 400, "invalid_body"},
		{"unknown client", "POST", "/api/v2/client-grants", map[string]any{"client_id": "NoSuchClient0000000000000000000x", "audience": aud, "scope": []string{}}, 404, "inexistent_client"},
		{"unknown audience", "POST", "/api/v2/client-grants", map[string]any{"client_id": cid2, "audience": "https://nope.example.com/", "scope": []string{}}, 404, "inexistent_resource_server"},
		{"duplicate", "POST", "/api/v2/client-grants", map[string]any{"client_id": cid, "audience": aud, "scope": []string{}}, 409, "conflict"},
		{"PATCH client_id", "PATCH", gpath, map[string]any{"client_id": cid2}, 400, "invalid_body"},
		{"PATCH audience", "PATCH", gpath, map[string]any{"audience": h.mgmtAudience(h.base)}, 400, "invalid_body"},
		{"PATCH undefined scope", "PATCH", gpath, map[string]any{"scope": []string{"nope:x"}}, 400, "invalid_body"},
		{"PATCH unknown property", "PATCH", gpath, map[string]any{"scopes": []string{"read:a"}}, 400, "invalid_body"},
		{"PATCH bad json", "PATCH", gpath, `[`, 400, "invalid_body"},
		{"PATCH unknown grant", "PATCH", "/api/v2/client-grants/cgr_0000000000000000", map[string]any{"scope": []string{}}, 404, "inexistent_client_grant"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			expectAPIError(t, h.with(t).call(h.base, h.tok, tt.method, tt.path, tt.body), tt.status, tt.code)
		})
	}
	t.Run("scopes of the Management API", func(t *testing.T) {
		t.Parallel()
		g := h.with(t).mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{
			"client_id": cid2, "audience": h.mgmtAudience(h.base), "scope": []string{"read:clients", "read:tenants"}})
		if !sameSet(stringList(g["scope"]), []string{"read:clients", "read:tenants"}) {
			t.Errorf("grant = %v", g)
		}
	})
}

func TestClientGrantListFilters(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	apiA := strField(t, h.newAPI(h.base, h.tok, map[string]any{}), "identifier")
	apiB := strField(t, h.newAPI(h.base, h.tok, map[string]any{}), "identifier")
	c1 := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "c1"}), "client_id")
	c2 := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "c2"}), "client_id")
	ids := map[string]string{}
	for _, p := range [][2]string{{c1, apiA}, {c1, apiB}, {c2, apiA}} {
		g := h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": p[0], "audience": p[1], "scope": []string{}})
		ids[p[0]+" "+p[1]] = strField(t, g, "id")
	}
	grantIDs := func(q string) []string {
		var out []string
		for _, g := range h.mustList(h.base, h.tok, "/api/v2/client-grants"+q) {
			out = append(out, g["id"].(string))
		}
		return out
	}
	cases := map[string][]string{
		"?audience=" + url.QueryEscape(apiA):                               {ids[c1+" "+apiA], ids[c2+" "+apiA]},
		"?client_id=" + c1:                                                 {ids[c1+" "+apiA], ids[c1+" "+apiB]},
		"?client_id=" + c1 + "&audience=" + url.QueryEscape(apiB):          {ids[c1+" "+apiB]},
		"?client_id=" + c2 + "&audience=" + url.QueryEscape(apiB):          nil,
		"?client_id=NoSuchClient00000000000000000000":                      nil,
		"?audience=" + url.QueryEscape("https://nope.example.com/"):        nil,
		"?audience=" + url.QueryEscape(apiA) + "&per_page=1&page=1":        {ids[c2+" "+apiA]},
		"?audience=" + url.QueryEscape(h.mgmtAudience(h.base)) + "&page=0": {mustAdminGrant(t, h)},
		"?client_id=" + h.srv.AdminClientID() + "&include_totals=false":    {mustAdminGrant(t, h)},
		"?audience=" + url.QueryEscape(apiB) + "&client_id=" + c1:          {ids[c1+" "+apiB]},
	}
	for q, want := range cases {
		if got := grantIDs(q); !slices.Equal(got, want) {
			t.Errorf("GET /api/v2/client-grants%s = %v, want %v", q, got, want)
		}
	}
	r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/client-grants?include_totals=true&audience="+url.QueryEscape(apiA), nil)
	expectStatus(t, r, http.StatusOK)
	var env struct {
		Total  int              `json:"total"`
		Grants []map[string]any `json:"client_grants"`
	}
	r.decode(t, &env)
	if env.Total != 2 || len(env.Grants) != 2 {
		t.Errorf("filtered totals = %s", r.Body)
	}
}

// A grant with default_for instead of client_id is the default of every
// third-party client for its API: one per API and subject type, never beside
// a client_id, listed with the default_for filter, and used at the token
// endpoint by a third-party client that has no grant of its own.
func TestClientGrantDefaultFor(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	api := h.newAPI(h.base, h.tok, map[string]any{"scopes": []map[string]any{{"value": "read:a"}, {"value": "write:a"}}})
	aud := strField(t, api, "identifier")
	const group = "third_party_clients"

	g := h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"default_for": group, "audience": aud, "scope": []string{"read:a"}})
	// The shape Auth0's provider recorded from the real service: no client_id, subject_type answered.
	if got := slices.Sorted(maps.Keys(g)); !slices.Equal(got, []string{"audience", "default_for", "id", "scope", "subject_type"}) ||
		g["default_for"] != group || g["audience"] != aud || g["subject_type"] != "client" {
		t.Errorf("default grant = %v, want id, audience, scope, subject_type client, default_for", g)
	}
	gid := strField(t, g, "id")
	if got := h.mustGet(h.base, h.tok, "/api/v2/client-grants/"+gid); jsonString(t, got) != jsonString(t, g) {
		t.Errorf("GET = %v, POST = %v", got, g)
	}
	user := h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"default_for": group, "audience": aud, "subject_type": "user", "scope": []string{}})

	third := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "third", "is_first_party": false, "grant_types": []string{"client_credentials"}})
	first := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "first", "grant_types": []string{"client_credentials"}})
	own := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "own", "is_first_party": false, "grant_types": []string{"client_credentials"}})
	ownGrant := h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": own["client_id"], "audience": aud, "scope": []string{"write:a"}})

	for _, tt := range []struct {
		name string
		body map[string]any
		code string
	}{
		{"with client_id", map[string]any{"default_for": group, "client_id": own["client_id"], "audience": aud}, "invalid_body"},
		{"neither", map[string]any{"audience": aud}, "invalid_body"},
		{"another group", map[string]any{"default_for": "first_party_clients", "audience": aud}, "invalid_body"},
		{"duplicate", map[string]any{"default_for": group, "audience": aud, "scope": []string{}}, "conflict"},
	} {
		status := http.StatusBadRequest
		if tt.code == "conflict" {
			status = http.StatusConflict
		}
		expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/client-grants", tt.body), status, tt.code)
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/client-grants/"+gid, map[string]any{"default_for": group}), http.StatusBadRequest, "invalid_body")

	list := func(q string) []string {
		var out []string
		for _, g := range h.mustList(h.base, h.tok, "/api/v2/client-grants"+q) {
			out = append(out, g["id"].(string))
		}
		return out
	}
	for q, want := range map[string][]string{
		"?default_for=" + group:                                                   {gid, strField(t, user, "id")},
		"?default_for=" + group + "&subject_type=client":                          {gid},
		"?audience=" + url.QueryEscape(aud) + "&subject_type=user":                {strField(t, user, "id")},
		"?client_id=" + strField(t, own, "client_id"):                             {strField(t, ownGrant, "id")},
		"?audience=" + url.QueryEscape(aud) + "&allow_any_organization=true":      nil,
		"?audience=" + url.QueryEscape(aud) + "&default_for=" + group + "&page=0": {gid, strField(t, user, "id")},
	} {
		if got := list(q); !sameSet(got, want) || len(got) != len(want) {
			t.Errorf("GET /api/v2/client-grants%s = %v, want %v", q, got, want)
		}
	}
	for _, q := range []string{
		"?default_for=" + group + "&client_id=" + strField(t, own, "client_id"),
		"?subject_type=client",
		"?default_for=all",
		"?audience=" + url.QueryEscape(aud) + "&subject_type=anonymous_user",
		"?allow_any_organization=false",
	} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/client-grants"+q, nil), http.StatusBadRequest, "invalid_query_string")
	}

	// A third-party client without a grant of its own gets the default's
	// scopes; its own grant wins over the default; a first-party client gets
	// nothing from it.
	tr := h.mintTokenResponse(h.base, strField(t, third, "client_id"), strField(t, third, "client_secret"), aud, "")
	if tr.Scope != "read:a" {
		t.Errorf("third-party token scope = %q, want the default grant's read:a", tr.Scope)
	}
	tr = h.mintTokenResponse(h.base, strField(t, own, "client_id"), strField(t, own, "client_secret"), aud, "")
	if tr.Scope != "write:a" {
		t.Errorf("token scope of a third-party client with its own grant = %q, want write:a", tr.Scope)
	}
	expectOAuthError(t, h.tokenJSON(h.base, credentials(strField(t, first, "client_id"), strField(t, first, "client_secret"), aud, "")), http.StatusForbidden, "access_denied")

	// Deleting a client leaves the default grant; deleting it ends the access.
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/clients/"+strField(t, own, "client_id"), nil), http.StatusNoContent)
	h.mustGet(h.base, h.tok, "/api/v2/client-grants/"+gid)
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/client-grants/"+gid, nil), http.StatusNoContent)
	expectOAuthError(t, h.tokenJSON(h.base, credentials(strField(t, third, "client_id"), strField(t, third, "client_secret"), aud, "")), http.StatusForbidden, "access_denied")
	h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"default_for": group, "audience": aud, "scope": []string{}})
}

func mustAdminGrant(t *testing.T, h *harness) string {
	t.Helper()
	gs := h.mustList(h.base, h.tok, "/api/v2/client-grants?client_id="+h.srv.AdminClientID())
	if len(gs) != 1 {
		t.Fatalf("admin grants = %v", gs)
	}
	return gs[0]["id"].(string)
}

func TestDeleteCascadesToGrants(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	api := h.newAPI(h.base, h.tok, map[string]any{})
	aud := strField(t, api, "identifier")
	c1 := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "c1"}), "client_id")
	c2 := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "c2"}), "client_id")
	g1 := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": c1, "audience": aud, "scope": []string{}}), "id")
	g1m := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": c1, "audience": h.mgmtAudience(h.base), "scope": []string{}}), "id")
	g2 := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": c2, "audience": aud, "scope": []string{}}), "id")

	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/clients/"+c1, nil), http.StatusNoContent)
	for _, g := range []string{g1, g1m} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/client-grants/"+g, nil), http.StatusNotFound, "inexistent_client_grant")
	}
	if gs := h.mustList(h.base, h.tok, "/api/v2/client-grants?client_id="+c1); len(gs) != 0 {
		t.Errorf("grants of a deleted client: %v", gs)
	}
	h.mustGet(h.base, h.tok, "/api/v2/client-grants/"+g2)

	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/resource-servers/"+url.PathEscape(aud), nil), http.StatusNoContent)
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/client-grants/"+g2, nil), http.StatusNotFound, "inexistent_client_grant")
	if gs := h.mustList(h.base, h.tok, "/api/v2/client-grants?audience="+url.QueryEscape(aud)); len(gs) != 0 {
		t.Errorf("grants of a deleted API: %v", gs)
	}
	// Recreating the API does not resurrect grants, and the client may be granted again.
	h.mustCreate(h.base, h.tok, "/api/v2/resource-servers", map[string]any{"name": "again", "identifier": aud})
	if gs := h.mustList(h.base, h.tok, "/api/v2/client-grants?audience="+url.QueryEscape(aud)); len(gs) != 0 {
		t.Errorf("grants resurrected: %v", gs)
	}
	h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": c2, "audience": aud, "scope": []string{}})
}

// TestTokenFollowsAPIChanges: a token reflects the API as it is when the
// token is issued: its scopes and token_lifetime after each change (the
// server keeps what it decoded of an API only while the API is unchanged),
// and those of a new API that reuses a deleted one's identifier.
func TestTokenFollowsAPIChanges(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	api := h.newAPI(h.base, h.tok, map[string]any{"token_lifetime": 600, "scopes": []map[string]any{{"value": "read:a"}, {"value": "write:a"}}})
	aud, id := strField(t, api, "identifier"), strField(t, api, "id")
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "follower"})
	cid, secret := strField(t, c, "client_id"), strField(t, c, "client_secret")
	h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": cid, "audience": aud, "scope": []string{"read:a", "write:a"}})

	check := func(step, wantScope string, wantLifetime int64) {
		t.Helper()
		for range 2 { // the second from what the server kept
			tr := h.mintTokenResponse(h.base, cid, secret, aud, "")
			if tr.Scope != wantScope || tr.ExpiresIn != wantLifetime {
				t.Fatalf("%s: token scope %q, expires_in %d; want %q, %d", step, tr.Scope, tr.ExpiresIn, wantScope, wantLifetime)
			}
		}
	}
	check("first", "read:a write:a", 600)

	r := h.call(h.base, h.tok, http.MethodPatch, "/api/v2/resource-servers/"+id, map[string]any{"token_lifetime": 1200, "scopes": []map[string]any{{"value": "write:a"}}})
	expectStatus(t, r, http.StatusOK)
	check("after PATCH", "write:a", 1200)

	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/resource-servers/"+id, nil), http.StatusNoContent)
	h.mustCreate(h.base, h.tok, "/api/v2/resource-servers", map[string]any{"name": "again", "identifier": aud, "token_lifetime": 900, "scopes": []map[string]any{{"value": "read:a"}}})
	h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": cid, "audience": aud, "scope": []string{"read:a"}})
	check("recreated", "read:a", 900)
}

// The spec requires only audience on create, and takes null for scope and allow_all_scopes on
// update: a grant made without scope has none, and null empties the scopes and unsets the flag.
func TestClientGrantScopeOptionalAndNullable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	api := h.newAPI(h.base, h.tok, map[string]any{"scopes": []map[string]any{{"value": "read:x"}}})
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": unique("grant ")})
	g := h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": c["client_id"], "audience": api["identifier"]})
	if got := stringList(g["scope"]); len(got) != 0 {
		t.Fatalf("a grant made without scope has %v", got)
	}
	path := "/api/v2/client-grants/" + strField(t, g, "id")
	r := h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{"scope": []string{"read:x"}, "allow_all_scopes": true})
	expectStatus(t, r, http.StatusOK)
	r = h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{"scope": nil, "allow_all_scopes": nil})
	expectStatus(t, r, http.StatusOK)
	got := h.mustGet(h.base, h.tok, path)
	if s := stringList(got["scope"]); len(s) != 0 {
		t.Errorf("scope after null: %v", s)
	}
	if _, set := got["allow_all_scopes"]; set {
		t.Errorf("allow_all_scopes after null: %v", got["allow_all_scopes"])
	}
}
