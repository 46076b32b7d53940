package server_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// Invalid UTF-8 anywhere in a JSON body is refused as malformed JSON, not stored with the
// bytes replaced: encoding/json would quietly turn them into U+FFFD.
func TestBodyInvalidUTF8(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "utf8"})
	clientPath := "/api/v2/clients/" + strField(t, c, "client_id")
	api := h.newAPI(h.base, h.tok, map[string]any{})
	apiPath := "/api/v2/resource-servers/" + strField(t, api, "id")
	g := h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{
		"client_id": c["client_id"], "audience": api["identifier"], "scope": []string{},
	})
	grantPath := "/api/v2/client-grants/" + strField(t, g, "id")
	h.newTenant("utf8")

	tests := []struct {
		method, path, body string
	}{
		{http.MethodPost, "/api/v2/clients", "{\"name\":\"\xff\xfe\"}"},
		{http.MethodPost, "/api/v2/clients", "{\"name\":\"ok\",\"client_metadata\":{\"k\":\"caf\xe9\"}}"},
		{http.MethodPost, "/api/v2/clients", "{\"name\":\"ok\",\"client_metadata\":{\"\xc0\xaf\":\"v\"}}"},
		{http.MethodPost, "/api/v2/clients", "{\"name\":\"ok\",\"callbacks\":[\"https://a.example/\xed\xa0\x80\"]}"},
		{http.MethodPatch, clientPath, "{\"description\":\"\x80\"}"},
		{http.MethodPost, "/api/v2/resource-servers", "{\"identifier\":\"https://x.example/\xff\",\"name\":\"n\"}"},
		{http.MethodPatch, apiPath, "{\"scopes\":[{\"value\":\"read\",\"description\":\"\xf8\x88\x80\x80\x80\"}]}"},
		{http.MethodPatch, grantPath, "{\"scope\":[\"\xff\"]}"},
		{http.MethodPost, "/api/v2/tenants", "{\"name\":\"utf8-two\",\"display_name\":\"\xff\"}"},
		{http.MethodPatch, "/api/v2/tenants/utf8", "{\"metadata\":{\"k\":\"\xfe\"}}"},
		{http.MethodPatch, "/api/v2/tenants/settings", "{\"friendly_name\":\"\xff\"}"},
		// Outside a string, too: a stray byte between tokens.
		{http.MethodPost, "/api/v2/clients", "{\"name\":\"ok\"\xff}"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			if utf8.ValidString(tt.body) {
				t.Fatalf("test body %q is valid UTF-8", tt.body)
			}
			r := h.with(t).call(h.base, h.tok, tt.method, tt.path, tt.body, http.Header{"Content-Type": {"application/json"}})
			e := expectAPIError(t, r, http.StatusBadRequest, "invalid_body")
			if !strings.HasPrefix(e.Message, "Invalid request payload JSON format") || !strings.Contains(e.Message, "UTF-8") {
				t.Errorf("message = %q", e.Message)
			}
		})
	}

	// Nothing was stored: no client, API or tenant beyond those made above, and the
	// objects patched are unchanged.
	for _, cl := range h.mustList(h.base, h.tok, "/api/v2/clients") {
		if n, _ := cl["name"].(string); n != "utf8" && n != "Root Admin" {
			t.Errorf("a refused create was stored: %v", cl)
		}
	}
	if got := h.mustGet(h.base, h.tok, clientPath); got["description"] != nil {
		t.Errorf("a refused PATCH changed the client: %v", got)
	}
	if n := len(h.mustList(h.base, h.tok, "/api/v2/tenants")); n != 1 {
		t.Errorf("%d tenants, want 1", n)
	}

	// Valid UTF-8 beyond ASCII, and escaped characters, are of course fine.
	ok := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "Café ☕ 𝄞", "description": "\u00e9t\u00e9"})
	if ok["name"] != "Café ☕ 𝄞" || ok["description"] != "été" {
		t.Errorf("valid UTF-8 came back as %v", ok)
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const limit = 1 << 20
	// padded builds a JSON object of exactly size bytes.
	padded := func(prefix string, size int) string {
		const suffix = `"}`
		return prefix + strings.Repeat("a", size-len(prefix)-len(suffix)) + suffix
	}
	over := padded(`{"name":"big","description":"`, limit+1024)
	c := strField(t, h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "small"}), "client_id")

	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients", over), http.StatusRequestEntityTooLarge, "payload_too_large")
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/clients/"+c, padded(`{"description":"`, limit+1024)), http.StatusRequestEntityTooLarge, "payload_too_large")
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/resource-servers", padded(`{"name":"`, limit+1)), http.StatusRequestEntityTooLarge, "payload_too_large")

	// Without a Content-Length (chunked), too.
	hdr := http.Header{"Authorization": {"Bearer " + h.tok}, "Content-Type": {"application/json"}}
	r := h.call(h.base, "", http.MethodPost, "/api/v2/clients", io.MultiReader(strings.NewReader(over)), hdr)
	expectAPIError(t, r, http.StatusRequestEntityTooLarge, "payload_too_large")

	// The token endpoint answers in the OAuth shape.
	form := url.Values{"grant_type": {"client_credentials"}, "audience": {h.mgmtAudience(h.base)}, "pad": {strings.Repeat("p", limit)}}.Encode()
	expectOAuthError(t, h.postToken(h.base, "application/x-www-form-urlencoded", form, nil), http.StatusRequestEntityTooLarge, "payload_too_large")
	expectOAuthError(t, h.postToken(h.base, "application/json", padded(`{"grant_type":"`, limit+10), nil), http.StatusRequestEntityTooLarge, "payload_too_large")

	// Exactly 1 MB is allowed.
	r = h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients", padded(`{"name":"at the limit","description":"`, limit))
	if r.Status == http.StatusRequestEntityTooLarge {
		t.Errorf("a body of exactly 1 MB was refused: %s", r)
	}
}
