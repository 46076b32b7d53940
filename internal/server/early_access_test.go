package server_test

import (
	"net/http"
	"testing"
)

// The spec's early-access properties idp-server once refused as unknown: a database connection
// refuses cross_app_access_requesting_app as Auth0 does (its answer is recorded in the official
// provider's test data), an oidc connection takes and returns it, and the tenant settings store
// include_session_metadata_in_tenant_logs.
func TestEarlyAccessProperties(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	xaa := map[string]any{"active": true}
	e := expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/connections",
		map[string]any{"name": unique("xaa-"), "strategy": "auth0", "cross_app_access_requesting_app": xaa}), http.StatusBadRequest, "operation_not_supported")
	if e.Message != "Cross App Access Requesting App is not supported for this connection." {
		t.Errorf("database connection: message %q", e.Message)
	}
	db := h.mustCreate(h.base, h.tok, "/api/v2/connections", map[string]any{"name": unique("xaa-"), "strategy": "auth0"})
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/connections/"+db["id"].(string),
		map[string]any{"cross_app_access_requesting_app": map[string]any{"active": false}}), http.StatusBadRequest, "operation_not_supported")

	oidc := h.mustCreate(h.base, h.tok, "/api/v2/connections", map[string]any{"name": unique("xaa-"), "strategy": "oidc", "cross_app_access_requesting_app": xaa})
	if got, _ := oidc["cross_app_access_requesting_app"].(map[string]any); got["active"] != true {
		t.Errorf("oidc connection created with %v", oidc["cross_app_access_requesting_app"])
	}
	path := "/api/v2/connections/" + oidc["id"].(string)
	r := h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{"cross_app_access_requesting_app": map[string]any{"active": false}})
	expectStatus(t, r, http.StatusOK)
	if got, _ := h.mustGet(h.base, h.tok, path)["cross_app_access_requesting_app"].(map[string]any); got["active"] != false {
		t.Errorf("oidc connection after PATCH: %v", got)
	}

	r = h.call(h.base, h.tok, http.MethodPatch, "/api/v2/tenants/settings", map[string]any{"include_session_metadata_in_tenant_logs": true})
	expectStatus(t, r, http.StatusOK)
	if got := h.mustGet(h.base, h.tok, "/api/v2/tenants/settings")["include_session_metadata_in_tenant_logs"]; got != true {
		t.Errorf("tenant settings: include_session_metadata_in_tenant_logs = %v", got)
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/tenants/settings", map[string]any{"include_session_metadata_in_tenant_logs": "yes"}),
		http.StatusBadRequest, "invalid_body")
}
