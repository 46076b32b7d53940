package validators

import (
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// fromNumber converts a Terraform number with a WholeNumberType.
func fromNumber(t *testing.T, typ WholeNumberType, n *big.Float) WholeNumber {
	t.Helper()
	v, err := typ.ValueFromTerraform(t.Context(), tftypes.NewValue(tftypes.Number, n))
	if err != nil {
		t.Fatalf("ValueFromTerraform(%s): %v", n, err)
	}
	w, ok := v.(WholeNumber)
	if !ok {
		t.Fatalf("ValueFromTerraform(%s) returned a %T", n, v)
	}
	return w
}

// validate runs the value's own validation at path p and returns the
// errors as "summary: detail".
func validate(t *testing.T, v WholeNumber, p path.Path) string {
	t.Helper()
	resp := &xattr.ValidateAttributeResponse{}
	v.ValidateAttribute(t.Context(), xattr.ValidateAttributeRequest{Path: p}, resp)
	var out []string
	for _, d := range resp.Diagnostics.Errors() {
		out = append(out, d.Summary()+": "+d.Detail())
	}
	return strings.Join(out, "; ")
}

func TestWholeNumberIntegers(t *testing.T) {
	ctx := t.Context()
	typ := WholeNumberType{Unit: "seconds"}
	for _, n := range []int64{0, 1, -1, 3600, 2592000, 1<<53 + 1, -1 << 63, 1<<63 - 1} {
		in := new(big.Float).SetInt64(n)
		v := fromNumber(t, typ, in)
		if got := validate(t, v, path.Root("token_lifetime")); got != "" {
			t.Errorf("%d: %s", n, got)
		}
		if v.IsNull() || v.IsUnknown() || v.ValueInt64() != n {
			t.Errorf("%d: read back as %s (null %t, unknown %t)", n, v, v.IsNull(), v.IsUnknown())
		}
		if !v.Equal(WholeNumberValue(n)) {
			t.Errorf("%d: not Equal to WholeNumberValue(%d)", n, n)
		}
		i64, diags := v.ToInt64Value(ctx)
		if diags.HasError() || !i64.Equal(types.Int64Value(n)) {
			t.Errorf("%d: ToInt64Value = %s, %v", n, i64, diags)
		}
		// The state keeps the same number.
		tf, err := v.ToTerraformValue(ctx)
		if err != nil || !tf.Equal(tftypes.NewValue(tftypes.Number, in)) {
			t.Errorf("%d: ToTerraformValue = %s, %v", n, tf, err)
		}
	}
}

func TestWholeNumberNullAndUnknown(t *testing.T) {
	ctx := t.Context()
	null, err := WholeNumberType{}.ValueFromTerraform(ctx, tftypes.NewValue(tftypes.Number, nil))
	if err != nil || !null.IsNull() || !null.Equal(WholeNumberNull()) {
		t.Errorf("null: %v, %v", null, err)
	}
	unknown, err := WholeNumberType{}.ValueFromTerraform(ctx, tftypes.NewValue(tftypes.Number, tftypes.UnknownValue))
	if err != nil || !unknown.IsUnknown() || !unknown.Equal(WholeNumberUnknown()) {
		t.Errorf("unknown: %v, %v", unknown, err)
	}
	if got := validate(t, WholeNumberNull(), path.Root("x")) + validate(t, WholeNumberUnknown(), path.Root("x")); got != "" {
		t.Errorf("null or unknown reported: %s", got)
	}
	if _, err := (WholeNumberType{}).ValueFromTerraform(ctx, tftypes.NewValue(tftypes.String, "3")); err == nil {
		t.Errorf("a string converted without error")
	}
}

func TestWholeNumberNotInteger(t *testing.T) {
	cases := []struct {
		typ  WholeNumberType
		path path.Path
		in   *big.Float
		want string
	}{
		{WholeNumberType{Unit: "seconds"}, path.Root("token_lifetime"), big.NewFloat(3600.5),
			"Not a Whole Number: token_lifetime must be a whole number of seconds, got 3600.5."},
		{WholeNumberType{}, path.Root("max_retries"), big.NewFloat(2.25),
			"Not a Whole Number: max_retries must be a whole number, got 2.25."},
		{WholeNumberType{}, path.Root("v"), big.NewFloat(-0.001),
			"Not a Whole Number: v must be a whole number, got -0.001."},
		{WholeNumberType{}, path.Root("v"), big.NewFloat(1234567.5),
			"Not a Whole Number: v must be a whole number, got 1234567.5."},
		{WholeNumberType{}, path.Root("v"), new(big.Float).SetFloat64(1e19),
			"Number Too Large: v must be a whole number between -9223372036854775808 and 9223372036854775807, got 10000000000000000000."},
		{WholeNumberType{}, path.Root("v"), new(big.Float).SetFloat64(-1e300),
			"Number Too Large: v must be a whole number between -9223372036854775808 and 9223372036854775807, got -1e+300."},
	}
	for _, tc := range cases {
		v := fromNumber(t, tc.typ, tc.in)
		if got := validate(t, v, tc.path); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.in, got, tc.want)
		}
		// Nothing downstream mistakes it for a number it is not.
		if !v.IsUnknown() || v.Equal(WholeNumberValue(v.ValueInt64())) {
			t.Errorf("%s: reads as a known number %s", tc.in, v.Int64Value)
		}
		if !v.Equal(fromNumber(t, tc.typ, tc.in)) {
			t.Errorf("%s: not Equal to itself", tc.in)
		}
		tf, err := v.ToTerraformValue(t.Context())
		if err != nil || !tf.Equal(tftypes.NewValue(tftypes.Number, tc.in)) {
			t.Errorf("%s: ToTerraformValue = %s, %v", tc.in, tf, err)
		}
	}
}

func TestWholeNumberTypeAndEquality(t *testing.T) {
	ctx := t.Context()
	if !(WholeNumberType{Unit: "seconds"}).Equal(WholeNumberType{}) {
		t.Errorf("the unit makes a different type")
	}
	if (WholeNumberType{}).Equal(basetypes.Int64Type{}) || (basetypes.Int64Type{}).Equal(WholeNumberType{}) {
		t.Errorf("WholeNumberType equals Int64Type")
	}
	if !(WholeNumberType{}).TerraformType(ctx).Equal(tftypes.Number) {
		t.Errorf("Terraform type is %s, want number: the state would change", WholeNumberType{}.TerraformType(ctx))
	}
	if WholeNumberValue(1).Equal(types.Int64Value(1)) {
		t.Errorf("a WholeNumber equals a types.Int64")
	}
	if WholeNumberValue(1).Equal(WholeNumberValue(2)) || !WholeNumberValue(2).Equal(WholeNumberValue(2)) {
		t.Errorf("Equal compares the wrong thing")
	}
	v, diags := WholeNumberType{}.ValueFromInt64(ctx, types.Int64Value(86400))
	if diags.HasError() || !v.(attr.Value).Equal(WholeNumberValue(86400)) {
		t.Errorf("ValueFromInt64 = %v, %v", v, diags)
	}
	if _, ok := WholeNumberValue(1).Type(ctx).(WholeNumberType); !ok {
		t.Errorf("Type() is %T", WholeNumberValue(1).Type(ctx))
	}
}

// Through the framework, as Terraform's validation and the CRUD read the
// configuration: a fraction is one clear error at the attribute's path, and
// a whole number lands in the model as the Int64 it is.
func TestWholeNumberInSchema(t *testing.T) {
	ctx := t.Context()
	s := schema.Schema{Attributes: map[string]schema.Attribute{
		"token_lifetime": schema.Int64Attribute{Optional: true, CustomType: WholeNumberType{Unit: "seconds"}},
	}}
	objType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"token_lifetime": tftypes.Number}}
	config := func(n *big.Float) tfsdk.Config {
		return tfsdk.Config{Schema: s, Raw: tftypes.NewValue(objType, map[string]tftypes.Value{
			"token_lifetime": tftypes.NewValue(tftypes.Number, n),
		})}
	}
	var model struct {
		TokenLifetime WholeNumber `tfsdk:"token_lifetime"`
	}

	diags := config(big.NewFloat(3600.5)).Get(ctx, &model)
	if len(diags) != 1 || !diags[0].Equal(diagAt("token_lifetime", "token_lifetime must be a whole number of seconds, got 3600.5.")) {
		t.Errorf("Get of 3600.5: %v", diags)
	}
	var attrValue WholeNumber
	diags = config(big.NewFloat(3600.5)).GetAttribute(ctx, path.Root("token_lifetime"), &attrValue)
	if len(diags) != 1 || !diags[0].Equal(diagAt("token_lifetime", "token_lifetime must be a whole number of seconds, got 3600.5.")) {
		t.Errorf("GetAttribute of 3600.5: %v", diags)
	}

	if diags := config(big.NewFloat(3600)).Get(ctx, &model); diags.HasError() || model.TokenLifetime.ValueInt64() != 3600 {
		t.Errorf("Get of 3600: %v, %s", diags, model.TokenLifetime)
	}
}

func diagAt(attribute, detail string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root(attribute), "Not a Whole Number", detail)
}
