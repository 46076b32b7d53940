package server_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/oas"
	"github.com/idp-terraform/terraform-provider-idp/internal/server"
	"github.com/idp-terraform/terraform-provider-idp/internal/spectest"
)

// A serverBound is one limit idp-server puts on a value of a request: a string's length
// (length) or a number's value (value), lo and hi inclusive, ±Inf where open.
type serverBound struct {
	ops      []string // "METHOD /template" as the spec spells it
	property string   // path in the body: "a.b", "a[]" for an array's items, "a.*" for a map's values
	length   bool
	lo, hi   float64
	where    string // the table or the call that sets it
}

// handBounds are the limits set by calls in the handlers rather than by a property table, keyed
// by the call as TestBoundsInventory finds it in the source: file, function, first argument.
// A call the test finds and this list lacks fails it, and so does an entry no call matches.
var handBounds = map[string][]serverBound{
	`clients.go checkLength "client_secret"`:         {{ops: []string{"POST /clients", "PATCH /clients/{id}"}, property: "client_secret", length: true, lo: 1, hi: math.Inf(1)}},
	`clients.go checkLength "description"`:           {{ops: []string{"POST /clients", "PATCH /clients/{id}"}, property: "description", length: true, lo: 0, hi: 140}},
	`connections.go checkLength "name"`:              {{ops: []string{"POST /connections"}, property: "name", length: true, lo: 1, hi: 128}},
	`credentials.go checkLength prefix+"name"`:       {{ops: []string{"POST /clients/{client_id}/credentials"}, property: "name", length: true, lo: 0, hi: 128}},
	`credentials.go checkLength prefix+"subject_dn"`: {{ops: []string{"POST /clients/{client_id}/credentials"}, property: "subject_dn", length: true, lo: 1, hi: 256}},
	`metadata.go checkLength property+"."+k`: {
		{ops: []string{"POST /clients", "PATCH /clients/{id}"}, property: "client_metadata.*", length: true, lo: 0, hi: 255},
		{ops: []string{"POST /connections", "PATCH /connections/{id}"}, property: "metadata.*", length: true, lo: 0, hi: 255},
		{ops: []string{"POST /tenants", "PATCH /tenants/{id}"}, property: "metadata.*", length: true, lo: 0, hi: 255},
	},
	`organizations.go checkLength "name"`: {
		{ops: []string{"POST /organizations", "PATCH /organizations/{id}"}, property: "name", length: true, lo: 1, hi: 50},
		// getOrganizationByName checks its path parameter, as the spec's parameter schema does.
		{ops: []string{"GET /organizations/name/{name}"}, property: "(path) name", length: true, lo: 1, hi: 50},
	},
	`organizations.go checkLength "display_name"`:          {{ops: []string{"POST /organizations", "PATCH /organizations/{id}"}, property: "display_name", length: true, lo: 1, hi: 255}},
	`organizations.go checkLength "metadata."+k`:           {{ops: []string{"POST /organizations", "PATCH /organizations/{id}"}, property: "metadata.*", length: true, lo: 0, hi: 255}},
	`resource_servers.go checkLength "name"`:               {{ops: []string{"POST /resource-servers", "PATCH /resource-servers/{id}"}, property: "name", length: true, lo: 1, hi: 200}},
	`resource_servers.go checkLength "identifier"`:         {{ops: []string{"POST /resource-servers"}, property: "identifier", length: true, lo: 1, hi: 600}},
	`resource_servers.go integer "token_lifetime"`:         {{ops: []string{"POST /resource-servers", "PATCH /resource-servers/{id}"}, property: "token_lifetime", lo: 0, hi: 2592000}},
	`resource_servers.go integer "token_lifetime_for_web"`: {{ops: []string{"POST /resource-servers", "PATCH /resource-servers/{id}"}, property: "token_lifetime_for_web", lo: 0, hi: 2592000}},
	`tenants.go checkLength "display_name"`:                {{ops: []string{"POST /tenants", "PATCH /tenants/{id}"}, property: "display_name", length: true, lo: 0, hi: 255}},
}

// A serverPattern is a pattern idp-server matches a string property against.
type serverPattern struct {
	ops      []string
	property string
	// format is the spec's format that the pattern implements, where the spec names one
	// (the spec's own rule, as Auth0's validator words it: "didn't pass validation for format").
	format string
}

// handPatterns are the patterns of the package's regexp variables, by variable name; as with
// handBounds, a variable missing here, or an entry for no variable, fails the inventory.
var handPatterns = map[string][]serverPattern{
	"connectionNamePattern":   {{ops: []string{"POST /connections"}, property: "name"}},
	"reCredentialKeyID":       {{ops: []string{"POST /clients/{client_id}/credentials"}, property: "kid"}},
	"organizationNamePattern": {{ops: []string{"POST /organizations", "PATCH /organizations/{id}"}, property: "name", format: "organization-name"}},
	"htmlColorPattern": {
		{ops: []string{"POST /organizations", "PATCH /organizations/{id}"}, property: "branding.colors.primary", format: "html-color"},
		{ops: []string{"POST /organizations", "PATCH /organizations/{id}"}, property: "branding.colors.page_background", format: "html-color"},
	},
	"tenantNamePattern": {{ops: []string{"POST /tenants"}, property: "name"}},
}

// patternSamples are the strings on which a server pattern and the spec's must agree.
var patternSamples = []string{"", "a", "A", "a-b", "a--b", "-a", "a-", "a_b", "a b", "a<b", "ab.c", "é", "#fff", "#A0b1C2", "#abcd",
	"0123456789", "012345678", "abcdefghij_-ABCDEFGH", strings.Repeat("k", 64), strings.Repeat("k", 65)}

// TestBoundsInventory holds idp-server to "never stricter than Auth0's spec": it gathers every
// limit the server puts on a value (the property tables' ranges, walked; the handlers' length
// and range checks, found in the source), compares each with the operation's request schema in
// the spec's extract, and requires each limit stricter than the schema (or where it has none)
// to be listed, with its evidence, in oas.Bounds; and each entry there to still be enforced.
func TestBoundsInventory(t *testing.T) {
	found := findBoundCalls(t)
	for _, key := range slices.Sorted(maps.Keys(found.calls)) {
		if _, ok := handBounds[key]; !ok {
			t.Errorf("%s: a limit set in a handler that handBounds does not list; add it", key)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(handBounds)) {
		if !found.calls[key] {
			t.Errorf("handBounds lists %s, which no call in internal/server makes any more; remove it", key)
		}
	}
	for _, name := range found.tables {
		if _, ok := server.PropTables[name]; !ok {
			t.Errorf("property table %s is not in server.PropTables, so its limits are not inventoried; add it", name)
		}
	}
	if len(found.tables) != len(server.PropTables) {
		t.Errorf("server.PropTables has %d tables, the source %d (%v)", len(server.PropTables), len(found.tables), found.tables)
	}

	var all []serverBound
	for _, tb := range server.TableBounds() {
		all = append(all, serverBound{ops: server.PropTables[tb.Table].Ops, property: tb.Property, lo: tb.Lo, hi: tb.Hi, where: tb.Table})
	}
	for key, bs := range handBounds {
		for _, b := range bs {
			b.where = key
			all = append(all, b)
		}
	}

	stricter := map[string]map[string]oas.Bound{}
	for _, b := range all {
		for _, op := range b.ops {
			specLo, specHi := specRange(t, op, b.property, b.length)
			var got oas.Bound
			if b.lo > specLo && !(b.length && b.lo <= 0) {
				got.Min = formatBound(b.lo)
			}
			if b.hi < specHi {
				got.Max = formatBound(b.hi)
			}
			if got.Min == "" && got.Max == "" {
				continue
			}
			if stricter[op] == nil {
				stricter[op] = map[string]oas.Bound{}
			}
			stricter[op][b.property] = got
			want, listed := oas.Bounds[op][b.property]
			switch {
			case !listed:
				t.Errorf("%s %s: idp-server bounds it to %s..%s (%s), stricter than the spec's %s..%s, and oas.Bounds "+
					"gives no evidence that Auth0 does: find some, or remove the limit (and the provider's matching validator)",
					op, b.property, formatBound(b.lo), formatBound(b.hi), b.where, formatBound(specLo), formatBound(specHi))
			case want.Min != got.Min || want.Max != got.Max:
				t.Errorf("%s %s: oas.Bounds says %q..%q, idp-server enforces %q..%q beyond the spec (%s)",
					op, b.property, want.Min, want.Max, got.Min, got.Max, b.where)
			case strings.TrimSpace(want.Evidence) == "":
				t.Errorf("%s %s: oas.Bounds gives no evidence", op, b.property)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(found.patterns)) {
		if _, ok := handPatterns[name]; !ok {
			t.Errorf("%s: a pattern handPatterns does not list; add it", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(handPatterns)) {
		src, ok := found.patterns[name]
		if !ok {
			t.Errorf("handPatterns lists %s, which is not a regexp variable of internal/server any more; remove it", name)
			continue
		}
		for _, p := range handPatterns[name] {
			for _, op := range p.ops {
				method, template, _ := strings.Cut(op, " ")
				s := spectest.BodySchema(method, template)
				for _, seg := range splitPath(p.property) {
					props, _ := s["properties"].(map[string]any)
					s, _ = props[seg].(map[string]any)
				}
				specPattern, _ := s["pattern"].(string)
				specFormat, _ := s["format"].(string)
				switch {
				case specPattern != "":
					for _, v := range patternSamples {
						if matches(specPattern, v) != matches(src, v) {
							t.Errorf("%s %s: %s (%s) and the spec's pattern %s disagree on %q", op, p.property, name, src, specPattern, v)
						}
					}
				case p.format != "" && specFormat == p.format:
				default:
					if stricter[op] == nil {
						stricter[op] = map[string]oas.Bound{}
					}
					stricter[op][p.property] = oas.Bound{Pattern: src}
					want, listed := oas.Bounds[op][p.property]
					switch {
					case !listed:
						t.Errorf("%s %s: idp-server matches it against %s (%s), which the spec does not, and oas.Bounds gives no evidence", op, p.property, src, name)
					case want.Pattern != src:
						t.Errorf("%s %s: oas.Bounds says pattern %q, idp-server matches %q", op, p.property, want.Pattern, src)
					}
				}
			}
		}
	}
	for _, op := range slices.Sorted(maps.Keys(oas.Bounds)) {
		for _, prop := range slices.Sorted(maps.Keys(oas.Bounds[op])) {
			if _, ok := stricter[op][prop]; !ok {
				t.Errorf("oas.Bounds lists %s %s, which idp-server no longer bounds beyond the spec; remove it", op, prop)
			}
		}
	}

	// It cannot pass by finding nothing: the tables hold ranges, the handlers their checks, and
	// the username lengths Auth0's docs bound are among the stricter ones.
	if len(server.TableBounds()) < 2 || len(found.calls) < 10 {
		t.Errorf("found %d table ranges and %d handler checks: the inventory is not seeing the server", len(server.TableBounds()), len(found.calls))
	}
	for _, op := range []string{"POST /connections", "PATCH /connections/{id}"} {
		for _, prop := range []string{"options.validation.username.min", "options.validation.username.max"} {
			if _, ok := stricter[op][prop]; !ok {
				t.Errorf("%s %s: the known stricter limit was not found", op, prop)
			}
		}
	}
	t.Logf("%d limits inventoried; %d operations with limits beyond the spec", len(all), len(stricter))
}

// TestBoundsEnforced sends, for each limit in oas.Bounds that a handler sets, a value at it and
// one past it: the first is taken and the second refused, so the evidence table describes what
// the server does. (A table's limits are read from the table itself.)
func TestBoundsEnforced(t *testing.T) {
	h := newHarness(t)
	jsonHdr := http.Header{"Content-Type": {"application/json"}}
	api := func() string {
		return "/api/v2/resource-servers/" + h.newAPI(h.base, h.tok, map[string]any{})["id"].(string)
	}
	tenant := func() string {
		return "/api/v2/tenants/" + h.mustCreate(h.base, h.tok, "/api/v2/tenants", map[string]any{"name": unique("bounds")})["id"].(string)
	}
	type probe struct {
		send     func(v any) *response
		at, past any
	}
	probes := map[string]probe{
		"POST /resource-servers token_lifetime_for_web": {func(v any) *response {
			return h.call(h.base, h.tok, http.MethodPost, "/api/v2/resource-servers", map[string]any{"identifier": "https://" + unique("b") + ".example/", "token_lifetime_for_web": v}, jsonHdr)
		}, 2592000, 2592001},
		"PATCH /resource-servers/{id} token_lifetime_for_web": {func(v any) *response {
			return h.call(h.base, h.tok, http.MethodPatch, api(), map[string]any{"token_lifetime_for_web": v}, jsonHdr)
		}, 0, -1},
		"POST /tenants display_name": {func(v any) *response {
			return h.call(h.base, h.tok, http.MethodPost, "/api/v2/tenants", map[string]any{"name": unique("bounds"), "display_name": v}, jsonHdr)
		}, strings.Repeat("é", 255), strings.Repeat("é", 256)},
		"PATCH /tenants/{id} display_name": {func(v any) *response {
			return h.call(h.base, h.tok, http.MethodPatch, tenant(), map[string]any{"display_name": v}, jsonHdr)
		}, strings.Repeat("é", 255), strings.Repeat("é", 256)},
	}
	client := func() string {
		return "/api/v2/clients/" + h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": unique("bounds ")})["client_id"].(string)
	}
	metadata := func(v any) map[string]any { return map[string]any{"k": v} }
	long, longer := strings.Repeat("é", 255), strings.Repeat("é", 256)
	probes["POST /clients client_metadata.*"] = probe{func(v any) *response {
		return h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients", map[string]any{"name": unique("bounds "), "client_metadata": metadata(v)}, jsonHdr)
	}, long, longer}
	probes["PATCH /clients/{id} client_metadata.*"] = probe{func(v any) *response {
		return h.call(h.base, h.tok, http.MethodPatch, client(), map[string]any{"client_metadata": metadata(v)}, jsonHdr)
	}, long, longer}
	probes["POST /tenants metadata.*"] = probe{func(v any) *response {
		return h.call(h.base, h.tok, http.MethodPost, "/api/v2/tenants", map[string]any{"name": unique("bounds"), "metadata": metadata(v)}, jsonHdr)
	}, long, longer}
	probes["PATCH /tenants/{id} metadata.*"] = probe{func(v any) *response {
		return h.call(h.base, h.tok, http.MethodPatch, tenant(), map[string]any{"metadata": metadata(v)}, jsonHdr)
	}, long, longer}
	probes["POST /clients client_secret"] = probe{func(v any) *response {
		return h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients", map[string]any{"name": unique("bounds "), "client_secret": v}, jsonHdr)
	}, "s", ""}
	probes["POST /tenants name"] = probe{func(v any) *response {
		return h.call(h.base, h.tok, http.MethodPost, "/api/v2/tenants", map[string]any{"name": v}, jsonHdr)
	}, unique("b-"), "-" + unique("b")}
	tables := map[string]bool{}
	for _, tb := range server.TableBounds() {
		for _, op := range server.PropTables[tb.Table].Ops {
			tables[op+" "+tb.Property] = true
		}
	}
	for op, props := range oas.Bounds {
		for prop := range props {
			key := op + " " + prop
			p, ok := probes[key]
			if tables[key] {
				continue
			}
			if !ok {
				t.Errorf("%s: no probe for this limit in oas.Bounds", key)
				continue
			}
			if r := p.send(p.at); r.Status/100 != 2 {
				t.Errorf("%s = %v: want 2xx, got %s", key, short(p.at), r)
			}
			if r := p.send(p.past); r.Status != http.StatusBadRequest {
				t.Errorf("%s = %v: want 400, got %s", key, short(p.past), r)
			}
		}
	}
}

// TestBoundsRemovedAccepted: each limit idp-server once set beyond the spec without evidence
// that Auth0 sets it is gone, and a value past it is taken.
func TestBoundsRemovedAccepted(t *testing.T) {
	h := newHarness(t)
	jsonHdr := http.Header{"Content-Type": {"application/json"}}
	client := "/api/v2/clients/" + h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": unique("removed ")})["client_id"].(string)
	conn := "/api/v2/connections/" + h.mustCreate(h.base, h.tok, "/api/v2/connections", map[string]any{"name": unique("removed-"), "strategy": "auth0"})["id"].(string)
	api := "/api/v2/resource-servers/" + h.newAPI(h.base, h.tok, map[string]any{})["id"].(string)
	cases := []struct {
		name, method, path string
		body               map[string]any
	}{
		{"ID token lifetime over 30 days", http.MethodPatch, client, map[string]any{"jwt_configuration": map[string]any{"lifetime_in_seconds": 2592001}}},
		{"ID token lifetime negative", http.MethodPatch, client, map[string]any{"jwt_configuration": map[string]any{"lifetime_in_seconds": -1}}},
		{"refresh token leeway over 2^31-1", http.MethodPatch, client, map[string]any{"refresh_token": map[string]any{
			"rotation_type": "rotating", "expiration_type": "expiring", "leeway": int64(math.MaxInt32) + 1}}},
		{"refresh token idle lifetime over 2^31-1", http.MethodPatch, client, map[string]any{"refresh_token": map[string]any{
			"rotation_type": "rotating", "expiration_type": "expiring", "idle_token_lifetime": int64(math.MaxInt32) + 1}}},
		{"client name over 256 characters", http.MethodPatch, client, map[string]any{"name": strings.Repeat("n", 257)}},
		{"client secret over 1024 characters", http.MethodPatch, client, map[string]any{"client_secret": strings.Repeat("s", 1025)}},
		{"connection display name empty", http.MethodPatch, conn, map[string]any{"display_name": ""}},
		{"connection realm over 128 characters", http.MethodPatch, conn, map[string]any{"realms": []string{strings.Repeat("r", 129)}}},
		{"connection strategy_version 3", http.MethodPatch, conn, map[string]any{"options": map[string]any{"strategy_version": 3}}},
		{"API signing secret over 1024 characters", http.MethodPatch, api, map[string]any{"signing_alg": "HS256", "signing_secret": strings.Repeat("s", 1025)}},
		{"session lifetime over a year", http.MethodPatch, "/api/v2/tenants/settings", map[string]any{"session_lifetime": 8761, "idle_session_lifetime": 8761}},
		{"session lifetime over a year in minutes", http.MethodPatch, "/api/v2/tenants/settings", map[string]any{"ephemeral_session_lifetime_in_minutes": 525601}},
	}
	for _, c := range cases {
		if r := h.call(h.base, h.tok, c.method, c.path, c.body, jsonHdr); r.Status != http.StatusOK {
			t.Errorf("%s: want 200, got %s", c.name, r)
		}
	}
	got := h.mustGet(h.base, h.tok, "/api/v2/tenants/settings")
	if got["session_lifetime"] != 8761.0 || got["ephemeral_session_lifetime"] != 525601.0/60 {
		t.Errorf("settings after the long lifetimes: session_lifetime %v, ephemeral_session_lifetime %v", got["session_lifetime"], got["ephemeral_session_lifetime"])
	}
}

func short(v any) string {
	if s, ok := v.(string); ok && len(s) > 12 {
		return fmt.Sprintf("%q… (%d chars)", s[:6], len([]rune(s)))
	}
	return fmt.Sprint(v)
}

func formatBound(v float64) string {
	if math.IsInf(v, 1) {
		return "∞"
	}
	if math.IsInf(v, -1) {
		return "-∞"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// specRange is the range the operation's request schema in the extract gives the property:
// minimum and maximum, or for a length minLength and maxLength (a pattern that "" does not
// match is a minimum length of 1). An operation the extract lacks gives none.
func specRange(t *testing.T, op, property string, length bool) (lo, hi float64) {
	t.Helper()
	lo, hi = math.Inf(-1), math.Inf(1)
	method, template, _ := strings.Cut(op, " ")
	var s map[string]any
	if name, isParam := strings.CutPrefix(property, "(path) "); isParam {
		s = paramSchema(t, method, template, name)
	} else {
		s = spectest.BodySchema(method, template)
		for _, seg := range splitPath(property) {
			if s == nil {
				break
			}
			switch seg {
			case "[]":
				s, _ = s["items"].(map[string]any)
			case "*":
				s, _ = s["additionalProperties"].(map[string]any)
			default:
				props, _ := s["properties"].(map[string]any)
				s, _ = props[seg].(map[string]any)
			}
		}
	}
	if s == nil {
		return lo, hi
	}
	minKey, maxKey := "minimum", "maximum"
	if length {
		minKey, maxKey = "minLength", "maxLength"
		if p, ok := s["pattern"].(string); ok && !matches(p, "") {
			lo = 1
		}
	}
	if v, ok := s[minKey].(float64); ok {
		lo = max(lo, v)
	}
	if v, ok := s[maxKey].(float64); ok {
		hi = v
	}
	return lo, hi
}

func splitPath(p string) []string {
	var out []string
	for _, seg := range strings.Split(p, ".") {
		if name, ok := strings.CutSuffix(seg, "[]"); ok {
			out = append(out, name, "[]")
			continue
		}
		out = append(out, seg)
	}
	return out
}

func paramSchema(t *testing.T, method, template, name string) map[string]any {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string         `json:"name"`
				In     string         `json:"in"`
				Schema map[string]any `json:"schema"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(oas.Extract(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range doc.Paths[template][method].Parameters {
		if p.Name == name && p.In == "path" {
			return p.Schema
		}
	}
	return nil
}

type boundCalls struct {
	calls    map[string]bool   // "file func first-argument"
	tables   []string          // the package's map[string]propSpec variables
	patterns map[string]string // the package's regexp variables: name -> pattern
}

// findBoundCalls reads the server's source for the calls that set a limit outside a property
// table (checkLength, body.integer, pInt) and for the property tables.
func findBoundCalls(t *testing.T) boundCalls {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := boundCalls{calls: map[string]bool{}, patterns: map[string]string{}}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name) //nolint:gosec // the package's own source
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					vs, ok := spec.(*ast.ValueSpec)
					if !ok {
						continue
					}
					for i, v := range vs.Values {
						if lit, ok := v.(*ast.CompositeLit); ok && isPropTable(src, fset, lit.Type) {
							out.tables = append(out.tables, vs.Names[i].Name)
						}
						if call, ok := v.(*ast.CallExpr); ok && len(call.Args) == 1 {
							if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "MustCompile" {
								lit, ok := call.Args[0].(*ast.BasicLit)
								if !ok {
									t.Fatalf("%s: %s is compiled from an expression the inventory cannot read", name, vs.Names[i].Name)
								}
								pattern, err := strconv.Unquote(lit.Value)
								if err != nil {
									t.Fatal(err)
								}
								out.patterns[vs.Names[i].Name] = pattern
							}
						}
					}
				}
			case *ast.FuncDecl:
				ast.Inspect(d, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok || len(call.Args) == 0 {
						return true
					}
					var fn string
					switch f := call.Fun.(type) {
					case *ast.Ident:
						fn = f.Name
					case *ast.SelectorExpr:
						fn = f.Sel.Name
					}
					if fn == "checkLength" || fn == "integer" || fn == "pInt" {
						if d.Name.Name == "checkLength" || d.Name.Name == "integer" || d.Name.Name == "pInt" {
							return true
						}
						arg := string(src[fset.Position(call.Args[0].Pos()).Offset:fset.Position(call.Args[0].End()).Offset])
						out.calls[name+" "+fn+" "+arg] = true
					}
					return true
				})
			}
		}
	}
	slices.Sort(out.tables)
	return out
}

func isPropTable(src []byte, fset *token.FileSet, typ ast.Expr) bool {
	if typ == nil {
		return false
	}
	return string(src[fset.Position(typ.Pos()).Offset:fset.Position(typ.End()).Offset]) == "map[string]propSpec"
}
