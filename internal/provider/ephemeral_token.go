package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

var _ ephemeral.EphemeralResourceWithConfigure = &tokenEphemeralResource{}

// tokenEphemeralResource is the idp_token ephemeral resource: the same
// request as the data source, but the token never enters plan or state.
type tokenEphemeralResource struct {
	clientHolder
}

// NewTokenEphemeralResource returns the idp_token ephemeral resource.
func NewTokenEphemeralResource() ephemeral.EphemeralResource {
	return &tokenEphemeralResource{}
}

func (e *tokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

// Schema has the data source's attributes, and client_assertion_private_key
// and client_assertion_signing_alg, which the data source would store in
// the state.
func (e *tokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Requests an OAuth 2.0 client-credentials access token for an API, optionally narrowed " +
			"to some of the scopes the client was granted (a \"limited scope\" token to hand to a service that may do one " +
			"thing). The request goes to the provider's domain (or `domain`) with the provider's client credentials (or " +
			"`client_id` with `client_secret` or `client_assertion_private_key`). As an ephemeral resource, the token is requested anew in every run and " +
			"never written to plan or state: use it for provider configuration and write-only arguments.",
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
				Validators:  tokenClientIDValidators("client_secret", "client_assertion_private_key"),
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

func (e *tokenEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.configure(req.ProviderData, &resp.Diagnostics)
}

func (e *tokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m tokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if !resp.Diagnostics.HasError() && requestToken(ctx, &e.clientHolder, &m, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
	}
}
