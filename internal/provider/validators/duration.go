package validators

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = positiveDurationValidator{}

type positiveDurationValidator struct{}

// PositiveDuration accepts a positive Go duration such as `90s`, `5m` or `1m30s`.
func PositiveDuration() validator.String {
	return positiveDurationValidator{}
}

func (v positiveDurationValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (positiveDurationValidator) MarkdownDescription(context.Context) string {
	return "value must be a positive duration such as `90s` or `5m`"
}

func (positiveDurationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if d, err := time.ParseDuration(value); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%q is not a positive duration. Use a number with a unit, such as \"90s\", \"5m\" or "+
				"\"1m30s\".", value))
	}
}
