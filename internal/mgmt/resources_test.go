package mgmt

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

func TestResourceServerRoundTrip(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	c := env.client(t)

	const identifier = "https://api.example.com/x"
	scopes := []ResourceServerScope{{Value: "read:x", Description: "Read x"}, {Value: "write:x"}}
	created, err := c.CreateResourceServer(ctx, &ResourceServer{
		ID: String("ignored"), Name: String("X API"), Identifier: String(identifier), Scopes: &scopes,
		SigningAlg: String("HS256"), SigningSecret: String("0123456789abcdef0123"),
		TokenLifetime: Int64(7200), AllowOfflineAccess: Bool(true),
		SkipConsentForVerifiableFirstPartyClients: Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == nil || len(*created.ID) != 24 || *created.Name != "X API" || *created.Identifier != identifier ||
		*created.SigningAlg != "HS256" || *created.SigningSecret != "0123456789abcdef0123" || *created.TokenLifetime != 7200 ||
		!*created.AllowOfflineAccess || !*created.SkipConsentForVerifiableFirstPartyClients || !reflect.DeepEqual(*created.Scopes, scopes) {
		t.Errorf("created = %s", dump(created))
	}

	for _, key := range []string{*created.ID, identifier} {
		got, err := c.GetResourceServer(ctx, key)
		if err != nil {
			t.Fatalf("get by %q: %v", key, err)
		}
		if *got.ID != *created.ID || *got.Identifier != identifier {
			t.Errorf("get by %q = %s", key, dump(got))
		}
	}
	// The identifier travels as one escaped segment.
	if n := env.count("", "GET", "/api/v2/resource-servers/{id}", 200); n != 2 {
		t.Errorf("GET by id/identifier answered 200 %d times, want 2", n)
	}

	newScopes := []ResourceServerScope{{Value: "read:x", Description: "Read all of x"}}
	updated, err := c.UpdateResourceServer(ctx, *created.ID, &ResourceServer{
		ID: created.ID, Identifier: created.Identifier, // read-only: not sent
		Name: String("X API v2"), Scopes: &newScopes, TokenLifetime: Int64(600),
	})
	if err != nil {
		t.Fatal(err)
	}
	if *updated.Name != "X API v2" || *updated.TokenLifetime != 600 || !reflect.DeepEqual(*updated.Scopes, newScopes) ||
		*updated.Identifier != identifier || *updated.SigningAlg != "HS256" {
		t.Errorf("updated = %s", dump(updated))
	}
	// Update by identifier works as well.
	if _, err := c.UpdateResourceServer(ctx, identifier, &ResourceServer{AllowOfflineAccess: Bool(false)}); err != nil {
		t.Fatal(err)
	}

	list, err := c.ListResourceServers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sawSystem, sawOurs bool
	for _, rs := range list {
		if rs.IsSystem != nil && *rs.IsSystem && *rs.Identifier == c.Audience() {
			sawSystem = true
		}
		if *rs.ID == *created.ID {
			sawOurs = !*rs.AllowOfflineAccess
		}
	}
	if !sawSystem || !sawOurs || len(list) != 2 {
		t.Errorf("list = %s", dump(list))
	}

	if err := c.DeleteResourceServer(ctx, *created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetResourceServer(ctx, *created.ID); !IsNotFound(err) {
		t.Errorf("after delete: %v", err)
	}
	if err := c.DeleteResourceServer(ctx, *created.ID); err != nil {
		t.Errorf("second delete: %v", err)
	}
}

func TestApplicationAndGrantRoundTrip(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	c := env.client(t)

	app, err := c.CreateApplication(ctx, &Application{
		Name: String("m2m"), Description: String("a machine"), AppType: String("non_interactive"),
		GrantTypes: &[]string{"client_credentials"}, TokenEndpointAuthMethod: String("client_secret_basic"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if app.ClientID == nil || len(*app.ClientID) != 32 || app.ClientSecret == nil || *app.ClientSecret == "" ||
		*app.Name != "m2m" || *app.Description != "a machine" || *app.AppType != "non_interactive" ||
		!slices.Equal(*app.GrantTypes, []string{"client_credentials"}) || *app.TokenEndpointAuthMethod != "client_secret_basic" {
		t.Errorf("created = %s", dump(app))
	}
	got, err := c.GetApplication(ctx, *app.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if *got.Name != "m2m" || got.ClientSecret == nil || *got.ClientSecret != *app.ClientSecret {
		t.Errorf("get = %s", dump(got))
	}
	upd, err := c.UpdateApplication(ctx, *app.ClientID, &Application{
		ClientID: String("ignored"), // read-only: not sent
		Name:     String("m2m renamed"), TokenEndpointAuthMethod: String("client_secret_post"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if *upd.Name != "m2m renamed" || *upd.TokenEndpointAuthMethod != "client_secret_post" || *upd.Description != "a machine" ||
		*upd.ClientSecret != *app.ClientSecret {
		t.Errorf("updated = %s", dump(upd))
	}
	given, err := c.UpdateApplication(ctx, *app.ClientID, &Application{ClientSecret: String("a secret the caller chose")})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.GetApplication(ctx, *app.ClientID); err != nil || *got.ClientSecret != "a secret the caller chose" ||
		*given.ClientSecret != "a secret the caller chose" {
		t.Fatalf("after setting the secret: %v %s", err, dump(got))
	}
	rotated, err := c.RotateApplicationSecret(ctx, *app.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if rotated.ClientSecret == nil || *rotated.ClientSecret == *app.ClientSecret || *rotated.ClientID != *app.ClientID {
		t.Errorf("rotated = %s", dump(rotated))
	}

	api, err := c.CreateResourceServer(ctx, &ResourceServer{
		Name: String("api"), Identifier: String("https://grants.example.com"),
		Scopes: &[]ResourceServerScope{{Value: "a"}, {Value: "b"}, {Value: "c"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	grant, err := c.CreateClientGrant(ctx, &ClientGrant{ClientID: app.ClientID, Audience: api.Identifier, Scope: &[]string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	if grant.ID == nil || !strings.HasPrefix(*grant.ID, "cgr_") || *grant.ClientID != *app.ClientID ||
		*grant.Audience != *api.Identifier || !slices.Equal(*grant.Scope, []string{"a"}) {
		t.Errorf("grant = %s", dump(grant))
	}
	// A grant with no scope at all.
	empty, err := c.CreateClientGrant(ctx, &ClientGrant{ClientID: app.ClientID, Audience: String(c.Audience())})
	if err != nil {
		t.Fatal(err)
	}
	if empty.Scope == nil || len(*empty.Scope) != 0 {
		t.Errorf("empty grant = %s", dump(empty))
	}
	if g, err := c.GetClientGrant(ctx, *grant.ID); err != nil || *g.ID != *grant.ID {
		t.Fatalf("get grant: %v %s", err, dump(g))
	}
	g2, err := c.UpdateClientGrant(ctx, *grant.ID, &ClientGrant{
		ID: grant.ID, ClientID: grant.ClientID, Audience: grant.Audience, // only scope is sent
		Scope: &[]string{"a", "b"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !sameSet(*g2.Scope, []string{"a", "b"}) {
		t.Errorf("updated grant = %s", dump(g2))
	}

	for _, tc := range []struct {
		f    ClientGrantFilter
		want int
	}{
		{ClientGrantFilter{}, 3}, // + the root admin's grant
		{ClientGrantFilter{ClientID: *app.ClientID}, 2},
		{ClientGrantFilter{Audience: *api.Identifier}, 1},
		{ClientGrantFilter{ClientID: *app.ClientID, Audience: c.Audience()}, 1},
		{ClientGrantFilter{ClientID: "nobody"}, 0},
	} {
		list, err := c.ListClientGrants(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != tc.want {
			t.Errorf("ListClientGrants(%+v) = %d grants, want %d: %s", tc.f, len(list), tc.want, dump(list))
		}
	}

	// Pages are followed: with 2 per page, 7 clients take 4 pages.
	for i := range 5 {
		if _, err := c.CreateApplication(ctx, &Application{Name: String(fmt.Sprintf("extra %d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	c.pageSize = 2
	before := env.count("", "GET", "/api/v2/clients", 200)
	apps, err := c.ListApplications(ctx, ApplicationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 7 {
		t.Errorf("ListApplications = %d clients, want 7 (admin + m2m + 5)", len(apps))
	}
	ids := map[string]bool{}
	for _, a := range apps {
		ids[*a.ClientID] = true
	}
	if len(ids) != 7 {
		t.Errorf("duplicate clients across pages: %d distinct", len(ids))
	}
	if n := env.count("", "GET", "/api/v2/clients", 200) - before; n != 4 {
		t.Errorf("pages requested = %d, want 4", n)
	}
	c.pageSize = 100

	if err := c.DeleteClientGrant(ctx, *grant.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetClientGrant(ctx, *grant.ID); !IsNotFound(err) {
		t.Errorf("grant after delete: %v", err)
	}
	if err := c.DeleteApplication(ctx, *app.ClientID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetApplication(ctx, *app.ClientID); !IsNotFound(err) {
		t.Errorf("client after delete: %v", err)
	}
	// Deleting the client deleted its remaining grant.
	if _, err := c.GetClientGrant(ctx, *empty.ID); !IsNotFound(err) {
		t.Errorf("grant of a deleted client: %v", err)
	}
}

func TestTenantRoundTrip(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	root := env.client(t)

	meta := map[string]string{"company": "Customer One"}
	tenant, err := root.CreateTenant(ctx, &Tenant{
		Name: String("customer-1"), DisplayName: String("Customer 1"),
		Owners: &[]string{"owner@customer1.example"}, Metadata: &meta,
	})
	if err != nil {
		t.Fatal(err)
	}
	wantDomain := env.ts.URL + "/tenants/customer-1"
	if tenant.ID == nil || !strings.HasPrefix(*tenant.ID, "ten_") || *tenant.Name != "customer-1" ||
		*tenant.DisplayName != "Customer 1" || !slices.Equal(*tenant.Owners, []string{"owner@customer1.example"}) ||
		!reflect.DeepEqual(*tenant.Metadata, meta) || tenant.Domain == nil || *tenant.Domain != wantDomain ||
		tenant.ManagementClient == nil || tenant.ManagementClient.ClientID == "" || tenant.ManagementClient.ClientSecret == "" {
		t.Fatalf("created = %s", dump(tenant))
	}
	for _, key := range []string{*tenant.ID, "customer-1"} {
		got, err := root.GetTenant(ctx, key)
		if err != nil {
			t.Fatalf("get by %q: %v", key, err)
		}
		if *got.ID != *tenant.ID || got.ManagementClient != nil {
			t.Errorf("get by %q = %s", key, dump(got))
		}
	}
	upd, err := root.UpdateTenant(ctx, *tenant.ID, &Tenant{
		ID: tenant.ID, Name: tenant.Name, Domain: tenant.Domain, ManagementClient: tenant.ManagementClient, // not sent
		DisplayName: String("Customer One"), Owners: &[]string{"a@customer1.example", "b@customer1.example"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if *upd.DisplayName != "Customer One" || len(*upd.Owners) != 2 || *upd.Name != "customer-1" {
		t.Errorf("updated = %s", dump(upd))
	}
	tenants, err := root.ListTenants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(tenants) != 1 || *tenants[0].ID != *tenant.ID {
		t.Errorf("list = %s", dump(tenants))
	}

	// A second client manages the new tenant with its management client.
	tc, err := New(Config{
		Domain: *tenant.Domain, ClientID: tenant.ManagementClient.ClientID, ClientSecret: tenant.ManagementClient.ClientSecret,
		MaxRetries: 1, Logger: env.log,
	})
	if err != nil {
		t.Fatal(err)
	}
	if tc.BaseURL() != wantDomain || tc.Audience() != wantDomain+"/api/v2/" {
		t.Errorf("tenant client base %q audience %q", tc.BaseURL(), tc.Audience())
	}
	rs, err := tc.CreateResourceServer(ctx, &ResourceServer{Name: String("tenant api"), Identifier: String("https://tenant-api.example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tc.GetResourceServer(ctx, "https://tenant-api.example.com"); err != nil {
		t.Fatal(err)
	}
	app, err := tc.CreateApplication(ctx, &Application{Name: String("tenant app")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tc.CreateClientGrant(ctx, &ClientGrant{ClientID: app.ClientID, Audience: rs.Identifier}); err != nil {
		t.Fatal(err)
	}
	tenantAPIs, err := tc.ListResourceServers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sawSystem bool
	for _, x := range tenantAPIs {
		if x.IsSystem != nil && *x.IsSystem && *x.Identifier == wantDomain+"/api/v2/" {
			sawSystem = true
		}
	}
	if !sawSystem || len(tenantAPIs) != 2 {
		t.Errorf("tenant APIs = %s", dump(tenantAPIs))
	}
	// Isolation: the root does not see the tenant's API.
	if _, err := root.GetResourceServer(ctx, "https://tenant-api.example.com"); !IsNotFound(err) {
		t.Errorf("root sees the tenant's API: %v", err)
	}
	// A token for the tenant's API, from the root client, through Domain.
	tok, err := root.RequestToken(ctx, TokenRequest{
		Domain: *tenant.Domain, ClientID: *app.ClientID, ClientSecret: *app.ClientSecret, Audience: *rs.Identifier,
	})
	if err != nil || tok.AccessToken == "" {
		t.Errorf("tenant token: %v", err)
	}
	if n := env.count("customer-1", "POST", "/oauth/token", 200); n != 2 {
		t.Errorf("tenant token requests = %d, want 2 (management client + RequestToken)", n)
	}
	// Tenant routes do not exist on a tenant.
	if _, err := tc.ListTenants(ctx); !IsNotFound(err) {
		t.Errorf("tenants on a tenant: %v", err)
	}

	if err := root.DeleteTenant(ctx, *tenant.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := root.GetTenant(ctx, *tenant.ID); !IsNotFound(err) {
		t.Errorf("tenant after delete: %v", err)
	}
	_, err = tc.ListResourceServers(ctx)
	var apiErr *Error
	if !asError(err, &apiErr) || (apiErr.StatusCode != http.StatusNotFound && apiErr.StatusCode != http.StatusUnauthorized) {
		t.Errorf("deleted tenant's client: %v", err)
	}
}

func asError(err error, target **Error) bool {
	return errors.As(err, target)
}

func dump(v any) string {
	if v == nil {
		return "nil"
	}
	b := new(strings.Builder)
	fmt.Fprintf(b, "%+v", deref(v))
	return b.String()
}

// deref renders pointer fields as their values, for readable failures.
func deref(v any) any {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return deref(rv.Elem().Interface())
	case reflect.Slice:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = deref(rv.Index(i).Interface())
		}
		return out
	case reflect.Struct:
		out := map[string]any{}
		for i := 0; i < rv.NumField(); i++ {
			if rv.Type().Field(i).IsExported() {
				out[rv.Type().Field(i).Name] = deref(rv.Field(i).Interface())
			}
		}
		return out
	}
	return v
}
