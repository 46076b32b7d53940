package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var _ list.ListResourceWithConfigure = &tenantList{}

// tenantList is the idp_tenant list resource of terraform query.
type tenantList struct{ listHolder }

// NewTenantList returns the idp_tenant list resource.
func NewTenantList() list.ListResource { return &tenantList{} }

func (l *tenantList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tenant"
}

func (l *tenantList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Finds the tenants hosted by the root tenant (a provider configured for the root tenant " +
			"only). `management_client_id` and `management_client_secret` are null in every result: the " +
			"server shows them only when a tenant is created.",
		Attributes: map[string]schema.Attribute{},
	}
}

func (l *tenantList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags = req.Config.Get(ctx, &struct{}{})
	c := l.client(&diags)
	var objs []found[*mgmt.Tenant]
	if !diags.HasError() {
		all, err := c.ListTenants(ctx)
		if err != nil {
			diags.Append(listError("Tenant", err, c)...)
		}
		for _, t := range all {
			objs = append(objs, found[*mgmt.Tenant]{obj: t, display: valueOr(t.Name, "")})
		}
	}
	r := &tenantResource{}
	streamResults(ctx, req, stream, listKind[*tenantModel, *mgmt.Tenant]{
		newModel: func() *tenantModel { return &tenantModel{} },
		identity: r.identity,
		scrub: func(m *tenantModel) {
			m.ManagementClientID, m.ManagementClientSecret = types.StringNull(), types.StringNull()
		},
	}, objs, false, diags)
}
