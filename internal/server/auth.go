package server

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"sync"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

type accessClaims struct {
	jwt.Claims
	Scope string `json:"scope"`

	scopes []string
}

func (a *accessClaims) hasScope(scope string) bool {
	return contains(a.scopes, scope)
}

func (a *accessClaims) hasAnyScope(scopes ...string) bool {
	for _, s := range scopes {
		if a.hasScope(s) {
			return true
		}
	}
	return false
}

func errInsufficientScope(scopes ...string) *apiError {
	return newError(http.StatusForbidden, "insufficient_scope", "Insufficient scope, expected any of: "+strings.Join(scopes, ","))
}

// requireScope refuses a token without scope, for a property whose change
// needs more than its route's scope.
func (c *call) requireScope(scope string) error {
	if c.claims != nil && c.claims.hasScope(scope) {
		return nil
	}
	return errInsufficientScope(scope)
}

// managementAlgorithms leave out HS256: the Management API never issues it,
// and accepting it would let anyone who knows an API's signing secret forge
// a token.
var managementAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.PS256}

// boundedCache holds immutable entries. When full it is emptied, which is
// cheap and bounds memory under a flood of distinct keys.
type boundedCache[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

const maxCacheEntries = 1024

func (c *boundedCache[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

func (c *boundedCache[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCacheEntries {
		c.m = make(map[string]V)
	}
	c.m[key] = v
}

func errUnauthorized(code, message string) *apiError {
	return newError(http.StatusUnauthorized, code, message)
}

// authorize verifies the bearer token and requires one of the route's scopes.
func (c *call) authorize(scopes ...string) error {
	h := c.r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(strings.TrimSpace(h), " ")
	if h == "" || !strings.EqualFold(scheme, "Bearer") {
		return errUnauthorized("missing_authentication", "Missing authentication")
	}
	token = strings.TrimSpace(token)
	claims, err := c.verify(token)
	if err != nil {
		return err
	}
	c.claims = claims
	if claims.hasAnyScope(scopes...) {
		return nil
	}
	return errInsufficientScope(scopes...)
}

// verify checks a token's signature with the tenant's own key, which is
// what isolates tenants, and its expiry, issuer and audience.
func (c *call) verify(token string) (*accessClaims, error) {
	if token == "" {
		return nil, errUnauthorized("invalid_token", "Invalid token")
	}
	claims, ok := c.t.verified.get(token)
	if !ok {
		parsed, err := jwt.ParseSigned(token, managementAlgorithms)
		if err != nil {
			return nil, errUnauthorized("invalid_token", "Invalid token")
		}
		claims = &accessClaims{}
		if err := parsed.Claims(&c.t.key.priv.PublicKey, claims); err != nil {
			return nil, errUnauthorized("invalid_token", "Invalid token")
		}
		claims.scopes = strings.Fields(claims.Scope)
		c.t.verified.put(token, claims)
	}
	if claims.Expiry == nil {
		return nil, errUnauthorized("invalid_token", "Invalid token")
	}
	if !c.s.now().Before(claims.Expiry.Time()) {
		return nil, errUnauthorized("invalid_token", "Expired token")
	}
	if claims.Issuer != c.issuer() {
		return nil, errUnauthorized("invalid_token", "Bad issuer")
	}
	if !claims.Audience.Contains(c.managementAudience()) {
		return nil, errUnauthorized("invalid_token", "Bad audience")
	}
	return claims, nil
}

// requireAdmin admits the root admin's id and current secret as HTTP
// Basic credentials.
func (c *call) requireAdmin() error {
	id, secret, ok := c.r.BasicAuth()
	// The admin's secret opens its tokens too: one count for both.
	key := loginKey(RootTenant, id, c.r.RemoteAddr)
	if ok &&
		subtle.ConstantTimeCompare([]byte(id), []byte(c.s.adminID)) == 1 &&
		subtle.ConstantTimeCompare([]byte(secret), []byte(c.s.AdminClientSecret())) == 1 {
		c.s.logins.succeeded(key)
		return nil
	}
	if ok {
		c.s.logins.failed(c.r.Context(), key)
	}
	return newError(http.StatusUnauthorized, "invalid_credentials",
		"The server's /_idp/ endpoints need the root admin client's id and secret as HTTP Basic credentials").
		withHeader("WWW-Authenticate", `Basic realm="idp-server"`)
}
