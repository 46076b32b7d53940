package server

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// call is one request on its way through the dispatcher and a handler.
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
	subParam   string  // a second wildcard, as {credential_id}

	claims *accessClaims // set by authorize
}

func (c *call) setParams(params []string) {
	c.param, c.subParam = "", ""
	if len(params) > 0 {
		c.param = params[0]
	}
	if len(params) > 1 {
		c.subParam = params[1]
	}
}

func (c *call) id() string { return unescapeParam(c.param) }

func (c *call) subID() string { return unescapeParam(c.subParam) }

func unescapeParam(p string) string {
	if v, err := url.PathUnescape(p); err == nil {
		return v
	}
	return p
}

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

func (c *call) base() string {
	return tenantBase(c.rootBase(), c.t.name)
}

func tenantBase(rootBase, name string) string {
	if name == RootTenant {
		return rootBase
	}
	return rootBase + "/tenants/" + url.PathEscape(name)
}

func (c *call) issuer() string { return c.base() + "/" }

func (c *call) managementAudience() string { return c.base() + "/api/v2/" }

// storedAudience maps an audience as a client spells it to its stored,
// host-independent form (managementAPIKey).
func (c *call) storedAudience(aud string) string {
	if aud == c.managementAudience() {
		return managementAPIKey
	}
	return aud
}

func (c *call) renderAudience(aud string) string {
	if aud == managementAPIKey {
		return c.managementAudience()
	}
	return aud
}

func (c *call) json(status int, v any) error {
	writeJSON(c.w, status, v)
	return nil
}

func (c *call) noContent() error {
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

func (c *call) timestamp() string {
	return c.s.now().UTC().Format(time.RFC3339)
}
