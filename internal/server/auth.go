package server

import (
	"net/http"
	"strings"
	"sync"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// accessClaims are the claims of a verified Management API token.
type accessClaims struct {
	jwt.Claims
	Scope string `json:"scope"`

	scopes []string
}

func (a *accessClaims) hasScope(scope string) bool {
	return contains(a.scopes, scope)
}

// managementAlgorithms are the only algorithms accepted on a Management API
// token. HS256 is refused because the Management API never issues it, and
// accepting it would let anyone who knows an API's signing secret forge one.
var managementAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.PS256}

// verifiedTokens remembers tokens whose signature a tenant has verified.
// Signature verification is most of the cost of a Management API read, and
// a client reuses one token for many requests. Only the signature check is
// cached: expiry, issuer and audience are checked on every request, against
// the request's clock and base URL. Entries are immutable once stored.
type verifiedTokens struct {
	mu sync.Mutex
	m  map[string]*accessClaims
}

// maxVerifiedTokens bounds the cache; when full it is simply emptied, which
// is cheap and keeps memory bounded under a flood of distinct tokens.
const maxVerifiedTokens = 1024

func (v *verifiedTokens) get(token string) (*accessClaims, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	claims, ok := v.m[token]
	return claims, ok
}

func (v *verifiedTokens) put(token string, claims *accessClaims) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil || len(v.m) >= maxVerifiedTokens {
		v.m = make(map[string]*accessClaims)
	}
	v.m[token] = claims
}

func errUnauthorized(code, message string) *apiError {
	return newError(http.StatusUnauthorized, code, message)
}

// authorize verifies the bearer token against the current tenant and
// requires scope. Only the dispatcher calls it, with the route's scope.
func (c *call) authorize(scope string) error {
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
	if claims.hasScope(scope) {
		return nil
	}
	return newError(http.StatusForbidden, "insufficient_scope", "Insufficient scope, expected any of: "+scope)
}

// verify checks a token's signature (with the tenant's own key, which is
// what isolates tenants), expiry, issuer and audience.
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
