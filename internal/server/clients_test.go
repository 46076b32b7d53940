package server_test

// Tests of /api/v2/clients (clients.go).

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestClientCreateDefaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "Backend"})
	id := strField(t, c, "client_id")
	if !reClientID.MatchString(id) {
		t.Errorf("client_id %q is not 32 alphanumerics", id)
	}
	if s := strField(t, c, "client_secret"); !reClientSecret.MatchString(s) {
		t.Errorf("client_secret %q is not 64 chars of [A-Za-z0-9_-]", s)
	}
	if c["name"] != "Backend" || c["tenant"] != "root" || c["is_first_party"] != true ||
		c["token_endpoint_auth_method"] != "client_secret_post" ||
		jsonString(t, c["grant_types"]) != `["authorization_code","implicit","refresh_token","client_credentials"]` {
		t.Errorf("client defaults: %v", c)
	}
	for _, never := range []string{"description", "app_type", "global"} {
		if v, ok := c[never]; ok {
			t.Errorf("%s = %v present though never set", never, v)
		}
	}
	got := h.mustGet(h.base, h.tok, "/api/v2/clients/"+id)
	if got["client_id"] != id || got["name"] != "Backend" || got["client_secret"] != c["client_secret"] {
		t.Errorf("GET = %v", got)
	}
	if _, ok := got["description"]; ok {
		t.Errorf("GET shows an unset description: %v", got)
	}
	// A second client gets different credentials.
	c2 := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "Backend"})
	if c2["client_id"] == id || c2["client_secret"] == c["client_secret"] {
		t.Errorf("two clients share credentials")
	}
}

func TestClientCreateAllFields(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	body := map[string]any{
		"name":                       "Web",
		"description":                "The storefront",
		"app_type":                   "regular_web",
		"grant_types":                []string{"authorization_code", "client_credentials"},
		"token_endpoint_auth_method": "client_secret_basic",
		"is_first_party":             false,
		"client_metadata":            map[string]string{"team": "shop", "tier": "1"},
	}
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", body)
	got := h.mustGet(h.base, h.tok, "/api/v2/clients/"+strField(t, c, "client_id"))
	for _, m := range []map[string]any{c, got} {
		for k, v := range body {
			if want, have := jsonString(t, v), jsonString(t, m[k]); want != have {
				t.Errorf("%s = %s, want %s", k, have, want)
			}
		}
	}
	for _, at := range []string{"non_interactive", "spa", "native", "regular_web"} {
		c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": at, "app_type": at})
		if c["app_type"] != at {
			t.Errorf("app_type = %v, want %s", c["app_type"], at)
		}
	}
	c = h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "public", "token_endpoint_auth_method": "none"})
	if c["token_endpoint_auth_method"] != "none" {
		t.Errorf("token_endpoint_auth_method = %v", c["token_endpoint_auth_method"])
	}
}

func TestClientValidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "v"})
	path := "/api/v2/clients/" + strField(t, c, "client_id")
	posts := []struct {
		name string
		body any
	}{
		{"bad json", `{"name"`},
		{"json array", `[{"name":"x"}]`},
		{"empty body", ``},
		{"missing name", map[string]any{"description": "d"}},
		{"name wrong type", map[string]any{"name": 5}},
		{"name with angle brackets", map[string]any{"name": "a<b>"}},
		{"unknown property", map[string]any{"name": "x", "foo": 1}},
		{"app_type", map[string]any{"name": "x", "app_type": "mainframe"}},
		{"token_endpoint_auth_method", map[string]any{"name": "x", "token_endpoint_auth_method": "private_key_jwt_maybe"}},
		{"grant_types not an array", map[string]any{"name": "x", "grant_types": "client_credentials"}},
		{"grant_types of numbers", map[string]any{"name": "x", "grant_types": []int{1}}},
		{"is_first_party wrong type", map[string]any{"name": "x", "is_first_party": "yes"}},
		{"client_metadata values not strings", map[string]any{"name": "x", "client_metadata": map[string]any{"a": 1}}},
		{"client_metadata not an object", map[string]any{"name": "x", "client_metadata": []string{"a"}}},
	}
	for _, tt := range posts {
		t.Run("POST "+tt.name, func(t *testing.T) {
			t.Parallel()
			expectAPIError(t, h.with(t).call(h.base, h.tok, http.MethodPost, "/api/v2/clients", tt.body), http.StatusBadRequest, "invalid_body")
		})
	}
	t.Run("POST unknown property message", func(t *testing.T) {
		t.Parallel()
		e := expectAPIError(t, h.with(t).call(h.base, h.tok, http.MethodPost, "/api/v2/clients", map[string]any{"name": "x", "foo": 1}), http.StatusBadRequest, "invalid_body")
		if want := "Payload validation error: 'Additional properties not allowed: foo'."; e.Message != want {
			t.Errorf("message = %q, want %q", e.Message, want)
		}
	})
	patches := []struct {
		name string
		body any
	}{
		{"bad json", `}`},
		{"client_id", map[string]any{"client_id": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
		{"unknown property", map[string]any{"colour": "blue"}},
		{"app_type", map[string]any{"app_type": "toaster"}},
		{"token_endpoint_auth_method", map[string]any{"token_endpoint_auth_method": 3}},
		{"is_first_party", map[string]any{"is_first_party": "no"}},
	}
	for _, tt := range patches {
		t.Run("PATCH "+tt.name, func(t *testing.T) {
			t.Parallel()
			expectAPIError(t, h.with(t).call(h.base, h.tok, http.MethodPatch, path, tt.body), http.StatusBadRequest, "invalid_body")
		})
	}
}

func TestClientUpdateDelete(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "Before", "client_metadata": map[string]string{"a": "1"}})
	id := strField(t, c, "client_id")
	path := "/api/v2/clients/" + id

	r := h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{"name": "After", "description": "now described", "is_first_party": false, "app_type": "spa"})
	expectStatus(t, r, http.StatusOK)
	p := r.object(t)
	if p["client_id"] != id || p["name"] != "After" || p["description"] != "now described" || p["is_first_party"] != false || p["app_type"] != "spa" {
		t.Errorf("PATCH response: %v", p)
	}
	if p["client_secret"] != c["client_secret"] {
		t.Errorf("PATCH changed or hid the secret (admin token has read:client_keys): %v", p["client_secret"])
	}
	got := h.mustGet(h.base, h.tok, path)
	if got["name"] != "After" || got["description"] != "now described" || jsonString(t, got["client_metadata"]) != `{"a":"1"}` {
		t.Errorf("GET after PATCH: %v", got)
	}

	for _, seg := range []string{"NoSuchClient0000000000000000000", "x"} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients/"+seg, nil), http.StatusNotFound, "inexistent_client")
		expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/clients/"+seg, map[string]any{"name": "y"}), http.StatusNotFound, "inexistent_client")
		expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients/"+seg+"/rotate-secret", nil), http.StatusNotFound, "inexistent_client")
	}

	for i := 0; i < 2; i++ {
		r := h.call(h.base, h.tok, http.MethodDelete, path, nil)
		expectStatus(t, r, http.StatusNoContent)
		if len(r.Body) != 0 {
			t.Errorf("DELETE body = %q", r.Body)
		}
	}
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/clients/NeverExisted000000000000000000000", nil), http.StatusNoContent)
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, path, nil), http.StatusNotFound, "inexistent_client")
	if findBy(h.mustList(h.base, h.tok, "/api/v2/clients"), "client_id", id) != nil {
		t.Errorf("deleted client still listed")
	}
}

// A client's keys (its secret and, as the real service documents, encryption_key,
// client_authentication_methods and signing_keys) are answered only to a token with
// read:client_keys or read:client_credentials, on GET, list and PATCH alike; the create's
// answer always has the new secret. A client with client_authentication_methods is answered
// without its secret, as Auth0 answers one (its answers to the official provider's PATCH of
// private_key_jwt, recorded in that provider's test data), though the secret is kept.
func TestClientSecretVisibility(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{
		"name":           "Secretive",
		"encryption_key": map[string]any{"pub": "-----BEGIN PUBLIC KEY-----"},
	})
	id := strField(t, c, "client_id")
	aud := h.mgmtAudience(h.base)
	keyed := []string{"client_secret", "encryption_key", "signing_keys"}
	methods := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{
		"name":                          "Keyless",
		"client_authentication_methods": map[string]any{"private_key_jwt": map[string]any{"credentials": []any{}}},
	})
	readerID, readerSecret := h.newGrantedClient(h.base, h.tok, aud,
		[]string{"read:clients", "update:clients", "create:clients", "read:client_keys", "read:client_credentials"})
	mint := func(scope string) string { return h.mintToken(h.base, readerID, readerSecret, aud, scope) }
	path := "/api/v2/clients/" + id
	answers := func(tok string) map[string]map[string]any {
		out := map[string]map[string]any{}
		r := h.call(h.base, tok, http.MethodGet, path, nil)
		expectStatus(t, r, http.StatusOK)
		out["GET"] = r.object(t)
		r = h.call(h.base, tok, http.MethodGet, "/api/v2/clients", nil)
		expectStatus(t, r, http.StatusOK)
		out["list"] = findBy(r.array(t), "client_id", strings.TrimPrefix(path, "/api/v2/clients/"))
		r = h.call(h.base, tok, http.MethodPatch, path, map[string]any{"description": "d"})
		expectStatus(t, r, http.StatusOK)
		out["PATCH"] = r.object(t)
		return out
	}

	for what, m := range answers(mint("read:clients update:clients create:clients")) {
		for _, k := range keyed {
			if v, ok := m[k]; ok {
				t.Errorf("%s without read:client_keys shows %s: %v", what, k, v)
			}
		}
	}
	if _, ok := methods["client_secret"]; ok {
		t.Errorf("a create with client_authentication_methods answers a client_secret: %v", methods)
	}
	path = "/api/v2/clients/" + strField(t, methods, "client_id")
	for what, m := range answers(h.tok) {
		if m["client_authentication_methods"] == nil || m["client_secret"] != nil || m["token_endpoint_auth_method"] != nil {
			t.Errorf("%s of a client with client_authentication_methods: %v", what, m)
		}
	}
	path = "/api/v2/clients/" + id
	for _, scope := range []string{"read:client_keys", "read:client_credentials"} {
		for what, m := range answers(mint("read:clients update:clients " + scope)) {
			for _, k := range keyed {
				if m[k] == nil {
					t.Errorf("%s with %s hides %s: %v", what, scope, k, m)
				}
			}
			if m["client_secret"] != c["client_secret"] {
				t.Errorf("%s with %s: wrong secret", what, scope)
			}
		}
	}
	// POST always returns the secret: it is the only chance to see it.
	r := h.call(h.base, mint("create:clients"), http.MethodPost, "/api/v2/clients", map[string]any{"name": "n"})
	expectStatus(t, r, http.StatusCreated)
	if s, _ := r.object(t)["client_secret"].(string); !reClientSecret.MatchString(s) {
		t.Errorf("POST without read:client_keys: client_secret = %q", s)
	}
	for _, m := range h.mustList(h.base, h.tok, "/api/v2/clients") {
		if s, _ := m["client_secret"].(string); s == "" && m["client_authentication_methods"] == nil {
			t.Errorf("list with read:client_keys hides the secret of %v", m["client_id"])
		}
	}
}

// Setting client_authentication_methods needs create:client_credentials on a create and
// update:client_credentials on an update, as the real service documents.
func TestClientAuthenticationMethodsNeedCredentialScopes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	aud := h.mgmtAudience(h.base)
	mint := func(scope string) string {
		return h.mintToken(h.base, h.srv.AdminClientID(), h.srv.AdminClientSecret(), aud, scope)
	}
	methods := map[string]any{"private_key_jwt": map[string]any{"credentials": []any{}}}
	body := map[string]any{"name": "pkjwt", "client_authentication_methods": methods}

	e := expectAPIError(t, h.call(h.base, mint("create:clients"), http.MethodPost, "/api/v2/clients", body), http.StatusForbidden, "insufficient_scope")
	if e.Message != "Insufficient scope, expected any of: create:client_credentials" {
		t.Errorf("create: message %q", e.Message)
	}
	c := h.mustCreate(h.base, mint("create:clients create:client_credentials"), "/api/v2/clients", body)
	path := "/api/v2/clients/" + strField(t, c, "client_id")

	patch := map[string]any{"client_authentication_methods": nil}
	e = expectAPIError(t, h.call(h.base, mint("update:clients"), http.MethodPatch, path, patch), http.StatusForbidden, "insufficient_scope")
	if e.Message != "Insufficient scope, expected any of: update:client_credentials" {
		t.Errorf("update: message %q", e.Message)
	}
	if got := h.mustGet(h.base, h.tok, path)["client_authentication_methods"]; got == nil {
		t.Errorf("a refused update changed client_authentication_methods")
	}
	expectStatus(t, h.call(h.base, mint("update:clients update:client_credentials"), http.MethodPatch, path, patch), http.StatusOK)
	expectStatus(t, h.call(h.base, mint("update:clients"), http.MethodPatch, path, map[string]any{"description": "d"}), http.StatusOK)
}

func TestClientRotateSecret(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	aud := h.mgmtAudience(h.base)
	id, old := h.newGrantedClient(h.base, h.tok, aud, []string{"read:clients"})
	h.mintToken(h.base, id, old, aud, "")

	r := h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients/"+id+"/rotate-secret", nil)
	expectStatus(t, r, http.StatusOK)
	c := r.object(t)
	newSecret := strField(t, c, "client_secret")
	if c["client_id"] != id || newSecret == old || !reClientSecret.MatchString(newSecret) {
		t.Errorf("rotate-secret response: %v", c)
	}
	expectOAuthError(t, h.tokenJSON(h.base, credentials(id, old, aud, "")), http.StatusUnauthorized, "access_denied")
	h.mintToken(h.base, id, newSecret, aud, "")

	// rotate-secret needs update:client_keys, as on the real service; neither update:clients
	// nor read:client_keys is enough.
	for _, scope := range []string{"read:clients read:client_keys", "update:clients", "read:clients update:clients read:client_keys"} {
		tok := h.mintToken(h.base, h.srv.AdminClientID(), h.srv.AdminClientSecret(), aud, scope)
		e := expectAPIError(t, h.call(h.base, tok, http.MethodPost, "/api/v2/clients/"+id+"/rotate-secret", nil), http.StatusForbidden, "insufficient_scope")
		if e.Message != "Insufficient scope, expected any of: update:client_keys" {
			t.Errorf("%s: message %q", scope, e.Message)
		}
	}
	keys := h.mintToken(h.base, h.srv.AdminClientID(), h.srv.AdminClientSecret(), aud, "update:client_keys")
	r = h.call(h.base, keys, http.MethodPost, "/api/v2/clients/"+id+"/rotate-secret", nil)
	expectStatus(t, r, http.StatusOK)
	if s := strField(t, r.object(t), "client_secret"); s == newSecret {
		t.Errorf("second rotation kept the secret")
	}
}

// A client that holds update:clients (the scope rotate-secret used to need) cannot rotate the
// root admin's secret and take over the server with it: the rotation is refused with the real
// service's 403, and the admin keeps its secret.
func TestRotateAdminSecretNeedsUpdateClientKeys(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	aud := h.mgmtAudience(h.base)
	id, secret := h.newGrantedClient(h.base, h.tok, aud, []string{"read:clients", "update:clients"})
	tok := h.mintToken(h.base, id, secret, aud, "")

	r := h.call(h.base, tok, http.MethodPost, "/api/v2/clients/"+h.srv.AdminClientID()+"/rotate-secret", nil)
	expectAPIError(t, r, http.StatusForbidden, "insufficient_scope")
	const want = `{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: update:client_keys","errorCode":"insufficient_scope"}`
	if got := strings.TrimSpace(string(r.Body)); got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	h.mintToken(h.base, h.srv.AdminClientID(), h.srv.AdminClientSecret(), aud, "create:tenants")
}

// A create may choose the client's secret (Auth0 recommends not to); a PATCH may change it with
// update:client_keys only, as Auth0 documents, and a changed admin secret is the one /_idp/ and
// a restart take.
func TestClientSecretSet(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	aud := h.mgmtAudience(h.base)
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "chosen", "client_secret": "my own secret"})
	id := c["client_id"].(string)
	if c["client_secret"] != "my own secret" {
		t.Errorf("create answered secret %v", c["client_secret"])
	}
	h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": id, "audience": aud, "scope": []string{"read:clients"}})
	h.mintToken(h.base, id, "my own secret", aud, "")
	for _, bad := range []any{"", 42, nil} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients", map[string]any{"name": "x", "client_secret": bad}),
			http.StatusBadRequest, "invalid_body")
		expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/clients/"+id, map[string]any{"client_secret": bad}),
			http.StatusBadRequest, "invalid_body")
	}

	admin := func(scope string) string {
		return h.mintToken(h.base, h.srv.AdminClientID(), h.srv.AdminClientSecret(), aud, scope)
	}
	e := expectAPIError(t, h.call(h.base, admin("update:clients read:client_keys"), http.MethodPatch, "/api/v2/clients/"+id,
		map[string]any{"client_secret": "another secret"}), http.StatusForbidden, "insufficient_scope")
	if e.Message != "Insufficient scope, expected any of: update:client_keys" {
		t.Errorf("message %q", e.Message)
	}
	h.mintToken(h.base, id, "my own secret", aud, "")
	expectStatus(t, h.call(h.base, admin("update:clients update:client_keys"), http.MethodPatch, "/api/v2/clients/"+id,
		map[string]any{"client_secret": "another secret"}), http.StatusOK)
	expectOAuthError(t, h.tokenJSON(h.base, credentials(id, "my own secret", aud, "")), http.StatusUnauthorized, "access_denied")
	h.mintToken(h.base, id, "another secret", aud, "")

	const adminSecret = "the admin's new secret, long enough for the command"
	expectStatus(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/clients/"+h.srv.AdminClientID(),
		map[string]any{"client_secret": adminSecret}), http.StatusOK)
	if h.srv.AdminClientSecret() != adminSecret {
		t.Errorf("/_idp/ still takes the old admin secret")
	}
}

// The defaults the real service gives a new application, on the create's answer and on reads.
func TestClientAuth0Defaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, body := range []map[string]any{{"name": "only a name"}, {"name": "m2m", "app_type": "non_interactive"}} {
		c := h.mustCreate(h.base, h.tok, "/api/v2/clients", body)
		got := h.mustGet(h.base, h.tok, "/api/v2/clients/"+strField(t, c, "client_id"))
		for _, m := range []map[string]any{c, got} {
			for k, want := range map[string]string{
				"custom_login_page_on":                `true`,
				"jwt_configuration":                   `{"lifetime_in_seconds":36000,"secret_encoded":false}`,
				"refresh_token":                       `{"expiration_type":"non-expiring","idle_token_lifetime":1296000,"infinite_idle_token_lifetime":true,"infinite_token_lifetime":true,"leeway":0,"rotation_type":"non-rotating","token_lifetime":2592000}`,
				"grant_types":                         `["authorization_code","implicit","refresh_token","client_credentials"]`,
				"oidc_conformant":                     `false`,
				"sso_disabled":                        `false`,
				"cross_origin_authentication":         `false`,
				"is_token_endpoint_ip_header_trusted": `false`,
				"token_endpoint_auth_method":          `"client_secret_post"`,
			} {
				if have := jsonString(t, m[k]); have != want {
					t.Errorf("%v: %s = %s, want %s", body, k, have, want)
				}
			}
			keys, _ := m["signing_keys"].([]any)
			if len(keys) != 1 {
				t.Fatalf("signing_keys = %v", m["signing_keys"])
			}
			if k, _ := keys[0].(map[string]any); !strings.HasPrefix(fmt.Sprint(k["cert"]), "-----BEGIN CERTIFICATE-----") {
				t.Errorf("signing_keys[0] = %v", k)
			}
			if _, ok := m["global"]; ok {
				t.Errorf("global answered: %v", m)
			}
		}
	}
	// A value sent replaces the default; client_authentication_methods replaces
	// token_endpoint_auth_method in the answer.
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{
		"name": "set", "oidc_conformant": true, "jwt_configuration": map[string]any{"alg": "RS256"},
		"client_authentication_methods": map[string]any{"private_key_jwt": map[string]any{"credentials": []any{}}},
	})
	if c["oidc_conformant"] != true || jsonString(t, c["jwt_configuration"]) != `{"alg":"RS256"}` {
		t.Errorf("explicit values: %v", c)
	}
	if _, ok := c["token_endpoint_auth_method"]; ok {
		t.Errorf("token_endpoint_auth_method answered beside client_authentication_methods: %v", c)
	}
}

// spa and native applications are public clients; none is accepted; resource_server is an
// app_type.
func TestClientPublicApps(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, at := range []string{"spa", "native"} {
		c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": at, "app_type": at})
		if c["token_endpoint_auth_method"] != "none" || jsonString(t, c["grant_types"]) != `["authorization_code","implicit","refresh_token"]` {
			t.Errorf("%s: %v", at, c)
		}
		// No client_credentials for a public client, whatever secret it sends.
		r := h.tokenJSON(h.base, map[string]string{"grant_type": "client_credentials", "client_id": c["client_id"].(string),
			"client_secret": c["client_secret"].(string), "audience": h.mgmtAudience(h.base)})
		expectOAuthError(t, r, http.StatusForbidden, "unauthorized_client")
	}
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "explicit", "token_endpoint_auth_method": "none"})
	if c["token_endpoint_auth_method"] != "none" || jsonString(t, c["grant_types"]) != `["authorization_code","implicit","refresh_token"]` {
		t.Errorf("none: %v", c)
	}
	e := expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients", map[string]any{
		"name": "bad", "app_type": "spa", "grant_types": []string{"client_credentials"}}), http.StatusBadRequest, "invalid_body")
	if !strings.Contains(e.Message, "client_credentials") {
		t.Errorf("message %q", e.Message)
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/clients/"+c["client_id"].(string), map[string]any{
		"grant_types": []string{"client_credentials"}}), http.StatusBadRequest, "invalid_body")
	// A spa may still say it is confidential.
	c = h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "conf", "app_type": "spa", "token_endpoint_auth_method": "client_secret_post", "grant_types": []string{"client_credentials"}})
	if c["token_endpoint_auth_method"] != "client_secret_post" {
		t.Errorf("confidential spa: %v", c)
	}
	c = h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "rs", "app_type": "resource_server"})
	if c["app_type"] != "resource_server" {
		t.Errorf("resource_server: %v", c)
	}
}

// A PATCH with an empty initiate_login_uri or oidc_logout removes it.
func TestClientPatchEmptiesDrop(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{
		"name": "web", "initiate_login_uri": "https://app.example.com/login",
		"oidc_logout": map[string]any{"backchannel_logout_urls": []string{"https://app.example.com/logout"}},
	})
	path := "/api/v2/clients/" + c["client_id"].(string)
	if c["initiate_login_uri"] == nil || c["oidc_logout"] == nil {
		t.Fatalf("create: %v", c)
	}
	r := h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{"initiate_login_uri": "", "oidc_logout": map[string]any{}})
	expectStatus(t, r, http.StatusOK)
	for _, m := range []map[string]any{r.object(t), h.mustGet(h.base, h.tok, path)} {
		for _, k := range []string{"initiate_login_uri", "oidc_logout"} {
			if v, ok := m[k]; ok {
				t.Errorf("%s = %v after emptying", k, v)
			}
		}
	}
}

// The token endpoint honours a client's token_endpoint_auth_method: a client_secret_basic
// client must authenticate with HTTP Basic.
func TestTokenHonoursAuthMethod(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	aud := h.mgmtAudience(h.base)
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "basic", "token_endpoint_auth_method": "client_secret_basic"})
	id, secret := c["client_id"].(string), c["client_secret"].(string)
	h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": id, "audience": aud, "scope": []string{"read:clients"}})
	r := h.tokenJSON(h.base, map[string]string{"grant_type": "client_credentials", "client_id": id, "client_secret": secret, "audience": aud})
	expectOAuthError(t, r, http.StatusUnauthorized, "access_denied")
	req, _ := http.NewRequest(http.MethodPost, "/", nil)
	req.SetBasicAuth(id, secret)
	v := url.Values{"grant_type": {"client_credentials"}, "audience": {aud}}
	expectTokenOK(t, h.postToken(h.base, "application/x-www-form-urlencoded", v.Encode(), http.Header{"Authorization": {req.Header.Get("Authorization")}}),
		[]string{"read:clients"}, 86400)
	// Switching it to client_secret_post lets the body credentials through.
	expectStatus(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/clients/"+id, map[string]any{"token_endpoint_auth_method": "client_secret_post"}), http.StatusOK)
	r = h.tokenJSON(h.base, map[string]string{"grant_type": "client_credentials", "client_id": id, "client_secret": secret, "audience": aud})
	expectTokenOK(t, r, []string{"read:clients"}, 86400)
}

// A create with oidc_logout gets the backchannel_logout_initiators Auth0
// answers when none are sent, as Auth0's provider recorded it ({} in,
// {"backchannel_logout_initiators":{"mode":"custom","selected_initiators":["rp-logout","idp-logout"]}} out);
// initiators sent are kept, and a client without oidc_logout gets none.
func TestClientOIDCLogoutDefaultInitiators(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const defaults = `{"mode":"custom","selected_initiators":["rp-logout","idp-logout"]}`
	for _, tt := range []struct {
		name string
		sent any
		want string
	}{
		{"empty", map[string]any{}, `{"backchannel_logout_initiators":` + defaults + `}`},
		{"urls only", map[string]any{"backchannel_logout_urls": []string{"https://app.example.com/logout"}},
			`{"backchannel_logout_initiators":` + defaults + `,"backchannel_logout_urls":["https://app.example.com/logout"]}`},
		{"initiators sent", map[string]any{"backchannel_logout_initiators": map[string]any{"mode": "all"}},
			`{"backchannel_logout_initiators":{"mode":"all"}}`},
	} {
		c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "logout " + tt.name, "oidc_logout": tt.sent})
		got := h.mustGet(h.base, h.tok, "/api/v2/clients/"+strField(t, c, "client_id"))
		for _, m := range []map[string]any{c, got} {
			if s := jsonString(t, m["oidc_logout"]); s != tt.want {
				t.Errorf("%s: oidc_logout = %s, want %s", tt.name, s, tt.want)
			}
		}
	}
	if c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "no logout"}); c["oidc_logout"] != nil {
		t.Errorf("a client created without oidc_logout answers %v", c["oidc_logout"])
	}
}

// A client created with app_type resource_server and a
// resource_server_identifier is the API's linked client: the API answers
// its client_id (recorded by Auth0's provider's tests) until the client is
// deleted; other APIs answer none.
func TestResourceServerLinkedClient(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	api := h.newAPI(h.base, h.tok, map[string]any{})
	other := h.newAPI(h.base, h.tok, map[string]any{})
	apiPath := "/api/v2/resource-servers/" + strField(t, api, "id")
	if _, ok := api["client_id"]; ok {
		t.Errorf("a new API answers client_id: %v", api)
	}
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{
		"name": "api client", "app_type": "resource_server", "resource_server_identifier": api["identifier"],
	})
	cid := strField(t, c, "client_id")
	if c["resource_server_identifier"] != api["identifier"] {
		t.Errorf("client = %v", c)
	}
	if got := h.mustGet(h.base, h.tok, apiPath); got["client_id"] != cid {
		t.Errorf("GET linked API client_id = %v, want %s", got["client_id"], cid)
	}
	listed := findBy(h.mustList(h.base, h.tok, "/api/v2/resource-servers"), "id", api["id"])
	if listed == nil || listed["client_id"] != cid {
		t.Errorf("listed linked API = %v", listed)
	}
	r := h.call(h.base, h.tok, http.MethodPatch, apiPath, map[string]any{"name": "renamed"})
	expectStatus(t, r, http.StatusOK)
	if r.object(t)["client_id"] != cid {
		t.Errorf("PATCH answer = %s", r.Body)
	}
	if got := h.mustGet(h.base, h.tok, "/api/v2/resource-servers/"+strField(t, other, "id")); got["client_id"] != nil {
		t.Errorf("an unlinked API answers client_id %v", got["client_id"])
	}
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/clients/"+cid, nil), http.StatusNoContent)
	if got := h.mustGet(h.base, h.tok, apiPath); got["client_id"] != nil {
		t.Errorf("API still answers client_id %v after its client was deleted", got["client_id"])
	}
}

// What a token reads of a client depends on its scopes, as the spec's descriptions of GET
// /clients and /clients/{id} say: any of the four read scopes takes the route; client_id,
// app_type, name and description are read with any of them; the other properties with
// read:clients or read:client_keys; the keys with read:client_keys or read:client_credentials.
func TestClientReadScopes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	aud := h.mgmtAudience(h.base)
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{
		"name": "read me", "description": "d", "app_type": "regular_web", "callbacks": []string{"https://app.example.com/cb"},
	})
	path := "/api/v2/clients/" + strField(t, c, "client_id")
	summary := []string{"app_type", "client_id", "description", "name"}
	for _, tt := range []struct {
		scope                string
		summaryOnly, secrets bool
	}{
		{"read:client_summary", true, false},
		{"read:client_credentials", true, true},
		{"read:clients", false, false},
		{"read:client_keys", false, true},
	} {
		tok := h.mintToken(h.base, h.srv.AdminClientID(), h.srv.AdminClientSecret(), aud, tt.scope)
		got := h.mustGet(h.base, tok, path)
		listed := findBy(h.mustList(h.base, tok, "/api/v2/clients"), "client_id", c["client_id"])
		for _, m := range []map[string]any{got, listed} {
			if m == nil {
				t.Fatalf("%s: the client is not listed", tt.scope)
			}
			keys := slices.Sorted(maps.Keys(m))
			_, hasSecret := m["client_secret"]
			_, hasCallbacks := m["callbacks"]
			switch {
			case tt.summaryOnly && !tt.secrets && !slices.Equal(keys, summary):
				t.Errorf("%s reads %v, want the summary %v", tt.scope, keys, summary)
			case tt.summaryOnly && tt.secrets && !slices.Equal(keys, []string{"app_type", "client_id", "client_secret", "description", "name", "signing_keys"}):
				t.Errorf("%s reads %v, want the summary and the keys", tt.scope, keys)
			case !tt.summaryOnly && !hasCallbacks:
				t.Errorf("%s does not read callbacks: %v", tt.scope, keys)
			case hasSecret != tt.secrets:
				t.Errorf("%s reads client_secret: %v, want %v", tt.scope, hasSecret, tt.secrets)
			}
		}
	}
}

// PATCH /clients/{id} takes any of the spec's four update scopes, but only
// update:clients and update:client_keys (the spec's 403 names them) change a
// client's settings; update:client_credentials changes its
// client_authentication_methods alone, and client_secret needs update:client_keys.
func TestClientUpdateScopes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	aud := h.mgmtAudience(h.base)
	path := "/api/v2/clients/" + strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "update me"}), "client_id")
	// The seeded clients are not granted update:client_token_vault_privileged_access.
	vaultID, vaultSecret := h.newGrantedClient(h.base, h.tok, aud, []string{"update:client_token_vault_privileged_access"})
	token := func(scope string) string {
		if scope == "update:client_token_vault_privileged_access" {
			return h.mintToken(h.base, vaultID, vaultSecret, aud, scope)
		}
		return h.mintToken(h.base, h.srv.AdminClientID(), h.srv.AdminClientSecret(), aud, scope)
	}
	const refusal = "Insufficient scope, expected any of: update:clients,update:client_keys"
	for _, tt := range []struct {
		scope string
		body  map[string]any
		want  int
	}{
		{"update:client_keys", map[string]any{"name": "by keys"}, http.StatusOK},
		{"update:client_keys", map[string]any{"client_secret": strings.Repeat("s", 48)}, http.StatusOK},
		{"update:clients", map[string]any{"name": "by clients"}, http.StatusOK},
		{"update:client_credentials", map[string]any{"client_authentication_methods": nil}, http.StatusOK},
		{"update:client_credentials", map[string]any{"name": "by credentials"}, http.StatusForbidden},
		{"update:client_token_vault_privileged_access", map[string]any{"name": "by vault"}, http.StatusForbidden},
	} {
		r := h.call(h.base, token(tt.scope), http.MethodPatch, path, tt.body)
		if tt.want == http.StatusForbidden {
			if e := expectAPIError(t, r, http.StatusForbidden, "insufficient_scope"); e.Message != refusal {
				t.Errorf("%s: message %q", tt.scope, e.Message)
			}
			continue
		}
		expectStatus(t, r, tt.want)
	}
	if got := h.mustGet(h.base, h.tok, path)["name"]; got != "by clients" {
		t.Errorf("name = %v after the refused updates", got)
	}
}

// A PATCH merges jwt_configuration, mobile, native_social_login, session_transfer and
// signed_request_object into what is stored (a null inside removes that key), and takes null
// for addons, oidc_backchannel_logout (which removes oidc_logout too) and
// signed_request_object, as Auth0 answered the official provider's requests recorded in its
// test data; a new session_transfer answers Auth0's defaults for the keys not sent.
func TestClientPatchMergesAndNulls(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{
		"name":                  "Merged",
		"app_type":              "native",
		"jwt_configuration":     map[string]any{"lifetime_in_seconds": 3600, "secret_encoded": false},
		"mobile":                map[string]any{"android": map[string]any{"app_package_name": "com.example"}, "ios": map[string]any{"team_id": "9JA89QQLNQ"}},
		"native_social_login":   map[string]any{"apple": map[string]any{"enabled": true}, "google": map[string]any{"enabled": true}},
		"session_transfer":      map[string]any{"enforce_online_refresh_tokens": false, "delegation": map[string]any{"allow_delegated_access": true}},
		"signed_request_object": map[string]any{"required": false, "credentials": []any{}},
		"addons":                map[string]any{"slack": map[string]any{"team": "acme"}},
		"oidc_logout":           map[string]any{"backchannel_logout_urls": []string{"https://example.com/logout"}},
	})
	path := "/api/v2/clients/" + strField(t, c, "client_id")
	if got, want := jsonString(t, c["session_transfer"]), `{"allow_refresh_token":false,"allowed_authentication_methods":[],"can_create_session_transfer_token":false,`+
		`"delegation":{"allow_delegated_access":true},"enforce_cascade_revocation":true,"enforce_device_binding":"ip","enforce_online_refresh_tokens":false}`; got != want {
		t.Errorf("created session_transfer = %s, want %s", got, want)
	}
	r := h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{
		"jwt_configuration":     map[string]any{"alg": "RS256"},
		"mobile":                map[string]any{"android": map[string]any{"app_package_name": "com.other"}},
		"native_social_login":   map[string]any{"facebook": map[string]any{"enabled": false}},
		"session_transfer":      map[string]any{"delegation": nil, "enforce_device_binding": "asn"},
		"signed_request_object": map[string]any{"required": true},
	})
	expectStatus(t, r, http.StatusOK)
	got := r.object(t)
	for k, want := range map[string]string{
		"jwt_configuration":   `{"alg":"RS256","lifetime_in_seconds":3600,"secret_encoded":false}`,
		"mobile":              `{"android":{"app_package_name":"com.other"},"ios":{"team_id":"9JA89QQLNQ"}}`,
		"native_social_login": `{"apple":{"enabled":true},"facebook":{"enabled":false},"google":{"enabled":true}}`,
		"session_transfer": `{"allow_refresh_token":false,"allowed_authentication_methods":[],"can_create_session_transfer_token":false,` +
			`"enforce_cascade_revocation":true,"enforce_device_binding":"asn","enforce_online_refresh_tokens":false}`,
		"signed_request_object": `{"credentials":[],"required":true}`,
	} {
		if have := jsonString(t, got[k]); have != want {
			t.Errorf("after PATCH, %s = %s, want %s", k, have, want)
		}
	}
	r = h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{"addons": nil, "oidc_backchannel_logout": nil, "signed_request_object": nil})
	expectStatus(t, r, http.StatusOK)
	got = h.mustGet(h.base, h.tok, path)
	for _, k := range []string{"addons", "oidc_logout", "oidc_backchannel_logout", "signed_request_object"} {
		if v, ok := got[k]; ok {
			t.Errorf("after PATCH of nulls, %s = %v", k, v)
		}
	}
	// A create still takes none of these nulls, as the spec says.
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients", map[string]any{"name": "n", "addons": nil}),
		http.StatusBadRequest, "invalid_body")
}
