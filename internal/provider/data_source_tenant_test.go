package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// seedTenant creates a tenant named name behind Terraform's back.
func (e *testEnv) seedTenant(name string) *mgmt.Tenant {
	e.t.Helper()
	tenant, err := e.client.CreateTenant(e.t.Context(), &mgmt.Tenant{
		Name:        mgmt.String(name),
		DisplayName: mgmt.String("Customer One"),
		Owners:      &[]string{"admin@customer-1.example"},
		Metadata:    &map[string]string{"company": "Customer One Ltd"},
	})
	if err != nil {
		e.t.Fatalf("create tenant: %v", err)
	}
	return tenant
}

// A tenant made outside Terraform is found by its name with one GET, with
// everything the server returns for it.
func TestAccDataSourceTenant_byName(t *testing.T) {
	env := newTestEnv(t)
	tenant := env.seedTenant("customer-1")
	at := func(attr string) tfjsonpath.Path { return tfjsonpath.New(attr) }
	const address = "data.idp_tenant.customer"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.config(`data "idp_tenant" "customer" { name = "customer-1" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, at("id"), knownvalue.StringExact(*tenant.ID)),
					statecheck.ExpectKnownValue(address, at("name"), knownvalue.StringExact("customer-1")),
					statecheck.ExpectKnownValue(address, at("display_name"), knownvalue.StringExact("Customer One")),
					statecheck.ExpectKnownValue(address, at("owners"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("admin@customer-1.example"),
					})),
					statecheck.ExpectKnownValue(address, at("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{
						"company": knownvalue.StringExact("Customer One Ltd"),
					})),
					statecheck.ExpectKnownValue(address, at("domain"), knownvalue.StringExact(env.url+"/tenants/customer-1")),
				},
			},
			{
				PreConfig:    env.srv.ResetCounts,
				RefreshState: true,
				Check: func(*terraform.State) error {
					return env.expectOnly(map[string]int64{"GET /api/v2/tenants/{id}": 1, "POST /oauth/token": 1})
				},
			},
		},
	})
}

func TestAccDataSourceTenant_errors(t *testing.T) {
	env := newTestEnv(t)
	hosted := env.seedTenant("customer-1")
	hostedProvider := fmt.Sprintf(`
provider "idp" {
  domain        = %q
  client_id     = %q
  client_secret = %q
}
`, *hosted.Domain, hosted.ManagementClient.ClientID, hosted.ManagementClient.ClientSecret)
	cases := map[string]struct {
		config, message string
	}{
		"no name": {
			config:  env.config(`data "idp_tenant" "x" {}`),
			message: `The argument "name" is required, but no definition was found.`,
		},
		"malformed name": {
			config: env.config(`data "idp_tenant" "x" { name = "Customer_1" }`),
			message: `Attribute name must be 3 to 63 lowercase letters, digits and hyphens, starting and ending with a ` +
				`letter or digit`,
		},
		"no such tenant": {
			config: env.config(`data "idp_tenant" "x" { name = "customer-2" }`),
			message: fmt.Sprintf(`Tenant Not Found .* No tenant with name "customer-2" exists on %s. Check the name and `+
				`the provider's domain.`, env.url),
		},
		// A hosted tenant has no tenants API: the error says so rather than
		// that the tenant does not exist.
		"not the root tenant": {
			config: hostedProvider + `data "idp_tenant" "x" { name = "customer-1" }`,
			message: fmt.Sprintf(`Tenant Not Found .* %s has no tenants API: only the root tenant hosts tenants, and `+
				`the provider is configured for another one.`, *hosted.Domain),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: expectError(tc.message)}},
			})
		})
	}
}
