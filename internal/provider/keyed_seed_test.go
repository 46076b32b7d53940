package provider

import (
	"archive/zip"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// jwtShaped matches a JWS in compact form: a JSON header and payload, base64url.
var jwtShaped = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.`)

// privateKeySecrets are what a scan looks for to find a private key: its
// PEM's full base64 lines, each of which is also in any other base64
// rendering of the same DER (one line, or escaped in JSON).
func privateKeySecrets(t *testing.T, k *rsa.PrivateKey) []string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(keyPEM(t, k)), "\n")
	return lines[1 : len(lines)-2] // the last body line may be short
}

// The keyed seed example — a provisioning client signed in with a private
// key, a tenant whose management client is switched to a public key, the
// tenant's API, a service client with a write-only secret, its grant and an
// ephemeral token — applies from a saved plan, re-plans empty and destroys.
// Then neither the state, nor the saved plan (every member of its archive,
// and terraform show -json of it), nor the TF_LOG=TRACE log, nor what the
// CLI printed holds a private key, a secret or a token: the keys' PEM
// lines, the tenant's one-time management secret, the service's secret, the
// root admin's secret, every token and assertion the server issued or
// received, or anything shaped like a JWT. Like the quickstart, the
// provider runs out of process, so that each provider block keeps its own
// configuration.
func TestAccExamples_keyedSeed(t *testing.T) {
	if os.Getenv(tfresource.EnvTfAcc) == "" {
		t.Skipf("acceptance tests are skipped unless %s is set", tfresource.EnvTfAcc)
	}
	t.Parallel()
	wire := &wireSecrets{values: map[string]bool{}}
	env := newTestEnvOpts(t, server.Options{}, wire.wrap)
	provisioningKey, tenantKey := newRSAKey(t), newRSAKey(t)
	provisioning := env.pkjwtClientWith(provisioningKey, "create:tenants", "read:tenants", "update:tenants", "delete:tenants")
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	serviceSecret := "svc-" + hex.EncodeToString(b)

	dir := t.TempDir()
	copyExample(t, "keyed-seed", dir)
	logPath := filepath.Join(t.TempDir(), "trace.log")
	r := &tenantPerCustomerRun{t: t, env: env, dir: dir}
	r.environ = append(devtf.ScrubEnv(os.Environ()), "TF_CLI_CONFIG_FILE="+providerMirrorConfig(t),
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0", "TF_LOG=TRACE", "TF_LOG_PATH="+logPath,
		"TF_VAR_domain="+env.url, "TF_VAR_client_id="+provisioning,
		"TF_VAR_provisioning_private_key="+keyPEM(t, provisioningKey),
		"TF_VAR_tenant_public_key="+pemPublicKey(t, tenantKey),
		"TF_VAR_tenant_private_key="+keyPEM(t, tenantKey),
		"TF_VAR_orders_service_secret="+serviceSecret)

	var printed strings.Builder
	run := func(ok []int, args ...string) (string, int) {
		out, code := r.cli(ok, args...)
		printed.WriteString(out)
		return out, code
	}
	run([]int{0}, "init", "-input=false", "-no-color")
	run([]int{0}, "plan", "-input=false", "-no-color", "-out=tfplan")
	planFile, err := os.ReadFile(filepath.Join(dir, "tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	shown, _ := run([]int{0}, "show", "-json", "-no-color", "tfplan")
	if out, _ := run([]int{0}, "apply", "-input=false", "-no-color", "tfplan"); strings.Contains(out, "orders_service_token") {
		t.Errorf("the token check did not pass:\n%s", out)
	}
	if out, code := run([]int{0, 2}, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("the plan after apply is not empty:\n%s", out)
	}
	state, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}

	// What was made: one keyed tenant whose create answer's secret no longer
	// signs in, and a service that gets tokens with its write-only secret.
	tenants, err := env.client.ListTenants(t.Context())
	if err != nil || len(tenants) != 1 {
		t.Fatalf("the server holds %d tenants (err %v), want 1", len(tenants), err)
	}
	outputs, _ := r.cli([]int{0}, "output", "-json")
	var got struct {
		Domain  struct{ Value string } `json:"tenant_domain"`
		Mgmt    struct{ Value string } `json:"management_client_id"`
		Service struct{ Value string } `json:"orders_service_client_id"`
	}
	if err := json.Unmarshal([]byte(outputs), &got); err != nil {
		t.Fatal(err)
	}
	if err := checkKeyedManagementClient(t.Context(), got.Domain.Value, got.Mgmt.Value, tenantKey, "", wire.list()); err != nil {
		t.Error(err)
	}
	service, err := mgmt.New(mgmt.Config{Domain: got.Domain.Value, ClientID: got.Service.Value, ClientSecret: serviceSecret})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := service.RequestToken(t.Context(), mgmt.TokenRequest{Audience: "https://orders.customer-1.example/"}); err != nil {
		t.Errorf("the orders service gets no token with its write-only secret: %v", err)
	}

	run([]int{0}, "destroy", "-auto-approve", "-input=false", "-no-color")
	r.server(0)

	secrets := append(wire.list(), serviceSecret, env.srv.AdminClientSecret())
	secrets = append(secrets, privateKeySecrets(t, provisioningKey)...)
	secrets = append(secrets, privateKeySecrets(t, tenantKey)...)
	// After list, which takes the lock the handlers wrote under.
	if seen := len(wire.list()); wire.assertions == 0 || seen < 3 {
		t.Fatalf("the server saw %d assertions and answered %d secrets and tokens: too few to trust the scan",
			wire.assertions, seen)
	}
	trace, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(trace), "[TRACE]") || !strings.Contains(string(trace), "its secret was dropped") {
		t.Fatalf("the trace log has no provider trace lines (%d bytes)", len(trace))
	}
	scanned := map[string]string{
		"the state":             string(state),
		"terraform show -json":  shown,
		"the trace log":         string(trace),
		"what the CLI printed":  printed.String(),
		"the saved plan, as is": string(planFile),
	}
	zr, err := zip.NewReader(strings.NewReader(string(planFile)), int64(len(planFile)))
	if err != nil {
		t.Fatalf("the saved plan is not a zip archive: %v", err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		member, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		scanned["the saved plan's "+f.Name] = string(member)
	}
	for what, text := range scanned {
		noSecretIn(t, what, text, secrets)
		if m := jwtShaped.FindString(text); m != "" {
			t.Errorf("%s holds a JWT (%.12s...)", what, m)
		}
		if strings.Contains(text, "PRIVATE KEY-----") {
			t.Errorf("%s holds a private key's PEM", what)
		}
	}
}

// copyExample copies the .tf files of examples/name into dir.
func copyExample(t *testing.T, name, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(examplesDir, name, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no configuration in examples/%s (%v)", name, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
