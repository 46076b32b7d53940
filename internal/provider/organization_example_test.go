package provider

import (
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

// The organization-per-customer example (examples/organization-per-
// customer), run as its guide says with the real CLI against idp-server,
// from a copy outside the repository: the terraform-test guide's CLI
// configuration, then the guide's block — apply, a plan that must change
// nothing (-detailed-exitcode), destroy, and `terraform test` with its
// three runs. Not parallel: it builds the provider.
func TestAccExamples_organizationPerCustomer(t *testing.T) {
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
	if err := os.CopyFS(module, os.DirFS(filepath.Join(examplesDir, "organization-per-customer"))); err != nil {
		t.Fatal(err)
	}
	_ = os.RemoveAll(filepath.Join(module, ".terraform"))

	setup := shellBlock(t, readExample(t, "../templates/guides/terraform-test.md.tmpl"), "dev_overrides")
	setup = regexp.MustCompile(`(?m)^PROVIDER_DIR=.*$`).ReplaceAllString(setup, "PROVIDER_DIR="+providerDir)
	run := shellBlock(t, readExample(t, "../templates/guides/tenant-or-organization.md.tmpl"), "terraform test")
	env := devtf.ScrubEnv(os.Environ())
	env = append(env, "HOME="+t.TempDir(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	for k, v := range srv.Env() {
		env = append(env, k+"="+v)
	}
	cmd := exec.CommandContext(t.Context(), "bash", "-euc", setup+"\n"+run)
	cmd.Dir, cmd.Env = module, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the guide's commands failed: %v\n%s", err, out)
	}
	plain := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(string(out), "")
	if !strings.Contains(plain, "Success! 3 passed, 0 failed.") {
		t.Fatalf("terraform test did not pass all three runs:\n%s", plain)
	}
	// Destroy and terraform test left nothing behind: only the seeded
	// Management API, admin client and its grant.
	for path, want := range map[string]int{"/api/v2/organizations": 0, "/api/v2/resource-servers": 1,
		"/api/v2/clients": 1, "/api/v2/client-grants": 1} {
		if got := countObjects(t, srv, path); got != want {
			t.Errorf("%s: %d objects after the guide's commands, want %d", path, got, want)
		}
	}
}
