package devtf

import (
	"slices"
	"strings"
	"testing"
)

func TestCLIConfig(t *testing.T) {
	t.Parallel()
	got := CLIConfig("/tmp/idp bench/wrapper")
	for _, want := range []string{
		"provider_installation {",
		"dev_overrides {",
		`"registry.terraform.io/idp-terraform/idp" = "/tmp/idp bench/wrapper"`,
		`"registry.opentofu.org/idp-terraform/idp" = "/tmp/idp bench/wrapper"`,
		"direct {}",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the CLI configuration lacks %q:\n%s", want, got)
		}
	}
}

func TestScrubEnv(t *testing.T) {
	t.Parallel()
	in := []string{
		"PATH=/usr/bin", "HOME=/root", "IDP_API_TOKEN=x", "IDP_BENCH_RSS_FILE=y", "IDP_SERVER_CLIENT_ID=admin",
		"TF_CLI_CONFIG_FILE=/root/.terraformrc", "TF_CLI_ARGS_apply=-parallelism=1", "TF_VAR_x=1", "TF_LOG=trace",
		"TF_LOG_PATH=/tmp/l", "TF_DATA_DIR=/x", "TF_PLUGIN_CACHE_DIR=/c", "TF_REATTACH_PROVIDERS={}", "TF_ACC=1",
		"GOFLAGS=-mod=mod",
	}
	got := ScrubEnv(in)
	want := []string{"PATH=/usr/bin", "HOME=/root", "IDP_SERVER_CLIENT_ID=admin", "TF_LOG=trace", "TF_LOG_PATH=/tmp/l",
		"TF_ACC=1", "GOFLAGS=-mod=mod"}
	if !slices.Equal(got, want) {
		t.Errorf("ScrubEnv = %v, want %v", got, want)
	}
	got = ScrubEnv(in, "TF_LOG", "TF_ACC")
	want = []string{"PATH=/usr/bin", "HOME=/root", "IDP_SERVER_CLIENT_ID=admin", "GOFLAGS=-mod=mod"}
	if !slices.Equal(got, want) {
		t.Errorf("ScrubEnv(…, TF_LOG, TF_ACC) = %v, want %v", got, want)
	}
}
