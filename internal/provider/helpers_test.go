package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// testAccProtoV6ProviderFactories serves the provider in-process to the
// Terraform CLI that the acceptance tests run.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"idp": providerserver.NewProtocol6WithError(New("test")()),
}

// testEnv is one in-process Management API server for one test, with a
// client of our own for setting things up and changing them behind
// Terraform's back.
type testEnv struct {
	t      testing.TB
	srv    *server.Server
	url    string
	client *mgmt.Client
	store  server.Store // the server's, to see what it keeps but does not answer
}

// newTestEnv starts a fresh server for the test and stops it at cleanup.
func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	return newTestEnvWith(t, nil)
}

// newTestEnvWith is newTestEnv with the server's handler wrapped, e.g. to
// lose one answer (dropAnswerOnce); a nil wrap serves the server as is.
func newTestEnvWith(t testing.TB, wrap func(http.Handler) http.Handler) *testEnv {
	t.Helper()
	return newTestEnvOpts(t, server.Options{}, wrap)
}

// newTestEnvOpts is newTestEnvWith for a server with opts.
func newTestEnvOpts(t testing.TB, opts server.Options, wrap func(http.Handler) http.Handler) *testEnv {
	t.Helper()
	if opts.Store == nil {
		opts.Store = server.NewMemoryStore()
	}
	srv, err := server.New(opts)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	ts := httptest.NewServer(conformingRequests(t, h))
	t.Cleanup(ts.Close)
	client, err := mgmt.New(mgmt.Config{
		Domain:       ts.URL,
		ClientID:     srv.AdminClientID(),
		ClientSecret: srv.AdminClientSecret(),
		MaxRetries:   2,
	})
	if err != nil {
		t.Fatalf("mgmt.New: %v", err)
	}
	return &testEnv{t: t, srv: srv, url: ts.URL, client: client, store: opts.Store}
}

// adoptingClient is a root-admin client that marks its creates as the
// provider does: what it creates is what a killed apply leaves.
func (e *testEnv) adoptingClient() *mgmt.Client {
	e.t.Helper()
	c, err := mgmt.New(mgmt.Config{Domain: e.url, ClientID: e.srv.AdminClientID(), ClientSecret: e.srv.AdminClientSecret(),
		AdoptLeftovers: true})
	if err != nil {
		e.t.Fatalf("mgmt.New: %v", err)
	}
	return c
}

// providerConfig is a provider block for the root tenant's admin client.
func (e *testEnv) providerConfig() string {
	return e.providerBlock(e.url)
}

// providerBlock is a provider block for the root tenant's admin client at
// url, with extra arguments, one per line (e.g. `retry_timeout = "1s"`).
func (e *testEnv) providerBlock(url string, extra ...string) string {
	return clientProviderBlock(url, e.srv.AdminClientID(), e.srv.AdminClientSecret(), extra...)
}

// clientProviderBlock is a provider block for a client at url, with extra
// arguments, one per line.
func clientProviderBlock(url, clientID, clientSecret string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nprovider \"idp\" {\n  domain        = %q\n  client_id     = %q\n  client_secret = %q\n",
		url, clientID, clientSecret)
	for _, arg := range extra {
		b.WriteString("  " + arg + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// config prepends the provider block to a configuration.
func (e *testEnv) config(body string) string {
	return e.providerConfig() + body
}

// m2mClient creates a client on the root tenant with the given grant types
// and, if scopes is not nil, a grant on the Management API.
func (e *testEnv) m2mClient(grantTypes []string, scopes []string) *mgmt.Application {
	e.t.Helper()
	app, err := e.client.CreateApplication(e.t.Context(), &mgmt.Application{
		Name: mgmt.String("m2m"), AppType: mgmt.String("non_interactive"), GrantTypes: &grantTypes,
	})
	if err != nil {
		e.t.Fatalf("create client: %v", err)
	}
	if scopes != nil {
		if _, err := e.client.CreateClientGrant(e.t.Context(), &mgmt.ClientGrant{
			ClientID: app.ClientID, Audience: mgmt.String(e.client.Audience()), Scope: &scopes,
		}); err != nil {
			e.t.Fatalf("create grant: %v", err)
		}
	}
	return app
}

// providerFor is a provider block for a client of the root tenant.
func (e *testEnv) providerFor(app *mgmt.Application, extra ...string) string {
	return clientProviderBlock(e.url, *app.ClientID, *app.ClientSecret, extra...)
}

// flowProviders serves the provider under the local names "idp" and
// "idp<name>" for each name, plus the echo provider, which carries ephemeral
// values into state for checking.
//
// Flows need several configurations of the provider at once. Terraform runs
// a plugin process per provider configuration, but an in-process provider
// is reattached: every alias of one provider address talks to the same
// server, and the last ConfigureProvider wins. So each extra configuration
// gets its own local name and server, the way google-beta serves google_*
// resources; `provider = idpcustomer` then means what `provider =
// idp.customer` means with the real plugin (which the demo runs).
func flowProviders(names ...string) map[string]func() (tfprotov6.ProviderServer, error) {
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"idp":  testAccProtoV6ProviderFactories["idp"],
		"echo": echoprovider.NewProviderServer(),
	}
	for _, name := range names {
		factories["idp"+name] = providerserver.NewProtocol6WithError(New("test")())
	}
	return factories
}

// clearIDPEnv makes sure no IDP_* variable of the developer's shell leaks
// into a test that is about configuration. It makes the test serial.
func clearIDPEnv(t *testing.T) {
	for _, name := range []string{"IDP_DOMAIN", "IDP_CLIENT_ID", "IDP_CLIENT_SECRET", "IDP_API_TOKEN", "IDP_AUDIENCE",
		"IDP_MAX_RETRIES", "IDP_REQUESTS_PER_SECOND", "IDP_ALLOW_INSECURE_HTTP", "IDP_CLIENT_ASSERTION_PRIVATE_KEY",
		"IDP_CLIENT_ASSERTION_SIGNING_ALG", "IDP_ADOPT_IDENTICAL"} {
		t.Setenv(name, "")
	}
}

// anyResource is a configuration that needs the provider's client.
const anyResource = `
resource "idp_client" "test" {
  name = "x"
}
`

// requests counts the requests the server answered with method on route.
func (e *testEnv) requests(method, route string) int64 {
	var n int64
	for _, c := range e.srv.Counts() {
		if c.Method == method && c.Route == route {
			n += c.N
		}
	}
	return n
}

// totalRequests is every request the server answered.
func (e *testEnv) totalRequests() int64 {
	var n int64
	for _, c := range e.srv.Counts() {
		n += c.N
	}
	return n
}

// expectOnly checks that the server answered exactly these requests
// ("METHOD route": count), each with a 2xx, and nothing else.
func (e *testEnv) expectOnly(want map[string]int64) error {
	got := map[string]int64{}
	for _, c := range e.srv.Counts() {
		if c.Status < 200 || c.Status > 299 {
			return fmt.Errorf("unexpected %d on %s %s", c.Status, c.Method, c.Route)
		}
		got[c.Method+" "+c.Route] += c.N
	}
	for key, n := range want {
		if got[key] != n {
			return fmt.Errorf("%s: %d requests, want %d (all: %v)", key, got[key], n, got)
		}
	}
	for key, n := range got {
		if _, ok := want[key]; !ok {
			return fmt.Errorf("unexpected %d requests %s (all: %v)", n, key, got)
		}
	}
	return nil
}

// expectNoRequests fails the test if the server answered any request.
func (e *testEnv) expectNoRequests() {
	e.t.Helper()
	if cs := e.srv.Counts(); len(cs) != 0 {
		e.t.Errorf("the server received requests, want none: %+v", cs)
	}
}

// checkGone returns a CheckDestroy that asks the server for every resource
// of the type and expects a 404.
func (e *testEnv) checkGone(resourceType string, get func(ctx context.Context, id string) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != resourceType {
				continue
			}
			err := get(e.t.Context(), rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("%s %s still exists on the server", resourceType, rs.Primary.ID)
			}
			if !mgmt.IsNotFound(err) {
				return fmt.Errorf("%s %s: expected a 404, got %v", resourceType, rs.Primary.ID, err)
			}
		}
		return nil
	}
}

// clientIDOf reads a client's ID from the state.
func clientIDOf(s *terraform.State, addr string) string {
	return s.RootModule().Resources[addr].Primary.ID
}

// refusedAtPlan checks that config fails the plan with message.
func refusedAtPlan(t *testing.T, config, message string) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, PlanOnly: true, ExpectError: expectMessage(message)}},
	})
}

// expectError is regexp.MustCompile with white space made flexible, because
// Terraform wraps long diagnostics over several lines, and with `.` matching
// newlines too.
func expectError(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `\s+`))
}

// expectMessage matches a literal message, however Terraform wraps it.
func expectMessage(message string) *regexp.Regexp {
	return expectError(regexp.QuoteMeta(message))
}

// accessClaims are the claims the tests check in issued tokens.
type accessClaims struct {
	jwt.Claims
	Scope string `json:"scope"`
	Azp   string `json:"azp"`
	Gty   string `json:"gty"`
	OrgID string `json:"org_id"`
	// ClientID is the RFC 9068 profile's azp.
	ClientID string `json:"client_id"`
	// Typ is the header's typ: JWT, or at+jwt in the RFC 9068 profile.
	Typ string `json:"-"`
}

// verifyToken checks a token's signature against the JWKS served at
// <domain>/.well-known/jwks.json and returns its claims.
func verifyToken(domain, token string) (*accessClaims, error) {
	parsed, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256, jose.RS512, jose.PS256})
	if err != nil {
		return nil, fmt.Errorf("parse token: %w", err)
	}
	resp, err := http.Get(domain + "/.well-known/jwks.json")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var jwks jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&jwks); err != nil {
		return nil, fmt.Errorf("decode JWKS: %w", err)
	}
	if len(parsed.Headers) != 1 {
		return nil, fmt.Errorf("token has %d signatures", len(parsed.Headers))
	}
	keys := jwks.Key(parsed.Headers[0].KeyID)
	if len(keys) == 0 {
		return nil, fmt.Errorf("kid %q not in the tenant's JWKS", parsed.Headers[0].KeyID)
	}
	var claims accessClaims
	if err := parsed.Claims(keys[0].Key, &claims); err != nil {
		return nil, fmt.Errorf("verify signature: %w", err)
	}
	claims.Typ, _ = parsed.Headers[0].ExtraHeaders[jose.HeaderType].(string)
	return &claims, nil
}

// examplesDir is the repository's examples directory, seen from this package.
const examplesDir = "../../examples"

// readExample returns the content of a file under examples/.
func readExample(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examplesDir, rel))
	if err != nil {
		t.Fatalf("read example: %v", err)
	}
	return string(b)
}

// envTerraformPath names the CLI binary terraform-plugin-testing runs
// (the package documents it but exports no constant for it).
const envTerraformPath = "TF_ACC_TERRAFORM_PATH"

// cliPath is the CLI the acceptance tests run, as terraform-plugin-testing
// finds it: the one TF_ACC_TERRAFORM_PATH names (the Makefile sets it from
// TERRAFORM, Terraform or OpenTofu), else terraform on PATH.
func cliPath(t *testing.T) string {
	t.Helper()
	if path := os.Getenv(envTerraformPath); path != "" {
		return path
	}
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatalf("no %s set and no terraform CLI on PATH: %v", envTerraformPath, err)
	}
	return bin
}

// queryVersionChecks: list resources need Terraform 1.14.
var queryVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// adoptable is what an existing tenant holds in the query tests, made
// through the API: an API signing with HS256 (so that it has a secret), a
// machine-to-machine client, a single-page app and a public native app, a
// grant, a database connection besides the seeded one, and a hosted tenant.
type adoptable struct {
	api          *mgmt.ResourceServer
	m2m, spa     *mgmt.Application
	grant        *mgmt.ClientGrant
	connection   *mgmt.Connection
	tenant       *mgmt.Tenant
	apiAudience  string
	systemSecret string
}

// secrets are every secret the server knows of these objects, none of
// which may appear in list results or generated configuration.
func (a adoptable) secrets() []string {
	return []string{valueOr(a.api.SigningSecret, ""), valueOr(a.m2m.ClientSecret, ""), valueOr(a.spa.ClientSecret, ""),
		a.tenant.ManagementClient.ClientSecret, a.systemSecret}
}

// seedAdoptable makes the objects of adoptable with c, and the API with
// marking, which may carry a pending create marker that no list, lookup or
// generated configuration may show.
func seedAdoptable(ctx context.Context, t *testing.T, c, marking *mgmt.Client, systemSecret string) adoptable {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	a := adoptable{apiAudience: "https://orders.example.com/", systemSecret: systemSecret}
	var err error
	a.api, err = marking.CreateResourceServer(ctx, &mgmt.ResourceServer{Name: mgmt.String("Orders"),
		Identifier: mgmt.String(a.apiAudience), SigningAlg: mgmt.String("HS256"),
		Scopes: &[]mgmt.ResourceServerScope{{Value: "read:orders", Description: "Read orders"}}})
	must(err)
	a.m2m, err = c.CreateApplication(ctx, &mgmt.Application{Name: mgmt.String("order-sync"),
		AppType: mgmt.String("non_interactive"), GrantTypes: &[]string{"client_credentials"}})
	must(err)
	a.spa, err = c.CreateApplication(ctx, &mgmt.Application{Name: mgmt.String("shop"), AppType: mgmt.String("spa"),
		GrantTypes: &[]string{"authorization_code"}, TokenEndpointAuthMethod: mgmt.String("client_secret_post")})
	must(err)
	// A public client, which idp_client cannot manage: not listed.
	_, err = c.CreateApplication(ctx, &mgmt.Application{Name: mgmt.String("kiosk"), AppType: mgmt.String("native"),
		GrantTypes: &[]string{"authorization_code"}, TokenEndpointAuthMethod: mgmt.String("none")})
	must(err)
	a.grant, err = c.CreateClientGrant(ctx, &mgmt.ClientGrant{ClientID: a.m2m.ClientID, Audience: mgmt.String(a.apiAudience),
		Scope: &[]string{"read:orders"}})
	must(err)
	a.connection, err = c.CreateConnection(ctx, &mgmt.Connection{Name: mgmt.String("customers"),
		Strategy: mgmt.String(mgmt.StrategyDatabase)})
	must(err)
	a.tenant, err = c.CreateTenant(ctx, &mgmt.Tenant{Name: mgmt.String("acme"), DisplayName: mgmt.String("Acme")})
	must(err)
	if valueOr(a.api.SigningSecret, "") == "" || valueOr(a.m2m.ClientSecret, "") == "" || a.tenant.ManagementClient == nil {
		t.Fatalf("the server returned no secrets to look for: %+v %+v %+v", a.api, a.m2m, a.tenant)
	}
	return a
}

// noSecretIn fails the test if s contains any of the secrets.
func noSecretIn(t *testing.T, what, s string, secrets []string) {
	t.Helper()
	for _, secret := range secrets {
		if secret != "" && regexp.MustCompile(regexp.QuoteMeta(secret)).MatchString(s) {
			t.Errorf("%s contains a secret (%.4s...)", what, secret)
		}
	}
}

// byIdentity is a query filter on one identity attribute.
func byIdentity(name, value string) queryfilter.QueryFilter {
	return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{name: knownvalue.StringExact(value)})
}

// nullAt checks that a result's attribute is null.
func nullAt(attr string) querycheck.KnownValueCheck {
	return querycheck.KnownValueCheck{Path: tfjsonpath.New(attr), KnownValue: knownvalue.Null()}
}

// valueAt checks a result's string attribute.
func valueAt(attr, want string) querycheck.KnownValueCheck {
	return querycheck.KnownValueCheck{Path: tfjsonpath.New(attr), KnownValue: knownvalue.StringExact(want)}
}

// queryAdoptable runs one query of the list blocks step returns against a
// tenant holding adoptable, with the checks step returns.
func queryAdoptable(t *testing.T, step func(e *testEnv, a adoptable) (lists string, checks []querycheck.QueryResultCheck)) {
	t.Helper()
	e := newTestEnv(t)
	a := seedAdoptable(t.Context(), t, e.client, e.adoptingClient(), e.srv.AdminClientSecret())
	lists, checks := step(e, a)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   queryVersionChecks,
		Steps:                    []resource.TestStep{{Query: true, Config: e.providerConfig() + lists, QueryResultChecks: checks}},
	})
}
