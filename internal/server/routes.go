package server

import (
	"fmt"
	"net/http"
	"strings"
)

// handler serves one route: it writes a success and returns an error for
// the dispatcher to render. The dispatcher has checked the route's scope.
type handler func(c *call) error

// The scope column of a route that needs no token, and of a server-wide
// route, which needs the root admin's credentials (requireAdmin). Neither
// is a scope a token can carry.
const (
	public           = "public"
	adminCredentials = "admin"
)

type routeFlags uint8

const (
	rootOnly    routeFlags = 1 << iota
	oauthErrors            // the token endpoint's error shapes
	serverWide             // under /_idp/, outside any tenant
)

type route struct {
	pattern string // "METHOD /path", in http.ServeMux pattern syntax
	scope   string // the scopes, space-separated, any one of which the bearer token must carry, or public
	handle  handler
	flags   routeFlags
}

// routeTable is every route of the server. Patterns use the http.ServeMux
// syntax but are matched against the escaped path as it came in, without
// ServeMux's cleaning: a resource server's {id...} is an identifier URI
// whose slashes a client may or may not have escaped, "//" included. A
// path's methods are in the order of its 405's Allow header.
var routeTable = []route{
	{"POST " + routeToken, public, handleToken, oauthErrors},
	{"GET " + routeJWKS, public, handleJWKS, 0},
	{"GET /.well-known/openid-configuration", public, handleOpenIDConfig, 0},

	{"GET /api/v2/resource-servers", "read:resource_servers", listResourceServers, 0},
	{"POST /api/v2/resource-servers", "create:resource_servers", createResourceServer, 0},
	{"DELETE /api/v2/resource-servers/{id...}", "delete:resource_servers", deleteResourceServer, 0},
	{"GET /api/v2/resource-servers/{id...}", "read:resource_servers", getResourceServer, 0},
	{"PATCH /api/v2/resource-servers/{id...}", "update:resource_servers", updateResourceServer, 0},

	{"GET /api/v2/clients", scopesReadClient, listClients, 0},
	{"POST /api/v2/clients", "create:clients", createClient, 0},
	{"DELETE /api/v2/clients/{id}", "delete:clients", deleteClient, 0},
	{"GET /api/v2/clients/{id}", scopesReadClient, getClient, 0},
	{"PATCH /api/v2/clients/{id}", scopesUpdateClient, updateClient, 0},
	{"POST /api/v2/clients/{id}/rotate-secret", scopeRotateSecret, rotateClientSecret, 0},
	// The spec also asks for read:clients or read:client_summary, which the handler checks.
	{"GET /api/v2/clients/{id}/connections", "read:connections", getClientConnections, 0},
	{"GET /api/v2/clients/{id}/credentials", scopeReadCredentials, listCredentials, 0},
	{"POST /api/v2/clients/{id}/credentials", scopeCreateCredentials, createCredential, 0},
	{"DELETE /api/v2/clients/{id}/credentials/{credential_id}", scopeDeleteCredentials, deleteCredential, 0},
	{"GET /api/v2/clients/{id}/credentials/{credential_id}", scopeReadCredentials, getCredential, 0},
	{"PATCH /api/v2/clients/{id}/credentials/{credential_id}", scopeUpdateCredentials, updateCredential, 0},

	{"GET /api/v2/client-grants", "read:client_grants", listClientGrants, 0},
	{"POST /api/v2/client-grants", "create:client_grants", createClientGrant, 0},
	{"DELETE /api/v2/client-grants/{id}", "delete:client_grants", deleteClientGrant, 0},
	{"GET /api/v2/client-grants/{id}", "read:client_grants", getClientGrant, 0},
	{"PATCH /api/v2/client-grants/{id}", "update:client_grants", updateClientGrant, 0},

	{"GET /api/v2/connections", "read:connections", listConnections, 0},
	{"POST /api/v2/connections", "create:connections", createConnection, 0},
	{"DELETE /api/v2/connections/{id}", "delete:connections", deleteConnection, 0},
	{"GET /api/v2/connections/{id}", "read:connections", getConnection, 0},
	{"PATCH /api/v2/connections/{id}", "update:connections", updateConnection, 0},
	{"GET /api/v2/connections/{id}/clients", "read:connections", getConnectionClients, 0},
	{"PATCH /api/v2/connections/{id}/clients", "update:connections", patchConnectionClients, 0},

	{"GET /api/v2/organizations", "read:organizations", listOrganizations, 0},
	{"POST /api/v2/organizations", "create:organizations", createOrganization, 0},
	{"GET /api/v2/organizations/name/{name}", "read:organizations", getOrganizationByName, 0},
	{"DELETE /api/v2/organizations/{id}", "delete:organizations", deleteOrganization, 0},
	{"GET /api/v2/organizations/{id}", "read:organizations", getOrganization, 0},
	{"PATCH /api/v2/organizations/{id}", "update:organizations", updateOrganization, 0},
	{"GET /api/v2/organizations/{id}/enabled_connections", "read:organization_connections", listOrganizationConnections, 0},
	{"POST /api/v2/organizations/{id}/enabled_connections", "create:organization_connections", addOrganizationConnection, 0},
	{"DELETE /api/v2/organizations/{id}/enabled_connections/{connectionId}", "delete:organization_connections", deleteOrganizationConnection, 0},
	{"GET /api/v2/organizations/{id}/enabled_connections/{connectionId}", "read:organization_connections", getOrganizationConnection, 0},
	{"PATCH /api/v2/organizations/{id}/enabled_connections/{connectionId}", "update:organization_connections", updateOrganizationConnection, 0},
	{"GET /api/v2/organizations/{id}/client-grants", "read:organization_client_grants", listOrganizationClientGrants, 0},
	{"POST /api/v2/organizations/{id}/client-grants", "create:organization_client_grants", associateOrganizationClientGrant, 0},
	{"DELETE /api/v2/organizations/{id}/client-grants/{grant_id}", "delete:organization_client_grants", deleteOrganizationClientGrant, 0},

	{"GET /api/v2/actions/actions", scopeReadActions, listActions, 0},

	{"GET /api/v2/tenants", "read:tenants", listTenants, rootOnly},
	{"POST /api/v2/tenants", "create:tenants", createTenant, rootOnly},
	{"DELETE /api/v2/tenants/{id}", "delete:tenants", deleteTenant, rootOnly},
	{"GET /api/v2/tenants/{id}", "read:tenants", getTenant, rootOnly},
	{"PATCH /api/v2/tenants/{id}", "update:tenants", updateTenant, rootOnly},
	// "settings" is therefore no tenant name (reservedTenantNames).
	{"GET /api/v2/tenants/settings", "read:tenant_settings", getTenantSettings, 0},
	{"PATCH /api/v2/tenants/settings", "update:tenant_settings", updateTenantSettings, 0},

	{"GET /_idp/requests", adminCredentials, getRequestCounts, serverWide},
	{"DELETE /_idp/requests", adminCredentials, resetRequestCounts, serverWide},
	{"POST /_idp/reset", adminCredentials, handleReset, serverWide},
	{"POST /_idp/reset/{tenant}", adminCredentials, handleResetTenant, serverWide},
	{"GET /_idp/health", public, handleHealth, serverWide},
}

const (
	routeToken   = "/oauth/token"
	routeJWKS    = "/.well-known/jwks.json"
	routeUnknown = "unknown"
)

// pathRoutes are the routes that share a path pattern.
type pathRoutes struct {
	pattern  string   // e.g. "/api/v2/clients/{id}"
	template string   // the counters' route: the pattern with {id...} as {id}
	segments []string // the pattern split at "/"
	flags    routeFlags
	allow    string // the Allow header of a 405
	methods  map[string]*route
}

type router []*pathRoutes

var (
	tenantRouter = newRouter(routeTable, false)
	serverRouter = newRouter(routeTable, true)
)

// newRouter groups the tenant routes of table, or its server-wide ones, by
// path. It panics on a malformed table, when the package loads.
func newRouter(table []route, wide bool) router {
	var rt router
	byPath := map[string]*pathRoutes{}
	for i := range table {
		r := &table[i]
		if (r.flags&serverWide != 0) != wide {
			continue
		}
		method, path, ok := strings.Cut(r.pattern, " ")
		if !ok || !strings.HasPrefix(path, "/") || r.handle == nil || r.scope == "" {
			panic(fmt.Sprintf("server: malformed route %q", r.pattern))
		}
		if wide && r.scope != public && r.scope != adminCredentials {
			panic(fmt.Sprintf("server: route %q is outside any tenant, so it has no token to check", r.pattern))
		}
		if !wide && r.scope == adminCredentials {
			panic(fmt.Sprintf("server: route %q is a tenant's, which takes tokens, not admin credentials", r.pattern))
		}
		p := byPath[path]
		if p == nil {
			p = &pathRoutes{
				pattern:  path,
				template: strings.ReplaceAll(path, "...}", "}"),
				segments: strings.Split(path[1:], "/"),
				flags:    r.flags,
				methods:  map[string]*route{},
			}
			byPath[path] = p
			rt = append(rt, p)
		}
		if p.flags != r.flags || p.methods[method] != nil {
			panic(fmt.Sprintf("server: route %q disagrees with another on its path", r.pattern))
		}
		p.methods[method] = r
		if p.allow != "" {
			p.allow += ", "
		}
		p.allow += method
	}
	return rt
}

// match finds the routes of an escaped path and its escaped wildcards, in
// order. When two patterns match, the one with more literal segments wins,
// as in ServeMux.
func (rt router) match(path string, root bool) (*pathRoutes, []string) {
	var best *pathRoutes
	var bestParams []string
	bestLiterals := -1
	for _, p := range rt {
		if p.flags&rootOnly != 0 && !root {
			continue
		}
		if params, literals, ok := p.match(path); ok && literals > bestLiterals {
			best, bestParams, bestLiterals = p, params, literals
		}
	}
	return best, bestParams
}

// match returns the wildcards' values and the number of literal segments;
// {name} matches a non-empty segment and {name...} the non-empty rest.
func (p *pathRoutes) match(path string) (params []string, literals int, ok bool) {
	rest, ok := strings.CutPrefix(path, "/")
	if !ok {
		return nil, 0, false
	}
	last := len(p.segments) - 1
	for i, seg := range p.segments {
		if strings.HasSuffix(seg, "...}") {
			return append(params, rest), literals, rest != ""
		}
		s, after, more := strings.Cut(rest, "/")
		if more != (i < last) {
			return nil, 0, false
		}
		switch {
		case strings.HasPrefix(seg, "{"):
			if s == "" {
				return nil, 0, false
			}
			params = append(params, s)
		case s == seg:
			literals++
		default:
			return nil, 0, false
		}
		rest = after
	}
	return params, literals, true
}

// lookup returns the route serving method on this path, HEAD served as
// GET; the error is a 404 when p is nil, else a 405.
func (p *pathRoutes) lookup(method string) (*route, error) {
	if p == nil {
		return nil, errNotFoundRoute()
	}
	if r, ok := p.methods[method]; ok {
		return r, nil
	}
	if r, ok := p.methods[http.MethodGet]; ok && method == http.MethodHead {
		return r, nil
	}
	return nil, errMethodNotAllowed(p.allow)
}
