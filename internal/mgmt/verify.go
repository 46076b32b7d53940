package mgmt

import (
	"context"
	"net/http"
	"strings"
)

// Verify caches a token now, so that wrong credentials fail early; a no-op with an API token.
func (c *Client) Verify(ctx context.Context) error {
	if c.tokens == nil {
		return nil
	}
	_, err := c.tokens.token(ctx, c.newBudget(ctx))
	return err
}

// TokenURL returns <base>/oauth/token.
func (c *Client) TokenURL() string { return c.baseStr + "/" + tokenPath }

// DefaultAudience returns <base>/api/v2/, the audience when none is configured.
func (c *Client) DefaultAudience() string { return c.baseStr + "/api/v2/" }

const tokenPath = "oauth/token"

// IsTokenRequest reports whether the error answers a token request (POST …/oauth/token).
func (e *Error) IsTokenRequest() bool {
	return e.Method == http.MethodPost && strings.HasSuffix(e.Path, "/"+tokenPath)
}
