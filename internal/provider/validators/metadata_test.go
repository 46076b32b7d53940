package validators

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Metadata refuses what idp-server's checkMetadata refuses (internal/server/metadata_test.go),
// at the property's path, and accepts every limit.
func TestMetadata(t *testing.T) {
	keys := func(n int) map[string]string {
		m := map[string]string{}
		for i := range n {
			m[strings.Repeat("k", i+1)] = "v"
		}
		return m
	}
	long := func(n int) string { return strings.Repeat("é", n) } // characters, not bytes
	for _, tc := range []struct {
		name     string
		md       map[string]string
		wantPath string // "" = accepted
		want     string
	}{
		{"10 properties", keys(10), "", ""},
		{"255-character name and value", map[string]string{strings.Repeat("k", 255): long(255)}, "", ""},
		{"every allowed character", map[string]string{"Az09:,-+=_*?\"/\\()<>@\t x": ""}, "", ""},
		{"11 properties", keys(11), `metadata`, "11 properties are set; the service keeps at most 10. Remove 1 of them."},
		{"256-character value", map[string]string{"k": long(256)}, `metadata["k"]`, `The value of "k" has 256 characters; a value has at most 255.`},
		{"256-character name", map[string]string{long(256): "v"}, `metadata["` + long(256) + `"]`, "has 256 characters; a name has 1 to 255."},
		{"empty name", map[string]string{"": "v"}, `metadata[""]`, `The property name "" has 0 characters; a name has 1 to 255.`},
		{"name with a dot", map[string]string{"a.b": "v"}, `metadata["a.b"]`,
			`The property name "a.b" contains '.'; a name may only contain letters, digits, spaces, tabs and :,-+=_*?"/\()<>@`},
		{"name with a non-ASCII letter", map[string]string{"é": "v"}, `metadata["é"]`, `contains 'é'`},
		{"name with a newline", map[string]string{"a\nb": "v"}, `metadata["a\nb"]`, `contains '\n'`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			elems := map[string]attr.Value{}
			for k, v := range tc.md {
				elems[k] = types.StringValue(v)
			}
			resp := &validator.MapResponse{}
			Metadata().ValidateMap(t.Context(), validator.MapRequest{
				Path: path.Root("metadata"), ConfigValue: types.MapValueMust(types.StringType, elems),
			}, resp)
			errs := resp.Diagnostics.Errors()
			if tc.want == "" {
				if len(errs) > 0 {
					t.Fatalf("refused: %s", errs[0].Detail())
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("got %d errors (%v), want 1", len(errs), errs)
			}
			pd, ok := errs[0].(interface{ Path() path.Path })
			if !ok || pd.Path().String() != tc.wantPath {
				t.Errorf("path %v, want %s", errs[0], tc.wantPath)
			}
			if !strings.Contains(errs[0].Detail(), tc.want) {
				t.Errorf("got %q, want %q", errs[0].Detail(), tc.want)
			}
		})
	}
	for _, v := range []types.Map{types.MapNull(types.StringType), types.MapUnknown(types.StringType)} {
		resp := &validator.MapResponse{}
		Metadata().ValidateMap(t.Context(), validator.MapRequest{Path: path.Root("metadata"), ConfigValue: v}, resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%v refused", v)
		}
	}
}
