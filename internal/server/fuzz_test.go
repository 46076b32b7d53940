package server_test

// Fuzz targets. The property everywhere: the server never answers 5xx to client input (a
// panic would be recovered to a 500) and every body it sends is JSON. Redirects are the one
// exception to the JSON rule (a router may answer 301 to clean a path such as "a/../b").
// The seeds run in plain `go test`; fuzz with e.g.
//   go test -run '^$' -fuzz FuzzClientBody -fuzztime 1m ./internal/server/

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

const (
	fuzzAdminID     = "FuzzAdminClient00000000000000001"
	fuzzAdminSecret = "fuzz-admin-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH"
)

func newFuzzHarness(f *testing.F) *harness {
	f.Helper()
	return newHarness(f, func(o *server.Options) {
		o.AdminClientID = fuzzAdminID
		o.AdminClientSecret = fuzzAdminSecret
	})
}

// checkFuzzResponse asserts the fuzz property on one response.
func checkFuzzResponse(t *testing.T, what string, r *response) {
	t.Helper()
	if r.Status >= 500 {
		t.Fatalf("%s: server error %s", what, r)
	}
	if r.Status >= 300 && r.Status < 400 {
		return
	}
	if len(r.Body) > 0 && !json.Valid(r.Body) {
		t.Fatalf("%s: body is not JSON: %s", what, r)
	}
	if r.Status == http.StatusNoContent && len(r.Body) != 0 {
		t.Fatalf("%s: 204 with a body: %s", what, r)
	}
}

// fuzzSend sends a request unless the URL does not parse; a transport error fails the test.
func fuzzSend(t *testing.T, h *harness, method, rawURL string, hdr http.Header, body string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil || u.Fragment != "" || strings.Contains(rawURL, "#") {
		return
	}
	var payload any // no body at all for an empty GET
	if body != "" || method != http.MethodGet {
		payload = body
	}
	r, err := h.send(method, rawURL, hdr, payload)
	if err != nil {
		t.Fatalf("%s %q: %v", method, rawURL, err)
	}
	checkFuzzResponse(t, method+" "+rawURL, r)
}

// validHeaderValue mirrors the check net/http's client applies before sending a header:
// no control bytes other than horizontal tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

// bodySeeds are JSON-ish inputs shared by the body fuzzers.
var bodySeeds = []string{
	``, `{}`, `[]`, `null`, `"x"`, `1`, `{`, `}`, `{"a":}`, `{"":""}`,
	`{"name":null}`, `{"name":""}`, `{"name":1e400}`, `{"name":"\u0000"}`, `{"name":"\ud800"}`,
	`{"name":{"name":{"name":[]}}}`, `{"name":"x","name":"y"}`, "\xff\xfe", `{"name":"é 漢字 🙂"}`,
	`{"token_lifetime":-9223372036854775809}`, `{"token_lifetime":1e309}`, `{"scopes":[null]}`,
	`{"scopes":null}`, `{"scope":null}`, `{"scope":[null,1,{}]}`, `{"metadata":null}`, `{"client_metadata":{"a":null}}`,
	`{"owners":[null]}`, `{"grant_types":[null]}`, strings.Repeat(`[`, 10000), strings.Repeat(`{"a":`, 5000),
}

func FuzzResourceServerBody(f *testing.F) {
	h := newFuzzHarness(f)
	rs := h.newAPI(h.base, h.tok, map[string]any{"scopes": []map[string]any{{"value": "read:x"}}})
	path := "/api/v2/resource-servers/" + rs["id"].(string)
	for _, s := range bodySeeds {
		f.Add(s)
	}
	for _, s := range []string{
		`{"name":"n","identifier":"https://fuzz.example.com/"}`,
		`{"name":"n","identifier":"urn:x","scopes":[{"value":"a","description":"b"}],"signing_alg":"HS256","signing_secret":"0123456789abcdef0123","token_lifetime":60,"token_lifetime_for_web":60,"allow_offline_access":true,"skip_consent_for_verifiable_first_party_clients":false}`,
		`{"name":"n","identifier":"https://x/","signing_alg":"PS256"}`,
		`{"name":"n","identifier":"https://x/","signing_alg":"none"}`,
		`{"name":"n","identifier":"not a uri"}`,
		`{"name":"n","identifier":":"}`,
		`{"name":"n","identifier":"https://x/","token_lifetime":2592001}`,
		`{"name":"n","identifier":"https://x/","scopes":[{"value":""}]}`,
		`{"name":"n","identifier":"https://x/","scopes":[{"value":"a"},{"value":"a"}]}`,
		`{"name":"n","identifier":"https://x/","foo":1}`,
		`{"identifier":"https://other/"}`,
		`{"name":"renamed","scopes":[]}`,
		`{"signing_secret":"short"}`,
		`{"is_system":true}`,
		`{"id":"0123456789abcdef01234567"}`,
		`{"token_dialect":"rfc9068_profile","enforce_policies":true,"consent_policy":null,"options":{"a":"b"}}`,
		`{"proof_of_possession":{"mechanism":"dpop","required":true},"authorization_details":[{"type":"x"}]}`,
		`{"subject_type_authorization":{"user":{"policy":"nope"}}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		h := h.with(t)
		fuzzSend(t, h, http.MethodPost, h.base+"/api/v2/resource-servers", bearer(h.tok), body)
		fuzzSend(t, h, http.MethodPatch, h.base+path, bearer(h.tok), body)
	})
}

func FuzzClientBody(f *testing.F) {
	h := newFuzzHarness(f)
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "fuzzed"})
	path := "/api/v2/clients/" + c["client_id"].(string)
	for _, s := range bodySeeds {
		f.Add(s)
	}
	for _, s := range []string{
		`{"name":"n"}`,
		`{"name":"n","description":"d","app_type":"spa","grant_types":["client_credentials","authorization_code"],"token_endpoint_auth_method":"client_secret_basic","is_first_party":false,"client_metadata":{"a":"b"}}`,
		`{"name":"n","app_type":"mainframe"}`,
		`{"name":"n","token_endpoint_auth_method":"none"}`,
		`{"name":"n","grant_types":"client_credentials"}`,
		`{"name":"n","client_metadata":{"a":1}}`,
		`{"name":"n","client_metadata":[]}`,
		`{"client_id":"x"}`,
		`{"client_secret":"x"}`,
		`{"tenant":"other"}`,
		`{"global":true}`,
		`{"description":null}`,
		`{"callbacks":["https://x/cb"],"jwt_configuration":{"alg":"RS256","lifetime_in_seconds":36000},"oidc_conformant":true}`,
		`{"jwt_configuration":{"lifetime_in_seconds":1e99}}`,
		`{"refresh_token":{"rotation_type":"rotating","leeway":-1},"encryption_key":null}`,
		`{"client_metadata":{"a":null,"b":"c"}}`,
		`{"client_authentication_methods":{"private_key_jwt":{"credentials":[{"id":"cred_x"}]}},"token_endpoint_auth_method":null}`,
		`{"client_authentication_methods":{"private_key_jwt":{"credentials":[{"credential_type":"public_key","pem":"x"}]}}}`,
		`{"client_authentication_methods":{"private_key_jwt":{"credentials":[1,null,{}]}}}`,
		`{"client_authentication_methods":{"tls_client_auth":{}},"client_secret":""}`,
		`{"client_authentication_methods":null,"token_endpoint_auth_method":null}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		h := h.with(t)
		fuzzSend(t, h, http.MethodPost, h.base+"/api/v2/clients", bearer(h.tok), body)
		fuzzSend(t, h, http.MethodPatch, h.base+path, bearer(h.tok), body)
	})
}

func FuzzCredentialBody(f *testing.F) {
	h := newFuzzHarness(f)
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "fuzzed"})
	path := "/api/v2/clients/" + c["client_id"].(string) + "/credentials"
	pemText := spkiPEM(f, &rsaKey(0).PublicKey)
	pemJSON, _ := json.Marshal(pemText)
	cred := h.mustCreate(h.base, h.tok, path, map[string]any{"credential_type": "public_key", "pem": pemText})
	for _, s := range bodySeeds {
		f.Add(s)
	}
	for _, s := range []string{
		`{"credential_type":"public_key","pem":` + string(pemJSON) + `,"alg":"PS256","kid":"fuzz-kid-0123"}`,
		`{"credential_type":"public_key","pem":` + string(pemJSON) + `,"parse_expiry_from_cert":true}`,
		`{"credential_type":"public_key","pem":"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}`,
		`{"credential_type":"x509_cert","pem":"x"}`,
		`{"expires_at":"2999-01-01T00:00:00Z"}`,
		`{"expires_at":null}`,
		`{"expires_at":"2999-13-01T00:00:00Z"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		h := h.with(t)
		fuzzSend(t, h, http.MethodPost, h.base+path, bearer(h.tok), body)
		fuzzSend(t, h, http.MethodPatch, h.base+path+"/"+cred["id"].(string), bearer(h.tok), body)
	})
}

func FuzzClientGrantBody(f *testing.F) {
	h := newFuzzHarness(f)
	api := h.newAPI(h.base, h.tok, map[string]any{"identifier": "https://fuzz-grants.example.com/", "scopes": []map[string]any{{"value": "read:x"}, {"value": "write:x"}}})
	aud := api["identifier"].(string)
	cid := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "grantee"})["client_id"].(string)
	cid2 := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "grantee 2"})["client_id"].(string)
	g := h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": cid, "audience": aud, "scope": []string{"read:x"}})
	path := "/api/v2/client-grants/" + g["id"].(string)
	for _, s := range bodySeeds {
		f.Add(s)
	}
	enc := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	for _, v := range []any{
		map[string]any{"client_id": cid2, "audience": aud, "scope": []string{"read:x"}},
		map[string]any{"client_id": cid2, "audience": aud, "scope": []string{}},
		map[string]any{"client_id": cid2, "audience": h.mgmtAudience(h.base), "scope": []string{"read:clients"}},
		map[string]any{"client_id": cid, "audience": aud, "scope": []string{"read:x"}},
		map[string]any{"client_id": cid2, "audience": aud, "scope": []string{"nope"}},
		map[string]any{"client_id": "nope", "audience": aud, "scope": []string{}},
		map[string]any{"client_id": cid2, "audience": "https://nope/", "scope": []string{}},
		map[string]any{"client_id": cid2, "audience": aud},
		map[string]any{"scope": []string{"write:x"}},
		map[string]any{"scope": []string{}},
		map[string]any{"audience": aud},
		map[string]any{"client_id": cid2},
		map[string]any{"client_id": cid, "audience": aud, "scope": []string{}, "subject_type": "user", "allow_all_scopes": true},
		map[string]any{"scope": []string{}, "organization_usage": nil, "allow_any_organization": true, "authorization_details_types": []string{"x"}},
	} {
		f.Add(enc(v))
	}
	f.Fuzz(func(t *testing.T, body string) {
		h := h.with(t)
		fuzzSend(t, h, http.MethodPost, h.base+"/api/v2/client-grants", bearer(h.tok), body)
		fuzzSend(t, h, http.MethodPatch, h.base+path, bearer(h.tok), body)
	})
}

func FuzzTenantBody(f *testing.F) {
	h := newFuzzHarness(f)
	h.newTenant("fuzz-home")
	for _, s := range bodySeeds {
		f.Add(s)
	}
	for _, s := range []string{
		`{"name":"fuzz-one"}`,
		`{"name":"fuzz-two","display_name":"Two","owners":["a@b.example"],"metadata":{"k":"v"}}`,
		`{"name":"fuzz-home"}`,
		`{"name":"ab"}`,
		`{"name":"Upper"}`,
		`{"name":"a/b/c"}`,
		`{"name":"../../x"}`,
		`{"name":"x","owners":["not an email"]}`,
		`{"name":"x","owners":["<>@"]}`,
		`{"display_name":"renamed"}`,
		`{"metadata":{"a":"b"}}`,
		`{"owners":[]}`,
		`{"domain":"https://evil/"}`,
		`{"management_client":{}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		h := h.with(t)
		fuzzSend(t, h, http.MethodPost, h.base+"/api/v2/tenants", bearer(h.tok), body)
		fuzzSend(t, h, http.MethodPatch, h.base+"/api/v2/tenants/fuzz-home", bearer(h.tok), body)
	})
}

// FuzzPathSegment puts arbitrary strings where ids, identifiers and tenant names go, and
// into the list query strings.
func FuzzPathSegment(f *testing.F) {
	h := newFuzzHarness(f)
	ident := "https://fuzz-path.example.com/a?b=c"
	rs := h.mustCreate(h.base, h.tok, "/api/v2/resource-servers", map[string]any{"name": "p", "identifier": ident, "scopes": []map[string]any{{"value": "r:x"}}})
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "p"})
	g := h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": c["client_id"], "audience": ident, "scope": []string{"r:x"}})
	te := h.newTenant("fuzz-path")
	for _, s := range []string{
		"", "x", ".", "..", "...", "%", "%%", "%2", "%2F", "%252F", "%25", "%zz", "%00", "/", "//", "a/b", "a/../b",
		"\x00", "\n", " ", "é", "漢字", "🙂", "\xff", "-1", "0", "null", "undefined", "root", "tenants", "api",
		"cgr_", "ten_", "cgr_0000000000000000", "ten_0000000000000000", strings.Repeat("a", 10000),
		"rotate-secret", "x/rotate-secret", ".well-known", "?", "#", "a?b=c", "a#b", ";", "a;b", "\\", "%5C",
		rs["id"].(string), ident, url.PathEscape(ident), url.PathEscape(url.PathEscape(ident)),
		c["client_id"].(string), g["id"].(string), te.name, te.id, h.mgmtAudience(h.base),
		url.PathEscape(h.mgmtAudience(h.base)), "true", "false", "101", "1e3", "00000000000000000000001",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seg string) {
		h := h.with(t)
		variants := []string{url.PathEscape(seg)}
		if !strings.ContainsAny(seg, "?#") && seg != url.PathEscape(seg) {
			variants = append(variants, seg)
		}
		auth := bearer(h.tok)
		for _, v := range variants {
			b := h.base
			fuzzSend(t, h, http.MethodGet, b+"/api/v2/resource-servers/"+v, auth, "")
			fuzzSend(t, h, http.MethodPatch, b+"/api/v2/resource-servers/"+v, auth, `{"token_lifetime":600}`)
			fuzzSend(t, h, http.MethodDelete, b+"/api/v2/resource-servers/"+v, auth, "")
			fuzzSend(t, h, http.MethodGet, b+"/api/v2/clients/"+v, auth, "")
			fuzzSend(t, h, http.MethodPatch, b+"/api/v2/clients/"+v, auth, `{"description":"d"}`)
			fuzzSend(t, h, http.MethodPost, b+"/api/v2/clients/"+v+"/rotate-secret", auth, "")
			fuzzSend(t, h, http.MethodGet, b+"/api/v2/client-grants/"+v, auth, "")
			fuzzSend(t, h, http.MethodPatch, b+"/api/v2/client-grants/"+v, auth, `{"scope":[]}`)
			fuzzSend(t, h, http.MethodDelete, b+"/api/v2/client-grants/"+v, auth, "")
			fuzzSend(t, h, http.MethodGet, b+"/api/v2/tenants/"+v, auth, "")
			fuzzSend(t, h, http.MethodPatch, b+"/api/v2/tenants/"+v, auth, `{"display_name":"d"}`)
			fuzzSend(t, h, http.MethodGet, b+"/tenants/"+v+"/.well-known/jwks.json", nil, "")
			fuzzSend(t, h, http.MethodGet, b+"/tenants/"+v+"/api/v2/clients", auth, "")
			fuzzSend(t, h, http.MethodPost, b+"/tenants/"+v+"/oauth/token", http.Header{"Content-Type": {"application/json"}},
				jsonOf(credentials("x", "y", h.base+"/tenants/"+seg+"/api/v2/", "")))
			fuzzSend(t, h, http.MethodGet, b+"/api/v2/"+v, auth, "")
		}
		q := url.QueryEscape(seg)
		for _, p := range []string{
			"/api/v2/client-grants?audience=" + q,
			"/api/v2/client-grants?client_id=" + q + "&audience=" + q,
			"/api/v2/clients?page=" + q,
			"/api/v2/clients?per_page=" + q,
			"/api/v2/resource-servers?include_totals=" + q,
			"/api/v2/tenants?page=" + q + "&per_page=" + q + "&include_totals=" + q,
			"/api/v2/clients?" + q,
		} {
			fuzzSend(t, h, http.MethodGet, h.base+p, auth, "")
		}
	})
}

// FuzzTokenForm posts arbitrary bodies to the token endpoint, as a form and as JSON.
func FuzzTokenForm(f *testing.F) {
	h := newFuzzHarness(f)
	aud := h.mgmtAudience(h.base)
	good := url.Values{"grant_type": {"client_credentials"}, "client_id": {fuzzAdminID}, "client_secret": {fuzzAdminSecret}, "audience": {aud}}
	for _, s := range []string{
		good.Encode(),
		good.Encode() + "&scope=read%3Aclients+create%3Aclients",
		good.Encode() + "&scope=",
		good.Encode() + "&scope=nope",
		good.Encode() + "&grant_type=password",
		good.Encode() + "&client_id=other",
		strings.Replace(good.Encode(), "client_credentials", "password", 1),
		"grant_type=client_credentials",
		"grant_type=client_credentials&client_id=" + fuzzAdminID + "&client_secret=wrong&audience=" + url.QueryEscape(aud),
		"grant_type=client_credentials&client_id=" + fuzzAdminID + "&client_secret=" + fuzzAdminSecret + "&audience=https%3A%2F%2Fnope%2F",
		"", "=", "&", "&&=&=", "%", "%zz", "a=%", "grant_type", "grant_type=%00", "\x00", "a=b;c=d",
		strings.Repeat("a=b&", 5000),
		jsonOf(credentials(fuzzAdminID, fuzzAdminSecret, aud, "")),
		jsonOf(credentials(fuzzAdminID, fuzzAdminSecret, aud, "read:clients")),
		`{"grant_type":["client_credentials"]}`, `{"grant_type":null}`, `{"scope":1}`, `[]`, `null`, `{`,
		"grant_type=client_credentials&audience=" + url.QueryEscape(aud) +
			"&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA",
		"grant_type=client_credentials&client_assertion_type=x&client_assertion=",
		`{"grant_type":"client_credentials","client_assertion_type":"urn:ietf:params:oauth:client-assertion-type:jwt-bearer","client_assertion":"a.b.c"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		h := h.with(t)
		for _, ct := range []string{"application/x-www-form-urlencoded", "application/json", "", "text/plain", "multipart/form-data; boundary=x"} {
			hdr := http.Header{}
			if ct != "" {
				hdr.Set("Content-Type", ct)
			}
			fuzzSend(t, h, http.MethodPost, h.base+"/oauth/token", hdr, body)
		}
	})
}

// FuzzTokenBasicAuth fuzzes the HTTP Basic credentials of the token endpoint.
func FuzzTokenBasicAuth(f *testing.F) {
	h := newFuzzHarness(f)
	form := url.Values{"grant_type": {"client_credentials"}, "audience": {h.mgmtAudience(h.base)}}.Encode()
	for _, s := range [][2]string{
		{fuzzAdminID, fuzzAdminSecret},
		{url.QueryEscape(fuzzAdminID), url.QueryEscape(fuzzAdminSecret)},
		{fuzzAdminID, "wrong"}, {"", ""}, {"%", "%"}, {"%zz", "%2"}, {"a+b", "c d"}, {":", ":"}, {"\x00", "\xff"},
		{strings.Repeat("x", 5000), ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, user, pass string) {
		h := h.with(t)
		req, _ := http.NewRequest(http.MethodPost, "/", nil)
		req.SetBasicAuth(user, pass)
		hdr := http.Header{"Authorization": {req.Header.Get("Authorization")}, "Content-Type": {"application/x-www-form-urlencoded"}}
		fuzzSend(t, h, http.MethodPost, h.base+"/oauth/token", hdr, form)
		// And as a raw Authorization header value.
		if validHeaderValue(user) {
			fuzzSend(t, h, http.MethodPost, h.base+"/oauth/token",
				http.Header{"Authorization": {"Basic " + user}, "Content-Type": {"application/x-www-form-urlencoded"}}, form)
			fuzzSend(t, h, http.MethodGet, h.base+"/api/v2/clients", http.Header{"Authorization": {"Bearer " + user}}, "")
		}
	})
}

func FuzzTenantSettingsBody(f *testing.F) {
	h := newFuzzHarness(f)
	for _, s := range bodySeeds {
		f.Add(s)
	}
	for _, s := range []string{
		`{"friendly_name":"x","session_lifetime":168,"idle_session_lifetime_in_minutes":30}`,
		`{"session_lifetime":1e308}`,
		`{"session_lifetime_in_minutes":99999999999999999999}`,
		`{"flags":{"enable_sso":true,"x":false}}`,
		`{"flags":{"enable_sso":null}}`,
		`{"mtls":null,"acr_values_supported":null,"default_token_quota":{"clients":{}}}`,
		`{"device_flow":{"charset":"digits","mask":"****"}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		h := h.with(t)
		fuzzSend(t, h, http.MethodPatch, h.base+"/api/v2/tenants/settings", bearer(h.tok), body)
		fuzzSend(t, h, http.MethodGet, h.base+"/api/v2/tenants/settings?fields=friendly_name,flags", bearer(h.tok), "")
	})
}
