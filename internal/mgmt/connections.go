package mgmt

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

const connectionsPath = "api/v2/connections"

const (
	// maxClientsTake is the largest take of GET /connections/{id}/clients.
	maxClientsTake = 1000
	// maxConnectionsTake is the largest take of GET /connections.
	maxConnectionsTake = 100
	// MaxClientsPerPatch is the most items one PATCH /connections/{id}/clients accepts.
	MaxClientsPerPatch = 50
)

// StrategyDatabase is the strategy of a database connection.
const StrategyDatabase = "auth0"

// Connection is a source of users; EnabledClients is legacy (ListConnectionClients scales).
type Connection struct {
	ID                 *string            `json:"id,omitempty"`
	Name               *string            `json:"name,omitempty"`
	DisplayName        *string            `json:"display_name,omitempty"`
	Strategy           *string            `json:"strategy,omitempty"`
	Options            *ConnectionOptions `json:"options,omitempty"`
	EnabledClients     *[]string          `json:"enabled_clients,omitempty"`
	Realms             *[]string          `json:"realms,omitempty"`
	IsDomainConnection *bool              `json:"is_domain_connection,omitempty"`
	Metadata           *map[string]string `json:"metadata,omitempty"`
}

// ConnectionOptions types a database connection's managed options and keeps the others in
// Extra, so that a read-modify-write keeps them (a PATCH replaces options as a whole).
type ConnectionOptions struct {
	// PasswordPolicy is passwordPolicy: none, low, fair, good or excellent.
	PasswordPolicy       *string
	BruteForceProtection *bool
	RequiresUsername     *bool
	DisableSignup        *bool
	// Extra holds every other option, by its JSON name.
	Extra map[string]json.RawMessage
}

const (
	optPasswordPolicy       = "passwordPolicy"
	optBruteForceProtection = "brute_force_protection"
	optRequiresUsername     = "requires_username"
	optDisableSignup        = "disable_signup"
)

// MarshalJSON writes Extra with the typed options over it.
func (o ConnectionOptions) MarshalJSON() ([]byte, error) {
	out := make(map[string]any, len(o.Extra)+4)
	for k, v := range o.Extra {
		out[k] = v
	}
	put := func(name string, v any, set bool) {
		if set {
			out[name] = v
		}
	}
	put(optPasswordPolicy, o.PasswordPolicy, o.PasswordPolicy != nil)
	put(optBruteForceProtection, o.BruteForceProtection, o.BruteForceProtection != nil)
	put(optRequiresUsername, o.RequiresUsername, o.RequiresUsername != nil)
	put(optDisableSignup, o.DisableSignup, o.DisableSignup != nil)
	return json.Marshal(out)
}

// UnmarshalJSON keeps in Extra what is not a typed option of its type.
func (o *ConnectionOptions) UnmarshalJSON(b []byte) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	*o = ConnectionOptions{}
	o.PasswordPolicy = takeOption[string](all, optPasswordPolicy)
	o.BruteForceProtection = takeOption[bool](all, optBruteForceProtection)
	o.RequiresUsername = takeOption[bool](all, optRequiresUsername)
	o.DisableSignup = takeOption[bool](all, optDisableSignup)
	if len(all) > 0 {
		o.Extra = all
	}
	return nil
}

// takeOption removes option name from all and returns it when it is a T.
func takeOption[T any](all map[string]json.RawMessage, name string) *T {
	raw, ok := all[name]
	if !ok {
		return nil
	}
	if string(raw) == "null" {
		delete(all, name)
		return nil
	}
	v := new(T)
	if json.Unmarshal(raw, v) != nil {
		return nil
	}
	delete(all, name)
	return v
}

// ConnectionFilter narrows ListConnections; empty fields do not filter.
type ConnectionFilter struct {
	Strategy []string // any of these
	Name     string
}

// CreateConnection creates a connection, converging on its name (unique in a tenant).
func (c *Client) CreateConnection(ctx context.Context, cn *Connection) (*Connection, error) {
	in := *cn
	in.ID = nil
	marker, err := c.leftoverMarker("connection", &in, &in.Metadata, maxClientMetadataKeys)
	if err != nil {
		return nil, err
	}
	name := str(in.Name)
	return createKeyed(ctx, c, c.newBudget(ctx), c.endpoint(connectionsPath), &in, keyed[Connection]{
		kind: "connection",
		key:  fmt.Sprintf("name %q", name),
		lookup: func(ctx context.Context, b budget) (*Connection, error) {
			return c.connectionByName(ctx, b, name)
		},
		id:       func(cn *Connection) string { return str(cn.ID) },
		diff:     diffConnection,
		leftover: func(found *Connection) bool { return hasMarker(found.Metadata, marker) },
	})
}

// SettleConnection removes a pending create marker from a connection a Terraform state
// holds (see SettleApplication); a connection's PATCH replaces its metadata.
func (c *Client) SettleConnection(ctx context.Context, cn *Connection) error {
	if !IsPendingMarker(cn.Metadata) {
		return nil
	}
	md := map[string]string{}
	for k, v := range *cn.Metadata {
		if k != CreateRequestMetadataKey {
			md[k] = v
		}
	}
	if err := c.do(ctx, c.newBudget(ctx), http.MethodPatch, c.endpoint(connectionsPath, str(cn.ID)), &Connection{Metadata: &md}, nil); err != nil {
		return err
	}
	cn.Metadata = &md
	return nil
}

// GetConnection reads a connection by id.
func (c *Client) GetConnection(ctx context.Context, id string) (*Connection, error) {
	return call[Connection](ctx, c, c.newBudget(ctx), http.MethodGet, c.endpoint(connectionsPath, id), nil)
}

// GetConnectionByName finds a connection by name; (nil, nil) when none.
func (c *Client) GetConnectionByName(ctx context.Context, name string) (*Connection, error) {
	return c.connectionByName(ctx, c.newBudget(ctx), name)
}

func (c *Client) connectionByName(ctx context.Context, b budget, name string) (*Connection, error) {
	all, err := c.listConnections(ctx, b, url.Values{"name": {name}})
	if err != nil {
		return nil, err
	}
	for _, cn := range all {
		if str(cn.Name) == name {
			return cn, nil
		}
	}
	return nil, nil
}

// UpdateConnection changes the fields set in cn but name and strategy; Options replace all options.
func (c *Client) UpdateConnection(ctx context.Context, id string, cn *Connection) (*Connection, error) {
	in := *cn
	in.ID, in.Name, in.Strategy = nil, nil, nil
	return call[Connection](ctx, c, c.newBudget(ctx), http.MethodPatch, c.endpoint(connectionsPath, id), &in)
}

// DeleteConnection deletes a connection; a missing one is a success.
func (c *Client) DeleteConnection(ctx context.Context, id string) error {
	return c.do(ctx, c.newBudget(ctx), http.MethodDelete, c.endpoint(connectionsPath, id), nil, nil)
}

// ListConnections returns every connection matching f.
func (c *Client) ListConnections(ctx context.Context, f ConnectionFilter) ([]*Connection, error) {
	q := url.Values{}
	for _, s := range f.Strategy {
		q.Add("strategy", s)
	}
	if f.Name != "" {
		q.Set("name", f.Name)
	}
	return c.listConnections(ctx, c.newBudget(ctx), q)
}

// listConnections pages by checkpoint, which Auth0 requires past 1,000 connections.
func (c *Client) listConnections(ctx context.Context, b budget, query url.Values) ([]*Connection, error) {
	u := c.endpoint(connectionsPath)
	var all []*Connection
	from := ""
	for pages := 1; ; pages++ {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("take", strconv.Itoa(min(c.pageSize, maxConnectionsTake)))
		if from != "" {
			q.Set("from", from)
		}
		pu := *u
		pu.RawQuery = q.Encode()
		var page struct {
			Connections []*Connection `json:"connections"`
			Next        string        `json:"next"`
		}
		if err := c.do(ctx, b, http.MethodGet, &pu, nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Connections...)
		if page.Next == "" || page.Next == from || len(page.Connections) == 0 {
			return all, nil
		}
		if err := c.listCapError(u, pages, len(all)); err != nil {
			return nil, err
		}
		from = page.Next
	}
}

// ListConnectionClients returns the ids of the clients a connection is enabled for.
func (c *Client) ListConnectionClients(ctx context.Context, connectionID string) ([]string, error) {
	b := c.newBudget(ctx)
	u := c.endpoint(connectionsPath, connectionID, "clients")
	ids := []string{}
	from := ""
	for pages := 1; ; pages++ {
		q := url.Values{"take": {strconv.Itoa(c.clientsTake)}}
		if from != "" {
			q.Set("from", from)
		}
		pu := *u
		pu.RawQuery = q.Encode()
		var page struct {
			Clients []struct {
				ClientID string `json:"client_id"`
			} `json:"clients"`
			Next string `json:"next"`
		}
		if err := c.do(ctx, b, http.MethodGet, &pu, nil, &page); err != nil {
			return nil, err
		}
		for _, cl := range page.Clients {
			ids = append(ids, cl.ClientID)
		}
		if page.Next == "" || page.Next == from || len(page.Clients) == 0 {
			return ids, nil
		}
		if err := c.listCapError(u, pages, len(ids)); err != nil {
			return nil, err
		}
		from = page.Next
	}
}

// ConnectionClientStatus enables (Status true) or disables a connection for one client.
type ConnectionClientStatus struct {
	ClientID string `json:"client_id"`
	Status   bool   `json:"status"`
}

// UpdateConnectionClients PATCHes changes in order, MaxClientsPerPatch at a time; on error, earlier batches stay.
func (c *Client) UpdateConnectionClients(ctx context.Context, connectionID string, changes []ConnectionClientStatus) error {
	b := c.newBudget(ctx)
	u := c.endpoint(connectionsPath, connectionID, "clients")
	for start := 0; start < len(changes); start += MaxClientsPerPatch {
		batch := changes[start:min(start+MaxClientsPerPatch, len(changes))]
		if err := c.do(ctx, b, http.MethodPatch, u, batch, nil); err != nil {
			return err
		}
	}
	return nil
}

func diffConnection(sent, found *Connection) []string {
	var d differ
	ptr(&d, "name", sent.Name, found.Name)
	ptr(&d, "strategy", sent.Strategy, found.Strategy)
	ptr(&d, "display_name", sent.DisplayName, found.DisplayName)
	ptr(&d, "is_domain_connection", sent.IsDomainConnection, found.IsDomainConnection)
	set(&d, "realms", sent.Realms, found.Realms)
	set(&d, "enabled_clients", sent.EnabledClients, found.EnabledClients)
	metadata(&d, "metadata", sent.Metadata, found.Metadata)
	if sent.Options != nil {
		got := found.Options
		if got == nil {
			got = &ConnectionOptions{}
		}
		if !sameJSON(sent.Options, got) {
			d = append(d, "options")
		}
	}
	return d
}

func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return false
	}
	var va, vb any
	if json.Unmarshal(ja, &va) != nil || json.Unmarshal(jb, &vb) != nil {
		return false
	}
	ca, _ := json.Marshal(va)
	cb, _ := json.Marshal(vb)
	return string(ca) == string(cb)
}
