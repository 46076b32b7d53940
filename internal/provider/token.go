package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

// tokenModel is the model shared by the idp_token data source and
// ephemeral resource, which have the same schema.
type tokenModel struct {
	Audience     types.String `tfsdk:"audience"`
	Scope        types.Set    `tfsdk:"scope"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	Domain       types.String `tfsdk:"domain"`
	AccessToken  types.String `tfsdk:"access_token"`
	TokenType    types.String `tfsdk:"token_type"`
	ExpiresIn    types.Int64  `tfsdk:"expires_in"`
	ExpiresAt    types.String `tfsdk:"expires_at"`
}

// tokenAttribute describes one attribute of the idp_token schemas, so that
// the data source and the ephemeral resource say the same thing.
type tokenAttribute struct {
	description        string
	required, optional bool
	sensitive          bool
	stringValidators   []validator.String
	setValidators      []validator.Set
}

// tokenDescription is the idp_token schemas' description.
const tokenDescription = "Requests an OAuth 2.0 client-credentials access token for an API, optionally narrowed " +
	"to some of the scopes the client was granted (a \"limited scope\" token to hand to a service that may do one " +
	"thing). The request goes to the provider's domain (or `domain`) with the provider's client credentials (or " +
	"`client_id`/`client_secret`)."

// tokenAttributes returns the attributes of the idp_token schemas by name.
func tokenAttributes() map[string]tokenAttribute {
	return map[string]tokenAttribute{
		"audience": {
			description:      "The identifier of the API the token is for.",
			required:         true,
			stringValidators: []validator.String{validators.AbsoluteURI()},
		},
		"scope": {
			description: "The scopes to ask for; every one must be granted to the client. Unset asks for every " +
				"granted scope. After the request: the scopes the token carries.",
			optional: true,
			setValidators: []validator.Set{
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1),
					stringvalidator.RegexMatches(noSpaceRegexp, "must not contain white space")),
			},
		},
		"client_id": {
			description: "The client to authenticate as. Defaults to the provider's `client_id`. Goes with `client_secret`.",
			optional:    true,
			stringValidators: []validator.String{stringvalidator.LengthAtLeast(1),
				stringvalidator.AlsoRequires(path.MatchRoot("client_secret"))},
		},
		"client_secret": {
			description: "The secret of `client_id`. Defaults to the provider's `client_secret`.",
			optional:    true,
			sensitive:   true,
			stringValidators: []validator.String{stringvalidator.LengthAtLeast(1),
				stringvalidator.AlsoRequires(path.MatchRoot("client_id"))},
		},
		"domain": {
			description:      "The domain of the tenant to ask, `host[:port]` or a URL. Defaults to the provider's domain.",
			optional:         true,
			stringValidators: []validator.String{validators.Domain()},
		},
		"access_token": {description: "The access token (a JWT).", sensitive: true},
		"token_type":   {description: "The token type, `Bearer`."},
		"expires_in":   {description: "Seconds the token was valid for when it was issued."},
		"expires_at":   {description: "When the token expires, in RFC 3339 form."},
	}
}

// tokenSchemaAttributes builds the idp_token attributes with one schema
// package's constructors: a data source and an ephemeral resource have
// distinct attribute types but the same attributes. str gets whether the
// attribute is computed (every result is; scope is both an input and a
// result).
func tokenSchemaAttributes[A any](str func(a tokenAttribute, computed bool) A, scope, number func(a tokenAttribute) A) map[string]A {
	attrs := map[string]A{}
	for name, a := range tokenAttributes() {
		switch name {
		case "scope":
			attrs[name] = scope(a)
		case "expires_in":
			attrs[name] = number(a)
		default:
			attrs[name] = str(a, !a.required && !a.optional)
		}
	}
	return attrs
}

// requestToken asks the token endpoint for the token the configuration
// describes and returns the model with the results, or nil after adding an
// error. A refusal quotes the server and says what to create.
func (h *clientHolder) requestToken(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) *tokenModel {
	m := &tokenModel{}
	diags.Append(config.Get(ctx, m)...)
	client := h.client(diags)
	if diags.HasError() {
		return nil
	}
	var scopes []string
	if !m.Scope.IsNull() && !m.Scope.IsUnknown() {
		diags.Append(m.Scope.ElementsAs(ctx, &scopes, false)...)
	}
	audience := m.Audience.ValueString()
	issued := time.Now()
	// Empty credentials mean the provider's own: the shared client knows them.
	token, err := client.RequestToken(ctx, mgmt.TokenRequest{
		Domain:       m.Domain.ValueString(),
		ClientID:     m.ClientID.ValueString(),
		ClientSecret: m.ClientSecret.ValueString(),
		Audience:     audience,
		Scopes:       scopes,
	})
	if errors.Is(err, mgmt.ErrNoClientCredentials) {
		diags.AddAttributeError(path.Root("client_id"), "Missing Client Credentials",
			"idp_token needs client credentials: set client_id and client_secret here, or configure the provider "+
				"with client_id and client_secret instead of api_token.")
		return nil
	}
	if err != nil {
		who := "the provider's client"
		if !m.ClientID.IsNull() {
			who = fmt.Sprintf("client %q", m.ClientID.ValueString())
		}
		diags.AddError("Unable to Get Token", fmt.Sprintf("%s The token request for audience %q as %s "+
			"was refused or failed. Check that an idp_resource_server with identifier %q exists on that tenant, that "+
			"an idp_client_grant gives %s access to it, and that the grant includes every scope asked for.",
			describeAPIError(err), audience, who, audience, who))
		return nil
	}
	granted := strings.Fields(token.Scope)
	set, d := types.SetValueFrom(ctx, types.StringType, granted)
	diags.Append(d...)
	m.Scope = set
	m.AccessToken = types.StringValue(token.AccessToken)
	m.TokenType = types.StringValue(token.TokenType)
	m.ExpiresIn = types.Int64Value(token.ExpiresIn)
	m.ExpiresAt = types.StringValue(issued.Add(time.Duration(token.ExpiresIn) * time.Second).UTC().Format(time.RFC3339))
	return m
}
