package server

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
)

// repo is one tenant's objects: it owns the tenant's lock and every query
// on the store. Its callers hold the lock (readLock or writeLock).
type repo struct {
	store Store
	t     *tenant
}

// readLock takes the tenant's lock for reading; it fails when the tenant was
// deleted after the request found it.
func (p repo) readLock() (unlock func(), err error) {
	p.t.mu.RLock()
	if p.t.deleted {
		p.t.mu.RUnlock()
		return nil, errInexistentTenant()
	}
	return p.t.mu.RUnlock, nil
}

func (p repo) writeLock() (unlock func(), err error) {
	p.t.mu.Lock()
	if p.t.deleted {
		p.t.mu.Unlock()
		return nil, errInexistentTenant()
	}
	return p.t.mu.Unlock, nil
}

func (p repo) get(kind Kind, id string, v any) error { return getJSON(p.store, p.t.name, kind, id, v) }
func (p repo) put(kind Kind, id string, v any) error { return putJSON(p.store, p.t.name, kind, id, v) }
func (p repo) delete(kind Kind, id string) error     { return p.store.Delete(p.t.name, kind, id) }
func (p repo) list(kind Kind) ([][]byte, error)      { return p.store.List(p.t.name, kind) }

func (p repo) count(kind Kind) (int, error) {
	if c, ok := p.store.(Counter); ok {
		return c.Count(p.t.name, kind)
	}
	raws, err := p.list(kind)
	return len(raws), err
}

// roomFor refuses a create once the tenant holds limit objects of kind.
func (p repo) roomFor(kind Kind, limit int) error {
	n, err := p.count(kind)
	if err != nil {
		return err
	}
	if n >= limit {
		return errTooManyEntities(kind, limit)
	}
	return nil
}

func getJSON(store Store, tenant string, kind Kind, id string, v any) error {
	raw, err := store.Get(tenant, kind, id)
	if err != nil {
		return err
	}
	return decodeJSON(kind, id, raw, v)
}

func decodeJSON(kind Kind, id string, raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("server: decoding stored %s %q: %w", kind, id, err)
	}
	return nil
}

func putJSON(store Store, tenant string, kind Kind, id string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return store.Put(tenant, kind, id, raw)
}

// ---- resource servers ----

func (p repo) resourceServerByIdentifier(identifier string) (resourceServerRecord, error) {
	var rs resourceServerRecord
	id, raw, err := p.rawResourceServerByIdentifier(identifier)
	if err == nil {
		err = decodeJSON(KindResourceServers, id, raw, &rs)
	}
	return rs, err
}

func (p repo) rawResourceServerByIdentifier(identifier string) (id string, raw []byte, err error) {
	if err := p.get(KindIndex, indexResourceServer(identifier), &id); err != nil {
		return "", nil, err
	}
	raw, err = p.store.Get(p.t.name, KindResourceServers, id)
	return id, raw, err
}

// findResourceServer resolves a route's escaped {id}: an id or an
// identifier, percent-encoded once or twice. Every decoding is tried,
// because an identifier may itself contain a percent sign.
func (p repo) findResourceServer(param string, stored func(string) string) (resourceServerRecord, error) {
	candidate := param
	for range 4 {
		var rs resourceServerRecord
		err := p.get(KindResourceServers, candidate, &rs)
		if err == nil {
			return rs, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return rs, err
		}
		rs, err = p.resourceServerByIdentifier(stored(candidate))
		if err == nil {
			return rs, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return rs, err
		}
		next, uerr := url.PathUnescape(candidate)
		if uerr != nil || next == candidate {
			break
		}
		candidate = next
	}
	return resourceServerRecord{}, errInexistentResourceServer()
}

func (p repo) createResourceServer(rs resourceServerRecord) error {
	if _, err := p.resourceServerByIdentifier(rs.Identifier); err == nil {
		return errConflict("A resource server with the same identifier already exists")
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	if err := p.put(KindResourceServers, rs.ID, rs); err != nil {
		return err
	}
	return p.put(KindIndex, indexResourceServer(rs.Identifier), rs.ID)
}

// deleteResourceServer removes an API with its grants, so that a later API
// with the same identifier does not inherit them.
func (p repo) deleteResourceServer(rs resourceServerRecord) error {
	if err := p.deleteGrants(func(g clientGrantRecord) bool { return g.Audience == rs.Identifier }); err != nil {
		return err
	}
	if err := p.delete(KindIndex, indexResourceServer(rs.Identifier)); err != nil {
		return err
	}
	return p.delete(KindResourceServers, rs.ID)
}

// ---- clients ----

func (p repo) client(id string) (clientRecord, error) {
	var cl clientRecord
	err := p.get(KindClients, id, &cl)
	if errors.Is(err, ErrNotFound) {
		return cl, errInexistentClient()
	}
	return cl, err
}

func (p repo) deleteClient(id string) error {
	if err := p.deleteGrants(func(g clientGrantRecord) bool { return g.ClientID == id }); err != nil {
		return err
	}
	if err := p.unlinkResourceServers(id); err != nil {
		return err
	}
	if err := p.disableOnAllConnections(id); err != nil {
		return err
	}
	creds, err := p.credentials(id)
	if err != nil {
		return err
	}
	for _, cr := range creds {
		if err := p.delete(KindCredentials, cr.ID); err != nil {
			return err
		}
	}
	if err := p.delete(KindIndex, indexCredentials(id)); err != nil {
		return err
	}
	return p.delete(KindClients, id)
}

// unlinkResourceServers drops a deleted client from the APIs it was linked to.
func (p repo) unlinkResourceServers(clientID string) error {
	raws, err := p.list(KindResourceServers)
	if err != nil {
		return err
	}
	for _, raw := range raws {
		var rs resourceServerRecord
		if err := json.Unmarshal(raw, &rs); err != nil {
			return err
		}
		if rs.ClientID != clientID {
			continue
		}
		rs.ClientID = ""
		if err := p.put(KindResourceServers, rs.ID, rs); err != nil {
			return err
		}
	}
	return nil
}

// ---- client credentials ----

// credentialIDs reads a client's credential ids from the index, which
// spares the token endpoint a scan of the tenant's credentials.
func (p repo) credentialIDs(clientID string) ([]string, error) {
	var ids []string
	err := p.get(KindIndex, indexCredentials(clientID), &ids)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return ids, err
}

func (p repo) credentials(clientID string) ([]credentialRecord, error) {
	ids, err := p.credentialIDs(clientID)
	if err != nil {
		return nil, err
	}
	out := make([]credentialRecord, 0, len(ids))
	for _, id := range ids {
		var cr credentialRecord
		if err := p.get(KindCredentials, id, &cr); err != nil {
			return nil, err
		}
		out = append(out, cr)
	}
	return out, nil
}

func (p repo) credential(clientID, id string) (credentialRecord, error) {
	var cr credentialRecord
	err := p.get(KindCredentials, id, &cr)
	if errors.Is(err, ErrNotFound) || (err == nil && cr.ClientID != clientID) {
		return credentialRecord{}, errInexistentCredential()
	}
	return cr, err
}

// addCredentials stores new credentials of a client, within Auth0's limit
// per client; a key or kid the client already has is a conflict.
func (p repo) addCredentials(clientID string, pcs ...parsedCredential) error {
	existing, err := p.credentials(clientID)
	if err != nil {
		return err
	}
	if len(existing)+len(pcs) > maxClientCredentials {
		return newError(http.StatusForbidden, "too_many_entities",
			"A client can have at most 2 credentials; delete one before adding another")
	}
	keys := make([]*rsa.PublicKey, 0, len(existing)+len(pcs))
	kids := make([]string, 0, len(existing)+len(pcs))
	for _, cr := range existing {
		if cr.CredentialType != credentialPublicKey {
			continue // no key, no kid
		}
		key, _, err := parsePublicKeyPEM(cr.PEM)
		if err != nil {
			return fmt.Errorf("server: stored credential %q: %w", cr.ID, err)
		}
		keys, kids = append(keys, key), append(kids, cr.KeyID)
	}
	ids := make([]string, 0, len(existing)+len(pcs))
	for _, cr := range existing {
		ids = append(ids, cr.ID)
	}
	for _, pc := range pcs {
		ids = append(ids, pc.rec.ID)
		if pc.key == nil {
			continue // an mTLS credential
		}
		for _, k := range keys {
			if k.Equal(pc.key) {
				return errConflict("The client already has a credential with this public key")
			}
		}
		if contains(kids, pc.rec.KeyID) {
			return errConflict("The client already has a credential with kid " + pc.rec.KeyID)
		}
		keys, kids = append(keys, pc.key), append(kids, pc.rec.KeyID)
	}
	for _, pc := range pcs {
		pc.rec.ClientID = clientID
		if err := p.put(KindCredentials, pc.rec.ID, pc.rec); err != nil {
			return err
		}
	}
	return p.put(KindIndex, indexCredentials(clientID), ids)
}

// deleteCredential also disables the credential on its client, so that no
// client refers to a credential that is gone.
func (p repo) deleteCredential(cr credentialRecord) error {
	cl, err := p.client(cr.ClientID)
	if err != nil {
		return err
	}
	if method, enabled, ok := cl.authMethod(); ok && contains(enabled, cr.ID) {
		raw, err := json.Marshal(newAuthMethods(method, slices.DeleteFunc(enabled, func(id string) bool { return id == cr.ID })))
		if err != nil {
			return err
		}
		cl.Extra["client_authentication_methods"] = raw
		if err := p.put(KindClients, cl.ClientID, cl); err != nil {
			return err
		}
	}
	ids, err := p.credentialIDs(cr.ClientID)
	if err != nil {
		return err
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return id == cr.ID })
	if len(ids) == 0 {
		err = p.delete(KindIndex, indexCredentials(cr.ClientID))
	} else {
		err = p.put(KindIndex, indexCredentials(cr.ClientID), ids)
	}
	if err != nil {
		return err
	}
	return p.delete(KindCredentials, cr.ID)
}

// ---- client grants ----

func (p repo) clientGrant(id string) (clientGrantRecord, error) {
	var g clientGrantRecord
	err := p.get(KindClientGrants, id, &g)
	if errors.Is(err, ErrNotFound) {
		return g, errInexistentClientGrant()
	}
	return g, err
}

// grantFor finds the grant of a client itself (not of its users) for a
// stored audience: its own, or for a third-party client without one, the
// default grant for third-party clients, as Auth0's spec says a client's own
// grant takes precedence over the default.
func (p repo) grantFor(cl clientRecord, audience string) (clientGrantRecord, error) {
	g, err := p.grantBy(grantKey(cl.ClientID, audience, ""))
	if errors.Is(err, ErrNotFound) && !cl.IsFirstParty {
		return p.grantBy(grantKey(defaultGrantHolder(thirdPartyClients), audience, ""))
	}
	return g, err
}

func (p repo) grantBy(key string) (clientGrantRecord, error) {
	var id string
	var g clientGrantRecord
	if err := p.get(KindIndex, key, &id); err != nil {
		return g, err
	}
	err := p.get(KindClientGrants, id, &g)
	return g, err
}

func (p repo) createClientGrant(g clientGrantRecord) error {
	key := g.key()
	if _, err := p.grantBy(key); err == nil {
		if g.DefaultFor != "" {
			return errConflict("A default client grant for " + g.DefaultFor + " and this audience already exists")
		}
		return errConflict("A client grant for this client and audience already exists")
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	if err := p.put(KindClientGrants, g.ID, g); err != nil {
		return err
	}
	return p.put(KindIndex, key, g.ID)
}

func (p repo) grants(keep func(clientGrantRecord) bool) ([]clientGrantRecord, error) {
	raws, err := p.list(KindClientGrants)
	if err != nil {
		return nil, err
	}
	var out []clientGrantRecord
	for _, raw := range raws {
		var g clientGrantRecord
		if err := json.Unmarshal(raw, &g); err != nil {
			return nil, err
		}
		if keep(g) {
			out = append(out, g)
		}
	}
	return out, nil
}

func (p repo) deleteGrants(keep func(clientGrantRecord) bool) error {
	grants, err := p.grants(keep)
	if err != nil {
		return err
	}
	for _, g := range grants {
		if err := p.deleteGrant(g); err != nil {
			return err
		}
	}
	return nil
}

func (p repo) deleteGrant(g clientGrantRecord) error {
	if err := p.delete(KindIndex, g.key()); err != nil {
		return err
	}
	return p.delete(KindClientGrants, g.ID)
}

// ---- connections ----

func (p repo) connection(id string) (connectionRecord, error) {
	var cn connectionRecord
	err := p.get(KindConnections, id, &cn)
	if errors.Is(err, ErrNotFound) {
		return cn, errInexistentConnection()
	}
	return cn, err
}

func (p repo) createConnection(cn connectionRecord) error {
	var existing string
	if err := p.get(KindIndex, indexConnectionName(cn.Name), &existing); err == nil {
		return errConflict("A connection with the same name already exists")
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	if err := p.put(KindConnections, cn.ID, cn); err != nil {
		return err
	}
	return p.put(KindIndex, indexConnectionName(cn.Name), cn.ID)
}

func (p repo) deleteConnection(cn connectionRecord) error {
	if err := p.disableOnAllOrganizations(cn.ID); err != nil {
		return err
	}
	if err := p.delete(KindIndex, indexConnectionName(cn.Name)); err != nil {
		return err
	}
	return p.delete(KindConnections, cn.ID)
}

// setConnectionClients enables or disables a connection for clients, in
// order, so that the last status sent for a client wins.
func (p repo) setConnectionClients(id string, statuses []clientStatus) error {
	cn, err := p.connection(id)
	if err != nil {
		return err
	}
	for _, st := range statuses {
		if _, err := p.client(st.clientID); err != nil {
			return err
		}
	}
	for _, st := range statuses {
		cn.EnabledClients = setEnabled(cn.EnabledClients, st.clientID, st.enable)
	}
	return p.put(KindConnections, cn.ID, cn)
}

func (p repo) eachConnection(change func(cn *connectionRecord) bool) error {
	raws, err := p.list(KindConnections)
	if err != nil {
		return err
	}
	for _, raw := range raws {
		var cn connectionRecord
		if err := json.Unmarshal(raw, &cn); err != nil {
			return err
		}
		if change(&cn) {
			if err := p.put(KindConnections, cn.ID, cn); err != nil {
				return err
			}
		}
	}
	return nil
}

// enableOnAllConnections enables a new client on every connection unless
// the tenant's enable_client_connections flag is false, as the real service
// does.
func (p repo) enableOnAllConnections(clientID string) error {
	set, err := p.settings()
	if err != nil {
		return err
	}
	var flags map[string]bool
	if raw, ok := set["flags"]; ok {
		if err := json.Unmarshal(raw, &flags); err != nil {
			return err
		}
	}
	if on, ok := flags["enable_client_connections"]; ok && !on {
		return nil
	}
	return p.eachConnection(func(cn *connectionRecord) bool {
		cn.EnabledClients = setEnabled(cn.EnabledClients, clientID, true)
		return true
	})
}

func (p repo) disableOnAllConnections(clientID string) error {
	return p.eachConnection(func(cn *connectionRecord) bool {
		before := len(cn.EnabledClients)
		cn.EnabledClients = setEnabled(cn.EnabledClients, clientID, false)
		return len(cn.EnabledClients) != before
	})
}

// ---- organizations ----

func (p repo) organization(id string) (organizationRecord, error) {
	var o organizationRecord
	err := p.get(KindOrganizations, id, &o)
	if errors.Is(err, ErrNotFound) {
		return o, errInexistentOrganization()
	}
	return o, err
}

func (p repo) organizationByName(name string) (organizationRecord, error) {
	var id string
	err := p.get(KindIndex, indexOrganizationName(name), &id)
	if errors.Is(err, ErrNotFound) {
		return organizationRecord{}, errInexistentOrganization()
	}
	if err != nil {
		return organizationRecord{}, err
	}
	return p.organization(id)
}

func (p repo) organizations() ([]organizationRecord, error) {
	raws, err := p.list(KindOrganizations)
	if err != nil {
		return nil, err
	}
	out := make([]organizationRecord, 0, len(raws))
	for _, raw := range raws {
		var o organizationRecord
		if err := decodeJSON(KindOrganizations, "", raw, &o); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

func (p repo) claimOrganizationName(name, id string) error {
	var existing string
	if err := p.get(KindIndex, indexOrganizationName(name), &existing); err == nil {
		return errConflict("An organization with this name already exists.")
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	return p.put(KindIndex, indexOrganizationName(name), id)
}

func (p repo) createOrganization(o organizationRecord) error {
	if err := p.claimOrganizationName(o.Name, o.ID); err != nil {
		return err
	}
	return p.put(KindOrganizations, o.ID, o)
}

// renameOrganization moves the name index; the caller saves o.
func (p repo) renameOrganization(before string, o organizationRecord) error {
	if err := p.claimOrganizationName(o.Name, o.ID); err != nil {
		return err
	}
	return p.delete(KindIndex, indexOrganizationName(before))
}

// deleteOrganization also dissociates it from every client grant, so that
// a later organization never inherits an association.
func (p repo) deleteOrganization(o organizationRecord) error {
	grants, err := p.grants(func(g clientGrantRecord) bool { return contains(g.Organizations, o.ID) })
	if err != nil {
		return err
	}
	for _, g := range grants {
		g.Organizations = setEnabled(g.Organizations, o.ID, false)
		if err := p.put(KindClientGrants, g.ID, g); err != nil {
			return err
		}
	}
	if err := p.delete(KindIndex, indexOrganizationName(o.Name)); err != nil {
		return err
	}
	return p.delete(KindOrganizations, o.ID)
}

// disableOnAllOrganizations removes a deleted connection from every
// organization it was enabled for.
func (p repo) disableOnAllOrganizations(connectionID string) error {
	orgs, err := p.organizations()
	if err != nil {
		return err
	}
	for _, o := range orgs {
		i := slices.IndexFunc(o.Connections, func(oc orgConnection) bool { return oc.ConnectionID == connectionID })
		if i < 0 {
			continue
		}
		o.Connections = slices.Delete(o.Connections, i, i+1)
		if err := p.put(KindOrganizations, o.ID, o); err != nil {
			return err
		}
	}
	return nil
}

// ---- settings ----

func (p repo) settings() (extras, error) {
	var set extras
	err := p.get(KindSettings, settingsID, &set)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	return set, nil
}

// defaultAudience is the tenant settings' default_audience, "" when unset.
func (p repo) defaultAudience() (string, error) {
	set, err := p.settings()
	if err != nil {
		return "", err
	}
	var audience string
	if raw, ok := set["default_audience"]; ok {
		_ = json.Unmarshal(raw, &audience) // a string: the settings' schema checked it
	}
	return audience, nil
}

// ---- tenants (on the root tenant's repo) ----

// tenant resolves a tenant id or name.
func (p repo) tenant(idOrName string) (tenantRecord, error) {
	var rec tenantRecord
	name := idOrName
	var indexed string
	if err := p.get(KindIndex, indexTenantID(idOrName), &indexed); err == nil {
		name = indexed
	} else if !errors.Is(err, ErrNotFound) {
		return rec, err
	}
	err := p.get(KindTenants, name, &rec)
	if errors.Is(err, ErrNotFound) {
		return rec, errInexistentTenantObject()
	}
	return rec, err
}
