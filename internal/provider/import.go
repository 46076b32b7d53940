package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// identityImporter is an identity that converts to the import ID
// ImportState accepts.
type identityImporter interface {
	importID() string
}

// importIDFromIdentity turns an import by identity into an import by ID,
// so that one code path checks and looks up both.
func importIDFromIdentity[I identityImporter](ctx context.Context, req *resource.ImportStateRequest, resp *resource.ImportStateResponse) bool {
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		return true
	}
	var id I
	resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
	if resp.Diagnostics.HasError() {
		return false
	}
	req.ID = id.importID()
	return true
}

func requiredString(description string) identityschema.StringAttribute {
	return identityschema.StringAttribute{Description: description, RequiredForImport: true}
}

// addInvalidImportID refuses an import ID that has none of the forms the
// server's IDs and keys have, before any request, so that a mistyped ID is
// named as such rather than as an object that does not exist.
func addInvalidImportID(resp *resource.ImportStateResponse, id, forms string) {
	resp.Diagnostics.AddError("Invalid Import ID",
		fmt.Sprintf("%q is not an import ID this resource accepts. Use %s.", id, forms))
}

// errNoSuchObject is a search, rather than a GET, that found nothing.
var errNoSuchObject = errors.New("no such object")

type importedObject struct {
	id string
	// system marks the tenant's Management API.
	system bool
	// refusal says why the resource cannot manage the object found, or is "".
	refusal string
}

// importExisting looks the object up with one request and puts its ID
// into the state; the Read that Terraform calls next fills in the rest.
func importExisting(ctx context.Context, h *clientHolder, resp *resource.ImportStateResponse, kind, what string,
	get func(context.Context, *mgmt.Client) (importedObject, error)) {
	client := h.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	obj, err := get(ctx, client)
	switch {
	case mgmt.IsNotFound(err) || errors.Is(err, errNoSuchObject):
		resp.Diagnostics.AddError(kind+" Not Found",
			fmt.Sprintf("No %s with %s exists on %s. Check the import ID and the provider's domain.",
				strings.ToLower(kind), what, client.BaseURL()))
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Unable to Import "+kind, err, errorContext{client: client})
		return
	case obj.system:
		resp.Diagnostics.AddError("Cannot Import "+kind,
			fmt.Sprintf("The %s with %s is the tenant's Management API. %s", strings.ToLower(kind), what, systemObjectAdvice))
		return
	case obj.refusal != "":
		resp.Diagnostics.AddError("Cannot Import "+kind, fmt.Sprintf("The %s with %s %s", strings.ToLower(kind), what, obj.refusal))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), obj.id)...)
}
