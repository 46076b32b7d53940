package provider

import (
	"fmt"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// The list resources and resource identities need Terraform 1.14 (query)
// and 1.12 (identity). Their tests are named TestAccQuery*: 'make test' and
// 'make testacc' leave them out by name (the installed Terraform 1.11 and
// OpenTofu have neither), 'make testquery' runs them, and only them, on the
// pinned Terraform 1.15 that 'make terraform115' builds.

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
