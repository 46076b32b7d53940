package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// clientWithConnections declares a connection and a client with
// enabled_connections.
func clientWithConnections(enabled string) string {
	return `
resource "idp_connection" "db" {
  name = "Customers"
}

resource "idp_client" "app" {
  name                = "Provisioning"
  enabled_connections = ` + enabled + `
  depends_on          = [idp_connection.db]
}
`
}

// connectionsOf returns the names of the connections a client is enabled
// on, as the server says.
func (e *testEnv) connectionsOf(ctx context.Context, clientID string) ([]string, error) {
	all, err := e.client.ListConnections(ctx, mgmt.ConnectionFilter{})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, cn := range all {
		ids, err := e.client.ListConnectionClients(ctx, *cn.ID)
		if err != nil {
			return nil, err
		}
		if slices.Contains(ids, clientID) {
			names = append(names, *cn.Name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// expectConnections checks the server's connections of the client at addr.
func (e *testEnv) expectConnections(addr string, names ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		got, err := e.connectionsOf(context.Background(), clientIDOf(s, addr))
		if err != nil {
			return err
		}
		if !slices.Equal(got, names) {
			return fmt.Errorf("%s is enabled on %v, want %v", addr, got, names)
		}
		return nil
	}
}

func TestAccClientConnections_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_client.app"
	ctx := t.Context()
	var clientID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: env.checkGone("idp_client", func(ctx context.Context, id string) error {
			_, err := env.client.GetApplication(ctx, id)
			return err
		}),
		Steps: []resource.TestStep{
			{
				// Created after both connections, the client was enabled on
				// them by the tenant; the create disables it, and the plan
				// that the harness makes after the apply is empty.
				PreConfig: env.srv.ResetCounts,
				Config:    env.config(clientWithConnections(`[]`)),
				Check: resource.ComposeTestCheckFunc(
					env.expectConnections(addr),
					func(s *terraform.State) error {
						clientID = clientIDOf(s, addr)
						return nil
					},
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled_connections"), knownvalue.SetSizeExact(0)),
				},
			},
			{
				// A refresh costs one list of the connections and one GET of
				// each one's clients (two connections).
				PreConfig:    env.srv.ResetCounts,
				RefreshState: true,
				Check: func(*terraform.State) error {
					got := []int64{env.requests("GET", "/api/v2/clients/{id}"), env.requests("GET", "/api/v2/connections"),
						env.requests("GET", "/api/v2/connections/{id}/clients")}
					if !slices.Equal(got, []int64{1, 1, 2}) {
						return fmt.Errorf("refresh: client GETs, connection lists, clients GETs = %v, want [1 1 2]", got)
					}
					return nil
				},
			},
			{
				// By name and by ID.
				Config: env.config(clientWithConnections(`["Username-Password-Authentication", idp_connection.db.id]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: env.expectConnections(addr, "Customers", "Username-Password-Authentication"),
			},
			{
				// Behind Terraform's back: disabled on one, enabled on a new
				// connection. The plan shows both and the apply repairs them.
				PreConfig: func() {
					if err := env.client.UpdateConnectionClients(ctx, env.connectionID(ctx, "Customers"),
						[]mgmt.ConnectionClientStatus{{ClientID: clientID, Status: false}}); err != nil {
						t.Fatal(err)
					}
					cn, err := env.client.CreateConnection(ctx, &mgmt.Connection{Name: mgmt.String("Partners"), Strategy: mgmt.String("auth0")})
					if err != nil {
						t.Fatal(err)
					}
					if err := env.client.UpdateConnectionClients(ctx, *cn.ID,
						[]mgmt.ConnectionClientStatus{{ClientID: clientID, Status: true}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(clientWithConnections(`["Username-Password-Authentication", idp_connection.db.id]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: env.expectConnections(addr, "Customers", "Username-Password-Authentication"),
			},
			{
				// An update of something else sends no connection PATCH.
				PreConfig: env.srv.ResetCounts,
				Config: env.config(`
resource "idp_connection" "db" {
  name = "Customers"
}

resource "idp_client" "app" {
  name                = "Provisioning"
  description         = "Creates tenants."
  enabled_connections = ["Username-Password-Authentication", idp_connection.db.id]
  depends_on          = [idp_connection.db]
}
`),
				Check: func(*terraform.State) error {
					if n := env.requests("PATCH", "/api/v2/connections/{id}/clients"); n != 0 {
						return fmt.Errorf("%d connection PATCHes, want 0", n)
					}
					return nil
				},
			},
			{
				// Unset: no longer managed, left as it is.
				Config: env.config(`
resource "idp_connection" "db" {
  name = "Customers"
}

resource "idp_client" "app" {
  name       = "Provisioning"
  depends_on = [idp_connection.db]
}
`),
				Check: env.expectConnections(addr, "Customers", "Username-Password-Authentication"),
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"client_secret_rotation_version"},
			},
		},
	})
}

// A client without enabled_connections costs one GET on refresh, as before.
func TestAccClientConnections_unmanagedIsOneRequest(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.config(`
resource "idp_client" "app" {
  name = "Plain"
}
`)},
			{
				PreConfig:    env.srv.ResetCounts,
				RefreshState: true,
				Check: func(*terraform.State) error {
					var total int64
					for _, c := range env.srv.Counts() {
						if c.Route != "/oauth/token" {
							total += c.N
						}
					}
					if n := env.requests("GET", "/api/v2/clients/{id}"); n != 1 || total != 1 {
						return fmt.Errorf("refresh: %d client GETs, %d management requests in all, want 1 and 1", n, total)
					}
					return nil
				},
			},
		},
	})
}

// A client that should use one connection is enabled there (and, with the
// tenant's default, was already).
func TestAccClientConnections_createEnables(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.config(`
resource "idp_client" "app" {
  name                = "Login"
  app_type            = "regular_web"
  grant_types         = ["authorization_code"]
  enabled_connections = ["Username-Password-Authentication"]
}
`),
			Check: env.expectConnections("idp_client.app", "Username-Password-Authentication"),
		}},
	})
}

func TestAccClientConnections_errors(t *testing.T) {
	env := newTestEnv(t)
	const shape = `must be a connection ID ("con_" followed by letters and digits) or a connection name (letters and digits, with single dashes between them)`
	cases := map[string]struct{ list, message string }{
		"underscore name": {`["my_db"]`, shape + `, got: my_db`},
		"empty":           {`[""]`, `string length must be between 1 and 128, got: 0`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			refusedAtPlan(t, env.config("resource \"idp_client\" \"test\" {\nname = \"x\"\nenabled_connections = "+tc.list+"\n}\n"), tc.message)
		})
	}
	t.Run("unknown connection", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: env.config(`
resource "idp_client" "test" {
  name                = "x"
  enabled_connections = ["Nobody"]
}
`),
				ExpectError: expectError(`Unable to Create Client.*The client was created \(ID [A-Za-z0-9]{32}\), but setting its enabled_connections failed\. enabled_connections names "Nobody", but ` + env.url + ` has no connection with that ID or name.*tainted`),
			}},
		})
	})
}
