package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/devtf"
	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// TestMain lets the test binary serve as the provider wrapper the harness
// installs (a copy of the running program), as main does.
func TestMain(m *testing.M) {
	if code, ok := devtf.RunAsWrapper(); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func TestKillAt(t *testing.T) {
	t.Parallel()
	for i, p := range defaultKillPoints {
		for seed := range int64(20) {
			k := killAt(p, 201, seed, i)
			center := int(p.Fraction*201 + 0.5)
			if k < center-20 || k > center+20 || k < 1 || k > 200 {
				t.Errorf("%s, seed %d: kill at create %d, want within 20 of %d", p.Name, seed, k, center)
			}
			if again := killAt(p, 201, seed, i); again != k {
				t.Errorf("%s, seed %d: %d then %d: not reproducible", p.Name, seed, k, again)
			}
		}
	}
	// Small runs stay within [1, n-1].
	if k := killAt(killPoint{"first", 0}, 6, 1, 0); k != 1 {
		t.Errorf("kill at %d of 6 for fraction 0, want 1", k)
	}
	if k := killAt(killPoint{"last", 1}, 6, 1, 0); k != 5 {
		t.Errorf("kill at %d of 6 for fraction 1, want 5", k)
	}
}

// The switch fires at the at-th committed create, holds that create's
// answer until the harness says Terraform is dead, and passes everything
// else through.
func TestKillSwitch(t *testing.T) {
	t.Parallel()
	server := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Seen", r.URL.Path)
		switch {
		case r.URL.Query().Get("refuse") != "":
			w.WriteHeader(http.StatusConflict)
		case r.Method == http.MethodPost:
			w.WriteHeader(http.StatusCreated)
		}
		_, _ = w.Write([]byte(`{}`))
	})
	sw := newKillSwitch(server, 2)
	ts := httptest.NewServer(sw)
	t.Cleanup(ts.Close)
	post := func(path string) *http.Response {
		t.Helper()
		resp, err := http.Post(ts.URL+path, "application/json", strings.NewReader(`{}`)) //nolint:noctx // a test
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	post("/api/v2/clients/abc/rotate-secret") // not a create
	post("/api/v2/clients?refuse=1")          // refused: nothing committed
	if r := post("/api/v2/clients"); r.StatusCode != http.StatusCreated || r.Header.Get("X-Seen") != "/api/v2/clients" {
		t.Errorf("first create answered %d %v", r.StatusCode, r.Header)
	}
	select {
	case <-sw.fire:
		t.Fatal("fired before the second create")
	default:
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var second *http.Response
	go func() {
		defer wg.Done()
		second = post("/api/v2/client-grants")
	}()
	<-sw.fire
	close(sw.dead)
	wg.Wait()
	if second.StatusCode != http.StatusCreated || sw.count() != 2 {
		t.Errorf("second create: %d, %d creates counted", second.StatusCode, sw.count())
	}
	post("/api/v2/resource-servers") // after the kill: counted, fires no more
	if sw.count() != 3 {
		t.Errorf("creates counted = %d, want 3", sw.count())
	}
	// The seed flow's creates count; an organization's connection link does not.
	for _, path := range []string{"/api/v2/tenants", "/api/v2/connections", "/api/v2/organizations", "/api/v2/organizations/org_1/enabled_connections"} {
		post(path)
	}
	if sw.count() != 6 {
		t.Errorf("creates counted = %d, want 6", sw.count())
	}
}

func TestDuplicates(t *testing.T) {
	t.Parallel()
	orphans := []objectRef{{kindClient, "dup"}, {kindClient, "stray"}, {kindResourceServer, "api"}, {kindClientGrant, "g"}}
	serverNames := map[string]string{"dup": "worker", "stray": "nobody's", "kept": "worker"}
	if n := duplicates(orphans, serverNames, map[string]bool{"worker": true}); n != 1 {
		t.Errorf("duplicates = %d, want 1 (the orphaned client named like one in the state)", n)
	}
	names, err := stateClientNames([]byte(`{"values":{"root_module":{"resources":[
    {"address":"idp_client.a","mode":"managed","type":"idp_client","values":{"client_id":"c1","name":"worker"}},
    {"address":"idp_resource_server.a","mode":"managed","type":"idp_resource_server","values":{"id":"r","name":"api"}}
  ],"child_modules":[{"resources":[
    {"address":"module.m.idp_client.b","mode":"managed","type":"idp_client","values":{"client_id":"c2","name":"other"}}
  ]}]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(names)); !slices.Equal(got, []string{"other", "worker"}) {
		t.Errorf("state client names = %v", got)
	}
}

func TestParseFlags_kill(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	o, err := parseFlags([]string{"-kill"}, &stderr)
	if err != nil {
		t.Fatal(err, stderr.String())
	}
	if !o.kill || o.killN != 201 || o.killRate != 20 || !slices.Equal(o.chaosSeeds, []int64{1, 2}) || !slices.Equal(o.killPoints, defaultKillPoints) ||
		!o.killSeedTypes || o.killMix() != seedMix(201) {
		t.Errorf("kill defaults: %+v", o)
	}
	o, err = parseFlags([]string{"-kill", "-kill-seed-types=false", "-kill-n", "6"}, &stderr)
	if err != nil || o.killSeedTypes || o.killMix() != splitMix(6) {
		t.Errorf("-kill-seed-types=false: %+v, %v", o, err)
	}
	o, err = parseFlags([]string{"-kill", "-chaos-seeds", "3", "-kill-n", "30", "-kill-rate", "0", "-kill-points", "late,early"}, &stderr)
	if err != nil || o.killN != 30 || o.killRate != 0 || !slices.Equal(o.chaosSeeds, []int64{3}) ||
		!slices.Equal(o.killPoints, []killPoint{defaultKillPoints[0], defaultKillPoints[2]}) {
		t.Errorf("kill flags: %+v, %v", o, err)
	}
	for _, args := range [][]string{{"-kill", "-chaos"}, {"-kill", "-chaos-429", "0.1"}, {"-kill", "-n", "10"}, {"-kill", "-kill-n", "11"}, {"-kill", "-kill-seed-types=false", "-kill-n", "5"}, {"-kill", "-kill-rate", "-1"}, {"-kill", "-kill-points", "soon"}} {
		stderr.Reset()
		if _, err := parseFlags(args, &stderr); err == nil {
			t.Errorf("parseFlags(%q) accepted it", args)
		}
	}
}

func TestKillReport(t *testing.T) {
	t.Parallel()
	clean := killRun{Seed: 1, Point: "early", KillAt: 30, Killed: true, LeftAfterKill: []objectRef{{kindClient, "c"}},
		Inspected: true, Orphans: []objectRef{}, Lost: []objectRef{}, PlanRan: true}
	failed := killRun{Seed: 1, Point: "late", KillAt: 170, Killed: true, ApplyExitCode: 1, ApplyErrors: 1,
		ApplyErrorKinds: []kindCount{{Kind: "Unable to Create Resource Server (409 Conflict)", Count: 1}},
		Inspected:       true, Orphans: []objectRef{{kindResourceServer, "api"}}, Lost: []objectRef{}, PlanRan: true, PlanExitCode: 2,
		PlanChanges: &planChanges{Add: 2},
		Recovery:    &recoveryRun{Orphans: []objectRef{}, Lost: []objectRef{}, PlanRan: true}}
	r := &killReport{N: 201, Mix: seedMix(201), RateLimit: 20, Runs: []killRun{clean, failed}}
	r.finish()
	if r.RunsMet != 1 || r.TargetMet || !r.Runs[0].Met || r.Runs[1].Met || r.recovered() != 1 {
		t.Errorf("finish: met %d, target %v, recovered %d", r.RunsMet, r.TargetMet, r.recovered())
	}
	out := r.render()
	for _, want := range []string{
		"N=201 mixed resources (34 APIs, 34 clients, 33 grants, 33 tenants, 34 connections, 33 organizations, each with its idp_organization_connections);",
		"| 1 | early | 30 | 1 (1 client) | 0 | 0 | 0 | 0 | 0 | yes | - |",
		"| 1 | late | 170 | 0 | 1 | 1 | 1 (1 resource_server) | 0 | 0 | no (+2 ~0 -0) | exit 0, 0 errors, orphans 0, duplicates 0, lost 0, plan empty yes |",
		"MISS (1 of 2 runs)", "Of the others, 1 met it after the one-step recovery (5).",
		"| 1 | Unable to Create Resource Server (409 Conflict) |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("render lacks %q:\n%s", want, out)
		}
	}
}

// The kill path end to end on a few objects: the apply is killed with the
// state four creates behind, and after the next apply (or the recovery its
// errors name) the server and the state agree and the plan is empty.
func TestAccKill_smoke(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs the Terraform CLI; acceptance tests are skipped unless TF_ACC is set")
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatalf("no terraform on PATH: %v", err)
	}
	bin := t.TempDir()
	build := exec.CommandContext(t.Context(), "go", "build", "-o", filepath.Join(bin, devtf.ProviderFile()), "github.com/idp-terraform/terraform-provider-idp")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Setenv("TMPDIR", t.TempDir())
	out := filepath.Join(t.TempDir(), "kill.json")
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"-provider-dir", bin, "-kill", "-kill-n", "12", "-kill-rate", "0", "-chaos-seeds", "1",
		"-kill-points", "middle", "-kill-lost", "4", "-out", out},
		&stdout, &stderr); code != exitOK {
		t.Fatalf("exit code %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep killReport
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 1 {
		t.Fatalf("%d runs, want one", len(rep.Runs))
	}
	for _, run := range rep.Runs {
		if !run.Killed || run.CreatesAtKill < run.KillAt {
			t.Errorf("%s: killed %v after %d creates, want a kill at %d", run.Point, run.Killed, run.CreatesAtKill, run.KillAt)
		}
		rec := run.Recovery
		recovered := rec != nil && rec.ExitCode == 0 && len(rec.Orphans) == 0 && rec.PlanExitCode == 0
		if !run.Met && !recovered {
			t.Errorf("%s: neither the next apply nor the recovery converged:\n%s", run.Point, stdout.String())
		}
	}
}

func TestStateSnapshot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "terraform.tfstate")
	s := &stateSnapshot{dir: dir}
	s.take() // no state yet
	if err := os.WriteFile(state, []byte(`{"serial":2}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.restore(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("a snapshot of no state restored to a state file: %v", err)
	}
	if err := os.WriteFile(state, []byte(`{"serial":3}`), 0o600); err != nil {
		t.Fatal(err)
	}
	s.take()
	if err := os.WriteFile(state, []byte(`{"serial":9}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.restore(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(state); string(got) != `{"serial":3}` {
		t.Errorf("restored %s, want the snapshot", got)
	}
}

// The inspection lists the seed flow's objects too: the tenants (from the
// root), the connections, the organizations and their connection links,
// and what a fresh server holds is the baseline, never an orphan.
func TestListServerObjects(t *testing.T) {
	t.Parallel()
	srv, err := server.New(server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	c, err := mgmt.New(mgmt.Config{Domain: hs.URL, ClientID: srv.AdminClientID(), ClientSecret: srv.AdminClientSecret()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	baseline, err := listServerObjects(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	name := func(s string) *string { return &s }
	tenant, err := c.CreateTenant(ctx, &mgmt.Tenant{Name: name("kill1-tenant-0")})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := c.CreateConnection(ctx, &mgmt.Connection{Name: name("kill1-connection-0"), Strategy: name("auth0")})
	if err != nil {
		t.Fatal(err)
	}
	org, err := c.CreateOrganization(ctx, &mgmt.Organization{Name: name("kill1-org-0")})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddOrganizationConnection(ctx, *org.ID, mgmt.OrganizationConnection{ConnectionID: *conn.ID}); err != nil {
		t.Fatal(err)
	}
	onServer, err := listServerObjects(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	orphans, lost := diffObjects(nil, onServer, baseline)
	want := []objectRef{
		{kindConnection, *conn.ID}, {kindOrganization, *org.ID},
		{kindOrgConnection, *org.ID + "/" + *conn.ID}, {kindTenant, *tenant.ID},
	}
	if !slices.Equal(orphans, want) || len(lost) != 0 {
		t.Errorf("orphans %v, lost %v; want orphans %v", orphans, lost, want)
	}
	// In the state, they are neither orphans nor lost.
	if orphans, lost := diffObjects(want, onServer, baseline); len(orphans)+len(lost) != 0 {
		t.Errorf("with the state holding them: orphans %v, lost %v", orphans, lost)
	}
}

func TestStateFileNote(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if note := stateFileNote(dir); !strings.Contains(note, "no state file") {
		t.Errorf("no state file: %q", note)
	}
	state := filepath.Join(dir, "terraform.tfstate")
	if err := os.WriteFile(state, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if note := stateFileNote(dir); !strings.Contains(note, "an empty state file") {
		t.Errorf("an empty state file: %q", note)
	}
	if err := os.WriteFile(state, []byte(`{"serial":3}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if note := stateFileNote(dir); note != "" {
		t.Errorf("a state file: %q", note)
	}
}
