package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// ClientIDLength is the length of every client ID the real service issues:
// that many ASCII letters and digits. idp-server issues the same, and refuses
// a root admin client ID of another form (server.ValidClientID).
const ClientIDLength = 32

var _ validator.String = clientIDValidator{}

type clientIDValidator struct{}

// ClientID refuses a string that is not a client ID as the service issues
// them: ClientIDLength ASCII letters and digits. It is the one rule for every
// client ID the provider takes: arguments, the provider's own client_id and
// import IDs (IsClientID).
func ClientID() validator.String {
	return clientIDValidator{}
}

// IsClientID reports whether s has the form of a client ID the service issues.
func IsClientID(s string) bool {
	if len(s) != ClientIDLength {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func (v clientIDValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (v clientIDValidator) MarkdownDescription(context.Context) string {
	return fmt.Sprintf("value must be a client ID: %d letters and digits", ClientIDLength)
}

func (v clientIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || IsClientID(req.ConfigValue.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Client ID",
		fmt.Sprintf("%q is not a client ID: the service issues client IDs of %d letters and digits (A-Z, a-z, 0-9). "+
			"Copy the application's client ID, e.g. from an idp_client's client_id.", req.ConfigValue.ValueString(), ClientIDLength))
}
