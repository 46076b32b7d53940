package mgmt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// maxRefreshMargin caps how long before its expiry a cached token is
// replaced; the margin is otherwise 10% of the token's lifetime.
const maxRefreshMargin = 60 * time.Second

func tokenConfig(base, clientID, clientSecret, audience string, scopes []string) *clientcredentials.Config {
	params := url.Values{}
	if audience != "" {
		params.Set("audience", audience)
	}
	return &clientcredentials.Config{
		ClientID:       clientID,
		ClientSecret:   clientSecret,
		TokenURL:       base + "/oauth/token",
		Scopes:         scopes,
		EndpointParams: params,
		// Credentials in the body (client_secret_post). Never auto-detect:
		// that costs a second token request whenever the first one fails.
		AuthStyle: oauth2.AuthStyleInParams,
	}
}

// tokenCache holds the client's Management API token. One token serves
// every call until shortly before it expires; concurrent callers that find
// no valid token wait for a single token request.
type tokenCache struct {
	c   *Client
	cfg *clientcredentials.Config
	// fetch is a one-slot semaphore (a mutex that honours contexts) held
	// while a token is requested.
	fetch chan struct{}

	mu        sync.Mutex
	tok       *bearer
	refreshAt time.Time // zero: valid until invalidated
}

// bearer is a token with its Authorization header value, built once per
// token rather than once per request (a token is some 900 bytes).
type bearer struct {
	*oauth2.Token
	header string
}

func newBearer(t *oauth2.Token) *bearer {
	return &bearer{Token: t, header: "Bearer " + t.AccessToken}
}

func newTokenCache(c *Client, cfg *clientcredentials.Config) *tokenCache {
	return &tokenCache{c: c, cfg: cfg, fetch: make(chan struct{}, 1)}
}

func (tc *tokenCache) cached(now time.Time) *bearer {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.tok == nil || (!tc.refreshAt.IsZero() && !now.Before(tc.refreshAt)) {
		return nil
	}
	return tc.tok
}

// token returns a valid token, requesting one if needed.
func (tc *tokenCache) token(ctx context.Context) (*bearer, error) {
	if t := tc.cached(time.Now()); t != nil {
		return t, nil
	}
	select {
	case tc.fetch <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-tc.fetch }()
	// Another caller may have fetched one while we waited.
	if t := tc.cached(time.Now()); t != nil {
		return t, nil
	}
	t, err := tc.c.retrieveToken(ctx, tc.cfg)
	if err != nil {
		return nil, err
	}
	b := newBearer(t)
	var refreshAt time.Time
	if !t.Expiry.IsZero() {
		lifetime := time.Until(t.Expiry)
		margin := min(maxRefreshMargin, lifetime/10)
		refreshAt = t.Expiry.Add(-margin)
	}
	tc.mu.Lock()
	tc.tok, tc.refreshAt = b, refreshAt
	tc.mu.Unlock()
	tc.c.log.Log(ctx, LevelDebug, "obtained a Management API access token", map[string]any{
		"audience": tc.c.audience, "expires_at": t.Expiry.UTC().Format(time.RFC3339),
	})
	return b, nil
}

// invalidate drops used if it is still the cached token (so that many
// callers refused with the same token cause one new token request).
func (tc *tokenCache) invalidate(used *bearer) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.tok == used {
		tc.tok = nil
	}
}

// authorize sets the Authorization header. It returns the cached token
// used, if any, so that a 401 can invalidate exactly that token.
func (c *Client) authorize(ctx context.Context, req *http.Request) (*bearer, error) {
	if c.tokens == nil {
		req.Header.Set("Authorization", c.apiToken.header)
		return nil, nil
	}
	t, err := c.tokens.token(ctx)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", t.header)
	return t, nil
}

// retrieveToken asks a token endpoint for a client-credentials token
// through the client's own transport (retries, pacing, logging), and turns
// OAuth errors into *Error.
func (c *Client) retrieveToken(ctx context.Context, cfg *clientcredentials.Config) (*oauth2.Token, error) {
	info := &sendInfo{}
	ctx = context.WithValue(ctx, tokenInfoKey{}, info)
	t, err := cfg.Token(context.WithValue(ctx, oauth2.HTTPClient, c.tokenHTTP))
	if err == nil {
		return t, nil
	}
	path := cfg.TokenURL
	if u, perr := url.Parse(cfg.TokenURL); perr == nil {
		path = u.EscapedPath()
	}
	var rErr *oauth2.RetrieveError
	if errors.As(err, &rErr) {
		status := 0
		if rErr.Response != nil {
			status = rErr.Response.StatusCode
		}
		e := newError(http.MethodPost, path, status, rErr.Body)
		if e.Code == "" && e.Message == "" {
			e.Code, e.Message = rErr.ErrorCode, rErr.ErrorDescription
		}
		if info.gaveUp != nil {
			info.gaveUp.Err = e
			return nil, info.gaveUp
		}
		return nil, e
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		// Our transport's error already names the method and path.
		return nil, fmt.Errorf("requesting an access token: %w", urlErr.Err)
	}
	return nil, fmt.Errorf("requesting an access token from POST %s: %w", path, err)
}

// ErrNoClientCredentials is RequestToken's error when the request names no
// client and the Client itself was configured with an API token.
var ErrNoClientCredentials = errors.New("no client credentials for the token request: the client is configured with an API token")

// RequestToken asks <domain>/oauth/token (req.Domain, or the client's own
// base URL when empty) for a client-credentials token, through the same
// transport, retry policy and pacing as every other call. The token is not
// cached. An empty req.ClientID means the client's own client credentials.
// Token-endpoint errors are *Error with Code the OAuth error (e.g.
// "access_denied") and Message its description.
func (c *Client) RequestToken(ctx context.Context, req TokenRequest) (*Token, error) {
	base := c.baseStr
	if req.Domain != "" {
		u, err := ParseDomain(req.Domain)
		if err != nil {
			return nil, fmt.Errorf("invalid token domain %q: %w", RedactDomain(req.Domain), err)
		}
		base = u.String()
	}
	id, secret := req.ClientID, req.ClientSecret
	if id == "" && secret == "" {
		if c.clientID == "" {
			return nil, ErrNoClientCredentials
		}
		id, secret = c.clientID, c.clientSecret
	}
	if id == "" || secret == "" {
		return nil, errors.New("a token request needs both a client ID and a client secret")
	}
	t, err := c.retrieveToken(ctx, tokenConfig(base, id, secret, req.Audience, req.Scopes))
	if err != nil {
		return nil, err
	}
	out := &Token{AccessToken: t.AccessToken, TokenType: t.TokenType, ExpiresIn: t.ExpiresIn}
	if s, ok := t.Extra("scope").(string); ok {
		out.Scope = s
	}
	if out.ExpiresIn == 0 {
		out.ExpiresIn = extraInt(t.Extra("expires_in"))
	}
	if out.ExpiresIn == 0 && !t.Expiry.IsZero() {
		out.ExpiresIn = int64(math.Round(time.Until(t.Expiry).Seconds()))
	}
	return out, nil
}

func extraInt(v any) int64 {
	switch v := v.(type) {
	case float64:
		return int64(v)
	case json.Number:
		n, _ := v.Int64()
		return n
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	case int64:
		return v
	case int:
		return int64(v)
	}
	return 0
}
