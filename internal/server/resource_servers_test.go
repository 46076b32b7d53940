package server_test

// Tests of /api/v2/resource-servers (resource_servers.go).

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

func TestResourceServerCreateDefaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rs := h.mustCreate(h.base, h.tok, "/api/v2/resource-servers", map[string]any{
		"name": "Orders", "identifier": "https://orders.example.com/",
	})
	id := strField(t, rs, "id")
	if !reResourceServerID.MatchString(id) {
		t.Errorf("id %q is not 24 lowercase hex", id)
	}
	if rs["name"] != "Orders" || rs["identifier"] != "https://orders.example.com/" {
		t.Errorf("name/identifier not echoed: %v", rs)
	}
	if rs["signing_alg"] != "RS256" {
		t.Errorf("signing_alg = %v, want default RS256", rs["signing_alg"])
	}
	if numField(t, rs, "token_lifetime") != 86400 {
		t.Errorf("token_lifetime = %v, want default 86400", rs["token_lifetime"])
	}
	if numField(t, rs, "token_lifetime_for_web") != 7200 {
		t.Errorf("token_lifetime_for_web = %v, want default 7200", rs["token_lifetime_for_web"])
	}
	// An RS256 API does not answer the signing secret it does not use.
	if v, ok := rs["signing_secret"]; ok {
		t.Errorf("signing_secret = %v answered for an RS256 API", v)
	}
	for _, k := range []string{"allow_offline_access", "skip_consent_for_verifiable_first_party_clients"} {
		if v, ok := rs[k]; !ok || v != false {
			t.Errorf("%s = %v, want the default false", k, v)
		}
	}
	if got := jsonString(t, rs["subject_type_authorization"]); got != `{"client":{"policy":"require_client_grant"},"user":{"policy":"allow_all"}}` {
		t.Errorf("subject_type_authorization = %s", got)
	}
	if v, ok := rs["is_system"]; ok && v != false {
		t.Errorf("is_system = %v on a user API", v)
	}

	got := h.mustGet(h.base, h.tok, "/api/v2/resource-servers/"+id)
	for _, k := range []string{"id", "name", "identifier", "signing_alg", "token_lifetime", "token_lifetime_for_web", "signing_secret"} {
		if fmt.Sprint(got[k]) != fmt.Sprint(rs[k]) {
			t.Errorf("GET %s = %v, POST returned %v", k, got[k], rs[k])
		}
	}
}

func TestResourceServerCreateAllFields(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	body := map[string]any{
		"name":                   "Billing",
		"identifier":             "urn:billing",
		"scopes":                 []map[string]any{{"value": "read:invoices", "description": "Read invoices"}, {"value": "write:invoices", "description": "Write invoices"}},
		"signing_alg":            "HS256",
		"signing_secret":         "0123456789abcdef-0123456789abcdef",
		"token_lifetime":         3600,
		"token_lifetime_for_web": 1800,
		"allow_offline_access":   true,
		"skip_consent_for_verifiable_first_party_clients": true,
	}
	rs := h.mustCreate(h.base, h.tok, "/api/v2/resource-servers", body)
	got := h.mustGet(h.base, h.tok, "/api/v2/resource-servers/"+strField(t, rs, "id"))
	for _, m := range []map[string]any{rs, got} {
		for k, v := range body {
			if want, have := jsonString(t, v), jsonString(t, m[k]); want != have {
				t.Errorf("%s = %s, want %s", k, have, want)
			}
		}
	}
	// Boundaries of token_lifetime are valid.
	for _, lt := range []int{0, 2592000} {
		h.newAPI(h.base, h.tok, map[string]any{"token_lifetime": lt})
	}
	for _, alg := range []string{"RS256", "PS256"} {
		rs := h.newAPI(h.base, h.tok, map[string]any{"signing_alg": alg})
		if rs["signing_alg"] != alg {
			t.Errorf("signing_alg = %v, want %s", rs["signing_alg"], alg)
		}
	}
}

func TestResourceServerValidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	existing := h.newAPI(h.base, h.tok, map[string]any{"scopes": []map[string]any{{"value": "read:x"}}})
	path := "/api/v2/resource-servers/" + strField(t, existing, "id")
	ok := func(extra map[string]any) map[string]any {
		m := map[string]any{"name": "n", "identifier": "https://" + unique("v") + ".example.com/"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	posts := []struct {
		name string
		body any
	}{
		{"bad json", `{"name":`},
		{"json array", `[]`},
		{"json string", `"x"`},
		{"empty body", ``},
		{"unknown property", ok(map[string]any{"foo": 1})},
		{"name wrong type", ok(map[string]any{"name": 5})},
		{"missing identifier", map[string]any{"name": "n"}},
		{"identifier empty", ok(map[string]any{"identifier": ""})},
		{"identifier over 600 characters", ok(map[string]any{"identifier": strings.Repeat("a", 601)})},
		{"identifier wrong type", ok(map[string]any{"identifier": 42})},
		{"signing_alg RS384", ok(map[string]any{"signing_alg": "RS384"})},
		{"scope description over 500 characters", ok(map[string]any{"scopes": []map[string]any{{"value": "a", "description": strings.Repeat("d", 501)}}})},
		{"signing_alg none", ok(map[string]any{"signing_alg": "none"})},
		{"signing_alg wrong type", ok(map[string]any{"signing_alg": 256})},
		{"token_lifetime negative", ok(map[string]any{"token_lifetime": -1})},
		{"token_lifetime too large", ok(map[string]any{"token_lifetime": 2592001})},
		{"token_lifetime string", ok(map[string]any{"token_lifetime": "60"})},
		{"token_lifetime fraction", ok(map[string]any{"token_lifetime": 1.5})},
		{"signing_secret short", ok(map[string]any{"signing_alg": "HS256", "signing_secret": "short"})},
		{"signing_secret 15 chars", ok(map[string]any{"signing_alg": "HS256", "signing_secret": "123456789012345"})},
		{"scopes not an array", ok(map[string]any{"scopes": "read:x"})},
		{"empty scope value", ok(map[string]any{"scopes": []map[string]any{{"value": ""}}})},
		{"missing scope value", ok(map[string]any{"scopes": []map[string]any{{"description": "d"}}})},
		{"duplicate scope value", ok(map[string]any{"scopes": []map[string]any{{"value": "a"}, {"value": "a"}}})},
		{"allow_offline_access wrong type", ok(map[string]any{"allow_offline_access": "yes"})},
	}
	for _, tt := range posts {
		t.Run("POST "+tt.name, func(t *testing.T) {
			t.Parallel()
			r := h.with(t).call(h.base, h.tok, http.MethodPost, "/api/v2/resource-servers", tt.body)
			expectAPIError(t, r, http.StatusBadRequest, "invalid_body")
		})
	}
	t.Run("POST unknown property message", func(t *testing.T) {
		t.Parallel()
		r := h.with(t).call(h.base, h.tok, http.MethodPost, "/api/v2/resource-servers", ok(map[string]any{"foo": 1}))
		e := expectAPIError(t, r, http.StatusBadRequest, "invalid_body")
		if want := "Payload validation error: 'Additional properties not allowed: foo'."; e.Message != want {
			t.Errorf("message = %q, want %q", e.Message, want)
		}
	})

	patches := []struct {
		name string
		body any
	}{
		{"bad json", `{`},
		{"identifier", map[string]any{"identifier": "https://other.example.com/"}},
		{"same identifier", map[string]any{"identifier": existing["identifier"]}},
		{"unknown property", map[string]any{"bar": true}},
		{"signing_alg", map[string]any{"signing_alg": "ES256"}},
		{"token_lifetime", map[string]any{"token_lifetime": -5}},
		{"signing_secret", map[string]any{"signing_secret": "tiny"}},
		{"duplicate scope", map[string]any{"scopes": []map[string]any{{"value": "b"}, {"value": "b"}}}},
		{"name wrong type", map[string]any{"name": []string{"x"}}},
	}
	for _, tt := range patches {
		t.Run("PATCH "+tt.name, func(t *testing.T) {
			t.Parallel()
			r := h.with(t).call(h.base, h.tok, http.MethodPatch, path, tt.body)
			expectAPIError(t, r, http.StatusBadRequest, "invalid_body")
		})
	}
}

func TestResourceServerConflict(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	body := map[string]any{"name": "A", "identifier": "https://dup.example.com/"}
	h.mustCreate(h.base, h.tok, "/api/v2/resource-servers", body)
	r := h.call(h.base, h.tok, http.MethodPost, "/api/v2/resource-servers", map[string]any{"name": "B", "identifier": "https://dup.example.com/"})
	expectAPIError(t, r, http.StatusConflict, "conflict")
	// The Management API's own identifier is taken too.
	r = h.call(h.base, h.tok, http.MethodPost, "/api/v2/resource-servers", map[string]any{"name": "C", "identifier": h.mgmtAudience(h.base)})
	expectAPIError(t, r, http.StatusConflict, "conflict")
}

func TestResourceServerLookupUpdateDelete(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ident := "https://lookup.example.com/api/v1?x=1&y=b:c"
	rs := h.mustCreate(h.base, h.tok, "/api/v2/resource-servers", map[string]any{
		"name": "Lookup", "identifier": ident, "scopes": []map[string]any{{"value": "read:x"}},
	})
	id := strField(t, rs, "id")
	once := url.PathEscape(ident)
	twice := url.PathEscape(once)

	for name, seg := range map[string]string{"id": id, "identifier once": once, "identifier twice": twice} {
		got := h.mustGet(h.base, h.tok, "/api/v2/resource-servers/"+seg)
		if got["id"] != id || got["identifier"] != ident {
			t.Errorf("GET by %s: got %v", name, got)
		}
	}
	for _, seg := range []string{"0123456789abcdef01234567", url.PathEscape("https://nope.example.com/"), "nope"} {
		r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/resource-servers/"+seg, nil)
		expectAPIError(t, r, http.StatusNotFound, "inexistent_resource_server")
		r = h.call(h.base, h.tok, http.MethodPatch, "/api/v2/resource-servers/"+seg, map[string]any{"name": "x"})
		expectAPIError(t, r, http.StatusNotFound, "inexistent_resource_server")
	}

	// PATCH by id and by identifier; the response is the whole object.
	r := h.call(h.base, h.tok, http.MethodPatch, "/api/v2/resource-servers/"+id, map[string]any{
		"name": "Renamed", "token_lifetime": 1200,
		"scopes": []map[string]any{{"value": "read:x"}, {"value": "write:x", "description": "W"}},
	})
	expectStatus(t, r, http.StatusOK)
	p := r.object(t)
	if p["id"] != id || p["identifier"] != ident || p["name"] != "Renamed" || p["token_lifetime"] != 1200.0 || p["signing_alg"] != "RS256" {
		t.Errorf("PATCH response: %v", p)
	}
	if got := scopeValues(t, p); !slices.Equal(got, []string{"read:x", "write:x"}) {
		t.Errorf("scopes after PATCH = %v", p["scopes"])
	}
	r = h.call(h.base, h.tok, http.MethodPatch, "/api/v2/resource-servers/"+twice, map[string]any{"allow_offline_access": true})
	expectStatus(t, r, http.StatusOK)
	got := h.mustGet(h.base, h.tok, "/api/v2/resource-servers/"+id)
	if got["name"] != "Renamed" || got["token_lifetime"] != 1200.0 || got["allow_offline_access"] != true {
		t.Errorf("GET after PATCH: %v", got)
	}
	if got["signing_secret"] != rs["signing_secret"] {
		t.Errorf("signing_secret changed by an unrelated PATCH")
	}
	// An empty PATCH changes nothing.
	r = h.call(h.base, h.tok, http.MethodPatch, "/api/v2/resource-servers/"+id, map[string]any{})
	expectStatus(t, r, http.StatusOK)

	// DELETE by identifier, then again, then an id that never existed: always 204, empty.
	for _, seg := range []string{once, id, id, "ffffffffffffffffffffffff"} {
		r := h.call(h.base, h.tok, http.MethodDelete, "/api/v2/resource-servers/"+seg, nil)
		expectStatus(t, r, http.StatusNoContent)
		if len(r.Body) != 0 {
			t.Errorf("DELETE body = %q, want empty", r.Body)
		}
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/resource-servers/"+id, nil), http.StatusNotFound, "inexistent_resource_server")
	// The identifier is free again.
	h.mustCreate(h.base, h.tok, "/api/v2/resource-servers", map[string]any{"name": "Again", "identifier": ident})
}

func TestSystemManagementAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	list := h.mustList(h.base, h.tok, "/api/v2/resource-servers")
	sys := findBy(list, "is_system", true)
	if sys == nil {
		t.Fatalf("no is_system resource server in %v", list)
	}
	aud := h.mgmtAudience(h.base)
	id := strField(t, sys, "id")
	if !reResourceServerID.MatchString(id) || sys["name"] != "Auth0 Management API" || sys["identifier"] != aud ||
		sys["signing_alg"] != "RS256" || sys["token_lifetime"] != 86400.0 {
		t.Errorf("system API = %v", sys)
	}
	checkSystemAPIScopes(t, scopeValues(t, sys), true)
	for _, seg := range []string{id, url.PathEscape(aud), url.PathEscape(url.PathEscape(aud))} {
		got := h.mustGet(h.base, h.tok, "/api/v2/resource-servers/"+seg)
		if got["id"] != id || got["is_system"] != true {
			t.Errorf("GET %s = %v", seg, got)
		}
	}
	for _, seg := range []string{id, url.PathEscape(aud)} {
		r := h.call(h.base, h.tok, http.MethodPatch, "/api/v2/resource-servers/"+seg, map[string]any{"name": "Mine now"})
		expectAPIError(t, r, http.StatusForbidden, "operation_not_supported")
		r = h.call(h.base, h.tok, http.MethodDelete, "/api/v2/resource-servers/"+seg, nil)
		expectAPIError(t, r, http.StatusForbidden, "operation_not_supported")
	}
	if got := h.mustGet(h.base, h.tok, "/api/v2/resource-servers/"+id); got["name"] != "Auth0 Management API" {
		t.Errorf("system API changed: %v", got)
	}
	// The admin client's bootstrap grant.
	grants := h.mustList(h.base, h.tok, "/api/v2/client-grants?client_id="+h.srv.AdminClientID())
	if len(grants) != 1 || grants[0]["audience"] != aud || !sameSet(stringList(grants[0]["scope"]), managementScopes(true)) {
		t.Errorf("admin grants = %v", grants)
	}
	admin := h.mustGet(h.base, h.tok, "/api/v2/clients/"+h.srv.AdminClientID())
	if admin["name"] != "Root Admin" || admin["app_type"] != "non_interactive" ||
		jsonString(t, admin["grant_types"]) != `["client_credentials"]` || admin["token_endpoint_auth_method"] != "client_secret_post" {
		t.Errorf("admin client = %v", admin)
	}
}

// Fidelity of what the real service answers for an API: signing secrets only where used, a
// scope's empty description, token encryption keys by thumbprint, identifiers escaped twice.
func TestResourceServerAnswers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	hs := h.newAPI(h.base, h.tok, map[string]any{"signing_alg": "HS256", "scopes": []map[string]any{{"value": "read:a"}, {"value": "write:a", "description": "Write"}}})
	if s, _ := hs["signing_secret"].(string); len(s) < 32 {
		t.Errorf("HS256 API signing_secret = %v", hs["signing_secret"])
	}
	if got := jsonString(t, hs["scopes"]); got != `[{"description":"","value":"read:a"},{"description":"Write","value":"write:a"}]` {
		t.Errorf("scopes = %s", got)
	}
	// Switching to RS256 hides the secret; back to HS256 shows the same one again.
	id := strField(t, hs, "id")
	r := h.call(h.base, h.tok, http.MethodPatch, "/api/v2/resource-servers/"+id, map[string]any{"signing_alg": "RS256"})
	expectStatus(t, r, http.StatusOK)
	if _, ok := r.object(t)["signing_secret"]; ok {
		t.Errorf("RS256 answer carries signing_secret: %s", r)
	}
	r = h.call(h.base, h.tok, http.MethodPatch, "/api/v2/resource-servers/"+id, map[string]any{"signing_alg": "HS256"})
	if r.object(t)["signing_secret"] != hs["signing_secret"] {
		t.Errorf("secret after switching back: %s", r)
	}

	// A token encryption key is answered by its thumbprint, never its PEM.
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	enc := h.newAPI(h.base, h.tok, map[string]any{"token_encryption": map[string]any{
		"format": "compact-nested-jwe", "encryption_key": map[string]any{"name": "k", "alg": "RSA-OAEP-256", "pem": pemText}}})
	for _, m := range []map[string]any{enc, h.mustGet(h.base, h.tok, "/api/v2/resource-servers/"+strField(t, enc, "id"))} {
		key, _ := m["token_encryption"].(map[string]any)["encryption_key"].(map[string]any)
		tp, _ := (&jose.JSONWebKey{Key: &priv.PublicKey}).Thumbprint(crypto.SHA256)
		if _, ok := key["pem"]; ok || key["thumbprint_sha256"] != base64.RawURLEncoding.EncodeToString(tp) || key["name"] != "k" {
			t.Errorf("encryption_key = %v", key)
		}
	}

	// An identifier escaped twice in the path, as some SDKs send it.
	ident := "https://twice.example.com/api"
	api := h.newAPI(h.base, h.tok, map[string]any{"identifier": ident})
	got := h.mustGet(h.base, h.tok, "/api/v2/resource-servers/"+url.PathEscape(url.PathEscape(ident)))
	if got["id"] != api["id"] {
		t.Errorf("double-escaped identifier: %v", got)
	}
}

// The spec takes any identifier of 1 to 600 characters, a URI or not, and RS512; a token for
// such an API is issued, for its identifier as the audience, and signed with RS512.
func TestResourceServerIdentifierAnyStringAndRS512(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, identifier := range []string{"admin.api", "not a uri", "/relative/path", strings.Repeat("i", 600)} {
		api := h.newAPI(h.base, h.tok, map[string]any{
			"identifier": identifier, "signing_alg": "RS512",
			"scopes": []map[string]any{{"value": "read:x", "description": strings.Repeat("d", 500)}},
		})
		if api["identifier"] != identifier || api["signing_alg"] != "RS512" {
			t.Fatalf("created %v", api)
		}
		got := h.mustGet(h.base, h.tok, "/api/v2/resource-servers/"+url.PathEscape(identifier))
		if got["id"] != api["id"] {
			t.Errorf("GET by identifier %q found %v", identifier, got["id"])
		}
		id, secret := h.newGrantedClient(h.base, h.tok, identifier, []string{"read:x"})
		tok := h.verifyWithJWKS(h.base, h.mintToken(h.base, id, secret, identifier, ""), jose.RS512)
		if aud := tok.std.Audience; len(aud) != 1 || aud[0] != identifier {
			t.Errorf("token audience %v, want %q", aud, identifier)
		}
	}
}
