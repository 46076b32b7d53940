package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// The shapes of the server's IDs (internal/server/ids.go, the same as the
// real service's), which ImportState checks before it asks the server, so
// that a mistyped ID is named as such instead of as an object that does
// not exist.
var (
	clientIDRegexp         = regexp.MustCompile(`^[A-Za-z0-9]{32}$`)
	clientGrantIDRegexp    = regexp.MustCompile(`^cgr_[A-Za-z0-9]+$`)
	resourceServerIDRegexp = regexp.MustCompile(`^[0-9a-f]{24}$`)
	tenantIDRegexp         = regexp.MustCompile(`^ten_[A-Za-z0-9]+$`)
)

// The import ID forms each resource type accepts, with examples, for the
// Invalid Import ID error.
const (
	clientImportForms = `the client ID, 32 letters and digits (e.g. "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6")`
	grantImportForms  = `the grant's ID, "cgr_" followed by letters and digits (e.g. "cgr_a1B2c3D4e5F6g7H8"), or ` +
		`client_id::audience (e.g. "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6::https://api.example.com/")`
	resourceServerImportForms = `the resource server's ID, 24 hexadecimal digits (e.g. "5f8d0d55b54764421b7156c9"), ` +
		`or its identifier, an absolute URI (e.g. "https://api.example.com/")`
	tenantImportForms = `the tenant's ID, "ten_" followed by letters and digits (e.g. "ten_a1B2c3D4e5F6g7H8"), or ` +
		`its name, 3 to 63 lowercase letters, digits and hyphens (e.g. "customer-1")`
)

// isAbsoluteURI reports whether v is an absolute URI, the form of a
// resource server identifier (the server's own rule).
func isAbsoluteURI(v string) bool {
	u, err := url.Parse(v)
	return err == nil && u.IsAbs() && (u.Host != "" || u.Opaque != "") && !strings.ContainsAny(v, " \t\n{}")
}

// addInvalidImportID refuses an import ID that has none of the accepted
// forms.
func addInvalidImportID(resp *resource.ImportStateResponse, id, forms string) {
	resp.Diagnostics.AddError("Invalid Import ID",
		fmt.Sprintf("%q is not an import ID this resource accepts. Use %s.", id, forms))
}

// errNoSuchObject is what an import's lookup returns when a search (rather
// than a GET, which answers 404) found nothing.
var errNoSuchObject = errors.New("no such object")

// importedObject is what an import's lookup found.
type importedObject struct {
	// id is the object's ID, which goes into the state.
	id string
	// system marks an object the tenant owns itself (the Management API).
	system bool
}

// importExisting looks the object up with one request and puts its ID into
// the state; the Read that Terraform calls next fills in the rest. An
// object that does not exist, or one that Terraform cannot manage, fails
// the import with an error that says what was looked up.
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
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), obj.id)...)
}
