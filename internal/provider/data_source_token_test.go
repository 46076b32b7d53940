package provider

import (
	"fmt"
	"maps"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccTokenDataSource_validation(t *testing.T) {
	env := newTestEnv(t)
	for name, tc := range mergeCases(tokenValidationCases, dataTokenValidationCases) {
		t.Run(name, func(t *testing.T) {
			refusedAtPlan(t, env.config("data \"idp_token\" \"t\" {\n"+tc.body+"\n}\n"), tc.message)
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

// mergeCases is shared with the cases of one of the two forms.
func mergeCases(shared, own map[string]tokenValidationCase) map[string]tokenValidationCase {
	out := maps.Clone(shared)
	maps.Copy(out, own)
	return out
}
