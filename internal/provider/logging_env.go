package provider

import (
	"os"
	"strings"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// How the plugin's log levels are decided (terraform-plugin-go's tf6server,
// terraform-plugin-log, the framework): the SDK's root logger takes its
// level from TF_LOG_SDK, its protocol subsystem from TF_LOG_SDK_PROTO, the
// framework's subsystem from TF_LOG_SDK_FRAMEWORK, and the provider's own
// logger (tflog) from TF_LOG_PROVIDER_IDP; an unset variable means TRACE.
// None of them looks at TF_LOG: the plugin writes every line as JSON to its
// standard error and Terraform, which started it with its own environment,
// parses each line and drops those below its TF_LOG / TF_LOG_PROVIDER
// level, all of them when neither is set. So with no logging asked for,
// the provider formats a TRACE line or more per RPC, and two per HTTP
// request, for nobody; on a refresh that is a quarter of its CPU time.
const providerLogEnv = "TF_LOG_PROVIDER_IDP"

// pluginLogEnvs are the levels SilenceUnreadLogs turns off.
var pluginLogEnvs = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", providerLogEnv}

// LogsRequested reports whether environ (as os.Environ gives it) asks
// anyone for logs: a non-empty TF_LOG or any other TF_LOG_* variable
// (TF_LOG_PROVIDER, TF_LOG_PATH, TF_LOG_SDK_*, TF_LOG_CORE...), or the
// acceptance tests' TF_ACC_LOG_PATH. It errs on the side of logging: a
// variable it does not know that starts with TF_LOG counts as a request.
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
// log levels off when nothing in the environment asks for logs, and
// reports whether it did. It must run before the provider is served, which
// is when those levels are read. With any TF_LOG* variable set it changes
// nothing, so that TF_LOG=TRACE shows everything it always did.
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

// providerLogLevel is the least severe level tflog passes on for this
// provider, as TF_LOG_PROVIDER_IDP sets it; ok is false when every level is
// off. Unset, or a value tflog does not know, means TRACE, as for tflog.
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
