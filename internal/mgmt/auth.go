package mgmt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// maxRefreshMargin caps the margin (10% of a token's lifetime) before expiry at which it is replaced.
const maxRefreshMargin = 60 * time.Second

type tokenRequest struct {
	url                    *url.URL
	clientID, clientSecret string
	// assertion replaces clientSecret; issuer is its aud.
	assertion *assertionSigner
	issuer    string
	audience  string
	scopes    []string
	// organization names the organization the token is for, if any.
	organization string
}

func (tr tokenRequest) form() ([]byte, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {tr.clientID}}
	if tr.assertion != nil {
		// Fresh for each attempt: the server refuses a jti it has seen.
		jwt, err := tr.assertion.sign(tr.issuer, time.Now())
		if err != nil {
			return nil, err
		}
		form.Set("client_assertion_type", ClientAssertionType)
		form.Set("client_assertion", jwt)
	} else {
		form.Set("client_secret", tr.clientSecret)
	}
	if tr.audience != "" {
		form.Set("audience", tr.audience)
	}
	if len(tr.scopes) > 0 {
		form.Set("scope", strings.Join(tr.scopes, " "))
	}
	if tr.organization != "" {
		form.Set("organization", tr.organization)
	}
	return []byte(form.Encode()), nil
}

// requestToken does by hand what golang.org/x/oauth2/clientcredentials would: its token
// source takes nothing but a context, so the call's budget could not reach the retry loop.
func (c *Client) requestToken(ctx context.Context, b budget, tr tokenRequest) (*Token, error) {
	// Issuing a token changes nothing else, so the request may be resent like a GET.
	body, _, err := c.send(ctx, b, request{method: http.MethodPost, url: tr.url, resend: true,
		makeBody: tr.form, contentType: "application/x-www-form-urlencoded"})
	var apiErr *Error
	if err != nil && !errors.As(err, &apiErr) {
		return nil, fmt.Errorf("requesting an access token: %w", err)
	}
	if err != nil {
		return nil, err
	}
	var answer struct {
		Token
		ExpiresIn json.Number `json:"expires_in"` // a number, or a string holding one
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return nil, fmt.Errorf("requesting an access token from POST %s: decoding the answer: %w", tr.url.EscapedPath(), err)
	}
	if answer.AccessToken == "" {
		return nil, fmt.Errorf("requesting an access token from POST %s: the answer has no access_token", tr.url.EscapedPath())
	}
	t := answer.Token
	if f, err := answer.ExpiresIn.Float64(); err == nil {
		t.ExpiresIn = int64(math.Round(f))
	}
	return &t, nil
}

type tokenCache struct {
	c   *Client
	req tokenRequest
	// fetch is held while a token is requested: a mutex that honours contexts.
	fetch chan struct{}

	mu        sync.Mutex
	tok       *bearer
	refreshAt time.Time // zero: valid until invalidated
}

type bearer struct {
	header string
	expiry time.Time // zero: none announced
}

func newTokenCache(c *Client, req tokenRequest) *tokenCache {
	return &tokenCache{c: c, req: req, fetch: make(chan struct{}, 1)}
}

func (tc *tokenCache) cached(now time.Time) *bearer {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.tok == nil || (!tc.refreshAt.IsZero() && !now.Before(tc.refreshAt)) {
		return nil
	}
	return tc.tok
}

func (tc *tokenCache) token(ctx context.Context, b budget) (*bearer, error) {
	if t := tc.cached(time.Now()); t != nil {
		return t, nil
	}
	select {
	case tc.fetch <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-tc.fetch }()
	if t := tc.cached(time.Now()); t != nil { // fetched while we waited
		return t, nil
	}
	requested := time.Now()
	t, err := tc.c.requestToken(ctx, b, tc.req)
	if err != nil {
		return nil, err
	}
	tok := &bearer{header: "Bearer " + t.AccessToken}
	var refreshAt time.Time
	if t.ExpiresIn > 0 {
		tok.expiry = requested.Add(time.Duration(t.ExpiresIn) * time.Second)
		refreshAt = tok.expiry.Add(-min(maxRefreshMargin, time.Duration(t.ExpiresIn)*time.Second/10))
	}
	tc.mu.Lock()
	tc.tok, tc.refreshAt = tok, refreshAt
	tc.mu.Unlock()
	tc.c.log.Log(ctx, LevelDebug, "obtained a Management API access token", map[string]any{
		"audience": tc.c.audience, "expires_at": tok.expiry.UTC().Format(time.RFC3339),
	})
	return tok, nil
}

// invalidate drops used only if still cached, so that callers refused with one token cause one request.
func (tc *tokenCache) invalidate(used *bearer) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.tok == used {
		tc.tok = nil
	}
}

func (c *Client) authorization(ctx context.Context, b budget) (*bearer, error) {
	if c.tokens == nil {
		return c.apiToken, nil
	}
	return c.tokens.token(ctx, b)
}

// ErrNoClientCredentials is RequestToken's error when neither the request nor the Client has a client.
var ErrNoClientCredentials = errors.New("no client credentials for the token request: the client is configured with an API token")

// RequestToken asks for an uncached token; an empty req.Domain or req.ClientID means the client's own.
func (c *Client) RequestToken(ctx context.Context, req TokenRequest) (*Token, error) {
	base := c.base
	if req.Domain != "" {
		u, err := ParseDomain(req.Domain)
		if err != nil {
			return nil, fmt.Errorf("invalid token domain %q: %w", RedactDomain(req.Domain), err)
		}
		base = u
	}
	tr := tokenRequest{url: tokenURL(base), issuer: endpointsAt(base.String()).Issuer, clientID: req.ClientID,
		clientSecret: req.ClientSecret, audience: req.Audience, scopes: req.Scopes, organization: req.Organization}
	hasKey := req.ClientAssertionKey != nil
	switch {
	case tr.clientID == "" && tr.clientSecret == "" && !hasKey:
		if c.clientID == "" {
			return nil, ErrNoClientCredentials
		}
		tr.clientID, tr.clientSecret, tr.assertion = c.clientID, c.clientSecret, c.assertion
	case tr.clientSecret != "" && hasKey:
		return nil, errors.New("a token request takes a client secret or a client assertion key, not both")
	case tr.clientID == "" || (tr.clientSecret == "" && !hasKey):
		return nil, errors.New("a token request needs both a client ID and a client secret or client assertion key")
	case hasKey:
		s, err := newAssertionSigner(tr.clientID, req.ClientAssertionKey, req.ClientAssertionAlg)
		if err != nil {
			return nil, err
		}
		tr.assertion = s
	}
	return c.requestToken(ctx, c.newBudget(ctx), tr)
}

func tokenURL(base *url.URL) *url.URL {
	u := *base
	u.Path += "/" + tokenPath
	if u.RawPath != "" {
		u.RawPath += "/" + tokenPath
	}
	return &u
}
