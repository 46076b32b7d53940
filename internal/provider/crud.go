package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// The functions in this file are the one implementation of Create, Read,
// Update and Delete behind every resource: they read the plan or state, get
// the shared client, call the resource's API method, map 404s (gone on
// read, done on delete), turn errors into diagnostics and write the state.
// Each resource's own Create, Read, Update and Delete call them with the
// resource itself, which supplies its API calls as ordinary methods
// (objectAPI). Plans and states are read and written through the state
// codec (statecodec.go), not the framework's reflection.

// apiModel is a pointer to a resource's Terraform model, e.g. *clientModel:
// it is set from the API object A in one place, fromAPI. The functions
// below declare a nil M and let Get allocate the model it points to, which
// spares them a type parameter for the model struct itself.
type apiModel[A any] interface {
	fromAPI(ctx context.Context, obj A) diag.Diagnostics
}

// objectAPI is what a resource implements to share the CRUD below: the name
// of its object in diagnostics, and one method per API call, each taking the
// model M and returning the server's object A. Diagnostics returned by
// createObject and updateObject are for a body that could not be built; the
// error is the API's.
type objectAPI[M apiModel[A], A any] interface {
	client(diags *diag.Diagnostics) *mgmt.Client
	kind() string
	createObject(ctx context.Context, c *mgmt.Client, plan M) (A, diag.Diagnostics, error)
	readObject(ctx context.Context, c *mgmt.Client, state M) (A, error)
	updateObject(ctx context.Context, c *mgmt.Client, plan, state M) (A, diag.Diagnostics, error)
	deleteObject(ctx context.Context, c *mgmt.Client, state M) error
}

// configReader is implemented by a resource whose API calls need what only
// the configuration holds: write-only attributes are null in plan and
// state, so readConfig copies them into the plan before the call.
type configReader[M any] interface {
	readConfig(ctx context.Context, config tfsdk.Config, plan M) diag.Diagnostics
}

// naturalKeyed is implemented by a resource whose objects have a unique
// key besides their ID. naturalImportID is the plan's key in the form
// ImportState accepts; a conflict on create names it when the client
// could not find the existing object's ID (mgmt.ConflictError).
type naturalKeyed[M any] interface {
	naturalImportID(plan M) string
}

// identified is implemented by a resource with an identity: identity
// returns the identity of the object in the model, a struct whose tfsdk
// fields are the identity schema's attributes.
type identified[M any] interface {
	identity(m M) any
}

// setIdentity sets the response's identity from the model when the
// resource has one (and Terraform supports identities: id is nil
// otherwise).
func setIdentity[M any](ctx context.Context, r any, m M, id *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	ir, ok := r.(identified[M])
	if !ok || id == nil || diags.HasError() {
		return
	}
	diags.Append(setIdentityValue(ctx, id, ir.identity(m))...)
}

// readConfig lets a configReader copy what it needs from the configuration
// into the plan; for other resources it does nothing.
func readConfig[M any](ctx context.Context, r any, config tfsdk.Config, plan M) diag.Diagnostics {
	if cr, ok := r.(configReader[M]); ok {
		return cr.readConfig(ctx, config, plan)
	}
	return nil
}

// createResource creates the object and stores what the server returned.
func createResource[M apiModel[A], A any](ctx context.Context, r objectAPI[M, A], req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan M
	resp.Diagnostics.Append(getPlan(ctx, req.Plan, &plan)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(readConfig(ctx, r, req.Config, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	obj, diags, err := r.createObject(ctx, client, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err != nil {
		ec := errorContext{client: client}
		if nk, ok := r.(naturalKeyed[M]); ok && mgmt.IsConflict(err) {
			ec.conflictID = existingID(err)
			if ec.conflictID == "" {
				ec.conflictID = nk.naturalImportID(plan)
			}
		}
		addAPIError(&resp.Diagnostics, "Unable to Create "+r.kind(), err, ec)
		if created := createdDespite(err); created != nil {
			// The object exists but the create could not be finished (a
			// tenant whose credentials were lost): saving it with the
			// error makes Terraform mark it tainted, so that the next
			// apply replaces it instead of leaving it on the server
			// unknown to Terraform.
			if a, ok := created.(A); ok {
				resp.Diagnostics.Append(plan.fromAPI(ctx, a)...)
				resp.Diagnostics.Append(setState(ctx, &resp.State, plan)...)
				setIdentity(ctx, r, plan, resp.Identity, &resp.Diagnostics)
			}
		}
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, obj)...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, plan)...)
	setIdentity(ctx, r, plan, resp.Identity, &resp.Diagnostics)
}

// readResource refreshes the state with one GET; an object gone from the
// server leaves the state, so that the next plan creates it again.
func readResource[M apiModel[A], A any](ctx context.Context, r objectAPI[M, A], req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	obj, err := r.readObject(ctx, client, state)
	if mgmt.IsNotFound(err) {
		// The framework wants an identity even for a removed object; the
		// state's is the one (a CLI without identities sends none).
		setIdentity(ctx, r, state, resp.Identity, &resp.Diagnostics)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Read "+r.kind(), err, errorContext{client: client})
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, obj)...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, state)...)
	// Also on a state written before the resource had an identity: the
	// refresh gives it one.
	setIdentity(ctx, r, state, resp.Identity, &resp.Diagnostics)
}

// updateResource changes the object in place (a PATCH) and stores the
// result.
func updateResource[M apiModel[A], A any](ctx context.Context, r objectAPI[M, A], req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state M
	resp.Diagnostics.Append(getPlan(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(readConfig(ctx, r, req.Config, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	obj, diags, err := r.updateObject(ctx, client, plan, state)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Update "+r.kind(), err, errorContext{client: client})
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, obj)...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, plan)...)
	setIdentity(ctx, r, plan, resp.Identity, &resp.Diagnostics)
}

// deleteResource removes the object; one that is already gone is fine.
func deleteResource[M apiModel[A], A any](ctx context.Context, r objectAPI[M, A], req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.deleteObject(ctx, client, state); err != nil && !mgmt.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Delete "+r.kind(), err, errorContext{client: client})
	}
}
