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

// What the list resources of 'terraform query' share (DESIGN.md, "Listing
// and identity").

var includeSystemAttribute = schema.BoolAttribute{
	Description: "Whether to list system objects too: the tenant's Management API, the client the provider " +
		"authenticates with and that client's grants. Defaults to `false`, so that configuration generated from " +
		"the results does not try to manage what the tenant or the provider itself depends on. Listed, their " +
		"display name ends in ` (system)`.",
	Optional: true,
}

// listHolder is what every list resource embeds.
type listHolder struct {
	clientHolder
}

func (h *listHolder) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	h.configure(req.ProviderData, &resp.Diagnostics)
}

type found[A any] struct {
	obj     A
	display string
	system  bool
}

// listKind is what a list resource supplies to streamResults; scrub clears
// the secrets, which generated configuration would hold in plain text.
type listKind[M apiModel[A], A any] struct {
	newModel func() M
	identity func(M) any
	scrub    func(M)
}

// streamResults is called after every page is read, so that an error
// listing is the stream's one result instead of cutting it short.
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

func listError(kind string, err error, c *mgmt.Client) diag.Diagnostics {
	var diags diag.Diagnostics
	addAPIError(&diags, fmt.Sprintf("Unable to List %ss", kind), err, errorContext{client: c})
	return diags
}

// systemClients is the client the provider authenticates with: a plan
// managing it, or its grants, could destroy the credentials it runs on.
func systemClients(c *mgmt.Client) map[string]bool {
	ids := map[string]bool{}
	if id := c.ClientID(); id != "" {
		ids[id] = true
	}
	return ids
}
