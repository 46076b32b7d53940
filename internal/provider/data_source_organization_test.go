package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

func TestAccDataSourceOrganization(t *testing.T) {
	env := newTestEnv(t)
	o, err := env.client.CreateOrganization(t.Context(), &mgmt.Organization{Name: mgmt.String("acme"),
		DisplayName: mgmt.String("Acme"), Metadata: &map[string]string{"tier": "gold"},
		Branding: &mgmt.OrganizationBranding{Colors: &mgmt.OrganizationColors{Primary: "#000", PageBackground: "#fff"}}})
	if err != nil {
		t.Fatal(err)
	}
	const byName, byID = "data.idp_organization.by_name", "data.idp_organization.by_id"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.config(`
data "idp_organization" "by_name" {
  name = "acme"
}

data "idp_organization" "by_id" {
  id = "` + *o.ID + `"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("id"), knownvalue.StringExact(*o.ID)),
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("display_name"), knownvalue.StringExact("Acme")),
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("metadata").AtMapKey("tier"), knownvalue.StringExact("gold")),
					statecheck.ExpectKnownValue(byName, tfjsonpath.New("branding").AtMapKey("logo_url"), knownvalue.Null()),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("branding").AtMapKey("colors").AtMapKey("primary"), knownvalue.StringExact("#000")),
					statecheck.ExpectKnownValue(byID, tfjsonpath.New("name"), knownvalue.StringExact("acme")),
				},
			},
			{
				Config:      env.config(`data "idp_organization" "x" { name = "nobody" }`),
				ExpectError: expectError(`No organization with name "nobody" exists`),
			},
			{
				Config:      env.config(`data "idp_organization" "x" { id = "org_nobody" }`),
				ExpectError: expectError(`No organization with ID "org_nobody" exists`),
			},
		},
	})
}

func TestAccExamples_dataSourceOrganization(t *testing.T) {
	env := newTestEnv(t)
	o, err := env.client.CreateOrganization(t.Context(), &mgmt.Organization{Name: mgmt.String("acme")})
	if err != nil {
		t.Fatal(err)
	}
	applyExample(t, env, "idp_organization", statecheck.ExpectKnownOutputValue("acme_id", knownvalue.StringExact(*o.ID)))
}

// The list finds every organization, whole with include_resource, under
// its identity, the ID.
func TestAccQuery_organizationList(t *testing.T) {
	env := newTestEnv(t)
	var ids []string
	for _, name := range []string{"acme", "globex", "initech"} {
		o, err := env.client.CreateOrganization(t.Context(), &mgmt.Organization{Name: mgmt.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, *o.ID)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   queryVersionChecks,
		Steps: []resource.TestStep{{Query: true, Config: env.providerConfig() + `
list "idp_organization" "all" {
  provider         = idp
  include_resource = true
}
`, QueryResultChecks: []querycheck.QueryResultCheck{
			querycheck.ExpectLength("idp_organization.all", 3),
			querycheck.ExpectResourceKnownValues("idp_organization.all", byIdentity("id", ids[1]), []querycheck.KnownValueCheck{
				valueAt("name", "globex"), nullAt("display_name"),
			}),
		}}},
	})
}
