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

const tenantV1 = `
resource "idp_tenant" "test" {
  name         = "customer-1"
  display_name = "Customer One"
  owners       = ["alice@customer-1.example", "bob@customer-1.example"]
  metadata = {
    company_id = "C-0001"
  }
}
`

const tenantV2 = `
resource "idp_tenant" "test" {
  name         = "customer-1"
  display_name = "Customer One, Inc."
  owners       = ["carol@customer-1.example"]
  metadata = {
    company_id = "C-0001"
    tier       = "gold"
  }
}
`

func TestAccTenant_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_tenant.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	ctx := t.Context()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: env.checkGone("idp_tenant", func(ctx context.Context, id string) error {
			_, err := env.client.GetTenant(ctx, id)
			return err
		}),
		Steps: []resource.TestStep{
			{
				Config: env.config(tenantV1),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^ten_[A-Za-z0-9]{16}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("domain"), knownvalue.StringExact(env.url+"/tenants/customer-1")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("management_client_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Za-z0-9]{32}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("management_client_secret"), knownvalue.NotNull()),
					statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("management_client_secret")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("owners"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("alice@customer-1.example"), knownvalue.StringExact("bob@customer-1.example"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{
						"company_id": knownvalue.StringExact("C-0001"),
					})),
				},
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"management_client_id", "management_client_secret"},
			},
			{
				// By natural key: the name.
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           "customer-1",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"management_client_id", "management_client_secret"},
			},
			{
				Config: env.config(tenantV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("Customer One, Inc.")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("owners"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("carol@customer-1.example"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("metadata"), knownvalue.MapSizeExact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("management_client_secret"), knownvalue.NotNull()),
				},
			},
			{
				PreConfig: func() {
					_, err := env.client.UpdateTenant(ctx, "customer-1", &mgmt.Tenant{
						DisplayName: mgmt.String("changed out of band"),
						Metadata:    &map[string]string{"company_id": "EVIL"},
					})
					if err != nil {
						t.Fatalf("out-of-band update: %v", err)
					}
				},
				Config: env.config(tenantV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("Customer One, Inc.")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{
						"company_id": knownvalue.StringExact("C-0001"), "tier": knownvalue.StringExact("gold"),
					})),
				},
			},
			{
				PreConfig: func() {
					if err := env.client.DeleteTenant(ctx, "customer-1"); err != nil {
						t.Fatalf("out-of-band delete: %v", err)
					}
				},
				Config: env.config(tenantV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// An imported tenant has no management secret to read, and the plan stays
// quiet about it.
func TestAccTenant_importedPlanIsQuiet(t *testing.T) {
	env := newTestEnv(t)
	if _, err := env.client.CreateTenant(t.Context(), &mgmt.Tenant{
		Name: mgmt.String("adopted"), DisplayName: mgmt.String("Adopted"),
	}); err != nil {
		t.Fatal(err)
	}
	config := env.config(`
resource "idp_tenant" "test" {
  name         = "adopted"
  display_name = "Adopted"
}
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       "idp_tenant.test",
				ImportState:        true,
				ImportStateId:      "adopted",
				ImportStatePersist: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("idp_tenant.test", tfjsonpath.New("management_client_secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue("idp_tenant.test", tfjsonpath.New("domain"), knownvalue.StringExact(env.url+"/tenants/adopted")),
				},
			},
		},
	})
}

func TestAccTenant_validation(t *testing.T) {
	env := newTestEnv(t)
	const slug = `must be 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit`
	cases := map[string]struct {
		body    string
		message string
	}{
		"uppercase":     {`name = "Customer-1"`, slug},
		"too short":     {`name = "ab"`, slug},
		"leading dash":  {`name = "-abc"`, slug},
		"underscore":    {`name = "cus_tomer"`, slug},
		"bad owner":     {`name = "abc"` + "\n" + `owners = ["not-an-email"]`, `"not-an-email" is not an e-mail address.`},
		"named owner":   {`name = "abc"` + "\n" + `owners = ["Alice <alice@example.com>"]`, `"Alice <alice@example.com>" is not an e-mail address.`},
		"empty display": {`name = "abc"` + "\n" + `display_name = ""`, `display_name string length must be at least 1, got: 0`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			refusedAtPlan(t, env.config("resource \"idp_tenant\" \"test\" {\n"+tc.body+"\n}\n"), tc.message)
		})
	}
}

// Creating a tenant needs create:tenants; without it the diagnostic says so.
func TestAccTenant_missingScope(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: flowProviders("weak"),
		Steps: []resource.TestStep{{
			Config: env.config(`
resource "idp_client" "weak" {
  name = "Weak"
}

resource "idp_client_grant" "weak" {
  client_id = idp_client.weak.client_id
  audience  = "` + env.url + `/api/v2/"
  scope     = ["read:tenants"]
}

provider "idpweak" {
  domain        = "` + env.url + `"
  client_id     = idp_client.weak.client_id
  client_secret = idp_client.weak.client_secret
}

resource "idp_tenant" "test" {
  provider   = idpweak
  name       = "nope"
  depends_on = [idp_client_grant.weak]
}
`),
			ExpectError: expectError(`Unable to Create Tenant.*403 Forbidden \(insufficient_scope\).*create:tenants.*add the missing scope`),
		}},
	})
}
