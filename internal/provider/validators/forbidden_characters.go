package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = forbiddenCharactersValidator{}

type forbiddenCharactersValidator struct {
	chars string
}

// ForbiddenCharacters refuses a string containing any of chars, e.g. ForbiddenCharacters("<>").
func ForbiddenCharacters(chars string) validator.String {
	return forbiddenCharactersValidator{chars: chars}
}

func (v forbiddenCharactersValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (v forbiddenCharactersValidator) MarkdownDescription(context.Context) string {
	return fmt.Sprintf("value must not contain any of %s", v.list())
}

// list names the characters: `<`, `>`.
func (v forbiddenCharactersValidator) list() string {
	names := make([]string, 0, len(v.chars))
	for _, r := range v.chars {
		names = append(names, "`"+string(r)+"`")
	}
	return strings.Join(names, ", ")
}

func (v forbiddenCharactersValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if i := strings.IndexAny(value, v.chars); i >= 0 {
		r := []rune(value[i:])[0]
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Character",
			fmt.Sprintf("%q contains %q; none of %s is allowed here.", value, r, v.list()))
	}
}
