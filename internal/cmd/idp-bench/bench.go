package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
	"github.com/idp-terraform/terraform-provider-idp/internal/profiling"
	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// logTailLines is how much of a failed command's output an error shows.
const logTailLines = 30

type options struct {
	providerDir string
	sizes       []int
	rateLimit   int
	rateN       int
	rateRuns    int
	refreshRuns int
	parallelism int
	out         string
	terraform   string
	timeout     time.Duration
	noop        bool
	cpuProfile  string

	chaos          bool
	chaosSeeds     []int64
	chaosN         int
	chaos429       float64
	chaos503       float64
	chaosDrop      float64
	commandTimeout time.Duration

	kill     bool
	killN    int
	killRate int
	killLost int
	// killSeedTypes adds the seed flow's tenants, connections and
	// organizations to the kill runs' mix (seedMix).
	killSeedTypes bool
	// killPoints are the points of -kill-points, in their default order.
	killPoints []killPoint
}

// scaleFlags are the flags of the runs the chaos mode does not make.
var scaleFlags = []string{"n", "rate-limit", "rate-n", "rate-runs", "refresh-runs"}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	var sizes, seeds, killPoints string
	fs := flag.NewFlagSet("idp-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.providerDir, "provider-dir", "./bin", "`directory` holding the built "+devtf.ProviderBinary+" binary")
	fs.StringVar(&sizes, "n", "100,1000", "comma-separated `list` of resource counts for the scale runs")
	fs.IntVar(&o.rateLimit, "rate-limit", 50, "the rate-limited server's requests per `second` per tenant; 0 skips the rate-limited runs")
	fs.IntVar(&o.rateN, "rate-n", 100, "resource `count` of each rate-limited run")
	fs.IntVar(&o.rateRuns, "rate-runs", 3, "`number` of rate-limited runs")
	fs.IntVar(&o.refreshRuns, "refresh-runs", 5, "`number` of refreshes of each scale run; each figure of the refresh is their median")
	fs.IntVar(&o.parallelism, "parallelism", 10, "Terraform's -parallelism")
	fs.StringVar(&o.out, "out", "", "also write the results as JSON to `file`")
	fs.StringVar(&o.terraform, "terraform", "terraform", "Terraform CLI `binary` (looked up on PATH)")
	fs.DurationVar(&o.timeout, "timeout", 40*time.Minute, "give up (and clean up) after this `duration`")
	fs.BoolVar(&o.noop, "noop", true, "also run each N against the no-op provider (the framework's floor), built from ./"+noopPackageDir)
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "have a provider built with -tags idpprofile write CPU profiles (cpu-PID.pprof) into `directory`")
	fs.BoolVar(&o.chaos, "chaos", false, "run the chaos benchmark instead: apply, inspect, plan and destroy under injected faults, once per seed")
	fs.StringVar(&seeds, "chaos-seeds", "1,2,3,4,5", "comma-separated fault `seeds` of the chaos runs")
	fs.IntVar(&o.chaosN, "chaos-n", 200, "resource `count` of each chaos run")
	fs.Float64Var(&o.chaos429, "chaos-429", 0.15, "chaos: `fraction` of requests answered 429")
	fs.Float64Var(&o.chaos503, "chaos-503", 0.15, "chaos: `fraction` of requests answered 503")
	fs.Float64Var(&o.chaosDrop, "chaos-drop", 0.05, "chaos: `fraction` of writes committed and then dropped without an answer")
	fs.BoolVar(&o.kill, "kill", false, "run the kill benchmark instead: per seed (-chaos-seeds) and point (early, middle, late), SIGKILL an apply, apply again, plan")
	fs.IntVar(&o.killN, "kill-n", 201, "kill: resource `count` of each run")
	fs.IntVar(&o.killRate, "kill-rate", 20, "kill: the server's requests per `second`")
	fs.StringVar(&killPoints, "kill-points", "early,middle,late", "kill: comma-separated `points` of each seed's runs (early, middle, late)")
	fs.BoolVar(&o.killSeedTypes, "kill-seed-types", true, "kill: a sixth each of APIs, clients, grants, tenants, connections and organizations (false: a third each of the first three)")
	fs.IntVar(&o.killLost, "kill-lost", 0, "kill: revert the state to its snapshot this many `creates` before the kill, as a backend saving snapshots at intervals loses them")
	fs.DurationVar(&o.commandTimeout, "command-timeout", 5*time.Minute, "chaos: stop one Terraform command after this `duration` and report it as timed out")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: idp-bench -provider-dir DIR [-n 100,1000] [-rate-limit 50] [-out FILE]\n"+
			"       idp-bench -provider-dir DIR -chaos [-chaos-seeds 1,2,3,4,5] [-chaos-n 200] [-out FILE]\n\n"+
			"Measures the provider against Terraform's own floor and a rate-limited server, or (-chaos)\n"+
			"what injected faults leave behind; see DESIGN.md, \"Performance method\".\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "idp-bench: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return nil, errors.New("unexpected arguments")
	}
	var err error
	if o.sizes, err = parseSizes(sizes); err != nil {
		fmt.Fprintf(stderr, "idp-bench: -n: %v\n", err)
		return nil, err
	}
	for _, v := range []struct {
		name  string
		value int
		min   int
	}{{"-rate-limit", o.rateLimit, 0}, {"-rate-n", o.rateN, 3}, {"-rate-runs", o.rateRuns, 1}, {"-refresh-runs", o.refreshRuns, 1}, {"-parallelism", o.parallelism, 1}} {
		if v.value < v.min {
			err := fmt.Errorf("%s must be at least %d", v.name, v.min)
			fmt.Fprintf(stderr, "idp-bench: %v\n", err)
			return nil, err
		}
	}
	if o.timeout <= 0 || o.commandTimeout <= 0 {
		fmt.Fprintln(stderr, "idp-bench: -timeout and -command-timeout must be positive")
		return nil, errors.New("bad timeout")
	}
	if err := checkChaosFlags(fs, o, seeds, killPoints); err != nil {
		fmt.Fprintf(stderr, "idp-bench: %v\n", err)
		return nil, err
	}
	return o, nil
}

func checkChaosFlags(fs *flag.FlagSet, o *options, seeds, killPoints string) error {
	if o.kill {
		return checkKillFlags(fs, o, seeds, killPoints)
	}
	if !o.chaos {
		return nil
	}
	var set []string
	fs.Visit(func(f *flag.Flag) {
		if slices.Contains(scaleFlags, f.Name) {
			set = append(set, "-"+f.Name)
		}
	})
	if len(set) > 0 {
		return fmt.Errorf("%s do not go with -chaos", strings.Join(set, ", "))
	}
	var err error
	if o.chaosSeeds, err = parseSeeds(seeds); err != nil {
		return fmt.Errorf("-chaos-seeds: %w", err)
	}
	if o.chaosN < 3 {
		return errors.New("-chaos-n must be at least 3 (one of each type)")
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"-chaos-429", o.chaos429}, {"-chaos-503", o.chaos503}, {"-chaos-drop", o.chaosDrop}} {
		if !(r.v >= 0 && r.v <= 1) {
			return fmt.Errorf("%s must be a fraction within [0,1]", r.name)
		}
	}
	return nil
}

// run is the command but for the process: ctx ends on an interrupt.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	interrupted := ctx
	ctx, cancel := context.WithTimeoutCause(ctx, opts.timeout,
		fmt.Errorf("the run took longer than -timeout %s", opts.timeout))
	defer cancel()

	b := &bench{opts: *opts, progress: stderr}
	var rep interface{ render() string }
	var runErr error
	switch {
	case opts.kill:
		r, err := b.killBench(ctx)
		runErr = err
		if r != nil && len(r.Runs) > 0 {
			r.finish()
			rep = r
		}
	case opts.chaos:
		r, err := b.chaos(ctx)
		runErr = err
		if r != nil && len(r.Runs) > 0 {
			r.finish()
			rep = r
		}
	default:
		r, err := b.execute(ctx)
		runErr = err
		if r != nil && (len(r.Scale) > 0 || r.Rate != nil) {
			r.finish()
			rep = r
		}
	}
	if rep != nil {
		_, _ = io.WriteString(stdout, rep.render())
		if opts.out != "" {
			if err := writeJSON(opts.out, rep); err != nil {
				fmt.Fprintf(stderr, "idp-bench: error: writing %s: %v\n", opts.out, err)
				runErr = errors.Join(runErr, err)
			}
		}
	}
	switch {
	case interrupted.Err() != nil:
		fmt.Fprintln(stderr, "idp-bench: interrupted; the server is stopped and the temporary files removed.")
		return exitInterrupted
	case runErr != nil:
		fmt.Fprintf(stderr, "idp-bench: FAILED: %v\n", runErr)
		return exitFailed
	}
	return exitOK
}

func writeJSON(path string, rep any) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

// plugin is a provider Terraform runs through a wrapper, a copy of this
// program (devtf.Wrapper), which records its peak RSS and CPU time.
type plugin struct {
	realProvider string
	cliConfig    string
}

// noopPackageDir is relative to the module's root, where `make bench` runs.
const noopPackageDir = "internal/cmd/idp-bench/noopprovider"

type bench struct {
	opts     options
	progress io.Writer

	terraformPath string
	tmp           string // removed at the end; holds everything below
	idp, noop     plugin
	using         *plugin // the one Terraform commands run with
	step          int

	srv    *server.Server
	rec    *recorder
	hs     *httptest.Server
	domain string
	// extraEnv is added to the next Terraform commands' environment.
	extraEnv []string
}

// execute returns what was measured, possibly partial, with the first
// error.
func (b *bench) execute(ctx context.Context) (rep *report, err error) {
	err = b.harness(ctx, func(version string) (err error) {
		if b.opts.noop {
			if err := b.buildNoop(ctx); err != nil {
				return err
			}
		}
		if err := b.startServer(); err != nil {
			return err
		}
		defer b.stopServer()
		rep = &report{
			Terraform:      version,
			Platform:       runtime.GOOS + "/" + runtime.GOARCH,
			CPUs:           runtime.NumCPU(),
			Parallelism:    b.opts.parallelism,
			RefreshCommand: refreshCommand,
			RefreshRuns:    b.opts.refreshRuns,
		}
		for _, n := range b.opts.sizes {
			res, err := b.scale(ctx, n)
			if err != nil {
				return fmt.Errorf("N=%d: %w", n, err)
			}
			rep.Scale = append(rep.Scale, res)
		}
		if b.opts.rateLimit > 0 {
			rs, err := b.rateLimited(ctx)
			rep.Rate = rs
			if err != nil {
				return err
			}
		}
		return nil
	})
	return rep, err
}

// harness is what both modes share: the checks, the temporary directory
// with the wrappers, removed whatever happens, and Terraform's version.
func (b *bench) harness(ctx context.Context, body func(version string) error) (err error) {
	if err := b.check(); err != nil {
		return err
	}
	b.tmp, err = os.MkdirTemp("", "idp-bench-")
	if err != nil {
		return fmt.Errorf("creating a temporary directory: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(b.tmp); rerr != nil {
			err = errors.Join(err, fmt.Errorf("removing the temporary directory: %w", rerr))
		}
	}()
	if err := b.prepare(); err != nil {
		return err
	}
	version, err := b.terraformVersion(ctx)
	if err != nil {
		return err
	}
	return body(version)
}

func (b *bench) check() error {
	path, err := exec.LookPath(b.opts.terraform)
	if err != nil {
		return fmt.Errorf("no Terraform CLI (%q) found on PATH; install Terraform >= 1.11: %w", b.opts.terraform, err)
	}
	b.terraformPath = path
	dir, err := filepath.Abs(b.opts.providerDir)
	if err != nil {
		return err
	}
	b.idp.realProvider = filepath.Join(dir, devtf.ProviderFile())
	b.using = &b.idp
	if fi, err := os.Stat(b.idp.realProvider); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("no %s binary in %s; build it first (go build -o %s .)",
			devtf.ProviderBinary, dir, filepath.Join(b.opts.providerDir, devtf.ProviderBinary))
	}
	return nil
}

// prepare installs the wrappers for the idp and the no-op provider, which
// are served under the same name.
func (b *bench) prepare() (err error) {
	if b.idp.cliConfig, err = devtf.InstallWrapper(filepath.Join(b.tmp, "wrapper")); err != nil {
		return err
	}
	b.noop.cliConfig, err = devtf.InstallWrapper(filepath.Join(b.tmp, "noop-wrapper"))
	return err
}

func (b *bench) buildNoop(ctx context.Context) error {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("building the no-op provider needs the go command (or run with -noop=false): %w", err)
	}
	dir := filepath.Join(b.tmp, "noop")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	b.noop.realProvider = filepath.Join(dir, devtf.ProviderFile())
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", b.noop.realProvider, "./"+noopPackageDir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the no-op provider (go build ./%s, from the module's root; or run with -noop=false): %w\n%s",
			noopPackageDir, err, out)
	}
	b.note("built the no-op provider")
	return nil
}

func (b *bench) startServer() (err error) {
	if b.srv, err = server.New(server.Options{}); err != nil {
		return fmt.Errorf("building the server: %w", err)
	}
	b.rec = newRecorder(b.srv)
	b.hs = httptest.NewServer(b.rec)
	b.domain = b.hs.URL
	b.note("server listening at %s", b.domain)
	return nil
}

func (b *bench) stopServer() { b.hs.Close() }

func (b *bench) providerSettings() providerSettings {
	return providerSettings{Domain: b.domain, ClientID: b.srv.AdminClientID(), ClientSecret: b.srv.AdminClientSecret()}
}

// scale is section 1 for n resources: the idp configuration, the same on
// the no-op provider, and the terraform_data floor.
func (b *bench) scale(ctx context.Context, n int) (scaleResult, error) {
	res := scaleResult{N: n, Mix: splitMix(n)}
	config := idpConfig(n, fmt.Sprintf("scale%d", n), b.providerSettings())

	idpDir, err := b.workDir(fmt.Sprintf("scale-%d-idp", n), config)
	if err != nil {
		return res, err
	}
	var counts [4]requestSummary
	res.IDP, err = b.phases(ctx, idpDir, fmt.Sprintf("N=%d idp", n), &b.idp, &counts)
	res.ApplyRequests, res.RefreshRequests, res.DestroyRequests = counts[0], counts[1], counts[2]
	res.FirstRefreshRequests = counts[3]
	if err != nil {
		return res, err
	}
	res.ProviderPeakRSSBytes = res.IDP.peakRSS
	res.ProviderProcesses = res.IDP.processes

	if b.opts.noop {
		noopDir, err := b.workDir(fmt.Sprintf("scale-%d-noop", n), config)
		if err != nil {
			return res, err
		}
		set, err := b.phases(ctx, noopDir, fmt.Sprintf("N=%d no-op", n), &b.noop, nil)
		if err != nil {
			return res, err
		}
		res.Noop = &set
	}

	floorDir, err := b.workDir(fmt.Sprintf("scale-%d-floor", n), floorConfig(n))
	if err != nil {
		return res, err
	}
	res.Floor, err = b.phases(ctx, floorDir, fmt.Sprintf("N=%d floor", n), &b.idp, nil)
	if err != nil {
		return res, err
	}
	res.FloorTerraformPeakRSSBytes = res.Floor.terraformRSS
	return res, nil
}

// phases applies, refreshes -refresh-runs times and destroys dir's
// configuration with p, and records the server's requests of each phase
// (the last refresh's, and in counts[3] the first's) in counts when given.
func (b *bench) phases(ctx context.Context, dir, label string, p *plugin, counts *[4]requestSummary) (runSet, error) {
	b.using = p
	defer func() { b.using = &b.idp }()
	var set runSet
	steps := []struct {
		run  func() (tfResult, error)
		out  *phaseResult
		runs int
	}{
		{func() (tfResult, error) { return b.apply(ctx, dir, label) }, &set.Apply, 1},
		{func() (tfResult, error) { return b.refresh(ctx, dir, label) }, &set.Refresh, b.opts.refreshRuns},
		{func() (tfResult, error) { return b.destroy(ctx, dir, label) }, &set.Destroy, 1},
	}
	for i, step := range steps {
		var results []phaseResult
		for k := range step.runs {
			b.srv.ResetCounts()
			r, err := step.run()
			// The first refresh also removes the create markers.
			if counts != nil && k == step.runs-1 {
				counts[i] = summarize(b.srv.Counts())
			}
			if counts != nil && i == 1 && k == 0 {
				counts[3] = summarize(b.srv.Counts())
			}
			if err != nil {
				return set, err
			}
			results = append(results, r.phase())
			set.peakRSS = max(set.peakRSS, r.provider.PeakRSS)
			if k == 0 {
				set.processes += r.provider.Processes
			}
			set.terraformRSS = max(set.terraformRSS, r.terraformRSS)
		}
		*step.out = medianPhase(results)
	}
	return set, nil
}

// medianPhase is the median of each figure of the runs of a phase, and
// the highest exit code: a short command's times move a lot from one run to
// the next, and the median is what one run typically costs.
func medianPhase(runs []phaseResult) phaseResult {
	of := func(get func(phaseResult) float64) float64 {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = get(r)
		}
		return median(v)
	}
	out := phaseResult{
		Seconds:             of(func(r phaseResult) float64 { return r.Seconds }),
		TerraformCPUSeconds: of(func(r phaseResult) float64 { return r.TerraformCPUSeconds }),
		ProviderCPUSeconds:  of(func(r phaseResult) float64 { return r.ProviderCPUSeconds }),
		ServerCPUSeconds:    of(func(r phaseResult) float64 { return r.ServerCPUSeconds }),
	}
	for _, r := range runs {
		out.ExitCode = max(out.ExitCode, r.ExitCode)
	}
	return out
}

// rateLimited is section 2. A failed run is recorded and the next one
// still runs; only an interrupt or timeout stops the section early.
func (b *bench) rateLimited(ctx context.Context) (*rateSection, error) {
	o := b.opts
	b.srv.SetRateLimit(o.rateLimit)
	defer b.srv.SetRateLimit(0)
	rs := &rateSection{Limit: o.rateLimit, N: o.rateN}
	var errs []error
	for i := 1; i <= o.rateRuns; i++ {
		r, err := b.rateRun(ctx, i)
		rs.Runs = append(rs.Runs, r)
		if ctx.Err() != nil {
			return rs, context.Cause(ctx)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("rate-limited run %d: %w", i, err))
		}
	}
	return rs, errors.Join(errs...)
}

func (b *bench) rateRun(ctx context.Context, i int) (rateRun, error) {
	n := b.opts.rateN
	r := rateRun{Run: i}
	fail := func(err error) (rateRun, error) {
		r.Error = err.Error()
		return r, err
	}
	dir, err := b.workDir(fmt.Sprintf("rate-%d", i), idpConfig(n, fmt.Sprintf("rate%d", i), b.providerSettings()))
	if err != nil {
		return fail(err)
	}
	label := fmt.Sprintf("rate-limited run %d, N=%d", i, n)
	b.srv.ResetCounts()
	apply, err := b.apply(ctx, dir, label)
	r.ApplySeconds = apply.wall.Seconds()
	r.ApplyRequests = summarize(b.srv.Counts())
	if err != nil {
		return fail(err)
	}
	b.srv.ResetCounts()
	b.rec.reset()
	refresh, err := b.refresh(ctx, dir, label)
	r.RefreshSeconds = refresh.wall.Seconds()
	r.RefreshExitCode = refresh.exitCode
	r.RefreshRequests = summarize(b.srv.Counts())
	if err != nil {
		return fail(err)
	}
	requests, span := b.rec.snapshot()
	r.RequestSpanSeconds = span.Seconds()
	r.AchievedRate = achievedRate(requests, span)
	return r, nil
}

func (b *bench) workDir(name, config string) (string, error) {
	dir := filepath.Join(b.tmp, name)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600)
}

// tfResult is what one Terraform command cost.
type tfResult struct {
	wall         time.Duration
	terraformRSS int64 // on Linux the largest of it and the children it waited for
	provider     devtf.Usage
	exitCode     int
	// terraformCPU includes the provider processes' and their wrappers'
	// (wait4); serverCPU is the harness's own, which only serves meanwhile.
	terraformCPU, serverCPU time.Duration
}

func (r tfResult) phase() phaseResult {
	own := r.terraformCPU - r.provider.CPU - r.provider.WrapperCPU
	return phaseResult{
		Seconds:             r.wall.Seconds(),
		TerraformCPUSeconds: max(own, 0).Seconds(),
		ProviderCPUSeconds:  r.provider.CPU.Seconds(),
		ServerCPUSeconds:    r.serverCPU.Seconds(),
		ExitCode:            r.exitCode,
	}
}

// apply and destroy run in a fresh work dir whose configuration has n
// resources (config_test.go), so an exit code of 0 says that all n were
// created or destroyed.
func (b *bench) apply(ctx context.Context, dir, label string) (tfResult, error) {
	res, _, err := b.terraform(ctx, dir, "apply", label, "apply", "-auto-approve")
	return res, err
}

func (b *bench) destroy(ctx context.Context, dir, label string) (tfResult, error) {
	res, _, err := b.terraform(ctx, dir, "destroy", label, "destroy", "-auto-approve")
	return res, err
}

const noChanges = "No changes. Your infrastructure still matches the configuration."

// refresh fails on drift shown, since nothing changed since the apply, but
// not on exit code 2 alone: Terraform also exits 2 when the refreshed state
// differs in ways it does not show (BENCHMARKS.md, "Known issue"), which is
// reported and leaves the timing and counts right.
func (b *bench) refresh(ctx context.Context, dir, label string) (tfResult, error) {
	res, out, err := b.terraform(ctx, dir, "refresh", label, "plan", "-refresh-only", "-detailed-exitcode")
	if err != nil {
		return res, err
	}
	if !bytes.Contains(out, []byte(noChanges)) {
		return res, fmt.Errorf("terraform plan -refresh-only (%s) found drift right after the apply, so the refresh is not a no-op:\n%s",
			label, tail(out, logTailLines))
	}
	return res, nil
}

// terraform is runTerraform with a non-zero exit code as an error, but for
// 2 with -detailed-exitcode (changes).
func (b *bench) terraform(ctx context.Context, dir, what, label string, args ...string) (tfResult, []byte, error) {
	res, out, err := b.runTerraform(ctx, dir, what, label, append(args, "-no-color")...)
	if err != nil {
		return res, out, err
	}
	changes := slices.Contains(args, "-detailed-exitcode") && res.exitCode == 2
	if res.exitCode != 0 && !changes {
		return res, out, fmt.Errorf("terraform %s (%s) failed (exit status %d):\n%s", args[0], label, res.exitCode, tail(out, logTailLines))
	}
	return res, out, nil
}

// runTerraform runs one Terraform command in dir with its output in a log
// file there, and measures it. The error is only for what keeps the command
// from giving an exit code: it could not start, was killed, or ctx ended
// (and devtf.Command stopped its process group).
func (b *bench) runTerraform(ctx context.Context, dir, what, label string, args ...string) (tfResult, []byte, error) {
	var res tfResult
	if err := context.Cause(ctx); err != nil {
		return res, nil, err
	}
	b.step++
	logPath := filepath.Join(dir, fmt.Sprintf("%02d-%s.log", b.step, what))
	usagePath := filepath.Join(dir, fmt.Sprintf("%02d-%s.usage", b.step, what))
	logFile, err := os.Create(logPath)
	if err != nil {
		return res, nil, err
	}
	defer logFile.Close()

	args = append(args, "-input=false", "-parallelism="+strconv.Itoa(b.opts.parallelism))
	cmd := devtf.Command(ctx, b.terraformPath, args...)
	cmd.Dir = dir
	cmd.Env = b.terraformEnv(usagePath)
	if b.opts.cpuProfile != "" {
		pdir := filepath.Join(b.opts.cpuProfile, fmt.Sprintf("%02d-%s-%s", b.step, filepath.Base(dir), what))
		if err := os.MkdirAll(pdir, 0o700); err != nil {
			return res, nil, err
		}
		cmd.Env = append(cmd.Env, profiling.EnvDir+"="+pdir)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start, startCPU := time.Now(), devtf.SelfCPUTime()
	if err := cmd.Start(); err != nil {
		if ctx.Err() != nil {
			return res, nil, context.Cause(ctx)
		}
		return res, nil, fmt.Errorf("starting terraform: %w", err)
	}
	exitCode, waitErr := cmd.Wait()
	res.wall = time.Since(start)
	res.serverCPU = devtf.SelfCPUTime() - startCPU
	if cmd.ProcessState != nil {
		res.terraformRSS = devtf.PeakRSS(cmd.ProcessState)
		res.terraformCPU = devtf.CPUTime(cmd.ProcessState)
	}
	var rerr error
	res.provider, rerr = devtf.ReadUsage(usagePath)
	out, oerr := os.ReadFile(logPath)

	if ctx.Err() != nil {
		return res, out, context.Cause(ctx)
	}
	res.exitCode = exitCode
	var exitErr *exec.ExitError
	if exitCode < 0 || (waitErr != nil && !errors.As(waitErr, &exitErr)) {
		return res, out, fmt.Errorf("terraform %s (%s) did not exit normally (%w):\n%s", args[0], label, waitErr, tail(out, logTailLines))
	}
	if err := errors.Join(rerr, oerr); err != nil {
		return res, out, err
	}
	b.note("%-32s %-8s %7s  exit %d", label, what, formatSeconds(res.wall.Seconds()), res.exitCode)
	return res, out, nil
}

func (b *bench) terraformEnv(usagePath string) []string {
	env := append(devtf.ScrubEnv(os.Environ(), "TF_LOG", "TF_ACC"),
		"TF_CLI_CONFIG_FILE="+b.using.cliConfig, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1")
	env = append(env, b.extraEnv...)
	return append(env, devtf.Wrapper{Provider: b.using.realProvider, UsageFile: usagePath}.Env()...)
}

// terraformVersion also proves that Terraform runs with the harness's CLI
// configuration.
func (b *bench) terraformVersion(ctx context.Context) (string, error) {
	cmd := exec.CommandContext(ctx, b.terraformPath, "version", "-json") //nolint:gosec // the Terraform CLI that -terraform names: running it is the harness's job
	cmd.Env = b.terraformEnv(filepath.Join(b.tmp, "version.usage"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("terraform version failed (%w): %s", err, strings.TrimSpace(stderr.String()))
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		return "", fmt.Errorf("reading terraform version -json: %q", out)
	}
	return v.Version, nil
}

func (b *bench) note(format string, args ...any) {
	fmt.Fprintf(b.progress, "idp-bench: "+format+"\n", args...)
}

func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n")
}
