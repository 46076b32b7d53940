package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// seedClient creates a client named name behind Terraform's back.
func (e *testEnv) seedClient(name string) *mgmt.Application {
	e.t.Helper()
	app, err := e.client.CreateApplication(e.t.Context(), &mgmt.Application{
		Name:                    mgmt.String(name),
		Description:             mgmt.String("Bills customers."),
		AppType:                 mgmt.String("regular_web"),
		GrantTypes:              &[]string{"client_credentials", "authorization_code"},
		TokenEndpointAuthMethod: mgmt.String("client_secret_basic"),
		IsFirstParty:            mgmt.Bool(false),
		Callbacks:               &[]string{"https://billing.example.com/callback"},
	})
	if err != nil {
		e.t.Fatalf("create client: %v", err)
	}
	return app
}

// expectClient checks every attribute of a looked-up client against app.
func expectClient(address string, app *mgmt.Application) []statecheck.StateCheck {
	at := func(attr string) tfjsonpath.Path { return tfjsonpath.New(attr) }
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, at("id"), knownvalue.StringExact(*app.ClientID)),
		statecheck.ExpectKnownValue(address, at("client_id"), knownvalue.StringExact(*app.ClientID)),
		statecheck.ExpectKnownValue(address, at("client_secret"), knownvalue.StringExact(*app.ClientSecret)),
		statecheck.ExpectSensitiveValue(address, at("client_secret")),
		statecheck.ExpectKnownValue(address, at("name"), knownvalue.StringExact(*app.Name)),
		statecheck.ExpectKnownValue(address, at("description"), knownvalue.StringExact("Bills customers.")),
		statecheck.ExpectKnownValue(address, at("app_type"), knownvalue.StringExact("regular_web")),
		statecheck.ExpectKnownValue(address, at("grant_types"), knownvalue.SetExact([]knownvalue.Check{
			knownvalue.StringExact("client_credentials"), knownvalue.StringExact("authorization_code"),
		})),
		statecheck.ExpectKnownValue(address, at("token_endpoint_auth_method"), knownvalue.StringExact("client_secret_basic")),
		statecheck.ExpectKnownValue(address, at("is_first_party"), knownvalue.Bool(false)),
		statecheck.ExpectKnownValue(address, at("callbacks"), knownvalue.SetExact([]knownvalue.Check{
			knownvalue.StringExact("https://billing.example.com/callback"),
		})),
		statecheck.ExpectKnownValue(address, at("web_origins"), knownvalue.SetSizeExact(0)),
	}
}

// A client made outside Terraform is found by its client ID (one GET) and
// by its name (one list of the clients), with every attribute and its
// secret, marked sensitive.
func TestAccDataSourceClient_lookups(t *testing.T) {
	env := newTestEnv(t)
	app := env.seedClient("Billing Service")
	env.seedClient("Billing Service (staging)") // a name that merely contains the other is no match
	config := env.config(fmt.Sprintf(`
data "idp_client" "by_client_id" {
  client_id = %q
}

data "idp_client" "by_name" {
  name = "Billing Service"
}
`, *app.ClientID))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: append(expectClient("data.idp_client.by_client_id", app),
					expectClient("data.idp_client.by_name", app)...),
			},
			{
				PreConfig:    env.srv.ResetCounts,
				RefreshState: true,
				Check: func(*terraform.State) error {
					return env.expectOnly(map[string]int64{
						"GET /api/v2/clients/{id}": 1,
						"GET /api/v2/clients":      1,
						"POST /oauth/token":        1,
					})
				},
			},
		},
	})
}

// A name is found on any page of the list: with more clients than fit on a
// page, the lookup follows the pages.
func TestAccDataSourceClient_nameOnSecondPage(t *testing.T) {
	env := newTestEnv(t)
	for i := range 100 {
		env.seedClient(fmt.Sprintf("Filler %d", i))
	}
	app := env.seedClient("Billing Service") // created last, listed last
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            env.config(`data "idp_client" "x" { name = "Billing Service" }`),
				ConfigStateChecks: expectClient("data.idp_client.x", app),
			},
			{
				PreConfig:    env.srv.ResetCounts,
				RefreshState: true,
				Check: func(*terraform.State) error {
					return env.expectOnly(map[string]int64{"GET /api/v2/clients": 2, "POST /oauth/token": 1})
				},
			},
		},
	})
}

// Without read:client_keys the server sends no secret, and client_secret
// is null rather than an error.
func TestAccDataSourceClient_secretNeedsReadClientKeys(t *testing.T) {
	env := newTestEnv(t)
	app := env.seedClient("Billing Service")
	reader := env.m2mClient([]string{"client_credentials"}, []string{"read:clients"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerFor(reader, "") + fmt.Sprintf(`data "idp_client" "x" { client_id = %q }`, *app.ClientID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.idp_client.x", tfjsonpath.New("name"), knownvalue.StringExact("Billing Service")),
				statecheck.ExpectKnownValue("data.idp_client.x", tfjsonpath.New("client_secret"), knownvalue.Null()),
			},
		}},
	})
}

func TestAccDataSourceClient_errors(t *testing.T) {
	env := newTestEnv(t)
	first, second := env.seedClient("Twin"), env.seedClient("Twin")
	const missingID = "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6"
	cases := map[string]struct {
		config, message string
	}{
		"neither client_id nor name": {
			config:  `data "idp_client" "x" {}`,
			message: `No attribute specified when one \(and only one\) of \[client_id,name\] is required`,
		},
		"both": {
			config:  fmt.Sprintf("data \"idp_client\" \"x\" {\n  client_id = %q\n  name = \"Twin\"\n}", *first.ClientID),
			message: `2 attributes specified when one \(and only one\) of \[client_id,name\] is required`,
		},
		"malformed client_id": {
			config:  `data "idp_client" "x" { client_id = "Twin" }`,
			message: `"Twin" is not a client ID: the service issues client IDs of 32 letters and digits`,
		},
		"empty name": {
			config:  `data "idp_client" "x" { name = "" }`,
			message: `Attribute name string length must be at least 1`,
		},
		"no such client_id": {
			config: fmt.Sprintf(`data "idp_client" "x" { client_id = %q }`, missingID),
			message: fmt.Sprintf(`Client Not Found .* No client with client ID "%s" exists on %s. Check the client_id `+
				`and the provider's domain.`, missingID, env.url),
		},
		"no such name": {
			// Names are matched exactly: case matters.
			config: `data "idp_client" "x" { name = "twin" }`,
			message: fmt.Sprintf(`Client Not Found .* No client with name "twin" exists on %s. Check the name \(it is `+
				`matched exactly, case included\) and the provider's domain.`, env.url),
		},
		"ambiguous name": {
			config: `data "idp_client" "x" { name = "Twin" }`,
			message: fmt.Sprintf(`Ambiguous Client Name .* with data.idp_client.x, .* 2 clients on %s have name "Twin": `+
				`%s, %s. Names are not unique: look the client up by client_id instead, e.g. client_id = "%s".`,
				env.url, *first.ClientID, *second.ClientID, *first.ClientID),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: env.config(tc.config), ExpectError: expectError(tc.message)}},
			})
		})
	}
}
