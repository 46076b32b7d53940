package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// providerData is what Configure hands to every resource, data source and
// ephemeral resource: the client, or the names of the unknown arguments.
type providerData struct {
	client  *mgmt.Client
	unknown []string
	// allowInsecureHTTP applies to idp_token's own domain too.
	allowInsecureHTTP bool
	// goneDomain is set when Configure confirmed that the provider's
	// tenant was deleted: reads and deletes drop its objects from state.
	goneDomain string
	// probed caches, by domain, whether a tenant recorded in private state
	// proved deleted while the configuration is unknown.
	probed map[string]bool

	// claimed holds the natural keys of the objects this configuration
	// created or is creating. Two resources declaring one key would
	// otherwise both end up managing one object: the second create meets
	// 409, and a create whose first answer was lost adopts what it finds.
	mu      sync.Mutex
	claimed map[string]bool
	// apiScopes holds, by tenant and identifier, the scope values each
	// API read or written in this run defines (nil: no such API), so that
	// a grant's read can leave out the values its API no longer defines.
	apiScopes map[string][]string
}

// noteAPI records the scopes rs, an API of c's tenant, defines.
func (h *clientHolder) noteAPI(c *mgmt.Client, rs *mgmt.ResourceServer) {
	if rs == nil || rs.Identifier == nil {
		return
	}
	h.storeScopes(c, *rs.Identifier, scopeValues(rs))
}

func scopeValues(rs *mgmt.ResourceServer) []string {
	values := []string{}
	for _, sc := range valueOr(rs.Scopes, nil) {
		values = append(values, sc.Value)
	}
	return values
}

// storeScopes records what the API with identifier defines; nil says
// there is no such API.
func (h *clientHolder) storeScopes(c *mgmt.Client, identifier string, values []string) {
	if h.data == nil {
		return
	}
	h.data.mu.Lock()
	defer h.data.mu.Unlock()
	if h.data.apiScopes == nil {
		h.data.apiScopes = map[string][]string{}
	}
	h.data.apiScopes[c.BaseURL()+" "+identifier] = values
}

// definedScopes returns the scope values of the API with identifier,
// reading it when this run has not; ok is false when that is unknown.
func (h *clientHolder) definedScopes(ctx context.Context, c *mgmt.Client, identifier string) (scopes []string, ok bool) {
	if h.data == nil {
		return nil, false
	}
	h.data.mu.Lock()
	scopes, ok = h.data.apiScopes[c.BaseURL()+" "+identifier]
	h.data.mu.Unlock()
	if ok {
		return scopes, scopes != nil
	}
	rs, err := c.GetResourceServer(ctx, identifier)
	switch {
	case mgmt.IsNotFound(err):
		h.storeScopes(c, identifier, nil)
		return nil, false
	case err != nil:
		return nil, false
	}
	scopes = scopeValues(rs)
	h.storeScopes(c, identifier, scopes)
	return scopes, true
}

// claim records key and reports whether no other resource holds it.
func (h *clientHolder) claim(key string) bool {
	if h.data == nil {
		return true
	}
	h.data.mu.Lock()
	defer h.data.mu.Unlock()
	if h.data.claimed[key] {
		return false
	}
	if h.data.claimed == nil {
		h.data.claimed = map[string]bool{}
	}
	h.data.claimed[key] = true
	return true
}

func (h *clientHolder) release(key string) {
	if h.data == nil {
		return
	}
	h.data.mu.Lock()
	defer h.data.mu.Unlock()
	delete(h.data.claimed, key)
}

// clientHolder is embedded by every resource, data source, ephemeral and
// list resource.
type clientHolder struct {
	data *providerData
}

// holder is how the shared CRUD (crud.go) reaches the provider data of a
// resource: every resource embeds a clientHolder.
func (h *clientHolder) holder() *clientHolder { return h }

// configure accepts nil: Terraform validates before it configures.
func (h *clientHolder) configure(raw any, diags *diag.Diagnostics) {
	if raw == nil {
		return
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data Type",
			fmt.Sprintf("Expected *provider.providerData, got %T. Please report this issue to the provider developers.", raw))
		return
	}
	h.data = data
}

// goneTenant returns the domain of the provider's tenant when Configure
// found it deleted.
func (h *clientHolder) goneTenant() string {
	if h.data == nil {
		return ""
	}
	return h.data.goneDomain
}

// configUnknown reports whether the provider's configuration is not known yet.
func (h *clientHolder) configUnknown() bool {
	return h.data != nil && h.data.client == nil && len(h.data.unknown) > 0
}

// tenantGoneAt asks mgmt.TenantGoneAt once per domain and run.
func (h *clientHolder) tenantGoneAt(ctx context.Context, domain string) bool {
	if h.data == nil {
		return false
	}
	h.data.mu.Lock()
	gone, ok := h.data.probed[domain]
	h.data.mu.Unlock()
	if ok {
		return gone
	}
	gone, err := mgmt.TenantGoneAt(ctx, domain)
	if err != nil {
		return false
	}
	h.data.mu.Lock()
	defer h.data.mu.Unlock()
	if h.data.probed == nil {
		h.data.probed = map[string]bool{}
	}
	h.data.probed[domain] = gone
	return gone
}

func (h *clientHolder) client(diags *diag.Diagnostics) *mgmt.Client {
	switch {
	case h.data == nil:
		diags.AddError("Provider Not Configured",
			"The idp provider was used before it was configured. Please report this issue to the provider developers.")
		return nil
	case h.data.client == nil:
		names := append([]string(nil), h.data.unknown...)
		sort.Strings(names)
		diags.AddError("Provider Configuration Unknown",
			fmt.Sprintf("The idp provider configuration has values that are not known yet (%s), so it cannot call the "+
				"Management API at this point. This happens when a provider is configured from attributes of resources "+
				"that do not exist yet, or are to be replaced, and the provider is needed for existing objects. To "+
				"apply, apply the resources the configuration depends on first (for example with -target), then the "+
				"rest. To destroy, destroy the objects that use this provider first (terraform destroy -target), then "+
				"the rest; if those objects are gone already (e.g. with a tenant deleted outside Terraform), remove them "+
				"from the state instead (terraform state rm ADDRESS).", strings.Join(names, ", ")))
		return nil
	case h.data.goneDomain != "":
		tenantGoneError(diags, h.data.goneDomain)
		return nil
	}
	return h.data.client
}

func tenantGoneError(diags *diag.Diagnostics, domain string) {
	diags.AddError("Tenant No Longer Exists", fmt.Sprintf("The tenant %s no longer exists (it was deleted outside "+
		"Terraform: it answers 404 inexistent_tenant and its OpenID configuration is gone), so nothing can be "+
		"created, changed or read in it. Re-create it (apply its idp_tenant) first.", domain))
}

// tenantGoneWarning says that an object of a deleted tenant was dropped
// from state, by a read or by a delete that had nothing to delete.
func tenantGoneWarning(diags *diag.Diagnostics, domain, kind string, deleting bool) {
	what := "this %s was dropped from the state. To have it again, re-create the tenant (apply its idp_tenant), " +
		"then apply the objects in it."
	if deleting {
		what = "there was no %s left to delete, and it was removed from the state."
	}
	diags.AddWarning("Tenant No Longer Exists", fmt.Sprintf("The tenant %s no longer exists (it was deleted outside "+
		"Terraform), and its objects with it: "+what, domain, strings.ToLower(kind)))
}

// tflogLogger tells the client which levels tflog would drop anyway, so
// that the client does not build those lines.
type tflogLogger struct {
	least mgmt.Level
	off   bool
}

func newTFLogLogger() tflogLogger {
	least, ok := providerLogLevel()
	return tflogLogger{least: least, off: !ok}
}

func (l tflogLogger) Enabled(_ context.Context, level mgmt.Level) bool {
	return !l.off && level >= l.least
}

func (tflogLogger) Log(ctx context.Context, level mgmt.Level, msg string, fields map[string]any) {
	switch level {
	case mgmt.LevelTrace:
		tflog.Trace(ctx, msg, fields)
	case mgmt.LevelDebug:
		tflog.Debug(ctx, msg, fields)
	case mgmt.LevelInfo:
		tflog.Info(ctx, msg, fields)
	case mgmt.LevelWarn:
		tflog.Warn(ctx, msg, fields)
	default:
		tflog.Error(ctx, msg, fields)
	}
}
