package mgmt

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// TestNoSecretsInLogs runs every call that moves a secret or a token with a
// logger recording everything at TRACE, then looks for each secret in every
// message and field.
func TestNoSecretsInLogs(t *testing.T) {
	t.Parallel()
	var inj *injector
	env := newTestEnv(t, server.Options{}, func(h http.Handler) http.Handler { inj = newInjector(h); return inj })
	ctx := t.Context()
	c := env.client(t)

	secrets := map[string]string{"admin client secret": env.srv.AdminClientSecret()}

	const signingSecret = "hs256-signing-secret-0123456789"
	secrets["signing secret"] = signingSecret
	api, err := c.CreateResourceServer(ctx, &ResourceServer{
		Name: String("logged"), Identifier: String("https://logged.example.com"),
		SigningAlg: String("HS256"), SigningSecret: String(signingSecret),
		Scopes: &[]ResourceServerScope{{Value: "read:logged"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	generated, err := c.CreateResourceServer(ctx, &ResourceServer{Name: String("generated"), Identifier: String("https://generated.example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if generated.SigningSecret != nil {
		secrets["generated signing secret"] = *generated.SigningSecret
	}
	app, err := c.CreateApplication(ctx, &Application{Name: String("logged app")})
	if err != nil {
		t.Fatal(err)
	}
	secrets["client secret"] = *app.ClientSecret
	if _, err := c.CreateClientGrant(ctx, &ClientGrant{ClientID: app.ClientID, Audience: api.Identifier, Scope: &[]string{"read:logged"}}); err != nil {
		t.Fatal(err)
	}
	tok, err := c.RequestToken(ctx, TokenRequest{ClientID: *app.ClientID, ClientSecret: *app.ClientSecret, Audience: *api.Identifier})
	if err != nil {
		t.Fatal(err)
	}
	secrets["issued access token"] = tok.AccessToken
	const wrongSecret = "wrong-secret-that-must-not-be-logged"
	secrets["wrong secret"] = wrongSecret
	if _, err := c.RequestToken(ctx, TokenRequest{ClientID: *app.ClientID, ClientSecret: wrongSecret, Audience: *api.Identifier}); err == nil {
		t.Fatal("token with a wrong secret succeeded")
	} else if strings.Contains(err.Error(), wrongSecret) {
		t.Errorf("error carries the secret: %v", err)
	}
	rotated, err := c.RotateApplicationSecret(ctx, *app.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	secrets["rotated client secret"] = *rotated.ClientSecret
	if _, err := c.GetApplication(ctx, *app.ClientID); err != nil { // secret in a GET answer
		t.Fatal(err)
	}
	if _, err := c.ListApplications(ctx); err != nil { // and in a list
		t.Fatal(err)
	}
	tenant, err := c.CreateTenant(ctx, &Tenant{Name: String("logged-tenant"), Owners: &[]string{"o@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	secrets["management client secret"] = tenant.ManagementClient.ClientSecret
	// A connection's options.configuration and customScripts, sent and
	// read back: secrets in an open-ended options object.
	const configSecret, scriptSecret = "connection-configuration-value-0123", "custom-script-secret-0123"
	secrets["connection configuration"], secrets["custom script"] = configSecret, scriptSecret
	cn, err := c.CreateConnection(ctx, &Connection{Name: String("logged-db"), Strategy: String(StrategyDatabase),
		Options: &ConnectionOptions{Extra: map[string]json.RawMessage{
			"configuration": json.RawMessage(`{"API_URL":"` + configSecret + `"}`),
			"customScripts": json.RawMessage(`{"login":"function (email, password, cb) { cb('` + scriptSecret + `'); }"}`),
		}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetConnection(ctx, *cn.ID); err != nil {
		t.Fatal(err)
	}
	// A retried 429 and a refused token are logged too.
	inj.once("GET", "/api/v2/clients/"+*app.ClientID, http.StatusTooManyRequests, map[string]string{"Retry-After": "0"})
	if _, err := c.GetApplication(ctx, *app.ClientID); err != nil {
		t.Fatal(err)
	}
	for i, b := range inj.bearerTokens() {
		secrets[fmt.Sprintf("bearer token %d", i)] = b
	}

	lines := env.log.snapshot()
	var bodies, redactedBodies int
	for _, line := range lines {
		text := line.msg + " " + fmt.Sprint(line.fields)
		for name, secret := range secrets {
			if secret != "" && strings.Contains(text, secret) {
				t.Errorf("%s leaked in log line: %s", name, line)
			}
		}
		// An Authorization header, not the word inside the API's own field
		// names (authorization_code, subject_type_authorization).
		if lower := strings.ToLower(text); strings.Contains(lower, "bearer ey") || authorizationHeader.MatchString(text) {
			t.Errorf("authorization leaked in log line: %s", line)
		}
		if _, ok := line.fields["body"]; ok {
			bodies++
			if line.level != LevelTrace {
				t.Errorf("body logged at %s: %s", line.level, line)
			}
			if strings.Contains(fmt.Sprint(line.fields["body"]), redacted) {
				redactedBodies++
			}
		}
	}
	// The test is only worth something if the bodies were logged at all.
	if bodies < 10 || redactedBodies < 8 {
		t.Errorf("only %d bodies logged, %d of them redacted", bodies, redactedBodies)
	}
	if len(inj.bearerTokens()) == 0 {
		t.Error("no bearer tokens captured")
	}
	var sawDebug bool
	for _, line := range env.log.find("HTTP response") {
		if line.level == LevelDebug && line.fields["status"] != nil && line.fields["duration_ms"] != nil &&
			line.fields["attempt"] != nil && line.fields["path"] != nil && line.fields["method"] != nil {
			sawDebug = true
		}
	}
	if !sawDebug {
		t.Error("no DEBUG line with method, path, status, duration_ms and attempt")
	}
	t.Logf("%d log lines, %d bodies, %d redacted", len(lines), bodies, redactedBodies)
}

// authorizationHeader matches an Authorization header as a log line would
// carry it: the name on its own, followed by its value.
var authorizationHeader = regexp.MustCompile(`(?i)(^|[^_a-z])authorization"?\s*[:=]`)
