package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

const (
	// serverStartTimeout bounds the wait for idp-server's environment block.
	serverStartTimeout = 30 * time.Second
	// serverStopTimeout bounds the wait after SIGTERM before idp-server is killed.
	serverStopTimeout = 15 * time.Second
)

var errInterrupted = errors.New("interrupted")

type options struct {
	providerDir string
	server      string
	example     string
	terraform   string
	verbose     bool
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("idp-demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.providerDir, "provider-dir", "./bin", "`directory` holding the built "+devtf.ProviderBinary+" binary")
	fs.StringVar(&o.server, "server", "./bin/idp-server", "`path` of the built idp-server binary")
	fs.StringVar(&o.example, "example", "./examples/quickstart", "`directory` of the Terraform configuration to apply")
	fs.StringVar(&o.terraform, "terraform", "terraform", "the CLI to run, Terraform or OpenTofu: a `path`, or a name looked up on PATH (make demo passes TERRAFORM's)")
	fs.BoolVar(&o.verbose, "v", false, "show every message Terraform prints, not only the progress")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "idp-demo: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		fs.Usage()
		return nil, errors.New("unexpected arguments")
	}
	return o, nil
}

// run is the whole command minus process concerns; interrupts come on a channel so that tests can send them.
func run(args []string, stdout, stderr io.Writer, interrupts <-chan os.Signal) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	out := newOutput(stdout, stderr)
	stopped, stop := context.WithCancel(context.Background())
	aborted, abort := context.WithCancel(context.Background())
	defer stop()
	defer abort()
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		for _, cancel := range []context.CancelFunc{stop, abort} {
			select {
			case <-interrupts:
			case <-finished:
				return
			}
			if !done(stopped) {
				out.note("Interrupted: stopping Terraform, then destroying what it created (interrupt again to skip the destroy).")
			} else {
				out.note("Interrupted again: skipping the destroy; the server's in-memory data goes with it.")
			}
			cancel()
		}
	}()
	d := &demo{opts: *opts, out: out, stopped: stopped, aborted: aborted}
	return d.execute()
}

type demo struct {
	opts    options
	out     *output
	stopped context.Context // done at the first interrupt
	aborted context.Context // done at the second interrupt

	terraformPath string
	providerDir   string
	tmp           string // removed at the end; holds everything below
	workDir       string
	serverLog     string
	tfEnv         []string

	server     *exec.Cmd
	serverEnv  serverEnv
	serverExit chan struct{} // closed when the server has exited
	serverErr  error         // how it exited, valid once serverExit is closed
}

// execute runs the demo and cleans up whatever happens.
func (d *demo) execute() int {
	failed := false
	fail := func(err error) {
		if err != nil && !errors.Is(err, errInterrupted) {
			d.out.fail(err)
		}
		failed = true
	}

	if err := d.check(); err != nil {
		d.out.fail(err)
		return exitFailed
	}
	tmp, err := os.MkdirTemp("", "idp-demo-")
	if err != nil {
		d.out.fail(fmt.Errorf("creating a temporary directory: %w", err))
		return exitFailed
	}
	d.tmp = tmp

	if err := d.startServer(); err != nil {
		fail(err)
	} else if !d.provision() {
		failed = true
	}
	if d.server != nil {
		if err := d.stopServer(); err != nil {
			fail(err)
		}
	}
	if failed && !done(d.stopped) {
		d.showServerLog()
	}
	if err := os.RemoveAll(tmp); err != nil {
		fail(fmt.Errorf("removing the temporary directory: %w", err))
	}

	switch {
	case done(d.stopped):
		d.out.step("Interrupted; idp-server stopped and temporary files removed.")
		return exitInterrupted
	case failed:
		d.out.step("The demo FAILED (see above); idp-server stopped and temporary files removed.")
		return exitFailed
	}
	d.out.step("Done: everything was destroyed, idp-server stopped and temporary files removed.")
	return exitOK
}

func (d *demo) check() error {
	path, err := exec.LookPath(d.opts.terraform)
	if err != nil {
		return fmt.Errorf("no Terraform CLI (%q) found; install Terraform or OpenTofu, or name one with -terraform: %w", d.opts.terraform, err)
	}
	d.terraformPath = path
	d.providerDir, err = filepath.Abs(d.opts.providerDir)
	if err != nil {
		return err
	}
	if !hasProviderBinary(d.providerDir) {
		return fmt.Errorf("no %s binary in %s; build it first (make demo does)", devtf.ProviderBinary, d.providerDir)
	}
	if _, err := os.Stat(d.opts.server); err != nil {
		return fmt.Errorf("idp-server binary: %w; build it first (make demo does)", err)
	}
	if _, err := os.Stat(filepath.Join(d.opts.example, "main.tf")); err != nil {
		return fmt.Errorf("example configuration: %w", err)
	}
	return nil
}

// hasProviderBinary: dev_overrides finds the provider's binary by name.
func hasProviderBinary(dir string) bool {
	for _, name := range []string{devtf.ProviderBinary, devtf.ProviderBinary + ".exe"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.Mode().IsRegular() {
			return true
		}
	}
	return false
}

// serverSecretEnv is the variable that gives idp-server its admin secret;
// as a prefix, it also drops $IDP_SERVER_CLIENT_SECRET_FILE.
const serverSecretEnv = "IDP_SERVER_CLIENT_SECRET"

// newSecret is a 64-character admin secret, as idp-server generates them.
func newSecret() (string, error) {
	b := make([]byte, 48)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (d *demo) startServer() error {
	d.out.step("Starting idp-server on a free loopback port")
	d.serverLog = filepath.Join(d.tmp, "idp-server.log")
	// The admin secret goes in the environment, not on the command line, which every user can read.
	secret := os.Getenv(serverSecretEnv)
	if secret == "" {
		var err error
		if secret, err = newSecret(); err != nil {
			return err
		}
	}
	logFile, err := os.Create(d.serverLog)
	if err != nil {
		return err
	}
	defer logFile.Close()
	// An os.Pipe rather than StdoutPipe, so that Wait may run while the
	// block is still being read.
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd := exec.Command(d.opts.server, "-listen", "127.0.0.1:0") //nolint:gosec // the idp-server binary -server names (make demo: ./bin/idp-server)
	cmd.Stdout, cmd.Stderr = w, logFile
	cmd.Env = append(devtf.ScrubEnv(os.Environ(), serverSecretEnv), serverSecretEnv+"="+secret)
	devtf.OwnProcessGroup(cmd)
	err = cmd.Start()
	w.Close()
	if err != nil {
		r.Close()
		return fmt.Errorf("starting %s: %w", d.opts.server, err)
	}
	d.server = cmd
	d.serverExit = make(chan struct{})
	go func() {
		d.serverErr = cmd.Wait()
		close(d.serverExit)
	}()

	type result struct {
		env serverEnv
		err error
	}
	block := make(chan result, 1)
	go func() {
		defer r.Close()
		env, err := parseEnvBlock(r)
		block <- result{env, err}
		// Keep the pipe drained so that the server never blocks on it.
		_, _ = io.Copy(io.Discard, r)
	}()
	timeout := time.NewTimer(serverStartTimeout)
	defer timeout.Stop()
	select {
	case res := <-block:
		if res.err != nil {
			return fmt.Errorf("reading idp-server's environment block: %w", res.err)
		}
		d.serverEnv = res.env
		d.serverEnv.ClientSecret = secret
	case <-d.serverExit:
		return fmt.Errorf("idp-server exited before it printed its environment block (%w)", d.serverErr)
	case <-timeout.C:
		return fmt.Errorf("idp-server printed no environment block within %s", serverStartTimeout)
	case <-d.stopped.Done():
		return errInterrupted
	}
	d.out.addSecret(d.serverEnv.ClientSecret)
	d.out.detail("idp-server is listening at %s", d.serverEnv.Domain)
	return nil
}

func (d *demo) stopServer() error {
	select {
	case <-d.serverExit:
		return fmt.Errorf("idp-server exited unexpectedly (%w)", d.serverErr)
	default:
	}
	d.out.step("Stopping idp-server")
	if err := d.server.Process.Signal(syscall.SIGTERM); err != nil {
		_ = d.server.Process.Kill()
	}
	timeout := time.NewTimer(serverStopTimeout)
	defer timeout.Stop()
	select {
	case <-d.serverExit:
	case <-timeout.C:
		_ = d.server.Process.Kill()
		<-d.serverExit
		return fmt.Errorf("idp-server did not stop within %s of SIGTERM and was killed", serverStopTimeout)
	}
	if d.serverErr != nil {
		return fmt.Errorf("idp-server did not shut down cleanly: %w", d.serverErr)
	}
	return nil
}

func (d *demo) showServerLog() {
	if d.serverLog == "" {
		return
	}
	b, err := os.ReadFile(d.serverLog)
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	const keep = 30
	if len(lines) > keep {
		lines = lines[len(lines)-keep:]
	}
	d.out.note("The end of idp-server's log:")
	for _, line := range lines {
		d.out.detail("%s", line)
	}
}

// provision applies the example, prints the summary and destroys it all; it reports success.
func (d *demo) provision() bool {
	ok := true
	if err := d.prepare(); err != nil {
		d.out.fail(err)
		return false
	}
	d.out.step("Applying %s with the provider in %s (dev_overrides: no terraform init, no registry)",
		d.opts.example, d.providerDir)
	err := d.terraform(d.stopped, d.render, "apply", "-auto-approve", "-input=false", "-json")
	switch {
	case done(d.stopped):
		ok = false
	case err != nil:
		d.out.fail(err)
		ok = false
	default:
		if err := d.summarize(); err != nil {
			d.out.fail(err)
			ok = false
		}
	}
	if err := d.destroy(); err != nil {
		d.out.fail(err)
		ok = false
	}
	return ok
}

func (d *demo) prepare() error {
	d.workDir = filepath.Join(d.tmp, "work")
	if err := copyConfig(d.opts.example, d.workDir); err != nil {
		return fmt.Errorf("copying %s: %w", d.opts.example, err)
	}
	cliConfigPath := filepath.Join(d.tmp, "terraform.rc")
	if err := os.WriteFile(cliConfigPath, []byte(devtf.CLIConfig(d.providerDir)), 0o600); err != nil {
		return err
	}
	d.tfEnv = terraformEnv(os.Environ(), cliConfigPath, d.serverEnv)
	return nil
}

// destroy destroys what the apply created, unless nothing was or the user
// aborted; in both cases stopping the in-memory server discards it anyway.
func (d *demo) destroy() error {
	if _, err := os.Stat(filepath.Join(d.workDir, "terraform.tfstate")); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if done(d.aborted) {
		return nil
	}
	d.out.step("Destroying everything the apply created")
	if err := d.terraform(d.aborted, d.render, "destroy", "-auto-approve", "-input=false", "-json"); err != nil {
		if done(d.aborted) {
			return nil
		}
		return err
	}
	return nil
}

func (d *demo) summarize() error {
	var raw bytes.Buffer
	err := d.terraform(d.stopped, func(line string) { raw.WriteString(line + "\n") }, "output", "-json")
	if err != nil {
		return err
	}
	outputs, err := parseOutputs(raw.Bytes())
	if err != nil {
		return err
	}
	d.out.addSecret(outputs.Token)
	summary, err := formatSummary(outputs, time.Now())
	if err != nil {
		return err
	}
	d.out.step("What the quickstart created")
	d.out.block(summary)
	return nil
}

func (d *demo) render(line string) {
	if text, ok := renderUILine(line, d.opts.verbose); ok {
		d.out.detail("%s", text)
	}
}

// terraform hands every line of Terraform's stdout to handle; stop interrupts it, an abort kills it.
func (d *demo) terraform(stop context.Context, handle func(string), args ...string) error {
	cmd := devtf.Command(stop, d.terraformPath, args...)
	cmd.WaitDelay = 0
	cmd.Abort = d.aborted.Done()
	cmd.Dir = d.workDir
	cmd.Env = d.tfEnv
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		if done(stop) {
			return errInterrupted
		}
		return fmt.Errorf("starting terraform: %w", err)
	}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		handle(sc.Text())
	}
	scanErr := sc.Err()
	if scanErr != nil {
		// Drain what is left so that Terraform is not blocked writing.
		_, _ = io.Copy(io.Discard, stdout)
	}
	if _, err := cmd.Wait(); err != nil {
		if done(stop) {
			return errInterrupted
		}
		msg := strings.TrimSpace(stderr.String())
		if msg != "" {
			return fmt.Errorf("terraform %s failed (%w):\n%s", args[0], err, msg)
		}
		return fmt.Errorf("terraform %s failed (%w); its errors are shown above", args[0], err)
	}
	return scanErr
}

func done(ctx context.Context) bool {
	return ctx.Err() != nil
}
