package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

var _ list.ListResourceWithConfigure = &clientGrantList{}

// clientGrantList is the idp_client_grant list resource of terraform query.
type clientGrantList struct{ listHolder }

// NewClientGrantList returns the idp_client_grant list resource.
func NewClientGrantList() list.ListResource { return &clientGrantList{} }

type clientGrantListConfig struct {
	ClientID      types.String `tfsdk:"client_id"`
	Audience      types.String `tfsdk:"audience"`
	IncludeSystem types.Bool   `tfsdk:"include_system"`
}

func (l *clientGrantList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_client_grant"
}

func (l *clientGrantList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Finds the tenant's client grants.",
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				Description: "Only the grants of this client.",
				Optional:    true,
				Validators:  []validator.String{validators.ClientID()},
			},
			"audience": schema.StringAttribute{
				Description: "Only the grants on this API (its identifier).",
				Optional:    true,
			},
			"include_system": includeSystemAttribute,
		},
	}
}

func (l *clientGrantList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg clientGrantListConfig
	diags := req.Config.Get(ctx, &cfg)
	c := l.client(&diags)
	var objs []found[*mgmt.ClientGrant]
	if !diags.HasError() {
		all, err := c.ListClientGrants(ctx, mgmt.ClientGrantFilter{
			ClientID: cfg.ClientID.ValueString(), Audience: cfg.Audience.ValueString()})
		if err != nil {
			diags.Append(listError("Client Grant", err, c)...)
		}
		system := systemClients(c)
		for _, g := range all {
			if g.ClientID == nil {
				continue // a default grant (default_for), which idp_client_grant does not manage
			}
			objs = append(objs, found[*mgmt.ClientGrant]{obj: g,
				display: fmt.Sprintf("%s on %s", valueOr(g.ClientID, ""), valueOr(g.Audience, "")),
				system:  system[valueOr(g.ClientID, "")]})
		}
	}
	r := &clientGrantResource{}
	streamResults(ctx, req, stream, listKind[*clientGrantModel, *mgmt.ClientGrant]{
		newModel: func() *clientGrantModel { return &clientGrantModel{} },
		identity: r.identity,
		scrub:    func(*clientGrantModel) {},
	}, objs, cfg.IncludeSystem.ValueBool(), diags)
}
