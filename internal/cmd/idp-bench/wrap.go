package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
)

// The wrapper's settings travel in the environment because Terraform starts
// a dev_overrides provider with no arguments of ours; go-plugin passes
// Terraform's environment on to the plugin.
const (
	// envRealProvider names the real provider binary the wrapper runs. Its
	// presence, together with being started under the provider's name, is
	// what puts this program in wrapper mode.
	envRealProvider = "IDP_BENCH_REAL_PROVIDER"
	// envRSSFile names the file the wrapper appends the provider's peak
	// resident set size and CPU time to, one line per provider process.
	envRSSFile = "IDP_BENCH_RSS_FILE"
)

// wrapperMode tells whether this process was started by Terraform as the
// provider wrapper rather than by a user as the harness.
func wrapperMode(argv0 string, getenv func(string) string) bool {
	name := strings.TrimSuffix(filepath.Base(argv0), ".exe")
	return name == devtf.ProviderBinary && getenv(envRealProvider) != ""
}

// stdio is a process's standard streams.
type stdio struct {
	in, out, err *os.File
}

// wrapProvider runs the real provider as a child that inherits the given
// standard streams as they are (go-plugin's handshake line goes to standard
// output, and Terraform then talks to the child directly over the socket it
// names), waits for it, appends its peak RSS and CPU time (and the
// wrapper's own) to rssFile and returns the exit code to leave with, the
// child's.
func wrapProvider(realPath, rssFile string, args []string, std stdio) int {
	stderr := std.err
	cmd := exec.Command(realPath, args...) //nolint:gosec // the real provider binary the harness built, with the arguments Terraform passed
	// *os.File streams are handed to the child as they are, with no copying
	// in between.
	cmd.Stdin, cmd.Stdout, cmd.Stderr = std.in, std.out, std.err
	cmd.Env = withoutWrapperEnv(os.Environ())
	dieWithParent(cmd)

	// Signals for the provider reach the wrapper, whose pid Terraform
	// knows; pass them on and let the provider decide (go-plugin servers
	// ignore interrupts and leave when Terraform tells them to).
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)

	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "idp-bench provider wrapper: starting %s: %v\n", realPath, err)
		return 1
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-signals:
				_ = cmd.Process.Signal(sig)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)

	if rssFile != "" && cmd.ProcessState != nil {
		ps := cmd.ProcessState
		rec := processRecord{pid: ps.Pid(), rss: maxRSSBytes(ps), cpu: cpuTime(ps), wrapperCPU: selfCPUTime()}
		if werr := appendRSS(rssFile, rec); werr != nil {
			fmt.Fprintf(stderr, "idp-bench provider wrapper: recording peak RSS: %v\n", werr)
		}
	}
	code := devtf.ExitCode(cmd)
	if code < 0 {
		// Killed by a signal, or never waited for: nothing to pass on.
		fmt.Fprintf(stderr, "idp-bench provider wrapper: %s: %v\n", realPath, err)
		return 1
	}
	return code
}

// withoutWrapperEnv removes the wrapper's own settings from the provider's
// environment.
func withoutWrapperEnv(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		key, _, _ := strings.Cut(kv, "=")
		if key == envRealProvider || key == envRSSFile {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// processRecord is what a wrapper records about one provider process.
type processRecord struct {
	pid int
	// rss is the provider's peak resident set size in bytes.
	rss int64
	// cpu is the provider's CPU time (user + system); wrapperCPU the
	// wrapper's own, so that the harness can take both out of Terraform's,
	// which includes them.
	cpu, wrapperCPU time.Duration
}

// appendRSS appends "pid bytes cpu_ns wrapper_cpu_ns" to path. Each line is
// one small O_APPEND write, so provider processes that end at the same time
// do not interleave.
func appendRSS(path string, rec processRecord) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600) //nolint:gosec // the RSS file the harness named in the wrapper's environment
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%d %d %d %d\n", rec.pid, rec.rss, rec.cpu.Nanoseconds(), rec.wrapperCPU.Nanoseconds())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// rssRecord is what the wrappers recorded for one Terraform command.
type rssRecord struct {
	// Processes is how many provider processes Terraform started.
	Processes int
	// PeakBytes is the largest peak RSS among them.
	PeakBytes int64
	// CPU is the provider processes' CPU time (user + system) together;
	// WrapperCPU the wrappers'.
	CPU, WrapperCPU time.Duration
}

// readRSS reads a file written by appendRSS; a missing file means no
// provider process ended (as with terraform_data alone).
func readRSS(path string) (rssRecord, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return rssRecord{}, nil
	}
	if err != nil {
		return rssRecord{}, err
	}
	defer f.Close()
	return parseRSS(f)
}

// parseRSS parses "pid bytes cpu_ns wrapper_cpu_ns" lines.
func parseRSS(r io.Reader) (rssRecord, error) {
	var rec rssRecord
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 4 {
			return rssRecord{}, fmt.Errorf("line %d: %q is not \"pid bytes cpu_ns wrapper_cpu_ns\"", line, text)
		}
		var n [3]int64
		for i, f := range fields[1:] {
			v, err := strconv.ParseInt(f, 10, 64)
			if err != nil || v < 0 {
				return rssRecord{}, fmt.Errorf("line %d: %q is not a non-negative count", line, f)
			}
			n[i] = v
		}
		rec.Processes++
		rec.PeakBytes = max(rec.PeakBytes, n[0])
		rec.CPU += time.Duration(n[1])
		rec.WrapperCPU += time.Duration(n[2])
	}
	return rec, sc.Err()
}
