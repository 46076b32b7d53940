package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var _ list.ListResourceWithConfigure = &organizationList{}

// organizationList is the idp_organization list resource of terraform query.
type organizationList struct{ listHolder }

// NewOrganizationList returns the idp_organization list resource.
func NewOrganizationList() list.ListResource { return &organizationList{} }

func (l *organizationList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization"
}

func (l *organizationList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Finds the tenant's organizations, every page of them.",
		Attributes:  map[string]schema.Attribute{},
	}
}

func (l *organizationList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags = req.Config.Get(ctx, &struct{}{})
	c := l.client(&diags)
	var objs []found[*mgmt.Organization]
	if !diags.HasError() {
		all, err := c.ListOrganizations(ctx)
		if err != nil {
			diags.Append(listError("Organization", err, c)...)
		}
		for _, o := range all {
			objs = append(objs, found[*mgmt.Organization]{obj: o, display: valueOr(o.Name, "")})
		}
	}
	r := &organizationResource{}
	streamResults(ctx, req, stream, listKind[*organizationModel, *mgmt.Organization]{
		newModel: func() *organizationModel { return &organizationModel{} },
		identity: r.identity,
		scrub:    func(*organizationModel) {},
	}, objs, false, diags)
}
