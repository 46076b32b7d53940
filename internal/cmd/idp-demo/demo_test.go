package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
)

func TestParseEnvBlock(t *testing.T) {
	t.Parallel()
	env, err := parseEnvBlock(strings.NewReader("IDP_DOMAIN=http://127.0.0.1:41234\nIDP_CLIENT_ID=a=bc\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := serverEnv{Domain: "http://127.0.0.1:41234", ClientID: "a=bc"}
	if env != want {
		t.Errorf("got %+v, want %+v", env, want)
	}

	// With TLS the certificate comes first here; other lines are ignored.
	env, err = parseEnvBlock(strings.NewReader("noise\nSSL_CERT_FILE=/tmp/ca.pem\nIDP_DOMAIN=https://h\nIDP_CLIENT_ID=a\n"))
	if err != nil || env.SSLCertFile != "/tmp/ca.pem" || env.Domain != "https://h" {
		t.Errorf("got %+v, %v", env, err)
	}

	_, err = parseEnvBlock(strings.NewReader("IDP_DOMAIN=http://x\n"))
	if err == nil || !strings.HasSuffix(err.Error(), "without IDP_CLIENT_ID") {
		t.Errorf("a truncated block: got %v, want an error naming what is missing", err)
	}
}

// The block is read as soon as it is complete, without waiting for the end
// of a stream that stays open while the server runs.
func TestParseEnvBlock_doesNotWaitForEOF(t *testing.T) {
	t.Parallel()
	r, w := io.Pipe()
	defer w.Close()
	go func() {
		_, _ = io.WriteString(w, "IDP_DOMAIN=http://h\nIDP_CLIENT_ID=a\n")
	}()
	env, err := parseEnvBlock(r)
	if err != nil || env.ClientID != "a" {
		t.Fatalf("got %+v, %v", env, err)
	}
}

func TestTerraformEnv(t *testing.T) {
	t.Parallel()
	got := terraformEnv([]string{
		"PATH=/usr/bin", "HOME=/root", "IDP_API_TOKEN=leaked", "IDP_DOMAIN=elsewhere",
		"TF_CLI_ARGS_apply=-var-file=x", "TF_CLI_CONFIG_FILE=/root/.terraformrc", "TF_VAR_domain=old", "TF_LOG=debug",
	}, "/tmp/x/terraform.rc", serverEnv{Domain: "http://h", ClientID: "id", ClientSecret: "secret"})
	for _, want := range []string{
		"PATH=/usr/bin", "HOME=/root", "TF_LOG=debug", "TF_CLI_CONFIG_FILE=/tmp/x/terraform.rc",
		"TF_VAR_domain=http://h", "TF_VAR_client_id=id", "TF_VAR_client_secret=secret", "CHECKPOINT_DISABLE=1",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("environment lacks %s: %v", want, got)
		}
	}
	for _, unwanted := range []string{
		"IDP_API_TOKEN=leaked", "IDP_DOMAIN=elsewhere", "TF_CLI_ARGS_apply=-var-file=x",
		"TF_CLI_CONFIG_FILE=/root/.terraformrc", "TF_VAR_domain=old",
	} {
		if slices.Contains(got, unwanted) {
			t.Errorf("environment keeps %s", unwanted)
		}
	}
}

func TestCopyConfig(t *testing.T) {
	t.Parallel()
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "work")
	for name, content := range map[string]string{
		"main.tf":             "# main\n",
		"modules/m/m.tf":      "# module\n",
		"terraform.tfstate":   "{}",
		".terraform.lock.hcl": "# lock",
		".terraform/x":        "plugin",
	} {
		path := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := copyConfig(src, dst); err != nil {
		t.Fatal(err)
	}
	for name, wantThere := range map[string]bool{
		"main.tf": true, "modules/m/m.tf": true, "terraform.tfstate": false, ".terraform.lock.hcl": false, ".terraform": false,
	} {
		_, err := os.Stat(filepath.Join(dst, name))
		if there := err == nil; there != wantThere {
			t.Errorf("%s copied = %v, want %v", name, there, wantThere)
		}
	}
}

// fakeJWT builds an unsigned token with the given header and claims.
func fakeJWT(t *testing.T, header, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(header) + "." + enc(claims) + ".c2lnbmF0dXJlLXRoYXQtbXVzdC1uZXZlci1zaG93"
}

func TestFormatSummary(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	token := fakeJWT(t,
		map[string]any{"alg": "RS256", "typ": "JWT", "kid": "key-1"},
		map[string]any{
			"iss": "http://127.0.0.1:41234/tenants/customer-1/", "sub": "CLIENT@clients",
			"aud": "https://orders.customer-1.example/", "scope": "read:orders write:orders", "azp": "CLIENT",
			"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "gty": "client-credentials",
		})
	got, err := formatSummary(quickstartOutputs{
		TenantDomain:   "http://127.0.0.1:41234/tenants/customer-1",
		APIIdentifier:  "https://orders.customer-1.example/",
		GrantScopes:    []string{"read:orders", "write:orders"},
		Token:          token,
		TokenExpiresAt: "2026-01-02T04:04:05Z",
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Tenant domain     http://127.0.0.1:41234/tenants/customer-1\n",
		"API identifier    https://orders.customer-1.example/\n",
		"Grant scopes      read:orders, write:orders\n",
		"a JWT signed with RS256, key ID key-1",
		"  iss             http://127.0.0.1:41234/tenants/customer-1/\n",
		"  sub             CLIENT@clients\n",
		"  aud             https://orders.customer-1.example/\n",
		"  scope           read:orders write:orders\n",
		"  azp             CLIENT\n",
		"  exp             2026-01-02T04:04:05Z (in 1h0m0s)\n",
		"Token expires at  2026-01-02T04:04:05Z\n",
		"http://127.0.0.1:41234/tenants/customer-1/.well-known/jwks.json",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	for i, part := range strings.Split(token, ".") {
		if strings.Contains(got, part) {
			t.Errorf("summary shows part %d of the token:\n%s", i, got)
		}
	}
}

func TestFormatSummary_audienceList(t *testing.T) {
	t.Parallel()
	token := fakeJWT(t, map[string]any{"alg": "PS256", "kid": "k"}, map[string]any{"aud": []string{"a", "b"}, "exp": 0})
	got, err := formatSummary(quickstartOutputs{Token: token}, time.Unix(60, 0))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "aud             a, b\n") || !strings.Contains(got, "1970-01-01T00:00:00Z (1m0s ago)") {
		t.Errorf("summary:\n%s", got)
	}
}

func TestDecodeJWT_rejectsNonTokens(t *testing.T) {
	t.Parallel()
	for _, token := range []string{"", "a.b", "!!!.e30.sig", "e30.bm90IGpzb24.sig"} {
		if _, _, err := decodeJWT(token); err == nil {
			t.Errorf("decodeJWT(%q) succeeded", token)
		}
	}
}

func TestParseOutputs(t *testing.T) {
	t.Parallel()
	raw := []byte(`{
  "api_identifier": {"sensitive": false, "type": "string", "value": "https://api/"},
  "grant_scopes": {"sensitive": false, "type": ["list", "string"], "value": ["a", "b"]},
  "tenant_domain": {"sensitive": false, "type": "string", "value": "http://h/tenants/c"},
  "token": {"sensitive": true, "type": "string", "value": "t.o.k"},
  "token_expires_at": {"sensitive": false, "type": "string", "value": "2026-01-01T00:00:00Z"}
}`)
	got, err := parseOutputs(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got.APIIdentifier != "https://api/" || got.TenantDomain != "http://h/tenants/c" || got.Token != "t.o.k" ||
		!slices.Equal(got.GrantScopes, []string{"a", "b"}) || got.TokenExpiresAt != "2026-01-01T00:00:00Z" {
		t.Errorf("got %+v", got)
	}
	if _, err := parseOutputs([]byte(`{"token": {"value": "x"}}`)); err == nil || !strings.Contains(err.Error(), "tenant_domain") {
		t.Errorf("missing outputs: got %v", err)
	}
}

func TestRenderUILine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line    string
		verbose bool
		want    string
		shown   bool
	}{
		{`{"@message":"idp_client.x: Creation complete after 0s [id=abc]","type":"apply_complete"}`, false, "idp_client.x: Creation complete after 0s [id=abc]", true},
		{`{"@message":"Apply complete! Resources: 6 added, 0 changed, 0 destroyed.","type":"change_summary"}`, false, "Apply complete! Resources: 6 added, 0 changed, 0 destroyed.", true},
		{`{"@message":"idp_client.x: Creating...","type":"apply_start"}`, false, "", false},
		{`{"@message":"idp_client.x: Creating...","type":"apply_start"}`, true, "idp_client.x: Creating...", true},
		{`{"@message":"Terraform 1.11.4","type":"version"}`, true, "", false},
		{`{"@message":"Error: x","type":"diagnostic","diagnostic":{"severity":"error","summary":"Unable to Create Client","detail":"The server said no.\nFix it.","address":"idp_client.x"}}`, false,
			"Error: Unable to Create Client (idp_client.x)\n  The server said no.\n  Fix it.", true},
		{`{"@message":"Warning: y","type":"diagnostic","diagnostic":{"severity":"warning","summary":"Provider development overrides are in effect","detail":"long"}}`, false,
			"Warning: Provider development overrides are in effect", true},
		{`not json`, false, "not json", true},
	} {
		got, shown := renderUILine(tc.line, tc.verbose)
		if got != tc.want && tc.shown || shown != tc.shown {
			t.Errorf("renderUILine(%s, %v) = %q, %v; want %q, %v", tc.line, tc.verbose, got, shown, tc.want, tc.shown)
		}
	}
}

func TestOutputRedacts(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	out := newOutput(&stdout, &stderr)
	out.addSecret("client-secret-value")
	out.detail("secret: %s", "client-secret-value")
	out.note("token: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
	if strings.Contains(stdout.String(), "client-secret-value") || strings.Contains(stderr.String(), "eyJ") {
		t.Errorf("a secret was printed: %q %q", stdout.String(), stderr.String())
	}
	if stdout.String() != "    secret: [redacted]\n" {
		t.Errorf("stdout = %q", stdout.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the demo's goroutines, which calls
// back once when a substring first appears.
type syncBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	when   string
	notify chan struct{}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	if b.notify != nil && strings.Contains(b.buf.String(), b.when) {
		close(b.notify)
		b.notify = nil
	}
	return n, err
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// demoBinaries builds the provider and idp-server into a directory, as
// `make demo` does, and returns it.
func demoBinaries(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs the Terraform CLI; acceptance tests are skipped unless TF_ACC is set")
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatalf("no terraform on PATH: %v", err)
	}
	bin := t.TempDir()
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	for pkg, name := range map[string]string{
		"github.com/idp-terraform/terraform-provider-idp":                         devtf.ProviderBinary,
		"github.com/idp-terraform/terraform-provider-idp/internal/cmd/idp-server": "idp-server",
	} {
		cmd := exec.CommandContext(t.Context(), "go", "build", "-o", filepath.Join(bin, name+exe), pkg)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	return bin
}

// runDemo runs the demo with its temporary files in a directory of the
// test's and checks that it leaves nothing there.
func runDemo(t *testing.T, bin string, stdout, stderr io.Writer, interrupts <-chan os.Signal) int {
	t.Helper()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	// A secret of our choosing, to check that it is never printed.
	t.Setenv("IDP_SERVER_CLIENT_SECRET", "demo-test-admin-secret-0123456789")
	code := run([]string{
		"-provider-dir", bin, "-server", filepath.Join(bin, "idp-server"), "-example", "../../../examples/quickstart",
	}, stdout, stderr, interrupts)
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("the demo left %d entries in its temporary directory, e.g. %s", len(left), left[0].Name())
	}
	return code
}

// The demo end to end, as `make demo` runs it: exit code 0, a summary,
// everything destroyed, no secret printed — with port 8080 taken.
func TestAccDemo(t *testing.T) {
	bin := demoBinaries(t)
	if ln, err := net.Listen("tcp", "127.0.0.1:8080"); err == nil {
		defer ln.Close()
	} // else someone else holds 8080 already, which is what this is about.

	var stdout, stderr syncBuffer
	code := runDemo(t, bin, &stdout, &stderr, nil)
	all := stdout.String() + stderr.String()
	if code != exitOK {
		t.Fatalf("exit code %d\n%s", code, all)
	}
	for _, want := range []string{
		"Apply complete! Resources: 6 added",
		"Tenant domain     http://127.0.0.1:",
		"API identifier    https://orders.customer-1.example/",
		"Grant scopes      read:orders, write:orders",
		"a JWT signed with RS256",
		"Destroy complete! Resources: 6 destroyed.",
		"==> Done:",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the output lacks %q:\n%s", want, all)
		}
	}
	for _, secret := range []string{"demo-test-admin-secret-0123456789", "eyJ", "[redacted"} {
		if strings.Contains(all, secret) {
			t.Errorf("the output shows %q (or had to redact it):\n%s", secret, all)
		}
	}
}

// An interrupt during the apply still destroys what was created, stops the
// server and removes the temporary files.
func TestAccDemo_interrupted(t *testing.T) {
	bin := demoBinaries(t)
	stdout := &syncBuffer{when: "Creation complete", notify: make(chan struct{})}
	started := stdout.notify
	var stderr syncBuffer
	interrupts := make(chan os.Signal, 1)
	finished := make(chan struct{})
	go func() {
		select {
		case <-started:
			interrupts <- os.Interrupt
		case <-finished:
		}
	}()
	code := runDemo(t, bin, stdout, &stderr, interrupts)
	close(finished)
	all := stdout.String() + stderr.String()
	if code != exitInterrupted {
		t.Fatalf("exit code %d, want %d\n%s", code, exitInterrupted, all)
	}
	for _, want := range []string{"Interrupted: stopping Terraform", "Destroy complete!", "==> Stopping idp-server"} {
		if !strings.Contains(all, want) {
			t.Errorf("the output lacks %q:\n%s", want, all)
		}
	}
}
