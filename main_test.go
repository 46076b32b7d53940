package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/idptest"
	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
)

func TestMain(m *testing.M) {
	if code, ok := devtf.RunAsWrapper(); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// The released binary, run by Terraform as usual: with no TF_LOG* variable
// set it writes no log line at all (the SDK's, the framework's and the
// provider's levels are off, so nothing is formatted for Terraform to
// drop); with TF_LOG=TRACE it writes the protocol's, the framework's and
// the provider's TRACE and DEBUG lines as before.
func TestAccBinary_logsOnlyWhenAsked(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (needs the terraform CLI)")
	}
	tfPath := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tfPath == "" {
		var err error
		if tfPath, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("TF_ACC is set but there is no terraform CLI on PATH (or TF_ACC_TERRAFORM_PATH)")
		}
	}
	dir := t.TempDir()
	realPath := filepath.Join(dir, "realPath", devtf.ProviderBinary)
	if out, err := exec.Command("go", "build", "-o", realPath, ".").CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	// Terraform runs this test binary as the provider, which runs the real
	// one with its standard error in a file.
	cliConfig, err := devtf.InstallWrapper(filepath.Join(dir, "wrapper"))
	if err != nil {
		t.Fatal(err)
	}

	srv := idptest.NewServer(t)
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	config := `
terraform {
  required_providers {
    idp = { source = "idp-terraform/idp" }
  }
}
provider "idp" {
  domain        = "` + srv.URL + `"
  client_id     = "` + srv.ClientID + `"
  client_secret = "` + srv.ClientSecret + `"
}
resource "idp_client" "c" {
  name = "logging"
}
`
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	// plan runs terraform plan (the provider validates, configures, asks
	// for a token and plans a create) and returns what the provider
	// processes wrote to their standard error.
	plan := func(name string, extraEnv ...string) string {
		stderrPath := filepath.Join(dir, name+".stderr")
		cmd := exec.CommandContext(t.Context(), tfPath, "plan", "-input=false", "-no-color")
		cmd.Dir = work
		cmd.Env = append(devtf.ScrubEnv(os.Environ(), "TF_LOG", "TF_ACC"),
			"TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		cmd.Env = append(append(cmd.Env, devtf.Wrapper{Provider: realPath, StderrFile: stderrPath}.Env()...), extraEnv...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("terraform plan (%s): %v\n%s", name, err, out.String())
		}
		if !strings.Contains(out.String(), "1 to add") {
			t.Fatalf("terraform plan (%s) did not plan the create:\n%s", name, out.String())
		}
		got, err := os.ReadFile(stderrPath)
		if err != nil {
			t.Fatalf("the wrapper recorded no standard error (%s): %v", name, err)
		}
		return string(got)
	}

	// go-plugin's own two start-up lines per process ("configuring server
	// automatic mTLS", "plugin address") have no @module and are not the
	// SDK's to turn off; every line of the SDK, the framework and the
	// provider carries one.
	quiet := plan("quiet")
	if n := strings.Count(quiet, `"@module"`); n != 0 {
		t.Errorf("with no TF_LOG* set the provider wrote %d SDK or provider log lines, want none:\n%.2000s", n, quiet)
	}
	if n := strings.Count(quiet, `"@level"`); n > 8 {
		t.Errorf("with no TF_LOG* set the provider processes wrote %d log lines in all:\n%.2000s", n, quiet)
	}

	trace := plan("trace", "TF_LOG=TRACE")
	for _, want := range []string{
		`"@module":"sdk.proto"`,     // terraform-plugin-go's protocol lines
		`"@module":"sdk.framework"`, // the framework's
		`"@message":"Received request"`,
		`"@message":"HTTP response"`,      // the provider's own (mgmt through tflog), DEBUG
		`"@message":"HTTP response body"`, // and TRACE
		`"@level":"trace"`,
	} {
		if !strings.Contains(trace, want) {
			t.Errorf("with TF_LOG=TRACE the provider's log lacks %s (%d bytes):\n%.2000s", want, len(trace), trace)
		}
	}
}
