package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var _ validator.Map = reservedKeyValidator{}

type reservedKeyValidator struct{}

// NotTheCreateMarker refuses the metadata key the provider keeps for itself: the create
// marker by which a later apply recognises what a killed one created (mgmt.CreateRequestMetadataKey).
// The provider hides that key from plan and state, so a value of the user's under it could never
// be read back.
func NotTheCreateMarker() validator.Map {
	return reservedKeyValidator{}
}

func (v reservedKeyValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (reservedKeyValidator) MarkdownDescription(context.Context) string {
	return fmt.Sprintf("no property named `%s`, which the provider keeps for itself", mgmt.CreateRequestMetadataKey)
}

func (reservedKeyValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, ok := req.ConfigValue.Elements()[mgmt.CreateRequestMetadataKey]; ok {
		resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(mgmt.CreateRequestMetadataKey), "Reserved Metadata Property",
			fmt.Sprintf("%q is the provider's own property: it marks what a create made, so that a later apply can "+
				"recognise what an interrupted one left, and it is never shown. Choose another name.", mgmt.CreateRequestMetadataKey))
	}
}

var _ validator.String = reservedScopeValidator{}

type reservedScopeValidator struct{}

// NotACreateMarkerScope refuses a scope value under the prefix the provider keeps for
// itself: an API's create marker is a scope (mgmt.CreateMarkerScopePrefix), which the
// provider hides from plan and state, so a scope of the user's under it could never be read back.
func NotACreateMarkerScope() validator.String {
	return reservedScopeValidator{}
}

func (v reservedScopeValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (reservedScopeValidator) MarkdownDescription(context.Context) string {
	return fmt.Sprintf("value must not start with `%s`, which the provider keeps for itself", mgmt.CreateMarkerScopePrefix)
}

func (reservedScopeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if value := req.ConfigValue.ValueString(); mgmt.IsCreateMarkerScope(value) {
		resp.Diagnostics.AddAttributeError(req.Path, "Reserved Scope Value",
			fmt.Sprintf("%q starts with %q, the provider's own prefix: a scope under it marks what a create made, so that "+
				"a later apply can recognise what an interrupted one left, and it is never shown. Choose another value.",
				value, mgmt.CreateMarkerScopePrefix))
	}
}
