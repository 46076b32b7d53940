package validators

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var _ validator.String = privateKeyValidator{}

type privateKeyValidator struct{}

// PrivateKeyPEM accepts an RSA private key in PEM, PKCS #1 or PKCS #8; its message never quotes the value.
func PrivateKeyPEM() validator.String {
	return privateKeyValidator{}
}

func (v privateKeyValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (privateKeyValidator) MarkdownDescription(context.Context) string {
	return "value must be an RSA private key in PEM (PKCS #1 or PKCS #8)"
}

func (privateKeyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := mgmt.ParsePrivateKeyPEM(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Private Key", PrivateKeyProblem(err))
	}
}

// PrivateKeyProblem phrases a ParsePrivateKeyPEM error.
func PrivateKeyProblem(err error) string {
	return "The value is not a usable RSA private key: " + err.Error() + ". Give the PEM of an unencrypted RSA " +
		"private key of 2048 to 4096 bits, starting with \"-----BEGIN PRIVATE KEY-----\" (PKCS #8) or " +
		"\"-----BEGIN RSA PRIVATE KEY-----\" (PKCS #1), e.g. with file(\"key.pem\")."
}
