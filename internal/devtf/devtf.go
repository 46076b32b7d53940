// Package devtf drives the Terraform or OpenTofu CLI against a locally built provider.
package devtf

import (
	"fmt"
	"strings"
)

const (
	// ProviderAddress is what source = "idp-terraform/idp" means under Terraform.
	ProviderAddress = "registry.terraform.io/idp-terraform/idp"
	// OpenTofuProviderAddress is what the same source means under OpenTofu.
	OpenTofuProviderAddress = "registry.opentofu.org/idp-terraform/idp"
	// ProviderBinary is the name the CLI looks for in a dev_overrides directory.
	ProviderBinary = "terraform-provider-idp"
)

// ProviderAddresses are both of them, Terraform's first.
var ProviderAddresses = []string{ProviderAddress, OpenTofuProviderAddress}

// CLIConfig overrides the provider with providerDir under both registry hosts, so that one
// file serves either CLI (each ignores the other's); with dev_overrides nothing is downloaded.
func CLIConfig(providerDir string) string {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, addr := range ProviderAddresses {
		fmt.Fprintf(&b, "    %q = %q\n", addr, providerDir)
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return b.String()
}

// ScrubEnv drops IDP_* (not IDP_SERVER_*), the TF_* settings that change a run, and alsoDrop's prefixes.
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
