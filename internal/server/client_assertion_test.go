package server_test

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/lestrrat-go/jwx/v2/jwa"
	jwxjwk "github.com/lestrrat-go/jwx/v2/jwk"
	jwxjwt "github.com/lestrrat-go/jwx/v2/jwt"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

const jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// signAssertion signs claims with key; a kid names the key in the header.
func signAssertion(t testing.TB, key any, alg jose.SignatureAlgorithm, kid string, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// pkjwt is a client set to private_key_jwt with one credential, granted read:clients on its
// tenant's Management API.
type pkjwt struct {
	h        *harness
	base     string
	clientID string
	secret   string // the one it had before private_key_jwt, which Auth0 keeps
	credID   string
	kid      string
	key      *rsa.PrivateKey
	alg      jose.SignatureAlgorithm
	clock    *testClock
}

func expectRefused(t testing.TB, what string, r *response, status int, code string) {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if r.Status != status || json.Unmarshal(r.Body, &e) != nil || e.Error != code {
		t.Errorf("%s: want %d %s, got %s", what, status, code, r)
	}
}

func newPKJWT(t testing.TB, h *harness, clock *testClock, base, tok string, key *rsa.PrivateKey, cred map[string]any) *pkjwt {
	t.Helper()
	clientID, c := h.newClientWithCredential(base, tok, key, cred)
	secret := h.mustGet(base, tok, "/api/v2/clients/"+clientID)["client_secret"].(string)
	r := h.call(base, tok, http.MethodPatch, "/api/v2/clients/"+clientID, map[string]any{
		"client_authentication_methods": map[string]any{"private_key_jwt": map[string]any{"credentials": []any{map[string]any{"id": c["id"]}}}},
	})
	expectStatus(t, r, http.StatusOK)
	h.mustCreate(base, tok, "/api/v2/client-grants", map[string]any{"client_id": clientID, "audience": h.mgmtAudience(base), "scope": []string{"read:clients"}})
	return &pkjwt{h: h, base: base, clientID: clientID, secret: secret, credID: c["id"].(string), kid: c["kid"].(string), key: key,
		alg: jose.SignatureAlgorithm(c["alg"].(string)), clock: clock}
}

// claims are a valid assertion's: a minute's lifetime and a fresh jti.
func (p *pkjwt) claims() map[string]any {
	now := p.clock.Now().Unix()
	return map[string]any{"iss": p.clientID, "sub": p.clientID, "aud": p.base + "/", "iat": now, "exp": now + 60, "jti": unique("jti-")}
}

func (p *pkjwt) sign(t testing.TB, change func(claims map[string]any)) string {
	c := p.claims()
	if change != nil {
		change(c)
	}
	return signAssertion(t, p.key, p.alg, p.kid, c)
}

func (p *pkjwt) request(assertion string, extra url.Values) *response {
	v := url.Values{"grant_type": {"client_credentials"}, "audience": {p.h.mgmtAudience(p.base)},
		"client_assertion_type": {jwtBearer}, "client_assertion": {assertion}}
	for k, vs := range extra {
		v[k] = vs
	}
	return p.h.tokenForm(p.base, v)
}

// A private_key_jwt client gets a token with an assertion signed by an enabled credential, in
// a form or a JSON body, with or without kid and client_id, for each of the credentials'
// algorithms, in the root and a hosted tenant.
func TestClientAssertionAccepted(t *testing.T) {
	t.Parallel()
	clock := newTestClock(time.Now().Truncate(time.Second))
	h := newHarness(t, func(o *server.Options) { o.Now = clock.Now })
	te := h.newTenant(unique("pkjwt-"))
	for _, env := range []struct{ base, tok string }{{h.base, h.tok}, {te.base, te.tok}} {
		for i, alg := range []string{"RS256", "RS384", "PS256"} {
			p := newPKJWT(t, h, clock, env.base, env.tok, rsaKey(i), map[string]any{"alg": alg})
			r := p.request(p.sign(t, nil), nil)
			tr := expectTokenOK(t, r, []string{"read:clients"}, 86400)
			pt := h.verifyWithJWKS(env.base, tr.AccessToken, jose.RS256)
			if pt.std.Subject != p.clientID+"@clients" || pt.claims["azp"] != p.clientID {
				t.Errorf("%s: token sub %q azp %v", alg, pt.std.Subject, pt.claims["azp"])
			}
			p.kid = ""
			expectTokenOK(t, p.request(p.sign(t, nil), url.Values{"client_id": {p.clientID}}), []string{"read:clients"}, 86400)
			body, _ := json.Marshal(map[string]string{"grant_type": "client_credentials", "audience": h.mgmtAudience(env.base),
				"client_assertion_type": jwtBearer, "client_assertion": p.sign(t, func(c map[string]any) { c["aud"] = []string{"https://other.example/", env.base + "/"} })})
			expectTokenOK(t, h.postToken(env.base, "application/json", string(body), nil), []string{"read:clients"}, 86400)
		}
	}
}

// One check with a JOSE library nobody here wrote: lestrrat-go/jwx builds and signs the
// assertion.
func TestClientAssertionFromJWX(t *testing.T) {
	t.Parallel()
	clock := newTestClock(time.Now().Truncate(time.Second))
	h := newHarness(t, func(o *server.Options) { o.Now = clock.Now })
	p := newPKJWT(t, h, clock, h.base, h.tok, rsaKey(1), map[string]any{"alg": "PS256"})
	tok, err := jwxjwt.NewBuilder().Issuer(p.clientID).Subject(p.clientID).Audience([]string{h.base + "/"}).
		IssuedAt(clock.Now()).Expiration(clock.Now().Add(time.Minute)).JwtID(unique("jwx-")).Build()
	if err != nil {
		t.Fatal(err)
	}
	key, err := jwxjwk.FromRaw(p.key)
	if err != nil {
		t.Fatal(err)
	}
	if err := key.Set(jwxjwk.KeyIDKey, p.kid); err != nil {
		t.Fatal(err)
	}
	signed, err := jwxjwt.Sign(tok, jwxjwt.WithKey(jwa.PS256, key))
	if err != nil {
		t.Fatal(err)
	}
	expectTokenOK(t, p.request(string(signed), nil), []string{"read:clients"}, 86400)
}

// Every assertion Auth0 refuses is refused with 401 invalid_client; a request mixing methods
// or naming another assertion type is a 400 invalid_request; a private_key_jwt client's
// secret opens nothing.
func TestClientAssertionRefused(t *testing.T) {
	t.Parallel()
	clock := newTestClock(time.Now().Truncate(time.Second))
	h := newHarness(t, func(o *server.Options) { o.Now = clock.Now })
	expires := clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	p := newPKJWT(t, h, clock, h.base, h.tok, rsaKey(0), map[string]any{"expires_at": expires})
	secretClient := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "secret"})
	// A second credential of the client, created but not enabled.
	idle := h.mustCreate(h.base, h.tok, "/api/v2/clients/"+p.clientID+"/credentials",
		map[string]any{"credential_type": "public_key", "pem": spkiPEM(t, &rsaKey(1).PublicKey)})
	te := h.newTenant(unique("other-"))

	noneToken := func() string {
		enc := base64.RawURLEncoding.EncodeToString
		payload, _ := json.Marshal(p.claims())
		return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc(payload) + "."
	}
	unauthorized := []struct {
		name      string
		assertion func() string
		extra     url.Values
	}{
		{"expired", func() string {
			return p.sign(t, func(c map[string]any) {
				c["iat"], c["exp"] = clock.Now().Add(-2*time.Minute).Unix(), clock.Now().Add(-time.Second).Unix()
			})
		}, nil},
		{"exp too far", func() string {
			return p.sign(t, func(c map[string]any) { c["exp"] = clock.Now().Add(6 * time.Minute).Unix(); delete(c, "iat") })
		}, nil},
		{"lifetime over 5 minutes", func() string {
			return p.sign(t, func(c map[string]any) { c["iat"] = clock.Now().Add(-5 * time.Minute).Unix() })
		}, nil},
		{"iat in the future", func() string {
			return p.sign(t, func(c map[string]any) { c["iat"] = clock.Now().Add(30 * time.Second).Unix() })
		}, nil},
		{"nbf in the future", func() string {
			return p.sign(t, func(c map[string]any) { c["nbf"] = clock.Now().Add(30 * time.Second).Unix() })
		}, nil},
		{"no exp", func() string { return p.sign(t, func(c map[string]any) { delete(c, "exp") }) }, nil},
		{"no jti", func() string { return p.sign(t, func(c map[string]any) { delete(c, "jti") }) }, nil},
		{"jti over 64", func() string { return p.sign(t, func(c map[string]any) { c["jti"] = strings.Repeat("j", 65) }) }, nil},
		{"aud the token endpoint", func() string { return p.sign(t, func(c map[string]any) { c["aud"] = h.base + "/oauth/token" }) }, nil},
		{"aud another tenant", func() string { return p.sign(t, func(c map[string]any) { c["aud"] = te.base + "/" }) }, nil},
		{"iss not the client", func() string { return p.sign(t, func(c map[string]any) { c["iss"] = "someone" }) }, nil},
		{"sub an unknown client", func() string {
			return p.sign(t, func(c map[string]any) { c["iss"], c["sub"] = "unknown", "unknown" })
		}, nil},
		{"client_id not the sub", func() string { return p.sign(t, nil) }, url.Values{"client_id": {secretClient["client_id"].(string)}}},
		{"an unknown kid", func() string { return signAssertion(t, p.key, jose.RS256, "unknown-kid-0", p.claims()) }, nil},
		{"a credential not enabled", func() string { return signAssertion(t, rsaKey(1), jose.RS256, idle["kid"].(string), p.claims()) }, nil},
		{"another key under the kid", func() string { return signAssertion(t, rsaKey(2), jose.RS256, p.kid, p.claims()) }, nil},
		{"another key without kid", func() string { return signAssertion(t, rsaKey(2), jose.RS256, "", p.claims()) }, nil},
		{"PS256 for an RS256 credential", func() string { return signAssertion(t, p.key, jose.PS256, p.kid, p.claims()) }, nil},
		{"alg none", noneToken, nil},
		{"HS256", func() string { return signAssertion(t, []byte(strings.Repeat("k", 32)), jose.HS256, p.kid, p.claims()) }, nil},
		{"not a JWT", func() string { return "not.a.jwt" }, nil},
		{"for a secret client", func() string {
			c := p.claims()
			c["iss"], c["sub"] = secretClient["client_id"], secretClient["client_id"]
			return signAssertion(t, p.key, jose.RS256, p.kid, c)
		}, nil},
	}
	for _, tc := range unauthorized {
		expectRefused(t, tc.name, p.request(tc.assertion(), tc.extra), http.StatusUnauthorized, "invalid_client")
	}

	// At the other tenant, the client does not exist.
	other := *p
	other.base = te.base
	expectRefused(t, "another tenant", other.request(p.sign(t, func(c map[string]any) { c["aud"] = te.base + "/" }), nil),
		http.StatusUnauthorized, "invalid_client")

	// A replayed jti is refused, also in an assertion of its own once the first has expired.
	first := p.claims()
	a := signAssertion(t, p.key, p.alg, p.kid, first)
	expectTokenOK(t, p.request(a, nil), []string{"read:clients"}, 86400)
	expectRefused(t, "replayed", p.request(a, nil), http.StatusUnauthorized, "invalid_client")
	clock.Advance(30 * time.Second)
	expectRefused(t, "a used jti", p.request(p.sign(t, func(c map[string]any) { c["jti"] = first["jti"] }), nil),
		http.StatusUnauthorized, "invalid_client")

	for name, extra := range map[string]url.Values{
		"with a secret":      {"client_secret": {"x"}},
		"another type":       {"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:saml2-bearer"}},
		"an empty assertion": {"client_assertion": {""}},
	} {
		expectRefused(t, name, p.request(p.sign(t, nil), extra), http.StatusBadRequest, "invalid_request")
	}
	r := p.h.postToken(p.base, "application/x-www-form-urlencoded", url.Values{"grant_type": {"client_credentials"}, "audience": {h.mgmtAudience(h.base)},
		"client_assertion_type": {jwtBearer}, "client_assertion": {p.sign(t, nil)}}.Encode(), basic(p.clientID, "x"))
	expectRefused(t, "with Basic", r, http.StatusBadRequest, "invalid_request")

	// The client's secret, which Auth0 hides but keeps, opens nothing.
	expectRefused(t, "the secret", h.tokenJSON(h.base, credentials(p.clientID, p.secret, h.mgmtAudience(h.base), "")), http.StatusUnauthorized, "access_denied")

	// Once the credential expires, its assertions are refused.
	expectTokenOK(t, p.request(p.sign(t, nil), nil), []string{"read:clients"}, 86400)
	clock.Advance(time.Hour)
	expectRefused(t, "an expired credential", p.request(p.sign(t, nil), nil), http.StatusUnauthorized, "invalid_client")
}

// Failed assertions slow down like failed secrets, per client id and address; a success
// clears the count.
func TestClientAssertionFailuresSlowDown(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var delays []time.Duration
	take := func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		d := delays
		delays = nil
		return d
	}
	clock := newTestClock(time.Now().Truncate(time.Second))
	h := newHarness(t, func(o *server.Options) {
		o.Now = clock.Now
		o.FailedLoginDelay = time.Second
		o.Sleep = func(_ context.Context, d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			delays = append(delays, d)
		}
	})
	p := newPKJWT(t, h, clock, h.base, h.tok, rsaKey(0), nil)
	take()
	bad := func() string { return signAssertion(t, rsaKey(2), jose.RS256, p.kid, p.claims()) }
	for range 3 {
		expectRefused(t, "bad signature", p.request(bad(), nil), http.StatusUnauthorized, "invalid_client")
	}
	expectRefused(t, "not a JWT", p.request("x.y.z", url.Values{"client_id": {p.clientID}}), http.StatusUnauthorized, "invalid_client")
	if got := take(); !slices.Equal(got, []time.Duration{125 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond, time.Second}) {
		t.Errorf("delays %v", got)
	}
	expectTokenOK(t, p.request(p.sign(t, nil), nil), []string{"read:clients"}, 86400)
	expectRefused(t, "bad signature after a success", p.request(bad(), nil), http.StatusUnauthorized, "invalid_client")
	if got := take(); !slices.Equal(got, []time.Duration{125 * time.Millisecond}) {
		t.Errorf("delays after a success %v", got)
	}
}
