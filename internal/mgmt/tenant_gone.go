package mgmt

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// CodeInexistentTenant is the error code of a request to a deleted tenant.
const CodeInexistentTenant = "inexistent_tenant"

// IsInexistentTenant reports whether err is, or wraps, a 404 inexistent_tenant.
// It does not say which tenant: the root answers so for a tenant object it lacks.
func IsInexistentTenant(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusNotFound && e.Code == CodeInexistentTenant
}

// TenantGone reports whether the client's tenant was deleted, asking without
// credentials: its OpenID configuration answers 404 inexistent_tenant and,
// for a domain below /tenants/<name>, the root's answers 200. Anything else,
// a transport error included, is not proof, so the answer is false.
func (c *Client) TenantGone(ctx context.Context) (bool, error) {
	status, code, err := c.probe(ctx, c.base)
	if err != nil || status != http.StatusNotFound || code != CodeInexistentTenant {
		return false, err
	}
	if root, ok := hostedRoot(c.base); ok {
		status, _, err = c.probe(ctx, root)
		if err != nil || status != http.StatusOK {
			return false, err
		}
	}
	return true, nil
}

// hostedRoot returns the root of a hosted tenant's base, <root>/tenants/<name>.
func hostedRoot(base *url.URL) (*url.URL, bool) {
	i := strings.LastIndex(base.Path, "/tenants/")
	if i < 0 || strings.Contains(base.Path[i+len("/tenants/"):], "/") || base.Path[i+len("/tenants/"):] == "" {
		return nil, false
	}
	root := *base
	root.Path, root.RawPath = base.Path[:i], ""
	return &root, true
}

// probe GETs base's OpenID configuration once, unauthenticated, through the
// client's transport (which never follows a redirect).
func (c *Client) probe(ctx context.Context, base *url.URL) (status int, code string, err error) {
	u := *base
	u.Path = strings.TrimRight(base.Path, "/") + "/.well-known/openid-configuration"
	u.RawPath = ""
	actx, cancel := context.WithTimeout(ctx, c.attemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, "", transportError(request{method: http.MethodGet, url: &u}, transportCause(ctx, err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return 0, "", err
	}
	return resp.StatusCode, newError(http.MethodGet, u.EscapedPath(), resp.StatusCode, body).Code, nil
}

// TenantGoneAt is TenantGone for a domain without credentials, which the
// probe does not need.
func TenantGoneAt(ctx context.Context, domain string) (bool, error) {
	c, err := New(Config{Domain: domain, APIToken: "unused"})
	if err != nil {
		return false, err
	}
	return c.TenantGone(ctx)
}
