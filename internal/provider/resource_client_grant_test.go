package provider

import (
	"bytes"
	"context"
	"encoding/json"
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

// grantConfig is an API with three scopes, a client, and a grant of scopes.
func grantConfig(scopes string) string {
	return fmt.Sprintf(`
resource "idp_resource_server" "api" {
  name       = "Content API"
  identifier = "https://content.example.com/"
  scopes = [
    { value = "read:content" },
    { value = "post:content" },
    { value = "delete:content" },
  ]
}

resource "idp_client" "svc" {
  name = "Content Service"
}

resource "idp_client_grant" "test" {
  client_id = idp_client.svc.client_id
  audience  = idp_resource_server.api.identifier
  scope     = %s
}
`, scopes)
}

func TestAccClientGrant_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_client_grant.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	ctx := t.Context()
	var grantID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: env.checkGone("idp_client_grant", func(ctx context.Context, id string) error {
			_, err := env.client.GetClientGrant(ctx, id)
			return err
		}),
		Steps: []resource.TestStep{
			{
				Config: env.config(grantConfig(`["read:content", "post:content"]`)),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^cgr_[A-Za-z0-9]{16}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("audience"), knownvalue.StringExact("https://content.example.com/")),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("client_id"), "idp_client.svc", tfjsonpath.New("client_id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scope"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("read:content"), knownvalue.StringExact("post:content"),
					})),
				},
				Check: func(s *terraform.State) error {
					grantID = s.RootModule().Resources[addr].Primary.ID
					return nil
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// By natural key: client_id::audience.
				ResourceName: addr,
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					attrs := s.RootModule().Resources[addr].Primary.Attributes
					return attrs["client_id"] + "::" + attrs["audience"], nil
				},
				ImportStateVerify: true,
			},
			{
				Config: env.config(grantConfig(`["post:content", "delete:content"]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scope"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("post:content"), knownvalue.StringExact("delete:content"),
					})),
				},
			},
			{
				// Order in the configuration never causes a diff.
				Config: env.config(grantConfig(`["delete:content", "post:content"]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: func() {
					_, err := env.client.UpdateClientGrant(ctx, grantID, &mgmt.ClientGrant{Scope: &[]string{"read:content"}})
					if err != nil {
						t.Fatalf("out-of-band update: %v", err)
					}
				},
				Config: env.config(grantConfig(`["post:content", "delete:content"]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scope"), knownvalue.SetSizeExact(2)),
				},
			},
			{
				PreConfig: func() {
					if err := env.client.DeleteClientGrant(ctx, grantID); err != nil {
						t.Fatalf("out-of-band delete: %v", err)
					}
				},
				Config: env.config(grantConfig(`["post:content", "delete:content"]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// A scope the API lacks is refused at apply (the API may gain it in the
// same apply), with the scopes the API does define.
func TestAccClientGrant_undefinedScopeSurfaces(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.config(grantConfig(`["read:content", "fly:content"]`)),
			ExpectError: expectError(`Unable to Create Client Grant.*with idp_client_grant.test,.*400 Bad Request ` +
				`\(invalid_body\).*` + regexp.QuoteMeta(`The API "https://content.example.com/" defines the scopes `+
				`"delete:content", "post:content", "read:content"; "fly:content" is not among them.`)),
		}},
	})
}

// An audience that differs from an API's identifier by a trailing slash
// or by case is not that API; the 404 names the identifier meant.
func TestAccClientGrant_audienceNearlyMatches(t *testing.T) {
	env := newTestEnv(t)
	if _, err := env.client.CreateResourceServer(t.Context(), &mgmt.ResourceServer{
		Name: mgmt.String("Orders"), Identifier: mgmt.String("https://orders.example.com/"),
	}); err != nil {
		t.Fatal(err)
	}
	body := func(audience string) string {
		return env.config(fmt.Sprintf(`
resource "idp_client" "svc" {
  name = "svc"
}

resource "idp_client_grant" "test" {
  client_id = idp_client.svc.client_id
  audience  = %q
  scope     = []
}
`, audience))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: body("https://Orders.example.com"),
				ExpectError: expectMessage(`No API of this tenant has the identifier "https://Orders.example.com". ` +
					`"https://orders.example.com/" differs from it only by a trailing slash or by case`),
			},
			{
				Config:      body("https://billing.example.com/"),
				ExpectError: expectError(`identifier "https://billing.example.com/". Its APIs are .*"https://orders.example.com/"`),
			},
		},
	})
}

// A scope removed from an API while a grant still lists it: the server
// keeps it on the grant, but no token carries it and a fresh tenant
// refuses the configuration. The next plan shows the grant's change, and
// its apply fails naming what the API defines.
func TestAccClientGrant_scopeRemovedFromAPI(t *testing.T) {
	env := newTestEnv(t)
	config := func(apiScopes string) string {
		return env.config(fmt.Sprintf(`
resource "idp_resource_server" "api" {
  name       = "Content API"
  identifier = "https://content.example.com/"
  scopes     = %s
}

resource "idp_client" "svc" {
  name = "Content Service"
}

resource "idp_client_grant" "test" {
  client_id = idp_client.svc.client_id
  audience  = idp_resource_server.api.identifier
  scope     = ["read:content", "post:content"]
}
`, apiScopes))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(`[{ value = "read:content" }, { value = "post:content" }]`)},
			{
				// The grant's plan was made before the API lost the scope.
				Config:             config(`[{ value = "read:content" }]`),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config(`[{ value = "read:content" }]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("idp_client_grant.test", plancheck.ResourceActionUpdate),
				}},
				ExpectError: expectMessage(`The API "https://content.example.com/" defines the scopes "read:content"; ` +
					`"post:content" is not among them.`),
			},
		},
	})
}

func TestAccClientGrant_importErrors(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        env.config(`resource "idp_client_grant" "test" {` + "\n" + `client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"` + "\n" + `audience = "https://a/"` + "\n" + `scope = []` + "\n}"),
				ResourceName:  "idp_client_grant.test",
				ImportState:   true,
				ImportStateId: "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1::https://nowhere.example.com/",
				ExpectError: expectMessage(`No client grant with client_id "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1" and audience ` +
					`"https://nowhere.example.com/" exists on ` + env.url + `.`),
			},
			{
				Config:        env.config(`resource "idp_client_grant" "test" {` + "\n" + `client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"` + "\n" + `audience = "https://a/"` + "\n" + `scope = []` + "\n}"),
				ResourceName:  "idp_client_grant.test",
				ImportState:   true,
				ImportStateId: "::https://nowhere.example.com/",
				ExpectError: expectMessage(`"::https://nowhere.example.com/" is not an import ID this resource accepts. ` +
					`Use the grant's ID, "cgr_" followed by letters and digits`),
			},
		},
	})
}

func TestAccClientGrant_validation(t *testing.T) {
	env := newTestEnv(t)
	cases := map[string]struct {
		body    string
		message string
	}{
		"audience":     {`client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"` + "\n" + `audience = "` + strings.Repeat("a", 601) + `"` + "\n" + `scope = []`, `audience UTF-8 character count must be between 1 and 600, got: 601`},
		"empty scope":  {`client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"` + "\n" + `audience = "https://a/"` + "\n" + `scope = [""]`, `string length must be at least 1, got: 0`},
		"spaced scope": {`client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"` + "\n" + `audience = "https://a/"` + "\n" + `scope = ["a b"]`, `must not contain white space`},
		"empty client": {`client_id = ""` + "\n" + `audience = "https://a/"` + "\n" + `scope = []`, `"" is not a client ID: the service issues client IDs of 32 letters and digits`},
		// The emulator's old admin ID, and one character short of what the service issues.
		"admin client": {`client_id = "admin"` + "\n" + `audience = "https://a/"` + "\n" + `scope = []`, `"admin" is not a client ID: the service issues client IDs of 32 letters and digits`},
		"short client": {`client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz01234"` + "\n" + `audience = "https://a/"` + "\n" + `scope = []`,
			`"AbCdEfGhIjKlMnOpQrStUvWxYz01234" is not a client ID: the service issues client IDs of 32 letters and digits`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			refusedAtPlan(t, env.config("resource \"idp_client_grant\" \"test\" {\n"+tc.body+"\n}\n"), tc.message)
		})
	}
}

// A grant without scope, which the service takes (it requires only the audience): unset is no
// scopes, the same state as scope = [] (so either plans nothing after the other), and removing the
// argument from a grant with scopes removes them in place.
func TestAccClientGrant_withoutScope(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_client_grant.test"
	unset := strings.Replace(grantConfig("[]"), "  scope     = []\n", "", 1)
	if unset == grantConfig("[]") {
		t.Fatal("the grant configuration has no scope line to remove")
	}
	var grantID string
	serverScopes := func(want ...string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			grantID = s.RootModule().Resources[addr].Primary.ID
			g, err := env.client.GetClientGrant(t.Context(), grantID)
			if err != nil {
				return err
			}
			if got := valueOr(g.Scope, nil); !slices.Equal(got, want) {
				return fmt.Errorf("the server's grant has scopes %q, want %q", got, want)
			}
			return nil
		}
	}
	noScopes := statecheck.ExpectKnownValue(addr, tfjsonpath.New("scope"), knownvalue.SetSizeExact(0))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            env.config(unset),
				ConfigStateChecks: []statecheck.StateCheck{noScopes},
				Check:             serverScopes(),
			},
			{Config: env.config(grantConfig("[]")), PlanOnly: true},
			{
				Config: env.config(grantConfig(`["read:content"]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: serverScopes("read:content"),
			},
			{
				Config: env.config(unset),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{noScopes},
				Check:             serverScopes(),
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
		},
	})
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

// createDefaultGrant creates, behind Terraform's back, the default grant of every third-party
// client on audience (no client_id), which idp_client_grant does not manage, and returns its ID.
func (e *testEnv) createDefaultGrant(audience string) string {
	e.t.Helper()
	g := e.rawPost("/api/v2/client-grants", map[string]any{"default_for": "third_party_clients", "audience": audience, "scope": []string{}})
	return g["id"].(string)
}

// rawPost sends body to a Management API path of the root tenant with the admin client's
// token, for what mgmt does not send, and returns the answer.
func (e *testEnv) rawPost(apiPath string, body any) map[string]any {
	e.t.Helper()
	post := func(path, token string, body any) map[string]any {
		raw, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, e.url+path, bytes.NewReader(raw))
		if err != nil {
			e.t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			e.t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode/100 != 2 {
			e.t.Fatalf("POST %s: %d %v %v", path, resp.StatusCode, out, err)
		}
		return out
	}
	tok := post("/oauth/token", "", map[string]string{"grant_type": "client_credentials", "client_id": e.srv.AdminClientID(),
		"client_secret": e.srv.AdminClientSecret(), "audience": e.url + "/api/v2/"})["access_token"].(string)
	return post(apiPath, tok, body)
}

// A default grant (default_for instead of client_id) is no client's: importing it by ID is
// refused with the reason, rather than giving a state without a client_id.
func TestAccClientGrant_importDefaultGrant(t *testing.T) {
	env := newTestEnv(t)
	if _, err := env.client.CreateResourceServer(t.Context(), &mgmt.ResourceServer{Identifier: mgmt.String("https://default.example.com/")}); err != nil {
		t.Fatal(err)
	}
	id := env.createDefaultGrant("https://default.example.com/")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        env.config(`resource "idp_client_grant" "test" {` + "\n" + `client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"` + "\n" + `audience = "https://default.example.com/"` + "\n}"),
			ResourceName:  "idp_client_grant.test",
			ImportState:   true,
			ImportStateId: id,
			ExpectError: expectMessage(`The client grant with ID "` + id + `" is a default grant (default_for ` +
				`"third_party_clients"), given to a group of clients rather than to one client; idp_client_grant manages only a client's own grants: ` +
				`import it into an idp_default_client_grant.`),
		}},
	})
}
