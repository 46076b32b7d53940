package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// ---- resource servers -------------------------------------------------------------------

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
	if s := strField(t, rs, "signing_secret"); len(s) < 32 {
		t.Errorf("generated signing_secret %q shorter than 32 chars", s)
	}
	for _, never := range []string{"allow_offline_access", "skip_consent_for_verifiable_first_party_clients"} {
		if v, ok := rs[never]; ok {
			t.Errorf("%s = %v present though never set", never, v)
		}
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
		{"identifier not a uri", ok(map[string]any{"identifier": "not a uri"})},
		{"identifier relative", ok(map[string]any{"identifier": "/relative/path"})},
		{"identifier wrong type", ok(map[string]any{"identifier": 42})},
		{"signing_alg RS512", ok(map[string]any{"signing_alg": "RS512"})},
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
	if !reResourceServerID.MatchString(id) || sys["name"] != "Management API" || sys["identifier"] != aud ||
		sys["signing_alg"] != "RS256" || sys["token_lifetime"] != 86400.0 {
		t.Errorf("system API = %v", sys)
	}
	if got := scopeValues(t, sys); !sameSet(got, managementScopes(true)) {
		t.Errorf("system API scopes = %v, want %v", got, managementScopes(true))
	}
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
	if got := h.mustGet(h.base, h.tok, "/api/v2/resource-servers/"+id); got["name"] != "Management API" {
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

// TestBaseURLFromHost checks that URLs follow the request's Host and X-Forwarded-Proto.
func TestBaseURLFromHost(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const host = "idp.test:8443"
	alt := "http://" + host
	hostHdr := http.Header{"Host": {host}}

	r := h.call(h.base, "", http.MethodGet, "/.well-known/openid-configuration", nil, hostHdr)
	if iss := r.object(t)["issuer"]; iss != alt+"/" {
		t.Errorf("issuer with Host %s = %v", host, iss)
	}
	r = h.call(h.base, "", http.MethodGet, "/.well-known/openid-configuration", nil,
		http.Header{"Host": {host}, "X-Forwarded-Proto": {"https"}})
	if iss := r.object(t)["issuer"]; iss != "https://"+host+"/" {
		t.Errorf("issuer with X-Forwarded-Proto https = %v", iss)
	}

	// A token minted through that host, for that host's Management API: the bootstrap grant
	// matches whatever the base URL is.
	body := jsonOf(credentials(h.srv.AdminClientID(), h.srv.AdminClientSecret(), alt+"/api/v2/", ""))
	r = h.postToken(h.base, "application/json", body, http.Header{"Host": {host}})
	tr := expectTokenOK(t, r, managementScopes(true), 86400)
	_, payload := tokenParts(t, tr.AccessToken)
	if !strings.Contains(string(payload), `"iss":"`+alt+`/"`) {
		t.Errorf("token issued through Host %s: payload %s", host, payload)
	}
	r = h.call(h.base, tr.AccessToken, http.MethodGet, "/api/v2/resource-servers", nil, hostHdr)
	expectStatus(t, r, http.StatusOK)
	if sys := findBy(r.array(t), "is_system", true); sys == nil || sys["identifier"] != alt+"/api/v2/" {
		t.Errorf("system API through Host %s = %v", host, sys)
	}
	// The grant is listed under that host's audience.
	r = h.call(h.base, tr.AccessToken, http.MethodGet, "/api/v2/client-grants?audience="+url.QueryEscape(alt+"/api/v2/"), nil, hostHdr)
	expectStatus(t, r, http.StatusOK)
	if g := r.array(t); len(g) != 1 || g[0]["client_id"] != h.srv.AdminClientID() {
		t.Errorf("grants for %s/api/v2/ = %v", alt, g)
	}
	// A grant created through one host serves tokens through another.
	cid, csecret := h.newGrantedClient(h.base, h.tok, h.mgmtAudience(h.base), []string{"read:clients"})
	body = jsonOf(credentials(cid, csecret, alt+"/api/v2/", ""))
	expectTokenOK(t, h.postToken(h.base, "application/json", body, http.Header{"Host": {host}}), []string{"read:clients"}, 86400)

	// Tokens are bound to their base URL.
	expectInvalidToken(t, h.call(h.base, tr.AccessToken, http.MethodGet, "/api/v2/clients", nil), "")
	expectInvalidToken(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil, hostHdr), "")
}

func TestPublicURL(t *testing.T) {
	t.Parallel()
	const pub = "https://idp.example:8443"
	h := newHarness(t, func(o *server.Options) { o.PublicURL = pub })
	r := h.call(h.base, "", http.MethodGet, "/.well-known/openid-configuration", nil)
	cfg := r.object(t)
	if cfg["issuer"] != pub+"/" || cfg["token_endpoint"] != pub+"/oauth/token" || cfg["jwks_uri"] != pub+"/.well-known/jwks.json" {
		t.Errorf("openid-configuration under PublicURL: %v", cfg)
	}
	_, payload := tokenParts(t, h.tok)
	if !strings.Contains(string(payload), `"aud":"`+pub+`/api/v2/"`) || !strings.Contains(string(payload), `"iss":"`+pub+`/"`) {
		t.Errorf("admin token payload under PublicURL: %s", payload)
	}
	r = h.call(h.base, h.tok, http.MethodGet, "/api/v2/resource-servers", nil)
	expectStatus(t, r, http.StatusOK)
	if sys := findBy(r.array(t), "is_system", true); sys == nil || sys["identifier"] != pub+"/api/v2/" {
		t.Errorf("system API under PublicURL = %v", sys)
	}
	// The Host header no longer matters.
	r = h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil, http.Header{"Host": {"elsewhere.test"}})
	expectStatus(t, r, http.StatusOK)
}

// ---- clients ----------------------------------------------------------------------------

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
	if c["name"] != "Backend" || c["tenant"] != "root" || c["global"] != false || c["is_first_party"] != true ||
		c["token_endpoint_auth_method"] != "client_secret_post" || jsonString(t, c["grant_types"]) != `["client_credentials"]` {
		t.Errorf("client defaults: %v", c)
	}
	for _, never := range []string{"description", "app_type"} {
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

func TestClientSecretVisibility(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "Secretive"})
	id := strField(t, c, "client_id")
	path := "/api/v2/clients/" + id
	aud := h.mgmtAudience(h.base)
	narrow := h.mintToken(h.base, h.srv.AdminClientID(), h.srv.AdminClientSecret(), aud, "read:clients update:clients create:clients")

	r := h.call(h.base, narrow, http.MethodGet, path, nil)
	expectStatus(t, r, http.StatusOK)
	if v, ok := r.object(t)["client_secret"]; ok {
		t.Errorf("GET without read:client_keys shows client_secret %v", v)
	}
	r = h.call(h.base, narrow, http.MethodGet, "/api/v2/clients", nil)
	expectStatus(t, r, http.StatusOK)
	for _, m := range r.array(t) {
		if v, ok := m["client_secret"]; ok {
			t.Errorf("list without read:client_keys shows client_secret %v", v)
		}
	}
	r = h.call(h.base, narrow, http.MethodPatch, path, map[string]any{"description": "d"})
	expectStatus(t, r, http.StatusOK)
	if v, ok := r.object(t)["client_secret"]; ok {
		t.Errorf("PATCH without read:client_keys shows client_secret %v", v)
	}
	// POST always returns the secret: it is the only chance to see it.
	r = h.call(h.base, narrow, http.MethodPost, "/api/v2/clients", map[string]any{"name": "n"})
	expectStatus(t, r, http.StatusCreated)
	if s, _ := r.object(t)["client_secret"].(string); !reClientSecret.MatchString(s) {
		t.Errorf("POST without read:client_keys: client_secret = %q", s)
	}
	// With read:client_keys, list and GET show it.
	for _, m := range h.mustList(h.base, h.tok, "/api/v2/clients") {
		if s, _ := m["client_secret"].(string); s == "" {
			t.Errorf("list with read:client_keys hides the secret of %v", m["client_id"])
		}
	}
	if h.mustGet(h.base, h.tok, path)["client_secret"] != c["client_secret"] {
		t.Errorf("GET with read:client_keys: wrong secret")
	}
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

	// rotate-secret needs update:clients; read:client_keys does not reveal it without that scope.
	ro := h.mintToken(h.base, h.srv.AdminClientID(), h.srv.AdminClientSecret(), aud, "read:clients read:client_keys")
	expectAPIError(t, h.call(h.base, ro, http.MethodPost, "/api/v2/clients/"+id+"/rotate-secret", nil), http.StatusForbidden, "insufficient_scope")
	upd := h.mintToken(h.base, h.srv.AdminClientID(), h.srv.AdminClientSecret(), aud, "update:clients")
	r = h.call(h.base, upd, http.MethodPost, "/api/v2/clients/"+id+"/rotate-secret", nil)
	expectStatus(t, r, http.StatusOK)
	if s := strField(t, r.object(t), "client_secret"); s == newSecret {
		t.Errorf("second rotation kept the secret")
	}
}

// ---- client grants ----------------------------------------------------------------------

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
		{"missing scope", "POST", "/api/v2/client-grants", map[string]any{"client_id": cid2, "audience": aud}, 400, "invalid_body"},
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

// ---- lists ------------------------------------------------------------------------------

func TestPagination(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	want := []string{h.srv.AdminClientID()}
	for i := 0; i < 5; i++ {
		c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": fmt.Sprintf("page-%d", i)})
		want = append(want, strField(t, c, "client_id"))
	}
	ids := func(list []map[string]any) []string {
		var out []string
		for _, m := range list {
			out = append(out, m["client_id"].(string))
		}
		return out
	}
	if got := ids(h.mustList(h.base, h.tok, "/api/v2/clients")); !slices.Equal(got, want) {
		t.Errorf("full list = %v, want creation order %v", got, want)
	}
	var paged []string
	for page := 0; page < 3; page++ {
		got := ids(h.mustList(h.base, h.tok, fmt.Sprintf("/api/v2/clients?per_page=2&page=%d", page)))
		if len(got) != 2 {
			t.Errorf("page %d has %d items", page, len(got))
		}
		paged = append(paged, got...)
	}
	if !slices.Equal(paged, want) {
		t.Errorf("pages = %v, want %v", paged, want)
	}
	if got := h.mustList(h.base, h.tok, "/api/v2/clients?per_page=2&page=3"); len(got) != 0 {
		t.Errorf("page past the end = %v, want []", got)
	}
	if got := ids(h.mustList(h.base, h.tok, "/api/v2/clients?per_page=4&page=1")); !slices.Equal(got, want[4:]) {
		t.Errorf("last partial page = %v", got)
	}
	if got := ids(h.mustList(h.base, h.tok, "/api/v2/clients?include_totals=false&per_page=100")); !slices.Equal(got, want) {
		t.Errorf("include_totals=false = %v", got)
	}
	// An empty list is [] rather than null.
	r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients?per_page=50&page=9", nil)
	if strings.TrimSpace(string(r.Body)) != "[]" {
		t.Errorf("empty page body = %s, want []", r.Body)
	}

	type totals struct {
		Total int `json:"total"`
		Start int `json:"start"`
		Limit int `json:"limit"`
	}
	check := func(path, key string, wantTotal, wantStart, wantLimit, wantLen int) {
		t.Helper()
		r := h.call(h.base, h.tok, http.MethodGet, path, nil)
		expectStatus(t, r, http.StatusOK)
		var tt totals
		r.decode(t, &tt)
		m := r.object(t)
		items, ok := m[key].([]any)
		if !ok || tt.Total != wantTotal || tt.Start != wantStart || tt.Limit != wantLimit || len(items) != wantLen {
			t.Errorf("GET %s = %s; want total %d start %d limit %d and %d %s", path, r.Body, wantTotal, wantStart, wantLimit, wantLen, key)
		}
	}
	check("/api/v2/clients?include_totals=true", "clients", 6, 0, 50, 6)
	check("/api/v2/clients?include_totals=true&per_page=2&page=1", "clients", 6, 2, 2, 2)
	check("/api/v2/clients?include_totals=true&per_page=4&page=1", "clients", 6, 4, 4, 2)
	check("/api/v2/clients?include_totals=true&per_page=4&page=7", "clients", 6, 28, 4, 0)
	r = h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients?include_totals=true&per_page=2&page=1", nil)
	var env struct {
		Clients []map[string]any `json:"clients"`
	}
	r.decode(t, &env)
	if got := ids(env.Clients); !slices.Equal(got, want[2:4]) {
		t.Errorf("include_totals page 1 = %v, want %v", got, want[2:4])
	}

	for i := 0; i < 3; i++ {
		h.newAPI(h.base, h.tok, map[string]any{})
	}
	check("/api/v2/resource-servers?include_totals=true&per_page=3", "resource_servers", 4, 0, 3, 3)
	check("/api/v2/client-grants?include_totals=true", "client_grants", 1, 0, 50, 1)
	tenants := h.mustList(h.base, h.tok, "/api/v2/tenants")
	check("/api/v2/tenants?include_totals=true&per_page=100", "tenants", len(tenants), 0, 100, len(tenants))
}

func TestInvalidQueryString(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, list := range []string{"/api/v2/clients", "/api/v2/resource-servers", "/api/v2/client-grants", "/api/v2/tenants"} {
		for _, q := range []string{"per_page=101", "per_page=0", "per_page=-1", "per_page=abc", "per_page=1.5",
			"page=-1", "page=abc", "include_totals=maybe", "include_totals=yes"} {
			r := h.call(h.base, h.tok, http.MethodGet, list+"?"+q, nil)
			expectAPIError(t, r, http.StatusBadRequest, "invalid_query_string")
		}
		for _, q := range []string{"per_page=100", "per_page=1", "page=0", "include_totals=true", "include_totals=false"} {
			expectStatus(t, h.call(h.base, h.tok, http.MethodGet, list+"?"+q, nil), http.StatusOK)
		}
	}
}

// ---- authorization and routing ----------------------------------------------------------

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
		{"GET", "/api/v2/clients", "read:clients"},
		{"GET", "/api/v2/clients/x", "read:clients"},
		{"PATCH", "/api/v2/clients/x", "update:clients"},
		{"DELETE", "/api/v2/clients/x", "delete:clients"},
		{"POST", "/api/v2/clients/x/rotate-secret", "update:clients"},
		{"POST", "/api/v2/client-grants", "create:client_grants"},
		{"GET", "/api/v2/client-grants", "read:client_grants"},
		{"GET", "/api/v2/client-grants/x", "read:client_grants"},
		{"PATCH", "/api/v2/client-grants/x", "update:client_grants"},
		{"DELETE", "/api/v2/client-grants/x", "delete:client_grants"},
		{"POST", "/api/v2/tenants", "create:tenants"},
		{"GET", "/api/v2/tenants", "read:tenants"},
		{"GET", "/api/v2/tenants/x", "read:tenants"},
		{"PATCH", "/api/v2/tenants/x", "update:tenants"},
		{"DELETE", "/api/v2/tenants/x", "delete:tenants"},
		{"GET", "/api/v2/tenants/settings", "read:tenant_settings"},
		{"PATCH", "/api/v2/tenants/settings", "update:tenant_settings"},
	}
	// A token with every scope but the one needed (and, for reads, but read:client_keys,
	// which some services accept for reading clients).
	all := managementScopes(true)
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			t.Parallel()
			h := h.with(t)
			var others []string
			for _, s := range all {
				if s != rt.scope && s != "read:client_keys" {
					others = append(others, s)
				}
			}
			without := h.mintToken(h.base, id, secret, aud, scopeString(others))
			var body any
			if rt.method == "POST" || rt.method == "PATCH" {
				body = map[string]any{}
			}
			e := expectAPIError(t, h.call(h.base, without, rt.method, rt.path, body), http.StatusForbidden, "insufficient_scope")
			if !strings.HasPrefix(e.Message, "Insufficient scope, expected any of: ") || !strings.Contains(e.Message, rt.scope) {
				t.Errorf("message = %q, want it to name %s", e.Message, rt.scope)
			}
			with := h.mintToken(h.base, id, secret, aud, rt.scope)
			if r := h.call(h.base, with, rt.method, rt.path, body); r.Status == http.StatusForbidden || r.Status == http.StatusUnauthorized {
				t.Errorf("with exactly %s: got %s", rt.scope, r)
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

// ---- concurrency ------------------------------------------------------------------------

func TestConcurrentCreateRead(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	api := h.newAPI(h.base, h.tok, map[string]any{"scopes": []map[string]any{{"value": "s:1"}}})
	aud := strField(t, api, "identifier")
	const workers, iters = 8, 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	kept := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < iters; i++ {
				step := func(method, path string, body any, want int) map[string]any {
					r, err := h.send(method, h.base+path, bearer(h.tok), body)
					if err != nil {
						t.Errorf("%s %s: %v", method, path, err)
						return nil
					}
					if r.Status != want {
						t.Errorf("%s %s: want %d, got %s", method, path, want, r)
						return nil
					}
					var m map[string]any
					if len(r.Body) > 0 && r.Body[0] == '{' {
						_ = jsonUnmarshal(r.Body, &m)
					}
					return m
				}
				c := step("POST", "/api/v2/clients", map[string]any{"name": fmt.Sprintf("w%d-%d", w, i)}, 201)
				if c == nil {
					return
				}
				cid, _ := c["client_id"].(string)
				step("GET", "/api/v2/clients/"+cid, nil, 200)
				step("PATCH", "/api/v2/clients/"+cid, map[string]any{"description": "d"}, 200)
				g := step("POST", "/api/v2/client-grants", map[string]any{"client_id": cid, "audience": aud, "scope": []string{"s:1"}}, 201)
				step("GET", "/api/v2/client-grants?client_id="+cid, nil, 200)
				step("GET", "/api/v2/clients?per_page=10&page=1", nil, 200)
				if i%2 == 0 {
					step("DELETE", "/api/v2/clients/"+cid, nil, 204)
					if g != nil {
						step("GET", "/api/v2/client-grants/"+g["id"].(string), nil, 404)
					}
				} else {
					mu.Lock()
					kept++
					mu.Unlock()
				}
				_ = h.srv.Counts()
			}
		}(w)
	}
	wg.Wait()
	r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients?include_totals=true&per_page=1", nil)
	expectStatus(t, r, http.StatusOK)
	if total := numField(t, r.object(t), "total"); int(total) != 1+kept {
		t.Errorf("total clients = %v, want %d", total, 1+kept)
	}
	r = h.call(h.base, h.tok, http.MethodGet, "/api/v2/client-grants?include_totals=true&per_page=1&audience="+url.QueryEscape(aud), nil)
	if total := numField(t, r.object(t), "total"); int(total) != kept {
		t.Errorf("total grants = %v, want %d", total, kept)
	}
}
