package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

var (
	_ resource.ResourceWithConfigure   = &organizationResource{}
	_ resource.ResourceWithImportState = &organizationResource{}
	_ resource.ResourceWithIdentity    = &organizationResource{}

	_ objectAPI[*organizationModel, *mgmt.Organization] = &organizationResource{}
	_ naturalKeyed[*organizationModel]                  = &organizationResource{}
	_ identified[*organizationModel]                    = &organizationResource{}
)

// Auth0's rules: a name of lowercase letters, digits, "_" and "-", at most
// 50 characters; an ID "org_" and letters and digits. A name may look like
// an ID ("org_x" is a valid name), so an import of one tries both.
var (
	organizationIDRegexp   = regexp.MustCompile(`^org_[A-Za-z0-9]+$`)
	organizationNameRegexp = regexp.MustCompile(`^[a-z0-9_-]+$`)
	htmlColorRegexp        = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)
)

const (
	maxOrganizationName        = 50
	maxOrganizationDisplayName = 255
	maxOrganizationMetadata    = 25
	organizationNameMessage    = "must be lowercase letters, digits, underscores and dashes"
	organizationImportForms    = `the organization's ID, "org_" followed by letters and digits (e.g. ` +
		`"org_a1B2c3D4e5F6g7H8"), or its name (e.g. "acme")`
)

func organizationNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, maxOrganizationName),
		stringvalidator.RegexMatches(organizationNameRegexp, organizationNameMessage),
	}
}

// organizationResource manages an organization: one customer (or partner)
// of a tenant, whose machine tokens can be limited to it.
type organizationResource struct {
	clientHolder
}

// NewOrganizationResource returns the idp_organization resource.
func NewOrganizationResource() resource.Resource {
	return &organizationResource{}
}

type organizationModel struct {
	ID          types.String       `tfsdk:"id"`
	Name        types.String       `tfsdk:"name"`
	DisplayName types.String       `tfsdk:"display_name"`
	Branding    *organizationBrand `tfsdk:"branding"`
	Metadata    types.Map          `tfsdk:"metadata"`
}

type organizationBrand struct {
	LogoURL types.String        `tfsdk:"logo_url"`
	Colors  *organizationColors `tfsdk:"colors"`
}

type organizationColors struct {
	Primary        types.String `tfsdk:"primary"`
	PageBackground types.String `tfsdk:"page_background"`
}

func (r *organizationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization"
}

func colorAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Description: "The HTML color (`#rgb` or `#rrggbb`) of " + what + ".",
		Required:    true,
		Validators:  []validator.String{stringvalidator.RegexMatches(htmlColorRegexp, "must be an HTML color, #rgb or #rrggbb")},
	}
}

func (r *organizationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An organization: one customer, partner or other group a tenant serves. Machine-to-machine " +
			"tokens can be limited to one (the `organization` of `idp_token`) when the client's grant allows it " +
			"(`organization_usage` of `idp_client_grant`) and is associated with the organization " +
			"(`idp_organization_client_grants`). Which connections the organization's users sign in with is " +
			"declared with `idp_organization_connections`. Members and invitations are not managed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "The organization's ID (`org_…`), assigned by the server; tokens carry it as `org_id`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Description: "The organization's name, unique in the tenant: 1 to 50 lowercase letters, digits, " +
					"underscores and dashes. Users may type it to pick their organization at login. Changed in place.",
				Required:   true,
				Validators: organizationNameValidators(),
			},
			"display_name": schema.StringAttribute{
				Description: "The name shown to users, 1 to 255 characters. The Management API cannot remove it once " +
					"set: removing it from the configuration keeps the current value.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.UTF8LengthBetween(1, maxOrganizationDisplayName)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"branding": schema.SingleNestedAttribute{
				Description: "How the organization's login pages look.",
				Optional:    true,
				Attributes: map[string]schema.Attribute{
					"logo_url": schema.StringAttribute{
						Description: "The `https://` URL of the logo shown on the login page.",
						Optional:    true,
						Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^https://.+`),
							"must be an https:// URL")},
					},
					"colors": schema.SingleNestedAttribute{
						Description: "The colors of the login pages.",
						Optional:    true,
						Attributes: map[string]schema.Attribute{
							"primary":         colorAttribute("primary elements"),
							"page_background": colorAttribute("the page background"),
						},
					},
				},
			},
			"metadata": schema.MapAttribute{
				Description: "Up to 25 string properties of the organization, values of at most 255 characters.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(maxOrganizationMetadata),
					mapvalidator.ValueStringsAre(stringvalidator.UTF8LengthAtMost(255)),
					validators.NotTheCreateMarker(),
				},
			},
		},
	}
}

func (r *organizationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *organizationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createResource(ctx, r, req, resp)
}

func (r *organizationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r, req, resp)
}

func (r *organizationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateResource(ctx, r, req, resp)
}

func (r *organizationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteResource(ctx, r, req, resp)
}

// organizationIdentity is the ID: unlike the other kinds' natural keys, an
// organization's name can change, and an identity never does.
type organizationIdentity struct {
	ID types.String `tfsdk:"id"`
}

func (i organizationIdentity) importID() string { return i.ID.ValueString() }

func (r *organizationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"id": requiredString("The organization's ID (`org_…`); its name can change, its ID cannot."),
	}}
}

func (r *organizationResource) identity(m *organizationModel) any {
	return organizationIdentity{ID: m.ID}
}

func (r *organizationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importIDFromIdentity[organizationIdentity](ctx, &req, resp) {
		return
	}
	if !organizationIDRegexp.MatchString(req.ID) && (len(req.ID) > maxOrganizationName || !organizationNameRegexp.MatchString(req.ID)) {
		addInvalidImportID(resp, req.ID, organizationImportForms)
		return
	}
	o, ok := organizationLookup(req.ID).run(ctx, &r.clientHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), valueOr(o.ID, ""))...)
}

// organizationLookup finds an organization by ID or by name; a key shaped
// like an ID that is no ID is tried as a name.
func organizationLookup(key string) lookup[*mgmt.Organization] {
	what := fmt.Sprintf("ID or name %q", key)
	if !organizationIDRegexp.MatchString(key) {
		what = fmt.Sprintf("name %q", key)
	}
	return lookup[*mgmt.Organization]{
		kind:  "Organization",
		what:  what,
		check: "ID or name (names are lowercase)",
		get: func(ctx context.Context, c *mgmt.Client) (*mgmt.Organization, error) {
			if organizationIDRegexp.MatchString(key) {
				o, err := c.GetOrganization(ctx, key)
				if !mgmt.IsNotFound(err) || !organizationNameRegexp.MatchString(key) {
					return o, err
				}
			}
			o, err := c.GetOrganizationByName(ctx, key)
			if err == nil && o == nil {
				err = errNoSuchObject
			}
			return o, err
		},
	}
}

func (r *organizationResource) kind() string { return "Organization" }

func (r *organizationResource) createObject(ctx context.Context, c *mgmt.Client, plan *organizationModel) (*mgmt.Organization, diag.Diagnostics, error) {
	body, diags := plan.toAPI(ctx)
	if diags.HasError() {
		return nil, diags, nil
	}
	created, err := c.CreateOrganization(ctx, body)
	return created, diags, err
}

func (r *organizationResource) readObject(ctx context.Context, c *mgmt.Client, state *organizationModel) (*mgmt.Organization, error) {
	o, err := c.GetOrganization(ctx, state.ID.ValueString())
	if err == nil {
		settle(ctx, "organization", c.SettleOrganization(ctx, o))
	}
	return o, err
}

// updateObject sends every managed field; metadata keys that left the
// configuration are removed (a PATCH merges metadata), and so is a
// branding that did.
func (r *organizationResource) updateObject(ctx context.Context, c *mgmt.Client, plan, state *organizationModel) (*mgmt.Organization, diag.Diagnostics, error) {
	body, diags := plan.toAPI(ctx)
	if diags.HasError() {
		return nil, diags, nil
	}
	u := mgmt.OrganizationUpdate{Organization: *body, RemoveBranding: body.Branding == nil && state.Branding != nil}
	if !state.Metadata.IsNull() && !state.Metadata.IsUnknown() {
		var old map[string]string
		diags.Append(state.Metadata.ElementsAs(ctx, &old, false)...)
		for _, k := range sortedKeys(old) {
			if body.Metadata == nil || !hasKey(*body.Metadata, k) {
				u.RemoveMetadata = append(u.RemoveMetadata, k)
			}
		}
	}
	updated, err := c.UpdateOrganization(ctx, state.ID.ValueString(), u)
	return updated, diags, err
}

func (r *organizationResource) deleteObject(ctx context.Context, c *mgmt.Client, state *organizationModel) error {
	return c.DeleteOrganization(ctx, state.ID.ValueString())
}

func (r *organizationResource) naturalImportID(plan *organizationModel) string {
	return plan.Name.ValueString()
}

func (r *organizationResource) naturalKey(plan *organizationModel) string {
	return fmt.Sprintf("name %q", plan.Name.ValueString())
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (m *organizationModel) toAPI(ctx context.Context) (*mgmt.Organization, diag.Diagnostics) {
	o := &mgmt.Organization{Name: mgmt.String(m.Name.ValueString())}
	if !m.DisplayName.IsNull() && !m.DisplayName.IsUnknown() {
		o.DisplayName = mgmt.String(m.DisplayName.ValueString())
	}
	if b := m.Branding; b != nil {
		o.Branding = &mgmt.OrganizationBranding{LogoURL: b.LogoURL.ValueStringPointer()}
		if b.Colors != nil {
			o.Branding.Colors = &mgmt.OrganizationColors{Primary: b.Colors.Primary.ValueString(),
				PageBackground: b.Colors.PageBackground.ValueString()}
		}
	}
	var diags diag.Diagnostics
	if !m.Metadata.IsNull() && !m.Metadata.IsUnknown() {
		md := map[string]string{}
		diags.Append(m.Metadata.ElementsAs(ctx, &md, false)...)
		o.Metadata = &md
	}
	return o, diags
}

// fromAPI reads an empty branding and empty metadata as null, which is how
// a configuration says "none"; the create marker is the provider's, not
// the configuration's.
func (m *organizationModel) fromAPI(ctx context.Context, o *mgmt.Organization) diag.Diagnostics {
	m.ID = types.StringPointerValue(o.ID)
	m.Name = types.StringPointerValue(o.Name)
	m.DisplayName = nonEmptyString(o.DisplayName)
	m.Branding = nil
	if b := o.Branding; b != nil && (b.LogoURL != nil || b.Colors != nil) {
		m.Branding = &organizationBrand{LogoURL: types.StringPointerValue(b.LogoURL)}
		if b.Colors != nil {
			m.Branding.Colors = &organizationColors{Primary: types.StringValue(b.Colors.Primary),
				PageBackground: types.StringValue(b.Colors.PageBackground)}
		}
	}
	m.Metadata = types.MapNull(types.StringType)
	if md := withoutCreateMarker(o.Metadata); len(md) > 0 {
		md, diags := types.MapValueFrom(ctx, types.StringType, md)
		m.Metadata = md
		return diags
	}
	return nil
}
