package provider

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// Tenant provisioning (DESIGN.md, "Architecture"), in a single apply: the
// root admin creates a provisioning client and its grant; as that client, a
// provider creates a tenant; a third provider, configured from the tenant's
// outputs, fills the tenant with an API, a client and a grant; a token for
// that client verifies against the new tenant's keys.
func TestAccFlow_tenantProvisioning(t *testing.T) {
	env := newTestEnv(t)
	config := env.config(fmt.Sprintf(`
resource "idp_client" "provisioning" {
  name = "Tenant Provisioning"
}

resource "idp_client_grant" "provisioning" {
  client_id = idp_client.provisioning.client_id
  audience  = "%[1]s/api/v2/"
  scope     = ["create:tenants", "read:tenants", "update:tenants", "delete:tenants"]
}

provider "idpprovisioning" {
  domain        = %[1]q
  client_id     = idp_client.provisioning.client_id
  client_secret = idp_client.provisioning.client_secret
}

resource "idp_tenant" "customer" {
  provider     = idpprovisioning
  name         = "customer-1"
  display_name = "Customer One"
  owners       = ["owner@customer-1.example"]
  depends_on   = [idp_client_grant.provisioning]
}

provider "idpcustomer" {
  domain        = idp_tenant.customer.domain
  client_id     = idp_tenant.customer.management_client_id
  client_secret = idp_tenant.customer.management_client_secret
}

resource "idp_resource_server" "orders" {
  provider   = idpcustomer
  name       = "Orders API"
  identifier = "https://orders.customer-1.example/"
  scopes = [
    { value = "read:orders", description = "Read orders" },
    { value = "write:orders", description = "Write orders" },
  ]
}

resource "idp_client" "orders" {
  provider = idpcustomer
  name     = "Orders Service"
}

resource "idp_client_grant" "orders" {
  provider  = idpcustomer
  client_id = idp_client.orders.client_id
  audience  = idp_resource_server.orders.identifier
  scope     = ["read:orders", "write:orders"]
}

data "idp_token" "orders" {
  provider      = idpcustomer
  audience      = idp_client_grant.orders.audience
  client_id     = idp_client.orders.client_id
  client_secret = idp_client.orders.client_secret
}
`, env.url))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: flowProviders("provisioning", "customer"),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("idp_tenant.customer", tfjsonpath.New("domain"), knownvalue.StringExact(env.url+"/tenants/customer-1")),
				statecheck.ExpectKnownValue("data.idp_token.orders", tfjsonpath.New("token_type"), knownvalue.StringExact("Bearer")),
				statecheck.ExpectKnownValue("data.idp_token.orders", tfjsonpath.New("expires_in"), knownvalue.Int64Exact(86400)),
				statecheck.ExpectKnownValue("data.idp_token.orders", tfjsonpath.New("scope"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("read:orders"), knownvalue.StringExact("write:orders"),
				})),
				statecheck.ExpectSensitiveValue("data.idp_token.orders", tfjsonpath.New("access_token")),
			},
			Check: func(s *terraform.State) error {
				tenantDomain := s.RootModule().Resources["idp_tenant.customer"].Primary.Attributes["domain"]
				clientID := s.RootModule().Resources["idp_client.orders"].Primary.Attributes["client_id"]
				token := s.RootModule().Resources["data.idp_token.orders"].Primary.Attributes
				claims, err := verifyToken(tenantDomain, token["access_token"])
				if err != nil {
					return err
				}
				if claims.Issuer != tenantDomain+"/" {
					return fmt.Errorf("iss = %q, want %q", claims.Issuer, tenantDomain+"/")
				}
				if !claims.Audience.Contains("https://orders.customer-1.example/") {
					return fmt.Errorf("aud = %v", claims.Audience)
				}
				if claims.Subject != clientID+"@clients" || claims.Azp != clientID {
					return fmt.Errorf("sub = %q, azp = %q, want client %q", claims.Subject, claims.Azp, clientID)
				}
				scopes := strings.Fields(claims.Scope)
				sort.Strings(scopes)
				if strings.Join(scopes, " ") != "read:orders write:orders" {
					return fmt.Errorf("scope = %q", claims.Scope)
				}
				expiresAt, err := time.Parse(time.RFC3339, token["expires_at"])
				if err != nil {
					return fmt.Errorf("expires_at %q: %w", token["expires_at"], err)
				}
				if d := expiresAt.Sub(claims.Expiry.Time()); d < -time.Minute || d > time.Minute {
					return fmt.Errorf("expires_at %s is far from the token's exp %s", expiresAt, claims.Expiry.Time())
				}
				return nil
			},
		}},
	})
}

// limitedScopeConfig is the limited-scope token flow: an API with one scope
// per tenant's content, a client granted both, and a token asked for the
// given scopes.
func limitedScopeConfig(env *testEnv, scope string) string {
	return env.config(fmt.Sprintf(`
resource "idp_resource_server" "content" {
  name       = "Content API"
  identifier = "https://content.example.com/"
  scopes = [
    { value = "post:content.tenant.a" },
    { value = "post:content.tenant.b" },
  ]
}

resource "idp_client" "satellite" {
  name = "Satellite"
}

resource "idp_client_grant" "satellite" {
  client_id = idp_client.satellite.client_id
  audience  = idp_resource_server.content.identifier
  scope     = ["post:content.tenant.a", "post:content.tenant.b"]
}

data "idp_token" "limited" {
  audience      = idp_client_grant.satellite.audience
  client_id     = idp_client.satellite.client_id
  client_secret = idp_client.satellite.client_secret
  scope         = [%q]
}
`, scope))
}

func TestAccFlow_limitedScopeToken(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: limitedScopeConfig(env, "post:content.tenant.a"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.idp_token.limited", tfjsonpath.New("scope"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("post:content.tenant.a"),
					})),
				},
				Check: func(s *terraform.State) error {
					claims, err := verifyToken(env.url, s.RootModule().Resources["data.idp_token.limited"].Primary.Attributes["access_token"])
					if err != nil {
						return err
					}
					if claims.Scope != "post:content.tenant.a" {
						return fmt.Errorf("token scope = %q, want only post:content.tenant.a", claims.Scope)
					}
					return nil
				},
			},
			{
				Config:      limitedScopeConfig(env, "delete:everything"),
				ExpectError: expectError(`Unable to Get Token.*403 Forbidden \(access_denied\).*delete:everything.*idp_client_grant`),
			},
		},
	})
}

// Tenant isolation through Terraform: the customer tenant's credentials get
// nothing from the root tenant.
func TestAccFlow_tenantIsolation(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	tenant, err := env.client.CreateTenant(ctx, &mgmt.Tenant{Name: mgmt.String("customer-2")})
	if err != nil || tenant.ManagementClient == nil {
		t.Fatalf("create tenant: %v", err)
	}
	if _, err := env.client.CreateResourceServer(ctx, &mgmt.ResourceServer{
		Name: mgmt.String("Root API"), Identifier: mgmt.String("https://root-only.example.com/"),
	}); err != nil {
		t.Fatal(err)
	}
	mc := tenant.ManagementClient
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: flowProviders("intruder"),
		Steps: []resource.TestStep{
			{
				// The tenant's management client does not exist on the root
				// tenant: the provider gets no token there, and says so
				// before anything is read.
				Config: fmt.Sprintf(`
provider "idp" {
  domain        = %[1]q
  client_id     = %[2]q
  client_secret = %[3]q
}

resource "idp_resource_server" "stolen" {
  name       = "Stolen"
  identifier = "https://root-only.example.com/"
}
`, env.url, mc.ClientID, mc.ClientSecret),
				ResourceName:  "idp_resource_server.stolen",
				ImportState:   true,
				ImportStateId: "https://root-only.example.com/",
				ExpectError:   expectError(`Unable to Get Management API Token.*401 Unauthorized \(access_denied\).*refused the provider's client credentials`),
			},
			{
				// A Management API token of the tenant is refused by the root
				// tenant.
				Config: fmt.Sprintf(`
data "idp_token" "tenant_mgmt" {
  domain        = %[1]q
  audience      = "%[1]s/api/v2/"
  client_id     = %[2]q
  client_secret = %[3]q
}

provider "idpintruder" {
  domain    = %[4]q
  api_token = data.idp_token.tenant_mgmt.access_token
}

resource "idp_client" "stolen" {
  provider = idpintruder
  name     = "Should not exist"
}
`, *tenant.Domain, mc.ClientID, mc.ClientSecret, env.url) + env.providerConfig(),
				ExpectError: expectError(`Unable to Create Client.*401 Unauthorized.*credentials were refused`),
			},
		},
	})
}
