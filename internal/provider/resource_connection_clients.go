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
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

var (
	_ resource.ResourceWithConfigure   = &connectionClientsResource{}
	_ resource.ResourceWithImportState = &connectionClientsResource{}

	_ objectAPI[*connectionClientsModel, *connectionClients] = &connectionClientsResource{}
)

// connectionClientsResource manages the full set of clients one connection
// is enabled for (see connection_membership.go).
type connectionClientsResource struct {
	clientHolder
}

// NewConnectionClientsResource returns the idp_connection_clients resource.
func NewConnectionClientsResource() resource.Resource {
	return &connectionClientsResource{}
}

type connectionClients struct {
	connectionID string
	clientIDs    []string
}

type connectionClientsModel struct {
	ID             types.String `tfsdk:"id"`
	ConnectionID   types.String `tfsdk:"connection_id"`
	EnabledClients types.Set    `tfsdk:"enabled_clients"`
}

func (r *connectionClientsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection_clients"
}

func (r *connectionClientsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "The complete set of applications (clients) one connection is enabled for. The set is " +
			"authoritative: a client enabled on the connection outside Terraform, including one the tenant enabled " +
			"by default when it was created, shows in the next plan and is disabled by the apply. Any number of " +
			"clients; the changes go out 50 at a time. To say which connections one application may use " +
			"(for example none), use `enabled_connections` of `idp_client` instead. Use one or the other for a " +
			"given connection and client: two declarations that disagree undo each other on every apply.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Same as `connection_id`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"connection_id": schema.StringAttribute{
				Description:   "The connection's ID (`con_…`), e.g. `idp_connection.customers.id`.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.RegexMatches(connectionIDRegexp, `must be a connection ID, "con_" followed by letters and digits`),
				},
			},
			"enabled_clients": schema.SetAttribute{
				Description: "The client IDs of every application that may use the connection; `[]` for none.",
				ElementType: types.StringType,
				Required:    true,
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(validators.ClientID()),
				},
			},
		},
	}
}

func (r *connectionClientsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *connectionClientsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createResource(ctx, r, req, resp)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(rememberDeclared(ctx, req.Plan, resp.Private)...)
	}
}

func (r *connectionClientsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r, req, resp)
}

func (r *connectionClientsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateResource(ctx, r, req, resp)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(rememberDeclared(ctx, req.Plan, resp.Private)...)
	}
}

func (r *connectionClientsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state connectionClientsModel
	resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
	listed, diags := declaredClients(ctx, req.Private, &state)
	resp.Diagnostics.Append(diags...)
	state.EnabledClients, diags = setValue(ctx, listed)
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

// declaredClientsKey keeps, in private state, the client IDs the
// configuration listed: OpenTofu refreshes a resource removed from the
// configuration just before destroying it, and clients enabled behind
// Terraform's back were never this resource's to disable.
const declaredClientsKey = "declared_enabled_clients"

type privateData interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func rememberDeclared(ctx context.Context, plan tfsdk.Plan, private privateData) diag.Diagnostics {
	var listed []string
	diags := plan.GetAttribute(ctx, path.Root("enabled_clients"), &listed)
	if diags.HasError() {
		return diags
	}
	raw, err := json.Marshal(sortedCopy(listed))
	if err != nil {
		diags.AddError("Unable to Record Enabled Clients", err.Error()+" Please report this issue to the provider developers.")
		return diags
	}
	return append(diags, private.SetKey(ctx, declaredClientsKey, raw)...)
}

// declaredClients falls back on the state's enabled_clients for a state
// written before the record existed.
func declaredClients(ctx context.Context, private privateData, state *connectionClientsModel) ([]string, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, declaredClientsKey)
	if diags.HasError() {
		return nil, diags
	}
	var listed []string
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &listed); err == nil {
			return listed, diags
		}
	}
	diags.Append(state.EnabledClients.ElementsAs(ctx, &listed, false)...)
	return listed, diags
}

func (r *connectionClientsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
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
	importExisting(ctx, &r.clientHolder, resp, "Connection", what, func(ctx context.Context, c *mgmt.Client) (importedObject, error) {
		cn, err := connectionLookup(req.ID, what).get(ctx, c)
		if err != nil {
			return importedObject{}, err
		}
		return importedObject{id: valueOr(cn.ID, req.ID)}, nil
	})
}

func (r *connectionClientsResource) kind() string { return "Connection Clients" }

func (r *connectionClientsResource) createObject(ctx context.Context, c *mgmt.Client, plan *connectionClientsModel) (*connectionClients, diag.Diagnostics, error) {
	return r.apply(ctx, c, plan.ConnectionID.ValueString(), plan)
}

func (r *connectionClientsResource) readObject(ctx context.Context, c *mgmt.Client, state *connectionClientsModel) (*connectionClients, error) {
	ids, err := c.ListConnectionClients(ctx, state.ID.ValueString())
	if err != nil {
		return nil, err
	}
	return &connectionClients{connectionID: state.ID.ValueString(), clientIDs: ids}, nil
}

func (r *connectionClientsResource) updateObject(ctx context.Context, c *mgmt.Client, plan, state *connectionClientsModel) (*connectionClients, diag.Diagnostics, error) {
	return r.apply(ctx, c, state.ID.ValueString(), plan)
}

// deleteObject disables only the clients the resource listed.
func (r *connectionClientsResource) deleteObject(ctx context.Context, c *mgmt.Client, state *connectionClientsModel) error {
	var listed []string
	if d := state.EnabledClients.ElementsAs(ctx, &listed, false); d.HasError() {
		return fmt.Errorf("reading enabled_clients from the state: %v", d)
	}
	current, err := c.ListConnectionClients(ctx, state.ID.ValueString())
	if err != nil {
		return err
	}
	var changes []mgmt.ConnectionClientStatus
	for _, id := range sortedCopy(listed) {
		if slices.Contains(current, id) {
			changes = append(changes, mgmt.ConnectionClientStatus{ClientID: id, Status: false})
		}
	}
	return c.UpdateConnectionClients(ctx, state.ID.ValueString(), changes)
}

// apply reads the connection's clients first, so that the set is
// authoritative even when the state is stale.
func (r *connectionClientsResource) apply(ctx context.Context, c *mgmt.Client, connectionID string, plan *connectionClientsModel) (*connectionClients, diag.Diagnostics, error) {
	var want []string
	diags := plan.EnabledClients.ElementsAs(ctx, &want, false)
	if diags.HasError() {
		return nil, diags, nil
	}
	current, err := c.ListConnectionClients(ctx, connectionID)
	if err != nil {
		return nil, diags, err
	}
	if err := c.UpdateConnectionClients(ctx, connectionID, clientStatusChanges(current, want)); err != nil {
		return nil, diags, err
	}
	return &connectionClients{connectionID: connectionID, clientIDs: sortedCopy(want)}, diags, nil
}

func (m *connectionClientsModel) fromAPI(ctx context.Context, cc *connectionClients) diag.Diagnostics {
	m.ID = types.StringValue(cc.connectionID)
	m.ConnectionID = types.StringValue(cc.connectionID)
	set, diags := setValue(ctx, cc.clientIDs)
	m.EnabledClients = set
	return diags
}
