package validators

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

var _ validator.String = rsaPublicKeyValidator{}

type rsaPublicKeyValidator struct{}

// RSAPublicKeyPEM accepts what a public_key credential's pem may hold: an RSA public key of 2048 to 4096 bits
// (SPKI or PKCS #1) or an X.509 certificate of one. Its message never quotes the value, which may be a
// private key given by mistake.
func RSAPublicKeyPEM() validator.String {
	return rsaPublicKeyValidator{}
}

func (v rsaPublicKeyValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (rsaPublicKeyValidator) MarkdownDescription(context.Context) string {
	return "value must be an RSA public key of 2048 to 4096 bits in PEM, or an X.509 certificate of one"
}

func (rsaPublicKeyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := mgmt.ParsePublicKeyPEM(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Public Key", "The value is not a usable RSA public key: "+
			err.Error()+". Give the PEM of an RSA public key of 2048 to 4096 bits, starting with \"-----BEGIN PUBLIC "+
			"KEY-----\" (e.g. from openssl pkey -pubout, or tls_private_key's public_key_pem), or of an X.509 "+
			"certificate.")
	}
}
