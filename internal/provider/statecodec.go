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

// The state codec (DESIGN.md, "The framework's reflection") learns a model
// type once, from the first schema it is used with: a model struct is the
// model of one schema. Anything it is not sure to do exactly as the
// framework would goes to the framework, which reports it in its own words.

type codecField struct {
	index    int
	name     string
	goType   reflect.Type
	attrType attr.Type
	tfType   tftypes.Type
	path     path.Path
}

// codecModel is what the codec knows of one model struct type; ok is false
// for a type it leaves to the framework.
type codecModel struct {
	ok      bool
	fields  []codecField
	objType tftypes.Object
}

var codecModels sync.Map

var attrValueType = reflect.TypeFor[attr.Value]()

type objectSchema interface {
	Type() attr.Type
}

func modelCodec(ctx context.Context, t reflect.Type, schema any) *codecModel {
	if m, ok := codecModels.Load(t); ok {
		return m.(*codecModel)
	}
	sch, ok := schema.(objectSchema)
	if !ok {
		// Not cached, so that a later call with a schema still learns.
		return &codecModel{}
	}
	m := learnModel(ctx, t, sch)
	actual, _ := codecModels.LoadOrStore(t, m)
	return actual.(*codecModel)
}

func learnModel(ctx context.Context, t reflect.Type, schema objectSchema) *codecModel {
	no := &codecModel{}
	typ := schema.Type()
	withAttrs, ok := typ.(attr.TypeWithAttributeTypes)
	if !ok {
		return no
	}
	objType, ok := typ.TerraformType(ctx).(tftypes.Object)
	if !ok || len(objType.OptionalAttributes) > 0 {
		return no
	}
	attrTypes := withAttrs.AttributeTypes()
	m := &codecModel{ok: true, objType: objType}
	seen := make(map[string]bool, len(attrTypes))
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, tagged := f.Tag.Lookup("tfsdk")
		at := attrTypes[tag]
		// The framework skips "-" fields, rejects untagged exported ones,
		// embeds structs and validates tags: all of that is left to it.
		if !tagged || tag == "-" || tag == "" || f.Anonymous || !f.IsExported() ||
			strings.ContainsAny(tag, ", ") || !f.Type.Implements(attrValueType) || f.Type.Kind() == reflect.Interface ||
			at == nil || seen[tag] || objType.AttributeTypes[tag].Is(tftypes.DynamicPseudoType) {
			return no
		}
		seen[tag] = true
		m.fields = append(m.fields, codecField{index: i, name: tag, goType: f.Type, attrType: at, tfType: objType.AttributeTypes[tag], path: path.Root(tag)})
	}
	if len(m.fields) != len(attrTypes) || len(attrTypes) != len(objType.AttributeTypes) {
		return no
	}
	return m
}

// validates reports whether the framework's Get or Set would find a
// diagnostic validating v: the codec then leaves the whole model to the
// framework, so that the diagnostics are exactly the framework's.
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

// nullObject is the schema's object with every attribute null and typed
// as the schema says (a zero model has sets without element types).
func nullObject(ctx context.Context, schema objectSchema) tftypes.Value {
	typ := schema.Type().TerraformType(ctx)
	obj, ok := typ.(tftypes.Object)
	if !ok {
		return tftypes.NewValue(typ, nil)
	}
	vals := make(map[string]tftypes.Value, len(obj.AttributeTypes))
	for name, t := range obj.AttributeTypes {
		vals[name] = tftypes.NewValue(t, nil)
	}
	return tftypes.NewValue(obj, vals)
}

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

// fastGet fills target as the framework's Get would, or reports false
// having changed nothing.
func fastGet(ctx context.Context, schema any, raw tftypes.Value, target any) bool {
	dst, structType, ok := structTarget(target)
	if !ok || !raw.IsKnown() || raw.IsNull() {
		return false
	}
	m := modelCodec(ctx, structType, schema)
	if !m.ok || !raw.Type().Equal(m.objType) {
		return false
	}
	var vals map[string]tftypes.Value
	if err := raw.As(&vals); err != nil || len(vals) != len(m.fields) {
		return false
	}
	result := reflect.New(structType)
	fields := result.Elem()
	for _, f := range m.fields {
		tv, ok := vals[f.name]
		if !ok {
			return false
		}
		v, err := f.attrType.ValueFromTerraform(ctx, tv)
		if err != nil || v == nil || reflect.TypeOf(v) != f.goType || validates(ctx, f.attrType, v, tv, f.path) {
			return false
		}
		fields.Field(f.index).Set(reflect.ValueOf(v))
	}
	if dst.Kind() == reflect.Pointer {
		dst.Set(result)
	} else {
		dst.Set(fields)
	}
	return true
}

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
	m := modelCodec(ctx, v.Type(), schema)
	if !m.ok {
		return tftypes.Value{}, false
	}
	vals := make(map[string]tftypes.Value, len(m.fields))
	for _, f := range m.fields {
		av, ok := v.Field(f.index).Interface().(attr.Value)
		if !ok || av == nil {
			return tftypes.Value{}, false
		}
		tv, err := av.ToTerraformValue(ctx)
		if err != nil || !tv.Type().Equal(f.tfType) || validates(ctx, f.attrType, av, tv, f.path) {
			return tftypes.Value{}, false
		}
		vals[f.name] = tv
	}
	return tftypes.NewValue(m.objType, vals), true
}

func getThrough(ctx context.Context, schema any, raw tftypes.Value, get func(context.Context, any) diag.Diagnostics, target any) diag.Diagnostics {
	if fastGet(ctx, schema, raw, target) {
		return nil
	}
	return get(ctx, target)
}

func setThrough(ctx context.Context, schema any, raw *tftypes.Value, set func(context.Context, any) diag.Diagnostics, val any) diag.Diagnostics {
	if v, ok := fastSet(ctx, schema, val); ok {
		*raw = v
		return nil
	}
	return set(ctx, val)
}

func getState(ctx context.Context, s tfsdk.State, target any) diag.Diagnostics {
	return getThrough(ctx, s.Schema, s.Raw, s.Get, target)
}

func getPlan(ctx context.Context, p tfsdk.Plan, target any) diag.Diagnostics {
	return getThrough(ctx, p.Schema, p.Raw, p.Get, target)
}

func setState(ctx context.Context, s *tfsdk.State, val any) diag.Diagnostics {
	return setThrough(ctx, s.Schema, &s.Raw, s.Set, val)
}

func setResource(ctx context.Context, r *tfsdk.Resource, val any) diag.Diagnostics {
	return setThrough(ctx, r.Schema, &r.Raw, r.Set, val)
}

func setIdentityValue(ctx context.Context, id *tfsdk.ResourceIdentity, val any) diag.Diagnostics {
	return setThrough(ctx, id.Schema, &id.Raw, id.Set, val)
}
