package mgmt

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// Every fault is deterministic: the injector answers, or commits and drops,
// exactly the requests it is told to.

func TestCreateHappyPathIsOneRequest(t *testing.T) {
	t.Parallel()
	env, _, c := injected(t)
	ctx := t.Context()
	api, app := fixtures(t, c, "happy")
	creates := []struct {
		name   string
		create func() error
	}{
		{"resource server", func() error {
			_, err := c.CreateResourceServer(ctx, &ResourceServer{Name: String("h2"), Identifier: String("https://h2.example.com")})
			return err
		}},
		{"client", func() error {
			_, err := c.CreateApplication(ctx, &Application{Name: String("h3")})
			return err
		}},
		{"client grant", func() error {
			_, err := c.CreateClientGrant(ctx, &ClientGrant{ClientID: app.ClientID, Audience: api.Identifier, Scope: &[]string{"read:x"}})
			return err
		}},
		{"tenant", func() error {
			_, err := c.CreateTenant(ctx, &Tenant{Name: String("happy-tenant")})
			return err
		}},
		{"read", func() error {
			_, err := c.GetResourceServer(ctx, *api.ID)
			return err
		}},
	}
	for _, cr := range creates {
		env.srv.ResetCounts()
		if err := cr.create(); err != nil {
			t.Fatalf("%s: %v", cr.name, err)
		}
		if n := env.total(); n != 1 {
			env.dumpCounts(t)
			t.Errorf("%s: %d requests, want exactly 1", cr.name, n)
		}
	}
}

// TestKeyedCreateAdoptsAfterDrop: the server commits the first POST and
// drops the connection; the retry meets 409, and the object found by its
// key is adopted.
func TestKeyedCreateAdoptsAfterDrop(t *testing.T) {
	t.Parallel()
	env, inj, c := injected(t)
	ctx := t.Context()
	api, app := fixtures(t, c, "adopt")

	inj.dropOnce("POST", "/api/v2/resource-servers")
	rs, err := c.CreateResourceServer(ctx, &ResourceServer{
		Name: String("adopted"), Identifier: String("https://adopted.example.com"),
		Scopes: &[]ResourceServerScope{{Value: "a:b", Description: "ab"}}, TokenLifetime: Int64(600),
	})
	if err != nil {
		t.Fatalf("create after a commit-then-drop: %v", err)
	}
	got, err := c.GetResourceServer(ctx, "https://adopted.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if *rs.ID != *got.ID || *rs.Name != "adopted" {
		t.Errorf("adopted %s %q, the server has %s", *rs.ID, *rs.Name, *got.ID)
	}
	if n := env.count("", "POST", "/api/v2/resource-servers", 201); n != 2 { // the fixture's and the dropped one
		t.Errorf("resource servers created = %d, want 2", n)
	}
	if n := env.count("", "POST", "/api/v2/resource-servers", 409); n != 1 {
		t.Errorf("409s = %d, want 1", n)
	}

	inj.dropOnce("POST", "/api/v2/client-grants")
	g, err := c.CreateClientGrant(ctx, &ClientGrant{ClientID: app.ClientID, Audience: api.Identifier, Scope: &[]string{"write:x", "read:x"}})
	if err != nil {
		t.Fatalf("grant after a commit-then-drop: %v", err)
	}
	grants, err := c.ListClientGrants(ctx, ClientGrantFilter{ClientID: *app.ClientID, Audience: *api.Identifier})
	if err != nil {
		t.Fatal(err)
	}
	if len(grants) != 1 || *grants[0].ID != *g.ID {
		t.Errorf("grants on the server: %d; adopted %s", len(grants), *g.ID)
	}
	if n := inj.count("POST", "/api/v2/client-grants"); n != 2 {
		t.Errorf("grant POSTs seen = %d, want 2", n)
	}
}

func TestTenantCreateAfterDropLosesCredentials(t *testing.T) {
	t.Parallel()
	_, inj, c := injected(t)
	ctx := t.Context()
	inj.dropOnce("POST", "/api/v2/tenants")
	_, err := c.CreateTenant(ctx, &Tenant{Name: String("lost-creds"), DisplayName: String("Lost")})
	var lost *TenantCredentialsLostError
	if !errors.As(err, &lost) {
		t.Fatalf("got %v, want a *TenantCredentialsLostError", err)
	}
	got, gerr := c.GetTenant(ctx, "lost-creds")
	if gerr != nil {
		t.Fatal(gerr)
	}
	if *lost.Tenant.ID != *got.ID || !strings.Contains(err.Error(), *got.ID) || !strings.Contains(err.Error(), "delete the tenant") {
		t.Errorf("error %q does not name tenant %s", err, *got.ID)
	}
	if IsConflict(err) {
		t.Error("a lost-credentials error reads as a conflict (the provider would advise an import)")
	}
}

func TestFirstAttemptConflictCarriesExistingID(t *testing.T) {
	t.Parallel()
	env, inj, c := injected(t)
	ctx := t.Context()
	api, app := fixtures(t, c, "conflict")
	g, err := c.CreateClientGrant(ctx, &ClientGrant{ClientID: app.ClientID, Audience: api.Identifier})
	if err != nil {
		t.Fatal(err)
	}
	tn, err := c.CreateTenant(ctx, &Tenant{Name: String("conflict")})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, id string
		create   func() error
	}{
		{"resource server", *api.ID, func() error {
			_, err := c.CreateResourceServer(ctx, &ResourceServer{Name: String("conflict"), Identifier: api.Identifier})
			return err
		}},
		{"client grant", *g.ID, func() error {
			_, err := c.CreateClientGrant(ctx, &ClientGrant{ClientID: app.ClientID, Audience: api.Identifier})
			return err
		}},
		{"tenant", *tn.ID, func() error {
			_, err := c.CreateTenant(ctx, &Tenant{Name: String("conflict")})
			return err
		}},
	}
	for _, tc := range cases {
		env.srv.ResetCounts()
		err := tc.create()
		var ce *ConflictError
		var apiErr *Error
		if !errors.As(err, &ce) || !IsConflict(err) || !errors.As(err, &apiErr) || apiErr.StatusCode != 409 {
			t.Errorf("%s: got %v, want a *ConflictError wrapping the 409", tc.name, err)
			continue
		}
		if ce.ExistingID != tc.id || ce.Kind != tc.name || !strings.Contains(err.Error(), tc.id) {
			t.Errorf("%s: %+v, want existing id %s", tc.name, ce, tc.id)
		}
		if n := env.total(); n != 2 {
			t.Errorf("%s: %d requests, want 2 (the POST and one look-up)", tc.name, n)
		}
	}

	// A 429 before the 409 does not make it ours: the 429 was not executed.
	inj.once("POST", "/api/v2/resource-servers", http.StatusTooManyRequests, map[string]string{"Retry-After": "0"})
	_, err = c.CreateResourceServer(ctx, &ResourceServer{Name: String("conflict"), Identifier: api.Identifier})
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.ExistingID != *api.ID {
		t.Errorf("429 then 409: got %v, want a *ConflictError", err)
	}
}

// TestAdoptMismatch: the first attempt's answer is a 503 (which may have
// been executed), the retry meets 409, and the object found is not what
// was sent.
func TestAdoptMismatch(t *testing.T) {
	t.Parallel()
	_, inj, c := injected(t)
	ctx := t.Context()
	existing, err := c.CreateResourceServer(ctx, &ResourceServer{Name: String("theirs"), Identifier: String("https://mismatch.example.com"), TokenLifetime: Int64(60)})
	if err != nil {
		t.Fatal(err)
	}
	inj.once("POST", "/api/v2/resource-servers", http.StatusServiceUnavailable, nil)
	_, err = c.CreateResourceServer(ctx, &ResourceServer{Name: String("ours"), Identifier: String("https://mismatch.example.com"), TokenLifetime: Int64(60)})
	var me *CreateMismatchError
	if !errors.As(err, &me) {
		t.Fatalf("got %v, want a *CreateMismatchError", err)
	}
	if me.ExistingID != *existing.ID || !slices.Equal(me.Fields, []string{"name"}) || !IsConflict(err) ||
		!strings.Contains(err.Error(), *existing.ID) || !strings.Contains(err.Error(), "name") {
		t.Errorf("mismatch error %+v: %v", me, err)
	}

	if _, err := c.CreateTenant(ctx, &Tenant{Name: String("mismatch"), Owners: &[]string{"a@example.com"}}); err != nil {
		t.Fatal(err)
	}
	inj.once("POST", "/api/v2/tenants", http.StatusBadGateway, nil)
	_, err = c.CreateTenant(ctx, &Tenant{Name: String("mismatch"), Owners: &[]string{"b@example.com"}, DisplayName: String("B")})
	if !errors.As(err, &me) || !slices.Equal(me.Fields, []string{"display_name", "owners"}) {
		t.Errorf("tenant: got %v, want a mismatch in display_name, owners", err)
	}
}

// TestApplicationMarkerRecovery: a client create committed and dropped is
// found by its create-request id, not created twice.
func TestApplicationMarkerRecovery(t *testing.T) {
	t.Parallel()
	env, inj, c := injected(t)
	ctx := t.Context()
	clientsNamed := func(name string) []*Application {
		t.Helper()
		all, err := c.ListApplications(ctx, ApplicationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var out []*Application
		for _, a := range all {
			if *a.Name == name {
				out = append(out, a)
			}
		}
		return out
	}

	md := map[string]string{"team": "blue"}
	env.srv.ResetCounts()
	inj.dropOnce("POST", "/api/v2/clients")
	app, err := c.CreateApplication(ctx, &Application{Name: String("dropped app"), ClientMetadata: &md})
	if err != nil {
		t.Fatalf("create after a commit-then-drop: %v", err)
	}
	if n := env.count("", "POST", "/api/v2/clients", 0); n != 1 {
		t.Errorf("client POSTs executed = %d, want 1 (found by its id, not sent again)", n)
	}
	if n := env.count("", "GET", "/api/v2/clients", 200); n != 1 {
		t.Errorf("client lists = %d, want 1", n)
	}
	found := clientsNamed("dropped app")
	if len(found) != 1 || *found[0].ClientID != *app.ClientID {
		t.Fatalf("clients named so on the server: %d, want exactly 1 (%s)", len(found), *app.ClientID)
	}
	if app.ClientSecret == nil || *app.ClientSecret == "" || *app.ClientSecret != *found[0].ClientSecret {
		t.Errorf("adopted client's secret is not the server's")
	}
	if (*app.ClientMetadata)["team"] != "blue" || len((*app.ClientMetadata)[CreateRequestMetadataKey]) != 32 {
		t.Errorf("client_metadata = %v", *app.ClientMetadata)
	}
	if len(md) != 1 {
		t.Errorf("the caller's metadata was changed: %v", md)
	}

	// A 503 that was not executed: the list finds nothing, and the POST is
	// sent again.
	inj.once("POST", "/api/v2/clients", http.StatusServiceUnavailable, nil)
	if _, err := c.CreateApplication(ctx, &Application{Name: String("503 app")}); err != nil {
		t.Fatalf("create after a 503: %v", err)
	}
	if n := len(clientsNamed("503 app")); n != 1 {
		t.Errorf("clients named so on the server: %d, want exactly 1", n)
	}
	if n := inj.count("POST", "/api/v2/clients"); n != 3 {
		t.Errorf("client POSTs seen = %d, want 3", n)
	}
}

// TestAdoptedClientWithoutReadableSecret: a token without read:client_keys
// finds the dropped client without its secret; the client is new and
// nobody has its secret, so it is rotated to give the caller one.
func TestAdoptedClientWithoutReadableSecret(t *testing.T) {
	t.Parallel()
	env, inj, admin, c := withoutReadClientKeys(t)
	ctx := t.Context()
	inj.dropOnce("POST", "/api/v2/clients")
	got, err := c.CreateApplication(ctx, &Application{Name: String("dropped, no keys")})
	if err != nil {
		t.Fatalf("create after a commit-then-drop: %v", err)
	}
	stored, err := admin.GetApplication(ctx, *got.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ClientSecret == nil || *got.ClientSecret == "" || *got.ClientSecret != *stored.ClientSecret {
		t.Error("the adopted client's secret is not its current one")
	}
	if n := env.count("", "POST", "/api/v2/clients/{id}/rotate-secret", 200); n != 1 {
		t.Errorf("rotations = %d, want 1", n)
	}
}

// TestAdoptedClientKeepsGivenSecret: a dropped create that carried the
// caller's secret is adopted with it, not rotated, even when the token
// cannot read it back.
func TestAdoptedClientKeepsGivenSecret(t *testing.T) {
	t.Parallel()
	env, inj, admin, c := withoutReadClientKeys(t)
	ctx := t.Context()
	const secret = "the caller's own secret, 0123456789"
	inj.dropOnce("POST", "/api/v2/clients")
	got, err := c.CreateApplication(ctx, &Application{Name: String("dropped, given secret"), ClientSecret: String(secret)})
	if err != nil {
		t.Fatalf("create after a commit-then-drop: %v", err)
	}
	stored, err := admin.GetApplication(ctx, *got.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if *stored.ClientSecret != secret || got.ClientSecret == nil || *got.ClientSecret != secret {
		t.Error("the adopted client does not have the given secret")
	}
	if n := env.count("", "POST", "/api/v2/clients/{id}/rotate-secret", 200); n != 0 {
		t.Errorf("rotations = %d, want 0", n)
	}
}
