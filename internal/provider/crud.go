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

// crud is the one implementation of create, read, update and delete that
// every resource shares: it reads the plan or state, gets the shared
// client, calls the API, maps 404s (gone on read, done on delete), turns
// errors into diagnostics and writes the state. A resource supplies only
// its API calls.
type crud[M any, PM apiModel[M, A], A any] struct {
	// kind names the object in diagnostics, e.g. "Client Grant".
	kind string
	// create builds the body from the plan (and, for write-only values,
	// the configuration) and creates the object. Diagnostics are for a body
	// that could not be built; the error is the API's.
	create func(ctx context.Context, c *mgmt.Client, plan PM, config tfsdk.Config) (A, diag.Diagnostics, error)
	read   func(ctx context.Context, c *mgmt.Client, id string) (A, error)
	update func(ctx context.Context, c *mgmt.Client, plan, state PM, config tfsdk.Config) (A, diag.Diagnostics, error)
	delete func(ctx context.Context, c *mgmt.Client, id string) error
	// importHint, when set, tells a user who hits a conflict on create how
	// to import the existing object.
	importHint func(plan PM) string
}

func (op crud[M, PM, A]) Create(ctx context.Context, h *clientHolder, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := h.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	obj, diags, err := op.create(ctx, client, &plan, req.Config)
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
func (op crud[M, PM, A]) Read(ctx context.Context, h *clientHolder, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := h.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	obj, err := op.read(ctx, client, PM(&state).resourceID())
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

func (op crud[M, PM, A]) Update(ctx context.Context, h *clientHolder, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := h.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	obj, diags, err := op.update(ctx, client, &plan, &state, req.Config)
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
func (op crud[M, PM, A]) Delete(ctx context.Context, h *clientHolder, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := h.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := op.delete(ctx, client, PM(&state).resourceID()); err != nil && !mgmt.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Delete "+op.kind, err, "")
	}
}
