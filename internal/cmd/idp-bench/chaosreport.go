package main

import (
	"fmt"
	"strings"
)

// chaosReport is rendered as Markdown and, with -out, written as JSON.
type chaosReport struct {
	Terraform   string `json:"terraform_version"`
	Platform    string `json:"platform"`
	CPUs        int    `json:"cpus"`
	Parallelism int    `json:"parallelism"`

	N              int         `json:"n"`
	Mix            mix         `json:"mix"`
	Faults         chaosFaults `json:"faults"`
	PlanSeedOffset int64       `json:"plan_seed_offset"`

	Runs []chaosRun `json:"runs"`

	// Derived by finish.
	SeedsMet        int         `json:"seeds_meeting_target"`
	ApplyOK         int         `json:"seeds_apply_exit_0"`
	NoOrphans       int         `json:"seeds_without_orphans"`
	NothingLost     int         `json:"seeds_without_lost"`
	EmptyPlans      int         `json:"seeds_with_empty_plan"`
	HarnessFails    int         `json:"seeds_harness_failed"`
	TargetMet       bool        `json:"target_met"`
	ApplyErrorKinds []kindCount `json:"apply_error_kinds"`
}

type chaosFaults struct {
	Rate429         float64 `json:"rate_429"`
	Rate503         float64 `json:"rate_503"`
	DropAfterCommit float64 `json:"drop_after_commit"`
}

type chaosRun struct {
	Seed int64 `json:"seed"`
	// Error is the harness's failure, past which nothing was measured.
	Error string `json:"harness_error,omitempty"`

	// ApplyExitCode is the first apply's; -1 when it did not give one.
	ApplyExitCode   int            `json:"apply_exit_code"`
	ApplyTimedOut   bool           `json:"apply_timed_out,omitempty"`
	ApplySeconds    float64        `json:"apply_seconds"`
	ApplyErrors     int            `json:"apply_error_diagnostics"`
	ApplyErrorKinds []kindCount    `json:"apply_error_kinds,omitempty"`
	ApplyRequests   requestSummary `json:"apply_requests"`

	Inspected bool        `json:"inspected"`
	InState   int         `json:"objects_in_state"`
	Orphans   []objectRef `json:"orphans"`
	Lost      []objectRef `json:"lost"`

	PlanRan        bool         `json:"plan_ran"` // it gave an exit code
	PlanExitCode   int          `json:"plan_exit_code"`
	PlanErrors     int          `json:"plan_error_diagnostics"`
	PlanErrorKinds []kindCount  `json:"plan_error_kinds,omitempty"`
	PlanChanges    *planChanges `json:"plan_changes,omitempty"`

	Notes []string `json:"notes,omitempty"`

	Met bool `json:"target_met"`
}

func (r chaosRun) planEmpty() string {
	switch {
	case !r.PlanRan:
		return "-"
	case r.PlanExitCode == 0:
		return "yes"
	case r.PlanExitCode == 2:
		if c := r.PlanChanges; c != nil {
			return fmt.Sprintf("no (+%d ~%d -%d)", c.Add, c.Change, c.Remove)
		}
		return "no"
	}
	return fmt.Sprintf("failed (exit %d, %s)", r.PlanExitCode, plural(r.PlanErrors, "error"))
}

func (r *chaosReport) finish() {
	r.SeedsMet, r.ApplyOK, r.NoOrphans, r.NothingLost, r.EmptyPlans, r.HarnessFails = 0, 0, 0, 0, 0, 0
	var kinds [][]kindCount
	for i := range r.Runs {
		run := &r.Runs[i]
		applyOK := run.ApplyExitCode == 0 && !run.ApplyTimedOut
		noOrphans := run.Inspected && len(run.Orphans) == 0
		nothingLost := run.Inspected && len(run.Lost) == 0
		emptyPlan := run.PlanRan && run.PlanExitCode == 0
		run.Met = run.Error == "" && applyOK && noOrphans && nothingLost && emptyPlan
		for _, c := range []struct {
			ok bool
			n  *int
		}{{applyOK, &r.ApplyOK}, {noOrphans, &r.NoOrphans}, {nothingLost, &r.NothingLost}, {emptyPlan, &r.EmptyPlans}, {run.Met, &r.SeedsMet}, {run.Error != "", &r.HarnessFails}} {
			if c.ok {
				*c.n++
			}
		}
		kinds = append(kinds, run.ApplyErrorKinds)
	}
	r.ApplyErrorKinds = mergeKinds(kinds...)
	r.TargetMet = len(r.Runs) > 0 && r.SeedsMet == len(r.Runs)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func percent(v float64) string {
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", v*100), "0"), ".") + " %"
}

func mdCell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

const maxErrorKinds = 12

// render is Markdown that can be pasted into BENCHMARKS.md as it is.
func (r *chaosReport) render() string {
	var b strings.Builder
	fmt.Fprintf(&b, "idp-bench -chaos: Terraform %s, %s, %d CPUs, -parallelism=%d\n\n", r.Terraform, r.Platform, r.CPUs, r.Parallelism)
	fmt.Fprintf(&b, "N=%d mixed resources (%d APIs, %d clients, %d grants); per seed a fresh in-process server and work dir,\n",
		r.N, r.Mix.APIs, r.Mix.Clients, r.Mix.Grants)
	b.WriteString("default provider settings. Faults: " + percent(r.Faults.Rate429) + " of requests 429, " +
		percent(r.Faults.Rate503) + " 503, " + percent(r.Faults.DropAfterCommit) + " of writes committed and then dropped.\n\n")
	b.WriteString("1. `terraform apply -json` under faults, fault RNG seeded with the seed\n")
	b.WriteString("2. faults off: the server's objects (Management API, as the admin) against the state's (`terraform show -json`)\n")
	fmt.Fprintf(&b, "3. faults on, RNG reseeded with seed+%d: `terraform plan -json -detailed-exitcode`\n", r.PlanSeedOffset)
	b.WriteString("4. faults off: `terraform destroy` (cleanup)\n\n")

	b.WriteString("| seed | apply exit | error diagnostics | orphans | lost | plan empty | apply wall | 429s / 5xx sent during apply |\n")
	b.WriteString("|---:|---:|---:|---|---|---|---:|---:|\n")
	for _, run := range r.Runs {
		exit := fmt.Sprint(run.ApplyExitCode)
		if run.ApplyTimedOut {
			exit = "timed out"
		}
		orphans, lost := "-", "-"
		if run.Inspected {
			orphans, lost = countByKind(run.Orphans), countByKind(run.Lost)
		}
		fmt.Fprintf(&b, "| %d | %s | %d | %s | %s | %s | %s | %d / %d |\n", run.Seed, exit, run.ApplyErrors, orphans, lost,
			run.planEmpty(), formatSeconds(run.ApplySeconds), run.ApplyRequests.TooMany, run.ApplyRequests.ServerErrors)
	}

	n := len(r.Runs)
	fmt.Fprintf(&b, "\nTarget: every seed's first apply exits 0, 0 orphans, 0 lost, empty plan: %s (%d of %d seeds)\n",
		check(r.TargetMet), r.SeedsMet, n)
	fmt.Fprintf(&b, "  apply exit 0: %d of %d; no orphans: %d of %d; nothing lost: %d of %d; empty plan: %d of %d\n",
		r.ApplyOK, n, r.NoOrphans, n, r.NothingLost, n, r.EmptyPlans, n)

	if len(r.ApplyErrorKinds) > 0 {
		b.WriteString("\nError diagnostics of the first applies by summary and cause, all seeds:\n\n")
		b.WriteString("| count | diagnostic |\n|---:|---|\n")
		for i, k := range r.ApplyErrorKinds {
			if i == maxErrorKinds {
				rest := 0
				for _, k := range r.ApplyErrorKinds[i:] {
					rest += k.Count
				}
				fmt.Fprintf(&b, "| %d | (%d other kinds) |\n", rest, len(r.ApplyErrorKinds)-i)
				break
			}
			fmt.Fprintf(&b, "| %d | %s |\n", k.Count, mdCell(k.Kind))
		}
	}

	var notes []string
	for _, run := range r.Runs {
		if run.Error != "" {
			first, _, _ := strings.Cut(run.Error, "\n")
			notes = append(notes, fmt.Sprintf("seed %d: HARNESS FAILURE, not measured past it: %s", run.Seed, first))
		}
		for _, k := range run.PlanErrorKinds {
			notes = append(notes, fmt.Sprintf("seed %d: the plan under faults failed: %d × %s", run.Seed, k.Count, k.Kind))
		}
		for _, note := range run.Notes {
			notes = append(notes, fmt.Sprintf("seed %d: %s", run.Seed, note))
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
