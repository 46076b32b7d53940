package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// dropAnswerOnce lets the first request of each listed "METHOD /path" reach
// the server, which commits it, and then closes the connection without the
// answer: the failure after which the provider cannot know whether its
// create took effect.
func dropAnswerOnce(routes ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		var mu sync.Mutex
		pending := map[string]bool{}
		for _, r := range routes {
			pending[r] = true
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := r.Method + " " + r.URL.Path
			mu.Lock()
			drop := pending[key]
			delete(pending, key)
			mu.Unlock()
			if !drop {
				next.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(httptest.NewRecorder(), r)
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
		})
	}
}

// TestAccConverge_lostCreateAnswers loses the answer to the first create of
// an API, a client and a grant after the server made each of them. The
// apply still succeeds, and the server holds exactly one of each, all in
// the state: the keyed creates adopt what the lost attempt made (the retry
// meets 409 and finds it by its key), and the client's create finds its own
// marker instead of creating a second client with a live secret.
func TestAccConverge_lostCreateAnswers(t *testing.T) {
	env := newTestEnvWith(t, dropAnswerOnce(
		"POST /api/v2/resource-servers", "POST /api/v2/clients", "POST /api/v2/client-grants"))
	config := env.config(`
resource "idp_resource_server" "api" {
  name       = "Orders"
  identifier = "https://orders.example.com/"
  scopes     = [{ value = "read:orders" }]
}

resource "idp_client" "svc" {
  name = "Orders service"
}

resource "idp_client_grant" "svc" {
  client_id = idp_client.svc.client_id
  audience  = idp_resource_server.api.identifier
  scope     = ["read:orders"]
}
`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error { return env.checkOneEach() },
					resource.TestCheckResourceAttrSet("idp_client.svc", "client_secret"),
				),
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
	if got := env.requests(http.MethodPost, "/api/v2/clients"); got != 1 {
		t.Errorf("POST /api/v2/clients answered %d times, want 1 (the lost answer is found by its marker, not sent again)", got)
	}
}

// checkOneEach fails unless the server holds exactly one API, one client
// and one grant besides the tenant's own (the Management API, the admin
// client and its grant).
func (e *testEnv) checkOneEach() error {
	ctx := e.t.Context()
	apis, err := e.client.ListResourceServers(ctx)
	if err != nil {
		return err
	}
	clients, err := e.client.ListApplications(ctx, mgmt.ApplicationFilter{})
	if err != nil {
		return err
	}
	grants, err := e.client.ListClientGrants(ctx, mgmt.ClientGrantFilter{})
	if err != nil {
		return err
	}
	if len(apis) != 2 || len(clients) != 2 || len(grants) != 2 {
		return fmt.Errorf("the server holds %d APIs, %d clients and %d grants, want 2 of each (one made by the test, "+
			"one the tenant's own)", len(apis), len(clients), len(grants))
	}
	return nil
}

// TestAccConverge_tenantCredentialsLost loses the answer to a tenant's
// create, the only answer that carries its Management API credentials. The
// apply fails saying so, but Terraform knows the tenant (tainted), and the
// next apply replaces it: one tenant on the server, with credentials in
// the state.
func TestAccConverge_tenantCredentialsLost(t *testing.T) {
	env := newTestEnvWith(t, dropAnswerOnce("POST /api/v2/tenants"))
	config := env.config(`
resource "idp_tenant" "customer" {
  name   = "customer-1"
  owners = ["ops@customer-1.example"]
}
`)
	var firstID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: expectError(`credentials was lost, and the server shows them only once`),
			},
			{
				PreConfig: func() {
					tenants, err := env.client.ListTenants(t.Context())
					if err != nil || len(tenants) != 1 || tenants[0].ID == nil {
						t.Fatalf("after the lost answer the server holds %d tenants (err %v), want 1", len(tenants), err)
					}
					firstID = *tenants[0].ID
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("idp_tenant.customer", plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrSet("idp_tenant.customer", "management_client_secret"),
					func(s *terraform.State) error {
						id := s.RootModule().Resources["idp_tenant.customer"].Primary.ID
						tenants, err := env.client.ListTenants(t.Context())
						if err != nil {
							return err
						}
						if len(tenants) != 1 || id == firstID {
							return fmt.Errorf("want one tenant, a new one: the server holds %d, state id %s, first id %s",
								len(tenants), id, firstID)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccConverge_retryTimeout: retry_timeout bounds how long the provider
// retries a server that keeps failing, and the error says so.
func TestAccConverge_retryTimeout(t *testing.T) {
	env := newTestEnv(t)
	env.srv.SetFaults(server.Faults{Rate5xx: 1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerBlock(env.url, `retry_timeout = "1s"`) + `
resource "idp_client" "svc" {
  name = "svc"
}
`,
			ExpectError: expectError(`gave up after \d+ attempts in [0-9.]+m?s: the retry timeout \(1s\) ran out`),
		}},
	})
}
