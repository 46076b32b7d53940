package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTenantLifecycle(t *testing.T) {
	f := newFixture(t, Options{})
	root := f.ts.URL

	r := f.do(http.MethodPost, root+"/api/v2/tenants", f.token, map[string]any{
		"name": "customer-1", "display_name": "Customer One", "owners": []string{"a@example.com"},
		"metadata": map[string]string{"company": "ACME"},
	})
	f.expect(r, http.StatusCreated, "")
	created := r.object(t)
	base := root + "/tenants/customer-1"
	if created["domain"] != base {
		t.Fatalf("domain = %v, want %s", created["domain"], base)
	}
	mc := created["management_client"].(map[string]any)
	tok := f.mint(base, mc["client_id"].(string), mc["client_secret"].(string), base+"/api/v2/")

	// The new tenant is managed with its own token, and isolated.
	f.expect(f.do(http.MethodGet, base+"/api/v2/clients", tok, nil), http.StatusOK, "")
	f.expect(f.do(http.MethodGet, base+"/api/v2/clients", f.token, nil), http.StatusUnauthorized, "invalid_token")
	f.expect(f.do(http.MethodGet, root+"/api/v2/clients", tok, nil), http.StatusUnauthorized, "invalid_token")
	f.expect(f.do(http.MethodGet, base+"/api/v2/tenants", tok, nil), http.StatusNotFound, "not_found")

	// Its Management API is listed, with the tenant's own identifier and
	// no tenants scopes.
	r = f.do(http.MethodGet, base+"/api/v2/resource-servers/"+url.PathEscape(base+"/api/v2/"), tok, nil)
	f.expect(r, http.StatusOK, "")
	if rs := r.object(t); rs["identifier"] != base+"/api/v2/" || rs["is_system"] != true {
		t.Fatalf("management API = %s", r.body)
	}
	if strings.Contains(string(r.body), ":tenants") {
		t.Fatalf("tenant Management API has tenants scopes: %s", r.body)
	}

	// By id and by name; duplicate name; PATCH; name is immutable.
	id := created["id"].(string)
	f.expect(f.do(http.MethodGet, root+"/api/v2/tenants/"+id, f.token, nil), http.StatusOK, "")
	f.expect(f.do(http.MethodGet, root+"/api/v2/tenants/customer-1", f.token, nil), http.StatusOK, "")
	f.expect(f.do(http.MethodPost, root+"/api/v2/tenants", f.token, map[string]any{"name": "customer-1"}), http.StatusConflict, "conflict")
	r = f.do(http.MethodPatch, root+"/api/v2/tenants/"+id, f.token, map[string]any{"display_name": "C1"})
	f.expect(r, http.StatusOK, "")
	if r.object(t)["display_name"] != "C1" || r.object(t)["management_client"] != nil {
		t.Fatalf("patched tenant = %s", r.body)
	}
	f.expect(f.do(http.MethodPatch, root+"/api/v2/tenants/"+id, f.token, map[string]any{"name": "x"}), http.StatusBadRequest, "invalid_body")
	f.expect(f.do(http.MethodPost, root+"/api/v2/tenants", f.token, map[string]any{"name": "Bad_Name"}), http.StatusBadRequest, "invalid_body")
	f.expect(f.do(http.MethodPost, root+"/api/v2/tenants", f.token, map[string]any{"name": "ok-name", "owners": []string{"Bob <b@x.io>"}}), http.StatusBadRequest, "invalid_body")

	r = f.do(http.MethodGet, root+"/api/v2/tenants?include_totals=true", f.token, nil)
	f.expect(r, http.StatusOK, "")
	if r.object(t)["total"] != float64(1) {
		t.Fatalf("tenant list = %s", r.body)
	}

	// Delete: everything in it goes, its token stops working, and the
	// name can be reused with fresh keys.
	f.expect(f.do(http.MethodDelete, root+"/api/v2/tenants/"+id, f.token, nil), http.StatusNoContent, "")
	f.expect(f.do(http.MethodDelete, root+"/api/v2/tenants/"+id, f.token, nil), http.StatusNoContent, "")
	f.expect(f.do(http.MethodGet, base+"/api/v2/clients", tok, nil), http.StatusNotFound, "inexistent_tenant")
	f.expect(f.do(http.MethodGet, root+"/api/v2/tenants/customer-1", f.token, nil), http.StatusNotFound, "inexistent_tenant")
	f.expect(f.do(http.MethodPost, root+"/api/v2/tenants", f.token, map[string]any{"name": "customer-1"}), http.StatusCreated, "")
	f.expect(f.do(http.MethodGet, base+"/api/v2/clients", tok, nil), http.StatusUnauthorized, "invalid_token")
}
