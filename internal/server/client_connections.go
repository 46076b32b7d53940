package server

import (
	"net/http"
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
			return errInvalidQuery("Query validation error: 'No enum match for: " + s + "' on property strategy.")
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
	var enabled []connectionRecord
	for _, raw := range raws {
		var cn connectionRecord
		if err := decodeJSON(KindConnections, "", raw, &cn); err != nil {
			return err
		}
		i := sort.SearchStrings(cn.EnabledClients, id)
		if i < len(cn.EnabledClients) && cn.EnabledClients[i] == id &&
			(len(strategies) == 0 || contains(strategies, cn.Strategy)) {
			enabled = append(enabled, cn)
		}
	}
	sort.Slice(enabled, func(i, j int) bool { return enabled[i].ID < enabled[j].ID })
	start := sort.Search(len(enabled), func(i int) bool { return enabled[i].ID >= from })
	end := min(start+take, len(enabled))
	forList := &projection{include: true, fields: connectionForListFields}
	page := make([]any, 0, end-start)
	for _, cn := range enabled[start:end] {
		v, err := forList.apply(c.connectionJSON(cn))
		if err == nil {
			v, err = fields.apply(v)
		}
		if err != nil {
			return err
		}
		page = append(page, v)
	}
	out := map[string]any{"connections": page}
	if end < len(enabled) {
		out["next"] = enabled[end].ID
	}
	return c.json(http.StatusOK, out)
}
