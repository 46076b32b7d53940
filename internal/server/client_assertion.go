package server

import (
	"net/http"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

const assertionTypeJWTBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" //nolint:gosec // RFC 7523's name of an assertion type, no credential

// Auth0's documented bounds of a client assertion: a lifetime of at most
// 5 minutes, 10 seconds of clock skew on iat and nbf, and iss, sub and
// jti of at most 64 characters.
const (
	maxAssertionLifetime = 5 * time.Minute
	assertionLeeway      = 10 * time.Second
	maxAssertionClaim    = 64
)

// assertionAlgorithms are the credentials' algorithms; go-jose refuses
// any other, none and HS256 among them, before a key is looked at.
var assertionAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.PS256}

func errInvalidClient(description string) *apiError {
	return errOAuth(http.StatusUnauthorized, "invalid_client", description)
}

// clientAuth is how a token request authenticates its client: a secret,
// or an assertion (RFC 7523).
type clientAuth struct {
	id        string
	secret    string
	basic     bool
	assertion *jwt.JSONWebToken
	claims    jwt.Claims // the assertion's, not yet verified
}

// assertionAuth reads a client assertion from the token request; it
// returns nil when the request has none.
func assertionAuth(params map[string]string, formID string, withSecret bool) (*clientAuth, error) {
	assertion, has := params["client_assertion"]
	typ, hasType := params["client_assertion_type"]
	if !has && !hasType {
		return nil, nil
	}
	if typ != assertionTypeJWTBearer {
		return nil, errInvalidRequest("client_assertion_type must be " + assertionTypeJWTBearer)
	}
	if assertion == "" {
		return nil, errInvalidRequest("Missing required parameter: client_assertion")
	}
	if withSecret {
		// RFC 6749 §2.3: one authentication method per request.
		return nil, errInvalidRequest("Use either a client secret or a client assertion, not both")
	}
	tok, err := jwt.ParseSigned(assertion, assertionAlgorithms)
	if err != nil {
		return nil, errInvalidClient("The client assertion is not a JWT signed with RS256, RS384 or PS256")
	}
	auth := &clientAuth{assertion: tok}
	if err := tok.UnsafeClaimsWithoutVerification(&auth.claims); err != nil {
		return nil, errInvalidClient("The client assertion's claims do not parse")
	}
	auth.id = auth.claims.Subject
	if formID != "" && formID != auth.id {
		return nil, errInvalidClient("client_id does not match the client assertion's sub")
	}
	return auth, nil
}

// verifyAssertion authenticates a client with private_key_jwt. The caller
// holds the tenant's read lock.
func (c *call) verifyAssertion(cl clientRecord, auth *clientAuth) error {
	enabled, ok := cl.usesPrivateKeyJWT()
	if !ok {
		return errInvalidClient("The client is not configured for private_key_jwt")
	}
	claims := auth.claims
	now := c.s.now()
	switch {
	case claims.Issuer != cl.ClientID || claims.Subject != cl.ClientID:
		return errInvalidClient("The client assertion's iss and sub must be the client ID")
	case claims.ID == "" || len(claims.ID) > maxAssertionClaim:
		return errInvalidClient("The client assertion needs a jti of 1 to 64 characters")
	case claims.Expiry == nil:
		return errInvalidClient("The client assertion needs an exp")
	case !now.Before(claims.Expiry.Time()):
		return errInvalidClient("The client assertion has expired")
	case claims.Expiry.Time().After(now.Add(maxAssertionLifetime + assertionLeeway)),
		claims.IssuedAt != nil && claims.Expiry.Time().Sub(claims.IssuedAt.Time()) > maxAssertionLifetime:
		return errInvalidClient("The client assertion's lifetime exceeds 5 minutes")
	case claims.IssuedAt != nil && claims.IssuedAt.Time().After(now.Add(assertionLeeway)):
		return errInvalidClient("The client assertion is issued in the future")
	case claims.NotBefore != nil && claims.NotBefore.Time().After(now.Add(assertionLeeway)):
		return errInvalidClient("The client assertion is not valid yet")
	case !claims.Audience.Contains(c.issuer()):
		return errInvalidClient("The client assertion's aud must be " + c.issuer())
	}
	if err := c.checkAssertionSignature(cl.ClientID, enabled, auth.assertion, now); err != nil {
		return err
	}
	switch c.t.assertions.use(cl.ClientID+"\x00"+claims.ID, claims.Expiry.Time(), now) {
	case assertionReplayed:
		return errInvalidClient("The client assertion's jti has been used already")
	case assertionsFull:
		return errTooManyRequests(int(maxAssertionLifetime / time.Second))
	}
	return nil
}

// checkAssertionSignature tries the client's enabled, unexpired
// credentials of the assertion's alg (and kid, when it names one).
func (c *call) checkAssertionSignature(clientID string, enabled []string, tok *jwt.JSONWebToken, now time.Time) error {
	header := tok.Headers[0]
	for _, id := range enabled {
		cr, err := c.repo.credential(clientID, id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if (cr.ExpiresAt != nil && !expiresAfter(*cr.ExpiresAt, now)) ||
			(header.KeyID != "" && header.KeyID != cr.KeyID) || header.Algorithm != cr.Alg {
			continue
		}
		key, _, err := parsePublicKeyPEM(cr.PEM)
		if err != nil {
			return err
		}
		var verified jwt.Claims
		if tok.Claims(key, &verified) == nil {
			return nil
		}
	}
	return errInvalidClient("The client assertion is not signed by an enabled, unexpired credential of the client")
}

type assertionUse int

const (
	assertionFresh assertionUse = iota
	assertionReplayed
	assertionsFull
)

// seenAssertions remembers used jtis until their assertions expire, at
// most maxSeenAssertions per tenant. Only a holder of a client's private
// key can add one, and when it is full of unexpired ones the server
// refuses assertions rather than forget one that could be replayed.
type seenAssertions struct {
	mu  sync.Mutex
	exp map[string]time.Time
}

const maxSeenAssertions = 10000

func (s *seenAssertions) use(key string, exp, now time.Time) assertionUse {
	s.mu.Lock()
	defer s.mu.Unlock()
	if until, ok := s.exp[key]; ok && now.Before(until) {
		return assertionReplayed
	}
	if s.exp == nil {
		s.exp = map[string]time.Time{}
	}
	if len(s.exp) >= maxSeenAssertions {
		for k, until := range s.exp {
			if !now.Before(until) {
				delete(s.exp, k)
			}
		}
		if len(s.exp) >= maxSeenAssertions {
			return assertionsFull
		}
	}
	s.exp[key] = exp
	return assertionFresh
}
