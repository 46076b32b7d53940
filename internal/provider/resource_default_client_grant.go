package provider

import (
	"context"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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
	_ resource.ResourceWithConfigure   = &defaultClientGrantResource{}
	_ resource.ResourceWithImportState = &defaultClientGrantResource{}
	_ resource.ResourceWithIdentity    = &defaultClientGrantResource{}

	_ objectAPI[*defaultClientGrantModel, *mgmt.ClientGrant] = &defaultClientGrantResource{}
	_ naturalKeyed[*defaultClientGrantModel]                 = &defaultClientGrantResource{}
	_ identified[*defaultClientGrantModel]                   = &defaultClientGrantResource{}
)

const defaultGrantImportForms = `the grant's ID, "cgr_" followed by letters and digits (e.g. "cgr_a1B2c3D4e5F6g7H8"), or ` +
	`its API's identifier (e.g. "https://api.example.com/"), at most 600 characters`

// defaultClientGrantResource manages the default grant of third-party
// clients for one API (default_for third_party_clients, no client_id): the
// grant every third-party client without a grant of its own for the API
// gets tokens with. Its natural key is the audience.
type defaultClientGrantResource struct {
	clientHolder
}

// NewDefaultClientGrantResource returns the idp_default_client_grant resource.
func NewDefaultClientGrantResource() resource.Resource {
	return &defaultClientGrantResource{}
}

type defaultClientGrantModel struct {
	ID       types.String `tfsdk:"id"`
	Audience types.String `tfsdk:"audience"`
	Scope    types.Set    `tfsdk:"scope"`

	OrganizationUsage    types.String `tfsdk:"organization_usage"`
	AllowAnyOrganization types.Bool   `tfsdk:"allow_any_organization"`
}

func (r *defaultClientGrantResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_default_client_grant"
}

func (r *defaultClientGrantResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The default grant of third-party clients for an API (its `audience`): every client with " +
			"`is_first_party = false` that has no `idp_client_grant` of its own for the API may request access " +
			"tokens for it with these scopes. There is at most one per API; a client's own grant takes precedence.",
		Attributes: map[string]schema.Attribute{
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
					"space). Unset or `[]` grants none. Changed in place.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(
						stringvalidator.LengthAtLeast(1),
						stringvalidator.LengthAtMost(280),
						validators.NoWhiteSpace(),
					),
				},
			},
			"organization_usage": schema.StringAttribute{
				Description: "Whether tokens of this grant may be for an organization: `deny` (the default: never), " +
					"`allow` (with or without one) or `require` (always one). Changed in place.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(defaultOrganizationUsage),
				Validators: []validator.String{stringvalidator.OneOf("deny", "allow", "require")},
			},
			"allow_any_organization": schema.BoolAttribute{
				Description: "Whether tokens of this grant may be for any organization, rather than only those the " +
					"grant is associated with. Defaults to `false`. Changed in place.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
	}
}

func (r *defaultClientGrantResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *defaultClientGrantResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createResource(ctx, r, req, resp)
}

func (r *defaultClientGrantResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r, req, resp)
}

func (r *defaultClientGrantResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateResource(ctx, r, req, resp)
}

func (r *defaultClientGrantResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteResource(ctx, r, req, resp)
}

// ImportState takes the grant's ID (one GET, which also refuses a client's
// own grant) or its API's identifier (one filtered list).
func (r *defaultClientGrantResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importIDFromIdentity[defaultClientGrantIdentity](ctx, &req, resp) {
		return
	}
	switch {
	case clientGrantIDRegexp.MatchString(req.ID):
		importExisting(ctx, &r.clientHolder, resp, r.kind(), fmt.Sprintf("ID %q", req.ID),
			func(ctx context.Context, c *mgmt.Client) (importedObject, error) {
				g, err := c.GetClientGrant(ctx, req.ID)
				if err != nil {
					return importedObject{}, err
				}
				if !mgmt.IsDefaultClientGrant(g) {
					return importedObject{refusal: fmt.Sprintf("is the grant of client %q, not a default grant; "+
						"import it into an idp_client_grant.", valueOr(g.ClientID, ""))}, nil
				}
				return importedObject{id: valueOr(g.ID, req.ID)}, nil
			})
	case req.ID != "" && utf8.RuneCountInString(req.ID) <= validators.MaxAPIIdentifier:
		importExisting(ctx, &r.clientHolder, resp, r.kind(), fmt.Sprintf("audience %q", req.ID),
			func(ctx context.Context, c *mgmt.Client) (importedObject, error) {
				g, err := c.FindDefaultClientGrant(ctx, req.ID)
				if err != nil {
					return importedObject{}, err
				}
				if g == nil || g.ID == nil {
					return importedObject{}, errNoSuchObject
				}
				return importedObject{id: *g.ID}, nil
			})
	default:
		addInvalidImportID(resp, req.ID, defaultGrantImportForms)
	}
}

// defaultClientGrantIdentity is the grant's ID.
type defaultClientGrantIdentity struct {
	ID types.String `tfsdk:"id"`
}

func (i defaultClientGrantIdentity) importID() string { return i.ID.ValueString() }

func (r *defaultClientGrantResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"id": requiredString("The grant's ID (`cgr_…`)."),
	}}
}

func (r *defaultClientGrantResource) identity(m *defaultClientGrantModel) any {
	return defaultClientGrantIdentity{ID: m.ID}
}

func (r *defaultClientGrantResource) kind() string { return "Default Client Grant" }

// grants lends idp_client_grant's scope checks, which share this provider
// configuration's cache of API scopes.
func (r *defaultClientGrantResource) grants() *clientGrantResource {
	return &clientGrantResource{clientHolder: r.clientHolder}
}

func (r *defaultClientGrantResource) createObject(ctx context.Context, c *mgmt.Client, plan *defaultClientGrantModel) (*mgmt.ClientGrant, diag.Diagnostics, error) {
	scope, diags := setStrings(ctx, plan.Scope)
	if diags.HasError() {
		return nil, diags, nil
	}
	body := &mgmt.ClientGrant{Audience: mgmt.String(plan.Audience.ValueString()), Scope: &scope}
	if u := plan.OrganizationUsage.ValueString(); u != defaultOrganizationUsage {
		body.OrganizationUsage = mgmt.String(u)
	}
	if plan.AllowAnyOrganization.ValueBool() {
		body.AllowAnyOrganization = mgmt.Bool(true)
	}
	created, err := c.CreateDefaultClientGrant(ctx, body)
	if detail := r.grants().refusalDetail(ctx, c, plan.Audience.ValueString(), scope, err); detail != nil {
		diags.AddAttributeError(detail.at, "Unable to Create Default Client Grant", detail.text)
		return nil, diags, nil
	}
	return created, diags, err
}

// readObject leaves out the scopes the API no longer defines, as
// idp_client_grant's does.
func (r *defaultClientGrantResource) readObject(ctx context.Context, c *mgmt.Client, state *defaultClientGrantModel) (*mgmt.ClientGrant, error) {
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

func (r *defaultClientGrantResource) updateObject(ctx context.Context, c *mgmt.Client, plan, state *defaultClientGrantModel) (*mgmt.ClientGrant, diag.Diagnostics, error) {
	scope, diags := setStrings(ctx, plan.Scope)
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
	if detail := r.grants().refusalDetail(ctx, c, state.Audience.ValueString(), scope, err); detail != nil {
		diags.AddAttributeError(detail.at, "Unable to Update Default Client Grant", detail.text)
		return nil, diags, nil
	}
	return updated, diags, err
}

func (r *defaultClientGrantResource) deleteObject(ctx context.Context, c *mgmt.Client, state *defaultClientGrantModel) error {
	return c.DeleteClientGrant(ctx, state.ID.ValueString())
}

func (r *defaultClientGrantResource) naturalImportID(plan *defaultClientGrantModel) string {
	return plan.Audience.ValueString()
}

func (r *defaultClientGrantResource) naturalKey(plan *defaultClientGrantModel) string {
	return fmt.Sprintf("default_for %q and audience %q", mgmt.ThirdPartyClients, plan.Audience.ValueString())
}

func setStrings(ctx context.Context, s types.Set) ([]string, diag.Diagnostics) {
	out := []string{}
	diags := s.ElementsAs(ctx, &out, false)
	return out, diags
}

func (m *defaultClientGrantModel) fromAPI(ctx context.Context, g *mgmt.ClientGrant) diag.Diagnostics {
	m.ID = types.StringPointerValue(g.ID)
	m.Audience = types.StringPointerValue(g.Audience)
	set, diags := types.SetValueFrom(ctx, types.StringType, valueOr(g.Scope, []string{}))
	m.Scope = set
	m.OrganizationUsage = types.StringValue(valueOr(g.OrganizationUsage, defaultOrganizationUsage))
	m.AllowAnyOrganization = types.BoolValue(valueOr(g.AllowAnyOrganization, false))
	return diags
}
