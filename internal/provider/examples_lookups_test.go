package provider

import (
	"os"
	"path/filepath"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The lookup data sources' examples look up objects that another
// configuration made: each test below makes them on the server first, then
// applies the example as it is (with the provider block prepended) and
// checks what it found. The apply must leave an empty plan behind.

// dataSourceExampleTests names the test that applies each
// examples/data-sources/<type>/data-source.tf.
var dataSourceExampleTests = map[string]string{
	"idp_token":           "TestAccExamples_dataSourceToken",
	"idp_resource_server": "TestAccExamples_dataSourceResourceServer",
	"idp_client":          "TestAccExamples_dataSourceClient",
	"idp_tenant":          "TestAccExamples_dataSourceTenant",
	"idp_endpoints":       "TestAccExamples_dataSourceEndpoints",
	"idp_connection":      "TestAccExamples_dataSourceConnection",
	"idp_organization":    "TestAccExamples_dataSourceOrganization",
}

// Every data-source example is applied by a test, so that none of them
// rots unnoticed.
func TestExamples_everyDataSourceExampleApplied(t *testing.T) {
	dirs, err := os.ReadDir(filepath.Join(examplesDir, "data-sources"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		if _, ok := dataSourceExampleTests[dir.Name()]; !ok {
			t.Errorf("examples/data-sources/%s is applied by no test: add one and list it in dataSourceExampleTests", dir.Name())
		}
	}
}

// applyExample applies a data-source example against env and runs checks.
func applyExample(t *testing.T, env *testEnv, dataSource string, checks ...statecheck.StateCheck) {
	t.Helper()
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{{
			Config:            env.config(readExample(t, filepath.Join("data-sources", dataSource, "data-source.tf"))),
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccExamples_dataSourceResourceServer(t *testing.T) {
	env := newTestEnv(t)
	env.seedResourceServer("https://orders.example.com/")
	applyExample(t, env, "idp_resource_server",
		statecheck.ExpectKnownValue("idp_client_grant.reporting_orders", tfjsonpath.New("scope"),
			knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("read:orders")})),
	)
}

func TestAccExamples_dataSourceClient(t *testing.T) {
	env := newTestEnv(t)
	app := env.seedClient("Billing Service")
	applyExample(t, env, "idp_client",
		statecheck.ExpectKnownValue("idp_client_grant.billing_invoices", tfjsonpath.New("client_id"),
			knownvalue.StringExact(*app.ClientID)),
	)
}

func TestAccExamples_dataSourceTenant(t *testing.T) {
	env := newTestEnv(t)
	tenant := env.seedTenant("customer-1")
	applyExample(t, env, "idp_tenant",
		statecheck.ExpectKnownOutputValue("customer_issuer", knownvalue.StringExact(*tenant.Domain+"/")),
		statecheck.ExpectKnownOutputValue("customer_jwks_uri", knownvalue.StringExact(*tenant.Domain+"/.well-known/jwks.json")),
	)
}

func TestAccExamples_dataSourceEndpoints(t *testing.T) {
	env := newTestEnv(t)
	applyExample(t, env, "idp_endpoints",
		statecheck.ExpectKnownValue("idp_client_grant.provisioning", tfjsonpath.New("audience"),
			knownvalue.StringExact(env.url+"/api/v2/")),
		statecheck.ExpectKnownOutputValue("customer_token_url",
			knownvalue.StringExact("https://login.customer-1.example.com/oauth/token")),
		statecheck.ExpectKnownOutputValue("customer_issuer", knownvalue.StringExact("https://login.customer-1.example.com/")),
	)
}

// The idp_connection data-source example looks up the tenant's default
// connection, which every tenant has.
func TestAccExamples_dataSourceConnection(t *testing.T) {
	env := newTestEnv(t)
	id := env.connectionID(t.Context(), "Username-Password-Authentication")
	applyExample(t, env, "idp_connection",
		statecheck.ExpectKnownOutputValue("default_password_policy", knownvalue.StringExact("good")),
		statecheck.ExpectKnownValue("idp_client.back_office", tfjsonpath.New("enabled_connections"),
			knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(id)})),
	)
}
