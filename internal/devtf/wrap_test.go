package devtf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// installedWrapper installs the test binary as a wrapper (its TestMain
// calls RunAsWrapper) and returns a command that starts it the way
// Terraform would, with w's settings and the child mode the real provider,
// the test binary again, is to run in.
func installedWrapper(t *testing.T, w Wrapper, mode string) *exec.Cmd {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "wrapper")
	cliConfig, err := InstallWrapper(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(cliConfig); err != nil || !strings.Contains(string(b), dir) {
		t.Fatalf("the CLI configuration does not point at the wrapper (%v):\n%s", err, b)
	}
	cmd := exec.CommandContext(t.Context(), filepath.Join(dir, ProviderFile()), "-debug=false")
	cmd.Env = append(append(os.Environ(), w.Env()...), envChild+"="+mode)
	return cmd
}

// startBusyProof starts cmd, and again (a fresh copy of it) while the kernel says the
// executable just written is busy: a parallel test's fork can hold its file descriptor open
// until that child execs (ETXTBSY, "text file busy").
func startBusyProof(t *testing.T, cmd *exec.Cmd) *exec.Cmd {
	t.Helper()
	for attempt := 0; ; attempt++ {
		err := cmd.Start()
		if err == nil {
			return cmd
		}
		if !strings.Contains(err.Error(), "text file busy") || attempt == 100 {
			t.Fatalf("start %s: %v", cmd.Path, err)
		}
		again := exec.CommandContext(t.Context(), cmd.Path, cmd.Args[1:]...)
		again.Env, again.Stdin, again.Stdout, again.Stderr = cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr
		cmd = again
		time.Sleep(10 * time.Millisecond) // a pause between attempts, not a wait for an outcome
	}
}

func TestWrapper(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := Wrapper{Provider: os.Args[0], StderrFile: filepath.Join(dir, "stderr"), UsageFile: filepath.Join(dir, "usage")}
	for _, code := range []string{"0", "3"} {
		cmd := installedWrapper(t, w, "provider "+code)
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		cmd = startBusyProof(t, cmd)
		err := cmd.Wait()
		if got := ExitCode(cmd); got != int(code[0]-'0') {
			t.Errorf("exit code %d (%v), want the provider's %s", got, err, code)
		}
		// The handshake reaches Terraform untouched, and first.
		if got := stdout.String(); got != "1|6|unix|/tmp/plugin.sock|grpc|\nargs=-debug=false\n" {
			t.Errorf("the provider's standard output came through as %q", got)
		}
	}
	if b, err := os.ReadFile(w.StderrFile); err != nil || string(b) != "provider log line\nprovider log line\n" {
		t.Errorf("the provider's standard error: %q, %v", b, err)
	}
	u, err := ReadUsage(w.UsageFile)
	if err != nil {
		t.Fatal(err)
	}
	if u.Processes != 2 || u.PeakRSS < 8<<20 || u.CPU <= 0 || u.WrapperCPU <= 0 {
		t.Errorf("usage %+v: want 2 processes, a peak RSS of at least the 8 MiB touched, CPU times above 0", u)
	}
	if _, ok := RunAsWrapper(); ok {
		t.Error("the test binary, not named after the provider, took itself for a wrapper")
	}
}

func TestWrapper_missingProvider(t *testing.T) {
	t.Parallel()
	cmd := installedWrapper(t, Wrapper{Provider: filepath.Join(t.TempDir(), "nope")}, "provider 0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd = startBusyProof(t, cmd)
	_ = cmd.Wait()
	if code := ExitCode(cmd); code != 1 || !strings.Contains(stderr.String(), "provider wrapper: starting") {
		t.Errorf("exit code %d, standard error %q; want 1 and a clear message", code, stderr.String())
	}
}

func TestReadUsage(t *testing.T) {
	t.Parallel()
	if u, err := ReadUsage(filepath.Join(t.TempDir(), "none")); err != nil || u != (Usage{}) {
		t.Errorf("a missing file: %+v, %v", u, err)
	}
	u, err := parseUsage("101 1048576 5 1\n\n102 52428800 7 2\n103 2097152 11 3\n")
	if err != nil || u != (Usage{Processes: 3, PeakRSS: 52428800, CPU: 23, WrapperCPU: 6 * time.Nanosecond}) {
		t.Errorf("parseUsage = %+v, %v", u, err)
	}
	for _, bad := range []string{"101\n", "101 x 1 1\n", "101 -5 1 1\n", "1 2 3\n", "1 2 3 4 5\n"} {
		if _, err := parseUsage(bad); err == nil {
			t.Errorf("parseUsage(%q) accepted it", bad)
		}
	}
}
