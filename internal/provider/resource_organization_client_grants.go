package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var (
	_ resource.ResourceWithConfigure   = &organizationClientGrantsResource{}
	_ resource.ResourceWithImportState = &organizationClientGrantsResource{}

	_ objectAPI[*organizationClientGrantsModel, *organizationMembers] = &organizationClientGrantsResource{}
)

// organizationClientGrantsResource manages the complete set of client
// grants one organization is associated with: which clients may get
// tokens for which API on the organization's behalf.
type organizationClientGrantsResource struct {
	clientHolder
}

// NewOrganizationClientGrantsResource returns the idp_organization_client_grants resource.
func NewOrganizationClientGrantsResource() resource.Resource {
	return &organizationClientGrantsResource{}
}

// organizationMembers is what an organization association resource reads:
// the organization and the IDs (with details, for connections) it has.
type organizationMembers struct {
	organizationID string
	ids            []string
	connections    []*mgmt.OrganizationConnection
}

type organizationClientGrantsModel struct {
	ID             types.String `tfsdk:"id"`
	OrganizationID types.String `tfsdk:"organization_id"`
	GrantIDs       types.Set    `tfsdk:"grant_ids"`
}

func (r *organizationClientGrantsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization_client_grants"
}

func organizationIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Description:   "The organization's ID (`org_…`), e.g. `idp_organization.acme.id`. Changing it replaces the resource.",
		Required:      true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		Validators: []validator.String{
			stringvalidator.RegexMatches(organizationIDRegexp, `must be an organization ID, "org_" followed by letters and digits`),
		},
	}
}

func (r *organizationClientGrantsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The complete set of client grants one organization is associated with. A client may get a " +
			"token for an organization (the `organization` of `idp_token`) only with a grant that allows " +
			"organizations (`organization_usage` of `idp_client_grant`) and is associated with that organization, " +
			"unless the grant allows any organization. The set is authoritative: a grant associated outside " +
			"Terraform shows in the next plan and is dissociated by the apply; destroying the resource dissociates " +
			"the grants it listed. This is the one place the association is declared: the grant has no " +
			"organizations attribute.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Same as `organization_id`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"organization_id": organizationIDAttribute(),
			"grant_ids": schema.SetAttribute{
				Description: "The IDs (`cgr_…`) of the client grants associated with the organization, e.g. " +
					"`[idp_client_grant.reports.id]`; `[]` for none.",
				ElementType: types.StringType,
				Required:    true,
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(stringvalidator.RegexMatches(clientGrantIDRegexp,
						`must be a client grant ID, "cgr_" followed by letters and digits`)),
				},
			},
		},
	}
}

func (r *organizationClientGrantsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *organizationClientGrantsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createResource(ctx, r, req, resp)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(rememberDeclaredIDs(ctx, req.Plan, "grant_ids", resp.Private)...)
	}
}

func (r *organizationClientGrantsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r, req, resp)
}

func (r *organizationClientGrantsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateResource(ctx, r, req, resp)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(rememberDeclaredIDs(ctx, req.Plan, "grant_ids", resp.Private)...)
	}
}

// Delete dissociates the grants the configuration listed (private state),
// not those a refresh just before it found: OpenTofu refreshes a resource
// removed from the configuration before destroying it.
func (r *organizationClientGrantsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state organizationClientGrantsModel
	resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
	listed, diags := declaredIDs(ctx, req.Private, state.GrantIDs)
	resp.Diagnostics.Append(diags...)
	state.GrantIDs, diags = setValue(ctx, listed)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || droppedWithTenant(ctx, r.holder(), r.kind(), req.Private, &resp.Diagnostics, true) {
		return
	}
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.deleteObject(ctx, client, &state)
	if err != nil && !mgmt.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Delete "+r.kind(), err, errorContext{client: client})
		return
	}
	if domain := goneTenant(ctx, r.holder(), client, err); domain != "" {
		tenantGoneWarning(&resp.Diagnostics, domain, r.kind(), true)
	}
}

// declaredIDsKey keeps, in private state, the IDs the configuration listed.
const declaredIDsKey = "declared_ids"

// rememberDeclaredIDs records the IDs of a set of strings, or of the
// attribute id of a set of objects.
func rememberDeclaredIDs(ctx context.Context, plan tfsdk.Plan, attribute string, private privateData) diag.Diagnostics {
	var listed []string
	var diags diag.Diagnostics
	if attribute == "enabled_connections" {
		var conns []organizationConnectionModel
		diags = plan.GetAttribute(ctx, path.Root(attribute), &conns)
		for _, oc := range conns {
			listed = append(listed, oc.ConnectionID.ValueString())
		}
	} else {
		diags = plan.GetAttribute(ctx, path.Root(attribute), &listed)
	}
	if diags.HasError() {
		return diags
	}
	raw, err := json.Marshal(sortedCopy(listed))
	if err != nil {
		diags.AddError("Unable to Record Declared IDs", err.Error()+" Please report this issue to the provider developers.")
		return diags
	}
	return append(diags, private.SetKey(ctx, declaredIDsKey, raw)...)
}

// declaredIDs falls back on the state's set.
func declaredIDs(ctx context.Context, private privateData, state types.Set) ([]string, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, declaredIDsKey)
	if diags.HasError() {
		return nil, diags
	}
	var listed []string
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &listed); err == nil {
			return listed, diags
		}
	}
	diags.Append(state.ElementsAs(ctx, &listed, false)...)
	return listed, diags
}

// importOrganizationMembers imports an association resource by the
// organization's ID or name.
func importOrganizationMembers(ctx context.Context, h *clientHolder, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !organizationIDRegexp.MatchString(req.ID) && (len(req.ID) > maxOrganizationName || !organizationNameRegexp.MatchString(req.ID)) {
		addInvalidImportID(resp, req.ID, organizationImportForms)
		return
	}
	l := organizationLookup(req.ID)
	importExisting(ctx, h, resp, "Organization", l.what, func(ctx context.Context, c *mgmt.Client) (importedObject, error) {
		o, err := l.get(ctx, c)
		if err != nil {
			return importedObject{}, err
		}
		return importedObject{id: valueOr(o.ID, req.ID)}, nil
	})
}

func (r *organizationClientGrantsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importOrganizationMembers(ctx, &r.clientHolder, req, resp)
}

func (r *organizationClientGrantsResource) kind() string { return "Organization Client Grants" }

func (r *organizationClientGrantsResource) createObject(ctx context.Context, c *mgmt.Client, plan *organizationClientGrantsModel) (*organizationMembers, diag.Diagnostics, error) {
	return r.apply(ctx, c, plan.OrganizationID.ValueString(), plan)
}

func (r *organizationClientGrantsResource) readObject(ctx context.Context, c *mgmt.Client, state *organizationClientGrantsModel) (*organizationMembers, error) {
	ids, err := r.current(ctx, c, state.ID.ValueString())
	if err != nil {
		return nil, err
	}
	return &organizationMembers{organizationID: state.ID.ValueString(), ids: ids}, nil
}

func (r *organizationClientGrantsResource) current(ctx context.Context, c *mgmt.Client, orgID string) ([]string, error) {
	grants, err := c.ListOrganizationClientGrants(ctx, orgID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(grants))
	for _, g := range grants {
		ids = append(ids, valueOr(g.ID, ""))
	}
	return sortedCopy(ids), nil
}

func (r *organizationClientGrantsResource) updateObject(ctx context.Context, c *mgmt.Client, plan, state *organizationClientGrantsModel) (*organizationMembers, diag.Diagnostics, error) {
	return r.apply(ctx, c, state.ID.ValueString(), plan)
}

// deleteObject dissociates only the grants the resource listed.
func (r *organizationClientGrantsResource) deleteObject(ctx context.Context, c *mgmt.Client, state *organizationClientGrantsModel) error {
	var listed []string
	if d := state.GrantIDs.ElementsAs(ctx, &listed, false); d.HasError() {
		return fmt.Errorf("reading grant_ids from the state: %v", d)
	}
	current, err := r.current(ctx, c, state.ID.ValueString())
	if err != nil {
		return err
	}
	for _, id := range sortedCopy(listed) {
		if slices.Contains(current, id) {
			if err := c.DissociateOrganizationClientGrant(ctx, state.ID.ValueString(), id); err != nil && !mgmt.IsNotFound(err) {
				return err
			}
		}
	}
	return nil
}

// apply reads the organization's grants first, so that the set is
// authoritative even when the state is stale.
func (r *organizationClientGrantsResource) apply(ctx context.Context, c *mgmt.Client, orgID string, plan *organizationClientGrantsModel) (*organizationMembers, diag.Diagnostics, error) {
	var want []string
	diags := plan.GrantIDs.ElementsAs(ctx, &want, false)
	if diags.HasError() {
		return nil, diags, nil
	}
	current, err := r.current(ctx, c, orgID)
	if err != nil {
		return nil, diags, err
	}
	for _, id := range sortedCopy(want) {
		if !slices.Contains(current, id) {
			if err := c.AssociateOrganizationClientGrant(ctx, orgID, id); err != nil {
				return nil, diags, err
			}
		}
	}
	for _, id := range current {
		if !slices.Contains(want, id) {
			if err := c.DissociateOrganizationClientGrant(ctx, orgID, id); err != nil && !mgmt.IsNotFound(err) {
				return nil, diags, err
			}
		}
	}
	return &organizationMembers{organizationID: orgID, ids: sortedCopy(want)}, diags, nil
}

func (m *organizationClientGrantsModel) fromAPI(ctx context.Context, om *organizationMembers) diag.Diagnostics {
	m.ID = types.StringValue(om.organizationID)
	m.OrganizationID = types.StringValue(om.organizationID)
	set, diags := setValue(ctx, om.ids)
	m.GrantIDs = set
	return diags
}
