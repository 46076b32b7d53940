package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

func TestAccDataSourceConnection(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	defaultID := env.connectionID(ctx, "Username-Password-Authentication")
	google, err := env.client.CreateConnection(ctx, &mgmt.Connection{Name: mgmt.String("google-oauth2"), Strategy: mgmt.String("google-oauth2")})
	if err != nil {
		t.Fatal(err)
	}
	const byName, byID, social = "data.idp_connection.by_name", "data.idp_connection.by_id", "data.idp_connection.social"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.config(`
data "idp_connection" "by_name" {
  name = "Username-Password-Authentication"
}

data "idp_connection" "by_id" {
  id = "` + defaultID + `"
}

data "idp_connection" "social" {
  name = "google-oauth2"
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(byName, tfjsonpath.New("id"), knownvalue.StringExact(defaultID)),
				statecheck.ExpectKnownValue(byName, tfjsonpath.New("strategy"), knownvalue.StringExact("auth0")),
				statecheck.ExpectKnownValue(byName, tfjsonpath.New("password_policy"), knownvalue.StringExact("good")),
				statecheck.ExpectKnownValue(byName, tfjsonpath.New("brute_force_protection"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(byName, tfjsonpath.New("disable_signup"), knownvalue.Null()),
				statecheck.ExpectKnownValue(byName, tfjsonpath.New("realms"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("Username-Password-Authentication"),
				})),
				// Seeded enabled for the tenant's admin client.
				statecheck.ExpectKnownValue(byName, tfjsonpath.New("enabled_clients"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact(env.srv.AdminClientID()),
				})),
				statecheck.ExpectKnownValue(byID, tfjsonpath.New("name"), knownvalue.StringExact("Username-Password-Authentication")),
				statecheck.ExpectKnownValue(social, tfjsonpath.New("id"), knownvalue.StringExact(*google.ID)),
				statecheck.ExpectKnownValue(social, tfjsonpath.New("strategy"), knownvalue.StringExact("google-oauth2")),
				statecheck.ExpectKnownValue(social, tfjsonpath.New("password_policy"), knownvalue.Null()),
			},
		}},
	})
}

func TestAccDataSourceConnection_errors(t *testing.T) {
	env := newTestEnv(t)
	cases := map[string]struct{ body, message string }{
		"neither":      {``, `No attribute specified when one (and only one) of [id,name] is required`},
		"both":         {`id = "con_0000000000000000"` + "\n" + `name = "db"`, `2 attributes specified when one (and only one) of [id,name] is required`},
		"bad id":       {`id = "db"`, `Attribute id must be a connection ID, "con_" followed by letters and digits, got: db`},
		"bad name":     {`name = "my db"`, `Attribute name ` + connectionNameMessage + `, got: my db`},
		"unknown name": {`name = "Nobody"`, `No connection with name "Nobody" exists on ` + env.url + `. Check the name (it is matched exactly, case included)`},
		"unknown id":   {`id = "con_0000000000000000"`, `No connection with ID "con_0000000000000000" exists on ` + env.url + `. Check the id`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      env.config("data \"idp_connection\" \"test\" {\n" + tc.body + "\n}\n"),
					ExpectError: expectMessage(tc.message),
				}},
			})
		})
	}
}
