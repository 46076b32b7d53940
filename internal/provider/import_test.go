package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// An import ID of the wrong shape names the accepted forms; one of the
// right shape that matches nothing says what was looked up.
func TestAccImport_idErrors(t *testing.T) {
	env := newTestEnv(t)
	const (
		clientBody = `resource "idp_client" "test" { name = "x" }`
		grantBody  = `resource "idp_client_grant" "test" {` + "\n" + `client_id = "x"` + "\n" + `audience = "https://a/"` + "\n" + `scope = []` + "\n}"
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
		"resource server shape": {rsBody, "idp_resource_server.test", "reports",
			`"reports" is not an import ID this resource accepts. Use the resource server's ID, 24 hexadecimal digits (e.g. "5f8d0d55b54764421b7156c9"), or its identifier, an absolute URI (e.g. "https://api.example.com/").`},
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
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
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
	steps := []resource.TestStep{}
	for _, imp := range []struct{ address, id, want string }{
		{"idp_resource_server.test", "https://reports.example.com/", *rs.ID},
		{"idp_resource_server.test", *rs.ID, *rs.ID},
		{"idp_tenant.test", "customer-9", *tenant.ID},
		{"idp_tenant.test", *tenant.ID, *tenant.ID},
	} {
		steps = append(steps, resource.TestStep{
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
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

// A grant that already exists: the conflict shows an import block with the
// existing grant's ID.
func TestAccClientGrant_conflictHint(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	if _, err := env.client.CreateResourceServer(ctx, &mgmt.ResourceServer{
		Name: mgmt.String("Reports"), Identifier: mgmt.String("https://reports.example.com/"),
		Scopes: &[]mgmt.ResourceServerScope{{Value: "read:reports"}},
	}); err != nil {
		t.Fatal(err)
	}
	app := env.m2mClient([]string{"client_credentials"}, nil)
	grant, err := env.client.CreateClientGrant(ctx, &mgmt.ClientGrant{
		ClientID: app.ClientID, Audience: mgmt.String("https://reports.example.com/"), Scope: &[]string{"read:reports"},
	})
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.config(fmt.Sprintf(`
resource "idp_client_grant" "dup" {
  client_id = %q
  audience  = "https://reports.example.com/"
  scope     = ["read:reports"]
}
`, *app.ClientID)),
			ExpectError: expectError(`Unable to Create Client Grant.*with idp_client_grant.dup,.*409 Conflict.*import it: add this block .*` +
				regexp.QuoteMeta(fmt.Sprintf("import {\n  to = <this resource's address, shown above>\n  id = %q\n}", *grant.ID))),
		}},
	})
}
