package mgmt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// The create and update methods clear read-only fields in a copy, so that
// callers may pass an object built from a full model.

const (
	resourceServersPath = "api/v2/resource-servers"
	clientsPath         = "api/v2/clients"
	clientGrantsPath    = "api/v2/client-grants"
	tenantsPath         = "api/v2/tenants"
)

// CreateResourceServer registers an API, converging on its identifier; its errors
// include *ConflictError, *CreateMismatchError and *UncertainCreateError. With
// AdoptLeftovers it carries a create marker as one extra scope, and adopts an API an
// interrupted apply of the same configuration left.
func (c *Client) CreateResourceServer(ctx context.Context, rs *ResourceServer) (*ResourceServer, error) {
	in := *rs
	in.ID, in.IsSystem, in.CreateMarker = nil, nil, ""
	in.Scopes, _ = scopesWithoutMarker(in.Scopes)
	asked := in
	marker, err := c.markResourceServer(&in)
	if err != nil {
		return nil, err
	}
	identifier := str(in.Identifier)
	out, err := createKeyed(ctx, c, c.newBudget(ctx), c.endpoint(resourceServersPath), &in, keyed[ResourceServer]{
		kind: "resource server",
		key:  fmt.Sprintf("identifier %q", identifier),
		lookup: func(ctx context.Context, b budget) (*ResourceServer, error) {
			return orNil(call[ResourceServer](ctx, c, b, http.MethodGet, c.endpoint(resourceServersPath, identifier), nil))
		},
		id: func(rs *ResourceServer) string { return str(rs.ID) },
		// What the caller asked for: the marker is not part of it.
		diff: func(_, found *ResourceServer) []string { return diffResourceServer(&asked, found) },
		leftover: func(found *ResourceServer) bool {
			_, m := scopesWithoutMarker(found.Scopes)
			return marker != "" && m == marker
		},
	})
	return hideMarker(out, err)
}

func orNil[T any](v *T, err error) (*T, error) {
	if IsNotFound(err) {
		return nil, nil
	}
	return v, err
}

// GetResourceServer reads an API by id or by identifier.
func (c *Client) GetResourceServer(ctx context.Context, idOrIdentifier string) (*ResourceServer, error) {
	return hideMarker(call[ResourceServer](ctx, c, c.newBudget(ctx), http.MethodGet, c.endpoint(resourceServersPath, idOrIdentifier), nil))
}

// UpdateResourceServer changes the fields set in rs but the identifier; scopes, when
// set, replace the API's, a pending create marker's included.
func (c *Client) UpdateResourceServer(ctx context.Context, id string, rs *ResourceServer) (*ResourceServer, error) {
	in := *rs
	in.ID, in.Identifier, in.IsSystem = nil, nil, nil
	in.Scopes, _ = scopesWithoutMarker(in.Scopes)
	return hideMarker(call[ResourceServer](ctx, c, c.newBudget(ctx), http.MethodPatch, c.endpoint(resourceServersPath, id), &in))
}

// DeleteResourceServer deletes an API and its client grants; a missing one is a success.
func (c *Client) DeleteResourceServer(ctx context.Context, id string) error {
	return c.do(ctx, c.newBudget(ctx), http.MethodDelete, c.endpoint(resourceServersPath, id), nil, nil)
}

// ListResourceServers returns every API, the system Management API included.
func (c *Client) ListResourceServers(ctx context.Context) ([]*ResourceServer, error) {
	all, err := listAll[ResourceServer](ctx, c, c.newBudget(ctx), c.endpoint(resourceServersPath), "resource_servers", nil)
	for _, rs := range all {
		_, _ = hideMarker(rs, nil)
	}
	return all, err
}

// CreateApplication creates a client, with a.ClientSecret as its secret when set, converging on a
// CreateRequestMetadataKey marker unless client_metadata already has its 10 keys; its errors
// include *UncertainCreateError.
func (c *Client) CreateApplication(ctx context.Context, a *Application) (*Application, error) {
	in := *a
	in.ClientID = nil
	return c.createApplication(ctx, c.newBudget(ctx), &in)
}

// GetApplication reads a client, with its secret if the token may read it.
func (c *Client) GetApplication(ctx context.Context, clientID string) (*Application, error) {
	return call[Application](ctx, c, c.newBudget(ctx), http.MethodGet, c.endpoint(clientsPath, clientID), nil)
}

// UpdateApplication changes the fields set in a but client_id; setting
// client_secret needs update:client_keys.
func (c *Client) UpdateApplication(ctx context.Context, clientID string, a *Application) (*Application, error) {
	in := *a
	in.ClientID = nil
	return call[Application](ctx, c, c.newBudget(ctx), http.MethodPatch, c.endpoint(clientsPath, clientID), &in)
}

// DeleteApplication deletes a client and its grants.
func (c *Client) DeleteApplication(ctx context.Context, clientID string) error {
	return c.do(ctx, c.newBudget(ctx), http.MethodDelete, c.endpoint(clientsPath, clientID), nil, nil)
}

// RotateApplicationSecret gives a client a new secret and returns it.
func (c *Client) RotateApplicationSecret(ctx context.Context, clientID string) (*Application, error) {
	return call[Application](ctx, c, c.newBudget(ctx), http.MethodPost, c.endpoint(clientsPath, clientID, "rotate-secret"), nil)
}

// ApplicationFilter narrows ListApplications with the filters of GET /clients; the zero
// value lists every client.
type ApplicationFilter struct {
	AppType      string // one application type, e.g. non_interactive
	IsFirstParty *bool
}

// ListApplications returns the clients the filter keeps.
func (c *Client) ListApplications(ctx context.Context, f ApplicationFilter) ([]*Application, error) {
	q := url.Values{}
	if f.AppType != "" {
		q.Set("app_type", f.AppType)
	}
	if f.IsFirstParty != nil {
		q.Set("is_first_party", strconv.FormatBool(*f.IsFirstParty))
	}
	return listAll[Application](ctx, c, c.newBudget(ctx), c.endpoint(clientsPath), "clients", q)
}

// ClientGrantFilter narrows ListClientGrants; empty fields do not filter.
type ClientGrantFilter struct {
	ClientID, Audience string
}

// CreateClientGrant authorizes a client for an API, converging on client_id and audience.
func (c *Client) CreateClientGrant(ctx context.Context, g *ClientGrant) (*ClientGrant, error) {
	in := *g
	in.ID = nil
	if in.Scope == nil {
		in.Scope = &[]string{}
	}
	clientID, audience := str(in.ClientID), str(in.Audience)
	b := c.newBudget(ctx)
	recorded, wrote := false, false
	if c.adoptLeftovers {
		recorded, wrote = c.recordGrant(ctx, b, clientID, audience)
	}
	out, err := createKeyed(ctx, c, b, c.endpoint(clientGrantsPath), &in, keyed[ClientGrant]{
		kind: "client grant",
		key:  fmt.Sprintf("client_id %q and audience %q", clientID, audience),
		lookup: func(ctx context.Context, b budget) (*ClientGrant, error) {
			return c.findClientGrant(ctx, b, clientID, audience)
		},
		id:   func(g *ClientGrant) string { return str(g.ID) },
		diff: diffClientGrant,
		// Only the apply that created the client knew its id; or an apply
		// recorded the grant on the client before creating it.
		leftover: func(*ClientGrant) bool { return c.claims.isLeftover(clientID) || recorded },
	})
	var uncertain *UncertainCreateError
	if err != nil && wrote && !errors.As(err, &uncertain) {
		// Nothing was created: the record must not vouch for another's grant.
		c.claims.forgetGrant(clientID, audience)
		_ = c.SettleGrant(ctx, clientID, audience)
	}
	return out, err
}

// findClientGrant returns a client's client-credentials grant (not subject_type "user") for audience, or nil.
func (c *Client) findClientGrant(ctx context.Context, b budget, clientID, audience string) (*ClientGrant, error) {
	type grant struct {
		ClientGrant
		SubjectType string `json:"subject_type"`
	}
	q := url.Values{"client_id": {clientID}, "audience": {audience}}
	all, err := listAll[grant](ctx, c, b, c.endpoint(clientGrantsPath), "client_grants", q)
	if err != nil {
		return nil, err
	}
	for _, g := range all {
		if (g.SubjectType == "" || g.SubjectType == "client") && str(g.ClientID) == clientID {
			return &g.ClientGrant, nil
		}
	}
	return nil, nil
}

// GetClientGrant reads a client grant by id.
func (c *Client) GetClientGrant(ctx context.Context, id string) (*ClientGrant, error) {
	return call[ClientGrant](ctx, c, c.newBudget(ctx), http.MethodGet, c.endpoint(clientGrantsPath, id), nil)
}

// UpdateClientGrant changes a grant's scope and organization settings, its mutable fields.
func (c *Client) UpdateClientGrant(ctx context.Context, id string, g *ClientGrant) (*ClientGrant, error) {
	in := ClientGrant{Scope: g.Scope, OrganizationUsage: g.OrganizationUsage, AllowAnyOrganization: g.AllowAnyOrganization}
	return call[ClientGrant](ctx, c, c.newBudget(ctx), http.MethodPatch, c.endpoint(clientGrantsPath, id), &in)
}

// DeleteClientGrant deletes a client grant.
func (c *Client) DeleteClientGrant(ctx context.Context, id string) error {
	return c.do(ctx, c.newBudget(ctx), http.MethodDelete, c.endpoint(clientGrantsPath, id), nil, nil)
}

// ListClientGrants returns every client grant matching f.
func (c *Client) ListClientGrants(ctx context.Context, f ClientGrantFilter) ([]*ClientGrant, error) {
	q := url.Values{}
	if f.ClientID != "" {
		q.Set("client_id", f.ClientID)
	}
	if f.Audience != "" {
		q.Set("audience", f.Audience)
	}
	return listAll[ClientGrant](ctx, c, c.newBudget(ctx), c.endpoint(clientGrantsPath), "client_grants", q)
}

// CreateTenant creates a tenant (root tenant only), converging on the name; one an earlier
// attempt created cannot be adopted without its credentials: *TenantCredentialsLostError.
// One an interrupted apply of the same configuration created (its create marker says so)
// is deleted and created again, for the same reason.
func (c *Client) CreateTenant(ctx context.Context, t *Tenant) (*Tenant, error) {
	in := *t
	in.ID, in.Domain, in.ManagementClient = nil, nil, nil
	marker, err := c.leftoverMarker("tenant", &in, &in.Metadata, maxClientMetadataKeys)
	if err != nil {
		return nil, err
	}
	name := str(in.Name)
	return createKeyed(ctx, c, c.newBudget(ctx), c.endpoint(tenantsPath), &in, keyed[Tenant]{
		kind: "tenant",
		key:  fmt.Sprintf("name %q", name),
		lookup: func(ctx context.Context, b budget) (*Tenant, error) {
			return orNil(call[Tenant](ctx, c, b, http.MethodGet, c.endpoint(tenantsPath, name), nil))
		},
		id:   func(t *Tenant) string { return str(t.ID) },
		diff: diffTenant,
		adopt: func(found *Tenant) (*Tenant, error) {
			return nil, &TenantCredentialsLostError{Tenant: found}
		},
		leftover:   func(found *Tenant) bool { return hasMarker(found.Metadata, marker) },
		noVouching: true,
		takeOver: func(ctx context.Context, b budget, found *Tenant) (*Tenant, error) {
			// Its credentials were in the killed run's answer alone; nothing in it is in a
			// state either, since a state holding its objects would hold the tenant.
			if err := c.do(ctx, b, http.MethodDelete, c.endpoint(tenantsPath, str(found.ID)), nil, nil); err != nil {
				return nil, fmt.Errorf("tenant %q (id %s) was created by an interrupted apply of this configuration "+
					"without saving its credentials; deleting it to create it again failed: %w", name, str(found.ID), err)
			}
			out, err := call[Tenant](ctx, c, b, http.MethodPost, c.endpoint(tenantsPath), &in)
			if err == nil {
				c.claims.claim("tenant", str(out.ID))
			}
			return out, err
		},
	})
}

func hasMarker(md *map[string]string, marker string) bool {
	return marker != "" && md != nil && (*md)[CreateRequestMetadataKey] == marker
}

// leftoverMarker adds a create marker to *md when the client adopts leftovers and
// there is room under limit keys, and returns it ("" otherwise).
func (c *Client) leftoverMarker(kind string, body any, md **map[string]string, limit int) (string, error) {
	if !c.adoptLeftovers {
		return "", nil
	}
	marker, err := createMarker(kind, body)
	if err != nil {
		return "", err
	}
	with := withMarker(*md, marker, limit)
	if with == nil {
		return "", nil
	}
	*md = with
	return marker, nil
}

// SettleTenant removes a pending create marker from a tenant a Terraform state holds
// (see SettleApplication); a tenant's PATCH replaces its metadata.
func (c *Client) SettleTenant(ctx context.Context, t *Tenant) error {
	if !IsPendingMarker(t.Metadata) {
		return nil
	}
	md := map[string]string{}
	for k, v := range *t.Metadata {
		if k != CreateRequestMetadataKey {
			md[k] = v
		}
	}
	if err := c.do(ctx, c.newBudget(ctx), http.MethodPatch, c.endpoint(tenantsPath, str(t.ID)), &Tenant{Metadata: &md}, nil); err != nil {
		return err
	}
	t.Metadata = &md
	return nil
}

// GetTenant reads a tenant by id or name.
func (c *Client) GetTenant(ctx context.Context, idOrName string) (*Tenant, error) {
	return call[Tenant](ctx, c, c.newBudget(ctx), http.MethodGet, c.endpoint(tenantsPath, idOrName), nil)
}

// UpdateTenant changes the fields set in t but the name.
func (c *Client) UpdateTenant(ctx context.Context, id string, t *Tenant) (*Tenant, error) {
	in := *t
	in.ID, in.Name, in.Domain, in.ManagementClient = nil, nil, nil, nil
	return call[Tenant](ctx, c, c.newBudget(ctx), http.MethodPatch, c.endpoint(tenantsPath, id), &in)
}

// DeleteTenant deletes a tenant and everything in it.
func (c *Client) DeleteTenant(ctx context.Context, id string) error {
	return c.do(ctx, c.newBudget(ctx), http.MethodDelete, c.endpoint(tenantsPath, id), nil, nil)
}

// ListTenants returns every tenant.
func (c *Client) ListTenants(ctx context.Context) ([]*Tenant, error) {
	return listAll[Tenant](ctx, c, c.newBudget(ctx), c.endpoint(tenantsPath), "tenants", nil)
}

func call[T any](ctx context.Context, c *Client, b budget, method string, u *url.URL, in any) (*T, error) {
	out := new(T)
	if err := c.do(ctx, b, method, u, in, out); err != nil {
		return nil, err
	}
	return out, nil
}
