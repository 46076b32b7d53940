package provider

import (
	"context"
	"reflect"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The state codec reads and writes a resource's whole state as one of our
// flat models (a struct whose fields are all attr.Values tagged tfsdk) with
// the same result as tfsdk.State.Get and State.Set, but without the
// framework's generic reflection: that parses every field's tag, compiling
// a regular expression per field, on every call, which was the largest
// part of the provider's own CPU left on a no-op refresh (issue 11).
//
// The codec only takes its fast path when it is sure to produce exactly
// what the framework would: a known object state, a model whose tagged
// fields are exactly the schema's attributes, values of the field's own Go
// type and of the schema's Terraform type, and no diagnostics from a value
// that validates itself (validators.WholeNumber). Anything else falls back
// to the framework, which then reports the problem in its own words;
// nothing is ever silently dropped.

// codecField is one tagged field of a model: its index and attribute name.
type codecField struct {
	index int
	name  string
	typ   reflect.Type
}

// codecModel is what the codec knows of one model struct type; ok is false
// for a type it does not handle (unexported or untagged fields, embedded
// structs, fields that are not attr.Values), which always goes to the
// framework.
type codecModel struct {
	fields []codecField
	ok     bool
}

// codecModels caches a codecModel per struct reflect.Type.
var codecModels sync.Map

var attrValueType = reflect.TypeOf((*attr.Value)(nil)).Elem()

// modelFields returns the cached fields of the struct type t.
func modelFields(t reflect.Type) *codecModel {
	if m, ok := codecModels.Load(t); ok {
		return m.(*codecModel)
	}
	m := &codecModel{ok: true}
	seen := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, tagged := f.Tag.Lookup("tfsdk")
		// The framework skips "-" fields but rejects untagged exported
		// ones, embeds structs, and validates the tag; anything but a
		// plain tagged attr.Value field is left to it.
		if !tagged || tag == "-" || tag == "" || f.Anonymous || !f.IsExported() ||
			strings.ContainsAny(tag, ", ") || seen[tag] || !f.Type.Implements(attrValueType) || f.Type.Kind() == reflect.Interface {
			m.ok = false
			break
		}
		seen[tag] = true
		m.fields = append(m.fields, codecField{index: i, name: tag, typ: f.Type})
	}
	actual, _ := codecModels.LoadOrStore(t, m)
	return actual.(*codecModel)
}

// objectSchema is the part of a tfsdk.State's schema the codec uses.
type objectSchema interface {
	Type() attr.Type
}

// schemaAttrTypes returns the attribute types of the schema's object type
// and its Terraform type, or false.
func schemaAttrTypes(ctx context.Context, s any) (map[string]attr.Type, tftypes.Type, bool) {
	sch, ok := s.(objectSchema)
	if !ok || sch == nil {
		return nil, nil, false
	}
	typ := sch.Type()
	withAttrs, ok := typ.(attr.TypeWithAttributeTypes)
	if !ok {
		return nil, nil, false
	}
	return withAttrs.AttributeTypes(), typ.TerraformType(ctx), true
}

// structTarget returns the settable struct a Get fills, given a pointer to
// a struct or to a pointer to a struct, and whether the outer pointer must
// be pointed at a new struct.
func structTarget(target any) (reflect.Value, reflect.Type, bool) {
	v := reflect.ValueOf(target)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return reflect.Value{}, nil, false
	}
	e := v.Elem()
	switch {
	case e.Kind() == reflect.Struct:
		return e, e.Type(), true
	case e.Kind() == reflect.Pointer && e.Type().Elem().Kind() == reflect.Struct:
		return e, e.Type().Elem(), true
	}
	return reflect.Value{}, nil, false
}

// validates reports whether the framework's Get or Set would find any
// diagnostic validating v (tv in Terraform's terms) of type at at path p:
// a value that validates itself (validators.WholeNumber) or else a type
// with the deprecated Validate (basetypes.SetType has one). The codec then
// leaves the whole model to the framework, so that the diagnostics are
// exactly the framework's.
func validates(ctx context.Context, at attr.Type, v attr.Value, tv tftypes.Value, p path.Path) bool {
	if va, ok := v.(xattr.ValidateableAttribute); ok {
		resp := xattr.ValidateAttributeResponse{}
		va.ValidateAttribute(ctx, xattr.ValidateAttributeRequest{Path: p}, &resp)
		return len(resp.Diagnostics) > 0
	}
	//nolint:staticcheck // the framework still runs the deprecated TypeWithValidate, so the codec does too.
	if tw, ok := at.(xattr.TypeWithValidate); ok {
		return len(tw.Validate(ctx, tv, p)) > 0
	}
	return false
}

// getState is req.State.Get(ctx, target): target points at a model struct
// or at a pointer to one.
func getState(ctx context.Context, s tfsdk.State, target any) diag.Diagnostics {
	if fastGet(ctx, s.Schema, s.Raw, target) {
		return nil
	}
	return s.Get(ctx, target)
}

// fastGet fills target from raw as the framework's Get would, or reports
// false having changed nothing.
func fastGet(ctx context.Context, schema any, raw tftypes.Value, target any) bool {
	dst, structType, ok := structTarget(target)
	if !ok || !raw.IsKnown() || raw.IsNull() || !raw.Type().Is(tftypes.Object{}) {
		return false
	}
	m := modelFields(structType)
	if !m.ok {
		return false
	}
	attrTypes, _, ok := schemaAttrTypes(ctx, schema)
	if !ok {
		return false
	}
	var vals map[string]tftypes.Value
	if err := raw.As(&vals); err != nil || len(vals) != len(m.fields) || len(attrTypes) != len(m.fields) {
		return false
	}
	result := reflect.New(structType).Elem()
	for _, f := range m.fields {
		tv, ok := vals[f.name]
		at := attrTypes[f.name]
		if !ok || at == nil {
			return false
		}
		v, err := at.ValueFromTerraform(ctx, tv)
		if err != nil || v == nil || reflect.TypeOf(v) != f.typ || validates(ctx, at, v, tv, path.Root(f.name)) {
			// Not assignable (or the framework would report something):
			// State.Get does this model and says what is wrong.
			return false
		}
		result.Field(f.index).Set(reflect.ValueOf(v))
	}
	if dst.Kind() == reflect.Pointer {
		p := reflect.New(structType)
		p.Elem().Set(result)
		dst.Set(p)
	} else {
		dst.Set(result)
	}
	return true
}

// setState is resp.State.Set(ctx, val): val is a model struct or a
// non-nil pointer to one.
func setState(ctx context.Context, s *tfsdk.State, val any) diag.Diagnostics {
	if raw, ok := fastSet(ctx, s.Schema, val); ok {
		s.Raw = raw
		return nil
	}
	return s.Set(ctx, val)
}

// fastSet returns the state value the framework's Set would make of val,
// or false.
func fastSet(ctx context.Context, schema any, val any) (tftypes.Value, bool) {
	v := reflect.ValueOf(val)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return tftypes.Value{}, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return tftypes.Value{}, false
	}
	m := modelFields(v.Type())
	if !m.ok {
		return tftypes.Value{}, false
	}
	attrTypes, objType, ok := schemaAttrTypes(ctx, schema)
	if !ok || len(attrTypes) != len(m.fields) {
		return tftypes.Value{}, false
	}
	vals := make(map[string]tftypes.Value, len(m.fields))
	for _, f := range m.fields {
		at := attrTypes[f.name]
		if at == nil {
			return tftypes.Value{}, false
		}
		av, ok := v.Field(f.index).Interface().(attr.Value)
		if !ok || av == nil {
			return tftypes.Value{}, false
		}
		tv, err := av.ToTerraformValue(ctx)
		tt := at.TerraformType(ctx)
		// The framework requires the value's type to be the schema's
		// (and a dynamic attribute is left to it).
		if err != nil || tt.Is(tftypes.DynamicPseudoType) || !tv.Type().Equal(tt) || validates(ctx, at, av, tv, path.Root(f.name)) {
			return tftypes.Value{}, false
		}
		vals[f.name] = tv
	}
	if err := tftypes.ValidateValue(objType, vals); err != nil {
		return tftypes.Value{}, false
	}
	return tftypes.NewValue(objType, vals), true
}
