package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// The list resources and resource identities need Terraform 1.14 (query)
// and 1.12 (identity). Their tests are named TestAccQuery*: 'make test' and
// 'make testacc' leave them out by name (the installed Terraform 1.11 and
// OpenTofu have neither), 'make testquery' runs them, and only them, on the
// pinned Terraform 1.15 that 'make terraform115' builds.

// Each list resource lists what exists, with and without its filters,
// leaves system objects out unless include_system is set, gives the whole
// object with include_resource, and never a secret.
func TestAccQuery_lists(t *testing.T) {
	e := newTestEnv(t)
	a := seedAdoptable(t.Context(), t, e.client, e.srv.AdminClientSecret())
	admin := e.srv.AdminClientID()
	m2m, spa := valueOr(a.m2m.ClientID, ""), valueOr(a.spa.ClientID, "")
	mgmtAudience := e.url + "/api/v2/"

	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   queryVersionChecks,
		Steps: []tfresource.TestStep{{
			Query: true,
			Config: e.providerConfig() + fmt.Sprintf(`
list "idp_resource_server" "all" {
  provider         = idp
  include_resource = true
}
list "idp_resource_server" "with_system" {
  provider = idp
  config {
    include_system = true
  }
}
list "idp_resource_server" "orders" {
  provider = idp
  config {
    identifier = %[1]q
  }
}
list "idp_client" "all" {
  provider         = idp
  include_resource = true
}
list "idp_client" "with_system" {
  provider = idp
  config {
    include_system = true
  }
}
list "idp_client" "spa" {
  provider = idp
  config {
    app_type = "spa"
  }
}
list "idp_client_grant" "all" {
  provider         = idp
  include_resource = true
}
list "idp_client_grant" "with_system" {
  provider = idp
  config {
    include_system = true
  }
}
list "idp_client_grant" "admin" {
  provider = idp
  config {
    client_id      = %[2]q
    include_system = true
  }
}
list "idp_client_grant" "on_orders" {
  provider = idp
  config {
    audience = %[1]q
  }
}
list "idp_connection" "all" {
  provider         = idp
  include_resource = true
}
list "idp_connection" "customers" {
  provider = idp
  config {
    name = "customers"
  }
}
list "idp_tenant" "all" {
  provider         = idp
  include_resource = true
}
`, a.apiAudience, admin),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("idp_resource_server.all", 1),
				querycheck.ExpectLength("idp_resource_server.with_system", 2),
				querycheck.ExpectLength("idp_resource_server.orders", 1),
				querycheck.ExpectIdentity("idp_resource_server.all", map[string]knownvalue.Check{
					"identifier": knownvalue.StringExact(a.apiAudience)}),
				querycheck.ExpectResourceDisplayName("idp_resource_server.with_system",
					byIdentity("identifier", mgmtAudience), knownvalue.StringRegexp(regexp.MustCompile(`\(system\)$`))),
				querycheck.ExpectResourceKnownValues("idp_resource_server.all", byIdentity("identifier", a.apiAudience),
					[]querycheck.KnownValueCheck{
						valueAt("id", valueOr(a.api.ID, "")), valueAt("name", "Orders"), valueAt("signing_alg", "HS256"),
						nullAt("signing_secret"), nullAt("signing_secret_wo"),
						{Path: tfjsonpath.New("scopes"), KnownValue: knownvalue.SetExact([]knownvalue.Check{
							knownvalue.ObjectExact(map[string]knownvalue.Check{
								"value": knownvalue.StringExact("read:orders"), "description": knownvalue.StringExact("Read orders")}),
						})},
					}),

				querycheck.ExpectLength("idp_client.all", 2),
				querycheck.ExpectLength("idp_client.with_system", 3),
				querycheck.ExpectLength("idp_client.spa", 1),
				querycheck.ExpectIdentity("idp_client.spa", map[string]knownvalue.Check{"client_id": knownvalue.StringExact(spa)}),
				querycheck.ExpectResourceKnownValues("idp_client.all", byIdentity("client_id", m2m), []querycheck.KnownValueCheck{
					valueAt("id", m2m), valueAt("name", "order-sync"), valueAt("app_type", "non_interactive"),
					nullAt("client_secret"), nullAt("enabled_connections"),
				}),

				querycheck.ExpectLength("idp_client_grant.all", 1),
				querycheck.ExpectLength("idp_client_grant.with_system", 2),
				querycheck.ExpectLength("idp_client_grant.admin", 1),
				querycheck.ExpectLength("idp_client_grant.on_orders", 1),
				querycheck.ExpectIdentity("idp_client_grant.all", map[string]knownvalue.Check{
					"client_id": knownvalue.StringExact(m2m), "audience": knownvalue.StringExact(a.apiAudience)}),
				querycheck.ExpectResourceKnownValues("idp_client_grant.all", queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
					"client_id": knownvalue.StringExact(m2m), "audience": knownvalue.StringExact(a.apiAudience)}), []querycheck.KnownValueCheck{
					valueAt("id", valueOr(a.grant.ID, "")),
					{Path: tfjsonpath.New("scope"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("read:orders")})},
				}),

				// The seeded Username-Password-Authentication and ours.
				querycheck.ExpectLength("idp_connection.all", 2),
				querycheck.ExpectLength("idp_connection.customers", 1),
				querycheck.ExpectResourceKnownValues("idp_connection.all", byIdentity("name", "customers"), []querycheck.KnownValueCheck{
					valueAt("id", valueOr(a.connection.ID, "")), valueAt("strategy", mgmt.StrategyDatabase),
				}),

				querycheck.ExpectLength("idp_tenant.all", 1),
				querycheck.ExpectResourceKnownValues("idp_tenant.all", byIdentity("name", "acme"), []querycheck.KnownValueCheck{
					valueAt("id", valueOr(a.tenant.ID, "")), valueAt("display_name", "Acme"),
					nullAt("management_client_id"), nullAt("management_client_secret"),
				}),
			},
		}},
	})
}

// A list follows the Management API's pages: 150 APIs are more than one
// page of the client's 100.
func TestAccQuery_pagination(t *testing.T) {
	e := newTestEnv(t)
	for i := range 150 {
		if _, err := e.client.CreateResourceServer(t.Context(), &mgmt.ResourceServer{
			Name: mgmt.String(fmt.Sprintf("api %d", i)), Identifier: mgmt.String(fmt.Sprintf("https://api%d.example.com/", i))}); err != nil {
			t.Fatal(err)
		}
	}
	tfresource.Test(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   queryVersionChecks,
		Steps: []tfresource.TestStep{{
			Query: true,
			Config: e.providerConfig() + `
list "idp_resource_server" "all" {
  provider = idp
  limit    = 1000
}
list "idp_resource_server" "first" {
  provider = idp
  limit    = 7
}
`,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("idp_resource_server.all", 150),
				querycheck.ExpectIdentity("idp_resource_server.all", map[string]knownvalue.Check{
					"identifier": knownvalue.StringExact("https://api149.example.com/")}),
				querycheck.ExpectLength("idp_resource_server.first", 7),
			},
		}},
	})
}

// identityConfig is one object of each identified resource type.
func identityConfig(e *testEnv) string {
	return e.providerConfig() + `
resource "idp_resource_server" "api" {
  name       = "Orders"
  identifier = "https://orders.example.com/"
}
resource "idp_client" "app" {
  name = "order-sync"
}
resource "idp_client_grant" "app" {
  client_id = idp_client.app.client_id
  audience  = idp_resource_server.api.identifier
  scope     = []
}
resource "idp_connection" "db" {
  name = "customers"
}
resource "idp_tenant" "acme" {
  name = "acme"
}
`
}

// Every identified resource has its identity after create, state written
// by a provider without identities gets one on refresh with an empty plan,
// and each imports by its identity (an import block's identity argument).
func TestAccQuery_identity(t *testing.T) {
	e := newTestEnv(t)
	config := identityConfig(e)
	identities := map[string]map[string]knownvalue.Check{
		"idp_resource_server.api": {"identifier": knownvalue.StringExact("https://orders.example.com/")},
		"idp_client.app":          {"client_id": knownvalue.StringRegexp(clientIDRegexp)},
		"idp_client_grant.app": {"client_id": knownvalue.StringRegexp(clientIDRegexp),
			"audience": knownvalue.StringExact("https://orders.example.com/")},
		"idp_connection.db": {"name": knownvalue.StringExact("customers")},
		"idp_tenant.acme":   {"name": knownvalue.StringExact("acme")},
	}
	var identityChecks []statecheck.StateCheck
	for addr, id := range identities {
		identityChecks = append(identityChecks, statecheck.ExpectIdentity(addr, id))
	}
	steps := []tfresource.TestStep{
		// A provider without identities, as before this change.
		{ProtoV6ProviderFactories: noIdentityProviderFactories, Config: config},
		// This one: nothing to change. (Terraform keeps the identities
		// this step's refresh returned only with the next state it saves:
		// the apply of an empty plan leaves the state as it was.)
		{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Config:                   config,
			ConfigPlanChecks:         tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
		// Still nothing to change, and the state has every identity.
		{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Config:                   config,
			ConfigPlanChecks:         tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks:        identityChecks,
		},
	}
	for addr := range identities {
		steps = append(steps, tfresource.TestStep{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Config:                   config,
			ResourceName:             addr,
			ImportState:              true,
			ImportStateKind:          tfresource.ImportBlockWithResourceIdentity,
		})
	}
	// Last, a step with the configuration again, which the destroy at the
	// end of the test uses (after an import step it would have none).
	steps = append(steps, tfresource.TestStep{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Config:                   config,
		ConfigPlanChecks:         tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
	})
	tfresource.Test(t, tfresource.TestCase{
		TerraformVersionChecks: queryVersionChecks,
		Steps:                  steps,
	})
}

// noIdentityProviderFactories serve the provider with its resources'
// identities hidden, as the provider was before it had them.
var noIdentityProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"idp": providerserver.NewProtocol6WithError(noIdentityProvider{New("test")().(*idpProvider)}),
}

type noIdentityProvider struct{ *idpProvider }

var _ provider.Provider = noIdentityProvider{}

func (p noIdentityProvider) Resources(ctx context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, newResource := range p.idpProvider.Resources(ctx) {
		out = append(out, func() resource.Resource { return noIdentityResource{newResource()} })
	}
	return out
}

// noIdentityResource is a resource with every optional interface the
// provider's resources implement except ResourceWithIdentity.
type noIdentityResource struct{ resource.Resource }

func (r noIdentityResource) Configure(ctx context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if c, ok := r.Resource.(resource.ResourceWithConfigure); ok {
		c.Configure(ctx, req, resp)
	}
}

func (r noIdentityResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	r.Resource.(resource.ResourceWithImportState).ImportState(ctx, req, resp)
}

func (r noIdentityResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if m, ok := r.Resource.(resource.ResourceWithModifyPlan); ok {
		m.ModifyPlan(ctx, req, resp)
	}
}
