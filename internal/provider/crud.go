package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// apiModel is a resource's Terraform model, filled from the API object A in
// one place (fromAPI) and identified on the server by resourceID.
type apiModel[M any, A any] interface {
	*M
	fromAPI(ctx context.Context, obj A) diag.Diagnostics
	resourceID() string
}

// crud is the one implementation of Configure, Create, Read, Update and
// Delete that every resource embeds: it reads the plan or state, gets the
// shared client, calls the API, maps 404s (gone on read, done on delete),
// turns errors into diagnostics and writes the state. A resource supplies
// only its API calls, and its own Metadata, Schema and ImportState.
type crud[M any, PM apiModel[M, A], A any] struct {
	clientHolder

	// kind names the object in diagnostics, e.g. "Client Grant".
	kind string
	// create builds the body from the plan (and, for write-only values,
	// the configuration) and creates the object. Diagnostics are for a body
	// that could not be built; the error is the API's.
	createObj func(ctx context.Context, c *mgmt.Client, plan PM, config tfsdk.Config) (A, diag.Diagnostics, error)
	readObj   func(ctx context.Context, c *mgmt.Client, id string) (A, error)
	updateObj func(ctx context.Context, c *mgmt.Client, plan, state PM, config tfsdk.Config) (A, diag.Diagnostics, error)
	deleteObj func(ctx context.Context, c *mgmt.Client, id string) error
	// importHint, when set, tells a user who hits a conflict on create how
	// to import the existing object.
	importHint func(plan PM) string
}

// Configure takes the provider's data.
func (op *crud[M, PM, A]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	op.configure(req.ProviderData, &resp.Diagnostics)
}

// Create creates the object and stores what the server returned.
func (op *crud[M, PM, A]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := op.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	obj, diags, err := op.createObj(ctx, client, &plan, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err != nil {
		hint := ""
		if op.importHint != nil {
			hint = op.importHint(&plan)
		}
		addAPIError(&resp.Diagnostics, "Unable to Create "+op.kind, err, hint)
		return
	}
	resp.Diagnostics.Append(PM(&plan).fromAPI(ctx, obj)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read refreshes the state with one GET; an object gone from the server
// leaves the state, so that the next plan creates it again.
func (op *crud[M, PM, A]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := op.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	obj, err := op.readObj(ctx, client, PM(&state).resourceID())
	if mgmt.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read "+op.kind, err, "")
		return
	}
	resp.Diagnostics.Append(PM(&state).fromAPI(ctx, obj)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes the object in place (a PATCH) and stores the result.
func (op *crud[M, PM, A]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := op.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	obj, diags, err := op.updateObj(ctx, client, &plan, &state, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Update "+op.kind, err, "")
		return
	}
	resp.Diagnostics.Append(PM(&plan).fromAPI(ctx, obj)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete removes the object; one that is already gone is fine.
func (op *crud[M, PM, A]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := op.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := op.deleteObj(ctx, client, PM(&state).resourceID()); err != nil && !mgmt.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Delete "+op.kind, err, "")
	}
}
