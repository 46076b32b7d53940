// Package devtf runs the Terraform CLI against a locally built provider:
// the CLI configuration that points Terraform at it, the environment it
// runs with, and the process handling. The demo and the benchmark harness
// share it.
package devtf

import (
	"fmt"
	"strings"
)

const (
	// ProviderAddress is the provider's source address, which
	// configurations require and the CLI configuration's dev_overrides
	// redirects.
	ProviderAddress = "registry.terraform.io/idp-terraform/idp"
	// ProviderBinary is the name Terraform looks for in a dev_overrides
	// directory.
	ProviderBinary = "terraform-provider-idp"
)

// CLIConfig is a Terraform CLI configuration that takes the idp provider
// from providerDir instead of the registry. With dev_overrides Terraform
// needs no `terraform init` for the provider, and terraform_data is built
// in, so nothing is ever downloaded.
func CLIConfig(providerDir string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, ProviderAddress, providerDir)
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
