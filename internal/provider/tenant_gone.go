package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// tenantGoner is clientHolder's goneTenant (provider_data.go).
type tenantGoner interface{ goneTenant() string }

// goneTenant returns the domain of r's tenant when Configure found it
// deleted, or when err is a 404 inexistent_tenant and the tenant proves
// deleted (a root's 404 for a tenant object it lacks does not).
func goneTenant(ctx context.Context, r any, c *mgmt.Client, err error) string {
	if g, ok := r.(tenantGoner); ok && g.goneTenant() != "" {
		return g.goneTenant()
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
func droppedWithTenant(ctx context.Context, r any, kind string, private privateData, diags *diag.Diagnostics, deleting bool) bool {
	domain := goneTenant(ctx, r, nil, nil)
	if domain == "" {
		domain = recordedTenantGone(ctx, r, private)
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

// configUnknowner is clientHolder's (provider_data.go).
type configUnknowner interface {
	configUnknown() bool
	tenantGoneAt(ctx context.Context, domain string) bool
}

// recordedTenantGone returns the domain recorded for the object when the
// provider's configuration is unknown and that tenant proves deleted.
func recordedTenantGone(ctx context.Context, r any, private privateData) string {
	u, ok := r.(configUnknowner)
	if !ok || !u.configUnknown() {
		return ""
	}
	raw, diags := private.GetKey(ctx, tenantDomainKey)
	var domain string
	if diags.HasError() || len(raw) == 0 || json.Unmarshal(raw, &domain) != nil || domain == "" {
		return ""
	}
	if u.tenantGoneAt(ctx, domain) {
		return domain
	}
	return ""
}
