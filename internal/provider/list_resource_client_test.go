package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
)

// The list finds the clients idp_client can manage (not the public one)
// with and without its filter, leaves the provider's own client out unless
// include_system is set, and gives the whole object, without its secret,
// with include_resource.
func TestAccQuery_clientList(t *testing.T) {
	queryAdoptable(t, func(_ *testEnv, a adoptable) (string, []querycheck.QueryResultCheck) {
		m2m, spa := valueOr(a.m2m.ClientID, ""), valueOr(a.spa.ClientID, "")
		lists := `
list "idp_client" "all" {
  provider         = idp
  include_resource = true
}
list "idp_client" "with_system" {
  provider = idp
  config {
    include_system = true
  }
}
list "idp_client" "spa" {
  provider = idp
  config {
    app_type = "spa"
  }
}
`
		checks := []querycheck.QueryResultCheck{
			querycheck.ExpectLength("idp_client.all", 2),
			querycheck.ExpectLength("idp_client.with_system", 3),
			querycheck.ExpectLength("idp_client.spa", 1),
			querycheck.ExpectIdentity("idp_client.spa", map[string]knownvalue.Check{"client_id": knownvalue.StringExact(spa)}),
			querycheck.ExpectResourceKnownValues("idp_client.all", byIdentity("client_id", m2m), []querycheck.KnownValueCheck{
				valueAt("id", m2m), valueAt("name", "order-sync"), valueAt("app_type", "non_interactive"),
				nullAt("client_secret"), nullAt("client_secret_wo"), nullAt("enabled_connections"),
			}),
		}
		return lists, checks
	})
}
