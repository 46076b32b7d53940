package provider

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/idp-terraform/terraform-provider-idp/idptest"
	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
)

// The module and test file the terraform-test guide shows
// (examples/modules/api) pass under the real `terraform test`, run as the
// guide says, from a copy of the module outside the repository: idp-server,
// the guide's own shell block writing the CLI configuration (with
// PROVIDER_DIR set to a freshly built provider), `terraform get`, then the
// guide's `terraform test` with a per-run identifier.
// Not parallel: it builds the provider.
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
	module := t.TempDir()
	if err := os.CopyFS(module, os.DirFS(filepath.Join(examplesDir, "modules", "api"))); err != nil {
		t.Fatal(err)
	}
	_ = os.RemoveAll(filepath.Join(module, ".terraform"))
	home := t.TempDir()

	guide := readExample(t, "../templates/guides/terraform-test.md.tmpl")
	setup := shellBlock(t, guide, "dev_overrides")
	setup = regexp.MustCompile(`(?m)^PROVIDER_DIR=.*$`).ReplaceAllString(setup, "PROVIDER_DIR="+providerDir)
	env := devtf.ScrubEnv(os.Environ())
	env = append(env, "HOME="+home, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	for k, v := range srv.Env() {
		env = append(env, k+"="+v)
	}
	sh := func(script string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), "bash", "-euc", setup+"\n"+script)
		cmd.Dir, cmd.Env = module, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", script, err, out)
		}
		return string(out)
	}
	sh("terraform get")
	perRun := shellLine(t, shellBlock(t, guide, "terraform test -var"), "terraform test")
	if out := sh(perRun + " -no-color"); !strings.Contains(out, "Success! 6 passed, 0 failed.") {
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

// shellBlock returns the first ```shell block of a document that contains
// marker.
func shellBlock(t *testing.T, doc, marker string) string {
	t.Helper()
	for _, m := range regexp.MustCompile("(?s)```shell\n(.*?)```").FindAllStringSubmatch(doc, -1) {
		if strings.Contains(m[1], marker) {
			return m[1]
		}
	}
	t.Fatalf("no shell block with %q", marker)
	return ""
}

// shellLine returns the line of a block that starts with prefix.
func shellLine(t *testing.T, block, prefix string) string {
	t.Helper()
	for line := range strings.Lines(block) {
		if strings.HasPrefix(line, prefix) {
			return strings.TrimSpace(line)
		}
	}
	t.Fatalf("no line starting with %q in %s", prefix, block)
	return ""
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
