// Package spectest checks whole Management API requests (path, method, query parameters and
// body) against the extract of Auth0's published specification that package oas holds. It is
// for tests: no production code imports it.
package spectest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/idp-terraform/terraform-provider-idp/internal/oas"
)

// Spec is the loaded extract with its schemas compiled.
type Spec struct {
	paths []*pathItem
}

type pathItem struct {
	template string   // e.g. "/clients/{id}"
	segments []string // the template split at "/"
	ops      map[string]*operation
}

type operation struct {
	scopes []string
	params map[string]*param // "query:name" or "path:name"
	body   bool              // has a JSON request body schema
}

type param struct {
	name, in string
	required bool
	kind     string // the schema's type: string, integer, boolean, array
	schema   *jsonschema.Schema
}

var (
	loadOnce sync.Once
	loaded   *Spec
	errLoad  error
)

// Load returns the extract, compiled once per process.
func Load() (*Spec, error) {
	loadOnce.Do(func() { loaded, errLoad = load() })
	return loaded, errLoad
}

type rawSpec struct {
	Paths map[string]map[string]struct {
		Scopes     []string `json:"scopes"`
		Parameters []struct {
			Name     string         `json:"name"`
			In       string         `json:"in"`
			Required bool           `json:"required"`
			Schema   map[string]any `json:"schema"`
		} `json:"parameters"`
		RequestBody *struct {
			Content map[string]json.RawMessage `json:"content"`
		} `json:"requestBody"`
	} `json:"paths"`
}

func load() (*Spec, error) {
	var raw rawSpec
	if err := json.Unmarshal(oas.Extract(), &raw); err != nil {
		return nil, fmt.Errorf("spectest: reading the extract: %w", err)
	}
	c, err := oas.NewCompiler()
	if err != nil {
		return nil, err
	}
	compile := func(ptr ...string) (*jsonschema.Schema, error) { return c.Compile(oas.Pointer(ptr...)) }

	s := &Spec{}
	templates := make([]string, 0, len(raw.Paths))
	for t := range raw.Paths {
		templates = append(templates, t)
	}
	sort.Strings(templates)
	for _, t := range templates {
		item := &pathItem{template: t, segments: strings.Split(strings.TrimPrefix(t, "/"), "/"), ops: map[string]*operation{}}
		for method, op := range raw.Paths[t] {
			o := &operation{scopes: op.Scopes, params: map[string]*param{}}
			for i, p := range op.Parameters {
				sch, err := compile("paths", t, method, "parameters", strconv.Itoa(i), "schema")
				if err != nil {
					return nil, fmt.Errorf("spectest: %s %s parameter %s: %w", method, t, p.Name, err)
				}
				kind, _ := p.Schema["type"].(string)
				o.params[p.In+":"+p.Name] = &param{name: p.Name, in: p.In, required: p.Required, kind: kind, schema: sch}
			}
			if op.RequestBody != nil {
				_, o.body = op.RequestBody.Content["application/json"]
			}
			item.ops[method] = o
		}
		s.paths = append(s.paths, item)
	}
	return s, nil
}

// Covers says whether the path (after the tenant's /api/v2) is one the extract describes;
// the tenant endpoints (/tenants/{id}), which the public spec does not have, are not.
func (s *Spec) Covers(apiPath string) bool {
	item, _ := s.match(apiPath)
	return item != nil
}

// match finds the path item for an escaped API path such as "/clients/abc"; a literal
// segment wins over a parameter.
func (s *Spec) match(apiPath string) (*pathItem, map[string]string) {
	segs := strings.Split(strings.TrimPrefix(apiPath, "/"), "/")
	var best *pathItem
	var bestVars map[string]string
	bestLiterals := -1
	for _, item := range s.paths {
		if len(item.segments) != len(segs) {
			continue
		}
		vars, literals, ok := map[string]string{}, 0, true
		for i, ts := range item.segments {
			if strings.HasPrefix(ts, "{") {
				v, err := url.PathUnescape(segs[i])
				if err != nil || v == "" {
					ok = false
					break
				}
				vars[strings.Trim(ts, "{}")] = v
				continue
			}
			if ts != segs[i] {
				ok = false
				break
			}
			literals++
		}
		if ok && literals > bestLiterals {
			best, bestVars, bestLiterals = item, vars, literals
		}
	}
	return best, bestVars
}

// CheckRequest returns every way a request differs from the spec: an unknown path or
// method, an unknown, missing or invalid parameter, or a body its schema refuses. apiPath
// is the escaped path after /api/v2.
func (s *Spec) CheckRequest(method, apiPath string, query url.Values, contentType string, body []byte) []string {
	item, vars := s.match(apiPath)
	if item == nil {
		return []string{fmt.Sprintf("%s %s: no such path in the spec", method, apiPath)}
	}
	op := item.ops[method]
	if op == nil {
		return []string{fmt.Sprintf("%s %s: the spec has no %s on %s", method, apiPath, method, item.template)}
	}
	where := method + " " + item.template // the spec's own template, as oas.Beyond names it
	var problems []string
	for name, v := range vars {
		if p := op.params["path:"+name]; p != nil {
			problems = append(problems, p.check(where, v)...)
		}
	}
	for name, vs := range query {
		p := op.params["query:"+name]
		if p == nil {
			problems = append(problems, fmt.Sprintf("%s: unknown query parameter %q", where, name))
			continue
		}
		for _, v := range vs {
			problems = append(problems, p.check(where, v)...)
		}
	}
	for _, p := range op.params {
		if p.in == "query" && p.required && !query.Has(p.name) {
			problems = append(problems, fmt.Sprintf("%s: missing required query parameter %q", where, p.name))
		}
	}
	if len(body) > 0 {
		problems = append(problems, checkBody(where, op, contentType, body)...)
	}
	slices.Sort(problems)
	return problems
}

func checkBody(where string, op *operation, contentType string, body []byte) []string {
	if !op.body {
		return []string{fmt.Sprintf("%s: the spec takes no JSON body here", where)}
	}
	if ct, _, _ := strings.Cut(contentType, ";"); strings.TrimSpace(ct) != "application/json" {
		return []string{fmt.Sprintf("%s: body sent as %q, not application/json", where, contentType)}
	}
	method, template, _ := strings.Cut(where, " ")
	problem, err := oas.ValidateBody(method, template, body)
	if err != nil {
		return []string{fmt.Sprintf("%s: body is not JSON: %v", where, err)}
	}
	if problem == nil {
		return nil
	}
	// The body itself stays out of the message: it may hold a secret.
	if problem.Property == "" {
		return []string{fmt.Sprintf("%s: body: %s", where, problem.Message)}
	}
	return []string{fmt.Sprintf("%s: body: %s on property %s", where, problem.Message, problem.Property)}
}

// check validates one parameter value, read as the JSON type its schema declares.
func (p *param) check(where, raw string) []string {
	var v any = raw
	switch p.kind {
	case "integer", "number":
		n, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return []string{fmt.Sprintf("%s: %s parameter %q = %q is not a number", where, p.in, p.name, raw)}
		}
		v = n
	case "boolean":
		b, err := strconv.ParseBool(raw)
		if err != nil || (raw != "true" && raw != "false") {
			return []string{fmt.Sprintf("%s: %s parameter %q = %q is not true or false", where, p.in, p.name, raw)}
		}
		v = b
	case "array":
		items := []any{}
		for _, s := range strings.Split(raw, ",") {
			items = append(items, s)
		}
		v = items
	}
	if err := p.schema.Validate(v); err != nil {
		return []string{fmt.Sprintf("%s: %s parameter %q = %q: %s", where, p.in, p.name, raw, oneLine(err))}
	}
	return nil
}

// Scopes returns the scopes the spec lists for an operation (any one of them suffices).
func (s *Spec) Scopes(method, apiPath string) []string {
	item, _ := s.match(apiPath)
	if item == nil || item.ops[method] == nil {
		return nil
	}
	return item.ops[method].scopes
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(fmt.Sprintf("%v", err)), " ")
}

// BodySchema returns an operation's JSON request body schema as plain JSON values with every
// $ref resolved (a recursive reference is left as {"$ref": ...}), or nil. template is the
// spec's path, e.g. "/clients/{id}".
func BodySchema(method, template string) map[string]any {
	var doc map[string]any
	if err := json.Unmarshal(oas.Extract(), &doc); err != nil {
		return nil
	}
	body := dig(doc, "paths", template, method, "requestBody", "content", "application/json")
	m, _ := resolve(doc, body, map[string]bool{}).(map[string]any)
	return m
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func resolve(doc map[string]any, v any, seen map[string]bool) any {
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok && strings.HasPrefix(ref, "#/components/schemas/") {
			name := strings.TrimPrefix(ref, "#/components/schemas/")
			if seen[name] {
				return x
			}
			seen[name] = true
			defer delete(seen, name)
			target := resolve(doc, dig(doc, "components", "schemas", name), seen)
			if len(x) == 1 {
				return target
			}
			// Siblings of a $ref (OpenAPI 3.1) apply too: merge them over the target.
			merged := map[string]any{}
			if t, ok := target.(map[string]any); ok {
				for k, v := range t {
					merged[k] = v
				}
			}
			for k, v := range x {
				if k != "$ref" {
					merged[k] = resolve(doc, v, seen)
				}
			}
			return merged
		}
		out := make(map[string]any, len(x))
		for k, v := range x {
			out[k] = resolve(doc, v, seen)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, v := range x {
			out[i] = resolve(doc, v, seen)
		}
		return out
	}
	return v
}

// CheckResponse returns how a JSON response to a request on apiPath differs from the schema the
// spec gives its status (nothing for a path or status the spec does not describe).
func (s *Spec) CheckResponse(method, apiPath string, status int, body []byte) []string {
	item, _ := s.match(apiPath)
	if item == nil || item.ops[method] == nil || len(body) == 0 {
		return nil
	}
	where := method + " " + item.template
	problem, err := oas.ValidateResponse(method, item.template, status, body)
	switch {
	case err != nil:
		return []string{fmt.Sprintf("%s: response %d is not JSON: %v", where, status, err)}
	case problem == nil:
		return nil
	case problem.Property == "":
		return []string{fmt.Sprintf("%s: response %d: %s", where, status, problem.Message)}
	}
	return []string{fmt.Sprintf("%s: response %d: %s on property %s", where, status, problem.Message, problem.Property)}
}
