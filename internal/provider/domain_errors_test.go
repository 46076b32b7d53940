package provider

import (
	"errors"
	"fmt"
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
			config: clientProviderBlock(host, "AbCdEfGhIjKlMnOpQrStUvWxYz012345", "secret") + anyResource,
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
  client_id     = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
  client_secret = "secret"
}
`),
			message: `The token request to https://nonexistent.invalid/oauth/token for audience ` +
				`"https://api.example.com/" as client "AbCdEfGhIjKlMnOpQrStUvWxYz012345" failed. The request failed: requesting an access token: POST ` +
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
		"domain argument": {config: clientProviderBlock(domain, "AbCdEfGhIjKlMnOpQrStUvWxYz012345", "secret") + anyResource, message: refused},
		"IDP_DOMAIN": {
			env: domain,
			config: `
provider "idp" {
  client_id     = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
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

// A domain ending in the Management API's path is refused at plan, from
// the argument or from IDP_DOMAIN, naming the base URL to use; a tenant's
// path (idp-server's /tenants/x) before it is kept.
func TestAccProvider_domainWithAPIPath(t *testing.T) {
	clearIDPEnv(t)
	env := newTestEnv(t)
	refused := func(config, message string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: expectMessage(message)}
	}
	var steps []resource.TestStep
	for _, domain := range []string{env.url + "/api/v2/", env.url + "/tenants/acme/api/v2"} {
		base := strings.TrimSuffix(strings.TrimSuffix(domain, "/"), "/api/v2")
		steps = append(steps, refused(env.providerBlock(domain)+anyResource, fmt.Sprintf("%q ends in /api/v2, the "+
			"path of the Management API. The domain is the tenant's base URL: the provider adds /api/v2/ and "+
			"/oauth/token to it itself, so this one would ask for /api/v2/api/v2/ and get 404 for everything. Use %q.",
			domain, base)))
	}
	t.Setenv("IDP_DOMAIN", env.url+"/api/v2")
	steps = append(steps, refused(fmt.Sprintf("provider \"idp\" {\n  client_id = %q\n  client_secret = %q\n}\n",
		env.srv.AdminClientID(), env.srv.AdminClientSecret())+anyResource,
		fmt.Sprintf("Use %q. (From the domain argument or IDP_DOMAIN.)", env.url)))
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}
