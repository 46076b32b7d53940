package server

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// credentialRecord is a client's credential, as stored: a public key for
// private_key_jwt, or a certificate (x509_cert) or a certificate's subject
// (cert_subject_dn) for the mTLS methods. The PEM is kept to verify
// assertions and never answered.
type credentialRecord struct {
	ID             string  `json:"id"`
	ClientID       string  `json:"client_id"`
	Name           string  `json:"name"`
	CredentialType string  `json:"credential_type"`
	KeyID          string  `json:"kid"`
	Alg            string  `json:"alg"`
	PEM            string  `json:"pem"`
	SubjectDN      string  `json:"subject_dn,omitempty"`
	Thumbprint     string  `json:"thumbprint_sha256,omitempty"`
	CreatedAt      string  `json:"created_at"`
	UpdatedAt      string  `json:"updated_at"`
	ExpiresAt      *string `json:"expires_at,omitempty"`
}

type credentialResponse struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	KeyID          string  `json:"kid,omitempty"`
	Alg            string  `json:"alg,omitempty"`
	CredentialType string  `json:"credential_type"`
	SubjectDN      string  `json:"subject_dn,omitempty"`
	Thumbprint     string  `json:"thumbprint_sha256,omitempty"`
	CreatedAt      string  `json:"created_at"`
	UpdatedAt      string  `json:"updated_at"`
	ExpiresAt      *string `json:"expires_at,omitempty"`
}

func (cr credentialRecord) response() credentialResponse {
	return credentialResponse{ID: cr.ID, Name: cr.Name, KeyID: cr.KeyID, Alg: cr.Alg,
		CredentialType: cr.CredentialType, SubjectDN: cr.SubjectDN, Thumbprint: cr.Thumbprint, CreatedAt: cr.CreatedAt, UpdatedAt: cr.UpdatedAt, ExpiresAt: cr.ExpiresAt}
}

const (
	credentialPublicKey = "public_key"
	credentialX509Cert  = "x509_cert"       //nolint:gosec // the spec's name of a credential type, no credential
	credentialSubjectDN = "cert_subject_dn" //nolint:gosec // likewise
	// maxClientCredentials is Auth0's documented limit, which leaves room
	// for one rotation at a time.
	maxClientCredentials = 2
	minCredentialBits    = 2048
	maxCredentialBits    = 4096
)

var (
	credentialTypes     = []string{credentialPublicKey, credentialSubjectDN, credentialX509Cert}
	credentialAlgs      = []string{"RS256", "RS384", "PS256"}
	credentialFields    = []string{"credential_type", "name", "subject_dn", "pem", "alg", "parse_expiry_from_cert", "expires_at", "kid"}
	inlineCredentialSet = []string{"credential_type", "name", "subject_dn", "pem", "alg", "parse_expiry_from_cert", "expires_at", "kid"}
	reCredentialKeyID   = regexp.MustCompile(`^[0-9a-zA-Z_-]{10,64}$`)
)

func errInexistentCredential() *apiError {
	return newError(http.StatusNotFound, "inexistent_credential", "The credential does not exist")
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
	rec := credentialRecord{CredentialType: *typ}
	if name, err := b.str("name"); err != nil {
		return pc, prefixed(err, prefix)
	} else if name != nil {
		if err := checkLength(prefix+"name", *name, 0, 128); err != nil {
			return pc, err
		}
		rec.Name = *name
	}
	if *typ != credentialPublicKey {
		return parseCertCredential(b, prefix, rec, now)
	}
	if b.has("subject_dn") {
		return pc, errProperty(prefix+"subject_dn", "subject_dn applies to cert_subject_dn credentials only")
	}
	rec.Alg = "RS256"
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

// parseCertCredential checks the rest of an mTLS credential: an x509_cert's
// pem is a certificate, answered by its SHA-256 thumbprint and expiring with
// it; a cert_subject_dn has a subject_dn or a certificate's pem to take it
// from, as Auth0's answers recorded in the official provider's test data
// show (one RDN a line, in the certificate's order). The properties of
// public_key credentials are refused. idp-server terminates no client
// certificates, so such a client gets no token from it.
func parseCertCredential(b *body, prefix string, rec credentialRecord, now time.Time) (parsedCredential, error) {
	for _, k := range []string{"alg", "kid", "parse_expiry_from_cert", "expires_at"} {
		if b.has(k) {
			return parsedCredential{}, errProperty(prefix+k, k+" applies to public_key credentials only")
		}
	}
	subject, err := b.str("subject_dn")
	if err != nil {
		return parsedCredential{}, prefixed(err, prefix)
	}
	pemText, err := b.str("pem")
	if err != nil {
		return parsedCredential{}, prefixed(err, prefix)
	}
	switch {
	case subject != nil && rec.CredentialType == credentialX509Cert:
		return parsedCredential{}, errProperty(prefix+"subject_dn", "subject_dn applies to cert_subject_dn credentials only")
	case subject != nil && pemText != nil:
		return parsedCredential{}, errInvalidBody("subject_dn and pem cannot both be set")
	case subject != nil:
		if err := checkLength(prefix+"subject_dn", *subject, 1, 256); err != nil {
			return parsedCredential{}, err
		}
		rec.SubjectDN = *subject
	case pemText == nil:
		return parsedCredential{}, errPayload("Missing required property: " + prefix + "pem")
	default:
		cert, err := parseCertificatePEM(*pemText)
		if err != nil {
			return parsedCredential{}, errProperty(prefix+"pem", err.Error())
		}
		if rec.CredentialType == credentialSubjectDN {
			rec.SubjectDN = subjectLines(cert)
			break
		}
		if !cert.NotAfter.After(now) {
			return parsedCredential{}, errProperty(prefix+"pem", "the certificate has already expired")
		}
		rec.PEM = *pemText
		sum := sha256.Sum256(cert.Raw)
		rec.Thumbprint = base64.RawURLEncoding.EncodeToString(sum[:])
		rec.ExpiresAt = ptr(cert.NotAfter.UTC().Format(time.RFC3339Nano))
	}
	stamp := now.UTC().Format(time.RFC3339Nano)
	rec.ID, rec.CreatedAt, rec.UpdatedAt = newCredentialID(), stamp, stamp
	return parsedCredential{rec: rec}, nil
}

// onePEMBlock is the one PEM block a credential's pem must hold.
func onePEMBlock(text string) (*pem.Block, error) {
	block, rest := pem.Decode([]byte(text))
	switch {
	case block == nil:
		return nil, errorString("the pem is not PEM-encoded")
	case len(bytes.TrimSpace(rest)) != 0:
		return nil, errorString("the pem holds more than one PEM block")
	}
	return block, nil
}

// parseCertificatePEM accepts one X.509 certificate.
func parseCertificatePEM(text string) (*x509.Certificate, error) {
	block, err := onePEMBlock(text)
	if err != nil {
		return nil, err
	}
	if block.Type != "CERTIFICATE" {
		return nil, errorString("the pem must be an X.509 certificate, not " + block.Type)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, errorString("the pem does not parse: " + err.Error())
	}
	return cert, nil
}

// rdnNames are the short names of the usual subject attributes.
var rdnNames = map[string]string{"2.5.4.6": "C", "2.5.4.8": "ST", "2.5.4.7": "L", "2.5.4.10": "O", "2.5.4.11": "OU",
	"2.5.4.3": "CN", "2.5.4.5": "SERIALNUMBER", "2.5.4.9": "STREET", "2.5.4.17": "POSTALCODE", "0.9.2342.19200300.100.1.25": "DC",
	"0.9.2342.19200300.100.1.1": "UID", "1.2.840.113549.1.9.1": "emailAddress"}

// subjectLines is a certificate's subject as Auth0 answers a cert_subject_dn
// taken from one: "C=es\nST=Madrid\n...\nCN=...", in the certificate's order.
func subjectLines(cert *x509.Certificate) string {
	var rdns pkix.RDNSequence
	if _, err := asn1.Unmarshal(cert.RawSubject, &rdns); err != nil {
		return cert.Subject.String()
	}
	var lines []string
	for _, set := range rdns {
		for _, atv := range set {
			name, ok := rdnNames[atv.Type.String()]
			if !ok {
				name = atv.Type.String()
			}
			lines = append(lines, name+"="+fmt.Sprint(atv.Value))
		}
	}
	return strings.Join(lines, "\n")
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
	block, err := onePEMBlock(text)
	if err != nil {
		return nil, nil, err
	}
	var pub any
	var cert *x509.Certificate
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

// authMethodTypes are the client_authentication_methods, each with the type
// of the credentials it takes.
var authMethodTypes = map[string]string{
	"private_key_jwt":             credentialPublicKey,
	"tls_client_auth":             credentialSubjectDN,
	"self_signed_tls_client_auth": credentialX509Cert,
}

// clientAuthMethods is a client's client_authentication_methods, as stored and
// answered: its one method and the credentials enabled for it, by id.
type clientAuthMethods map[string]*struct {
	Credentials []credentialRef `json:"credentials"`
}

type credentialRef struct {
	ID string `json:"id"`
}

func newAuthMethods(method string, ids []string) clientAuthMethods {
	refs := make([]credentialRef, 0, len(ids))
	for _, id := range ids {
		refs = append(refs, credentialRef{ID: id})
	}
	return clientAuthMethods{method: {Credentials: refs}}
}

// authMethod is the client's client_authentication_methods: the method and
// its credentials' ids.
func (cl clientRecord) authMethod() (method string, ids []string, ok bool) {
	raw, ok := cl.Extra["client_authentication_methods"]
	if !ok {
		return "", nil, false
	}
	var m clientAuthMethods
	if json.Unmarshal(raw, &m) != nil {
		return "", nil, false
	}
	for k, v := range m {
		if v == nil {
			continue
		}
		ids = make([]string, 0, len(v.Credentials))
		for _, r := range v.Credentials {
			ids = append(ids, r.ID)
		}
		return k, ids, true
	}
	return "", nil, false
}

// usesPrivateKeyJWT says whether a client authenticates with assertions,
// and with which credentials.
func (cl clientRecord) usesPrivateKeyJWT() ([]string, bool) {
	method, ids, ok := cl.authMethod()
	return ids, ok && method == "private_key_jwt"
}

// authMethodsItems checks client_authentication_methods, which holds
// exactly one method, and returns it with the raw items of its credentials.
func authMethodsItems(raw json.RawMessage) (string, []json.RawMessage, error) {
	const name = "client_authentication_methods"
	if jsonType(raw) != "object" {
		return "", nil, errType(name, "object", raw)
	}
	b, err := decodeObject(raw)
	if err != nil {
		return "", nil, errType(name, "object", raw)
	}
	keys := sortedKeys(b.fields)
	for _, k := range keys {
		if _, ok := authMethodTypes[k]; !ok {
			return "", nil, errProperty(name, "Additional properties not allowed: "+k)
		}
	}
	switch {
	case len(keys) == 0:
		return "", nil, errProperty(name, "Too few properties defined (0), minimum 1")
	case len(keys) > 1:
		return "", nil, errProperty(name, "Too many properties defined ("+strconv.Itoa(len(keys))+"), maximum 1")
	}
	method := keys[0]
	pk := b.fields[method]
	if jsonType(pk) != "object" {
		return "", nil, errType(name+"."+method, "object", pk)
	}
	inner, err := decodeObject(pk)
	if err != nil {
		return "", nil, errType(name+"."+method, "object", pk)
	}
	for k := range inner.fields {
		if k != "credentials" {
			return "", nil, errProperty(name+"."+method, "Additional properties not allowed: "+k)
		}
	}
	list, ok := inner.fields["credentials"]
	if !ok {
		return "", nil, errPayload("Missing required property: " + name + "." + method + ".credentials")
	}
	items, err := decodeArray(list)
	if jsonType(list) != "array" || err != nil {
		return "", nil, errType(name+"."+method+".credentials", "array", list)
	}
	if len(items) > maxClientCredentials {
		return "", nil, errProperty(name+"."+method+".credentials",
			"Array is too long ("+strconv.Itoa(len(items))+"), maximum "+strconv.Itoa(maxClientCredentials))
	}
	return method, items, nil
}

// errCredentialType refuses a credential that the method does not take.
func errCredentialType(method, typ string) *apiError {
	return errInvalidBody(method + " takes " + authMethodTypes[method] + " credentials, not " + typ)
}

// newClientCredentials parses the fully defined credentials of a create.
func newClientCredentials(raw json.RawMessage, now time.Time) (string, []parsedCredential, error) {
	method, items, err := authMethodsItems(raw)
	if err != nil {
		return "", nil, err
	}
	out := make([]parsedCredential, 0, len(items))
	for i, it := range items {
		prefix := "client_authentication_methods." + method + ".credentials[" + strconv.Itoa(i) + "]."
		if jsonType(it) != "object" {
			return "", nil, errType(prefix[:len(prefix)-1], "object", it)
		}
		b, _ := decodeObject(it) // an object always decodes
		for _, k := range sortedKeys(b.fields) {
			if !contains(inlineCredentialSet, k) {
				return "", nil, errProperty(prefix[:len(prefix)-1], "Additional properties not allowed: "+k)
			}
		}
		pc, err := parseCredential(b, prefix, now)
		if err != nil {
			return "", nil, err
		}
		if pc.rec.CredentialType != authMethodTypes[method] {
			return "", nil, errCredentialType(method, pc.rec.CredentialType)
		}
		out = append(out, pc)
	}
	return method, out, nil
}

// credentialRefs parses the method and credential ids of an update.
func credentialRefs(raw json.RawMessage) (string, []string, error) {
	method, items, err := authMethodsItems(raw)
	if err != nil {
		return "", nil, err
	}
	ids := make([]string, 0, len(items))
	for i, it := range items {
		name := "client_authentication_methods." + method + ".credentials[" + strconv.Itoa(i) + "]"
		var ref map[string]json.RawMessage
		if jsonType(it) != "object" || json.Unmarshal(it, &ref) != nil {
			return "", nil, errType(name, "object", it)
		}
		for k := range ref {
			if k != "id" {
				return "", nil, errProperty(name, "Additional properties not allowed: "+k)
			}
		}
		var id string
		if raw, ok := ref["id"]; !ok {
			return "", nil, errPayload("Missing required property: " + name + ".id")
		} else if jsonType(raw) != "string" || json.Unmarshal(raw, &id) != nil {
			return "", nil, errType(name+".id", "string", raw)
		}
		if contains(ids, id) {
			return "", nil, errProperty(name, "Array items are not unique")
		}
		ids = append(ids, id)
	}
	return method, ids, nil
}
