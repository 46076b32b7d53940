package main

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
)

// refreshCommand is how the harness refreshes: a refresh-only plan reads
// every resource like `terraform refresh` does but writes no state, so that
// every run refreshes the same state; -detailed-exitcode tells whether
// Terraform considers the refreshed state unchanged.
const refreshCommand = "terraform plan -refresh-only -detailed-exitcode"

// report is everything one run of the harness measured. It is rendered as
// text for people and marshalled as JSON for -out.
type report struct {
	Terraform      string `json:"terraform_version"`
	Platform       string `json:"platform"`
	CPUs           int    `json:"cpus"`
	Parallelism    int    `json:"parallelism"`
	RefreshCommand string `json:"refresh_command"`

	Scale []scaleResult `json:"scale"`
	Rate  *rateSection  `json:"rate_limited,omitempty"`

	// ProviderPeakRSSBytes is the largest peak RSS of any provider process
	// in the run.
	ProviderPeakRSSBytes int64 `json:"provider_peak_rss_bytes"`
}

// scaleResult is section 1 for one N: the idp configuration against its
// terraform_data floor on a server without a rate limit.
type scaleResult struct {
	N   int `json:"n"`
	Mix mix `json:"mix"`

	IDPApplySeconds     float64 `json:"idp_apply_seconds"`
	IDPRefreshSeconds   float64 `json:"idp_refresh_seconds"`
	FloorApplySeconds   float64 `json:"floor_apply_seconds"`
	FloorRefreshSeconds float64 `json:"floor_refresh_seconds"`

	// IDPRefreshExitCode and FloorRefreshExitCode are the refresh-only
	// plan's -detailed-exitcode: 0 when Terraform considers the refreshed
	// state unchanged, 2 when it does not (though it showed no drift,
	// which the harness checks).
	IDPRefreshExitCode   int `json:"idp_refresh_exit_code"`
	FloorRefreshExitCode int `json:"floor_refresh_exit_code"`

	ApplyRequests   requestSummary `json:"apply_requests"`
	RefreshRequests requestSummary `json:"refresh_requests"`

	// ProviderPeakRSSBytes is the largest peak RSS of the provider
	// processes of the apply and the refresh; ProviderProcesses counts them.
	ProviderPeakRSSBytes int64 `json:"provider_peak_rss_bytes"`
	ProviderProcesses    int   `json:"provider_processes"`
	// FloorTerraformPeakRSSBytes is Terraform's own peak RSS during the
	// floor's apply and refresh, for scale.
	FloorTerraformPeakRSSBytes int64 `json:"floor_terraform_peak_rss_bytes"`

	// Ratios, derived by finish.
	ApplyRatio             float64 `json:"apply_idp_over_floor"`
	RefreshRatio           float64 `json:"refresh_idp_over_floor"`
	RefreshGETsPerResource float64 `json:"refresh_gets_per_resource"`
	RefreshReqsPerResource float64 `json:"refresh_requests_per_resource"`
	ApplyReqsPerResource   float64 `json:"apply_requests_per_resource"`
}

// rateSection is section 2: repeated apply and refresh against a
// rate-limited server.
type rateSection struct {
	Limit int       `json:"limit_per_second"`
	N     int       `json:"n"`
	Runs  []rateRun `json:"runs"`

	// Derived by finish.
	IdealSeconds       float64 `json:"n_over_limit_seconds"`
	Failed             int     `json:"failed_runs"`
	TooMany            int64   `json:"status_429"`
	MedianRefreshRatio float64 `json:"median_refresh_over_n_over_limit"`
	WorstRefreshRatio  float64 `json:"worst_refresh_over_n_over_limit"`
	MedianRateRatio    float64 `json:"median_achieved_rate_over_limit"`
	// UnlimitedRefreshSeconds is section 1's refresh of the same N without
	// a rate limit, when section 1 measured that N: the part of the wall
	// time that is not pacing.
	UnlimitedRefreshSeconds float64 `json:"unlimited_refresh_seconds,omitempty"`
}

// rateRun is one apply and refresh against the rate-limited server.
type rateRun struct {
	Run   int    `json:"run"`
	Error string `json:"error,omitempty"`

	ApplySeconds    float64        `json:"apply_seconds"`
	RefreshSeconds  float64        `json:"refresh_seconds"`
	ApplyRequests   requestSummary `json:"apply_requests"`
	RefreshRequests requestSummary `json:"refresh_requests"`
	// RefreshExitCode is the refresh-only plan's -detailed-exitcode.
	RefreshExitCode int `json:"refresh_exit_code"`

	// RequestSpanSeconds is from the first to the last request of the
	// refresh as the server saw them arrive.
	RequestSpanSeconds float64 `json:"request_span_seconds"`
	// AchievedRate is the refresh's requests per second over that span.
	AchievedRate float64 `json:"achieved_requests_per_second"`

	// Derived by finish.
	RefreshRatio float64 `json:"refresh_over_n_over_limit"`
	RateRatio    float64 `json:"achieved_rate_over_limit"`
}

// finish derives the ratios and totals from the measurements.
func (r *report) finish() {
	r.ProviderPeakRSSBytes = 0
	for i := range r.Scale {
		s := &r.Scale[i]
		s.ApplyRatio = ratio(s.IDPApplySeconds, s.FloorApplySeconds)
		s.RefreshRatio = ratio(s.IDPRefreshSeconds, s.FloorRefreshSeconds)
		s.RefreshGETsPerResource = perResource(s.RefreshRequests.ItemGETs, s.N)
		s.RefreshReqsPerResource = perResource(s.RefreshRequests.Total-s.RefreshRequests.Token, s.N)
		s.ApplyReqsPerResource = perResource(s.ApplyRequests.Total-s.ApplyRequests.Token, s.N)
		r.ProviderPeakRSSBytes = max(r.ProviderPeakRSSBytes, s.ProviderPeakRSSBytes)
	}
	if r.Rate == nil {
		return
	}
	rs := r.Rate
	rs.IdealSeconds = ratio(float64(rs.N), float64(rs.Limit))
	rs.UnlimitedRefreshSeconds = 0
	for _, s := range r.Scale {
		if s.N == rs.N {
			rs.UnlimitedRefreshSeconds = s.IDPRefreshSeconds
		}
	}
	rs.Failed, rs.TooMany = 0, 0
	var refreshRatios, rateRatios []float64
	for i := range rs.Runs {
		run := &rs.Runs[i]
		rs.TooMany += run.ApplyRequests.TooMany + run.RefreshRequests.TooMany
		if run.Error != "" {
			rs.Failed++
			continue
		}
		run.RefreshRatio = ratio(run.RefreshSeconds, rs.IdealSeconds)
		run.RateRatio = ratio(run.AchievedRate, float64(rs.Limit))
		refreshRatios = append(refreshRatios, run.RefreshRatio)
		if run.RateRatio > 0 {
			rateRatios = append(rateRatios, run.RateRatio)
		}
	}
	rs.MedianRefreshRatio = median(refreshRatios)
	rs.MedianRateRatio = median(rateRatios)
	rs.WorstRefreshRatio = 0
	for _, v := range refreshRatios {
		rs.WorstRefreshRatio = max(rs.WorstRefreshRatio, v)
	}
}

// ratio is a/b, 0 when b is 0 (rendered "n/a").
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// median is the middle value (the mean of the middle two for an even
// count), 0 for none.
func median(values []float64) float64 {
	if len(values) == 0 {
		return 0
	}
	v := slices.Clone(values)
	slices.Sort(v)
	mid := len(v) / 2
	if len(v)%2 == 1 {
		return v[mid]
	}
	return (v[mid-1] + v[mid]) / 2
}

// formatRatio renders a ratio as "2.05x", or "n/a" when it could not be
// taken.
func formatRatio(r float64) string {
	if r == 0 || math.IsNaN(r) || math.IsInf(r, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.2fx", r)
}

// formatSeconds renders a wall time with a precision that suits it.
func formatSeconds(s float64) string {
	if s < 10 {
		return fmt.Sprintf("%.2fs", s)
	}
	return fmt.Sprintf("%.1fs", s)
}

// formatMiB renders a byte count in MiB, "n/a" for 0 (not measured).
func formatMiB(b int64) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}

// formatPer renders a per-resource count.
func formatPer(v float64) string {
	return fmt.Sprintf("%.2f", v)
}

// check renders whether a measured value meets an exact target.
func check(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISS"
}

// render is the human-readable report.
func (r *report) render() string {
	var b strings.Builder
	fmt.Fprintf(&b, "idp-bench: Terraform %s, %s, %d CPUs, -parallelism=%d\n", r.Terraform, r.Platform, r.CPUs, r.Parallelism)
	b.WriteString("  floor   = the same number of built-in terraform_data resources, same dependency graph, no plugin\n")
	fmt.Fprintf(&b, "  refresh = %s right after the apply: it must show no drift;\n", r.RefreshCommand)
	b.WriteString("            its exit code (0 = Terraform sees the refreshed state as unchanged) is reported\n")
	b.WriteString("  times are wall clock of the whole terraform command, plugin start-up included\n")

	if len(r.Scale) > 0 {
		b.WriteString("\n1. Scale: N mixed resources (APIs with a scope, clients, grants linking client i to API i),\n")
		b.WriteString("   in-process server without a rate limit\n\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		header := []string{"  "}
		for _, s := range r.Scale {
			header = append(header, fmt.Sprintf("N=%d", s.N))
		}
		header = append(header, "target", "")
		fmt.Fprintln(tw, strings.Join(header, "\t"))
		row := func(label, target string, value func(s scaleResult) string, ok func(s scaleResult) bool) {
			cells := []string{"  " + label}
			all := true
			for _, s := range r.Scale {
				cells = append(cells, value(s))
				if ok != nil && !ok(s) {
					all = false
				}
			}
			verdict := ""
			if ok != nil {
				verdict = check(all)
			}
			cells = append(cells, target, verdict)
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		row("resources (APIs/clients/grants)", "", func(s scaleResult) string {
			return fmt.Sprintf("%d/%d/%d", s.Mix.APIs, s.Mix.Clients, s.Mix.Grants)
		}, nil)
		row("apply, idp", "", func(s scaleResult) string { return formatSeconds(s.IDPApplySeconds) }, nil)
		row("apply, floor", "", func(s scaleResult) string { return formatSeconds(s.FloorApplySeconds) }, nil)
		row("apply idp/floor", "", func(s scaleResult) string { return formatRatio(s.ApplyRatio) }, nil)
		row("refresh, idp", "", func(s scaleResult) string { return formatSeconds(s.IDPRefreshSeconds) }, nil)
		row("refresh, floor", "", func(s scaleResult) string { return formatSeconds(s.FloorRefreshSeconds) }, nil)
		row("refresh idp/floor", "", func(s scaleResult) string { return formatRatio(s.RefreshRatio) }, nil)
		row("refresh: -detailed-exitcode, idp/floor", "0/0", func(s scaleResult) string {
			return fmt.Sprintf("%d/%d", s.IDPRefreshExitCode, s.FloorRefreshExitCode)
		}, func(s scaleResult) bool { return s.IDPRefreshExitCode == 0 && s.FloorRefreshExitCode == 0 })
		row("refresh: GETs per resource", "1", func(s scaleResult) string { return formatPer(s.RefreshGETsPerResource) },
			func(s scaleResult) bool { return s.RefreshRequests.ItemGETs == int64(s.N) })
		row("refresh: API requests per resource", "1", func(s scaleResult) string { return formatPer(s.RefreshReqsPerResource) },
			func(s scaleResult) bool { return s.RefreshRequests.Total-s.RefreshRequests.Token == int64(s.N) })
		row("refresh: token requests per provider config", "1", func(s scaleResult) string {
			return fmt.Sprint(s.RefreshRequests.Token)
		}, func(s scaleResult) bool { return s.RefreshRequests.Token == 1 })
		row("apply: API requests per resource", "", func(s scaleResult) string { return formatPer(s.ApplyReqsPerResource) }, nil)
		row("apply: token requests per provider config", "1", func(s scaleResult) string {
			return fmt.Sprint(s.ApplyRequests.Token)
		}, func(s scaleResult) bool { return s.ApplyRequests.Token == 1 })
		row("429s + 5xx (apply and refresh)", "0", func(s scaleResult) string {
			return fmt.Sprint(s.ApplyRequests.TooMany + s.ApplyRequests.ServerErrors + s.RefreshRequests.TooMany + s.RefreshRequests.ServerErrors)
		}, func(s scaleResult) bool {
			return s.ApplyRequests.TooMany+s.ApplyRequests.ServerErrors+s.RefreshRequests.TooMany+s.RefreshRequests.ServerErrors == 0
		})
		row("provider peak RSS", "", func(s scaleResult) string { return formatMiB(s.ProviderPeakRSSBytes) }, nil)
		row("provider processes (apply + refresh)", "", func(s scaleResult) string { return fmt.Sprint(s.ProviderProcesses) }, nil)
		row("terraform peak RSS, floor (for scale)", "", func(s scaleResult) string { return formatMiB(s.FloorTerraformPeakRSSBytes) }, nil)
		_ = tw.Flush()
		fmt.Fprintf(&b, "\n  Peak provider memory over the run: %s\n", formatMiB(r.ProviderPeakRSSBytes))
	}

	if rs := r.Rate; rs != nil {
		fmt.Fprintf(&b, "\n2. Rate limit: %d requests/s per tenant (burst %d), N=%d, %d runs; N / limit = %s\n\n",
			rs.Limit, rs.Limit, rs.N, len(rs.Runs), formatSeconds(rs.IdealSeconds))
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  run\tresult\tapply\trefresh\t429s apply/refresh\trefresh requests\trefresh / (N/limit)\tserver-side rate / limit")
		for _, run := range rs.Runs {
			result, refreshRatio, rate := "ok", formatRatio(run.RefreshRatio), "n/a"
			if run.AchievedRate > 0 {
				rate = fmt.Sprintf("%.1f/s = %s", run.AchievedRate, formatRatio(run.RateRatio))
			}
			if run.Error != "" {
				result, refreshRatio, rate = "FAILED", "-", "-"
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%d/%d\t%d\t%s\t%s\n", run.Run, result,
				formatSeconds(run.ApplySeconds), formatSeconds(run.RefreshSeconds),
				run.ApplyRequests.TooMany, run.RefreshRequests.TooMany, run.RefreshRequests.Total, refreshRatio, rate)
		}
		_ = tw.Flush()
		b.WriteString("\n")
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  failed runs\t%d of %d\ttarget 0\t%s\n", rs.Failed, len(rs.Runs), check(rs.Failed == 0))
		fmt.Fprintf(tw, "  429s on the wire\t%d\t\t\n", rs.TooMany)
		fmt.Fprintf(tw, "  refresh / (N/limit)\tmedian %s, worst %s\ttarget: a few percent above 1.00x\t\n",
			formatRatio(rs.MedianRefreshRatio), formatRatio(rs.WorstRefreshRatio))
		fmt.Fprintf(tw, "  server-side rate / limit\tmedian %s\t\t\n", formatRatio(rs.MedianRateRatio))
		if rs.UnlimitedRefreshSeconds > 0 {
			fmt.Fprintf(tw, "  the same refresh, no limit\t%s\t(section 1: Terraform's and the plugin's own time)\t\n",
				formatSeconds(rs.UnlimitedRefreshSeconds))
		}
		_ = tw.Flush()
		b.WriteString("  (server-side rate: the refresh's requests, token included, over the time from the first to\n")
		b.WriteString("   the last arriving, so without Terraform's own start-up and shutdown; above 1.00x means the\n")
		b.WriteString("   bucket's initial burst was used)\n")
	}

	b.WriteString("\n3. Server throughput (token issuance, management reads): not measured here; run\n")
	b.WriteString("   go test -run '^$' -bench . ./internal/server\n")
	return trimTrailingSpace(b.String())
}

// trimTrailingSpace removes the padding tabwriter leaves at the end of
// lines, so that the report can be pasted and diffed cleanly.
func trimTrailingSpace(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// marshal is the report as indented JSON.
func (r *report) marshal() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
