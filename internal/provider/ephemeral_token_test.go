package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func TestAccTokenEphemeral_validation(t *testing.T) {
	env := newTestEnv(t)
	for name, tc := range mergeCases(tokenValidationCases, ephemeralTokenValidationCases) {
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

// The ephemeral idp_token works in the same run — here it configures a
// second provider and is echoed — and its value is nowhere in the state.
func TestAccTokenEphemeral_configuresProvider(t *testing.T) {
	env := newTestEnv(t)
	var token string
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: flowProviders("bytoken"),
		Steps: []resource.TestStep{{
			Config: env.config(fmt.Sprintf(`
ephemeral "idp_token" "mgmt" {
  audience = "%[1]s/api/v2/"
  scope    = ["create:resource_servers", "read:resource_servers", "delete:resource_servers"]
}

provider "idpbytoken" {
  domain    = %[1]q
  api_token = ephemeral.idp_token.mgmt.access_token
}

resource "idp_resource_server" "made_with_token" {
  provider   = idpbytoken
  name       = "Made with an ephemeral token"
  identifier = "https://ephemeral.example.com/"
}

provider "echo" {
  data = {
    token_type = ephemeral.idp_token.mgmt.token_type
    scope      = ephemeral.idp_token.mgmt.scope
    token      = ephemeral.idp_token.mgmt.access_token
  }
}

resource "echo" "token" {}
`, env.url)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("token_type"), knownvalue.StringExact("Bearer")),
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("scope"), knownvalue.SetSizeExact(3)),
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("token"), knownvalue.StringFunc(func(v string) error {
					token = v
					if _, err := verifyToken(env.url, v); err != nil {
						return err
					}
					return nil
				})),
				statecheck.ExpectKnownValue("idp_resource_server.made_with_token", tfjsonpath.New("id"), knownvalue.NotNull()),
			},
			Check: func(s *terraform.State) error {
				// The echo resource holds the token because the test asked it
				// to; no resource of this provider does.
				for name, rs := range s.RootModule().Resources {
					if strings.HasPrefix(name, "echo.") {
						continue
					}
					for attr, v := range rs.Primary.Attributes {
						if token != "" && strings.Contains(v, token) {
							return fmt.Errorf("the ephemeral token is in the state at %s.%s", name, attr)
						}
					}
				}
				return nil
			},
		}},
	})
}
