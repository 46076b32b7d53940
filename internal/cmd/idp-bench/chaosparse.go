package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// diagnostic is an error diagnostic from Terraform's -json output.
type diagnostic struct {
	Summary string `json:"summary"`
	Detail  string `json:"detail"`
}

// kind is what the report counts diagnostics by: the summary and the first
// HTTP status ("503 Service Unavailable", as net/http names it) that the
// detail quotes, if any, which says what to fix first.
func (d diagnostic) kind() string {
	status, at := "", len(d.Detail)
	for code := 100; code < 600; code++ {
		if text := http.StatusText(code); text != "" {
			s := strconv.Itoa(code) + " " + text
			if i := strings.Index(d.Detail, s); i >= 0 && i < at {
				status, at = s, i
			}
		}
	}
	if status == "" {
		return d.Summary
	}
	return d.Summary + " (" + status + ")"
}

// planChanges is a change_summary of Terraform's -json output.
type planChanges struct {
	Add    int `json:"add"`
	Change int `json:"change"`
	Remove int `json:"remove"`
}

// uiOutput is what the chaos mode reads from one command's -json output.
type uiOutput struct {
	errors []diagnostic
	// plan is the plan's change summary; nil when the plan failed first.
	plan *planChanges
}

// readUI reads Terraform's machine-readable UI, one JSON object a line.
// Lines that are not JSON (a crash on standard error) are skipped: the exit
// code tells that story.
func readUI(out []byte) uiOutput {
	var ui uiOutput
	for line := range bytes.Lines(out) {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic *struct {
				diagnostic
				Severity string `json:"severity"`
			} `json:"diagnostic"`
			Changes *struct {
				planChanges
				Operation string `json:"operation"`
			} `json:"changes"`
		}
		if json.Unmarshal(line, &msg) != nil {
			continue
		}
		switch {
		case msg.Type == "diagnostic" && msg.Diagnostic != nil && msg.Diagnostic.Severity == "error":
			ui.errors = append(ui.errors, msg.Diagnostic.diagnostic)
		case msg.Type == "change_summary" && msg.Changes != nil && msg.Changes.Operation == "plan":
			ui.plan = &msg.Changes.planChanges
		}
	}
	return ui
}

type kindCount struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

func countKinds(diags []diagnostic) []kindCount {
	var kinds []kindCount
	for _, d := range diags {
		kinds = append(kinds, kindCount{d.kind(), 1})
	}
	return mergeKinds(kinds)
}

// mergeKinds adds up kind counts, the most frequent first.
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
	slices.SortFunc(out, func(a, b kindCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Kind, b.Kind))
	})
	return out
}

const (
	kindResourceServer = "resource_server"
	kindClient         = "client"
	kindClientGrant    = "client_grant"
	kindTenant         = "tenant"
	kindConnection     = "connection"
	kindOrganization   = "organization"
	// kindOrgConnection is a connection enabled for an organization, its ID
	// "<organization id>/<connection id>".
	kindOrgConnection = "organization_connection"
)

// kindOrder is the order countByKind names kinds in.
var kindOrder = []string{kindResourceServer, kindClient, kindClientGrant, kindTenant, kindConnection, kindOrganization, kindOrgConnection}

type objectRef struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// stateKinds maps a resource type to the object it manages and the state
// attribute holding that object's id.
var stateKinds = map[string]struct{ kind, attr string }{
	"idp_resource_server": {kindResourceServer, "id"},
	"idp_client":          {kindClient, "client_id"},
	"idp_client_grant":    {kindClientGrant, "id"},
	"idp_tenant":          {kindTenant, "id"},
	"idp_connection":      {kindConnection, "id"},
	"idp_organization":    {kindOrganization, "id"},
}

// orgConnectionRefs are the links an idp_organization_connections holds.
func orgConnectionRefs(address string, values map[string]any) ([]objectRef, error) {
	orgID, _ := values["organization_id"].(string)
	list, ok := values["enabled_connections"].([]any)
	if orgID == "" || !ok {
		return nil, fmt.Errorf("%s has no organization_id or enabled_connections in the state", address)
	}
	var out []objectRef
	for _, e := range list {
		m, _ := e.(map[string]any)
		connID, _ := m["connection_id"].(string)
		if connID == "" {
			return nil, fmt.Errorf("%s has an enabled connection without connection_id in the state", address)
		}
		out = append(out, objectRef{Kind: kindOrgConnection, ID: orgID + "/" + connID})
	}
	return out, nil
}

type showModule struct {
	Resources []struct {
		Address string         `json:"address"`
		Mode    string         `json:"mode"`
		Type    string         `json:"type"`
		Values  map[string]any `json:"values"`
	} `json:"resources"`
	ChildModules []showModule `json:"child_modules"`
}

// parseStateObjects reads the objects a state manages from `terraform show
// -json`, where an empty state has no "values".
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
			if r.Mode == "managed" && r.Type == "idp_organization_connections" {
				refs, err := orgConnectionRefs(r.Address, r.Values)
				out, errs = append(out, refs...), append(errs, err)
				continue
			}
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

// diffObjects: orphans are on the server but neither in the state nor in
// baseline (what a fresh server holds); lost objects are in the state but
// not on the server.
func diffObjects(inState, onServer, baseline []objectRef) (orphans, lost []objectRef) {
	set := func(refs []objectRef) map[objectRef]bool {
		m := make(map[objectRef]bool, len(refs))
		for _, r := range refs {
			m[r] = true
		}
		return m
	}
	state, server, base := set(inState), set(onServer), set(baseline)
	// Empty rather than nil, so that the JSON says [] and not null.
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

// countByKind is "4 (3 client, 1 client_grant)", or "0".
func countByKind(refs []objectRef) string {
	if len(refs) == 0 {
		return "0"
	}
	m := map[string]int{}
	for _, r := range refs {
		m[r.Kind]++
	}
	var parts []string
	for _, k := range kindOrder {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
		}
	}
	return fmt.Sprintf("%d (%s)", len(refs), strings.Join(parts, ", "))
}

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

// stateClientNames is the set of names of the clients a state holds, from
// `terraform show -json`.
func stateClientNames(showJSON []byte) (map[string]bool, error) {
	var doc struct {
		Values *struct {
			RootModule showModule `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(showJSON, &doc); err != nil {
		return nil, fmt.Errorf("reading terraform show -json: %w", err)
	}
	names := map[string]bool{}
	if doc.Values == nil {
		return names, nil
	}
	var walk func(m showModule)
	walk = func(m showModule) {
		for _, r := range m.Resources {
			if name, ok := r.Values["name"].(string); ok && r.Mode == "managed" && r.Type == "idp_client" {
				names[name] = true
			}
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	walk(doc.Values.RootModule)
	return names, nil
}
