package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Client metadata and tenant metadata share the real service's documented client_metadata
// bounds: at most 10 properties, names and values of at most 255 characters, names from a
// restricted set. Each refusal is a 400 invalid_body naming the property and the limit.
func TestMetadataBounds(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.newTenant("meta")
	cl := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "meta"})
	clientPath := "/api/v2/clients/" + strField(t, cl, "client_id")

	keys := func(n int) map[string]any {
		m := map[string]any{}
		for i := range n {
			m[fmt.Sprintf("k%02d", i)] = "v"
		}
		return m
	}
	long := func(n int) string { return strings.Repeat("é", n) } // characters, not bytes
	allowedName := "Az09:,-+=_*?\"/\\()<>@\t x"

	for _, kind := range []struct {
		field  string
		create func(md map[string]any) *response
		update func(md map[string]any) *response
	}{
		{"client_metadata",
			func(md map[string]any) *response {
				return h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients", map[string]any{"name": "m", "client_metadata": md})
			},
			func(md map[string]any) *response {
				// client_metadata is merged: remove the stored keys first (a body, nulls
				// included, has at most 10 properties), then send the new ones.
				cur, _ := h.mustGet(h.base, h.tok, clientPath)["client_metadata"].(map[string]any)
				if len(cur) > 0 {
					nulls := map[string]any{}
					for k := range cur {
						nulls[k] = nil
					}
					expectStatus(t, h.call(h.base, h.tok, http.MethodPatch, clientPath, map[string]any{"client_metadata": nulls}), http.StatusOK)
				}
				return h.call(h.base, h.tok, http.MethodPatch, clientPath, map[string]any{"client_metadata": md})
			}},
		{"metadata",
			func(md map[string]any) *response {
				return h.call(h.base, h.tok, http.MethodPost, "/api/v2/tenants", map[string]any{"name": unique("meta-"), "metadata": md})
			},
			func(md map[string]any) *response {
				return h.call(h.base, h.tok, http.MethodPatch, "/api/v2/tenants/meta", map[string]any{"metadata": md})
			}},
	} {
		t.Run(kind.field, func(t *testing.T) {
			// At the limits: accepted.
			for _, md := range []map[string]any{
				keys(10),
				{strings.Repeat("k", 255): long(255)},
				{allowedName: ""},
			} {
				expectStatus(t, kind.create(md), http.StatusCreated)
				expectStatus(t, kind.update(md), http.StatusOK)
			}
			// Past them: refused, with a message naming the field and the limit.
			for _, tt := range []struct {
				name string
				md   map[string]any
				want string
			}{
				{"11 properties", keys(11), "'Too many properties defined (11), maximum 10' on property " + kind.field + "."},
				{"256-character value", map[string]any{"k": long(256)}, "'String is too long (256 chars), maximum 255' on property " + kind.field + ".k."},
				{"256-character name", map[string]any{strings.Repeat("k", 256): "v"}, "'Property name length (256 chars) must be between 1 and 255' on property " + kind.field + "."},
				{"300-character name", map[string]any{strings.Repeat("k", 300): "v"}, "'Property name length (300 chars) must be between 1 and 255' on property " + kind.field + "."},
				{"empty name", map[string]any{"": "v"}, "'Property name length (0 chars) must be between 1 and 255' on property " + kind.field + "."},
				{"dot in name", map[string]any{"a.b": "v"}, `'Property name "a.b" may only contain letters, digits, spaces, tabs and :,-+=_*?"/\()<>@' on property ` + kind.field + "."},
				{"dollar in name", map[string]any{"$a": "v"}, `Property name "$a"`},
				{"non-ASCII name", map[string]any{"café": "v"}, `Property name "café"`},
				{"100 kB value", map[string]any{"k": strings.Repeat("v", 100_000)}, "'String is too long (100000 chars), maximum 255' on property " + kind.field + ".k."},
			} {
				for _, r := range []*response{kind.create(tt.md), kind.update(tt.md)} {
					e := expectAPIError(t, r, http.StatusBadRequest, "invalid_body")
					if !strings.HasPrefix(e.Message, "Payload validation error: ") || !strings.Contains(e.Message, tt.want) {
						t.Errorf("%s: message = %q, want it to contain %q", tt.name, e.Message, tt.want)
					}
				}
			}
		})
	}

	// client_metadata is merged, so the bound is on the merged result: ten stored keys
	// leave no room for an eleventh, but one may replace another.
	expectStatus(t, h.call(h.base, h.tok, http.MethodPatch, clientPath, map[string]any{"client_metadata": map[string]any{allowedName: nil}}), http.StatusOK)
	expectStatus(t, h.call(h.base, h.tok, http.MethodPatch, clientPath, map[string]any{"client_metadata": keys(10)}), http.StatusOK)
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, clientPath, map[string]any{"client_metadata": map[string]any{"extra": "v"}}),
		http.StatusBadRequest, "invalid_body")
	r := h.call(h.base, h.tok, http.MethodPatch, clientPath, map[string]any{"client_metadata": map[string]any{"k00": nil, "extra": "v"}})
	expectStatus(t, r, http.StatusOK)
	if md, _ := r.object(t)["client_metadata"].(map[string]any); len(md) != 10 || md["extra"] != "v" {
		t.Errorf("client_metadata after a swap: %v", md)
	}
	// Tenant metadata is replaced whole, so any ten keys fit whatever was there.
	expectStatus(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/tenants/meta", map[string]any{"metadata": keys(10)}), http.StatusOK)
}
