package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The list finds the default grants, and not a client's own grant on the
// same API; the audience filter finds the one on that API or none.
func TestAccQuery_defaultClientGrantList(t *testing.T) {
	queryAdoptable(t, func(e *testEnv, a adoptable) (string, []querycheck.QueryResultCheck) {
		id := e.createDefaultGrant(a.apiAudience)
		lists := fmt.Sprintf(`
list "idp_default_client_grant" "all" {
  provider         = idp
  include_resource = true
}
list "idp_default_client_grant" "on_orders" {
  provider = idp
  config {
    audience = %q
  }
}
list "idp_default_client_grant" "elsewhere" {
  provider = idp
  config {
    audience = "https://nothing.example.com/"
  }
}
`, a.apiAudience)
		byID := map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}
		checks := []querycheck.QueryResultCheck{
			querycheck.ExpectLength("idp_default_client_grant.all", 1),
			querycheck.ExpectLength("idp_default_client_grant.on_orders", 1),
			querycheck.ExpectLength("idp_default_client_grant.elsewhere", 0),
			querycheck.ExpectIdentity("idp_default_client_grant.on_orders", byID),
			querycheck.ExpectResourceKnownValues("idp_default_client_grant.all", queryfilter.ByResourceIdentity(byID), []querycheck.KnownValueCheck{
				valueAt("audience", a.apiAudience),
				{Path: tfjsonpath.New("scope"), KnownValue: knownvalue.SetExact([]knownvalue.Check{})},
			}),
		}
		return lists, checks
	})
}

// The resource has its identity, its ID, after create and imports by it
// (Terraform 1.14 and later: make testquery).
func TestAccQuery_defaultClientGrantIdentity(t *testing.T) {
	env := newTestEnv(t)
	cfg := env.config(defaultGrantConfig(`["read:orders"]`))
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   queryVersionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(defaultGrantAddr, map[string]knownvalue.Check{
					"id": knownvalue.StringRegexp(clientGrantIDRegexp),
				})},
			},
			{
				Config:          cfg,
				ResourceName:    defaultGrantAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{Config: cfg},
		},
	})
}
