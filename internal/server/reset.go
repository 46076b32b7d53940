package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// This file holds what a server needs to come back to its start state: after
// a restart on a durable store (the admin client), and on a reset (the
// whole server, or one hosted tenant), plus the health endpoint.

// KindSeed holds, per tenant, what its start state needs beyond its signing
// key: the client it was seeded with (the root's admin client, a hosted
// tenant's Management API client), as it was seeded, under seedClientID.
const KindSeed Kind = "seed"

const seedClientID = "client"

// kept are the objects a reset keeps: the signing key, so that tokens
// issued before it stay valid until they expire (as the real service keeps
// a deleted client's tokens valid), and the seed itself.
var kept = []struct {
	kind Kind
	id   string
}{{KindKeys, keyID}, {KindSeed, seedClientID}}

// resolveAdmin settles the root admin client's credentials before the root
// tenant is bootstrapped. Configured ones win; what is not configured is
// taken from the store's seed (a restart on a durable store keeps the
// credentials of the first start, or the secret they were rotated to) or
// generated. An admin client of a previous start that is no longer the
// admin is deleted with its grants.
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

// recordRootSeed stores the admin client, as bootstrap made it, as the root
// tenant's seed.
func (s *Server) recordRootSeed() error {
	raw, err := s.store.Get(RootTenant, KindClients, s.adminID)
	if err != nil {
		return fmt.Errorf("server: reading the admin client back: %w", err)
	}
	return s.store.Put(RootTenant, KindSeed, seedClientID, raw)
}

// followRotation keeps a tenant's seed on the secret its seeded client was
// just rotated to, and for the root admin the credentials the server's
// endpoints check: a reset or a restart never brings back a secret that
// was rotated away, and the old one stops opening /_idp/ at once. The
// caller holds the tenant's write lock and has stored the client.
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

// Reset brings the whole server back to its start state: every hosted tenant
// is deleted, the root tenant holds only its Management API and the admin
// client with its current credentials, and the request counters are zero.
// The root signing key, the rate limit and the faults are kept.
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
	// Tenants the store knows but the server does not (a deletion that
	// failed half-way) go too.
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
	root.limiter.reset()
	s.counts.reset()
	return nil
}

// ResetTenant brings one hosted tenant back to the state its create left it
// in: its Management API, and its Management API client with the
// credentials the create returned (or the secret it was last rotated to)
// and its grant; every other API, client,
// grant and setting is deleted. The tenant itself (its id, name, display
// name, metadata) and its signing key are kept, and so are the counts of
// the other tenants. An unknown name is inexistent_tenant.
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

// restoreStart replaces a tenant's objects by its seed. The caller holds the
// tenant's lock.
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
	if err := s.store.DropTenant(name); err != nil {
		return err
	}
	for i, k := range kept {
		if err := s.store.Put(name, k.kind, k.id, saved[i]); err != nil {
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

// handleReset is POST /_idp/reset.
func handleReset(c *call) error {
	if err := c.s.Reset(); err != nil {
		return err
	}
	return c.noContent()
}

// handleResetTenant is POST /_idp/reset/{tenant}.
func handleResetTenant(c *call) error {
	if err := c.s.ResetTenant(c.id()); err != nil {
		return err
	}
	return c.noContent()
}

// handleHealth is GET /_idp/health: 200 {"status":"ok"} when the store
// answers, 503 otherwise.
func handleHealth(c *call) error {
	if _, err := c.s.store.Get(RootTenant, KindKeys, keyID); err != nil {
		c.s.log.Error("health check: the store does not answer", "error", err)
		return c.json(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return c.json(http.StatusOK, map[string]string{"status": "ok"})
}
