package validators

import (
	"context"
	"fmt"
	"net/mail"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = emailValidator{}

type emailValidator struct{}

// Email accepts a bare e-mail address such as `ops@example.com`, without a display name.
func Email() validator.String {
	return emailValidator{}
}

func (v emailValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (emailValidator) MarkdownDescription(context.Context) string {
	return "value must be an e-mail address such as `ops@example.com`"
}

func (emailValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	addr, err := mail.ParseAddress(value)
	if err != nil || addr.Address != value || addr.Name != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid E-mail Address",
			fmt.Sprintf("%q is not an e-mail address. Use a bare address such as \"ops@example.com\".", value))
	}
}
