package spectest

import (
	"net/url"
	"strings"
	"testing"
)

func TestCheckRequest(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, method, path, query, body string
		want                            string // a part of the one problem expected; "" for none
	}{
		{"conforming create", "POST", "/client-grants", "", `{"client_id":"abc","audience":"https://api","scope":["read:x"]}`, ""},
		{"audience alone is enough", "POST", "/client-grants", "", `{"audience":"https://api"}`, ""},
		{"unknown field", "POST", "/client-grants", "", `{"audience":"https://api","bogus":1}`, "bogus"},
		{"enum", "POST", "/client-grants", "", `{"audience":"a","organization_usage":"sometimes"}`, "organization_usage"},
		{"missing required", "POST", "/client-grants", "", `{"scope":[]}`, "audience"},
		{"escaped identifier is one segment", "GET", "/resource-servers/https:%2F%2Fapi.example.com%2Fv1", "", "", ""},
		{"literal beats parameter", "PATCH", "/tenants/settings", "", `{"friendly_name":"x"}`, ""},
		{"no such path", "GET", "/tenants/abc", "", "", "no such path"},
		{"no such method", "PUT", "/clients/abc", "", "", "no PUT"},
		{"known query", "GET", "/connections", "per_page=50&page=0&include_totals=true&strategy=auth0", "", ""},
		{"query over its maximum", "GET", "/connections", "per_page=101", "", "per_page"},
		{"query not a number", "GET", "/connections", "page=first", "", "not a number"},
		{"query not a boolean", "GET", "/clients", "include_totals=yes", "", "not true or false"},
		{"unknown query", "GET", "/clients", "sort=name", "", "unknown query parameter"},
		{"body where none is taken", "DELETE", "/clients/abc", "", `{"x":1}`, "no JSON body"},
		{"body not JSON", "PATCH", "/clients/abc", "", `{`, "not JSON"},
		{"a create's client_secret is beyond the schema", "POST", "/clients", "", `{"name":"x","client_secret":"s3cret-value"}`, ""},
		{"and only where listed", "POST", "/resource-servers", "", `{"identifier":"x","client_secret":"s3cret-value"}`, "client_secret"},
		{"messages hold no body", "POST", "/resource-servers", "", `{"identifier":"x","bogus_secret":"s3cret-value-1234567"}`, "Additional properties not allowed: bogus_secret"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			got := s.CheckRequest(tc.method, tc.path, q, "application/json", []byte(tc.body))
			switch {
			case tc.want == "" && len(got) != 0:
				t.Errorf("want no problem, got %q", got)
			case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
				t.Errorf("want one problem mentioning %q, got %q", tc.want, got)
			}
			for _, p := range got {
				if strings.Contains(p, "s3cret-value") {
					t.Errorf("a problem quotes the body: %q", p)
				}
			}
		})
	}
}

func TestCheckRequestContentType(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	got := s.CheckRequest("POST", "/clients", nil, "application/x-www-form-urlencoded", []byte(`{"name":"x"}`))
	if len(got) != 1 || !strings.Contains(got[0], "not application/json") {
		t.Errorf("got %q", got)
	}
}

func TestScopes(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	got := s.Scopes("POST", "/client-grants")
	if len(got) != 1 || got[0] != "create:client_grants" {
		t.Errorf("Scopes(POST /client-grants) = %q", got)
	}
	if s.Covers("/tenants/abc") {
		t.Error("the tenant endpoints are not in the public spec")
	}
}
