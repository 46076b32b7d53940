package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
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
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

var (
	_ resource.ResourceWithConfigure   = &clientResource{}
	_ resource.ResourceWithImportState = &clientResource{}
	_ resource.ResourceWithModifyPlan  = &clientResource{}
	_ resource.ResourceWithIdentity    = &clientResource{}

	_ resource.ResourceWithValidateConfig = &clientResource{}

	_ objectAPI[*clientModel, *mgmt.Application] = &clientResource{}
	_ identified[*clientModel]                   = &clientResource{}
	_ configReader[*clientModel]                 = &clientResource{}
)

const (
	defaultAppType    = "non_interactive"
	defaultAuthMethod = "client_secret_post"
	authPrivateKeyJWT = "private_key_jwt"
	grantTypeClientCC = "client_credentials"

	clientImportForms = `the client ID, 32 letters and digits (e.g. "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6")`
)

// clientResource manages an application (client), typically a
// machine-to-machine one that uses the client-credentials grant.
type clientResource struct {
	clientHolder
}

// NewClientResource returns the idp_client resource.
func NewClientResource() resource.Resource {
	return &clientResource{}
}

type clientModel struct {
	ID                      types.String           `tfsdk:"id"`
	ClientID                types.String           `tfsdk:"client_id"`
	ClientSecret            types.String           `tfsdk:"client_secret"`
	Name                    types.String           `tfsdk:"name"`
	Description             types.String           `tfsdk:"description"`
	AppType                 types.String           `tfsdk:"app_type"`
	GrantTypes              types.Set              `tfsdk:"grant_types"`
	TokenEndpointAuthMethod types.String           `tfsdk:"token_endpoint_auth_method"`
	IsFirstParty            types.Bool             `tfsdk:"is_first_party"`
	Callbacks               types.Set              `tfsdk:"callbacks"`
	AllowedOrigins          types.Set              `tfsdk:"allowed_origins"`
	WebOrigins              types.Set              `tfsdk:"web_origins"`
	AllowedLogoutURLs       types.Set              `tfsdk:"allowed_logout_urls"`
	SecretRotationVersion   validators.WholeNumber `tfsdk:"client_secret_rotation_version"`
	EnabledConnections      types.Set              `tfsdk:"enabled_connections"`
	// ClientSecretWO is write-only: known only in the configuration.
	ClientSecretWO        types.String           `tfsdk:"client_secret_wo"`
	ClientSecretWOVersion validators.WholeNumber `tfsdk:"client_secret_wo_version"`
}

func (r *clientResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_client"
}

func (r *clientResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "An application (client). With the default settings it is a machine-to-machine application " +
			"that gets tokens with the client-credentials grant; give it access to an API with `idp_client_grant`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Same as `client_id`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"client_id": schema.StringAttribute{
				Description:   "The client ID, assigned by the server.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"client_secret": schema.StringAttribute{
				Description: "The client secret, assigned by the server. Reading it needs the `read:client_keys` scope; " +
					"without it the value from creation is kept. Null while the secret is given as `client_secret_wo`.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Description: "The application's name, without `<` or `>`.",
				Required:    true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					validators.ForbiddenCharacters("<>"),
				},
			},
			"description": schema.StringAttribute{
				Description: "What the application is for. At most 140 characters.",
				Optional:    true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.UTF8LengthAtMost(140),
				},
			},
			"app_type": schema.StringAttribute{
				Description: "The kind of application: `non_interactive` (machine-to-machine, the default), `spa`, " +
					"`native` or `regular_web`.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(defaultAppType),
				Validators: []validator.String{stringvalidator.OneOf(defaultAppType, "spa", "native", "regular_web")},
			},
			"grant_types": schema.SetAttribute{
				Description: "The grants the application may use. Defaults to `[\"client_credentials\"]`.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default: setdefault.StaticValue(types.SetValueMust(types.StringType,
					[]attr.Value{types.StringValue(grantTypeClientCC)})),
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(grantTypeClientCC, "authorization_code",
						"implicit", "refresh_token", "password")),
				},
			},
			"is_first_party": schema.BoolAttribute{
				Description: "Whether the application is your own (`true`, the default) or a third party's, such as a " +
					"partner's (`false`). A third-party application also gets tokens for an API through the API's " +
					"`idp_default_client_grant` when it has no `idp_client_grant` of its own for it. Changed in place.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"callbacks": clientURLsAttribute("The URLs a login may return to with its result (the " +
				"`redirect_uri` of an authorization request), for `spa`, `native` and `regular_web` applications."),
			"allowed_origins": clientURLsAttribute("The origins a browser may embed the login in or call it " +
				"from (cross-origin authentication)."),
			"web_origins": clientURLsAttribute("The origins a browser application may renew its tokens from " +
				"silently (web message response mode, CORS of the token endpoint)."),
			"allowed_logout_urls": clientURLsAttribute("The URLs a logout may return to."),
			"client_secret_rotation_version": schema.Int64Attribute{
				Description: "Any whole number; changing it from one number to another rotates the client secret in " +
					"place (the client ID stays, the old secret stops working at once). Setting it for the first " +
					"time, or removing it, rotates nothing.",
				Optional:   true,
				CustomType: validators.WholeNumberType{},
			},
			"client_secret_wo": schema.StringAttribute{
				Description: "Write-only client secret of your choosing (Terraform 1.11 and later, OpenTofu 1.11 and " +
					"later): sent to the server, never stored in plan or state. At least 1 character. Terraform cannot see " +
					"changes to it, so it is sent on create and whenever `client_secret_wo_version` changes; while it is " +
					"in use, `client_secret` stays null in state. Changing it needs the `update:client_keys` scope.",
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				Validators: []validator.String{
					stringvalidator.UTF8LengthAtLeast(1),
					stringvalidator.AlsoRequires(path.MatchRoot("client_secret_wo_version")),
				},
			},
			"client_secret_wo_version": schema.Int64Attribute{
				Description: "Any whole number; change it to send a new `client_secret_wo` to the server (rotation: the " +
					"old secret stops working at once). Cannot be used with `client_secret_rotation_version`.",
				Optional:   true,
				CustomType: validators.WholeNumberType{},
				Validators: []validator.Int64{
					int64validator.AlsoRequires(path.MatchRoot("client_secret_wo")),
				},
			},
			"token_endpoint_auth_method": schema.StringAttribute{
				Description: "How the application authenticates at the token endpoint: `client_secret_post` (secret in " +
					"the request body; what a new client gets when this is not set) or `client_secret_basic` (HTTP " +
					"Basic). Left unset, it is not managed here but read: `private_key_jwt` while an " +
					"`idp_client_credentials` gives the client keys, or whatever that resource chose. Set it here or " +
					"there, never in both.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				Validators:    []validator.String{stringvalidator.OneOf(defaultAuthMethod, "client_secret_basic")},
			},
			"enabled_connections": enabledConnectionsAttribute(),
		},
	}
}

func (r *clientResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *clientResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createResource(ctx, r, req, resp)
}

func (r *clientResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r, req, resp)
}

func (r *clientResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateResource(ctx, r, req, resp)
}

func (r *clientResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteResource(ctx, r, req, resp)
}

func (r *clientResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importIDFromIdentity[clientIdentity](ctx, &req, resp) {
		return
	}
	if !validators.IsClientID(req.ID) {
		addInvalidImportID(resp, req.ID, clientImportForms)
		return
	}
	importExisting(ctx, &r.clientHolder, resp, r.kind(), fmt.Sprintf("client ID %q", req.ID),
		func(ctx context.Context, c *mgmt.Client) (importedObject, error) {
			a, err := c.GetApplication(ctx, req.ID)
			if err != nil {
				return importedObject{}, err
			}
			return importedObject{id: valueOr(a.ClientID, req.ID)}, nil
		})
}

type clientIdentity struct {
	ClientID types.String `tfsdk:"client_id"`
}

func (i clientIdentity) importID() string { return i.ClientID.ValueString() }

func (r *clientResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"client_id": requiredString("The client ID."),
	}}
}

func (r *clientResource) identity(m *clientModel) any {
	return clientIdentity{ClientID: m.ClientID}
}

// ValidateConfig refuses the two ways of rotating together: a server-side
// rotation would replace the secret given write-only.
func (r *clientResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var rotation, woVersion validators.WholeNumber
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("client_secret_rotation_version"), &rotation)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("client_secret_wo_version"), &woVersion)...)
	if resp.Diagnostics.HasError() || rotation.IsNull() || woVersion.IsNull() {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("client_secret_rotation_version"), "Conflicting Secret Rotation",
		"client_secret_rotation_version has the server generate a new secret, which would replace the one given in "+
			"client_secret_wo. Use one or the other: to rotate a write-only secret, change client_secret_wo and "+
			"bump client_secret_wo_version.")
}

// ModifyPlan shows a rotation coming: the secret is unknown until applied.
// While the secret is given write-only, it stays null, so that a switch to
// client_secret_wo does not promise the old secret in state; when it stops
// being given so, the secret is unknown until read back.
func (r *clientResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan clientModel
	resp.Diagnostics.Append(getPlan(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.ClientSecretWOVersion.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("client_secret"), types.StringNull())...)
		return
	}
	if req.State.Raw.IsNull() {
		return // create
	}
	var state clientModel
	resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() || !plan.rotatesSecret(&state) && state.ClientSecretWOVersion.IsNull() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("client_secret"), types.StringUnknown())...)
}

func (r *clientResource) kind() string { return "Client" }

func (r *clientResource) readConfig(ctx context.Context, config tfsdk.Config, plan *clientModel) diag.Diagnostics {
	return config.GetAttribute(ctx, path.Root("client_secret_wo"), &plan.ClientSecretWO)
}

func (r *clientResource) createObject(ctx context.Context, c *mgmt.Client, plan *clientModel) (*mgmt.Application, diag.Diagnostics, error) {
	body, diags := plan.toAPI(ctx)
	if diags.HasError() {
		return nil, diags, nil
	}
	plan.withWriteOnlySecret(body)
	// Unset (unknown in the plan), a new client gets client_secret_post, as
	// before the method could be left to idp_client_credentials.
	body.TokenEndpointAuthMethod = mgmt.String(defaultAuthMethod)
	if !plan.TokenEndpointAuthMethod.IsUnknown() {
		body.TokenEndpointAuthMethod = mgmt.String(plan.TokenEndpointAuthMethod.ValueString())
	}
	// Sent only for a third party's client, so that a first-party client's
	// create body (and create marker) is what it was before the argument.
	if !plan.IsFirstParty.ValueBool() {
		body.IsFirstParty = mgmt.Bool(false)
	}
	diags.Append(plan.setURLs(ctx, body, nil)...)
	if diags.HasError() {
		return nil, diags, nil
	}
	created, err := c.CreateApplication(ctx, body)
	if err != nil || plan.EnabledConnections.IsNull() {
		return created, diags, err
	}
	// The tenant enabled the new client on every connection.
	err = r.setConnections(ctx, c, valueOr(created.ClientID, ""), plan, &diags)
	if err != nil {
		err = &partialCreateError{kind: "Client", id: valueOr(created.ClientID, ""),
			step: "setting its enabled_connections", obj: created, err: err}
	}
	return created, diags, err
}

func (r *clientResource) setConnections(ctx context.Context, c *mgmt.Client, clientID string, plan *clientModel, diags *diag.Diagnostics) error {
	var want []string
	diags.Append(plan.EnabledConnections.ElementsAs(ctx, &want, false)...)
	if diags.HasError() {
		return nil
	}
	return setEnabledConnections(ctx, c, clientID, want)
}

// readObject reads enabled_connections only when it is set: left null,
// the read is one GET.
func (r *clientResource) readObject(ctx context.Context, c *mgmt.Client, state *clientModel) (*mgmt.Application, error) {
	a, err := c.GetApplication(ctx, state.ID.ValueString())
	if err == nil {
		settle(ctx, "client", c.SettleApplication(ctx, a))
	}
	if err != nil || state.EnabledConnections.IsNull() {
		return a, err
	}
	var prior []string
	if d := state.EnabledConnections.ElementsAs(ctx, &prior, false); d.HasError() {
		return nil, fmt.Errorf("reading enabled_connections from the state: %v", d)
	}
	enabled, err := readEnabledConnections(ctx, c, state.ID.ValueString(), prior)
	if err != nil {
		return nil, err
	}
	set, d := setValue(ctx, enabled)
	if d.HasError() {
		return nil, fmt.Errorf("enabled_connections: %v", d)
	}
	state.EnabledConnections = set
	return a, nil
}

// updateObject rotates the secret last: the rotation's answer carries the
// new secret. The write-only secret is sent only when its version changes:
// Terraform cannot see a change of the secret itself.
func (r *clientResource) updateObject(ctx context.Context, c *mgmt.Client, plan, state *clientModel) (*mgmt.Application, diag.Diagnostics, error) {
	body, diags := plan.toAPI(ctx)
	if diags.HasError() {
		return nil, diags, nil
	}
	if !plan.ClientSecretWOVersion.Equal(state.ClientSecretWOVersion) {
		plan.withWriteOnlySecret(body)
	}
	// Unset, the method keeps its value from the state and is not sent.
	if !plan.TokenEndpointAuthMethod.Equal(state.TokenEndpointAuthMethod) {
		body.TokenEndpointAuthMethod = mgmt.String(plan.TokenEndpointAuthMethod.ValueString())
	}
	if !plan.IsFirstParty.Equal(state.IsFirstParty) {
		body.IsFirstParty = mgmt.Bool(plan.IsFirstParty.ValueBool())
	}
	diags.Append(plan.setURLs(ctx, body, state)...)
	if diags.HasError() {
		return nil, diags, nil
	}
	updated, err := c.UpdateApplication(ctx, state.ID.ValueString(), body)
	if err == nil && !plan.EnabledConnections.IsNull() && !plan.EnabledConnections.Equal(state.EnabledConnections) {
		err = r.setConnections(ctx, c, state.ID.ValueString(), plan, &diags)
	}
	if err != nil || !plan.rotatesSecret(state) {
		return updated, diags, err
	}
	rotated, err := c.RotateApplicationSecret(ctx, state.ID.ValueString())
	return rotated, diags, err
}

func (r *clientResource) deleteObject(ctx context.Context, c *mgmt.Client, state *clientModel) error {
	return c.DeleteApplication(ctx, state.ID.ValueString())
}

// rotatesSecret is client_secret_rotation_version changing from one number
// to another. Setting it for the first time does not rotate, so that adding
// it, or importing a client whose configuration has it, never cuts off the
// services using the current secret.
func (m *clientModel) rotatesSecret(state *clientModel) bool {
	return !m.SecretRotationVersion.IsNull() && !state.SecretRotationVersion.IsNull() &&
		!m.SecretRotationVersion.Equal(state.SecretRotationVersion)
}

func (m *clientModel) withWriteOnlySecret(body *mgmt.Application) {
	if !m.ClientSecretWO.IsNull() && !m.ClientSecretWO.IsUnknown() {
		body.ClientSecret = mgmt.String(m.ClientSecretWO.ValueString())
	}
}

// toAPI sends a removed description as "", so that the update clears it.
// The method is left to Create and Update, which send it on create and when
// it changes: sent with every update, it would switch a client that
// idp_client_credentials gave keys back to its secret.
func (m *clientModel) toAPI(ctx context.Context) (*mgmt.Application, diag.Diagnostics) {
	var grantTypes []string
	diags := m.GrantTypes.ElementsAs(ctx, &grantTypes, false)
	return &mgmt.Application{
		Name:        mgmt.String(m.Name.ValueString()),
		Description: mgmt.String(m.Description.ValueString()),
		AppType:     mgmt.String(m.AppType.ValueString()),
		GrantTypes:  &grantTypes,
	}, diags
}

// authMethod is how a client authenticates: the server leaves
// token_endpoint_auth_method out while client_authentication_methods
// replaces it, also to a token that may not read the latter.
func authMethod(a *mgmt.Application) string {
	if a.TokenEndpointAuthMethod == nil {
		return authPrivateKeyJWT
	}
	return *a.TokenEndpointAuthMethod
}

// fromAPI keeps the known secret when the server sent none (the token
// lacks read:client_keys).
func (m *clientModel) fromAPI(ctx context.Context, a *mgmt.Application) diag.Diagnostics {
	m.ID = types.StringPointerValue(a.ClientID)
	m.ClientID = types.StringPointerValue(a.ClientID)
	switch {
	case !m.ClientSecretWOVersion.IsNull() || authMethod(a) == authPrivateKeyJWT:
		// The secret was given write-only, or opens nothing: keep it out of state.
		m.ClientSecret = types.StringNull()
	case a.ClientSecret != nil:
		m.ClientSecret = types.StringValue(*a.ClientSecret)
	case m.ClientSecret.IsUnknown():
		m.ClientSecret = types.StringNull()
	}
	m.ClientSecretWO = types.StringNull()
	m.Name = types.StringPointerValue(a.Name)
	m.Description = nonEmptyString(a.Description)
	m.AppType = types.StringValue(valueOr(a.AppType, defaultAppType))
	m.TokenEndpointAuthMethod = types.StringValue(authMethod(a))
	m.IsFirstParty = types.BoolValue(valueOr(a.IsFirstParty, true))
	var diags diag.Diagnostics
	for _, u := range m.urlLists() {
		set, d := setValue(ctx, valueOr(*u.of(a), []string{}))
		diags.Append(d...)
		*u.attr = set
	}
	grantTypes := valueOr(a.GrantTypes, []string{grantTypeClientCC})
	set, d := types.SetValueFrom(ctx, types.StringType, grantTypes)
	m.GrantTypes = set
	diags.Append(d...)
	return diags
}

// clientURLsAttribute is one of a client's URL lists: a set, since Auth0
// gives the order no meaning; unset is none, as [] is.
func clientURLsAttribute(what string) schema.SetAttribute {
	return schema.SetAttribute{
		Description: what + " Unset or `[]` is none. Changed in place.",
		ElementType: types.StringType,
		Optional:    true,
		Computed:    true,
		Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
	}
}

// clientURLList pairs a URL list attribute with its field of the API object.
type clientURLList struct {
	attr *types.Set
	of   func(a *mgmt.Application) **[]string
}

func (m *clientModel) urlLists() []clientURLList {
	return []clientURLList{
		{&m.Callbacks, func(a *mgmt.Application) **[]string { return &a.Callbacks }},
		{&m.AllowedOrigins, func(a *mgmt.Application) **[]string { return &a.AllowedOrigins }},
		{&m.WebOrigins, func(a *mgmt.Application) **[]string { return &a.WebOrigins }},
		{&m.AllowedLogoutURLs, func(a *mgmt.Application) **[]string { return &a.AllowedLogoutURLs }},
	}
}

// setURLs puts into body the URL lists of the plan that differ from the
// state's, or, on create (no state), those that are not empty: a client
// without URLs is created with the body it had before they were managed.
func (m *clientModel) setURLs(ctx context.Context, body *mgmt.Application, state *clientModel) diag.Diagnostics {
	var diags diag.Diagnostics
	var prior []clientURLList
	if state != nil {
		prior = state.urlLists()
	}
	for i, u := range m.urlLists() {
		urls := []string{}
		diags.Append(u.attr.ElementsAs(ctx, &urls, false)...)
		if state == nil && len(urls) == 0 || state != nil && u.attr.Equal(*prior[i].attr) {
			continue
		}
		*u.of(body) = &urls
	}
	return diags
}
