package server_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// fetchJWKS reads base/.well-known/jwks.json, checks its shape and parses it with go-jose.
func (h *harness) fetchJWKS(base string) jose.JSONWebKeySet {
	h.t.Helper()
	r := h.call(base, "", http.MethodGet, "/.well-known/jwks.json", nil)
	expectStatus(h.t, r, http.StatusOK)
	var raw struct {
		Keys []map[string]any `json:"keys"`
	}
	r.decode(h.t, &raw)
	if len(raw.Keys) == 0 {
		h.t.Fatalf("jwks without keys: %s", r.Body)
	}
	for _, k := range raw.Keys {
		if k["kty"] != "RSA" || k["use"] != "sig" || k["kid"] == "" || k["kid"] == nil || k["n"] == nil || k["e"] == nil {
			h.t.Errorf("jwks key %v: want kty RSA, use sig, kid, n, e", k)
		}
		// As the real service publishes them: alg, and the key's certificate (x5c) with its
		// SHA-1 thumbprint (x5t), no x5t#S256.
		if k["alg"] != "RS256" {
			h.t.Errorf("jwks key %v: alg %v, want RS256", k, k["alg"])
		}
		if _, ok := k["x5t#S256"]; ok {
			h.t.Errorf("jwks key %v carries x5t#S256", k)
		}
		checkX5C(h.t, k)
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi"} {
			if _, ok := k[private]; ok {
				h.t.Errorf("jwks key exposes private member %q", private)
			}
		}
	}
	var set jose.JSONWebKeySet
	r.decode(h.t, &set)
	for _, k := range set.Keys {
		if !k.IsPublic() || !k.Valid() {
			h.t.Errorf("jwks key %s: not a valid public key", k.KeyID)
		}
		if _, ok := k.Key.(*rsa.PublicKey); !ok {
			h.t.Errorf("jwks key %s: go-jose parsed %T, want *rsa.PublicKey", k.KeyID, k.Key)
		}
	}
	return set
}

// checkX5C checks a JWK's x5c (one self-signed certificate of the key's own public key, in
// standard base64 DER) and x5t (the base64url SHA-1 of that DER).
func checkX5C(t testing.TB, k map[string]any) {
	t.Helper()
	chain, _ := k["x5c"].([]any)
	if len(chain) != 1 {
		t.Fatalf("jwks key x5c = %v, want one certificate", k["x5c"])
	}
	der, err := base64.StdEncoding.DecodeString(chain[0].(string))
	if err != nil {
		t.Fatalf("x5c is not standard base64: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("x5c: %v", err)
	}
	if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
		t.Errorf("x5c certificate is not self-signed: %v", err)
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	n, _ := base64.RawURLEncoding.DecodeString(k["n"].(string))
	if !ok || !bytes.Equal(pub.N.Bytes(), n) {
		t.Errorf("x5c certificate holds another key")
	}
	sum := sha1.Sum(der)
	if k["x5t"] != base64.RawURLEncoding.EncodeToString(sum[:]) {
		t.Errorf("x5t = %v, want the base64url SHA-1 of the certificate", k["x5t"])
	}
}

// parsedToken is a verified access token.
type parsedToken struct {
	header jose.Header
	claims map[string]any
	std    jwt.Claims
}

// verifyWithJWKS verifies tok (alg must be exactly alg) against the key of base's JWKS named by kid.
func (h *harness) verifyWithJWKS(base, tok string, alg jose.SignatureAlgorithm) parsedToken {
	h.t.Helper()
	parsed, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{alg})
	if err != nil {
		h.t.Fatalf("parse %s token: %v", alg, err)
	}
	hdr := parsed.Headers[0]
	if hdr.Algorithm != string(alg) {
		h.t.Errorf("header alg = %q, want %q", hdr.Algorithm, alg)
	}
	if hdr.KeyID == "" {
		h.t.Fatalf("header without kid")
	}
	set := h.fetchJWKS(base)
	keys := set.Key(hdr.KeyID)
	if len(keys) != 1 {
		h.t.Fatalf("kid %q: %d keys in %s/.well-known/jwks.json, want 1", hdr.KeyID, len(keys), base)
	}
	var pt parsedToken
	pt.header = hdr
	if err := parsed.Claims(keys[0], &pt.claims, &pt.std); err != nil {
		h.t.Fatalf("verify %s token with the served JWKS: %v", alg, err)
	}
	checkTyp(h.t, hdr)
	return pt
}

// verifyHS256 verifies tok with an API's signing secret.
func verifyHS256(t testing.TB, tok, secret string) parsedToken {
	t.Helper()
	parsed, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.HS256})
	if err != nil {
		t.Fatalf("parse HS256 token: %v", err)
	}
	var pt parsedToken
	pt.header = parsed.Headers[0]
	if err := parsed.Claims([]byte(secret), &pt.claims, &pt.std); err != nil {
		t.Fatalf("verify HS256 token with the signing secret: %v", err)
	}
	checkTyp(t, pt.header)
	return pt
}

func checkTyp(t testing.TB, hdr jose.Header) {
	t.Helper()
	if typ := hdr.ExtraHeaders[jose.HeaderType]; typ != "JWT" {
		t.Errorf("header typ = %v, want JWT", typ)
	}
}

// checkClaims checks the registered and Auth0-style claims of an access token.
func checkClaims(t testing.TB, pt parsedToken, iss, clientID, aud string, scopes []string, lifetime int64, now time.Time) {
	t.Helper()
	c := pt.claims
	if c["iss"] != iss {
		t.Errorf("iss = %v, want %q", c["iss"], iss)
	}
	if c["sub"] != clientID+"@clients" {
		t.Errorf("sub = %v, want %q", c["sub"], clientID+"@clients")
	}
	if a, ok := c["aud"].(string); !ok || a != aud {
		t.Errorf("aud = %#v, want the string %q", c["aud"], aud)
	}
	if c["azp"] != clientID {
		t.Errorf("azp = %v, want %q", c["azp"], clientID)
	}
	if c["gty"] != "client-credentials" {
		t.Errorf("gty = %v, want client-credentials", c["gty"])
	}
	s, _ := c["scope"].(string)
	if !sameSet(scopeSet(s), scopes) {
		t.Errorf("scope = %v, want %v", c["scope"], scopes)
	}
	iat, ok1 := c["iat"].(float64)
	exp, ok2 := c["exp"].(float64)
	if !ok1 || !ok2 {
		t.Fatalf("iat/exp not numbers: %v / %v", c["iat"], c["exp"])
	}
	if int64(exp)-int64(iat) != lifetime {
		t.Errorf("exp - iat = %d, want %d", int64(exp)-int64(iat), lifetime)
	}
	if !now.IsZero() && int64(iat) != now.Unix() {
		t.Errorf("iat = %d, want the server clock %d", int64(iat), now.Unix())
	}
	if !now.IsZero() {
		err := pt.std.ValidateWithLeeway(jwt.Expected{Issuer: iss, Subject: clientID + "@clients", AnyAudience: jwt.Audience{aud}, Time: now}, 0)
		if err != nil {
			t.Errorf("go-jose claim validation: %v", err)
		}
	}
}

func TestJWKSAndOpenIDConfiguration(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	set := h.fetchJWKS(h.base)
	if len(set.Keys) != 1 {
		t.Errorf("root jwks has %d keys, want 1", len(set.Keys))
	}
	if k := set.Keys[0].Key.(*rsa.PublicKey); k.N.BitLen() != 2048 {
		t.Errorf("RSA key has %d bits, want 2048", k.N.BitLen())
	}

	r := h.call(h.base, "", http.MethodGet, "/.well-known/openid-configuration", nil)
	expectStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	var cfg struct {
		Issuer           string   `json:"issuer"`
		JWKSURI          string   `json:"jwks_uri"`
		TokenEndpoint    string   `json:"token_endpoint"`
		GrantTypes       []string `json:"grant_types_supported"`
		AuthMethods      []string `json:"token_endpoint_auth_methods_supported"`
		ResponseTypes    []string `json:"response_types_supported"`
		SubjectTypes     []string `json:"subject_types_supported"`
		IDTokenAlgValues []string `json:"id_token_signing_alg_values_supported"`
	}
	r.decode(t, &cfg)
	if cfg.Issuer != h.base+"/" || cfg.JWKSURI != h.base+"/.well-known/jwks.json" || cfg.TokenEndpoint != h.base+"/oauth/token" {
		t.Errorf("issuer/jwks_uri/token_endpoint = %q %q %q", cfg.Issuer, cfg.JWKSURI, cfg.TokenEndpoint)
	}
	if !slices.Equal(cfg.GrantTypes, []string{"client_credentials"}) ||
		!sameSet(cfg.AuthMethods, []string{"client_secret_post", "client_secret_basic"}) ||
		!slices.Equal(cfg.ResponseTypes, []string{"token"}) ||
		!slices.Equal(cfg.SubjectTypes, []string{"public"}) ||
		!sameSet(cfg.IDTokenAlgValues, []string{"RS256", "PS256", "HS256"}) {
		t.Errorf("openid-configuration arrays: %s", r.Body)
	}

	// The served jwks_uri is the key set the tokens verify against.
	expectStatus(t, h.call(cfg.JWKSURI, "", http.MethodGet, "", nil), http.StatusOK)
	// Neither document needs authentication, and both are read-only.
	expectStatus(t, h.call(h.base, "", http.MethodPost, "/.well-known/jwks.json", strings.NewReader("{}")), http.StatusMethodNotAllowed)
}

func TestAccessTokenRS256(t *testing.T) {
	t.Parallel()
	clock := newTestClock(time.Now().Truncate(time.Second))
	h := newHarness(t, func(o *server.Options) { o.Now = clock.Now })
	id := h.srv.AdminClientID()
	aud := h.mgmtAudience(h.base)

	pt := h.verifyWithJWKS(h.base, h.tok, jose.RS256)
	checkClaims(t, pt, h.base+"/", id, aud, managementScopes(true), 86400, clock.Now())

	// A user API with RS256 and its own lifetime.
	api := h.newAPI(h.base, h.tok, map[string]any{
		"signing_alg": "RS256", "token_lifetime": 600,
		"scopes": []map[string]any{{"value": "read:things", "description": "Read things"}, {"value": "write:things"}},
	})
	apiAud := strField(t, api, "identifier")
	cid, secret := h.newGrantedClient(h.base, h.tok, apiAud, []string{"read:things", "write:things"})
	tr := h.mintTokenResponse(h.base, cid, secret, apiAud, "write:things")
	if tr.ExpiresIn != 600 {
		t.Errorf("expires_in = %d, want the API's token_lifetime 600", tr.ExpiresIn)
	}
	pt = h.verifyWithJWKS(h.base, tr.AccessToken, jose.RS256)
	checkClaims(t, pt, h.base+"/", cid, apiAud, []string{"write:things"}, 600, clock.Now())
}

func TestAccessTokenPS256(t *testing.T) {
	t.Parallel()
	clock := newTestClock(time.Now().Truncate(time.Second))
	h := newHarness(t, func(o *server.Options) { o.Now = clock.Now })
	api := h.newAPI(h.base, h.tok, map[string]any{
		"signing_alg": "PS256", "token_lifetime": 3600,
		"scopes": []map[string]any{{"value": "read:things"}},
	})
	aud := strField(t, api, "identifier")
	id, secret := h.srv.AdminClientID(), h.srv.AdminClientSecret()
	h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": id, "audience": aud, "scope": []string{"read:things"}})
	tr := h.mintTokenResponse(h.base, id, secret, aud, "")
	if tr.ExpiresIn != 3600 || tr.Scope != "read:things" {
		t.Errorf("expires_in/scope = %d %q, want 3600 read:things", tr.ExpiresIn, tr.Scope)
	}
	pt := h.verifyWithJWKS(h.base, tr.AccessToken, jose.PS256)
	checkClaims(t, pt, h.base+"/", id, aud, []string{"read:things"}, 3600, clock.Now())
}

func TestAccessTokenHS256(t *testing.T) {
	t.Parallel()
	clock := newTestClock(time.Now().Truncate(time.Second))
	h := newHarness(t, func(o *server.Options) { o.Now = clock.Now })
	id, secret := h.srv.AdminClientID(), h.srv.AdminClientSecret()

	t.Run("generated secret", func(t *testing.T) {
		h := h.with(t)
		api := h.newAPI(h.base, h.tok, map[string]any{"signing_alg": "HS256", "scopes": []map[string]any{{"value": "a:b"}}})
		signing := strField(t, api, "signing_secret")
		if len(signing) < 32 {
			t.Errorf("generated signing_secret %q shorter than 32", signing)
		}
		aud := strField(t, api, "identifier")
		h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": id, "audience": aud, "scope": []string{"a:b"}})
		tok := h.mintToken(h.base, id, secret, aud, "")
		pt := verifyHS256(t, tok, signing)
		if pt.header.Algorithm != "HS256" {
			t.Errorf("alg = %q", pt.header.Algorithm)
		}
		checkClaims(t, pt, h.base+"/", id, aud, []string{"a:b"}, 86400, clock.Now())
	})
	t.Run("chosen secret", func(t *testing.T) {
		h := h.with(t)
		const signing = "0123456789abcdefghijklmnopqrstuvwxyzABCD"
		api := h.newAPI(h.base, h.tok, map[string]any{"signing_alg": "HS256", "signing_secret": signing, "token_lifetime": 120})
		if got := strField(t, api, "signing_secret"); got != signing {
			t.Errorf("signing_secret = %q, want the chosen one", got)
		}
		aud := strField(t, api, "identifier")
		h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": id, "audience": aud, "scope": []string{}})
		tr := h.mintTokenResponse(h.base, id, secret, aud, "")
		pt := verifyHS256(t, tr.AccessToken, signing)
		checkClaims(t, pt, h.base+"/", id, aud, nil, 120, clock.Now())

		// After a PATCH of the secret, new tokens use the new one.
		const rotated = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxw"
		r := h.call(h.base, h.tok, http.MethodPatch, "/api/v2/resource-servers/"+strField(t, api, "id"), map[string]any{"signing_secret": rotated})
		expectStatus(t, r, http.StatusOK)
		verifyHS256(t, h.mintToken(h.base, id, secret, aud, ""), rotated)
	})
}

// forgeToken builds a compact JWS by hand, for algorithms no library will produce.
func forgeToken(header map[string]any, payload []byte, sig []byte) string {
	hb, _ := json.Marshal(header)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(hb) + "." + enc.EncodeToString(payload) + "." + enc.EncodeToString(sig)
}

// tokenParts returns the header and raw payload of a compact JWS without verifying it.
func tokenParts(t testing.TB, tok string) (header map[string]any, payload []byte) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q: want 3 parts", tok)
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(hb, &header); err != nil {
		t.Fatal(err)
	}
	payload, err = base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return header, payload
}

// expectInvalidToken requires 401 invalid_token with WWW-Authenticate: Bearer.
func expectInvalidToken(t testing.TB, r *response, message string) {
	t.Helper()
	e := expectAPIError(t, r, http.StatusUnauthorized, "invalid_token")
	if message != "" && e.Message != message {
		t.Errorf("message = %q, want %q", e.Message, message)
	}
	if wa := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(wa, "Bearer") {
		t.Errorf("WWW-Authenticate = %q, want Bearer…", wa)
	}
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
