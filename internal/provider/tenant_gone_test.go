package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// tenantGoneConfig is a tenant and, through a provider fed from its
// outputs, objects inside it.
func tenantGoneConfig(env *testEnv, name string) string {
	return env.config(fmt.Sprintf(`
resource "idp_tenant" "t" {
  name = %q
}

provider "idpinner" {
  domain        = idp_tenant.t.domain
  client_id     = idp_tenant.t.management_client_id
  client_secret = idp_tenant.t.management_client_secret
}

resource "idp_resource_server" "api" {
  provider   = idpinner
  name       = "Orders API"
  identifier = "https://orders.example/"
  scopes     = [{ value = "read:orders" }]
}

resource "idp_client" "app" {
  provider = idpinner
  name     = "Orders Service"
}

resource "idp_client_grant" "app" {
  provider  = idpinner
  client_id = idp_client.app.client_id
  audience  = idp_resource_server.api.identifier
  scope     = ["read:orders"]
}
`, name))
}

// deleteTenant deletes a tenant behind Terraform's back.
func (e *testEnv) deleteTenant(name string) {
	ctx := context.Background()
	tn, err := e.client.GetTenant(ctx, name)
	if err != nil {
		e.t.Fatalf("GetTenant(%s): %v", name, err)
	}
	if err := e.client.DeleteTenant(ctx, *tn.ID); err != nil {
		e.t.Fatalf("DeleteTenant(%s): %v", name, err)
	}
}

// A tenant deleted outside Terraform: the next plan re-creates it and the
// objects in it, and the apply does.
func TestAccTenantGone_replan(t *testing.T) {
	env := newTestEnv(t)
	config := tenantGoneConfig(env, "gone-replan")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: flowProviders("inner"),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { env.deleteTenant("gone-replan") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("idp_tenant.t", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("idp_resource_server.api", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("idp_client.app", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("idp_client_grant.app", plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

// A tenant deleted outside Terraform: destroy succeeds.
func TestAccTenantGone_destroy(t *testing.T) {
	env := newTestEnv(t)
	config := tenantGoneConfig(env, "gone-destroy")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: flowProviders("inner"),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { env.deleteTenant("gone-destroy") },
				Config:    config,
				Destroy:   true,
			},
		},
	})
}

// A provider configured with a deleted tenant's domain as a literal: its
// objects are dropped from state, and creating them again fails, saying why.
func TestAccTenantGone_literalDomain(t *testing.T) {
	env := newTestEnv(t)
	tn, err := env.client.CreateTenant(t.Context(), &mgmt.Tenant{Name: mgmt.String("gone-literal")})
	if err != nil {
		t.Fatal(err)
	}
	config := clientProviderBlock(*tn.Domain, tn.ManagementClient.ClientID, tn.ManagementClient.ClientSecret) + `
resource "idp_resource_server" "api" {
  name       = "Orders API"
  identifier = "https://orders.example/"
}

resource "idp_client" "app" {
  name = "Orders Service"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { env.deleteTenant("gone-literal") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("idp_resource_server.api", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("idp_client.app", plancheck.ResourceActionCreate),
				}},
				ExpectError: expectMessage("The tenant " + *tn.Domain + " no longer exists"),
			},
		},
	})
}

// destroy -refresh=false, which the test framework cannot run: the provider
// in the deleted tenant is configured from the state, its token request
// meets 404 inexistent_tenant, and the deletes succeed with a warning.
func TestAccTenantGone_destroyWithoutRefresh(t *testing.T) {
	env := newTestEnv(t)
	r := &tenantPerCustomerRun{t: t, env: env, dir: t.TempDir()}
	r.environ = append(os.Environ(), "TF_CLI_CONFIG_FILE="+providerMirrorConfig(t),
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0", "IDP_DOMAIN="+env.url,
		"IDP_CLIENT_ID="+env.srv.AdminClientID(), "IDP_CLIENT_SECRET="+env.srv.AdminClientSecret())
	config := `terraform {
  required_providers {
    idp = {
      source  = "idp-terraform/idp"
      version = "~> 0.1"
    }
  }
}

provider "idp" {}
` + strings.Replace(strings.SplitN(tenantGoneConfig(env, "gone-norefresh"), "}\n", 2)[1],
		`provider "idpinner" {`, `provider "idp" {
  alias         = "inner"`, 1)
	config = strings.ReplaceAll(config, "provider   = idpinner", "provider   = idp.inner")
	config = strings.ReplaceAll(config, "provider  = idpinner", "provider  = idp.inner")
	config = strings.ReplaceAll(config, "provider = idpinner", "provider = idp.inner")
	if err := os.WriteFile(filepath.Join(r.dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	r.cli([]int{0}, "init", "-input=false", "-no-color")
	r.cli([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	env.deleteTenant("gone-norefresh")
	out, _ := r.cli([]int{0}, "destroy", "-refresh=false", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(out, "Tenant No Longer Exists") || !strings.Contains(out, "removed from the state") {
		t.Errorf("destroy -refresh=false did not say the tenant is gone:\n%s", out)
	}
	if state, _ := r.cli([]int{0}, "state", "list"); strings.TrimSpace(state) != "" {
		t.Errorf("state after destroy: %s", state)
	}
}

// With an API token there is no token request at Configure: the first
// call meets 404 inexistent_tenant, which is confirmed the same way.
func TestAccTenantGone_apiToken(t *testing.T) {
	env := newTestEnv(t)
	tn, err := env.client.CreateTenant(t.Context(), &mgmt.Tenant{Name: mgmt.String("gone-token")})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := env.client.RequestToken(t.Context(), mgmt.TokenRequest{Domain: *tn.Domain,
		ClientID: tn.ManagementClient.ClientID, ClientSecret: tn.ManagementClient.ClientSecret,
		Audience: *tn.Domain + "/api/v2/"})
	if err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`
provider "idp" {
  domain    = %q
  api_token = %q
}

resource "idp_client" "app" {
  name = "Orders Service"
}
`, *tn.Domain, tok.AccessToken)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { env.deleteTenant("gone-token") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("idp_client.app", plancheck.ResourceActionCreate),
				}},
				ExpectError: expectMessage("The tenant " + *tn.Domain + " no longer exists"),
			},
		},
	})
}
