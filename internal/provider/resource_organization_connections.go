package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var (
	_ resource.ResourceWithConfigure   = &organizationConnectionsResource{}
	_ resource.ResourceWithImportState = &organizationConnectionsResource{}

	_ objectAPI[*organizationConnectionsModel, *organizationMembers] = &organizationConnectionsResource{}
)

// organizationConnectionsResource manages the complete set of connections
// enabled for one organization, each with how it is enabled.
type organizationConnectionsResource struct {
	clientHolder
}

// NewOrganizationConnectionsResource returns the idp_organization_connections resource.
func NewOrganizationConnectionsResource() resource.Resource {
	return &organizationConnectionsResource{}
}

type organizationConnectionsModel struct {
	ID                 types.String `tfsdk:"id"`
	OrganizationID     types.String `tfsdk:"organization_id"`
	EnabledConnections types.Set    `tfsdk:"enabled_connections"`
}

type organizationConnectionModel struct {
	ConnectionID            types.String `tfsdk:"connection_id"`
	AssignMembershipOnLogin types.Bool   `tfsdk:"assign_membership_on_login"`
	ShowAsButton            types.Bool   `tfsdk:"show_as_button"`
	IsSignupEnabled         types.Bool   `tfsdk:"is_signup_enabled"`
}

var organizationConnectionType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"connection_id": types.StringType, "assign_membership_on_login": types.BoolType,
	"show_as_button": types.BoolType, "is_signup_enabled": types.BoolType,
}}

// What the Management API documents for a setting a request leaves out.
const (
	defaultAssignMembership = false
	defaultShowAsButton     = true
	defaultSignupEnabled    = false
)

func (r *organizationConnectionsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization_connections"
}

func (r *organizationConnectionsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The complete set of connections enabled for one organization: the ones its members sign in " +
			"with. The set is authoritative: a connection enabled outside Terraform shows in the next plan and is " +
			"disabled by the apply; destroying the resource disables the connections it listed. This is the one " +
			"place the relation is declared: `idp_organization` has no connections attribute.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Same as `organization_id`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"organization_id": organizationIDAttribute(),
			"enabled_connections": schema.SetNestedAttribute{
				Description: "The connections enabled for the organization; `[]` for none. A setting left unset " +
					"is the Management API's default, and a change of it outside Terraform shows in the plan.",
				Required: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"connection_id": schema.StringAttribute{
						Description: "The connection's ID (`con_…`), e.g. `idp_connection.customers.id`.",
						Required:    true,
						Validators: []validator.String{stringvalidator.RegexMatches(connectionIDRegexp,
							`must be a connection ID, "con_" followed by letters and digits`)},
					},
					"assign_membership_on_login": schema.BoolAttribute{
						Description: "Whether every user who logs in with the connection becomes a member of the " +
							"organization. Unset means `false`: users must be made members first.",
						Optional: true,
					},
					"show_as_button": schema.BoolAttribute{
						Description: "Whether the organization's login prompt shows the connection as a button " +
							"(enterprise connections). Unset means `true`.",
						Optional: true,
					},
					"is_signup_enabled": schema.BoolAttribute{
						Description: "Whether users may sign up to the organization with the connection " +
							"(database connections). Unset means `false`.",
						Optional: true,
					},
				}},
			},
		},
	}
}

func (r *organizationConnectionsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *organizationConnectionsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createResource(ctx, r, req, resp)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(rememberDeclaredIDs(ctx, req.Plan, "enabled_connections", resp.Private)...)
	}
}

func (r *organizationConnectionsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r, req, resp)
}

func (r *organizationConnectionsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateResource(ctx, r, req, resp)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(rememberDeclaredIDs(ctx, req.Plan, "enabled_connections", resp.Private)...)
	}
}

// Delete disables the connections the configuration listed (private
// state), not those a refresh just before it found.
func (r *organizationConnectionsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state organizationConnectionsModel
	resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ids, diags := state.connectionIDs(ctx)
	resp.Diagnostics.Append(diags...)
	idSet, diags := setValue(ctx, ids)
	resp.Diagnostics.Append(diags...)
	listed, diags := declaredIDs(ctx, req.Private, idSet)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || droppedWithTenant(ctx, r.holder(), r.kind(), req.Private, &resp.Diagnostics, true) {
		return
	}
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.remove(ctx, client, state.ID.ValueString(), listed)
	if err != nil && !mgmt.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Delete "+r.kind(), err, errorContext{client: client})
		return
	}
	if domain := goneTenant(ctx, r.holder(), client, err); domain != "" {
		tenantGoneWarning(&resp.Diagnostics, domain, r.kind(), true)
	}
}

func (r *organizationConnectionsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importOrganizationMembers(ctx, &r.clientHolder, req, resp)
}

func (r *organizationConnectionsResource) kind() string { return "Organization Connections" }

func (r *organizationConnectionsResource) createObject(ctx context.Context, c *mgmt.Client, plan *organizationConnectionsModel) (*organizationMembers, diag.Diagnostics, error) {
	return r.apply(ctx, c, plan.OrganizationID.ValueString(), plan)
}

func (r *organizationConnectionsResource) readObject(ctx context.Context, c *mgmt.Client, state *organizationConnectionsModel) (*organizationMembers, error) {
	conns, err := c.ListOrganizationConnections(ctx, state.ID.ValueString())
	if err != nil {
		return nil, err
	}
	return &organizationMembers{organizationID: state.ID.ValueString(), connections: conns}, nil
}

func (r *organizationConnectionsResource) updateObject(ctx context.Context, c *mgmt.Client, plan, state *organizationConnectionsModel) (*organizationMembers, diag.Diagnostics, error) {
	return r.apply(ctx, c, state.ID.ValueString(), plan)
}

func (r *organizationConnectionsResource) deleteObject(ctx context.Context, c *mgmt.Client, state *organizationConnectionsModel) error {
	ids, diags := state.connectionIDs(ctx)
	if diags.HasError() {
		return fmt.Errorf("reading enabled_connections from the state: %v", diags)
	}
	return r.remove(ctx, c, state.ID.ValueString(), ids)
}

// remove disables the listed connections that are enabled.
func (r *organizationConnectionsResource) remove(ctx context.Context, c *mgmt.Client, orgID string, listed []string) error {
	current, err := c.ListOrganizationConnections(ctx, orgID)
	if err != nil {
		return err
	}
	for _, oc := range current {
		if slices.Contains(listed, oc.ConnectionID) {
			if err := c.RemoveOrganizationConnection(ctx, orgID, oc.ConnectionID); err != nil && !mgmt.IsNotFound(err) {
				return err
			}
		}
	}
	return nil
}

func (m *organizationConnectionsModel) connections(ctx context.Context) ([]organizationConnectionModel, diag.Diagnostics) {
	var conns []organizationConnectionModel
	if m.EnabledConnections.IsNull() || m.EnabledConnections.IsUnknown() {
		return nil, nil
	}
	diags := m.EnabledConnections.ElementsAs(ctx, &conns, false)
	return conns, diags
}

func (m *organizationConnectionsModel) connectionIDs(ctx context.Context) ([]string, diag.Diagnostics) {
	conns, diags := m.connections(ctx)
	ids := make([]string, 0, len(conns))
	for _, oc := range conns {
		ids = append(ids, oc.ConnectionID.ValueString())
	}
	return sortedCopy(ids), diags
}

// wanted is the connection as the configuration wants it on the server:
// an unset setting is its default.
func (oc organizationConnectionModel) wanted() mgmt.OrganizationConnection {
	or := func(v types.Bool, def bool) *bool {
		if v.IsNull() || v.IsUnknown() {
			return mgmt.Bool(def)
		}
		return mgmt.Bool(v.ValueBool())
	}
	return mgmt.OrganizationConnection{
		ConnectionID:            oc.ConnectionID.ValueString(),
		AssignMembershipOnLogin: or(oc.AssignMembershipOnLogin, defaultAssignMembership),
		ShowAsButton:            or(oc.ShowAsButton, defaultShowAsButton),
		IsSignupEnabled:         or(oc.IsSignupEnabled, defaultSignupEnabled),
	}
}

func sameSettings(a, b *mgmt.OrganizationConnection) bool {
	return valueOr(a.AssignMembershipOnLogin, defaultAssignMembership) == valueOr(b.AssignMembershipOnLogin, defaultAssignMembership) &&
		valueOr(a.ShowAsButton, defaultShowAsButton) == valueOr(b.ShowAsButton, defaultShowAsButton) &&
		valueOr(a.IsSignupEnabled, defaultSignupEnabled) == valueOr(b.IsSignupEnabled, defaultSignupEnabled)
}

// apply reads the organization's connections first, so that the set is
// authoritative even when the state is stale: it adds what is missing,
// changes what differs and removes what is not listed.
func (r *organizationConnectionsResource) apply(ctx context.Context, c *mgmt.Client, orgID string, plan *organizationConnectionsModel) (*organizationMembers, diag.Diagnostics, error) {
	conns, diags := plan.connections(ctx)
	if diags.HasError() {
		return nil, diags, nil
	}
	current, err := c.ListOrganizationConnections(ctx, orgID)
	if err != nil {
		return nil, diags, err
	}
	byID := map[string]*mgmt.OrganizationConnection{}
	for _, oc := range current {
		byID[oc.ConnectionID] = oc
	}
	var result []*mgmt.OrganizationConnection
	want := map[string]bool{}
	for _, oc := range conns {
		w := oc.wanted()
		want[w.ConnectionID] = true
		have, ok := byID[w.ConnectionID]
		switch {
		case !ok:
			err = c.AddOrganizationConnection(ctx, orgID, w)
		case !sameSettings(have, &w):
			err = c.UpdateOrganizationConnection(ctx, orgID, w)
		}
		if err != nil {
			return nil, diags, err
		}
		result = append(result, &w)
	}
	for _, oc := range current {
		if !want[oc.ConnectionID] {
			if err := c.RemoveOrganizationConnection(ctx, orgID, oc.ConnectionID); err != nil && !mgmt.IsNotFound(err) {
				return nil, diags, err
			}
		}
	}
	return &organizationMembers{organizationID: orgID, connections: result}, diags, nil
}

// fromAPI keeps a setting the model leaves null as null while the server
// holds its default, so that an unset setting plans nothing; a setting that
// differs shows, and the next apply sets it back.
func (m *organizationConnectionsModel) fromAPI(ctx context.Context, om *organizationMembers) diag.Diagnostics {
	prior, diags := m.connections(ctx)
	byID := map[string]organizationConnectionModel{}
	for _, oc := range prior {
		byID[oc.ConnectionID.ValueString()] = oc
	}
	keep := func(was types.Bool, got *bool, def bool) types.Bool {
		v := valueOr(got, def)
		if was.IsNull() && v == def {
			return types.BoolNull()
		}
		return types.BoolValue(v)
	}
	out := make([]organizationConnectionModel, 0, len(om.connections))
	for _, oc := range om.connections {
		p, ok := byID[oc.ConnectionID]
		if !ok {
			p = organizationConnectionModel{AssignMembershipOnLogin: types.BoolNull(), ShowAsButton: types.BoolNull(),
				IsSignupEnabled: types.BoolNull()}
		}
		out = append(out, organizationConnectionModel{
			ConnectionID:            types.StringValue(oc.ConnectionID),
			AssignMembershipOnLogin: keep(p.AssignMembershipOnLogin, oc.AssignMembershipOnLogin, defaultAssignMembership),
			ShowAsButton:            keep(p.ShowAsButton, oc.ShowAsButton, defaultShowAsButton),
			IsSignupEnabled:         keep(p.IsSignupEnabled, oc.IsSignupEnabled, defaultSignupEnabled),
		})
	}
	slices.SortFunc(out, func(a, b organizationConnectionModel) int {
		return strings.Compare(a.ConnectionID.ValueString(), b.ConnectionID.ValueString())
	})
	set, d := types.SetValueFrom(ctx, organizationConnectionType, out)
	diags.Append(d...)
	m.ID = types.StringValue(om.organizationID)
	m.OrganizationID = types.StringValue(om.organizationID)
	m.EnabledConnections = set
	return diags
}
