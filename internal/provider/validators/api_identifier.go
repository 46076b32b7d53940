package validators

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// APIIdentifier accepts what Auth0 takes as an API's identifier, and so as a token's or a grant's
// audience: any string of 1 to 600 characters. A URI such as "https://api.example.com/" is
// customary, not required (the spec's CreateResourceServerRequestContent has no pattern).
func APIIdentifier() validator.String {
	return stringvalidator.UTF8LengthBetween(1, MaxAPIIdentifier)
}

// MaxAPIIdentifier is the spec's maxLength of an API identifier.
const MaxAPIIdentifier = 600
