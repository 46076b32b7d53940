package server_test

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

func TestTokenSuccess(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id, secret := h.srv.AdminClientID(), h.srv.AdminClientSecret()
	aud := h.mgmtAudience(h.base)
	all := managementScopes(true)

	if !reClientID.MatchString(id) {
		t.Errorf("generated admin client id %q is not 32 alphanumerics", id)
	}
	if !reClientSecret.MatchString(secret) {
		t.Errorf("generated admin client secret %q is not 64 chars of [A-Za-z0-9_-]", secret)
	}

	// usable checks that the token opens the Management API.
	usable := func(t *testing.T, tok string) {
		t.Helper()
		expectStatus(t, h.with(t).call(h.base, tok, http.MethodGet, "/api/v2/clients", nil), http.StatusOK)
	}

	t.Run("json body, absent scope is every granted scope", func(t *testing.T) {
		t.Parallel()
		tr := expectTokenOK(t, h.with(t).tokenJSON(h.base, credentials(id, secret, aud, "")), all, 86400)
		usable(t, tr.AccessToken)
	})
	t.Run("json body with charset", func(t *testing.T) {
		t.Parallel()
		body := fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q,"audience":%q}`, id, secret, aud)
		r := h.with(t).postToken(h.base, "application/json; charset=utf-8", body, nil)
		expectTokenOK(t, r, all, 86400)
	})
	t.Run("form body", func(t *testing.T) {
		t.Parallel()
		v := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "audience": {aud}}
		tr := expectTokenOK(t, h.with(t).tokenForm(h.base, v), all, 86400)
		usable(t, tr.AccessToken)
	})
	t.Run("form body with scope", func(t *testing.T) {
		t.Parallel()
		v := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret},
			"audience": {aud}, "scope": {"read:clients read:tenants"}}
		expectTokenOK(t, h.with(t).tokenForm(h.base, v), []string{"read:clients", "read:tenants"}, 86400)
	})
	t.Run("basic auth", func(t *testing.T) {
		t.Parallel()
		hdr := http.Header{}
		req, _ := http.NewRequest(http.MethodPost, "/", nil)
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
		hdr.Set("Authorization", req.Header.Get("Authorization"))
		v := url.Values{"grant_type": {"client_credentials"}, "audience": {aud}}
		tr := expectTokenOK(t, h.with(t).postToken(h.base, "application/x-www-form-urlencoded", v.Encode(), hdr), all, 86400)
		usable(t, tr.AccessToken)
	})
	t.Run("basic auth and agreeing body credentials", func(t *testing.T) {
		t.Parallel()
		hdr := http.Header{}
		req, _ := http.NewRequest(http.MethodPost, "/", nil)
		req.SetBasicAuth(id, secret)
		hdr.Set("Authorization", req.Header.Get("Authorization"))
		v := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "audience": {aud}}
		expectTokenOK(t, h.with(t).postToken(h.base, "application/x-www-form-urlencoded", v.Encode(), hdr), all, 86400)
	})
	t.Run("narrowed scope", func(t *testing.T) {
		t.Parallel()
		want := []string{"read:clients", "create:clients", "read:client_keys"}
		tr := expectTokenOK(t, h.with(t).tokenJSON(h.base, credentials(id, secret, aud, scopeString(want))), want, 86400)
		usable(t, tr.AccessToken)
	})
	t.Run("narrowed scope with extra spaces", func(t *testing.T) {
		t.Parallel()
		expectTokenOK(t, h.with(t).tokenJSON(h.base, credentials(id, secret, aud, " read:clients  update:clients ")),
			[]string{"read:clients", "update:clients"}, 86400)
	})
}

// TestTokenClientAuthEncoding uses an admin secret full of characters that HTTP Basic
// credentials must carry URL-encoded (RFC 6749 §2.3.1).
func TestTokenClientAuthEncoding(t *testing.T) {
	t.Parallel()
	const id = "RootAdminClient00000000000000001"
	const secret = "a+b%/:c d&e=f?g#h;i@j-0123456789-0123456789"
	h := newHarness(t, func(o *server.Options) {
		o.AdminClientID = id
		o.AdminClientSecret = secret
	})
	if h.srv.AdminClientID() != id || h.srv.AdminClientSecret() != secret {
		t.Fatalf("AdminClientID/Secret = %q/%q, want the configured %q/%q", h.srv.AdminClientID(), h.srv.AdminClientSecret(), id, secret)
	}
	aud := h.mgmtAudience(h.base)
	all := managementScopes(true)
	basic := func(user, pass string) http.Header {
		req, _ := http.NewRequest(http.MethodPost, "/", nil)
		req.SetBasicAuth(user, pass)
		return http.Header{"Authorization": {req.Header.Get("Authorization")}}
	}
	// percentAll escapes every byte, even those that need no escaping.
	percentAll := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			fmt.Fprintf(&b, "%%%02X", s[i])
		}
		return b.String()
	}
	form := url.Values{"grant_type": {"client_credentials"}, "audience": {aud}}.Encode()

	t.Run("json body", func(t *testing.T) {
		t.Parallel()
		expectTokenOK(t, h.with(t).tokenJSON(h.base, credentials(id, secret, aud, "")), all, 86400)
	})
	t.Run("form body", func(t *testing.T) {
		t.Parallel()
		v := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "audience": {aud}}
		expectTokenOK(t, h.with(t).tokenForm(h.base, v), all, 86400)
	})
	t.Run("basic, query-escaped", func(t *testing.T) {
		t.Parallel()
		r := h.with(t).postToken(h.base, "application/x-www-form-urlencoded", form, basic(url.QueryEscape(id), url.QueryEscape(secret)))
		expectTokenOK(t, r, all, 86400)
	})
	t.Run("basic, every byte percent-escaped", func(t *testing.T) {
		t.Parallel()
		r := h.with(t).postToken(h.base, "application/x-www-form-urlencoded", form, basic(percentAll(id), percentAll(secret)))
		expectTokenOK(t, r, all, 86400)
	})
	t.Run("basic with json body", func(t *testing.T) {
		t.Parallel()
		body := fmt.Sprintf(`{"grant_type":"client_credentials","audience":%q}`, aud)
		r := h.with(t).postToken(h.base, "application/json", body, basic(url.QueryEscape(id), url.QueryEscape(secret)))
		expectTokenOK(t, r, all, 86400)
	})
	t.Run("basic, wrong secret", func(t *testing.T) {
		t.Parallel()
		r := h.with(t).postToken(h.base, "application/x-www-form-urlencoded", form, basic(url.QueryEscape(id), url.QueryEscape(secret+"x")))
		e := expectOAuthError(t, r, http.StatusUnauthorized, "access_denied")
		if e.Description != "Unauthorized" {
			t.Errorf("error_description = %q, want Unauthorized", e.Description)
		}
	})
	t.Run("basic and body disagreeing", func(t *testing.T) {
		t.Parallel()
		other := h.with(t).mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "other"})
		v := url.Values{"grant_type": {"client_credentials"}, "audience": {aud},
			"client_id": {strField(t, other, "client_id")}, "client_secret": {strField(t, other, "client_secret")}}
		r := h.with(t).postToken(h.base, "application/x-www-form-urlencoded", v.Encode(), basic(url.QueryEscape(id), url.QueryEscape(secret)))
		expectOAuthError(t, r, http.StatusBadRequest, "invalid_request")
	})
}

func TestTokenErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id, secret := h.srv.AdminClientID(), h.srv.AdminClientSecret()
	aud := h.mgmtAudience(h.base)

	// A client with no grant at all, one granted only read:clients, and one that may not
	// use client_credentials.
	lone := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "lonely"})
	loneID, loneSecret := strField(t, lone, "client_id"), strField(t, lone, "client_secret")
	narrowID, narrowSecret := h.newGrantedClient(h.base, h.tok, aud, []string{"read:clients"})
	web := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{
		"name": "web app", "app_type": "regular_web", "grant_types": []string{"authorization_code"},
	})
	webID, webSecret := strField(t, web, "client_id"), strField(t, web, "client_secret")
	h.mustCreate(h.base, h.tok, "/api/v2/client-grants", map[string]any{"client_id": webID, "audience": aud, "scope": []string{"read:clients"}})

	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		code        string
		description string // exact, when not empty
	}{
		{name: "wrong secret", body: jsonOf(credentials(id, secret+"x", aud, "")),
			status: 401, code: "access_denied", description: "Unauthorized"},
		{name: "empty secret", body: jsonOf(credentials(id, "", aud, "")),
			status: 401, code: "access_denied", description: "Unauthorized"},
		{name: "unknown client", body: jsonOf(credentials("NoSuchClient000000000000000000000", secret, aud, "")),
			status: 401, code: "access_denied", description: "Unauthorized"},
		{name: "unknown audience", body: jsonOf(credentials(id, secret, "https://nope.example.com/", "")),
			status: 403, code: "access_denied", description: "Service not found: https://nope.example.com/"},
		{name: "no grant", body: jsonOf(credentials(loneID, loneSecret, aud, "")),
			status: 403, code: "access_denied",
			description: `Client is not authorized to access "` + aud + `". You need to create a "client-grant" associated to this API.`},
		{name: "ungranted scope", body: jsonOf(credentials(narrowID, narrowSecret, aud, "read:clients create:clients")),
			status: 403, code: "access_denied", description: "Client has not been granted scopes: create:clients"},
		{name: "scope the API does not define", body: jsonOf(credentials(id, secret, aud, "read:clients frobnicate:things")),
			status: 403, code: "access_denied", description: "Client has not been granted scopes: frobnicate:things"},
		{name: "client without client_credentials", body: jsonOf(credentials(webID, webSecret, aud, "")),
			status: 403, code: "unauthorized_client"},
		{name: "password grant", body: jsonOf(map[string]string{"grant_type": "password", "client_id": id, "client_secret": secret, "audience": aud, "username": "u", "password": "p"}),
			status: 400, code: "unsupported_grant_type"},
		{name: "authorization_code grant", body: jsonOf(map[string]string{"grant_type": "authorization_code", "client_id": id, "client_secret": secret, "audience": aud, "code": "x"}),
			status: 400, code: "unsupported_grant_type"},
		{name: "unparsable json", body: `{"grant_type":`, status: 400, code: "invalid_request"},
		{name: "json array", body: `[]`, status: 400, code: "invalid_request"},
		{name: "missing grant_type", body: jsonOf(map[string]string{"client_id": id, "client_secret": secret, "audience": aud}),
			status: 400, code: "invalid_request"},
		{name: "missing client_id", body: jsonOf(map[string]string{"grant_type": "client_credentials", "client_secret": secret, "audience": aud}),
			status: 400, code: "invalid_request"},
		{name: "missing audience", body: jsonOf(map[string]string{"grant_type": "client_credentials", "client_id": id, "client_secret": secret}),
			status: 403, code: "access_denied", description: noDefaultAudience},
		{name: "unparsable form", contentType: "application/x-www-form-urlencoded", body: "grant_type=client_credentials&client_id=%zz",
			status: 400, code: "invalid_request"},
		{name: "form missing audience", contentType: "application/x-www-form-urlencoded",
			body:   url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}.Encode(),
			status: 403, code: "access_denied", description: noDefaultAudience},
		// Invalid UTF-8 is refused before encoding/json or the form decoder can
		// replace it, whether raw or percent-encoded in a form.
		{name: "json not utf-8", body: "{\"grant_type\":\"client_credentials\",\"client_id\":\"" + id + "\xff\",\"client_secret\":\"" + secret + "\",\"audience\":\"" + aud + "\"}",
			status: 400, code: "invalid_request", description: "The request body is not valid UTF-8"},
		{name: "form not utf-8", contentType: "application/x-www-form-urlencoded",
			body:   "grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret + "\xfe&audience=" + url.QueryEscape(aud),
			status: 400, code: "invalid_request", description: "The request body is not valid UTF-8"},
		{name: "form percent-encoded not utf-8", contentType: "application/x-www-form-urlencoded",
			body:   url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "audience": {aud}, "scope": {"read:clients\xff"}}.Encode(),
			status: 400, code: "invalid_request", description: "The request body is not valid UTF-8"},
		{name: "form percent-encoded not utf-8 in a name", contentType: "application/x-www-form-urlencoded",
			body:   url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "audience": {aud}, "x\xc0": {"1"}}.Encode(),
			status: 400, code: "invalid_request", description: "The request body is not valid UTF-8"},
		{name: "form unsupported grant", contentType: "application/x-www-form-urlencoded",
			body:   url.Values{"grant_type": {"refresh_token"}, "client_id": {id}, "client_secret": {secret}, "audience": {aud}}.Encode(),
			status: 400, code: "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ct := tt.contentType
			if ct == "" {
				ct = "application/json"
			}
			r := h.with(t).postToken(h.base, ct, tt.body, nil)
			e := expectOAuthError(t, r, tt.status, tt.code)
			if tt.description != "" && e.Description != tt.description {
				t.Errorf("error_description = %q, want %q", e.Description, tt.description)
			}
			if e.Description == "" {
				t.Errorf("empty error_description in %s", r.Body)
			}
		})
	}

	t.Run("GET is not allowed", func(t *testing.T) {
		t.Parallel()
		r := h.with(t).call(h.base, "", http.MethodGet, "/oauth/token", nil)
		expectStatus(t, r, http.StatusMethodNotAllowed)
	})
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
		AuthAlgValues    []string `json:"token_endpoint_auth_signing_alg_values_supported"`
	}
	r.decode(t, &cfg)
	if cfg.Issuer != h.base+"/" || cfg.JWKSURI != h.base+"/.well-known/jwks.json" || cfg.TokenEndpoint != h.base+"/oauth/token" {
		t.Errorf("issuer/jwks_uri/token_endpoint = %q %q %q", cfg.Issuer, cfg.JWKSURI, cfg.TokenEndpoint)
	}
	if !slices.Equal(cfg.GrantTypes, []string{"client_credentials"}) ||
		!sameSet(cfg.AuthMethods, []string{"client_secret_post", "client_secret_basic", "private_key_jwt"}) ||
		!sameSet(cfg.AuthAlgValues, []string{"RS256", "RS384", "PS256"}) ||
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

// An API's token_dialect picks its tokens' profile (Auth0's "Access Token
// Profiles"): the RFC 9068 profile's tokens have typ at+jwt, client_id for
// azp, a jti and no gty; the Auth0 profile's are as before. Neither _authz
// dialect adds a permissions claim to a client-credentials token.
func TestAccessTokenDialects(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	api := h.newAPI(h.base, h.tok, map[string]any{
		"signing_alg": "RS256", "token_dialect": "rfc9068_profile",
		"scopes": []map[string]any{{"value": "read:things"}},
	})
	aud, apiID := strField(t, api, "identifier"), strField(t, api, "id")
	cid, secret := h.newGrantedClient(h.base, h.tok, aud, []string{"read:things"})
	keys := h.fetchJWKS(h.base)
	token := func(dialect string) (string, map[string]any) {
		t.Helper()
		expectStatus(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/resource-servers/"+apiID,
			map[string]any{"token_dialect": dialect}), http.StatusOK)
		parsed, err := jwt.ParseSigned(h.mintToken(h.base, cid, secret, aud, ""), []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			t.Fatalf("%s: parse: %v", dialect, err)
		}
		hdr := parsed.Headers[0]
		claims := map[string]any{}
		found := keys.Key(hdr.KeyID)
		if len(found) != 1 {
			t.Fatalf("%s: kid %q not in the JWKS", dialect, hdr.KeyID)
		}
		if err := parsed.Claims(found[0], &claims); err != nil {
			t.Fatalf("%s: verify: %v", dialect, err)
		}
		typ, _ := hdr.ExtraHeaders[jose.HeaderType].(string)
		return typ, claims
	}
	for _, dialect := range []string{"rfc9068_profile", "rfc9068_profile_authz"} {
		typ, c := token(dialect)
		if typ != "at+jwt" || c["client_id"] != cid || c["sub"] != cid+"@clients" || c["aud"] != aud ||
			c["scope"] != "read:things" || c["jti"] == nil || c["azp"] != nil || c["gty"] != nil || c["permissions"] != nil {
			t.Errorf("%s: typ %q, claims %v; want at+jwt with client_id, sub, aud, scope and jti, and no azp, gty or permissions",
				dialect, typ, c)
		}
	}
	for _, dialect := range []string{"access_token", "access_token_authz"} {
		typ, c := token(dialect)
		if typ != "JWT" || c["azp"] != cid || c["gty"] != "client-credentials" || c["client_id"] != nil || c["permissions"] != nil {
			t.Errorf("%s: typ %q, claims %v; want JWT with azp and gty, and no client_id or permissions", dialect, typ, c)
		}
	}
}

// Auth0's answer to a token request without an audience in a tenant
// without a default audience (seen in the field; the spec is silent).
const noDefaultAudience = "No audience parameter was provided, and no default audience has been configured"

// A token request without an audience gets a token for the tenant's
// default audience (its settings' default_audience) once one is set.
func TestTokenDefaultAudience(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	api := h.newAPI(h.base, h.tok, map[string]any{"scopes": []map[string]any{{"value": "read:things"}}})
	aud := strField(t, api, "identifier")
	cid, secret := h.newGrantedClient(h.base, h.tok, aud, []string{"read:things"})
	noAudience := map[string]string{"grant_type": "client_credentials", "client_id": cid, "client_secret": secret}
	expectOAuthError(t, h.tokenJSON(h.base, noAudience), http.StatusForbidden, "access_denied")

	expectStatus(t, h.call(h.base, h.tok, http.MethodPatch, "/api/v2/tenants/settings", map[string]any{"default_audience": aud}), http.StatusOK)
	tr := expectTokenOK(t, h.tokenJSON(h.base, noAudience), []string{"read:things"}, 86400)
	pt := h.verifyWithJWKS(h.base, tr.AccessToken, jose.RS256)
	checkClaims(t, pt, h.base+"/", cid, aud, []string{"read:things"}, 86400, time.Time{})
}
