package server

import (
	"cmp"
	"net/http"
	"slices"
	"sync"
)

type countKey struct {
	tenant, method, route string
	status                int
}

type counters struct {
	mu sync.Mutex
	m  map[countKey]int64
}

func (c *counters) add(tenant, method, route string, status int) {
	if route == "" {
		route = routeUnknown
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[countKey]int64{}
	}
	c.m[countKey{tenant, method, route, status}]++
}

func (c *counters) snapshot() []Count {
	c.mu.Lock()
	out := make([]Count, 0, len(c.m))
	for k, n := range c.m {
		out = append(out, Count{Tenant: k.tenant, Method: k.method, Route: k.route, Status: k.status, N: n})
	}
	c.mu.Unlock()
	slices.SortFunc(out, func(a, b Count) int {
		return cmp.Or(
			cmp.Compare(a.Tenant, b.Tenant),
			cmp.Compare(a.Method, b.Method),
			cmp.Compare(a.Route, b.Route),
			cmp.Compare(a.Status, b.Status),
		)
	})
	return out
}

func (c *counters) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
}

func (c *counters) resetTenant(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.m {
		if k.tenant == name {
			delete(c.m, k)
		}
	}
}

func getRequestCounts(c *call) error {
	return c.json(http.StatusOK, struct {
		Requests []Count `json:"requests"`
	}{c.s.Counts()})
}

func resetRequestCounts(c *call) error {
	c.s.ResetCounts()
	return c.noContent()
}
