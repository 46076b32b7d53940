package provider

import (
	"errors"
	"net"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// A domain that does not resolve fails the plan at once (the default
// retry_timeout is a minute) with one message that says so.
func TestAccProvider_unresolvableDomain(t *testing.T) {
	clearIDPEnv(t)
	const host = "nonexistent.invalid" // .invalid never resolves (RFC 2606)
	var probe *net.DNSError
	if _, err := net.DefaultResolver.LookupHost(t.Context(), host); !errors.As(err, &probe) || !probe.IsNotFound {
		t.Skipf("this machine's resolver does not answer that %s does not exist: %v", host, err)
	}
	env := newTestEnv(t)
	cases := map[string]struct {
		config, message string
	}{
		"provider": {
			config: clientProviderBlock(host, "id", "secret") + anyResource,
			message: `The provider asked https://nonexistent.invalid/oauth/token for a Management API token (audience ` +
				`"https://nonexistent.invalid/api/v2/") to check its configuration. The request failed: requesting an ` +
				`access token: POST /oauth/token: the host nonexistent.invalid does not resolve (no such host). Check ` +
				`domain (or IDP_DOMAIN).`,
		},
		"idp_token": {
			config: env.config(`
data "idp_token" "t" {
  domain        = "` + host + `"
  audience      = "https://api.example.com/"
  client_id     = "id"
  client_secret = "secret"
}
`),
			message: `The token request to https://nonexistent.invalid/oauth/token for audience ` +
				`"https://api.example.com/" as client "id" failed. The request failed: requesting an access token: POST ` +
				`/oauth/token: the host nonexistent.invalid does not resolve (no such host). Check idp_token's domain.`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: expectMessage(tc.message)}},
			})
		})
	}
}
