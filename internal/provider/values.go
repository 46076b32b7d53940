package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// valueOr returns *p, or def when the server omitted the field.
func valueOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// nonEmptyString maps an omitted or empty string to null, so that an
// optional attribute left out of the configuration stays quiet in plans.
func nonEmptyString(p *string) types.String {
	if p == nil || *p == "" {
		return types.StringNull()
	}
	return types.StringValue(*p)
}

// sortedCopy returns the strings sorted and without duplicates, leaving in
// as it is.
func sortedCopy(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

// setValue turns a list of strings into a set value.
func setValue(ctx context.Context, v []string) (types.Set, diag.Diagnostics) {
	return types.SetValueFrom(ctx, types.StringType, v)
}
