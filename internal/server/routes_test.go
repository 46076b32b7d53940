package server_test

// Tests of routing and authorization as a client sees them (routes.go); the walk over the
// route table itself is in routes_internal_test.go.

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestInsufficientScope(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	aud := h.mgmtAudience(h.base)
	id, secret := h.srv.AdminClientID(), h.srv.AdminClientSecret()

	t.Run("create with a read token", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		tok := h.mintToken(h.base, id, secret, aud, "read:clients")
		e := expectAPIError(t, h.call(h.base, tok, http.MethodPost, "/api/v2/clients", map[string]any{"name": "x"}), http.StatusForbidden, "insufficient_scope")
		if e.Message != "Insufficient scope, expected any of: create:clients" {
			t.Errorf("message = %q", e.Message)
		}
		if n := len(h.mustList(h.base, h.tok, "/api/v2/clients")); n != 1 {
			t.Errorf("a refused create created something: %d clients", n)
		}
	})

	routes := []struct{ method, path, scope string }{
		{"POST", "/api/v2/resource-servers", "create:resource_servers"},
		{"GET", "/api/v2/resource-servers", "read:resource_servers"},
		{"GET", "/api/v2/resource-servers/x", "read:resource_servers"},
		{"PATCH", "/api/v2/resource-servers/x", "update:resource_servers"},
		{"DELETE", "/api/v2/resource-servers/x", "delete:resource_servers"},
		{"POST", "/api/v2/clients", "create:clients"},
		{"GET", "/api/v2/clients", "read:clients read:client_keys read:client_credentials read:client_summary"},
		{"GET", "/api/v2/clients/x", "read:clients read:client_keys read:client_credentials read:client_summary"},
		{"PATCH", "/api/v2/clients/x", "update:clients update:client_keys update:client_credentials update:client_token_vault_privileged_access"},
		{"DELETE", "/api/v2/clients/x", "delete:clients"},
		{"POST", "/api/v2/clients/x/rotate-secret", "update:client_keys"},
		{"GET", "/api/v2/clients/x/credentials", "read:client_credentials"},
		{"POST", "/api/v2/clients/x/credentials", "create:client_credentials"},
		{"GET", "/api/v2/clients/x/credentials/y", "read:client_credentials"},
		{"PATCH", "/api/v2/clients/x/credentials/y", "update:client_credentials"},
		{"DELETE", "/api/v2/clients/x/credentials/y", "delete:client_credentials"},
		{"POST", "/api/v2/client-grants", "create:client_grants"},
		{"GET", "/api/v2/client-grants", "read:client_grants"},
		{"GET", "/api/v2/client-grants/x", "read:client_grants"},
		{"PATCH", "/api/v2/client-grants/x", "update:client_grants"},
		{"DELETE", "/api/v2/client-grants/x", "delete:client_grants"},
		{"GET", "/api/v2/actions/actions", "read:actions"},
		{"POST", "/api/v2/tenants", "create:tenants"},
		{"GET", "/api/v2/tenants", "read:tenants"},
		{"GET", "/api/v2/tenants/x", "read:tenants"},
		{"PATCH", "/api/v2/tenants/x", "update:tenants"},
		{"DELETE", "/api/v2/tenants/x", "delete:tenants"},
		{"GET", "/api/v2/tenants/settings", "read:tenant_settings"},
		{"PATCH", "/api/v2/tenants/settings", "update:tenant_settings"},
	}
	// A token with every scope but those any one of which the route takes (and, for
	// reads, but read:client_keys, which some services accept for reading clients).
	all := managementScopes(true)
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			t.Parallel()
			h := h.with(t)
			anyOf := strings.Fields(rt.scope)
			var others []string
			for _, s := range all {
				if !slices.Contains(anyOf, s) && s != "read:client_keys" {
					others = append(others, s)
				}
			}
			without := h.mintToken(h.base, id, secret, aud, scopeString(others))
			var body any
			if rt.method == "POST" || rt.method == "PATCH" {
				body = map[string]any{}
			}
			e := expectAPIError(t, h.call(h.base, without, rt.method, rt.path, body), http.StatusForbidden, "insufficient_scope")
			if e.Message != "Insufficient scope, expected any of: "+strings.Join(anyOf, ",") {
				t.Errorf("message = %q, want it to name %s", e.Message, rt.scope)
			}
			for _, scope := range anyOf {
				if !slices.Contains(all, scope) {
					continue // not granted to the seeded clients; TestClientUpdateScopes covers it
				}
				with := h.mintToken(h.base, id, secret, aud, scope)
				if r := h.call(h.base, with, rt.method, rt.path, body); r.Status == http.StatusForbidden || r.Status == http.StatusUnauthorized {
					t.Errorf("with exactly %s: got %s", scope, r)
				}
			}
		})
	}
}

func TestRouting(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, p := range []string{"/api/v2/nope", "/api/v2/clients/x/y", "/api/v2/clients/x/rotate-secret/z", "/api/v2/", "/api/v3/clients", "/nope", "/api/v2/users"} {
		r := h.call(h.base, h.tok, http.MethodGet, p, nil)
		expectAPIError(t, r, http.StatusNotFound, "not_found")
	}
	for _, mp := range [][2]string{{"PUT", "/api/v2/clients"}, {"DELETE", "/api/v2/clients"}, {"PUT", "/api/v2/clients/x"},
		{"POST", "/api/v2/clients/x"}, {"GET", "/api/v2/clients/x/rotate-secret"}, {"PATCH", "/api/v2/resource-servers"},
		{"POST", "/api/v2/client-grants/x"}, {"PUT", "/api/v2/tenants/x"}} {
		r := h.call(h.base, h.tok, mp[0], mp[1], nil)
		expectStatus(t, r, http.StatusMethodNotAllowed)
		if len(r.Body) > 0 && !jsonValid(r.Body) {
			t.Errorf("%s %s: 405 body is not JSON: %s", mp[0], mp[1], r.Body)
		}
	}
}
