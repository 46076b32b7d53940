package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

var (
	_ resource.ResourceWithConfigure   = &resourceServerResource{}
	_ resource.ResourceWithImportState = &resourceServerResource{}
	_ resource.ResourceWithModifyPlan  = &resourceServerResource{}
	_ resource.ResourceWithIdentity    = &resourceServerResource{}

	_ objectAPI[*resourceServerModel, *mgmt.ResourceServer] = &resourceServerResource{}
	_ identified[*resourceServerModel]                      = &resourceServerResource{}
	_ configReader[*resourceServerModel]                    = &resourceServerResource{}
	_ naturalKeyed[*resourceServerModel]                    = &resourceServerResource{}
)

// tokenDialects are the spec's token_dialect values.
var tokenDialects = []string{defaultTokenDialect, "access_token_authz", "rfc9068_profile", "rfc9068_profile_authz"}

const (
	defaultSigningAlg    = "RS256"
	defaultTokenLifetime = 86400
	maxTokenLifetime     = 2592000
	defaultTokenDialect  = "access_token"

	resourceServerImportForms = `the resource server's ID, 24 hexadecimal digits (e.g. "5f8d0d55b54764421b7156c9"), ` +
		`or its identifier (e.g. "https://api.example.com/"), at most 600 characters`
)

var resourceServerIDRegexp = regexp.MustCompile(`^[0-9a-f]{24}$`)

// resourceServerResource manages an API (resource server): the audience
// tokens are issued for and the scopes clients can be granted on it.
type resourceServerResource struct {
	clientHolder
}

// NewResourceServerResource returns the idp_resource_server resource.
func NewResourceServerResource() resource.Resource {
	return &resourceServerResource{}
}

type resourceServerModel struct {
	ID                 types.String           `tfsdk:"id"`
	Name               types.String           `tfsdk:"name"`
	Identifier         types.String           `tfsdk:"identifier"`
	Scopes             types.Set              `tfsdk:"scopes"`
	SigningAlg         types.String           `tfsdk:"signing_alg"`
	SigningSecret      types.String           `tfsdk:"signing_secret"`
	TokenLifetime      validators.WholeNumber `tfsdk:"token_lifetime"`
	AllowOfflineAccess types.Bool             `tfsdk:"allow_offline_access"`
	SkipConsent        types.Bool             `tfsdk:"skip_consent_for_verifiable_first_party_clients"`
	TokenDialect       types.String           `tfsdk:"token_dialect"`
	EnforcePolicies    types.Bool             `tfsdk:"enforce_policies"`
	// SigningSecretWO is write-only: known only in the configuration.
	SigningSecretWO        types.String           `tfsdk:"signing_secret_wo"`
	SigningSecretWOVersion validators.WholeNumber `tfsdk:"signing_secret_wo_version"`
}

type scopeModel struct {
	Value       types.String `tfsdk:"value"`
	Description types.String `tfsdk:"description"`
}

var scopeAttrTypes = map[string]attr.Type{
	"value":       types.StringType,
	"description": types.StringType,
}

func (r *resourceServerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_resource_server"
}

func (r *resourceServerResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An API (resource server): the audience access tokens are issued for, and the scopes " +
			"(permissions) that client grants can hand out on it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "The resource server's ID, assigned by the server.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Description: "A friendly name for the API. At most 200 characters, without `<` or `>`.",
				Required:    true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.UTF8LengthAtMost(200),
					validators.ForbiddenCharacters("<>"),
				},
			},
			"identifier": schema.StringAttribute{
				Description: "The API's unique identifier, customarily a URI such as `https://api.example.com/` (any " +
					"string of 1 to 600 characters will do, e.g. `orders.api`). It is the `audience` of the tokens issued " +
					"for this API. It cannot be changed: a new value replaces the API.",
				Required:      true,
				Validators:    []validator.String{validators.APIIdentifier()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"scopes": schema.SetNestedAttribute{
				Description: "The permissions this API defines, e.g. `{ value = \"read:reports\", description = \"Read reports\" }`. " +
					"Order does not matter. Changed in place.",
				Optional: true,
				Computed: true,
				Default:  setdefault.StaticValue(types.SetValueMust(types.ObjectType{AttrTypes: scopeAttrTypes}, nil)),
				Validators: []validator.Set{
					validators.UniqueAttribute("value"),
				},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"value": schema.StringAttribute{
							Description: "The scope's value, e.g. `read:reports`. Must be unique within the API. At most " +
								"280 bytes, without white space, and not starting with `" + mgmt.CreateMarkerScopePrefix + "` (the " +
								"provider's create marker).",
							Required: true,
							Validators: []validator.String{
								stringvalidator.LengthAtLeast(1),
								stringvalidator.LengthAtMost(280),
								validators.NoWhiteSpace(),
								validators.NotACreateMarkerScope(),
							},
						},
						"description": schema.StringAttribute{
							Description: "What the scope allows.",
							Optional:    true,
							Validators:  []validator.String{stringvalidator.LengthAtLeast(1)},
						},
					},
				},
			},
			"signing_alg": schema.StringAttribute{
				Description: "The algorithm access tokens for this API are signed with: `RS256` (default), `PS256` " +
					"(both with the tenant's RSA key) or `HS256` (with `signing_secret`).",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(defaultSigningAlg),
				Validators: []validator.String{stringvalidator.OneOf("RS256", "RS512", "PS256", "HS256")},
			},
			"signing_secret": schema.StringAttribute{
				Description: "The secret HS256 tokens are signed with, at least 16 characters. Generated by the server " +
					"when not set. Kept in state (marked sensitive); to keep a secret you supply out of state, use " +
					"`signing_secret_wo` instead.",
				Optional:  true,
				Computed:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.UTF8LengthAtLeast(16),
					stringvalidator.ConflictsWith(path.MatchRoot("signing_secret_wo")),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"signing_secret_wo": schema.StringAttribute{
				Description: "Write-only form of `signing_secret` (Terraform 1.11 and later, OpenTofu 1.11 and later): sent to the server, never " +
					"stored in plan or state. At least 16 characters. Terraform cannot see changes to it, so it is sent " +
					"on create and whenever `signing_secret_wo_version` changes; while it is in use, `signing_secret` " +
					"stays null in state.",
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				Validators: []validator.String{
					stringvalidator.UTF8LengthAtLeast(16),
					stringvalidator.AlsoRequires(path.MatchRoot("signing_secret_wo_version")),
				},
			},
			"signing_secret_wo_version": schema.Int64Attribute{
				Description: "Any whole number; change it to send a new `signing_secret_wo` to the server (rotation).",
				Optional:    true,
				CustomType:  validators.WholeNumberType{},
				Validators: []validator.Int64{
					int64validator.AlsoRequires(path.MatchRoot("signing_secret_wo")),
				},
			},
			"token_lifetime": schema.Int64Attribute{
				Description: fmt.Sprintf("How long, in seconds, access tokens for this API are valid: 0 to %d "+
					"(30 days), in whole seconds. Defaults to %d (24 hours).", maxTokenLifetime, defaultTokenLifetime),
				Optional:   true,
				Computed:   true,
				CustomType: validators.WholeNumberType{Unit: "seconds"},
				Default:    int64default.StaticInt64(defaultTokenLifetime),
				Validators: []validator.Int64{int64validator.Between(0, maxTokenLifetime)},
			},
			"allow_offline_access": schema.BoolAttribute{
				Description: "Whether refresh tokens can be issued for this API. Defaults to `false`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(false),
			},
			"skip_consent_for_verifiable_first_party_clients": schema.BoolAttribute{
				Description: "Whether first-party clients skip the consent prompt. Defaults to `false`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(false),
			},
			"token_dialect": schema.StringAttribute{
				Description: "The profile of this API's access tokens: `access_token` (Auth0's profile, the default: " +
					"the client in `azp`, the flow in `gty`), `rfc9068_profile` (RFC 9068's JWT profile: header " +
					"`typ` `at+jwt`, the client in `client_id`, a `jti`), or either with `_authz`, which adds the " +
					"`permissions` claim to tokens of users (a client-credentials token has none). Changed in place.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(defaultTokenDialect),
				Validators: []validator.String{stringvalidator.OneOf(tokenDialects...)},
			},
			"enforce_policies": schema.BoolAttribute{
				Description: "Whether role-based access control decides the scopes of users' tokens for this API " +
					"(RBAC). Client-credentials tokens keep the scopes of their grant. Defaults to `false`. Changed in place.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
	}
}

func (r *resourceServerResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *resourceServerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createResource(ctx, r, req, resp)
}

func (r *resourceServerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r, req, resp)
}

func (r *resourceServerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateResource(ctx, r, req, resp)
}

func (r *resourceServerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteResource(ctx, r, req, resp)
}

// ImportState refuses the tenant's own Management API, which Terraform
// cannot change or delete.
func (r *resourceServerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importIDFromIdentity[resourceServerIdentity](ctx, &req, resp) {
		return
	}
	what := fmt.Sprintf("ID %q", req.ID)
	switch {
	case resourceServerIDRegexp.MatchString(req.ID):
	case utf8.RuneCountInString(req.ID) <= validators.MaxAPIIdentifier:
		what = fmt.Sprintf("identifier %q", req.ID)
	default:
		addInvalidImportID(resp, req.ID, resourceServerImportForms)
		return
	}
	importExisting(ctx, &r.clientHolder, resp, r.kind(), what, func(ctx context.Context, c *mgmt.Client) (importedObject, error) {
		rs, err := c.GetResourceServer(ctx, req.ID)
		if err != nil {
			return importedObject{}, err
		}
		return importedObject{id: valueOr(rs.ID, req.ID), system: valueOr(rs.IsSystem, false)}, nil
	})
}

type resourceServerIdentity struct {
	Identifier types.String `tfsdk:"identifier"`
}

func (i resourceServerIdentity) importID() string { return i.Identifier.ValueString() }

func (r *resourceServerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"identifier": requiredString("The API's identifier (its audience), e.g. `https://api.example.com/`."),
	}}
}

func (r *resourceServerResource) identity(m *resourceServerModel) any {
	return resourceServerIdentity{Identifier: m.Identifier}
}

// ModifyPlan keeps signing_secret null in the plan while the secret is
// given write-only, so that a switch from signing_secret to
// signing_secret_wo does not promise the old secret in state; when it stops
// being given so, an unset signing_secret is unknown until read back.
func (r *resourceServerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var version, prior validators.WholeNumber
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("signing_secret_wo_version"), &version)...)
	if !version.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("signing_secret"), types.StringNull())...)
		return
	}
	if req.State.Raw.IsNull() {
		return // create
	}
	var configured types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("signing_secret_wo_version"), &prior)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("signing_secret"), &configured)...)
	if !prior.IsNull() && configured.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("signing_secret"), types.StringUnknown())...)
	}
}

func (r *resourceServerResource) kind() string { return "Resource Server" }

func (r *resourceServerResource) readConfig(ctx context.Context, config tfsdk.Config, plan *resourceServerModel) diag.Diagnostics {
	return config.GetAttribute(ctx, path.Root("signing_secret_wo"), &plan.SigningSecretWO)
}

func (r *resourceServerResource) createObject(ctx context.Context, c *mgmt.Client, plan *resourceServerModel) (*mgmt.ResourceServer, diag.Diagnostics, error) {
	body, diags := plan.toAPI(ctx)
	if diags.HasError() {
		return nil, diags, nil
	}
	body.Identifier = mgmt.String(plan.Identifier.ValueString())
	plan.withWriteOnlySecret(body)
	// Sent only when not the defaults, so that an API without them is
	// created with the body (and create marker) it had before them.
	if d := plan.TokenDialect.ValueString(); d != defaultTokenDialect {
		body.TokenDialect = mgmt.String(d)
	}
	if plan.EnforcePolicies.ValueBool() {
		body.EnforcePolicies = mgmt.Bool(true)
	}
	created, err := c.CreateResourceServer(ctx, body)
	r.noteAPI(c, created)
	return created, diags, err
}

func (r *resourceServerResource) readObject(ctx context.Context, c *mgmt.Client, state *resourceServerModel) (*mgmt.ResourceServer, error) {
	rs, err := c.GetResourceServer(ctx, state.ID.ValueString())
	if err == nil {
		settle(ctx, "resource server", c.SettleResourceServer(ctx, rs))
	}
	r.noteAPI(c, rs)
	return rs, err
}

// updateObject sends the write-only secret only when its version changes:
// Terraform cannot see a change of the secret itself.
func (r *resourceServerResource) updateObject(ctx context.Context, c *mgmt.Client, plan, state *resourceServerModel) (*mgmt.ResourceServer, diag.Diagnostics, error) {
	body, diags := plan.toAPI(ctx)
	if diags.HasError() {
		return nil, diags, nil
	}
	if !plan.SigningSecretWOVersion.Equal(state.SigningSecretWOVersion) {
		plan.withWriteOnlySecret(body)
	}
	if !plan.TokenDialect.Equal(state.TokenDialect) {
		body.TokenDialect = mgmt.String(plan.TokenDialect.ValueString())
	}
	if !plan.EnforcePolicies.Equal(state.EnforcePolicies) {
		body.EnforcePolicies = mgmt.Bool(plan.EnforcePolicies.ValueBool())
	}
	updated, err := c.UpdateResourceServer(ctx, state.ID.ValueString(), body)
	r.noteAPI(c, updated)
	if err == nil {
		diags.Append(grantsOfRemovedScopes(ctx, c, state, updated)...)
	}
	return updated, diags, err
}

func (r *resourceServerResource) deleteObject(ctx context.Context, c *mgmt.Client, state *resourceServerModel) error {
	return c.DeleteResourceServer(ctx, state.ID.ValueString())
}

func (r *resourceServerResource) naturalImportID(plan *resourceServerModel) string {
	return plan.Identifier.ValueString()
}

func (r *resourceServerResource) naturalKey(plan *resourceServerModel) string {
	return fmt.Sprintf("identifier %q", plan.Identifier.ValueString())
}

func (m *resourceServerModel) withWriteOnlySecret(body *mgmt.ResourceServer) {
	if !m.SigningSecretWO.IsNull() && !m.SigningSecretWO.IsUnknown() {
		body.SigningSecret = mgmt.String(m.SigningSecretWO.ValueString())
	}
}

// toAPI leaves the identifier out: the server refuses it in an update.
func (m *resourceServerModel) toAPI(ctx context.Context) (*mgmt.ResourceServer, diag.Diagnostics) {
	var diags diag.Diagnostics
	rs := &mgmt.ResourceServer{
		Name:               mgmt.String(m.Name.ValueString()),
		SigningAlg:         mgmt.String(m.SigningAlg.ValueString()),
		TokenLifetime:      mgmt.Int64(m.TokenLifetime.ValueInt64()),
		AllowOfflineAccess: mgmt.Bool(m.AllowOfflineAccess.ValueBool()),
		SkipConsentForVerifiableFirstPartyClients: mgmt.Bool(m.SkipConsent.ValueBool()),
	}
	if !m.SigningSecret.IsNull() && !m.SigningSecret.IsUnknown() {
		rs.SigningSecret = mgmt.String(m.SigningSecret.ValueString())
	}
	var scopes []scopeModel
	diags.Append(m.Scopes.ElementsAs(ctx, &scopes, false)...)
	apiScopes := make([]mgmt.ResourceServerScope, 0, len(scopes))
	for _, s := range scopes {
		apiScopes = append(apiScopes, mgmt.ResourceServerScope{Value: s.Value.ValueString(), Description: s.Description.ValueString()})
	}
	rs.Scopes = &apiScopes
	return rs, diags
}

func (m *resourceServerModel) fromAPI(_ context.Context, rs *mgmt.ResourceServer) diag.Diagnostics {
	m.ID = types.StringPointerValue(rs.ID)
	m.Name = types.StringPointerValue(rs.Name)
	m.Identifier = types.StringPointerValue(rs.Identifier)
	m.SigningAlg = types.StringValue(valueOr(rs.SigningAlg, defaultSigningAlg))
	switch {
	case !m.SigningSecretWOVersion.IsNull():
		// The secret was given write-only: keep it out of state.
		m.SigningSecret = types.StringNull()
	case rs.SigningSecret != nil:
		m.SigningSecret = types.StringValue(*rs.SigningSecret)
	case m.SigningSecret.IsUnknown():
		m.SigningSecret = types.StringNull()
	}
	m.SigningSecretWO = types.StringNull()
	m.TokenLifetime = validators.WholeNumberValue(valueOr(rs.TokenLifetime, defaultTokenLifetime))
	m.AllowOfflineAccess = types.BoolValue(valueOr(rs.AllowOfflineAccess, false))
	m.SkipConsent = types.BoolValue(valueOr(rs.SkipConsentForVerifiableFirstPartyClients, false))
	m.TokenDialect = types.StringValue(valueOr(rs.TokenDialect, defaultTokenDialect))
	m.EnforcePolicies = types.BoolValue(valueOr(rs.EnforcePolicies, false))

	elems := []attr.Value{}
	if rs.Scopes != nil {
		for _, s := range *rs.Scopes {
			obj, diags := types.ObjectValue(scopeAttrTypes, map[string]attr.Value{
				"value":       types.StringValue(s.Value),
				"description": nonEmptyString(&s.Description),
			})
			if diags.HasError() {
				return diags
			}
			elems = append(elems, obj)
		}
	}
	scopes, diags := types.SetValue(types.ObjectType{AttrTypes: scopeAttrTypes}, elems)
	m.Scopes = scopes
	return diags
}

// grantsOfRemovedScopes warns about the grants that still list a scope
// this update removed: the server keeps it on them, but no token carries it.
func grantsOfRemovedScopes(ctx context.Context, c *mgmt.Client, state *resourceServerModel, updated *mgmt.ResourceServer) diag.Diagnostics {
	var diags diag.Diagnostics
	before, d := state.toAPI(ctx)
	if d.HasError() || before.Scopes == nil || updated == nil {
		return diags
	}
	now := map[string]bool{}
	for _, sc := range valueOr(updated.Scopes, nil) {
		now[sc.Value] = true
	}
	removed := map[string]bool{}
	for _, sc := range *before.Scopes {
		if !now[sc.Value] {
			removed[sc.Value] = true
		}
	}
	if len(removed) == 0 {
		return diags
	}
	grants, err := c.ListClientGrants(ctx, mgmt.ClientGrantFilter{Audience: valueOr(updated.Identifier, "")})
	if err != nil {
		return diags
	}
	var users []string
	for _, g := range grants {
		var stale []string
		for _, s := range valueOr(g.Scope, nil) {
			if removed[s] {
				stale = append(stale, fmt.Sprintf("%q", s))
			}
		}
		if len(stale) > 0 {
			users = append(users, fmt.Sprintf("%s (client %s) lists %s", valueOr(g.ID, ""), valueOr(g.ClientID, ""),
				strings.Join(stale, ", ")))
		}
	}
	if len(users) > 0 {
		diags.AddWarning("Client Grants Use Removed Scopes", fmt.Sprintf("This update removed scopes from the API "+
			"%q that client grants still list: %s. No token carries them any more, and a tenant built from this "+
			"configuration would refuse those grants. Remove the scopes from the grants' scope (the next plan shows "+
			"the grants' change), or keep them on the API.", valueOr(updated.Identifier, ""), strings.Join(users, "; ")))
	}
	return diags
}
