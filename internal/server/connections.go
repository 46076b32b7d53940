package server

import (
	"net/http"
	"regexp"
	"sort"
	"strconv"
)

// connectionRecord is a connection (a source of users), as stored. Extra
// holds the properties the server only stores.
type connectionRecord struct {
	ID                 string             `json:"id"`
	Name               string             `json:"name"`
	DisplayName        *string            `json:"display_name,omitempty"`
	Strategy           string             `json:"strategy"`
	Options            extras             `json:"options"`
	IsDomainConnection bool               `json:"is_domain_connection"`
	Realms             []string           `json:"realms"`
	Metadata           *map[string]string `json:"metadata,omitempty"`
	EnabledClients     []string           `json:"enabled_clients"` // sorted (connection_clients.go)
	Extra              extras             `json:"extra,omitempty"`
}

// defaultConnectionName is the database connection every new tenant has.
const defaultConnectionName = "Username-Password-Authentication"

var connectionNamePattern = regexp.MustCompile(`^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$`)

const maxConnectionName = 128

// connectionSchema lists the other connection properties the real service
// accepts, stored as sent.
var connectionSchema = map[string]propSpec{
	"show_as_button": pBool(),
	"authentication": pObject(map[string]propSpec{"active": pBool()}),
	"connected_accounts": pObject(map[string]propSpec{
		"active": pBool(), "cross_app_access": pBool(),
	}),
	// Early access in the spec; a database connection refuses it (errCrossAppAccess).
	"cross_app_access_requesting_app": pObject(map[string]propSpec{"active": pBool()}),
}

// errCrossAppAccess is the real service's answer to cross_app_access_requesting_app on a
// database connection, recorded in the official provider's test data
// (TestAccConnectionCrossAppAccessRequestingAppNegative); an oidc connection takes and returns
// it (TestAccConnectionCrossAppAccessRequestingApp).
func errCrossAppAccess() *apiError {
	return newError(http.StatusBadRequest, "operation_not_supported", "Cross App Access Requesting App is not supported for this connection.")
}

// connectionUpdatable are the properties of a PATCH; name and strategy are
// immutable, so sending them is "Additional properties not allowed".
var connectionUpdatable = append([]string{
	"display_name", "options", "enabled_clients", "is_domain_connection", "realms", "metadata",
}, schemaNames(connectionSchema)...)

var connectionProperties = append([]string{"name", "strategy"}, connectionUpdatable...)

func errInexistentConnection() *apiError {
	return newError(http.StatusNotFound, "inexistent_connection", "The connection does not exist")
}

// connectionView answers options only when asked to.
type connectionView struct {
	connectionRecord
	Options *extras `json:"options,omitempty"`
	// EnabledClients is answered by a GET, a create and an update, not in a list: the spec's
	// ConnectionForList has no enabled_clients (GET /connections/{id}/clients has them).
	EnabledClients *[]string `json:"enabled_clients,omitempty"`
}

// connectionJSON renders a connection, with its options for a token that may read them, and
// with enabled_clients unless it is a list's item.
func connectionJSON(cn connectionRecord, options, listed bool) any {
	if cn.Options == nil {
		cn.Options = extras{}
	}
	if cn.Realms == nil {
		cn.Realms = []string{}
	}
	if cn.EnabledClients == nil {
		cn.EnabledClients = []string{}
	}
	extra := cn.Extra
	cn.Extra = nil
	v := connectionView{connectionRecord: cn}
	if options {
		v.Options = &cn.Options
	}
	if !listed {
		v.EnabledClients = &cn.EnabledClients
	}
	return renderWithExtras(v, extra)
}

// newConnection decodes a create's body, but for enabled_clients, which
// needs the tenant's lock.
func newConnection(b *body) (connectionRecord, error) {
	name, err := b.str("name")
	if err != nil {
		return connectionRecord{}, err
	}
	strategy, err := b.str("strategy")
	if err != nil {
		return connectionRecord{}, err
	}
	switch {
	case name == nil:
		return connectionRecord{}, errPayload("Missing required property: name")
	case strategy == nil:
		return connectionRecord{}, errPayload("Missing required property: strategy")
	}
	if err := checkLength("name", *name, 1, maxConnectionName); err != nil {
		return connectionRecord{}, err
	}
	if !connectionNamePattern.MatchString(*name) {
		return connectionRecord{}, errProperty("name", "String does not match pattern: "+connectionNamePattern.String())
	}
	if !contains(connectionStrategies, *strategy) {
		return connectionRecord{}, errProperty("strategy", "No enum match for: "+*strategy)
	}
	cn := connectionRecord{ID: newConnectionID(), Name: *name, Strategy: *strategy}
	if err := applyConnection(b, &cn); err != nil {
		return connectionRecord{}, err
	}
	if cn.Realms == nil {
		cn.Realms = []string{cn.Name}
	}
	return cn, nil
}

// applyConnection decodes the mutable properties of b into cn, but for
// enabled_clients (applyEnabledClients).
func applyConnection(b *body, cn *connectionRecord) error {
	display, err := b.str("display_name")
	if err != nil {
		return err
	}
	if display != nil {
		cn.DisplayName = display
	}
	if raw, ok := b.fields["options"]; ok {
		opts, err := decodeConnectionOptions(cn.Strategy, raw)
		if err != nil {
			return err
		}
		cn.Options = opts
	}
	domain, err := b.boolean("is_domain_connection")
	if err != nil {
		return err
	}
	if domain != nil {
		cn.IsDomainConnection = *domain
	}
	realms, err := b.strings("realms")
	if err != nil {
		return err
	}
	if realms != nil {
		cn.Realms = dedupe(*realms)
	}
	md, err := b.metadata("metadata")
	if err != nil {
		return err
	}
	if md != nil {
		cn.Metadata = md
	}
	if b.has("cross_app_access_requesting_app") && cn.Strategy == strategyDatabase {
		return errCrossAppAccess()
	}
	return applyExtras(b, connectionSchema, &cn.Extra)
}

func createConnection(c *call) error {
	b, err := c.readBody(connectionProperties...)
	if err != nil {
		return err
	}
	cn, err := newConnection(b)
	if err != nil {
		return err
	}
	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := c.applyEnabledClients(b, &cn, false); err != nil {
		return err
	}
	if err := c.repo.roomFor(KindConnections, c.s.maxObjects); err != nil {
		return err
	}
	if err := c.repo.createConnection(cn); err != nil {
		return err
	}
	return c.json(http.StatusCreated, c.connectionJSON(cn))
}

// Scopes a token needs, besides the route's, to see or change a
// connection's options; without the first, answers leave options out.
const (
	scopeReadConnectionOptions   = "read:connections_options"
	scopeUpdateConnectionOptions = "update:connections_options"
)

func (c *call) connectionJSON(cn connectionRecord) any {
	return connectionJSON(cn, c.claims != nil && c.claims.hasScope(scopeReadConnectionOptions), false)
}

// connectionListJSON renders a list's item.
func (c *call) connectionListJSON(cn connectionRecord) any {
	return connectionJSON(cn, c.claims != nil && c.claims.hasScope(scopeReadConnectionOptions), true)
}

// connections are the connections, found by a route's {id}.
var connections = objects[connectionRecord]{
	find:   func(c *call) (connectionRecord, error) { return c.repo.connection(c.id()) },
	save:   func(c *call, cn connectionRecord) error { return c.repo.put(KindConnections, cn.ID, cn) },
	render: func(c *call, cn connectionRecord) any { return c.connectionJSON(cn) },
	// As Auth0 answers a connection read with fields (its answer to the official provider's
	// fields=strategy,name, recorded in that provider's test data, has the id).
	kept: []string{"id"},
}

func getConnection(c *call) error { return getObject(c, connections) }

// maxOffsetRecords is how deep offset paging reaches; past it Auth0 wants
// checkpoint paging.
const maxOffsetRecords = 1000

// listConnections keeps the connections of any strategy given
// (repeatable) and of the name given.
func listConnections(c *call) error {
	q := c.r.URL.Query()
	strategies, byStrategy := q["strategy"]
	_, byName := q["name"]
	name := q.Get("name")
	var keep func(connectionRecord) bool
	if byStrategy || byName {
		keep = func(cn connectionRecord) bool {
			return (!byStrategy || contains(strategies, cn.Strategy)) && (!byName || cn.Name == name)
		}
	}
	if q.Has("from") || q.Has("take") {
		return listConnectionsFrom(c, keep)
	}
	p, err := c.pagination()
	if err != nil {
		return err
	}
	if int64(p.page)*int64(p.perPage)+int64(p.perPage) > maxOffsetRecords {
		return errInvalidQuery("Requesting page " + strconv.Itoa(p.page) + " exceeds the allowed maximum of 1000 records. " +
			"To fetch results beyond 1000, use the checkpoint pagination method.")
	}
	return listPage(c, KindConnections, "connections", keep, c.connectionListJSON)
}

// listConnectionsFrom pages in id order; from is the id at which the page
// starts, and next the id of the first connection after it.
func listConnectionsFrom(c *call, keep func(connectionRecord) bool) error {
	q := c.r.URL.Query()
	from, take, err := checkpoint(q, maxPerPage)
	if err != nil {
		return err
	}
	fields, err := c.projection()
	if err != nil {
		return err
	}
	unlock, err := c.repo.readLock()
	if err != nil {
		return err
	}
	raws, err := c.repo.list(KindConnections)
	unlock()
	if err != nil {
		return err
	}
	return connectionPage(c, raws, keep, from, take, fields)
}

// connectionPage answers one checkpoint page of the connections keep
// accepts, in id order, each rendered through the projections in turn.
func connectionPage(c *call, raws [][]byte, keep func(connectionRecord) bool, from string, take int, projections ...*projection) error {
	var kept []connectionRecord
	for _, raw := range raws {
		var cn connectionRecord
		if err := decodeJSON(KindConnections, "", raw, &cn); err != nil {
			return err
		}
		if keep == nil || keep(cn) {
			kept = append(kept, cn)
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].ID < kept[j].ID })
	start := sort.Search(len(kept), func(i int) bool { return kept[i].ID >= from })
	end := min(start+take, len(kept))
	out := make([]any, 0, end-start)
	for _, cn := range kept[start:end] {
		v := c.connectionListJSON(cn)
		for _, p := range projections {
			var err error
			if v, err = p.apply(v); err != nil {
				return err
			}
		}
		out = append(out, v)
	}
	body := map[string]any{"connections": out}
	if end < len(kept) {
		body["next"] = kept[end].ID
	}
	return c.json(http.StatusOK, body)
}

func updateConnection(c *call) error {
	b, err := c.readBody(connectionUpdatable...)
	if err != nil {
		return err
	}
	if _, ok := b.fields["options"]; ok {
		if err := c.requireScope(scopeUpdateConnectionOptions); err != nil {
			return err
		}
	}
	return updateObject(c, connections, func(cn *connectionRecord) error {
		if err := applyConnection(b, cn); err != nil {
			return err
		}
		return c.applyEnabledClients(b, cn, true)
	})
}

func deleteConnection(c *call) error {
	return deleteObject(c, connections, c.repo.deleteConnection)
}
