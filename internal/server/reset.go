package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// KindSeed holds, per tenant, the client it was seeded with (the root's
// admin client, a hosted tenant's Management API client), which a reset or
// a restart brings back.
const KindSeed Kind = "seed"

const seedClientID = "client"

// kept are the objects a reset keeps: the seed, and the signing key, so
// that tokens stay valid until they expire, as the real service keeps a
// deleted client's tokens valid.
var kept = []struct {
	kind Kind
	id   string
}{{KindKeys, keyID}, {KindSeed, seedClientID}}

// resolveAdmin settles the root admin's credentials: configured, else the
// store's seed, else generated. A previous start's admin that is no longer
// the admin is deleted.
func (s *Server) resolveAdmin(secret string) error {
	var seed clientRecord
	err := getJSON(s.store, RootTenant, KindSeed, seedClientID, &seed)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	found := err == nil
	if s.adminID == "" {
		s.adminID = newClientID()
		if found {
			// A data directory from before the admin's ID had to be one Auth0 could issue.
			if !ValidClientID(seed.ClientID) {
				return fmt.Errorf("server: the stored admin client ID %q is not a client ID as the real service issues "+
					"them: give an admin client ID of %d letters and digits, which replaces it (the data stay)",
					seed.ClientID, ClientIDLength)
			}
			s.adminID = seed.ClientID
		}
	}
	if secret == "" {
		if found && seed.ClientID == s.adminID {
			secret = seed.ClientSecret
		} else {
			secret, s.adminGenerated = newClientSecret(), true
		}
	}
	s.adminSecret.Store(&secret)
	if found && seed.ClientID != s.adminID {
		old := repo{store: s.store, t: &tenant{name: RootTenant}}
		if err := old.deleteClient(seed.ClientID); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) recordRootSeed() error {
	raw, err := s.store.Get(RootTenant, KindClients, s.adminID)
	if err != nil {
		return fmt.Errorf("server: reading the admin client back: %w", err)
	}
	return s.store.Put(RootTenant, KindSeed, seedClientID, raw)
}

// followRotation writes a seeded client's new secret into its tenant's
// seed, and for the root admin into what /_idp/ checks, so that no reset
// or restart brings back a secret rotated away. The caller holds the
// tenant's write lock.
func (s *Server) followRotation(tenant string, cl clientRecord) error {
	var seed clientRecord
	err := getJSON(s.store, tenant, KindSeed, seedClientID, &seed)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil || seed.ClientID != cl.ClientID {
		return err
	}
	seed.ClientSecret = cl.ClientSecret
	if err := putJSON(s.store, tenant, KindSeed, seedClientID, seed); err != nil {
		return err
	}
	if tenant == RootTenant && cl.ClientID == s.adminID {
		secret := cl.ClientSecret
		s.adminSecret.Store(&secret)
	}
	return nil
}

// Reset brings the server back to its start state: no hosted tenant, the
// root's seeded objects with the admin's current credentials, and no
// counts. Signing keys, the rate limit and the faults are kept.
func (s *Server) Reset() error {
	root := s.lookupTenant(RootTenant)
	root.mu.Lock()
	defer root.mu.Unlock()

	s.mu.Lock()
	var hosted []*tenant
	for name, t := range s.tenants {
		if name != RootTenant {
			hosted = append(hosted, t)
			delete(s.tenants, name)
		}
	}
	s.mu.Unlock()
	for _, t := range hosted {
		t.markDeleted()
		if err := s.store.DropTenant(t.name); err != nil {
			return err
		}
	}
	recs, err := s.storedTenants()
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if err := s.store.DropTenant(rec.Name); err != nil {
			return err
		}
	}
	if err := s.restoreStart(RootTenant); err != nil {
		return err
	}
	if err := s.keyAdmin(); err != nil {
		return err
	}
	root.limiter.reset()
	s.counts.reset()
	return nil
}

// ResetTenant brings a hosted tenant back to the state its create left it
// in, but for its management client's current secret, or keys
// (keepAuthentication). The tenant record,
// its signing key and the other tenants' counts are kept.
func (s *Server) ResetTenant(name string) error {
	if name == RootTenant {
		return errInexistentTenantObject()
	}
	t := s.lookupTenant(name)
	if t == nil {
		return errInexistentTenantObject()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.deleted {
		return errInexistentTenantObject()
	}
	if err := s.restoreStart(name); err != nil {
		return err
	}
	t.limiter.reset()
	s.counts.resetTenant(name)
	return nil
}

// restoreStart replaces a tenant's objects by its seeded ones. The caller
// holds the tenant's lock.
func (s *Server) restoreStart(name string) error {
	saved := make([][]byte, len(kept))
	for i, k := range kept {
		raw, err := s.store.Get(name, k.kind, k.id)
		if err != nil {
			return fmt.Errorf("server: tenant %q has no recorded start state (%s): %w", name, k.kind, err)
		}
		saved[i] = raw
	}
	var seed clientRecord
	if err := json.Unmarshal(saved[len(saved)-1], &seed); err != nil {
		return fmt.Errorf("server: decoding the seed of tenant %q: %w", name, err)
	}
	creds, err := keepAuthentication(repo{store: s.store, t: &tenant{name: name}}, &seed)
	if err != nil {
		return err
	}
	if err := s.store.DropTenant(name); err != nil {
		return err
	}
	for i, k := range kept {
		if err := s.store.Put(name, k.kind, k.id, saved[i]); err != nil {
			return err
		}
	}
	ids := make([]string, 0, len(creds))
	for _, cr := range creds {
		if err := putJSON(s.store, name, KindCredentials, cr.ID, cr); err != nil {
			return err
		}
		ids = append(ids, cr.ID)
	}
	if len(ids) > 0 {
		if err := putJSON(s.store, name, KindIndex, indexCredentials(seed.ClientID), ids); err != nil {
			return err
		}
	}
	if _, err := s.seedManagementAPI(name); err != nil {
		return err
	}
	if err := putJSON(s.store, name, KindClients, seed.ClientID, seed); err != nil {
		return err
	}
	if err := s.seedManagementGrant(name, seed.ClientID); err != nil {
		return err
	}
	return s.seedDefaultConnection(name, seed.ClientID)
}

// keepAuthentication gives seed the way the seeded client authenticates
// now, and returns its credentials, as a reset keeps a rotated secret: a
// client switched to a key (a keyed tenant's management client) must not
// come back with the secret it stopped using, which nobody kept.
func keepAuthentication(p repo, seed *clientRecord) ([]credentialRecord, error) {
	current, err := p.client(seed.ClientID)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	raw, ok := current.Extra["client_authentication_methods"]
	if !ok {
		return nil, nil
	}
	if seed.Extra == nil {
		seed.Extra = extras{}
	}
	seed.Extra["client_authentication_methods"] = raw
	seed.TokenEndpointAuthMethod = current.TokenEndpointAuthMethod
	return p.credentials(seed.ClientID)
}

func handleReset(c *call) error {
	if err := c.s.Reset(); err != nil {
		return err
	}
	return c.noContent()
}

func handleResetTenant(c *call) error {
	if err := c.s.ResetTenant(c.id()); err != nil {
		return err
	}
	return c.noContent()
}

func handleHealth(c *call) error {
	if _, err := c.s.store.Get(RootTenant, KindKeys, keyID); err != nil {
		c.s.log.Error("health check: the store does not answer", "error", err)
		return c.json(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return c.json(http.StatusOK, map[string]string{"status": "ok"})
}
