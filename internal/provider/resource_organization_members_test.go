package provider

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// orgTokenConfig is the seed-002 scenario with organizations: a central
// service whose grant on the satellite API requires an organization, two
// customers as organizations, the grant associated with acme only, and a
// token limited to acme and one scope. extra is appended.
func orgTokenConfig(usage, grants, extra string) string {
	return fmt.Sprintf(`
resource "idp_resource_server" "satellite" {
  name       = "Satellite"
  identifier = "https://satellite.example/"
  scopes     = [{ value = "read:orders" }, { value = "write:orders" }]
}

resource "idp_client" "central" {
  name = "Central Service"
}

resource "idp_client_grant" "central" {
  client_id          = idp_client.central.client_id
  audience           = idp_resource_server.satellite.identifier
  scope              = ["read:orders", "write:orders"]
  organization_usage = %q
}

resource "idp_organization" "acme" {
  name = "acme"
}

resource "idp_organization" "globex" {
  name = "globex"
}

resource "idp_organization_client_grants" "acme" {
  organization_id = idp_organization.acme.id
  grant_ids       = %s
}
%s`, usage, grants, extra)
}

const acmeToken = `
data "idp_token" "acme" {
  audience      = idp_client_grant.central.audience
  client_id     = idp_client.central.client_id
  client_secret = idp_client.central.client_secret
  organization  = idp_organization_client_grants.acme.organization_id
  scope         = ["read:orders"]
}
`

func TestAccOrganization_machineTokens(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	const grants = "[idp_client_grant.central.id]"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// A token for acme carries org_id and only the scope asked for.
				Config: env.config(orgTokenConfig("require", grants, acmeToken)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("idp_client_grant.central", tfjsonpath.New("allow_any_organization"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("idp_organization_client_grants.acme", tfjsonpath.New("grant_ids"), knownvalue.SetSizeExact(1)),
					statecheck.ExpectKnownValue("data.idp_token.acme", tfjsonpath.New("scope"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("read:orders")})),
				},
				Check: func(s *terraform.State) error {
					tok := s.RootModule().Resources["data.idp_token.acme"].Primary.Attributes["access_token"]
					claims, err := verifyToken(env.url, tok)
					if err != nil {
						return err
					}
					org := s.RootModule().Resources["idp_organization.acme"].Primary.ID
					if claims.OrgID != org || claims.Scope != "read:orders" {
						return fmt.Errorf("claims org_id %q scope %q, want %q and read:orders", claims.OrgID, claims.Scope, org)
					}
					return nil
				},
			},
			{
				// globex is not associated with the grant: refused.
				Config: env.config(orgTokenConfig("require", grants, `
data "idp_token" "globex" {
  audience      = idp_client_grant.central.audience
  client_id     = idp_client.central.client_id
  client_secret = idp_client.central.client_secret
  organization  = idp_organization.globex.id
}
`)),
				ExpectError: expectError(`access_denied.*organization`),
			},
			{
				// Without an organization, a grant that requires one refuses.
				Config: env.config(orgTokenConfig("require", grants, `
data "idp_token" "none" {
  audience      = idp_client_grant.central.audience
  client_id     = idp_client.central.client_id
  client_secret = idp_client.central.client_secret
}
`)),
				ExpectError: expectError(`invalid_request.*organization is required`),
			},
			{
				// A grant associated behind Terraform's back is dissociated.
				PreConfig: func() {
					orgs, err := env.client.ListOrganizations(ctx)
					if err != nil {
						t.Fatal(err)
					}
					grants, err := env.client.ListClientGrants(ctx, mgmt.ClientGrantFilter{Audience: "https://satellite.example/"})
					if err != nil || len(grants) != 1 {
						t.Fatalf("grants %v %v", grants, err)
					}
					for _, o := range orgs {
						if *o.Name == "acme" {
							continue
						}
						// globex's association is not this configuration's business.
						if err := env.client.AssociateOrganizationClientGrant(ctx, *o.ID, *grants[0].ID); err != nil {
							t.Fatal(err)
						}
					}
					acme, _ := env.client.GetOrganizationByName(ctx, "acme")
					if err := env.client.DissociateOrganizationClientGrant(ctx, *acme.ID, *grants[0].ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(orgTokenConfig("require", grants, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("idp_organization_client_grants.acme", plancheck.ResourceActionUpdate)},
				},
			},
			{
				// An empty set dissociates; the grant's usage changes in place.
				Config: env.config(orgTokenConfig("allow", "[]", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("idp_organization_client_grants.acme", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("idp_client_grant.central", plancheck.ResourceActionUpdate),
					},
				},
				Check: func(s *terraform.State) error {
					org := s.RootModule().Resources["idp_organization.acme"].Primary.ID
					grants, err := env.client.ListOrganizationClientGrants(ctx, org)
					if err != nil || len(grants) != 0 {
						return fmt.Errorf("acme's grants %v %v", grants, err)
					}
					return nil
				},
			},
			{
				ResourceName:      "idp_organization_client_grants.acme",
				ImportState:       true,
				ImportStateId:     "acme",
				ImportStateVerify: true,
			},
		},
	})
}

func TestAccOrganizationConnections_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	const addr = "idp_organization_connections.acme"
	cfg := func(conns string) string {
		return env.config(`
resource "idp_organization" "acme" {
  name = "acme"
}

resource "idp_connection" "a" {
  name = "Acme-Staff"
}

resource "idp_connection" "b" {
  name = "Acme-Partners"
}

resource "idp_organization_connections" "acme" {
  organization_id     = idp_organization.acme.id
  enabled_connections = ` + conns + `
}
`)
	}
	connectionsOf := func(s *terraform.State) ([]*mgmt.OrganizationConnection, error) {
		return env.client.ListOrganizationConnections(ctx, s.RootModule().Resources["idp_organization.acme"].Primary.ID)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg(`[{ connection_id = idp_connection.a.id, assign_membership_on_login = true }]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("enabled_connections"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"assign_membership_on_login": knownvalue.Bool(true),
							"show_as_button":             knownvalue.Null(),
						}),
					})),
				},
				Check: func(s *terraform.State) error {
					conns, err := connectionsOf(s)
					if err != nil || len(conns) != 1 || !*conns[0].AssignMembershipOnLogin || !*conns[0].ShowAsButton {
						return fmt.Errorf("connections %+v %v", conns, err)
					}
					return nil
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: "acme", ImportStateVerify: true},
			{
				// A setting changed and a connection enabled behind Terraform's back: repaired.
				PreConfig: func() {
					o, _ := env.client.GetOrganizationByName(ctx, "acme")
					conns, err := env.client.ListOrganizationConnections(ctx, *o.ID)
					if err != nil || len(conns) != 1 {
						t.Fatalf("%v %v", conns, err)
					}
					if err := env.client.UpdateOrganizationConnection(ctx, *o.ID, mgmt.OrganizationConnection{
						ConnectionID: conns[0].ConnectionID, ShowAsButton: mgmt.Bool(false)}); err != nil {
						t.Fatal(err)
					}
					b, _ := env.client.GetConnectionByName(ctx, "Acme-Partners")
					if err := env.client.AddOrganizationConnection(ctx, *o.ID, mgmt.OrganizationConnection{ConnectionID: *b.ID}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg(`[{ connection_id = idp_connection.a.id, assign_membership_on_login = true }]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: func(s *terraform.State) error {
					conns, err := connectionsOf(s)
					if err != nil || len(conns) != 1 || !*conns[0].ShowAsButton {
						return fmt.Errorf("connections %+v %v", conns, err)
					}
					return nil
				},
			},
			{
				Config: cfg(`[{ connection_id = idp_connection.b.id, show_as_button = false }]`),
				Check: func(s *terraform.State) error {
					conns, err := connectionsOf(s)
					b := s.RootModule().Resources["idp_connection.b"].Primary.ID
					if err != nil || len(conns) != 1 || conns[0].ConnectionID != b || *conns[0].ShowAsButton {
						return fmt.Errorf("connections %+v %v", conns, err)
					}
					return nil
				},
			},
			{
				// Destroying the resource disables what it listed only.
				Config: env.config(`
resource "idp_organization" "acme" {
  name = "acme"
}

resource "idp_connection" "b" {
  name = "Acme-Partners"
}
`),
				Check: func(s *terraform.State) error {
					conns, err := connectionsOf(s)
					if err != nil || len(conns) != 0 {
						return fmt.Errorf("after destroy %+v %v", conns, err)
					}
					return nil
				},
			},
		},
	})
}

// An organization association resource refuses an import ID that is no ID
// or name.
func TestAccOrganizationClientGrants_importForms(t *testing.T) {
	env := newTestEnv(t)
	o, err := env.client.CreateOrganization(t.Context(), &mgmt.Organization{Name: mgmt.String("org_named")})
	if err != nil {
		t.Fatal(err)
	}
	cfg := env.config(`
resource "idp_organization_client_grants" "x" {
  organization_id = "` + *o.ID + `"
  grant_ids       = []
}
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ResourceName: "idp_organization_client_grants.x", ImportState: true, ImportStateId: "Bad Name",
				ExpectError: expectMessage(`"Bad Name" is not an import ID this resource accepts`)},
			// A name shaped like an ID is found by name.
			{Config: cfg, ResourceName: "idp_organization_client_grants.x", ImportState: true, ImportStateId: "org_named",
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].ID != *o.ID || !slices.Contains([]string{"0"}, states[0].Attributes["grant_ids.#"]) {
						return fmt.Errorf("imported %+v", states)
					}
					return nil
				}},
		},
	})
}

// The answer to the first organization create is lost after the server
// made it: the retry meets 409 and adopts it by its name, so the apply
// succeeds with each organization once, and the next plan is empty. (A lost
// association answer is internal/mgmt's TestOrganizationAssociationsAndToken.)
func TestAccConverge_lostOrganizationAnswers(t *testing.T) {
	env := newTestEnvWith(t, dropAnswerOnce("POST /api/v2/organizations"))
	config := env.config(orgTokenConfig("require", "[idp_client_grant.central.id]", acmeToken))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					orgs, err := env.client.ListOrganizations(t.Context())
					if err != nil || len(orgs) != 2 {
						return fmt.Errorf("organizations %v %v, want acme and globex once each", orgs, err)
					}
					return nil
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// The ephemeral idp_token takes organization too: the token, echoed, carries
// the organization's ID.
func TestAccTokenEphemeral_organization(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: flowProviders(),
		Steps: []resource.TestStep{{
			Config: env.config(orgTokenConfig("allow", "[idp_client_grant.central.id]", `
ephemeral "idp_token" "acme" {
  audience      = idp_client_grant.central.audience
  client_id     = idp_client.central.client_id
  client_secret = idp_client.central.client_secret
  organization  = idp_organization_client_grants.acme.organization_id
}

provider "echo" {
  data = ephemeral.idp_token.acme.access_token
}

resource "echo" "token" {}
`)),
			Check: func(s *terraform.State) error {
				tok := s.RootModule().Resources["echo.token"].Primary.Attributes["data"]
				claims, err := verifyToken(env.url, tok)
				if err != nil {
					return err
				}
				if org := s.RootModule().Resources["idp_organization.acme"].Primary.ID; claims.OrgID != org {
					return fmt.Errorf("org_id %q, want %q", claims.OrgID, org)
				}
				return nil
			},
		}},
	})
}
