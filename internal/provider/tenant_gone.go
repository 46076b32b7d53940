package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// goneTenant returns the domain of h's tenant when Configure found it
// deleted, or when err is a 404 inexistent_tenant and the tenant proves
// deleted (a root's 404 for a tenant object it lacks does not).
func goneTenant(ctx context.Context, h *clientHolder, c *mgmt.Client, err error) string {
	if domain := h.goneTenant(); domain != "" {
		return domain
	}
	if c == nil || !mgmt.IsInexistentTenant(err) {
		return ""
	}
	if gone, _ := c.TenantGone(ctx); gone {
		return c.BaseURL()
	}
	return ""
}

// droppedWithTenant reports whether the object's tenant is known deleted
// before any call (Configure found it so, or the configuration is unknown
// and the tenant recorded for the object proves deleted), and says so:
// the object is gone with it, so a read drops it and a delete has nothing
// to do.
func droppedWithTenant(ctx context.Context, h *clientHolder, kind string, private privateData, diags *diag.Diagnostics, deleting bool) bool {
	domain := goneTenant(ctx, h, nil, nil)
	if domain == "" {
		domain = recordedTenantGone(ctx, h, private)
	}
	if domain != "" {
		tenantGoneWarning(diags, domain, kind, deleting)
	}
	return domain != ""
}

// tenantDomainKey keeps, in private state, the domain of the tenant an
// object is in: with the provider's configuration unknown (its idp_tenant
// deleted and planned anew), that is what tells whether the tenant is gone.
const tenantDomainKey = "tenant_domain"

func rememberTenant(ctx context.Context, c *mgmt.Client, private privateData) diag.Diagnostics {
	raw, err := json.Marshal(c.BaseURL())
	if err != nil {
		return nil
	}
	return private.SetKey(ctx, tenantDomainKey, raw)
}

// recordedTenantGone returns the domain recorded for the object when the
// provider's configuration is unknown and that tenant proves deleted.
func recordedTenantGone(ctx context.Context, h *clientHolder, private privateData) string {
	if !h.configUnknown() {
		return ""
	}
	raw, diags := private.GetKey(ctx, tenantDomainKey)
	var domain string
	if diags.HasError() || len(raw) == 0 || json.Unmarshal(raw, &domain) != nil || domain == "" {
		return ""
	}
	if h.tenantGoneAt(ctx, domain) {
		return domain
	}
	return ""
}
