package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var (
	_ resource.ResourceWithConfigure   = &connectionResource{}
	_ resource.ResourceWithImportState = &connectionResource{}
	_ resource.ResourceWithModifyPlan  = &connectionResource{}
	_ resource.ResourceWithIdentity    = &connectionResource{}

	_ objectAPI[*connectionModel, *mgmt.Connection] = &connectionResource{}
	_ naturalKeyed[*connectionModel]                = &connectionResource{}
	_ identified[*connectionModel]                  = &connectionResource{}
)

// A connection name (the real service's rule) never has the underscore of
// an ID: a string that is one is never the other.
var (
	connectionIDRegexp   = regexp.MustCompile(`^con_[A-Za-z0-9]+$`)
	connectionNameRegexp = regexp.MustCompile(`^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$`)
)

const (
	maxConnectionName     = 128
	connectionNameMessage = "must be letters and digits, with single dashes between them (no other characters, no " +
		"leading, trailing or double dash)"
	connectionImportForms = `the connection's ID, "con_" followed by letters and digits (e.g. "con_a1B2c3D4e5F6g7H8"), ` +
		`or its name (e.g. "Username-Password-Authentication")`

	// What the real service's dashboard sets for a new database connection.
	defaultPasswordPolicy = "good"
)

func connectionNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, maxConnectionName),
		stringvalidator.RegexMatches(connectionNameRegexp, connectionNameMessage),
	}
}

// connectionResource manages a database connection (strategy auth0).
type connectionResource struct {
	clientHolder
}

// NewConnectionResource returns the idp_connection resource.
func NewConnectionResource() resource.Resource {
	return &connectionResource{}
}

type connectionModel struct {
	ID                   types.String `tfsdk:"id"`
	Name                 types.String `tfsdk:"name"`
	DisplayName          types.String `tfsdk:"display_name"`
	Strategy             types.String `tfsdk:"strategy"`
	DisableSignup        types.Bool   `tfsdk:"disable_signup"`
	RequiresUsername     types.Bool   `tfsdk:"requires_username"`
	BruteForceProtection types.Bool   `tfsdk:"brute_force_protection"`
	PasswordPolicy       types.String `tfsdk:"password_policy"`
}

func (r *connectionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection"
}

func (r *connectionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A database connection (strategy `auth0`): a store of users who sign in with a username or " +
			"e-mail and a password. Which clients may use it is not an attribute of the connection: declare it with " +
			"`idp_connection_clients` (per connection) or `enabled_connections` of `idp_client` (per client). " +
			"Options the resource does not manage (custom scripts, MFA, password history, ...) are kept as they are.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "The connection's ID (`con_…`), assigned by the server.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Description: "The connection's name, unique in the tenant: 1 to 128 letters and digits with single " +
					"dashes between them. Users and applications refer to it by name, so changing it replaces the " +
					"connection, and its users with it.",
				Required:      true,
				Validators:    connectionNameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"display_name": schema.StringAttribute{
				Description: "The name shown to users on the login page. At most 128 characters. Defaults to `name`.",
				Optional:    true,
				Computed:    true,
				Validators:  []validator.String{stringvalidator.UTF8LengthAtMost(maxConnectionName)},
			},
			"strategy": schema.StringAttribute{
				Description:   "The connection's strategy; always `auth0`, the database strategy.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"disable_signup": schema.BoolAttribute{
				Description: "Whether users cannot sign themselves up (only the Management API creates them). Defaults to `false`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(false),
			},
			"requires_username": schema.BoolAttribute{
				Description: "Whether users have a username besides their e-mail address. Defaults to `false`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(false),
			},
			"brute_force_protection": schema.BoolAttribute{
				Description: "Whether repeated failed logins from one IP address to one account are blocked. Defaults to `true`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(true),
			},
			"password_policy": schema.StringAttribute{
				Description: "How strong passwords must be: `none`, `low`, `fair`, `good` (the default) or `excellent`.",
				Optional:    true,
				Computed:    true,
				Default:     stringdefault.StaticString(defaultPasswordPolicy),
				Validators:  []validator.String{stringvalidator.OneOf("none", "low", "fair", "good", "excellent")},
			},
		},
	}
}

func (r *connectionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *connectionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createResource(ctx, r, req, resp)
}

func (r *connectionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r, req, resp)
}

func (r *connectionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateResource(ctx, r, req, resp)
}

func (r *connectionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteResource(ctx, r, req, resp)
}

// ModifyPlan makes display_name default to the name.
func (r *connectionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var config types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("display_name"), &config)...)
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("display_name"), name)...)
	}
	if req.State.Raw.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("strategy"), types.StringValue(mgmt.StrategyDatabase))...)
	}
}

type connectionIdentity struct {
	Name types.String `tfsdk:"name"`
}

func (i connectionIdentity) importID() string { return i.Name.ValueString() }

func (r *connectionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"name": requiredString("The connection's name, unique in the tenant."),
	}}
}

func (r *connectionResource) identity(m *connectionModel) any {
	return connectionIdentity{Name: m.Name}
}

func (r *connectionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importIDFromIdentity[connectionIdentity](ctx, &req, resp) {
		return
	}
	var what string
	switch {
	case connectionIDRegexp.MatchString(req.ID):
		what = fmt.Sprintf("ID %q", req.ID)
	case len(req.ID) <= maxConnectionName && connectionNameRegexp.MatchString(req.ID):
		what = fmt.Sprintf("name %q", req.ID)
	default:
		addInvalidImportID(resp, req.ID, connectionImportForms)
		return
	}
	cn, ok := connectionLookup(req.ID, what).run(ctx, &r.clientHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	if s := valueOr(cn.Strategy, ""); s != mgmt.StrategyDatabase {
		resp.Diagnostics.AddError("Cannot Import Connection",
			fmt.Sprintf("The connection with %s has strategy %q; idp_connection manages database connections "+
				"(strategy \"auth0\") only. Look it up with the idp_connection data source instead.", what, s))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), valueOr(cn.ID, ""))...)
}

func connectionLookup(key, what string) lookup[*mgmt.Connection] {
	return lookup[*mgmt.Connection]{
		kind:  "Connection",
		what:  what,
		check: "ID or name (names are matched exactly, case included)",
		get: func(ctx context.Context, c *mgmt.Client) (*mgmt.Connection, error) {
			if connectionIDRegexp.MatchString(key) {
				return c.GetConnection(ctx, key)
			}
			cn, err := c.GetConnectionByName(ctx, key)
			if err == nil && cn == nil {
				err = errNoSuchObject
			}
			return cn, err
		},
	}
}

func (r *connectionResource) kind() string { return "Connection" }

func (r *connectionResource) createObject(ctx context.Context, c *mgmt.Client, plan *connectionModel) (*mgmt.Connection, diag.Diagnostics, error) {
	body := &mgmt.Connection{
		Name:        mgmt.String(plan.Name.ValueString()),
		Strategy:    mgmt.String(mgmt.StrategyDatabase),
		DisplayName: mgmt.String(plan.DisplayName.ValueString()),
		Options:     plan.options(nil),
	}
	created, err := c.CreateConnection(ctx, body)
	return created, nil, err
}

func (r *connectionResource) readObject(ctx context.Context, c *mgmt.Client, state *connectionModel) (*mgmt.Connection, error) {
	cn, err := c.GetConnection(ctx, state.ID.ValueString())
	if err == nil {
		settle(ctx, "connection", c.SettleConnection(ctx, cn))
	}
	return cn, err
}

// updateObject reads the options first: a PATCH of options replaces them
// whole, and those set elsewhere (custom scripts, MFA, ...) must stay. It
// sends options only when the managed ones change, and never when the
// read could not see them.
func (r *connectionResource) updateObject(ctx context.Context, c *mgmt.Client, plan, state *connectionModel) (*mgmt.Connection, diag.Diagnostics, error) {
	current, err := c.GetConnection(ctx, state.ID.ValueString())
	if err != nil {
		return nil, nil, err
	}
	body := &mgmt.Connection{DisplayName: mgmt.String(plan.DisplayName.ValueString())}
	switch {
	case current.Options == nil && !plan.sameOptions(state):
		var diags diag.Diagnostics
		diags.AddError("Connection Options Not Readable", fmt.Sprintf("Connection %q was read without its options: "+
			"the provider's token lacks the %s scope. A change of disable_signup, requires_username, "+
			"brute_force_protection or password_policy is sent as the whole options object, which would erase the "+
			"options this resource does not manage (custom scripts, MFA, password history, ...), so nothing was sent. "+
			"Grant the provider's client %s and %s on the Management API, then apply again.",
			plan.Name.ValueString(), scopeReadConnectionOptions, scopeReadConnectionOptions, scopeUpdateConnectionOptions))
		return nil, diags, nil
	case current.Options != nil && !plan.optionsAre(current.Options):
		body.Options = plan.options(current.Options)
	}
	updated, err := c.UpdateConnection(ctx, state.ID.ValueString(), body)
	return updated, nil, err
}

// The scopes a token needs to see and to change a connection's options.
const (
	scopeReadConnectionOptions   = "read:connections_options"
	scopeUpdateConnectionOptions = "update:connections_options"
)

func optionsNotReadable(name string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Connection Options Not Readable", fmt.Sprintf("The Management API answered "+
		"connection %q without its options: the provider's token lacks the %s scope. The option attributes keep "+
		"their last known values (null when there are none), and changes made outside Terraform go unseen.",
		name, scopeReadConnectionOptions))
}

func (r *connectionResource) deleteObject(ctx context.Context, c *mgmt.Client, state *connectionModel) error {
	return c.DeleteConnection(ctx, state.ID.ValueString())
}

func (r *connectionResource) naturalImportID(plan *connectionModel) string {
	return plan.Name.ValueString()
}

func (r *connectionResource) naturalKey(plan *connectionModel) string {
	return fmt.Sprintf("name %q", plan.Name.ValueString())
}

func (m *connectionModel) options(current *mgmt.ConnectionOptions) *mgmt.ConnectionOptions {
	o := &mgmt.ConnectionOptions{}
	if current != nil {
		o.Extra = current.Extra
	}
	o.DisableSignup = mgmt.Bool(m.DisableSignup.ValueBool())
	o.RequiresUsername = mgmt.Bool(m.RequiresUsername.ValueBool())
	o.BruteForceProtection = mgmt.Bool(m.BruteForceProtection.ValueBool())
	o.PasswordPolicy = mgmt.String(m.PasswordPolicy.ValueString())
	return o
}

// sameOptions reports whether m and o manage the same option values.
func (m *connectionModel) sameOptions(o *connectionModel) bool {
	return m.DisableSignup.Equal(o.DisableSignup) && m.RequiresUsername.Equal(o.RequiresUsername) &&
		m.BruteForceProtection.Equal(o.BruteForceProtection) && m.PasswordPolicy.Equal(o.PasswordPolicy)
}

// optionsAre reports whether the connection's options already hold m's.
func (m *connectionModel) optionsAre(o *mgmt.ConnectionOptions) bool {
	return m.DisableSignup.Equal(types.BoolPointerValue(o.DisableSignup)) &&
		m.RequiresUsername.Equal(types.BoolPointerValue(o.RequiresUsername)) &&
		m.BruteForceProtection.Equal(types.BoolPointerValue(o.BruteForceProtection)) &&
		m.PasswordPolicy.Equal(types.StringPointerValue(o.PasswordPolicy))
}

// fromAPI reads an option the connection does not have as null, so that
// the next plan writes it, and a missing display name as the name, as the
// login page shows it (an empty one, which the service takes, stays empty).
func (m *connectionModel) fromAPI(_ context.Context, cn *mgmt.Connection) diag.Diagnostics {
	m.ID = types.StringPointerValue(cn.ID)
	m.Name = types.StringPointerValue(cn.Name)
	m.Strategy = types.StringPointerValue(cn.Strategy)
	m.DisplayName = types.StringPointerValue(cn.DisplayName)
	if m.DisplayName.IsNull() {
		m.DisplayName = m.Name
	}
	o := cn.Options
	if o == nil {
		// Answered without options (no read:connections_options): keep what is known.
		return diag.Diagnostics{optionsNotReadable(m.Name.ValueString())}
	}
	m.DisableSignup = types.BoolPointerValue(o.DisableSignup)
	m.RequiresUsername = types.BoolPointerValue(o.RequiresUsername)
	m.BruteForceProtection = types.BoolPointerValue(o.BruteForceProtection)
	m.PasswordPolicy = types.StringPointerValue(o.PasswordPolicy)
	return nil
}
