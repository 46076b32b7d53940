package provider

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// A token without read:connections_options is answered connections without
// their options. The provider keeps the options it knows, changes other
// attributes without sending options, and refuses a change of options
// with an error naming the scope rather than PATCH options it cannot see
// (which would erase the others).
func TestAccConnection_withoutReadOptionsScope(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	const addr = "idp_connection.test"
	app := env.m2mClient([]string{"client_credentials"}, []string{
		"create:connections", "read:connections", "update:connections", "delete:connections",
		"update:connections_options",
	})
	config := func(displayName, policy string) string {
		return env.providerFor(app) + fmt.Sprintf(`
resource "idp_connection" "test" {
  name              = "Customers"
  display_name      = %q
  disable_signup    = true
  password_policy   = %q
}

data "idp_connection" "seen" {
  name = idp_connection.test.name
}
`, displayName, policy)
	}
	options := func() *mgmt.ConnectionOptions {
		t.Helper()
		cn, err := env.client.GetConnection(ctx, env.connectionID(ctx, "Customers"))
		if err != nil || cn.Options == nil {
			t.Fatalf("admin read: %v %v", cn, err)
		}
		return cn.Options
	}
	unmanagedKept := func(*terraform.State) error {
		o := options()
		if got := string(o.Extra["password_history"]); got != `{"enable":true,"size":3}` {
			return fmt.Errorf("password_history = %q: options not managed here were erased", got)
		}
		if valueOr(o.PasswordPolicy, "") != "excellent" || !valueOr(o.DisableSignup, false) {
			return fmt.Errorf("managed options changed: %+v", o)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// A create sends options; the answer lacks them, and the state keeps the plan's.
				Config: config("Customers", "excellent"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("password_policy"), knownvalue.StringExact("excellent")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("disable_signup"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.idp_connection.seen", tfjsonpath.New("password_policy"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					o := options()
					if valueOr(o.PasswordPolicy, "") != "excellent" || !valueOr(o.DisableSignup, false) {
						return fmt.Errorf("created options = %+v", o)
					}
					return nil
				},
			},
			{
				// Set elsewhere, an option the resource does not manage.
				PreConfig: func() {
					o := options()
					o.Extra = map[string]json.RawMessage{"password_history": json.RawMessage(`{"enable":true,"size":3}`)}
					if _, err := env.client.UpdateConnection(ctx, env.connectionID(ctx, "Customers"), &mgmt.Connection{Options: o}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config("Customer accounts", "excellent"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("display_name"), knownvalue.StringExact("Customer accounts")),
				},
				Check: unmanagedKept,
			},
			{
				Config:      config("Customer accounts", "fair"),
				ExpectError: expectMessage("lacks the read:connections_options scope"),
			},
			{
				Config: config("Customer accounts", "excellent"),
				Check:  unmanagedKept,
			},
		},
	})
}
