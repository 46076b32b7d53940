package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

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
	srv, err := server.New(opts)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	ts := httptest.NewServer(h)
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
	return &testEnv{t: t, srv: srv, url: ts.URL, client: client}
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

// hex24 matches a resource server ID.
var hex24 = regexp.MustCompile(`^[0-9a-f]{24}$`)
