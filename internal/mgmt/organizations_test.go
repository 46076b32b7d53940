package mgmt

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestOrganizationRoundTrip(t *testing.T) {
	t.Parallel()
	_, _, c := injected(t)
	ctx := t.Context()
	o, err := c.CreateOrganization(ctx, &Organization{Name: String("acme"), DisplayName: String("Acme"),
		Metadata: &map[string]string{"tier": "gold", "region": "eu"},
		Branding: &OrganizationBranding{LogoURL: String("https://acme.example/logo.png"),
			Colors: &OrganizationColors{Primary: "#000000", PageBackground: "#ffffff"}}})
	if err != nil {
		t.Fatal(err)
	}
	byName, err := c.GetOrganizationByName(ctx, "acme")
	if err != nil || byName == nil || *byName.ID != *o.ID {
		t.Fatalf("by name: %v %v", byName, err)
	}
	if none, err := c.GetOrganizationByName(ctx, "nobody"); none != nil || err != nil {
		t.Errorf("an unknown name: %v %v", none, err)
	}
	up, err := c.UpdateOrganization(ctx, *o.ID, OrganizationUpdate{
		Organization:   Organization{Metadata: &map[string]string{"tier": "silver"}},
		RemoveMetadata: []string{"region"}, RemoveBranding: true})
	if err != nil {
		t.Fatal(err)
	}
	if md := *up.Metadata; len(md) != 1 || md["tier"] != "silver" || up.Branding != nil || str(up.DisplayName) != "Acme" {
		t.Errorf("after the update %+v", up)
	}
	list, err := c.ListOrganizations(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("list %v %v", list, err)
	}
	if err := c.DeleteOrganization(ctx, *o.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetOrganization(ctx, *o.ID); !IsNotFound(err) {
		t.Errorf("after delete: %v", err)
	}
}

// TestOrganizationCreateConverges: a create committed and then dropped is
// adopted by its name; one that differs is a mismatch, not an adoption.
func TestOrganizationCreateConverges(t *testing.T) {
	t.Parallel()
	env, inj, c := injected(t)
	ctx := t.Context()
	inj.dropOnce("POST", "/api/v2/organizations")
	o, err := c.CreateOrganization(ctx, &Organization{Name: String("dropped"), DisplayName: String("D")})
	if err != nil {
		t.Fatalf("create after a commit-then-drop: %v", err)
	}
	if n := env.count("", "POST", "/api/v2/organizations", 201); n != 1 {
		t.Errorf("%d creates committed, want 1", n)
	}
	list, err := c.ListOrganizations(ctx)
	if err != nil || len(list) != 1 || *list[0].ID != *o.ID {
		t.Fatalf("list %v %v", list, err)
	}
	_, err = c.CreateOrganization(ctx, &Organization{Name: String("dropped")})
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.ExistingID != *o.ID {
		t.Errorf("a second create: %v", err)
	}
	inj.dropOnce("POST", "/api/v2/organizations")
	if _, err := c.CreateOrganization(ctx, &Organization{Name: String("raced"), DisplayName: String("A")}); err != nil {
		t.Fatal(err)
	}
	inj.dropOnce("POST", "/api/v2/organizations")
	_, err = c.CreateOrganization(ctx, &Organization{Name: String("raced"), DisplayName: String("B")})
	var me *CreateMismatchError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "display_name") {
		t.Errorf("a different organization under the name: %v", err)
	}
}

func TestOrganizationAssociationsAndToken(t *testing.T) {
	t.Parallel()
	_, inj, c := injected(t)
	ctx := t.Context()
	api, app := fixtures(t, c, "orgtok")
	g, err := c.CreateClientGrant(ctx, &ClientGrant{ClientID: app.ClientID, Audience: api.Identifier,
		Scope: &[]string{"read:x", "write:x"}, OrganizationUsage: String("require")})
	if err != nil {
		t.Fatal(err)
	}
	if str(g.OrganizationUsage) != "require" || g.AllowAnyOrganization != nil {
		t.Errorf("grant %+v", g)
	}
	o, err := c.CreateOrganization(ctx, &Organization{Name: String("cust")})
	if err != nil {
		t.Fatal(err)
	}
	// A lost answer to the association is retried, and its 409 is a success.
	inj.dropOnce("POST", "/api/v2/organizations/"+*o.ID+"/client-grants")
	if err := c.AssociateOrganizationClientGrant(ctx, *o.ID, *g.ID); err != nil {
		t.Fatal(err)
	}
	grants, err := c.ListOrganizationClientGrants(ctx, *o.ID)
	if err != nil || len(grants) != 1 || *grants[0].ID != *g.ID {
		t.Fatalf("grants %v %v", grants, err)
	}
	req := TokenRequest{ClientID: *app.ClientID, ClientSecret: *app.ClientSecret, Audience: *api.Identifier,
		Scopes: []string{"read:x"}, Organization: *o.ID}
	tok, err := c.RequestToken(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok.AccessToken, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	if claims["org_id"] != *o.ID || claims["scope"] != "read:x" {
		t.Errorf("claims %v", claims)
	}
	req.Organization = ""
	if _, err := c.RequestToken(ctx, req); err == nil || !strings.Contains(err.Error(), "organization is required") {
		t.Errorf("without an organization: %v", err)
	}
	if err := c.DissociateOrganizationClientGrant(ctx, *o.ID, *g.ID); err != nil {
		t.Fatal(err)
	}
	req.Organization = *o.ID
	if _, err := c.RequestToken(ctx, req); err == nil {
		t.Errorf("a dissociated organization got a token")
	}
	// The grant's organization fields update.
	g2, err := c.UpdateClientGrant(ctx, *g.ID, &ClientGrant{OrganizationUsage: String("allow"), AllowAnyOrganization: Bool(true)})
	if err != nil || str(g2.OrganizationUsage) != "allow" || g2.AllowAnyOrganization == nil || !*g2.AllowAnyOrganization {
		t.Fatalf("update %+v %v", g2, err)
	}
	if _, err := c.RequestToken(ctx, req); err != nil {
		t.Errorf("allow_any_organization: %v", err)
	}

	// Enabled connections.
	cn, err := c.CreateConnection(ctx, dbConnection("orgconn"))
	if err != nil {
		t.Fatal(err)
	}
	inj.dropOnce("POST", "/api/v2/organizations/"+*o.ID+"/enabled_connections")
	if err := c.AddOrganizationConnection(ctx, *o.ID, OrganizationConnection{ConnectionID: *cn.ID, AssignMembershipOnLogin: Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if err := c.UpdateOrganizationConnection(ctx, *o.ID, OrganizationConnection{ConnectionID: *cn.ID, ShowAsButton: Bool(false)}); err != nil {
		t.Fatal(err)
	}
	conns, err := c.ListOrganizationConnections(ctx, *o.ID)
	if err != nil || len(conns) != 1 || !*conns[0].AssignMembershipOnLogin || *conns[0].ShowAsButton {
		t.Fatalf("connections %+v %v", conns, err)
	}
	if err := c.RemoveOrganizationConnection(ctx, *o.ID, *cn.ID); err != nil {
		t.Fatal(err)
	}
	if conns, err := c.ListOrganizationConnections(ctx, *o.ID); err != nil || len(conns) != 0 {
		t.Errorf("after removal %v %v", conns, err)
	}
}
