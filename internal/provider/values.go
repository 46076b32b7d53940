package provider

import "github.com/hashicorp/terraform-plugin-framework/types"

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
