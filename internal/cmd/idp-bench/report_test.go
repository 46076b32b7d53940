package main

import (
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

func TestSummarize(t *testing.T) {
	t.Parallel()
	got := summarize([]server.Count{
		{Method: "POST", Route: "/oauth/token", Status: 200, N: 1},
		{Method: "POST", Route: "/oauth/token", Status: 429, N: 2},
		{Method: "GET", Route: "/api/v2/resource-servers/{id}", Status: 200, N: 34},
		{Method: "GET", Route: "/api/v2/clients/{id}", Status: 200, N: 33},
		{Method: "GET", Route: "/api/v2/client-grants/{id}", Status: 200, N: 32},
		{Method: "GET", Route: "/api/v2/client-grants/{id}", Status: 503, N: 1},
		{Method: "GET", Route: "/api/v2/clients", Status: 200, N: 5}, // a list is not an item GET
		{Tenant: "t", Method: "POST", Route: "/api/v2/clients", Status: 201, N: 4},
	})
	want := requestSummary{Total: 112, Token: 3, ItemGETs: 100, TooMany: 2, ServerErrors: 1}
	if got != want {
		t.Errorf("summarize = %+v, want %+v", got, want)
	}
	if got := summarize(nil); got != (requestSummary{}) {
		t.Errorf("summarize(nil) = %+v", got)
	}
}

func TestRecorder(t *testing.T) {
	t.Parallel()
	var served int
	rec := newRecorder(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		served++
		w.WriteHeader(http.StatusTeapot)
	}))
	w := httptest.NewRecorder()
	rec.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/x", nil))
	if served != 1 || w.Code != http.StatusTeapot {
		t.Fatalf("the request did not reach the server unchanged: served %d, status %d", served, w.Code)
	}
	if n, _ := rec.snapshot(); n != 1 {
		t.Errorf("recorded %d requests, want 1", n)
	}

	// Arrivals out of order (concurrent handlers) still give the span.
	rec.reset()
	base := time.Unix(1000, 0)
	for _, ms := range []int{500, 0, 2000, 1000} {
		rec.note(base.Add(time.Duration(ms) * time.Millisecond))
	}
	n, span := rec.snapshot()
	if n != 4 || span != 2*time.Second {
		t.Errorf("snapshot = %d, %s; want 4, 2s", n, span)
	}
	rec.reset()
	if n, span := rec.snapshot(); n != 0 || span != 0 {
		t.Errorf("after reset: %d, %s", n, span)
	}
}

func TestAchievedRate(t *testing.T) {
	t.Parallel()
	// 101 requests paced at 50/s take 2s from the first to the last.
	if got := achievedRate(101, 2*time.Second); got != 50 {
		t.Errorf("achievedRate(101, 2s) = %v, want 50", got)
	}
	for _, tc := range []struct {
		n    int
		span time.Duration
	}{{0, 0}, {1, time.Second}, {5, 0}} {
		if got := achievedRate(tc.n, tc.span); got != 0 {
			t.Errorf("achievedRate(%d, %s) = %v, want 0 (cannot tell)", tc.n, tc.span, got)
		}
	}
}

// sampleReport is a report as a run with one failed rate-limited run would
// produce it.
func sampleReport() *report {
	ok := requestSummary{Total: 101, Token: 1, ItemGETs: 100}
	return &report{
		Terraform: "1.11.4", Platform: "linux/amd64", CPUs: 2, Parallelism: 10, RefreshCommand: refreshCommand, RefreshRuns: 5,
		Scale: []scaleResult{
			{
				N: 100, Mix: splitMix(100),
				IDP: runSet{
					Apply:   phaseResult{Seconds: 2, TerraformCPUSeconds: 0.5, ProviderCPUSeconds: 0.3, ServerCPUSeconds: 0.1},
					Refresh: phaseResult{Seconds: 0.6, TerraformCPUSeconds: 0.2, ProviderCPUSeconds: 0.12, ServerCPUSeconds: 0.02},
					Destroy: phaseResult{Seconds: 1},
				},
				Noop: &runSet{
					Apply:   phaseResult{Seconds: 1, ProviderCPUSeconds: 0.2},
					Refresh: phaseResult{Seconds: 0.3, ProviderCPUSeconds: 0.1},
					Destroy: phaseResult{Seconds: 0.5},
				},
				Floor: runSet{
					Apply:   phaseResult{Seconds: 0.5},
					Refresh: phaseResult{Seconds: 0.2},
					Destroy: phaseResult{Seconds: 0.25},
				},
				ApplyRequests: ok, RefreshRequests: ok,
				ProviderPeakRSSBytes: 30 << 20, ProviderProcesses: 7, FloorTerraformPeakRSSBytes: 70 << 20,
			},
			{
				N: 1000, Mix: splitMix(1000),
				IDP: runSet{
					Apply:   phaseResult{Seconds: 30},
					Refresh: phaseResult{Seconds: 3, ExitCode: 2},
					Destroy: phaseResult{Seconds: 20},
				},
				Floor: runSet{
					Apply:   phaseResult{Seconds: 15},
					Refresh: phaseResult{Seconds: 1},
					Destroy: phaseResult{Seconds: 10},
				},
				ApplyRequests: requestSummary{Total: 1001, Token: 1},
				// Two GETs too many, one of them a retried 429.
				RefreshRequests:      requestSummary{Total: 1003, Token: 1, ItemGETs: 1002, TooMany: 1},
				ProviderPeakRSSBytes: 100 << 20, ProviderProcesses: 7,
			},
		},
		Rate: &rateSection{
			Limit: 50, N: 100,
			Runs: []rateRun{
				{Run: 1, ApplySeconds: 2.8, RefreshSeconds: 2.2, RefreshRequests: ok, RequestSpanSeconds: 2, AchievedRate: 50},
				{Run: 2, Error: "terraform apply failed", ApplySeconds: 1, ApplyRequests: requestSummary{TooMany: 4}},
				{Run: 3, ApplySeconds: 2.8, RefreshSeconds: 2.0, RefreshRequests: ok, RequestSpanSeconds: 2, AchievedRate: 49},
			},
		},
	}
}

func TestReportFinish(t *testing.T) {
	t.Parallel()
	r := sampleReport()
	r.finish()
	s := r.Scale[0]
	if s.Apply.IDPOverFloor != 4 || !near(s.Refresh.IDPOverFloor, 3) || s.Destroy.IDPOverFloor != 4 ||
		s.RefreshGETsPerResource != 1 || s.RefreshReqsPerResource != 1 || s.ApplyReqsPerResource != 1 {
		t.Errorf("N=100 ratios: %+v", s)
	}
	if s.Apply.IDPOverNoop != 2 || s.Apply.NoopOverFloor != 2 || !near(s.Refresh.ProviderCPUIDPOverNoop, 1.2) ||
		!near(s.Apply.ProviderCPUIDPOverNoop, 1.5) {
		t.Errorf("N=100 against the no-op provider: %+v %+v", s.Apply, s.Refresh)
	}
	if s := r.Scale[1]; s.Apply.IDPOverNoop != 0 || s.Refresh.ProviderCPUIDPOverNoop != 0 {
		t.Errorf("N=1000 has no no-op run, but ratios against it: %+v", s.Refresh)
	}
	if r.ProviderPeakRSSBytes != 100<<20 {
		t.Errorf("peak RSS over the run = %d", r.ProviderPeakRSSBytes)
	}
	rs := r.Rate
	if rs.IdealSeconds != 2 || rs.Failed != 1 || rs.TooMany != 4 {
		t.Errorf("rate section: ideal %v, failed %d, 429s %d", rs.IdealSeconds, rs.Failed, rs.TooMany)
	}
	if !near(rs.MedianRefreshRatio, 1.05) || !near(rs.WorstRefreshRatio, 1.1) {
		t.Errorf("refresh ratios: median %v, worst %v (the failed run must not count)", rs.MedianRefreshRatio, rs.WorstRefreshRatio)
	}
	if !near(rs.MedianRateRatio, 0.99) {
		t.Errorf("median rate ratio %v", rs.MedianRateRatio)
	}
	if rs.UnlimitedRefreshSeconds != 0.6 {
		t.Errorf("the unlimited refresh of the same N: %v", rs.UnlimitedRefreshSeconds)
	}
	// finish is idempotent.
	r.finish()
	if r.Rate.Failed != 1 || r.Rate.TooMany != 4 {
		t.Errorf("a second finish counted again: %+v", r.Rate)
	}
}

func TestReportRender(t *testing.T) {
	t.Parallel()
	r := sampleReport()
	r.finish()
	out := r.render()
	for _, want := range []string{
		"idp-bench: Terraform 1.11.4, linux/amd64, 2 CPUs, -parallelism=10",
		"refresh = terraform plan -refresh-only -detailed-exitcode",
		"run 5 times; each refresh figure is the median of the runs",
		"N=100", "N=1000",
		"34/33/33", "334/333/333",
		"apply, idp / no-op / floor                   2.00s / 1.00s / 0.50s  30.0s / - / 15.0s",
		"apply idp/floor                              4.00x                  2.00x                <= 1.60x  MISS",
		"apply idp/no-op, no-op/floor                 2.00x, 2.00x           n/a, n/a",
		"apply: CPU ms/resource, idp (tf+prov+srv)    5.00+3.00+1.00=9.00",
		"refresh idp/floor                            3.00x                  3.00x                <= 2.00x  MISS",
		"refresh: CPU ms/resource, idp (tf+prov+srv)  2.00+1.20+0.20=3.40",
		"refresh: provider CPU, idp/no-op             1.20x                  n/a                  <= 1.20x  MISS",
		"destroy idp/floor                            4.00x                  2.00x",
		"refresh: -detailed-exitcode, idp/floor       0/0                    2/0                  0/0       MISS",
		"refresh: GETs per resource                   1.00                   1.00                 1         MISS",
		"refresh: token requests per provider config 1 1 1 ok",
		"429s + 5xx (apply and refresh)               0                      1                    0         MISS",
		"provider peak RSS                            30.0 MiB               100.0 MiB",
		"Peak provider memory over the run: 100.0 MiB",
		"2. Rate limit: 50 requests/s per tenant (burst 50), N=100, 3 runs; N / limit = 2.00s",
		"  2    FAILED",
		"50.0/s = 1.00x",
		"failed runs                 1 of 3",
		"MISS",
		"median 1.05x, worst 1.10x",
		"the same refresh, no limit  0.60s",
	} {
		// Column widths follow the longest label; compare words and order.
		if !strings.Contains(squeeze(out), squeeze(want)) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	for i, line := range strings.Split(out, "\n") {
		if strings.TrimRight(line, " \t") != line {
			t.Errorf("line %d has trailing white space: %q", i+1, line)
		}
	}

	// Without a rate-limited section, the report says nothing about it.
	r.Rate = nil
	if out := r.render(); strings.Contains(out, "2. Rate limit") {
		t.Errorf("a report without rate-limited runs shows the section:\n%s", out)
	}
}

// squeeze collapses runs of spaces, so that a comparison does not depend on
// the table's column widths.
func squeeze(s string) string {
	return regexp.MustCompile(` +`).ReplaceAllString(s, " ")
}

// near compares floats that went through a division.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestMedianPhase(t *testing.T) {
	t.Parallel()
	runs := []phaseResult{
		{Seconds: 3, TerraformCPUSeconds: 1, ProviderCPUSeconds: 9, ServerCPUSeconds: 0.2, ExitCode: 0},
		{Seconds: 1, TerraformCPUSeconds: 2, ProviderCPUSeconds: 1, ServerCPUSeconds: 0.1, ExitCode: 2},
		{Seconds: 2, TerraformCPUSeconds: 3, ProviderCPUSeconds: 2, ServerCPUSeconds: 0.3, ExitCode: 0},
	}
	want := phaseResult{Seconds: 2, TerraformCPUSeconds: 2, ProviderCPUSeconds: 2, ServerCPUSeconds: 0.2, ExitCode: 2}
	if got := medianPhase(runs); got != want {
		t.Errorf("odd: got %+v, want %+v", got, want)
	}
	// Of an even number, the mean of the middle two; one run is itself.
	if got := medianPhase(runs[:2]); got.Seconds != 2 || got.ProviderCPUSeconds != 5 || got.ExitCode != 2 {
		t.Errorf("even: got %+v", got)
	}
	if got := medianPhase(runs[:1]); got != runs[0] {
		t.Errorf("one: got %+v, want %+v", got, runs[0])
	}
}
