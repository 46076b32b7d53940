package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// What the lookup data sources (idp_resource_server, idp_client,
// idp_tenant) share. Each looks one object up, maps it with the resource
// model's fromAPI (the one mapping per kind) and copies the attributes it
// has into its own model.

// lookup is one way of finding an object: what is looked up, for the
// diagnostics, and the request that finds it.
type lookup[A any] struct {
	// kind names the object in summaries, e.g. "Resource Server".
	kind string
	// what names the key, e.g. `identifier "https://api.example.com/"`.
	what string
	// check ends the Not Found detail: what to check besides the domain.
	check string
	// get finds the object; a 404 or errNoSuchObject means there is none.
	get func(ctx context.Context, c *mgmt.Client) (A, error)
	// notFound, if set, explains a 404 instead of the usual detail, or
	// returns "" to keep it (idp_tenant on a tenant that has no tenants
	// API).
	notFound func(c *mgmt.Client, err error) string
}

// run performs the lookup with the provider's client. It returns false
// after adding an error: "<Kind> Not Found" naming what was looked up, or
// the API's error through addAPIError.
func (l lookup[A]) run(ctx context.Context, h *clientHolder, diags *diag.Diagnostics) (A, bool) {
	var zero A
	client := h.client(diags)
	if diags.HasError() {
		return zero, false
	}
	obj, err := l.get(ctx, client)
	var ambiguous *ambiguousError
	switch {
	case err == nil:
		return obj, true
	case errors.As(err, &ambiguous):
		diags.AddAttributeError(path.Root(ambiguous.attribute), "Ambiguous "+l.kind+" "+ambiguous.label,
			fmt.Sprintf("%d %ss on %s have %s: %s. %s", len(ambiguous.ids), strings.ToLower(l.kind),
				client.BaseURL(), l.what, strings.Join(ambiguous.ids, ", "), ambiguous.advice))
	case mgmt.IsNotFound(err) || errors.Is(err, errNoSuchObject):
		detail := ""
		if l.notFound != nil {
			detail = l.notFound(client, err)
		}
		if detail == "" {
			detail = fmt.Sprintf("No %s with %s exists on %s. Check the %s and the provider's domain.",
				strings.ToLower(l.kind), l.what, client.BaseURL(), l.check)
		}
		diags.AddError(l.kind+" Not Found", detail)
	default:
		addAPIError(diags, "Unable to Read "+l.kind, err, errorContext{client: client})
	}
	return zero, false
}

// ambiguousError is what a lookup by a key that is not unique (a client's
// name) returns when several objects have it.
type ambiguousError struct {
	// attribute is the attribute holding the key, label its name in the
	// summary ("Name").
	attribute, label string
	// ids are the IDs of the objects that have the key.
	ids []string
	// advice says how to pick one.
	advice string
}

func (e *ambiguousError) Error() string {
	return fmt.Sprintf("%d objects have that %s: %s", len(e.ids), e.attribute, strings.Join(e.ids, ", "))
}
