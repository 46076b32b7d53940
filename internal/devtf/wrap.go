package devtf

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Settings travel in the environment: Terraform starts a dev_overrides provider with no arguments of ours.
const (
	envWrapPrefix   = "IDP_WRAP_"
	envWrapProvider = envWrapPrefix + "PROVIDER"
	envWrapStderr   = envWrapPrefix + "STDERR"
	envWrapUsage    = envWrapPrefix + "USAGE"
)

// Wrapper runs Provider in between, saving its stderr (Terraform drops it without TF_LOG) and usage.
type Wrapper struct {
	Provider, StderrFile, UsageFile string
}

// Env tells an installed wrapper what to do; give it to Terraform.
func (w Wrapper) Env() []string {
	return []string{envWrapProvider + "=" + w.Provider, envWrapStderr + "=" + w.StderrFile, envWrapUsage + "=" + w.UsageFile}
}

// ProviderFile is ProviderBinary as a file name on this platform.
func ProviderFile() string {
	if runtime.GOOS == "windows" {
		return ProviderBinary + ".exe"
	}
	return ProviderBinary
}

// InstallWrapper installs this program as the provider in dir; main must call RunAsWrapper first.
func InstallWrapper(dir string) (cliConfig string, err error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", err
	}
	b, err := os.ReadFile(self)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, ProviderFile()), b, 0o700); err != nil { //nolint:gosec // the wrapper is an executable copy of this program
		return "", err
	}
	cliConfig = filepath.Join(dir, "dev.tfrc")
	return cliConfig, os.WriteFile(cliConfig, []byte(CLIConfig(dir)), 0o600)
}

// RunAsWrapper runs the wrapper when this process is an installed one; otherwise ok is false.
func RunAsWrapper() (code int, ok bool) {
	w := Wrapper{Provider: os.Getenv(envWrapProvider), StderrFile: os.Getenv(envWrapStderr), UsageFile: os.Getenv(envWrapUsage)}
	if w.Provider == "" || strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe") != ProviderBinary {
		return 0, false
	}
	return w.run(), true
}

func (w Wrapper) run() int {
	cmd := exec.Command(w.Provider, os.Args[1:]...) //nolint:gosec // the provider binary the harness named; running it is the wrapper's job
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if w.StderrFile != "" {
		f, err := os.OpenFile(w.StderrFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			fmt.Fprintf(os.Stderr, "provider wrapper: %v\n", err)
			return 1
		}
		defer f.Close()
		cmd.Stderr = f
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, envWrapPrefix) {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	dieWithParent(cmd)

	// Terraform signals the wrapper; the provider decides what a signal means (go-plugin ignores interrupts).
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "provider wrapper: starting %s: %v\n", w.Provider, err)
		return 1
	}
	go func() {
		for sig := range signals {
			_ = cmd.Process.Signal(sig)
		}
	}()
	err := cmd.Wait()
	signal.Stop(signals)
	close(signals)

	if ps := cmd.ProcessState; w.UsageFile != "" && ps != nil {
		line := fmt.Sprintf("%d %d %d %d\n", ps.Pid(), PeakRSS(ps), CPUTime(ps).Nanoseconds(), SelfCPUTime().Nanoseconds())
		if werr := appendLine(w.UsageFile, line); werr != nil {
			fmt.Fprintf(os.Stderr, "provider wrapper: recording usage: %v\n", werr)
		}
	}
	if code := ExitCode(cmd); code >= 0 {
		return code
	}
	fmt.Fprintf(os.Stderr, "provider wrapper: %s: %v\n", w.Provider, err)
	return 1
}

// appendLine uses one O_APPEND write, so that providers ending together do not interleave.
func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(line)
	return errors.Join(err, f.Close())
}

// CPUTime is a finished process's CPU time, with that of the children it waited for.
func CPUTime(ps *os.ProcessState) time.Duration { return ps.UserTime() + ps.SystemTime() }

// Usage sums one UsageFile; a caller takes CPU and WrapperCPU out of Terraform's own.
type Usage struct {
	Processes       int
	PeakRSS         int64
	CPU, WrapperCPU time.Duration
}

// ReadUsage reads a UsageFile; none means that no provider process ended.
func ReadUsage(path string) (Usage, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Usage{}, nil
	}
	if err != nil {
		return Usage{}, err
	}
	return parseUsage(string(b))
}

func parseUsage(s string) (Usage, error) {
	var u Usage
	for i, line := range strings.Split(s, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 4 {
			return Usage{}, fmt.Errorf("line %d: %q is not \"pid rss_bytes cpu_ns wrapper_cpu_ns\"", i+1, line)
		}
		var n [3]int64
		for i, f := range fields[1:] {
			v, err := strconv.ParseInt(f, 10, 64)
			if err != nil || v < 0 {
				return Usage{}, fmt.Errorf("%q is not a non-negative count", f)
			}
			n[i] = v
		}
		u.Processes++
		u.PeakRSS = max(u.PeakRSS, n[0])
		u.CPU += time.Duration(n[1])
		u.WrapperCPU += time.Duration(n[2])
	}
	return u, nil
}
