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

// tokenDataSource is the idp_token data source. Its token is stored in the
// state (marked sensitive); prefer the ephemeral resource of the same name
// where the token only feeds another provider or resource argument.
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

// Schema has the ephemeral resource's attributes; only the description of
// the whole differs.
func (d *tokenDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Requests an OAuth 2.0 client-credentials access token for an API, optionally narrowed " +
			"to some of the scopes the client was granted (a \"limited scope\" token to hand to a service that may do one " +
			"thing). The request goes to the provider's domain (or `domain`) with the provider's client credentials (or " +
			"`client_id` with `client_secret` or `client_assertion_private_key`). The token is kept in the state, marked sensitive; the `idp_token` " +
			"ephemeral resource keeps it out of plan and state altogether.",
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
				Description: tokenClientIDDescription,
				Optional:    true,
				Validators:  tokenClientIDValidators(),
			},
			"client_secret": schema.StringAttribute{
				Description: tokenSecretDescription,
				Optional:    true,
				Sensitive:   true,
				Validators:  tokenSecretValidators(),
			},
			"client_assertion_private_key": schema.StringAttribute{
				Description: tokenKeyDescription,
				Optional:    true,
				Sensitive:   true,
				Validators:  tokenAssertionKeyValidators(),
			},
			"client_assertion_signing_alg": schema.StringAttribute{
				Description: tokenAlgDescription,
				Optional:    true,
				Validators:  tokenAssertionAlgValidators(),
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
	if model := requestToken(ctx, &d.clientHolder, req.Config, &resp.Diagnostics); model != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
	}
}
