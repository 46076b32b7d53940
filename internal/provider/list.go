package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// List resources (Terraform 1.14 and later): a 'list' block in a
// .tfquery.hcl file finds the objects of one resource type on the server,
// and 'terraform query -generate-config-out=FILE' writes a resource and an
// import block for each. Each list resource here pages through its
// Management API list endpoint with the filters the endpoint has (or, where
// it has none, filters what it returned), and gives for every object its
// identity (identity.go), a display name and, with include_resource, the
// whole object through the resource's own fromAPI, the one mapping per
// kind. Two rules keep a generated configuration safe to apply:
//
//   - No secret is listed: client_secret, signing_secret and a tenant's
//     management client credentials are null in every result, so none is
//     written into generated configuration (where it would sit in plain
//     text) nor shown by 'terraform query'. An imported object's secret
//     comes into state with the Read after the import, as before.
//   - System objects are left out unless include_system = true: the
//     tenant's Management API (is_system), the client the provider itself
//     authenticates with, and that client's grants. Terraform cannot manage
//     the first; managing the others would let a plan change or destroy the
//     credentials it runs on. Listed with include_system, their display
//     name ends in " (system)".

// includeSystemAttribute is every list resource's include_system argument.
var includeSystemAttribute = schema.BoolAttribute{
	Description: "Whether to list system objects too: the tenant's Management API, the client the provider " +
		"authenticates with and that client's grants. Defaults to `false`, so that configuration generated from " +
		"the results does not try to manage what the tenant or the provider itself depends on. Listed, their " +
		"display name ends in ` (system)`.",
	Optional: true,
}

// listHolder is what every list resource embeds: the provider's client.
type listHolder struct {
	clientHolder
}

// Configure takes the provider's shared client.
func (h *listHolder) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	h.configure(req.ProviderData, &resp.Diagnostics)
}

// found is one object a list resource found, before it becomes a result.
type found[A any] struct {
	obj     A
	display string
	system  bool
}

// listKind is what a list resource supplies to streamResults: how to make
// an empty model, and which of the model's attributes to clear (secrets).
type listKind[M apiModel[A], A any] struct {
	newModel func() M
	identity func(M) any
	scrub    func(M)
}

// streamResults turns the objects found into list results: system ones
// dropped unless wanted, at most req.Limit of them, each with its identity,
// display name and, when asked for, the whole object with its secrets
// cleared. A List reads every page before it calls it, so that an error
// listing becomes the stream's one result instead of cutting it short.
func streamResults[M apiModel[A], A any](ctx context.Context, req list.ListRequest, stream *list.ListResultsStream,
	k listKind[M, A], objs []found[A], includeSystem bool, diags diag.Diagnostics) {
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		if len(diags) > 0 && !push(list.ListResult{Diagnostics: diags}) {
			return // warnings, e.g. objects left out
		}
		var n int64
		for _, f := range objs {
			if f.system && !includeSystem {
				continue
			}
			if req.Limit > 0 && n >= req.Limit {
				return
			}
			n++
			result := req.NewListResult(ctx)
			result.DisplayName = f.display
			if f.system {
				result.DisplayName += " (system)"
			}
			m := k.newModel()
			result.Diagnostics.Append(nullModel(ctx, req, m)...)
			if !result.Diagnostics.HasError() {
				result.Diagnostics.Append(m.fromAPI(ctx, f.obj)...)
			}
			k.scrub(m)
			if !result.Diagnostics.HasError() {
				result.Diagnostics.Append(setIdentityValue(ctx, result.Identity, k.identity(m))...)
			}
			if req.IncludeResource && !result.Diagnostics.HasError() {
				result.Diagnostics.Append(setResource(ctx, result.Resource, m)...)
			}
			if !push(result) {
				return
			}
		}
	}
}

// nullModel sets m to the resource's model with every attribute null, and
// typed as the schema says (a zero model has sets without element types),
// for fromAPI to fill in.
func nullModel(ctx context.Context, req list.ListRequest, m any) diag.Diagnostics {
	raw := nullObject(ctx, req.ResourceSchema)
	if !raw.Type().Is(tftypes.Object{}) {
		var diags diag.Diagnostics
		diags.AddError("Unexpected Resource Schema", "The resource schema is not an object. Please report this issue to the provider developers.")
		return diags
	}
	r := tfsdk.Resource{Schema: req.ResourceSchema, Raw: raw}
	return getThrough(ctx, r.Schema, r.Raw, r.Get, m)
}

// listError is the diagnostics of a list call that failed.
func listError(kind string, err error, c *mgmt.Client) diag.Diagnostics {
	var diags diag.Diagnostics
	addAPIError(&diags, fmt.Sprintf("Unable to List %ss", kind), err, errorContext{client: c})
	return diags
}

// systemClients are the client IDs a list treats as system objects: the
// client the provider authenticates with (none with an api_token).
func systemClients(c *mgmt.Client) map[string]bool {
	ids := map[string]bool{}
	if id := c.ClientID(); id != "" {
		ids[id] = true
	}
	return ids
}
