package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// accessClaims are the claims the flows check in issued tokens.
type accessClaims struct {
	jwt.Claims
	Scope string `json:"scope"`
	Azp   string `json:"azp"`
	Gty   string `json:"gty"`
}

// verifyToken checks a token's signature against the JWKS served at
// <domain>/.well-known/jwks.json and returns its claims.
func verifyToken(domain, token string) (*accessClaims, error) {
	parsed, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256, jose.PS256})
	if err != nil {
		return nil, fmt.Errorf("parse token: %w", err)
	}
	resp, err := http.Get(domain + "/.well-known/jwks.json")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var jwks jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&jwks); err != nil {
		return nil, fmt.Errorf("decode JWKS: %w", err)
	}
	if len(parsed.Headers) != 1 {
		return nil, fmt.Errorf("token has %d signatures", len(parsed.Headers))
	}
	keys := jwks.Key(parsed.Headers[0].KeyID)
	if len(keys) == 0 {
		return nil, fmt.Errorf("kid %q not in the tenant's JWKS", parsed.Headers[0].KeyID)
	}
	var claims accessClaims
	if err := parsed.Claims(keys[0].Key, &claims); err != nil {
		return nil, fmt.Errorf("verify signature: %w", err)
	}
	return &claims, nil
}

// flowProviders serves the provider under the local names "idp" and
// "idp<name>" for each name, plus the echo provider, which carries ephemeral
// values into state for checking.
//
// Flows need several configurations of the provider at once. Terraform runs
// a plugin process per provider configuration, but an in-process provider
// is reattached: every alias of one provider address talks to the same
// server, and the last ConfigureProvider wins. So each extra configuration
// gets its own local name and server, the way google-beta serves google_*
// resources; `provider = idpcustomer` then means what `provider =
// idp.customer` means with the real plugin (which the demo runs).
func flowProviders(names ...string) map[string]func() (tfprotov6.ProviderServer, error) {
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"idp":  testAccProtoV6ProviderFactories["idp"],
		"echo": echoprovider.NewProviderServer(),
	}
	for _, name := range names {
		factories["idp"+name] = providerserver.NewProtocol6WithError(New("test")())
	}
	return factories
}

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
