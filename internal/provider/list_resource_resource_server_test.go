package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The list finds the tenant's APIs with and without its filter, leaves the
// Management API out unless include_system is set, and gives the whole
// object, without its signing secret, with include_resource.
func TestAccQuery_resourceServerList(t *testing.T) {
	queryAdoptable(t, func(e *testEnv, a adoptable) (string, []querycheck.QueryResultCheck) {
		mgmtAudience := e.url + "/api/v2/"
		lists := fmt.Sprintf(`
list "idp_resource_server" "all" {
  provider         = idp
  include_resource = true
}
list "idp_resource_server" "with_system" {
  provider = idp
  config {
    include_system = true
  }
}
list "idp_resource_server" "orders" {
  provider = idp
  config {
    identifier = %q
  }
}
`, a.apiAudience)
		checks := []querycheck.QueryResultCheck{
			querycheck.ExpectLength("idp_resource_server.all", 1),
			querycheck.ExpectLength("idp_resource_server.with_system", 2),
			querycheck.ExpectLength("idp_resource_server.orders", 1),
			querycheck.ExpectIdentity("idp_resource_server.all", map[string]knownvalue.Check{
				"identifier": knownvalue.StringExact(a.apiAudience)}),
			querycheck.ExpectResourceDisplayName("idp_resource_server.with_system",
				byIdentity("identifier", mgmtAudience), knownvalue.StringRegexp(regexp.MustCompile(`\(system\)$`))),
			querycheck.ExpectResourceKnownValues("idp_resource_server.all", byIdentity("identifier", a.apiAudience),
				[]querycheck.KnownValueCheck{
					valueAt("id", valueOr(a.api.ID, "")), valueAt("name", "Orders"), valueAt("signing_alg", "HS256"),
					nullAt("signing_secret"), nullAt("signing_secret_wo"),
					{Path: tfjsonpath.New("scopes"), KnownValue: knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"value": knownvalue.StringExact("read:orders"), "description": knownvalue.StringExact("Read orders")}),
					})},
				}),
		}
		return lists, checks
	})
}
