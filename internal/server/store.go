package server

import (
	"errors"
	"sort"
	"sync"
)

// Kind names a collection of objects within a tenant.
type Kind string

// The collections the handlers use. A Store treats them all alike; they are
// exported so that another Store implementation can lay them out as it likes.
const (
	// KindResourceServers holds APIs, keyed by id.
	KindResourceServers Kind = "resource_servers"
	// KindClients holds applications, keyed by client_id.
	KindClients Kind = "clients"
	// KindClientGrants holds client grants, keyed by id.
	KindClientGrants Kind = "client_grants"
	// KindConnections holds connections, keyed by id.
	KindConnections Kind = "connections"
	// KindTenants holds the hosted tenants (only in the root tenant), keyed
	// by name.
	KindTenants Kind = "tenants"
	// KindKeys holds a tenant's signing key.
	KindKeys Kind = "keys"
	// KindSettings holds a tenant's settings (one object).
	KindSettings Kind = "settings"
	// KindIndex maps natural keys (an API's identifier, a grant's
	// client_id and audience) to ids, so that lookups by them do not scan.
	KindIndex Kind = "index"
)

// RootTenant is the tenant name under which a Store keeps the root tenant's
// objects. It is empty so that it can never collide with a hosted tenant,
// whose name is a non-empty slug.
const RootTenant = ""

// ErrNotFound is returned by Store.Get for an absent object.
var ErrNotFound = errors.New("server: object not found")

// Store keeps each tenant's objects as opaque JSON documents, grouped by
// kind. It is deliberately small so that a durable store can replace the
// in-memory one without touching the handlers: the handlers serialise
// multi-object changes with their own per-tenant lock, so a Store only has to
// make each single call safe for concurrent use. Ids are arbitrary strings:
// index keys contain NUL bytes as separators.
type Store interface {
	// Get returns the object, or ErrNotFound.
	Get(tenant string, kind Kind, id string) ([]byte, error)
	// Put inserts or replaces an object. A replaced object keeps its place
	// in List's order.
	Put(tenant string, kind Kind, id string, value []byte) error
	// Delete removes an object; deleting an absent object is not an error.
	Delete(tenant string, kind Kind, id string) error
	// List returns every object of a kind in insertion order.
	List(tenant string, kind Kind) ([][]byte, error)
	// DropTenant removes every object of a tenant.
	DropTenant(tenant string) error
}

// Counter is an optional Store method: the number of objects of a kind,
// without reading them. The entity caps use it when a Store has it, and
// count a List otherwise.
type Counter interface {
	Count(tenant string, kind Kind) (int, error)
}

// NewMemoryStore returns an empty in-memory Store, the default.
func NewMemoryStore() Store {
	return &memoryStore{tenants: map[string]map[Kind]*collection{}}
}

type memoryStore struct {
	mu      sync.RWMutex
	seq     uint64
	tenants map[string]map[Kind]*collection
}

type collection struct {
	items map[string]*item
}

type item struct {
	seq   uint64
	value []byte
}

func (m *memoryStore) Get(tenant string, kind Kind, id string) ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	c := m.tenants[tenant][kind]
	if c == nil {
		return nil, ErrNotFound
	}
	it, ok := c.items[id]
	if !ok {
		return nil, ErrNotFound
	}
	// Values are never mutated after Put (Put stores a copy), so sharing
	// the slice with the caller is safe as long as callers only read it.
	return it.value, nil
}

func (m *memoryStore) Put(tenant string, kind Kind, id string, value []byte) error {
	v := append([]byte(nil), value...)
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.tenants[tenant]
	if t == nil {
		t = map[Kind]*collection{}
		m.tenants[tenant] = t
	}
	c := t[kind]
	if c == nil {
		c = &collection{items: map[string]*item{}}
		t[kind] = c
	}
	if it, ok := c.items[id]; ok {
		it.value = v
		return nil
	}
	m.seq++
	c.items[id] = &item{seq: m.seq, value: v}
	return nil
}

func (m *memoryStore) Delete(tenant string, kind Kind, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c := m.tenants[tenant][kind]; c != nil {
		delete(c.items, id)
	}
	return nil
}

func (m *memoryStore) List(tenant string, kind Kind) ([][]byte, error) {
	m.mu.RLock()
	c := m.tenants[tenant][kind]
	if c == nil {
		m.mu.RUnlock()
		return nil, nil
	}
	items := make([]*item, 0, len(c.items))
	for _, it := range c.items {
		items = append(items, &item{seq: it.seq, value: it.value})
	}
	m.mu.RUnlock()
	sort.Slice(items, func(i, j int) bool { return items[i].seq < items[j].seq })
	out := make([][]byte, len(items))
	for i, it := range items {
		out[i] = it.value
	}
	return out, nil
}

func (m *memoryStore) Count(tenant string, kind Kind) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if c := m.tenants[tenant][kind]; c != nil {
		return len(c.items), nil
	}
	return 0, nil
}

func (m *memoryStore) DropTenant(tenant string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.tenants, tenant)
	return nil
}
