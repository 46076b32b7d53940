package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

var _ datasource.DataSourceWithConfigure = &resourceServerDataSource{}

// resourceServerDataSource is the idp_resource_server data source: one API
// looked up by its ID or its identifier.
type resourceServerDataSource struct {
	clientHolder
}

// NewResourceServerDataSource returns the idp_resource_server data source.
func NewResourceServerDataSource() datasource.DataSource {
	return &resourceServerDataSource{}
}

type resourceServerDataModel struct {
	ID                 types.String `tfsdk:"id"`
	Name               types.String `tfsdk:"name"`
	Identifier         types.String `tfsdk:"identifier"`
	Scopes             types.Set    `tfsdk:"scopes"`
	SigningAlg         types.String `tfsdk:"signing_alg"`
	SigningSecret      types.String `tfsdk:"signing_secret"`
	TokenLifetime      types.Int64  `tfsdk:"token_lifetime"`
	AllowOfflineAccess types.Bool   `tfsdk:"allow_offline_access"`
	SkipConsent        types.Bool   `tfsdk:"skip_consent_for_verifiable_first_party_clients"`
	TokenDialect       types.String `tfsdk:"token_dialect"`
	EnforcePolicies    types.Bool   `tfsdk:"enforce_policies"`
	IsSystem           types.Bool   `tfsdk:"is_system"`
}

func (d *resourceServerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_resource_server"
}

func (d *resourceServerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Looks up an existing API (resource server) by its `id` or its `identifier`, e.g. one " +
			"managed by another configuration, or the tenant's own Management API. Set exactly one of the two.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description: "The resource server's ID, 24 hexadecimal digits. Set this or `identifier`.",
				Optional:    true,
				Computed:    true,
				Validators: []validator.String{
					stringvalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("identifier")),
					stringvalidator.RegexMatches(resourceServerIDRegexp, "must be a resource server ID, 24 hexadecimal digits"),
				},
			},
			"identifier": schema.StringAttribute{
				Description: "The API's identifier (its audience), e.g. `https://api.example.com/`. Set this or `id`.",
				Optional:    true,
				Computed:    true,
				Validators:  []validator.String{validators.APIIdentifier()},
			},
			"name": schema.StringAttribute{
				Description: "The API's friendly name.",
				Computed:    true,
			},
			"scopes": schema.SetNestedAttribute{
				Description: "The permissions the API defines.",
				Computed:    true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"value": schema.StringAttribute{
							Description: "The scope's value, e.g. `read:reports`.",
							Computed:    true,
						},
						"description": schema.StringAttribute{
							Description: "What the scope allows; null when the API gives no description.",
							Computed:    true,
						},
					},
				},
			},
			"signing_alg": schema.StringAttribute{
				Description: "The algorithm access tokens for the API are signed with: `RS256`, `PS256` or `HS256`.",
				Computed:    true,
			},
			"signing_secret": schema.StringAttribute{
				Description: "The secret HS256 tokens for the API are signed with (sensitive); null when the server " +
					"does not return one.",
				Computed:  true,
				Sensitive: true,
			},
			"token_lifetime": schema.Int64Attribute{
				Description: "How long, in seconds, access tokens for the API are valid.",
				Computed:    true,
			},
			"allow_offline_access": schema.BoolAttribute{
				Description: "Whether refresh tokens can be issued for the API.",
				Computed:    true,
			},
			"skip_consent_for_verifiable_first_party_clients": schema.BoolAttribute{
				Description: "Whether first-party clients skip the consent prompt.",
				Computed:    true,
			},
			"token_dialect": schema.StringAttribute{
				Description: "The profile of the API's access tokens: `access_token`, `access_token_authz`, " +
					"`rfc9068_profile` or `rfc9068_profile_authz`.",
				Computed: true,
			},
			"enforce_policies": schema.BoolAttribute{
				Description: "Whether role-based access control decides the scopes of users' tokens for the API.",
				Computed:    true,
			},
			"is_system": schema.BoolAttribute{
				Description: "Whether the API is the tenant's own Management API, which Terraform can read and grant " +
					"access to but not change.",
				Computed: true,
			},
		},
	}
}

func (d *resourceServerDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *resourceServerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config resourceServerDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key, what, check := config.ID.ValueString(), fmt.Sprintf("ID %q", config.ID.ValueString()), "id"
	if !config.Identifier.IsNull() {
		key, what, check = config.Identifier.ValueString(), fmt.Sprintf("identifier %q", config.Identifier.ValueString()), "identifier"
	}
	rs, ok := lookup[*mgmt.ResourceServer]{
		kind:  "Resource Server",
		what:  what,
		check: check,
		get: func(ctx context.Context, c *mgmt.Client) (*mgmt.ResourceServer, error) {
			return c.GetResourceServer(ctx, key)
		},
	}.run(ctx, &d.clientHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	var m resourceServerModel
	resp.Diagnostics.Append(m.fromAPI(ctx, rs)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, resourceServerDataModel{
		ID:                 m.ID,
		Name:               m.Name,
		Identifier:         m.Identifier,
		Scopes:             m.Scopes,
		SigningAlg:         m.SigningAlg,
		SigningSecret:      m.SigningSecret,
		TokenLifetime:      types.Int64Value(m.TokenLifetime.ValueInt64()),
		AllowOfflineAccess: m.AllowOfflineAccess,
		SkipConsent:        m.SkipConsent,
		TokenDialect:       m.TokenDialect,
		EnforcePolicies:    m.EnforcePolicies,
		IsSystem:           types.BoolValue(valueOr(rs.IsSystem, false)),
	})...)
}
