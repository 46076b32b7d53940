package server

// The in-process fixture shared by the white-box tests of package server.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fixture is an in-process server with its admin token.
type fixture struct {
	t     *testing.T
	srv   *Server
	ts    *httptest.Server
	token string
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	f := &fixture{t: t, srv: srv, ts: ts}
	f.token = f.mint(ts.URL, srv.AdminClientID(), srv.AdminClientSecret(), ts.URL+"/api/v2/")
	return f
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decoding %d %s: %v", r.status, r.body, err)
	}
	return m
}

func (f *fixture) do(method, rawURL, token string, body any) reply {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, rawURL, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return f.send(req)
}

// doWith sends a request without a body, set adding its credentials.
func (f *fixture) doWith(method, rawURL string, set func(*http.Request)) reply {
	f.t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	set(req)
	return f.send(req)
}

func (f *fixture) send(req *http.Request) reply {
	f.t.Helper()
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// asAdmin sets the root admin's Basic credentials, as /_idp/ wants them.
func (f *fixture) asAdmin(q *http.Request) {
	q.SetBasicAuth(f.srv.AdminClientID(), f.srv.AdminClientSecret())
}

func (f *fixture) expect(r reply, status int, code string) {
	f.t.Helper()
	if r.status != status {
		f.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if code != "" {
		if got := r.object(f.t)["errorCode"]; got != code {
			f.t.Fatalf("errorCode %v, want %s: %s", got, code, r.body)
		}
	}
}

func (f *fixture) mint(base, id, secret, audience string) string {
	f.t.Helper()
	r := f.do(http.MethodPost, base+"/oauth/token", "", map[string]string{
		"grant_type": "client_credentials", "client_id": id, "client_secret": secret, "audience": audience,
	})
	if r.status != http.StatusOK {
		f.t.Fatalf("token: %d %s", r.status, r.body)
	}
	return r.object(f.t)["access_token"].(string)
}
