package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// With -client-public-key-file the admin signs in with its key only, and
// the generated secret, good for /_idp/ alone, is printed under the name
// the server reads it from, not as IDP_CLIENT_SECRET, which a provider
// would refuse beside IDP_CLIENT_ASSERTION_PRIVATE_KEY.
func TestRunAdminPublicKey(t *testing.T) {
	t.Setenv(envSecret, "")
	t.Setenv(envSecretFile, "")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "admin.pub")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	s := start(t, []string{"-listen", "127.0.0.1:0", "-client-public-key-file", file},
		"IDP_DOMAIN", "IDP_CLIENT_ID", envSecret)
	token := func(cfg mgmt.Config) error {
		cfg.Domain, cfg.ClientID, cfg.MaxRetries = s.env["IDP_DOMAIN"], s.env["IDP_CLIENT_ID"], 1
		c, err := mgmt.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.RequestToken(t.Context(), mgmt.TokenRequest{Audience: c.Audience()})
		return err
	}
	if err := token(mgmt.Config{ClientAssertionKey: key}); err != nil {
		t.Errorf("the admin's key: %v", err)
	}
	var apiErr *mgmt.Error
	if err := token(mgmt.Config{ClientSecret: s.env[envSecret]}); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Errorf("the admin's secret at the token endpoint: %v, want 401", err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.env["IDP_DOMAIN"]+"/_idp/requests", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(s.env["IDP_CLIENT_ID"], s.env[envSecret])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/_idp/requests with the printed secret: %s", resp.Status)
	}
	s.stop(t) // also: no IDP_CLIENT_SECRET line
}

// A private key given as the admin's public key stops the start, unquoted.
func TestRunAdminPublicKeyRefusesAPrivateKey(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "admin.key")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	err = run(t.Context(), []string{"-listen", "127.0.0.1:0", "-client-public-key-file", file}, &stdout, &stderr)
	if err == nil || stdout.String() != "" {
		t.Fatalf("run = %v, stdout %q; want a refusal before any output", err, stdout.String())
	}
}
