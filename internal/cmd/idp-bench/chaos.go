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

// The chaos mode (-chaos, `make chaos`) is described in DESIGN.md
// ("Performance method"). Missing its target is a finding; only a harness
// failure is an error.

// planSeedOffset reseeds the faults for the plan, so that it does not replay
// the apply's.
const planSeedOffset = 1000

var errCommandTimeout = errors.New("the Terraform command took longer than -command-timeout")

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

func (b *bench) faults(seed int64) server.Faults {
	return server.Faults{Rate429: b.opts.chaos429, Rate5xx: b.opts.chaos503, DropAfterCommit: b.opts.chaosDrop, Seed: seed}
}

// chaosSeed measures one seed against a fresh server. The error is the
// harness's; what Terraform did is in the run.
func (b *bench) chaosSeed(ctx context.Context, seed int64) (run chaosRun, err error) {
	run = chaosRun{Seed: seed, ApplyExitCode: -1, PlanExitCode: -1}
	if err := b.startServer(); err != nil {
		return run, err
	}
	defer b.stopServer()
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
	// What a fresh server holds is never an orphan.
	baseline, err := listServerObjects(ctx, inspector)
	if err != nil {
		return run, fmt.Errorf("listing the fresh server's objects: %w", err)
	}

	stopped := func(what string) {
		run.Notes = append(run.Notes, fmt.Sprintf("the %s was stopped after -command-timeout %s", what, b.opts.commandTimeout))
	}

	b.srv.ResetCounts()
	b.srv.SetFaults(b.faults(seed))
	apply, ui, timedOut, err := b.chaosCommand(ctx, dir, label, "apply", "-auto-approve")
	b.srv.SetFaults(server.Faults{})
	run.ApplyRequests = summarize(b.srv.Counts())
	run.ApplySeconds = apply.wall.Seconds()
	run.ApplyTimedOut = timedOut
	if err != nil {
		return run, err
	}
	run.ApplyExitCode = apply.exitCode
	run.ApplyErrors, run.ApplyErrorKinds = len(ui.errors), countKinds(ui.errors)
	if timedOut {
		stopped("apply")
	}

	// Faults off, so that the inspection itself is exact.
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

	b.srv.SetFaults(b.faults(seed + planSeedOffset))
	plan, ui, timedOut, err := b.chaosCommand(ctx, dir, label, "plan", "-detailed-exitcode")
	b.srv.SetFaults(server.Faults{})
	if err != nil {
		return run, err
	}
	run.PlanRan = !timedOut
	run.PlanExitCode = plan.exitCode
	run.PlanErrors, run.PlanErrorKinds = len(ui.errors), countKinds(ui.errors)
	run.PlanChanges = ui.plan
	if timedOut {
		stopped("plan")
	}

	// Cleanup, faults off: a failure is a note, the server goes anyway.
	destroy, ui, timedOut, err := b.chaosCommand(ctx, dir, label, "destroy", "-auto-approve")
	switch {
	case err != nil:
		return run, err
	case timedOut:
		stopped("destroy")
	case destroy.exitCode != 0:
		note := fmt.Sprintf("the destroy (faults off) exited %d", destroy.exitCode)
		if len(ui.errors) > 0 {
			note += fmt.Sprintf(" with %d errors, first: %s", len(ui.errors), ui.errors[0].kind())
		}
		run.Notes = append(run.Notes, note)
	}
	return run, nil
}

// chaosCommand runs a Terraform command with -json. Its exit code and
// diagnostics are measurements; running longer than -command-timeout stops
// it gracefully, so that it still writes its state, and is timedOut rather
// than an error.
func (b *bench) chaosCommand(ctx context.Context, dir, label string, args ...string) (res tfResult, ui uiOutput, timedOut bool, err error) {
	cctx, cancel := context.WithTimeoutCause(ctx, b.opts.commandTimeout, errCommandTimeout)
	defer cancel()
	res, out, err := b.runTerraform(cctx, dir, args[0], label, append(args, "-json")...)
	if err != nil && ctx.Err() == nil && errors.Is(err, errCommandTimeout) {
		b.note("%-32s %-8s stopped after -command-timeout %s", label, args[0], b.opts.commandTimeout)
		res.exitCode = -1
		return res, readUI(out), true, nil
	}
	return res, readUI(out), false, err
}

// showState is `terraform show -json` in dir, from standard output alone.
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

// listServerObjects lists the root tenant's APIs, but for system APIs, its
// clients, its grants, the tenants, its connections, its organizations and
// each organization's enabled connections.
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
	apps, err := c.ListApplications(ctx, mgmt.ApplicationFilter{})
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
	tenants, err := c.ListTenants(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range tenants {
		out = append(out, objectRef{Kind: kindTenant, ID: deref(t.ID)})
	}
	connections, err := c.ListConnections(ctx, mgmt.ConnectionFilter{})
	if err != nil {
		return nil, err
	}
	for _, cn := range connections {
		out = append(out, objectRef{Kind: kindConnection, ID: deref(cn.ID)})
	}
	orgs, err := c.ListOrganizations(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		id := deref(o.ID)
		out = append(out, objectRef{Kind: kindOrganization, ID: id})
		links, err := c.ListOrganizationConnections(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			out = append(out, objectRef{Kind: kindOrgConnection, ID: id + "/" + l.ConnectionID})
		}
	}
	return out, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
