package provider

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// The "Nothing secret at rest" guide's rotation of a keyed tenant's
// management key runs as the guide shows it, on the keyed seed example: its
// files examples/keyed-seed/rotation/*.tf are what the guide prints. The
// tenant's own provider block, signed in with the key the tenant was created
// with, adopts that key in an idp_client_credentials without registering it
// again; adds the new key (both sign in); moves tenant_private_key to the
// new key (an empty plan, signed in with it); and removes the old key, which
// the token endpoint then refuses. Every plan changes only what the step
// names, idp_tenant never, and each apply leaves an empty plan. Removing
// management_client_public_key afterwards updates the tenant's state in
// place, as the guide says.
func TestAccGuides_keyedTenantRotation(t *testing.T) {
	if os.Getenv(tfresource.EnvTfAcc) == "" {
		t.Skipf("acceptance tests are skipped unless %s is set", tfresource.EnvTfAcc)
	}
	t.Parallel()
	env := newTestEnv(t)
	provisioningKey, oldKey, newKey := newRSAKey(t), newRSAKey(t), newRSAKey(t)
	provisioning := env.pkjwtClientWith(provisioningKey, "create:tenants", "read:tenants", "update:tenants", "delete:tenants")

	dir := t.TempDir()
	copyExample(t, "keyed-seed", dir)
	r := &tenantPerCustomerRun{t: t, env: env, dir: dir}
	base := append(devtf.ScrubEnv(os.Environ()), "TF_CLI_CONFIG_FILE="+providerMirrorConfig(t),
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0",
		"TF_VAR_domain="+env.url, "TF_VAR_client_id="+provisioning,
		"TF_VAR_provisioning_private_key="+keyPEM(t, provisioningKey),
		"TF_VAR_tenant_public_key="+pemPublicKey(t, oldKey),
		"TF_VAR_tenant_new_public_key="+pemPublicKey(t, newKey),
		"TF_VAR_orders_service_secret=svc-"+strings.Repeat("s", 40))
	signedInWith := func(k *rsa.PrivateKey) {
		r.environ = append(slices.Clone(base), "TF_VAR_tenant_private_key="+keyPEM(t, k))
	}
	signedInWith(oldKey)
	r.cli([]int{0}, "init", "-input=false", "-no-color")
	r.cli([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	emptyPlan(r)
	var got struct {
		Domain struct{ Value string } `json:"tenant_domain"`
		Mgmt   struct{ Value string } `json:"management_client_id"`
	}
	out, _ := r.cli([]int{0}, "output", "-json")
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	tenantID := tenantIDOf(t, r)
	asKey := func(k *rsa.PrivateKey) *mgmt.Client {
		c, err := mgmt.New(mgmt.Config{Domain: got.Domain.Value, ClientID: got.Mgmt.Value, ClientAssertionKey: k, MaxRetries: 1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	credentials := func() []*mgmt.ClientCredential {
		t.Helper()
		for _, k := range []*rsa.PrivateKey{newKey, oldKey} {
			if creds, err := asKey(k).ListClientCredentials(t.Context(), got.Mgmt.Value); err == nil {
				return creds
			}
		}
		t.Fatal("neither key signs in to the tenant")
		return nil
	}
	created := credentials()
	if len(created) != 1 {
		t.Fatalf("the keyed tenant's management client has %d credentials, want 1", len(created))
	}

	step := func(file string, want map[string]string) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(examplesDir, "keyed-seed", "rotation", file))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "rotation.tf"), b, 0o600); err != nil {
			t.Fatal(err)
		}
		if changes := plannedChanges(r); !maps.Equal(changes, want) {
			t.Fatalf("%s plans %v, want %v", file, changes, want)
		}
		r.cli([]int{0}, "apply", "-input=false", "-no-color", "tfplan")
		emptyPlan(r)
	}

	// Step 1: adopted, not registered again.
	step("1-adopt.tf", map[string]string{"idp_client_credentials.customer_management": "[create]"})
	if now := credentials(); len(now) != 1 || valueOr(now[0].ID, "") != valueOr(created[0].ID, "") {
		t.Errorf("after adopting, the credentials are %v, want the one the tenant was created with (%s)",
			credIDs(now), valueOr(created[0].ID, ""))
	}
	// Step 2: both keys sign in.
	step("2-add.tf", map[string]string{"idp_client_credentials.customer_management": "[update]"})
	for name, k := range map[string]*rsa.PrivateKey{"old": oldKey, "new": newKey} {
		if err := tokenWith(t, asKey(k)); err != nil {
			t.Errorf("with both keys registered, the %s key does not sign in: %v", name, err)
		}
	}
	// Step 3: the tenant's provider block signs in with the new key; nothing changes.
	signedInWith(newKey)
	emptyPlan(r)
	// Step 4: the old key is refused, the new one works.
	step("3-retire.tf", map[string]string{"idp_client_credentials.customer_management": "[update]"})
	var apiErr *mgmt.Error
	if err := tokenWith(t, asKey(oldKey)); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old key after the rotation: %v, want 401", err)
	}
	if err := tokenWith(t, asKey(newKey)); err != nil {
		t.Errorf("the new key after the rotation: %v", err)
	}
	if now := credentials(); len(now) != 1 || valueOr(now[0].ID, "") == valueOr(created[0].ID, "") {
		t.Errorf("after the rotation the credentials are %v, want only the new one", credIDs(now))
	}

	// Afterwards management_client_public_key may go: an update of the
	// tenant's state in place, not a replacement.
	main := filepath.Join(dir, "main.tf")
	b, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	line := "  management_client_public_key = var.tenant_public_key\n"
	if !strings.Contains(string(b), line) {
		t.Fatalf("examples/keyed-seed/main.tf has no line %q", line)
	}
	if err := os.WriteFile(main, []byte(strings.Replace(string(b), line, "", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if changes := plannedChanges(r); !maps.Equal(changes, map[string]string{"idp_tenant.customer": "[update]"}) {
		t.Fatalf("removing management_client_public_key plans %v, want an update of idp_tenant.customer", changes)
	}
	r.cli([]int{0}, "apply", "-input=false", "-no-color", "tfplan")
	emptyPlan(r)
	if id := tenantIDOf(t, r); id != tenantID {
		t.Errorf("the tenant's ID went from %s to %s", tenantID, id)
	}

	r.cli([]int{0}, "destroy", "-auto-approve", "-input=false", "-no-color")
	r.server(0)
}

// emptyPlan fails the test unless a plan changes nothing.
func emptyPlan(r *tenantPerCustomerRun) {
	r.t.Helper()
	if out, code := r.cli([]int{0, 2}, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		r.t.Fatalf("the plan is not empty:\n%s", out)
	}
}

// plannedChanges saves a plan as tfplan and returns the actions it plans,
// by address, leaving out resources it does not change.
func plannedChanges(r *tenantPerCustomerRun) map[string]string {
	r.t.Helper()
	r.cli([]int{0, 2}, "plan", "-input=false", "-no-color", "-out=tfplan")
	shown, _ := r.cli([]int{0}, "show", "-json", "-no-color", "tfplan")
	var plan struct {
		ResourceChanges []struct {
			Address string
			Change  struct{ Actions []string }
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(shown), &plan); err != nil {
		r.t.Fatalf("the plan's JSON: %v", err)
	}
	out := map[string]string{}
	for _, rc := range plan.ResourceChanges {
		if a := rc.Change.Actions; !slices.Equal(a, []string{"no-op"}) && !slices.Equal(a, []string{"read"}) {
			out[rc.Address] = fmt.Sprint(a)
		}
	}
	return out
}

func tenantIDOf(t *testing.T, r *tenantPerCustomerRun) string {
	t.Helper()
	out, _ := r.cli([]int{0}, "state", "show", "-no-color", "idp_tenant.customer")
	for line := range strings.Lines(out) {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && strings.TrimSpace(k) == "id" {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	t.Fatalf("no id in the state of idp_tenant.customer:\n%s", out)
	return ""
}

func tokenWith(t *testing.T, c *mgmt.Client) error {
	_, err := c.RequestToken(t.Context(), mgmt.TokenRequest{Audience: c.Audience()})
	return err
}

func credIDs(creds []*mgmt.ClientCredential) []string {
	ids := make([]string, 0, len(creds))
	for _, cr := range creds {
		ids = append(ids, valueOr(cr.ID, ""))
	}
	return ids
}
