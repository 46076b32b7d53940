package provider

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

const credsAddr = "idp_client_credentials.svc"

// credsConfig is a client granted read:resource_servers on the Management
// API, and its credentials: method, then name = key index pairs.
func credsConfig(t *testing.T, method string, keys map[string]int, extra string) string {
	t.Helper()
	var b strings.Builder
	for _, name := range []string{"k1", "k2", "k3"} {
		if i, ok := keys[name]; ok {
			fmt.Fprintf(&b, "    %s = { pem = %q }\n", name, pemPublicKey(t, assertionKeys()[i]))
		}
	}
	return fmt.Sprintf(`
data "idp_endpoints" "e" {}

resource "idp_client" "svc" {
  name = "Signs its assertions"
}

resource "idp_client_grant" "svc" {
  client_id = idp_client.svc.client_id
  audience  = data.idp_endpoints.e.management_api_audience
  scope     = ["read:resource_servers"]
}

resource "idp_client_credentials" "svc" {
  client_id             = idp_client.svc.client_id
  authentication_method = %q
  credentials = {
%s  }
}
`, method, b.String()) + extra
}

// ephemeralTokens opens an ephemeral idp_token per named key once that key
// is registered (its id is unknown in the plan that adds it, which defers
// the opening to the apply), and carries what the tokens say into an echo
// resource's state.
func ephemeralTokens(t *testing.T, keys map[string]int) string {
	t.Helper()
	var b, data strings.Builder
	var names []string
	for _, name := range []string{"k1", "k2", "k3"} {
		i, ok := keys[name]
		if !ok {
			continue
		}
		names = append(names, name)
		fmt.Fprintf(&b, `
ephemeral "idp_token" %[1]q {
  audience                     = data.idp_endpoints.e.management_api_audience
  client_id                    = idp_client_credentials.svc.credentials[%[1]q].id == "" ? "" : idp_client_credentials.svc.client_id
  client_assertion_private_key = %[2]q
  depends_on                   = [idp_client_grant.svc]
}
`, name, keyPEM(t, assertionKeys()[i]))
		fmt.Fprintf(&data, "    %[1]s = ephemeral.idp_token.%[1]s.scope\n", name)
	}
	// A new echo resource per set of keys: created, it takes the values
	// the apply opened, where one kept would keep those of its creation.
	return b.String() + "\nprovider \"echo\" {\n  data = {\n" + data.String() + "  }\n}\n\nresource \"echo\" " +
		echoName(names...) + " {}\n"
}

func echoName(names ...string) string { return "tokens_" + strings.Join(names, "_") }

func scopesEchoed(names ...string) []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for _, name := range names {
		checks = append(checks, statecheck.ExpectKnownValue("echo."+echoName(names...), tfjsonpath.New("data").AtMapKey(name),
			knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("read:resource_servers")})))
	}
	return checks
}

// tokenWith asks for a Management API token as the client, signed with key i;
// nil means the token was issued.
func (e *testEnv) tokenWith(clientID string, i int) error {
	_, err := e.client.RequestToken(e.t.Context(), mgmt.TokenRequest{ClientID: clientID,
		ClientAssertionKey: assertionKeys()[i], Audience: e.client.Audience()})
	return err
}

// keysWork checks which keys get the client a token and which are refused.
func (e *testEnv) keysWork(works []int, refused []int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		clientID := clientIDOf(s, "idp_client.svc")
		for _, i := range works {
			if err := e.tokenWith(clientID, i); err != nil {
				return fmt.Errorf("key %d: %v", i, err)
			}
		}
		for _, i := range refused {
			var apiErr *mgmt.Error
			if err := e.tokenWith(clientID, i); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
				return fmt.Errorf("key %d: want 401, got %v", i, err)
			}
		}
		return nil
	}
}

// clientSecret is the secret the server keeps for a client of the root
// tenant, read from its store: as Auth0 does, it answers no secret while the
// client uses private_key_jwt, though it keeps it.
func (e *testEnv) clientSecret(clientID string) (string, error) {
	raw, err := e.store.Get(server.RootTenant, server.KindClients, clientID)
	if err != nil {
		return "", fmt.Errorf("reading the secret: %v", err)
	}
	var rec struct {
		ClientSecret string `json:"client_secret"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil || rec.ClientSecret == "" {
		return "", fmt.Errorf("reading the secret: %v", err)
	}
	return rec.ClientSecret, nil
}

// noClientSecretOrKey: neither the client's secret (as the server keeps
// it) nor any private key is in the state.
func (e *testEnv) noClientSecretOrKey(t *testing.T, clientID *string) statecheck.StateCheck {
	return stateCheckFunc(func(req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		secrets := []string{}
		for _, k := range assertionKeys() {
			lines := strings.Split(strings.TrimSpace(keyPEM(t, k)), "\n")
			secrets = append(secrets, lines[len(lines)/2]) // a line from the key's private part
		}
		if *clientID != "" {
			secret, err := e.clientSecret(*clientID)
			if err != nil {
				resp.Error = err
				return
			}
			secrets = append(secrets, secret)
		}
		absentFromState(secrets...).CheckState(t.Context(), req, resp)
	})
}

// Keys given, rotated without downtime and taken away; the state holds no
// secret and no private key; import, and drift repaired.
func TestAccClientCredentials_rotation(t *testing.T) {
	env := newTestEnv(t)
	ctx := t.Context()
	var clientID, disabled string
	one := map[string]int{"k1": 0}
	both := map[string]int{"k1": 0, "k2": 1}
	second := map[string]int{"k2": 1}
	noSecret := env.noClientSecretOrKey(t, &clientID)
	credentialID := func(name string) string {
		all, err := env.client.ListClientCredentials(ctx, clientID)
		if err != nil {
			t.Fatal(err)
		}
		for _, cr := range all {
			if *cr.Name == name {
				return *cr.ID
			}
		}
		t.Fatalf("no credential %q", name)
		return ""
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: flowProviders(),
		CheckDestroy: env.checkGone("idp_client", func(ctx context.Context, id string) error {
			_, err := env.client.GetApplication(ctx, id)
			return err
		}),
		Steps: []resource.TestStep{
			{
				Config: env.config(credsConfig(t, "private_key_jwt", one, ephemeralTokens(t, one))),
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error { clientID = clientIDOf(s, "idp_client.svc"); return nil },
					env.keysWork([]int{0}, []int{1}),
				),
				ConfigStateChecks: append(scopesEchoed("k1"),
					statecheck.ExpectKnownValue(credsAddr, tfjsonpath.New("credentials").AtMapKey("k1").AtMapKey("algorithm"),
						knownvalue.StringExact("RS256")),
					statecheck.ExpectKnownValue(credsAddr, tfjsonpath.New("credentials").AtMapKey("k1").AtMapKey("key_id"),
						knownvalue.NotNull()),
				),
			},
			{
				// A second key: both work, and the first keeps its id.
				Config: env.config(credsConfig(t, "private_key_jwt", both, ephemeralTokens(t, both))),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(credsAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("idp_client.svc", plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue(credsAddr, tfjsonpath.New("credentials").AtMapKey("k1").AtMapKey("id"),
						knownvalue.StringRegexp(regexp.MustCompile(`^cred_`))),
				}},
				Check: env.keysWork([]int{0, 1}, []int{2}),
				ConfigStateChecks: append(scopesEchoed("k1", "k2"), noSecret,
					statecheck.ExpectKnownValue("idp_client.svc", tfjsonpath.New("client_secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue("idp_client.svc", tfjsonpath.New("token_endpoint_auth_method"),
						knownvalue.StringExact("private_key_jwt")),
				),
			},
			{
				// The first taken away: refused, the second still works.
				Config:            env.config(credsConfig(t, "private_key_jwt", second, "")),
				Check:             env.keysWork([]int{1}, []int{0}),
				ConfigStateChecks: []statecheck.StateCheck{noSecret},
			},
			{
				ResourceName:            credsAddr,
				ImportState:             true,
				ImportStateIdFunc:       func(s *terraform.State) (string, error) { return clientIDOf(s, "idp_client.svc"), nil },
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"credentials.k2.pem"},
			},
			{
				// An import block with the configuration: the pem, which the
				// server never answers, is filled in; the key is kept (its kid
				// matches), not replaced.
				Config:             env.config(credsConfig(t, "private_key_jwt", second, "")),
				ResourceName:       credsAddr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ImportStateIdFunc:  func(s *terraform.State) (string, error) { return clientIDOf(s, "idp_client.svc"), nil },
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(credsAddr, tfjsonpath.New("credentials").AtMapKey("k2").AtMapKey("id"),
						knownvalue.StringRegexp(regexp.MustCompile(`^cred_`))),
					plancheck.ExpectKnownValue(credsAddr, tfjsonpath.New("credentials").AtMapKey("k2").AtMapKey("pem"),
						knownvalue.StringExact(pemPublicKey(t, assertionKeys()[1]))),
				}},
			},
			{
				// Deleted behind Terraform's back: registered again.
				PreConfig: func() {
					if err := env.client.DeleteClientCredential(ctx, clientID, credentialID("k2")); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(credsConfig(t, "private_key_jwt", second, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(credsAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(credsAddr, tfjsonpath.New("credentials").AtMapKey("k2").AtMapKey("id")),
				}},
				Check: env.keysWork([]int{1}, []int{0}),
			},
			{
				// Disabled behind Terraform's back but still registered: enabled
				// again, the same credential (adopted, not registered twice).
				PreConfig: func() {
					disabled = credentialID("k2")
					if _, err := env.client.UsePrivateKeyJWT(ctx, clientID, []string{}); err != nil {
						t.Fatal(err)
					}
					if err := env.tokenWith(clientID, 1); err == nil {
						t.Fatal("a disabled key still gets a token")
					}
				},
				Config: env.config(credsConfig(t, "private_key_jwt", second, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(credsAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(env.keysWork([]int{1}, []int{0}), func(*terraform.State) error {
					if id := credentialID("k2"); id != disabled {
						return fmt.Errorf("k2 is %s, was %s: registered again rather than enabled", id, disabled)
					}
					return nil
				}),
			},
			{
				// Switched to the secret behind Terraform's back, with a key
				// added: the method is put back and the stranger deleted.
				PreConfig: func() {
					if _, err := env.client.UseTokenEndpointAuthMethod(ctx, clientID, "client_secret_post"); err != nil {
						t.Fatal(err)
					}
					if _, err := env.client.CreateClientCredential(ctx, clientID, &mgmt.ClientCredential{
						Name: mgmt.String("stranger"), PEM: mgmt.String(pemPublicKey(t, assertionKeys()[2]))}); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(credsConfig(t, "private_key_jwt", second, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(credsAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(env.keysWork([]int{1}, []int{0, 2}), func(*terraform.State) error {
					all, err := env.client.ListClientCredentials(ctx, clientID)
					if err != nil || len(all) != 1 {
						return fmt.Errorf("credentials left: %d, %v", len(all), err)
					}
					return nil
				}),
			},
			{
				// Back to the secret: it works again, the keys are gone.
				Config: env.config(credsConfig(t, "client_secret_post", nil, "")),
				Check: resource.ComposeTestCheckFunc(env.keysWork(nil, []int{1}), func(*terraform.State) error {
					secret, err := env.clientSecret(clientID)
					if err != nil {
						return err
					}
					if _, err := env.client.RequestToken(ctx, mgmt.TokenRequest{ClientID: clientID, ClientSecret: secret,
						Audience: env.client.Audience()}); err != nil {
						return fmt.Errorf("the secret after switching back: %v", err)
					}
					if all, err := env.client.ListClientCredentials(ctx, clientID); err != nil || len(all) != 0 {
						return fmt.Errorf("credentials left: %d, %v", len(all), err)
					}
					return nil
				}),
			},
		},
	})
}

// recordedCalls records the credential and client writes the server
// receives, in order, but for the PATCH that only settles a client's create
// marker (DESIGN.md, "Leftovers of a killed apply").
type recordedCalls struct {
	mu    sync.Mutex
	calls []string
}

func (rc *recordedCalls) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && strings.Contains(r.URL.Path, "/api/v2/clients/") && !onlyMetadata(r) {
			rc.mu.Lock()
			rc.calls = append(rc.calls, r.Method+" "+credentialRoute(r.URL.Path))
			rc.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// onlyMetadata says whether r is a PATCH of a client's client_metadata alone, and leaves its
// body readable.
func onlyMetadata(r *http.Request) bool {
	if r.Method != http.MethodPatch || r.Body == nil {
		return false
	}
	b, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	var fields map[string]json.RawMessage
	if err != nil || json.Unmarshal(b, &fields) != nil {
		return false
	}
	_, md := fields["client_metadata"]
	return md && len(fields) == 1
}

func credentialRoute(p string) string {
	_, rest, _ := strings.Cut(p, "/api/v2/clients/")
	parts := strings.Split(rest, "/")
	if len(parts) == 1 {
		return "client"
	}
	return strings.Join(parts[1:2], "/")
}

func (rc *recordedCalls) take() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := rc.calls
	rc.calls = nil
	return out
}

// At Auth0's limit of two keys, replacing one deletes it first while the
// other keeps working; below the limit, the new key is registered and
// enabled before the old one goes.
func TestAccClientCredentials_replaceOrder(t *testing.T) {
	rc := &recordedCalls{}
	env := newTestEnvWith(t, rc.wrap)
	expect := func(want ...string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got := rc.take()
			if strings.Join(got, ", ") != strings.Join(want, ", ") {
				return fmt.Errorf("calls %v, want %v", got, want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.config(credsConfig(t, "private_key_jwt", map[string]int{"k1": 0}, "")),
				Check:  func(*terraform.State) error { rc.take(); return nil },
			},
			{
				// Below the limit: new key, enabled beside the old, then the old one goes.
				Config: env.config(credsConfig(t, "private_key_jwt", map[string]int{"k1": 1}, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(credsAddr, tfjsonpath.New("credentials").AtMapKey("k1").AtMapKey("id")),
				}},
				Check: resource.ComposeTestCheckFunc(
					expect("POST credentials", "PATCH client", "PATCH client", "DELETE credentials"),
					env.keysWork([]int{1}, []int{0})),
			},
			{
				Config: env.config(credsConfig(t, "private_key_jwt", map[string]int{"k1": 1, "k2": 2}, "")),
				Check:  func(*terraform.State) error { rc.take(); return nil },
			},
			{
				// At the limit: the old k1 goes first (k2 keeps working), then the new one comes.
				Config: env.config(credsConfig(t, "private_key_jwt", map[string]int{"k1": 0, "k2": 2}, "")),
				Check: resource.ComposeTestCheckFunc(
					expect("DELETE credentials", "POST credentials", "PATCH client"),
					env.keysWork([]int{0, 2}, []int{1})),
			},
		},
	})
}

// What the server would refuse, or what would lock the client out, is
// refused at plan, at the attribute.
func TestAccClientCredentials_refusedAtPlan(t *testing.T) {
	env := newTestEnv(t)
	pub := pemPublicKey(t, assertionKeys()[0])
	small, err := rsa.GenerateKey(rand.Reader, 1024) //nolint:gosec // a key too small on purpose
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&small.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	smallPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	cfg := func(method, creds string) string {
		return env.config(fmt.Sprintf(`
resource "idp_client_credentials" "svc" {
  client_id             = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
  authentication_method = %q
  credentials = {
%s
  }
}
`, method, creds))
	}
	one := func(name, pemText, extra string) string {
		if extra != "" {
			extra = ", " + extra
		}
		return fmt.Sprintf("    %q = { pem = %q%s }\n", name, pemText, extra)
	}
	for name, tc := range map[string]struct{ config, message string }{
		"private key": {cfg("private_key_jwt", one("a", keyPEM(t, assertionKeys()[0]), "")),
			`The pem is a PRIVATE KEY: give the public key (or a certificate) instead`},
		"not PEM": {cfg("private_key_jwt", one("a", "hello", "")), `The pem is not PEM`},
		"small key": {cfg("private_key_jwt", one("a", smallPEM, "")),
			`The pem holds an RSA key of 1024 bits; it must have 2048 to 4096`},
		"algorithm": {cfg("private_key_jwt", one("a", pub, `algorithm = "HS256"`)),
			`value must be one of: ["RS256" "RS384" "PS256"]`},
		"expires_at": {cfg("private_key_jwt", one("a", pub, `expires_at = "tomorrow"`)),
			`"tomorrow" is not an RFC 3339 date and time`},
		"expired": {cfg("private_key_jwt", one("a", pub, `expires_at = "2001-01-01T00:00:00Z"`)),
			`expires_at "2001-01-01T00:00:00Z" has passed`},
		"duplicate": {cfg("private_key_jwt", one("a", pub, "")+one("b", pub, "")),
			`The credentials "a" and "b" hold the same public key`},
		"no key": {cfg("private_key_jwt", ""), `With authentication_method "private_key_jwt" the client can`},
		"three": {cfg("private_key_jwt", one("a", pub, "")+one("b", pemPublicKey(t, assertionKeys()[1]), "")+
			one("c", pemPublicKey(t, assertionKeys()[2]), "")), `map must contain at most 2 elements`},
		"method": {cfg("client_secret_jwt", ""), `authentication_method value must be one of`},
		"client_id": {strings.Replace(cfg("none", ""), "AbCdEfGhIjKlMnOpQrStUvWxYz012345", "nope", 1),
			`"nope" is not a client ID: the service issues client IDs of 32 letters and digits`},
	} {
		t.Run(name, func(t *testing.T) {
			refusedAtPlan(t, tc.config, tc.message)
		})
	}
}

// The resource has its identity after create and imports by it; the plan
// then only fills in the pem (Terraform 1.14 and later: make testquery).
func TestAccQuery_clientCredentialsIdentity(t *testing.T) {
	env := newTestEnv(t)
	cfg := env.config(credsConfig(t, "private_key_jwt", map[string]int{"k1": 0}, ""))
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   queryVersionChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(credsAddr, map[string]knownvalue.Check{
					"client_id": knownvalue.StringRegexp(clientIDRegexp),
				})},
			},
			{
				Config:             cfg,
				ResourceName:       credsAddr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(credsAddr, tfjsonpath.New("credentials").AtMapKey("k1").AtMapKey("id"),
						knownvalue.StringRegexp(regexp.MustCompile(`^cred_`))),
				}},
			},
			{Config: cfg},
		},
	})
}

// An idp_client whose method idp_client_credentials owns: updating it
// leaves the client on private_key_jwt, and its secret, given write-only,
// is neither in state nor usable.
func TestAccClientCredentials_clientUpdateKeepsKeys(t *testing.T) {
	env := newTestEnv(t)
	const secret = "write-only-secret-of-the-signing-client"
	cfg := func(name string) string {
		return env.config(strings.Replace(credsConfig(t, "private_key_jwt", map[string]int{"k1": 0}, ""),
			`name = "Signs its assertions"`, fmt.Sprintf("name = %q\n  client_secret_wo = %q\n  client_secret_wo_version = 1",
				name, secret), 1))
	}
	secretRefused := func(s *terraform.State) error {
		var apiErr *mgmt.Error
		_, err := env.client.RequestToken(t.Context(), mgmt.TokenRequest{ClientID: clientIDOf(s, "idp_client.svc"),
			ClientSecret: secret, Audience: env.client.Audience()})
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
			return fmt.Errorf("the secret of a private_key_jwt client: want 401, got %v", err)
		}
		return nil
	}
	noSecret := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("idp_client.svc", tfjsonpath.New("client_secret"), knownvalue.Null()),
		statecheck.ExpectKnownValue("idp_client.svc", tfjsonpath.New("token_endpoint_auth_method"),
			knownvalue.StringExact("private_key_jwt")),
		absentFromState(secret),
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg("Before"),
				Check:  resource.ComposeTestCheckFunc(env.keysWork([]int{0}, []int{1}), secretRefused),
			},
			{
				Config: cfg("After"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("idp_client.svc", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(credsAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: noSecret,
				Check:             resource.ComposeTestCheckFunc(env.keysWork([]int{0}, []int{1}), secretRefused),
			},
		},
	})
}

// A create that fails after registering a key saves what it did, tainted:
// the next apply replaces it, and no key is left that Terraform does not know.
func TestAccClientCredentials_failedCreateSaved(t *testing.T) {
	var failed atomic.Bool
	env := newTestEnvWith(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// The switch to private_key_jwt, once: a 400 is not retried.
			if r.Method == http.MethodPatch && credentialRoute(r.URL.Path) == "client" && !onlyMetadata(r) && !failed.Swap(true) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"statusCode":400,"error":"Bad Request","message":"injected","errorCode":"invalid_body"}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	cfg := env.config(credsConfig(t, "private_key_jwt", map[string]int{"k1": 0}, ""))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: expectMessage("Terraform saves the client credentials as tainted"),
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(credsAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(credsAddr, tfjsonpath.New("credentials").AtMapKey("k1").AtMapKey("id"),
						knownvalue.StringRegexp(regexp.MustCompile(`^cred_`))),
				},
				Check: resource.ComposeTestCheckFunc(env.keysWork([]int{0}, []int{1}), func(s *terraform.State) error {
					all, err := env.client.ListClientCredentials(t.Context(), clientIDOf(s, "idp_client.svc"))
					if err != nil || len(all) != 1 {
						return fmt.Errorf("credentials: %d, %v", len(all), err)
					}
					return nil
				}),
			},
		},
	})
}

// Pointed at another client, the resource is replaced: the keys move, and
// the first client is back on its secret without keys.
func TestAccClientCredentials_otherClient(t *testing.T) {
	env := newTestEnv(t)
	cfg := func(target string) string {
		return env.config(fmt.Sprintf(`
resource "idp_client" "a" {
  name = "a"
}

resource "idp_client" "b" {
  name = "b"
}

resource "idp_client_credentials" "svc" {
  client_id             = idp_client.%s.client_id
  authentication_method = "private_key_jwt"
  credentials = {
    k1 = { pem = %q }
  }
}
`, target, pemPublicKey(t, assertionKeys()[0])))
	}
	method := func(addr, want string, keys int) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			id := clientIDOf(s, addr)
			a, err := env.client.GetApplication(t.Context(), id)
			if err != nil {
				return err
			}
			all, err := env.client.ListClientCredentials(t.Context(), id)
			if err != nil {
				return err
			}
			if got := authMethod(a); got != want || len(all) != keys {
				return fmt.Errorf("%s: method %s with %d keys, want %s with %d", addr, got, len(all), want, keys)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg("a"),
				Check:  method("idp_client.a", "private_key_jwt", 1),
			},
			{
				Config: cfg("b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(credsAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeTestCheckFunc(method("idp_client.b", "private_key_jwt", 1),
					method("idp_client.a", "client_secret_post", 0)),
			},
		},
	})
}

// A client on private_key_jwt is listed as idp_client with the method left
// to idp_client_credentials (null) and no secret (Terraform 1.14 and later).
func TestAccQuery_clientListPrivateKeyJWT(t *testing.T) {
	e := newTestEnv(t)
	ctx := t.Context()
	app, err := e.client.CreateApplication(ctx, &mgmt.Application{Name: mgmt.String("signer"),
		GrantTypes: &[]string{"client_credentials"}})
	if err != nil {
		t.Fatal(err)
	}
	id := *app.ClientID
	cr, err := e.client.CreateClientCredential(ctx, id, &mgmt.ClientCredential{PEM: mgmt.String(pemPublicKey(t, assertionKeys()[0]))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.UsePrivateKeyJWT(ctx, id, []string{*cr.ID}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   queryVersionChecks,
		Steps: []resource.TestStep{{
			Query: true,
			Config: e.providerConfig() + `
list "idp_client" "all" {
  provider         = idp
  include_resource = true
}
`,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectResourceKnownValues("idp_client.all", byIdentity("client_id", id), []querycheck.KnownValueCheck{
					valueAt("name", "signer"), nullAt("client_secret"), nullAt("token_endpoint_auth_method"),
				}),
			},
		}},
	})
}
