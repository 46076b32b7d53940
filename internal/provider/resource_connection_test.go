package provider

import (
	"context"
	"encoding/json"
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

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

const connectionV1 = `
resource "idp_connection" "test" {
  name = "Customers"
}
`

const connectionV2 = `
resource "idp_connection" "test" {
  name                   = "Customers"
  display_name           = "Customer accounts"
  disable_signup         = true
  requires_username      = true
  brute_force_protection = false
  password_policy        = "excellent"
}
`

// connectionID reads the ID of the connection named name.
func (e *testEnv) connectionID(ctx context.Context, name string) string {
	e.t.Helper()
	cn, err := e.client.GetConnectionByName(ctx, name)
	if err != nil || cn == nil {
		e.t.Fatalf("connection %q: %v", name, err)
	}
	return *cn.ID
}

func TestAccConnection_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	const addr = "idp_connection.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	ctx := t.Context()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: env.checkGone("idp_connection", func(ctx context.Context, id string) error {
			_, err := env.client.GetConnection(ctx, id)
			return err
		}),
		Steps: []resource.TestStep{
			{
				Config: env.config(connectionV1),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^con_[A-Za-z0-9]{16}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("strategy"), knownvalue.StringExact("auth0")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("Customers")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("disable_signup"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("requires_username"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("brute_force_protection"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("password_policy"), knownvalue.StringExact("good")),
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true},
			{
				// By natural key: the name.
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     "Customers",
				ImportStateVerify: true,
			},
			{
				PreConfig: func() {
					// An option the resource does not manage, set elsewhere.
					id := env.connectionID(ctx, "Customers")
					cn, err := env.client.GetConnection(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					cn.Options.Extra = map[string]json.RawMessage{"password_history": json.RawMessage(`{"enable":true,"size":3}`)}
					if _, err := env.client.UpdateConnection(ctx, id, &mgmt.Connection{Options: cn.Options}); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(connectionV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("Customer accounts")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("disable_signup"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("requires_username"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("brute_force_protection"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("password_policy"), knownvalue.StringExact("excellent")),
				},
				Check: func(_ *terraform.State) error {
					cn, err := env.client.GetConnection(ctx, env.connectionID(ctx, "Customers"))
					if err != nil {
						return err
					}
					if got := string(cn.Options.Extra["password_history"]); got != `{"enable":true,"size":3}` {
						return fmt.Errorf("the update dropped an option it does not manage: password_history = %s", got)
					}
					return nil
				},
			},
			{
				// Changed behind Terraform's back: repaired.
				PreConfig: func() {
					id := env.connectionID(ctx, "Customers")
					if _, err := env.client.UpdateConnection(ctx, id, &mgmt.Connection{
						DisplayName: mgmt.String("changed out of band"),
						Options:     &mgmt.ConnectionOptions{PasswordPolicy: mgmt.String("none"), DisableSignup: mgmt.Bool(false)},
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(connectionV2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("Customer accounts")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("password_policy"), knownvalue.StringExact("excellent")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("requires_username"), knownvalue.Bool(true)),
				},
			},
			{
				// Back to the defaults: display_name follows the name again.
				Config: env.config(connectionV1),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("Customers")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("password_policy"), knownvalue.StringExact("good")),
				},
			},
			{
				// Deleted behind Terraform's back: created again.
				PreConfig: func() {
					if err := env.client.DeleteConnection(ctx, env.connectionID(ctx, "Customers")); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(connectionV1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
			{
				// A new name is a new connection.
				Config: env.config(`
resource "idp_connection" "test" {
  name = "Customers-EU"
}
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("Customers-EU")),
				},
			},
		},
	})
}

// A refresh of a connection is one GET.
func TestAccConnection_refreshIsOneRequest(t *testing.T) {
	env := newTestEnv(t)
	cfg := env.config(connectionV2)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:    env.srv.ResetCounts,
				RefreshState: true,
				Check: func(*terraform.State) error {
					if n := env.requests("GET", "/api/v2/connections/{id}"); n != 1 {
						return fmt.Errorf("refresh sent %d GETs of the connection, want 1", n)
					}
					if n := env.requests("GET", "/api/v2/connections"); n != 0 {
						return fmt.Errorf("refresh listed connections %d times, want 0", n)
					}
					return nil
				},
			},
		},
	})
}

// The tenant's default connection can be imported by name and managed.
func TestAccConnection_importDefault(t *testing.T) {
	env := newTestEnv(t)
	cfg := env.config(`
resource "idp_connection" "default" {
  name = "Username-Password-Authentication"
}
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				ResourceName:       "idp_connection.default",
				ImportState:        true,
				ImportStateId:      "Username-Password-Authentication",
				ImportStatePersist: true,
			},
			{
				// The seeded connection has no disable_signup or
				// requires_username option: the plan writes them.
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("idp_connection.default", plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccConnection_createConflict(t *testing.T) {
	env := newTestEnv(t)
	id := env.connectionID(t.Context(), "Username-Password-Authentication")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.config(`
resource "idp_connection" "test" {
  name = "Username-Password-Authentication"
}
`),
			ExpectError: expectError(`Unable to Create Connection.*409 Conflict.*A connection with the same name already exists.*import \{.*id = "` + id + `"`),
		}},
	})
}

func TestAccConnection_importErrors(t *testing.T) {
	env := newTestEnv(t)
	if _, err := env.client.CreateConnection(t.Context(), &mgmt.Connection{Name: mgmt.String("google"), Strategy: mgmt.String("google-oauth2")}); err != nil {
		t.Fatal(err)
	}
	cfg := env.config(connectionV1)
	cases := map[string]struct{ id, message string }{
		"bad form":       {"not a name!", `"not a name!" is not an import ID this resource accepts. Use the connection's ID`},
		"unknown name":   {"Nobody", `No connection with name "Nobody" exists on ` + env.url},
		"unknown id":     {"con_0000000000000000", `No connection with ID "con_0000000000000000" exists on ` + env.url},
		"other strategy": {"google", `The connection with name "google" has strategy "google-oauth2"; idp_connection manages database connections`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:        cfg,
					ResourceName:  "idp_connection.test",
					ImportState:   true,
					ImportStateId: tc.id,
					ExpectError:   expectMessage(tc.message),
				}},
			})
		})
	}
}

func TestAccConnection_validation(t *testing.T) {
	env := newTestEnv(t)
	cases := map[string]struct {
		body    string
		message string
	}{
		"underscore":     {`name = "my_db"`, `Attribute name ` + connectionNameMessage + `, got: my_db`},
		"space":          {`name = "my db"`, connectionNameMessage},
		"double dash":    {`name = "my--db"`, connectionNameMessage},
		"trailing dash":  {`name = "mydb-"`, connectionNameMessage},
		"empty name":     {`name = ""`, `Attribute name string length must be between 1 and 128, got: 0`},
		"long name":      {`name = "` + strings.Repeat("a", 129) + `"`, `Attribute name string length must be between 1 and 128, got: 129`},
		"unknown policy": {`name = "db"` + "\n" + `password_policy = "strong"`, `Attribute password_policy value must be one of: ["none" "low" "fair" "good" "excellent"], got: "strong"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			refusedAtPlan(t, env.config("resource \"idp_connection\" \"test\" {\n"+tc.body+"\n}\n"), tc.message)
		})
	}
}
