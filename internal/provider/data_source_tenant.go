package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var _ datasource.DataSourceWithConfigure = &tenantDataSource{}

// tenantDataSource is the idp_tenant data source: one tenant hosted by the
// root tenant, looked up by name.
type tenantDataSource struct {
	clientHolder
}

// NewTenantDataSource returns the idp_tenant data source.
func NewTenantDataSource() datasource.DataSource {
	return &tenantDataSource{}
}

type tenantDataModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	DisplayName types.String `tfsdk:"display_name"`
	Owners      types.Set    `tfsdk:"owners"`
	Metadata    types.Map    `tfsdk:"metadata"`
	Domain      types.String `tfsdk:"domain"`
}

func (d *tenantDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tenant"
}

func (d *tenantDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Looks up an existing tenant by its `name`, through the root tenant's Management API (the " +
			"provider must be configured for the root tenant, with the `read:tenants` scope). The tenant's " +
			"Management API credentials are not returned: the server reveals them only when the tenant is created.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Description: "The tenant's name: 3 to 63 lowercase letters, digits and hyphens, starting and ending " +
					"with a letter or digit.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(tenantNameRegexp,
						"must be 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"),
				},
			},
			"id": schema.StringAttribute{
				Description: "The tenant's ID (`ten_…`).",
				Computed:    true,
			},
			"display_name": schema.StringAttribute{
				Description: "The tenant's human-friendly name; null when it has none.",
				Computed:    true,
			},
			"owners": computedStrings("E-mail addresses of the tenant's owners."),
			"metadata": schema.MapAttribute{
				Description: "The tenant's free-form string metadata.",
				ElementType: types.StringType,
				Computed:    true,
			},
			"domain": schema.StringAttribute{
				Description: "The tenant's domain in URL form; use it as the `domain` of a provider that manages the " +
					"tenant, or of `idp_endpoints` to get the tenant's URLs.",
				Computed: true,
			},
		},
	}
}

func (d *tenantDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *tenantDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config tenantDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := config.Name.ValueString()
	t, ok := lookup[*mgmt.Tenant]{
		kind:  "Tenant",
		what:  fmt.Sprintf("name %q", name),
		check: "name",
		get: func(ctx context.Context, c *mgmt.Client) (*mgmt.Tenant, error) {
			return c.GetTenant(ctx, name)
		},
		notFound: notRootTenant,
	}.run(ctx, &d.clientHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	var m tenantModel
	resp.Diagnostics.Append(m.fromAPI(ctx, t)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, tenantDataModel{
		ID:          m.ID,
		Name:        m.Name,
		DisplayName: m.DisplayName,
		Owners:      m.Owners,
		Metadata:    m.Metadata,
		Domain:      m.Domain,
	})...)
}

// notRootTenant explains a plain 404 (not_found, not inexistent_tenant):
// only the root tenant serves the tenants API.
func notRootTenant(c *mgmt.Client, err error) string {
	var apiErr *mgmt.Error
	if !errors.As(err, &apiErr) || apiErr.Code != "not_found" {
		return ""
	}
	return fmt.Sprintf("%s has no tenants API: only the root tenant hosts tenants, and the provider is configured "+
		"for another one. Look tenants up with a provider whose domain is the root tenant's (for idp-server, the "+
		"URL without /tenants/<name>).", c.BaseURL())
}
