package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
)

func TestShortHS256Secret(t *testing.T) {
	f := newFixture(t, Options{})
	secret := "0123456789abcdef" // 16 characters: below go-jose's HMAC minimum
	r := f.do(http.MethodPost, f.ts.URL+"/api/v2/resource-servers", f.token, map[string]any{
		"identifier": "https://short.example/", "signing_alg": "HS256", "signing_secret": secret,
		"scopes": []map[string]string{{"value": "read:x"}},
	})
	f.expect(r, http.StatusCreated, "")
	r = f.do(http.MethodPost, f.ts.URL+"/api/v2/clients", f.token, map[string]any{"name": "c"})
	f.expect(r, http.StatusCreated, "")
	cl := r.object(t)
	f.expect(f.do(http.MethodPost, f.ts.URL+"/api/v2/client-grants", f.token, map[string]any{
		"client_id": cl["client_id"], "audience": "https://short.example/", "scope": []string{"read:x"},
	}), http.StatusCreated, "")
	tok := f.mint(f.ts.URL, cl["client_id"].(string), cl["client_secret"].(string), "https://short.example/")
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a compact JWS", tok)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if base64.RawURLEncoding.EncodeToString(mac.Sum(nil)) != parts[2] {
		t.Fatal("HS256 signature does not verify with the signing secret")
	}
	hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if !strings.Contains(string(hdr), `"alg":"HS256"`) || !strings.Contains(string(hdr), `"typ":"JWT"`) {
		t.Fatalf("header %s", hdr)
	}
}
