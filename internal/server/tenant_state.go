package server

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is defined as SHA-1 (RFC 7517 §4.8)
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// managementAPIKey is the stored Management API identifier (and audience):
// the real one, "<base>/api/v2/", depends on the request's Host. The braces
// make it an invalid URI, so that no user identifier collides with it.
const managementAPIKey = "{management-api}"

// tenant is what a tenant keeps in memory; its objects live in the Store.
type tenant struct {
	name string
	key  *signingKey

	// mu serialises changes that touch several objects (uniqueness checks,
	// cascading deletes).
	mu      sync.RWMutex
	deleted bool // under mu

	limiter limiter
	// verified caches signature checks, most of the cost of a Management
	// API read; expiry, issuer and audience are checked on every request.
	verified boundedCache[*accessClaims]
	// tokenAPIs caches, by API id, what issuing a token needs of an API.
	tokenAPIs boundedCache[cachedTokenAPI]
	// assertions are the client assertions' jtis in use.
	assertions seenAssertions
}

type signingKey struct {
	priv    *rsa.PrivateKey
	kid     string
	jwks    []byte // the rendered JWKS document
	certPEM string // as a client's signing_keys show it
}

type storedKey struct {
	PKCS8 []byte `json:"pkcs8"`
}

const keyID = "signing"

func generateKey() (*signingKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("server: generating a signing key: %w", err)
	}
	return newSigningKey(priv)
}

func newSigningKey(priv *rsa.PrivateKey) (*signingKey, error) {
	pub := jose.JSONWebKey{Key: &priv.PublicKey, Use: "sig", Algorithm: string(jose.RS256)}
	tp, err := pub.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("server: key thumbprint: %w", err)
	}
	// The kid is the key's RFC 7638 thumbprint: stable, with no state.
	pub.KeyID = base64.RawURLEncoding.EncodeToString(tp)
	cert, err := selfSignedCert(priv, pub.KeyID)
	if err != nil {
		return nil, fmt.Errorf("server: the key's certificate: %w", err)
	}
	pub.Certificates = []*x509.Certificate{cert}
	sum := sha1.Sum(cert.Raw) //nolint:gosec // x5t is defined as SHA-1 (RFC 7517 §4.8)
	pub.CertificateThumbprintSHA1 = sum[:]
	jwks, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}})
	if err != nil {
		return nil, fmt.Errorf("server: rendering the JWKS: %w", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	return &signingKey{priv: priv, kid: pub.KeyID, jwks: jwks, certPEM: string(certPEM)}, nil
}

// selfSignedCert derives everything from the key (PKCS #1 v1.5 signatures
// are deterministic), so that a reloaded key publishes the same
// certificate.
func selfSignedCert(priv *rsa.PrivateKey, kid string) (*x509.Certificate, error) {
	serial := new(big.Int).SetBytes([]byte(kid)[:16])
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "idp-server " + kid},
		NotBefore:             time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

func (s *Server) loadOrCreateKey(name string) (*signingKey, error) {
	raw, err := s.store.Get(name, KindKeys, keyID)
	if err == nil {
		var sk storedKey
		if err := json.Unmarshal(raw, &sk); err != nil {
			return nil, fmt.Errorf("server: decoding the key of tenant %q: %w", name, err)
		}
		k, err := x509.ParsePKCS8PrivateKey(sk.PKCS8)
		if err != nil {
			return nil, fmt.Errorf("server: parsing the key of tenant %q: %w", name, err)
		}
		priv, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("server: the key of tenant %q is not RSA", name)
		}
		return newSigningKey(priv)
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	key, err := generateKey()
	if err != nil {
		return nil, err
	}
	return key, s.storeKey(name, key)
}

func (s *Server) storeKey(name string, key *signingKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(key.priv)
	if err != nil {
		return err
	}
	return putJSON(s.store, name, KindKeys, keyID, storedKey{PKCS8: der})
}

func (s *Server) bootstrap() error {
	key, err := s.loadOrCreateKey(RootTenant)
	if err != nil {
		return err
	}
	root := &tenant{name: RootTenant, key: key}
	fresh, err := s.seedManagementAPI(RootTenant)
	if err != nil {
		return err
	}
	admin := clientRecord{
		ClientID:                s.adminID,
		ClientSecret:            s.AdminClientSecret(),
		Tenant:                  tenantLabel(RootTenant),
		Name:                    "Root Admin",
		AppType:                 ptr("non_interactive"),
		GrantTypes:              []string{"client_credentials"},
		TokenEndpointAuthMethod: "client_secret_post",
		IsFirstParty:            true,
	}
	if err := putJSON(s.store, RootTenant, KindClients, admin.ClientID, admin); err != nil {
		return err
	}
	if err := s.seedManagementGrant(RootTenant, admin.ClientID); err != nil {
		return err
	}
	if err := s.keyAdmin(); err != nil {
		return err
	}
	if fresh {
		if err := s.seedDefaultConnection(RootTenant, admin.ClientID); err != nil {
			return err
		}
	}
	s.tenants[RootTenant] = root

	recs, err := s.storedTenants()
	if err != nil {
		return err
	}
	for _, rec := range recs {
		key, err := s.loadOrCreateKey(rec.Name)
		if err != nil {
			return err
		}
		if _, err := s.seedManagementAPI(rec.Name); err != nil {
			return err
		}
		s.tenants[rec.Name] = &tenant{name: rec.Name, key: key}
	}
	return nil
}

// seedManagementAPI stores a tenant's Management API, or updates the scopes
// of one a previous version of the server stored.
func (s *Server) seedManagementAPI(name string) (created bool, err error) {
	scopes := managementScopes(name == RootTenant)
	var id string
	if err := getJSON(s.store, name, KindIndex, indexResourceServer(managementAPIKey), &id); err == nil {
		var rs resourceServerRecord
		if err := getJSON(s.store, name, KindResourceServers, id, &rs); err != nil {
			return false, err
		}
		rs.Scopes = &scopes
		rs.Name = ptr(managementAPIName)
		return false, putJSON(s.store, name, KindResourceServers, rs.ID, rs)
	} else if !errors.Is(err, ErrNotFound) {
		return false, err
	}
	rs := resourceServerRecord{
		ID:                  newResourceServerID(),
		Name:                ptr(managementAPIName),
		Identifier:          managementAPIKey,
		Scopes:              &scopes,
		SigningAlg:          "RS256",
		TokenLifetime:       86400,
		TokenLifetimeForWeb: 7200,
		IsSystem:            true,
	}
	if err := putJSON(s.store, name, KindResourceServers, rs.ID, rs); err != nil {
		return false, err
	}
	return true, putJSON(s.store, name, KindIndex, indexResourceServer(managementAPIKey), rs.ID)
}

const managementAPIName = "Auth0 Management API"

// seedDefaultConnection stores the database connection the real service
// gives a new tenant, enabled for its seeded clients.
func (s *Server) seedDefaultConnection(name string, clientIDs ...string) error {
	enabled := append([]string(nil), clientIDs...)
	sort.Strings(enabled)
	cn := connectionRecord{
		ID:       newConnectionID(),
		Name:     defaultConnectionName,
		Strategy: strategyDatabase,
		Options: extras{
			"mfa":                         json.RawMessage(`{"active":true,"return_enroll_settings":true}`),
			"passwordPolicy":              json.RawMessage(`"good"`),
			"password_complexity_options": json.RawMessage(`{"min_length":8}`),
			"brute_force_protection":      json.RawMessage(`true`),
			"strategy_version":            json.RawMessage(`2`),
		},
		Realms:         []string{defaultConnectionName},
		EnabledClients: enabled,
	}
	return repo{store: s.store, t: &tenant{name: name}}.createConnection(cn)
}

// seedManagementGrant grants clientID the served scopes, updating an
// existing grant.
func (s *Server) seedManagementGrant(name, clientID string) error {
	scopes := servedScopes(name == RootTenant)
	g := clientGrantRecord{ID: newClientGrantID(), ClientID: clientID, Audience: managementAPIKey, Scope: scopes}
	var existing string
	if err := getJSON(s.store, name, KindIndex, indexClientGrant(clientID, managementAPIKey), &existing); err == nil {
		g.ID = existing
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	if err := putJSON(s.store, name, KindClientGrants, g.ID, g); err != nil {
		return err
	}
	return putJSON(s.store, name, KindIndex, indexClientGrant(clientID, managementAPIKey), g.ID)
}

// storedTenants are the hosted tenants the store holds, which may include
// one whose deletion failed half-way.
func (s *Server) storedTenants() ([]tenantRecord, error) {
	raws, err := s.store.List(RootTenant, KindTenants)
	if err != nil {
		return nil, err
	}
	recs := make([]tenantRecord, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &recs[i]); err != nil {
			return nil, fmt.Errorf("server: decoding a stored tenant: %w", err)
		}
	}
	return recs, nil
}

// markDeleted waits for the tenant's requests in flight and makes any that
// found it a moment ago fail instead of writing into it.
func (t *tenant) markDeleted() {
	t.mu.Lock()
	t.deleted = true
	t.mu.Unlock()
}

func (s *Server) lookupTenant(name string) *tenant {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.tenants[name]
}

// tenantLabel is the "tenant" field of a client.
func tenantLabel(name string) string {
	if name == RootTenant {
		return "root"
	}
	return name
}

func indexResourceServer(identifier string) string { return "rs\x00" + identifier }
func indexClientGrant(clientID, audience string) string {
	return "cg\x00" + clientID + "\x00" + audience
}
func indexConnectionName(name string) string   { return "cn\x00" + name }
func indexOrganizationName(name string) string { return "org\x00" + name }
func indexCredentials(clientID string) string  { return "cred\x00" + clientID }
func indexTenantID(id string) string           { return "tid\x00" + id }

func ptr[T any](v T) *T { return &v }
