package server_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// forgeToken builds a compact JWS by hand, for algorithms no library will produce.
func forgeToken(header map[string]any, payload []byte, sig []byte) string {
	hb, _ := json.Marshal(header)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(hb) + "." + enc.EncodeToString(payload) + "." + enc.EncodeToString(sig)
}

// expectUnauthorized requires a 401 envelope with either of the two 401 error codes.
func expectUnauthorized(t testing.TB, r *response) {
	t.Helper()
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("want 401, got %s", r)
	}
	code, _ := r.object(t)["errorCode"].(string)
	if code != "invalid_token" && code != "missing_authentication" {
		t.Errorf("errorCode = %q, want invalid_token or missing_authentication", code)
	}
	expectAPIError(t, r, http.StatusUnauthorized, code)
}

func TestManagementRejectsBadTokens(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id, secret := h.srv.AdminClientID(), h.srv.AdminClientSecret()
	header, payload := tokenParts(t, h.tok)
	kid, _ := header["kid"].(string)
	set := h.fetchJWKS(h.base)
	keys := set.Key(kid)
	if len(keys) != 1 {
		t.Fatalf("kid %q of the admin token: %d keys in the JWKS", kid, len(keys))
	}
	pub := keys[0].Key.(*rsa.PublicKey)

	get := func(t *testing.T, authorization string) *response {
		hdr := http.Header{}
		if authorization != "" {
			hdr.Set("Authorization", authorization)
		}
		return h.with(t).call(h.base, "", http.MethodGet, "/api/v2/clients", nil, hdr)
	}

	t.Run("valid token is accepted", func(t *testing.T) {
		t.Parallel()
		expectStatus(t, get(t, "Bearer "+h.tok), http.StatusOK)
	})
	t.Run("missing header", func(t *testing.T) {
		t.Parallel()
		r := get(t, "")
		e := expectAPIError(t, r, http.StatusUnauthorized, "missing_authentication")
		if e.Message != "Missing authentication" {
			t.Errorf("message = %q", e.Message)
		}
		if wa := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(wa, "Bearer") {
			t.Errorf("WWW-Authenticate = %q, want Bearer…", wa)
		}
	})
	t.Run("missing header on every kind of route", func(t *testing.T) {
		t.Parallel()
		for _, p := range []string{"/api/v2/resource-servers", "/api/v2/clients/x", "/api/v2/client-grants", "/api/v2/tenants"} {
			r := h.with(t).call(h.base, "", http.MethodGet, p, nil)
			expectAPIError(t, r, http.StatusUnauthorized, "missing_authentication")
		}
	})
	t.Run("basic scheme", func(t *testing.T) {
		t.Parallel()
		r := get(t, "Basic "+base64.StdEncoding.EncodeToString([]byte(id+":"+secret)))
		expectUnauthorized(t, r)
		r = get(t, "Bearer")
		expectUnauthorized(t, r)
		r = get(t, "Bearer ")
		expectUnauthorized(t, r)
	})
	t.Run("garbage token", func(t *testing.T) {
		t.Parallel()
		expectInvalidToken(t, get(t, "Bearer not-a-jwt"), "Invalid token")
		expectInvalidToken(t, get(t, "Bearer a.b.c"), "Invalid token")
		expectInvalidToken(t, get(t, "Bearer "+strings.Repeat("x", 4000)), "Invalid token")
	})
	t.Run("tampered signature", func(t *testing.T) {
		t.Parallel()
		parts := strings.Split(h.tok, ".")
		sig := []byte(parts[2])
		mid := len(sig) / 2
		if sig[mid] == 'A' {
			sig[mid] = 'B'
		} else {
			sig[mid] = 'A'
		}
		expectInvalidToken(t, get(t, "Bearer "+parts[0]+"."+parts[1]+"."+string(sig)), "Invalid token")
	})
	t.Run("tampered payload", func(t *testing.T) {
		t.Parallel()
		var claims map[string]any
		if err := json.Unmarshal(payload, &claims); err != nil {
			t.Fatal(err)
		}
		claims["sub"] = "someone-else@clients"
		p, _ := json.Marshal(claims)
		parts := strings.Split(h.tok, ".")
		forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(p) + "." + parts[2]
		expectInvalidToken(t, get(t, "Bearer "+forged), "Invalid token")
	})
	t.Run("alg none", func(t *testing.T) {
		t.Parallel()
		for _, alg := range []string{"none", "None", "NONE"} {
			tok := forgeToken(map[string]any{"alg": alg, "typ": "JWT"}, payload, nil)
			expectInvalidToken(t, get(t, "Bearer "+tok), "Invalid token")
			// The same, keeping the original signature.
			parts := strings.Split(h.tok, ".")
			hb, _ := json.Marshal(map[string]any{"alg": alg, "typ": "JWT", "kid": kid})
			tok = base64.RawURLEncoding.EncodeToString(hb) + "." + parts[1] + "." + parts[2]
			expectInvalidToken(t, get(t, "Bearer "+tok), "Invalid token")
		}
	})
	t.Run("HS256 signed with the public key", func(t *testing.T) {
		t.Parallel()
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		pkcs1 := x509.MarshalPKCS1PublicKey(pub)
		nBytes, _ := json.Marshal(keys[0])
		secrets := map[string][]byte{
			"PKIX PEM":  pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}),
			"PKIX DER":  der,
			"PKCS1 PEM": pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: pkcs1}),
			"PKCS1 DER": pkcs1,
			"JWK JSON":  nBytes,
		}
		for name, key := range secrets {
			signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: key},
				(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
			if err != nil {
				t.Fatal(err)
			}
			var claims map[string]any
			if err := json.Unmarshal(payload, &claims); err != nil {
				t.Fatal(err)
			}
			tok, err := jwt.Signed(signer).Claims(claims).Serialize()
			if err != nil {
				t.Fatal(err)
			}
			r := get(t, "Bearer "+tok)
			if r.Status != http.StatusUnauthorized {
				t.Errorf("HS256 token keyed with the %s public key: want 401, got %s", name, r)
				continue
			}
			expectInvalidToken(t, r, "Invalid token")
		}
	})
	t.Run("signed by a foreign key with the right kid", func(t *testing.T) {
		t.Parallel()
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		for _, alg := range []jose.SignatureAlgorithm{jose.RS256, jose.PS256} {
			signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key},
				(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
			if err != nil {
				t.Fatal(err)
			}
			var claims map[string]any
			_ = json.Unmarshal(payload, &claims)
			tok, err := jwt.Signed(signer).Claims(claims).Serialize()
			if err != nil {
				t.Fatal(err)
			}
			expectInvalidToken(t, get(t, "Bearer "+tok), "Invalid token")
		}
	})
	t.Run("token for a user API", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		api := h.newAPI(h.base, h.tok, map[string]any{"scopes": []map[string]any{{"value": "read:clients"}}})
		aud := strField(t, api, "identifier")
		h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": id, "audience": aud, "scope": []string{"read:clients"}})
		tok := h.mintToken(h.base, id, secret, aud, "")
		expectInvalidToken(t, get(t, "Bearer "+tok), "Bad audience")
	})
	t.Run("HS256 token for a user API", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		api := h.newAPI(h.base, h.tok, map[string]any{"signing_alg": "HS256"})
		aud := strField(t, api, "identifier")
		h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": id, "audience": aud, "scope": []string{}})
		tok := h.mintToken(h.base, id, secret, aud, "")
		expectInvalidToken(t, get(t, "Bearer "+tok), "")
	})
	t.Run("token of another server", func(t *testing.T) {
		t.Parallel()
		other := newHarness(t)
		expectInvalidToken(t, get(t, "Bearer "+other.tok), "")
	})
}

func TestExpiredToken(t *testing.T) {
	t.Parallel()
	clock := newTestClock(time.Now().Truncate(time.Second))
	h := newHarness(t, func(o *server.Options) { o.Now = clock.Now })
	old := h.tok
	expectStatus(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil), http.StatusOK)

	clock.Advance(86400*time.Second - time.Second) // exp is still ahead
	expectStatus(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil), http.StatusOK)

	clock.Advance(2 * time.Second) // now past exp
	expectInvalidToken(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil), "Expired token")
	expectInvalidToken(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients", map[string]any{"name": "late"}), "Expired token")

	// A token minted now, on the same clock, works again.
	h.tok = h.mintToken(h.base, h.srv.AdminClientID(), h.srv.AdminClientSecret(), h.mgmtAudience(h.base), "")
	if h.tok == old {
		t.Errorf("a token minted later is identical to the expired one")
	}
	expectStatus(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil), http.StatusOK)
}
