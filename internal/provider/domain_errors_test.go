package provider

import (
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
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

// A domain with user info in it is refused, and the diagnostic does not
// quote the user info, from the domain argument, from IDP_DOMAIN, or from
// idp_endpoints' and idp_token's domain.
func TestAccProvider_domainUserInfoNotQuoted(t *testing.T) {
	clearIDPEnv(t)
	const domain = "https://id:s3cr3t@login.example.com"
	refused := `"https://REDACTED@login.example.com" is not a usable domain: it must not contain user info ` +
		`(credentials are configured separately).`
	env := newTestEnv(t)
	cases := map[string]struct {
		env, config, message string
	}{
		"domain argument": {config: clientProviderBlock(domain, "id", "secret") + anyResource, message: refused},
		"IDP_DOMAIN": {
			env: domain,
			config: `
provider "idp" {
  client_id     = "id"
  client_secret = "secret"
}
` + anyResource,
			message: `The domain "https://REDACTED@login.example.com" (from the domain argument or IDP_DOMAIN) is not ` +
				`usable: it must not contain user info (credentials are configured separately).`,
		},
		"idp_endpoints": {config: env.config(`data "idp_endpoints" "x" { domain = "` + domain + `" }`), message: refused},
		"idp_token": {config: env.config(`
data "idp_token" "x" {
  domain   = "` + domain + `"
  audience = "https://api.example.com/"
}
`), message: refused},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv("IDP_DOMAIN", tc.env)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: expectMessage(tc.message)}},
			})
		})
	}
}

// No diagnostic about the provider's domain quotes user info, whatever
// else is wrong with it (Terraform's own source snippet aside, which only
// shows the configuration back to its author).
func TestDomainDiagnosticsHideUserInfo(t *testing.T) {
	for _, domain := range []string{"https://id:s3cr3t@login.example.com", "http://id:s3 cr3t@192.0.2.1",
		"ftp://id:s3cr3t@login.example.com"} {
		var diags diag.Diagnostics
		validateCredentials(mgmt.Config{Domain: domain, ClientID: "id", ClientSecret: "x"}, &diags)
		checkPlainHTTP(domain, false, "The domain", &diags)
		if !diags.HasError() {
			t.Errorf("%q: no error", domain)
		}
		for _, d := range diags {
			if text := d.Summary() + " " + d.Detail(); strings.Contains(text, "cr3t") || strings.Contains(text, "id:") {
				t.Errorf("%q: diagnostic quotes the user info: %s", domain, text)
			}
		}
	}
}
