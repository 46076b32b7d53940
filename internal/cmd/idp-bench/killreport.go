package main

import (
	"fmt"
	"strings"
)

// killReport is rendered as Markdown and, with -out, written as JSON.
type killReport struct {
	Terraform   string `json:"terraform_version"`
	Platform    string `json:"platform"`
	CPUs        int    `json:"cpus"`
	Parallelism int    `json:"parallelism"`
	N           int    `json:"n"`
	Mix         mix    `json:"mix"`
	RateLimit   int    `json:"rate_limit"`
	Lost        int    `json:"state_loses_creates"`

	Runs []killRun `json:"runs"`

	// Derived by finish.
	RunsMet         int         `json:"runs_meeting_target"`
	TargetMet       bool        `json:"target_met"`
	ApplyErrorKinds []kindCount `json:"apply_error_kinds"`
}

type killRun struct {
	Seed  int64  `json:"seed"`
	Point string `json:"point"`
	// KillAt is the create after which Terraform was killed, its answer lost.
	KillAt int `json:"kill_at_create"`
	// SnapshotAt is the create whose state the kill left (-kill-lost), 0 without.
	SnapshotAt int    `json:"state_snapshot_at_create,omitempty"`
	Error      string `json:"harness_error,omitempty"`

	Killed        bool `json:"killed"`
	FirstExitCode int  `json:"killed_apply_exit_code"`
	CreatesAtKill int  `json:"creates_when_killed"`
	// LeftAfterKill is on the server and not in the state the kill left.
	LeftAfterKill []objectRef `json:"left_after_kill"`

	ApplyExitCode   int         `json:"next_apply_exit_code"`
	ApplyTimedOut   bool        `json:"next_apply_timed_out,omitempty"`
	ApplySeconds    float64     `json:"next_apply_seconds"`
	ApplyErrors     int         `json:"next_apply_error_diagnostics"`
	ApplyErrorKinds []kindCount `json:"next_apply_error_kinds,omitempty"`

	Inspected  bool        `json:"inspected"`
	InState    int         `json:"objects_in_state"`
	Orphans    []objectRef `json:"orphans"`
	Lost       []objectRef `json:"lost"`
	Duplicates int         `json:"duplicates"`

	PlanRan      bool         `json:"plan_ran"`
	PlanExitCode int          `json:"plan_exit_code"`
	PlanErrors   int          `json:"plan_error_diagnostics"`
	PlanChanges  *planChanges `json:"plan_changes,omitempty"`

	// Recovery is the apply with IDP_ADOPT_IDENTICAL=true run when the next
	// apply failed: the one-step recovery its errors name.
	Recovery *recoveryRun `json:"recovery,omitempty"`

	Notes []string `json:"notes,omitempty"`
	Met   bool     `json:"target_met"`
}

type recoveryRun struct {
	ExitCode     int          `json:"exit_code"`
	TimedOut     bool         `json:"timed_out,omitempty"`
	Errors       int          `json:"error_diagnostics"`
	Orphans      []objectRef  `json:"orphans"`
	Lost         []objectRef  `json:"lost"`
	Duplicates   int          `json:"duplicates"`
	PlanRan      bool         `json:"plan_ran"`
	PlanExitCode int          `json:"plan_exit_code"`
	PlanErrors   int          `json:"plan_error_diagnostics"`
	PlanChanges  *planChanges `json:"plan_changes,omitempty"`
}

// summary is "exit 0, 0 errors, 0 orphans, plan empty".
func (r *recoveryRun) summary() string {
	if r == nil {
		return "-"
	}
	plan := chaosRun{PlanRan: r.PlanRan, PlanExitCode: r.PlanExitCode, PlanErrors: r.PlanErrors, PlanChanges: r.PlanChanges}.planEmpty()
	return fmt.Sprintf("exit %d, %s, orphans %s, duplicates %d, lost %s, plan empty %s", r.ExitCode, plural(r.Errors, "error"),
		countByKind(r.Orphans), r.Duplicates, countByKind(r.Lost), plan)
}

func (r killRun) planEmpty() string {
	return chaosRun{PlanRan: r.PlanRan, PlanExitCode: r.PlanExitCode, PlanErrors: r.PlanErrors, PlanChanges: r.PlanChanges}.planEmpty()
}

func (r *killReport) finish() {
	r.RunsMet = 0
	var kinds [][]kindCount
	for i := range r.Runs {
		run := &r.Runs[i]
		run.Met = run.Error == "" && run.ApplyExitCode == 0 && !run.ApplyTimedOut && run.ApplyErrors == 0 &&
			run.Inspected && len(run.Orphans) == 0 && len(run.Lost) == 0 && run.Duplicates == 0 &&
			run.PlanRan && run.PlanExitCode == 0
		if run.Met {
			r.RunsMet++
		}
		kinds = append(kinds, run.ApplyErrorKinds)
	}
	r.ApplyErrorKinds = mergeKinds(kinds...)
	r.TargetMet = len(r.Runs) > 0 && r.RunsMet == len(r.Runs)
}

// recovered counts the runs that missed the target and met it after the recovery apply.
func (r *killReport) recovered() int {
	n := 0
	for _, run := range r.Runs {
		if rec := run.Recovery; rec != nil && !run.Met && rec.ExitCode == 0 && rec.Errors == 0 && len(rec.Orphans) == 0 &&
			len(rec.Lost) == 0 && rec.Duplicates == 0 && rec.PlanRan && rec.PlanExitCode == 0 {
			n++
		}
	}
	return n
}

// render is Markdown that can be pasted into BENCHMARKS.md as it is.
func (r *killReport) render() string {
	var b strings.Builder
	fmt.Fprintf(&b, "idp-bench -kill: Terraform %s, %s, %d CPUs, -parallelism=%d\n\n", r.Terraform, r.Platform, r.CPUs, r.Parallelism)
	fmt.Fprintf(&b, "N=%d mixed resources (%s); per run a fresh in-process server limited to %d requests/s.\n\n",
		r.N, r.Mix.describe(), r.RateLimit)
	b.WriteString("1. `terraform apply`, SIGKILLed (process group: Terraform and the provider) once the server has committed the\n" +
		"   run's kill-at create, before that create's answer leaves\n")
	if r.Lost > 0 {
		fmt.Fprintf(&b, "   and the state file put back as it was %d creates before the kill (a backend that saves snapshots at intervals)\n", r.Lost)
	}
	b.WriteString("2. server against state: what the kill left (on the server, not in the state)\n")
	b.WriteString("3. `terraform apply -json` again, then server against state: orphans, duplicates (orphaned clients named like one in the state), lost\n")
	b.WriteString("4. `terraform plan -json -detailed-exitcode`\n")
	b.WriteString("5. only when the next apply failed: the recovery its errors name, `IDP_ADOPT_IDENTICAL=true terraform apply`, then 3's inspection and 4\n\n")
	b.WriteString("| seed | point | killed at create | left by the kill | next apply exit | errors | orphans | duplicates | lost | plan empty | recovery (5) |\n")
	b.WriteString("|---:|---|---:|---|---:|---:|---|---:|---|---|---|\n")
	for _, run := range r.Runs {
		left, orphans, lost := countByKind(run.LeftAfterKill), "-", "-"
		if run.Inspected {
			orphans, lost = countByKind(run.Orphans), countByKind(run.Lost)
		}
		exit := fmt.Sprint(run.ApplyExitCode)
		if run.ApplyTimedOut {
			exit = "timed out"
		}
		killed := fmt.Sprintf("%d", run.KillAt)
		if !run.Killed {
			killed += " (not reached)"
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %d | %s | %d | %s | %s | %s |\n", run.Seed, run.Point, killed, left, exit,
			run.ApplyErrors, orphans, run.Duplicates, lost, run.planEmpty(), run.Recovery.summary())
	}
	fmt.Fprintf(&b, "\nTarget: after every kill the next apply exits 0 with 0 errors, 0 orphans, 0 duplicates, 0 lost, and the plan after it is empty: %s (%d of %d runs)\n",
		check(r.TargetMet), r.RunsMet, len(r.Runs))
	if n := r.recovered(); n > 0 {
		fmt.Fprintf(&b, "Of the others, %d met it after the one-step recovery (5).\n", n)
	}
	if len(r.ApplyErrorKinds) > 0 {
		b.WriteString("\nError diagnostics of the next applies by summary and cause, all runs:\n\n| count | diagnostic |\n|---:|---|\n")
		for _, k := range r.ApplyErrorKinds {
			fmt.Fprintf(&b, "| %d | %s |\n", k.Count, mdCell(k.Kind))
		}
	}
	var notes []string
	for _, run := range r.Runs {
		if run.Error != "" {
			first, _, _ := strings.Cut(run.Error, "\n")
			notes = append(notes, fmt.Sprintf("seed %d %s: HARNESS FAILURE, not measured past it: %s", run.Seed, run.Point, first))
		}
		for _, note := range run.Notes {
			notes = append(notes, fmt.Sprintf("seed %d %s: %s", run.Seed, run.Point, note))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\nNotes:\n")
		for _, note := range notes {
			b.WriteString("- " + note + "\n")
		}
	}
	return trimTrailingSpace(b.String())
}
