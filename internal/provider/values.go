package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func valueOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// nonEmptyString maps "" to null, so that an optional attribute left out
// of the configuration stays quiet in plans.
func nonEmptyString(p *string) types.String {
	if p == nil || *p == "" {
		return types.StringNull()
	}
	return types.StringValue(*p)
}

// sortedCopy returns the strings sorted and without duplicates.
func sortedCopy(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

func setValue(ctx context.Context, v []string) (types.Set, diag.Diagnostics) {
	return types.SetValueFrom(ctx, types.StringType, v)
}
