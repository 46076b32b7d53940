package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/querycheck"
)

// The list finds the hosted tenants and gives the whole object, without
// the management client's credentials, with include_resource.
func TestAccQuery_tenantList(t *testing.T) {
	queryAdoptable(t, func(_ *testEnv, a adoptable) (string, []querycheck.QueryResultCheck) {
		lists := `
list "idp_tenant" "all" {
  provider         = idp
  include_resource = true
}
`
		checks := []querycheck.QueryResultCheck{
			querycheck.ExpectLength("idp_tenant.all", 1),
			querycheck.ExpectResourceKnownValues("idp_tenant.all", byIdentity("name", "acme"), []querycheck.KnownValueCheck{
				valueAt("id", valueOr(a.tenant.ID, "")), valueAt("display_name", "Acme"),
				nullAt("management_client_id"), nullAt("management_client_secret"),
			}),
		}
		return lists, checks
	})
}
