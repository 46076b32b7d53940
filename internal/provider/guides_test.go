package provider

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/idptest"
	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// The idp-server guide's hand-made seed (a token request, then one
// Management API call) runs as printed, with the environment idp-server
// prints, and leaves one more API on the server.
func TestGuides_seedByHand(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	srv := idptest.NewServer(t)
	seed := shellBlock(t, readExample(t, "../templates/guides/idp-server.md.tmpl"), "Authorization: Bearer")
	cmd := exec.CommandContext(t.Context(), "bash", "-euo", "pipefail", "-c", seed)
	cmd.Dir = t.TempDir()
	cmd.Env = devtf.ScrubEnv(os.Environ())
	for k, v := range srv.Env() {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the guide's seed failed: %v\n%s", err, out)
	}
	if got := countObjects(t, srv, "/api/v2/resource-servers"); got != 2 {
		t.Errorf("%d APIs after the seed, want 2 (the Management API and the seeded one)", got)
	}
}

// The no-secret-at-rest guide's shell blocks run as printed: the first
// makes a provisioning client that signs in with the key it generated, may
// manage tenants and nothing else; the rotation moves it to a new key, after
// which the old one is refused.
func TestGuides_keyedProvisioningClient(t *testing.T) {
	for _, tool := range []string{"curl", "jq", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	srv := idptest.NewServer(t)
	guide := readExample(t, "../templates/guides/no-secret-at-rest.md.tmpl")
	bootstrap := shellBlock(t, guide, `name: "Tenant Provisioning"`)
	dir := t.TempDir()
	run := func(script string, extra ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), "bash", "-euo", "pipefail", "-c", script)
		cmd.Dir = dir
		cmd.Env = devtf.ScrubEnv(os.Environ())
		for k, v := range srv.Env() {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.Env = append(cmd.Env, extra...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("the guide's block failed: %v\n%s", err, out)
		}
		return string(out)
	}
	out := run(bootstrap)
	_, clientID, ok := strings.Cut(strings.TrimSpace(out), "client_id=")
	if !ok || clientID == "" {
		t.Fatalf("the block printed no client_id:\n%s", out)
	}
	withKey := func(file string) *mgmt.Client {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		key, err := mgmt.ParsePrivateKeyPEM(string(b))
		if err != nil {
			t.Fatal(err)
		}
		c, err := mgmt.New(mgmt.Config{Domain: srv.URL, ClientID: clientID, ClientAssertionKey: key, MaxRetries: 1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	old := withKey("provisioning.key")
	if _, err := old.CreateTenant(t.Context(), &mgmt.Tenant{Name: mgmt.String("from-the-guide")}); err != nil {
		t.Fatalf("the provisioning client cannot create a tenant: %v", err)
	}
	if _, err := old.ListResourceServers(t.Context()); err == nil {
		t.Error("the provisioning client may read the root tenant's APIs: it should have the *:tenants scopes only")
	}

	rotate := shellLine(t, bootstrap, "TOKEN=") + "\n" + shellBlock(t, guide, "provisioning-new.pub")
	run(rotate, "PROVISIONING_ID="+clientID)
	if _, err := withKey("provisioning-new.key").ListTenants(t.Context()); err != nil {
		t.Errorf("the new key does not sign in: %v", err)
	}
	_, err := old.RequestToken(t.Context(), mgmt.TokenRequest{Audience: old.Audience()})
	var apiErr *mgmt.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old key after the rotation: %v, want 401", err)
	}
}
