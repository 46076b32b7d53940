package mgmt

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"
)

// CredentialTypePublicKey is the credential type of a private_key_jwt client's public key.
const CredentialTypePublicKey = "public_key"

// ClientCredential is a client's public key for private_key_jwt. Its PEM is
// public (it is logged), is sent only and never answered.
type ClientCredential struct {
	ID             *string `json:"id,omitempty"`
	Name           *string `json:"name,omitempty"`
	CredentialType *string `json:"credential_type,omitempty"`
	PEM            *string `json:"pem,omitempty"`
	// Alg is RS256 (the default), RS384 or PS256.
	Alg   *string `json:"alg,omitempty"`
	KeyID *string `json:"kid,omitempty"`
	// ExpiresAt and ParseExpiryFromCert exclude each other.
	ExpiresAt           *time.Time `json:"expires_at,omitempty"`
	ParseExpiryFromCert *bool      `json:"parse_expiry_from_cert,omitempty"`
	CreatedAt           *time.Time `json:"created_at,omitempty"`
	UpdatedAt           *time.Time `json:"updated_at,omitempty"`
}

// ClientAuthenticationMethods is a client's client_authentication_methods,
// which replace its token_endpoint_auth_method.
type ClientAuthenticationMethods struct {
	PrivateKeyJWT *PrivateKeyJWT `json:"private_key_jwt,omitempty"`
}

// PrivateKeyJWT names the client's own credentials its assertions may be signed with.
type PrivateKeyJWT struct {
	Credentials []CredentialRef `json:"credentials"`
}

// CredentialRef is a credential by id.
type CredentialRef struct {
	ID string `json:"id"`
}

// CreateClientCredential adds a public key to a client. A retry after a lost
// answer adopts the credential that attempt made (same kid, name, alg and expiry).
func (c *Client) CreateClientCredential(ctx context.Context, clientID string, in *ClientCredential) (*ClientCredential, error) {
	kid, err := credentialKeyID(in)
	if err != nil {
		return nil, err
	}
	sent := *in
	if sent.CredentialType == nil {
		sent.CredentialType = String(CredentialTypePublicKey)
	}
	u := c.endpoint(clientsPath, clientID, "credentials")
	return createKeyed(ctx, c, c.newBudget(ctx), u, &sent, keyed[ClientCredential]{
		kind: "client credential", key: fmt.Sprintf("kid %q", kid),
		lookup: func(ctx context.Context, b budget) (*ClientCredential, error) {
			all, err := c.listClientCredentials(ctx, b, clientID)
			for _, cr := range all {
				if str(cr.KeyID) == kid {
					return cr, nil
				}
			}
			return nil, err
		},
		id:   func(cr *ClientCredential) string { return str(cr.ID) },
		diff: diffClientCredential,
	})
}

func diffClientCredential(sent, found *ClientCredential) []string {
	var fields []string
	if str(sent.Name) != str(found.Name) {
		fields = append(fields, "name")
	}
	if alg := str(sent.Alg); alg != str(found.Alg) && (alg != "" || str(found.Alg) != "RS256") {
		fields = append(fields, "alg")
	}
	fromCert := sent.ParseExpiryFromCert != nil && *sent.ParseExpiryFromCert
	if !fromCert && !sameTime(sent.ExpiresAt, found.ExpiresAt) {
		fields = append(fields, "expires_at")
	}
	return fields
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// ListClientCredentials returns a client's credentials (at most two).
func (c *Client) ListClientCredentials(ctx context.Context, clientID string) ([]*ClientCredential, error) {
	return c.listClientCredentials(ctx, c.newBudget(ctx), clientID)
}

func (c *Client) listClientCredentials(ctx context.Context, b budget, clientID string) ([]*ClientCredential, error) {
	var out []*ClientCredential
	if err := c.do(ctx, b, http.MethodGet, c.endpoint(clientsPath, clientID, "credentials"), nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetClientCredential reads one credential of a client.
func (c *Client) GetClientCredential(ctx context.Context, clientID, credentialID string) (*ClientCredential, error) {
	return call[ClientCredential](ctx, c, c.newBudget(ctx), http.MethodGet,
		c.endpoint(clientsPath, clientID, "credentials", credentialID), nil)
}

// UpdateClientCredential sets a credential's expiry, the one thing that changes; nil removes it.
func (c *Client) UpdateClientCredential(ctx context.Context, clientID, credentialID string, expiresAt *time.Time) (*ClientCredential, error) {
	in := struct {
		ExpiresAt *time.Time `json:"expires_at"` // nil: null
	}{expiresAt}
	return call[ClientCredential](ctx, c, c.newBudget(ctx), http.MethodPatch,
		c.endpoint(clientsPath, clientID, "credentials", credentialID), &in)
}

// DeleteClientCredential deletes a credential, which disables it on its client.
// One already gone is a 204, or a 404 (IsNotFound) that callers take as done, like the other deletes'.
func (c *Client) DeleteClientCredential(ctx context.Context, clientID, credentialID string) error {
	return c.do(ctx, c.newBudget(ctx), http.MethodDelete, c.endpoint(clientsPath, clientID, "credentials", credentialID), nil, nil)
}

// UsePrivateKeyJWT makes a client authenticate with assertions signed by the
// given credentials of its own; token_endpoint_auth_method is sent as null.
func (c *Client) UsePrivateKeyJWT(ctx context.Context, clientID string, credentialIDs []string) (*Application, error) {
	m := &ClientAuthenticationMethods{PrivateKeyJWT: &PrivateKeyJWT{Credentials: make([]CredentialRef, 0, len(credentialIDs))}}
	for _, id := range credentialIDs {
		m.PrivateKeyJWT.Credentials = append(m.PrivateKeyJWT.Credentials, CredentialRef{ID: id})
	}
	return c.switchAuthentication(ctx, clientID, authSwitch{Methods: m})
}

// UseTokenEndpointAuthMethod makes a client authenticate with method (e.g.
// client_secret_post); client_authentication_methods is sent as null.
func (c *Client) UseTokenEndpointAuthMethod(ctx context.Context, clientID, method string) (*Application, error) {
	return c.switchAuthentication(ctx, clientID, authSwitch{Method: &method})
}

// authSwitch sends both properties, the one not set as null.
type authSwitch struct {
	Methods *ClientAuthenticationMethods `json:"client_authentication_methods"`
	Method  *string                      `json:"token_endpoint_auth_method"`
}

func (c *Client) switchAuthentication(ctx context.Context, clientID string, in authSwitch) (*Application, error) {
	return call[Application](ctx, c, c.newBudget(ctx), http.MethodPatch, c.endpoint(clientsPath, clientID), &in)
}

// credentialKeyID is the kid the server gives a credential: the one sent, or
// the RFC 7638 thumbprint of its key. A private key is refused before it is sent.
func credentialKeyID(in *ClientCredential) (string, error) {
	if in.PEM == nil {
		return "", errors.New("a client credential needs a pem")
	}
	if block, _ := pem.Decode([]byte(*in.PEM)); block != nil && strings.Contains(block.Type, "PRIVATE KEY") {
		return "", errors.New("the credential's pem is a private key: send its public key, which the server keeps")
	}
	if in.KeyID != nil {
		return *in.KeyID, nil
	}
	key, err := ParsePublicKeyPEM(*in.PEM)
	if err != nil {
		return "", fmt.Errorf("the credential's pem %w", err)
	}
	return rsaThumbprint(key), nil
}

// PublicKeyID is the kid the server gives a credential of this PEM when
// none is sent: the RFC 7638 thumbprint of its key.
func PublicKeyID(pemText string) (string, error) {
	return credentialKeyID(&ClientCredential{PEM: &pemText})
}

// Bounds of a credential's RSA key, as Auth0 documents them.
const (
	MinCredentialBits = 2048
	MaxCredentialBits = 4096
)

// ParsePublicKeyPEM reads what a public_key credential's pem may hold: one
// RSA public key (SPKI or PKCS #1) or X.509 certificate of 2048 to 4096
// bits. Its errors complete "the pem ..." and never quote the input.
func ParsePublicKeyPEM(text string) (*rsa.PublicKey, error) {
	block, rest := pem.Decode([]byte(strings.TrimSpace(text)))
	switch {
	case block == nil:
		return nil, errors.New(`is not PEM: expected a "-----BEGIN PUBLIC KEY-----" or "-----BEGIN CERTIFICATE-----" block`)
	case strings.Contains(block.Type, "PRIVATE KEY"):
		return nil, fmt.Errorf("is a %s: give the public key (or a certificate) instead; the private key stays with "+
			"the service that signs", block.Type)
	case len(strings.TrimSpace(string(rest))) > 0:
		return nil, errors.New("has more than one PEM block: give one public key or certificate")
	}
	var pub any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			pub = cert.PublicKey
		}
	default:
		return nil, fmt.Errorf(`is a %q block, not a "PUBLIC KEY", "RSA PUBLIC KEY" or "CERTIFICATE"`, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("has a %s block that does not parse", block.Type)
	}
	key, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("holds a %T, not an RSA key", pub)
	}
	if bits := key.N.BitLen(); bits < MinCredentialBits || bits > MaxCredentialBits {
		return nil, fmt.Errorf("holds an RSA key of %d bits; it must have %d to %d", bits, MinCredentialBits, MaxCredentialBits)
	}
	return key, nil
}

func rsaThumbprint(k *rsa.PublicKey) string {
	b64 := base64.RawURLEncoding.EncodeToString
	jwk := fmt.Sprintf(`{"e":"%s","kty":"RSA","n":"%s"}`, b64(big.NewInt(int64(k.E)).Bytes()), b64(k.N.Bytes()))
	sum := sha256.Sum256([]byte(jwk))
	return b64(sum[:])
}
