package server_test

// Tests of GET /clients's filters (client_filters.go).

import (
	"net/http"
	"slices"
	"sort"
	"testing"
)

func TestListClientsFilters(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	mk := func(body map[string]any) string {
		body["name"] = unique("app ")
		return strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", body), "client_id")
	}
	spa := mk(map[string]any{"app_type": "spa"})
	native := mk(map[string]any{"app_type": "native"})
	web := mk(map[string]any{"app_type": "regular_web", "is_first_party": false})
	plain := mk(map[string]any{})
	h.mustCreate(h.base, h.tok, "/api/v2/resource-servers", map[string]any{"identifier": "https://org.example/"})
	h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": native, "audience": "https://org.example/",
		"scope": []string{}, "organization_usage": "allow", "allow_any_organization": true})
	h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": spa, "audience": "https://org.example/",
		"scope": []string{}, "allow_any_organization": false})
	admin := h.srv.AdminClientID()

	ids := func(query string) []string {
		t.Helper()
		r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients"+query, nil)
		expectStatus(t, r, http.StatusOK)
		var doc any
		r.decode(t, &doc)
		items, _ := doc.([]any)
		if o, ok := doc.(map[string]any); ok {
			items, _ = o["clients"].([]any)
		}
		var out []string
		for _, it := range items {
			out = append(out, it.(map[string]any)["client_id"].(string))
		}
		sort.Strings(out)
		return out
	}
	sorted := func(v ...string) []string { sort.Strings(v); return v }
	all := sorted(admin, spa, native, web, plain)
	for query, want := range map[string][]string{
		"":                                       all,
		"?app_type=spa":                          {spa},
		"?app_type=spa,regular_web":              sorted(spa, web),
		"?app_type=spa%2C%20native":              sorted(spa, native),
		"?app_type=rich_client":                  nil,
		"?is_first_party=false":                  {web},
		"?is_first_party=true&app_type=native":   {native},
		"?is_global=false":                       all,
		"?is_global=true":                        nil,
		"?external_client_id=https://x.example/": nil,
		"?is_first_party=true&per_page=100":      sorted(admin, spa, native, plain),
		"?q=client_grant.allow_any_organization:true&take=10":   {native},
		"?q=client_grant.organization_id:org_abc&from=0&take=5": nil,
	} {
		if got := ids(query); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", query, got, want)
		}
	}
	// Paging applies after filtering.
	r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients?is_first_party=true&per_page=2&page=1&include_totals=true", nil)
	if o := r.object(t); o["total"] != float64(4) || len(o["clients"].([]any)) != 2 {
		t.Errorf("paged filter: %s", r)
	}

	for _, q := range []string{
		"?is_first_party=1", "?is_global=yes", "?external_client_id=",
		"?q=client_grant.allow_any_organization:true",                     // not checkpoint paging
		"?q=client_grant.allow_any_organization:true&take=5&app_type=spa", // combined with a filter
		"?q=name:foo&take=5", "?q=client_grant.organization_id:&take=5",
	} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients"+q, nil), http.StatusBadRequest, "invalid_query_string")
	}
}
