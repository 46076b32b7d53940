package mgmt

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

func TestParseDomain(t *testing.T) {
	t.Parallel()
	ok := []struct{ in, want string }{
		{"idp.example.com", "https://idp.example.com"},
		{"idp.example.com:8443", "https://idp.example.com:8443"},
		{"127.0.0.1:8080", "https://127.0.0.1:8080"},
		{"[::1]:8080", "https://[::1]:8080"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"https://idp.example.com", "https://idp.example.com"},
		{"HTTPS://idp.example.com", "https://idp.example.com"},
		{"https://idp.example.com/", "https://idp.example.com"},
		{"http://127.0.0.1:8080/tenants/customer-1", "http://127.0.0.1:8080/tenants/customer-1"},
		{"http://127.0.0.1:8080/tenants/customer-1/", "http://127.0.0.1:8080/tenants/customer-1"},
		{"http://127.0.0.1:8080/tenants/customer-1//", "http://127.0.0.1:8080/tenants/customer-1"},
		{"idp.example.com/tenants/a", "https://idp.example.com/tenants/a"},
	}
	for _, tc := range ok {
		u, err := ParseDomain(tc.in)
		if err != nil {
			t.Errorf("ParseDomain(%q): unexpected error %v", tc.in, err)
			continue
		}
		if got := u.String(); got != tc.want {
			t.Errorf("ParseDomain(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	bad := []struct{ in, wantErr string }{
		{"", "empty"},
		{"ftp://idp.example.com", "scheme"},
		{"idp example.com", "whitespace"},
		{" idp.example.com", "whitespace"},
		{"idp.example.com\n", "whitespace"},
		{"https://idp.example.com/?a=b", "query"},
		{"https://idp.example.com?", "query"},
		{"https://idp.example.com/#frag", "fragment"},
		{"https://idp.example.com#", "fragment"},
		{"https://user:pass@idp.example.com", "user info"},
		{"user@idp.example.com", "user info"},
		{"https://", "no host"},
		{"http:///tenants/x", "no host"},
		{"https://:8080", "no host"},
		{"idp.example.com:", "empty port"},
		{"idp.example.com:99999", "invalid port"},
		{"idp.example.com:http", "port"},
	}
	for _, tc := range bad {
		_, err := ParseDomain(tc.in)
		if err == nil {
			t.Errorf("ParseDomain(%q): expected an error containing %q", tc.in, tc.wantErr)
			continue
		}
		if !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("ParseDomain(%q) error %q does not contain %q", tc.in, err, tc.wantErr)
		}
	}
}

func TestNewValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		cfg     Config
		wantErr string // "" = valid
	}{
		{"client credentials", Config{Domain: "idp.example.com", ClientID: "id", ClientSecret: "s"}, ""},
		{"api token", Config{Domain: "idp.example.com", APIToken: "tok"}, ""},
		{"no credentials", Config{Domain: "idp.example.com"}, "no credentials"},
		{"both", Config{Domain: "idp.example.com", APIToken: "tok", ClientID: "id", ClientSecret: "s"}, "both"},
		{"token and id", Config{Domain: "idp.example.com", APIToken: "tok", ClientID: "id"}, "both"},
		{"id only", Config{Domain: "idp.example.com", ClientID: "id"}, "without a client secret"},
		{"secret only", Config{Domain: "idp.example.com", ClientSecret: "s"}, "without a client ID"},
		{"bad domain", Config{Domain: "ftp://x", APIToken: "tok"}, "invalid domain"},
		{"empty domain", Config{APIToken: "tok"}, "invalid domain"},
		{"negative retries", Config{Domain: "x.example", APIToken: "tok", MaxRetries: -1}, "negative"},
		{"negative attempt timeout", Config{Domain: "x.example", APIToken: "tok", AttemptTimeout: -1}, "negative"},
		{"negative rps", Config{Domain: "x.example", APIToken: "tok", RequestsPerSecond: -1}, "negative"},
		{"min above max", Config{Domain: "x.example", APIToken: "tok", RetryWaitMin: time.Second, RetryWaitMax: time.Millisecond}, "below"},
		{"relative audience", Config{Domain: "x.example", APIToken: "tok", Audience: "api/v2"}, "absolute"},
	}
	for _, tc := range cases {
		c, err := New(tc.cfg)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, err)
		case tc.wantErr != "" && err == nil:
			t.Errorf("%s: expected an error containing %q", tc.name, tc.wantErr)
		case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
			t.Errorf("%s: error %q does not contain %q", tc.name, err, tc.wantErr)
		case tc.wantErr == "" && c == nil:
			t.Errorf("%s: nil client", tc.name)
		}
	}

	c, err := New(Config{Domain: "http://127.0.0.1:8080/tenants/x/", APIToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.BaseURL(), "http://127.0.0.1:8080/tenants/x"; got != want {
		t.Errorf("BaseURL() = %q, want %q", got, want)
	}
	if got, want := c.Audience(), "http://127.0.0.1:8080/tenants/x/api/v2/"; got != want {
		t.Errorf("Audience() = %q, want %q", got, want)
	}
	if c.attemptTimeout != DefaultAttemptTimeout {
		t.Errorf("attempt timeout %s, want the default %s", c.attemptTimeout, DefaultAttemptTimeout)
	}
	c, err = New(Config{Domain: "idp.example.com", APIToken: "tok", Audience: "https://other/api/v2/"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Audience(); got != "https://other/api/v2/" {
		t.Errorf("Audience() = %q", got)
	}
}

func TestEndpointEscaping(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Domain: "http://127.0.0.1:8080/tenants/x", APIToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	u := c.endpoint(resourceServersPath, "https://api.example.com/x y")
	if got, want := u.String(), "http://127.0.0.1:8080/tenants/x/api/v2/resource-servers/https:%2F%2Fapi.example.com%2Fx%20y"; got != want {
		t.Errorf("endpoint = %q, want %q", got, want)
	}
	if got, want := u.Path, "/tenants/x/api/v2/resource-servers/https://api.example.com/x y"; got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
	// What http.NewRequest makes of it must still be one segment.
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := req.URL.EscapedPath(), "/tenants/x/api/v2/resource-servers/https:%2F%2Fapi.example.com%2Fx%20y"; got != want {
		t.Errorf("request path = %q, want %q", got, want)
	}
	if got := c.endpoint(clientsPath, "abc", "rotate-secret").String(); got != "http://127.0.0.1:8080/tenants/x/api/v2/clients/abc/rotate-secret" {
		t.Errorf("rotate endpoint = %q", got)
	}
}

// User info in a domain is refused, and no message quotes it, whatever
// else is wrong with the domain.
func TestDomainUserInfoNeverQuoted(t *testing.T) {
	t.Parallel()
	for _, domain := range []string{
		"https://id:s3cr3t@idp.example.com",
		"id:s3cr3t@idp.example.com",
		"https://id:s3 cr3t@idp.example.com",
		"https://id:%zzs3cr3t@idp.example.com",
		"ftp://id:s3cr3t@idp.example.com",
		"https://id:s3cr3t@idp.example.com:99999/?q#f",
		"https://s3cr3t@@idp.example.com/tenants/a",
	} {
		redactedDomain := RedactDomain(domain)
		if strings.Contains(redactedDomain, "cr3t") || strings.Contains(redactedDomain, "id:") ||
			!strings.Contains(redactedDomain, "REDACTED@idp.example.com") {
			t.Errorf("RedactDomain(%q) = %q", domain, redactedDomain)
		}
		_, err := ParseDomain(domain)
		if err == nil || !strings.Contains(err.Error(), "must not contain user info") {
			t.Errorf("ParseDomain(%q) = %v, want a user info error", domain, err)
		}
		_, errNew := New(Config{Domain: domain, APIToken: "tok"})
		_, errEndpoints := EndpointsFor(domain)
		c := testPolicyClient(t)
		_, errToken := c.RequestToken(t.Context(), TokenRequest{Domain: domain, ClientID: "id", ClientSecret: "x"})
		for _, err := range []error{err, errNew, errEndpoints, errToken} {
			if err == nil || strings.Contains(err.Error(), "cr3t") || strings.Contains(err.Error(), "id:") {
				t.Errorf("%q: error %v quotes the user info", domain, err)
			}
		}
		if errNew == nil || !strings.Contains(errNew.Error(), `invalid domain "`+redactedDomain+`"`) {
			t.Errorf("New: %v", errNew)
		}
	}
	for _, domain := range []string{"https://idp.example.com/a@b", "idp.example.com", "http://127.0.0.1:8080/x?y=@"} {
		if got := RedactDomain(domain); got != domain {
			t.Errorf("RedactDomain(%q) = %q, want it unchanged", domain, got)
		}
	}
}

// TestParallelCallsReuseConnections: Terraform calls a provider with up to
// ten operations at once (-parallelism=10), and each is one request. The
// client keeps enough idle connections for all of them, so that a refresh
// of many resources opens about ten connections in all, not a new one (and
// over HTTPS a new TLS handshake) for many of its requests.
func TestParallelCallsReuseConnections(t *testing.T) {
	t.Parallel()
	srv, err := server.New(server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv)
	var opened atomic.Int64
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)
	c, err := New(Config{Domain: ts.URL, ClientID: srv.AdminClientID(), ClientSecret: srv.AdminClientSecret()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	// Rounds of ten parallel calls, as Terraform's walk makes them: after
	// each round all ten connections are idle at once, which is when a pool
	// that keeps fewer closes the rest.
	const workers, rounds = 10, 20
	for range rounds {
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for range workers {
			wg.Go(func() {
				if _, err := c.ListResourceServers(ctx); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	// About one connection per worker. The first burst may dial a few
	// more (a dial that loses the race to a freed connection is kept as an
	// idle one), but none are opened after it.
	if n := opened.Load(); n > 2*workers {
		t.Fatalf("%d rounds of %d parallel calls opened %d connections, want at most %d", rounds, workers, n, 2*workers)
	}
}

// An endless list stops at the cap, with an error that names the path and
// the cap, instead of growing until the memory runs out.
func TestListStopsAtTheCap(t *testing.T) {
	t.Parallel()
	t.Run("default cap, offset pages", func(t *testing.T) {
		t.Parallel()
		ts, requests := endlessServer(t, 2*maxListPages)
		c := quickClient(t, Config{Domain: ts.URL, APIToken: "tok"})
		_, err := c.ListApplications(t.Context(), ApplicationFilter{})
		want := "GET /api/v2/clients: the list goes on after 1000 pages and 100000 objects, and a call reads at most " +
			"1000 pages or 100000 objects"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want %q", err, want)
		}
		if n := requests.Load(); n != maxListPages {
			t.Errorf("%d requests, want %d", n, maxListPages)
		}
	})
	t.Run("pages, checkpoint", func(t *testing.T) {
		t.Parallel()
		ts, requests := endlessServer(t, 100)
		c := quickClient(t, Config{Domain: ts.URL, APIToken: "tok"})
		c.clientsTake, c.maxPages = 1, 5
		_, err := c.ListConnectionClients(t.Context(), "con_1")
		want := "GET /api/v2/connections/con_1/clients: the list goes on after 5 pages and 5 objects, and a call " +
			"reads at most 5 pages or 100000 objects"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want %q", err, want)
		}
		if n := requests.Load(); n != 5 {
			t.Errorf("%d requests, want 5", n)
		}
	})
	t.Run("objects, checkpoint", func(t *testing.T) {
		t.Parallel()
		ts, requests := endlessServer(t, 100)
		c := quickClient(t, Config{Domain: ts.URL, APIToken: "tok"})
		c.clientsTake, c.maxObjects = 3, 10
		_, err := c.ListConnectionClients(t.Context(), "con_1")
		if want := "the list goes on after 4 pages and 12 objects"; err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want %q", err, want)
		}
		if n := requests.Load(); n != 4 {
			t.Errorf("%d requests, want 4", n)
		}
	})
}
