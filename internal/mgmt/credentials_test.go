package mgmt

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// TestClientCredentialsRoundTrip: every credential method against the
// emulator, and a client switched to private_key_jwt and back.
func TestClientCredentialsRoundTrip(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	c := env.client(t)
	ctx := t.Context()
	app, err := c.CreateApplication(ctx, &Application{Name: String("creds"), GrantTypes: &[]string{"client_credentials"}})
	if err != nil {
		t.Fatal(err)
	}
	id := str(app.ClientID)
	keys := testKeys()
	expires := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	first, err := c.CreateClientCredential(ctx, id, &ClientCredential{Name: String("first"), PEM: String(publicPEM(t, keys[0])),
		Alg: String("RS384"), ExpiresAt: &expires})
	if err != nil {
		t.Fatal(err)
	}
	wantKid, _ := credentialKeyID(&ClientCredential{PEM: String(publicPEM(t, keys[0]))})
	if str(first.ID) == "" || str(first.KeyID) != wantKid || str(first.Alg) != "RS384" || str(first.Name) != "first" ||
		str(first.CredentialType) != CredentialTypePublicKey || first.PEM != nil || !sameTime(first.ExpiresAt, &expires) ||
		first.CreatedAt == nil {
		t.Fatalf("created %+v (want kid %s)", first, wantKid)
	}
	second, err := c.CreateClientCredential(ctx, id, &ClientCredential{PEM: String(publicPEM(t, keys[1])), KeyID: String("my-key-0001")})
	if err != nil {
		t.Fatal(err)
	}
	if str(second.KeyID) != "my-key-0001" || str(second.Alg) != "RS256" {
		t.Errorf("second %+v", second)
	}
	all, err := c.ListClientCredentials(ctx, id)
	if err != nil || len(all) != 2 {
		t.Fatalf("list = %v, %v", all, err)
	}
	got, err := c.GetClientCredential(ctx, id, str(first.ID))
	if err != nil || str(got.KeyID) != wantKid {
		t.Fatalf("get = %+v, %v", got, err)
	}
	later := expires.Add(24 * time.Hour)
	if got, err = c.UpdateClientCredential(ctx, id, str(first.ID), &later); err != nil || !sameTime(got.ExpiresAt, &later) {
		t.Fatalf("update = %+v, %v", got, err)
	}
	if got, err = c.UpdateClientCredential(ctx, id, str(first.ID), nil); err != nil || got.ExpiresAt != nil {
		t.Fatalf("update to no expiry = %+v, %v", got, err)
	}

	a, err := c.UsePrivateKeyJWT(ctx, id, []string{str(first.ID), str(second.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if a.TokenEndpointAuthMethod != nil || a.ClientAuthenticationMethods == nil ||
		a.ClientAuthenticationMethods.PrivateKeyJWT == nil || len(a.ClientAuthenticationMethods.PrivateKeyJWT.Credentials) != 2 {
		t.Fatalf("after UsePrivateKeyJWT: %+v", a)
	}
	if _, err := c.RequestToken(ctx, TokenRequest{ClientID: id, ClientAssertionKey: keys[0], ClientAssertionAlg: "RS384",
		Audience: c.DefaultAudience()}); err != nil && !hasStatus(err, http.StatusForbidden) {
		t.Errorf("token with the registered key: %v", err) // 403: no grant, but the assertion was accepted
	}
	if a, err = c.GetApplication(ctx, id); err != nil || a.ClientAuthenticationMethods == nil {
		t.Fatalf("read back %+v, %v", a, err)
	}
	a, err = c.UseTokenEndpointAuthMethod(ctx, id, "client_secret_basic")
	if err != nil {
		t.Fatal(err)
	}
	if str(a.TokenEndpointAuthMethod) != "client_secret_basic" || a.ClientAuthenticationMethods != nil {
		t.Fatalf("after UseTokenEndpointAuthMethod: %+v", a)
	}

	if err := c.DeleteClientCredential(ctx, id, str(second.ID)); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteClientCredential(ctx, id, str(second.ID)); err != nil { // the server answers 204, as Auth0 does
		t.Errorf("second delete = %v", err)
	}
	if _, err := c.GetClientCredential(ctx, id, str(second.ID)); !IsNotFound(err) {
		t.Errorf("get deleted = %v", err)
	}
	if all, err = c.ListClientCredentials(ctx, id); err != nil || len(all) != 1 {
		t.Errorf("list after delete = %v, %v", all, err)
	}

	// The same key twice, not after a lost answer: a conflict naming the existing credential.
	_, err = c.CreateClientCredential(ctx, id, &ClientCredential{PEM: String(publicPEM(t, keys[0]))})
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.ExistingID != str(first.ID) {
		t.Errorf("duplicate create = %v", err)
	}
}

// TestClientCredentialDroppedAnswer: a create whose answer is lost is sent
// again, meets the 409 its first attempt caused, and adopts that credential.
func TestClientCredentialDroppedAnswer(t *testing.T) {
	t.Parallel()
	env, inj, c := injected(t)
	ctx := t.Context()
	app, err := c.CreateApplication(ctx, &Application{Name: String("dropped")})
	if err != nil {
		t.Fatal(err)
	}
	id := str(app.ClientID)
	path := "/api/v2/clients/" + id + "/credentials"
	inj.dropOnce("POST", path)
	cr, err := c.CreateClientCredential(ctx, id, &ClientCredential{Name: String("k"), PEM: String(publicPEM(t, testKeys()[0]))})
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.ListClientCredentials(ctx, id)
	if err != nil || len(all) != 1 || str(all[0].ID) != str(cr.ID) {
		t.Fatalf("credentials = %v, %v; adopted %+v", all, err, cr)
	}
	if n := inj.count("POST", path); n != 2 {
		t.Errorf("POSTs = %d, want 2", n)
	}
	if len(env.log.find("create met 409 after an attempt whose outcome was unknown; adopting the object it created")) != 1 {
		t.Error("no adoption logged")
	}

	// A lost answer, then a credential of the same key with another name: not adopted.
	other, err := c.CreateApplication(ctx, &Application{Name: String("dropped-2")})
	if err != nil {
		t.Fatal(err)
	}
	oid := str(other.ClientID)
	kept, err := c.CreateClientCredential(ctx, oid, &ClientCredential{Name: String("a"), PEM: String(publicPEM(t, testKeys()[1]))})
	if err != nil {
		t.Fatal(err)
	}
	inj.dropOnce("POST", "/api/v2/clients/"+oid+"/credentials")
	_, err = c.CreateClientCredential(ctx, oid, &ClientCredential{Name: String("b"), PEM: String(publicPEM(t, testKeys()[1]))})
	var mismatch *CreateMismatchError
	if !errors.As(err, &mismatch) || mismatch.ExistingID != str(kept.ID) || !slices.Equal(mismatch.Fields, []string{"name"}) {
		t.Errorf("create of a known key after a lost answer = %v", err)
	}
}

// TestClientCredentialRefusesPrivateKey: a private key never leaves the client.
func TestClientCredentialRefusesPrivateKey(t *testing.T) {
	t.Parallel()
	s := &loopServer{answers: []func(http.ResponseWriter){status(201, `{}`)}}
	c := loopClient(t, s)
	_, err := c.CreateClientCredential(t.Context(), "abc", &ClientCredential{PEM: String(pkcs1PEM(testKeys()[0]))})
	if err == nil || !strings.Contains(err.Error(), "private key") || len(s.received()) != 0 {
		t.Errorf("err = %v, sent %d", err, len(s.received()))
	}
}

// TestSwitchBodies: a switch sends the other property as null; the
// credential ids are logged, not redacted.
func TestSwitchBodies(t *testing.T) {
	t.Parallel()
	s := &loopServer{answers: []func(http.ResponseWriter){status(200, `{}`)}}
	log := &recLogger{}
	c := loopClient(t, s, func(cfg *Config) { cfg.Logger = log })
	if _, err := c.UsePrivateKeyJWT(t.Context(), "abc", []string{"cred_1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UseTokenEndpointAuthMethod(t.Context(), "abc", "client_secret_post"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"client_authentication_methods":{"private_key_jwt":{"credentials":[{"id":"cred_1"}]}},"token_endpoint_auth_method":null}`,
		`{"client_authentication_methods":null,"token_endpoint_auth_method":"client_secret_post"}`,
	}
	if got := s.received(); !slices.Equal(got, want) {
		t.Errorf("bodies:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if logged := fmt.Sprint(log.snapshot()); !strings.Contains(logged, "cred_1") {
		t.Errorf("credential id not logged: %s", logged)
	}
}

// TestParsePublicKeyPEM: what a public_key credential may hold, and why the
// rest is refused, in words that never quote the input.
func TestParsePublicKeyPEM(t *testing.T) {
	k := testKeys()[0]
	pub := publicPEM(t, k)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	enc := func(typ string, b []byte) string { return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b})) }
	for _, ok := range []string{pub, enc("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&k.PublicKey)), enc("CERTIFICATE", der)} {
		if _, err := ParsePublicKeyPEM(ok); err != nil {
			t.Errorf("%.30q refused: %v", ok, err)
		}
	}
	for in, want := range map[string]string{
		pkcs1PEM(k):                    "is a RSA PRIVATE KEY: give the public key",
		"hunter2":                      "is not PEM",
		pub + pub:                      "has more than one PEM block",
		enc("PUBLIC KEY", []byte("x")): "has a PUBLIC KEY block that does not parse",
		enc("PUBLIC KEY", ecDER):       "holds a *ecdsa.PublicKey, not an RSA key",
		enc("EC PARAMETERS", []byte{}): `is a "EC PARAMETERS" block`,
	} {
		_, err := ParsePublicKeyPEM(in)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%.30q: error %v, want %q", in, err, want)
		}
	}
	if kid, err := PublicKeyID(pub); err != nil || kid != rsaThumbprint(&k.PublicKey) {
		t.Errorf("PublicKeyID = %q, %v", kid, err)
	}
}
