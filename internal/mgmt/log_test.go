package mgmt

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

func TestRedactBody(t *testing.T) {
	t.Parallel()
	body := `{"client_id":"abc","client_secret":"s1","nested":{"signing_secret":"s2","list":[{"access_token":"s3"}]},` +
		`"management_client":{"client_id":"m","client_secret":"s4"},"id_token":"s5","refresh_token":"s6","n":1.5}`
	got := redactBody("application/json", []byte(body))
	for _, s := range []string{`"s1"`, `"s2"`, `"s3"`, `"s4"`, `"s5"`, `"s6"`} {
		if strings.Contains(got, s) {
			t.Errorf("%s not redacted: %s", s, got)
		}
	}
	if !strings.Contains(got, `"client_id":"abc"`) || !strings.Contains(got, redacted) || !strings.Contains(got, "1.5") {
		t.Errorf("redacted body lost content: %s", got)
	}
	// Secrets in places no short list of keys names: a connection's
	// options.configuration (a map of secrets, all of it), its
	// customScripts, and secrets the client has no type for.
	conn := `{"name":"db","options":{"passwordPolicy":"good","configuration":{"API_URL":"c1","PLAIN":"c2"},` +
		`"customScripts":{"login":"function(){ return 'c3'; }"},"gateway_authentication":{"subject":"ok","secret":"c4"},` +
		`"app_secret":"c5","privateKey":"c6","api_key":"c7","nested":[{"webhook_authorization":{"username":"c8"}}]}}`
	got = redactBody("application/json", []byte(conn))
	for _, s := range []string{"c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"} {
		if strings.Contains(got, `"`+s+`"`) || strings.Contains(got, "'"+s+"'") {
			t.Errorf("%s not redacted: %s", s, got)
		}
	}
	if !strings.Contains(got, `"passwordPolicy":"good"`) || !strings.Contains(got, `"subject":"ok"`) {
		t.Errorf("redacted body lost content: %s", got)
	}
	form := redactBody("application/x-www-form-urlencoded",
		[]byte("grant_type=client_credentials&client_id=abc&client_secret=hunter2&client_assertion=hunter3"))
	if strings.Contains(form, "hunter") || !strings.Contains(form, "client_id=abc") {
		t.Errorf("form body not redacted: %s", form)
	}
	if got := redactBody("text/plain", []byte("client_secret: hunter2")); strings.Contains(got, "hunter2") {
		t.Errorf("non-JSON body shown: %s", got)
	}
}

// A logger that turns DEBUG and TRACE off gets none of those lines (the
// client does not even build them), while the client works as before:
// attempts are still counted for a retried 429 and the pacer still learns
// the server's limit.
func TestLevelEnabler_skipsDisabledLevels(t *testing.T) {
	t.Parallel()
	var inj *injector
	env := newTestEnv(t, server.Options{RateLimit: 1000}, func(h http.Handler) http.Handler { inj = newInjector(h); return inj })
	ll := &levelLogger{min: LevelInfo}
	c := env.client(t, func(cfg *Config) { cfg.Logger = ll })
	ctx := t.Context()
	app, err := c.CreateApplication(ctx, &Application{Name: String("quiet")})
	if err != nil {
		t.Fatal(err)
	}
	inj.once("GET", "/api/v2/clients/"+*app.ClientID, http.StatusTooManyRequests, map[string]string{"Retry-After": "0"})
	if _, err := c.GetApplication(ctx, *app.ClientID); err != nil {
		t.Fatalf("the retried GET: %v", err)
	}
	if n := env.count("", "GET", "/api/v2/clients/{id}", 0); n != 1 {
		// The injector answered the first attempt; the server saw the retry.
		t.Errorf("the server saw %d GETs, want 1 (the retry)", n)
	}
	for _, line := range ll.snapshot() {
		if line.level < LevelInfo {
			t.Errorf("a %s line reached a logger that turned the level off: %s", line.level, line)
		}
	}
	if lim := c.pacer.limit(); lim == rate.Inf {
		t.Errorf("the pacer did not learn the server's limit: %v", lim)
	}

	// The same calls with everything on do log DEBUG and TRACE lines, so
	// that the check above is not vacuous.
	ll.min = LevelTrace
	if _, err := c.GetApplication(ctx, *app.ClientID); err != nil {
		t.Fatal(err)
	}
	if len(ll.find("HTTP response")) == 0 || len(ll.find("HTTP response body")) == 0 {
		t.Errorf("with TRACE on, no DEBUG response or TRACE body lines: %v", ll.snapshot())
	}
}

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
	if _, err := c.ListApplications(ctx, ApplicationFilter{}); err != nil { // and in a list
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
