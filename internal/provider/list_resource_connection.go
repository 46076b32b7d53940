package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var _ list.ListResourceWithConfigure = &connectionList{}

// connectionList is the idp_connection list resource of terraform query.
type connectionList struct{ listHolder }

// NewConnectionList returns the idp_connection list resource.
func NewConnectionList() list.ListResource { return &connectionList{} }

type connectionListConfig struct {
	Name types.String `tfsdk:"name"`
}

func (l *connectionList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection"
}

func (l *connectionList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Finds the tenant's database connections (strategy `auth0`), the ones `idp_connection` " +
			"manages; connections of other strategies are not listed.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Description: "Only the connection with this name.",
				Optional:    true,
			},
		},
	}
}

func (l *connectionList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg connectionListConfig
	diags := req.Config.Get(ctx, &cfg)
	c := l.client(&diags)
	var objs []found[*mgmt.Connection]
	if !diags.HasError() {
		all, err := c.ListConnections(ctx, mgmt.ConnectionFilter{
			Strategy: []string{mgmt.StrategyDatabase}, Name: cfg.Name.ValueString()})
		if err != nil {
			diags.Append(listError("Connection", err, c)...)
		}
		for _, cn := range all {
			objs = append(objs, found[*mgmt.Connection]{obj: cn, display: valueOr(cn.Name, "")})
		}
	}
	r := &connectionResource{}
	streamResults(ctx, req, stream, listKind[*connectionModel, *mgmt.Connection]{
		newModel: func() *connectionModel { return &connectionModel{} },
		identity: r.identity,
		scrub:    func(*connectionModel) {},
	}, objs, false, diags)
}
