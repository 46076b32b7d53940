package server

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"maps"
	"net/http"
	"strings"
	"unicode"

	jose "github.com/go-jose/go-jose/v4"
)

type scopeRecord struct {
	Value       string `json:"value"`
	Description string `json:"description"`
}

// resourceServerRecord is an API, as stored. Pointer fields are omitted
// until set, as the real service omits them.
type resourceServerRecord struct {
	ID                  string         `json:"id"`
	Name                *string        `json:"name,omitempty"`
	Identifier          string         `json:"identifier"`
	Scopes              *[]scopeRecord `json:"scopes,omitempty"`
	SigningAlg          string         `json:"signing_alg"`
	SigningSecret       string         `json:"signing_secret,omitempty"`
	TokenLifetime       int64          `json:"token_lifetime"`
	TokenLifetimeForWeb int64          `json:"token_lifetime_for_web"`
	AllowOfflineAccess  bool           `json:"allow_offline_access"`
	SkipConsent         bool           `json:"skip_consent_for_verifiable_first_party_clients"`
	IsSystem            bool           `json:"is_system,omitempty"`
	// ClientID is the client linked to the API by its resource_server_identifier.
	ClientID string `json:"client_id,omitempty"`
	Extra    extras `json:"extra,omitempty"`
}

const maxTokenLifetime = 2592000 // 30 days, the real service's bound

var resourceServerProperties = append([]string{
	"name", "identifier", "scopes", "signing_alg", "signing_secret", "token_lifetime",
	"token_lifetime_for_web", "allow_offline_access", "skip_consent_for_verifiable_first_party_clients",
}, schemaNames(resourceServerSchema)...)

var resourceServerSchema = map[string]propSpec{
	"token_dialect":        pString(),
	"enforce_policies":     pBool(),
	"verificationLocation": pString(),
	"options":              pMap(pString()),
	"allow_online_access":  pBool(),
	"allow_online_access_with_ephemeral_sessions": pBool(),
	"consent_policy": pString().orNull(),
	"authorization_details": pArray(pObject(map[string]propSpec{
		"type": pString(),
	})).orNull(),
	"token_encryption": pObject(map[string]propSpec{
		"format": pString(),
		"encryption_key": pObject(map[string]propSpec{
			"name": pString(), "alg": pString(), "kid": pString(), "pem": pString(),
		}),
	}).orNull(),
	"proof_of_possession": pObject(map[string]propSpec{
		"mechanism":    pString(),
		"required":     pBool(),
		"required_for": pString(),
	}).orNull(),
	"subject_type_authorization": pObject(map[string]propSpec{
		"user":   pObject(map[string]propSpec{"policy": pString()}),
		"client": pObject(map[string]propSpec{"policy": pString()}),
	}),
	"authorization_policy": pObject(map[string]propSpec{"policy_id": pString()}).orNull(),
}

// resourceServerSigningAlgs is the spec's SigningAlgorithmEnum.
var resourceServerSigningAlgs = []string{"HS256", "RS256", "RS512", "PS256"}

const defaultSubjectTypeAuthorization = `{"client":{"policy":"require_client_grant"},"user":{"policy":"allow_all"}}`

func (c *call) renderResourceServer(rs resourceServerRecord) any {
	rs.Identifier = c.renderAudience(rs.Identifier)
	if rs.SigningAlg != string(jose.HS256) {
		rs.SigningSecret = ""
	}
	extra := maps.Clone(rs.Extra)
	rs.Extra = nil
	if extra == nil {
		extra = extras{}
	}
	if _, ok := extra["subject_type_authorization"]; !ok && !rs.IsSystem {
		extra["subject_type_authorization"] = json.RawMessage(defaultSubjectTypeAuthorization)
	}
	if raw, ok := extra["token_encryption"]; ok {
		extra["token_encryption"] = renderTokenEncryption(raw)
	}
	return renderWithExtras(rs, extra)
}

// renderTokenEncryption replaces a key's pem with its thumbprint_sha256: of
// the public key (RFC 7638), or of the PEM's bytes when it holds no key the
// server can read.
func renderTokenEncryption(raw json.RawMessage) json.RawMessage {
	var te map[string]json.RawMessage
	if json.Unmarshal(raw, &te) != nil {
		return raw
	}
	var key map[string]json.RawMessage
	if json.Unmarshal(te["encryption_key"], &key) != nil {
		return raw
	}
	var pemText string
	if json.Unmarshal(key["pem"], &pemText) != nil {
		return raw
	}
	delete(key, "pem")
	thumb, _ := json.Marshal(pemThumbprint(pemText))
	key["thumbprint_sha256"] = thumb
	te["encryption_key"], _ = json.Marshal(key)
	out, err := json.Marshal(te)
	if err != nil {
		return raw
	}
	return out
}

func pemThumbprint(text string) string {
	if block, _ := pem.Decode([]byte(text)); block != nil {
		var pub any
		if cert, err := x509.ParseCertificate(block.Bytes); err == nil {
			pub = cert.PublicKey
		} else if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
			pub = k
		}
		if pub != nil {
			if tp, err := (&jose.JSONWebKey{Key: pub}).Thumbprint(crypto.SHA256); err == nil {
				return base64.RawURLEncoding.EncodeToString(tp)
			}
		}
	}
	sum := sha256.Sum256([]byte(text))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func errInexistentResourceServer() *apiError {
	return newError(http.StatusNotFound, "inexistent_resource_server", "The resource server does not exist")
}

func errSystemAPI(verb string) *apiError {
	return newError(http.StatusForbidden, "operation_not_supported", "The Management API is a system API and cannot be "+verb)
}

func applyResourceServer(b *body, rs *resourceServerRecord) error {
	name, err := b.str("name")
	if err != nil {
		return err
	}
	if name != nil {
		if err := checkLength("name", *name, 1, 200); err != nil {
			return err
		}
		rs.Name = name
	}
	if b.has("scopes") {
		scopes, err := decodeScopes(b)
		if err != nil {
			return err
		}
		rs.Scopes = &scopes
	}
	alg, err := b.str("signing_alg")
	if err != nil {
		return err
	}
	if alg != nil {
		if !contains(resourceServerSigningAlgs, *alg) {
			return errProperty("signing_alg", "No enum match for: "+*alg)
		}
		rs.SigningAlg = *alg
	}
	secret, err := b.str("signing_secret")
	if err != nil {
		return err
	}
	if secret != nil {
		rs.SigningSecret = *secret
	}
	lifetime, err := b.integer("token_lifetime", 0, maxTokenLifetime)
	if err != nil {
		return err
	}
	if lifetime != nil {
		rs.TokenLifetime = *lifetime
	}
	web, err := b.integer("token_lifetime_for_web", 0, maxTokenLifetime)
	if err != nil {
		return err
	}
	if web != nil {
		rs.TokenLifetimeForWeb = *web
	}
	offline, err := b.boolean("allow_offline_access")
	if err != nil {
		return err
	}
	if offline != nil {
		rs.AllowOfflineAccess = *offline
	}
	skip, err := b.boolean("skip_consent_for_verifiable_first_party_clients")
	if err != nil {
		return err
	}
	if skip != nil {
		rs.SkipConsent = *skip
	}
	return applyExtras(b, resourceServerSchema, &rs.Extra)
}

// decodeScopes refuses whitespace in a value: a token's scope claim is
// space-separated.
func decodeScopes(b *body) ([]scopeRecord, error) {
	raw := b.fields["scopes"]
	if jsonType(raw) != "array" {
		return nil, errType("scopes", "array", raw)
	}
	items, err := decodeArray(raw)
	if err != nil {
		return nil, errType("scopes", "array", raw)
	}
	out := make([]scopeRecord, 0, len(items))
	for _, it := range items {
		if jsonType(it) != "object" {
			return nil, errType("scopes", "object", it)
		}
		sb, err := decodeObject(it)
		if err != nil {
			return nil, errType("scopes", "object", it)
		}
		for k := range sb.fields {
			if k != "value" && k != "description" {
				return nil, errProperty("scopes", "Additional properties not allowed: "+k)
			}
		}
		value, err := sb.str("value")
		if err != nil {
			return nil, err
		}
		if value == nil {
			return nil, errProperty("scopes", "Missing required property: value")
		}
		if *value == "" || strings.IndexFunc(*value, unicode.IsSpace) >= 0 || len(*value) > 280 {
			return nil, errProperty("scopes", "Invalid scope value: "+*value)
		}
		desc, err := sb.str("description")
		if err != nil {
			return nil, err
		}
		for _, prev := range out {
			if prev.Value == *value {
				return nil, errProperty("scopes", "Duplicate scope value: "+*value)
			}
		}
		sc := scopeRecord{Value: *value}
		if desc != nil {
			sc.Description = *desc
		}
		out = append(out, sc)
	}
	return out, nil
}

func createResourceServer(c *call) error {
	b, err := c.readBody(resourceServerProperties...)
	if err != nil {
		return err
	}
	identifier, err := b.str("identifier")
	if err != nil {
		return err
	}
	if identifier == nil {
		return errPayload("Missing required property: identifier")
	}
	if err := checkLength("identifier", *identifier, 1, 600); err != nil {
		return err
	}
	// Any string of 1 to 600 characters: the spec asks no URI (e.g. "admin.api").
	stored := c.storedAudience(*identifier)
	rs := resourceServerRecord{
		ID:                  newResourceServerID(),
		Identifier:          stored,
		SigningAlg:          "RS256",
		TokenLifetime:       86400,
		TokenLifetimeForWeb: 7200,
	}
	if err := applyResourceServer(b, &rs); err != nil {
		return err
	}
	if rs.SigningSecret == "" {
		rs.SigningSecret = newSigningSecret()
	}

	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := c.repo.roomFor(KindResourceServers, c.s.maxObjects); err != nil {
		return err
	}
	if err := c.repo.createResourceServer(rs); err != nil {
		return err
	}
	return c.json(http.StatusCreated, c.renderResourceServer(rs))
}

var resourceServers = objects[resourceServerRecord]{
	find: func(c *call) (resourceServerRecord, error) {
		return c.repo.findResourceServer(c.param, c.storedAudience)
	},
	save: func(c *call, rs resourceServerRecord) error {
		return c.repo.put(KindResourceServers, rs.ID, rs)
	},
	render: (*call).renderResourceServer,
}

func getResourceServer(c *call) error { return getObject(c, resourceServers) }

func listResourceServers(c *call) error {
	var keep func(resourceServerRecord) bool
	if ids, ok := c.r.URL.Query()["identifiers"]; ok {
		stored := make([]string, 0, len(ids))
		for _, id := range ids {
			stored = append(stored, c.storedAudience(id))
		}
		keep = func(rs resourceServerRecord) bool { return contains(stored, rs.Identifier) }
	}
	return listPage(c, KindResourceServers, "resource_servers", keep,
		func(rs resourceServerRecord) any { return c.renderResourceServer(rs) })
}

// resourceServerUpdatable leaves out identifier, which is immutable, so that
// sending it is "Additional properties not allowed", as on the real service.
var resourceServerUpdatable = func() []string {
	props := make([]string, 0, len(resourceServerProperties))
	for _, p := range resourceServerProperties {
		if p != "identifier" {
			props = append(props, p)
		}
	}
	return props
}()

func updateResourceServer(c *call) error {
	b, err := c.readBody(resourceServerUpdatable...)
	if err != nil {
		return err
	}
	return updateObject(c, resourceServers, func(rs *resourceServerRecord) error {
		if rs.IsSystem {
			return errSystemAPI("modified")
		}
		return applyResourceServer(b, rs)
	})
}

func deleteResourceServer(c *call) error {
	return deleteObject(c, resourceServers, func(rs resourceServerRecord) error {
		if rs.IsSystem {
			return errSystemAPI("deleted")
		}
		return c.repo.deleteResourceServer(rs)
	})
}
