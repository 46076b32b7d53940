package provider

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

const organizationV1 = `
resource "idp_organization" "test" {
  name         = "acme"
  display_name = "Acme Corp"
  branding = {
    logo_url = "https://acme.example/logo.png"
    colors = {
      primary         = "#0059d6"
      page_background = "#ffffff"
    }
  }
  metadata = {
    tier   = "gold"
    region = "eu"
  }
}
`

// organizationV2 renames it, drops a metadata key and the branding.
const organizationV2 = `
resource "idp_organization" "test" {
  name         = "acme-corp"
  display_name = "Acme Corporation"
  metadata = {
    tier = "platinum"
  }
}
`

func (e *testEnv) organizationID(ctx context.Context, name string) string {
	e.t.Helper()
	o, err := e.client.GetOrganizationByName(ctx, name)
	if err != nil || o == nil {
		e.t.Fatalf("organization %q: %v", name, err)
	}
	return *o.ID
}

func TestAccOrganization_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_organization.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	ctx := t.Context()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: env.checkGone("idp_organization", func(ctx context.Context, id string) error {
			_, err := env.client.GetOrganization(ctx, id)
			return err
		}),
		Steps: []resource.TestStep{
			{
				Config: env.config(organizationV1),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^org_[A-Za-z0-9]{16}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("branding").AtMapKey("colors").AtMapKey("primary"), knownvalue.StringExact("#0059d6")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{
						"tier": knownvalue.StringExact("gold"), "region": knownvalue.StringExact("eu")})),
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
			{ResourceName: addr, ImportState: true, ImportStateId: "acme", ImportStateVerify: true},
			{
				Config: env.config(organizationV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("acme-corp")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("branding"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{
						"tier": knownvalue.StringExact("platinum")})),
				},
			},
			{
				// Changed behind Terraform's back: repaired.
				PreConfig: func() {
					id := env.organizationID(ctx, "acme-corp")
					if _, err := env.client.UpdateOrganization(ctx, id, mgmt.OrganizationUpdate{Organization: mgmt.Organization{
						DisplayName: mgmt.String("changed"), Metadata: &map[string]string{"extra": "x"},
					}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(organizationV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("Acme Corporation")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{
						"tier": knownvalue.StringExact("platinum")})),
				},
			},
			{
				// Deleted behind Terraform's back: created again.
				PreConfig: func() {
					if err := env.client.DeleteOrganization(ctx, env.organizationID(ctx, "acme-corp")); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(organizationV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func TestAccOrganization_validation(t *testing.T) {
	env := newTestEnv(t)
	for _, c := range []struct{ config, message string }{
		{`resource "idp_organization" "x" { name = "Acme" }`, "must be lowercase letters"},
		{`resource "idp_organization" "x" { name = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }`, "string length must be between 1 and 50"},
		{`resource "idp_organization" "x" {
  name     = "a"
  branding = { colors = { primary = "blue", page_background = "#fff" } }
}`, "must be an HTML color"},
		{`resource "idp_organization" "x" {
  name     = "a"
  branding = { logo_url = "http://acme.example/logo.png" }
}`, "must be an https:// URL"},
	} {
		t.Run(c.message, func(t *testing.T) { refusedAtPlan(t, env.config(c.config), c.message) })
	}
}

func TestAccOrganization_importRefusesBadIDs(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        env.config(`resource "idp_organization" "x" { name = "x" }`),
				ResourceName:  "idp_organization.x",
				ImportState:   true,
				ImportStateId: "Not An Org",
				ExpectError:   expectMessage(`"Not An Org" is not an import ID this resource accepts`),
			},
			{
				Config:        env.config(`resource "idp_organization" "x" { name = "x" }`),
				ResourceName:  "idp_organization.x",
				ImportState:   true,
				ImportStateId: "nobody",
				ExpectError:   expectError(`No organization with name "nobody" exists`),
			},
		},
	})
}
