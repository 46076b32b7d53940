package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// At TF_LOG=TRACE, neither Terraform's log nor the provider's holds a
// secret: the provider's credentials, a client's secret, an API's signing
// secret, or a token.
func TestAccProvider_noSecretsInTraceLogs(t *testing.T) {
	clearIDPEnv(t)
	logFile := filepath.Join(t.TempDir(), "trace.log")
	if p := os.Getenv("IDP_TEST_KEEP_LOG"); p != "" {
		logFile = p
	}
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	env := newTestEnv(t)
	const signingSecret = "this-is-the-hs256-signing-secret"
	var secrets []string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.config(`
resource "idp_resource_server" "api" {
  name           = "Secretive API"
  identifier     = "https://secretive.example.com/"
  signing_alg    = "HS256"
  signing_secret = "` + signingSecret + `"
  scopes         = [{ value = "read:x" }]
}

resource "idp_client" "svc" {
  name = "Secretive Service"
}

resource "idp_client_grant" "g" {
  client_id = idp_client.svc.client_id
  audience  = idp_resource_server.api.identifier
  scope     = ["read:x"]
}

data "idp_token" "t" {
  audience      = idp_client_grant.g.audience
  client_id     = idp_client.svc.client_id
  client_secret = idp_client.svc.client_secret
}
`),
			Check: func(s *terraform.State) error {
				res := s.RootModule().Resources
				secrets = append(secrets,
					res["idp_client.svc"].Primary.Attributes["client_secret"],
					res["data.idp_token.t"].Primary.Attributes["access_token"])
				return nil
			},
		}},
	})
	secrets = append(secrets, env.srv.AdminClientSecret(), signingSecret)

	raw, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatalf("read log: %v", err)
	}
	log := string(raw)
	if !strings.Contains(log, "POST") || !strings.Contains(log, "/api/v2/clients") {
		t.Fatalf("the TRACE log (%d bytes) does not show the provider's requests; the test would prove nothing", len(log))
	}
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
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the TRACE log lacks %q lines", want)
		}
	}
	for i, secret := range secrets {
		if len(secret) < 16 {
			t.Fatalf("secret %d is %q: not captured", i, secret)
		}
		for _, line := range strings.Split(log, "\n") {
			// The test harness echoes the configuration the test wrote,
			// secrets included, as lines starting with "|": that is this
			// test's own input, not something Terraform or the provider logs.
			if strings.HasPrefix(strings.TrimSpace(line), "|") {
				continue
			}
			if strings.Contains(line, secret) {
				t.Errorf("secret %d appears in the TRACE log: %.300s", i, line)
			}
		}
	}
}
