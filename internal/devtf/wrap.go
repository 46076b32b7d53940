package devtf

import (
	"bufio"
	"errors"
	"fmt"
	"io"
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

// The wrapper's settings travel in the environment: Terraform starts a
// dev_overrides provider with no arguments of ours, and go-plugin passes
// Terraform's environment on to it.
const (
	envWrapPrefix   = "IDP_WRAP_"
	envWrapProvider = envWrapPrefix + "PROVIDER"
	envWrapStderr   = envWrapPrefix + "STDERR"
	envWrapUsage    = envWrapPrefix + "USAGE"
)

// Wrapper is what a copy of a program installed by InstallWrapper does when
// Terraform starts it as the provider: run the real provider as its child,
// with Terraform's standard input and output (go-plugin's handshake) and
// signals passed through, and leave with the child's exit code.
type Wrapper struct {
	// Provider is the real provider binary.
	Provider string
	// StderrFile, when set, gets the provider's standard error appended,
	// which Terraform would otherwise read and, without TF_LOG, drop.
	StderrFile string
	// UsageFile, when set, gets one line per provider process with its peak
	// RSS and CPU time and the wrapper's own CPU time; see ReadUsage.
	UsageFile string
}

// Env is the environment that tells an installed wrapper what to do; give
// it to Terraform.
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

// InstallWrapper creates dir with a copy of the running program in it under
// the provider's name, and a CLI configuration whose dev_overrides point
// there, whose path it returns. The program must call RunAsWrapper first
// thing in main (or TestMain).
func InstallWrapper(dir string) (cliConfig string, err error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", err
	}
	if err := copyFile(self, filepath.Join(dir, ProviderFile())); err != nil {
		return "", fmt.Errorf("installing the provider wrapper: %w", err)
	}
	cliConfig = filepath.Join(dir, "dev.tfrc")
	return cliConfig, os.WriteFile(cliConfig, []byte(CLIConfig(dir)), 0o600)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o700)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// RunAsWrapper runs the wrapper and returns its exit code with ok when this
// process is an installed wrapper started with a Wrapper's Env; otherwise
// it returns ok false and does nothing.
func RunAsWrapper() (code int, ok bool) {
	w := Wrapper{Provider: os.Getenv(envWrapProvider), StderrFile: os.Getenv(envWrapStderr), UsageFile: os.Getenv(envWrapUsage)}
	if w.Provider == "" || strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe") != ProviderBinary {
		return 0, false
	}
	return w.run(os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr), true
}

func (w Wrapper) run(args, environ []string, stdin, stdout, stderr *os.File) int {
	cmd := exec.Command(w.Provider, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	if w.StderrFile != "" {
		f, err := os.OpenFile(w.StderrFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			fmt.Fprintf(stderr, "provider wrapper: %v\n", err)
			return 1
		}
		defer f.Close()
		cmd.Stderr = f
	}
	for _, kv := range environ {
		if !strings.HasPrefix(kv, envWrapPrefix) {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	dieWithParent(cmd)

	// Terraform signals the process it started, the wrapper; the provider
	// decides what a signal means (go-plugin servers ignore interrupts).
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "provider wrapper: starting %s: %v\n", w.Provider, err)
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

	if ps := cmd.ProcessState; w.UsageFile != "" && ps != nil {
		line := fmt.Sprintf("%d %d %d %d\n", ps.Pid(), PeakRSS(ps), CPUTime(ps).Nanoseconds(), SelfCPUTime().Nanoseconds())
		if werr := appendLine(w.UsageFile, line); werr != nil {
			fmt.Fprintf(stderr, "provider wrapper: recording usage: %v\n", werr)
		}
	}
	if code := ExitCode(cmd); code >= 0 {
		return code
	}
	fmt.Fprintf(stderr, "provider wrapper: %s: %v\n", w.Provider, err)
	return 1
}

// appendLine writes line with one O_APPEND write, so that provider
// processes ending at the same time do not interleave.
func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(line)
	return errors.Join(err, f.Close())
}

// CPUTime is a finished process's user and system CPU time. wait4 reports
// it for the process and the descendants it waited for, so Terraform's
// includes its provider processes'.
func CPUTime(ps *os.ProcessState) time.Duration { return ps.UserTime() + ps.SystemTime() }

// Usage is what the wrappers recorded in one UsageFile.
type Usage struct {
	// Processes is how many provider processes ended.
	Processes int
	// PeakRSS is the largest peak resident set size among them, in bytes.
	PeakRSS int64
	// CPU is the provider processes' CPU time together, WrapperCPU the
	// wrappers', which a caller takes out of Terraform's.
	CPU, WrapperCPU time.Duration
}

// ReadUsage reads a Wrapper's UsageFile. A missing file means that no
// provider process ended, as with terraform_data alone.
func ReadUsage(path string) (Usage, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return Usage{}, nil
	}
	if err != nil {
		return Usage{}, err
	}
	defer f.Close()
	return parseUsage(f)
}

func parseUsage(r io.Reader) (Usage, error) {
	var u Usage
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 4 {
			return Usage{}, fmt.Errorf("line %d: %q is not \"pid rss_bytes cpu_ns wrapper_cpu_ns\"", line, sc.Text())
		}
		var n [3]int64
		for i, f := range fields[1:] {
			v, err := strconv.ParseInt(f, 10, 64)
			if err != nil || v < 0 {
				return Usage{}, fmt.Errorf("line %d: %q is not a non-negative count", line, f)
			}
			n[i] = v
		}
		u.Processes++
		u.PeakRSS = max(u.PeakRSS, n[0])
		u.CPU += time.Duration(n[1])
		u.WrapperCPU += time.Duration(n[2])
	}
	return u, sc.Err()
}
