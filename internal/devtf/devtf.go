// Package devtf runs the Terraform or OpenTofu CLI against a locally built
// provider: the CLI configuration that points the CLI at it, the
// environment it runs with, the process handling, and a wrapper that the
// CLI starts as the provider to observe it. The demo, the benchmark harness
// and the tests share it.
package devtf

import (
	"fmt"
	"strings"
)

const (
	// ProviderAddress is the provider's source address under Terraform,
	// where a configuration's source = "idp-terraform/idp" means
	// registry.terraform.io.
	ProviderAddress = "registry.terraform.io/idp-terraform/idp"
	// OpenTofuProviderAddress is the address the same source names under
	// OpenTofu, whose default registry host is registry.opentofu.org.
	OpenTofuProviderAddress = "registry.opentofu.org/idp-terraform/idp"
	// ProviderBinary is the name Terraform looks for in a dev_overrides
	// directory.
	ProviderBinary = "terraform-provider-idp"
)

// ProviderAddresses are the addresses "idp-terraform/idp" means under the
// two CLIs this project supports, Terraform's first.
var ProviderAddresses = []string{ProviderAddress, OpenTofuProviderAddress}

// CLIConfig is a CLI configuration, for Terraform or OpenTofu, that takes
// the idp provider from providerDir instead of the registry. It overrides
// the provider under both registry hosts (ProviderAddresses), so the same
// file serves either CLI: each ignores the override it never resolves to.
// With dev_overrides the CLI needs no init for the provider, and
// terraform_data is built in, so nothing is ever downloaded.
func CLIConfig(providerDir string) string {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, addr := range ProviderAddresses {
		fmt.Fprintf(&b, "    %q = %q\n", addr, providerDir)
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return b.String()
}

// ScrubEnv removes from an environment what would change how Terraform or
// the provider behave: the provider's IDP_* settings (an IDP_API_TOKEN would
// conflict with the client credentials the caller sets; IDP_SERVER_* only
// configure idp-server and are kept), and Terraform settings that inject
// arguments or variables, move state or redirect plugins. Variables whose
// names start with one of alsoDrop go too.
func ScrubEnv(environ []string, alsoDrop ...string) []string {
	var out []string
	for _, kv := range environ {
		key, _, _ := strings.Cut(kv, "=")
		if dropped(key, alsoDrop) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func dropped(key string, alsoDrop []string) bool {
	switch {
	case strings.HasPrefix(key, "IDP_") && !strings.HasPrefix(key, "IDP_SERVER_"),
		strings.HasPrefix(key, "TF_CLI_ARGS"),
		strings.HasPrefix(key, "TF_VAR_"),
		key == "TF_CLI_CONFIG_FILE", key == "TERRAFORM_CONFIG", key == "TF_DATA_DIR",
		key == "TF_WORKSPACE", key == "TF_INPUT", key == "TF_IN_AUTOMATION", key == "CHECKPOINT_DISABLE",
		key == "TF_REATTACH_PROVIDERS", key == "TF_PLUGIN_CACHE_DIR":
		return true
	}
	for _, prefix := range alsoDrop {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}
