package server_test

// Tests of a tenant's objects under concurrent requests (repo.go).

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

func TestConcurrentCreateRead(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	api := h.newAPI(h.base, h.tok, map[string]any{"scopes": []map[string]any{{"value": "s:1"}}})
	aud := strField(t, api, "identifier")
	const workers, iters = 8, 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	kept := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < iters; i++ {
				step := func(method, path string, body any, want int) map[string]any {
					r, err := h.send(method, h.base+path, bearer(h.tok), body)
					if err != nil {
						t.Errorf("%s %s: %v", method, path, err)
						return nil
					}
					if r.Status != want {
						t.Errorf("%s %s: want %d, got %s", method, path, want, r)
						return nil
					}
					var m map[string]any
					if len(r.Body) > 0 && r.Body[0] == '{' {
						_ = jsonUnmarshal(r.Body, &m)
					}
					return m
				}
				c := step("POST", "/api/v2/clients", map[string]any{"name": fmt.Sprintf("w%d-%d", w, i)}, 201)
				if c == nil {
					return
				}
				cid, _ := c["client_id"].(string)
				step("GET", "/api/v2/clients/"+cid, nil, 200)
				step("PATCH", "/api/v2/clients/"+cid, map[string]any{"description": "d"}, 200)
				g := step("POST", "/api/v2/client-grants", map[string]any{"client_id": cid, "audience": aud, "scope": []string{"s:1"}}, 201)
				step("GET", "/api/v2/client-grants?client_id="+cid, nil, 200)
				step("GET", "/api/v2/clients?per_page=10&page=1", nil, 200)
				if i%2 == 0 {
					step("DELETE", "/api/v2/clients/"+cid, nil, 204)
					if g != nil {
						step("GET", "/api/v2/client-grants/"+g["id"].(string), nil, 404)
					}
				} else {
					mu.Lock()
					kept++
					mu.Unlock()
				}
				_ = h.srv.Counts()
			}
		}(w)
	}
	wg.Wait()
	r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients?include_totals=true&per_page=1", nil)
	expectStatus(t, r, http.StatusOK)
	if total := numField(t, r.object(t), "total"); int(total) != 1+kept {
		t.Errorf("total clients = %v, want %d", total, 1+kept)
	}
	r = h.call(h.base, h.tok, http.MethodGet, "/api/v2/client-grants?include_totals=true&per_page=1&audience="+url.QueryEscape(aud), nil)
	if total := numField(t, r.object(t), "total"); int(total) != kept {
		t.Errorf("total grants = %v, want %d", total, kept)
	}
}

// The number of hosted tenants, and of each kind of object per tenant, is capped; the seeded
// objects (Management API, admin or management client, its grant) count.
func TestEntityCaps(t *testing.T) {
	t.Parallel()
	const maxObjects, maxTenants = 3, 2
	h := newHarness(t, func(o *server.Options) { o.MaxObjects, o.MaxTenants = maxObjects, maxTenants })

	fill := func(base, tok string) (apis []map[string]any, clients []map[string]any, grants []map[string]any) {
		t.Helper()
		// One of each is seeded, so two more fit.
		for range maxObjects - 1 {
			apis = append(apis, h.newAPI(base, tok, map[string]any{}))
			clients = append(clients, h.mustCreate(base, tok, "/api/v2/clients", map[string]any{"name": unique("c")}))
		}
		for i := range maxObjects - 1 {
			grants = append(grants, h.mustCreate(base, tok, "/api/v2/client-grants", map[string]any{
				"client_id": clients[i]["client_id"], "audience": apis[i]["identifier"], "scope": []string{},
			}))
		}
		expectTooMany(t, h.call(base, tok, http.MethodPost, "/api/v2/resource-servers", map[string]any{"identifier": "https://one-too-many.example/"}),
			"resource servers", maxObjects)
		expectTooMany(t, h.call(base, tok, http.MethodPost, "/api/v2/clients", map[string]any{"name": "one too many"}), "clients", maxObjects)
		expectTooMany(t, h.call(base, tok, http.MethodPost, "/api/v2/client-grants", map[string]any{
			"client_id": clients[0]["client_id"], "audience": apis[1]["identifier"], "scope": []string{},
		}), "client grants", maxObjects)
		// Nothing was stored by the refusals.
		for _, path := range []string{"/api/v2/resource-servers", "/api/v2/clients", "/api/v2/client-grants"} {
			if n := len(h.mustList(base, tok, path)); n != maxObjects {
				t.Errorf("%s lists %d objects, want %d", path, n, maxObjects)
			}
		}
		return apis, clients, grants
	}

	apis, clients, grants := fill(h.base, h.tok)

	// Deleting makes room again. A deleted API takes its grant with it.
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/client-grants/"+strField(t, grants[0], "id"), nil), http.StatusNoContent)
	h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{
		"client_id": clients[0]["client_id"], "audience": apis[1]["identifier"], "scope": []string{},
	})
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/resource-servers/"+strField(t, apis[0], "id"), nil), http.StatusNoContent)
	h.newAPI(h.base, h.tok, map[string]any{})
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/clients/"+strField(t, clients[1], "client_id"), nil), http.StatusNoContent)
	h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "in its place"})

	// Updates are not creates: a full tenant still takes them.
	expectStatus(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/clients/"+strField(t, clients[0], "client_id"), map[string]any{"description": "full"}), http.StatusOK)

	// The caps are per tenant: a hosted tenant has its own room while the root is full.
	te := h.newTenant("capped-one")
	fill(te.base, te.tok)

	// Hosted tenants are capped on the root, the root tenant aside.
	h.newTenant("capped-two")
	expectTooMany(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/tenants", map[string]any{"name": "capped-three"}), "tenants", maxTenants)
	expectStatus(t, h.call(h.base+"/tenants/capped-three", "", http.MethodGet, "/.well-known/jwks.json", nil), http.StatusNotFound)
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/tenants/capped-two", nil), http.StatusNoContent)
	h.newTenant("capped-three")
}
