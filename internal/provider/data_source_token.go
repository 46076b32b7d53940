package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

var _ datasource.DataSourceWithConfigure = &tokenDataSource{}

// tokenDataSource is the idp_token data source. Its token and arguments are
// stored in the state (marked sensitive); prefer the ephemeral resource of
// the same name where the token only feeds another provider or resource
// argument. It takes no private key, which the ephemeral resource does: a
// data source's arguments are state, and a key is never to be at rest.
type tokenDataSource struct {
	clientHolder
}

// NewTokenDataSource returns the idp_token data source.
func NewTokenDataSource() datasource.DataSource {
	return &tokenDataSource{}
}

func (d *tokenDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

// Schema has the ephemeral resource's attributes but the private key and its
// algorithm.
func (d *tokenDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Requests an OAuth 2.0 client-credentials access token for an API, optionally narrowed " +
			"to some of the scopes the client was granted (a \"limited scope\" token to hand to a service that may do one " +
			"thing). The request goes to the provider's domain (or `domain`) with the provider's client credentials (or " +
			"`client_id` with `client_secret`). The token, and `client_secret`, are kept in the state, marked sensitive; " +
			"the `idp_token` ephemeral resource keeps them out of plan and state altogether, and is the one that " +
			"takes a `client_assertion_private_key` for a client using Private Key JWT (the data source uses the " +
			"provider's key, if it has one, but takes none of its own: its arguments are stored in the state).",
		Attributes: map[string]schema.Attribute{
			"audience": schema.StringAttribute{
				Description: "The identifier of the API the token is for.",
				Required:    true,
				Validators:  []validator.String{validators.APIIdentifier()},
			},
			"organization": schema.StringAttribute{
				Description: tokenOrganizationDescription,
				Optional:    true,
				Validators:  tokenOrganizationValidators(),
			},
			"scope": schema.SetAttribute{
				Description: "The scopes to ask for; every one must be granted to the client. Unset asks for every " +
					"granted scope. After the request: the scopes the token carries.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Validators:  tokenScopeValidators(),
			},
			"client_id": schema.StringAttribute{
				Description: tokenDataClientIDDescription,
				Optional:    true,
				Validators:  tokenClientIDValidators("client_secret"),
			},
			"client_secret": schema.StringAttribute{
				Description: tokenDataSecretDescription,
				Optional:    true,
				Sensitive:   true,
				Validators:  tokenSecretValidators(),
			},
			"domain": schema.StringAttribute{
				Description: "The domain of the tenant to ask, `host[:port]` or a URL. Defaults to the provider's domain.",
				Optional:    true,
				Validators:  []validator.String{validators.Domain()},
			},
			"access_token": schema.StringAttribute{
				Description: "The access token (a JWT).",
				Computed:    true,
				Sensitive:   true,
			},
			"token_type": schema.StringAttribute{
				Description: "The token type, `Bearer`.",
				Computed:    true,
			},
			"expires_in": schema.Int64Attribute{
				Description: "Seconds the token was valid for when it was issued.",
				Computed:    true,
			},
			"expires_at": schema.StringAttribute{
				Description: "When the token expires, in RFC 3339 form.",
				Computed:    true,
			},
		},
	}
}

func (d *tokenDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *tokenDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m tokenDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	full := m.request()
	if requestToken(ctx, &d.clientHolder, full, &resp.Diagnostics) {
		m.fromRequest(full)
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
}

// tokenDataModel is tokenModel without the private key and its algorithm.
type tokenDataModel struct {
	Audience     types.String `tfsdk:"audience"`
	Scope        types.Set    `tfsdk:"scope"`
	Organization types.String `tfsdk:"organization"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	Domain       types.String `tfsdk:"domain"`
	AccessToken  types.String `tfsdk:"access_token"`
	TokenType    types.String `tfsdk:"token_type"`
	ExpiresIn    types.Int64  `tfsdk:"expires_in"`
	ExpiresAt    types.String `tfsdk:"expires_at"`
}

// request is the shared model of the request, with no private key.
func (m *tokenDataModel) request() *tokenModel {
	return &tokenModel{
		Audience: m.Audience, Scope: m.Scope, Organization: m.Organization, ClientID: m.ClientID,
		ClientSecret: m.ClientSecret, AssertionKey: types.StringNull(), AssertionAlg: types.StringNull(),
		Domain: m.Domain, AccessToken: m.AccessToken, TokenType: m.TokenType, ExpiresIn: m.ExpiresIn,
		ExpiresAt: m.ExpiresAt,
	}
}

// fromRequest takes what the request set: the token and its scopes.
func (m *tokenDataModel) fromRequest(r *tokenModel) {
	m.Scope, m.AccessToken, m.TokenType, m.ExpiresIn, m.ExpiresAt = r.Scope, r.AccessToken, r.TokenType, r.ExpiresIn, r.ExpiresAt
}
