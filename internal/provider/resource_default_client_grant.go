package provider

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
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
		Attributes: withGrantTerms(nil),
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
	body, scope, diags := plan.terms().createBody(ctx)
	if diags.HasError() {
		return nil, diags, nil
	}
	created, err := c.CreateDefaultClientGrant(ctx, body)
	return r.grants().written(ctx, c, "Unable to Create Default Client Grant", plan.Audience.ValueString(), scope, created, err, diags)
}

func (r *defaultClientGrantResource) readObject(ctx context.Context, c *mgmt.Client, state *defaultClientGrantModel) (*mgmt.ClientGrant, error) {
	return r.grants().readGrant(ctx, c, state.ID.ValueString())
}

func (r *defaultClientGrantResource) updateObject(ctx context.Context, c *mgmt.Client, plan, state *defaultClientGrantModel) (*mgmt.ClientGrant, diag.Diagnostics, error) {
	body, scope, diags := plan.terms().updateBody(ctx, state.terms())
	if diags.HasError() {
		return nil, diags, nil
	}
	updated, err := c.UpdateClientGrant(ctx, state.ID.ValueString(), body)
	return r.grants().written(ctx, c, "Unable to Update Default Client Grant", state.Audience.ValueString(), scope, updated, err, diags)
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

func (m *defaultClientGrantModel) terms() grantTerms {
	return grantTerms{&m.ID, &m.Audience, &m.Scope, &m.OrganizationUsage, &m.AllowAnyOrganization}
}

func (m *defaultClientGrantModel) fromAPI(ctx context.Context, g *mgmt.ClientGrant) diag.Diagnostics {
	return m.terms().fromAPI(ctx, g)
}
