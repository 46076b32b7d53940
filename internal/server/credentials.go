package server

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// credentialRecord is a client's public key for private_key_jwt, as
// stored. The PEM is kept to verify assertions and never answered.
type credentialRecord struct {
	ID             string  `json:"id"`
	ClientID       string  `json:"client_id"`
	Name           string  `json:"name"`
	CredentialType string  `json:"credential_type"`
	KeyID          string  `json:"kid"`
	Alg            string  `json:"alg"`
	PEM            string  `json:"pem"`
	CreatedAt      string  `json:"created_at"`
	UpdatedAt      string  `json:"updated_at"`
	ExpiresAt      *string `json:"expires_at,omitempty"`
}

type credentialResponse struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	KeyID          string  `json:"kid"`
	Alg            string  `json:"alg"`
	CredentialType string  `json:"credential_type"`
	CreatedAt      string  `json:"created_at"`
	UpdatedAt      string  `json:"updated_at"`
	ExpiresAt      *string `json:"expires_at,omitempty"`
}

func (cr credentialRecord) response() credentialResponse {
	return credentialResponse{ID: cr.ID, Name: cr.Name, KeyID: cr.KeyID, Alg: cr.Alg,
		CredentialType: cr.CredentialType, CreatedAt: cr.CreatedAt, UpdatedAt: cr.UpdatedAt, ExpiresAt: cr.ExpiresAt}
}

const (
	credentialPublicKey = "public_key"
	// maxClientCredentials is Auth0's documented limit, which leaves room
	// for one rotation at a time.
	maxClientCredentials = 2
	minCredentialBits    = 2048
	maxCredentialBits    = 4096
)

var (
	credentialTypes     = []string{credentialPublicKey, "cert_subject_dn", "x509_cert"}
	credentialAlgs      = []string{"RS256", "RS384", "PS256"}
	credentialFields    = []string{"credential_type", "name", "subject_dn", "pem", "alg", "parse_expiry_from_cert", "expires_at", "kid"}
	inlineCredentialSet = []string{"credential_type", "name", "pem", "alg", "parse_expiry_from_cert", "expires_at", "kid"}
	reCredentialKeyID   = regexp.MustCompile(`^[0-9a-zA-Z_-]{10,64}$`)
)

func errInexistentCredential() *apiError {
	return newError(http.StatusNotFound, "inexistent_credential", "The credential does not exist")
}

// errMTLSUnsupported refuses the mTLS credential types and methods, which
// need a certificate-bound connection idp-server does not terminate.
func errMTLSUnsupported(what string) *apiError {
	return errInvalidBody(what + " is an mTLS credential, which idp-server does not support; use public_key and private_key_jwt")
}

func newCredentialID() string { return "cred_" + randomAlphanumeric(22) }

// parsedCredential is a credential body checked, before it is stored.
type parsedCredential struct {
	rec credentialRecord
	key *rsa.PublicKey
}

// parseCredential checks a credential body (POST /credentials, or an item of
// a new client's client_authentication_methods) at property prefix.
func parseCredential(b *body, prefix string, now time.Time) (parsedCredential, error) {
	var pc parsedCredential
	typ, err := b.str("credential_type")
	if err != nil {
		return pc, prefixed(err, prefix)
	}
	if typ == nil {
		return pc, errPayload("Missing required property: " + prefix + "credential_type")
	}
	if !contains(credentialTypes, *typ) {
		return pc, errProperty(prefix+"credential_type", "No enum match for: "+*typ)
	}
	if *typ != credentialPublicKey {
		return pc, errMTLSUnsupported("credential_type " + *typ)
	}
	if b.has("subject_dn") {
		return pc, errProperty(prefix+"subject_dn", "subject_dn applies to cert_subject_dn credentials only")
	}
	rec := credentialRecord{CredentialType: credentialPublicKey, Alg: "RS256"}
	if name, err := b.str("name"); err != nil {
		return pc, prefixed(err, prefix)
	} else if name != nil {
		if err := checkLength(prefix+"name", *name, 0, 128); err != nil {
			return pc, err
		}
		rec.Name = *name
	}
	if alg, err := b.str("alg"); err != nil {
		return pc, prefixed(err, prefix)
	} else if alg != nil {
		if !contains(credentialAlgs, *alg) {
			return pc, errProperty(prefix+"alg", "No enum match for: "+*alg)
		}
		rec.Alg = *alg
	}
	pemText, err := b.str("pem")
	if err != nil {
		return pc, prefixed(err, prefix)
	}
	if pemText == nil {
		return pc, errPayload("Missing required property: " + prefix + "pem")
	}
	key, cert, err := parsePublicKeyPEM(*pemText)
	if err != nil {
		return pc, errProperty(prefix+"pem", err.Error())
	}
	rec.PEM = *pemText
	fromCert, err := b.boolean("parse_expiry_from_cert")
	if err != nil {
		return pc, prefixed(err, prefix)
	}
	expires, err := b.str("expires_at")
	if err != nil {
		return pc, prefixed(err, prefix)
	}
	switch {
	case fromCert != nil && *fromCert && expires != nil:
		return pc, errInvalidBody("expires_at and parse_expiry_from_cert cannot both be set")
	case fromCert != nil && *fromCert:
		if cert == nil {
			return pc, errProperty(prefix+"parse_expiry_from_cert", "the pem is not an X.509 certificate")
		}
		rec.ExpiresAt = ptr(cert.NotAfter.UTC().Format(time.RFC3339Nano))
	case expires != nil:
		at, err := parseExpiry(prefix+"expires_at", *expires, now)
		if err != nil {
			return pc, err
		}
		rec.ExpiresAt = &at
	}
	if rec.ExpiresAt != nil && !expiresAfter(*rec.ExpiresAt, now) {
		return pc, errProperty(prefix+"expires_at", "the credential has already expired")
	}
	if kid, err := b.str("kid"); err != nil {
		return pc, prefixed(err, prefix)
	} else if kid != nil {
		if !reCredentialKeyID.MatchString(*kid) {
			return pc, errProperty(prefix+"kid", "String does not match pattern: ^([0-9a-zA-Z-_]{10,64})$")
		}
		rec.KeyID = *kid
	} else {
		// Auth0 does not document how it generates a kid; the RFC 7638
		// thumbprint is stable, fits the kid pattern and names the key.
		tp, err := (&jose.JSONWebKey{Key: key}).Thumbprint(crypto.SHA256)
		if err != nil {
			return pc, err
		}
		rec.KeyID = base64.RawURLEncoding.EncodeToString(tp)
	}
	stamp := now.UTC().Format(time.RFC3339Nano)
	rec.ID, rec.CreatedAt, rec.UpdatedAt = newCredentialID(), stamp, stamp
	return parsedCredential{rec: rec, key: key}, nil
}

func prefixed(err error, prefix string) error {
	var e *apiError
	if errors.As(err, &e) && prefix != "" {
		return errInvalidBody(e.Message + " (in " + prefix[:len(prefix)-1] + ")")
	}
	return err
}

func parseExpiry(name, v string, now time.Time) (string, error) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return "", errProperty(name, "Object didn't pass validation for format date-time: "+v)
	}
	if !t.After(now) {
		return "", errProperty(name, "the credential has already expired")
	}
	return t.UTC().Format(time.RFC3339Nano), nil
}

func expiresAfter(expiresAt string, now time.Time) bool {
	t, err := time.Parse(time.RFC3339Nano, expiresAt)
	return err == nil && t.After(now)
}

// parsePublicKeyPEM accepts one RSA public key, as SPKI, PKCS #1 or an
// X.509 certificate, of the sizes Auth0 accepts. A private key is refused,
// so that none is ever stored.
func parsePublicKeyPEM(text string) (*rsa.PublicKey, *x509.Certificate, error) {
	block, rest := pem.Decode([]byte(text))
	if block == nil {
		return nil, nil, errorString("the pem is not PEM-encoded")
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, nil, errorString("the pem holds more than one PEM block")
	}
	var pub any
	var cert *x509.Certificate
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		cert, err = x509.ParseCertificate(block.Bytes)
		if err == nil {
			pub = cert.PublicKey
		}
	default:
		return nil, nil, errorString("the pem must be a public key or an X.509 certificate, not " + block.Type)
	}
	if err != nil {
		return nil, nil, errorString("the pem does not parse: " + err.Error())
	}
	key, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, nil, errorString("the pem must hold an RSA key")
	}
	if bits := key.N.BitLen(); bits < minCredentialBits || bits > maxCredentialBits {
		return nil, nil, errorString("the RSA key has " + strconv.Itoa(bits) + " bits; it must have 2048 to 4096")
	}
	return key, cert, nil
}

type errorString string

func (e errorString) Error() string { return string(e) }

func (c *call) credentialParams() (clientID, credentialID string) {
	return c.id(), c.subID()
}

func createCredential(c *call) error {
	b, err := c.readBody(credentialFields...)
	if err != nil {
		return err
	}
	pc, err := parseCredential(b, "", c.s.now())
	if err != nil {
		return err
	}
	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	cl, err := c.repo.client(c.id())
	if err != nil {
		return err
	}
	pc.rec.ClientID = cl.ClientID
	if err := c.repo.addCredentials(cl.ClientID, pc); err != nil {
		return err
	}
	return c.json(http.StatusCreated, pc.rec.response())
}

func listCredentials(c *call) error {
	unlock, err := c.repo.readLock()
	if err != nil {
		return err
	}
	defer unlock()
	cl, err := c.repo.client(c.id())
	if err != nil {
		return err
	}
	creds, err := c.repo.credentials(cl.ClientID)
	if err != nil {
		return err
	}
	out := make([]credentialResponse, 0, len(creds))
	for _, cr := range creds {
		out = append(out, cr.response())
	}
	return c.json(http.StatusOK, out)
}

var credentials = objects[credentialRecord]{
	find: func(c *call) (credentialRecord, error) {
		clientID, credID := c.credentialParams()
		if _, err := c.repo.client(clientID); err != nil {
			return credentialRecord{}, err
		}
		return c.repo.credential(clientID, credID)
	},
	save:   func(c *call, cr credentialRecord) error { return c.repo.put(KindCredentials, cr.ID, cr) },
	render: func(_ *call, cr credentialRecord) any { return cr.response() },
}

func getCredential(c *call) error { return getObject(c, credentials) }

func updateCredential(c *call) error {
	b, err := c.readBody("expires_at")
	if err != nil {
		return err
	}
	raw, ok := b.fields["expires_at"]
	if !ok {
		return errPayload("Too few properties defined (0), minimum 1")
	}
	var expires *string
	if jsonType(raw) != "null" {
		s, err := b.str("expires_at")
		if err != nil {
			return err
		}
		at, err := parseExpiry("expires_at", *s, c.s.now())
		if err != nil {
			return err
		}
		expires = &at
	}
	return updateObject(c, credentials, func(cr *credentialRecord) error {
		cr.ExpiresAt = expires
		cr.UpdatedAt = c.s.now().UTC().Format(time.RFC3339Nano)
		return nil
	})
}

func deleteCredential(c *call) error {
	return deleteObject(c, credentials, func(cr credentialRecord) error { return c.repo.deleteCredential(cr) })
}

// ---- client_authentication_methods ----

// clientAuthMethods is a client's client_authentication_methods, as stored and
// answered: the credentials enabled for private_key_jwt, by id.
type clientAuthMethods struct {
	PrivateKeyJWT *struct {
		Credentials []credentialRef `json:"credentials"`
	} `json:"private_key_jwt,omitempty"`
}

type credentialRef struct {
	ID string `json:"id"`
}

func (m clientAuthMethods) credentialIDs() []string {
	if m.PrivateKeyJWT == nil {
		return nil
	}
	ids := make([]string, 0, len(m.PrivateKeyJWT.Credentials))
	for _, r := range m.PrivateKeyJWT.Credentials {
		ids = append(ids, r.ID)
	}
	return ids
}

func newAuthMethods(ids []string) clientAuthMethods {
	var m clientAuthMethods
	m.PrivateKeyJWT = &struct {
		Credentials []credentialRef `json:"credentials"`
	}{Credentials: make([]credentialRef, 0, len(ids))}
	for _, id := range ids {
		m.PrivateKeyJWT.Credentials = append(m.PrivateKeyJWT.Credentials, credentialRef{ID: id})
	}
	return m
}

// usesPrivateKeyJWT says whether a client authenticates with assertions,
// and with which credentials.
func (cl clientRecord) usesPrivateKeyJWT() ([]string, bool) {
	raw, ok := cl.Extra["client_authentication_methods"]
	if !ok {
		return nil, false
	}
	var m clientAuthMethods
	if json.Unmarshal(raw, &m) != nil || m.PrivateKeyJWT == nil {
		return nil, false
	}
	return m.credentialIDs(), true
}

// authMethodsItems checks client_authentication_methods, which holds
// exactly one method, and returns the raw items of private_key_jwt's
// credentials.
func authMethodsItems(raw json.RawMessage) ([]json.RawMessage, error) {
	const name = "client_authentication_methods"
	if jsonType(raw) != "object" {
		return nil, errType(name, "object", raw)
	}
	b, err := decodeObject(raw)
	if err != nil {
		return nil, errType(name, "object", raw)
	}
	for _, k := range sortedKeys(b.fields) {
		switch k {
		case "private_key_jwt":
		case "tls_client_auth", "self_signed_tls_client_auth":
			return nil, errMTLSUnsupported(name + "." + k)
		default:
			return nil, errProperty(name, "Additional properties not allowed: "+k)
		}
	}
	pk, ok := b.fields["private_key_jwt"]
	if !ok {
		return nil, errProperty(name, "Too few properties defined (0), minimum 1")
	}
	if jsonType(pk) != "object" {
		return nil, errType(name+".private_key_jwt", "object", pk)
	}
	inner, err := decodeObject(pk)
	if err != nil {
		return nil, errType(name+".private_key_jwt", "object", pk)
	}
	for k := range inner.fields {
		if k != "credentials" {
			return nil, errProperty(name+".private_key_jwt", "Additional properties not allowed: "+k)
		}
	}
	list, ok := inner.fields["credentials"]
	if !ok {
		return nil, errPayload("Missing required property: " + name + ".private_key_jwt.credentials")
	}
	items, err := decodeArray(list)
	if jsonType(list) != "array" || err != nil {
		return nil, errType(name+".private_key_jwt.credentials", "array", list)
	}
	if len(items) > maxClientCredentials {
		return nil, errProperty(name+".private_key_jwt.credentials",
			"Array is too long ("+strconv.Itoa(len(items))+"), maximum "+strconv.Itoa(maxClientCredentials))
	}
	return items, nil
}

// newClientCredentials parses the fully defined credentials of a create.
func newClientCredentials(raw json.RawMessage, now time.Time) ([]parsedCredential, error) {
	items, err := authMethodsItems(raw)
	if err != nil {
		return nil, err
	}
	out := make([]parsedCredential, 0, len(items))
	for i, it := range items {
		prefix := "client_authentication_methods.private_key_jwt.credentials[" + strconv.Itoa(i) + "]."
		if jsonType(it) != "object" {
			return nil, errType(prefix[:len(prefix)-1], "object", it)
		}
		b, _ := decodeObject(it) // an object always decodes
		for _, k := range sortedKeys(b.fields) {
			if !contains(inlineCredentialSet, k) {
				return nil, errProperty(prefix[:len(prefix)-1], "Additional properties not allowed: "+k)
			}
		}
		pc, err := parseCredential(b, prefix, now)
		if err != nil {
			return nil, err
		}
		out = append(out, pc)
	}
	return out, nil
}

// credentialRefs parses the credential ids of an update.
func credentialRefs(raw json.RawMessage) ([]string, error) {
	items, err := authMethodsItems(raw)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(items))
	for i, it := range items {
		name := "client_authentication_methods.private_key_jwt.credentials[" + strconv.Itoa(i) + "]"
		var ref map[string]json.RawMessage
		if jsonType(it) != "object" || json.Unmarshal(it, &ref) != nil {
			return nil, errType(name, "object", it)
		}
		for k := range ref {
			if k != "id" {
				return nil, errProperty(name, "Additional properties not allowed: "+k)
			}
		}
		var id string
		if raw, ok := ref["id"]; !ok {
			return nil, errPayload("Missing required property: " + name + ".id")
		} else if jsonType(raw) != "string" || json.Unmarshal(raw, &id) != nil {
			return nil, errType(name+".id", "string", raw)
		}
		if contains(ids, id) {
			return nil, errProperty(name, "Array items are not unique")
		}
		ids = append(ids, id)
	}
	return ids, nil
}
