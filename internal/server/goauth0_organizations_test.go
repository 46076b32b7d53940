package server_test

import (
	"net/http"
	"testing"

	"github.com/auth0/go-auth0"
	"github.com/auth0/go-auth0/management"
)

// The official SDK's organization calls work against the server unchanged:
// create with branding and metadata, read by ID and by name, update, list
// with its default paging, enabled connections, and client grants with
// their organization settings associated and removed.
func TestGoAuth0Organizations(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, e *sdkEnv) {
		ctx := t.Context()
		o := &management.Organization{
			Name:        auth0.String("acme"),
			DisplayName: auth0.String("Acme"),
			Branding: &management.OrganizationBranding{LogoURL: auth0.String("https://acme.example/logo.png"),
				Colors: &map[string]string{"primary": "#000000", "page_background": "#ffffff"}},
			Metadata: &map[string]string{"tier": "gold"},
		}
		must(t, "create organization", e.m.Organization.Create(ctx, o))
		if !reOrganizationID.MatchString(o.GetID()) || o.GetBranding().GetColors()["primary"] != "#000000" {
			t.Errorf("created: %s", management.Stringify(o))
		}
		byName, err := e.m.Organization.ReadByName(ctx, "acme")
		must(t, "read by name", err)
		if byName.GetID() != o.GetID() || (*byName.Metadata)["tier"] != "gold" {
			t.Errorf("by name: %s", management.Stringify(byName))
		}
		must(t, "update", e.m.Organization.Update(ctx, o.GetID(), &management.Organization{DisplayName: auth0.String("Acme Corp")}))
		got, err := e.m.Organization.Read(ctx, o.GetID())
		must(t, "read", err)
		if got.GetDisplayName() != "Acme Corp" || got.GetName() != "acme" {
			t.Errorf("after update: %s", management.Stringify(got))
		}
		list, err := e.m.Organization.List(ctx)
		must(t, "list", err)
		if len(list.Organizations) != 1 || list.Total != 1 {
			t.Errorf("list: %s", management.Stringify(list))
		}
		_, err = e.m.Organization.Read(ctx, "org_nobody")
		expectSDKError(t, err, http.StatusNotFound)

		cn := &management.Connection{Name: auth0.String(unique("staff-")), Strategy: auth0.String("auth0")}
		must(t, "create connection", e.m.Connection.Create(ctx, cn))
		must(t, "add connection", e.m.Organization.AddConnection(ctx, o.GetID(), &management.OrganizationConnection{
			ConnectionID: cn.ID, AssignMembershipOnLogin: auth0.Bool(true)}))
		conns, err := e.m.Organization.Connections(ctx, o.GetID())
		must(t, "list connections", err)
		if len(conns.OrganizationConnections) != 1 || !conns.OrganizationConnections[0].GetAssignMembershipOnLogin() ||
			conns.OrganizationConnections[0].GetConnection().GetName() != cn.GetName() {
			t.Errorf("connections: %s", management.Stringify(conns))
		}
		must(t, "update connection", e.m.Organization.UpdateConnection(ctx, o.GetID(), cn.GetID(),
			&management.OrganizationConnection{ShowAsButton: auth0.Bool(false)}))
		oc, err := e.m.Organization.Connection(ctx, o.GetID(), cn.GetID())
		must(t, "read connection", err)
		if oc.GetShowAsButton() || !oc.GetAssignMembershipOnLogin() {
			t.Errorf("connection: %s", management.Stringify(oc))
		}
		must(t, "remove connection", e.m.Organization.DeleteConnection(ctx, o.GetID(), cn.GetID()))

		api := &management.ResourceServer{Name: auth0.String("Orders"), Identifier: auth0.String("https://" + unique("orders") + ".example.com/"),
			Scopes: &[]management.ResourceServerScope{{Value: auth0.String("read:orders")}}}
		must(t, "create API", e.m.ResourceServer.Create(ctx, api))
		c := &management.Client{Name: auth0.String(unique("central ")), AppType: auth0.String("non_interactive")}
		must(t, "create client", e.m.Client.Create(ctx, c))
		g := &management.ClientGrant{ClientID: c.ClientID, Audience: api.Identifier, Scope: &[]string{"read:orders"},
			OrganizationUsage: auth0.String("require"), AllowAnyOrganization: auth0.Bool(false)}
		must(t, "create grant", e.m.ClientGrant.Create(ctx, g))
		if g.GetOrganizationUsage() != "require" || g.GetAllowAnyOrganization() {
			t.Errorf("grant: %s", management.Stringify(g))
		}
		must(t, "associate grant", e.m.Organization.AssociateClientGrant(ctx, o.GetID(), g.GetID()))
		grants, err := e.m.Organization.ClientGrants(ctx, o.GetID())
		must(t, "list grants", err)
		if len(grants.ClientGrants) != 1 || grants.ClientGrants[0].GetID() != g.GetID() || grants.ClientGrants[0].GetOrganizationUsage() != "require" {
			t.Errorf("grants: %s", management.Stringify(grants))
		}
		expectSDKError(t, e.m.Organization.AssociateClientGrant(ctx, o.GetID(), g.GetID()), http.StatusConflict)
		must(t, "remove grant", e.m.Organization.RemoveClientGrant(ctx, o.GetID(), g.GetID()))
		must(t, "delete", e.m.Organization.Delete(ctx, o.GetID()))
		_, err = e.m.Organization.ReadByName(ctx, "acme")
		expectSDKError(t, err, http.StatusNotFound)
	})
}
