package provider

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccCreate_duplicateKeyInOneConfiguration declares each keyed object
// twice. The second create must not advise importing the first's object,
// which would leave two addresses managing it, but name the duplicate.
func TestAccCreate_duplicateKeyInOneConfiguration(t *testing.T) {
	cases := []struct{ name, body, message string }{
		{"resource server", `
resource "idp_resource_server" "a" {
  name       = "Orders"
  identifier = "https://orders.example.com/"
}

resource "idp_resource_server" "b" {
  name       = "Orders"
  identifier = "https://orders.example.com/"
}
`, `the resource server with identifier "https://orders.example.com/"`},
		{"client grant", `
resource "idp_resource_server" "api" {
  name       = "Orders"
  identifier = "https://orders.example.com/"
}

resource "idp_client" "svc" {
  name = "svc"
}

resource "idp_client_grant" "a" {
  client_id = idp_client.svc.client_id
  audience  = idp_resource_server.api.identifier
  scope     = []
}

resource "idp_client_grant" "b" {
  client_id = idp_client.svc.client_id
  audience  = idp_resource_server.api.identifier
  scope     = []
}
`, `the client grant with client_id "`},
		{"connection", `
resource "idp_connection" "a" {
  name = "customers"
}

resource "idp_connection" "b" {
  name = "customers"
}
`, `the connection with name "customers"`},
		{"tenant", `
resource "idp_tenant" "a" {
  name   = "customer-1"
  owners = ["ops@customer-1.example"]
}

resource "idp_tenant" "b" {
  name   = "customer-1"
  owners = ["ops@customer-1.example"]
}
`, `the tenant with name "customer-1"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      env.config(tc.body),
					ExpectError: expectMessage("Another resource in this configuration also declares " + tc.message),
				}},
			})
		})
	}
}

// TestAccCreate_duplicateKeyLostAnswers loses the answers to the first two
// creates of one identifier, declared twice. Each create then meets 409
// after an attempt whose outcome it cannot know and finds an API equal to
// what it sent; without the claim both adopted it and the apply succeeded
// with two addresses on one object.
func TestAccCreate_duplicateKeyLostAnswers(t *testing.T) {
	env := newTestEnvWith(t, dropAnswers(2, "POST /api/v2/resource-servers"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.config(`
resource "idp_resource_server" "a" {
  name       = "Orders"
  identifier = "https://orders.example.com/"
}

resource "idp_resource_server" "b" {
  name       = "Orders"
  identifier = "https://orders.example.com/"
}
`),
			ExpectError: expectMessage("Another resource in this configuration also declares the resource server"),
		}},
	})
}

// dropAnswers is dropAnswerOnce for the first n requests of route.
func dropAnswers(n int, route string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		var mu sync.Mutex
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			drop := n > 0 && r.Method+" "+r.URL.Path == route
			if drop {
				n--
			}
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
