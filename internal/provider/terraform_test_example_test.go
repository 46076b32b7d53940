package provider

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/idp-terraform/terraform-provider-idp/idptest"
	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
)

// The module and test file the terraform-test guide shows
// (examples/modules/api) pass under the real `terraform test`, run as the
// guide says: idp-server, a CLI configuration with dev_overrides, `terraform
// get` for the helper module, then `terraform test`. Not parallel: it builds
// the provider.
func TestAccExamples_terraformTest(t *testing.T) {
	if os.Getenv(tfresource.EnvTfAcc) == "" {
		t.Skipf("acceptance tests are skipped unless %s is set", tfresource.EnvTfAcc)
	}
	srv := idptest.NewServer(t)

	providerDir := t.TempDir()
	build := exec.CommandContext(t.Context(), "go", "build", "-o", filepath.Join(providerDir, devtf.ProviderBinary), "github.com/idp-terraform/terraform-provider-idp")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(t.TempDir(), "dev.tfrc")
	if err := os.WriteFile(cliConfig, []byte(devtf.CLIConfig(providerDir)), 0o600); err != nil {
		t.Fatal(err)
	}
	// A copy, so that .terraform/ lands outside the repository.
	module := t.TempDir()
	if err := os.CopyFS(module, os.DirFS(filepath.Join(examplesDir, "modules", "api"))); err != nil {
		t.Fatal(err)
	}
	_ = os.RemoveAll(filepath.Join(module, ".terraform"))

	env := devtf.ScrubEnv(os.Environ())
	env = append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	for k, v := range srv.Env() {
		env = append(env, k+"="+v)
	}
	terraform := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), "terraform", args...)
		cmd.Dir, cmd.Env = module, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	terraform("get")
	out := terraform("test", "-no-color")
	if !strings.Contains(out, "Success! 6 passed, 0 failed.") {
		t.Fatalf("terraform test did not pass all six runs:\n%s", out)
	}

	// terraform test destroyed what it made: only the seeded Management API
	// and admin client are left.
	for path, want := range map[string]int{"/api/v2/resource-servers": 1, "/api/v2/clients": 1, "/api/v2/client-grants": 1} {
		if got := countObjects(t, srv, path); got != want {
			t.Errorf("%s: %d objects after terraform test, want %d", path, got, want)
		}
	}
}

// countObjects lists a Management API collection as the root admin.
func countObjects(t *testing.T, srv *idptest.Server, path string) int {
	t.Helper()
	client := srv.Client()
	resp, err := client.PostForm(srv.URL+"/oauth/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {srv.ClientID}, "client_secret": {srv.ClientSecret},
		"audience": {srv.URL + "/api/v2/"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		t.Fatalf("GET %s: %s", path, body)
	}
	return len(items)
}
