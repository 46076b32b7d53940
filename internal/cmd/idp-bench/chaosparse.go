package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The pure pieces of the chaos mode: reading Terraform's output and state,
// and comparing the state with what the server holds.

// diagnostic is one error diagnostic in Terraform's human-readable output.
type diagnostic struct {
	// Summary is the text after "Error: ".
	Summary string
	// Cause is what the provider says the server answered or how the
	// request failed, with addresses and ids taken out so that equal
	// causes compare equal; "" when the detail names none.
	Cause string
}

// kind is the diagnostic as one line for counting: summary and cause.
func (d diagnostic) kind() string {
	if d.Cause == "" {
		return d.Summary
	}
	return d.Summary + ": " + d.Cause
}

// Terraform prints a diagnostic inside a box drawn with "╷", "│" and "╵"
// (also with -no-color), or without it in some modes; either way its first
// line is "Error: summary" or "Warning: summary".
var (
	diagStartRE = regexp.MustCompile(`^(Error|Warning): (.*)$`)
	// causeRE finds the provider's account of the failure in a
	// diagnostic's detail (see provider.describeAPIError).
	causeRE = regexp.MustCompile(`The server answered (\d{3} [^.(:]*?(?: \([a-z_]+\))?)[.:]|The request failed: (.*?)\. Check that`)
	// quotedRE is a quoted string in a cause, such as a URL.
	quotedRE = regexp.MustCompile(`"[^"]*"`)
)

// parseDiagnostics finds the error diagnostics in Terraform's output.
func parseDiagnostics(out []byte) []diagnostic {
	var diags []diagnostic
	var cur *diagnostic
	var detail []string
	flush := func() {
		if cur == nil {
			return
		}
		// Terraform wraps the detail at its column width: join it again.
		text := strings.Join(strings.Fields(strings.Join(detail, " ")), " ")
		if m := causeRE.FindStringSubmatch(text); m != nil {
			if m[1] != "" {
				cur.Cause = "the server answered " + m[1]
			} else {
				cur.Cause = "the request failed: " + quotedRE.ReplaceAllString(m[2], "…")
			}
		}
		diags = append(diags, *cur)
		cur, detail = nil, nil
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \t\r")
		boxed := strings.HasPrefix(line, "│")
		if boxed {
			line = strings.TrimPrefix(strings.TrimPrefix(line, "│"), " ")
		}
		if m := diagStartRE.FindStringSubmatch(line); m != nil {
			flush()
			if m[1] == "Error" {
				cur = &diagnostic{Summary: strings.TrimSpace(m[2])}
			}
			continue
		}
		if strings.HasPrefix(line, "╵") || strings.HasPrefix(line, "╷") {
			flush()
			continue
		}
		if cur != nil {
			detail = append(detail, line)
		}
	}
	flush()
	return diags
}

// kindCount is how often one kind of diagnostic occurred.
type kindCount struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// countKinds counts diagnostics by kind, most frequent first, then by
// kind.
func countKinds(diags []diagnostic) []kindCount {
	m := map[string]int{}
	for _, d := range diags {
		m[d.kind()]++
	}
	out := make([]kindCount, 0, len(m))
	for k, n := range m {
		out = append(out, kindCount{Kind: k, Count: n})
	}
	sortKinds(out)
	return out
}

// mergeKinds adds up kind counts from several runs, ordered as countKinds
// orders them.
func mergeKinds(lists ...[]kindCount) []kindCount {
	m := map[string]int{}
	for _, l := range lists {
		for _, k := range l {
			m[k.Kind] += k.Count
		}
	}
	out := make([]kindCount, 0, len(m))
	for k, n := range m {
		out = append(out, kindCount{Kind: k, Count: n})
	}
	sortKinds(out)
	return out
}

// sortKinds orders kind counts most frequent first, then by kind.
func sortKinds(kinds []kindCount) {
	slices.SortFunc(kinds, func(a, b kindCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Kind, b.Kind))
	})
}

// planRE is the summary line of a plan that has changes.
var planRE = regexp.MustCompile(`Plan: (\d+) to add, (\d+) to change, (\d+) to destroy`)

// planChanges is what a plan's summary line says it would do.
type planChanges struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
}

// parsePlan reads the plan's summary line; ok is false when there is none
// (no changes, or the plan failed before it).
func parsePlan(out []byte) (p planChanges, ok bool) {
	m := planRE.FindSubmatch(out)
	if m == nil {
		return p, false
	}
	p.Add, _ = strconv.Atoi(string(m[1]))
	p.Change, _ = strconv.Atoi(string(m[2]))
	p.Destroy, _ = strconv.Atoi(string(m[3]))
	return p, true
}

// Kinds of objects on the server, as the report names them.
const (
	kindResourceServer = "resource_server"
	kindClient         = "client"
	kindClientGrant    = "client_grant"
)

// objectRef names one object on the server.
type objectRef struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// String is "kind/id".
func (o objectRef) String() string { return o.Kind + "/" + o.ID }

// stateKinds maps the idp resource types to the kind of server object they
// manage and the state attribute holding its id on the server.
var stateKinds = map[string]struct{ kind, attr string }{
	"idp_resource_server": {kindResourceServer, "id"},
	"idp_client":          {kindClient, "client_id"},
	"idp_client_grant":    {kindClientGrant, "id"},
}

// showModule is the part of `terraform show -json` that holds resources.
type showModule struct {
	Resources []struct {
		Address string         `json:"address"`
		Mode    string         `json:"mode"`
		Type    string         `json:"type"`
		Values  map[string]any `json:"values"`
	} `json:"resources"`
	ChildModules []showModule `json:"child_modules"`
}

// parseStateObjects reads the server objects a state manages from the
// output of `terraform show -json`. An empty state has no "values".
func parseStateObjects(showJSON []byte) ([]objectRef, error) {
	var doc struct {
		Values *struct {
			RootModule showModule `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(showJSON, &doc); err != nil {
		return nil, fmt.Errorf("reading terraform show -json: %w", err)
	}
	if doc.Values == nil {
		return nil, nil
	}
	var out []objectRef
	var errs []error
	var walk func(m showModule)
	walk = func(m showModule) {
		for _, r := range m.Resources {
			k, ok := stateKinds[r.Type]
			if r.Mode != "managed" || !ok {
				continue
			}
			id, _ := r.Values[k.attr].(string)
			if id == "" {
				errs = append(errs, fmt.Errorf("%s has no %s in the state", r.Address, k.attr))
				continue
			}
			out = append(out, objectRef{Kind: k.kind, ID: id})
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	walk(doc.Values.RootModule)
	return out, errors.Join(errs...)
}

// diffObjects compares the state with the server. Orphans are on the
// server but neither in the state nor in baseline, what a fresh server
// already holds (the Management API, the admin client and its grant);
// lost objects are in the state but not on the server. Both come back
// sorted.
func diffObjects(inState, onServer, baseline []objectRef) (orphans, lost []objectRef) {
	set := func(refs []objectRef) map[objectRef]bool {
		m := make(map[objectRef]bool, len(refs))
		for _, r := range refs {
			m[r] = true
		}
		return m
	}
	state, server, base := set(inState), set(onServer), set(baseline)
	// Empty rather than nil, so that the JSON report says [] and not null.
	orphans, lost = []objectRef{}, []objectRef{}
	for r := range server {
		if !state[r] && !base[r] {
			orphans = append(orphans, r)
		}
	}
	for r := range state {
		if !server[r] {
			lost = append(lost, r)
		}
	}
	byRef := func(a, b objectRef) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID)) }
	slices.SortFunc(orphans, byRef)
	slices.SortFunc(lost, byRef)
	return orphans, lost
}

// countByKind is "3 client, 1 client_grant" for a list of objects, "0" for
// none.
func countByKind(refs []objectRef) string {
	if len(refs) == 0 {
		return "0"
	}
	m := map[string]int{}
	for _, r := range refs {
		m[r.Kind]++
	}
	var parts []string
	for _, k := range []string{kindResourceServer, kindClient, kindClientGrant} {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
		}
	}
	return fmt.Sprintf("%d (%s)", len(refs), strings.Join(parts, ", "))
}

// parseSeeds parses the -chaos-seeds list: comma-separated integers, in
// the order given, without duplicates.
func parseSeeds(s string) ([]int64, error) {
	var out []int64
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer seed", part)
		}
		if slices.Contains(out, n) {
			return nil, fmt.Errorf("seed %d is given twice", n)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("no seeds given")
	}
	return out, nil
}
