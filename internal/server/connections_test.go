package server_test

// Tests of /api/v2/connections (connections.go, connection_options.go).

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// A new tenant, and the root at start, has the default database connection, enabled for its
// seeded Management API client.
func TestConnectionDefaultDatabase(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	te := h.newTenant(unique("conn-default-"))
	for _, env := range []struct{ base, tok, client string }{
		{h.base, h.tok, h.srv.AdminClientID()},
		{te.base, te.tok, te.clientID},
	} {
		list := h.mustList(env.base, env.tok, "/api/v2/connections")
		if len(list) != 1 {
			t.Fatalf("connections = %v", list)
		}
		cn := list[0]
		if !reConnectionID.MatchString(strField(t, cn, "id")) || cn["name"] != "Username-Password-Authentication" ||
			cn["strategy"] != "auth0" || cn["is_domain_connection"] != false ||
			jsonString(t, cn["realms"]) != `["Username-Password-Authentication"]` {
			t.Errorf("default connection = %v", cn)
		}
		// A list's items have no enabled_clients (the spec's ConnectionForList); a GET has them.
		if _, listed := cn["enabled_clients"]; listed {
			t.Errorf("a listed connection has enabled_clients: %v", cn)
		}
		got := h.mustGet(env.base, env.tok, "/api/v2/connections/"+strField(t, cn, "id"))
		if jsonString(t, got["enabled_clients"]) != `["`+env.client+`"]` {
			t.Errorf("default connection's enabled_clients = %v", got["enabled_clients"])
		}
		opts, _ := cn["options"].(map[string]any)
		if opts["passwordPolicy"] != "good" || opts["brute_force_protection"] != true || opts["strategy_version"] != 2.0 {
			t.Errorf("default options = %v", opts)
		}
		if got := h.enabledClients(env.base, env.tok, strField(t, cn, "id"), 50); !slices.Equal(got, []string{env.client}) {
			t.Errorf("enabled clients = %v", got)
		}
	}
}

func TestConnectionCRUD(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	body := map[string]any{
		"name":         "Customers-DB",
		"strategy":     "auth0",
		"display_name": "Customers",
		"options": map[string]any{
			"passwordPolicy":         "excellent",
			"brute_force_protection": true,
			"requires_username":      true,
			"disable_signup":         false,
			"password_history":       map[string]any{"enable": true, "size": 5},
			"validation":             map[string]any{"username": map[string]any{"min": 3, "max": 20}},
			"customScripts":          map[string]any{"login": "function login(){}"},
			"some_future_option":     map[string]any{"kept": []any{1, "two"}},
		},
		"is_domain_connection": true,
		"metadata":             map[string]string{"team": "identity"},
		"show_as_button":       false,
	}
	cn := h.mustCreate(h.base, h.tok, "/api/v2/connections", body)
	id := strField(t, cn, "id")
	if !reConnectionID.MatchString(id) {
		t.Errorf("id %q", id)
	}
	got := h.mustGet(h.base, h.tok, "/api/v2/connections/"+id)
	for _, m := range []map[string]any{cn, got} {
		for k, v := range body {
			if want, have := jsonString(t, v), jsonString(t, m[k]); want != have {
				t.Errorf("%s = %s, want %s", k, have, want)
			}
		}
		// A new client is enabled on every connection; none was created since.
		if jsonString(t, m["enabled_clients"]) != `[]` || jsonString(t, m["realms"]) != `["Customers-DB"]` {
			t.Errorf("connection = %v", m)
		}
	}

	// Reads honour fields, and always answer the id, as Auth0 does (the official provider reads
	// fields=strategy,name and takes the id from the answer).
	if got := h.mustGet(h.base, h.tok, "/api/v2/connections/"+id+"?fields=name,strategy"); len(got) != 3 || got["name"] != "Customers-DB" || got["id"] != id {
		t.Errorf("fields: %v", got)
	}
	if got := h.mustGet(h.base, h.tok, "/api/v2/connections/"+id+"?fields=id,name&include_fields=false"); got["id"] != id || got["name"] != nil || got["strategy"] != "auth0" {
		t.Errorf("include_fields=false: %v", got)
	}

	// PATCH: options are replaced as a whole; name and strategy are immutable.
	up := h.call(h.base, h.tok, http.MethodPatch, "/api/v2/connections/"+id, map[string]any{
		"options": map[string]any{"passwordPolicy": "fair"}, "display_name": "Clients", "realms": []string{"a", "b"},
		"metadata": map[string]string{"tier": "1"},
	})
	expectStatus(t, up, http.StatusOK)
	o := up.object(t)
	if jsonString(t, o["options"]) != `{"passwordPolicy":"fair"}` || o["display_name"] != "Clients" ||
		jsonString(t, o["realms"]) != `["a","b"]` || jsonString(t, o["metadata"]) != `{"tier":"1"}` || o["name"] != "Customers-DB" {
		t.Errorf("after PATCH: %v", o)
	}
	for _, bad := range []map[string]any{{"name": "Renamed"}, {"strategy": "auth0"}} {
		e := expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/connections/"+id, bad), http.StatusBadRequest, "invalid_body")
		if !strings.Contains(e.Message, "Additional properties not allowed") {
			t.Errorf("PATCH %v: %s", bad, e.Message)
		}
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/connections/con_nope", map[string]any{"display_name": "x"}),
		http.StatusNotFound, "inexistent_connection")

	// Delete: 204, again 204, then 404; the name is free again.
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/connections/"+id, nil), http.StatusNoContent)
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/connections/"+id, nil), http.StatusNoContent)
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/connections/"+id, nil), http.StatusNotFound, "inexistent_connection")
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/connections/"+id+"/clients", nil), http.StatusNotFound, "inexistent_connection")
	h.mustCreate(h.base, h.tok, "/api/v2/connections", map[string]any{"name": "Customers-DB", "strategy": "auth0"})
}

func TestConnectionList(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range []struct{ name, strategy string }{{"db-1", "auth0"}, {"db-2", "auth0"}, {"google", "google-oauth2"}, {"mail", "email"}} {
		h.mustCreate(h.base, h.tok, "/api/v2/connections", map[string]any{"name": c.name, "strategy": c.strategy})
	}
	names := func(list []map[string]any) []string {
		var out []string
		for _, c := range list {
			out = append(out, c["name"].(string))
		}
		return out
	}
	for q, want := range map[string][]string{
		"":                                  {"Username-Password-Authentication", "db-1", "db-2", "google", "mail"},
		"?strategy=auth0":                   {"Username-Password-Authentication", "db-1", "db-2"},
		"?strategy=auth0&strategy=email":    {"Username-Password-Authentication", "db-1", "db-2", "mail"},
		"?name=google":                      {"google"},
		"?name=db-2&strategy=auth0":         {"db-2"},
		"?name=db-2&strategy=google-oauth2": nil,
		"?per_page=2&page=1":                {"db-2", "google"},
	} {
		if got := names(h.mustList(h.base, h.tok, "/api/v2/connections"+q)); !slices.Equal(got, want) {
			t.Errorf("list%s = %v, want %v", q, got, want)
		}
	}
	r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/connections?strategy=auth0&include_totals=true&per_page=2", nil)
	expectStatus(t, r, http.StatusOK)
	var totals struct {
		Total, Start, Limit int
		Connections         []map[string]any
	}
	r.decode(t, &totals)
	if totals.Total != 3 || totals.Start != 0 || totals.Limit != 2 || len(totals.Connections) != 2 {
		t.Errorf("include_totals: %s", r)
	}
	if got := h.mustList(h.base, h.tok, "/api/v2/connections?fields=id&include_fields=true"); len(got) != 5 || len(got[0]) != 1 {
		t.Errorf("fields: %v", got)
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/connections?per_page=101", nil), http.StatusBadRequest, "invalid_query_string")
}

func TestConnectionValidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	long := strings.Repeat("a", 129)
	for _, c := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"strategy": "auth0"}, "Missing required property: name"},
		{map[string]any{"name": "x"}, "Missing required property: strategy"},
		{map[string]any{"name": "", "strategy": "auth0"}, "does not match pattern"},
		{map[string]any{"name": long, "strategy": "auth0"}, "too long"},
		{map[string]any{"name": "has space", "strategy": "auth0"}, "does not match pattern"},
		{map[string]any{"name": "-lead", "strategy": "auth0"}, "does not match pattern"},
		{map[string]any{"name": "trail-", "strategy": "auth0"}, "does not match pattern"},
		{map[string]any{"name": "double--dash", "strategy": "auth0"}, "does not match pattern"},
		{map[string]any{"name": "under_score", "strategy": "auth0"}, "does not match pattern"},
		{map[string]any{"name": "ok", "strategy": "martian"}, "No enum match for: martian"},
		{map[string]any{"name": "ok", "strategy": "auth0", "colour": "red"}, "Additional properties not allowed: colour"},
		{map[string]any{"name": "ok", "strategy": "auth0", "options": "x"}, "Expected type object but found type string"},
		{map[string]any{"name": "ok", "strategy": "auth0", "options": map[string]any{"passwordPolicy": "great"}}, "No enum match for: great"},
		{map[string]any{"name": "ok", "strategy": "auth0", "options": map[string]any{"brute_force_protection": "yes"}}, "Expected type boolean"},
		{map[string]any{"name": "ok", "strategy": "auth0", "options": map[string]any{"requires_username": 1}}, "Expected type boolean"},
		{map[string]any{"name": "ok", "strategy": "auth0", "options": map[string]any{"disable_signup": nil}}, "Expected type boolean"},
		{map[string]any{"name": "ok", "strategy": "auth0", "options": map[string]any{"password_history": map[string]any{"enable": true, "size": 25}}}, "Value 25 is greater than maximum 24"},
		{map[string]any{"name": "ok", "strategy": "auth0", "options": map[string]any{"password_history": map[string]any{"size": 5}}}, "Missing required property: enable"},
		{map[string]any{"name": "ok", "strategy": "auth0", "options": map[string]any{"validation": map[string]any{"username": map[string]any{"min": 10, "max": 5}}}}, "must not exceed"},
		{map[string]any{"name": "ok", "strategy": "auth0", "is_domain_connection": "true"}, "Expected type boolean"},
		{map[string]any{"name": "ok", "strategy": "auth0", "enabled_clients": "all"}, "Expected type array"},
		{map[string]any{"name": "ok", "strategy": "auth0", "metadata": map[string]any{"k": 1}}, "but found type number"},
		{map[string]any{"name": "ok", "strategy": "auth0", "metadata": map[string]string{
			"1": "", "2": "", "3": "", "4": "", "5": "", "6": "", "7": "", "8": "", "9": "", "10": "", "11": ""}}, "Too many properties"},
	} {
		e := expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/connections", c.body), http.StatusBadRequest, "invalid_body")
		if !strings.Contains(e.Message, c.want) {
			t.Errorf("%v: message %q, want %q", c.body, e.Message, c.want)
		}
	}
	// Other strategies' options are stored as the spec lets them be; names are as long as allowed.
	h.mustCreate(h.base, h.tok, "/api/v2/connections", map[string]any{"name": "g", "strategy": "google-oauth2", "options": map[string]any{"custom_option": "anything"}})
	h.mustCreate(h.base, h.tok, "/api/v2/connections", map[string]any{"name": long[:128], "strategy": "auth0"})
	// A name is unique in a tenant, not across tenants.
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/connections", map[string]any{"name": "g", "strategy": "auth0"}), http.StatusConflict, "conflict")
	te := h.newTenant(unique("conn-names-"))
	h.mustCreate(te.base, te.tok, "/api/v2/connections", map[string]any{"name": "g", "strategy": "auth0"})
	// Unknown clients in enabled_clients.
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/connections", map[string]any{"name": "e", "strategy": "auth0", "enabled_clients": []string{"nope"}}),
		http.StatusNotFound, "inexistent_client")
}

// Connections count against the per-tenant cap, the seeded default included.
func TestConnectionCap(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *server.Options) { o.MaxObjects = 2 })
	h.mustCreate(h.base, h.tok, "/api/v2/connections", map[string]any{"name": "second", "strategy": "auth0"})
	expectTooMany(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/connections", map[string]any{"name": "third", "strategy": "auth0"}), "connections", 2)
	if n := len(h.mustList(h.base, h.tok, "/api/v2/connections")); n != 2 {
		t.Errorf("%d connections", n)
	}
}
