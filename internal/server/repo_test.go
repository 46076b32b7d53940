package server_test

// Tests of a tenant's objects under concurrent requests (repo.go).

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
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
