package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// seedResourceServer creates an HS256 API with two scopes, one without a
// description, behind Terraform's back, as a killed apply leaves it: with
// a pending create marker among its scopes, which no lookup shows.
func (e *testEnv) seedResourceServer(identifier string) *mgmt.ResourceServer {
	e.t.Helper()
	rs, err := e.adoptingClient().CreateResourceServer(e.t.Context(), &mgmt.ResourceServer{
		Name:       mgmt.String("Orders API"),
		Identifier: mgmt.String(identifier),
		Scopes: &[]mgmt.ResourceServerScope{
			{Value: "read:orders", Description: "Read orders"},
			{Value: "write:orders"},
		},
		SigningAlg:         mgmt.String("HS256"),
		SigningSecret:      mgmt.String("a-signing-secret-of-some-length"),
		TokenLifetime:      mgmt.Int64(3600),
		AllowOfflineAccess: mgmt.Bool(true),
		TokenDialect:       mgmt.String("rfc9068_profile_authz"),
		EnforcePolicies:    mgmt.Bool(true),
	})
	if err != nil {
		e.t.Fatalf("create resource server: %v", err)
	}
	return rs
}

// expectResourceServer checks every attribute of a looked-up API against
// what seedResourceServer made.
func expectResourceServer(address string, rs *mgmt.ResourceServer) []statecheck.StateCheck {
	at := func(attr string) tfjsonpath.Path { return tfjsonpath.New(attr) }
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, at("id"), knownvalue.StringExact(*rs.ID)),
		statecheck.ExpectKnownValue(address, at("identifier"), knownvalue.StringExact(*rs.Identifier)),
		statecheck.ExpectKnownValue(address, at("name"), knownvalue.StringExact("Orders API")),
		statecheck.ExpectKnownValue(address, at("scopes"), knownvalue.SetExact([]knownvalue.Check{
			knownvalue.ObjectExact(map[string]knownvalue.Check{
				"value": knownvalue.StringExact("read:orders"), "description": knownvalue.StringExact("Read orders"),
			}),
			knownvalue.ObjectExact(map[string]knownvalue.Check{
				"value": knownvalue.StringExact("write:orders"), "description": knownvalue.Null(),
			}),
		})),
		statecheck.ExpectKnownValue(address, at("signing_alg"), knownvalue.StringExact("HS256")),
		statecheck.ExpectKnownValue(address, at("signing_secret"), knownvalue.StringExact("a-signing-secret-of-some-length")),
		statecheck.ExpectSensitiveValue(address, at("signing_secret")),
		statecheck.ExpectKnownValue(address, at("token_lifetime"), knownvalue.Int64Exact(3600)),
		statecheck.ExpectKnownValue(address, at("allow_offline_access"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue(address, at("skip_consent_for_verifiable_first_party_clients"), knownvalue.Bool(false)),
		statecheck.ExpectKnownValue(address, at("token_dialect"), knownvalue.StringExact("rfc9068_profile_authz")),
		statecheck.ExpectKnownValue(address, at("enforce_policies"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue(address, at("is_system"), knownvalue.Bool(false)),
	}
}

// An API made outside Terraform is found by its ID and by its identifier,
// with every attribute; a refresh costs one GET per lookup; the tenant's
// own Management API is found too, marked as the system API.
func TestAccDataSourceResourceServer_lookups(t *testing.T) {
	env := newTestEnv(t)
	rs := env.seedResourceServer("https://orders.example.com/")
	checks := append(expectResourceServer("data.idp_resource_server.by_id", rs),
		expectResourceServer("data.idp_resource_server.by_identifier", rs)...)
	checks = append(checks,
		statecheck.ExpectKnownValue("data.idp_resource_server.management", tfjsonpath.New("is_system"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue("data.idp_resource_server.management", tfjsonpath.New("id"), knownvalue.StringRegexp(hex24)),
	)
	config := env.config(fmt.Sprintf(`
data "idp_resource_server" "by_id" {
  id = %q
}

data "idp_resource_server" "by_identifier" {
  identifier = "https://orders.example.com/"
}

data "idp_resource_server" "management" {
  identifier = "%s/api/v2/"
}
`, *rs.ID, env.url))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: checks},
			{
				PreConfig:    env.srv.ResetCounts,
				RefreshState: true,
				Check: func(*terraform.State) error {
					return env.expectOnly(map[string]int64{
						"GET /api/v2/resource-servers/{id}": 3,
						"POST /oauth/token":                 1,
					})
				},
			},
		},
	})
}

func TestAccDataSourceResourceServer_errors(t *testing.T) {
	env := newTestEnv(t)
	readOnlyClients := env.m2mClient([]string{"client_credentials"}, []string{"read:clients"})
	cases := map[string]struct {
		config, message string
	}{
		"neither id nor identifier": {
			config:  env.config(`data "idp_resource_server" "x" {}`),
			message: `No attribute specified when one \(and only one\) of \[id,identifier\] is required`,
		},
		"both": {
			config: env.config(`
data "idp_resource_server" "x" {
  id         = "5f8d0d55b54764421b7156c9"
  identifier = "https://orders.example.com/"
}`),
			message: `2 attributes specified when one \(and only one\) of \[id,identifier\] is required`,
		},
		"malformed id": {
			config:  env.config(`data "idp_resource_server" "x" { id = "https://orders.example.com/" }`),
			message: `must be a resource server ID, 24 hexadecimal digits`,
		},
		"identifier too long": {
			config:  env.config(`data "idp_resource_server" "x" { identifier = "` + strings.Repeat("a", 601) + `" }`),
			message: `identifier UTF-8 character count must be between 1 and 600, got: 601`,
		},
		"no such id": {
			config: env.config(`data "idp_resource_server" "x" { id = "5f8d0d55b54764421b7156c9" }`),
			message: fmt.Sprintf(`Resource Server Not Found .* No resource server with ID "5f8d0d55b54764421b7156c9" `+
				`exists on %s. Check the id and the provider's domain.`, env.url),
		},
		"no such identifier": {
			config: env.config(`data "idp_resource_server" "x" { identifier = "https://nothing.example.com/" }`),
			message: fmt.Sprintf(`Resource Server Not Found .* No resource server with identifier `+
				`"https://nothing.example.com/" exists on %s. Check the identifier and the provider's domain.`, env.url),
		},
		"missing scope": {
			config: env.providerFor(readOnlyClients, "") + `data "idp_resource_server" "x" { identifier = "https://orders.example.com/" }`,
			message: fmt.Sprintf(`Unable to Read Resource Server .* The server answered %d %s \(insufficient_scope\): `+
				`.* The provider's application lacks a permission this operation needs`,
				http.StatusForbidden, http.StatusText(http.StatusForbidden)),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: expectError(tc.message)}},
			})
		})
	}
}
