package server_test

// Tests of the clients a connection is enabled for (connection_clients.go).

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestConnectionEnabledClients(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cn := h.mustCreate(h.base, h.tok, "/api/v2/connections", map[string]any{"name": "Staff", "strategy": "auth0"})
	id := strField(t, cn, "id")
	def := findBy(h.mustList(h.base, h.tok, "/api/v2/connections?name=Username-Password-Authentication"), "strategy", "auth0")
	defID := strField(t, def, "id")

	// A new client is enabled on every existing connection.
	var created []string
	for range 5 {
		c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": unique("app ")})
		created = append(created, strField(t, c, "client_id"))
	}
	want := slices.Sorted(slices.Values(created))
	for _, take := range []int{1, 2, 5, 50} {
		if got := h.enabledClients(h.base, h.tok, id, take); !slices.Equal(got, want) {
			t.Errorf("take %d: %v, want %v", take, got, want)
		}
	}
	if got := h.mustGet(h.base, h.tok, "/api/v2/connections/"+id); !slices.Equal(stringList(got["enabled_clients"]), want) {
		t.Errorf("enabled_clients = %v, want %v", got["enabled_clients"], want)
	}
	if got := h.enabledClients(h.base, h.tok, defID, 50); len(got) != 6 || !slices.Contains(got, h.srv.AdminClientID()) {
		t.Errorf("default connection: %v", got)
	}

	// PATCH disables and enables; the last item about a client wins; the answer is 204.
	r := h.call(h.base, h.tok, http.MethodPatch, "/api/v2/connections/"+id+"/clients", []map[string]any{
		{"client_id": created[0], "status": false},
		{"client_id": created[1], "status": false},
		{"client_id": created[1], "status": true},
		{"client_id": h.srv.AdminClientID(), "status": true},
	})
	expectStatus(t, r, http.StatusNoContent)
	want = slices.Sorted(slices.Values(append([]string{h.srv.AdminClientID()}, created[1:]...)))
	if got := h.enabledClients(h.base, h.tok, id, 2); !slices.Equal(got, want) {
		t.Errorf("after PATCH: %v, want %v", got, want)
	}
	// from is a client_id: the page starts there.
	r = h.call(h.base, h.tok, http.MethodGet, "/api/v2/connections/"+id+"/clients?take=1&from="+url.QueryEscape(want[2]), nil)
	expectStatus(t, r, http.StatusOK)
	if o := r.object(t); jsonString(t, o["clients"]) != `[{"client_id":"`+want[2]+`"}]` || o["next"] != want[3] {
		t.Errorf("from %s: %s", want[2], r)
	}

	// The legacy property replaces the whole set.
	up := h.call(h.base, h.tok, http.MethodPatch, "/api/v2/connections/"+id, map[string]any{"enabled_clients": []string{created[2], created[2]}})
	expectStatus(t, up, http.StatusOK)
	if got := stringList(up.object(t)["enabled_clients"]); !slices.Equal(got, []string{created[2]}) {
		t.Errorf("legacy enabled_clients = %v", got)
	}
	// null, which the spec allows on PATCH, changes nothing.
	up = h.call(h.base, h.tok, http.MethodPatch, "/api/v2/connections/"+id, map[string]any{"enabled_clients": nil, "display_name": "d"})
	expectStatus(t, up, http.StatusOK)
	if got := stringList(up.object(t)["enabled_clients"]); !slices.Equal(got, []string{created[2]}) {
		t.Errorf("after enabled_clients null: %v", got)
	}
	up = h.call(h.base, h.tok, http.MethodPatch, "/api/v2/connections/"+id, map[string]any{"enabled_clients": []string{}})
	expectStatus(t, up, http.StatusOK)
	if got := h.enabledClients(h.base, h.tok, id, 10); len(got) != 0 {
		t.Errorf("after emptying: %v", got)
	}

	// Deleting a client removes it from every connection.
	h.call(h.base, h.tok, http.MethodPatch, "/api/v2/connections/"+id+"/clients", []map[string]any{{"client_id": created[3], "status": true}})
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/clients/"+created[3], nil), http.StatusNoContent)
	for _, c := range []string{id, defID} {
		if got := h.enabledClients(h.base, h.tok, c, 50); slices.Contains(got, created[3]) {
			t.Errorf("deleted client still enabled on %s: %v", c, got)
		}
	}

	// Bodies and queries are checked.
	many := make([]map[string]any, 51)
	for i := range many {
		many[i] = map[string]any{"client_id": created[0], "status": true}
	}
	for _, c := range []struct {
		body any
		want string
	}{
		{[]map[string]any{}, "too short"},
		{many, "too long"},
		{map[string]any{"client_id": created[0], "status": true}, "Expected type array but found type object"},
		{[]any{"x"}, "Expected type object"},
		{[]map[string]any{{"client_id": created[0]}}, "Missing required property: status"},
		{[]map[string]any{{"status": true}}, "Missing required property: client_id"},
		{[]map[string]any{{"client_id": created[0], "status": "true"}}, "Expected type boolean"},
		{[]map[string]any{{"client_id": created[0], "status": true, "x": 1}}, "Additional properties not allowed: x"},
		{"[", "Invalid request payload JSON format"},
	} {
		e := expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/connections/"+id+"/clients", c.body, bearer(h.tok)), http.StatusBadRequest, "invalid_body")
		if !strings.Contains(e.Message, c.want) {
			t.Errorf("%v: %q, want %q", c.body, e.Message, c.want)
		}
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/connections/"+id+"/clients", []map[string]any{{"client_id": "nope", "status": true}}),
		http.StatusNotFound, "inexistent_client")
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/connections/con_nope/clients", []map[string]any{{"client_id": created[0], "status": true}}),
		http.StatusNotFound, "inexistent_connection")
	for _, q := range []string{"take=0", "take=1001", "take=x", "page=1"} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/connections/"+id+"/clients?"+q, nil), http.StatusBadRequest, "invalid_query_string")
	}
	if got := h.call(h.base, h.tok, http.MethodGet, "/api/v2/connections/"+id+"/clients?take=1000", nil); got.Status != http.StatusOK {
		t.Errorf("take=1000: %s", got)
	}
}

// With the tenant flag enable_client_connections off, a new client is enabled nowhere.
func TestConnectionNewClientFlag(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	expectStatus(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/tenants/settings", map[string]any{"flags": map[string]bool{"enable_client_connections": false}}), http.StatusOK)
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "isolated"})
	for _, cn := range h.mustList(h.base, h.tok, "/api/v2/connections") {
		cn = h.mustGet(h.base, h.tok, "/api/v2/connections/"+strField(t, cn, "id"))
		if slices.Contains(stringList(cn["enabled_clients"]), c["client_id"].(string)) {
			t.Errorf("new client enabled on %v", cn)
		}
	}
	expectStatus(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/tenants/settings", map[string]any{"flags": map[string]bool{"enable_client_connections": true}}), http.StatusOK)
	c = h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "joined"})
	for _, cn := range h.mustList(h.base, h.tok, "/api/v2/connections") {
		cn = h.mustGet(h.base, h.tok, "/api/v2/connections/"+strField(t, cn, "id"))
		if !slices.Contains(stringList(cn["enabled_clients"]), c["client_id"].(string)) {
			t.Errorf("new client not enabled on %v", cn)
		}
	}
}
