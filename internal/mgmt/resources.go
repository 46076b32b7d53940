package mgmt

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Read-only fields (ids, server-set secrets, system flags) are never sent:
// the create and update methods clear them in a copy, so that callers may
// pass an object built from a full model.

const (
	resourceServersPath = "api/v2/resource-servers"
	clientsPath         = "api/v2/clients"
	clientGrantsPath    = "api/v2/client-grants"
	tenantsPath         = "api/v2/tenants"
)

// CreateResourceServer registers an API (POST /api/v2/resource-servers).
// The create converges (see create.go): it is retried after 5xx, 429 and
// connection errors within the budget, and a 409 after an attempt that may
// have been executed adopts the API found by identifier when it is what
// was sent (else *CreateMismatchError). A 409 on the first attempt is a
// *ConflictError carrying the existing API's id. When the call gives up
// while an attempt may have created the API, the error is an
// *UncertainCreateError.
func (c *Client) CreateResourceServer(ctx context.Context, rs *ResourceServer) (*ResourceServer, error) {
	in := *rs
	in.ID, in.IsSystem = nil, nil
	identifier := str(in.Identifier)
	return createKeyed(ctx, c, c.newBudget(ctx), c.endpoint(resourceServersPath), &in, keyed[ResourceServer]{
		kind: "resource server",
		key:  fmt.Sprintf("identifier %q", identifier),
		lookup: func(ctx context.Context, b budget) (*ResourceServer, error) {
			return orNil(call[ResourceServer](ctx, c, b, http.MethodGet, c.endpoint(resourceServersPath, identifier), nil))
		},
		id:   func(rs *ResourceServer) string { return str(rs.ID) },
		diff: diffResourceServer,
	})
}

// orNil turns a 404 into (nil, nil).
func orNil[T any](v *T, err error) (*T, error) {
	if IsNotFound(err) {
		return nil, nil
	}
	return v, err
}

// GetResourceServer reads an API by id or by identifier (the identifier is
// escaped as one path segment).
func (c *Client) GetResourceServer(ctx context.Context, idOrIdentifier string) (*ResourceServer, error) {
	return call[ResourceServer](ctx, c, c.newBudget(ctx), http.MethodGet, c.endpoint(resourceServersPath, idOrIdentifier), nil)
}

// UpdateResourceServer changes the fields set in rs (PATCH). The identifier
// is immutable and is not sent.
func (c *Client) UpdateResourceServer(ctx context.Context, id string, rs *ResourceServer) (*ResourceServer, error) {
	in := *rs
	in.ID, in.Identifier, in.IsSystem = nil, nil, nil
	return call[ResourceServer](ctx, c, c.newBudget(ctx), http.MethodPatch, c.endpoint(resourceServersPath, id), &in)
}

// DeleteResourceServer deletes an API and its client grants. The server
// answers 204 for an id that does not exist.
func (c *Client) DeleteResourceServer(ctx context.Context, id string) error {
	return c.do(ctx, c.newBudget(ctx), http.MethodDelete, c.endpoint(resourceServersPath, id), nil, nil)
}

// ListResourceServers returns every API, the system Management API included,
// following pages.
func (c *Client) ListResourceServers(ctx context.Context) ([]*ResourceServer, error) {
	return listAll[ResourceServer](ctx, c, c.newBudget(ctx), c.endpoint(resourceServersPath), "resource_servers", nil)
}

// CreateApplication creates a client (POST /api/v2/clients); the answer
// carries its client_id and client_secret.
//
// The create converges although clients have no unique key (see
// create.go): it sends a random id under CreateRequestMetadataKey in
// client_metadata (which stays on the client; a.ClientMetadata itself is
// not changed), and after a failure that may have been executed (5xx, a
// connection lost after sending) it lists the clients, adopts the one
// carrying the id, and only when there is none sends the POST again, within
// the budget. When the call gives up while the outcome is unknown, the error
// is an *UncertainCreateError naming the id to look for. A client whose
// client_metadata already has the maximum of 10 keys gets no id, and its
// create is not retried after it may have reached the server.
func (c *Client) CreateApplication(ctx context.Context, a *Application) (*Application, error) {
	in := *a
	in.ClientID, in.ClientSecret = nil, nil
	return c.createApplication(ctx, c.newBudget(ctx), &in)
}

// GetApplication reads a client. Its secret is present when the token may
// read client keys.
func (c *Client) GetApplication(ctx context.Context, clientID string) (*Application, error) {
	return call[Application](ctx, c, c.newBudget(ctx), http.MethodGet, c.endpoint(clientsPath, clientID), nil)
}

// UpdateApplication changes the fields set in a (PATCH). client_id and
// client_secret are not sent (use RotateApplicationSecret).
func (c *Client) UpdateApplication(ctx context.Context, clientID string, a *Application) (*Application, error) {
	in := *a
	in.ClientID, in.ClientSecret = nil, nil
	return call[Application](ctx, c, c.newBudget(ctx), http.MethodPatch, c.endpoint(clientsPath, clientID), &in)
}

// DeleteApplication deletes a client and its grants.
func (c *Client) DeleteApplication(ctx context.Context, clientID string) error {
	return c.do(ctx, c.newBudget(ctx), http.MethodDelete, c.endpoint(clientsPath, clientID), nil, nil)
}

// RotateApplicationSecret gives a client a new secret and returns the client
// with it. Like every POST, it is not retried after it may have reached the
// server.
func (c *Client) RotateApplicationSecret(ctx context.Context, clientID string) (*Application, error) {
	return call[Application](ctx, c, c.newBudget(ctx), http.MethodPost, c.endpoint(clientsPath, clientID, "rotate-secret"), nil)
}

// ListApplications returns every client, following pages.
func (c *Client) ListApplications(ctx context.Context) ([]*Application, error) {
	return listAll[Application](ctx, c, c.newBudget(ctx), c.endpoint(clientsPath), "clients", nil)
}

// ClientGrantFilter narrows ListClientGrants; empty fields do not filter.
type ClientGrantFilter struct {
	ClientID, Audience string
}

// CreateClientGrant authorizes a client for an API. A nil Scope is sent as
// an empty list. The create converges like CreateResourceServer's, keyed
// by client_id and audience (the existing grant is found with one filtered
// list).
func (c *Client) CreateClientGrant(ctx context.Context, g *ClientGrant) (*ClientGrant, error) {
	in := *g
	in.ID = nil
	if in.Scope == nil {
		in.Scope = &[]string{}
	}
	clientID, audience := str(in.ClientID), str(in.Audience)
	return createKeyed(ctx, c, c.newBudget(ctx), c.endpoint(clientGrantsPath), &in, keyed[ClientGrant]{
		kind: "client grant",
		key:  fmt.Sprintf("client_id %q and audience %q", clientID, audience),
		lookup: func(ctx context.Context, b budget) (*ClientGrant, error) {
			return c.findClientGrant(ctx, b, clientID, audience)
		},
		id:   func(g *ClientGrant) string { return str(g.ID) },
		diff: diffClientGrant,
	})
}

// findClientGrant returns the client-credentials grant of a client for an
// audience, or nil. (A client may also hold a grant with subject_type
// "user" for the same audience; that one is not what CreateClientGrant
// creates.)
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

// UpdateClientGrant changes a grant's scope, the only mutable field; the
// other fields of g are not sent.
func (c *Client) UpdateClientGrant(ctx context.Context, id string, g *ClientGrant) (*ClientGrant, error) {
	in := ClientGrant{Scope: g.Scope}
	return call[ClientGrant](ctx, c, c.newBudget(ctx), http.MethodPatch, c.endpoint(clientGrantsPath, id), &in)
}

// DeleteClientGrant deletes a client grant.
func (c *Client) DeleteClientGrant(ctx context.Context, id string) error {
	return c.do(ctx, c.newBudget(ctx), http.MethodDelete, c.endpoint(clientGrantsPath, id), nil, nil)
}

// ListClientGrants returns every client grant matching f, following pages.
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

// CreateTenant creates a tenant (root tenant only). The answer carries the
// new tenant's domain and its Management API client credentials.
//
// The create converges like CreateResourceServer's, keyed by name, with one
// difference: a tenant created by an attempt whose answer was lost cannot
// be adopted, because its credentials came only with that answer; the
// error is then a *TenantCredentialsLostError carrying the tenant.
func (c *Client) CreateTenant(ctx context.Context, t *Tenant) (*Tenant, error) {
	in := *t
	in.ID, in.Domain, in.ManagementClient = nil, nil, nil
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
	})
}

// GetTenant reads a tenant by id or name.
func (c *Client) GetTenant(ctx context.Context, idOrName string) (*Tenant, error) {
	return call[Tenant](ctx, c, c.newBudget(ctx), http.MethodGet, c.endpoint(tenantsPath, idOrName), nil)
}

// UpdateTenant changes the fields set in t (PATCH). The name is immutable
// and is not sent.
func (c *Client) UpdateTenant(ctx context.Context, id string, t *Tenant) (*Tenant, error) {
	in := *t
	in.ID, in.Name, in.Domain, in.ManagementClient = nil, nil, nil, nil
	return call[Tenant](ctx, c, c.newBudget(ctx), http.MethodPatch, c.endpoint(tenantsPath, id), &in)
}

// DeleteTenant deletes a tenant and everything in it.
func (c *Client) DeleteTenant(ctx context.Context, id string) error {
	return c.do(ctx, c.newBudget(ctx), http.MethodDelete, c.endpoint(tenantsPath, id), nil, nil)
}

// ListTenants returns every tenant, following pages.
func (c *Client) ListTenants(ctx context.Context) ([]*Tenant, error) {
	return listAll[Tenant](ctx, c, c.newBudget(ctx), c.endpoint(tenantsPath), "tenants", nil)
}

// call performs one call whose answer is a T; on error it returns nil.
func call[T any](ctx context.Context, c *Client, b budget, method string, u *url.URL, in any) (*T, error) {
	out := new(T)
	if err := c.do(ctx, b, method, u, in, out); err != nil {
		return nil, err
	}
	return out, nil
}
