package mgmt

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/time/rate"
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

func TestErrorFormatAndHelpers(t *testing.T) {
	t.Parallel()
	e := newError("GET", "/api/v2/clients/abc", 404,
		[]byte(`{"statusCode":404,"error":"Not Found","message":"The client does not exist","errorCode":"inexistent_client"}`))
	if got, want := e.Error(), "GET /api/v2/clients/abc: 404 Not Found: The client does not exist (inexistent_client)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	wrapped := fmt.Errorf("reading: %w", e)
	if !IsNotFound(wrapped) || IsConflict(wrapped) {
		t.Errorf("IsNotFound/IsConflict wrong for %v", wrapped)
	}
	oauth := newError("POST", "/oauth/token", 403, []byte(`{"error":"access_denied","error_description":"Service not found: x"}`))
	if oauth.Code != "access_denied" || oauth.Message != "Service not found: x" {
		t.Errorf("OAuth error parsed as %+v", oauth)
	}
	raw := newError("POST", "/oauth/token", 502, []byte(`<html>client_secret=hunter2</html>`))
	if strings.Contains(raw.Error(), "hunter2") || raw.Message != "" {
		t.Errorf("raw body leaked into %q", raw.Error())
	}
	if IsNotFound(errors.New("404")) || IsNotFound(nil) {
		t.Error("IsNotFound matched a non-*Error")
	}
}

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

// A typed field is redacted in logs exactly when it is declared secret:
// redaction by name alone must not hide a field nobody declared (a new
// secret field gets its tag), nor miss one that is declared.
func TestSecretDeclarations(t *testing.T) {
	t.Parallel()
	var declared int
	for _, v := range wireTypes {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			f := typ.Field(i)
			tagged := f.Tag.Get("log") == "secret"
			if tagged {
				declared++
			}
			if got := isSecretKey(jsonName(f)); got != tagged {
				t.Errorf("%s.%s (%q): redacted = %v, but tagged secret = %v", typ.Name(), f.Name, jsonName(f), got, tagged)
			}
		}
	}
	if declared < 4 {
		t.Errorf("only %d fields are declared secret", declared)
	}
	for key, want := range map[string]bool{
		"client_secret": true, "clientSecret": true, "signing_secret": true, "access_token": true, "id_token": true,
		"refresh_token": true, "client_assertion": true, "password": true, "private_key": true, "configuration": true,
		"customScripts": true, "aws_secret_access_key": true, "totp_secret": true,
		"client_id": false, "token_type": false, "token_lifetime": false, "token_endpoint_auth_method": false,
		"jwt_configuration": false, "passwordPolicy": false, "signing_alg": false, "expires_in": false, "name": false,
	} {
		if got := isSecretKey(key); got != want {
			t.Errorf("isSecretKey(%q) = %v, want %v", key, got, want)
		}
	}
}

// testPolicyClient returns a client whose retry policy the table tests use.
func testPolicyClient(t *testing.T) *Client {
	t.Helper()
	c, err := New(Config{
		Domain: "idp.example.com", APIToken: "tok", MaxRetries: 3,
		RetryTimeout: 5 * time.Second, RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 80 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// response is the outcome of a first attempt answered with status and
// header (name, value, ...).
func response(status int, header ...string) outcome {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return outcome{attempt: 1, status: status, header: h}
}

// failed is the outcome of a first attempt that failed with err.
func failed(err error) outcome { return outcome{attempt: 1, err: err} }

// left is a budget of 5s with d left at now.
func left(now time.Time, d time.Duration) budget {
	return budget{start: now, deadline: now.Add(d), timeout: 5 * time.Second}
}

// nth is o as the outcome of attempt n.
func nth(o outcome, n int) outcome {
	o.attempt = n
	return o
}

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	p := testPolicyClient(t).policy

	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	dns := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "idp.invalid", IsNotFound: true}}
	dnsTemporary := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: "idp.example.com", IsTemporary: true}}
	dnsTimeout := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "i/o timeout", Name: "idp.example.com", IsTimeout: true}}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	urlErr := func(method string, err error) outcome {
		return failed(&url.Error{Op: method, URL: "https://idp.example.com/x", Err: err})
	}
	certErr := &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}
	future := time.Now().Add(2 * time.Second)

	type expect struct {
		retry    bool
		min, max time.Duration // bounds of the decided wait when retrying
	}
	backoff := expect{true, 5 * time.Millisecond, 80 * time.Millisecond}
	no := expect{}
	cases := []struct {
		name    string
		method  string
		outcome outcome
		want    expect
	}{
		// 429: every method, with the server's wait.
		{"GET 429 Retry-After", "GET", response(429, "Retry-After", "1"), expect{true, time.Second, time.Second}},
		{"POST 429 Retry-After", "POST", response(429, "Retry-After", "1"), expect{true, time.Second, time.Second}},
		{"POST 429 Retry-After date", "POST", response(429, "Retry-After", future.UTC().Format(http.TimeFormat)), expect{true, 0, 2 * time.Second}},
		{"PATCH 429 X-RateLimit-Reset", "PATCH", response(429, "X-RateLimit-Reset", strconv.FormatInt(future.Unix()+1, 10)), expect{true, time.Second, 3 * time.Second}},
		{"DELETE 429 no headers", "DELETE", response(429), backoff},
		{"POST 429 wait beyond budget", "POST", response(429, "Retry-After", "60"), no},
		{"GET 429 reset beyond budget", "GET", response(429, "X-RateLimit-Reset", strconv.FormatInt(time.Now().Unix()+600, 10)), no},
		// 5xx and 408: idempotent methods only.
		{"GET 503", "GET", response(503), backoff},
		{"GET 500", "GET", response(500), backoff},
		{"PATCH 502", "PATCH", response(502), backoff},
		{"DELETE 504", "DELETE", response(504), backoff},
		{"PUT 500", "PUT", response(500), backoff},
		{"GET 408", "GET", response(408), backoff},
		{"GET 501", "GET", response(501), no},
		{"POST 500", "POST", response(500), no},
		{"POST 503", "POST", response(503), no},
		{"POST 503 with Retry-After", "POST", response(503, "Retry-After", "1"), no},
		{"POST 408", "POST", response(408), no},
		// Other 4xx: never.
		{"GET 400", "GET", response(400), no},
		{"GET 401", "GET", response(401), no},
		{"GET 403", "GET", response(403), no},
		{"GET 404", "GET", response(404), no},
		{"POST 409", "POST", response(409), no},
		{"GET 200", "GET", response(200), no},
		{"POST 201", "POST", response(201), no},
		// Connection errors.
		{"POST connection refused", "POST", urlErr("Post", refused), backoff},
		{"POST host not found", "POST", urlErr("Post", dns), no},
		{"GET host not found", "GET", urlErr("Get", dns), no},
		{"POST temporary DNS failure", "POST", urlErr("Post", dnsTemporary), backoff},
		{"GET DNS timeout", "GET", urlErr("Get", dnsTimeout), backoff},
		{"GET connection refused", "GET", urlErr("Get", refused), backoff},
		{"POST EOF after write", "POST", urlErr("Post", io.EOF), no},
		{"POST unexpected EOF", "POST", urlErr("Post", io.ErrUnexpectedEOF), no},
		{"POST connection reset", "POST", urlErr("Post", reset), no},
		{"GET EOF", "GET", urlErr("Get", io.EOF), backoff},
		{"PATCH connection reset", "PATCH", urlErr("Patch", reset), backoff},
		{"DELETE EOF", "DELETE", failed(io.EOF), backoff},
		{"GET bad certificate", "GET", urlErr("Get", certErr), no},
		{"GET other error", "GET", urlErr("Get", errors.New("unsupported protocol scheme")), no},
	}
	for _, tc := range cases {
		now := time.Now()
		d := p.decide(tc.method, false, tc.outcome, left(now, 5*time.Second), now)
		if d.retry != tc.want.retry {
			t.Errorf("%s: retry = %v (%s), want %v", tc.name, d.retry, d.giveUp, tc.want.retry)
			continue
		}
		if d.retry && (d.wait < tc.want.min || d.wait > tc.want.max) {
			t.Errorf("%s: wait %s outside [%s, %s]", tc.name, d.wait, tc.want.min, tc.want.max)
		}
	}
}

func TestRetryPolicyBounds(t *testing.T) {
	t.Parallel()
	p := testPolicyClient(t).policy
	now := time.Now()

	// MaxRetries: after the 4th attempt (3 retries) no more.
	if d := p.decide("GET", false, nth(response(503), 4), left(now, 5*time.Second), now); d.retry || !strings.Contains(d.giveUp, "MaxRetries 3") {
		t.Errorf("beyond MaxRetries: %+v", d)
	}
	// MaxRetries 0: no count cap, the budget alone decides.
	uncapped := p
	uncapped.maxRetries = 0
	if d := uncapped.decide("GET", false, nth(response(503), 1000), left(now, 5*time.Second), now); !d.retry {
		t.Errorf("MaxRetries 0 capped the retries: %q", d.giveUp)
	}

	// The budget: a server wait longer than what is left ends the retries
	// at once, and says so; a backoff is cut to what is left.
	if d := p.decide("GET", false, response(429, "Retry-After", "2"), left(now, 3*time.Second), now); !d.retry {
		t.Errorf("Retry-After 2 with 3s left not retried: %q", d.giveUp)
	}
	d := p.decide("GET", false, response(429, "Retry-After", "5"), left(now, 3*time.Second), now)
	if d.retry || !strings.Contains(d.giveUp, "the server asked to wait 5s (Retry-After)") || !strings.Contains(d.giveUp, "retry timeout (5s)") {
		t.Errorf("Retry-After 5 with 3s left: %+v", d)
	}
	if d := uncapped.decide("GET", false, nth(response(503), 9), left(now, 3*time.Millisecond), now); !d.retry || d.wait > 3*time.Millisecond {
		t.Errorf("backoff not cut to the budget: %+v", d)
	}
	if d := p.decide("GET", false, nth(response(503), 2), left(now, -time.Millisecond), now); d.retry || d.giveUp != "the retry timeout (5s) ran out" {
		t.Errorf("spent budget: %+v", d)
	}
	// A non-retryable answer is final, not a give-up.
	if d := p.decide("POST", false, response(503), left(now, time.Second), now); d.retry || d.giveUp != "" {
		t.Errorf("POST 503: %+v", d)
	}
	// ...unless the POST may be sent again (a convergent create).
	if d := p.decide("POST", true, response(503), left(now, time.Second), now); !d.retry {
		t.Error("convergent POST 503 not retried")
	}

	// Backoff grows exponentially up to RetryWaitMax.
	for attempt, maxWant := range map[int]time.Duration{1: 10 * time.Millisecond, 2: 20 * time.Millisecond, 3: 40 * time.Millisecond, 4: 80 * time.Millisecond, 9: 80 * time.Millisecond} {
		for range 20 {
			if d := p.backoff(attempt); d < maxWant/2 || d > maxWant {
				t.Errorf("attempt %d: backoff %s outside [%s, %s]", attempt, d, maxWant/2, maxWant)
			}
		}
	}
}

func TestPacerAdapts(t *testing.T) {
	t.Parallel()
	h := func(limit, remaining int) http.Header {
		return http.Header{
			"X-Ratelimit-Limit":     {strconv.Itoa(limit)},
			"X-Ratelimit-Remaining": {strconv.Itoa(remaining)},
			"X-Ratelimit-Reset":     {strconv.FormatInt(time.Now().Unix()+1, 10)},
		}
	}
	p := newPacer(0)
	if p.limit() != unlimited {
		t.Fatalf("initial limit %v", p.limit())
	}
	p.observe(200, h(50, 40))
	if p.limit() != 50 {
		t.Errorf("after Limit 50: %v", p.limit())
	}
	p.observe(200, h(50, 1))
	if p.limit() != 25 {
		t.Errorf("with remaining low: %v", p.limit())
	}
	p.observe(429, h(50, 0))
	if p.limit() != 25 {
		t.Errorf("after a 429: %v", p.limit())
	}
	p.observe(200, h(50, 30))
	if p.limit() != 50 {
		t.Errorf("recovered: %v", p.limit())
	}
	p.observe(200, http.Header{})
	if p.limit() != unlimited {
		t.Errorf("limit gone: %v", p.limit())
	}

	capped := newPacer(10)
	if capped.limit() != 10 {
		t.Errorf("hard cap: %v", capped.limit())
	}
	capped.observe(200, h(50, 40))
	if capped.limit() != 10 {
		t.Errorf("cap under a higher server limit: %v", capped.limit())
	}
	capped.observe(200, h(8, 8))
	if capped.limit() != rate.Limit(8) {
		t.Errorf("server limit under the cap: %v", capped.limit())
	}
	capped.observe(200, http.Header{})
	if capped.limit() != 10 {
		t.Errorf("back to the cap: %v", capped.limit())
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
