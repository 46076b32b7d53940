package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// The kill mode (-kill, `make chaos-kill`) is described in DESIGN.md
// ("Performance method"): SIGKILL Terraform part-way through an apply, then
// measure what the next apply makes of what it left.

// killPoint is where in an apply the kill falls, as a fraction of its creates.
type killPoint struct {
	Name     string
	Fraction float64
}

var defaultKillPoints = []killPoint{{"early", 0.15}, {"middle", 0.5}, {"late", 0.85}}

// killAt is the create after which Terraform is killed: the point's share
// of n, moved by up to a tenth of n either way by the seed, within [1, n-1].
func killAt(p killPoint, n int, seed int64, index int) int {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(index))) //nolint:gosec // a reproducible spread, not a secret
	spread := n / 10
	k := int(p.Fraction*float64(n)+0.5) + rng.IntN(2*spread+1) - spread
	return min(max(k, 1), n-1)
}

// killSwitch passes requests on and, when the at-th create has been
// committed, kills Terraform before that create's answer leaves: the
// object exists and no Terraform process ever learnt its id.
type killSwitch struct {
	next http.Handler
	at   int
	fire chan struct{} // closed when the at-th create is committed
	dead chan struct{} // closed by the harness once Terraform is gone
	// snapshot, when set, is called once, at the snapshotAt-th create.
	snapshot   func()
	snapshotAt int

	mu      sync.Mutex
	creates int
	fired   bool
}

func newKillSwitch(next http.Handler, at int) *killSwitch {
	return &killSwitch{next: next, at: at, fire: make(chan struct{}), dead: make(chan struct{})}
}

// createPaths are the creates the switch counts: one per object of the mix.
// An organization's connection links are not counted; they are inspected.
var createPaths = map[string]bool{
	"/api/v2/resource-servers": true, "/api/v2/clients": true, "/api/v2/client-grants": true,
	"/api/v2/tenants": true, "/api/v2/connections": true, "/api/v2/organizations": true,
}

func (k *killSwitch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !createPaths[r.URL.Path] {
		k.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	k.next.ServeHTTP(rec, r)
	if rec.Code != http.StatusCreated {
		k.copy(w, rec)
		return
	}
	kill, snap := k.created()
	if snap {
		k.snapshot()
	}
	if kill {
		close(k.fire)
		select {
		case <-k.dead:
		case <-time.After(time.Minute):
		}
	}
	k.copy(w, rec)
}

func (k *killSwitch) copy(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for key, v := range rec.Header() {
		w.Header()[key] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// created counts a create and reports whether it is the one to kill at,
// and whether it is the one to take the state snapshot at.
func (k *killSwitch) created() (kill, snapshot bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.creates++
	snapshot = k.snapshot != nil && k.creates == k.snapshotAt
	if k.fired || k.creates < k.at {
		return false, snapshot
	}
	k.fired = true
	return true, snapshot
}

func (k *killSwitch) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.creates
}

func (b *bench) killBench(ctx context.Context) (rep *killReport, err error) {
	err = b.harness(ctx, func(version string) error {
		o := b.opts
		rep = &killReport{
			Terraform: version, Platform: runtime.GOOS + "/" + runtime.GOARCH, CPUs: runtime.NumCPU(),
			Parallelism: o.parallelism, N: o.killN, Mix: o.killMix(), RateLimit: o.killRate, Lost: o.killLost,
		}
		var errs []error
		for _, seed := range o.chaosSeeds {
			for _, p := range o.killPoints {
				i := slices.Index(defaultKillPoints, p)
				run, err := b.killRun(ctx, seed, i, p)
				if err != nil {
					run.Error = err.Error()
				}
				rep.Runs = append(rep.Runs, run)
				if ctx.Err() != nil {
					return context.Cause(ctx)
				}
				if err != nil {
					b.note("kill seed %d %s: harness failure: %v", seed, p.Name, err)
					errs = append(errs, fmt.Errorf("seed %d, %s: %w", seed, p.Name, err))
				}
			}
		}
		return errors.Join(errs...)
	})
	return rep, err
}

// killRun applies against a fresh server, kills Terraform at the point,
// then applies again and plans, and compares server and state after each.
func (b *bench) killRun(ctx context.Context, seed int64, index int, p killPoint) (run killRun, err error) {
	n := b.opts.killN
	run = killRun{Seed: seed, Point: p.Name, KillAt: killAt(p, n, seed, index), FirstExitCode: -1, ApplyExitCode: -1, PlanExitCode: -1}
	if b.srv, err = server.New(server.Options{}); err != nil {
		return run, fmt.Errorf("building the server: %w", err)
	}
	b.rec = newRecorder(b.srv)
	sw := newKillSwitch(b.rec, run.KillAt)
	var snap *stateSnapshot
	if lag := b.opts.killLost; lag > 0 {
		snap = &stateSnapshot{}
		sw.snapshotAt, sw.snapshot = max(run.KillAt-lag, 0), snap.take
		run.SnapshotAt = sw.snapshotAt
	}
	b.hs = httptest.NewServer(sw)
	b.domain = b.hs.URL
	defer b.stopServer()
	b.srv.SetRateLimit(b.opts.killRate)

	label := fmt.Sprintf("kill seed %d %s", seed, p.Name)
	dir, err := b.workDir(fmt.Sprintf("kill-%d-%s", seed, p.Name), mixConfig(b.opts.killMix(), fmt.Sprintf("kill%d", seed), b.providerSettings()))
	if err != nil {
		return run, err
	}
	if snap != nil {
		snap.dir = dir
	}
	inspector, err := mgmt.New(mgmt.Config{Domain: b.domain, ClientID: b.srv.AdminClientID(),
		ClientSecret: b.srv.AdminClientSecret(), UserAgent: "idp-bench-kill-inspector"})
	if err != nil {
		return run, fmt.Errorf("building the inspecting client: %w", err)
	}
	baseline, err := listServerObjects(ctx, inspector)
	if err != nil {
		return run, fmt.Errorf("listing the fresh server's objects: %w", err)
	}

	run.FirstExitCode, run.Killed, err = b.killedApply(ctx, dir, label, sw)
	if err != nil {
		return run, err
	}
	run.CreatesAtKill = sw.count()
	if note := stateFileNote(dir); run.Killed && note != "" {
		run.Notes = append(run.Notes, note)
	}
	if snap != nil {
		if err := snap.restore(); err != nil {
			return run, err
		}
	}
	first, err := b.inspect(ctx, dir, inspector, baseline)
	if err != nil {
		return run, err
	}
	run.LeftAfterKill = first.orphans
	if !run.Killed {
		run.Notes = append(run.Notes, fmt.Sprintf("the apply ended (exit %d) before create %d: nothing was killed", run.FirstExitCode, run.KillAt))
	}

	apply, ui, timedOut, err := b.chaosCommand(ctx, dir, label, "apply", "-auto-approve")
	if err != nil {
		return run, err
	}
	run.ApplyExitCode, run.ApplySeconds, run.ApplyTimedOut = apply.exitCode, apply.wall.Seconds(), timedOut
	run.ApplyErrors, run.ApplyErrorKinds = len(ui.errors), countKinds(ui.errors)
	next, err := b.inspect(ctx, dir, inspector, baseline)
	if err != nil {
		return run, err
	}
	run.Inspected, run.InState = true, next.inState
	run.Orphans, run.Lost, run.Duplicates = next.orphans, next.lost, next.duplicates

	plan, ui, timedOut, err := b.chaosCommand(ctx, dir, label, "plan", "-detailed-exitcode")
	if err != nil {
		return run, err
	}
	run.PlanRan, run.PlanExitCode = !timedOut, plan.exitCode
	run.PlanErrors, run.PlanChanges = len(ui.errors), ui.plan
	if run.ApplyExitCode == 0 {
		return run, nil
	}

	// The one-step recovery the errors name.
	b.extraEnv = []string{"IDP_ADOPT_IDENTICAL=true"}
	defer func() { b.extraEnv = nil }()
	recovery, ui, timedOut, err := b.chaosCommand(ctx, dir, label+" +adopt", "apply", "-auto-approve")
	if err != nil {
		return run, err
	}
	rec := &recoveryRun{ExitCode: recovery.exitCode, TimedOut: timedOut, Errors: len(ui.errors), PlanExitCode: -1}
	run.Recovery = rec
	after, err := b.inspect(ctx, dir, inspector, baseline)
	if err != nil {
		return run, err
	}
	rec.Orphans, rec.Lost, rec.Duplicates = after.orphans, after.lost, after.duplicates
	b.extraEnv = nil
	plan, ui, timedOut, err = b.chaosCommand(ctx, dir, label, "plan", "-detailed-exitcode")
	if err != nil {
		return run, err
	}
	rec.PlanRan, rec.PlanExitCode, rec.PlanErrors, rec.PlanChanges = !timedOut, plan.exitCode, len(ui.errors), ui.plan
	return run, nil
}

// killedApply runs `terraform apply` and kills its process group with
// SIGKILL (Terraform and the provider) when the switch fires; killed is
// false when the apply ended first.
func (b *bench) killedApply(ctx context.Context, dir, label string, sw *killSwitch) (exitCode int, killed bool, err error) {
	b.step++
	logFile, err := os.Create(filepath.Join(dir, fmt.Sprintf("%02d-killed-apply.log", b.step)))
	if err != nil {
		return -1, false, err
	}
	defer logFile.Close()
	cctx, cancel := context.WithTimeoutCause(ctx, b.opts.commandTimeout, errCommandTimeout)
	defer cancel()
	cmd := devtf.Command(cctx, b.terraformPath, "apply", "-auto-approve", "-json", "-input=false",
		"-parallelism="+strconv.Itoa(b.opts.parallelism))
	cmd.Dir = dir
	cmd.Env = b.terraformEnv(filepath.Join(dir, fmt.Sprintf("%02d-killed-apply.usage", b.step)))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Abort = sw.fire
	start := time.Now()
	exitCode, _ = cmd.Run()
	close(sw.dead)
	if ctx.Err() != nil {
		return exitCode, false, context.Cause(ctx)
	}
	select {
	case <-sw.fire:
		killed = true
	default:
	}
	b.note("%-32s %-8s %7s  killed after %d creates (exit %d)", label, "apply", formatSeconds(time.Since(start).Seconds()),
		sw.count(), exitCode)
	return exitCode, killed, nil
}

// stateFileNote says when the kill left no state, or an empty state file:
// Terraform's local backend writes the file in place, truncating it first,
// so a kill in between empties it.
func stateFileNote(dir string) string {
	info, err := os.Stat(filepath.Join(dir, "terraform.tfstate"))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "the kill left no state file: Terraform had not written one yet"
	case err != nil:
		return "the state file the kill left could not be read: " + err.Error()
	case info.Size() == 0:
		return "the kill left an empty state file: it fell between Terraform's truncating and rewriting it"
	}
	return ""
}

// stateSnapshot is the state file as it was at one create: restored after
// the kill, it makes the state lose what was created since, as a backend
// that saves snapshots at intervals does.
type stateSnapshot struct {
	dir  string
	mu   sync.Mutex
	data []byte // nil: there was no state yet
}

func (s *stateSnapshot) take() {
	data, err := os.ReadFile(filepath.Join(s.dir, "terraform.tfstate"))
	if err != nil || !json.Valid(data) {
		data = nil // none yet, or caught mid-write: the kill then loses everything
	}
	s.mu.Lock()
	s.data = data
	s.mu.Unlock()
}

func (s *stateSnapshot) restore() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	path := filepath.Join(s.dir, "terraform.tfstate")
	if s.data == nil {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	return os.WriteFile(path, s.data, 0o600)
}

type inspection struct {
	inState       int
	orphans, lost []objectRef
	duplicates    int
}

// inspect compares the server's objects with the state's; duplicates are
// orphaned clients named like a client the state holds.
func (b *bench) inspect(ctx context.Context, dir string, c *mgmt.Client, baseline []objectRef) (inspection, error) {
	var in inspection
	showJSON, err := b.showState(ctx, dir)
	if err != nil {
		return in, err
	}
	inState, err := parseStateObjects(showJSON)
	if err != nil {
		return in, err
	}
	onServer, err := listServerObjects(ctx, c)
	if err != nil {
		return in, fmt.Errorf("listing the server's objects: %w", err)
	}
	names, err := stateClientNames(showJSON)
	if err != nil {
		return in, err
	}
	apps, err := c.ListApplications(ctx, mgmt.ApplicationFilter{})
	if err != nil {
		return in, fmt.Errorf("listing the server's clients: %w", err)
	}
	serverNames := map[string]string{}
	for _, a := range apps {
		serverNames[deref(a.ClientID)] = deref(a.Name)
	}
	in.inState = len(inState)
	in.orphans, in.lost = diffObjects(inState, onServer, baseline)
	in.duplicates = duplicates(in.orphans, serverNames, names)
	return in, nil
}

// duplicates counts the orphaned clients whose name a client in the state
// has: the ones a later apply created again instead of adopting.
func duplicates(orphans []objectRef, serverNames map[string]string, stateNames map[string]bool) int {
	n := 0
	for _, o := range orphans {
		if o.Kind == kindClient && stateNames[serverNames[o.ID]] {
			n++
		}
	}
	return n
}

// killMix is the kill runs' mix of -kill-n objects.
func (o *options) killMix() mix {
	if o.killSeedTypes {
		return seedMix(o.killN)
	}
	return splitMix(o.killN)
}

func checkKillFlags(fs *flag.FlagSet, o *options, seeds, points string) error {
	var set []string
	seedsGiven := false
	fs.Visit(func(f *flag.Flag) {
		seedsGiven = seedsGiven || f.Name == "chaos-seeds"
		if slices.Contains(scaleFlags, f.Name) || f.Name == "chaos" || strings.HasPrefix(f.Name, "chaos-") && f.Name != "chaos-seeds" {
			set = append(set, "-"+f.Name)
		}
	})
	if !seedsGiven {
		seeds = "1,2"
	}
	if len(set) > 0 {
		return fmt.Errorf("%s do not go with -kill", strings.Join(set, ", "))
	}
	var err error
	if o.chaosSeeds, err = parseSeeds(seeds); err != nil {
		return fmt.Errorf("-chaos-seeds: %w", err)
	}
	types := 3
	if o.killSeedTypes {
		types = 6
	}
	if o.killN < 2*types {
		return fmt.Errorf("-kill-n must be at least %d (two of each of %d types)", 2*types, types)
	}
	o.killPoints = nil
	for _, p := range defaultKillPoints {
		if slices.Contains(strings.Split(points, ","), p.Name) {
			o.killPoints = append(o.killPoints, p)
		}
	}
	for _, name := range strings.Split(points, ",") {
		if !slices.ContainsFunc(defaultKillPoints, func(p killPoint) bool { return p.Name == name }) {
			return fmt.Errorf("-kill-points: %q is not early, middle or late", name)
		}
	}
	if o.killLost < 0 {
		return errors.New("-kill-lost must not be negative")
	}
	if o.killRate < 0 {
		return errors.New("-kill-rate must not be negative (0: no limit)")
	}
	return nil
}
