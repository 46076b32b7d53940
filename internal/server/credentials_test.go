package server_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// testRSAKeys are generated once per test binary: RSA generation is slow under -race.
var testRSAKeys = sync.OnceValue(func() []*rsa.PrivateKey {
	keys := make([]*rsa.PrivateKey, 3)
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[i] = k
	}
	return keys
})

func rsaKey(i int) *rsa.PrivateKey { return testRSAKeys()[i] }

func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func spkiPEM(t testing.TB, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pemOf("PUBLIC KEY", der)
}

func certPEM(t testing.TB, key *rsa.PrivateKey, notAfter time.Time) string {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "client"},
		NotBefore: notAfter.Add(-48 * time.Hour), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pemOf("CERTIFICATE", der)
}

// newClientWithCredential creates a client and one credential of key on it, not yet enabled.
func (h *harness) newClientWithCredential(base, tok string, key *rsa.PrivateKey, cred map[string]any) (clientID string, credential map[string]any) {
	h.t.Helper()
	c := h.mustCreate(base, tok, "/api/v2/clients", map[string]any{"name": unique("pkjwt ")})
	clientID = c["client_id"].(string)
	body := map[string]any{"credential_type": "public_key", "pem": spkiPEM(h.t, &key.PublicKey)}
	for k, v := range cred {
		body[k] = v
	}
	return clientID, h.mustCreate(base, tok, "/api/v2/clients/"+clientID+"/credentials", body)
}

func expectNoKeyMaterial(t testing.TB, r *response) {
	t.Helper()
	if strings.Contains(string(r.Body), "BEGIN") || strings.Contains(string(r.Body), `"pem"`) {
		t.Errorf("the answer holds key material: %s", r.Body)
	}
}

// A credential is created, listed, read, has its expiry changed and removed, as the spec's
// endpoints describe; the answer carries Auth0's fields and never the PEM.
func TestClientCredentialsLifecycle(t *testing.T) {
	t.Parallel()
	clock := newTestClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	h := newHarness(t, func(o *server.Options) { o.Now = clock.Now })
	key := rsaKey(0)
	clientID, cred := h.newClientWithCredential(h.base, h.tok, key, map[string]any{"name": "first"})
	path := "/api/v2/clients/" + clientID + "/credentials"

	// The kid Auth0 generates is not documented; idp-server's is the key's RFC 7638
	// thumbprint, computed here by another library.
	jk, err := jwk.FromRaw(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	tp, err := jk.Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "first", "credential_type": "public_key", "alg": "RS256",
		"kid": base64.RawURLEncoding.EncodeToString(tp), "created_at": "2030-01-02T03:04:05Z", "updated_at": "2030-01-02T03:04:05Z"}
	for k, v := range want {
		if cred[k] != v {
			t.Errorf("%s = %v, want %v", k, cred[k], v)
		}
	}
	credID := strField(t, cred, "id")
	if !strings.HasPrefix(credID, "cred_") || len(credID) != len("cred_")+22 {
		t.Errorf("id %q", credID)
	}
	if _, ok := cred["expires_at"]; ok {
		t.Errorf("expires_at answered for a credential without one: %v", cred)
	}

	r := h.call(h.base, h.tok, http.MethodGet, path, nil)
	expectStatus(t, r, http.StatusOK)
	expectNoKeyMaterial(t, r)
	if list := r.array(t); len(list) != 1 || list[0]["id"] != credID {
		t.Errorf("list: %s", r.Body)
	}
	r = h.call(h.base, h.tok, http.MethodGet, path+"/"+credID, nil)
	expectStatus(t, r, http.StatusOK)
	expectNoKeyMaterial(t, r)

	clock.Advance(time.Hour)
	r = h.call(h.base, h.tok, http.MethodPatch, path+"/"+credID, map[string]any{"expires_at": "2031-01-01T00:00:00.000Z"})
	expectStatus(t, r, http.StatusOK)
	got := r.object(t)
	if got["expires_at"] != "2031-01-01T00:00:00Z" || got["updated_at"] != "2030-01-02T04:04:05Z" || got["created_at"] != "2030-01-02T03:04:05Z" {
		t.Errorf("PATCH expires_at: %s", r.Body)
	}
	r = h.call(h.base, h.tok, http.MethodPatch, path+"/"+credID, map[string]any{"expires_at": nil})
	expectStatus(t, r, http.StatusOK)
	if _, ok := r.object(t)["expires_at"]; ok {
		t.Errorf("PATCH expires_at null kept it: %s", r.Body)
	}
	for _, body := range []any{map[string]any{}, map[string]any{"name": "renamed"}, map[string]any{"expires_at": "2029-01-01T00:00:00Z"}, map[string]any{"expires_at": "soon"}} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, path+"/"+credID, body), http.StatusBadRequest, "invalid_body")
	}

	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, path+"/"+credID, nil), http.StatusNoContent)
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, path+"/"+credID, nil), http.StatusNoContent)
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, path+"/"+credID, nil), http.StatusNotFound, "inexistent_credential")
	if list := h.call(h.base, h.tok, http.MethodGet, path, nil).array(t); len(list) != 0 {
		t.Errorf("list after delete: %v", list)
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients/nope/credentials", nil), http.StatusNotFound, "inexistent_client")
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients/nope/credentials",
		map[string]any{"credential_type": "public_key", "pem": spkiPEM(t, &key.PublicKey)}), http.StatusNotFound, "inexistent_client")
}

// What POST /credentials accepts: SPKI, PKCS #1 and certificates of 2048 to 4096-bit RSA keys,
// the spec's algorithms and kid pattern, a future expiry; everything else is a 400, and a
// private key is never stored.
func TestClientCredentialsValidation(t *testing.T) {
	t.Parallel()
	clock := newTestClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	h := newHarness(t, func(o *server.Options) { o.Now = clock.Now })
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "v"})
	path := "/api/v2/clients/" + c["client_id"].(string) + "/credentials"
	key := rsaKey(1)
	spki := spkiPEM(t, &key.PublicKey)

	small, err := rsa.GenerateKey(rand.Reader, 1024) //nolint:gosec // the short key the server must refuse
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	privPEM := pemOf("PRIVATE KEY", pkcs8)
	bad := []struct {
		name string
		body map[string]any
	}{
		{"no credential_type", map[string]any{"pem": spki}},
		{"unknown credential_type", map[string]any{"credential_type": "secret", "pem": spki}},
		{"x509_cert of a bare key", map[string]any{"credential_type": "x509_cert", "pem": spki}},
		{"x509_cert with a subject_dn", map[string]any{"credential_type": "x509_cert", "subject_dn": "CN=x"}},
		{"x509_cert with a kid", map[string]any{"credential_type": "x509_cert", "pem": certPEM(t, key, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)), "kid": "abcdefghijk"}},
		{"an expired x509_cert", map[string]any{"credential_type": "x509_cert", "pem": certPEM(t, key, time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC))}},
		{"cert_subject_dn with both", map[string]any{"credential_type": "cert_subject_dn", "subject_dn": "CN=x", "pem": certPEM(t, key, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC))}},
		{"cert_subject_dn with neither", map[string]any{"credential_type": "cert_subject_dn"}},
		{"cert_subject_dn too long", map[string]any{"credential_type": "cert_subject_dn", "subject_dn": strings.Repeat("x", 257)}},
		{"cert_subject_dn with an expiry", map[string]any{"credential_type": "cert_subject_dn", "subject_dn": "CN=x", "expires_at": "2031-01-01T00:00:00Z"}},
		{"no pem", map[string]any{"credential_type": "public_key"}},
		{"not PEM", map[string]any{"credential_type": "public_key", "pem": "hello"}},
		{"a private key", map[string]any{"credential_type": "public_key", "pem": privPEM}},
		{"two blocks", map[string]any{"credential_type": "public_key", "pem": spki + spki}},
		{"1024 bits", map[string]any{"credential_type": "public_key", "pem": spkiPEM(t, &small.PublicKey)}},
		{"an EC key", map[string]any{"credential_type": "public_key", "pem": spkiPEM(t, &ec.PublicKey)}},
		{"alg HS256", map[string]any{"credential_type": "public_key", "pem": spki, "alg": "HS256"}},
		{"alg ES256", map[string]any{"credential_type": "public_key", "pem": spki, "alg": "ES256"}},
		{"kid too short", map[string]any{"credential_type": "public_key", "pem": spki, "kid": "short"}},
		{"kid with a dot", map[string]any{"credential_type": "public_key", "pem": spki, "kid": "abcdefghij.k"}},
		{"expired", map[string]any{"credential_type": "public_key", "pem": spki, "expires_at": "2029-12-31T23:59:59Z"}},
		{"expires_at not a date", map[string]any{"credential_type": "public_key", "pem": spki, "expires_at": "tomorrow"}},
		{"expiry from a key", map[string]any{"credential_type": "public_key", "pem": spki, "parse_expiry_from_cert": true}},
		{"name too long", map[string]any{"credential_type": "public_key", "pem": spki, "name": strings.Repeat("n", 129)}},
		{"unknown property", map[string]any{"credential_type": "public_key", "pem": spki, "private_key": "x"}},
	}
	for _, tc := range bad {
		r := h.call(h.base, h.tok, http.MethodPost, path, tc.body)
		if r.Status != http.StatusBadRequest {
			t.Errorf("%s: want 400, got %s", tc.name, r)
		}
	}
	if list := h.mustList(h.base, h.tok, path); len(list) != 0 {
		t.Fatalf("refused creates stored %v", list)
	}

	pkcs1 := h.mustCreate(h.base, h.tok, path, map[string]any{"credential_type": "public_key",
		"pem": pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&key.PublicKey)), "alg": "PS256", "kid": "my-key_0123"})
	if pkcs1["alg"] != "PS256" || pkcs1["kid"] != "my-key_0123" {
		t.Errorf("PKCS #1 credential: %v", pkcs1)
	}
	notAfter := time.Date(2031, 6, 1, 12, 0, 0, 0, time.UTC)
	cert := h.mustCreate(h.base, h.tok, path, map[string]any{"credential_type": "public_key",
		"pem": certPEM(t, rsaKey(2), notAfter), "alg": "RS384", "parse_expiry_from_cert": true})
	if cert["expires_at"] != "2031-06-01T12:00:00Z" || cert["alg"] != "RS384" {
		t.Errorf("certificate credential: %v", cert)
	}
}

// A client holds at most two credentials (Auth0's limit, which leaves room for a rotation),
// each key and kid once; a credential belongs to its client only.
func TestClientCredentialsLimits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	clientID, first := h.newClientWithCredential(h.base, h.tok, rsaKey(0), nil)
	path := "/api/v2/clients/" + clientID + "/credentials"
	body := func(key *rsa.PrivateKey, kid string) map[string]any {
		b := map[string]any{"credential_type": "public_key", "pem": spkiPEM(t, &key.PublicKey)}
		if kid != "" {
			b["kid"] = kid
		}
		return b
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, path, body(rsaKey(0), "")), http.StatusConflict, "conflict")
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, path, body(rsaKey(1), first["kid"].(string))), http.StatusConflict, "conflict")
	h.mustCreate(h.base, h.tok, path, body(rsaKey(1), ""))
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, path, body(rsaKey(2), "")), http.StatusForbidden, "too_many_entities")

	other, _ := h.newClientWithCredential(h.base, h.tok, rsaKey(0), nil)
	expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients/"+other+"/credentials/"+first["id"].(string), nil),
		http.StatusNotFound, "inexistent_credential")
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/clients/"+other+"/credentials/"+first["id"].(string), nil), http.StatusNoContent)
	h.mustGet(h.base, h.tok, path+"/"+first["id"].(string))
}

// Deleting a client deletes its credentials from the store, and a durable store keeps
// credentials across a restart.
func TestClientCredentialsStored(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	store := openStore(t, dir)
	h := newHarness(t, func(o *server.Options) { o.Store = store })
	keep, kept := h.newClientWithCredential(h.base, h.tok, rsaKey(0), nil)
	gone, _ := h.newClientWithCredential(h.base, h.tok, rsaKey(1), nil)
	if raws, err := store.List(server.RootTenant, server.KindCredentials); err != nil || len(raws) != 2 {
		t.Fatalf("stored credentials: %d %v", len(raws), err)
	}
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, "/api/v2/clients/"+gone, nil), http.StatusNoContent)
	raws, err := store.List(server.RootTenant, server.KindCredentials)
	if err != nil || len(raws) != 1 {
		t.Fatalf("after the client's delete: %d credentials, %v", len(raws), err)
	}
	var rec map[string]any
	if err := json.Unmarshal(raws[0], &rec); err != nil || rec["client_id"] != keep {
		t.Errorf("the credential left is %s", raws[0])
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}

	store2 := openStore(t, dir)
	h2 := newHarness(t, func(o *server.Options) { o.Store = store2 })
	if got := h2.mustGet(h2.base, h2.tok, "/api/v2/clients/"+keep+"/credentials/"+kept["id"].(string)); got["kid"] != kept["kid"] {
		t.Errorf("after a restart: %v, want %v", got, kept)
	}
}

func authMethodIDs(t testing.TB, c map[string]any) []string {
	t.Helper()
	var m struct {
		PrivateKeyJWT struct {
			Credentials []struct {
				ID string `json:"id"`
			} `json:"credentials"`
		} `json:"private_key_jwt"`
	}
	if err := json.Unmarshal([]byte(jsonString(t, c["client_authentication_methods"])), &m); err != nil {
		t.Fatalf("client_authentication_methods of %v: %v", c, err)
	}
	var ids []string
	for _, cr := range m.PrivateKeyJWT.Credentials {
		ids = append(ids, cr.ID)
	}
	return ids
}

// A create's client_authentication_methods holds fully defined credentials, which become the
// client's and are enabled for private_key_jwt; token_endpoint_auth_method is then left out.
func TestClientAuthenticationMethodsOnCreate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cred := func(key *rsa.PrivateKey) map[string]any {
		return map[string]any{"credential_type": "public_key", "name": "k", "pem": spkiPEM(t, &key.PublicKey), "alg": "RS256"}
	}
	methods := func(creds ...any) map[string]any {
		return map[string]any{"private_key_jwt": map[string]any{"credentials": creds}}
	}
	c := h.mustCreate(h.base, h.tok, "/api/v2/clients", map[string]any{"name": "pk", "client_authentication_methods": methods(cred(rsaKey(0)), cred(rsaKey(1)))})
	if _, ok := c["token_endpoint_auth_method"]; ok {
		t.Errorf("token_endpoint_auth_method answered: %v", c)
	}
	ids := authMethodIDs(t, c)
	list := h.mustList(h.base, h.tok, "/api/v2/clients/"+c["client_id"].(string)+"/credentials")
	if len(ids) != 2 || len(list) != 2 || list[0]["id"] != ids[0] || list[1]["id"] != ids[1] {
		t.Errorf("enabled %v, stored %v", ids, list)
	}

	before := len(h.mustList(h.base, h.tok, "/api/v2/clients"))
	for name, body := range map[string]map[string]any{
		"three credentials":           {"client_authentication_methods": methods(cred(rsaKey(0)), cred(rsaKey(1)), cred(rsaKey(2)))},
		"credential ids":              {"client_authentication_methods": methods(map[string]any{"id": ids[0]})},
		"the same key twice":          {"client_authentication_methods": methods(cred(rsaKey(0)), cred(rsaKey(0)))},
		"and token_endpoint_auth":     {"client_authentication_methods": methods(), "token_endpoint_auth_method": "client_secret_post"},
		"tls_client_auth of a key":    {"client_authentication_methods": map[string]any{"tls_client_auth": map[string]any{"credentials": []any{cred(rsaKey(2))}}}},
		"no method":                   {"client_authentication_methods": map[string]any{}},
		"null":                        {"client_authentication_methods": nil},
		"jwt_configuration.alg HS256": {"client_authentication_methods": methods(cred(rsaKey(2))), "jwt_configuration": map[string]any{"alg": "HS256"}},
	} {
		body["name"] = "refused"
		r := h.call(h.base, h.tok, http.MethodPost, "/api/v2/clients", body)
		if r.Status != http.StatusBadRequest && r.Status != http.StatusConflict {
			t.Errorf("%s: want 400 or 409, got %s", name, r)
		}
	}
	if after := len(h.mustList(h.base, h.tok, "/api/v2/clients")); after != before {
		t.Errorf("refused creates left %d clients", after-before)
	}
}

// An update's client_authentication_methods names credentials of the client by id; it and
// token_endpoint_auth_method replace each other, and sending both is refused.
func TestClientAuthenticationMethodsOnUpdate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	clientID, cred := h.newClientWithCredential(h.base, h.tok, rsaKey(0), nil)
	path := "/api/v2/clients/" + clientID
	credID := cred["id"].(string)
	enable := func(ids ...string) map[string]any {
		refs := []any{}
		for _, id := range ids {
			refs = append(refs, map[string]any{"id": id})
		}
		return map[string]any{"private_key_jwt": map[string]any{"credentials": refs}}
	}
	otherClient, otherCred := h.newClientWithCredential(h.base, h.tok, rsaKey(1), nil)
	for name, body := range map[string]map[string]any{
		"an unknown id":             {"client_authentication_methods": enable("cred_nope")},
		"another client's":          {"client_authentication_methods": enable(otherCred["id"].(string))},
		"the same id twice":         {"client_authentication_methods": enable(credID, credID)},
		"a full credential":         {"client_authentication_methods": map[string]any{"private_key_jwt": map[string]any{"credentials": []any{map[string]any{"credential_type": "public_key"}}}}},
		"both methods":              {"client_authentication_methods": enable(credID), "token_endpoint_auth_method": "client_secret_post"},
		"a null method, none other": {"token_endpoint_auth_method": nil},
		"an unknown property":       {"client_authentication_methods": map[string]any{"private_key_jwt": map[string]any{"credentials": []any{}, "x": 1}}},
	} {
		if r := h.call(h.base, h.tok, http.MethodPatch, path, body); r.Status != http.StatusBadRequest {
			t.Errorf("%s: want 400, got %s", name, r)
		}
	}
	if got := h.mustGet(h.base, h.tok, path); got["token_endpoint_auth_method"] != "client_secret_post" || got["client_authentication_methods"] != nil {
		t.Fatalf("refused updates changed the client: %v", got)
	}

	r := h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{"client_authentication_methods": enable(credID), "token_endpoint_auth_method": nil})
	expectStatus(t, r, http.StatusOK)
	c := r.object(t)
	if ids := authMethodIDs(t, c); len(ids) != 1 || ids[0] != credID {
		t.Errorf("enabled %v", ids)
	}
	if _, ok := c["token_endpoint_auth_method"]; ok {
		t.Errorf("token_endpoint_auth_method answered beside client_authentication_methods: %v", c)
	}
	expectAPIError(t, h.call(h.base, h.tok, http.MethodPost, path+"/rotate-secret", nil), http.StatusBadRequest, "invalid_body")

	// Deleting an enabled credential disables it.
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, path+"/credentials/"+credID, nil), http.StatusNoContent)
	if ids := authMethodIDs(t, h.mustGet(h.base, h.tok, path)); len(ids) != 0 {
		t.Errorf("a deleted credential is still enabled: %v", ids)
	}

	r = h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{"token_endpoint_auth_method": "client_secret_basic"})
	expectStatus(t, r, http.StatusOK)
	if c := r.object(t); c["token_endpoint_auth_method"] != "client_secret_basic" || c["client_authentication_methods"] != nil {
		t.Errorf("token_endpoint_auth_method did not replace client_authentication_methods: %v", c)
	}
	h.call(h.base, h.tok, http.MethodPatch, "/api/v2/clients/"+otherClient, map[string]any{"client_authentication_methods": enable(otherCred["id"].(string))})
	r = h.call(h.base, h.tok, http.MethodPatch, "/api/v2/clients/"+otherClient, map[string]any{"client_authentication_methods": nil})
	expectStatus(t, r, http.StatusOK)
	if c := r.object(t); c["token_endpoint_auth_method"] != "client_secret_post" || c["client_authentication_methods"] != nil {
		t.Errorf("client_authentication_methods null: %v", c)
	}
}

// The mTLS credentials and methods are kept and answered as the spec and Auth0's answers recorded
// in the official provider's test data say: an x509_cert by its SHA-256 thumbprint, expiring
// with its certificate; a cert_subject_dn by its subject, given or taken from a certificate (one
// RDN a line). tls_client_auth takes cert_subject_dn credentials, self_signed_tls_client_auth
// x509_cert ones; such a client is answered without its secret, and, since idp-server terminates
// no client certificates, gets no token with it.
func TestClientMTLSCredentials(t *testing.T) {
	t.Parallel()
	clock := newTestClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	h := newHarness(t, func(o *server.Options) { o.Now = clock.Now })
	aud := h.mgmtAudience(h.base)
	id, secret := h.newGrantedClient(h.base, h.tok, aud, []string{"read:clients"})
	path := "/api/v2/clients/" + id
	notAfter := time.Date(2033, 5, 13, 9, 33, 13, 0, time.UTC)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), NotBefore: notAfter.AddDate(-10, 0, 0), NotAfter: notAfter,
		Subject: pkix.Name{Country: []string{"es"}, Province: []string{"Madrid"}, Organization: []string{"Okta"}, CommonName: "Developer Experience"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &rsaKey(0).PublicKey, rsaKey(0))
	if err != nil {
		t.Fatal(err)
	}
	cert := pemOf("CERTIFICATE", der)

	self := h.mustCreate(h.base, h.tok, path+"/credentials", map[string]any{"credential_type": "x509_cert", "name": "self", "pem": cert})
	sum := sha256.Sum256(der)
	if self["thumbprint_sha256"] != base64.RawURLEncoding.EncodeToString(sum[:]) || self["expires_at"] != "2033-05-13T09:33:13Z" ||
		self["kid"] != nil || self["alg"] != nil || self["pem"] != nil {
		t.Errorf("x509_cert = %v", self)
	}
	fromCert := h.mustCreate(h.base, h.tok, path+"/credentials", map[string]any{"credential_type": "cert_subject_dn", "pem": cert})
	if fromCert["subject_dn"] != "C=es\nST=Madrid\nO=Okta\nCN=Developer Experience" || fromCert["expires_at"] != nil {
		t.Errorf("cert_subject_dn from a pem = %v", fromCert)
	}

	// Each method takes its own type of credential.
	for method, cred := range map[string]any{"tls_client_auth": self["id"], "self_signed_tls_client_auth": fromCert["id"], "private_key_jwt": self["id"]} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{
			"client_authentication_methods": map[string]any{method: map[string]any{"credentials": []any{map[string]any{"id": cred}}}},
		}), http.StatusBadRequest, "invalid_body")
	}
	r := h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{"token_endpoint_auth_method": nil,
		"client_authentication_methods": map[string]any{"tls_client_auth": map[string]any{"credentials": []any{map[string]any{"id": fromCert["id"]}}}}})
	expectStatus(t, r, http.StatusOK)
	c := r.object(t)
	if c["client_secret"] != nil || c["token_endpoint_auth_method"] != nil ||
		jsonString(t, c["client_authentication_methods"]) != `{"tls_client_auth":{"credentials":[{"id":"`+fromCert["id"].(string)+`"}]}}` {
		t.Errorf("client with tls_client_auth = %v", c)
	}
	expectRefused(t, "the secret of an mTLS client", h.tokenJSON(h.base, credentials(id, secret, aud, "")), http.StatusUnauthorized, "access_denied")

	r = h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{
		"client_authentication_methods": map[string]any{"self_signed_tls_client_auth": map[string]any{"credentials": []any{map[string]any{"id": self["id"]}}}}})
	expectStatus(t, r, http.StatusOK)
	// Deleting the credential disables it on the client.
	expectStatus(t, h.call(h.base, h.tok, http.MethodDelete, path+"/credentials/"+self["id"].(string), nil), http.StatusNoContent)
	if got := jsonString(t, h.mustGet(h.base, h.tok, path)["client_authentication_methods"]); got != `{"self_signed_tls_client_auth":{"credentials":[]}}` {
		t.Errorf("after the delete, client_authentication_methods = %s", got)
	}
	// Back to a secret, which works again.
	expectStatus(t, h.call(h.base, h.tok, http.MethodPatch, path, map[string]any{"client_authentication_methods": nil,
		"token_endpoint_auth_method": "client_secret_post"}), http.StatusOK)
	expectTokenOK(t, h.tokenJSON(h.base, credentials(id, secret, aud, "")), []string{"read:clients"}, 86400)
}
