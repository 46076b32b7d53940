package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// envFakeProvider makes the test binary act as a provider for
// TestWrapProvider: it prints a handshake-like line and what it sees, and
// exits with the code given.
const envFakeProvider = "IDP_BENCH_TEST_FAKE_PROVIDER"

func TestMain(m *testing.M) {
	if code := os.Getenv(envFakeProvider); code != "" {
		_, wrapperEnv := os.LookupEnv(envRealProvider)
		_, _ = os.Stdout.WriteString("1|6|unix|/tmp/plugin.sock|grpc|\n")
		_, _ = os.Stdout.WriteString("args=" + strings.Join(os.Args[1:], ",") + "\n")
		if wrapperEnv {
			_, _ = os.Stdout.WriteString("leaked " + envRealProvider + "\n")
		}
		_, _ = os.Stderr.WriteString("fake provider log line\n")
		// Touch some memory so that the peak RSS is clearly not zero.
		buf := make([]byte, 8<<20)
		for i := range buf {
			buf[i] = byte(i)
		}
		switch code {
		case "0":
			os.Exit(0)
		default:
			os.Exit(3)
		}
	}
	os.Exit(m.Run())
}

func TestWrapProvider(t *testing.T) {
	dir := t.TempDir()
	rssFile := filepath.Join(dir, "rss")
	for _, tc := range []struct {
		code     string
		wantExit int
	}{{"0", 0}, {"3", 3}} {
		t.Setenv(envFakeProvider, tc.code)
		t.Setenv(envRealProvider, "set for the wrapper only")
		out, err := os.Create(filepath.Join(dir, "stdout-"+tc.code))
		if err != nil {
			t.Fatal(err)
		}
		errOut, err := os.Create(filepath.Join(dir, "stderr-"+tc.code))
		if err != nil {
			t.Fatal(err)
		}
		got := wrapProvider(os.Args[0], rssFile, []string{"-debug=false"}, stdio{in: nil, out: out, err: errOut})
		out.Close()
		errOut.Close()
		if got != tc.wantExit {
			t.Errorf("exit code %d, want the provider's %d", got, tc.wantExit)
		}
		stdout, _ := os.ReadFile(out.Name())
		stderr, _ := os.ReadFile(errOut.Name())
		// The handshake must reach Terraform untouched, and first.
		if !strings.HasPrefix(string(stdout), "1|6|unix|/tmp/plugin.sock|grpc|\nargs=-debug=false\n") {
			t.Errorf("the provider's stdout did not come through as it was:\n%s", stdout)
		}
		if strings.Contains(string(stdout), "leaked") {
			t.Errorf("the wrapper's settings reached the provider:\n%s", stdout)
		}
		if string(stderr) != "fake provider log line\n" {
			t.Errorf("the provider's stderr: %q", stderr)
		}
	}
	rec, err := readRSS(rssFile)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Processes != 2 {
		t.Errorf("recorded %d provider processes, want 2", rec.Processes)
	}
	if rec.PeakBytes < 8<<20 {
		t.Errorf("peak RSS %d bytes, want at least the 8 MiB the provider touched", rec.PeakBytes)
	}
	if rec.CPU <= 0 || rec.WrapperCPU <= 0 {
		t.Errorf("CPU time: provider %v, wrappers %v; want both above zero", rec.CPU, rec.WrapperCPU)
	}
}

func TestWrapProvider_missingBinary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	errOut, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer errOut.Close()
	if got := wrapProvider(filepath.Join(dir, "nope"), "", nil, stdio{err: errOut}); got != 1 {
		t.Errorf("exit code %d, want 1", got)
	}
	b, _ := os.ReadFile(errOut.Name())
	if !strings.Contains(string(b), "idp-bench provider wrapper: starting") {
		t.Errorf("no clear message: %q", b)
	}
}

func TestWrapperMode(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	set := env(map[string]string{envRealProvider: "/bin/terraform-provider-idp"})
	for _, tc := range []struct {
		argv0  string
		getenv func(string) string
		want   bool
	}{
		{"/tmp/idp-bench-1/wrapper/terraform-provider-idp", set, true},
		{"/tmp/wrapper/terraform-provider-idp.exe", set, true},
		{"/tmp/go-build/exe/idp-bench", set, false}, // the harness itself
		{"/tmp/wrapper/terraform-provider-idp", env(nil), false},
	} {
		if got := wrapperMode(tc.argv0, tc.getenv); got != tc.want {
			t.Errorf("wrapperMode(%q) = %v, want %v", tc.argv0, got, tc.want)
		}
	}
}

func TestParseRSS(t *testing.T) {
	t.Parallel()
	rec, err := parseRSS(strings.NewReader("101 1048576 5 1\n\n102 52428800 7 2\n103 2097152 11 3\n"))
	if err != nil || rec != (rssRecord{Processes: 3, PeakBytes: 52428800, CPU: 23, WrapperCPU: 6}) {
		t.Errorf("parseRSS = %+v, %v", rec, err)
	}
	for _, bad := range []string{"101\n", "101 x 1 1\n", "101 -5 1 1\n", "1 2 3\n", "1 2 3 -4\n", "1 2 3 4 5\n"} {
		if _, err := parseRSS(strings.NewReader(bad)); err == nil {
			t.Errorf("parseRSS(%q) accepted it", bad)
		}
	}
}

func TestReadRSS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// No file: no provider process ended, as with terraform_data alone.
	rec, err := readRSS(filepath.Join(dir, "none"))
	if err != nil || rec != (rssRecord{}) {
		t.Errorf("a missing file: %+v, %v", rec, err)
	}
	path := filepath.Join(dir, "rss")
	for i, b := range []int64{5 << 20, 9 << 20, 7 << 20} {
		if err := appendRSS(path, processRecord{pid: 100 + i, rss: b, cpu: time.Second, wrapperCPU: time.Millisecond}); err != nil {
			t.Fatal(err)
		}
	}
	rec, err = readRSS(path)
	if err != nil || rec != (rssRecord{Processes: 3, PeakBytes: 9 << 20, CPU: 3 * time.Second, WrapperCPU: 3 * time.Millisecond}) {
		t.Errorf("readRSS = %+v, %v", rec, err)
	}
}
