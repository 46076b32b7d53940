// Package validators holds the provider's own attribute validators. Each
// returns early on null and unknown values, so that a value only known at
// apply time is checked then by the API instead.
package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var _ validator.String = domainValidator{}

// domainValidator checks that a string is a usable tenant domain.
type domainValidator struct{}

// Domain returns a validator that accepts `host[:port]` or an http(s) URL,
// the forms the Management API client accepts.
func Domain() validator.String {
	return domainValidator{}
}

func (v domainValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (domainValidator) MarkdownDescription(context.Context) string {
	return "value must be `host[:port]` or an `http://` or `https://` URL"
}

func (domainValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := mgmt.ParseDomain(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Domain",
			fmt.Sprintf("%q is not a usable domain: %s. Use host[:port] (HTTPS is assumed) or a URL such as "+
				"\"http://127.0.0.1:8080\".", mgmt.RedactDomain(req.ConfigValue.ValueString()), err))
	}
}
