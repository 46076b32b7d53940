package server_test

// Tests of GET /api/v2/connections past Auth0's 1,000-record offset limit,
// and of read:connections_options / update:connections_options.

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"testing"
)

type connectionCheckpoint struct {
	Connections []map[string]any
	Next        *string
}

// Offset paging stops at 1,000 records, as Auth0 answers; checkpoint paging
// (from/take) walks all connections in id order, with next while more follow.
func TestConnectionListCheckpoint(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	te := h.newTenant(unique("conn-cp-"))
	const n = 1010
	want := []string{strField(t, h.mustList(te.base, te.tok, "/api/v2/connections")[0], "id")}
	for i := range n - 1 {
		cn := h.mustCreate(te.base, te.tok, "/api/v2/connections", map[string]any{
			"name": fmt.Sprintf("cp-%04d", i), "strategy": "auth0",
		})
		want = append(want, strField(t, cn, "id"))
	}
	sort.Strings(want)

	for _, q := range []string{"?page=10&per_page=100", "?page=20", "?page=1000&per_page=1"} {
		r := h.call(te.base, te.tok, http.MethodGet, "/api/v2/connections"+q, nil)
		e := expectAPIError(t, r, http.StatusBadRequest, "invalid_query_string")
		if e.Message != fmt.Sprintf("Requesting page %s exceeds the allowed maximum of 1000 records. To fetch results beyond 1000, use the checkpoint pagination method.",
			mustQuery(t, q).Get("page")) {
			t.Errorf("%s: message %q", q, e.Message)
		}
	}
	if got := h.mustList(te.base, te.tok, "/api/v2/connections?page=9&per_page=100"); len(got) != 100 {
		t.Errorf("last offset page has %d", len(got))
	}

	var got []string
	from := ""
	for pages := 0; ; pages++ {
		if pages > n {
			t.Fatal("checkpoint paging does not end")
		}
		q := url.Values{"take": {"100"}}
		if from != "" {
			q.Set("from", from)
		}
		r := h.call(te.base, te.tok, http.MethodGet, "/api/v2/connections?"+q.Encode(), nil)
		expectStatus(t, r, http.StatusOK)
		var page connectionCheckpoint
		r.decode(t, &page)
		for _, cn := range page.Connections {
			got = append(got, strField(t, cn, "id"))
		}
		if page.Next == nil {
			break
		}
		from = *page.Next
	}
	if !slices.Equal(got, want) {
		t.Fatalf("checkpoint walk: %d ids, want %d in id order", len(got), len(want))
	}

	r := h.call(te.base, te.tok, http.MethodGet, "/api/v2/connections?take=2&from="+want[n-2]+"&include_totals=true&fields=id", nil)
	expectStatus(t, r, http.StatusOK)
	var last connectionCheckpoint
	r.decode(t, &last)
	if len(last.Connections) != 2 || last.Connections[0]["id"] != want[n-2] || len(last.Connections[0]) != 1 || last.Next != nil {
		t.Errorf("last page: %s", r)
	}
	r = h.call(te.base, te.tok, http.MethodGet, "/api/v2/connections?take=3&name=cp-0005", nil)
	r.decode(t, &last)
	if len(last.Connections) != 1 || last.Connections[0]["name"] != "cp-0005" || last.Next != nil {
		t.Errorf("filtered page: %s", r)
	}
	for _, q := range []string{"?take=0", "?take=101", "?take=x", "?from=" + url.QueryEscape(string(make([]byte, 1001)))} {
		expectAPIError(t, h.call(te.base, te.tok, http.MethodGet, "/api/v2/connections"+q, nil), http.StatusBadRequest, "invalid_query_string")
	}
}

func mustQuery(t *testing.T, q string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(q[1:])
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Options are answered only to a token with read:connections_options, and
// a PATCH of options needs update:connections_options.
func TestConnectionOptionsScopes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	aud := h.mgmtAudience(h.base)
	mint := func(scope string) string {
		return h.mintToken(h.base, h.srv.AdminClientID(), h.srv.AdminClientSecret(), aud, scope)
	}
	cn := h.mustCreate(h.base, h.tok, "/api/v2/connections", map[string]any{
		"name": unique("opts-"), "strategy": "auth0", "options": map[string]any{"disable_signup": true},
	})
	id := strField(t, cn, "id")
	if opts, _ := cn["options"].(map[string]any); opts["disable_signup"] != true {
		t.Fatalf("created with the scope: %v", cn)
	}
	plain := mint("read:connections update:connections create:connections read:clients")
	withRead := mint("read:connections update:connections read:connections_options read:client_summary")

	for _, path := range []string{"/api/v2/connections/" + id, "/api/v2/connections?name=" + strField(t, cn, "name"),
		"/api/v2/clients/" + h.srv.AdminClientID() + "/connections"} {
		for _, c := range []struct {
			tok  string
			want bool
		}{{plain, false}, {withRead, true}} {
			r := h.call(h.base, c.tok, http.MethodGet, path, nil)
			expectStatus(t, r, http.StatusOK)
			var items []map[string]any
			var body any
			r.decode(t, &body)
			switch v := body.(type) {
			case []any:
				for _, it := range v {
					items = append(items, it.(map[string]any))
				}
			case map[string]any:
				if list, ok := v["connections"].([]any); ok {
					for _, it := range list {
						items = append(items, it.(map[string]any))
					}
				} else {
					items = append(items, v)
				}
			}
			if len(items) == 0 {
				t.Fatalf("%s: no connections: %s", path, r)
			}
			for _, it := range items {
				if _, has := it["options"]; has != c.want {
					t.Errorf("%s: options answered %v, want %v: %v", path, has, c.want, it)
				}
			}
		}
	}

	created := h.call(h.base, plain, http.MethodPost, "/api/v2/connections", map[string]any{
		"name": unique("opts-"), "strategy": "auth0", "options": map[string]any{"disable_signup": true},
	})
	expectStatus(t, created, http.StatusCreated)
	if _, has := created.object(t)["options"]; has {
		t.Errorf("create without read:connections_options answered options: %s", created)
	}

	e := expectAPIError(t, h.call(h.base, withRead, http.MethodPatch, "/api/v2/connections/"+id,
		map[string]any{"options": map[string]any{}}), http.StatusForbidden, "insufficient_scope")
	if e.Message != "Insufficient scope, expected any of: update:connections_options" {
		t.Errorf("message %q", e.Message)
	}
	r := h.call(h.base, plain, http.MethodPatch, "/api/v2/connections/"+id, map[string]any{"display_name": "Renamed"})
	expectStatus(t, r, http.StatusOK)
	if _, has := r.object(t)["options"]; has {
		t.Errorf("PATCH without read:connections_options answered options: %s", r)
	}
	got := h.mustGet(h.base, h.tok, "/api/v2/connections/"+id)
	if opts, _ := got["options"].(map[string]any); opts["disable_signup"] != true || got["display_name"] != "Renamed" {
		t.Errorf("options changed by a PATCH without them: %v", got)
	}
	r = h.call(h.base, mint("update:connections update:connections_options"), http.MethodPatch, "/api/v2/connections/"+id,
		map[string]any{"options": map[string]any{"disable_signup": false}})
	expectStatus(t, r, http.StatusOK)
	if _, has := r.object(t)["options"]; has {
		t.Errorf("PATCH with update: but not read:connections_options answered options: %s", r)
	}
	if opts, _ := h.mustGet(h.base, h.tok, "/api/v2/connections/"+id)["options"].(map[string]any); opts["disable_signup"] != false {
		t.Errorf("options after PATCH = %v", opts)
	}
}
