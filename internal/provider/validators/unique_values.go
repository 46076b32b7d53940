package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ validator.Set = uniqueAttributeValidator{}

// A set only folds objects equal in every attribute: two scopes with the same value and
// different descriptions would otherwise both pass.
type uniqueAttributeValidator struct {
	name string
}

// UniqueAttribute requires attribute name to be unique across a set of objects.
func UniqueAttribute(name string) validator.Set {
	return uniqueAttributeValidator{name: name}
}

func (v uniqueAttributeValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (v uniqueAttributeValidator) MarkdownDescription(context.Context) string {
	return fmt.Sprintf("each `%s` must be unique", v.name)
}

func (v uniqueAttributeValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	seen := map[string]bool{}
	for _, elem := range req.ConfigValue.Elements() {
		obj, ok := elem.(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			continue
		}
		value, ok := obj.Attributes()[v.name].(types.String)
		if !ok || value.IsNull() || value.IsUnknown() {
			continue
		}
		if seen[value.ValueString()] {
			resp.Diagnostics.AddAttributeError(req.Path, "Duplicate "+titleCase(v.name),
				fmt.Sprintf("%q appears more than once as %s; each %s must be unique.", value.ValueString(), v.name, v.name))
		}
		seen[value.ValueString()] = true
	}
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
