package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// apiModel is a pointer to a resource's model, set from the API object A
// in one place. The functions below declare a nil M and let Get allocate
// it, which spares them a type parameter for the model struct.
type apiModel[A any] interface {
	fromAPI(ctx context.Context, obj A) diag.Diagnostics
}

// objectAPI is what a resource implements to share the CRUD below: one
// method per API call. The diagnostics of createObject and updateObject
// are for a body that could not be built; the error is the API's.
type objectAPI[M apiModel[A], A any] interface {
	holder() *clientHolder
	client(diags *diag.Diagnostics) *mgmt.Client
	kind() string
	createObject(ctx context.Context, c *mgmt.Client, plan M) (A, diag.Diagnostics, error)
	readObject(ctx context.Context, c *mgmt.Client, state M) (A, error)
	updateObject(ctx context.Context, c *mgmt.Client, plan, state M) (A, diag.Diagnostics, error)
	deleteObject(ctx context.Context, c *mgmt.Client, state M) error
}

// configReader is implemented by a resource with write-only attributes,
// which are null in plan and state: readConfig copies them into the plan.
type configReader[M any] interface {
	readConfig(ctx context.Context, config tfsdk.Config, plan M) diag.Diagnostics
}

// naturalKeyed is implemented by a resource whose objects have a unique
// key besides their ID: a conflict on create names it as the import ID
// when the client could not find the existing object's ID, and
// naturalKey describes it, e.g. `identifier "https://api.example.com/"`.
type naturalKeyed[M any] interface {
	naturalImportID(plan M) string
	naturalKey(plan M) string
}

// claimKey refuses a create whose natural key another resource of this
// provider configuration holds (h's claims), and returns a release for a
// failed create.
func claimKey[M any](h *clientHolder, r any, c *mgmt.Client, plan M, diags *diag.Diagnostics, kind string) func() {
	nk, ok := r.(naturalKeyed[M])
	if !ok {
		return func() {}
	}
	key := naturalKeyID(c, kind, nk.naturalImportID(plan))
	if !h.claim(key) {
		diags.AddError("Unable to Create "+kind, fmt.Sprintf("Another resource in this configuration also declares "+
			"the %s with %s, and this apply is creating it or already manages it. Two resources managing one object "+
			"undo each other's changes, and destroying either deletes it for both: remove one of the two resources "+
			"(or give them different keys).", strings.ToLower(kind), nk.naturalKey(plan)))
		return nil
	}
	return func() { h.release(key) }
}

func releaseKey[M any](h *clientHolder, r any, c *mgmt.Client, state M, kind string) {
	if nk, ok := r.(naturalKeyed[M]); ok {
		h.release(naturalKeyID(c, kind, nk.naturalImportID(state)))
	}
}

// naturalKeyID names a natural key across tenants and kinds: in-process
// tests serve several provider configurations, with tenants of their own,
// from one provider.
func naturalKeyID(c *mgmt.Client, kind, importID string) string {
	return c.BaseURL() + "\x00" + kind + "\x00" + importID
}

// privateRecorder is implemented by a resource that keeps in private state
// what a later read must finish, e.g. a grant's record on its client
// (leftovers.go): recordCreate after a create, settleRead on a read.
type privateRecorder[M any] interface {
	recordCreate(ctx context.Context, c *mgmt.Client, plan M, private privateData) diag.Diagnostics
	settleRead(ctx context.Context, c *mgmt.Client, state M, private privateData) diag.Diagnostics
}

// identified is implemented by a resource with an identity, whose
// attributes are all immutable, so an identity never changes once set.
type identified[M any] interface {
	identity(m M) any
}

// setIdentity sets the identity when the resource has one and Terraform
// supports identities (id is nil otherwise).
func setIdentity[M any](ctx context.Context, r any, m M, id *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	ir, ok := r.(identified[M])
	if !ok || id == nil || diags.HasError() {
		return
	}
	diags.Append(setIdentityValue(ctx, id, ir.identity(m))...)
}

func readConfig[M any](ctx context.Context, r any, config tfsdk.Config, plan M) diag.Diagnostics {
	if cr, ok := r.(configReader[M]); ok {
		return cr.readConfig(ctx, config, plan)
	}
	return nil
}

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
	release := claimKey(r.holder(), r, client, plan, &resp.Diagnostics, r.kind())
	if release == nil {
		return
	}
	obj, diags, err := r.createObject(ctx, client, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		release()
		return
	}
	if domain := goneTenant(ctx, r.holder(), client, err); domain != "" {
		release()
		tenantGoneError(&resp.Diagnostics, domain)
		return
	}
	if err != nil {
		ec := errorContext{client: client}
		if nk, ok := r.(naturalKeyed[M]); ok && mgmt.IsConflict(err) {
			ec.conflictKey = nk.naturalKey(plan)
			ec.conflictID = existingID(err)
			ec.conflictIdentical = identicalConflict(err)
			if ec.conflictID == "" {
				ec.conflictID = nk.naturalImportID(plan)
			}
		}
		addAPIError(&resp.Diagnostics, "Unable to Create "+r.kind(), err, ec)
		if created := createdDespite(err); created == nil {
			release()
		} else {
			// Saved with the error, it is tainted and replaced by the next
			// apply rather than left on the server unknown to Terraform.
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
	resp.Diagnostics.Append(rememberTenant(ctx, client, resp.Private)...)
	if pr, ok := r.(privateRecorder[M]); ok {
		resp.Diagnostics.Append(pr.recordCreate(ctx, client, plan, resp.Private)...)
	}
	setIdentity(ctx, r, plan, resp.Identity, &resp.Diagnostics)
}

func readResource[M apiModel[A], A any](ctx context.Context, r objectAPI[M, A], req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
	if !resp.Diagnostics.HasError() && droppedWithTenant(ctx, r.holder(), r.kind(), req.Private, &resp.Diagnostics, false) {
		setIdentity(ctx, r, state, resp.Identity, &resp.Diagnostics)
		resp.State.RemoveResource(ctx)
		return
	}
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	obj, err := r.readObject(ctx, client, state)
	if mgmt.IsNotFound(err) {
		if domain := goneTenant(ctx, r.holder(), client, err); domain != "" {
			tenantGoneWarning(&resp.Diagnostics, domain, r.kind(), false)
		}
		// The framework wants an identity even for a removed object.
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
	resp.Diagnostics.Append(rememberTenant(ctx, client, resp.Private)...)
	if pr, ok := r.(privateRecorder[M]); ok {
		resp.Diagnostics.Append(pr.settleRead(ctx, client, state, resp.Private)...)
	}
	// A state written before identities existed gets one here.
	setIdentity(ctx, r, state, resp.Identity, &resp.Diagnostics)
}

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
	if domain := goneTenant(ctx, r.holder(), client, err); domain != "" {
		tenantGoneError(&resp.Diagnostics, domain)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to Update "+r.kind(), err, errorContext{client: client})
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, obj)...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, plan)...)
	resp.Diagnostics.Append(rememberTenant(ctx, client, resp.Private)...)
	setIdentity(ctx, r, plan, resp.Identity, &resp.Diagnostics)
}

func deleteResource[M apiModel[A], A any](ctx context.Context, r objectAPI[M, A], req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() || droppedWithTenant(ctx, r.holder(), r.kind(), req.Private, &resp.Diagnostics, true) {
		return
	}
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.deleteObject(ctx, client, state)
	if err != nil && !mgmt.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to Delete "+r.kind(), err, errorContext{client: client})
		return
	}
	if domain := goneTenant(ctx, r.holder(), client, err); domain != "" {
		tenantGoneWarning(&resp.Diagnostics, domain, r.kind(), true)
	}
	releaseKey(r.holder(), r, client, state, r.kind())
}
