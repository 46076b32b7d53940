package mgmt

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// A killed run is a Client whose creates succeeded but whose caller never
// recorded them; the next run is a new Client (new claims) of the same
// configuration.
func adoptingLeftovers(c *Config) { c.AdoptLeftovers = true }

func TestCreateMarkerIsTheBodyWithoutSecrets(t *testing.T) {
	t.Parallel()
	base := func() *Application {
		return &Application{Name: String("svc"), GrantTypes: &[]string{"client_credentials", "implicit"}}
	}
	m0, err := createMarker("client", base())
	if err != nil {
		t.Fatal(err)
	}
	same := base()
	same.GrantTypes = &[]string{"implicit", "client_credentials"}
	same.ClientSecret = String("a secret the marker must not depend on")
	other := base()
	other.Name = String("svc2")
	m1, _ := createMarker("client", same)
	m2, _ := createMarker("client", other)
	m3, _ := createMarker("tenant", base())
	if m0 != m1 {
		t.Errorf("the order of a set or a secret changed the marker: %s, %s", m0, m1)
	}
	if m0 == m2 || m0 == m3 {
		t.Errorf("a different name or kind gave the same marker %s", m0)
	}
	if len(m0) > 255 || !IsPendingMarker(&map[string]string{CreateRequestMetadataKey: m0}) {
		t.Errorf("marker %q is not a pending marker within Auth0's 255 characters", m0)
	}
}

func clientsNamed(t *testing.T, c *Client, name string) []string {
	t.Helper()
	all, err := c.ListApplications(t.Context(), ApplicationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range all {
		if str(a.Name) == name {
			ids = append(ids, str(a.ClientID))
		}
	}
	slices.Sort(ids)
	return ids
}

// Two leftovers and three resources of identical configuration: each
// leftover is adopted once, the third resource creates a client, and a
// client someone else made with the same body is never taken.
func TestLeftoverClientsAdoptedOnceEach(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	body := func() *Application { return &Application{Name: String("worker"), AppType: String("non_interactive")} }

	someoneElse := env.client(t) // no marker a run recomputes
	theirs, err := someoneElse.CreateApplication(ctx, body())
	if err != nil {
		t.Fatal(err)
	}
	killed := env.client(t, adoptingLeftovers)
	var left []string
	for range 2 {
		a, err := killed.CreateApplication(ctx, body())
		if err != nil {
			t.Fatal(err)
		}
		left = append(left, str(a.ClientID))
	}
	if left[0] == left[1] {
		t.Fatalf("one run made one client for two identical creates: %s", left[0])
	}

	next := env.client(t, adoptingLeftovers)
	var got []string
	for range 3 {
		a, err := next.CreateApplication(ctx, body())
		if err != nil {
			t.Fatal(err)
		}
		if a.ClientSecret == nil || *a.ClientSecret == "" {
			t.Errorf("client %s came back without its secret", str(a.ClientID))
		}
		got = append(got, str(a.ClientID))
	}
	for _, id := range left {
		if !slices.Contains(got, id) {
			t.Errorf("leftover %s was not adopted: got %v", id, got)
		}
	}
	if slices.Contains(got, str(theirs.ClientID)) {
		t.Errorf("the client someone else made (%s) was adopted", str(theirs.ClientID))
	}
	if all := clientsNamed(t, next, "worker"); len(all) != 4 {
		t.Errorf("clients named worker = %d (%v), want 4: theirs, two adopted, one new", len(all), all)
	}
	if n := len(env.log.find("found a client an interrupted apply of this configuration created; adopting it")); n != 2 {
		t.Errorf("adoptions logged = %d, want 2", n)
	}
}

// Once a state has read a client (SettleApplication), a later identical
// create is a new client: adding a resource of identical configuration
// never takes over an existing resource's client.
func TestSettledClientIsNotALeftover(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	first := env.client(t, adoptingLeftovers)
	a, err := first.CreateApplication(ctx, &Application{Name: String("kept")})
	if err != nil {
		t.Fatal(err)
	}
	read, err := first.GetApplication(ctx, str(a.ClientID))
	if err != nil {
		t.Fatal(err)
	}
	if !IsPendingMarker(read.ClientMetadata) {
		t.Fatalf("a new client's metadata %v has no pending marker", read.ClientMetadata)
	}
	if err := first.SettleApplication(ctx, read); err != nil {
		t.Fatal(err)
	}
	if read, err = first.GetApplication(ctx, str(a.ClientID)); err != nil || read.ClientMetadata != nil && len(*read.ClientMetadata) > 0 {
		t.Fatalf("after settling, client_metadata = %v (%v), want none", read.ClientMetadata, err)
	}
	b, err := env.client(t, adoptingLeftovers).CreateApplication(ctx, &Application{Name: String("kept")})
	if err != nil {
		t.Fatal(err)
	}
	if str(b.ClientID) == str(a.ClientID) {
		t.Errorf("a settled client was adopted")
	}
}

// A leftover changed since is adopted and brought back to the body, and a
// write-only secret given now replaces the one the killed run sent.
func TestLeftoverClientRealigned(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	body := func(secret string) *Application {
		return &Application{Name: String("aligned"), Description: String("d"), ClientSecret: String(secret)}
	}
	left, err := env.client(t, adoptingLeftovers).CreateApplication(ctx, body("the-killed-runs-secret"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.client(t).UpdateApplication(ctx, str(left.ClientID), &Application{Description: String("changed")}); err != nil {
		t.Fatal(err)
	}
	got, err := env.client(t, adoptingLeftovers).CreateApplication(ctx, body("the-configured-secret"))
	if err != nil {
		t.Fatal(err)
	}
	read, err := env.client(t).GetApplication(ctx, str(left.ClientID))
	if err != nil {
		t.Fatal(err)
	}
	if str(got.ClientID) != str(left.ClientID) || str(read.Description) != "d" || str(read.ClientSecret) != "the-configured-secret" {
		t.Errorf("adopted %s (leftover %s): description %q, secret replaced %v",
			str(got.ClientID), str(left.ClientID), str(read.Description), str(read.ClientSecret) == "the-configured-secret")
	}
}

// A leftover client changed since (made first-party, or its callbacks
// replaced) is brought back to the create body on adoption: is_first_party
// and the URL lists are compared like the rest.
func TestLeftoverClientFieldsRealigned(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]*Application{
		"is_first_party": {IsFirstParty: Bool(true)},
		"callbacks":      {Callbacks: &[]string{"https://elsewhere.example/cb"}},
	} {
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t, server.Options{}, nil)
			ctx := t.Context()
			body := func() *Application {
				return &Application{Name: String("partner"), IsFirstParty: Bool(false), Callbacks: &[]string{"https://partner.example/cb"}}
			}
			left, err := env.client(t, adoptingLeftovers).CreateApplication(ctx, body())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := env.client(t).UpdateApplication(ctx, str(left.ClientID), change); err != nil {
				t.Fatal(err)
			}
			got, err := env.client(t, adoptingLeftovers).CreateApplication(ctx, body())
			if err != nil {
				t.Fatal(err)
			}
			read, err := env.client(t).GetApplication(ctx, str(left.ClientID))
			if err != nil {
				t.Fatal(err)
			}
			if str(got.ClientID) != str(left.ClientID) || read.IsFirstParty == nil || *read.IsFirstParty ||
				read.Callbacks == nil || !slices.Equal(*read.Callbacks, []string{"https://partner.example/cb"}) {
				t.Errorf("adopted %s (leftover %s): is_first_party %v, callbacks %v, want false and the configured callback",
					str(got.ClientID), str(left.ClientID), read.IsFirstParty, read.Callbacks)
			}
		})
	}
}

// A grant on a client adopted as a leftover was the killed run's; one on any
// other client is a conflict that says it is identical.
func TestLeftoverGrant(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	killed := env.client(t, adoptingLeftovers)
	api, err := killed.CreateResourceServer(ctx, &ResourceServer{Name: String("api"), Identifier: String("https://leftover.example/"),
		Scopes: &[]ResourceServerScope{{Value: "read"}}})
	if err != nil {
		t.Fatal(err)
	}
	grant := func(clientID string) *ClientGrant {
		return &ClientGrant{ClientID: String(clientID), Audience: api.Identifier, Scope: &[]string{"read"}}
	}
	app, err := killed.CreateApplication(ctx, &Application{Name: String("granted")})
	if err != nil {
		t.Fatal(err)
	}
	g, err := killed.CreateClientGrant(ctx, grant(str(app.ClientID)))
	if err != nil {
		t.Fatal(err)
	}
	other, err := env.client(t).CreateApplication(ctx, &Application{Name: String("someone else's")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.client(t).CreateClientGrant(ctx, grant(str(other.ClientID))); err != nil {
		t.Fatal(err)
	}

	next := env.client(t, adoptingLeftovers)
	adopted, err := next.CreateApplication(ctx, &Application{Name: String("granted")})
	if err != nil || str(adopted.ClientID) != str(app.ClientID) {
		t.Fatalf("client not adopted: %v", err)
	}
	got, err := next.CreateClientGrant(ctx, grant(str(app.ClientID)))
	if err != nil || str(got.ID) != str(g.ID) {
		t.Fatalf("grant on the adopted client: %v, want grant %s adopted", err, str(g.ID))
	}
	_, err = next.CreateClientGrant(ctx, grant(str(other.ClientID)))
	var ce *ConflictError
	if !errors.As(err, &ce) || !ce.Identical || ce.ExistingID == "" {
		t.Errorf("grant on a client this run did not adopt: %v, want an identical ConflictError", err)
	}
	gotAPI, err := next.CreateResourceServer(ctx, &ResourceServer{Name: String("api"), Identifier: String("https://leftover.example/"),
		Scopes: &[]ResourceServerScope{{Value: "read"}}})
	if err != nil || str(gotAPI.ID) != str(api.ID) {
		t.Errorf("API: %v, want %s adopted by its create marker", err, str(api.ID))
	}
}

// A tenant a killed run created is ours, but its credentials are gone:
// it is created again. A tenant without our marker stays a conflict.
func TestLeftoverTenantRecreated(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	body := func(name string) *Tenant {
		return &Tenant{Name: String(name), Metadata: &map[string]string{"company": "C"}}
	}
	left, err := env.client(t, adoptingLeftovers).CreateTenant(ctx, body("killed"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.client(t).CreateTenant(ctx, body("theirs")); err != nil {
		t.Fatal(err)
	}
	next := env.client(t, adoptingLeftovers)
	got, err := next.CreateTenant(ctx, body("killed"))
	if err != nil {
		t.Fatal(err)
	}
	if str(got.ID) == str(left.ID) || got.ManagementClient == nil || got.ManagementClient.ClientSecret == "" {
		t.Errorf("tenant %s (leftover %s) came back without new credentials", str(got.ID), str(left.ID))
	}
	if _, err := next.GetTenant(ctx, str(left.ID)); !IsNotFound(err) {
		t.Errorf("the leftover tenant still exists: %v", err)
	}
	_, err = next.CreateTenant(ctx, body("theirs"))
	var ce *ConflictError
	if !errors.As(err, &ce) || !ce.Identical {
		t.Errorf("someone else's tenant: %v, want an identical ConflictError", err)
	}
	// Once a state read it, the same create is a conflict again.
	read, err := next.GetTenant(ctx, str(got.ID))
	if err != nil {
		t.Fatal(err)
	}
	if err := next.SettleTenant(ctx, read); err != nil || (*read.Metadata)["company"] != "C" || len(*read.Metadata) != 1 {
		t.Fatalf("settle: %v, metadata %v", err, read.Metadata)
	}
	if _, err := env.client(t, adoptingLeftovers).CreateTenant(ctx, body("killed")); !errors.As(err, &ce) {
		t.Errorf("a settled tenant: %v, want a ConflictError", err)
	}
}

func TestLeftoverConnectionAdopted(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	left, err := env.client(t, adoptingLeftovers).CreateConnection(ctx, dbConnection("killed"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.client(t).CreateConnection(ctx, dbConnection("theirs")); err != nil {
		t.Fatal(err)
	}
	next := env.client(t, adoptingLeftovers)
	got, err := next.CreateConnection(ctx, dbConnection("killed"))
	if err != nil || str(got.ID) != str(left.ID) {
		t.Fatalf("connection: %v, want %s adopted", err, str(left.ID))
	}
	var ce *ConflictError
	if _, err := next.CreateConnection(ctx, dbConnection("theirs")); !errors.As(err, &ce) || !ce.Identical {
		t.Errorf("someone else's connection: %v, want an identical ConflictError", err)
	}
	if err := next.SettleConnection(ctx, got); err != nil || got.Metadata == nil || len(*got.Metadata) != 0 {
		t.Errorf("settle: %v, metadata %v", err, got.Metadata)
	}
}

// A grant a killed run created on a client a state already held: the run
// recorded it on the client first, so the next run adopts it; once a state
// read it (SettleGrant), the same create is a conflict again.
func TestLeftoverGrantRecordedOnItsClient(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	api, err := env.client(t).CreateResourceServer(ctx, &ResourceServer{Name: String("api"), Identifier: String("https://recorded.example/"),
		Scopes: &[]ResourceServerScope{{Value: "read"}}})
	if err != nil {
		t.Fatal(err)
	}
	first := env.client(t, adoptingLeftovers)
	app, err := first.CreateApplication(ctx, &Application{Name: String("in state")})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.SettleApplication(ctx, app); err != nil {
		t.Fatal(err)
	}
	grant := &ClientGrant{ClientID: app.ClientID, Audience: api.Identifier, Scope: &[]string{"read"}}
	left, err := env.client(t, adoptingLeftovers).CreateClientGrant(ctx, grant)
	if err != nil {
		t.Fatal(err)
	}
	next := env.client(t, adoptingLeftovers)
	got, err := next.CreateClientGrant(ctx, grant)
	if err != nil || str(got.ID) != str(left.ID) {
		t.Fatalf("recorded grant: %v, want %s adopted", err, str(left.ID))
	}
	if !next.GrantRecorded(str(app.ClientID), str(api.Identifier)) {
		t.Errorf("the adopting client does not know the grant is recorded")
	}
	if err := next.SettleGrant(ctx, str(app.ClientID), str(api.Identifier)); err != nil {
		t.Fatal(err)
	}
	// A later plan reads the client first, and then sends nothing for the grant.
	later := env.client(t, adoptingLeftovers)
	seen, err := later.GetApplication(ctx, str(app.ClientID))
	if err != nil {
		t.Fatal(err)
	}
	if err := later.SettleApplication(ctx, seen); err != nil {
		t.Fatal(err)
	}
	patches := env.count("", "PATCH", "/api/v2/clients/{id}", 0)
	if err := later.SettleGrant(ctx, str(app.ClientID), str(api.Identifier)); err != nil || env.count("", "PATCH", "/api/v2/clients/{id}", 0) != patches {
		t.Errorf("settling a grant whose record the client read shows gone sent a PATCH (%v)", err)
	}
	read, err := next.GetApplication(ctx, str(app.ClientID))
	if err != nil || read.ClientMetadata != nil && len(*read.ClientMetadata) > 0 {
		t.Fatalf("after settling, client_metadata = %v (%v), want none", read.ClientMetadata, err)
	}
	var ce *ConflictError
	if _, err := env.client(t, adoptingLeftovers).CreateClientGrant(ctx, grant); !errors.As(err, &ce) || !ce.Identical {
		t.Errorf("a settled grant: %v, want an identical ConflictError", err)
	}
	if read, err = next.GetApplication(ctx, str(app.ClientID)); err != nil || read.ClientMetadata != nil && len(*read.ClientMetadata) > 0 {
		t.Errorf("a create that met a conflict left client_metadata = %v (%v): a record vouching for another's grant", read.ClientMetadata, err)
	}
}

// AdoptIdentical takes the caller's word for APIs, grants, connections and organizations,
// never for a tenant, whose adoption would delete it.
func TestAdoptIdentical(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	api := &ResourceServer{Name: String("api"), Identifier: String("https://identical.example/")}
	theirs, err := env.client(t).CreateResourceServer(ctx, api)
	if err != nil {
		t.Fatal(err)
	}
	tenant := &Tenant{Name: String("identical"), Metadata: &map[string]string{}}
	if _, err := env.client(t).CreateTenant(ctx, tenant); err != nil {
		t.Fatal(err)
	}
	vouching := env.client(t, adoptingLeftovers, func(c *Config) { c.AdoptIdentical = true })
	got, err := vouching.CreateResourceServer(ctx, api)
	if err != nil || str(got.ID) != str(theirs.ID) {
		t.Errorf("API: %v, want %s adopted", err, str(theirs.ID))
	}
	if _, err := vouching.CreateResourceServer(ctx, api); err == nil {
		t.Errorf("one API was adopted twice by one run")
	}
	var ce *ConflictError
	if _, err := vouching.CreateTenant(ctx, tenant); !errors.As(err, &ce) {
		t.Errorf("tenant: %v, want a ConflictError", err)
	}
	org := &Organization{Name: String("identical"), DisplayName: String("Identical")}
	theirOrg, err := env.client(t).CreateOrganization(ctx, org)
	if err != nil {
		t.Fatal(err)
	}
	if gotOrg, err := vouching.CreateOrganization(ctx, org); err != nil || str(gotOrg.ID) != str(theirOrg.ID) {
		t.Errorf("organization: %v, want %s adopted", err, str(theirOrg.ID))
	}
	changed := *api
	changed.Name = String("other")
	if _, err := vouching.CreateResourceServer(ctx, &changed); !errors.As(err, &ce) || ce.Identical {
		t.Errorf("a different API: %v, want a ConflictError, not identical", err)
	}
}

func organization(name string, metadata map[string]string) *Organization {
	return &Organization{Name: String(name), DisplayName: String("Acme"), Metadata: &metadata}
}

// An organization, like a connection, is adopted by its marker once, and
// someone else's identical one is not; settling removes the marker alone.
func TestLeftoverOrganizationAdopted(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	tier := map[string]string{"tier": "gold"}
	left, err := env.client(t, adoptingLeftovers).CreateOrganization(ctx, organization("killed", tier))
	if err != nil {
		t.Fatal(err)
	}
	if !IsPendingMarker(left.Metadata) || (*left.Metadata)["tier"] != "gold" {
		t.Fatalf("created metadata %v, want tier and a pending marker", left.Metadata)
	}
	if _, err := env.client(t).CreateOrganization(ctx, organization("theirs", tier)); err != nil {
		t.Fatal(err)
	}
	next := env.client(t, adoptingLeftovers)
	got, err := next.CreateOrganization(ctx, organization("killed", tier))
	if err != nil || str(got.ID) != str(left.ID) {
		t.Fatalf("organization: %v, want %s adopted", err, str(left.ID))
	}
	var ce *ConflictError
	if _, err := next.CreateOrganization(ctx, organization("killed", tier)); !errors.As(err, &ce) {
		t.Errorf("one organization adopted twice by one run: %v", err)
	}
	if _, err := next.CreateOrganization(ctx, organization("theirs", tier)); !errors.As(err, &ce) || !ce.Identical {
		t.Errorf("someone else's organization: %v, want an identical ConflictError", err)
	}
	// Another configuration's killed apply: a marker, but not this create's.
	branded := organization("branded", tier)
	branded.Branding = &OrganizationBranding{LogoURL: String("https://acme.example/logo.png")}
	if _, err := env.client(t, adoptingLeftovers).CreateOrganization(ctx, branded); err != nil {
		t.Fatal(err)
	}
	if _, err := next.CreateOrganization(ctx, organization("branded", tier)); !errors.As(err, &ce) || !ce.Identical {
		t.Errorf("an organization with another marker: %v, want an identical ConflictError", err)
	}
	other := organization("killed", map[string]string{"tier": "silver"})
	if _, err := env.client(t, adoptingLeftovers).CreateOrganization(ctx, other); !errors.As(err, &ce) || ce.Identical {
		t.Errorf("a different body on the killed run's name: %v, want a ConflictError, not identical", err)
	}
	if err := next.SettleOrganization(ctx, got); err != nil || len(*got.Metadata) != 1 || (*got.Metadata)["tier"] != "gold" {
		t.Errorf("settle: %v, metadata %v", err, got.Metadata)
	}
	read, err := next.GetOrganization(ctx, str(got.ID))
	if err != nil || IsPendingMarker(read.Metadata) || (*read.Metadata)["tier"] != "gold" {
		t.Errorf("after settling: %v, metadata %v, want tier alone", err, read.Metadata)
	}
	if _, err := env.client(t, adoptingLeftovers).CreateOrganization(ctx, organization("killed", tier)); !errors.As(err, &ce) {
		t.Errorf("a settled organization: %v, want a ConflictError", err)
	}
}

// An organization whose metadata has no room for the marker (25 keys) is
// created unmarked, and a later run cannot adopt it.
func TestLeftoverOrganizationWithoutRoom(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	full := map[string]string{}
	for i := range maxOrganizationMetadataKeys {
		full[fmt.Sprintf("k%02d", i)] = "v"
	}
	left, err := env.client(t, adoptingLeftovers).CreateOrganization(ctx, organization("full", full))
	if err != nil {
		t.Fatal(err)
	}
	if len(*left.Metadata) != maxOrganizationMetadataKeys || (*left.Metadata)[CreateRequestMetadataKey] != "" {
		t.Errorf("metadata %v, want the 25 keys sent and no marker", left.Metadata)
	}
	var ce *ConflictError
	if _, err := env.client(t, adoptingLeftovers).CreateOrganization(ctx, organization("full", full)); !errors.As(err, &ce) || !ce.Identical {
		t.Errorf("an unmarked organization: %v, want an identical ConflictError", err)
	}
}
