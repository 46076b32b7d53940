package validators

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var (
	_ validator.String = publicKeyValidator{}
	_ validator.String = rfc3339Validator{}
)

type publicKeyValidator struct{}

// PublicKeyPEM accepts what a client credential's pem may hold: one RSA
// public key or X.509 certificate of 2048 to 4096 bits. A private key is
// refused, so that none is ever sent; the message never quotes the value.
func PublicKeyPEM() validator.String {
	return publicKeyValidator{}
}

func (v publicKeyValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (publicKeyValidator) MarkdownDescription(context.Context) string {
	return "value must be an RSA public key (2048 to 4096 bits) or X.509 certificate in PEM"
}

func (publicKeyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := mgmt.ParsePublicKeyPEM(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Public Key",
			"The pem "+err.Error()+". Give the PEM of the public key the service signs its assertions with, "+
				"starting with \"-----BEGIN PUBLIC KEY-----\", e.g. file(\"service.pub.pem\").")
	}
}

type rfc3339Validator struct{}

// RFC3339 accepts a date and time with a time zone, e.g. 2027-01-31T00:00:00Z.
func RFC3339() validator.String {
	return rfc3339Validator{}
}

func (v rfc3339Validator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (rfc3339Validator) MarkdownDescription(context.Context) string {
	return "value must be an RFC 3339 date and time, e.g. 2027-01-31T00:00:00Z"
}

func (v rfc3339Validator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Date and Time",
			"\""+req.ConfigValue.ValueString()+"\" is not an RFC 3339 date and time: give one with "+
				"its time zone, such as 2027-01-31T00:00:00Z.")
	}
}
