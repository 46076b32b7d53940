package validators

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = absoluteURIValidator{}

type absoluteURIValidator struct{}

// AbsoluteURI accepts an absolute URI, e.g. "https://api.example.com/" or "urn:example:api".
func AbsoluteURI() validator.String {
	return absoluteURIValidator{}
}

func (v absoluteURIValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (absoluteURIValidator) MarkdownDescription(context.Context) string {
	return "value must be an absolute URI, such as `https://api.example.com/`"
}

func (absoluteURIValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if err := checkAbsoluteURI(value); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URI",
			fmt.Sprintf("%q is not an absolute URI: %s. Use a URI with a scheme, such as \"https://api.example.com/\".", value, err))
	}
}

// checkAbsoluteURI accepts what the server accepts as an API identifier.
func checkAbsoluteURI(value string) error {
	if i := strings.IndexFunc(value, unicode.IsSpace); i >= 0 {
		return fmt.Errorf("it contains white space (%U)", []rune(value[i:])[0])
	}
	if i := strings.IndexAny(value, "{}"); i >= 0 {
		return fmt.Errorf("it contains %q", value[i])
	}
	u, err := url.Parse(value)
	switch {
	case err != nil:
		return fmt.Errorf("it does not parse (%v)", err)
	case u.Scheme == "":
		return fmt.Errorf("it has no scheme")
	case u.Opaque == "" && u.Host == "" && u.Path == "":
		return fmt.Errorf("it has nothing after the scheme")
	case u.Opaque == "" && u.Host == "":
		return fmt.Errorf("it has no host")
	}
	return nil
}
