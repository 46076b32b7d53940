package idptest_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/idptest"
	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

func rsaKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return k, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// signsIn asks for a Management API token as the admin with key (or, when
// nil, the secret) and returns the status of the answer.
func signsIn(t *testing.T, srv *idptest.Server, key *rsa.PrivateKey) int {
	t.Helper()
	cfg := mgmt.Config{Domain: srv.URL, ClientID: srv.ClientID, MaxRetries: 1, ClientAssertionKey: key}
	if key == nil {
		cfg.ClientSecret = srv.ClientSecret
	}
	c, err := mgmt.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.RequestToken(t.Context(), mgmt.TokenRequest{Audience: c.Audience()})
	var apiErr *mgmt.Error
	switch {
	case err == nil:
		return http.StatusOK
	case errors.As(err, &apiErr):
		return apiErr.StatusCode
	}
	t.Fatal(err)
	return 0
}

// A keyed admin signs in with its key and not its secret, which still
// guards /_idp/; a reset and a restart keep the key, and a restart with
// another key drops the first.
func TestAdminPublicKey(t *testing.T) {
	key, pub := rsaKey(t)
	dir := t.TempDir()
	first, err := idptest.Start(idptest.WithAdminPublicKey(pub), idptest.WithDataDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := first.Env()["IDP_CLIENT_SECRET"]; ok {
		t.Errorf("Env() of a keyed admin has a secret: %v", first.Env())
	}
	if got := signsIn(t, first, key); got != http.StatusOK {
		t.Errorf("the key: %d", got)
	}
	if got := signsIn(t, first, nil); got != http.StatusUnauthorized {
		t.Errorf("the secret at the token endpoint: %d, want 401", got)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, first.URL+"/_idp/reset", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(first.ClientID, first.ClientSecret)
	resp, err := first.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST /_idp/reset with the admin's secret: %s", resp.Status)
	}
	if got := signsIn(t, first, key); got != http.StatusOK {
		t.Errorf("the key after a reset: %d", got)
	}
	first.Close()

	again := idptest.NewServer(t, idptest.WithAdminPublicKey(pub), idptest.WithDataDir(dir))
	if got := signsIn(t, again, key); got != http.StatusOK {
		t.Errorf("the key after a restart: %d", got)
	}
	again.Close()

	other, otherPub := rsaKey(t)
	third := idptest.NewServer(t, idptest.WithAdminPublicKey(otherPub), idptest.WithDataDir(dir))
	if got := signsIn(t, third, other); got != http.StatusOK {
		t.Errorf("the new key after a restart with it: %d", got)
	}
	if got := signsIn(t, third, key); got != http.StatusUnauthorized {
		t.Errorf("the old key after a restart with another: %d, want 401", got)
	}
}

func TestAdminPublicKeyRefusesAPrivateKey(t *testing.T) {
	key, _ := rsaKey(t)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idptest.Start(idptest.WithAdminPublicKey(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))); err == nil {
		t.Fatal("a private key was taken as the admin's public key")
	}
}
