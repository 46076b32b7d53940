package server_test

// Tests of list paging and query validation (pagination.go).

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestPagination(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	want := []string{h.srv.AdminClientID()}
	for i := 0; i < 5; i++ {
		c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": fmt.Sprintf("page-%d", i)})
		want = append(want, strField(t, c, "client_id"))
	}
	ids := func(list []map[string]any) []string {
		var out []string
		for _, m := range list {
			out = append(out, m["client_id"].(string))
		}
		return out
	}
	if got := ids(h.mustList(h.base, h.tok, "/api/v2/clients")); !slices.Equal(got, want) {
		t.Errorf("full list = %v, want creation order %v", got, want)
	}
	var paged []string
	for page := 0; page < 3; page++ {
		got := ids(h.mustList(h.base, h.tok, fmt.Sprintf("/api/v2/clients?per_page=2&page=%d", page)))
		if len(got) != 2 {
			t.Errorf("page %d has %d items", page, len(got))
		}
		paged = append(paged, got...)
	}
	if !slices.Equal(paged, want) {
		t.Errorf("pages = %v, want %v", paged, want)
	}
	if got := h.mustList(h.base, h.tok, "/api/v2/clients?per_page=2&page=3"); len(got) != 0 {
		t.Errorf("page past the end = %v, want []", got)
	}
	if got := ids(h.mustList(h.base, h.tok, "/api/v2/clients?per_page=4&page=1")); !slices.Equal(got, want[4:]) {
		t.Errorf("last partial page = %v", got)
	}
	if got := ids(h.mustList(h.base, h.tok, "/api/v2/clients?include_totals=false&per_page=100")); !slices.Equal(got, want) {
		t.Errorf("include_totals=false = %v", got)
	}
	// An empty list is [] rather than null.
	r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients?per_page=50&page=9", nil)
	if strings.TrimSpace(string(r.Body)) != "[]" {
		t.Errorf("empty page body = %s, want []", r.Body)
	}

	type totals struct {
		Total int `json:"total"`
		Start int `json:"start"`
		Limit int `json:"limit"`
	}
	check := func(path, key string, wantTotal, wantStart, wantLimit, wantLen int) {
		t.Helper()
		r := h.call(h.base, h.tok, http.MethodGet, path, nil)
		expectStatus(t, r, http.StatusOK)
		var tt totals
		r.decode(t, &tt)
		m := r.object(t)
		items, ok := m[key].([]any)
		if !ok || tt.Total != wantTotal || tt.Start != wantStart || tt.Limit != wantLimit || len(items) != wantLen {
			t.Errorf("GET %s = %s; want total %d start %d limit %d and %d %s", path, r.Body, wantTotal, wantStart, wantLimit, wantLen, key)
		}
	}
	check("/api/v2/clients?include_totals=true", "clients", 6, 0, 50, 6)
	check("/api/v2/clients?include_totals=true&per_page=2&page=1", "clients", 6, 2, 2, 2)
	check("/api/v2/clients?include_totals=true&per_page=4&page=1", "clients", 6, 4, 4, 2)
	check("/api/v2/clients?include_totals=true&per_page=4&page=7", "clients", 6, 28, 4, 0)
	r = h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients?include_totals=true&per_page=2&page=1", nil)
	var env struct {
		Clients []map[string]any `json:"clients"`
	}
	r.decode(t, &env)
	if got := ids(env.Clients); !slices.Equal(got, want[2:4]) {
		t.Errorf("include_totals page 1 = %v, want %v", got, want[2:4])
	}

	for i := 0; i < 3; i++ {
		h.newAPI(h.base, h.tok, map[string]any{})
	}
	check("/api/v2/resource-servers?include_totals=true&per_page=3", "resource_servers", 4, 0, 3, 3)
	check("/api/v2/client-grants?include_totals=true", "client_grants", 1, 0, 50, 1)
	tenants := h.mustList(h.base, h.tok, "/api/v2/tenants")
	check("/api/v2/tenants?include_totals=true&per_page=100", "tenants", len(tenants), 0, 100, len(tenants))
}

func TestInvalidQueryString(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, list := range []string{"/api/v2/clients", "/api/v2/resource-servers", "/api/v2/client-grants", "/api/v2/tenants"} {
		for _, q := range []string{"per_page=101", "per_page=0", "per_page=-1", "per_page=abc", "per_page=1.5",
			"page=-1", "page=abc", "include_totals=maybe", "include_totals=yes"} {
			r := h.call(h.base, h.tok, http.MethodGet, list+"?"+q, nil)
			expectAPIError(t, r, http.StatusBadRequest, "invalid_query_string")
		}
		for _, q := range []string{"per_page=100", "per_page=1", "page=0", "include_totals=true", "include_totals=false"} {
			expectStatus(t, h.call(h.base, h.tok, http.MethodGet, list+"?"+q, nil), http.StatusOK)
		}
	}
}
