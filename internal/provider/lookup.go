package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// lookup is one way of finding an object, for the data sources and
// imports that look one up.
type lookup[A any] struct {
	// kind is e.g. "Resource Server".
	kind string
	// what is e.g. `identifier "https://api.example.com/"`.
	what string
	// check is what the Not Found detail asks to check besides the domain.
	check string
	get   func(ctx context.Context, c *mgmt.Client) (A, error)
	// notFound, if set, may explain a 404 instead of the usual detail.
	notFound func(c *mgmt.Client, err error) string
}

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

// ambiguousError is a key that is not unique (a client's name) matching
// several objects.
type ambiguousError struct {
	attribute, label string
	ids              []string
	advice           string
}

func (e *ambiguousError) Error() string {
	return fmt.Sprintf("%d objects have that %s: %s", len(e.ids), e.attribute, strings.Join(e.ids, ", "))
}

// computedStrings is a data source's set of strings, read from the object found.
func computedStrings(description string) schema.SetAttribute {
	return schema.SetAttribute{Description: description, ElementType: types.StringType, Computed: true}
}
