package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var _ list.ListResourceWithConfigure = &resourceServerList{}

// resourceServerList is the idp_resource_server list resource of terraform query.
type resourceServerList struct{ listHolder }

// NewResourceServerList returns the idp_resource_server list resource.
func NewResourceServerList() list.ListResource { return &resourceServerList{} }

type resourceServerListConfig struct {
	Identifier    types.String `tfsdk:"identifier"`
	IncludeSystem types.Bool   `tfsdk:"include_system"`
}

func (l *resourceServerList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_resource_server"
}

func (l *resourceServerList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Finds the tenant's APIs (resource servers). `signing_secret` is null in every result.",
		Attributes: map[string]schema.Attribute{
			"identifier": schema.StringAttribute{
				Description: "Only the API with this identifier.",
				Optional:    true,
			},
			"include_system": includeSystemAttribute,
		},
	}
}

func (l *resourceServerList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg resourceServerListConfig
	diags := req.Config.Get(ctx, &cfg)
	c := l.client(&diags)
	var objs []found[*mgmt.ResourceServer]
	if !diags.HasError() {
		all, err := c.ListResourceServers(ctx)
		if err != nil {
			diags.Append(listError("Resource Server", err, c)...)
		}
		for _, rs := range all {
			if !cfg.Identifier.IsNull() && valueOr(rs.Identifier, "") != cfg.Identifier.ValueString() {
				continue
			}
			objs = append(objs, found[*mgmt.ResourceServer]{obj: rs,
				display: fmt.Sprintf("%s (%s)", valueOr(rs.Name, ""), valueOr(rs.Identifier, "")),
				system:  valueOr(rs.IsSystem, false)})
		}
	}
	r := &resourceServerResource{}
	streamResults(ctx, req, stream, listKind[*resourceServerModel, *mgmt.ResourceServer]{
		newModel: func() *resourceServerModel { return &resourceServerModel{} },
		identity: r.identity,
		scrub:    func(m *resourceServerModel) { m.SigningSecret = types.StringNull() },
	}, objs, cfg.IncludeSystem.ValueBool(), diags)
}
