package server_test

// Tests of GET and PATCH /api/v2/tenants/settings (tenant_settings.go).

import (
	"net/http"
	"strings"
	"testing"
)

func TestTenantSettingsRaw(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := h.mustGet(h.base, h.tok, "/api/v2/tenants/settings")
	if len(got) != 0 {
		t.Errorf("fresh settings: %v", got)
	}
	r := h.call(h.base, h.tok, http.MethodPatch, "/api/v2/tenants/settings", map[string]any{
		"friendly_name": "Acme", "session_lifetime_in_minutes": 90, "flags": map[string]any{"enable_sso": true},
	})
	expectStatus(t, r, http.StatusOK)
	p := r.object(t)
	if p["friendly_name"] != "Acme" || p["session_lifetime"] != 1.5 || jsonString(t, p["flags"]) != `{"enable_sso":true}` {
		t.Errorf("PATCH response: %v", p)
	}
	if _, ok := p["session_lifetime_in_minutes"]; ok {
		t.Errorf("minutes form echoed: %v", p)
	}
	for _, body := range []any{
		map[string]any{"session_lifetime": 2, "session_lifetime_in_minutes": 120},
		map[string]any{"session_lifetime_in_minutes": 0},
		map[string]any{"session_lifetime": "1"},
		map[string]any{"flags": map[string]any{"enable_sso": "yes"}},
		map[string]any{"friendly_name": nil},
		map[string]any{"name": "acme"},
		map[string]any{"sandbox_versions_available": []string{"18"}},
		`[]`,
	} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/tenants/settings", body), http.StatusBadRequest, "invalid_body")
	}
	expectStatus(t, h.call(h.base, h.tok, http.MethodPut, "/api/v2/tenants/settings", nil), http.StatusMethodNotAllowed)

	// Every tenant has its own, and its management client may use them.
	te := h.newTenant(unique("settings-"))
	if got := h.mustGet(te.base, te.tok, "/api/v2/tenants/settings"); len(got) != 0 {
		t.Errorf("a new tenant's settings: %v", got)
	}
	expectStatus(t, h.call(te.base, te.tok, http.MethodPatch, "/api/v2/tenants/settings", map[string]any{"friendly_name": "Tenant"}), http.StatusOK)
	if got := h.mustGet(h.base, h.tok, "/api/v2/tenants/settings"); got["friendly_name"] != "Acme" {
		t.Errorf("root settings after a tenant's PATCH: %v", got)
	}
	// Another tenant's token is refused.
	expectStatus(t, h.call(te.base, h.tok, http.MethodGet, "/api/v2/tenants/settings", nil), http.StatusUnauthorized)
	// "settings" is no tenant name.
	e := expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/tenants", map[string]any{"name": "settings"}), http.StatusBadRequest, "invalid_body")
	if !strings.Contains(e.Message, "reserved") {
		t.Errorf("reserved name message = %q", e.Message)
	}
	// Deleting a tenant takes its settings with it.
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/tenants/"+te.name, nil), http.StatusNoContent)
	te2 := h.newTenant(te.name)
	if got := h.mustGet(te2.base, te2.tok, "/api/v2/tenants/settings"); len(got) != 0 {
		t.Errorf("a recreated tenant inherited settings: %v", got)
	}
}
