package mgmt

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// rawAPI reads an API as the server keeps it, marker scope included.
func rawAPI(t *testing.T, c *Client, id string) *ResourceServer {
	t.Helper()
	rs, err := call[ResourceServer](t.Context(), c, c.newBudget(t.Context()), http.MethodGet, c.endpoint(resourceServersPath, id), nil)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// markerScopes are the scopes of rs the provider keeps for itself.
func markerScopes(rs *ResourceServer) []ResourceServerScope {
	var out []ResourceServerScope
	if rs.Scopes == nil {
		return nil
	}
	for _, s := range *rs.Scopes {
		if IsCreateMarkerScope(s.Value) {
			out = append(out, s)
		}
	}
	return out
}

func api(identifier string, scopes ...string) *ResourceServer {
	rs := &ResourceServer{Name: String("Orders"), Identifier: String(identifier), Scopes: &[]ResourceServerScope{}}
	for _, s := range scopes {
		*rs.Scopes = append(*rs.Scopes, ResourceServerScope{Value: s, Description: "may " + s})
	}
	return rs
}

// The create sends one extra scope holding a marker over the body without
// it, which the same body in another order gives again; the caller never
// sees the scope, and a client that does not adopt leftovers sends none.
func TestResourceServerMarkerSent(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	c := env.client(t, adoptingLeftovers)
	created, err := c.CreateResourceServer(ctx, api("https://marked.example/", "write", "read"))
	if err != nil {
		t.Fatal(err)
	}
	if len(markerScopes(created)) != 0 || len(*created.Scopes) != 2 {
		t.Errorf("the create returned scopes %v, want read and write alone", *created.Scopes)
	}
	raw := rawAPI(t, c, str(created.ID))
	marks := markerScopes(raw)
	if len(marks) != 1 || len(*raw.Scopes) != 3 {
		t.Fatalf("the server keeps scopes %v, want read, write and one marker", *raw.Scopes)
	}
	value := marks[0].Value
	if !strings.HasPrefix(value, "idp_create_request:pending:") || len(value) != len("idp_create_request:pending:")+40 ||
		marks[0].Description == "" {
		t.Errorf("marker scope %+v, want idp_create_request:pending:<40 hex> with a description", marks[0])
	}
	if created.CreateMarker != strings.TrimPrefix(value, CreateMarkerScopePrefix) {
		t.Errorf("CreateMarker = %q, want the scope's marker %q", created.CreateMarker, value)
	}
	again := api("https://marked.example/", "read", "write")
	if m, err := c.markResourceServer(again); err != nil || m != created.CreateMarker {
		t.Errorf("the same body in another order gives marker %q (%v), want %q", m, err, created.CreateMarker)
	}
	other := api("https://marked.example/", "read")
	if m, _ := c.markResourceServer(other); m == created.CreateMarker {
		t.Errorf("another body gives the same marker %q", m)
	}

	plain, err := env.client(t).CreateResourceServer(ctx, api("https://unmarked.example/", "read"))
	if err != nil {
		t.Fatal(err)
	}
	if raw := rawAPI(t, c, str(plain.ID)); len(markerScopes(raw)) != 0 || plain.CreateMarker != "" {
		t.Errorf("a client that does not adopt leftovers sent scopes %v", *raw.Scopes)
	}
}

// A killed run's API is adopted once by the next run of the same
// configuration; someone else's, another create's or a different one is a
// conflict, and so is the killed run's once a state has settled it.
func TestLeftoverAPIAdopted(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	left, err := env.client(t, adoptingLeftovers).CreateResourceServer(ctx, api("https://killed.example/", "read"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.client(t).CreateResourceServer(ctx, api("https://theirs.example/", "read")); err != nil {
		t.Fatal(err)
	}
	offline := api("https://offline.example/", "read")
	offline.AllowOfflineAccess = Bool(true)
	if _, err := env.client(t, adoptingLeftovers).CreateResourceServer(ctx, offline); err != nil {
		t.Fatal(err)
	}

	next := env.client(t, adoptingLeftovers)
	got, err := next.CreateResourceServer(ctx, api("https://killed.example/", "read"))
	if err != nil || str(got.ID) != str(left.ID) {
		t.Fatalf("API: %v, want %s adopted", err, str(left.ID))
	}
	if got.CreateMarker != left.CreateMarker || len(markerScopes(got)) != 0 {
		t.Errorf("adopted with marker %q and scopes %v, want the pending marker apart from the scopes", got.CreateMarker, *got.Scopes)
	}
	var ce *ConflictError
	if _, err := next.CreateResourceServer(ctx, api("https://killed.example/", "read")); !errors.As(err, &ce) {
		t.Errorf("one API adopted twice by one run: %v", err)
	}
	if _, err := next.CreateResourceServer(ctx, api("https://theirs.example/", "read")); !errors.As(err, &ce) || !ce.Identical {
		t.Errorf("someone else's API: %v, want an identical ConflictError", err)
	}
	// Another configuration's killed apply: a marker, but not this create's.
	if _, err := next.CreateResourceServer(ctx, api("https://offline.example/", "read")); !errors.As(err, &ce) || !ce.Identical {
		t.Errorf("an API with another marker: %v, want an identical ConflictError", err)
	}
	if _, err := env.client(t, adoptingLeftovers).CreateResourceServer(ctx, api("https://killed.example/", "read", "write")); !errors.As(err, &ce) || ce.Identical {
		t.Errorf("a different body on the killed run's identifier: %v, want a ConflictError, not identical", err)
	}

	if err := next.SettleResourceServer(ctx, got); err != nil || got.CreateMarker != "" {
		t.Fatalf("settle: %v, marker %q", err, got.CreateMarker)
	}
	raw := rawAPI(t, next, str(got.ID))
	if len(*raw.Scopes) != 1 || (*raw.Scopes)[0] != (ResourceServerScope{Value: "read", Description: "may read"}) {
		t.Errorf("after settling, the server keeps scopes %v, want read alone", *raw.Scopes)
	}
	if _, err := env.client(t, adoptingLeftovers).CreateResourceServer(ctx, api("https://killed.example/", "read")); !errors.As(err, &ce) || !ce.Identical {
		t.Errorf("a settled API: %v, want an identical ConflictError", err)
	}
}

// Settling an API whose only scope is the marker leaves it none, and an
// API without a marker is not written to.
func TestSettleResourceServer(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	c := env.client(t, adoptingLeftovers)
	created, err := c.CreateResourceServer(ctx, &ResourceServer{Name: String("bare"), Identifier: String("https://bare.example/")})
	if err != nil {
		t.Fatal(err)
	}
	read, err := c.GetResourceServer(ctx, str(created.ID))
	if err != nil || read.CreateMarker == "" || len(*read.Scopes) != 0 {
		t.Fatalf("read: %v, marker %q, scopes %v, want a pending marker and no scope", err, read.CreateMarker, read.Scopes)
	}
	if err := c.SettleResourceServer(ctx, read); err != nil {
		t.Fatal(err)
	}
	if raw := rawAPI(t, c, str(created.ID)); raw.Scopes != nil && len(*raw.Scopes) != 0 {
		t.Errorf("after settling, scopes %v, want none", *raw.Scopes)
	}
	patches := env.count("", http.MethodPatch, "/api/v2/resource-servers/{id}", 0)
	settled, err := c.GetResourceServer(ctx, str(created.ID))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SettleResourceServer(ctx, settled); err != nil || env.count("", http.MethodPatch, "/api/v2/resource-servers/{id}", 0) != patches {
		t.Errorf("settling a settled API sent a PATCH (%v)", err)
	}
}

// No method that returns an API shows the marker's scope, and an update
// neither keeps the marker nor sends one the caller passed.
func TestResourceServerMarkerHidden(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	c := env.client(t, adoptingLeftovers)
	created, err := c.CreateResourceServer(ctx, api("https://hidden.example/", "read"))
	if err != nil {
		t.Fatal(err)
	}
	id := str(created.ID)
	visible := func(what string, rs *ResourceServer, wantMarker bool) {
		t.Helper()
		if len(markerScopes(rs)) != 0 || len(*rs.Scopes) != 1 || (rs.CreateMarker != "") != wantMarker {
			t.Errorf("%s: scopes %v, marker %q", what, *rs.Scopes, rs.CreateMarker)
		}
	}
	for _, key := range []string{id, "https://hidden.example/"} {
		got, err := c.GetResourceServer(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		visible("get by "+key, got, true)
	}
	all, err := c.ListResourceServers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(all, func(rs *ResourceServer) bool { return str(rs.ID) == id })
	if i < 0 {
		t.Fatalf("the API is not listed")
	}
	visible("list", all[i], true)

	sneaky := api("https://hidden.example/", "read")
	*sneaky.Scopes = append(*sneaky.Scopes, ResourceServerScope{Value: CreateMarkerScopePrefix + created.CreateMarker})
	updated, err := c.UpdateResourceServer(ctx, id, sneaky)
	if err != nil {
		t.Fatal(err)
	}
	visible("update", updated, false)
	if raw := rawAPI(t, c, id); len(markerScopes(raw)) != 0 {
		t.Errorf("after an update of the scopes, the server keeps %v", *raw.Scopes)
	}
}

// At Auth0's 1,000 scopes per API there is no room for the marker: the
// create is unmarked, and a later identical one is a conflict.
func TestLeftoverAPIWithoutRoom(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	var scopes []string
	for i := range maxResourceServerScopes {
		scopes = append(scopes, fmt.Sprintf("s%04d", i))
	}
	full := api("https://full.example/", scopes...)
	left, err := env.client(t, adoptingLeftovers).CreateResourceServer(ctx, full)
	if err != nil {
		t.Fatal(err)
	}
	if raw := rawAPI(t, env.client(t), str(left.ID)); len(*raw.Scopes) != maxResourceServerScopes || len(markerScopes(raw)) != 0 {
		t.Errorf("%d scopes with %d markers, want the 1,000 sent and no marker", len(*raw.Scopes), len(markerScopes(raw)))
	}
	var ce *ConflictError
	if _, err := env.client(t, adoptingLeftovers).CreateResourceServer(ctx, full); !errors.As(err, &ce) || !ce.Identical {
		t.Errorf("an unmarked API: %v, want an identical ConflictError", err)
	}
}
