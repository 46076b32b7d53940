package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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

func (r *clientGrantResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_client_grant"
}

func (r *clientGrantResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Authorizes a client to request access tokens for an API (its `audience`), with a subset of the " +
			"API's scopes. There is at most one grant per client and API.",
		Attributes: withGrantTerms(map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				Description:   "The client ID of the application being granted access, 32 letters and digits. Changing it replaces the grant.",
				Required:      true,
				Validators:    []validator.String{validators.ClientID()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
		}),
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
	body, scope, diags := plan.terms().createBody(ctx)
	if diags.HasError() {
		return nil, diags, nil
	}
	body.ClientID = mgmt.String(plan.ClientID.ValueString())
	created, err := c.CreateClientGrant(ctx, body)
	return r.written(ctx, c, "Unable to Create Client Grant", plan.Audience.ValueString(), scope, created, err, diags)
}

// readObject leaves out the scopes the API no longer defines: the server
// keeps them on the grant but no token carries them, and a fresh tenant
// refuses them, so the plan should show them as missing.
func (r *clientGrantResource) readObject(ctx context.Context, c *mgmt.Client, state *clientGrantModel) (*mgmt.ClientGrant, error) {
	return r.readGrant(ctx, c, state.ID.ValueString())
}

func (r *clientGrantResource) updateObject(ctx context.Context, c *mgmt.Client, plan, state *clientGrantModel) (*mgmt.ClientGrant, diag.Diagnostics, error) {
	body, scope, diags := plan.terms().updateBody(ctx, state.terms())
	if diags.HasError() {
		return nil, diags, nil
	}
	updated, err := c.UpdateClientGrant(ctx, state.ID.ValueString(), body)
	return r.written(ctx, c, "Unable to Update Client Grant", state.Audience.ValueString(), scope, updated, err, diags)
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

func (m *clientGrantModel) terms() grantTerms {
	return grantTerms{&m.ID, &m.Audience, &m.Scope, &m.OrganizationUsage, &m.AllowAnyOrganization}
}

func (m *clientGrantModel) fromAPI(ctx context.Context, g *mgmt.ClientGrant) diag.Diagnostics {
	m.ClientID = types.StringPointerValue(g.ClientID)
	return m.terms().fromAPI(ctx, g)
}
