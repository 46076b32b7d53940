package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The idp_connection data-source example looks up the tenant's default
// connection, which every tenant has.
func TestAccExamples_dataSourceConnection(t *testing.T) {
	env := newTestEnv(t)
	id := env.connectionID(t.Context(), "Username-Password-Authentication")
	applyExample(t, env, "idp_connection",
		statecheck.ExpectKnownOutputValue("default_password_policy", knownvalue.StringExact("good")),
		statecheck.ExpectKnownValue("idp_client.back_office", tfjsonpath.New("enabled_connections"),
			knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(id)})),
	)
}
