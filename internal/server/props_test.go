package server_test

// Raw-HTTP tests of the properties the server only stores (props.go),
// fields/include_fields and checkpoint pagination: the edges the SDK tests
// (goauth0_compat_test.go) do not reach.

import (
	"net/http"
	"strings"
	"testing"
)

func TestStoredOnlyProperties(t *testing.T) {
	t.Parallel()
	h := newHarness(t)

	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{
		"name":              "spa",
		"app_type":          "spa",
		"callbacks":         []string{"https://app.example.com/cb"},
		"jwt_configuration": map[string]any{"alg": "RS256", "lifetime_in_seconds": 300},
		"encryption_key":    map[string]any{"pub": "-----BEGIN PUBLIC KEY-----"},
		"compliance_level":  "none",
	})
	path := "/api/v2/clients/" + strField(t, c, "client_id")
	if jsonString(t, c["callbacks"]) != `["https://app.example.com/cb"]` || jsonString(t, c["jwt_configuration"]) != `{"alg":"RS256","lifetime_in_seconds":300}` {
		t.Errorf("create response: %v", c)
	}
	for _, never := range []string{"web_origins", "allowed_origins", "extra", "sso"} {
		if _, ok := c[never]; ok {
			t.Errorf("%s present though never set: %v", never, c)
		}
	}
	// null removes a property the real service lets one clear, and is a
	// type error for the others.
	r := h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{"encryption_key": nil, "compliance_level": nil})
	expectStatus(t, r, http.StatusOK)
	if p := r.object(t); p["encryption_key"] != nil || p["compliance_level"] != nil || p["callbacks"] == nil {
		t.Errorf("after clearing: %v", p)
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{"callbacks": nil}), http.StatusBadRequest, "invalid_body")

	bad := []map[string]any{
		{"callbacks": "https://app.example.com/cb"},
		{"callbacks": []any{1}},
		{"oidc_conformant": "yes"},
		{"jwt_configuration": map[string]any{"alg": "none"}},
		{"jwt_configuration": map[string]any{"lifetime_in_seconds": "300"}},
		{"jwt_configuration": map[string]any{"lifetime_in_seconds": 1.5}},
		{"jwt_configuration": map[string]any{"colour": "blue"}},
		{"jwt_configuration": []any{}},
		{"organization_usage": "sometimes"},
		{"refresh_token": map[string]any{"rotation_type": "spinning"}},
		{"client_metadata": map[string]any{"k": strings.Repeat("v", 256)}},
		{"client_metadata": map[string]any{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6", "g": "7", "h": "8", "i": "9", "j": "10", "k": "11"}},
		{"tenant": "other"},
		{"signing_keys": []any{}},
	}
	for _, body := range bad {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, path, body), http.StatusBadRequest, "invalid_body")
	}
	e := expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{"jwt_configuration": map[string]any{"colour": "blue"}}), http.StatusBadRequest, "invalid_body")
	if !strings.Contains(e.Message, "Additional properties not allowed: colour") {
		t.Errorf("nested unknown property message = %q", e.Message)
	}

	rs := h.newAPI(h.base, h.tok, map[string]any{"token_dialect": "rfc9068_profile", "consent_policy": "transactional-authorization-with-mfa"})
	rsPath := "/api/v2/resource-servers/" + strField(t, rs, "id")
	if rs["token_dialect"] != "rfc9068_profile" || rs["consent_policy"] != "transactional-authorization-with-mfa" {
		t.Errorf("resource server: %v", rs)
	}
	r = h.call(h.base, h.tok, http.MethodPatch, rsPath, map[string]any{"consent_policy": nil, "enforce_policies": true})
	expectStatus(t, r, http.StatusOK)
	if p := r.object(t); p["consent_policy"] != nil || p["enforce_policies"] != true || p["token_dialect"] != "rfc9068_profile" {
		t.Errorf("resource server after PATCH: %v", p)
	}
	for _, body := range []map[string]any{
		{"identifier": "https://other.example.com/"},
		{"token_dialect": "jwt"},
		{"is_system": true},
		{"client_id": "x"},
		{"proof_of_possession": map[string]any{"mechanism": "carrier-pigeon"}},
	} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, rsPath, body), http.StatusBadRequest, "invalid_body")
	}

	g := h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{
		"client_id": c["client_id"], "audience": rs["identifier"], "scope": []string{}, "subject_type": "client",
	})
	gPath := "/api/v2/client-grants/" + strField(t, g, "id")
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/client-grants", map[string]any{
		"client_id": c["client_id"], "audience": rs["identifier"], "scope": []string{}, "subject_type": "robot",
	}), http.StatusBadRequest, "invalid_body")
	for _, body := range []map[string]any{{"subject_type": "user"}, {"audience": "x"}, {"allow_all_scopes": "yes"}, {"organization_usage": "maybe"}} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, gPath, body), http.StatusBadRequest, "invalid_body")
	}
}

func TestFieldsAndCheckpointQuery(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := "/api/v2/clients/" + h.srv.AdminClientID()
	got := h.mustGet(h.base, h.tok, admin+"?fields=name,client_id&include_fields=true")
	if len(got) != 2 || got["name"] != "Root Admin" {
		t.Errorf("fields=name,client_id: %v", got)
	}
	// The SDKs' telemetry header is ignored, whatever it holds.
	expectStatus(t, h.call(h.base, h.tok, http.MethodGet, admin, nil, http.Header{"Auth0-Client": {"not base64 at all!"}}), http.StatusOK)
	got = h.mustGet(h.base, h.tok, admin+"?fields=client_secret&include_fields=false")
	if _, ok := got["client_secret"]; ok || got["name"] != "Root Admin" {
		t.Errorf("excluding client_secret: %v", got)
	}
	// include_fields alone, or fields naming nothing, select nothing.
	if got := h.mustGet(h.base, h.tok, admin+"?include_fields=true&fields="); got["name"] != "Root Admin" || got["client_secret"] == nil {
		t.Errorf("empty fields: %v", got)
	}
	for _, q := range []string{"?include_fields=yes&fields=name", "?take=0", "?take=101", "?take=x", "?from=-1", "?from=abc"} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients"+q, nil), http.StatusBadRequest, "invalid_query_string")
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, admin+"?include_fields=1&fields=name", nil), http.StatusBadRequest, "invalid_query_string")

	for i := 0; i < 2; i++ {
		h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": unique("cp ")})
	}
	r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients?take=2", nil)
	expectStatus(t, r, http.StatusOK)
	var page struct {
		Clients []map[string]any `json:"clients"`
		Next    string           `json:"next"`
	}
	r.decode(t, &page)
	if len(page.Clients) != 2 || page.Next == "" {
		t.Fatalf("first checkpoint page: %s", r)
	}
	r = h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients?take=2&from="+page.Next, nil)
	expectStatus(t, r, http.StatusOK)
	var last map[string]any
	r.decode(t, &last)
	if cl, _ := last["clients"].([]any); len(cl) != 1 {
		t.Errorf("last checkpoint page: %s", r)
	}
	if _, ok := last["next"]; ok {
		t.Errorf("last checkpoint page has a next: %s", r)
	}
	// The identifiers filter of resource servers, repeated.
	a := h.newAPI(h.base, h.tok, map[string]any{})
	b := h.newAPI(h.base, h.tok, map[string]any{})
	q := "?identifiers=" + strings.ReplaceAll(a["identifier"].(string), ":", "%3A") + "&identifiers=" + b["identifier"].(string)
	if list := h.mustList(h.base, h.tok, "/api/v2/resource-servers"+q); len(list) != 2 {
		t.Errorf("identifiers filter: %v", list)
	}
	if list := h.mustList(h.base, h.tok, "/api/v2/resource-servers?identifiers="+h.mgmtAudience(h.base)); len(list) != 1 || list[0]["is_system"] != true {
		t.Errorf("identifiers filter on the Management API: %v", list)
	}
}
