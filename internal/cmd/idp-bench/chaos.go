package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// The chaos mode (-chaos, `make chaos`): for each fault seed, a fresh
// in-process server and work dir, and
//
//  1. terraform apply of -chaos-n mixed resources with the server injecting
//     429s, 503s and writes that are committed and then dropped, the fault
//     RNG seeded with the seed;
//  2. with the faults off, so that the inspection itself is exact, the
//     server's objects (read through the Management API as the admin, like
//     a user would) against the state's (terraform show -json): orphans are
//     on the server but not in the state, lost objects the other way round;
//  3. the same faults again, reseeded with seed + planSeedOffset so that the
//     plan does not replay the apply's sequence, and terraform plan
//     -detailed-exitcode, which must be empty;
//  4. with the faults off, terraform destroy, whose failure is only noted.
//
// The target is every seed's first apply exiting 0 with no orphans, nothing
// lost and an empty plan. Missing it is a finding, not a failure of the
// harness: the exit code is 1 only when the harness itself could not
// measure.

// planSeedOffset is added to a seed to reseed the faults for the plan.
const planSeedOffset = 1000

// errCommandTimeout is the cause of a chaos command's context when it ran
// longer than -command-timeout.
var errCommandTimeout = errors.New("the Terraform command took longer than -command-timeout")

// chaos runs the chaos mode and returns its report (possibly partial) with
// the first harness error.
func (b *bench) chaos(ctx context.Context) (rep *chaosReport, err error) {
	err = b.harness(ctx, func(version string) error {
		o := b.opts
		rep = &chaosReport{
			Terraform:      version,
			Platform:       runtime.GOOS + "/" + runtime.GOARCH,
			CPUs:           runtime.NumCPU(),
			Parallelism:    o.parallelism,
			N:              o.chaosN,
			Mix:            splitMix(o.chaosN),
			Faults:         chaosFaults{Rate429: o.chaos429, Rate503: o.chaos503, DropAfterCommit: o.chaosDrop},
			PlanSeedOffset: planSeedOffset,
		}
		var errs []error
		for _, seed := range o.chaosSeeds {
			run, err := b.chaosSeed(ctx, seed)
			if err != nil {
				run.Error = err.Error()
			}
			rep.Runs = append(rep.Runs, run)
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			if err != nil {
				b.note("chaos seed %d: harness failure: %v", seed, err)
				errs = append(errs, fmt.Errorf("seed %d: %w", seed, err))
			}
		}
		return errors.Join(errs...)
	})
	return rep, err
}

// faults is the chaos mode's faults with the given seed.
func (b *bench) faults(seed int64) server.Faults {
	return server.Faults{Rate429: b.opts.chaos429, Rate5xx: b.opts.chaos503, DropAfterCommit: b.opts.chaosDrop, Seed: seed}
}

// chaosSeed is the four steps for one seed against a fresh server. The
// error is the harness's; what Terraform does is measured in the run.
func (b *bench) chaosSeed(ctx context.Context, seed int64) (run chaosRun, err error) {
	run = chaosRun{Seed: seed, ApplyExitCode: -1, PlanExitCode: -1}
	stop, err := b.startServer(server.Options{})
	if err != nil {
		return run, err
	}
	defer func() {
		err = errors.Join(err, stop())
	}()
	label := "chaos seed " + strconv.FormatInt(seed, 10)
	dir, err := b.workDir(fmt.Sprintf("chaos-%d", seed), idpConfig(b.opts.chaosN, fmt.Sprintf("chaos%d", seed), b.providerSettings()))
	if err != nil {
		return run, err
	}
	inspector, err := mgmt.New(mgmt.Config{
		Domain:       b.domain,
		ClientID:     b.srv.AdminClientID(),
		ClientSecret: b.srv.AdminClientSecret(),
		UserAgent:    "idp-bench-chaos-inspector",
	})
	if err != nil {
		return run, fmt.Errorf("building the inspecting client: %w", err)
	}
	// What a fresh server holds (the Management API, the admin client and
	// its grant) is never an orphan.
	baseline, err := listServerObjects(ctx, inspector)
	if err != nil {
		return run, fmt.Errorf("listing the fresh server's objects: %w", err)
	}

	// 1. The first apply, under faults.
	b.srv.ResetCounts()
	b.srv.SetFaults(b.faults(seed))
	apply, out, timedOut, err := b.chaosCommand(ctx, dir, "apply", label,
		"apply", "-auto-approve", "-input=false", "-no-color", "-parallelism="+strconv.Itoa(b.opts.parallelism))
	b.srv.SetFaults(server.Faults{})
	run.ApplyRequests = summarize(b.srv.Counts())
	run.ApplySeconds = apply.wall.Seconds()
	run.ApplyTimedOut = timedOut
	if err != nil {
		return run, err
	}
	run.ApplyExitCode = apply.exitCode
	diags := parseDiagnostics(out)
	run.ApplyErrors = len(diags)
	run.ApplyErrorKinds = countKinds(diags)
	if timedOut {
		run.Notes = append(run.Notes, fmt.Sprintf("the apply was stopped after -command-timeout %s", b.opts.commandTimeout))
	}

	// 2. Server against state, faults off.
	showJSON, err := b.showState(ctx, dir)
	if err != nil {
		return run, err
	}
	inState, err := parseStateObjects(showJSON)
	if err != nil {
		return run, err
	}
	onServer, err := listServerObjects(ctx, inspector)
	if err != nil {
		return run, fmt.Errorf("listing the server's objects after the apply: %w", err)
	}
	run.InState = len(inState)
	run.Orphans, run.Lost = diffObjects(inState, onServer, baseline)
	run.Inspected = true

	// 3. The plan, under faults reseeded.
	b.srv.SetFaults(b.faults(seed + planSeedOffset))
	plan, out, timedOut, err := b.chaosCommand(ctx, dir, "plan", label,
		"plan", "-detailed-exitcode", "-input=false", "-no-color", "-parallelism="+strconv.Itoa(b.opts.parallelism))
	b.srv.SetFaults(server.Faults{})
	if err != nil {
		return run, err
	}
	run.PlanRan = !timedOut
	run.PlanExitCode = plan.exitCode
	planDiags := parseDiagnostics(out)
	run.PlanErrors = len(planDiags)
	run.PlanErrorKinds = countKinds(planDiags)
	if changes, ok := parsePlan(out); ok {
		run.PlanChanges = &changes
	}
	if timedOut {
		run.Notes = append(run.Notes, fmt.Sprintf("the plan was stopped after -command-timeout %s", b.opts.commandTimeout))
	}

	// 4. Cleanup, faults off. A failure is a note: the server goes anyway.
	destroy, out, timedOut, err := b.chaosCommand(ctx, dir, "destroy", label,
		"destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism="+strconv.Itoa(b.opts.parallelism))
	switch {
	case err != nil:
		return run, err
	case timedOut:
		run.Notes = append(run.Notes, fmt.Sprintf("the destroy was stopped after -command-timeout %s", b.opts.commandTimeout))
	case destroy.exitCode != 0:
		note := fmt.Sprintf("the destroy (faults off) exited %d", destroy.exitCode)
		if d := parseDiagnostics(out); len(d) > 0 {
			note += fmt.Sprintf(" with %d errors, first: %s", len(d), d[0].kind())
		}
		run.Notes = append(run.Notes, note)
	}
	return run, nil
}

// chaosCommand runs a Terraform command for the chaos mode: its exit code
// is a measurement, and running longer than -command-timeout stops it
// (gracefully, so that it still writes its state) and is reported as
// timedOut rather than as an error.
func (b *bench) chaosCommand(ctx context.Context, dir, what, label string, args ...string) (res tfResult, out []byte, timedOut bool, err error) {
	cctx, cancel := context.WithTimeoutCause(ctx, b.opts.commandTimeout, errCommandTimeout)
	defer cancel()
	res, out, err = b.runTerraform(cctx, dir, what, label, args...)
	if err != nil && ctx.Err() == nil && errors.Is(err, errCommandTimeout) {
		b.note("%-32s %-8s stopped after -command-timeout %s", label, what, b.opts.commandTimeout)
		res.exitCode = -1
		return res, out, true, nil
	}
	return res, out, false, err
}

// showState is `terraform show -json` in dir: the state as JSON, read
// from standard output alone.
func (b *bench) showState(ctx context.Context, dir string) ([]byte, error) {
	cctx, cancel := context.WithTimeoutCause(ctx, b.opts.commandTimeout, errCommandTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	b.step++
	cmd := devtf.Command(cctx, b.terraformPath, "show", "-json", "-no-color")
	cmd.Dir = dir
	cmd.Env = b.terraformEnv(filepath.Join(dir, fmt.Sprintf("%02d-show.usage", b.step)))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if _, err := cmd.Run(); err != nil {
		if cctx.Err() != nil {
			return nil, context.Cause(cctx)
		}
		return nil, fmt.Errorf("terraform show -json failed (%w): %s", err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// listServerObjects lists the APIs, clients and grants of the server's root
// tenant, leaving out system APIs.
func listServerObjects(ctx context.Context, c *mgmt.Client) ([]objectRef, error) {
	var out []objectRef
	apis, err := c.ListResourceServers(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range apis {
		if a.IsSystem != nil && *a.IsSystem {
			continue
		}
		out = append(out, objectRef{Kind: kindResourceServer, ID: deref(a.ID)})
	}
	apps, err := c.ListApplications(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		out = append(out, objectRef{Kind: kindClient, ID: deref(a.ClientID)})
	}
	grants, err := c.ListClientGrants(ctx, mgmt.ClientGrantFilter{})
	if err != nil {
		return nil, err
	}
	for _, g := range grants {
		out = append(out, objectRef{Kind: kindClientGrant, ID: deref(g.ID)})
	}
	return out, nil
}

// deref is *p, "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
