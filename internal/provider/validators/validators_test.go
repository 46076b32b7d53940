package validators

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// checkString runs a string validator on value and returns the error
// details it reported, joined.
func checkString(t *testing.T, v validator.String, value types.String) string {
	t.Helper()
	resp := &validator.StringResponse{}
	v.ValidateString(t.Context(), validator.StringRequest{Path: path.Root("x"), ConfigValue: value}, resp)
	var details []string
	for _, d := range resp.Diagnostics.Errors() {
		details = append(details, d.Detail())
	}
	return strings.Join(details, "; ")
}

func TestStringValidators(t *testing.T) {
	cases := []struct {
		name      string
		validator validator.String
		value     types.String
		wantError string // "" = accepted
	}{
		{"domain host", Domain(), types.StringValue("login.example.com"), ""},
		{"domain host port", Domain(), types.StringValue("127.0.0.1:8080"), ""},
		{"domain URL with path", Domain(), types.StringValue("http://127.0.0.1:8080/tenants/a"), ""},
		{"domain API path", Domain(), types.StringValue("https://login.example.com/api/v2/"), `Use "https://login.example.com".`},
		{"domain tenant API path", Domain(), types.StringValue("http://127.0.0.1:8080/tenants/a/API/v2"), `Use "http://127.0.0.1:8080/tenants/a".`},
		{"domain ending in v2", Domain(), types.StringValue("http://127.0.0.1:8080/tenants/api-v2"), ""},
		{"domain scheme", Domain(), types.StringValue("ftp://example.com"), `"ftp://example.com" is not a usable domain`},
		{"domain empty host", Domain(), types.StringValue("https://"), `"https://" is not a usable domain`},
		{"domain null", Domain(), types.StringNull(), ""},
		{"domain unknown", Domain(), types.StringUnknown(), ""},
		{"uri https", AbsoluteURI(), types.StringValue("https://api.example.com/"), ""},
		{"uri urn", AbsoluteURI(), types.StringValue("urn:example:api"), ""},
		{"uri relative", AbsoluteURI(), types.StringValue("/api"), "it has no scheme"},
		{"uri bare word", AbsoluteURI(), types.StringValue("api"), "it has no scheme"},
		{"uri scheme only", AbsoluteURI(), types.StringValue("https:"), "it has nothing after the scheme"},
		{"uri unparsable", AbsoluteURI(), types.StringValue("https://a/%zz"), "it does not parse"},
		{"uri unknown", AbsoluteURI(), types.StringUnknown(), ""},
		{"email", Email(), types.StringValue("ops@example.com"), ""},
		{"duration", PositiveDuration(), types.StringValue("1m30s"), ""},
		{"duration without unit", PositiveDuration(), types.StringValue("90"), "is not a positive duration"},
		{"duration zero", PositiveDuration(), types.StringValue("0s"), "is not a positive duration"},
		{"duration negative", PositiveDuration(), types.StringValue("-5s"), "is not a positive duration"},
		{"email display name", Email(), types.StringValue("Ops <ops@example.com>"), "is not an e-mail address"},
		{"email no at", Email(), types.StringValue("ops.example.com"), "is not an e-mail address"},
		{"email padded", Email(), types.StringValue(" ops@example.com"), "is not an e-mail address"},
		{"email null", Email(), types.StringNull(), ""},
		{"no white space", NoWhiteSpace(), types.StringValue("read:reports"), ""},
		{"inner space", NoWhiteSpace(), types.StringValue("read reports"), "must not contain white space"},
		{"tab", NoWhiteSpace(), types.StringValue("read\treports"), "must not contain white space"},
		{"client id", ClientID(), types.StringValue("AbCdEfGhIjKlMnOpQrStUvWxYz012345"), ""},
		{"client id null", ClientID(), types.StringNull(), ""},
		{"client id unknown", ClientID(), types.StringUnknown(), ""},
		{"client id admin", ClientID(), types.StringValue("admin"), `"admin" is not a client ID: the service issues client IDs of 32 letters and digits`},
		{"client id empty", ClientID(), types.StringValue(""), `"" is not a client ID`},
		{"client id 33", ClientID(), types.StringValue("AbCdEfGhIjKlMnOpQrStUvWxYz0123456"), "is not a client ID"},
		{"client id dash", ClientID(), types.StringValue("AbCdEfGhIjKlMnOpQrStUvWxYz01234-"), "is not a client ID"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := checkString(t, tc.validator, tc.value)
			switch {
			case tc.wantError == "" && got != "":
				t.Errorf("rejected %s: %s", tc.value, got)
			case tc.wantError != "" && !strings.Contains(got, tc.wantError):
				t.Errorf("for %s got %q, want an error containing %q", tc.value, got, tc.wantError)
			}
		})
	}
}

func TestUniqueAttribute(t *testing.T) {
	objType := map[string]attr.Type{"value": types.StringType, "description": types.StringType}
	scope := func(value, description string) attr.Value {
		return types.ObjectValueMust(objType, map[string]attr.Value{
			"value": types.StringValue(value), "description": types.StringValue(description),
		})
	}
	check := func(elems ...attr.Value) string {
		set := types.SetValueMust(types.ObjectType{AttrTypes: objType}, elems)
		resp := &validator.SetResponse{}
		UniqueAttribute("value").ValidateSet(t.Context(), validator.SetRequest{Path: path.Root("scopes"), ConfigValue: set}, resp)
		var details []string
		for _, d := range resp.Diagnostics.Errors() {
			details = append(details, d.Summary()+": "+d.Detail())
		}
		return strings.Join(details, "; ")
	}
	if got := check(scope("read:x", "a"), scope("write:x", "a")); got != "" {
		t.Errorf("distinct values rejected: %s", got)
	}
	got := check(scope("read:x", "a"), scope("read:x", "b"))
	if want := `Duplicate Value: "read:x" appears more than once as value; each value must be unique.`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A domain with user info is refused with a message that does not quote it.
func TestDomainUserInfoNotQuoted(t *testing.T) {
	for _, domain := range []string{"https://id:s3cr3t@login.example.com", "https://id:s3 cr3t@login.example.com"} {
		got := checkString(t, Domain(), types.StringValue(domain))
		want := `"https://REDACTED@login.example.com" is not a usable domain: it must not contain user info`
		if !strings.Contains(got, want) || strings.Contains(got, "cr3t") || strings.Contains(got, "id:") {
			t.Errorf("for %q got %q, want %q and no user info", domain, got, want)
		}
	}
}
