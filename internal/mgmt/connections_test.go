package mgmt

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// The connection calls against the in-process server, faults injected
// deterministically where the create must converge.

func dbConnection(name string) *Connection {
	return &Connection{
		Name: String(name), Strategy: String(StrategyDatabase), DisplayName: String("Customers"),
		Options: &ConnectionOptions{
			PasswordPolicy: String("excellent"), BruteForceProtection: Bool(true),
			RequiresUsername: Bool(false), DisableSignup: Bool(true),
			Extra: map[string]json.RawMessage{"password_history": json.RawMessage(`{"enable":true,"size":5}`)},
		},
	}
}

func TestConnectionRoundTrip(t *testing.T) {
	t.Parallel()
	env, _, c := injected(t)
	ctx := t.Context()

	env.srv.ResetCounts()
	cn, err := c.CreateConnection(ctx, dbConnection("customers"))
	if err != nil {
		t.Fatal(err)
	}
	if n := env.total(); n != 1 {
		t.Errorf("create: %d requests, want 1", n)
	}
	if !strings.HasPrefix(str(cn.ID), "con_") || str(cn.Strategy) != "auth0" || !slices.Equal(*cn.Realms, []string{"customers"}) {
		t.Errorf("created %+v", cn)
	}
	o := cn.Options
	if str(o.PasswordPolicy) != "excellent" || !*o.BruteForceProtection || *o.RequiresUsername || !*o.DisableSignup ||
		string(o.Extra["password_history"]) != `{"enable":true,"size":5}` {
		t.Errorf("options %+v", o)
	}

	byName, err := c.GetConnectionByName(ctx, "customers")
	if err != nil || byName == nil || str(byName.ID) != str(cn.ID) {
		t.Fatalf("by name: %v %+v", err, byName)
	}
	none, err := c.GetConnectionByName(ctx, "nobody")
	if err != nil || none != nil {
		t.Errorf("by a name nobody has: %v %+v", err, none)
	}
	dbs, err := c.ListConnections(ctx, ConnectionFilter{Strategy: []string{"auth0"}})
	if err != nil || len(dbs) != 2 { // the tenant's default connection and ours
		t.Errorf("database connections: %v %d, want 2", err, len(dbs))
	}
	social, err := c.ListConnections(ctx, ConnectionFilter{Strategy: []string{"google-oauth2"}})
	if err != nil || len(social) != 0 {
		t.Errorf("google connections: %v %d", err, len(social))
	}

	// A read-modify-write keeps the options it does not type.
	got, err := c.GetConnection(ctx, str(cn.ID))
	if err != nil {
		t.Fatal(err)
	}
	got.Options.PasswordPolicy, got.Options.DisableSignup = String("fair"), Bool(false)
	upd, err := c.UpdateConnection(ctx, str(cn.ID), &Connection{Name: got.Name, Strategy: got.Strategy, Options: got.Options,
		DisplayName: String("Customers (EU)")})
	if err != nil {
		t.Fatalf("update (name and strategy must not be sent): %v", err)
	}
	if str(upd.Options.PasswordPolicy) != "fair" || *upd.Options.DisableSignup || str(upd.DisplayName) != "Customers (EU)" ||
		string(upd.Options.Extra["password_history"]) != `{"enable":true,"size":5}` {
		t.Errorf("updated %+v %+v", upd, upd.Options)
	}

	if err := c.DeleteConnection(ctx, str(cn.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetConnection(ctx, str(cn.ID)); !IsNotFound(err) {
		t.Errorf("after delete: %v, want a 404", err)
	}
	if err := c.DeleteConnection(ctx, str(cn.ID)); err != nil {
		t.Errorf("second delete: %v", err)
	}
}

func TestConnectionOptionsJSON(t *testing.T) {
	t.Parallel()
	var o ConnectionOptions
	in := `{"passwordPolicy":null,"brute_force_protection":"yes","disable_signup":true,"mfa":{"active":true}}`
	if err := json.Unmarshal([]byte(in), &o); err != nil {
		t.Fatal(err)
	}
	// null is absent; an option of an unexpected type is kept as it came.
	if o.PasswordPolicy != nil || o.BruteForceProtection != nil || !*o.DisableSignup ||
		string(o.Extra["brute_force_protection"]) != `"yes"` || string(o.Extra["mfa"]) != `{"active":true}` || len(o.Extra) != 2 {
		t.Errorf("decoded %+v", o)
	}
	out, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"brute_force_protection":"yes","disable_signup":true,"mfa":{"active":true}}`; string(out) != want {
		t.Errorf("encoded %s, want %s", out, want)
	}
}

// TestConnectionClients: the enabled clients are read across checkpoint
// pages, and a change of more than 50 clients goes out in batches of 50.
func TestConnectionClients(t *testing.T) {
	t.Parallel()
	env, inj, c := injected(t)
	ctx := t.Context()
	cn, err := c.CreateConnection(ctx, &Connection{Name: String("many"), Strategy: String("auth0")})
	if err != nil {
		t.Fatal(err)
	}
	id := str(cn.ID)
	ids, err := c.ListConnectionClients(ctx, id)
	if err != nil || len(ids) != 0 {
		t.Fatalf("a new connection's clients: %v %v, want none", err, ids)
	}
	var changes []ConnectionClientStatus
	var want []string
	for i := range 120 {
		a, err := c.CreateApplication(ctx, &Application{Name: String(fmt.Sprintf("app %d", i))})
		if err != nil {
			t.Fatal(err)
		}
		changes = append(changes, ConnectionClientStatus{ClientID: *a.ClientID, Status: true})
		want = append(want, *a.ClientID)
	}
	// Created after the connection, every client is already enabled on it:
	// the tenant's enable_client_connections default.
	ids, err = c.ListConnectionClients(ctx, id)
	if err != nil || len(ids) != 120 {
		t.Fatalf("after creating 120 clients: %v %d enabled, want 120", err, len(ids))
	}
	for _, ch := range changes[:70] {
		if err := c.UpdateConnectionClients(ctx, id, []ConnectionClientStatus{{ClientID: ch.ClientID, Status: false}}); err != nil {
			t.Fatal(err)
		}
	}
	env.srv.ResetCounts()
	inj.once(http.MethodPatch, "/api/v2/connections/"+id+"/clients", http.StatusServiceUnavailable, nil)
	if err := c.UpdateConnectionClients(ctx, id, changes); err != nil {
		t.Fatal(err)
	}
	if n := env.count("", http.MethodPatch, "/api/v2/connections/{id}/clients", 204); n != 3 {
		t.Errorf("PATCHes = %d, want 3 (50 + 50 + 20)", n)
	}
	if err := c.UpdateConnectionClients(ctx, id, nil); err != nil {
		t.Fatal(err)
	}

	c.clientsTake = 7
	env.srv.ResetCounts()
	ids, err = c.ListConnectionClients(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(want)
	if !slices.Equal(ids, want) {
		t.Errorf("enabled clients: %d, want the %d enabled", len(ids), len(want))
	}
	if n := env.count("", http.MethodGet, "/api/v2/connections/{id}/clients", 200); n != 18 { // ceil(120/7)
		t.Errorf("pages = %d, want 18", n)
	}

	// A client that does not exist is the server's 404, and nothing of
	// that batch is applied.
	err = c.UpdateConnectionClients(ctx, id, []ConnectionClientStatus{{ClientID: want[0], Status: false}, {ClientID: strings.Repeat("x", 32), Status: true}})
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Code != "inexistent_client" {
		t.Errorf("unknown client: %v", err)
	}
	if _, err := c.ListConnectionClients(ctx, "con_doesnotexist0000"); !IsNotFound(err) {
		t.Errorf("clients of a connection that does not exist: %v, want a 404", err)
	}
}

// TestConnectionCreateConverges: the name is the connection's unique key,
// so its create converges like the other keyed creates.
func TestConnectionCreateConverges(t *testing.T) {
	t.Parallel()
	env, inj, c := injected(t)
	ctx := t.Context()

	// Committed and dropped: the retry meets 409 and adopts the connection.
	inj.dropOnce(http.MethodPost, "/api/v2/connections")
	cn, err := c.CreateConnection(ctx, dbConnection("dropped"))
	if err != nil {
		t.Fatalf("create after a commit-then-drop: %v", err)
	}
	all, err := c.ListConnections(ctx, ConnectionFilter{Name: "dropped"})
	if err != nil || len(all) != 1 || str(all[0].ID) != str(cn.ID) {
		t.Fatalf("connections named so: %v %d", err, len(all))
	}
	if n := env.count("", http.MethodPost, "/api/v2/connections", 409); n != 1 {
		t.Errorf("409s = %d, want 1", n)
	}

	// A 503 that was not executed: sent again, made once.
	inj.once(http.MethodPost, "/api/v2/connections", http.StatusServiceUnavailable, nil)
	if _, err := c.CreateConnection(ctx, dbConnection("after-503")); err != nil {
		t.Fatalf("create after a 503: %v", err)
	}

	// A first attempt's 409: someone else's connection, named by its ID.
	env.srv.ResetCounts()
	_, err = c.CreateConnection(ctx, dbConnection("dropped"))
	var ce *ConflictError
	if !errors.As(err, &ce) || !IsConflict(err) || ce.ExistingID != str(cn.ID) || ce.Kind != "connection" ||
		!strings.Contains(err.Error(), `name "dropped"`) {
		t.Errorf("first-attempt 409: %v", err)
	}
	if n := env.total(); n != 2 {
		t.Errorf("first-attempt 409: %d requests, want 2 (the POST and one look-up)", n)
	}

	// An ambiguous attempt, then a 409 for a connection that differs.
	inj.once(http.MethodPost, "/api/v2/connections", http.StatusBadGateway, nil)
	other := dbConnection("dropped")
	other.Options.PasswordPolicy = String("low")
	other.DisplayName = String("Other")
	_, err = c.CreateConnection(ctx, other)
	var me *CreateMismatchError
	if !errors.As(err, &me) || me.ExistingID != str(cn.ID) || !slices.Equal(me.Fields, []string{"display_name", "options"}) {
		t.Errorf("mismatch: %v", err)
	}
}

// Past 1,000 connections, where the server refuses offset pages, lists and
// lookups by name page by checkpoint.
func TestListConnectionsPastOffsetLimit(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	c := env.client(t)
	ctx := t.Context()
	const n = 1005
	for i := range n {
		if _, err := c.CreateConnection(ctx, &Connection{Name: String(fmt.Sprintf("bulk-%04d", i)), Strategy: String("email")}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := c.ListConnections(ctx, ConnectionFilter{})
	if err != nil || len(all) != n+1 {
		t.Fatalf("ListConnections: %d, %v; want %d", len(all), err, n+1)
	}
	seen := map[string]bool{}
	for _, cn := range all {
		seen[str(cn.ID)] = true
	}
	if len(seen) != n+1 {
		t.Errorf("%d distinct ids, want %d", len(seen), n+1)
	}
	emails, err := c.ListConnections(ctx, ConnectionFilter{Strategy: []string{"email"}})
	if err != nil || len(emails) != n {
		t.Errorf("by strategy: %d, %v; want %d", len(emails), err, n)
	}
	last, err := c.GetConnectionByName(ctx, fmt.Sprintf("bulk-%04d", n-1))
	if err != nil || last == nil {
		t.Fatalf("GetConnectionByName: %v %v", last, err)
	}
	if got := env.count("", http.MethodGet, "/api/v2/connections", http.StatusBadRequest); got != 0 {
		t.Errorf("%d lists refused", got)
	}
}

// Connection lists send take (at most 100) and the previous next as from,
// and a next that never ends stops at the list cap.
func TestListConnectionsCheckpointQueries(t *testing.T) {
	t.Parallel()
	var queries []url.Values
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.Query())
		n := len(queries)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"connections":[{"id":"con_%d","name":"c%d"}],"next":"con_%d"}`, n, n, n+1)
	}))
	t.Cleanup(ts.Close)
	c := quickClient(t, Config{Domain: ts.URL, APIToken: "tok"})
	c.maxPages = 3
	_, err := c.ListConnections(t.Context(), ConnectionFilter{Strategy: []string{"auth0"}})
	if want := "GET /api/v2/connections: the list goes on after 3 pages and 3 objects"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if len(queries) != 3 {
		t.Fatalf("%d requests, want 3", len(queries))
	}
	for i, q := range queries {
		from := ""
		if i > 0 {
			from = fmt.Sprintf("con_%d", i+1)
		}
		if q.Get("take") != "100" || q.Get("from") != from || q.Get("strategy") != "auth0" || q.Has("page") || q.Has("per_page") {
			t.Errorf("request %d: %v", i, q)
		}
	}
}
