package server

import (
	"encoding/json"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/spectest"
)

// concretePath fills a pattern's wildcards.
func concretePath(pattern string) string {
	return regexp.MustCompile(`\{[a-z]+(\.\.\.)?\}`).ReplaceAllString(pattern, "x")
}

// TestRouteTablePublicRoutes pins the routes that need no token: the token
// endpoint, the discovery documents and the health check; and those that
// need the admin's Basic credentials instead: the server's other endpoints.
func TestRouteTablePublicRoutes(t *testing.T) {
	var got, admin []string
	for _, r := range routeTable {
		switch r.scope {
		case public:
			got = append(got, r.pattern)
		case adminCredentials:
			admin = append(admin, r.pattern)
		}
	}
	want := []string{
		"POST /oauth/token",
		"GET /.well-known/jwks.json",
		"GET /.well-known/openid-configuration",
		"GET /_idp/health",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("public routes:\n got %q\nwant %q", got, want)
	}
	want = []string{
		"GET /_idp/requests",
		"DELETE /_idp/requests",
		"POST /_idp/reset",
		"POST /_idp/reset/{tenant}",
	}
	if !slices.Equal(admin, want) {
		t.Fatalf("admin routes:\n got %q\nwant %q", admin, want)
	}
}

// TestRouteTableAdminRoutes walks the table: every route that takes the
// admin's credentials refuses a request without them, with a wrong secret,
// with another client's id, or with the admin's token, as 401
// invalid_credentials asking for Basic; the admin's id and secret pass.
func TestRouteTableAdminRoutes(t *testing.T) {
	f := newFixture(t, Options{})
	id, secret := f.srv.AdminClientID(), f.srv.AdminClientSecret()
	for _, r := range routeTable {
		if r.scope != adminCredentials {
			continue
		}
		method, path, _ := strings.Cut(r.pattern, " ")
		url := f.ts.URL + concretePath(path)
		for name, set := range map[string]func(*http.Request){
			"none":          func(*http.Request) {},
			"wrong secret":  func(q *http.Request) { q.SetBasicAuth(id, secret+"x") },
			"another id":    func(q *http.Request) { q.SetBasicAuth("x"+id[1:], secret) },
			"admin's token": func(q *http.Request) { q.Header.Set("Authorization", "Bearer "+f.token) },
		} {
			got := f.doWith(method, url, set)
			f.expect(got, http.StatusUnauthorized, "invalid_credentials")
			if h := got.header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Basic ") {
				t.Errorf("%s with %s: WWW-Authenticate %q", r.pattern, name, h)
			}
		}
		if got := f.doWith(method, url, func(q *http.Request) { q.SetBasicAuth(id, secret) }); got.status == http.StatusUnauthorized {
			t.Errorf("%s with the admin's credentials: %d %s", r.pattern, got.status, got.body)
		}
	}
}

// TestRouteTableAuthorization walks the table: every route that is not
// public refuses a request without a token (401) and one whose token has
// every scope but the route's own (403 insufficient_scope).
func TestRouteTableAuthorization(t *testing.T) {
	f := newFixture(t, Options{})
	base := f.ts.URL
	all := servedScopes(true)
	for _, r := range routeTable {
		if r.scope == public || r.scope == adminCredentials {
			continue
		}
		method, path, _ := strings.Cut(r.pattern, " ")
		url := base + concretePath(path)
		f.expect(f.do(method, url, "", nil), http.StatusUnauthorized, "missing_authentication")

		anyOf := strings.Fields(r.scope)
		for _, s := range anyOf {
			if !slices.Contains(auth0ManagementScopes, s) && !slices.Contains(all, s) {
				t.Fatalf("%s: scope %q is not a Management API scope", r.pattern, s)
			}
		}
		others := slices.DeleteFunc(slices.Clone(all), func(s string) bool { return slices.Contains(anyOf, s) })
		reply := f.do(http.MethodPost, base+routeToken, "", map[string]string{
			"grant_type": "client_credentials", "client_id": f.srv.AdminClientID(), "client_secret": f.srv.AdminClientSecret(),
			"audience": base + "/api/v2/", "scope": strings.Join(others, " "),
		})
		f.expect(reply, http.StatusOK, "")
		tok := reply.object(t)["access_token"].(string)
		got := f.do(method, url, tok, nil)
		f.expect(got, http.StatusForbidden, "insufficient_scope")
		if msg := got.object(t)["message"]; msg != "Insufficient scope, expected any of: "+strings.Join(anyOf, ",") {
			t.Errorf("%s: message %q", r.pattern, msg)
		}
	}
}

// TestRouteTableMethodNotAllowed pins every path's 405: its Allow header
// and error body.
func TestRouteTableMethodNotAllowed(t *testing.T) {
	f := newFixture(t, Options{})
	want := map[string]string{
		"/oauth/token":                                                  "POST",
		"/.well-known/jwks.json":                                        "GET",
		"/.well-known/openid-configuration":                             "GET",
		"/api/v2/resource-servers":                                      "GET, POST",
		"/api/v2/resource-servers/{id...}":                              "DELETE, GET, PATCH",
		"/api/v2/clients":                                               "GET, POST",
		"/api/v2/clients/{id}":                                          "DELETE, GET, PATCH",
		"/api/v2/clients/{id}/rotate-secret":                            "POST",
		"/api/v2/clients/{id}/connections":                              "GET",
		"/api/v2/clients/{id}/credentials":                              "GET, POST",
		"/api/v2/clients/{id}/credentials/{credential_id}":              "DELETE, GET, PATCH",
		"/api/v2/client-grants":                                         "GET, POST",
		"/api/v2/client-grants/{id}":                                    "DELETE, GET, PATCH",
		"/api/v2/connections":                                           "GET, POST",
		"/api/v2/connections/{id}":                                      "DELETE, GET, PATCH",
		"/api/v2/connections/{id}/clients":                              "GET, PATCH",
		"/api/v2/actions/actions":                                       "GET",
		"/api/v2/organizations":                                         "GET, POST",
		"/api/v2/organizations/name/{name}":                             "GET",
		"/api/v2/organizations/{id}":                                    "DELETE, GET, PATCH",
		"/api/v2/organizations/{id}/enabled_connections":                "GET, POST",
		"/api/v2/organizations/{id}/enabled_connections/{connectionId}": "DELETE, GET, PATCH",
		"/api/v2/organizations/{id}/client-grants":                      "GET, POST",
		"/api/v2/organizations/{id}/client-grants/{grant_id}":           "DELETE",
		"/api/v2/tenants":                                               "GET, POST",
		"/api/v2/tenants/{id}":                                          "DELETE, GET, PATCH",
		"/api/v2/tenants/settings":                                      "GET, PATCH",
		"/_idp/requests":                                                "GET, DELETE",
		"/_idp/reset":                                                   "POST",
		"/_idp/reset/{tenant}":                                          "POST",
		"/_idp/health":                                                  "GET",
	}
	seen := map[string]bool{}
	for _, r := range routeTable {
		_, path, _ := strings.Cut(r.pattern, " ")
		if seen[path] {
			continue
		}
		seen[path] = true
		allow, ok := want[path]
		if !ok {
			t.Errorf("path %s has no pinned Allow header", path)
			continue
		}
		got := f.do(http.MethodPut, f.ts.URL+concretePath(path), f.token, nil)
		if path == routeToken {
			// The token endpoint's refusals carry error_description too.
			if got.object(t)["error_description"] != "Method Not Allowed" {
				t.Errorf("PUT %s: %s", path, got.body)
			}
		}
		f.expect(got, http.StatusMethodNotAllowed, "method_not_allowed")
		if h := got.header.Get("Allow"); h != allow {
			t.Errorf("PUT %s: Allow %q, want %q", path, h, allow)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("paths %v, pinned %v", slices.Sorted(maps.Keys(seen)), slices.Sorted(maps.Keys(want)))
	}
}

// TestRouteTablePatterns proves the patterns are valid http.ServeMux
// patterns that do not conflict, which the table's matcher relies on.
func TestRouteTablePatterns(t *testing.T) {
	mux := http.NewServeMux()
	for _, r := range routeTable {
		if r.pattern == "GET /api/v2/organizations/name/{name}" {
			// Auth0's spec has it beside /organizations/{id}/client-grants, which
			// ServeMux calls a conflict: "name" is no organization id (those
			// start with org_), and the table's matcher takes the earlier route
			// (TestOrganizationNamedLikeARoute).
			continue
		}
		func() {
			defer func() {
				if v := recover(); v != nil {
					t.Errorf("%s: %v", r.pattern, v)
				}
			}()
			mux.Handle(r.pattern, http.NotFoundHandler())
		}()
	}
}

// keyScopes are the scopes that reveal or change client keys.
var keyScopes = []string{scopeReadKeys, scopeReadCredentials, scopeRotateSecret, scopeCreateCredentials,
	scopeUpdateCredentials, scopeDeleteCredentials}

// changesSecret are the routes that change a secret or the keys a client
// authenticates with: a token without their key scope is refused before
// they run.
var changesSecret = map[string]string{
	"POST /api/v2/clients/{id}/rotate-secret":                 scopeRotateSecret,
	"GET /api/v2/clients/{id}/credentials":                    scopeReadCredentials,
	"POST /api/v2/clients/{id}/credentials":                   scopeCreateCredentials,
	"DELETE /api/v2/clients/{id}/credentials/{credential_id}": scopeDeleteCredentials,
	"GET /api/v2/clients/{id}/credentials/{credential_id}":    scopeReadCredentials,
	"PATCH /api/v2/clients/{id}/credentials/{credential_id}":  scopeUpdateCredentials,
}

// answersSecret are the routes whose answer may hold a secret to a token
// without key scopes, each with the fields it may hold and why.
var answersSecret = map[string]struct {
	fields []string
	why    string
}{
	"POST /api/v2/clients": {[]string{"client_secret"},
		"the new client's own secret: its creator has no other way to learn it, and the real service answers it too"},
	"POST /api/v2/tenants": {[]string{"management_client.client_secret"},
		"the new tenant's management secret, handed once to the create:tenants caller who made the tenant (an emulator-only endpoint)"},
	"GET /api/v2/resource-servers": {[]string{"signing_secret"},
		"an HS256 API's signing secret, which the real service answers under read:resource_servers (no key scope in its spec)"},
	"GET /api/v2/resource-servers/{id...}":   {[]string{"signing_secret"}, "as GET /api/v2/resource-servers"},
	"PATCH /api/v2/resource-servers/{id...}": {[]string{"signing_secret"}, "as GET /api/v2/resource-servers"},
}

// TestRouteTableKeepsSecrets drives every route of the table with a token
// that has every scope the routes check but the key scopes: a route that
// changes a secret is refused with the real service's 403, and no answer
// holds a secret the caller did not just create, except those listed in
// answersSecret with their reason.
func TestRouteTableKeepsSecrets(t *testing.T) {
	f := newFixture(t, Options{})
	base := f.ts.URL
	admin := f.token
	create := func(path string, body any) map[string]any {
		t.Helper()
		r := f.do(http.MethodPost, base+path, admin, body)
		f.expect(r, http.StatusCreated, "")
		return r.object(t)
	}
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }

	// The caller: every served scope but the key scopes.
	scopes := slices.DeleteFunc(servedScopes(true), func(s string) bool { return slices.Contains(keyScopes, s) })
	caller := create("/api/v2/clients", map[string]any{"name": "no keys"})
	create("/api/v2/client-grants", map[string]any{"client_id": caller["client_id"], "audience": base + "/api/v2/", "scope": scopes})
	tok := f.mint(base, str(caller, "client_id"), str(caller, "client_secret"), base+"/api/v2/")

	// What the routes act on, and every secret already there.
	target := create("/api/v2/clients", map[string]any{"name": "target"})
	api := create("/api/v2/resource-servers", map[string]any{"identifier": "https://hs.example/", "signing_alg": "HS256",
		"scopes": []map[string]string{{"value": "read:x"}}})
	grant := create("/api/v2/client-grants", map[string]any{"client_id": target["client_id"], "audience": "https://hs.example/", "scope": []string{}})
	conn := create("/api/v2/connections", map[string]any{"name": "conn", "strategy": "auth0"})
	tenant := create("/api/v2/tenants", map[string]any{"name": "hosted"})
	org := create("/api/v2/organizations", map[string]any{"name": "acme",
		"enabled_connections": []map[string]any{{"connection_id": conn["id"]}}})
	apiSecret := str(api, "signing_secret")
	known := map[string]string{
		"the admin's secret":                    f.srv.AdminClientSecret(),
		"the caller's secret":                   str(caller, "client_secret"),
		"the target's secret":                   str(target, "client_secret"),
		"the hosted tenant's management secret": tenant["management_client"].(map[string]any)["client_secret"].(string),
		"the HS256 API's secret":                apiSecret,
		"a bystander's secret":                  str(create("/api/v2/clients", map[string]any{"name": "bystander"}), "client_secret"),
	}
	for what, v := range known {
		if len(v) < 16 {
			t.Fatalf("%s is %q", what, v)
		}
	}

	// One request per route: path, body; DELETEs get an object of their own.
	gone := 0
	throwaway := map[string]func() string{
		"resource-servers": func() string {
			return str(create("/api/v2/resource-servers", map[string]any{"identifier": "https://gone.example/"}), "id")
		},
		"clients": func() string { return str(create("/api/v2/clients", map[string]any{"name": "gone"}), "client_id") },
		"client-grants": func() string {
			c := create("/api/v2/clients", map[string]any{"name": "gone"})
			return str(create("/api/v2/client-grants", map[string]any{"client_id": c["client_id"], "audience": "https://hs.example/", "scope": []string{}}), "id")
		},
		"connections": func() string {
			return str(create("/api/v2/connections", map[string]any{"name": "gone", "strategy": "auth0"}), "id")
		},
		"tenants": func() string { return str(create("/api/v2/tenants", map[string]any{"name": "gone"}), "id") },
		"organizations": func() string {
			gone++
			return str(create("/api/v2/organizations", map[string]any{"name": "gone-" + strconv.Itoa(gone)}), "id")
		},
	}
	ids := map[string]string{
		"resource-servers": str(api, "id"), "clients": str(target, "client_id"), "client-grants": str(grant, "id"),
		"connections": str(conn, "id"), "tenants": str(tenant, "id"), "organizations": str(org, "id"),
	}
	bodies := map[string]any{
		"POST /oauth/token": map[string]string{"grant_type": "client_credentials", "client_id": str(caller, "client_id"),
			"client_secret": str(caller, "client_secret"), "audience": base + "/api/v2/"},
		"POST /api/v2/resource-servers":                                       map[string]any{"identifier": "https://new.example/"},
		"PATCH /api/v2/resource-servers/{id...}":                              map[string]any{"name": "renamed"},
		"POST /api/v2/clients":                                                map[string]any{"name": "new"},
		"PATCH /api/v2/clients/{id}":                                          map[string]any{"description": "d"},
		"POST /api/v2/client-grants":                                          map[string]any{"client_id": caller["client_id"], "audience": "https://hs.example/", "scope": []string{}},
		"PATCH /api/v2/client-grants/{id}":                                    map[string]any{"scope": []string{"read:x"}},
		"POST /api/v2/connections":                                            map[string]any{"name": "new", "strategy": "auth0"},
		"PATCH /api/v2/connections/{id}":                                      map[string]any{"display_name": "d"},
		"PATCH /api/v2/connections/{id}/clients":                              []map[string]any{{"client_id": target["client_id"], "status": true}},
		"POST /api/v2/tenants":                                                map[string]any{"name": "new-tenant"},
		"PATCH /api/v2/tenants/{id}":                                          map[string]any{"display_name": "d"},
		"PATCH /api/v2/tenants/settings":                                      map[string]any{"friendly_name": "f"},
		"POST /api/v2/organizations":                                          map[string]any{"name": "new-org"},
		"PATCH /api/v2/organizations/{id}":                                    map[string]any{"display_name": "d"},
		"POST /api/v2/organizations/{id}/enabled_connections":                 map[string]any{"connection_id": conn["id"]},
		"PATCH /api/v2/organizations/{id}/enabled_connections/{connectionId}": map[string]any{"show_as_button": false},
		"POST /api/v2/organizations/{id}/client-grants":                       map[string]any{"grant_id": grant["id"]},
	}

	for _, rt := range routeTable {
		method, path, _ := strings.Cut(rt.pattern, " ")
		path = strings.Replace(path, "{credential_id}", "cred_x", 1)
		path = strings.Replace(path, "{connectionId}", str(conn, "id"), 1)
		path = strings.Replace(path, "{grant_id}", str(grant, "id"), 1)
		path = strings.Replace(path, "{name}", "acme", 1)
		if strings.Contains(path, "{") {
			kind := strings.Split(strings.TrimPrefix(path, "/api/v2/"), "/")[0]
			id := ids[kind]
			switch {
			case path == "/_idp/reset/{tenant}":
				id = "hosted"
			case method == http.MethodDelete:
				id = throwaway[kind]()
			}
			if id == "" {
				t.Fatalf("%s: no object to call it on", rt.pattern)
			}
			path = path[:strings.Index(path, "{")] + id + path[strings.Index(path, "}")+1:]
		}
		auth := tok
		if rt.scope == public {
			auth = ""
		}
		r := f.do(method, base+path, auth, bodies[rt.pattern])

		if scope, ok := changesSecret[rt.pattern]; ok {
			want := `{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: ` + scope + `","errorCode":"insufficient_scope"}`
			if got := strings.TrimSpace(string(r.body)); r.status != http.StatusForbidden || got != want {
				t.Errorf("%s without %s: %d %s, want 403 %s", rt.pattern, scope, r.status, got, want)
			}
			continue
		}
		if r.status >= 300 && r.status != http.StatusUnauthorized {
			t.Errorf("%s: %d %s", rt.pattern, r.status, r.body)
		}
		allowed := answersSecret[rt.pattern].fields
		for what, v := range known {
			mayHold := v == apiSecret && slices.Contains(allowed, "signing_secret")
			if strings.Contains(string(r.body), v) && !mayHold {
				t.Errorf("%s answers %s: %s", rt.pattern, what, r.body)
			}
		}
		var doc any
		if len(r.body) > 0 {
			if err := json.Unmarshal(r.body, &doc); err != nil {
				t.Fatalf("%s: %v: %s", rt.pattern, err, r.body)
			}
		}
		for _, field := range secretFields(doc, "") {
			if !slices.Contains(allowed, field) {
				t.Errorf("%s answers a secret in %s: %s", rt.pattern, field, r.body)
			}
		}
	}
	// The refused rotation changed nothing.
	f.mint(base, str(target, "client_id"), str(target, "client_secret"), "https://hs.example/")
	for pattern := range changesSecret {
		if !slices.ContainsFunc(routeTable, func(r route) bool { return r.pattern == pattern }) {
			t.Errorf("changesSecret names %s, which is no route", pattern)
		}
	}
	for pattern, ex := range answersSecret {
		if ex.why == "" || !slices.ContainsFunc(routeTable, func(r route) bool { return r.pattern == pattern }) {
			t.Errorf("answersSecret names %s, which is no route or has no reason", pattern)
		}
	}
}

// secretFields are the paths (a.b, list items unnamed) of the non-empty
// client_secret and signing_secret values in a decoded JSON document.
func secretFields(v any, path string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if s, ok := child.(string); ok && s != "" && (k == "client_secret" || k == "signing_secret") {
				out = append(out, p)
			}
			out = append(out, secretFields(child, p)...)
		}
	case []any:
		for _, child := range v {
			out = append(out, secretFields(child, path)...)
		}
	}
	return out
}

// Scopes the spec lists for an operation that are not alternatives for its route: a
// handler checks them for part of the operation, or the service refuses them alone (the
// spec's own 403 description names fewer), each with its evidence.
var (
	handlerScopes = map[string][]string{
		// 403: "expected: read:connections and any of: read:clients or read:client_summary".
		"GET /api/v2/clients/{id}/connections": {"read:clients", "read:client_summary"},
		// Needed besides create:organizations for a body with enabled_connections; the
		// 403 names only create:organizations.
		"POST /api/v2/organizations": {"create:organization_connections"},
	}
	refusedScopes = map[string][]string{
		// 403: "Insufficient scope; expected any of: read:organizations."
		"GET /api/v2/organizations":      {"read:organizations_summary"},
		"GET /api/v2/organizations/{id}": {"read:organizations_summary"},
	}
)

// TestRouteScopesFollowSpec holds the scope column to the spec extract: for every route
// the spec covers, the scopes any one of which it takes, with those its handler checks and
// those the service refuses alone, are exactly the scopes the spec lists, so that neither
// can drift from the other.
func TestRouteScopesFollowSpec(t *testing.T) {
	s, err := spectest.Load()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range routeTable {
		method, path, _ := strings.Cut(r.pattern, " ")
		apiPath, ok := strings.CutPrefix(concretePath(path), "/api/v2")
		if !ok || !s.Covers(apiPath) || r.flags&rootOnly != 0 {
			continue
		}
		checked++
		want := slices.Sorted(slices.Values(s.Scopes(method, apiPath)))
		got := append(append(strings.Fields(r.scope), handlerScopes[r.pattern]...), refusedScopes[r.pattern]...)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the route takes any of %q (handler checks %q, refused alone %q); the spec lists %q",
				r.pattern, r.scope, handlerScopes[r.pattern], refusedScopes[r.pattern], want)
		}
	}
	if checked < 40 {
		t.Errorf("only %d routes were compared with the spec", checked)
	}
}
