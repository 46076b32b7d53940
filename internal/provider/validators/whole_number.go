package validators

import (
	"context"
	"fmt"
	"math"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Terraform has one number type, so `token_lifetime = 3600.5` reaches the provider as a valid
// number, which basetypes.Int64Type refuses while converting the configuration with an error
// that blames the provider ("%!s(*big.Float=3600.5)"). WholeNumberType accepts it, and its
// ValidateAttribute reports it at the attribute's path in words; a whole number is an Int64
// like any other.

var (
	_ basetypes.Int64Typable      = WholeNumberType{}
	_ basetypes.Int64Valuable     = WholeNumber{}
	_ xattr.ValidateableAttribute = WholeNumber{}
)

// WholeNumberType is the CustomType of an Int64Attribute whose users may write a fraction;
// Unit names what the number counts, for the error message.
type WholeNumberType struct {
	basetypes.Int64Type
	Unit string
}

// Equal reports whether o is a WholeNumberType; the unit only words an error message.
func (t WholeNumberType) Equal(o attr.Type) bool {
	_, ok := o.(WholeNumberType)
	return ok
}

func (t WholeNumberType) String() string { return "validators.WholeNumberType" }

// ValueType returns the value type of the attribute: WholeNumber.
func (t WholeNumberType) ValueType(context.Context) attr.Value { return WholeNumber{} }

// ValueFromInt64 wraps an Int64 value, for defaults and plan modifiers.
func (t WholeNumberType) ValueFromInt64(_ context.Context, v basetypes.Int64Value) (basetypes.Int64Valuable, diag.Diagnostics) {
	return WholeNumber{Int64Value: v}, nil
}

// ValueFromTerraform converts a Terraform number; one not an int64 is left to ValidateAttribute.
func (t WholeNumberType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	if !in.IsKnown() {
		return WholeNumberUnknown(), nil
	}
	if in.IsNull() {
		return WholeNumberNull(), nil
	}
	var f *big.Float
	if err := in.As(&f); err != nil {
		return nil, err
	}
	if f.IsInt() {
		if i, acc := f.Int64(); acc == big.Exact {
			return WholeNumberValue(i), nil
		}
	}
	return WholeNumber{Int64Value: basetypes.NewInt64Unknown(), invalid: f, unit: t.Unit}, nil
}

// WholeNumber is an Int64 value, except that a configured number that is not one reads as
// unknown and fails ValidateAttribute.
type WholeNumber struct {
	basetypes.Int64Value
	invalid *big.Float // the configured number, when it is not an int64
	unit    string
}

// WholeNumberValue returns a known WholeNumber.
func WholeNumberValue(v int64) WholeNumber {
	return WholeNumber{Int64Value: basetypes.NewInt64Value(v)}
}

// WholeNumberNull returns a null WholeNumber.
func WholeNumberNull() WholeNumber { return WholeNumber{Int64Value: basetypes.NewInt64Null()} }

// WholeNumberUnknown returns an unknown WholeNumber.
func WholeNumberUnknown() WholeNumber { return WholeNumber{Int64Value: basetypes.NewInt64Unknown()} }

// Type returns WholeNumberType.
func (v WholeNumber) Type(context.Context) attr.Type { return WholeNumberType{Unit: v.unit} }

// Equal reports whether o is a WholeNumber with the same value.
func (v WholeNumber) Equal(o attr.Value) bool {
	other, ok := o.(WholeNumber)
	if !ok {
		return false
	}
	if v.invalid != nil || other.invalid != nil {
		return v.invalid != nil && other.invalid != nil && v.invalid.Cmp(other.invalid) == 0
	}
	return v.Int64Value.Equal(other.Int64Value)
}

// ToTerraformValue returns the number, the configured one if it is not an int64.
func (v WholeNumber) ToTerraformValue(ctx context.Context) (tftypes.Value, error) {
	if v.invalid != nil {
		return tftypes.NewValue(tftypes.Number, v.invalid), nil
	}
	return v.Int64Value.ToTerraformValue(ctx)
}

func (v WholeNumber) String() string {
	if v.invalid != nil {
		return formatNumber(v.invalid)
	}
	return v.Int64Value.String()
}

// ValidateAttribute reports a configured number that is not an int64.
func (v WholeNumber) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.invalid == nil {
		return
	}
	if !v.invalid.IsInt() {
		what := "a whole number"
		if v.unit != "" {
			what += " of " + v.unit
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Not a Whole Number",
			fmt.Sprintf("%s must be %s, got %s.", req.Path, what, formatNumber(v.invalid)))
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Number Too Large",
		fmt.Sprintf("%s must be a whole number between %d and %d, got %s.", req.Path,
			int64(math.MinInt64), int64(math.MaxInt64), formatNumber(v.invalid)))
}

// formatNumber writes f as a user wrote it: 3600.5, not 3.6005e+03.
func formatNumber(f *big.Float) string {
	if f.IsInf() {
		return f.String()
	}
	if e := f.MantExp(nil); e > 70 || e < -70 {
		return f.Text('g', -1)
	}
	return f.Text('f', -1)
}
