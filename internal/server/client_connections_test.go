package server_test

// Tests of the connections enabled for a client (client_connections.go).

import (
	"net/http"
	"slices"
	"sort"
	"testing"
)

func TestClientConnections(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	client := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "app"}), "client_id")
	def := findBy(h.mustList(h.base, h.tok, "/api/v2/connections?name=Username-Password-Authentication"), "strategy", "auth0")
	want := []string{strField(t, def, "id")}
	byStrategy := map[string][]string{"auth0": {want[0]}}
	for i, strategy := range []string{"auth0", "github", "auth0", "email"} {
		cn := h.mustCreate(h.base, h.tok, "/api/v2/connections", map[string]any{
			"name": unique("conn"), "strategy": strategy, "enabled_clients": []string{client}})
		want = append(want, strField(t, cn, "id"))
		byStrategy[strategy] = append(byStrategy[strategy], strField(t, cn, "id"))
		if i == 0 {
			h.mustCreate(h.base, h.tok, "/api/v2/connections", map[string]any{"name": unique("other"), "strategy": "auth0", "enabled_clients": []string{}})
		}
	}
	sort.Strings(want)
	path := "/api/v2/clients/" + client + "/connections"

	// Pages of 2 follow next to the end; the items are ConnectionForList, without enabled_clients.
	var got []string
	for from, pages := "", 0; ; pages++ {
		r := h.call(h.base, h.tok, http.MethodGet, path+"?take=2&from="+from, nil)
		expectStatus(t, r, http.StatusOK)
		o := r.object(t)
		for _, it := range o["connections"].([]any) {
			cn := it.(map[string]any)
			if _, ok := cn["enabled_clients"]; ok || cn["name"] == nil || cn["options"] == nil {
				t.Errorf("item %v", cn)
			}
			got = append(got, cn["id"].(string))
		}
		next, ok := o["next"].(string)
		if !ok || pages > 5 {
			break
		}
		from = next
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged: %v, want %v", got, want)
	}

	// strategy filters (repeatable); fields projects.
	for query, ids := range map[string][]string{
		"?strategy=auth0":                 byStrategy["auth0"],
		"?strategy=github&strategy=email": append(slices.Clone(byStrategy["github"]), byStrategy["email"]...),
		"?strategy=samlp":                 nil,
	} {
		var ids2 []string
		for _, it := range h.call(h.base, h.tok, http.MethodGet, path+query, nil).object(t)["connections"].([]any) {
			ids2 = append(ids2, it.(map[string]any)["id"].(string))
		}
		if sort.Strings(ids); !slices.Equal(ids2, ids) {
			t.Errorf("%s: %v, want %v", query, ids2, ids)
		}
	}
	r := h.call(h.base, h.tok, http.MethodGet, path+"?take=1&fields=id,strategy&include_fields=true", nil)
	if got := jsonString(t, r.object(t)); got != `{"connections":[{"id":"`+want[0]+`","strategy":"`+strategyOf(byStrategy, want[0])+`"}],"next":"`+want[1]+`"}` {
		t.Errorf("fields: %s", got)
	}
	r = h.call(h.base, h.tok, http.MethodGet, path+"?fields=options,realms&include_fields=false", nil)
	for _, it := range r.object(t)["connections"].([]any) {
		if cn := it.(map[string]any); cn["options"] != nil || cn["realms"] != nil || cn["id"] == nil {
			t.Errorf("include_fields=false: %v", cn)
		}
	}

	// Errors: an unknown client, bad queries, scopes.
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients/nope/connections", nil), http.StatusNotFound, "inexistent_client")
	for _, q := range []string{"?take=0", "?take=101", "?take=x", "?strategy=martian", "?include_fields=yes"} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, path+q, nil), http.StatusBadRequest, "invalid_query_string")
	}
	aud := h.mgmtAudience(h.base)
	mint := func(scope string) string {
		return h.mintToken(h.base, h.srv.AdminClientID(), h.srv.AdminClientSecret(), aud, scope)
	}
	e := expectAPIError(t, h.call(h.base, mint("read:connections"), http.MethodGet, path, nil), http.StatusForbidden, "insufficient_scope")
	if e.Message != "Insufficient scope, expected any of: read:clients,read:client_summary" {
		t.Errorf("message %q", e.Message)
	}
	expectAPIError(t, h.call(h.base, mint("read:clients"), http.MethodGet, path, nil), http.StatusForbidden, "insufficient_scope")
	expectStatus(t, h.call(h.base, mint("read:clients read:connections"), http.MethodGet, path, nil), http.StatusOK)
}

func strategyOf(byStrategy map[string][]string, id string) string {
	for s, ids := range byStrategy {
		if slices.Contains(ids, id) {
			return s
		}
	}
	return ""
}
