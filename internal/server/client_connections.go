package server

import (
	"sort"
)

// connectionForListFields are the properties of Auth0's ConnectionForList,
// which the connections of a client are answered as: no enabled_clients.
var connectionForListFields = []string{
	"id", "name", "display_name", "strategy", "options", "realms", "is_domain_connection",
	"show_as_button", "metadata", "authentication", "connected_accounts", "cross_app_access_requesting_app",
}

const maxClientConnectionsTake = 100

// getClientConnections pages through the connections enabled for a client
// in id order; from is the id at which the page starts, and next the id of
// the first connection after it.
func getClientConnections(c *call) error {
	if !c.claims.hasAnyScope("read:clients", "read:client_summary") {
		return errInsufficientScope("read:clients", "read:client_summary")
	}
	q := c.r.URL.Query()
	from, take, err := checkpoint(q, maxClientConnectionsTake)
	if err != nil {
		return err
	}
	strategies := q["strategy"]
	for _, s := range strategies {
		// auth0-adldap is in the spec's enum, though no connection is created with it.
		if !contains(connectionStrategies, s) && s != "auth0-adldap" {
			return errQueryEnum("strategy", s)
		}
	}
	if len(q.Get("fields")) > 1000 {
		return errInvalidQuery("Query validation error: 'String is too long' on property fields.")
	}
	fields, err := c.projection()
	if err != nil {
		return err
	}
	unlock, err := c.repo.readLock()
	if err != nil {
		return err
	}
	defer unlock()
	id := c.id()
	if _, err := c.repo.client(id); err != nil {
		return err
	}
	raws, err := c.repo.list(KindConnections)
	if err != nil {
		return err
	}
	enabledFor := func(cn connectionRecord) bool {
		i := sort.SearchStrings(cn.EnabledClients, id)
		return i < len(cn.EnabledClients) && cn.EnabledClients[i] == id &&
			(len(strategies) == 0 || contains(strategies, cn.Strategy))
	}
	forList := &projection{include: true, fields: connectionForListFields}
	return connectionPage(c, raws, enabledFor, from, take, forList, fields)
}
