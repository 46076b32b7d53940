package provider

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

// assertionKeys are three RSA keys: the first is registered by pkjwtClient, the second never by it;
// idp_client_credentials tests register them all.
var assertionKeys = sync.OnceValue(func() [3]*rsa.PrivateKey {
	var keys [3]*rsa.PrivateKey
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[i] = k
	}
	return keys
})

// keyPEM is a key in PKCS #8 PEM, as openssl genpkey writes it.
func keyPEM(t testing.TB, k *rsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// pkjwtClient makes, over HTTP, a client that authenticates with the first of assertionKeys
// (a public_key credential, private_key_jwt), granted scopes on the Management API.
func (e *testEnv) pkjwtClient(scopes ...string) string {
	e.t.Helper()
	return e.pkjwtClientWith(assertionKeys()[0], scopes...)
}

// pkjwtClientWith is pkjwtClient for a client whose registered key is key's public half.
func (e *testEnv) pkjwtClientWith(key *rsa.PrivateKey, scopes ...string) string {
	t := e.t
	t.Helper()
	ctx := t.Context()
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(map[string]any{
		"name": "pkjwt", "app_type": "non_interactive", "grant_types": []string{"client_credentials"},
		"client_authentication_methods": map[string]any{"private_key_jwt": map[string]any{"credentials": []any{map[string]any{
			"credential_type": "public_key", "alg": "RS256",
			"pem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		ClientID string `json:"client_id"`
	}
	e.adminCall(ctx, http.MethodPost, "/api/v2/clients", body, &out)
	if _, err := e.client.CreateClientGrant(ctx, &mgmt.ClientGrant{
		ClientID: &out.ClientID, Audience: mgmt.String(e.client.Audience()), Scope: &scopes,
	}); err != nil {
		t.Fatalf("create grant: %v", err)
	}
	return out.ClientID
}

func (e *testEnv) adminCall(ctx context.Context, method, route string, body []byte, out any) {
	t := e.t
	t.Helper()
	tok, err := e.client.RequestToken(ctx, mgmt.TokenRequest{Audience: e.client.Audience()})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.url+route, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: status %d", method, route, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

func keyProviderBlock(url, clientID, key string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nprovider \"idp\" {\n  domain    = %q\n  client_id = %q\n  client_assertion_private_key = %q\n",
		url, clientID, key)
	for _, arg := range extra {
		b.WriteString("  " + arg + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// A provider signed in with a private key and no secret plans and applies.
func TestAccProvider_clientAssertion(t *testing.T) {
	env := newTestEnv(t)
	clientID := env.pkjwtClient("create:resource_servers", "read:resource_servers", "update:resource_servers",
		"delete:resource_servers")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: keyProviderBlock(env.url, clientID, keyPEM(t, assertionKeys()[0]), `client_assertion_signing_alg = "RS256"`) + `
resource "idp_resource_server" "api" {
  name       = "Made with a key"
  identifier = "https://key.example.com/"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("idp_resource_server.api", tfjsonpath.New("id"), knownvalue.NotNull()),
			},
		}},
		CheckDestroy: env.checkGone("idp_resource_server", func(ctx context.Context, id string) error {
			_, err := env.client.GetResourceServer(ctx, id)
			return err
		}),
	})
}

// A key that is not registered for the client fails the plan, saying so.
func TestAccProvider_clientAssertionUnregisteredKey(t *testing.T) {
	env := newTestEnv(t)
	clientID := env.pkjwtClient("read:resource_servers")
	refusedAtPlan(t, keyProviderBlock(env.url, clientID, keyPEM(t, assertionKeys()[1]))+anyResource,
		fmt.Sprintf(`%s/oauth/token refused the provider's client assertion: the private key `+
			`(client_assertion_private_key or IDP_CLIENT_ASSERTION_PRIVATE_KEY) is not registered for client %q.`,
			env.url, clientID))
}

func TestAccProvider_clientAssertionRefusedAtPlan(t *testing.T) {
	env := newTestEnv(t)
	key := keyPEM(t, assertionKeys()[0])
	for name, tc := range map[string]struct{ provider, message string }{
		"with secret": {clientProviderBlock(env.url, "AbCdEfGhIjKlMnOpQrStUvWxYz012345", "s", fmt.Sprintf("client_assertion_private_key = %q", key)),
			`Attribute "client_secret" cannot be specified when "client_assertion_private_key" is specified`},
		"with api token": {fmt.Sprintf("provider \"idp\" {\n  domain = %q\n  api_token = \"t\"\n  "+
			"client_assertion_private_key = %q\n}\n", env.url, key),
			`Attribute "api_token" cannot be specified when "client_assertion_private_key" is specified`},
		"bad PEM": {keyProviderBlock(env.url, "AbCdEfGhIjKlMnOpQrStUvWxYz012345", "-----BEGIN PRIVATE KEY-----\nhunter2\n-----END PRIVATE KEY-----\n"),
			`The value is not a usable RSA private key: it is not PEM`},
		"public key": {keyProviderBlock(env.url, "AbCdEfGhIjKlMnOpQrStUvWxYz012345", pemPublicKey(t, assertionKeys()[0])),
			`its PEM block is a "PUBLIC KEY", not a "PRIVATE KEY" or "RSA PRIVATE KEY"`},
		"bad alg": {keyProviderBlock(env.url, "AbCdEfGhIjKlMnOpQrStUvWxYz012345", key, `client_assertion_signing_alg = "HS256"`),
			`value must be one of: ["RS256" "RS384" "PS256"]`},
		"no client_id": {fmt.Sprintf("provider \"idp\" {\n  domain = %q\n  client_assertion_private_key = %q\n}\n",
			env.url, key), `client_id is not: set client_id or IDP_CLIENT_ID.`},
	} {
		t.Run(name, func(t *testing.T) {
			refusedAtPlan(t, tc.provider+anyResource, tc.message)
		})
	}
}

func pemPublicKey(t testing.TB, k *rsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// The refusal of a key that does not parse never quotes it.
func TestPrivateKeyValidatorDoesNotEcho(t *testing.T) {
	key := keyPEM(t, assertionKeys()[0])
	broken := strings.Replace(key, "\n", "\n!", 3)
	for _, v := range []string{"hunter2-not-a-key", broken, key[:len(key)/2]} {
		resp := &validator.StringResponse{}
		validators.PrivateKeyPEM().ValidateString(t.Context(), validator.StringRequest{
			Path: path.Root("client_assertion_private_key"), ConfigValue: types.StringValue(v),
		}, resp)
		if !resp.Diagnostics.HasError() {
			t.Fatalf("%.20q accepted", v)
		}
		for _, d := range resp.Diagnostics {
			msg := d.Summary() + d.Detail()
			if strings.Contains(msg, "hunter2") || strings.Contains(msg, key[40:70]) {
				t.Errorf("the diagnostic quotes the key: %s", msg)
			}
		}
	}
}

// The ephemeral idp_token authenticates with a private key too (the data
// source takes none, since its arguments are stored in the state).
func TestAccToken_clientAssertion(t *testing.T) {
	env := newTestEnv(t)
	clientID := env.pkjwtClient("read:resource_servers")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: flowProviders(),
		Steps: []resource.TestStep{{
			Config: env.config(fmt.Sprintf(`
ephemeral "idp_token" "t" {
  audience                     = "%s/api/v2/"
  client_id                    = %q
  client_assertion_private_key = %q
  client_assertion_signing_alg = "RS256"
}

provider "echo" {
  data = ephemeral.idp_token.t.access_token
}

resource "echo" "t" {}
`, env.url, clientID, keyPEM(t, assertionKeys()[0]))),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.t", tfjsonpath.New("data"), knownvalue.StringFunc(func(v string) error {
					c, err := verifyToken(env.url, v)
					if err != nil {
						return err
					}
					if c.Azp != clientID || c.Scope != "read:resource_servers" {
						return fmt.Errorf("token azp %q scope %q", c.Azp, c.Scope)
					}
					return nil
				})),
			},
		}},
	})
}

// The ephemeral idp_token with a key the client does not have says so.
func TestAccToken_clientAssertionUnregisteredKey(t *testing.T) {
	env := newTestEnv(t)
	clientID := env.pkjwtClient("read:resource_servers")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: flowProviders(),
		Steps: []resource.TestStep{{
			Config: env.config(fmt.Sprintf(`
ephemeral "idp_token" "t" {
  audience                     = "%s/api/v2/"
  client_id                    = %q
  client_assertion_private_key = %q
}

provider "echo" {
  data = ephemeral.idp_token.t.token_type
}

resource "echo" "t" {}
`, env.url, clientID, keyPEM(t, assertionKeys()[1]))),
			PlanOnly: true,
			ExpectError: expectMessage(fmt.Sprintf(
				`refused the client assertion of client %q: the private key is not registered for that client.`, clientID)),
		}},
	})
}

// The key and its alg come from the environment too, and a secret there conflicts with a key.
func TestAccProvider_clientAssertionFromEnvironment(t *testing.T) {
	clearIDPEnv(t)
	env := newTestEnv(t)
	clientID := env.pkjwtClient("read:resource_servers")
	t.Setenv("IDP_DOMAIN", env.url)
	t.Setenv("IDP_CLIENT_ID", clientID)
	t.Setenv("IDP_CLIENT_ASSERTION_PRIVATE_KEY", keyPEM(t, assertionKeys()[0]))
	t.Setenv("IDP_CLIENT_ASSERTION_SIGNING_ALG", "RS256")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "idp" {}

data "idp_endpoints" "e" {}

data "idp_token" "t" {
  audience = data.idp_endpoints.e.management_api_audience
}
`,
			Check: resource.TestCheckResourceAttrSet("data.idp_token.t", "access_token"),
		}},
	})
	t.Setenv("IDP_CLIENT_SECRET", "s")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      "provider \"idp\" {}\n" + anyResource,
			PlanOnly:    true,
			ExpectError: expectMessage(`Both client_secret (or IDP_CLIENT_SECRET) and client_assertion_private_key (or IDP_CLIENT_ASSERTION_PRIVATE_KEY) are set.`),
		}},
	})
}
