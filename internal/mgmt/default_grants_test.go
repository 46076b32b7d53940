package mgmt

import (
	"errors"
	"slices"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// A default grant's create, look-up by audience, list, update and delete,
// beside a client's own grant on the same API, which none of them touch.
func TestDefaultClientGrantRoundTrip(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	c := env.client(t)
	api, app := fixtures(t, c, "default-grant")
	own, err := c.CreateClientGrant(ctx, &ClientGrant{ClientID: app.ClientID, Audience: api.Identifier, Scope: &[]string{"write:x"}})
	if err != nil {
		t.Fatal(err)
	}

	g, err := c.CreateDefaultClientGrant(ctx, &ClientGrant{
		ID: String("ignored"), ClientID: String("ignored too"), Audience: api.Identifier, Scope: &[]string{"read:x"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if g.ID == nil || g.ClientID != nil || str(g.DefaultFor) != ThirdPartyClients || str(g.Audience) != *api.Identifier ||
		!slices.Equal(*g.Scope, []string{"read:x"}) || !IsDefaultClientGrant(g) {
		t.Errorf("created = %s", dump(g))
	}
	if IsDefaultClientGrant(own) {
		t.Errorf("a client's own grant reads as a default grant: %s", dump(own))
	}
	found, err := c.FindDefaultClientGrant(ctx, *api.Identifier)
	if err != nil || found == nil || str(found.ID) != str(g.ID) {
		t.Fatalf("find by audience = %s, %v; want %s", dump(found), err, str(g.ID))
	}
	if n := env.count("", "GET", "/api/v2/client-grants", 200); n != 1 {
		t.Errorf("find by audience: %d lists, want 1", n)
	}
	if none, err := c.FindDefaultClientGrant(ctx, "https://none.example.com"); err != nil || none != nil {
		t.Errorf("find on an API without one = %s, %v; want nil", dump(none), err)
	}
	all, err := c.ListDefaultClientGrants(ctx)
	if err != nil || len(all) != 1 || str(all[0].ID) != str(g.ID) {
		t.Errorf("list = %s, %v; want only %s", dump(all), err, str(g.ID))
	}

	upd, err := c.UpdateClientGrant(ctx, *g.ID, &ClientGrant{Scope: &[]string{"read:x", "write:x"}})
	if err != nil || len(*upd.Scope) != 2 || !IsDefaultClientGrant(upd) {
		t.Errorf("update = %s, %v", dump(upd), err)
	}
	if err := c.DeleteClientGrant(ctx, *g.ID); err != nil {
		t.Fatal(err)
	}
	if gone, err := c.FindDefaultClientGrant(ctx, *api.Identifier); err != nil || gone != nil {
		t.Errorf("after delete = %s, %v; want nil", dump(gone), err)
	}
	if kept, err := c.GetClientGrant(ctx, *own.ID); err != nil || str(kept.ClientID) != str(app.ClientID) {
		t.Errorf("the client's own grant: %s, %v", dump(kept), err)
	}
}

// The server commits the first POST and drops the connection: the retry
// meets 409, and the default grant found by its audience is adopted.
func TestDefaultClientGrantAdoptsAfterDrop(t *testing.T) {
	t.Parallel()
	env, inj, c := injected(t)
	ctx := t.Context()
	api, _ := fixtures(t, c, "default-drop")

	inj.dropOnce("POST", "/api/v2/client-grants")
	g, err := c.CreateDefaultClientGrant(ctx, &ClientGrant{Audience: api.Identifier, Scope: &[]string{"write:x", "read:x"}})
	if err != nil {
		t.Fatalf("default grant after a commit-then-drop: %v", err)
	}
	all, err := c.ListDefaultClientGrants(ctx)
	if err != nil || len(all) != 1 || str(all[0].ID) != str(g.ID) {
		t.Errorf("default grants on the server: %s, %v; adopted %s", dump(all), err, str(g.ID))
	}
	if n := inj.count("POST", "/api/v2/client-grants"); n != 2 {
		t.Errorf("grant POSTs seen = %d, want 2", n)
	}
	if n := env.count("", "POST", "/api/v2/client-grants", 409); n != 1 {
		t.Errorf("409s = %d, want 1", n)
	}

}

// A default grant has no marker: an identical one found at create is a
// conflict that says so, unless the caller vouches (IDP_ADOPT_IDENTICAL).
func TestDefaultClientGrantLeftover(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	c := env.client(t)
	api, _ := fixtures(t, c, "default-left")
	body := func() *ClientGrant { return &ClientGrant{Audience: api.Identifier, Scope: &[]string{"read:x"}} }
	left, err := c.CreateDefaultClientGrant(ctx, body())
	if err != nil {
		t.Fatal(err)
	}

	_, err = env.client(t, adoptingLeftovers).CreateDefaultClientGrant(ctx, body())
	var ce *ConflictError
	if !errors.As(err, &ce) || !ce.Identical || ce.ExistingID != str(left.ID) {
		t.Fatalf("without the caller's word: %v, want an identical ConflictError naming %s", err, str(left.ID))
	}
	vouching := env.client(t, adoptingLeftovers, func(c *Config) { c.AdoptIdentical = true })
	changed := body()
	changed.Scope = &[]string{"write:x"}
	if _, err := vouching.CreateDefaultClientGrant(ctx, changed); !errors.As(err, &ce) || ce.Identical {
		t.Errorf("a different default grant: %v, want a ConflictError, not identical", err)
	}
	got, err := vouching.CreateDefaultClientGrant(ctx, body())
	if err != nil || str(got.ID) != str(left.ID) {
		t.Errorf("vouched: %v, want %s adopted", err, str(left.ID))
	}
	if _, err := vouching.CreateDefaultClientGrant(ctx, body()); err == nil {
		t.Error("one default grant was adopted twice by one run")
	}
}
