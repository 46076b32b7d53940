package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

// The terms of a grant, which idp_client_grant (a client's own grant) and
// idp_default_client_grant (the grant of third-party clients) share: its
// ID, the API, the scopes and the organization settings. Each model keeps
// them as its own fields (the state codec reads flat models) and lends
// them here through terms().

// What a grant's organization settings are when unset: Auth0 documents
// unset organization_usage as deny, and allow_any_organization as false.
const defaultOrganizationUsage = "deny"

// grantTerms points at a grant model's shared fields.
type grantTerms struct {
	id, audience *types.String
	scope        *types.Set
	usage        *types.String
	anyOrg       *types.Bool
}

// withGrantTerms adds the shared attributes to a grant schema's own.
func withGrantTerms(own map[string]schema.Attribute) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Description:   "The grant's ID (`cgr_…`), assigned by the server.",
			Computed:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"audience": schema.StringAttribute{
			Description: "The identifier of the API (resource server) access is granted to. Changing it " +
				"replaces the grant.",
			Required:      true,
			Validators:    []validator.String{validators.APIIdentifier()},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"scope": schema.SetAttribute{
			Description: "The scopes granted, each one defined by the API (so at most 280 bytes, without white " +
				"space). Unset or `[]` grants none (the service requires only the audience). Changed in place.",
			ElementType: types.StringType,
			Optional:    true,
			Computed:    true,
			// Unset is [], as the service reads a grant without scopes: the state of an unset
			// scope and of scope = [] are the same, and removing the argument removes the scopes.
			Default: setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
			Validators: []validator.Set{
				setvalidator.ValueStringsAre(
					stringvalidator.LengthAtLeast(1),
					stringvalidator.LengthAtMost(280),
					validators.NoWhiteSpace(),
				),
			},
		},
		"organization_usage": schema.StringAttribute{
			Description: "Whether tokens of this grant may be for an organization (the `organization` of " +
				"`idp_token`): `deny` (the default: never), `allow` (with or without one) or `require` (always " +
				"one). Changed in place.",
			Optional:   true,
			Computed:   true,
			Default:    stringdefault.StaticString(defaultOrganizationUsage),
			Validators: []validator.String{stringvalidator.OneOf("deny", "allow", "require")},
		},
		"allow_any_organization": schema.BoolAttribute{
			Description: "Whether tokens of this grant may be for any organization, rather than only those the " +
				"grant is associated with (`idp_organization_client_grants`). Defaults to `false`; Auth0 advises " +
				"it only for trusted internal applications. Changed in place.",
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(false),
		},
	}
	maps.Copy(attrs, own)
	return attrs
}

func (t grantTerms) scopes(ctx context.Context) ([]string, diag.Diagnostics) {
	scope := []string{}
	diags := t.scope.ElementsAs(ctx, &scope, false)
	return scope, diags
}

// createBody is the create body of the planned terms, with their scopes.
// Only the organization settings that differ from the unset defaults are
// sent, so that a grant without organizations is created as before they
// existed.
func (t grantTerms) createBody(ctx context.Context) (*mgmt.ClientGrant, []string, diag.Diagnostics) {
	scope, diags := t.scopes(ctx)
	body := &mgmt.ClientGrant{Audience: mgmt.String(t.audience.ValueString()), Scope: &scope}
	if u := t.usage.ValueString(); u != defaultOrganizationUsage {
		body.OrganizationUsage = mgmt.String(u)
	}
	if t.anyOrg.ValueBool() {
		body.AllowAnyOrganization = mgmt.Bool(true)
	}
	return body, scope, diags
}

// updateBody is the PATCH body from state to the planned terms: the scopes
// whole, the organization settings when they change.
func (t grantTerms) updateBody(ctx context.Context, state grantTerms) (*mgmt.ClientGrant, []string, diag.Diagnostics) {
	scope, diags := t.scopes(ctx)
	body := &mgmt.ClientGrant{Scope: &scope}
	if !t.usage.Equal(*state.usage) {
		body.OrganizationUsage = mgmt.String(t.usage.ValueString())
	}
	if !t.anyOrg.Equal(*state.anyOrg) {
		body.AllowAnyOrganization = mgmt.Bool(t.anyOrg.ValueBool())
	}
	return body, scope, diags
}

// fromAPI sets the terms from the server's grant.
func (t grantTerms) fromAPI(ctx context.Context, g *mgmt.ClientGrant) diag.Diagnostics {
	*t.id = types.StringPointerValue(g.ID)
	*t.audience = types.StringPointerValue(g.Audience)
	set, diags := types.SetValueFrom(ctx, types.StringType, valueOr(g.Scope, []string{}))
	*t.scope = set
	*t.usage = types.StringValue(valueOr(g.OrganizationUsage, defaultOrganizationUsage))
	*t.anyOrg = types.BoolValue(valueOr(g.AllowAnyOrganization, false))
	return diags
}

// readGrant reads a grant, a client's own or a default one, without the
// scopes its API no longer defines.
func (r *clientGrantResource) readGrant(ctx context.Context, c *mgmt.Client, id string) (*mgmt.ClientGrant, error) {
	g, err := c.GetClientGrant(ctx, id)
	if err != nil || g.Scope == nil {
		return g, err
	}
	if defined, ok := r.definedScopes(ctx, c, valueOr(g.Audience, "")); ok {
		kept := slices.DeleteFunc(slices.Clone(*g.Scope), func(s string) bool { return !slices.Contains(defined, s) })
		g.Scope = &kept
	}
	return g, nil
}

// written is a grant write's outcome, a refusal explained at its attribute
// (refusalDetail) under summary.
func (r *clientGrantResource) written(ctx context.Context, c *mgmt.Client, summary, audience string, scope []string,
	g *mgmt.ClientGrant, err error, diags diag.Diagnostics) (*mgmt.ClientGrant, diag.Diagnostics, error) {
	if detail := r.refusalDetail(ctx, c, audience, scope, err); detail != nil {
		diags.AddAttributeError(detail.at, summary, detail.text)
		return nil, diags, nil
	}
	return g, diags, err
}

type grantRefusal struct {
	at   path.Path
	text string
}

// refusalDetail explains a grant's 404 for an unknown audience (naming
// the identifiers that nearly match) or 400 for a scope its API does not
// define (naming the ones it does); nil for any other outcome.
func (r *clientGrantResource) refusalDetail(ctx context.Context, c *mgmt.Client, audience string, scope []string, err error) *grantRefusal {
	var apiErr *mgmt.Error
	if !errors.As(err, &apiErr) {
		return nil
	}
	said := describeAPIError(err)
	switch {
	case apiErr.StatusCode == http.StatusNotFound && apiErr.Code == "inexistent_resource_server":
		apis, lerr := c.ListResourceServers(ctx)
		if lerr != nil {
			return nil
		}
		var near, all []string
		for _, rs := range apis {
			id := valueOr(rs.Identifier, "")
			all = append(all, fmt.Sprintf("%q", id))
			if strings.EqualFold(strings.TrimRight(id, "/"), strings.TrimRight(audience, "/")) {
				near = append(near, fmt.Sprintf("%q", id))
			}
		}
		text := fmt.Sprintf("%s No API of this tenant has the identifier %q.", said, audience)
		if len(near) > 0 {
			text += fmt.Sprintf(" %s differs from it only by a trailing slash or by case, and identifiers are "+
				"compared exactly: use the identifier as the API has it, best by reference "+
				"(audience = idp_resource_server.<name>.identifier).", strings.Join(near, ", "))
		} else {
			text += fmt.Sprintf(" Its APIs are %s: use one of them, or create an idp_resource_server with this "+
				"identifier.", strings.Join(all, ", "))
		}
		return &grantRefusal{at: path.Root("audience"), text: text}
	case apiErr.StatusCode == http.StatusBadRequest:
		rs, gerr := c.GetResourceServer(ctx, audience)
		if gerr != nil {
			return nil
		}
		r.noteAPI(c, rs)
		defined, _ := r.definedScopes(ctx, c, audience)
		var missing []string
		for _, s := range scope {
			if !slices.Contains(defined, s) {
				missing = append(missing, fmt.Sprintf("%q", s))
			}
		}
		if len(missing) == 0 {
			return nil
		}
		quoted := make([]string, 0, len(defined))
		for _, s := range defined {
			quoted = append(quoted, fmt.Sprintf("%q", s))
		}
		definesWhat := "no scopes"
		if len(quoted) > 0 {
			definesWhat = "the scopes " + strings.Join(quoted, ", ")
		}
		verb := "are"
		if len(missing) == 1 {
			verb = "is"
		}
		return &grantRefusal{at: path.Root("scope"), text: fmt.Sprintf("%s The API %q defines %s; %s %s not among "+
			"them. Remove it from this grant's scope, or add it to the API's scopes.", said, audience, definesWhat,
			strings.Join(missing, ", "), verb)}
	}
	return nil
}
