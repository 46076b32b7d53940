package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

var (
	fuzzOnce  sync.Once
	fuzzSrv   *Server
	fuzzToken string
)

// fuzzServer is shared by all fuzz inputs: building a server per input
// would spend the fuzzing time generating RSA keys.
func fuzzServer(t *testing.T) (*Server, string) {
	fuzzOnce.Do(func() {
		srv, err := New(Options{})
		if err != nil {
			panic(err)
		}
		req := httptest.NewRequest(http.MethodPost, "http://idp.test/oauth/token", strings.NewReader(
			"grant_type=client_credentials&client_id="+srv.AdminClientID()+"&client_secret="+srv.AdminClientSecret()+
				"&audience=http://idp.test/api/v2/"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		tok, _, _ := strings.Cut(strings.TrimPrefix(rec.Body.String(), `{"access_token":"`), `"`)
		fuzzSrv, fuzzToken = srv, tok
	})
	return fuzzSrv, fuzzToken
}

// FuzzRequests sends arbitrary methods, paths and bodies with a valid admin
// token: whatever comes in, the answer is never a 500.
func FuzzRequests(f *testing.F) {
	f.Add("POST", "/api/v2/resource-servers", `{"identifier":"https://a.example/","scopes":[{"value":"x"}]}`)
	f.Add("PATCH", "/api/v2/resource-servers/https%253A%252F%252Fa.example%252F", `{"token_lifetime":1.5}`)
	f.Add("POST", "/api/v2/clients", `{"name":"x","client_metadata":{"a":1}}`)
	f.Add("POST", "/api/v2/client-grants", `{"client_id":"x","audience":"http://idp.test/api/v2/","scope":["read:clients"]}`)
	f.Add("POST", "/api/v2/tenants", `{"name":"abcdefghij","owners":["a@b.c"]}`)
	f.Add("GET", "/api/v2/clients?page=99999999999&per_page=100&include_totals=true", ``)
	f.Add("POST", "/oauth/token", `{"grant_type":"client_credentials","client_id":[]}`)
	f.Add("DELETE", "/tenants/%25zz/api/v2/clients/%25", ``)
	f.Fuzz(func(t *testing.T, method, path, body string) {
		srv, tok := fuzzServer(t)
		// Inputs no HTTP client could send are out of scope: they pass
		// without a request (a return, not a skip, so seeds never show
		// as skipped tests).
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#") || method == "" || strings.ContainsAny(method, " \r\n\t/()<>@,;:\\\"[]?={}") {
			return
		}
		// Tenant creation is slow (key generation); keep it rare.
		if strings.Contains(path, "tenants") && method == http.MethodPost && len(body)%8 != 0 {
			return
		}
		req, err := http.NewRequest(method, "http://idp.test"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q → %d %s", method, path, body, rec.Code, rec.Body)
		}
	})
}
