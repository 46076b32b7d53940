package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
)

// applyJSON is a failed `terraform apply -json` as Terraform 1.11 writes
// it, shortened, with a warning that must not count and a line of standard
// error that is not JSON.
const applyJSON = `{"@level":"info","@message":"Terraform 1.11.4","@module":"terraform.ui","terraform":"1.11.4","type":"version","ui":"1.2"}
{"@level":"warn","@message":"Warning: Provider development overrides are in effect","@module":"terraform.ui","diagnostic":{"severity":"warning","summary":"Provider development overrides are in effect","detail":"The following provider development overrides are set in the CLI configuration:\n - idp-terraform/idp in /tmp/w"},"type":"diagnostic"}
{"@level":"info","@message":"Plan: 8 to add, 0 to change, 0 to destroy.","@module":"terraform.ui","changes":{"add":8,"change":0,"import":0,"remove":0,"operation":"plan"},"type":"change_summary"}
{"@level":"error","@message":"Error: Unable to Create Client","@module":"terraform.ui","diagnostic":{"severity":"error","summary":"Unable to Create Client","detail":"The server answered 503 Service Unavailable (temporarily_unavailable): \"The service is temporarily unavailable.\". The server kept failing.","address":"idp_client.c[5]","range":{"filename":"main.tf","start":{"line":6,"column":1,"byte":80}}},"type":"diagnostic"}
{"@level":"error","@message":"Error: Unable to Create Client","@module":"terraform.ui","diagnostic":{"severity":"error","summary":"Unable to Create Client","detail":"The server answered 503 Service Unavailable (temporarily_unavailable): \"Try later.\".","address":"idp_client.c[6]"},"type":"diagnostic"}
{"@level":"error","@message":"Error: Unable to Create Resource Server","@module":"terraform.ui","diagnostic":{"severity":"error","summary":"Unable to Create Resource Server","detail":"The request failed: POST \"http://127.0.0.1:41234/api/v2/resource-servers\": EOF (the connection failed after the request was sent, so it was not retried: it may have taken effect). Check that the domain is reachable.","address":"idp_resource_server.api_3"},"type":"diagnostic"}
panic: not JSON, from standard error
{"@level":"error","@message":"Error: Invalid provider configuration","@module":"terraform.ui","diagnostic":{"severity":"error","summary":"Invalid provider configuration","detail":""},"type":"diagnostic"}
{"@level":"info","@message":"Apply complete! Resources: 5 added, 0 changed, 0 destroyed.","@module":"terraform.ui","changes":{"add":5,"change":0,"import":0,"remove":0,"operation":"apply"},"type":"change_summary"}
`

func TestReadUI(t *testing.T) {
	t.Parallel()
	ui := readUI([]byte(applyJSON))
	if ui.plan == nil || *ui.plan != (planChanges{Add: 8}) {
		t.Errorf("the plan's change summary: %+v", ui.plan)
	}
	const client503 = "Unable to Create Client (503 Service Unavailable)"
	want := []kindCount{{client503, 2}, {"Invalid provider configuration", 1}, {"Unable to Create Resource Server", 1}}
	if got := countKinds(ui.errors); !slices.Equal(got, want) {
		t.Errorf("countKinds = %+v\nwant %+v", got, want)
	}
	if got := mergeKinds(want, nil, []kindCount{{client503, 1}, {"other", 5}}); got[0] != (kindCount{"other", 5}) || got[1] != (kindCount{client503, 3}) {
		t.Errorf("mergeKinds = %+v", got)
	}
	if ui := readUI([]byte("{\"type\":\"version\"}\n")); ui.errors != nil || ui.plan != nil {
		t.Errorf("readUI of a version line = %+v", ui)
	}
}

// showJSON is `terraform show -json` of a state with one object of each
// kind, a data source and a module.
const showJSON = `{"format_version":"1.0","terraform_version":"1.11.4","values":{"root_module":{
  "resources":[
    {"address":"idp_resource_server.api_0","mode":"managed","type":"idp_resource_server","name":"api_0",
     "values":{"id":"rs1","identifier":"https://x/api/0/","name":"Bench API 0"}},
    {"address":"idp_client.client_0","mode":"managed","type":"idp_client","name":"client_0",
     "values":{"id":"c1","client_id":"c1","client_secret":"s"}},
    {"address":"idp_client_grant.grant_0","mode":"managed","type":"idp_client_grant","name":"grant_0",
     "values":{"id":"cg1","client_id":"c1","audience":"https://x/api/0/"}},
    {"address":"idp_tenant.tenant_0","mode":"managed","type":"idp_tenant","name":"tenant_0",
     "values":{"id":"ten1","name":"kill1-tenant-0","management_client_secret":"s"}},
    {"address":"idp_connection.connection_0","mode":"managed","type":"idp_connection","name":"connection_0",
     "values":{"id":"con_1","name":"kill1-connection-0"}},
    {"address":"idp_organization.org_0","mode":"managed","type":"idp_organization","name":"org_0",
     "values":{"id":"org_1","name":"kill1-org-0"}},
    {"address":"idp_organization_connections.org_0","mode":"managed","type":"idp_organization_connections","name":"org_0",
     "values":{"id":"org_1","organization_id":"org_1","enabled_connections":[
       {"connection_id":"con_1","assign_membership_on_login":null},{"connection_id":"con_2"}]}},
    {"address":"data.idp_token.t","mode":"data","type":"idp_token","name":"t","values":{"id":"tok"}},
    {"address":"terraform_data.x","mode":"managed","type":"terraform_data","name":"x","values":{"id":"td"}}
  ],
  "child_modules":[{"address":"module.m","resources":[
    {"address":"module.m.idp_client.c","mode":"managed","type":"idp_client","name":"c","values":{"id":"c2","client_id":"c2"}}
  ]}]
}}}`

func TestParseStateObjects(t *testing.T) {
	t.Parallel()
	got, err := parseStateObjects([]byte(showJSON))
	if err != nil {
		t.Fatal(err)
	}
	want := []objectRef{
		{kindResourceServer, "rs1"}, {kindClient, "c1"}, {kindClientGrant, "cg1"},
		{kindTenant, "ten1"}, {kindConnection, "con_1"}, {kindOrganization, "org_1"},
		{kindOrgConnection, "org_1/con_1"}, {kindOrgConnection, "org_1/con_2"},
		{kindClient, "c2"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("parseStateObjects = %v, want %v", got, want)
	}

	// No state yet (or an emptied one): nothing, and no error.
	for _, empty := range []string{`{"format_version":"1.0"}`, `{"format_version":"1.0","values":{"root_module":{}}}`} {
		if got, err := parseStateObjects([]byte(empty)); err != nil || len(got) != 0 {
			t.Errorf("parseStateObjects(%s) = %v, %v", empty, got, err)
		}
	}
	// An object without its id is reported, not silently left out.
	noID := `{"values":{"root_module":{"resources":[{"address":"idp_client.c","mode":"managed","type":"idp_client","values":{"id":"x"}}]}}}`
	if _, err := parseStateObjects([]byte(noID)); err == nil || !strings.Contains(err.Error(), "idp_client.c has no client_id") {
		t.Errorf("a client without client_id: %v", err)
	}
	noLinks := `{"values":{"root_module":{"resources":[{"address":"idp_organization_connections.o","mode":"managed",` +
		`"type":"idp_organization_connections","values":{"organization_id":"org_1","enabled_connections":[{"show_as_button":true}]}}]}}}`
	if _, err := parseStateObjects([]byte(noLinks)); err == nil || !strings.Contains(err.Error(), "idp_organization_connections.o has an enabled connection without connection_id") {
		t.Errorf("a link without connection_id: %v", err)
	}
	if _, err := parseStateObjects([]byte("Warning: ...")); err == nil {
		t.Error("parseStateObjects accepted text that is not JSON")
	}
}

func TestDiffObjects(t *testing.T) {
	t.Parallel()
	baseline := []objectRef{{kindClient, "admin"}, {kindClientGrant, "admin-grant"}}
	inState := []objectRef{{kindResourceServer, "rs1"}, {kindClient, "c1"}, {kindClientGrant, "g1"}, {kindClient, "gone"}}
	onServer := []objectRef{
		{kindClient, "admin"}, {kindClientGrant, "admin-grant"}, // the fresh server's own
		{kindResourceServer, "rs1"}, {kindClient, "c1"}, {kindClientGrant, "g1"}, // managed
		{kindResourceServer, "rs-orphan"}, {kindClient, "c-orphan"}, {kindClient, "b-orphan"}, // created, not in state
		{kindResourceServer, "c1"}, // same id, other kind: not the state's c1
	}
	orphans, lost := diffObjects(inState, onServer, baseline)
	wantOrphans := []objectRef{{kindClient, "b-orphan"}, {kindClient, "c-orphan"}, {kindResourceServer, "c1"}, {kindResourceServer, "rs-orphan"}}
	if !slices.Equal(orphans, wantOrphans) {
		t.Errorf("orphans = %v, want %v", orphans, wantOrphans)
	}
	if want := []objectRef{{kindClient, "gone"}}; !slices.Equal(lost, want) {
		t.Errorf("lost = %v, want %v", lost, want)
	}
	if got := countByKind(orphans); got != "4 (2 resource_server, 2 client)" {
		t.Errorf("countByKind(orphans) = %q", got)
	}

	orphans, lost = diffObjects(inState[:3], onServer[:5], baseline)
	if orphans == nil || lost == nil || len(orphans)+len(lost) != 0 {
		t.Errorf("a clean run: orphans %v, lost %v; want two empty, non-nil lists", orphans, lost)
	}
	mixed := []objectRef{{kindOrgConnection, "o/c"}, {kindTenant, "t"}, {kindClient, "c"}, {kindOrganization, "o"}, {kindConnection, "c"}, {kindTenant, "u"}}
	if got, want := countByKind(mixed), "6 (1 client, 2 tenant, 1 connection, 1 organization, 1 organization_connection)"; got != want {
		t.Errorf("countByKind(mixed) = %q, want %q", got, want)
	}
	if got := countByKind(nil); got != "0" {
		t.Errorf("countByKind(nil) = %q", got)
	}
}

func TestParseSeeds(t *testing.T) {
	t.Parallel()
	got, err := parseSeeds(" 3,1, 2,,-7 ")
	if err != nil || !slices.Equal(got, []int64{3, 1, 2, -7}) {
		t.Errorf("parseSeeds = %v, %v", got, err)
	}
	for _, bad := range []string{"", ",", "1,x", "1,2,1", "1.5"} {
		if _, err := parseSeeds(bad); err == nil {
			t.Errorf("parseSeeds(%q) accepted it", bad)
		}
	}
}

func TestParseFlags_chaos(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	o, err := parseFlags([]string{"-chaos"}, &stderr)
	if err != nil {
		t.Fatal(err, stderr.String())
	}
	if !o.chaos || !slices.Equal(o.chaosSeeds, []int64{1, 2, 3, 4, 5}) || o.chaosN != 200 ||
		o.chaos429 != 0.15 || o.chaos503 != 0.15 || o.chaosDrop != 0.05 || o.commandTimeout != 5*time.Minute {
		t.Errorf("chaos defaults: %+v", o)
	}
	if m := splitMix(o.chaosN); m != (mix{APIs: 67, Clients: 67, Grants: 66}) {
		t.Errorf("the default chaos mix is %+v", m)
	}

	o, err = parseFlags([]string{"-chaos", "-chaos-seeds", "7,8", "-chaos-n", "30", "-chaos-drop", "0", "-out", "c.json", "-parallelism", "4"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.chaosSeeds, []int64{7, 8}) || o.chaosN != 30 || o.chaosDrop != 0 || o.out != "c.json" || o.parallelism != 4 {
		t.Errorf("chaos flags: %+v", o)
	}

	// Without -chaos the seeds are not even parsed.
	if o, err := parseFlags([]string{"-chaos-seeds", ""}, &stderr); err != nil || o.chaosSeeds != nil {
		t.Errorf("-chaos-seeds without -chaos: %v, %v", o, err)
	}

	for _, args := range [][]string{
		{"-chaos", "-n", "100"},
		{"-chaos", "-rate-limit", "0"},
		{"-chaos", "-chaos-seeds", "1,1"},
		{"-chaos", "-chaos-seeds", ""},
		{"-chaos", "-chaos-n", "2"},
		{"-chaos", "-chaos-429", "1.5"},
		{"-chaos", "-chaos-503", "-0.1"},
		{"-chaos", "-chaos-drop", "NaN"},
		{"-chaos", "-command-timeout", "0s"},
	} {
		stderr.Reset()
		if _, err := parseFlags(args, &stderr); err == nil {
			t.Errorf("parseFlags(%q) accepted it", args)
		} else if !strings.Contains(stderr.String(), "idp-bench: ") {
			t.Errorf("parseFlags(%q) said nothing clear on stderr: %q", args, stderr.String())
		}
	}
}

// sampleChaosReport is a report of three seeds: one that meets the target,
// one that misses it in every way, and one the harness failed on.
func sampleChaosReport() *chaosReport {
	return &chaosReport{
		Terraform: "1.11.4", Platform: "linux/amd64", CPUs: 2, Parallelism: 10,
		N: 200, Mix: splitMix(200),
		Faults:         chaosFaults{Rate429: 0.15, Rate503: 0.15, DropAfterCommit: 0.05},
		PlanSeedOffset: planSeedOffset,
		Runs: []chaosRun{
			{
				Seed: 1, ApplyExitCode: 0, ApplySeconds: 31.25,
				ApplyRequests: requestSummary{TooMany: 40, ServerErrors: 38},
				Inspected:     true, InState: 200, Orphans: []objectRef{}, Lost: []objectRef{},
				PlanRan: true, PlanExitCode: 0,
			},
			{
				Seed: 2, ApplyExitCode: 1, ApplySeconds: 9.5, ApplyErrors: 3,
				ApplyErrorKinds: []kindCount{{"Unable to Create Client (503 Service Unavailable)", 2}, {"A | B", 1}},
				ApplyRequests:   requestSummary{TooMany: 41, ServerErrors: 39},
				Inspected:       true, InState: 190,
				Orphans: []objectRef{{kindClient, "c9"}, {kindResourceServer, "r1"}},
				Lost:    []objectRef{{kindClientGrant, "g1"}},
				PlanRan: true, PlanExitCode: 2, PlanChanges: &planChanges{Add: 11},
				Notes: []string{"the destroy (faults off) exited 1"},
			},
			{
				Seed: 3, ApplyExitCode: 1, ApplyErrors: 1,
				ApplyErrorKinds: []kindCount{{"Unable to Create Client (503 Service Unavailable)", 1}},
				Error:           "terraform show -json failed\nmore",
				PlanExitCode:    -1,
			},
		},
	}
}

func TestChaosReportFinish(t *testing.T) {
	t.Parallel()
	r := sampleChaosReport()
	r.finish()
	r.finish() // idempotent
	if r.SeedsMet != 1 || r.ApplyOK != 1 || r.NoOrphans != 1 || r.NothingLost != 1 || r.EmptyPlans != 1 || r.HarnessFails != 1 || r.TargetMet {
		t.Errorf("verdicts: %+v", r)
	}
	if !r.Runs[0].Met || r.Runs[1].Met || r.Runs[2].Met {
		t.Errorf("per-seed verdicts: %v %v %v", r.Runs[0].Met, r.Runs[1].Met, r.Runs[2].Met)
	}
	if want := []kindCount{{"Unable to Create Client (503 Service Unavailable)", 3}, {"A | B", 1}}; !slices.Equal(r.ApplyErrorKinds, want) {
		t.Errorf("error kinds over the seeds: %+v", r.ApplyErrorKinds)
	}

	// The seed that met it alone meets the target.
	r.Runs = r.Runs[:1]
	r.finish()
	if !r.TargetMet {
		t.Errorf("one clean seed: %+v", r)
	}
	// A timed-out apply that exited 0 does not.
	r.Runs[0].ApplyTimedOut = true
	r.finish()
	if r.TargetMet || r.ApplyOK != 0 {
		t.Errorf("a timed-out apply met the target: %+v", r)
	}
	r.Runs = nil
	r.finish()
	if r.TargetMet {
		t.Error("no seeds met the target")
	}
}

func TestChaosReportRender(t *testing.T) {
	t.Parallel()
	r := sampleChaosReport()
	r.finish()
	out := r.render()
	for _, want := range []string{
		"idp-bench -chaos: Terraform 1.11.4, linux/amd64, 2 CPUs, -parallelism=10",
		"N=200 mixed resources (67 APIs, 67 clients, 66 grants)",
		"Faults: 15 % of requests 429, 15 % 503, 5 % of writes committed and then dropped.",
		"RNG reseeded with seed+1000",
		"| seed | apply exit | error diagnostics | orphans | lost | plan empty | apply wall | 429s / 5xx sent during apply |",
		"| 1 | 0 | 0 | 0 | 0 | yes | 31.2s | 40 / 38 |",
		"| 2 | 1 | 3 | 2 (1 resource_server, 1 client) | 1 (1 client_grant) | no (+11 ~0 -0) | 9.50s | 41 / 39 |",
		"| 3 | 1 | 1 | - | - | - | 0.00s | 0 / 0 |",
		"Target: every seed's first apply exits 0, 0 orphans, 0 lost, empty plan: MISS (1 of 3 seeds)",
		"apply exit 0: 1 of 3; no orphans: 1 of 3; nothing lost: 1 of 3; empty plan: 1 of 3",
		"| 3 | Unable to Create Client (503 Service Unavailable) |",
		`| 1 | A \| B |`,
		"- seed 2: the destroy (faults off) exited 1",
		"- seed 3: HARNESS FAILURE, not measured past it: terraform show -json failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "more") {
		t.Errorf("a harness error's later lines belong in the JSON, not the table:\n%s", out)
	}
	// Every table row has as many cells as its header.
	for i, line := range strings.Split(out, "\n") {
		if strings.TrimRight(line, " \t") != line {
			t.Errorf("line %d has trailing white space: %q", i+1, line)
		}
		if strings.HasPrefix(line, "| seed") || (strings.HasPrefix(line, "| ") && strings.Count(line, " | ") >= 7) {
			if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n != 9 {
				t.Errorf("line %d has %d cell borders, want 9: %q", i+1, n, line)
			}
		}
	}

	// A plan that failed, or timed out, says so.
	for _, tc := range []struct {
		run  chaosRun
		want string
	}{
		{chaosRun{PlanRan: true, PlanExitCode: 1, PlanErrors: 1}, "failed (exit 1, 1 error)"},
		{chaosRun{PlanRan: true, PlanExitCode: 1, PlanErrors: 4}, "failed (exit 1, 4 errors)"},
		{chaosRun{PlanRan: true, PlanExitCode: 2}, "no"},
		{chaosRun{PlanExitCode: -1}, "-"},
	} {
		if got := tc.run.planEmpty(); got != tc.want {
			t.Errorf("planEmpty(%+v) = %q, want %q", tc.run, got, tc.want)
		}
	}
}
