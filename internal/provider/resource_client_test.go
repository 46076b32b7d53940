package provider

import (
	"context"
	"encoding/json"
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
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

const clientV1 = `
resource "idp_client" "test" {
  name        = "Reporting Service"
  description = "Pulls reports every night"
}
`

const clientV2 = `
resource "idp_client" "test" {
  name                       = "Reporting Service (renamed)"
  token_endpoint_auth_method = "client_secret_basic"
  grant_types                = ["client_credentials", "refresh_token"]
}
`

func TestAccClient_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_client.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	ctx := t.Context()
	var clientID, rotated string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: env.checkGone("idp_client", func(ctx context.Context, id string) error {
			_, err := env.client.GetApplication(ctx, id)
			return err
		}),
		Steps: []resource.TestStep{
			{
				Config: env.config(clientV1),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("client_id")),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("id"), addr, tfjsonpath.New("client_id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Za-z0-9]{32}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_secret"), knownvalue.StringRegexp(regexp.MustCompile(`^.{32,}$`))),
					statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("client_secret")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("app_type"), knownvalue.StringExact("non_interactive")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("token_endpoint_auth_method"), knownvalue.StringExact("client_secret_post")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("grant_types"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("client_credentials"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("Pulls reports every night")),
				},
				Check: func(s *terraform.State) error {
					clientID = s.RootModule().Resources[addr].Primary.ID
					return nil
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config: env.config(clientV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("client_id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("Reporting Service (renamed)")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("token_endpoint_auth_method"), knownvalue.StringExact("client_secret_basic")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("grant_types"), knownvalue.SetSizeExact(2)),
				},
			},
			{
				// Renamed and its secret rotated behind Terraform's back: the
				// name is put back, and the state learns the new secret.
				PreConfig: func() {
					if _, err := env.client.UpdateApplication(ctx, clientID, &mgmt.Application{Name: mgmt.String("out of band")}); err != nil {
						t.Fatalf("out-of-band update: %v", err)
					}
					app, err := env.client.RotateApplicationSecret(ctx, clientID)
					if err != nil || app.ClientSecret == nil {
						t.Fatalf("out-of-band rotation: %v", err)
					}
					rotated = *app.ClientSecret
				},
				Config: env.config(clientV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("client_id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("Reporting Service (renamed)")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_secret"), knownvalue.StringFunc(func(v string) error {
						if v != rotated {
							return fmt.Errorf("client_secret in state is not the rotated secret")
						}
						return nil
					})),
				},
			},
			{
				PreConfig: func() {
					if err := env.client.DeleteApplication(ctx, clientID); err != nil {
						t.Fatalf("out-of-band delete: %v", err)
					}
				},
				Config: env.config(clientV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_id"), knownvalue.StringFunc(func(v string) error {
						if v == clientID {
							return fmt.Errorf("expected a new client, got the deleted one's id")
						}
						return nil
					})),
				},
			},
		},
	})
}

// is_first_party: a new client is first-party unless told otherwise, the
// argument changes in place, a change behind Terraform's back is put back,
// and removing the argument makes the client first-party again.
func TestAccClient_thirdParty(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_client.test"
	ctx := t.Context()
	sameID := statecheck.CompareValue(compare.ValuesSame())
	config := func(arg string) string {
		return env.config(fmt.Sprintf("resource \"idp_client\" \"test\" {\n  name = \"Partner app\"\n  %s\n}\n", arg))
	}
	onServer := func(want bool) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			a, err := env.client.GetApplication(ctx, s.RootModule().Resources[addr].Primary.ID)
			if err != nil {
				return err
			}
			if a.IsFirstParty == nil || *a.IsFirstParty != want {
				return fmt.Errorf("is_first_party on the server: %v, want %t", valueOr(a.IsFirstParty, want), want)
			}
			return nil
		}
	}
	isFirstParty := func(want bool) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New("is_first_party"), knownvalue.Bool(want))
	}
	var clientID string
	update := resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config(""),
				ConfigStateChecks: []statecheck.StateCheck{isFirstParty(true), sameID.AddStateValue(addr, tfjsonpath.New("client_id"))},
				Check: resource.ComposeTestCheckFunc(onServer(true), func(s *terraform.State) error {
					clientID = s.RootModule().Resources[addr].Primary.ID
					return nil
				}),
			},
			{
				Config:            config("is_first_party = false"),
				ConfigPlanChecks:  update,
				ConfigStateChecks: []statecheck.StateCheck{isFirstParty(false), sameID.AddStateValue(addr, tfjsonpath.New("client_id"))},
				Check:             onServer(false),
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
			{
				PreConfig: func() {
					if _, err := env.client.UpdateApplication(ctx, clientID, &mgmt.Application{IsFirstParty: mgmt.Bool(true)}); err != nil {
						t.Fatalf("out-of-band update: %v", err)
					}
				},
				Config:            config("is_first_party = false"),
				ConfigPlanChecks:  update,
				ConfigStateChecks: []statecheck.StateCheck{isFirstParty(false)},
				Check:             onServer(false),
			},
			{
				Config:            config(""),
				ConfigPlanChecks:  update,
				ConfigStateChecks: []statecheck.StateCheck{isFirstParty(true), sameID.AddStateValue(addr, tfjsonpath.New("client_id"))},
				Check:             onServer(true),
			},
		},
	})
}

// A browser application's URL lists: set on create, changed and emptied
// in place, a list added behind Terraform's back removed again, and
// imported as they are.
func TestAccClient_urls(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_client.spa"
	ctx := t.Context()
	config := func(lists string) string {
		return env.config(`
resource "idp_client" "spa" {
  name        = "Storefront"
  app_type    = "spa"
  grant_types = ["authorization_code", "refresh_token"]
` + lists + `
}
`)
	}
	urls := func(attr string, want ...string) statecheck.StateCheck {
		checks := []knownvalue.Check{}
		for _, w := range want {
			checks = append(checks, knownvalue.StringExact(w))
		}
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), knownvalue.SetExact(checks))
	}
	var clientID string
	onServer := func(want map[string][]string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			clientID = s.RootModule().Resources[addr].Primary.ID
			a, err := env.client.GetApplication(ctx, clientID)
			if err != nil {
				return err
			}
			got := map[string][]string{"callbacks": valueOr(a.Callbacks, nil), "allowed_origins": valueOr(a.AllowedOrigins, nil),
				"web_origins": valueOr(a.WebOrigins, nil), "allowed_logout_urls": valueOr(a.AllowedLogoutURLs, nil)}
			for attr, w := range want {
				g := slices.Clone(got[attr])
				slices.Sort(g)
				if !slices.Equal(g, w) {
					return fmt.Errorf("%s on the server: %q, want %q", attr, got[attr], w)
				}
			}
			return nil
		}
	}
	update := resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(`
  callbacks           = ["https://shop.example.com/callback", "http://localhost:3000/callback"]
  allowed_origins     = ["https://shop.example.com"]
  web_origins         = ["https://shop.example.com"]
  allowed_logout_urls = ["https://shop.example.com/"]
`),
				ConfigStateChecks: []statecheck.StateCheck{
					urls("callbacks", "http://localhost:3000/callback", "https://shop.example.com/callback"),
					urls("allowed_origins", "https://shop.example.com"),
					urls("web_origins", "https://shop.example.com"),
					urls("allowed_logout_urls", "https://shop.example.com/"),
				},
				Check: onServer(map[string][]string{
					"callbacks":           {"http://localhost:3000/callback", "https://shop.example.com/callback"},
					"allowed_origins":     {"https://shop.example.com"},
					"web_origins":         {"https://shop.example.com"},
					"allowed_logout_urls": {"https://shop.example.com/"},
				}),
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
			{
				// One list changed, one emptied, one removed, one kept.
				Config: config(`
  callbacks           = ["https://shop.example.com/callback"]
  allowed_origins     = []
  allowed_logout_urls = ["https://shop.example.com/"]
`),
				ConfigPlanChecks: update,
				ConfigStateChecks: []statecheck.StateCheck{
					urls("callbacks", "https://shop.example.com/callback"), urls("allowed_origins"), urls("web_origins"),
					urls("allowed_logout_urls", "https://shop.example.com/"),
				},
				Check: onServer(map[string][]string{
					"callbacks": {"https://shop.example.com/callback"}, "allowed_origins": nil, "web_origins": nil,
					"allowed_logout_urls": {"https://shop.example.com/"},
				}),
			},
			{
				PreConfig: func() {
					if _, err := env.client.UpdateApplication(ctx, clientID, &mgmt.Application{
						WebOrigins: &[]string{"https://evil.example.com"}}); err != nil {
						t.Fatalf("out-of-band update: %v", err)
					}
				},
				Config: config(`
  callbacks           = ["https://shop.example.com/callback"]
  allowed_logout_urls = ["https://shop.example.com/"]
`),
				ConfigPlanChecks:  update,
				ConfigStateChecks: []statecheck.StateCheck{urls("web_origins")},
				Check:             onServer(map[string][]string{"web_origins": nil}),
			},
		},
	})
}

// Changing client_secret_rotation_version from one number to another
// rotates the secret in place: the client ID stays, the state gets the new
// secret and the old one stops working. Setting or removing it does not.
func TestAccClient_secretRotation(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_client.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	var secrets []string
	config := func(version string) string {
		return env.config(`
resource "idp_client" "test" {
  name = "Rotating"
` + version + `
}
`)
	}
	recordSecret := statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_secret"), knownvalue.StringFunc(func(v string) error {
		for _, old := range secrets {
			if v == old {
				return fmt.Errorf("client_secret did not change")
			}
		}
		secrets = append(secrets, v)
		return nil
	}))
	sameSecret := statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_secret"), knownvalue.StringFunc(func(v string) error {
		if v != secrets[len(secrets)-1] {
			return fmt.Errorf("client_secret changed without a rotation")
		}
		return nil
	}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config(""),
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, tfjsonpath.New("client_id")), recordSecret},
			},
			{
				// Setting a first version rotates nothing.
				Config:            config("client_secret_rotation_version = 1"),
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, tfjsonpath.New("client_id")), sameSecret},
			},
			{
				Config: config("client_secret_rotation_version = 2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(addr, tfjsonpath.New("client_secret")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, tfjsonpath.New("client_id")), recordSecret},
				Check: func(s *terraform.State) error {
					attrs := s.RootModule().Resources[addr].Primary.Attributes
					token := func(secret string) error {
						_, err := env.client.RequestToken(t.Context(), mgmt.TokenRequest{
							ClientID: attrs["client_id"], ClientSecret: secret, Audience: "https://no-such-api.example.com/",
						})
						return err
					}
					// Wrong credentials are a 401; right ones get as far as
					// the audience check (403: no such API).
					var apiErr *mgmt.Error
					if err := token(secrets[0]); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
						return fmt.Errorf("the rotated-out secret: want 401, got %v", err)
					}
					if err := token(attrs["client_secret"]); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
						return fmt.Errorf("the current secret: want 403 for the unknown audience, got %v", err)
					}
					return nil
				},
			},
			{
				// Removing the version rotates nothing.
				Config:            config(""),
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, tfjsonpath.New("client_id")), sameSecret},
			},
		},
	})
}

func TestAccClient_validation(t *testing.T) {
	env := newTestEnv(t)
	cases := map[string]struct {
		body    string
		message string
	}{
		"app_type":     {`app_type = "robot"`, `app_type value must be one of`},
		"auth method":  {`token_endpoint_auth_method = "private_key_jwt"`, `token_endpoint_auth_method value must be one of`},
		"grant type":   {`grant_types = ["magic"]`, `grant_types[Value("magic")] value must be one of`},
		"no grants":    {`grant_types = []`, `grant_types set must contain at least 1 elements, got: 0`},
		"empty name":   {`name = ""`, `name string length must be at least 1, got: 0`},
		"angle name":   {`name = "a<b"`, `"a<b" contains '<'`},
		"empty desc":   {`description = ""`, `description string length must be at least 1, got: 0`},
		"missing name": {`description = "x"`, `The argument "name" is required, but no definition was found.`},
		"write-only without version": {`client_secret_wo = "s"`,
			`Attribute "client_secret_wo_version" must be specified when "client_secret_wo" is specified`},
		"version without write-only": {`client_secret_wo_version = 1`,
			`Attribute "client_secret_wo" must be specified when "client_secret_wo_version" is specified`},
		"write-only empty": {`client_secret_wo = ""` + "\n" + `client_secret_wo_version = 1`,
			`client_secret_wo UTF-8 character count must be at least 1, got: 0`},
		"two rotations": {`client_secret_wo = "s"` + "\n" + `client_secret_wo_version = 1` + "\n" +
			`client_secret_rotation_version = 1`, `Conflicting Secret Rotation`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			body := tc.body
			if name != "missing name" && !strings.Contains(tc.body, "name =") {
				body += "\n" + `name = "n"`
			}
			refusedAtPlan(t, env.config("resource \"idp_client\" \"test\" {\n"+body+"\n}\n"), tc.message)
		})
	}
}

// A client secret given write-only opens the token endpoint, is rotated by
// bumping its version, and never enters the state.
func TestAccClient_writeOnlySecret(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_client.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	secrets := []string{"", "client-secret-wo-number-1", "client-secret-wo-number-2", "client-secret-wo-number-3"}
	config := func(secret string, version int) string {
		wo := ""
		if version > 0 {
			wo = fmt.Sprintf("client_secret_wo_version = %d\nclient_secret_wo = %q", version, secret)
		}
		return env.config(`
resource "idp_client" "test" {
  name = "Write-only secret"
` + wo + `
}
`)
	}
	noSecretInState := func() []statecheck.StateCheck {
		return []statecheck.StateCheck{
			sameID.AddStateValue(addr, tfjsonpath.New("client_id")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_secret"), knownvalue.Null()),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_secret_wo"), knownvalue.Null()),
			absentFromState(secrets[1:]...),
		}
	}
	// opens reports which secrets get past the token endpoint's client
	// check: right ones reach the audience check (403: no such API).
	opens := func(works, fails string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			clientID := s.RootModule().Resources[addr].Primary.Attributes["client_id"]
			var apiErr *mgmt.Error
			_, err := env.client.RequestToken(t.Context(), mgmt.TokenRequest{
				ClientID: clientID, ClientSecret: works, Audience: "https://no-such-api.example.com/"})
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
				return fmt.Errorf("the current secret: want 403 for the unknown audience, got %v", err)
			}
			_, err = env.client.RequestToken(t.Context(), mgmt.TokenRequest{
				ClientID: clientID, ClientSecret: fails, Audience: "https://no-such-api.example.com/"})
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
				return fmt.Errorf("a secret not current: want 401, got %v", err)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config(secrets[1], 1),
				ConfigStateChecks: noSecretInState(),
				Check:             opens(secrets[1], "not-the-secret"),
			},
			{
				Config: config(secrets[2], 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: noSecretInState(),
				Check:             opens(secrets[2], secrets[1]),
			},
			{
				// Changing the value without the version sends nothing.
				Config: config(secrets[3], 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: opens(secrets[2], secrets[3]),
			},
			{
				// Given up, the secret is the server's again, and in state.
				Config: config("", 0),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("client_id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("client_secret"), knownvalue.StringExact(secrets[2])),
				},
			},
			{
				// From a secret in state to a write-only one.
				Config:            config(secrets[3], 3),
				ConfigStateChecks: noSecretInState(),
				Check:             opens(secrets[3], secrets[2]),
			},
		},
	})
}

// absentFromState fails when any of values appears anywhere in the state.
func absentFromState(values ...string) statecheck.StateCheck {
	return stateCheckFunc(func(req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		raw, err := json.Marshal(req.State)
		if err != nil {
			resp.Error = err
			return
		}
		for _, v := range values {
			if strings.Contains(string(raw), v) {
				resp.Error = fmt.Errorf("the state holds the secret %q", v)
				return
			}
		}
	})
}

type stateCheckFunc func(statecheck.CheckStateRequest, *statecheck.CheckStateResponse)

func (f stateCheckFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	f(req, resp)
}
