package provider

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// newRSAKey is a fresh 2048-bit key, for a test that needs one of its own.
func newRSAKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// keyedTenantConfig is a tenant created with pub (and alg, when not empty)
// and, in it, an API made by a second provider signed in with priv and
// signAlg.
func keyedTenantConfig(env *testEnv, displayName, pub, alg, priv, signAlg string) string {
	keyArgs := ""
	if pub != "" {
		keyArgs = fmt.Sprintf("  management_client_public_key = %q\n", pub)
	}
	if alg != "" {
		keyArgs += fmt.Sprintf("  management_client_public_key_algorithm = %q\n", alg)
	}
	return env.config(fmt.Sprintf(`
resource "idp_tenant" "keyed" {
  name         = "keyed-1"
  display_name = %q
%s}

provider "idpcustomer" {
  domain                       = idp_tenant.keyed.domain
  client_id                    = idp_tenant.keyed.management_client_id
  client_assertion_private_key = %q
  client_assertion_signing_alg = %q
}

resource "idp_resource_server" "orders" {
  provider   = idpcustomer
  name       = "Orders API"
  identifier = "https://orders.keyed-1.example/"
}
`, displayName, keyArgs, priv, signAlg))
}

// withoutAPI is a keyedTenantConfig without the tenant's API.
func withoutAPI(config string) string {
	before, _, _ := strings.Cut(config, `resource "idp_resource_server"`)
	return before
}

// A tenant created with management_client_public_key stores no secret; a
// second provider manages it with the private key, and the create answer's
// secret no longer signs in. The key cannot change on the existing tenant
// (refused at plan, whatever else the plan does), the same key in other PEM
// text is no change, and removing it keeps the tenant. Imported, it reads
// back without a secret. A tenant replaced (tainted, or renamed) takes the
// key of the configuration, and the tenant's provider block with a key the
// tenant does not have fails the plan.
func TestAccTenant_keyed(t *testing.T) {
	wire := &wireSecrets{values: map[string]bool{}}
	env := newTestEnvOpts(t, server.Options{}, wire.wrap)
	key, other := newRSAKey(t), newRSAKey(t)
	pub, priv := pemPublicKey(t, key), keyPEM(t, key)
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key.PublicKey)}))
	const addr = "idp_tenant.keyed"
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: flowProviders("customer"),
		CheckDestroy: env.checkGone("idp_tenant", func(ctx context.Context, id string) error {
			_, err := env.client.GetTenant(ctx, id)
			return err
		}),
		Steps: []resource.TestStep{
			{
				Config: keyedTenantConfig(env, "Keyed", pub, "RS384", priv, "RS384"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("management_client_secret"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("management_client_secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("management_client_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("management_client_public_key"), knownvalue.StringExact(pub)),
					statecheck.ExpectKnownValue("idp_resource_server.orders", tfjsonpath.New("id"), knownvalue.NotNull()),
				},
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources[addr].Primary.Attributes
					return checkKeyedManagementClient(t.Context(), a["domain"], a["management_client_id"], key, "RS384", wire.list())
				},
			},
			{
				// The same key as PKCS #1, and another display name: an update in place.
				Config: keyedTenantConfig(env, "Keyed, Inc.", pkcs1, "RS384", priv, "RS384"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(addr, tfjsonpath.New("id"))},
			},
			{
				// The tenant's provider block with a key the tenant does not have fails the plan, saying so.
				Config:      keyedTenantConfig(env, "Keyed, Inc.", pkcs1, "RS384", keyPEM(t, other), "RS384"),
				PlanOnly:    true,
				ExpectError: expectError(`refused the provider's client assertion: the private key.*is not registered for client`),
			},
			{
				Config:      keyedTenantConfig(env, "Keyed, Inc.", pemPublicKey(t, other), "RS384", priv, "RS384"),
				PlanOnly:    true,
				ExpectError: expectError(`Cannot Change the Key of an Existing Tenant.*Tenant "keyed-1" was created with another management client key or algorithm.*idp_client_credentials.*under the name\s+"idp_tenant\s+management_client_public_key", which adopts it`),
			},
			{
				Config:      keyedTenantConfig(env, "Keyed, Inc.", pkcs1, "PS256", priv, "RS384"),
				PlanOnly:    true,
				ExpectError: expectError(`Cannot Change the Key of an Existing Tenant.*management_client_public_key_algorithm = "PS256"`),
			},
			{
				// Without the key, the tenant stays, and so does its key on the server.
				Config: keyedTenantConfig(env, "Keyed, Inc.", "", "", priv, "RS384"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("management_client_public_key"), knownvalue.Null()),
				},
			},
			{
				// In a working directory of its own, where the tenant's provider block would have no tenant yet.
				Config:            env.config("resource \"idp_tenant\" \"keyed\" {\n  name = \"keyed-1\"\n}\n"),
				ResourceName:      addr,
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return "keyed-1", nil },
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["management_client_secret"] != "" ||
						states[0].Attributes["management_client_public_key"] != "" {
						return fmt.Errorf("imported %+v, want no secret and no key", states)
					}
					return nil
				},
			},
			{
				// Adding a key to a tenant that has none is refused as well.
				Config:      keyedTenantConfig(env, "Keyed, Inc.", pub, "", priv, "RS384"),
				PlanOnly:    true,
				ExpectError: expectError(`Tenant "keyed-1" was created without a management client key, or was imported`),
			},
			{
				// The API goes first: a provider configured from a tenant being replaced cannot manage it.
				Config: withoutAPI(keyedTenantConfig(env, "Keyed, Inc.", "", "", priv, "RS384")),
			},
			{
				// A tainted tenant is replaced, and its replacement takes the new key.
				Taint:  []string{addr},
				Config: withoutAPI(keyedTenantConfig(env, "Keyed, Inc.", pemPublicKey(t, other), "", keyPEM(t, other), "RS256")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("management_client_secret"), knownvalue.Null()),
				},
			},
			{
				// So does a tenant renamed, which replaces it.
				Config: strings.Replace(withoutAPI(keyedTenantConfig(env, "Keyed, Inc.", pub, "", priv, "RS256")),
					`name         = "keyed-1"`, `name         = "keyed-2"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("management_client_public_key"), knownvalue.StringExact(pub)),
				},
			},
		},
	})
}

// checkKeyedManagementClient checks that the tenant's management client
// signs in with key and alg, uses private_key_jwt, and that no secret the
// server ever answered (among them the create answer's) signs it in.
func checkKeyedManagementClient(ctx context.Context, domain, clientID string, key *rsa.PrivateKey, alg string, secrets []string) error {
	withKey, err := mgmt.New(mgmt.Config{Domain: domain, ClientID: clientID, ClientAssertionKey: key, ClientAssertionAlg: alg})
	if err != nil {
		return err
	}
	app, err := withKey.GetApplication(ctx, clientID)
	if err != nil {
		return fmt.Errorf("the private key does not sign in to the tenant: %w", err)
	}
	if app.ClientAuthenticationMethods == nil || app.ClientAuthenticationMethods.PrivateKeyJWT == nil ||
		len(app.ClientAuthenticationMethods.PrivateKeyJWT.Credentials) != 1 {
		return fmt.Errorf("the management client's authentication methods are %+v, want one private_key_jwt credential",
			app.ClientAuthenticationMethods)
	}
	if len(secrets) == 0 {
		return errors.New("the server answered no secret: the create answer's was not seen")
	}
	for _, secret := range secrets {
		withSecret, err := mgmt.New(mgmt.Config{Domain: domain, ClientID: clientID, ClientSecret: secret, MaxRetries: 1})
		if err != nil {
			return err
		}
		_, err = withSecret.RequestToken(ctx, mgmt.TokenRequest{Audience: withSecret.Audience()})
		var apiErr *mgmt.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
			return fmt.Errorf("a secret the server answered (%.4s...) as the management client's: %v, want 401", secret, err)
		}
	}
	return nil
}

// failCredentials answers 403 insufficient_scope to every credential create
// on hosted tenants while on is set.
func failCredentials(on *atomic.Bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if on.Load() && r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/tenants/") &&
				strings.HasSuffix(r.URL.Path, "/credentials") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				_, _ = w.Write([]byte(`{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: ` +
					`create:client_credentials","errorCode":"insufficient_scope"}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// When the key cannot be registered, the tenant is saved tainted with an
// error that says why and what happens next, and the next apply replaces it
// with a keyed one.
func TestAccTenant_keyedSwitchFails(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	env := newTestEnvWith(t, failCredentials(&fail))
	key := newRSAKey(t)
	config := env.config(fmt.Sprintf(`
resource "idp_tenant" "keyed" {
  name                         = "keyed-2"
  management_client_public_key = %q
}
`, pemPublicKey(t, key)))
	var firstID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: env.checkGone("idp_tenant", func(ctx context.Context, id string) error {
			_, err := env.client.GetTenant(ctx, id)
			return err
		}),
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: expectError(`Tenant "keyed-2" \(id ten_[A-Za-z0-9]+\) was created, but registering ` +
					`management_client_public_key on its Management API client failed\. The server answered 403 Forbidden ` +
					`\(insufficient_scope\).*create:client_credentials.*Terraform saves it as tainted, and the next apply ` +
					`deletes it and creates it again\.`),
			},
			{
				PreConfig: func() {
					tenants, err := env.client.ListTenants(t.Context())
					if err != nil || len(tenants) != 1 {
						t.Fatalf("after the failed switch the server holds %d tenants (err %v), want 1", len(tenants), err)
					}
					firstID = valueOr(tenants[0].ID, "")
					fail.Store(false)
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("idp_tenant.keyed", plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("idp_tenant.keyed", tfjsonpath.New("management_client_secret"), knownvalue.Null()),
				},
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources["idp_tenant.keyed"].Primary.Attributes
					tenants, err := env.client.ListTenants(t.Context())
					if err != nil {
						return err
					}
					if len(tenants) != 1 || a["id"] == firstID {
						return fmt.Errorf("want one tenant, a new one: the server holds %d, state id %s, first id %s",
							len(tenants), a["id"], firstID)
					}
					withKey, err := mgmt.New(mgmt.Config{Domain: a["domain"], ClientID: a["management_client_id"], ClientAssertionKey: key})
					if err != nil {
						return err
					}
					_, err = withKey.ListResourceServers(t.Context())
					return err
				},
			},
		},
	})
}

// The key is checked at plan: a private key is refused without being
// quoted, and an algorithm needs a key and must be one the server takes.
func TestAccTenant_keyValidation(t *testing.T) {
	env := newTestEnv(t)
	key := newRSAKey(t)
	priv := keyPEM(t, key)
	for name, tc := range map[string]struct{ args, message string }{
		"private key": {fmt.Sprintf("management_client_public_key = %q", priv),
			`is a PRIVATE KEY: give the public key (or a certificate) instead`},
		"not PEM": {`management_client_public_key = "hunter2"`, `The pem is not PEM: expected a "-----BEGIN PUBLIC KEY-----" or "-----BEGIN CERTIFICATE-----" block.`},
		"alg alone": {`management_client_public_key_algorithm = "RS256"`,
			`Attribute "management_client_public_key" must be specified when "management_client_public_key_algorithm" is specified`},
		"bad alg": {fmt.Sprintf("management_client_public_key = %q\n  management_client_public_key_algorithm = \"HS256\"",
			pemPublicKey(t, key)), `value must be one of: ["RS256" "RS384" "PS256"]`},
	} {
		t.Run(name, func(t *testing.T) {
			config := env.config(fmt.Sprintf("resource \"idp_tenant\" \"t\" {\n  name = \"abc\"\n  %s\n}\n", tc.args))
			refusedAtPlan(t, config, tc.message)
		})
	}
}
