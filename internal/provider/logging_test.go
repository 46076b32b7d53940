package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// How TestAccProvider_noSecretsInTraceLogs gives each attribute the
// schemas mark sensitive a value that must not appear in the log. A
// sentinel is a value the test chooses; attributes the server fills in
// cannot take one, so their values are taken from the server's answers
// (wireSecrets) instead, which are just as unique.
var sensitiveCoverage = map[string]string{
	"provider.client_secret":                           "sentinel, the server's admin client secret",
	"provider.api_token":                               "a second provider's api_token, the ephemeral token (on the wire)",
	"resource.idp_resource_server.signing_secret":      "sentinel",
	"resource.idp_resource_server.signing_secret_wo":   "sentinel",
	"resource.idp_client.client_secret":                "server-generated (on the wire)",
	"resource.idp_client.client_secret_wo":             "sentinel",
	"resource.idp_tenant.management_client_secret":     "server-generated (on the wire)",
	"data.idp_client.client_secret":                    "read from the server (on the wire)",
	"data.idp_resource_server.signing_secret":          "sentinel, read back",
	"data.idp_token.client_secret":                     "an idp_client's secret (on the wire)",
	"data.idp_token.access_token":                      "server-issued (on the wire)",
	"ephemeral.idp_token.client_secret":                "another idp_client's secret (on the wire)",
	"ephemeral.idp_token.access_token":                 "server-issued (on the wire)",
	"provider.client_assertion_private_key":            "a generated key's PEM lines; its assertions (on the wire)",
	"ephemeral.idp_token.client_assertion_private_key": "the same key",
}

// sensitiveAttributes walks the provider's schemas, as Terraform receives
// them, and names every sensitive attribute at any depth, e.g.
// "resource.idp_client.client_secret".
func sensitiveAttributes(t *testing.T) []string {
	t.Helper()
	srv, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Fatalf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
	}
	var out []string
	var walkAttrs func(prefix string, attrs []*tfprotov6.SchemaAttribute)
	var walkBlock func(prefix string, b *tfprotov6.SchemaBlock)
	walkAttrs = func(prefix string, attrs []*tfprotov6.SchemaAttribute) {
		for _, a := range attrs {
			if a.Sensitive {
				out = append(out, prefix+a.Name)
			}
			if a.NestedType != nil {
				walkAttrs(prefix+a.Name+".", a.NestedType.Attributes)
			}
		}
	}
	walkBlock = func(prefix string, b *tfprotov6.SchemaBlock) {
		if b == nil {
			return
		}
		walkAttrs(prefix, b.Attributes)
		for _, nb := range b.BlockTypes {
			walkBlock(prefix+nb.TypeName+".", nb.Block)
		}
	}
	walkBlock("provider.", resp.Provider.Block)
	for kind, schemas := range map[string]map[string]*tfprotov6.Schema{
		"resource": resp.ResourceSchemas, "data": resp.DataSourceSchemas,
		"ephemeral": resp.EphemeralResourceSchemas, "list": resp.ListResourceSchemas,
	} {
		for name, s := range schemas {
			walkBlock(kind+"."+name+".", s.Block)
		}
	}
	slices.Sort(out)
	return out
}

// wireSecrets records the secrets in the server's answers: every token it
// issues (the provider's own, idp_token's, the ephemeral one's in plan and
// apply) and every client, signing and tenant secret it sends.
type wireSecrets struct {
	mu         sync.Mutex
	values     map[string]bool
	assertions int
}

func (ws *wireSecrets) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/oauth/token") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if form, err := url.ParseQuery(string(body)); err == nil && form.Get("client_assertion") != "" {
				ws.mu.Lock()
				ws.values[form.Get("client_assertion")] = true
				ws.assertions++
				ws.mu.Unlock()
			}
		}
		tw := &teeWriter{ResponseWriter: w}
		next.ServeHTTP(tw, r)
		var body any
		if json.Unmarshal(tw.body.Bytes(), &body) == nil {
			ws.mu.Lock()
			ws.collect(body)
			ws.mu.Unlock()
		}
	})
}

func (ws *wireSecrets) collect(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && (k == "access_token" || k == "client_secret" || k == "signing_secret") {
				ws.values[s] = true
			}
			ws.collect(x)
		}
	case []any:
		for _, x := range v {
			ws.collect(x)
		}
	}
}

func (ws *wireSecrets) list() []string {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	var out []string
	for s := range ws.values {
		out = append(out, s)
	}
	return out
}

// teeWriter keeps a copy of what a handler writes.
type teeWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *teeWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

// At TF_LOG=TRACE, neither Terraform's log nor the provider's holds a
// secret: a value in any attribute the schemas mark sensitive (every one of
// them: sensitiveAttributes), a token, or a secret the provider only
// passes through (a connection's options.configuration and customScripts).
func TestAccProvider_noSecretsInTraceLogs(t *testing.T) {
	sensitive := sensitiveAttributes(t)
	for _, a := range sensitive {
		if _, ok := sensitiveCoverage[a]; !ok {
			t.Errorf("sensitive attribute %s is not covered: give it a value in this test's configuration and add it "+
				"to sensitiveCoverage", a)
		}
	}
	for a := range sensitiveCoverage {
		if !slices.Contains(sensitive, a) {
			t.Errorf("sensitiveCoverage names %s, which is not a sensitive attribute", a)
		}
	}
	if t.Failed() {
		return
	}

	clearIDPEnv(t)
	logFile := filepath.Join(t.TempDir(), "trace.log")
	if p := os.Getenv("IDP_TEST_KEEP_LOG"); p != "" {
		logFile = p
	}
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	sentinels := map[string]string{
		"provider client_secret":           "sentinel-provider-client-secret-5b0e1",
		"signing_secret":                   "sentinel-signing-secret-5b0e2",
		"signing_secret_wo":                "sentinel-signing-secret-wo-5b0e3",
		"connection options.configuration": "sentinel-connection-configuration-5b0e4",
		"connection options.customScripts": "sentinel-custom-script-5b0e5",
		"client_secret_wo":                 "sentinel-client-secret-wo-5b0e6",
	}
	wire := &wireSecrets{values: map[string]bool{}}
	env := newTestEnvOpts(t, server.Options{AdminClientSecret: sentinels["provider client_secret"]}, wire.wrap)
	keyClient := env.pkjwtClient("read:resource_servers")
	key := keyPEM(t, assertionKeys()[0])
	keyLines := strings.Split(strings.TrimSpace(key), "\n")
	for i, line := range keyLines[1 : len(keyLines)-2] { // the last body line may be short
		sentinels[fmt.Sprintf("client_assertion_private_key line %d", i+1)] = line
	}

	config := func(passwordPolicy string) string {
		return env.config(fmt.Sprintf(`
resource "idp_resource_server" "hs" {
  name           = "Secretive API"
  identifier     = "https://secretive.example.com/"
  signing_alg    = "HS256"
  signing_secret = %[2]q
  scopes         = [{ value = "read:x" }]
}

resource "idp_resource_server" "wo" {
  name                      = "Write-only API"
  identifier                = "https://write-only.example.com/"
  signing_alg               = "HS256"
  signing_secret_wo         = %[3]q
  signing_secret_wo_version = 1
}

resource "idp_client" "svc" {
  name = "Secretive Service"
}

resource "idp_client_grant" "svc" {
  client_id = idp_client.svc.client_id
  audience  = idp_resource_server.hs.identifier
  scope     = ["read:x"]
}

resource "idp_client" "wo" {
  name                     = "Write-only Client"
  client_secret_wo         = %[7]q
  client_secret_wo_version = 1
}

resource "idp_client" "eph" {
  name = "Ephemeral Reader"
}

resource "idp_client_grant" "eph" {
  client_id = idp_client.eph.client_id
  audience  = "%[1]s/api/v2/"
  scope     = ["read:resource_servers"]
}

resource "idp_tenant" "t" {
  name   = "secretive-tenant"
  owners = ["owner@secretive.example"]
}

resource "idp_connection" "db" {
  name            = "secretive-db"
  password_policy = "%[4]s"
}

data "idp_client" "svc" {
  client_id = idp_client.svc.client_id
}

data "idp_resource_server" "hs" {
  identifier = idp_resource_server.hs.identifier
}

data "idp_token" "svc" {
  audience      = idp_client_grant.svc.audience
  client_id     = idp_client.svc.client_id
  client_secret = idp_client.svc.client_secret
}

ephemeral "idp_token" "eph" {
  audience      = idp_client_grant.eph.audience
  client_id     = idp_client.eph.client_id
  client_secret = idp_client.eph.client_secret
}

provider "idpbytoken" {
  domain    = %[1]q
  api_token = ephemeral.idp_token.eph.access_token
}

data "idp_resource_server" "bytoken" {
  provider   = idpbytoken
  identifier = idp_resource_server.wo.identifier
}

provider "idpbykey" {
  domain                       = %[1]q
  client_id                    = %[5]q
  client_assertion_private_key = %[6]q
}

data "idp_resource_server" "bykey" {
  provider   = idpbykey
  identifier = idp_resource_server.wo.identifier
}

ephemeral "idp_token" "bykey" {
  audience                     = "%[1]s/api/v2/"
  client_id                    = %[5]q
  client_assertion_private_key = %[6]q
}

provider "idpbykeytoken" {
  domain    = %[1]q
  api_token = ephemeral.idp_token.bykey.access_token
}

data "idp_resource_server" "bykeytoken" {
  provider   = idpbykeytoken
  identifier = idp_resource_server.wo.identifier
}
`, env.url, sentinels["signing_secret"], sentinels["signing_secret_wo"], passwordPolicy, keyClient, key, sentinels["client_secret_wo"]))
	}

	var connectionID string
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: flowProviders("bytoken", "bykey", "bykeytoken"),
		Steps: []resource.TestStep{
			{
				Config: config("good"),
				Check: func(s *terraform.State) error {
					connectionID = s.RootModule().Resources["idp_connection.db"].Primary.ID
					return nil
				},
			},
			{
				// Secrets in options the provider does not manage but
				// reads, and sends back whole when it changes the others.
				PreConfig: func() {
					ctx := t.Context()
					cn, err := env.client.GetConnection(ctx, connectionID)
					if err != nil {
						t.Fatal(err)
					}
					if cn.Options.Extra == nil {
						cn.Options.Extra = map[string]json.RawMessage{}
					}
					cn.Options.Extra["configuration"] = json.RawMessage(
						fmt.Sprintf(`{"API_URL":%q}`, sentinels["connection options.configuration"]))
					cn.Options.Extra["customScripts"] = json.RawMessage(
						fmt.Sprintf(`{"login":"function (email, password, cb) { cb('%s'); }"}`, sentinels["connection options.customScripts"]))
					if _, err := env.client.UpdateConnection(ctx, connectionID, &mgmt.Connection{Options: cn.Options}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config("excellent"),
				Check:  func(*terraform.State) error { return checkSentinelsSent(env, connectionID, sentinels) },
			},
		},
	})
	if t.Failed() {
		return
	}
	secrets := map[string]string{}
	for name, v := range sentinels {
		secrets[name] = v
	}
	for i, v := range wire.list() {
		secrets[fmt.Sprintf("server-sent secret %d", i)] = v
	}
	// Tokens: the provider's two (plan and apply per step), idp_token's and
	// the ephemeral one's; secrets: two clients, a tenant's, the APIs'.
	wire.mu.Lock()
	assertions := wire.assertions
	wire.mu.Unlock()
	if assertions < 3 { // the provider's, idp_token's and the ephemeral one's
		t.Fatalf("only %d client assertions seen on the wire", assertions)
	}
	if n := len(secrets) - len(sentinels); n < 10 {
		t.Fatalf("only %d secrets seen on the wire; the test would prove little", n)
	}

	raw, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatalf("read log: %v", err)
	}
	log := string(raw)
	// TF_LOG=TRACE still shows everything: the protocol's and the
	// framework's TRACE lines, and the provider's own DEBUG and TRACE lines
	// (the client builds them because tflogLogger says the levels are on).
	// main's SilenceUnreadLogs only acts when no TF_LOG* is set; the binary
	// itself is tested in the root package (TestAccBinary_logsOnlyWhenAsked).
	for _, want := range []string{
		"[TRACE] sdk.proto: Received request",
		"[TRACE] sdk.framework: Calling provider defined",
		"[DEBUG] idp: HTTP response:",
		"[TRACE] idp: HTTP response body:",
		"[TRACE] idp: HTTP request body:",
		"/api/v2/connections/" + connectionID,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the TRACE log lacks %q lines", want)
		}
	}
	for name, secret := range secrets {
		if len(secret) < 16 {
			t.Fatalf("%s is %q: not captured", name, secret)
		}
		for _, line := range strings.Split(log, "\n") {
			// The test harness echoes the configuration the test wrote,
			// sentinels included, as lines starting with "|": that is this
			// test's own input, not something Terraform or the provider logs.
			if strings.HasPrefix(strings.TrimSpace(line), "|") {
				continue
			}
			if strings.Contains(line, secret) {
				t.Errorf("%s appears in the TRACE log: %.300s", name, line)
			}
		}
	}
}

// checkSentinelsSent checks that the sentinels did reach the server, so
// that their absence from the log means something.
func checkSentinelsSent(env *testEnv, connectionID string, sentinels map[string]string) error {
	ctx := env.t.Context()
	for name, identifier := range map[string]string{"signing_secret": "https://secretive.example.com/",
		"signing_secret_wo": "https://write-only.example.com/"} {
		rs, err := env.client.GetResourceServer(ctx, identifier)
		if err != nil {
			return err
		}
		if got := valueOr(rs.SigningSecret, ""); got != sentinels[name] {
			return fmt.Errorf("%s on the server is %q, not the sentinel", name, got)
		}
	}
	apps, err := env.client.ListApplications(ctx, mgmt.ApplicationFilter{})
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(apps, func(a *mgmt.Application) bool {
		return valueOr(a.Name, "") == "Write-only Client" && valueOr(a.ClientSecret, "") == sentinels["client_secret_wo"]
	}) {
		return fmt.Errorf("no client on the server has the client_secret_wo sentinel")
	}
	cn, err := env.client.GetConnection(ctx, connectionID)
	if err != nil {
		return err
	}
	if !strings.Contains(string(cn.Options.Extra["configuration"]), sentinels["connection options.configuration"]) {
		return fmt.Errorf("the update lost the connection's configuration: %s", cn.Options.Extra["configuration"])
	}
	return nil
}
