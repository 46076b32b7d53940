package server

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// tokenClaims has aud a string, not an array, as the real service issues it.
type tokenClaims struct {
	Issuer          string `json:"iss"`
	Subject         string `json:"sub"`
	Audience        string `json:"aud"`
	IssuedAt        int64  `json:"iat"`
	Expiry          int64  `json:"exp"`
	Scope           string `json:"scope"`
	GrantType       string `json:"gty"`
	AuthorizedParty string `json:"azp"`
	ID              string `json:"jti"`
	OrgID           string `json:"org_id,omitempty"`
	OrgName         string `json:"org_name,omitempty"`
}

// rfc9068Claims are a token's claims under an API whose token_dialect is
// rfc9068_profile or rfc9068_profile_authz (Auth0's "Access Token
// Profiles"): client_id instead of azp, no gty, typ at+jwt in the header.
// A client-credentials token has no permissions claim in either dialect:
// RBAC is about users.
type rfc9068Claims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"`
	Audience string `json:"aud"`
	ClientID string `json:"client_id"`
	IssuedAt int64  `json:"iat"`
	Expiry   int64  `json:"exp"`
	ID       string `json:"jti"`
	Scope    string `json:"scope"`
	OrgID    string `json:"org_id,omitempty"`
	OrgName  string `json:"org_name,omitempty"`
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

func errOAuth(status int, code, description string) *apiError {
	return newError(status, code, description)
}

func errInvalidRequest(description string) *apiError {
	return errOAuth(http.StatusBadRequest, "invalid_request", description)
}

func errNotUTF8Param() *apiError {
	return errInvalidRequest("The request body is not valid UTF-8")
}

func (c *call) tokenParams() (map[string]string, error) {
	raw, err := c.readAll()
	if err != nil {
		return nil, err
	}
	// Checked before encoding/json can replace invalid sequences with
	// U+FFFD; form values again once decoded, since percent-encoding can
	// hide them.
	if !utf8.Valid(raw) {
		return nil, errNotUTF8Param()
	}
	params := map[string]string{}
	mediaType := ""
	if ct := c.r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			return nil, errInvalidRequest("Invalid Content-Type header")
		}
		mediaType = mt
	}
	switch {
	case mediaType == "application/json" || strings.HasSuffix(mediaType, "+json"):
		var fields map[string]json.RawMessage
		trimmed := bytes.TrimSpace(raw)
		if !json.Valid(trimmed) || jsonType(trimmed) != "object" || json.Unmarshal(trimmed, &fields) != nil {
			return nil, errInvalidRequest("The request body must be a JSON object")
		}
		for _, name := range []string{"grant_type", "client_id", "client_secret", "audience", "scope",
			"client_assertion", "client_assertion_type", "organization"} {
			v, ok := fields[name]
			if !ok || jsonType(v) == "null" {
				continue
			}
			var s string
			if jsonType(v) != "string" || json.Unmarshal(v, &s) != nil {
				return nil, errInvalidRequest("The parameter " + name + " must be a string")
			}
			params[name] = s
		}
	case mediaType == "application/x-www-form-urlencoded" || mediaType == "":
		values, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, errInvalidRequest("The request body is not valid form data")
		}
		for name, vs := range values {
			if !utf8.ValidString(name) || !utf8.ValidString(vs[0]) {
				return nil, errNotUTF8Param()
			}
			if len(vs) > 1 {
				// RFC 6749 §3.2: parameters must not be repeated.
				return nil, errInvalidRequest("The parameter " + name + " is repeated")
			}
			params[name] = vs[0]
		}
	default:
		return nil, errInvalidRequest("Content-Type must be application/json or application/x-www-form-urlencoded")
	}
	return params, nil
}

// clientCredentials combines HTTP Basic and body credentials; basic says
// the secret came in the Authorization header.
func (c *call) clientCredentials(params map[string]string) (id, secret string, basic bool, err error) {
	id, secret = params["client_id"], params["client_secret"]
	user, pass, ok := c.r.BasicAuth()
	if !ok {
		if c.r.Header.Get("Authorization") != "" && strings.HasPrefix(strings.ToLower(c.r.Header.Get("Authorization")), "basic") {
			return "", "", false, errInvalidRequest("Malformed Basic authorization header")
		}
		return id, secret, false, nil
	}
	// RFC 6749 §2.3.1: Basic credentials are form-encoded first.
	u, err1 := url.QueryUnescape(user)
	p, err2 := url.QueryUnescape(pass)
	if err1 != nil || err2 != nil {
		return "", "", false, errInvalidRequest("Malformed Basic authorization header")
	}
	if (id != "" && id != u) || (secret != "" && secret != p) {
		return "", "", false, errInvalidRequest("Client credentials in the Authorization header and the body disagree")
	}
	return u, p, true, nil
}

func handleToken(c *call) error {
	params, err := c.tokenParams()
	if err != nil {
		return err
	}
	grantType := params["grant_type"]
	if grantType == "" {
		return errInvalidRequest("Missing required parameter: grant_type")
	}
	if grantType != "client_credentials" {
		return errOAuth(http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type: "+grantType)
	}
	clientID, secret, basic, err := c.clientCredentials(params)
	if err != nil {
		return err
	}
	auth, err := assertionAuth(params, clientID, secret != "" || basic)
	if isClientAuthFailure(err) {
		c.s.logins.failed(c.r.Context(), loginKey(c.t.name, clientID, c.r.RemoteAddr))
	}
	if err != nil {
		return err
	}
	if auth == nil {
		auth = &clientAuth{id: clientID, secret: secret, basic: basic}
	}
	clientID = auth.id
	if clientID == "" {
		return errInvalidRequest("Missing required parameter: client_id")
	}
	audience := params["audience"]

	unlock, err := c.repo.readLock()
	if err != nil {
		return err
	}
	if audience == "" {
		// Auth0 takes the tenant's default audience (its settings'
		// default_audience) for a request without one.
		if audience, err = c.repo.defaultAudience(); err == nil && audience == "" {
			err = errOAuth(http.StatusForbidden, "access_denied",
				"No audience parameter was provided, and no default audience has been configured")
		}
		if err != nil {
			unlock()
			return err
		}
	}
	issue, err := c.authorizeToken(auth, audience, params["scope"], params["organization"])
	unlock()
	key := loginKey(c.t.name, clientID, c.r.RemoteAddr)
	if isClientAuthFailure(err) {
		c.s.logins.failed(c.r.Context(), key)
		return err
	}
	c.s.logins.succeeded(key)
	if err != nil {
		return err
	}
	token, err := c.sign(issue)
	if err != nil {
		return err
	}
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.Header().Set("Pragma", "no-cache")
	return c.json(http.StatusOK, tokenResponse{
		AccessToken: token,
		TokenType:   "Bearer",
		ExpiresIn:   issue.api.tokenLifetime,
		Scope:       strings.Join(issue.scopes, " "),
	})
}

type issuance struct {
	clientID string
	audience string // as the client spelled it
	api      *tokenAPI
	scopes   []string
	orgID    string
	orgName  string // only when the tenant allows organization names
}

type tokenAPI struct {
	signingAlg    string
	signingSecret string
	tokenLifetime int64
	scopes        []string // in the API's order
	rfc9068       bool     // its token_dialect is one of the RFC 9068 profile's
}

// cachedTokenAPI spares a token the decoding of its API, the largest cost
// after the signature (the Management API has some 150 scopes). An entry
// is used only while the API's stored bytes are the same, so no write needs
// to invalidate it.
type cachedTokenAPI struct {
	raw []byte
	api *tokenAPI
}

func (p repo) tokenAPIFor(identifier string) (*tokenAPI, error) {
	id, raw, err := p.rawResourceServerByIdentifier(identifier)
	if err != nil {
		return nil, err
	}
	if cached, ok := p.t.tokenAPIs.get(id); ok && bytes.Equal(cached.raw, raw) {
		return cached.api, nil
	}
	var rs resourceServerRecord
	if err := decodeJSON(KindResourceServers, id, raw, &rs); err != nil {
		return nil, err
	}
	api := &tokenAPI{signingAlg: rs.SigningAlg, signingSecret: rs.SigningSecret, tokenLifetime: rs.TokenLifetime}
	var dialect string
	if raw, ok := rs.Extra["token_dialect"]; ok && json.Unmarshal(raw, &dialect) == nil {
		api.rfc9068 = dialect == "rfc9068_profile" || dialect == "rfc9068_profile_authz"
	}
	if rs.Scopes != nil {
		for _, sc := range *rs.Scopes {
			api.scopes = append(api.scopes, sc.Value)
		}
	}
	p.t.tokenAPIs.put(id, cachedTokenAPI{raw: raw, api: api})
	return api, nil
}

// errClientAuth is the token endpoint's answer to a wrong secret; a
// refused assertion is invalid_client.
func errClientAuth() *apiError {
	return errOAuth(http.StatusUnauthorized, "access_denied", "Unauthorized")
}

func isClientAuthFailure(err error) bool {
	var e *apiError
	return errors.As(err, &e) && e.Status == http.StatusUnauthorized
}

// authorizeToken checks the client, its grant and the requested scopes.
// The caller holds the tenant's read lock.
func (c *call) authorizeToken(auth *clientAuth, audience, scope, organization string) (*issuance, error) {
	clientID := auth.id
	var client clientRecord
	if err := c.repo.get(KindClients, clientID, &client); err != nil {
		if errors.Is(err, ErrNotFound) {
			if auth.assertion != nil {
				return nil, errInvalidClient("Unknown client")
			}
			return nil, errClientAuth()
		}
		return nil, err
	}
	if auth.assertion != nil {
		if err := c.verifyAssertion(client, auth); err != nil {
			return nil, err
		}
	} else if _, _, methods := client.authMethod(); methods ||
		subtle.ConstantTimeCompare([]byte(auth.secret), []byte(client.ClientSecret)) != 1 ||
		(client.TokenEndpointAuthMethod == authSecretBasic && !auth.basic) {
		// The secret of a client with client_authentication_methods (private_key_jwt, or
		// an mTLS method, which idp-server cannot serve) opens nothing.
		return nil, errClientAuth()
	}
	if client.TokenEndpointAuthMethod == authNone {
		return nil, errOAuth(http.StatusForbidden, "unauthorized_client", "Grant type 'client_credentials' not allowed for the client.")
	}
	if !contains(client.GrantTypes, "client_credentials") {
		return nil, errOAuth(http.StatusForbidden, "unauthorized_client", "Grant type 'client_credentials' not allowed for the client.")
	}
	stored := c.storedAudience(audience)
	api, err := c.repo.tokenAPIFor(stored)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, errOAuth(http.StatusForbidden, "access_denied", "Service not found: "+audience)
		}
		return nil, err
	}
	grant, err := c.repo.grantFor(client, stored)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, errOAuth(http.StatusForbidden, "access_denied",
				`Client is not authorized to access "`+audience+`". You need to create a "client-grant" associated to this API.`)
		}
		return nil, err
	}
	orgID, orgName, err := c.tokenOrganization(grant, audience, organization)
	if err != nil {
		return nil, err
	}
	// A scope the API no longer defines is not granted any more.
	var granted []string
	for _, sc := range api.scopes {
		if grant.grantsAllScopes() || contains(grant.Scope, sc) {
			granted = append(granted, sc)
		}
	}
	scopes := granted
	if requested := strings.Fields(scope); len(requested) > 0 {
		var missing []string
		for _, r := range requested {
			if !contains(granted, r) && !contains(missing, r) {
				missing = append(missing, r)
			}
		}
		if len(missing) > 0 {
			return nil, errOAuth(http.StatusForbidden, "access_denied", "Client has not been granted scopes: "+strings.Join(missing, " "))
		}
		scopes = nil
		for _, g := range granted {
			if contains(requested, g) {
				scopes = append(scopes, g)
			}
		}
	}
	return &issuance{clientID: clientID, audience: audience, api: api, scopes: scopes, orgID: orgID, orgName: orgName}, nil
}

func (c *call) sign(iss *issuance) (string, error) {
	now := c.s.now().Unix()
	var claims any = tokenClaims{
		Issuer:          c.issuer(),
		Subject:         iss.clientID + "@clients",
		Audience:        iss.audience,
		IssuedAt:        now,
		Expiry:          now + iss.api.tokenLifetime,
		Scope:           strings.Join(iss.scopes, " "),
		GrantType:       "client-credentials",
		AuthorizedParty: iss.clientID,
		ID:              newTokenID(),
		OrgID:           iss.orgID,
		OrgName:         iss.orgName,
	}
	typ := jose.ContentType("JWT")
	if iss.api.rfc9068 {
		typ = "at+jwt"
		claims = rfc9068Claims{
			Issuer:   c.issuer(),
			Subject:  iss.clientID + "@clients",
			Audience: iss.audience,
			ClientID: iss.clientID,
			IssuedAt: now,
			Expiry:   now + iss.api.tokenLifetime,
			ID:       newTokenID(),
			Scope:    strings.Join(iss.scopes, " "),
			OrgID:    iss.orgID,
			OrgName:  iss.orgName,
		}
	}
	var key jose.SigningKey
	switch alg := jose.SignatureAlgorithm(iss.api.signingAlg); alg {
	case jose.RS256, jose.RS512, jose.PS256:
		key = jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: c.t.key.priv, KeyID: c.t.key.kid}}
	case jose.HS256:
		secret := []byte(iss.api.signingSecret)
		if len(secret) >= sha256.Size {
			key = jose.SigningKey{Algorithm: alg, Key: secret}
		} else {
			// go-jose refuses HMAC keys shorter than the hash (RFC 7518
			// §3.2); the contract allows secrets from 16 characters.
			key = jose.SigningKey{Algorithm: alg, Key: hmacSigner(secret)}
		}
	default:
		return "", errors.New("server: unsupported signing_alg " + iss.api.signingAlg)
	}
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType(typ))
	if err != nil {
		return "", err
	}
	return jwt.Signed(signer).Claims(claims).Serialize()
}

// hmacSigner is a go-jose OpaqueSigner for HS256 with a short key.
type hmacSigner []byte

func (h hmacSigner) Public() *jose.JSONWebKey        { return nil }
func (h hmacSigner) Algs() []jose.SignatureAlgorithm { return []jose.SignatureAlgorithm{jose.HS256} }
func (h hmacSigner) SignPayload(payload []byte, _ jose.SignatureAlgorithm) ([]byte, error) {
	m := hmac.New(sha256.New, h)
	_, _ = m.Write(payload) // a hash.Hash never fails to write
	return m.Sum(nil), nil
}

func handleJWKS(c *call) error {
	c.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	c.w.Header().Set("Cache-Control", "public, max-age=300")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(c.t.key.jwks)
	return nil
}

func handleOpenIDConfig(c *call) error {
	base := c.base()
	return c.json(http.StatusOK, map[string]any{
		"issuer":                                c.issuer(),
		"jwks_uri":                              base + routeJWKS,
		"token_endpoint":                        base + routeToken,
		"grant_types_supported":                 []string{"client_credentials"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "private_key_jwt"},
		"token_endpoint_auth_signing_alg_values_supported": []string{"RS256", "RS384", "PS256"},
		"response_types_supported":                         []string{"token"},
		"subject_types_supported":                          []string{"public"},
		"id_token_signing_alg_values_supported":            []string{"RS256", "PS256", "HS256"},
	})
}
