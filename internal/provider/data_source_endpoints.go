package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

var _ datasource.DataSourceWithConfigure = &endpointsDataSource{}

// endpointsDataSource is the idp_endpoints data source: a tenant's URLs
// (base URL, Management API audience, token endpoint, issuer, JWKS),
// computed without a request, so that no configuration builds them from
// strings.
type endpointsDataSource struct {
	clientHolder
}

// NewEndpointsDataSource returns the idp_endpoints data source.
func NewEndpointsDataSource() datasource.DataSource {
	return &endpointsDataSource{}
}

type endpointsModel struct {
	Domain                 types.String `tfsdk:"domain"`
	BaseURL                types.String `tfsdk:"base_url"`
	ManagementAPIAudience  types.String `tfsdk:"management_api_audience"`
	TokenURL               types.String `tfsdk:"token_url"`
	Issuer                 types.String `tfsdk:"issuer"`
	JWKSURI                types.String `tfsdk:"jwks_uri"`
	OpenIDConfigurationURL types.String `tfsdk:"openid_configuration_url"`
}

func (d *endpointsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_endpoints"
}

func (d *endpointsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The URLs of a tenant: its base URL, its Management API's audience, its token endpoint, the " +
			"issuer of its tokens and where its signing keys are published. They are computed from the provider's " +
			"domain, or from `domain` for another tenant (such as a new `idp_tenant`'s), the way the provider " +
			"computes them for itself, so `host[:port]` domains work; reading them sends no request.",
		Attributes: map[string]schema.Attribute{
			"domain": schema.StringAttribute{
				Description: "The tenant's domain, `host[:port]` (HTTPS is assumed) or a URL, e.g. " +
					"`idp_tenant.customer.domain`. Defaults to the provider's domain, which then needs to be known; " +
					"unset, it is set to the provider's domain in URL form.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{validators.Domain()},
			},
			"base_url": schema.StringAttribute{
				Description: "The tenant's base URL, without a trailing slash, e.g. `https://login.example.com` or " +
					"`http://127.0.0.1:8080/tenants/customer-1`.",
				Computed: true,
			},
			"management_api_audience": schema.StringAttribute{
				Description: "The identifier of the tenant's Management API, the audience of management tokens: " +
					"`<base_url>/api/v2/`. For the provider's own tenant it is the provider's `audience` when that is " +
					"set. Use it as the `audience` of an `idp_client_grant` that grants Management API scopes.",
				Computed: true,
			},
			"token_url": schema.StringAttribute{
				Description: "The tenant's OAuth 2.0 token endpoint, `<base_url>/oauth/token`.",
				Computed:    true,
			},
			"issuer": schema.StringAttribute{
				Description: "The `iss` claim of the tenant's access tokens, `<base_url>/`.",
				Computed:    true,
			},
			"jwks_uri": schema.StringAttribute{
				Description: "Where the tenant publishes the keys its tokens are signed with, " +
					"`<base_url>/.well-known/jwks.json`.",
				Computed: true,
			},
			"openid_configuration_url": schema.StringAttribute{
				Description: "The tenant's discovery document, `<base_url>/.well-known/openid-configuration`.",
				Computed:    true,
			},
		},
	}
}

func (d *endpointsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

// Read needs no client when domain is set, so that it works for a tenant
// whose provider is configured from values not known yet.
func (d *endpointsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m endpointsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var e mgmt.Endpoints
	if m.Domain.IsNull() {
		client := d.client(&resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		e = client.Endpoints()
		m.Domain = types.StringValue(e.BaseURL)
	} else {
		var err error
		if e, err = mgmt.EndpointsFor(m.Domain.ValueString()); err != nil {
			// Unreachable: validators.Domain refused it at plan.
			resp.Diagnostics.AddAttributeError(path.Root("domain"), "Invalid Domain",
				"The domain is not usable: "+err.Error()+". Use host[:port] or a URL such as \"http://127.0.0.1:8080\".")
			return
		}
	}
	m.BaseURL = types.StringValue(e.BaseURL)
	m.ManagementAPIAudience = types.StringValue(e.ManagementAudience)
	m.TokenURL = types.StringValue(e.TokenURL)
	m.Issuer = types.StringValue(e.Issuer)
	m.JWKSURI = types.StringValue(e.JWKSURI)
	m.OpenIDConfigurationURL = types.StringValue(e.OpenIDConfigurationURL)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
