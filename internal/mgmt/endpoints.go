package mgmt

// Endpoints are the URLs of one tenant that configurations refer to,
// derived from its base URL the way the server lays them out: everything
// lives below <base>, which has no trailing slash.
type Endpoints struct {
	// BaseURL is the tenant's base URL, e.g. "https://login.example.com" or
	// "http://127.0.0.1:8080/tenants/customer-1". It is also a domain the
	// provider accepts.
	BaseURL string
	// ManagementAudience is the identifier of the tenant's Management API,
	// the audience of management tokens: <base>/api/v2/.
	ManagementAudience string
	// TokenURL is the token endpoint, <base>/oauth/token.
	TokenURL string
	// Issuer is the iss claim of the tenant's tokens, <base>/.
	Issuer string
	// JWKSURI publishes the keys the tenant signs tokens with,
	// <base>/.well-known/jwks.json.
	JWKSURI string
	// OpenIDConfigurationURL is the discovery document,
	// <base>/.well-known/openid-configuration.
	OpenIDConfigurationURL string
}

// EndpointsFor returns the endpoints of the tenant at domain, which takes
// the forms ParseDomain accepts (host[:port] with https assumed, or an
// http(s) URL with an optional path prefix). It does no network I/O.
func EndpointsFor(domain string) (Endpoints, error) {
	u, err := ParseDomain(domain)
	if err != nil {
		return Endpoints{}, err
	}
	return endpointsAt(u.String()), nil
}

// Endpoints returns the endpoints of the client's tenant. The Management
// API's audience is the one the client uses: the configured audience when
// there is one (a service that names its Management API otherwise), else
// DefaultAudience.
func (c *Client) Endpoints() Endpoints {
	e := endpointsAt(c.baseStr)
	e.ManagementAudience = c.audience
	return e
}

// endpointsAt lays the endpoints out below a base URL without a trailing
// slash.
func endpointsAt(base string) Endpoints {
	return Endpoints{
		BaseURL:                base,
		ManagementAudience:     base + "/api/v2/",
		TokenURL:               base + "/" + tokenPath,
		Issuer:                 base + "/",
		JWKSURI:                base + "/.well-known/jwks.json",
		OpenIDConfigurationURL: base + "/.well-known/openid-configuration",
	}
}
