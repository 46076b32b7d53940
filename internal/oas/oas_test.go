package oas

import (
	"strings"
	"testing"
)

func TestValidateBody(t *testing.T) {
	for _, tc := range []struct {
		method, template, body, want string // want: "" for valid, else "property: message"
	}{
		{"POST", "/client-grants", `{"audience":"a"}`, ""},
		{"POST", "/client-grants", `{}`, ": Missing required property: audience"},
		{"POST", "/client-grants", `{"audience":"a","bogus":1}`, ": Additional properties not allowed: bogus"},
		{"PATCH", "/resource-servers/{id...}", `{"signing_alg":"RS384"}`, "signing_alg: No enum match for: RS384"},
		{"PATCH", "/resource-servers/{x}", `{"token_lifetime":-1}`, "token_lifetime: Value -1 is less than minimum 0"},
		{"POST", "/resource-servers", `{"identifier":"a","scopes":[{"value":"v","description":"` + strings.Repeat("d", 501) + `"}]}`,
			"scopes[0].description: String is too long (501 chars), maximum 500"},
		{"POST", "/resource-servers", `{"identifier":"a","token_lifetime_for_web":7200}`, ""}, // Beyond
		{"POST", "/clients", `{"name":"a","client_secret":"s"}`, ""},                          // Beyond
		{"PATCH", "/clients/{client_id}", `{"client_secret":"s"}`, ""},                        // in the update schema
		{"GET", "/clients", `{}`, ""},                                                         // no body schema
		{"PATCH", "/clients/{id}", `{"addons":null,"signed_request_object":null}`, ""},        // BeyondNull
		{"PATCH", "/clients/{id}", `{"addons":1}`, "addons: Expected type object but found type number"},
		{"POST", "/clients", `{"name":"a","addons":null}`, "addons: Expected type object but found type null"},
	} {
		p, err := ValidateBody(tc.method, tc.template, []byte(tc.body))
		if err != nil {
			t.Fatalf("%s %s: %v", tc.method, tc.template, err)
		}
		got := ""
		if p != nil {
			got = p.Property + ": " + p.Message
		}
		if got != tc.want {
			t.Errorf("%s %s %s: got %q, want %q", tc.method, tc.template, tc.body, got, tc.want)
		}
	}
}

func TestValidateResponse(t *testing.T) {
	for _, tc := range []struct {
		status     int
		body, want string
	}{
		{200, `[]`, ""},
		{200, `{"connections":[]}`, ""}, // a checkpoint list's last page is also an offset page: valid
		{200, `{"connections":[],"next":"con_1"}`, ""},
		{200, `{"connections":[{"id":"con_1","enabled_clients":[]}]}`, ": Data does not match any schemas from 'oneOf'"},
		{404, `{"error":"x"}`, ""}, // no schema for it
	} {
		p, err := ValidateResponse("GET", "/connections", tc.status, []byte(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if p != nil {
			got = p.Property + ": " + p.Message
		}
		if got != tc.want {
			t.Errorf("%d %s: got %q, want %q", tc.status, tc.body, got, tc.want)
		}
	}
}
