package server

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// call is one request on its way through a handler: its input (path
// parameter, query, body), its base URLs and its output. The tenant's
// objects are reached through repo, which owns their locking.
type call struct {
	s   *Server
	r   *http.Request
	w   http.ResponseWriter
	rec *statusRecorder // the outermost writer, for the counters

	tenantName string  // "" for the root tenant
	t          *tenant // nil until resolved
	repo       repo    // t's objects
	route      string  // route template for the counters
	param      string  // the {id} of the route, still escaped

	claims *accessClaims // set by authorize
}

// id returns the route's {id} unescaped once.
func (c *call) id() string {
	if v, err := url.PathUnescape(c.param); err == nil {
		return v
	}
	return c.param
}

// rootBase is the root tenant's base URL for this request, without a
// trailing slash.
func (c *call) rootBase() string {
	if c.s.publicURL != "" {
		return c.s.publicURL
	}
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	if p := c.r.Header.Get("X-Forwarded-Proto"); p != "" {
		p, _, _ = strings.Cut(p, ",")
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "http" || p == "https" {
			scheme = p
		}
	}
	return scheme + "://" + c.r.Host
}

// base is the current tenant's base URL, without a trailing slash.
func (c *call) base() string {
	return tenantBase(c.rootBase(), c.t.name)
}

func tenantBase(rootBase, name string) string {
	if name == RootTenant {
		return rootBase
	}
	return rootBase + "/tenants/" + url.PathEscape(name)
}

// issuer is the tenant's token issuer.
func (c *call) issuer() string { return c.base() + "/" }

// managementAudience is the tenant's Management API identifier for this
// request.
func (c *call) managementAudience() string { return c.base() + "/api/v2/" }

// storedAudience maps an audience as a client spells it to its stored,
// host-independent form.
func (c *call) storedAudience(aud string) string {
	if aud == c.managementAudience() {
		return managementAPIKey
	}
	return aud
}

// renderAudience maps a stored audience back to what this request sees.
func (c *call) renderAudience(aud string) string {
	if aud == managementAPIKey {
		return c.managementAudience()
	}
	return aud
}

// json writes a success.
func (c *call) json(status int, v any) error {
	writeJSON(c.w, status, v)
	return nil
}

// noContent writes a 204.
func (c *call) noContent() error {
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// timestamp is the request's time, as objects record it.
func (c *call) timestamp() string {
	return c.s.now().UTC().Format(time.RFC3339)
}
