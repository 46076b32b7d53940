package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The list finds the grants with and without its filters, leaves the
// provider's own client's grant out unless include_system is set, and a
// default grant (default_for) always, and gives the whole object with
// include_resource.
func TestAccQuery_clientGrantList(t *testing.T) {
	queryAdoptable(t, func(e *testEnv, a adoptable) (string, []querycheck.QueryResultCheck) {
		m2m := valueOr(a.m2m.ClientID, "")
		// A default grant (no client_id) is not idp_client_grant's to list.
		e.createDefaultGrant(a.apiAudience)
		lists := fmt.Sprintf(`
list "idp_client_grant" "all" {
  provider         = idp
  include_resource = true
}
list "idp_client_grant" "with_system" {
  provider = idp
  config {
    include_system = true
  }
}
list "idp_client_grant" "admin" {
  provider = idp
  config {
    client_id      = %[2]q
    include_system = true
  }
}
list "idp_client_grant" "on_orders" {
  provider = idp
  config {
    audience = %[1]q
  }
}
`, a.apiAudience, e.srv.AdminClientID())
		checks := []querycheck.QueryResultCheck{
			querycheck.ExpectLength("idp_client_grant.all", 1),
			querycheck.ExpectLength("idp_client_grant.with_system", 2),
			querycheck.ExpectLength("idp_client_grant.admin", 1),
			querycheck.ExpectLength("idp_client_grant.on_orders", 1),
			querycheck.ExpectIdentity("idp_client_grant.all", map[string]knownvalue.Check{
				"client_id": knownvalue.StringExact(m2m), "audience": knownvalue.StringExact(a.apiAudience)}),
			querycheck.ExpectResourceKnownValues("idp_client_grant.all", queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
				"client_id": knownvalue.StringExact(m2m), "audience": knownvalue.StringExact(a.apiAudience)}), []querycheck.KnownValueCheck{
				valueAt("id", valueOr(a.grant.ID, "")),
				{Path: tfjsonpath.New("scope"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("read:orders")})},
			}),
		}
		return lists, checks
	})
}

// The client_id filter takes a client ID as the service issues them, like every client_id
// argument: another is refused before any request.
func TestAccQuery_clientGrantListRefusesBadClientID(t *testing.T) {
	e := newTestEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   queryVersionChecks,
		Steps: []resource.TestStep{{
			PreConfig: e.srv.ResetCounts,
			Query:     true,
			Config: e.providerConfig() + `
list "idp_client_grant" "admin" {
  provider = idp
  config {
    client_id = "admin"
  }
}
`,
			ExpectError: expectMessage(`"admin" is not a client ID: the service issues client IDs of 32 letters and digits`),
		}},
	})
	if n := e.requests("GET", "/api/v2/client-grants"); n != 0 {
		t.Errorf("GET /api/v2/client-grants: %d requests, want none", n)
	}
}
