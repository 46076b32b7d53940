package server_test

// Tokens checked by a JOSE library nobody here wrote, with its defaults: lestrrat-go/jwx
// requires a JWKS key to name its algorithm (or the caller to opt into inferring it), so a
// JWKS without alg fails every token with "could not verify message using any of the
// signatures or keys".

import (
	"net/http"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

func TestJWXVerifiesTokensWithDefaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	te := h.newTenant(unique("jwx-"))
	for _, env := range []struct{ base, tok string }{{h.base, h.tok}, {te.base, te.tok}} {
		r := h.call(env.base, "", http.MethodGet, "/.well-known/jwks.json", nil)
		expectStatus(t, r, http.StatusOK)
		set, err := jwk.Parse(r.Body)
		if err != nil {
			t.Fatalf("jwk.Parse: %v", err)
		}
		tok, err := jwt.Parse([]byte(env.tok), jwt.WithKeySet(set))
		if err != nil {
			t.Fatalf("jwt.Parse with the tenant's JWKS: %v", err)
		}
		if tok.Issuer() != env.base+"/" || len(tok.Audience()) != 1 || tok.Audience()[0] != env.base+"/api/v2/" ||
			time.Until(tok.Expiration()) <= 0 {
			t.Errorf("claims iss %q aud %v exp %v", tok.Issuer(), tok.Audience(), tok.Expiration())
		}
		// An API's RS256 token verifies the same way.
		api := h.newAPI(env.base, env.tok, map[string]any{"scopes": []map[string]any{{"value": "read:x"}}})
		id, secret := h.newGrantedClient(env.base, env.tok, api["identifier"].(string), []string{"read:x"})
		apiTok := h.mintToken(env.base, id, secret, api["identifier"].(string), "")
		if _, err := jwt.Parse([]byte(apiTok), jwt.WithKeySet(set), jwt.WithAudience(api["identifier"].(string))); err != nil {
			t.Errorf("API token: %v", err)
		}
	}
	// Another tenant's keys verify nothing here.
	r := h.call(te.base, "", http.MethodGet, "/.well-known/jwks.json", nil)
	other, err := jwk.Parse(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jwt.Parse([]byte(h.tok), jwt.WithKeySet(other)); err == nil {
		t.Errorf("a root token verified with a hosted tenant's JWKS")
	}
}
