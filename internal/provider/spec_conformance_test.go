package provider

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/spectest"
)

// conformingRequests checks every Management API request the provider (and the tests' own
// mgmt client) sends, and the server's successful answer to it, against the vendored extract of
// Auth0's specification, and fails the test at cleanup with each difference: an unknown path,
// parameter or field, a value outside an enum or a limit, a response the spec's schema refuses. The tenant endpoints, which the public spec does not have, are left out.
// Requests a test sends by hand (any other User-Agent) are not checked: some are wrong on
// purpose.
func conformingRequests(t testing.TB, next http.Handler) http.Handler {
	spec, err := spectest.Load()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	var problems []string
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("a request differs from Auth0's Management API spec: %s", p)
		}
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, apiPath, ok := strings.Cut(r.URL.EscapedPath(), "/api/v2")
		ours := strings.HasPrefix(r.UserAgent(), "terraform-provider-idp")
		if !ok || !ours || isTenantEndpoint(apiPath) {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		report := func(found []string) {
			mu.Lock()
			defer mu.Unlock()
			for _, p := range found {
				if !seen[p] {
					seen[p] = true
					problems = append(problems, p)
				}
			}
		}
		report(spec.CheckRequest(r.Method, apiPath, r.URL.Query(), r.Header.Get("Content-Type"), body))
		rec := &capturingWriter{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status/100 == 2 {
			report(spec.CheckResponse(r.Method, apiPath, rec.status, rec.body.Bytes()))
		}
	})
}

// capturingWriter keeps a copy of what the server answered, for the response check.
type capturingWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *capturingWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection, as tests that drop an answer do.
func (w *capturingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *capturingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

// isTenantEndpoint says whether an API path is one of the appliance's tenant endpoints
// (/tenants, /tenants/{id}), which Auth0's public spec does not describe; /tenants/settings is
// in it.
func isTenantEndpoint(apiPath string) bool {
	return apiPath == "/tenants" || (strings.HasPrefix(apiPath, "/tenants/") && apiPath != "/tenants/settings")
}

// recordingTB is a testing.TB whose Errorf and Cleanup are recorded rather than acted on.
type recordingTB struct {
	*testing.T
	errors   []string
	cleanups []func()
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

func TestConformingRequestsReportsDifferences(t *testing.T) {
	rec := &recordingTB{T: t}
	var served int
	ts := httptest.NewServer(conformingRequests(rec, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b, err := io.ReadAll(r.Body); err != nil || (r.Method == http.MethodPost && len(b) == 0) {
			t.Errorf("the body did not reach the server: %q, %v", b, err)
		}
		served++
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/client-grants/cgr_1") {
			_, _ = w.Write([]byte(`{"id":5}`)) // an id is a string
		}
	})))
	defer ts.Close()
	send := func(agent, method, path, body string) {
		req, err := http.NewRequestWithContext(t.Context(), method, ts.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("User-Agent", agent)
		req.Header.Set("Content-Type", "application/json")
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	const ours = "terraform-provider-idp/test"
	send(ours, http.MethodPost, "/api/v2/client-grants", `{"audience":"https://api","scope":["read:x"]}`)
	send(ours, http.MethodPost, "/tenants/t1/api/v2/client-grants", `{"audience":"https://api","bogus":true}`)
	send(ours, http.MethodPost, "/tenants/t1/api/v2/client-grants", `{"audience":"https://api","bogus":true}`) // reported once
	send(ours, http.MethodGet, "/api/v2/clients?sort=name", "")
	send(ours, http.MethodPost, "/api/v2/tenants", `{"name":"anything"}`) // not in the public spec
	send("curl/8", http.MethodPost, "/api/v2/client-grants", `{"bogus":true}`)
	send(ours, http.MethodGet, "/api/v2/client-grants/cgr_1", "")
	for _, f := range rec.cleanups {
		f()
	}
	if served != 7 {
		t.Errorf("%d requests reached the server, want 7", served)
	}
	if len(rec.errors) != 3 || !strings.Contains(rec.errors[0], "bogus") || !strings.Contains(rec.errors[1], `unknown query parameter "sort"`) ||
		!strings.Contains(rec.errors[2], "response 200: Expected type string but found type number on property id") {
		t.Errorf("reported %q, want the unknown field, the unknown query parameter and the wrong response", rec.errors)
	}
}
