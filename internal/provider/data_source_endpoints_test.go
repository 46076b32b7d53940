package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// expectEndpoints checks every URL of an idp_endpoints against base, and
// its domain against domain.
func expectEndpoints(address, domain, base, audience string) []statecheck.StateCheck {
	at := func(attr string) tfjsonpath.Path { return tfjsonpath.New(attr) }
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, at("domain"), knownvalue.StringExact(domain)),
		statecheck.ExpectKnownValue(address, at("base_url"), knownvalue.StringExact(base)),
		statecheck.ExpectKnownValue(address, at("management_api_audience"), knownvalue.StringExact(audience)),
		statecheck.ExpectKnownValue(address, at("token_url"), knownvalue.StringExact(base+"/oauth/token")),
		statecheck.ExpectKnownValue(address, at("issuer"), knownvalue.StringExact(base+"/")),
		statecheck.ExpectKnownValue(address, at("jwks_uri"), knownvalue.StringExact(base+"/.well-known/jwks.json")),
		statecheck.ExpectKnownValue(address, at("openid_configuration_url"),
			knownvalue.StringExact(base+"/.well-known/openid-configuration")),
	}
}

// The endpoints of the provider's tenant and of other domains, the
// host:port form included, are computed without a single request: the
// provider is given a static api_token, so that not even its token check
// reaches the server.
func TestAccDataSourceEndpoints_noRequests(t *testing.T) {
	env := newTestEnv(t)
	checks := expectEndpoints("data.idp_endpoints.this", env.url, env.url, env.url+"/api/v2/")
	checks = append(checks, expectEndpoints("data.idp_endpoints.host_port", "127.0.0.1:42357",
		"https://127.0.0.1:42357", "https://127.0.0.1:42357/api/v2/")...)
	checks = append(checks, expectEndpoints("data.idp_endpoints.customer", env.url+"/tenants/customer-1/",
		env.url+"/tenants/customer-1", env.url+"/tenants/customer-1/api/v2/")...)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "idp" {
  domain    = %[1]q
  api_token = "never-sent"
}

data "idp_endpoints" "this" {}

data "idp_endpoints" "host_port" {
  domain = "127.0.0.1:42357"
}

data "idp_endpoints" "customer" {
  domain = "%[1]s/tenants/customer-1/"
}
`, env.url),
			ConfigStateChecks: checks,
		}},
	})
	env.expectNoRequests()
}

// The provider's own Management API audience is the configured audience
// when there is one: that is what the service calls its Management API.
func TestAccDataSourceEndpoints_configuredAudience(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "idp" {
  domain    = %q
  api_token = "never-sent"
  audience  = "urn:example:management"
}

data "idp_endpoints" "this" {}
`, env.url),
			ConfigStateChecks: expectEndpoints("data.idp_endpoints.this", env.url, env.url, "urn:example:management"),
		}},
	})
}

// With domain set, idp_endpoints needs nothing of its provider, so it can
// be read at plan even when the provider's configuration is not known yet.
func TestAccDataSourceEndpoints_domainWithUnknownProvider(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: flowProviders("later"),
		Steps: []resource.TestStep{{
			Config: env.config(fmt.Sprintf(`
resource "idp_client" "later" {
  name = "Later"
}

provider "idplater" {
  domain        = %[1]q
  client_id     = idp_client.later.client_id
  client_secret = idp_client.later.client_secret
}

data "idp_endpoints" "fixed" {
  provider = idplater
  domain   = %[1]q
}

resource "terraform_data" "audience" {
  input = data.idp_endpoints.fixed.management_api_audience
}
`, env.url)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("terraform_data.audience", tfjsonpath.New("output"),
					knownvalue.StringExact(env.url+"/api/v2/")),
			},
		}},
	})
}

func TestAccDataSourceEndpoints_errors(t *testing.T) {
	env := newTestEnv(t)
	cases := map[string]struct {
		config, message string
	}{
		"bad domain": {
			config: `data "idp_endpoints" "x" { domain = "ftp://example.com" }`,
			message: `Invalid Domain .* "ftp://example.com" is not a usable domain: scheme "ftp" is not supported: ` +
				`use http or https.`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: env.config(tc.config), ExpectError: expectError(tc.message)}},
			})
		})
	}
}
