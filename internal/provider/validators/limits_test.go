package validators

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The validators added for the server's limits, on the values that sit on
// either side of each limit.
func TestLimitValidators(t *testing.T) {
	cases := []struct {
		name      string
		value     types.String
		check     validator.String
		wantError string // "" = accepted
	}{
		{"no white space: token", types.StringValue("read:reports"), noWhiteSpace, ""},
		{"no white space: space", types.StringValue("read reports"), noWhiteSpace, `"read reports" must not contain white space (it contains U+0020).`},
		{"no white space: tab", types.StringValue("read\treports"), noWhiteSpace, `(it contains U+0009)`},
		{"no white space: vertical tab", types.StringValue("read\vreports"), noWhiteSpace, `(it contains U+000B)`},
		{"no white space: no-break space", types.StringValue("read\u00a0reports"), noWhiteSpace, `(it contains U+00A0)`},
		{"no white space: em space", types.StringValue("read:\u2003x"), noWhiteSpace, `(it contains U+2003)`},
		{"no white space: next line", types.StringValue("read\u0085x"), noWhiteSpace, `(it contains U+0085)`},
		{"no white space: non-ASCII token", types.StringValue("lire:données"), noWhiteSpace, ""},
		{"no white space: null", types.StringNull(), noWhiteSpace, ""},
		{"no white space: unknown", types.StringUnknown(), noWhiteSpace, ""},
		{"brackets: none", types.StringValue("Reports (v2) & co"), noAngles, ""},
		{"brackets: <", types.StringValue("Reports <v2"), noAngles, `"Reports <v2" contains '<'; none of ` + "`<`, `>`" + ` is allowed here.`},
		{"brackets: >", types.StringValue("v2>"), noAngles, `contains '>'`},
		{"brackets: null", types.StringNull(), noAngles, ""},
		{"brackets: unknown", types.StringUnknown(), noAngles, ""},
		{"uri: no host", types.StringValue("https:///reports"), absoluteURI, "it has no host"},
		{"uri: path only after scheme", types.StringValue("https:reports/x"), absoluteURI, ""}, // opaque, as the server accepts
		{"uri: space in path", types.StringValue("https://api.example.com/my api"), absoluteURI, "it contains white space (U+0020)"},
		{"uri: no-break space", types.StringValue("https://api.example.com/\u00a0"), absoluteURI, "it contains white space (U+00A0)"},
		{"uri: brace", types.StringValue("https://api.example.com/{tenant}"), absoluteURI, "it contains '{'"},
		{"uri: closing brace", types.StringValue("urn:x}"), absoluteURI, "it contains '}'"},
		{"uri: mailto", types.StringValue("mailto:api@example.com"), absoluteURI, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := checkString(t, tc.check, tc.value)
			switch {
			case tc.wantError == "" && got != "":
				t.Errorf("rejected %s: %s", tc.value, got)
			case tc.wantError != "" && got == "":
				t.Errorf("accepted %s, want an error containing %q", tc.value, tc.wantError)
			case tc.wantError != "" && !strings.Contains(got, tc.wantError):
				t.Errorf("for %s got %q, want an error containing %q", tc.value, got, tc.wantError)
			}
		})
	}
}

var (
	noWhiteSpace = NoWhiteSpace()
	noAngles     = ForbiddenCharacters("<>")
	absoluteURI  = AbsoluteURI()
)
