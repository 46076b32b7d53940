package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var _ list.ListResourceWithConfigure = &defaultClientGrantList{}

// defaultClientGrantList is the idp_default_client_grant list resource of terraform query.
type defaultClientGrantList struct{ listHolder }

// NewDefaultClientGrantList returns the idp_default_client_grant list resource.
func NewDefaultClientGrantList() list.ListResource { return &defaultClientGrantList{} }

type defaultClientGrantListConfig struct {
	Audience types.String `tfsdk:"audience"`
}

func (l *defaultClientGrantList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_default_client_grant"
}

func (l *defaultClientGrantList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Finds the tenant's default grants of third-party clients, one per API at most.",
		Attributes: map[string]schema.Attribute{
			"audience": schema.StringAttribute{
				Description: "Only the default grant on this API (its identifier).",
				Optional:    true,
			},
		},
	}
}

func (l *defaultClientGrantList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg defaultClientGrantListConfig
	diags := req.Config.Get(ctx, &cfg)
	c := l.client(&diags)
	var objs []found[*mgmt.ClientGrant]
	if !diags.HasError() {
		var all []*mgmt.ClientGrant
		var err error
		if audience := cfg.Audience.ValueString(); audience != "" {
			var g *mgmt.ClientGrant
			if g, err = c.FindDefaultClientGrant(ctx, audience); g != nil {
				all = append(all, g)
			}
		} else {
			all, err = c.ListDefaultClientGrants(ctx)
		}
		if err != nil {
			diags.Append(listError("Default Client Grant", err, c)...)
		}
		for _, g := range all {
			objs = append(objs, found[*mgmt.ClientGrant]{obj: g, display: "third-party clients on " + valueOr(g.Audience, "")})
		}
	}
	r := &defaultClientGrantResource{}
	streamResults(ctx, req, stream, listKind[*defaultClientGrantModel, *mgmt.ClientGrant]{
		newModel: func() *defaultClientGrantModel { return &defaultClientGrantModel{} },
		identity: r.identity,
		scrub:    func(*defaultClientGrantModel) {},
	}, objs, false, diags)
}
