package provider

import (
	"os"
	"os/exec"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/idptest"
	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
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
