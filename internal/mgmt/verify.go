package mgmt

import (
	"context"
	"net/http"
	"strings"
)

// Verify obtains the client's Management API token now, through the same
// cache every call uses: the calls that follow reuse it, so verifying costs
// no extra token request in the life of the client. With a static API
// token there is nothing to request and Verify does nothing. Errors are
// those of the token request: an *Error for an answer of the token
// endpoint (e.g. 401 access_denied for wrong credentials), another error
// when the endpoint could not be reached.
func (c *Client) Verify(ctx context.Context) error {
	if c.tokens == nil {
		return nil
	}
	_, err := c.tokens.token(ctx, c.newBudget(ctx))
	return err
}

// TokenURL returns the URL of the token endpoint the client asks for its
// Management API tokens: <base>/oauth/token.
func (c *Client) TokenURL() string { return c.baseStr + "/" + tokenPath }

// DefaultAudience returns the identifier of the tenant's Management API as
// this client addresses it, <base>/api/v2/: the audience the client uses
// when none is configured.
func (c *Client) DefaultAudience() string { return c.baseStr + "/api/v2/" }

// tokenPath is the token endpoint's path below a tenant's base URL.
const tokenPath = "oauth/token"

// IsTokenRequest reports whether the error is the answer of a token
// endpoint (POST …/oauth/token) rather than of a Management API call.
func (e *Error) IsTokenRequest() bool {
	return e.Method == http.MethodPost && strings.HasSuffix(e.Path, "/"+tokenPath)
}
