package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// The list finds the clients idp_client can manage (not the public one)
// with and without its filters (the server's app_type and is_first_party),
// leaves the provider's own client out unless include_system is set, and
// gives the whole object, without its secret, with include_resource.
func TestAccQuery_clientList(t *testing.T) {
	queryAdoptable(t, func(e *testEnv, a adoptable) (string, []querycheck.QueryResultCheck) {
		m2m, spa := valueOr(a.m2m.ClientID, ""), valueOr(a.spa.ClientID, "")
		partner, err := e.client.CreateApplication(t.Context(), &mgmt.Application{Name: mgmt.String("partner-portal"),
			AppType: mgmt.String("non_interactive"), GrantTypes: &[]string{"client_credentials"}, IsFirstParty: mgmt.Bool(false)})
		if err != nil {
			t.Fatal(err)
		}
		third := valueOr(partner.ClientID, "")
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
list "idp_client" "third_party" {
  provider         = idp
  include_resource = true
  config {
    is_first_party = false
  }
}
list "idp_client" "first_party_m2m" {
  provider = idp
  config {
    app_type       = "non_interactive"
    is_first_party = true
  }
}
`
		checks := []querycheck.QueryResultCheck{
			querycheck.ExpectLength("idp_client.all", 3),
			querycheck.ExpectLength("idp_client.with_system", 4),
			querycheck.ExpectLength("idp_client.spa", 1),
			querycheck.ExpectLength("idp_client.third_party", 1),
			querycheck.ExpectIdentity("idp_client.third_party", map[string]knownvalue.Check{"client_id": knownvalue.StringExact(third)}),
			querycheck.ExpectResourceKnownValues("idp_client.third_party", byIdentity("client_id", third), []querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("is_first_party"), KnownValue: knownvalue.Bool(false)},
			}),
			querycheck.ExpectLength("idp_client.first_party_m2m", 1),
			querycheck.ExpectIdentity("idp_client.first_party_m2m", map[string]knownvalue.Check{"client_id": knownvalue.StringExact(m2m)}),
			querycheck.ExpectIdentity("idp_client.spa", map[string]knownvalue.Check{"client_id": knownvalue.StringExact(spa)}),
			querycheck.ExpectResourceKnownValues("idp_client.all", byIdentity("client_id", m2m), []querycheck.KnownValueCheck{
				valueAt("id", m2m), valueAt("name", "order-sync"), valueAt("app_type", "non_interactive"),
				nullAt("client_secret"), nullAt("client_secret_wo"), nullAt("enabled_connections"),
			}),
		}
		return lists, checks
	})
}
