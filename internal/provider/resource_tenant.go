package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

var (
	_ resource.ResourceWithConfigure   = &tenantResource{}
	_ resource.ResourceWithImportState = &tenantResource{}
	_ resource.ResourceWithIdentity    = &tenantResource{}
	_ resource.ResourceWithModifyPlan  = &tenantResource{}

	_ objectAPI[*tenantModel, *mgmt.Tenant] = &tenantResource{}
	_ naturalKeyed[*tenantModel]            = &tenantResource{}
	_ identified[*tenantModel]              = &tenantResource{}
)

var (
	tenantIDRegexp   = regexp.MustCompile(`^ten_[A-Za-z0-9]+$`)
	tenantNameRegexp = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
)

const tenantImportForms = `the tenant's ID, "ten_" followed by letters and digits (e.g. "ten_a1B2c3D4e5F6g7H8"), or ` +
	`its name, 3 to 63 lowercase letters, digits and hyphens (e.g. "customer-1")`

// tenantResource manages a tenant hosted by the root tenant: an isolated
// authorization server with its own domain, keys, APIs and clients.
type tenantResource struct {
	clientHolder
}

// NewTenantResource returns the idp_tenant resource.
func NewTenantResource() resource.Resource {
	return &tenantResource{}
}

type tenantModel struct {
	ID                     types.String `tfsdk:"id"`
	Name                   types.String `tfsdk:"name"`
	DisplayName            types.String `tfsdk:"display_name"`
	Owners                 types.Set    `tfsdk:"owners"`
	Metadata               types.Map    `tfsdk:"metadata"`
	Domain                 types.String `tfsdk:"domain"`
	ManagementClientID     types.String `tfsdk:"management_client_id"`
	ManagementClientSecret types.String `tfsdk:"management_client_secret"`
	// The key the management client was switched to at creation.
	ManagementClientPublicKey          types.String `tfsdk:"management_client_public_key"`
	ManagementClientPublicKeyAlgorithm types.String `tfsdk:"management_client_public_key_algorithm"`
}

func (r *tenantResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tenant"
}

func (r *tenantResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A tenant: an isolated authorization server with its own domain, signing keys, APIs and " +
			"clients, created through the root tenant's Management API (the provider's application needs the " +
			"`create:tenants` scope there). The new tenant's `domain`, `management_client_id` and " +
			"`management_client_secret` can configure a second `idp` provider that manages the tenant in the same run.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "The tenant's ID (`ten_…`), assigned by the server.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Description: "The tenant's name, part of its domain: 3 to 63 lowercase letters, digits and hyphens, " +
					"starting and ending with a letter or digit; `settings` is reserved. Changing it replaces the " +
					"tenant, and everything in it.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(tenantNameRegexp,
						"must be 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"),
					stringvalidator.NoneOf("settings"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"display_name": schema.StringAttribute{
				Description: "A human-friendly name, e.g. the customer's company name. At most 255 characters.",
				Optional:    true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.UTF8LengthAtMost(255),
				},
			},
			"owners": schema.SetAttribute{
				Description: "E-mail addresses of the tenant's owners.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
				Validators:  []validator.Set{setvalidator.ValueStringsAre(validators.Email())},
			},
			"metadata": schema.MapAttribute{
				Description: "Free-form string metadata, e.g. the customer's company identity: at most 10 properties; " +
					"names of 1 to 255 characters, each a letter, a digit, a space, a tab or one of " + "`:,-+=_*?\"/\\()<>@`" + "; " +
					"values of at most 255 characters.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{})),
				Validators:  []validator.Map{validators.Metadata(), validators.NotTheCreateMarker()},
			},
			"domain": schema.StringAttribute{
				Description:   "The tenant's domain in URL form; use it as the `domain` of a provider that manages the tenant.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"management_client_id": schema.StringAttribute{
				Description: "Client ID of the tenant's Management API application, created with the tenant and " +
					"granted every management scope of the tenant. Null for an imported tenant: the server only " +
					"reveals these credentials when the tenant is created.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"management_client_secret": schema.StringAttribute{
				Description: "Client secret that goes with `management_client_id`. Null for an imported tenant, and " +
					"for one created with `management_client_public_key`, whose secret no longer authenticates.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"management_client_public_key": schema.StringAttribute{
				Description: "The PEM of an RSA public key (2048 to 4096 bits; or an X.509 certificate of one) for the " +
					"tenant's Management API application. At creation the provider registers it on that application " +
					"and switches the application to Private Key JWT, using the one-time secret of the create answer " +
					"in memory only: `management_client_secret` stays null, nothing secret is stored, and a second " +
					"`idp` provider signs in to the tenant with `client_id = management_client_id` and the private key " +
					"as `client_assertion_private_key`. It takes effect at creation only: a different key on an " +
					"existing tenant is refused at plan (rotate the key with the tenant's own provider, as the " +
					"guide \"Nothing secret at rest\" shows), and removing the argument changes nothing on the server. If the " +
					"switch fails, the tenant is saved tainted and the next apply replaces it.",
				Optional:   true,
				Validators: []validator.String{validators.PublicKeyPEM()},
			},
			"management_client_public_key_algorithm": schema.StringAttribute{
				Description: "The algorithm the tenant's Management API application signs its assertions with, " +
					"`RS256` (the default when null), `RS384` or `PS256`; the tenant's provider block sets the same as " +
					"`client_assertion_signing_alg`. Like the key, it takes effect at creation only.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.OneOf("RS256", "RS384", "PS256"),
					stringvalidator.AlsoRequires(path.MatchRoot("management_client_public_key")),
				},
			},
		},
	}
}

func (r *tenantResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *tenantResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createResource(ctx, r, req, resp)
}

func (r *tenantResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r, req, resp)
}

func (r *tenantResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateResource(ctx, r, req, resp)
}

func (r *tenantResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteResource(ctx, r, req, resp)
}

// ImportState cannot import the management client's credentials: the
// server shows them only at creation.
func (r *tenantResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importIDFromIdentity[tenantIdentity](ctx, &req, resp) {
		return
	}
	what := fmt.Sprintf("ID %q", req.ID)
	switch {
	case tenantIDRegexp.MatchString(req.ID):
	case tenantNameRegexp.MatchString(req.ID):
		what = fmt.Sprintf("name %q", req.ID)
	default:
		addInvalidImportID(resp, req.ID, tenantImportForms)
		return
	}
	importExisting(ctx, &r.clientHolder, resp, r.kind(), what, func(ctx context.Context, c *mgmt.Client) (importedObject, error) {
		t, err := c.GetTenant(ctx, req.ID)
		if err != nil {
			return importedObject{}, err
		}
		return importedObject{id: valueOr(t.ID, req.ID)}, nil
	})
}

type tenantIdentity struct {
	Name types.String `tfsdk:"name"`
}

func (i tenantIdentity) importID() string { return i.Name.ValueString() }

func (r *tenantResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"name": requiredString("The tenant's name."),
	}}
}

func (r *tenantResource) identity(m *tenantModel) any {
	return tenantIdentity{Name: m.Name}
}

func (r *tenantResource) kind() string { return "Tenant" }

func (r *tenantResource) createObject(ctx context.Context, c *mgmt.Client, plan *tenantModel) (*mgmt.Tenant, diag.Diagnostics, error) {
	body, diags := plan.toAPI(ctx)
	if diags.HasError() {
		return nil, diags, nil
	}
	body.Name = mgmt.String(plan.Name.ValueString())
	created, err := c.CreateTenant(ctx, body)
	if err != nil {
		return nil, diags, err
	}
	if !plan.ManagementClientPublicKey.IsNull() {
		// The secret is dropped from created whatever happens.
		err = c.KeyManagementClient(ctx, created, mgmt.TenantKey{
			PEM: plan.ManagementClientPublicKey.ValueString(), Alg: plan.ManagementClientPublicKeyAlgorithm.ValueString(),
		})
	}
	plan.ManagementClientID, plan.ManagementClientSecret = types.StringNull(), types.StringNull()
	if mc := created.ManagementClient; mc != nil {
		plan.ManagementClientID = types.StringValue(mc.ClientID)
		if mc.ClientSecret != "" {
			plan.ManagementClientSecret = types.StringValue(mc.ClientSecret)
		}
	}
	return created, diags, err
}

func (r *tenantResource) readObject(ctx context.Context, c *mgmt.Client, state *tenantModel) (*mgmt.Tenant, error) {
	t, err := c.GetTenant(ctx, state.ID.ValueString())
	if err == nil {
		settle(ctx, "tenant", c.SettleTenant(ctx, t))
	}
	return t, err
}

func (r *tenantResource) updateObject(ctx context.Context, c *mgmt.Client, plan, state *tenantModel) (*mgmt.Tenant, diag.Diagnostics, error) {
	// A key unknown at plan time is checked here.
	var refused diag.Diagnostics
	if keyChangeRefused(&refused, plan, state); refused.HasError() {
		return nil, refused, nil
	}
	body, diags := plan.toAPI(ctx)
	if diags.HasError() {
		return nil, diags, nil
	}
	updated, err := c.UpdateTenant(ctx, state.ID.ValueString(), body)
	return updated, diags, err
}

// ModifyPlan refuses a key that would not take effect: the provider cannot
// sign in as an existing tenant's management client, so only a create
// registers management_client_public_key. A keyed create plans no secret.
func (r *tenantResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan tenantModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		if !plan.ManagementClientPublicKey.IsNull() && !plan.ManagementClientPublicKey.IsUnknown() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("management_client_secret"), types.StringNull())...)
		}
		return
	}
	var state tenantModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// A new name replaces the tenant, and the create registers the key.
	if resp.Diagnostics.HasError() || !plan.Name.Equal(state.Name) {
		return
	}
	keyChangeRefused(&resp.Diagnostics, &plan, &state)
}

// keyChangeRefused adds an error when plan gives an existing tenant a
// management client key or algorithm other than the one it was created
// with. Removing them is a change of the state only; the same key in other
// PEM text is no change.
func keyChangeRefused(diags *diag.Diagnostics, plan, state *tenantModel) {
	key, alg := plan.ManagementClientPublicKey, plan.ManagementClientPublicKeyAlgorithm
	var attr string
	switch {
	case !key.IsNull() && !key.IsUnknown() && !samePublicKey(key.ValueString(), state.ManagementClientPublicKey):
		attr = "management_client_public_key"
	case !alg.IsNull() && !alg.IsUnknown() && alg.ValueString() != state.ManagementClientPublicKeyAlgorithm.ValueString():
		attr = "management_client_public_key_algorithm"
	default:
		return
	}
	was := "was created without a management client key, or was imported"
	if !state.ManagementClientPublicKey.IsNull() {
		was = "was created with another management client key or algorithm"
	}
	diags.AddAttributeError(path.Root(attr), "Cannot Change the Key of an Existing Tenant",
		fmt.Sprintf("Tenant %q %s. The provider registers %s only when it creates a tenant: it cannot sign in as an "+
			"existing tenant's Management API application, which holds the only credentials that may change that "+
			"application's keys. To rotate the key, give that application an idp_client_credentials resource in the "+
			"tenant's own provider block (signed in with the current key) that lists the current key under the name "+
			"%q, which adopts it, and the new public key beside it; switch that provider block's "+
			"client_assertion_private_key to the new private key, and then remove the old credential; the "+
			"provider's guide \"Nothing secret at rest\" shows the steps. Meanwhile set %s back to the value it was created with, or "+
			"remove it from this idp_tenant (an update of the state only, nothing changes on the server). Replacing the tenant instead (terraform "+
			"apply -replace) deletes everything in it.", state.Name.ValueString(), was, attr, mgmt.TenantKeyCredentialName, attr))
}

// samePublicKey reports whether pemText holds the key in was, in any PEM text
// (the same key ID, mgmt.PublicKeyID, as idp_client_credentials compares keys).
func samePublicKey(pemText string, was types.String) bool {
	if was.IsNull() || was.IsUnknown() {
		return false
	}
	if pemText == was.ValueString() {
		return true
	}
	a, errA := mgmt.PublicKeyID(pemText)
	b, errB := mgmt.PublicKeyID(was.ValueString())
	return errA == nil && errB == nil && a == b
}

func (r *tenantResource) deleteObject(ctx context.Context, c *mgmt.Client, state *tenantModel) error {
	return c.DeleteTenant(ctx, state.ID.ValueString())
}

func (r *tenantResource) naturalImportID(plan *tenantModel) string {
	return plan.Name.ValueString()
}

func (r *tenantResource) naturalKey(plan *tenantModel) string {
	return fmt.Sprintf("name %q", plan.Name.ValueString())
}

// toAPI leaves the name out: the server refuses it in an update.
func (m *tenantModel) toAPI(ctx context.Context) (*mgmt.Tenant, diag.Diagnostics) {
	owners := []string{}
	diags := m.Owners.ElementsAs(ctx, &owners, false)
	metadata := map[string]string{}
	diags.Append(m.Metadata.ElementsAs(ctx, &metadata, false)...)
	return &mgmt.Tenant{
		DisplayName: mgmt.String(m.DisplayName.ValueString()),
		Owners:      &owners,
		Metadata:    &metadata,
	}, diags
}

// fromAPI leaves the management client's credentials as they are: they
// are not part of the tenant object.
func (m *tenantModel) fromAPI(ctx context.Context, t *mgmt.Tenant) diag.Diagnostics {
	m.ID = types.StringPointerValue(t.ID)
	m.Name = types.StringPointerValue(t.Name)
	m.DisplayName = nonEmptyString(t.DisplayName)
	m.Domain = types.StringPointerValue(t.Domain)
	owners, diags := types.SetValueFrom(ctx, types.StringType, valueOr(t.Owners, []string{}))
	m.Owners = owners
	metadata, d := types.MapValueFrom(ctx, types.StringType, withoutCreateMarker(t.Metadata))
	diags.Append(d...)
	m.Metadata = metadata
	if m.ManagementClientID.IsUnknown() {
		m.ManagementClientID = types.StringNull()
	}
	if m.ManagementClientSecret.IsUnknown() {
		m.ManagementClientSecret = types.StringNull()
	}
	return diags
}
