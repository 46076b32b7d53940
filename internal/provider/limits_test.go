package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// The limits idp-server enforces on what the provider sends, each checked
// at plan time: a configuration over a limit fails `terraform plan` with the
// attribute named and not one request to the server, and a configuration at
// every limit is accepted by the server.

// resourceBlock renders a resource of type typ with the given attribute
// lines, after defaults for the attributes it needs and the lines do not set.
func resourceBlock(typ string, defaults map[string]string, lines ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "resource %q \"test\" {\n", typ)
	for _, l := range lines {
		b.WriteString("  " + l + "\n")
	}
	for _, name := range slices.Sorted(maps.Keys(defaults)) {
		set := false
		for _, l := range lines {
			if strings.HasPrefix(l, name+" ") || strings.HasPrefix(l, name+"=") {
				set = true
			}
		}
		if !set {
			b.WriteString("  " + name + " = " + defaults[name] + "\n")
		}
	}
	b.WriteString("}\n")
	return b.String()
}

func apiBlock(lines ...string) string {
	return resourceBlock("idp_resource_server", map[string]string{
		"name": `"n"`, "identifier": `"https://x.example.com/"`,
	}, lines...)
}

func clientBlock(lines ...string) string {
	return resourceBlock("idp_client", map[string]string{"name": `"n"`}, lines...)
}

func grantBlock(lines ...string) string {
	return resourceBlock("idp_client_grant", map[string]string{
		"client_id": `"AbCdEfGhIjKlMnOpQrStUvWxYz012345"`, "audience": `"https://x.example.com/"`, "scope": `[]`,
	}, lines...)
}

func tenantBlock(lines ...string) string {
	return resourceBlock("idp_tenant", map[string]string{"name": `"acme"`}, lines...)
}

// metadataNameChars is a metadata property name with every character allowed
// besides letters and digits.
const metadataNameChars = "Az09:,-+=_*?\"/\\()<>@\t x"

// str is an HCL string literal of s repeated n times.
func str(s string, n int) string { return fmt.Sprintf("%q", strings.Repeat(s, n)) }

// metadataKeys renders n metadata properties k00 = "v", k01 = "v", ....
func metadataKeys(n int) string {
	props := make([]string, n)
	for i := range n {
		props[i] = fmt.Sprintf("k%02d = %q", i, "v")
	}
	return strings.Join(props, ", ")
}

// identifierOf returns an identifier of exactly n characters.
func identifierOf(n int) string {
	const prefix = "https://limits.example.com/"
	return prefix + strings.Repeat("a", n-len(prefix))
}

func TestAccLimits_refusedAtPlan(t *testing.T) {
	cases := map[string]struct {
		config    string // resources; the provider block is added unless provider is set
		provider  bool   // config has its own provider block
		writeOnly bool   // needs Terraform 1.11
		message   string
	}{
		// idp_resource_server (server: resource_servers.go applyResourceServer, decodeScopes, createResourceServer).
		"api name over 200 characters": {
			config:  apiBlock(`name = ` + str("é", 201)),
			message: `Attribute name UTF-8 character count must be at most 200, got: 201`,
		},
		"api name with <": {
			config:  apiBlock(`name = "Reports <v2>"`),
			message: `"Reports <v2>" contains '<'; none of ` + "`<`, `>`" + ` is allowed here.`,
		},
		"api name with >": {
			config:  apiBlock(`name = "v2 > v1"`),
			message: `"v2 > v1" contains '>'; none of ` + "`<`, `>`" + ` is allowed here.`,
		},
		"identifier over 600 characters": {
			config:  apiBlock(fmt.Sprintf("identifier = %q", identifierOf(601))),
			message: `Attribute identifier UTF-8 character count must be between 1 and 600, got: 601`,
		},
		// 141 characters, 282 bytes: the server counts a scope's bytes.
		"scope value over 280 bytes": {
			config:  apiBlock(`scopes = [{ value = ` + str("é", 141) + ` }]`),
			message: `string length must be at most 280, got: 282`,
		},
		"scope value with a no-break space": {
			config:  apiBlock(`scopes = [{ value = "read:\u00a0reports" }]`),
			message: `"read:\u00a0reports" must not contain white space (it contains U+00A0).`,
		},
		"scope value under the create marker's prefix": {
			config:  apiBlock(`scopes = [{ value = "idp_create_request:mine" }]`),
			message: `"idp_create_request:mine" starts with "idp_create_request:", the provider's own prefix`,
		},
		// 16 bytes, 8 characters: the server counts characters.
		"signing_secret under 16 characters": {
			config:  apiBlock(`signing_alg = "HS256"`, `signing_secret = `+str("é", 8)),
			message: `Attribute signing_secret UTF-8 character count must be at least 16, got: 8`,
		},
		"token_lifetime fraction": {
			config:  apiBlock(`token_lifetime = 3600.5`),
			message: `token_lifetime must be a whole number of seconds, got 3600.5.`,
		},
		"token_lifetime beyond int64": {
			config:  apiBlock(`token_lifetime = 1e19`),
			message: `token_lifetime must be a whole number between -9223372036854775808 and 9223372036854775807, got 10000000000000000000.`,
		},
		"signing_secret_wo_version fraction": {
			config:    apiBlock(`signing_secret_wo = "0123456789abcdef"`, `signing_secret_wo_version = 1.5`),
			writeOnly: true,
			message:   `signing_secret_wo_version must be a whole number, got 1.5.`,
		},
		// idp_client (server: clients.go applyClient).
		"client description over 140 characters": {
			config:  clientBlock(`description = ` + str("é", 141)),
			message: `Attribute description UTF-8 character count must be at most 140, got: 141`,
		},
		"client_secret_rotation_version fraction": {
			config:  clientBlock(`client_secret_rotation_version = 2.5`),
			message: `client_secret_rotation_version must be a whole number, got 2.5.`,
		},
		"client_secret_wo_version fraction": {
			config:    clientBlock(`client_secret_wo = "s"`, `client_secret_wo_version = 1.5`),
			writeOnly: true,
			message:   `client_secret_wo_version must be a whole number, got 1.5.`,
		},
		// idp_client_grant: a grant's scopes and audience must be an API's
		// (server: client_grants.go grantScopes), so an API's limits bound them.
		"grant scope over 280 bytes": {
			config:  grantBlock(`scope = [` + str("é", 141) + `]`),
			message: `string length must be at most 280, got: 282`,
		},
		"grant scope with an em space": {
			config:  grantBlock(`scope = ["read:\u2003x"]`),
			message: `"read:\u2003x" must not contain white space (it contains U+2003).`,
		},
		"grant audience over 600 characters": {
			config:  grantBlock(fmt.Sprintf("audience = %q", identifierOf(601))),
			message: `Attribute audience UTF-8 character count must be between 1 and 600, got: 601`,
		},
		// idp_tenant (server: tenants.go createTenant, applyTenant).
		"tenant name settings": {
			config:  tenantBlock(`name = "settings"`),
			message: `Attribute name value must be none of: ["settings"], got: "settings"`,
		},
		"tenant display_name over 255 characters": {
			config:  tenantBlock(`display_name = ` + str("é", 256)),
			message: `Attribute display_name UTF-8 character count must be at most 255, got: 256`,
		},
		// Tenant metadata (server: metadata.go checkMetadata).
		"tenant metadata with 11 properties": {
			config:  tenantBlock(`metadata = {` + metadataKeys(11) + `}`),
			message: `11 properties are set; the service keeps at most 10. Remove 1 of them.`,
		},
		"tenant metadata name over 255 characters": {
			config:  tenantBlock(`metadata = { ` + str("k", 256) + ` = "v" }`),
			message: `has 256 characters; a name has 1 to 255.`,
		},
		"tenant metadata empty name": {
			config:  tenantBlock(`metadata = { "" = "v" }`),
			message: `The property name "" has 0 characters; a name has 1 to 255.`,
		},
		"tenant metadata name with a dot": {
			config:  tenantBlock(`metadata = { "company.name" = "v" }`),
			message: `The property name "company.name" contains '.'; a name may only contain letters, digits, spaces, tabs and`,
		},
		"tenant metadata under the create marker's name": {
			config:  tenantBlock(`metadata = { idp_create_request = "mine" }`),
			message: `"idp_create_request" is the provider's own property`,
		},
		"organization metadata under the create marker's name": {
			config:  resourceBlock("idp_organization", map[string]string{"name": `"acme"`}, `metadata = { idp_create_request = "mine" }`),
			message: `"idp_create_request" is the provider's own property`,
		},
		"tenant metadata value over 255 characters": {
			config:  tenantBlock(`metadata = { company = ` + str("é", 256) + ` }`),
			message: `The value of "company" has 256 characters; a value has at most 255.`,
		},
		// The provider's own configuration.
		"max_retries fraction": {
			provider: true,
			config: `
provider "idp" {
  domain      = "%[1]s"
  api_token   = "t"
  max_retries = 2.5
}
` + clientBlock(),
			message: `max_retries must be a whole number, got 2.5.`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t)
			config := env.config(tc.config)
			if tc.provider {
				config = fmt.Sprintf(tc.config, env.url)
			}
			var checks []tfversion.TerraformVersionCheck
			if tc.writeOnly {
				checks = append(checks, tfversion.SkipBelow(tfversion.Version1_11_0))
			}
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   checks,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					PreConfig:   env.srv.ResetCounts,
					Config:      config,
					PlanOnly:    true,
					ExpectError: expectMessage(tc.message),
				}},
			})
			env.expectNoRequests()
		})
	}
}

// Every limit is inclusive: values at the limit, in characters where the
// server counts characters (é is two bytes) and in bytes where it counts
// bytes, are applied, and the server keeps them as sent.
func TestAccLimits_atTheLimit(t *testing.T) {
	env := newTestEnv(t)
	identifier := identifierOf(600)
	scopeBytes, scopeRunes := strings.Repeat("a", 280), strings.Repeat("é", 140)
	config := env.config(fmt.Sprintf(`
resource "idp_resource_server" "test" {
  name           = %[1]s
  identifier     = %[2]q
  scopes         = [{ value = %[3]q }, { value = %[4]q }]
  signing_alg    = "HS256"
  signing_secret = %[5]s
  token_lifetime = 2592000
}

resource "idp_client" "test" {
  name        = %[6]s
  description = %[7]s
  client_secret_rotation_version = 9007199254740993
}

resource "idp_client_grant" "test" {
  client_id = idp_client.test.client_id
  audience  = idp_resource_server.test.identifier
  scope     = [%[3]q, %[4]q]
}

resource "idp_tenant" "test" {
  name         = %[8]s
  display_name = %[9]s
  metadata     = { %[10]s }
}

resource "idp_tenant" "metadata" {
  name     = "metadata-limits"
  metadata = { %[11]s = %[9]s, %[12]q = "" }
}
`, str("é", 200), identifier, scopeBytes, scopeRunes, str("é", 1024),
		str("é", 256), str("é", 140), str("a", 63), str("é", 255), metadataKeys(10), str("k", 255), metadataNameChars))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("idp_resource_server.test", tfjsonpath.New("name"), knownvalue.StringExact(strings.Repeat("é", 200))),
				statecheck.ExpectKnownValue("idp_resource_server.test", tfjsonpath.New("identifier"), knownvalue.StringExact(identifier)),
				statecheck.ExpectKnownValue("idp_resource_server.test", tfjsonpath.New("token_lifetime"), knownvalue.Int64Exact(2592000)),
				statecheck.ExpectKnownValue("idp_client.test", tfjsonpath.New("description"), knownvalue.StringExact(strings.Repeat("é", 140))),
				// Above 2^53: the whole number is not squeezed through a float64.
				statecheck.ExpectKnownValue("idp_client.test", tfjsonpath.New("client_secret_rotation_version"), knownvalue.Int64Exact(9007199254740993)),
				statecheck.ExpectKnownValue("idp_client_grant.test", tfjsonpath.New("scope"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(scopeBytes), knownvalue.StringExact(scopeRunes)})),
				statecheck.ExpectKnownValue("idp_tenant.test", tfjsonpath.New("display_name"), knownvalue.StringExact(strings.Repeat("é", 255))),
				statecheck.ExpectKnownValue("idp_tenant.test", tfjsonpath.New("metadata"), knownvalue.MapSizeExact(10)),
				statecheck.ExpectKnownValue("idp_tenant.metadata", tfjsonpath.New("metadata"), knownvalue.MapExact(map[string]knownvalue.Check{
					strings.Repeat("k", 255): knownvalue.StringExact(strings.Repeat("é", 255)),
					metadataNameChars:        knownvalue.StringExact(""),
				})),
			},
		}},
	})
	// The same server the refused plans did not reach took these.
	for route, want := range map[string]int64{"/api/v2/resource-servers": 1, "/api/v2/clients": 1, "/api/v2/client-grants": 1, "/api/v2/tenants": 2} {
		if n := env.requests("POST", route); n != want {
			t.Errorf("POST %s: %d requests, want %d", route, n, want)
		}
	}
}

// The limits idp-server once set beyond Auth0's spec, without evidence that Auth0 sets them, are
// gone from the server and from the provider's plan-time checks: values past them are planned
// and applied, and kept as sent.
func TestAccLimits_pastFormerLimits(t *testing.T) {
	env := newTestEnv(t)
	name, secret := strings.Repeat("é", 300), strings.Repeat("s", 1100)
	config := env.config(fmt.Sprintf(`
resource "idp_client" "test" {
  name = %q
}

resource "idp_resource_server" "test" {
  name           = "past"
  identifier     = "https://past.example.com/"
  signing_alg    = "HS256"
  signing_secret = %q
}

resource "idp_connection" "test" {
  name         = "past-limits"
  display_name = ""
}
`, name, secret))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("idp_client.test", tfjsonpath.New("name"), knownvalue.StringExact(name)),
				statecheck.ExpectKnownValue("idp_resource_server.test", tfjsonpath.New("signing_secret"), knownvalue.StringExact(secret)),
				statecheck.ExpectKnownValue("idp_connection.test", tfjsonpath.New("display_name"), knownvalue.StringExact("")),
			},
		}, {
			Config:   config,
			PlanOnly: true,
		}},
	})
}
