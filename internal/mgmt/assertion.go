package mgmt

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// ClientAssertionType is RFC 7523's client_assertion_type of a JWT assertion.
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" //nolint:gosec // a type name, no credential

// DefaultAssertionAlg is the signing algorithm when none is configured.
const DefaultAssertionAlg = "RS256"

// AssertionAlgs are the algorithms a client assertion may be signed with.
var AssertionAlgs = []string{"RS256", "RS384", "PS256"}

// assertionLifetime is well inside the 5 minutes Auth0 accepts, and leaves room for clock skew.
const assertionLifetime = 2 * time.Minute

// ParsePrivateKeyPEM reads an RSA private key, PKCS #1 or PKCS #8. Its errors never quote the input.
func ParsePrivateKeyPEM(text string) (*rsa.PrivateKey, error) {
	block, rest := pem.Decode([]byte(strings.TrimSpace(text)))
	switch {
	case block == nil:
		return nil, errors.New("it is not PEM: expected a \"-----BEGIN PRIVATE KEY-----\" or \"-----BEGIN RSA PRIVATE KEY-----\" block")
	case len(strings.TrimSpace(string(rest))) > 0:
		return nil, errors.New("it has more than one PEM block: give the private key alone")
	}
	if x509.IsEncryptedPEMBlock(block) { //nolint:staticcheck // only to refuse them with a clear message
		return nil, errors.New("it is encrypted: give the key unencrypted")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("its RSA PRIVATE KEY block is not a valid PKCS #1 RSA private key")
		}
		return key, nil
	case "PRIVATE KEY":
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("its PRIVATE KEY block is not a valid PKCS #8 private key")
		}
		rsaKey, ok := key.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("it is a %T, not an RSA private key", key)
		}
		return rsaKey, nil
	}
	return nil, fmt.Errorf("its PEM block is a %q, not a \"PRIVATE KEY\" or \"RSA PRIVATE KEY\"", block.Type)
}

// assertionSigner signs the client assertions of one client.
type assertionSigner struct {
	signer   jose.Signer
	clientID string
	alg      string
}

func newAssertionSigner(clientID string, key *rsa.PrivateKey, alg string) (*assertionSigner, error) {
	if alg == "" {
		alg = DefaultAssertionAlg
	}
	if !slices.Contains(AssertionAlgs, alg) {
		return nil, fmt.Errorf("client assertion signing algorithm %q is not supported: use one of %s", alg,
			strings.Join(AssertionAlgs, ", "))
	}
	if key.N.BitLen() < 2048 {
		return nil, fmt.Errorf("the client assertion key has %d bits; at least 2048 are needed", key.N.BitLen())
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: key},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("preparing the client assertion signer: %w", err)
	}
	return &assertionSigner{signer: s, clientID: clientID, alg: alg}, nil
}

// sign makes a one-use assertion for the token endpoint of the tenant whose issuer is audience.
func (a *assertionSigner) sign(audience string, now time.Time) (string, error) {
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", fmt.Errorf("making a client assertion ID: %w", err)
	}
	claims := jwt.Claims{
		Issuer:   a.clientID,
		Subject:  a.clientID,
		Audience: jwt.Audience{audience},
		ID:       hex.EncodeToString(id[:]),
		IssuedAt: jwt.NewNumericDate(now),
		Expiry:   jwt.NewNumericDate(now.Add(assertionLifetime)),
	}
	s, err := jwt.Signed(a.signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("signing the client assertion: %w", err)
	}
	return s, nil
}

// ClientAssertionAlg is the alg of the client's assertions, or "" when it signs none.
func (c *Client) ClientAssertionAlg() string {
	if c.assertion == nil {
		return ""
	}
	return c.assertion.alg
}
