package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
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

const defaultGrantAddr = "idp_default_client_grant.test"

// defaultGrantConfig is an API with three scopes and its default grant of scopes.
func defaultGrantConfig(scopes string) string {
	return fmt.Sprintf(`
resource "idp_resource_server" "api" {
  name       = "Partner API"
  identifier = "https://partner.example.com/"
  scopes = [
    { value = "read:orders" },
    { value = "write:orders" },
    { value = "delete:orders" },
  ]
}

resource "idp_default_client_grant" "test" {
  audience = idp_resource_server.api.identifier
  scope    = %s
}
`, scopes)
}

func TestAccDefaultClientGrant_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	ctx := t.Context()
	var grantID string
	scopes := func(values ...string) statecheck.StateCheck {
		checks := make([]knownvalue.Check, 0, len(values))
		for _, v := range values {
			checks = append(checks, knownvalue.StringExact(v))
		}
		return statecheck.ExpectKnownValue(defaultGrantAddr, tfjsonpath.New("scope"), knownvalue.SetExact(checks))
	}
	update := resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(defaultGrantAddr, plancheck.ResourceActionUpdate)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: env.checkGone("idp_default_client_grant", func(ctx context.Context, id string) error {
			_, err := env.client.GetClientGrant(ctx, id)
			return err
		}),
		Steps: []resource.TestStep{
			{
				Config: env.config(defaultGrantConfig(`["read:orders", "write:orders"]`)),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(defaultGrantAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(defaultGrantAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^cgr_[A-Za-z0-9]{16}$`))),
					statecheck.ExpectKnownValue(defaultGrantAddr, tfjsonpath.New("audience"), knownvalue.StringExact("https://partner.example.com/")),
					statecheck.ExpectKnownValue(defaultGrantAddr, tfjsonpath.New("organization_usage"), knownvalue.StringExact("deny")),
					statecheck.ExpectKnownValue(defaultGrantAddr, tfjsonpath.New("allow_any_organization"), knownvalue.Bool(false)),
					scopes("read:orders", "write:orders"),
				},
				Check: func(s *terraform.State) error {
					grantID = s.RootModule().Resources[defaultGrantAddr].Primary.ID
					g, err := env.client.GetClientGrant(ctx, grantID)
					if err != nil {
						return err
					}
					if !mgmt.IsDefaultClientGrant(g) {
						return fmt.Errorf("the server holds %+v, not a default grant of third-party clients", g)
					}
					return nil
				},
			},
			// By ID, then by the API's identifier.
			{ResourceName: defaultGrantAddr, ImportState: true, ImportStateVerify: true},
			{
				ResourceName:      defaultGrantAddr,
				ImportState:       true,
				ImportStateId:     "https://partner.example.com/",
				ImportStateVerify: true,
			},
			{
				Config:           env.config(defaultGrantConfig(`["write:orders", "delete:orders"]`)),
				ConfigPlanChecks: update,
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(defaultGrantAddr, tfjsonpath.New("id")),
					scopes("write:orders", "delete:orders"),
				},
			},
			{
				// Changed out of band: planned back.
				PreConfig: func() {
					if _, err := env.client.UpdateClientGrant(ctx, grantID, &mgmt.ClientGrant{Scope: &[]string{"read:orders"}}); err != nil {
						t.Fatalf("out-of-band update: %v", err)
					}
				},
				Config:           env.config(defaultGrantConfig(`["write:orders", "delete:orders"]`)),
				ConfigPlanChecks: update,
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(defaultGrantAddr, tfjsonpath.New("id")),
					scopes("write:orders", "delete:orders"),
				},
			},
			{
				// Deleted out of band: created again, and nothing left to do after.
				PreConfig: func() {
					if err := env.client.DeleteClientGrant(ctx, grantID); err != nil {
						t.Fatalf("out-of-band delete: %v", err)
					}
				},
				Config: env.config(defaultGrantConfig(`["write:orders", "delete:orders"]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(defaultGrantAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{scopes("write:orders", "delete:orders")},
				Check: func(s *terraform.State) error {
					if id := s.RootModule().Resources[defaultGrantAddr].Primary.ID; id == grantID {
						return fmt.Errorf("the grant still has the deleted ID %s", id)
					}
					return nil
				},
			},
		},
	})
}

// What the server refuses is refused at plan, on the attribute, and a scope
// the API does not define is named with the ones it does, as for idp_client_grant.
func TestAccDefaultClientGrant_refusals(t *testing.T) {
	env := newTestEnv(t)
	atPlan := map[string]struct{ body, message string }{
		"white space": {`
resource "idp_default_client_grant" "test" {
  audience = "https://partner.example.com/"
  scope    = ["read orders"]
}
`, "white space"},
		"organization_usage": {`
resource "idp_default_client_grant" "test" {
  audience           = "https://partner.example.com/"
  organization_usage = "sometimes"
}
`, "value must be one of"},
	}
	for name, tc := range atPlan {
		t.Run(name, func(t *testing.T) { refusedAtPlan(t, env.config(tc.body), tc.message) })
	}
	t.Run("undefined scope", func(t *testing.T) {
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: env.config(defaultGrantConfig(`["read:orders", "cancel:orders"]`)),
				ExpectError: expectError(`Unable to Create Default Client Grant.*The API "https://partner.example.com/" defines the ` +
					`scopes .*"cancel:orders" is not among them`),
			}},
		})
	})
}

// A second default grant for one API is a conflict that names the existing
// one's import; one made behind Terraform's back is imported by ID or
// audience, and a client's own grant is refused by this resource's import.
func TestAccDefaultClientGrant_importAndConflict(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	api, err := env.client.CreateResourceServer(ctx, &mgmt.ResourceServer{Identifier: mgmt.String("https://partner.example.com/"),
		Scopes: &[]mgmt.ResourceServerScope{{Value: "read:orders"}, {Value: "write:orders"}, {Value: "delete:orders"}}})
	if err != nil {
		t.Fatal(err)
	}
	existing := env.createDefaultGrant(*api.Identifier)
	app := env.m2mClient([]string{"client_credentials"}, nil)
	own, err := env.client.CreateClientGrant(ctx, &mgmt.ClientGrant{ClientID: app.ClientID, Audience: api.Identifier})
	if err != nil {
		t.Fatal(err)
	}
	body := `
resource "idp_default_client_grant" "test" {
  audience = "https://partner.example.com/"
  scope    = []
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.config(body),
				// Identical, and no marker to prove who made it: the 409 names IDP_ADOPT_IDENTICAL and the import.
				ExpectError: expectError(`Unable to Create Default Client Grant.*409 Conflict.*is exactly what this resource ` +
					`declares.*IDP_ADOPT_IDENTICAL=true.*import it: add this block .*` +
					regexp.QuoteMeta(fmt.Sprintf("import {\n  to = <this resource's address, shown above>\n  id = %q\n}", existing))),
			},
			{
				Config:        env.config(body),
				ResourceName:  defaultGrantAddr,
				ImportState:   true,
				ImportStateId: *own.ID,
				ExpectError: expectMessage(fmt.Sprintf(`The default client grant with ID %q is the grant of client %q, not a default grant`,
					*own.ID, *app.ClientID)),
			},
			{
				Config:        env.config(body),
				ResourceName:  defaultGrantAddr,
				ImportState:   true,
				ImportStateId: "https://nothing.example.com/",
				ExpectError: expectMessage(fmt.Sprintf(`No default client grant with audience "https://nothing.example.com/" exists on %s.`,
					env.url)),
			},
			{
				Config:        env.config(body),
				ResourceName:  defaultGrantAddr,
				ImportState:   true,
				ImportStateId: strings.Repeat("a", 601),
				ExpectError:   expectMessage(`" is not an import ID this resource accepts. Use the grant's ID, "cgr_"`),
			},
			{
				Config:             env.config(body),
				ResourceName:       defaultGrantAddr,
				ImportState:        true,
				ImportStateId:      existing,
				ImportStatePersist: true,
			},
			{
				Config:           env.config(body),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(defaultGrantAddr, tfjsonpath.New("id"), knownvalue.StringExact(existing)),
				},
			},
		},
	})
}

// A third-party idp_client gets tokens through the default grant, with its
// scopes; switched to first-party, the same client is refused (403), since
// the default grant is for third parties only.
func TestAccDefaultClientGrant_issuesTokens(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	partner := func(firstParty bool, token string) string {
		return env.config(defaultGrantConfig(`["read:orders", "write:orders"]`) + fmt.Sprintf(`
resource "idp_client" "partner" {
  name           = "Partner app"
  is_first_party = %t
}
`, firstParty) + token)
	}
	const token = `
data "idp_token" "partner" {
  audience      = idp_default_client_grant.test.audience
  client_id     = idp_client.partner.client_id
  client_secret = idp_client.partner.client_secret
}
`
	var clientID, secret string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: partner(false, token),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.idp_token.partner", tfjsonpath.New("scope"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("read:orders"), knownvalue.StringExact("write:orders"),
					})),
				},
				Check: func(s *terraform.State) error {
					attrs := s.RootModule().Resources["idp_client.partner"].Primary.Attributes
					clientID, secret = attrs["client_id"], attrs["client_secret"]
					tok := s.RootModule().Resources["data.idp_token.partner"].Primary.Attributes["access_token"]
					claims, err := verifyToken(env.url, tok)
					if err != nil {
						return err
					}
					got := strings.Fields(claims.Scope)
					slices.Sort(got)
					if claims.Azp != clientID || !slices.Equal(got, []string{"read:orders", "write:orders"}) ||
						!slices.Contains(claims.Audience, "https://partner.example.com/") {
						return fmt.Errorf("token claims: azp %q, scope %q, aud %v", claims.Azp, claims.Scope, claims.Audience)
					}
					return nil
				},
			},
			{
				Config: partner(true, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("idp_client.partner", plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					_, err := env.client.RequestToken(ctx, mgmt.TokenRequest{ClientID: clientID, ClientSecret: secret,
						Audience: "https://partner.example.com/"})
					var apiErr *mgmt.Error
					if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
						return fmt.Errorf("the client made first-party, without a grant of its own, got: %v, want 403", err)
					}
					return nil
				},
			},
		},
	})
}
