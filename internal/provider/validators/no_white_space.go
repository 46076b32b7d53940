package validators

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = noWhiteSpaceValidator{}

type noWhiteSpaceValidator struct{}

// NoWhiteSpace refuses any Unicode white space (unicode.IsSpace, as the server checks), not only
// the ASCII that \S knows: a scope claim is space-separated, so a scope must be one token.
func NoWhiteSpace() validator.String {
	return noWhiteSpaceValidator{}
}

func (v noWhiteSpaceValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (noWhiteSpaceValidator) MarkdownDescription(context.Context) string {
	return "value must not contain white space"
}

func (noWhiteSpaceValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if i := strings.IndexFunc(value, unicode.IsSpace); i >= 0 {
		r := []rune(value[i:])[0]
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Value",
			fmt.Sprintf("%q must not contain white space (it contains %U).", value, r))
	}
}
