package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"unicode/utf8"
)

// The clients a connection is enabled for: one sorted set of client ids on
// the connection, written by the legacy enabled_clients property and by
// PATCH /connections/{id}/clients, and paged by GET /connections/{id}/clients.

// The real service's bounds on take and on the items of one PATCH.
const (
	maxEnabledClientsTake  = 1000
	maxEnabledClientsPatch = 50
)

type enabledClient struct {
	ClientID string `json:"client_id"`
}

// clientStatus is one item of a PATCH /connections/{id}/clients.
type clientStatus struct {
	clientID string
	enable   bool
}

// applyEnabledClients sets the connection's clients from the legacy
// enabled_clients property, if sent: ids of existing clients, replacing the
// set. A PATCH may send null (the spec's UpdateConnectionRequestContent), which
// changes nothing, as an absent property. The caller holds the tenant's lock.
func (c *call) applyEnabledClients(b *body, cn *connectionRecord, update bool) error {
	if raw, ok := b.fields["enabled_clients"]; ok && update && jsonType(raw) == "null" {
		return nil
	}
	ids, err := b.strings("enabled_clients")
	if err != nil || ids == nil {
		return err
	}
	for _, id := range *ids {
		if _, err := c.repo.client(id); err != nil {
			return err
		}
	}
	cn.EnabledClients = dedupe(*ids)
	sort.Strings(cn.EnabledClients)
	return nil
}

// getConnectionClients pages through a connection's clients in client_id
// order. from is a client_id rather than an offset, so that a page boundary
// survives clients being enabled or disabled in between.
func getConnectionClients(c *call) error {
	from, take, err := parseClientsPage(c.r.URL.Query())
	if err != nil {
		return err
	}
	unlock, err := c.repo.readLock()
	if err != nil {
		return err
	}
	cn, err := c.repo.connection(c.id())
	unlock()
	if err != nil {
		return err
	}
	ids := cn.EnabledClients
	start := sort.SearchStrings(ids, from)
	end := min(start+take, len(ids))
	page := make([]enabledClient, 0, end-start)
	for _, id := range ids[start:end] {
		page = append(page, enabledClient{ClientID: id})
	}
	out := map[string]any{"clients": page}
	if end < len(ids) {
		out["next"] = ids[end]
	}
	return c.json(http.StatusOK, out)
}

func parseClientsPage(q url.Values) (from string, take int, err error) {
	for k := range q {
		if k != "take" && k != "from" {
			return "", 0, errInvalidQuery("Query validation error: 'Additional properties not allowed: " + k + "'.")
		}
	}
	return checkpoint(q, maxEnabledClientsTake)
}

// patchConnectionClients enables or disables the connection for each
// client of the body, answering 204.
func patchConnectionClients(c *call) error {
	raw, err := c.readAll()
	if err != nil {
		return err
	}
	statuses, err := decodeClientStatuses(raw)
	if err != nil {
		return err
	}
	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := c.repo.setConnectionClients(c.id(), statuses); err != nil {
		return err
	}
	return c.noContent()
}

// decodeClientStatuses reads a body of 1 to 50 {client_id, status}.
func decodeClientStatuses(raw []byte) ([]clientStatus, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0:
		return nil, errPayload("Expected type array but found type null")
	case !utf8.Valid(raw):
		return nil, errNotUTF8()
	case !json.Valid(raw):
		return nil, errInvalidBody("Invalid request payload JSON format")
	case jsonType(raw) != "array":
		return nil, errPayload("Expected type array but found type " + jsonType(raw))
	}
	items, err := decodeArray(raw)
	if err != nil {
		return nil, errInvalidBody("Invalid request payload JSON format")
	}
	if len(items) < 1 {
		return nil, errPayload("Array is too short (0), minimum 1")
	}
	if len(items) > maxEnabledClientsPatch {
		return nil, errPayload("Array is too long (" + strconv.Itoa(len(items)) + "), maximum " + strconv.Itoa(maxEnabledClientsPatch))
	}
	statuses := make([]clientStatus, 0, len(items))
	for i, it := range items {
		st, err := decodeClientStatus("["+strconv.Itoa(i)+"]", it)
		if err != nil {
			return nil, err
		}
		statuses = append(statuses, st)
	}
	return statuses, nil
}

func decodeClientStatus(prop string, raw json.RawMessage) (clientStatus, error) {
	if jsonType(raw) != "object" {
		return clientStatus{}, errType(prop, "object", raw)
	}
	ib, err := decodeObject(raw)
	if err != nil {
		return clientStatus{}, errType(prop, "object", raw)
	}
	for _, k := range sortedKeys(ib.fields) {
		if k != "client_id" && k != "status" {
			return clientStatus{}, errProperty(prop, "Additional properties not allowed: "+k)
		}
	}
	id, err := ib.str("client_id")
	if err != nil {
		return clientStatus{}, err
	}
	status, err := ib.boolean("status")
	if err != nil {
		return clientStatus{}, err
	}
	switch {
	case id == nil:
		return clientStatus{}, errProperty(prop, "Missing required property: client_id")
	case status == nil:
		return clientStatus{}, errProperty(prop, "Missing required property: status")
	}
	return clientStatus{clientID: *id, enable: *status}, nil
}

// setEnabled adds id to (or removes it from) a sorted list of client ids.
func setEnabled(ids []string, id string, enable bool) []string {
	i := sort.SearchStrings(ids, id)
	present := i < len(ids) && ids[i] == id
	switch {
	case enable && !present:
		ids = append(ids, "")
		copy(ids[i+1:], ids[i:])
		ids[i] = id
	case !enable && present:
		ids = append(ids[:i], ids[i+1:]...)
	}
	return ids
}
