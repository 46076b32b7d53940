package validators

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// noWhiteSpace matches values without white space.
var noWhiteSpace = regexp.MustCompile(`^\S+$`)

// NoWhiteSpace returns a validator that refuses a string with white space
// in it. Scopes need it: OAuth 2.0 joins them with spaces, so a scope with a
// space inside would read as two.
func NoWhiteSpace() validator.String {
	return stringvalidator.RegexMatches(noWhiteSpace, "must not contain white space")
}
