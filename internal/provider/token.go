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

// What the idp_token data source and ephemeral resource share, so that
// they behave the same.

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

func tokenScopeValidators() []validator.Set {
	return []validator.Set{
		setvalidator.SizeAtLeast(1),
		setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1), validators.NoWhiteSpace()),
	}
}

func tokenCredentialValidators(pairedWith string) []validator.String {
	return []validator.String{
		stringvalidator.LengthAtLeast(1),
		stringvalidator.AlsoRequires(path.MatchRoot(pairedWith)),
	}
}

// requestToken returns nil after adding an error.
func requestToken(ctx context.Context, h *clientHolder, config tfsdk.Config, diags *diag.Diagnostics) *tokenModel {
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
	if !m.Domain.IsNull() {
		checkPlainHTTP(m.Domain.ValueString(), h.data.allowInsecureHTTP, "idp_token's domain", diags)
		if diags.HasError() {
			return nil
		}
	}
	issued := time.Now()
	// Empty credentials mean the provider's own: the shared client knows them.
	token, err := client.RequestToken(ctx, mgmt.TokenRequest{
		Domain:       m.Domain.ValueString(),
		ClientID:     m.ClientID.ValueString(),
		ClientSecret: m.ClientSecret.ValueString(),
		Audience:     m.Audience.ValueString(),
		Scopes:       scopes,
	})
	if err != nil {
		addTokenError(diags, client, m, err)
		return nil
	}
	diags.Append(m.fromToken(ctx, token, issued)...)
	return m
}

func addTokenError(diags *diag.Diagnostics, client *mgmt.Client, m *tokenModel, err error) {
	if errors.Is(err, mgmt.ErrNoClientCredentials) {
		diags.AddAttributeError(path.Root("client_id"), "Missing Client Credentials",
			"idp_token needs client credentials: set client_id and client_secret here, or configure the provider "+
				"with client_id and client_secret instead of api_token.")
		return
	}
	tc := &tokenContext{audience: m.Audience.ValueString(), who: "the provider's client", url: client.TokenURL()}
	if !m.ClientID.IsNull() {
		tc.who = fmt.Sprintf("client %q", m.ClientID.ValueString())
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
