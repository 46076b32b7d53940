package provider

import (
	"os"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

func TestLogsRequested(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  []string
		want bool
	}{
		{nil, false},
		{[]string{"PATH=/bin", "HOME=/root", "TF_IN_AUTOMATION=1", "IDP_DOMAIN=x"}, false},
		{[]string{"TF_LOG="}, false}, // empty is unset, for Terraform too
		{[]string{"TF_LOG=TRACE"}, true},
		{[]string{"TF_LOG=off"}, true}, // whatever it says: not ours to second-guess
		{[]string{"TF_LOG_PROVIDER=DEBUG"}, true},
		{[]string{"TF_LOG_PROVIDER_IDP=TRACE"}, true},
		{[]string{"TF_LOG_SDK_FRAMEWORK=TRACE"}, true},
		{[]string{"TF_LOG_PATH=/tmp/tf.log"}, true},
		{[]string{"TF_LOG_CORE=TRACE"}, true},
		{[]string{"TF_ACC_LOG_PATH=/tmp/acc.log"}, true},
	} {
		if got := LogsRequested(tc.env); got != tc.want {
			t.Errorf("LogsRequested(%q) = %v, want %v", tc.env, got, tc.want)
		}
	}
}

// clearLogEnv unsets every TF_LOG* variable for the test (t.Setenv
// restores them afterwards).
func clearLogEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if key, _, _ := strings.Cut(kv, "="); strings.HasPrefix(key, "TF_LOG") || key == "TF_ACC_LOG_PATH" {
			t.Setenv(key, "")
		}
	}
	for _, name := range pluginLogEnvs {
		t.Setenv(name, "")
	}
}

func TestSilenceUnreadLogs(t *testing.T) {
	clearLogEnv(t)
	if !SilenceUnreadLogs() {
		t.Fatal("nothing asked for logs, but SilenceUnreadLogs did nothing")
	}
	for _, name := range pluginLogEnvs {
		if got := os.Getenv(name); got != "OFF" {
			t.Errorf("%s = %q, want OFF", name, got)
		}
	}
	if l := newTFLogLogger(); l.Enabled(t.Context(), mgmt.LevelError) {
		t.Error("with the provider's level off, the client's logger still takes ERROR lines")
	}

	clearLogEnv(t)
	t.Setenv("TF_LOG", "TRACE")
	if SilenceUnreadLogs() {
		t.Error("TF_LOG=TRACE is set, but SilenceUnreadLogs turned the levels off")
	}
	for _, name := range pluginLogEnvs {
		if got := os.Getenv(name); got != "" {
			t.Errorf("%s = %q, want it left unset", name, got)
		}
	}
}

func TestTFLogLogger_Enabled(t *testing.T) {
	for _, tc := range []struct {
		level        string
		on, offBelow mgmt.Level
	}{
		{"", mgmt.LevelTrace, -1}, // unset: TRACE, as tflog
		{"TRACE", mgmt.LevelTrace, -1},
		{"debug", mgmt.LevelDebug, mgmt.LevelTrace},
		{"INFO", mgmt.LevelInfo, mgmt.LevelDebug},
		{"WARN", mgmt.LevelWarn, mgmt.LevelInfo},
		{"ERROR", mgmt.LevelError, mgmt.LevelWarn},
		{"nonsense", mgmt.LevelTrace, -1}, // tflog falls back to TRACE
	} {
		t.Setenv(providerLogEnv, tc.level)
		l := newTFLogLogger()
		if !l.Enabled(t.Context(), tc.on) || !l.Enabled(t.Context(), mgmt.LevelError) {
			t.Errorf("%s=%q: %s is off", providerLogEnv, tc.level, tc.on)
		}
		if tc.offBelow >= 0 && l.Enabled(t.Context(), tc.offBelow) {
			t.Errorf("%s=%q: %s is on", providerLogEnv, tc.level, tc.offBelow)
		}
	}
}
