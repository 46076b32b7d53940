package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/idp-terraform/terraform-provider-idp/idptest"
	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// The adoption guide end to end, on the real CLI (Terraform 1.14 or
// later, which 'make testquery' gives it): a tenant whose API, clients,
// grant, connection and hosted tenant were made through the API; the
// guide's example configuration and query (examples/adopting-existing-
// tenant); 'terraform query -generate-config-out' writes resources and
// identity import blocks with no secret in them; the plan of that
// configuration only imports, changing nothing; after the apply, the plan
// is empty. Not parallel: it builds the provider.
func TestAccQuery_generateConfig(t *testing.T) {
	if os.Getenv(tfresource.EnvTfAcc) == "" {
		t.Skipf("acceptance tests are skipped unless %s is set", tfresource.EnvTfAcc)
	}
	srv := idptest.NewServer(t)
	client, err := mgmt.New(mgmt.Config{Domain: srv.URL, ClientID: srv.ClientID, ClientSecret: srv.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	marking, err := mgmt.New(mgmt.Config{Domain: srv.URL, ClientID: srv.ClientID, ClientSecret: srv.ClientSecret, AdoptLeftovers: true})
	if err != nil {
		t.Fatal(err)
	}
	a := seedAdoptable(t.Context(), t, client, marking, srv.ClientSecret)

	providerDir := t.TempDir()
	build := exec.CommandContext(t.Context(), "go", "build", "-o", filepath.Join(providerDir, devtf.ProviderBinary), "github.com/idp-terraform/terraform-provider-idp")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(t.TempDir(), "dev.tfrc")
	if err := os.WriteFile(cliConfig, []byte(devtf.CLIConfig(providerDir)), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(examplesDir, "adopting-existing-tenant"))); err != nil {
		t.Fatal(err)
	}
	env := devtf.ScrubEnv(os.Environ())
	env = append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	for k, v := range srv.Env() {
		env = append(env, k+"="+v)
	}
	terraform := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), cliPath(t), args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	out := terraform("query", "-no-color", "-generate-config-out=generated.tf")
	noSecretIn(t, "terraform query's output", out, a.secrets())
	if !strings.Contains(out, "Clients Left Out") || !strings.Contains(out, `"kiosk"`) {
		t.Errorf("terraform query did not say that it left the public client out:\n%s", out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		t.Fatalf("no generated configuration: %v\n%s", err, out)
	}
	generated := string(b)
	noSecretIn(t, "the generated configuration", generated, a.secrets())
	// One resource and one identity import block per object that is not a
	// system object: the API, two clients, the grant, two connections (the
	// seeded one and ours) and the hosted tenant.
	const objects = 7
	if n := len(regexp.MustCompile(`(?m)^import \{`).FindAllString(generated, -1)); n != objects {
		t.Errorf("generated configuration has %d import blocks, want %d:\n%s", n, objects, generated)
	}
	if n := len(regexp.MustCompile(`(?m)^\s+identity\s+=`).FindAllString(generated, -1)); n != objects {
		t.Errorf("generated configuration has %d import blocks by identity, want %d:\n%s", n, objects, generated)
	}
	for _, s := range []string{srv.ClientID, srv.URL + "/api/v2/", `"kiosk"`} {
		if strings.Contains(generated, s) {
			t.Errorf("generated configuration names %s, a system object or a client idp_client cannot manage:\n%s", s, generated)
		}
	}
	if m := regexp.MustCompile(`(?m)^\s+(signing_secret|client_secret|management_client_id|management_client_secret)\s+=.*$`).FindString(generated); m != "" {
		t.Errorf("generated configuration sets a secret attribute: %s", m)
	}

	// The plan imports every object and changes none.
	// (The imported state holds the secrets, as after any import.)
	terraform("plan", "-no-color", "-out=tfplan")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Type    string `json:"type"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Before    map[string]any  `json:"before"`
				After     map[string]any  `json:"after"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	showJSON := terraform("show", "-json", "tfplan")
	if err := json.Unmarshal([]byte(showJSON), &plan); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	if len(plan.ResourceChanges) != objects {
		t.Errorf("plan has %d resource changes, want %d imports", len(plan.ResourceChanges), objects)
	}
	for _, rc := range plan.ResourceChanges {
		if len(rc.Change.Importing) == 0 {
			t.Errorf("%s is not imported", rc.Address)
		}
		if len(rc.Change.Actions) == 1 && rc.Change.Actions[0] == "no-op" {
			continue
		}
		// idp_connection writes the options it manages that a connection
		// lacks (they read as null): an update from null to the value the
		// server assumes, which changes nothing about how it behaves.
		if rc.Type != "idp_connection" || len(rc.Change.Actions) != 1 || rc.Change.Actions[0] != "update" {
			t.Errorf("%s: actions %v; want an import and no change", rc.Address, rc.Change.Actions)
			continue
		}
		for k, after := range rc.Change.After {
			before := rc.Change.Before[k]
			if fmt.Sprint(before) == fmt.Sprint(after) {
				continue
			}
			if want, ok := connectionOptionDefaults[k]; !ok || before != nil || after != want {
				t.Errorf("%s: %s changes from %v to %v; only options missing on the server may be set, to their defaults",
					rc.Address, k, before, after)
			}
		}
	}
	terraform("apply", "-no-color", "tfplan")
	// Then nothing is left to do: -detailed-exitcode exits 2 on changes.
	terraform("plan", "-no-color", "-detailed-exitcode")
}

// connectionOptionDefaults are the values idp_connection writes for the
// options it manages when a connection lacks them.
var connectionOptionDefaults = map[string]any{
	"disable_signup": false, "requires_username": false, "brute_force_protection": true, "password_policy": "good",
}
