package server_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// countKey identifies a counter without its value.
type countKey struct {
	Tenant, Method, Route string
	Status                int
}

func countMap(cs []server.Count) map[countKey]int64 {
	m := map[countKey]int64{}
	for _, c := range cs {
		m[countKey{c.Tenant, c.Method, c.Route, c.Status}] += c.N
	}
	return m
}

func TestCounters(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tokenKey := countKey{"", "POST", "/oauth/token", 200}
	if !eventually(func() bool { return countMap(h.srv.Counts())[tokenKey] == 1 }) {
		t.Fatal("timed out waiting for the bootstrap token request to be counted")
	}
	h.srv.ResetCounts()
	if cs := h.srv.Counts(); len(cs) != 0 {
		t.Fatalf("Counts after ResetCounts = %v", cs)
	}

	c := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "counted"}), "client_id")
	h.mustGet(h.base, h.tok, "/api/v2/clients/"+c)
	h.mustGet(h.base, h.tok, "/api/v2/clients/"+c)
	expectStatus(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients/nope", nil), http.StatusNotFound)
	expectStatus(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/nope", nil), http.StatusNotFound)
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/clients/"+c, nil), http.StatusNoContent)
	expectStatus(t, h.call(h.base, "", http.MethodGet, "/_idp/requests", nil, h.adminBasic()), http.StatusOK)
	te := h.newTenant("counted")
	h.mustList(te.base, te.tok, "/api/v2/clients")
	h.srv.SetFaults(server.Faults{Rate429: 1})
	expectStatus(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil), http.StatusTooManyRequests)
	h.srv.SetFaults(server.Faults{})

	want := map[countKey]int64{
		{"", "POST", "/api/v2/clients", 201}:        1,
		{"", "GET", "/api/v2/clients/{id}", 200}:    2,
		{"", "GET", "/api/v2/clients/{id}", 404}:    1,
		{"", "GET", "unknown", 404}:                 1,
		{"", "DELETE", "/api/v2/clients/{id}", 204}: 1,
		{"", "POST", "/api/v2/tenants", 201}:        1,
		{"", "GET", "/api/v2/clients", 429}:         1,
		{"counted", "POST", "/oauth/token", 200}:    1,
		{"counted", "GET", "/api/v2/clients", 200}:  1,
	}
	var got map[countKey]int64
	if !eventually(func() bool {
		got = countMap(h.srv.Counts())
		return fmt.Sprint(got) == fmt.Sprint(want)
	}) {
		t.Errorf("Counts:\n got %v\nwant %v", got, want)
	}

	cs := h.srv.Counts()
	sorted := slices.IsSortedFunc(cs, func(a, b server.Count) int {
		if a.Tenant != b.Tenant {
			return strings.Compare(a.Tenant, b.Tenant)
		}
		if a.Method != b.Method {
			return strings.Compare(a.Method, b.Method)
		}
		if a.Route != b.Route {
			return strings.Compare(a.Route, b.Route)
		}
		return a.Status - b.Status
	})
	if !sorted {
		t.Errorf("Counts not sorted by tenant, method, route, status: %v", cs)
	}

	r := h.call(h.base, "", http.MethodGet, "/_idp/requests", nil, h.adminBasic())
	expectStatus(t, r, http.StatusOK)
	var overHTTP struct {
		Requests []server.Count `json:"requests"`
	}
	r.decode(t, &overHTTP)
	if !slices.Equal(overHTTP.Requests, cs) {
		t.Errorf("GET /_idp/requests = %v, Counts() = %v", overHTTP.Requests, cs)
	}
	if !strings.Contains(string(r.Body), `"count":`) {
		t.Errorf("GET /_idp/requests body lacks count fields: %s", r.Body)
	}

	r = h.call(h.base, "", http.MethodDelete, "/_idp/requests", nil, h.adminBasic())
	expectStatus(t, r, http.StatusNoContent)
	if cs := h.srv.Counts(); len(cs) != 0 {
		t.Errorf("Counts after DELETE /_idp/requests = %v", cs)
	}
	r = h.call(h.base, "", http.MethodGet, "/_idp/requests", nil, h.adminBasic())
	r.decode(t, &overHTTP)
	if len(overHTTP.Requests) != 0 {
		t.Errorf("GET /_idp/requests after reset = %s", r.Body)
	}
}
