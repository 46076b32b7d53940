package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// tokenValidationCases are the plan-time checks shared by the data source
// and the ephemeral resource.
var tokenValidationCases = map[string]struct {
	body    string
	message string
}{
	"audience not a URI": {`audience = "orders"`, `"orders" is not an absolute URI: it has no scheme`},
	"no audience":        {`scope = ["read:x"]`, `The argument "audience" is required, but no definition was found.`},
	"empty scope set":    {`audience = "https://a/"` + "\n" + `scope = []`, `scope set must contain at least 1 elements, got: 0`},
	"empty scope":        {`audience = "https://a/"` + "\n" + `scope = [""]`, `string length must be at least 1, got: 0`},
	"spaced scope":       {`audience = "https://a/"` + "\n" + `scope = ["read x"]`, `must not contain white space`},
	"id without secret":  {`audience = "https://a/"` + "\n" + `client_id = "c"`, `Attribute "client_secret" must be specified when "client_id" is specified`},
	"secret without id":  {`audience = "https://a/"` + "\n" + `client_secret = "s"`, `Attribute "client_id" must be specified when "client_secret" is specified`},
	"bad domain":         {`audience = "https://a/"` + "\n" + `domain = "ftp://x"`, `"ftp://x" is not a usable domain`},
}

func TestAccTokenDataSource_validation(t *testing.T) {
	env := newTestEnv(t)
	for name, tc := range tokenValidationCases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      env.config("data \"idp_token\" \"t\" {\n" + tc.body + "\n}\n"),
					PlanOnly:    true,
					ExpectError: expectMessage(tc.message),
				}},
			})
		})
	}
}

func TestAccTokenEphemeral_validation(t *testing.T) {
	env := newTestEnv(t)
	for name, tc := range tokenValidationCases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
				ProtoV6ProviderFactories: flowProviders(),
				Steps: []resource.TestStep{{
					Config: env.config(fmt.Sprintf("ephemeral \"idp_token\" \"t\" {\n%s\n}\n", tc.body) + `
provider "echo" {
  data = ephemeral.idp_token.t.token_type
}
resource "echo" "t" {}
`),
					PlanOnly:    true,
					ExpectError: expectMessage(tc.message),
				}},
			})
		})
	}
}

// With an api_token and no client credentials, idp_token has nothing to
// authenticate with, and says so.
func TestAccTokenDataSource_needsClientCredentials(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "idp" {
  domain    = %q
  api_token = "not-used-by-this-test"
}

data "idp_token" "t" {
  audience = "https://a.example.com/"
}
`, env.url),
			ExpectError: expectMessage(`idp_token needs client credentials: set client_id and client_secret here, or configure the provider with client_id and client_secret instead of api_token.`),
		}},
	})
}
