package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestEnumsRefusedBySpec sends, for every enum the server's property tables once checked
// themselves, a value outside it: the schema check of Auth0's spec (readBody) refuses each
// with the same 400 and words, which is why the tables no longer carry enums.
func TestEnumsRefusedBySpec(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	api := h.newAPI(h.base, h.tok, map[string]any{})
	cid := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "enums"}), "client_id")
	grant := h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": cid, "audience": api["identifier"], "scope": []string{}})
	const bad = "nope"
	client := func(k string, v any) (string, string, map[string]any) {
		return http.MethodPost, "/api/v2/clients", map[string]any{"name": "enums", k: v}
	}
	rs := func(k string, v any) (string, string, map[string]any) {
		return http.MethodPost, "/api/v2/resource-servers", map[string]any{"identifier": "https://" + unique("enum") + ".example/", k: v}
	}
	settings := func(k string, v any) (string, string, map[string]any) {
		return http.MethodPatch, "/api/v2/tenants/settings", map[string]any{k: v}
	}
	options := func(k string, v any) (string, string, map[string]any) {
		return http.MethodPost, "/api/v2/connections", map[string]any{"name": unique("enum-"), "strategy": "auth0", "options": map[string]any{k: v}}
	}
	cases := map[string]func() (string, string, map[string]any){
		"grant organization_usage": func() (string, string, map[string]any) {
			return http.MethodPost, "/api/v2/client-grants", map[string]any{"client_id": cid, "audience": h.mgmtAudience(h.base), "organization_usage": bad}
		},
		"grant PATCH organization_usage": func() (string, string, map[string]any) {
			return http.MethodPatch, "/api/v2/client-grants/" + strField(t, grant, "id"), map[string]any{"organization_usage": bad}
		},
		"jwt_configuration.alg": func() (string, string, map[string]any) {
			return client("jwt_configuration", map[string]any{"alg": bad})
		},
		"refresh_token.rotation_type": func() (string, string, map[string]any) {
			return client("refresh_token", map[string]any{"rotation_type": bad, "expiration_type": "expiring"})
		},
		"refresh_token.expiration_type": func() (string, string, map[string]any) {
			return client("refresh_token", map[string]any{"rotation_type": "rotating", "expiration_type": bad})
		},
		"organization_usage":            func() (string, string, map[string]any) { return client("organization_usage", bad) },
		"organization_require_behavior": func() (string, string, map[string]any) { return client("organization_require_behavior", bad) },
		"compliance_level":              func() (string, string, map[string]any) { return client("compliance_level", bad) },
		"third_party_security_mode":     func() (string, string, map[string]any) { return client("third_party_security_mode", bad) },
		"redirection_policy":            func() (string, string, map[string]any) { return client("redirection_policy", bad) },
		"my_organization_configuration.strategies": func() (string, string, map[string]any) {
			return client("my_organization_configuration", map[string]any{"allowed_strategies": []string{bad}, "connection_deletion_behavior": "allow"})
		},
		"my_organization_configuration.deletion": func() (string, string, map[string]any) {
			return client("my_organization_configuration", map[string]any{"allowed_strategies": []string{"okta"}, "connection_deletion_behavior": bad})
		},
		"token_dialect":  func() (string, string, map[string]any) { return rs("token_dialect", bad) },
		"consent_policy": func() (string, string, map[string]any) { return rs("consent_policy", bad) },
		"proof_of_possession.mechanism": func() (string, string, map[string]any) {
			return rs("proof_of_possession", map[string]any{"mechanism": bad, "required": true})
		},
		"proof_of_possession.required_for": func() (string, string, map[string]any) {
			return rs("proof_of_possession", map[string]any{"mechanism": "dpop", "required": true, "required_for": bad})
		},
		"subject_type_authorization.user": func() (string, string, map[string]any) {
			return rs("subject_type_authorization", map[string]any{"user": map[string]any{"policy": bad}})
		},
		"subject_type_authorization.client": func() (string, string, map[string]any) {
			return rs("subject_type_authorization", map[string]any{"client": map[string]any{"policy": bad}})
		},
		"device_flow.charset": func() (string, string, map[string]any) {
			return settings("device_flow", map[string]any{"charset": bad})
		},
		"session_cookie.mode": func() (string, string, map[string]any) {
			return settings("session_cookie", map[string]any{"mode": bad})
		},
		"resource_parameter_profile": func() (string, string, map[string]any) { return settings("resource_parameter_profile", bad) },
		"dynamic_client_registration_security_mode": func() (string, string, map[string]any) {
			return settings("dynamic_client_registration_security_mode", bad)
		},
		"options.passwordPolicy":           func() (string, string, map[string]any) { return options("passwordPolicy", bad) },
		"options.set_user_root_attributes": func() (string, string, map[string]any) { return options("set_user_root_attributes", bad) },
		"options.precedence": func() (string, string, map[string]any) {
			return options("precedence", []string{"email", "username", bad})
		},
	}
	for name, c := range cases {
		method, path, body := c()
		e := expectAPIError(t, h.call(h.base, h.tok, method, path, body), http.StatusBadRequest, "invalid_body")
		if !strings.HasPrefix(e.Message, "Payload validation error: 'No enum match for: ") || !strings.Contains(e.Message, bad) {
			t.Errorf("%s: message %q", name, e.Message)
		}
	}
}

// TestBoundsRefusedBySpec does the same for the integer bounds the tables once checked
// that are the spec's own: one past each is refused by the schema check alone.
func TestBoundsRefusedBySpec(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cases := map[string]struct {
		method, path string
		body         map[string]any
	}{
		"par_request_expiry": {http.MethodPost, "/api/v2/clients", map[string]any{"name": "b", "par_request_expiry": 601}},
		"refresh_token.token_lifetime": {http.MethodPost, "/api/v2/clients", map[string]any{"name": "b",
			"refresh_token": map[string]any{"rotation_type": "rotating", "expiration_type": "expiring", "token_lifetime": 157788001}}},
		"options.password_history.size": {http.MethodPost, "/api/v2/connections", map[string]any{"name": unique("b-"), "strategy": "auth0",
			"options": map[string]any{"password_history": map[string]any{"enable": true, "size": 25}}}},
		"options.password_complexity_options.min_length": {http.MethodPost, "/api/v2/connections", map[string]any{"name": unique("b-"), "strategy": "auth0",
			"options": map[string]any{"password_complexity_options": map[string]any{"min_length": 0}}}},
		"token_quota per_day": {http.MethodPost, "/api/v2/organizations", map[string]any{"name": "bounds",
			"token_quota": map[string]any{"client_credentials": map[string]any{"per_day": 0}}}},
		"token_quota per_hour": {http.MethodPost, "/api/v2/organizations", map[string]any{"name": "bounds",
			"token_quota": map[string]any{"client_credentials": map[string]any{"per_hour": 2147483648}}}},
	}
	for name, c := range cases {
		e := expectAPIError(t, h.call(h.base, h.tok, c.method, c.path, c.body), http.StatusBadRequest, "invalid_body")
		if !strings.HasPrefix(e.Message, "Payload validation error: '") {
			t.Errorf("%s: message %q", name, e.Message)
		}
	}
}
