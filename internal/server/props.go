package server

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// propSpec describes a property the server only checks, stores and
// returns: SDKs send many more properties than the server acts on. It has
// no enums: every body is checked against its route's schema in Auth0's
// spec first (readBody), whose enums are the same, so a table's enum could
// never refuse anything (TestEnumsRefusedBySpec).
type propSpec struct {
	typ      string              // JSON type: string, boolean, integer, number, array, object
	lo, hi   float64             // range of an integer or number (when ranged)
	ranged   bool                // lo and hi apply
	items    *propSpec           // type of an array's elements; nil = any
	props    map[string]propSpec // known properties of an object, others refused; nil = any object
	values   *propSpec           // type of every value of an object (a map); nil = any
	nullable bool                // null is accepted and removes the property
}

func pString() propSpec    { return propSpec{typ: "string"} }
func pBool() propSpec      { return propSpec{typ: "boolean"} }
func pStrings() propSpec   { s := pString(); return propSpec{typ: "array", items: &s} }
func pAnyObject() propSpec { return propSpec{typ: "object"} }
func pObject(props map[string]propSpec) propSpec {
	return propSpec{typ: "object", props: props}
}
func pArray(items propSpec) propSpec { return propSpec{typ: "array", items: &items} }
func pMap(values propSpec) propSpec  { return propSpec{typ: "object", values: &values} }

// pInteger is an integer whose bounds only the spec's schema checks.
func pInteger() propSpec { return propSpec{typ: "integer"} }

// pInt is an integer the server bounds beyond the spec's schema.
func pInt(lo, hi int64) propSpec {
	return propSpec{typ: "integer", lo: float64(lo), hi: float64(hi), ranged: true}
}

// pNumber is a number whose bounds only the spec's schema checks.
func pNumber() propSpec { return propSpec{typ: "number"} }

func (p propSpec) orNull() propSpec {
	p.nullable = true
	return p
}

func checkValue(name string, raw json.RawMessage, spec propSpec) error {
	t := jsonType(raw)
	if t == "null" {
		if spec.nullable {
			return nil
		}
		return errType(name, spec.typ, raw)
	}
	switch spec.typ {
	case "string":
		var v string
		if t != "string" || json.Unmarshal(raw, &v) != nil {
			return errType(name, "string", raw)
		}
	case "boolean":
		if t != "boolean" {
			return errType(name, "boolean", raw)
		}
	case "integer", "number":
		if t != "integer" && (spec.typ == "integer" || t != "number") {
			return errType(name, spec.typ, raw)
		}
		v, err := strconv.ParseFloat(string(bytes.TrimSpace(raw)), 64)
		if err != nil || math.IsInf(v, 0) || (spec.ranged && (v < spec.lo || v > spec.hi)) {
			return errProperty(name, "Value must be between "+formatNumber(spec.lo)+" and "+formatNumber(spec.hi))
		}
	case "array":
		items, err := decodeArray(raw)
		if t != "array" || err != nil {
			return errType(name, "array", raw)
		}
		if spec.items != nil {
			for i, it := range items {
				if err := checkValue(name+"["+strconv.Itoa(i)+"]", it, *spec.items); err != nil {
					return err
				}
			}
		}
	case "object":
		var fields map[string]json.RawMessage
		if t != "object" || json.Unmarshal(raw, &fields) != nil {
			return errType(name, "object", raw)
		}
		for _, k := range sortedKeys(fields) {
			sub, known := spec.props[k]
			switch {
			case spec.props != nil && !known:
				return errProperty(name, "Additional properties not allowed: "+k)
			case known:
				if err := checkValue(name+"."+k, fields[k], sub); err != nil {
					return err
				}
			case spec.values != nil:
				if err := checkValue(name+"."+k, fields[k], *spec.values); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// extras holds an object's stored-only properties, as compact JSON.
type extras map[string]json.RawMessage

func schemaNames(schema map[string]propSpec) []string {
	return sortedKeys(schema)
}

// applyExtras records the properties of b that schema names in *dst; null
// removes one. Names are checked in order, so the first error is
// reproducible.
func applyExtras(b *body, schema map[string]propSpec, dst *extras) error {
	for _, name := range sortedKeys(b.fields) {
		spec, ok := schema[name]
		if !ok {
			continue
		}
		raw := b.fields[name]
		if err := checkValue(name, raw, spec); err != nil {
			return err
		}
		if jsonType(raw) == "null" {
			delete(*dst, name)
			continue
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return errType(name, spec.typ, raw)
		}
		if *dst == nil {
			*dst = extras{}
		}
		(*dst)[name] = buf.Bytes()
	}
	if len(*dst) == 0 {
		*dst = nil
	}
	return nil
}

// withExtras splices stored-only properties into v's JSON object, where
// the real service returns them.
type withExtras struct {
	v     any
	extra extras
}

// renderWithExtras spares the common case, nothing to splice in, a second
// encoding.
func renderWithExtras(v any, extra extras) any {
	if len(extra) == 0 {
		return v
	}
	return withExtras{v: v, extra: extra}
}

func (w withExtras) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(w.v)
	if err != nil || len(w.extra) == 0 {
		return b, err
	}
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[len(b)-1] != '}' {
		return b, nil
	}
	out := append([]byte(nil), b[:len(b)-1]...)
	empty := len(bytes.TrimSpace(out)) == 1 // just "{"
	for _, k := range sortedKeys(w.extra) {
		if !empty {
			out = append(out, ',')
		}
		empty = false
		key, _ := json.Marshal(k) // a string always marshals
		out = append(out, key...)
		out = append(out, ':')
		out = append(out, w.extra[k]...)
	}
	return append(out, '}'), nil
}

type projection struct {
	fields  []string
	include bool
	kept    []string // answered whatever fields says
}

// projection parses fields and include_fields (true, the default, keeps
// only those fields; false drops them); nil when no fields are named.
func (c *call) projection() (*projection, error) {
	q := c.r.URL.Query()
	p := &projection{include: true}
	if vs, ok := q["include_fields"]; ok {
		switch vs[0] {
		case "true":
		case "false":
			p.include = false
		default:
			return nil, errInvalidQuery("Query validation error: 'Expected type boolean but found type string' on property include_fields.")
		}
	}
	for _, f := range strings.Split(q.Get("fields"), ",") {
		if f = strings.TrimSpace(f); f != "" {
			p.fields = append(p.fields, f)
		}
	}
	if len(p.fields) == 0 {
		return nil, nil
	}
	return p, nil
}

func (p *projection) apply(v any) (any, error) {
	if p == nil {
		return v, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k := range m {
		if contains(p.fields, k) != p.include && !contains(p.kept, k) {
			delete(m, k)
		}
	}
	return m, nil
}

func (c *call) jsonProjected(v any, kept ...string) error {
	p, err := c.projection()
	if err != nil {
		return err
	}
	if p != nil {
		p.kept = kept
	}
	out, err := p.apply(v)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, out)
}
