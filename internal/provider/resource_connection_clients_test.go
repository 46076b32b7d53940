package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// connectionClientsConfig declares a connection, two clients and the
// connection's clients.
func connectionClientsConfig(enabled string) string {
	return `
resource "idp_connection" "db" {
  name = "Customers"
}

resource "idp_client" "web" {
  name = "Web"
}

resource "idp_client" "batch" {
  name = "Batch"
}

resource "idp_connection_clients" "db" {
  connection_id   = idp_connection.db.id
  enabled_clients = ` + enabled + `
}
`
}

// expectEnabled checks the server's clients of the connection named name
// against the state's clients at addrs.
func (e *testEnv) expectEnabled(name string, addrs ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ctx := context.Background()
		ids, err := e.client.ListConnectionClients(ctx, e.connectionID(ctx, name))
		if err != nil {
			return err
		}
		var want []string
		for _, a := range addrs {
			want = append(want, clientIDOf(s, a))
		}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			return fmt.Errorf("connection %s is enabled for %v, want %v (%v)", name, ids, want, addrs)
		}
		return nil
	}
}

func TestAccConnectionClients_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_connection_clients.db"
	ctx := t.Context()
	var webID, batchID string
	remember := func(s *terraform.State) error {
		webID, batchID = clientIDOf(s, "idp_client.web"), clientIDOf(s, "idp_client.batch")
		return nil
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: env.checkGone("idp_connection", func(ctx context.Context, id string) error {
			_, err := env.client.ListConnectionClients(ctx, id)
			return err
		}),
		Steps: []resource.TestStep{
			{
				// The clients may be created after the connection, which the
				// tenant's default then enables them on; only web stays.
				Config: env.config(connectionClientsConfig(`[idp_client.web.client_id]`)),
				Check:  resource.ComposeTestCheckFunc(remember, env.expectEnabled("Customers", "idp_client.web")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled_clients"), knownvalue.SetSizeExact(1)),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("id"), "idp_connection.db", tfjsonpath.New("id"), compare.ValuesSame()),
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
			{ResourceName: addr, ImportState: true, ImportStateId: "Customers", ImportStateVerify: true},
			{
				Config: env.config(connectionClientsConfig(`[idp_client.web.client_id, idp_client.batch.client_id]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: env.expectEnabled("Customers", "idp_client.web", "idp_client.batch"),
			},
			{
				// Behind Terraform's back: web disabled, the admin enabled.
				PreConfig: func() {
					if err := env.client.UpdateConnectionClients(ctx, env.connectionID(ctx, "Customers"), []mgmt.ConnectionClientStatus{
						{ClientID: webID, Status: false}, {ClientID: env.srv.AdminClientID(), Status: true},
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(connectionClientsConfig(`[idp_client.web.client_id, idp_client.batch.client_id]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: env.expectEnabled("Customers", "idp_client.web", "idp_client.batch"),
			},
			{
				// A refresh is one GET of the connection's clients.
				PreConfig:    env.srv.ResetCounts,
				RefreshState: true,
				Check: func(*terraform.State) error {
					if n := env.requests("GET", "/api/v2/connections/{id}/clients"); n != 1 {
						return fmt.Errorf("refresh read the connection's clients %d times, want 1", n)
					}
					return nil
				},
			},
			{
				Config: env.config(connectionClientsConfig(`[]`)),
				Check:  env.expectEnabled("Customers"),
			},
			{
				// Destroying the resource alone disables the clients it listed
				// and leaves the others.
				PreConfig: func() {
					if err := env.client.UpdateConnectionClients(ctx, env.connectionID(ctx, "Customers"), []mgmt.ConnectionClientStatus{
						{ClientID: env.srv.AdminClientID(), Status: true},
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(connectionClientsConfig(`[idp_client.batch.client_id]`)),
				Check:  env.expectEnabled("Customers", "idp_client.batch"),
			},
			{
				PreConfig: func() {
					if err := env.client.UpdateConnectionClients(ctx, env.connectionID(ctx, "Customers"), []mgmt.ConnectionClientStatus{
						{ClientID: env.srv.AdminClientID(), Status: true},
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(`
resource "idp_connection" "db" {
  name = "Customers"
}

resource "idp_client" "web" {
  name = "Web"
}

resource "idp_client" "batch" {
  name = "Batch"
}
`),
				Check: func(*terraform.State) error {
					ids, err := env.client.ListConnectionClients(ctx, env.connectionID(ctx, "Customers"))
					if err != nil {
						return err
					}
					if !slices.Equal(ids, []string{env.srv.AdminClientID()}) || slices.Contains(ids, batchID) {
						return fmt.Errorf("after destroying the resource the connection is enabled for %v, want only the admin", ids)
					}
					return nil
				},
			},
		},
	})
}

// More than 50 clients: the changes go out 50 at a time.
func TestAccConnectionClients_manyClients(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.config(`
resource "idp_connection" "db" {
  name = "Many"
}

resource "idp_client" "app" {
  count      = 60
  name       = "App ${count.index}"
  depends_on = [idp_connection.db]
}

resource "idp_connection_clients" "db" {
  connection_id   = idp_connection.db.id
  enabled_clients = idp_client.app[*].client_id
}
`),
			PreConfig: env.srv.ResetCounts,
			Check: func(s *terraform.State) error {
				ids, err := env.client.ListConnectionClients(t.Context(), env.connectionID(t.Context(), "Many"))
				if err != nil {
					return err
				}
				if len(ids) != 60 {
					return fmt.Errorf("%d clients enabled, want 60", len(ids))
				}
				// Created after the connection, all 60 were enabled already:
				// the create read them and had nothing to change.
				if n := env.requests("PATCH", "/api/v2/connections/{id}/clients"); n != 0 {
					return fmt.Errorf("%d PATCHes, want 0", n)
				}
				return nil
			},
		}, {
			Config: env.config(`
resource "idp_connection" "db" {
  name = "Many"
}

resource "idp_client" "app" {
  count      = 60
  name       = "App ${count.index}"
  depends_on = [idp_connection.db]
}

resource "idp_connection_clients" "db" {
  connection_id   = idp_connection.db.id
  enabled_clients = []
}
`),
			PreConfig: env.srv.ResetCounts,
			Check: func(s *terraform.State) error {
				ids, err := env.client.ListConnectionClients(t.Context(), env.connectionID(t.Context(), "Many"))
				if err != nil || len(ids) != 0 {
					return fmt.Errorf("clients still enabled: %v %v", err, ids)
				}
				if n := env.requests("PATCH", "/api/v2/connections/{id}/clients"); n != 2 {
					return fmt.Errorf("%d PATCHes, want 2 (50 + 10)", n)
				}
				return nil
			},
		}},
	})
}

func TestAccConnectionClients_errors(t *testing.T) {
	env := newTestEnv(t)
	cases := map[string]struct {
		body    string
		message string
	}{
		"bad connection id": {`connection_id = "Customers"` + "\n" + `enabled_clients = []`,
			`Attribute connection_id must be a connection ID, "con_" followed by letters and digits, got: Customers`},
		"bad client id": {`connection_id = "con_0123456789abcdef"` + "\n" + `enabled_clients = ["web"]`,
			`"web" is not a client ID: the service issues client IDs of 32 letters and digits`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			refusedAtPlan(t, env.config("resource \"idp_connection_clients\" \"test\" {\n"+tc.body+"\n}\n"), tc.message)
		})
	}
	t.Run("unknown client", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: env.config(`
resource "idp_connection" "db" {
  name = "Lonely"
}

resource "idp_connection_clients" "db" {
  connection_id   = idp_connection.db.id
  enabled_clients = ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]
}
`),
				ExpectError: expectError(`Unable to Create Connection Clients.*404 Not Found \(inexistent_client\)`),
			}},
		})
	})
}
