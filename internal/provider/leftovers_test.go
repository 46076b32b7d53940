package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// killedApply applies config with -refresh=false and then drops the objects
// at addrs from state without reading them, leaving them on the server, as
// a SIGKILL before the state snapshot does: their create markers stay
// pending. check runs after the apply.
func killedApply(t *testing.T, config string, check resource.TestCheckFunc, addrs ...string) {
	t.Helper()
	forgotten := ""
	for _, addr := range addrs {
		forgotten += fmt.Sprintf("\nremoved {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", addr)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		Steps:                    []resource.TestStep{{Config: config, Check: check}, {Config: providerOnly(config) + forgotten}},
	})
}

// providerOnly is the provider block of a configuration env.config made.
func providerOnly(config string) string {
	end := strings.Index(config, "}\n") + 2
	return config[:end]
}

func (e *testEnv) leftoverAPI() {
	e.t.Helper()
	if _, err := e.client.CreateResourceServer(e.t.Context(), &mgmt.ResourceServer{
		Name: mgmt.String("Orders"), Identifier: mgmt.String("https://orders.example.com/"),
		Scopes: &[]mgmt.ResourceServerScope{{Value: "read:orders"}},
	}); err != nil {
		e.t.Fatal(err)
	}
}

const leftoverClient = `
resource "idp_client" "svc" {
  name = "orders-worker"
}
`

const leftoverObjects = leftoverClient + `
resource "idp_client_grant" "svc" {
  client_id = idp_client.svc.client_id
  audience  = "https://orders.example.com/"
  scope     = ["read:orders"]
}

resource "idp_connection" "people" {
  name = "Orders-People"
}
`

// The objects an apply created but never saved in its state are adopted by
// the next apply: same ids, no error, no duplicate, and an empty plan after.
func TestAccLeftovers_killedApplyConverges(t *testing.T) {
	env := newTestEnv(t)
	env.leftoverAPI()
	left := map[string]string{}
	addrs := []string{"idp_client.svc", "idp_client_grant.svc", "idp_connection.people"}
	killedApply(t, env.config(leftoverObjects), recordIDs(left, addrs), addrs...)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.config(leftoverObjects),
				Check: resource.ComposeTestCheckFunc(
					adoptedIDs(left),
					func(s *terraform.State) error {
						a, err := env.client.GetApplication(t.Context(), left["idp_client.svc"])
						if err != nil {
							return err
						}
						if s.RootModule().Resources["idp_client.svc"].Primary.Attributes["client_secret"] != *a.ClientSecret {
							return fmt.Errorf("the adopted client's secret in state is not the server's")
						}
						return nil
					},
					env.countClientsNamed("orders-worker", 1)),
			},
			// The refresh settles the markers: the plan stays empty.
			{Config: env.config(leftoverObjects), PlanOnly: true},
		},
	})
}

// Killed after the client was saved and before its grant was: the grant
// was recorded on its client before it was created, and is adopted.
func TestAccLeftovers_grantOfASavedClient(t *testing.T) {
	env := newTestEnv(t)
	env.leftoverAPI()
	killed, err := mgmt.New(mgmt.Config{Domain: env.url, ClientID: env.srv.AdminClientID(),
		ClientSecret: env.srv.AdminClientSecret(), AdoptLeftovers: true})
	if err != nil {
		t.Fatal(err)
	}
	var clientID, grantID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.config(leftoverClient), Check: func(s *terraform.State) error {
				clientID = s.RootModule().Resources["idp_client.svc"].Primary.ID
				return nil
			}},
			{
				// What the killed apply's provider did for the grant.
				PreConfig: func() {
					g, err := killed.CreateClientGrant(t.Context(), &mgmt.ClientGrant{ClientID: &clientID,
						Audience: mgmt.String("https://orders.example.com/"), Scope: &[]string{"read:orders"}})
					if err != nil {
						t.Fatal(err)
					}
					grantID = *g.ID
				},
				Config: env.config(leftoverObjects),
				Check: resource.TestCheckResourceAttrWith("idp_client_grant.svc", "id", func(id string) error {
					if id != grantID {
						return fmt.Errorf("grant %s, want the leftover %s adopted", id, grantID)
					}
					return nil
				}),
			},
		},
	})
}

// Objects someone else made, identical to the configuration, are never
// taken over: a client is created beside theirs, and a connection (a
// unique name) is a conflict that says it is identical and how to import.
func TestAccLeftovers_someoneElsesAreNotAdopted(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	theirs, err := env.client.CreateApplication(ctx, &mgmt.Application{
		Name: mgmt.String("lookalike"), Description: mgmt.String(""), AppType: mgmt.String("non_interactive"),
		GrantTypes: &[]string{"client_credentials"}, TokenEndpointAuthMethod: mgmt.String("client_secret_post"),
	})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := env.client.CreateConnection(ctx, &mgmt.Connection{ // what the provider would send
		Name: mgmt.String("Theirs"), Strategy: mgmt.String(mgmt.StrategyDatabase), DisplayName: mgmt.String("Theirs"),
		Options: &mgmt.ConnectionOptions{
			DisableSignup: mgmt.Bool(false), RequiresUsername: mgmt.Bool(false), BruteForceProtection: mgmt.Bool(true),
			PasswordPolicy: mgmt.String(defaultPasswordPolicy),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.config(`
resource "idp_client" "svc" {
  name = "lookalike"
}
`),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrWith("idp_client.svc", "client_id", func(id string) error {
						if id == *theirs.ClientID {
							return fmt.Errorf("someone else's client %s was adopted", id)
						}
						return nil
					}),
					env.countClientsNamed("lookalike", 2)),
			},
			{
				Config: env.config(`
resource "idp_connection" "people" {
  name = "Theirs"
}
`),
				ExpectError: expectError(`with idp_connection.people,.*409 Conflict.*exactly what this resource declares.*` +
					regexp.QuoteMeta(fmt.Sprintf("import {\n  to = <this resource's address, shown above>\n  id = %q\n}", *conn.ID))),
			},
		},
	})
}

// A resource added with the configuration of an existing one (count
// growing, identical names) gets a client of its own: the existing client
// was settled by the refresh and is no leftover.
func TestAccLeftovers_identicalResourceGetsItsOwnClient(t *testing.T) {
	env := newTestEnv(t)
	config := func(n int) string {
		return env.config(fmt.Sprintf(`
resource "idp_client" "w" {
  count = %d
  name  = "identical"
}
`, n))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(1)},
			{
				Config: config(3),
				Check: resource.ComposeTestCheckFunc(env.countClientsNamed("identical", 3),
					func(s *terraform.State) error {
						seen := map[string]bool{}
						for i := range 3 {
							id := s.RootModule().Resources[fmt.Sprintf("idp_client.w.%d", i)].Primary.ID
							if seen[id] {
								return fmt.Errorf("two resources hold client %s", id)
							}
							seen[id] = true
						}
						return nil
					}),
			},
		},
	})
}

// A tenant a killed apply created is the configuration's, but the answer
// holding its credentials is gone with that apply: the next apply deletes
// it and creates it again, and the plan after it is empty.
func TestAccLeftovers_tenantCreatedAgain(t *testing.T) {
	env := newTestEnv(t)
	const tenant = `
resource "idp_tenant" "acme" {
  name = "acme-leftover"
}
`
	var leftID string
	killedApply(t, env.config(tenant), func(s *terraform.State) error {
		leftID = s.RootModule().Resources["idp_tenant.acme"].Primary.ID
		return nil
	}, "idp_tenant.acme")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.config(tenant),
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttrSet("idp_tenant.acme", "management_client_secret"),
				resource.TestCheckResourceAttrWith("idp_tenant.acme", "id", func(id string) error {
					if id == leftID {
						return fmt.Errorf("the leftover tenant %s was kept without credentials", id)
					}
					if _, err := env.client.GetTenant(t.Context(), leftID); !mgmt.IsNotFound(err) {
						return fmt.Errorf("the leftover tenant %s still exists: %v", leftID, err)
					}
					return nil
				})),
		}},
	})
}

func (e *testEnv) countClientsNamed(name string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		all, err := e.client.ListApplications(e.t.Context(), mgmt.ApplicationFilter{})
		if err != nil {
			return err
		}
		n := 0
		for _, a := range all {
			if a.Name != nil && *a.Name == name {
				n++
			}
		}
		if n != want {
			return fmt.Errorf("%d clients named %q on the server, want %d", n, name, want)
		}
		return nil
	}
}

// An API without a create marker (someone else's, or made before APIs carried
// one): an identical one is a conflict that names the one-step recovery, and
// IDP_ADOPT_IDENTICAL=true (the user's word that the last apply was killed)
// adopts it.
func TestAccLeftovers_identicalAPIAdoptedOnRequest(t *testing.T) {
	env := newTestEnv(t)
	env.leftoverAPI()
	left, err := env.client.GetResourceServer(t.Context(), "https://orders.example.com/")
	if err != nil {
		t.Fatal(err)
	}
	config := env.config(`
resource "idp_resource_server" "api" {
  name       = "Orders"
  identifier = "https://orders.example.com/"
  scopes     = [{ value = "read:orders" }]
}
`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: expectError(`with idp_resource_server.api,.*409 Conflict.*exactly what this resource declares.*` +
					`apply again with IDP_ADOPT_IDENTICAL=true.*` + regexp.QuoteMeta(fmt.Sprintf("id = %q", *left.ID))),
			},
			{
				PreConfig: func() { t.Setenv("IDP_ADOPT_IDENTICAL", "true") },
				Config:    config,
				Check:     resource.TestCheckResourceAttr("idp_resource_server.api", "id", *left.ID),
			},
		},
	})
}

const leftoverAPI = `
resource "idp_resource_server" "api" {
  name       = "Payments"
  identifier = "https://payments.example.com/"
  scopes     = [{ value = "read:payments", description = "Read payments" }]
}

resource "idp_client" "svc" {
  name = "payments-worker"
}

resource "idp_client_grant" "svc" {
  client_id = idp_client.svc.client_id
  audience  = idp_resource_server.api.identifier
  scope     = ["read:payments"]
}
`

// An API a killed apply created carries its create marker as a scope,
// which its state never shows: the next apply adopts it (and the grant on
// it), the plan after is empty, and the refresh removes the marker.
func TestAccLeftovers_killedApplyAPI(t *testing.T) {
	env := newTestEnv(t)
	addr := "idp_resource_server.api"
	addrs := []string{addr, "idp_client.svc", "idp_client_grant.svc"}
	left := map[string]string{}
	marker := func(want bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			rs, err := env.client.GetResourceServer(t.Context(), left[addr])
			if err != nil {
				return err
			}
			if (rs.CreateMarker != "") != want || len(*rs.Scopes) != 1 || (*rs.Scopes)[0].Value != "read:payments" {
				return fmt.Errorf("the API on the server has scopes %v and marker %q, want read:payments and a pending marker: %v",
					*rs.Scopes, rs.CreateMarker, want)
			}
			return nil
		}
	}
	killedApply(t, env.config(leftoverAPI), resource.ComposeTestCheckFunc(
		recordIDs(left, addrs),
		resource.TestCheckResourceAttr(addr, "scopes.#", "1"),
		marker(true)), addrs...)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.config(leftoverAPI),
				Check: resource.ComposeTestCheckFunc(
					adoptedIDs(left),
					resource.TestCheckResourceAttr(addr, "scopes.#", "1"),
					resource.TestCheckResourceAttr(addr, "scopes.0.value", "read:payments")),
			},
			{Config: env.config(leftoverAPI), PlanOnly: true},
			{Config: env.config(leftoverAPI), Check: marker(false)},
		},
	})
}

const leftoverOrganization = `
resource "idp_organization" "partners" {
  name         = "orders-partners"
  display_name = "Orders partners"
  metadata     = { tier = "gold" }
}

resource "idp_connection" "partners" {
  name = "Orders-Partners"
}

resource "idp_organization_connections" "partners" {
  organization_id = idp_organization.partners.id
  enabled_connections = [
    { connection_id = idp_connection.partners.id },
  ]
}
`

// An organization a killed apply created is adopted like a connection: its
// marker stays out of metadata in state, the next apply takes the same
// organization, and its first read removes the marker, with no diff after.
// The organization's connections, a set read before it is written, are
// found as the killed apply left them.
func TestAccLeftovers_killedApplyOrganization(t *testing.T) {
	env := newTestEnv(t)
	addr := "idp_organization.partners"
	addrs := []string{addr, "idp_connection.partners", "idp_organization_connections.partners"}
	left := map[string]string{}
	killedApply(t, env.config(leftoverOrganization), resource.ComposeTestCheckFunc(
		resource.TestCheckResourceAttr(addr, "metadata.%", "1"),
		resource.TestCheckResourceAttr(addr, "metadata.tier", "gold"),
		recordIDs(left, addrs),
		func(*terraform.State) error {
			o, err := env.client.GetOrganization(t.Context(), left[addr])
			if err != nil {
				return err
			}
			if !mgmt.IsPendingMarker(o.Metadata) {
				return fmt.Errorf("the killed apply's organization carries no pending marker: %v", o.Metadata)
			}
			return nil
		}), addrs...)
	settled := func(*terraform.State) error {
		o, err := env.client.GetOrganization(t.Context(), left[addr])
		if err != nil {
			return err
		}
		if o.Metadata == nil || len(*o.Metadata) != 1 || (*o.Metadata)["tier"] != "gold" {
			return fmt.Errorf("metadata on the server is %v, want tier alone once a state read it", o.Metadata)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.config(leftoverOrganization),
				Check: resource.ComposeTestCheckFunc(
					adoptedIDs(left),
					resource.TestCheckResourceAttr(addr, "metadata.%", "1"),
					resource.TestCheckResourceAttr("idp_organization_connections.partners", "enabled_connections.#", "1")),
			},
			{Config: env.config(leftoverOrganization), PlanOnly: true},
			{Config: env.config(leftoverOrganization), Check: settled},
		},
	})
}

// An organization someone else made, identical to the configuration, is a
// conflict that says so and gives its import block; IDP_ADOPT_IDENTICAL=true
// adopts it.
func TestAccLeftovers_someoneElsesOrganization(t *testing.T) {
	env := newTestEnv(t)
	theirs, err := env.client.CreateOrganization(t.Context(), &mgmt.Organization{Name: mgmt.String("theirs")})
	if err != nil {
		t.Fatal(err)
	}
	config := env.config(`
resource "idp_organization" "org" {
  name = "theirs"
}
`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: expectError(`with idp_organization.org,.*409 Conflict.*exactly what this resource declares.*` +
					regexp.QuoteMeta(fmt.Sprintf("import {\n  to = <this resource's address, shown above>\n  id = %q\n}", *theirs.ID))),
			},
			{
				PreConfig: func() { t.Setenv("IDP_ADOPT_IDENTICAL", "true") },
				Config:    config,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("idp_organization.org", "id", *theirs.ID),
					resource.TestCheckNoResourceAttr("idp_organization.org", "metadata.%")),
			},
		},
	})
}

// recordIDs notes, in left, the ids a killed apply's state holds at addrs.
func recordIDs(left map[string]string, addrs []string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, addr := range addrs {
			left[addr] = s.RootModule().Resources[addr].Primary.ID
		}
		return nil
	}
}

// adoptedIDs checks that the state holds, at each address in left, the
// object the killed apply left there: adopted, not created again.
func adoptedIDs(left map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, id := range left {
			if got := s.RootModule().Resources[addr].Primary.ID; got != id {
				return fmt.Errorf("%s is %s, want the leftover %s adopted", addr, got, id)
			}
		}
		return nil
	}
}
