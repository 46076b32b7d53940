package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
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

var (
	_ resource.ResourceWithConfigure   = &clientGrantResource{}
	_ resource.ResourceWithImportState = &clientGrantResource{}
	_ resource.ResourceWithIdentity    = &clientGrantResource{}

	_ objectAPI[*clientGrantModel, *mgmt.ClientGrant] = &clientGrantResource{}
	_ naturalKeyed[*clientGrantModel]                 = &clientGrantResource{}
	_ identified[*clientGrantModel]                   = &clientGrantResource{}
	_ privateRecorder[*clientGrantModel]              = &clientGrantResource{}
)

const (
	// naturalKeySeparator joins client_id and audience in a grant's import ID.
	naturalKeySeparator = "::"

	grantImportForms = `the grant's ID, "cgr_" followed by letters and digits (e.g. "cgr_a1B2c3D4e5F6g7H8"), or ` +
		`client_id::audience (e.g. "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6::https://api.example.com/")`
)

var clientGrantIDRegexp = regexp.MustCompile(`^cgr_[A-Za-z0-9]+$`)

// clientGrantResource manages a client grant: the permission for one client
// to get tokens for one API, with a set of that API's scopes.
type clientGrantResource struct {
	clientHolder
}

// NewClientGrantResource returns the idp_client_grant resource.
func NewClientGrantResource() resource.Resource {
	return &clientGrantResource{}
}

type clientGrantModel struct {
	ID       types.String `tfsdk:"id"`
	ClientID types.String `tfsdk:"client_id"`
	Audience types.String `tfsdk:"audience"`
	Scope    types.Set    `tfsdk:"scope"`

	OrganizationUsage    types.String `tfsdk:"organization_usage"`
	AllowAnyOrganization types.Bool   `tfsdk:"allow_any_organization"`
}

// What a grant's organization settings are when unset: Auth0 documents
// unset organization_usage as deny, and allow_any_organization as false.
const defaultOrganizationUsage = "deny"

func (r *clientGrantResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_client_grant"
}

func (r *clientGrantResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Authorizes a client to request access tokens for an API (its `audience`), with a subset of the " +
			"API's scopes. There is at most one grant per client and API.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "The grant's ID (`cgr_…`), assigned by the server.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"client_id": schema.StringAttribute{
				Description:   "The client ID of the application being granted access, 32 letters and digits. Changing it replaces the grant.",
				Required:      true,
				Validators:    []validator.String{validators.ClientID()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
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
		},
	}
}

func (r *clientGrantResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *clientGrantResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createResource(ctx, r, req, resp)
}

func (r *clientGrantResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r, req, resp)
}

func (r *clientGrantResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateResource(ctx, r, req, resp)
}

func (r *clientGrantResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteResource(ctx, r, req, resp)
}

// ImportState looks a client_id::audience up with a filtered list, so that
// the state holds the ID and Read stays one GET.
func (r *clientGrantResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importIDFromIdentity[clientGrantIdentity](ctx, &req, resp) {
		return
	}
	clientID, audience, natural := strings.Cut(req.ID, naturalKeySeparator)
	switch {
	case natural && validators.IsClientID(clientID) && audience != "" &&
		utf8.RuneCountInString(audience) <= validators.MaxAPIIdentifier:
		importExisting(ctx, &r.clientHolder, resp, r.kind(), fmt.Sprintf("client_id %q and audience %q", clientID, audience),
			func(ctx context.Context, c *mgmt.Client) (importedObject, error) {
				grants, err := c.ListClientGrants(ctx, mgmt.ClientGrantFilter{ClientID: clientID, Audience: audience})
				if err != nil {
					return importedObject{}, err
				}
				if len(grants) != 1 || grants[0].ID == nil {
					return importedObject{}, errNoSuchObject
				}
				return importedObject{id: *grants[0].ID}, nil
			})
	case !natural && clientGrantIDRegexp.MatchString(req.ID):
		importExisting(ctx, &r.clientHolder, resp, r.kind(), fmt.Sprintf("ID %q", req.ID),
			func(ctx context.Context, c *mgmt.Client) (importedObject, error) {
				g, err := c.GetClientGrant(ctx, req.ID)
				if err != nil {
					return importedObject{}, err
				}
				if g.ClientID == nil {
					return importedObject{refusal: defaultGrantRefusal(g)}, nil
				}
				return importedObject{id: valueOr(g.ID, req.ID)}, nil
			})
	default:
		addInvalidImportID(resp, req.ID, grantImportForms)
	}
}

// defaultGrantRefusal says why idp_client_grant leaves a default grant
// alone: it is no client's, and the resource's identity is a client and an
// audience.
func defaultGrantRefusal(g *mgmt.ClientGrant) string {
	return fmt.Sprintf("is a default grant (default_for %q), given to a group of clients rather than to one "+
		"client; idp_client_grant manages only a client's own grants: import it into an idp_default_client_grant.",
		valueOr(g.DefaultFor, ""))
}

type clientGrantIdentity struct {
	ClientID types.String `tfsdk:"client_id"`
	Audience types.String `tfsdk:"audience"`
}

func (i clientGrantIdentity) importID() string {
	return i.ClientID.ValueString() + naturalKeySeparator + i.Audience.ValueString()
}

func (r *clientGrantResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"client_id": requiredString("The client ID of the granted client."),
		"audience":  requiredString("The identifier of the API the grant is on."),
	}}
}

func (r *clientGrantResource) identity(m *clientGrantModel) any {
	return clientGrantIdentity{ClientID: m.ClientID, Audience: m.Audience}
}

func (r *clientGrantResource) kind() string { return "Client Grant" }

func (r *clientGrantResource) createObject(ctx context.Context, c *mgmt.Client, plan *clientGrantModel) (*mgmt.ClientGrant, diag.Diagnostics, error) {
	scope, diags := plan.scopes(ctx)
	if diags.HasError() {
		return nil, diags, nil
	}
	body := &mgmt.ClientGrant{
		ClientID: mgmt.String(plan.ClientID.ValueString()),
		Audience: mgmt.String(plan.Audience.ValueString()),
		Scope:    &scope,
	}
	// Only what differs from the unset defaults is sent, so that a grant
	// without organizations is created as before they existed.
	if u := plan.OrganizationUsage.ValueString(); u != defaultOrganizationUsage {
		body.OrganizationUsage = mgmt.String(u)
	}
	if plan.AllowAnyOrganization.ValueBool() {
		body.AllowAnyOrganization = mgmt.Bool(true)
	}
	created, err := c.CreateClientGrant(ctx, body)
	if detail := r.refusalDetail(ctx, c, plan.Audience.ValueString(), scope, err); detail != nil {
		diags.AddAttributeError(detail.at, "Unable to Create Client Grant", detail.text)
		return nil, diags, nil
	}
	return created, diags, err
}

// readObject leaves out the scopes the API no longer defines: the server
// keeps them on the grant but no token carries them, and a fresh tenant
// refuses them, so the plan should show them as missing.
func (r *clientGrantResource) readObject(ctx context.Context, c *mgmt.Client, state *clientGrantModel) (*mgmt.ClientGrant, error) {
	g, err := c.GetClientGrant(ctx, state.ID.ValueString())
	if err != nil || g.Scope == nil {
		return g, err
	}
	if defined, ok := r.definedScopes(ctx, c, valueOr(g.Audience, "")); ok {
		kept := slices.DeleteFunc(slices.Clone(*g.Scope), func(s string) bool { return !slices.Contains(defined, s) })
		g.Scope = &kept
	}
	return g, nil
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

func (r *clientGrantResource) updateObject(ctx context.Context, c *mgmt.Client, plan, state *clientGrantModel) (*mgmt.ClientGrant, diag.Diagnostics, error) {
	scope, diags := plan.scopes(ctx)
	if diags.HasError() {
		return nil, diags, nil
	}
	body := &mgmt.ClientGrant{Scope: &scope}
	if !plan.OrganizationUsage.Equal(state.OrganizationUsage) {
		body.OrganizationUsage = mgmt.String(plan.OrganizationUsage.ValueString())
	}
	if !plan.AllowAnyOrganization.Equal(state.AllowAnyOrganization) {
		body.AllowAnyOrganization = mgmt.Bool(plan.AllowAnyOrganization.ValueBool())
	}
	updated, err := c.UpdateClientGrant(ctx, state.ID.ValueString(), body)
	if detail := r.refusalDetail(ctx, c, state.Audience.ValueString(), scope, err); detail != nil {
		diags.AddAttributeError(detail.at, "Unable to Update Client Grant", detail.text)
		return nil, diags, nil
	}
	return updated, diags, err
}

func (r *clientGrantResource) deleteObject(ctx context.Context, c *mgmt.Client, state *clientGrantModel) error {
	return c.DeleteClientGrant(ctx, state.ID.ValueString())
}

func (r *clientGrantResource) naturalImportID(plan *clientGrantModel) string {
	return plan.ClientID.ValueString() + naturalKeySeparator + plan.Audience.ValueString()
}

func (r *clientGrantResource) naturalKey(plan *clientGrantModel) string {
	return fmt.Sprintf("client_id %q and audience %q", plan.ClientID.ValueString(), plan.Audience.ValueString())
}

func (m *clientGrantModel) scopes(ctx context.Context) ([]string, diag.Diagnostics) {
	scope := []string{}
	diags := m.Scope.ElementsAs(ctx, &scope, false)
	return scope, diags
}

func (m *clientGrantModel) fromAPI(ctx context.Context, g *mgmt.ClientGrant) diag.Diagnostics {
	m.ID = types.StringPointerValue(g.ID)
	m.ClientID = types.StringPointerValue(g.ClientID)
	m.Audience = types.StringPointerValue(g.Audience)
	set, diags := types.SetValueFrom(ctx, types.StringType, valueOr(g.Scope, []string{}))
	m.Scope = set
	m.OrganizationUsage = types.StringValue(valueOr(g.OrganizationUsage, defaultOrganizationUsage))
	m.AllowAnyOrganization = types.BoolValue(valueOr(g.AllowAnyOrganization, false))
	return diags
}
