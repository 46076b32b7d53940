package server

import (
	"errors"
	"sort"
	"sync"
)

// Kind names a collection of objects within a tenant.
type Kind string

// The collections, exported so that another Store can lay them out as it
// likes. KindTenants exists in the root tenant only; KindIndex maps natural
// keys (an API's identifier, a connection's name) to ids.
const (
	KindResourceServers Kind = "resource_servers"
	KindClients         Kind = "clients"
	KindClientGrants    Kind = "client_grants"
	KindConnections     Kind = "connections"
	KindCredentials     Kind = "credentials"
	KindOrganizations   Kind = "organizations"
	KindTenants         Kind = "tenants"
	KindKeys            Kind = "keys"
	KindSettings        Kind = "settings"
	KindIndex           Kind = "index"
)

// RootTenant is the root tenant's name in a Store: empty, so that no hosted
// tenant's can collide with it.
const RootTenant = ""

// ErrNotFound is returned by Store.Get for an absent object.
var ErrNotFound = errors.New("server: object not found")

// Store keeps each tenant's objects as opaque JSON documents, by kind and
// id. The server serialises multi-object changes with its own per-tenant
// lock, so a Store only makes each call safe for concurrent use. Ids are
// arbitrary strings, NUL bytes included.
type Store interface {
	// Get returns ErrNotFound for an absent object.
	Get(tenant string, kind Kind, id string) ([]byte, error)
	// Put inserts or replaces an object; a replaced one keeps its place in
	// List's order.
	Put(tenant string, kind Kind, id string, value []byte) error
	// Delete of an absent object is no error.
	Delete(tenant string, kind Kind, id string) error
	// List returns a kind's objects in insertion order.
	List(tenant string, kind Kind) ([][]byte, error)
	DropTenant(tenant string) error
}

// Counter is an optional Store method that counts a kind's objects without
// reading them, for the entity caps.
type Counter interface {
	Count(tenant string, kind Kind) (int, error)
}

// NewMemoryStore returns an empty in-memory Store.
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
	// Put stored a copy, and callers only read.
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
