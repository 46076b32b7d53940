// Package validators holds the provider's own attribute validators. Each
// returns early on null and unknown values, so that a value only known at
// apply time is checked then by the API instead.
package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var _ validator.String = domainValidator{}

type domainValidator struct{}

// Domain accepts `host[:port]` or an http(s) URL, as the Management API client does.
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
		return
	}
	if problem := ManagementAPIPath(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Domain", problem)
	}
}

// ManagementAPIPath explains why a domain ending in /api/v2 cannot be right, or returns "";
// a path before it (idp-server's /tenants/x) is a tenant's base URL and fine.
func ManagementAPIPath(domain string) string {
	trimmed := strings.TrimRight(domain, "/")
	if !strings.HasSuffix(strings.ToLower(trimmed), "/api/v2") {
		return ""
	}
	base := trimmed[:len(trimmed)-len("/api/v2")]
	return fmt.Sprintf("%q ends in /api/v2, the path of the Management API. The domain is the tenant's base URL: "+
		"the provider adds /api/v2/ and /oauth/token to it itself, so this one would ask for /api/v2/api/v2/ and "+
		"get 404 for everything. Use %q.", mgmt.RedactDomain(domain), mgmt.RedactDomain(base))
}
