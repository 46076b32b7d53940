package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

const resourceServerV1 = `
resource "idp_resource_server" "test" {
  name       = "Reports API"
  identifier = "https://reports.example.com/"
  scopes = [
    { value = "read:reports", description = "Read reports" },
    { value = "write:reports" },
  ]
}
`

const resourceServerV2 = `
resource "idp_resource_server" "test" {
  name           = "Reports API v2"
  identifier     = "https://reports.example.com/"
  signing_alg    = "HS256"
  signing_secret = "0123456789abcdef0123"
  token_lifetime = 3600
  scopes = [
    { value = "read:reports", description = "Read all reports" },
    { value = "delete:reports", description = "Delete reports" },
  ]
  allow_offline_access = true
}
`

func TestAccResourceServer_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_resource_server.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	ctx := t.Context()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: env.checkGone("idp_resource_server", func(ctx context.Context, id string) error {
			_, err := env.client.GetResourceServer(ctx, id)
			return err
		}),
		Steps: []resource.TestStep{
			{
				Config: env.config(resourceServerV1),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(hex24)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("signing_alg"), knownvalue.StringExact("RS256")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("token_lifetime"), knownvalue.Int64Exact(86400)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("allow_offline_access"), knownvalue.Bool(false)),
					statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("signing_secret")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scopes"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"value": knownvalue.StringExact("read:reports"), "description": knownvalue.StringExact("Read reports"),
						}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"value": knownvalue.StringExact("write:reports"), "description": knownvalue.Null(),
						}),
					})),
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// By natural key: the identifier.
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "https://reports.example.com/",
				ImportStateVerify: true,
			},
			{
				Config: env.config(resourceServerV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("Reports API v2")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("signing_alg"), knownvalue.StringExact("HS256")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("signing_secret"), knownvalue.StringExact("0123456789abcdef0123")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("token_lifetime"), knownvalue.Int64Exact(3600)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("allow_offline_access"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scopes"), knownvalue.SetSizeExact(2)),
				},
			},
			{
				// Changed behind Terraform's back: the next plan puts it right.
				PreConfig: func() {
					_, err := env.client.UpdateResourceServer(ctx, "https://reports.example.com/", &mgmt.ResourceServer{
						Name:   mgmt.String("renamed out of band"),
						Scopes: &[]mgmt.ResourceServerScope{{Value: "other:scope"}},
					})
					if err != nil {
						t.Fatalf("out-of-band update: %v", err)
					}
				},
				Config: env.config(resourceServerV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("Reports API v2")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("scopes"), knownvalue.SetSizeExact(2)),
				},
			},
			{
				// Deleted behind Terraform's back: the next plan creates it again.
				PreConfig: func() {
					if err := env.client.DeleteResourceServer(ctx, "https://reports.example.com/"); err != nil {
						t.Fatalf("out-of-band delete: %v", err)
					}
				},
				Config: env.config(resourceServerV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("Reports API v2")),
				},
			},
		},
	})
}

// token_dialect picks the profile of the API's tokens: the Auth0 profile
// by default, RFC 9068's once set (typ at+jwt, client_id for azp), changed
// in place; a dialect changed behind Terraform's back is put back, and a
// dialect the service does not know is refused at plan.
func TestAccResourceServer_tokenDialect(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_resource_server.api"
	ctx := t.Context()
	config := func(settings string) string {
		return env.config(`
resource "idp_resource_server" "api" {
  name       = "Ledger"
  identifier = "https://ledger.example.com/"
  scopes     = [{ value = "read:ledger" }]
` + settings + `
}

resource "idp_client" "worker" {
  name = "Ledger worker"
}

resource "idp_client_grant" "worker" {
  client_id = idp_client.worker.client_id
  audience  = idp_resource_server.api.identifier
  scope     = ["read:ledger"]
}
`)
	}
	var apiID string
	profile := func(typ string, rfc9068 bool) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			attrs := s.RootModule().Resources["idp_client.worker"].Primary.Attributes
			apiID = s.RootModule().Resources[addr].Primary.ID
			tok, err := env.client.RequestToken(ctx, mgmt.TokenRequest{ClientID: attrs["client_id"], ClientSecret: attrs["client_secret"],
				Audience: "https://ledger.example.com/"})
			if err != nil {
				return err
			}
			claims, err := verifyToken(env.url, tok.AccessToken)
			if err != nil {
				return err
			}
			clientID := attrs["client_id"]
			if claims.Typ != typ || rfc9068 != (claims.ClientID == clientID && claims.Azp == "" && claims.Gty == "") ||
				!rfc9068 != (claims.Azp == clientID && claims.Gty == "client-credentials" && claims.ClientID == "") {
				return fmt.Errorf("token typ %q, azp %q, gty %q, client_id %q: want the %s profile", claims.Typ, claims.Azp,
					claims.Gty, claims.ClientID, map[bool]string{true: "RFC 9068", false: "Auth0"}[rfc9068])
			}
			return nil
		}
	}
	dialect := func(want string, enforce bool) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("token_dialect"), knownvalue.StringExact(want)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("enforce_policies"), knownvalue.Bool(enforce)),
		}
	}
	update := resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(""), ConfigStateChecks: dialect("access_token", false), Check: profile("JWT", false)},
			{
				Config:            config("  token_dialect    = \"rfc9068_profile\"\n  enforce_policies = true\n"),
				ConfigPlanChecks:  update,
				ConfigStateChecks: dialect("rfc9068_profile", true),
				Check:             profile("at+jwt", true),
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"signing_secret"}},
			{
				PreConfig: func() {
					if _, err := env.client.UpdateResourceServer(ctx, apiID, &mgmt.ResourceServer{TokenDialect: mgmt.String("access_token")}); err != nil {
						t.Fatalf("out-of-band update: %v", err)
					}
				},
				Config:            config("  token_dialect    = \"rfc9068_profile\"\n  enforce_policies = true\n"),
				ConfigPlanChecks:  update,
				ConfigStateChecks: dialect("rfc9068_profile", true),
				Check:             profile("at+jwt", true),
			},
			{
				Config:            config(""),
				ConfigPlanChecks:  update,
				ConfigStateChecks: dialect("access_token", false),
				Check:             profile("JWT", false),
			},
		},
	})
}

// A token_dialect outside the spec's enum is refused at plan.
func TestAccResourceServer_unknownTokenDialect(t *testing.T) {
	env := newTestEnv(t)
	refusedAtPlan(t, env.config(`
resource "idp_resource_server" "api" {
  name          = "Ledger"
  identifier    = "https://ledger.example.com/"
  token_dialect = "jwt"
}
`), `value must be one of`)
}

func TestAccResourceServer_identifierChangeReplaces(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_resource_server.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.config(`
resource "idp_resource_server" "test" {
  name       = "A"
  identifier = "https://a.example.com/"
}`)},
			{
				Config: env.config(`
resource "idp_resource_server" "test" {
  name       = "A"
  identifier = "https://b.example.com/"
}`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
			},
		},
	})
}

func TestAccResourceServer_serverErrorSurfaces(t *testing.T) {
	env := newTestEnv(t)
	taken, err := env.client.CreateResourceServer(t.Context(), &mgmt.ResourceServer{
		Name: mgmt.String("taken"), Identifier: mgmt.String("https://taken.example.com/"),
	})
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.config(`
resource "idp_resource_server" "test" {
  name       = "dup"
  identifier = "https://taken.example.com/"
}`),
			// The hint is an import block for the existing API, by its ID;
			// Terraform shows the address it goes to above the detail.
			ExpectError: expectError(`with idp_resource_server.test,.*409 Conflict .*import it: add this block .*` +
				regexp.QuoteMeta(fmt.Sprintf("import {\n  to = <this resource's address, shown above>\n  id = %q\n}", *taken.ID))),
		}},
	})
}

func TestAccResourceServer_validation(t *testing.T) {
	env := newTestEnv(t)
	cases := map[string]struct {
		body    string
		message string
	}{
		"identifier too long":     {`identifier = "` + strings.Repeat("a", 601) + `"`, `identifier UTF-8 character count must be between 1 and 600, got: 601`},
		"signing_alg":             {`identifier = "https://x/"` + "\n" + `signing_alg = "ES256"`, `signing_alg value must be one of`},
		"token_lifetime high":     {`identifier = "https://x/"` + "\n" + `token_lifetime = 2592001`, `token_lifetime value must be between 0 and 2592000, got: 2592001`},
		"token_lifetime negative": {`identifier = "https://x/"` + "\n" + `token_lifetime = -1`, `value must be between 0 and 2592000, got: -1`},
		"signing_secret short":    {`identifier = "https://x/"` + "\n" + `signing_secret = "short"`, `signing_secret UTF-8 character count must be at least 16, got: 5`},
		"empty scope":             {`identifier = "https://x/"` + "\n" + `scopes = [{ value = "" }]`, `string length must be at least 1, got: 0`},
		"scope with space":        {`identifier = "https://x/"` + "\n" + `scopes = [{ value = "read reports" }]`, `must not contain white space`},
		"duplicate scope": {`identifier = "https://x/"` + "\n" + `scopes = [{ value = "read:x", description = "a" }, { value = "read:x", description = "b" }]`,
			`"read:x" appears more than once as value; each value must be unique`},
		"empty name": {`identifier = "https://x/"` + "\n" + `name = ""`, `name string length must be at least 1, got: 0`},
		"secret twice": {`identifier = "https://x/"` + "\n" + `signing_secret = "0123456789abcdef"` + "\n" +
			`signing_secret_wo = "0123456789abcdef"` + "\n" + `signing_secret_wo_version = 1`,
			`Attribute "signing_secret_wo" cannot be specified when "signing_secret" is specified`},
		"write-only without version": {`identifier = "https://x/"` + "\n" + `signing_secret_wo = "0123456789abcdef"`,
			`Attribute "signing_secret_wo_version" must be specified when "signing_secret_wo" is specified`},
		"write-only short": {`identifier = "https://x/"` + "\n" + `signing_secret_wo = "short"` + "\n" + `signing_secret_wo_version = 1`,
			`signing_secret_wo UTF-8 character count must be at least 16, got: 5`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			body := tc.body
			if !strings.Contains(body, "name =") {
				body += "\n" + `name = "n"`
			}
			refusedAtPlan(t, env.config("resource \"idp_resource_server\" \"test\" {\n"+body+"\n}\n"), tc.message)
		})
	}
}

// A signing secret given write-only reaches the server, is rotated by
// bumping its version, and never enters the state.
func TestAccResourceServer_writeOnlySigningSecret(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_resource_server.test"
	ctx := t.Context()
	config := func(secret string, version int, extra string) string {
		return env.config(fmt.Sprintf(`
resource "idp_resource_server" "test" {
  name        = "HS256 API"
  identifier  = "https://wo.example.com/"
  signing_alg = "HS256"
  %s
  signing_secret_wo_version = %d
  signing_secret_wo         = %q
}
`, extra, version, secret))
	}
	serverSecret := func(want string) func() {
		return func() {
			rs, err := env.client.GetResourceServer(ctx, "https://wo.example.com/")
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if rs.SigningSecret == nil || *rs.SigningSecret != want {
				t.Fatalf("the server's signing secret is not the write-only value %q", want)
			}
		}
	}
	noSecretInState := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("signing_secret"), knownvalue.Null()),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("signing_secret_wo"), knownvalue.Null()),
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Starts with a secret in state, then moves to write-only.
				Config: env.config(`
resource "idp_resource_server" "test" {
  name           = "HS256 API"
  identifier     = "https://wo.example.com/"
  signing_alg    = "HS256"
  signing_secret = "first-secret-in-state-0123"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("signing_secret"), knownvalue.StringExact("first-secret-in-state-0123")),
				},
			},
			{
				Config:            config("write-only-secret-number-1", 1, ""),
				ConfigStateChecks: noSecretInState,
			},
			{
				PreConfig:         serverSecret("write-only-secret-number-1"),
				Config:            config("write-only-secret-number-2", 2, ""),
				ConfigStateChecks: noSecretInState,
			},
			{
				// Changing the value without the version sends nothing.
				PreConfig: serverSecret("write-only-secret-number-2"),
				Config:    config("write-only-secret-number-3", 2, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Given up, the secret is read back into state.
				Config: env.config(`
resource "idp_resource_server" "test" {
  name        = "HS256 API"
  identifier  = "https://wo.example.com/"
  signing_alg = "HS256"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("signing_secret"), knownvalue.StringExact("write-only-secret-number-2")),
				},
			},
		},
	})
}

// hex24 matches a resource server ID.
var hex24 = regexp.MustCompile(`^[0-9a-f]{24}$`)

// An update that removes a scope a grant still lists warns, naming the
// grant and the scope.
func TestResourceServer_removedScopeWarnsAboutGrants(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	both := []mgmt.ResourceServerScope{{Value: "read:content"}, {Value: "post:content"}}
	api, err := env.client.CreateResourceServer(ctx, &mgmt.ResourceServer{
		Name: mgmt.String("Content"), Identifier: mgmt.String("https://content.example.com/"), Scopes: &both,
	})
	if err != nil {
		t.Fatal(err)
	}
	app := env.m2mClient([]string{"client_credentials"}, nil)
	grant, err := env.client.CreateClientGrant(ctx, &mgmt.ClientGrant{
		ClientID: app.ClientID, Audience: api.Identifier, Scope: &[]string{"read:content", "post:content"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var state resourceServerModel
	if diags := state.fromAPI(ctx, api); diags.HasError() {
		t.Fatal(diags)
	}
	updated, err := env.client.UpdateResourceServer(ctx, *api.ID, &mgmt.ResourceServer{
		Scopes: &[]mgmt.ResourceServerScope{{Value: "read:content"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	diags := grantsOfRemovedScopes(ctx, env.client, &state, updated)
	want := fmt.Sprintf(`%s (client %s) lists "post:content"`, *grant.ID, *app.ClientID)
	if len(diags.Warnings()) != 1 || !strings.Contains(diags.Warnings()[0].Detail(), want) {
		t.Errorf("warnings = %v, want one containing %s", diags, want)
	}
	if diags := grantsOfRemovedScopes(ctx, env.client, &state, api); len(diags) != 0 {
		t.Errorf("an update removing nothing warned: %v", diags)
	}
}

// An identifier need not be a URI (Auth0 takes any 1 to 600 characters) and RS512 is one of the
// spec's algorithms: such an API is created, granted, issues an RS512 token for its identifier,
// re-plans empty and imports by that identifier.
func TestAccResourceServer_identifierNotAURIAndRS512(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.config(`
resource "idp_resource_server" "test" {
  name        = "Orders"
  identifier  = "orders.api"
  signing_alg = "RS512"
  scopes      = [{ value = "read:orders", description = "Read orders" }]
}

resource "idp_client" "worker" {
  name = "Orders worker"
}

resource "idp_client_grant" "worker" {
  client_id = idp_client.worker.client_id
  audience  = idp_resource_server.test.identifier
  scope     = ["read:orders"]
}

data "idp_token" "worker" {
  audience      = idp_client_grant.worker.audience
  client_id     = idp_client.worker.client_id
  client_secret = idp_client.worker.client_secret
}`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("idp_resource_server.test", "identifier", "orders.api"),
					func(s *terraform.State) error {
						tok := s.RootModule().Resources["data.idp_token.worker"].Primary.Attributes["access_token"]
						claims, err := verifyToken(env.url, tok)
						if err != nil {
							return err
						}
						if len(claims.Audience) != 1 || claims.Audience[0] != "orders.api" || claims.Scope != "read:orders" {
							return fmt.Errorf("token audience %v scope %q", claims.Audience, claims.Scope)
						}
						return nil
					},
				),
			},
			{
				ResourceName:      "idp_resource_server.test",
				ImportState:       true,
				ImportStateId:     "orders.api",
				ImportStateVerify: true,
			},
		},
	})
}
