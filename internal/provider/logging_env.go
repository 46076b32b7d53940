package provider

import (
	"os"
	"strings"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// The plugin's log levels (DESIGN.md, "Logs nobody reads"): unset means
// TRACE, and none of them looks at TF_LOG.
const providerLogEnv = "TF_LOG_PROVIDER_IDP"

var pluginLogEnvs = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", providerLogEnv}

// LogsRequested reports whether environ asks anyone for logs: any
// non-empty TF_LOG* variable, known or not, or TF_ACC_LOG_PATH.
func LogsRequested(environ []string) bool {
	for _, kv := range environ {
		key, value, _ := strings.Cut(kv, "=")
		if value == "" {
			continue
		}
		if strings.HasPrefix(key, "TF_LOG") || key == "TF_ACC_LOG_PATH" {
			return true
		}
	}
	return false
}

// SilenceUnreadLogs turns the SDK's, the framework's and the provider's
// log levels off unless LogsRequested, and reports whether it did. It must
// run before the provider is served, which is when they are read.
func SilenceUnreadLogs() bool {
	if LogsRequested(os.Environ()) {
		return false
	}
	for _, name := range pluginLogEnvs {
		if err := os.Setenv(name, "OFF"); err != nil {
			return false
		}
	}
	return true
}

// providerLogLevel is the least severe level tflog passes on; ok is false
// when every level is off. A value tflog does not know means TRACE.
func providerLogLevel() (level mgmt.Level, ok bool) {
	switch strings.ToUpper(strings.TrimSpace(os.Getenv(providerLogEnv))) {
	case "OFF":
		return 0, false
	case "DEBUG":
		return mgmt.LevelDebug, true
	case "INFO":
		return mgmt.LevelInfo, true
	case "WARN":
		return mgmt.LevelWarn, true
	case "ERROR":
		return mgmt.LevelError, true
	}
	return mgmt.LevelTrace, true
}
