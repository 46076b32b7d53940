package server

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// call is one request on its way through a handler.
type call struct {
	s   *Server
	r   *http.Request
	w   http.ResponseWriter
	rec *statusRecorder // the outermost writer, for the counters

	tenantName string  // "" for the root tenant
	t          *tenant // nil until resolved
	route      string  // route template for the counters
	param      string  // the {id} of the route, still escaped

	claims *accessClaims // set by authorize
}

// handler serves one route and method. It writes a success itself and
// returns an error (normally *apiError) for ServeHTTP to render.
type handler func(c *call) error

// routeMatch is the result of matching a path against the route table.
type routeMatch struct {
	template string
	param    string
	handlers map[string]handler
	oauth    bool
}

func (m routeMatch) allow() string {
	methods := make([]string, 0, len(m.handlers))
	for k := range m.handlers {
		methods = append(methods, k)
	}
	sort.Strings(methods)
	return strings.Join(methods, ", ")
}

// Route templates, as they appear in the counters.
const (
	routeToken           = "/oauth/token"
	routeJWKS            = "/.well-known/jwks.json"
	routeOpenIDConfig    = "/.well-known/openid-configuration"
	routeResourceServers = "/api/v2/resource-servers"
	routeResourceServer  = "/api/v2/resource-servers/{id}"
	routeClients         = "/api/v2/clients"
	routeClient          = "/api/v2/clients/{id}"
	routeRotateSecret    = "/api/v2/clients/{id}/rotate-secret"
	routeClientGrants    = "/api/v2/client-grants"
	routeClientGrant     = "/api/v2/client-grants/{id}"
	routeTenants         = "/api/v2/tenants"
	routeTenant          = "/api/v2/tenants/{id}"
	routeTenantSettings  = "/api/v2/tenants/settings"
	routeUnknown         = "unknown"
)

var (
	tokenHandlers          = map[string]handler{http.MethodPost: handleToken}
	jwksHandlers           = map[string]handler{http.MethodGet: handleJWKS}
	openIDConfigHandlers   = map[string]handler{http.MethodGet: handleOpenIDConfig}
	resourceServersHandler = map[string]handler{http.MethodGet: listResourceServers, http.MethodPost: createResourceServer}
	resourceServerHandlers = map[string]handler{http.MethodGet: getResourceServer, http.MethodPatch: updateResourceServer, http.MethodDelete: deleteResourceServer}
	clientsHandlers        = map[string]handler{http.MethodGet: listClients, http.MethodPost: createClient}
	clientHandlers         = map[string]handler{http.MethodGet: getClient, http.MethodPatch: updateClient, http.MethodDelete: deleteClient}
	rotateSecretHandlers   = map[string]handler{http.MethodPost: rotateClientSecret}
	clientGrantsHandlers   = map[string]handler{http.MethodGet: listClientGrants, http.MethodPost: createClientGrant}
	clientGrantHandlers    = map[string]handler{http.MethodGet: getClientGrant, http.MethodPatch: updateClientGrant, http.MethodDelete: deleteClientGrant}
	tenantsHandlers        = map[string]handler{http.MethodGet: listTenants, http.MethodPost: createTenant}
	tenantHandlers         = map[string]handler{http.MethodGet: getTenant, http.MethodPatch: updateTenant, http.MethodDelete: deleteTenant}
	tenantSettingsHandlers = map[string]handler{http.MethodGet: getTenantSettings, http.MethodPatch: updateTenantSettings}
)

// matchRoute maps a tenant-relative escaped path to its route. A path
// that matches nothing gets the template "unknown" and no handlers.
func matchRoute(path string, root bool) routeMatch {
	switch path {
	case routeToken:
		return routeMatch{template: routeToken, handlers: tokenHandlers, oauth: true}
	case routeJWKS:
		return routeMatch{template: routeJWKS, handlers: jwksHandlers}
	case routeOpenIDConfig:
		return routeMatch{template: routeOpenIDConfig, handlers: openIDConfigHandlers}
	case routeResourceServers:
		return routeMatch{template: routeResourceServers, handlers: resourceServersHandler}
	case routeClients:
		return routeMatch{template: routeClients, handlers: clientsHandlers}
	case routeClientGrants:
		return routeMatch{template: routeClientGrants, handlers: clientGrantsHandlers}
	case routeTenants:
		if root {
			return routeMatch{template: routeTenants, handlers: tenantsHandlers}
		}
	case routeTenantSettings:
		// Every tenant has its settings; "settings" is therefore no
		// tenant name (see reservedTenantNames).
		return routeMatch{template: routeTenantSettings, handlers: tenantSettingsHandlers}
	}
	// A resource server's {id} may be its identifier, a URI whose slashes
	// a client may or may not have escaped, so it takes the whole rest.
	if id, ok := strings.CutPrefix(path, routeResourceServers+"/"); ok && id != "" {
		return routeMatch{template: routeResourceServer, param: id, handlers: resourceServerHandlers}
	}
	if rest, ok := strings.CutPrefix(path, routeClients+"/"); ok {
		id, sub, hasSub := strings.Cut(rest, "/")
		switch {
		case id == "":
		case !hasSub:
			return routeMatch{template: routeClient, param: id, handlers: clientHandlers}
		case sub == "rotate-secret":
			return routeMatch{template: routeRotateSecret, param: id, handlers: rotateSecretHandlers}
		}
	}
	if id, ok := strings.CutPrefix(path, routeClientGrants+"/"); ok && id != "" && !strings.Contains(id, "/") {
		return routeMatch{template: routeClientGrant, param: id, handlers: clientGrantHandlers}
	}
	if id, ok := strings.CutPrefix(path, routeTenants+"/"); ok && root && id != "" && !strings.Contains(id, "/") {
		return routeMatch{template: routeTenant, param: id, handlers: tenantHandlers}
	}
	return routeMatch{template: routeUnknown}
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
