package mgmt

import (
	"context"
	"net/http"
	"strings"
)

// Verify obtains the client's Management API token now, into the cache the
// calls that follow use, so that wrong credentials fail early at no extra
// cost. With a static API token it does nothing.
func (c *Client) Verify(ctx context.Context) error {
	if c.tokens == nil {
		return nil
	}
	_, err := c.tokens.token(ctx, c.newBudget(ctx))
	return err
}

// TokenURL returns <base>/oauth/token.
func (c *Client) TokenURL() string { return c.baseStr + "/" + tokenPath }

// DefaultAudience returns <base>/api/v2/, the audience the client uses when
// none is configured.
func (c *Client) DefaultAudience() string { return c.baseStr + "/api/v2/" }

const tokenPath = "oauth/token"

// IsTokenRequest reports whether the error is the answer of a token
// endpoint (POST …/oauth/token) rather than of a Management API call.
func (e *Error) IsTokenRequest() bool {
	return e.Method == http.MethodPost && strings.HasSuffix(e.Path, "/"+tokenPath)
}
