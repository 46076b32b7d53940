package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/querycheck"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// The list finds the database connections, the seeded
// Username-Password-Authentication and ours, with and without its filter,
// and gives the whole object with include_resource.
func TestAccQuery_connectionList(t *testing.T) {
	queryAdoptable(t, func(_ *testEnv, a adoptable) (string, []querycheck.QueryResultCheck) {
		lists := `
list "idp_connection" "all" {
  provider         = idp
  include_resource = true
}
list "idp_connection" "customers" {
  provider = idp
  config {
    name = "customers"
  }
}
`
		checks := []querycheck.QueryResultCheck{
			querycheck.ExpectLength("idp_connection.all", 2),
			querycheck.ExpectLength("idp_connection.customers", 1),
			querycheck.ExpectResourceKnownValues("idp_connection.all", byIdentity("name", "customers"), []querycheck.KnownValueCheck{
				valueAt("id", valueOr(a.connection.ID, "")), valueAt("strategy", mgmt.StrategyDatabase),
			}),
		}
		return lists, checks
	})
}
