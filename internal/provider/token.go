package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

// What the idp_token data source and ephemeral resource share, so that
// they behave the same.

type tokenModel struct {
	Audience     types.String `tfsdk:"audience"`
	Scope        types.Set    `tfsdk:"scope"`
	Organization types.String `tfsdk:"organization"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	AssertionKey types.String `tfsdk:"client_assertion_private_key"`
	AssertionAlg types.String `tfsdk:"client_assertion_signing_alg"`
	Domain       types.String `tfsdk:"domain"`
	AccessToken  types.String `tfsdk:"access_token"`
	TokenType    types.String `tfsdk:"token_type"`
	ExpiresIn    types.Int64  `tfsdk:"expires_in"`
	ExpiresAt    types.String `tfsdk:"expires_at"`
}

func tokenScopeValidators() []validator.Set {
	return []validator.Set{
		setvalidator.SizeAtLeast(1),
		setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1), validators.NoWhiteSpace()),
	}
}

func tokenOrganizationValidators() []validator.String {
	return []validator.String{stringvalidator.LengthBetween(1, maxOrganizationName)}
}

// tokenClientIDValidators: client_id goes with one of credentials, the
// attributes that may authenticate it.
func tokenClientIDValidators(credentials ...string) []validator.String {
	return []validator.String{validators.ClientID(), needsClientCredential{credentials: credentials}}
}

func tokenSecretValidators() []validator.String {
	return []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.AlsoRequires(path.MatchRoot("client_id"))}
}

func tokenAssertionKeyValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthAtLeast(1),
		validators.PrivateKeyPEM(),
		stringvalidator.AlsoRequires(path.MatchRoot("client_id")),
		stringvalidator.ConflictsWith(path.MatchRoot("client_secret")),
	}
}

func tokenAssertionAlgValidators() []validator.String {
	return []validator.String{
		stringvalidator.OneOf(mgmt.AssertionAlgs...),
		stringvalidator.AlsoRequires(path.MatchRoot("client_assertion_private_key")),
	}
}

//nolint:gosec // schema descriptions, no credentials
const (
	tokenClientIDDescription = "The client to authenticate as. Defaults to the provider's `client_id`. Goes with " +
		"`client_secret` or `client_assertion_private_key`."
	tokenSecretDescription = "The secret of `client_id`. Defaults to the provider's `client_secret`."
	// The data source takes no private key: its arguments are stored in the state.
	tokenDataClientIDDescription = "The client to authenticate as. Defaults to the provider's `client_id`. Goes with " +
		"`client_secret`. A client that uses Private Key JWT gets its token from the `idp_token` ephemeral resource, " +
		"which takes `client_assertion_private_key`; this data source takes no private key, since every argument of a " +
		"data source is stored in the state."
	tokenDataSecretDescription = "The secret of `client_id`. Defaults to the provider's `client_secret`. Like every " +
		"argument of a data source it is stored in the state (marked sensitive); the `idp_token` ephemeral resource " +
		"keeps it out of plan and state."
	tokenKeyDescription = "The PEM of an RSA private key (PKCS #1 or PKCS #8) registered as a credential of " +
		"`client_id`, a client using Private Key JWT: a signed JWT client assertion is sent instead of a secret. " +
		"Conflicts with `client_secret`. Defaults to the provider's `client_assertion_private_key` when `client_id` " +
		"is unset."
	tokenOrganizationDescription = "The ID (`org_…`) of the organization the token is for: the token then carries " +
		"`org_id` (and `org_name` when the tenant's `allow_organization_name_in_authentication_api` is on, which also " +
		"lets this be the organization's name). The client's grant for `audience` must allow organizations " +
		"(`organization_usage` `allow` or `require`) and be associated with this organization (`idp_organization_client_grants`) " +
		"or allow any organization. Unset asks for a token without organization, which a grant with " +
		"`organization_usage = \"require\"` refuses."
	tokenAlgDescription = "The algorithm the client assertion is signed with: `RS256` (default), `RS384` or `PS256`."
)

// needsClientCredential: a client_id here goes with one of credentials
// (client_secret, and for the ephemeral resource client_assertion_private_key).
type needsClientCredential struct {
	credentials []string
}

func (v needsClientCredential) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (v needsClientCredential) MarkdownDescription(context.Context) string {
	return strings.Join(v.credentials, " or ") + " must be set with client_id"
}

func (v needsClientCredential) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() {
		return
	}
	quoted := make([]string, 0, len(v.credentials))
	for _, name := range v.credentials {
		var val types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), &val)...)
		if !val.IsNull() {
			return
		}
		quoted = append(quoted, strconv.Quote(name))
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Missing Attribute Configuration",
		fmt.Sprintf("Attribute %s must be specified when \"client_id\" is specified.", strings.Join(quoted, " or ")))
}

// requestToken requests the token m describes and sets m's computed
// attributes; it returns false after adding an error.
func requestToken(ctx context.Context, h *clientHolder, m *tokenModel, diags *diag.Diagnostics) bool {
	client := h.client(diags)
	if diags.HasError() {
		return false
	}
	var scopes []string
	if !m.Scope.IsNull() && !m.Scope.IsUnknown() {
		diags.Append(m.Scope.ElementsAs(ctx, &scopes, false)...)
	}
	if !m.Domain.IsNull() {
		checkPlainHTTP(m.Domain.ValueString(), h.data.allowInsecureHTTP, "idp_token's domain", diags)
		if diags.HasError() {
			return false
		}
	}
	// Empty credentials mean the provider's own: the shared client knows them.
	tr := mgmt.TokenRequest{
		Domain:             m.Domain.ValueString(),
		ClientID:           m.ClientID.ValueString(),
		ClientSecret:       m.ClientSecret.ValueString(),
		ClientAssertionAlg: m.AssertionAlg.ValueString(),
		Audience:           m.Audience.ValueString(),
		Scopes:             scopes,
		Organization:       m.Organization.ValueString(),
	}
	if !m.AssertionKey.IsNull() {
		key, err := mgmt.ParsePrivateKeyPEM(m.AssertionKey.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("client_assertion_private_key"), "Invalid Private Key",
				validators.PrivateKeyProblem(err))
			return false
		}
		tr.ClientAssertionKey = key
	}
	issued := time.Now()
	token, err := client.RequestToken(ctx, tr)
	if err != nil {
		addTokenError(diags, client, m, err)
		return false
	}
	diags.Append(m.fromToken(ctx, token, issued)...)
	return !diags.HasError()
}

func addTokenError(diags *diag.Diagnostics, client *mgmt.Client, m *tokenModel, err error) {
	if errors.Is(err, mgmt.ErrNoClientCredentials) {
		diags.AddAttributeError(path.Root("client_id"), "Missing Client Credentials",
			"idp_token needs client credentials: set client_id and client_secret here, or configure the provider "+
				"with client_id and client_secret instead of api_token. (A client using Private Key JWT signs in with "+
				"client_assertion_private_key instead of client_secret: the provider's, or the ephemeral idp_token's.)")
		return
	}
	tc := &tokenContext{audience: m.Audience.ValueString(), who: "the provider's client", url: client.TokenURL(),
		assertion: client.ClientAssertionAlg() != ""}
	if !m.ClientID.IsNull() {
		tc.who = fmt.Sprintf("client %q", m.ClientID.ValueString())
		tc.assertion = !m.AssertionKey.IsNull()
	}
	if !m.Domain.IsNull() {
		if u, perr := mgmt.ParseDomain(m.Domain.ValueString()); perr == nil {
			tc.url = u.String() + "/oauth/token"
		}
	}
	diags.AddError("Unable to Get Token", fmt.Sprintf("The token request to %s for audience %q as %s failed. %s",
		tc.url, tc.audience, tc.who, apiErrorDetail(err, errorContext{client: client, token: tc})))
}

// fromToken sets scope to the scopes the token carries: every granted one
// when none were asked for.
func (m *tokenModel) fromToken(ctx context.Context, token *mgmt.Token, issued time.Time) diag.Diagnostics {
	set, diags := types.SetValueFrom(ctx, types.StringType, strings.Fields(token.Scope))
	m.Scope = set
	m.AccessToken = types.StringValue(token.AccessToken)
	m.TokenType = types.StringValue(token.TokenType)
	m.ExpiresIn = types.Int64Value(token.ExpiresIn)
	m.ExpiresAt = types.StringValue(issued.Add(time.Duration(token.ExpiresIn) * time.Second).UTC().Format(time.RFC3339))
	return diags
}
