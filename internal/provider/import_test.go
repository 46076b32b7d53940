package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// clientIDRegexp matches a client ID as the service issues them.
var clientIDRegexp = regexp.MustCompile(`^[A-Za-z0-9]{32}$`)

// An import ID of the wrong shape names the accepted forms; one of the
// right shape that matches nothing says what was looked up.
func TestAccImport_idErrors(t *testing.T) {
	env := newTestEnv(t)
	const (
		clientBody = `resource "idp_client" "test" { name = "x" }`
		grantBody  = `resource "idp_client_grant" "test" {` + "\n" + `client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"` + "\n" + `audience = "https://a/"` + "\n" + `scope = []` + "\n}"
		rsBody     = `resource "idp_resource_server" "test" {` + "\n" + `name = "x"` + "\n" + `identifier = "https://a/"` + "\n}"
		tenantBody = `resource "idp_tenant" "test" { name = "abc" }`
	)
	const missingClient = "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
	cases := map[string]struct {
		body, address, id, message string
	}{
		"client shape": {clientBody, "idp_client.test", "my-app",
			`"my-app" is not an import ID this resource accepts. Use the client ID, 32 letters and digits (e.g. "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6").`},
		"client missing": {clientBody, "idp_client.test", missingClient,
			fmt.Sprintf(`Client Not Found No client with client ID %q exists on %s.`, missingClient, env.url)},
		"grant shape": {grantBody, "idp_client_grant.test", "grant-1",
			`"grant-1" is not an import ID this resource accepts. Use the grant's ID, "cgr_" followed by letters and digits (e.g. "cgr_a1B2c3D4e5F6g7H8"), or client_id::audience`},
		"grant missing": {grantBody, "idp_client_grant.test", "cgr_Nothing0000000000",
			fmt.Sprintf(`Client Grant Not Found No client grant with ID "cgr_Nothing0000000000" exists on %s.`, env.url)},
		"resource server shape": {rsBody, "idp_resource_server.test", strings.Repeat("r", 601),
			`"` + strings.Repeat("r", 601) + `" is not an import ID this resource accepts. Use the resource server's ID, 24 hexadecimal digits (e.g. "5f8d0d55b54764421b7156c9"), or its identifier (e.g. "https://api.example.com/"), at most 600 characters.`},
		"resource server identifier not a URI": {rsBody, "idp_resource_server.test", "reports",
			fmt.Sprintf(`Resource Server Not Found No resource server with identifier "reports" exists on %s.`, env.url)},
		"resource server missing": {rsBody, "idp_resource_server.test", "https://nothing.example.com/",
			fmt.Sprintf(`Resource Server Not Found No resource server with identifier "https://nothing.example.com/" exists on %s.`, env.url)},
		"resource server id missing": {rsBody, "idp_resource_server.test", "0123456789abcdef01234567",
			fmt.Sprintf(`No resource server with ID "0123456789abcdef01234567" exists on %s.`, env.url)},
		"tenant shape": {tenantBody, "idp_tenant.test", "Customer 1",
			`"Customer 1" is not an import ID this resource accepts. Use the tenant's ID, "ten_" followed by letters and digits (e.g. "ten_a1B2c3D4e5F6g7H8"), or its name`},
		"tenant missing": {tenantBody, "idp_tenant.test", "customer-404",
			fmt.Sprintf(`Tenant Not Found No tenant with name "customer-404" exists on %s.`, env.url)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []tfresource.TestStep{{
					Config:        env.config(tc.body),
					ResourceName:  tc.address,
					ImportState:   true,
					ImportStateId: tc.id,
					ExpectError:   expectMessage(tc.message),
				}},
			})
		})
	}
}

// Each accepted form imports the object.
func TestAccImport_acceptedForms(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	rs, err := env.client.CreateResourceServer(ctx, &mgmt.ResourceServer{
		Name: mgmt.String("Reports"), Identifier: mgmt.String("https://reports.example.com/"),
	})
	if err != nil {
		t.Fatal(err)
	}
	tenant, err := env.client.CreateTenant(ctx, &mgmt.Tenant{Name: mgmt.String("customer-9")})
	if err != nil {
		t.Fatal(err)
	}
	config := env.config(`
resource "idp_resource_server" "test" {
  name       = "Reports"
  identifier = "https://reports.example.com/"
}

resource "idp_tenant" "test" {
  name = "customer-9"
}
`)
	steps := []tfresource.TestStep{}
	for _, imp := range []struct{ address, id, want string }{
		{"idp_resource_server.test", "https://reports.example.com/", *rs.ID},
		{"idp_resource_server.test", *rs.ID, *rs.ID},
		{"idp_tenant.test", "customer-9", *tenant.ID},
		{"idp_tenant.test", *tenant.ID, *tenant.ID},
	} {
		steps = append(steps, tfresource.TestStep{
			Config:        config,
			ResourceName:  imp.address,
			ImportState:   true,
			ImportStateId: imp.id,
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if len(states) != 1 || states[0].ID != imp.want {
					return fmt.Errorf("import of %q: got %+v, want id %q", imp.id, states, imp.want)
				}
				return nil
			},
		})
	}
	tfresource.ParallelTest(t, tfresource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
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
resource "idp_organization" "acme" {
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
		"idp_connection.db":     {"name": knownvalue.StringExact("customers")},
		"idp_tenant.acme":       {"name": knownvalue.StringExact("acme")},
		"idp_organization.acme": {"id": knownvalue.StringRegexp(organizationIDRegexp)},
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
