package server

import (
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
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

		others := slices.DeleteFunc(slices.Clone(all), func(s string) bool { return s == r.scope })
		if len(others) != len(all)-1 {
			t.Fatalf("%s: scope %q is not a Management API scope", r.pattern, r.scope)
		}
		reply := f.do(http.MethodPost, base+routeToken, "", map[string]string{
			"grant_type": "client_credentials", "client_id": f.srv.AdminClientID(), "client_secret": f.srv.AdminClientSecret(),
			"audience": base + "/api/v2/", "scope": strings.Join(others, " "),
		})
		f.expect(reply, http.StatusOK, "")
		tok := reply.object(t)["access_token"].(string)
		got := f.do(method, url, tok, nil)
		f.expect(got, http.StatusForbidden, "insufficient_scope")
		if msg := got.object(t)["message"]; msg != "Insufficient scope, expected any of: "+r.scope {
			t.Errorf("%s: message %q", r.pattern, msg)
		}
	}
}

// TestRouteTableMethodNotAllowed pins every path's 405: its Allow header
// and error body.
func TestRouteTableMethodNotAllowed(t *testing.T) {
	f := newFixture(t, Options{})
	want := map[string]string{
		"/oauth/token":                       "POST",
		"/.well-known/jwks.json":             "GET",
		"/.well-known/openid-configuration":  "GET",
		"/api/v2/resource-servers":           "GET, POST",
		"/api/v2/resource-servers/{id...}":   "DELETE, GET, PATCH",
		"/api/v2/clients":                    "GET, POST",
		"/api/v2/clients/{id}":               "DELETE, GET, PATCH",
		"/api/v2/clients/{id}/rotate-secret": "POST",
		"/api/v2/client-grants":              "GET, POST",
		"/api/v2/client-grants/{id}":         "DELETE, GET, PATCH",
		"/api/v2/connections":                "GET, POST",
		"/api/v2/connections/{id}":           "DELETE, GET, PATCH",
		"/api/v2/connections/{id}/clients":   "GET, PATCH",
		"/api/v2/tenants":                    "GET, POST",
		"/api/v2/tenants/{id}":               "DELETE, GET, PATCH",
		"/api/v2/tenants/settings":           "GET, PATCH",
		"/_idp/requests":                     "GET, DELETE",
		"/_idp/reset":                        "POST",
		"/_idp/reset/{tenant}":               "POST",
		"/_idp/health":                       "GET",
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
