package mgmt

// Endpoints are the URLs of one tenant, all below <base> (no trailing slash).
type Endpoints struct {
	BaseURL                string // also a domain the provider accepts
	ManagementAudience     string // <base>/api/v2/
	TokenURL               string // <base>/oauth/token
	Issuer                 string // <base>/, the iss claim of its tokens
	JWKSURI                string // <base>/.well-known/jwks.json
	OpenIDConfigurationURL string // <base>/.well-known/openid-configuration
}

// EndpointsFor returns the endpoints of the tenant at domain, without network I/O.
func EndpointsFor(domain string) (Endpoints, error) {
	u, err := ParseDomain(domain)
	if err != nil {
		return Endpoints{}, err
	}
	return endpointsAt(u.String()), nil
}

// Endpoints returns the endpoints of the client's tenant, with its audience.
func (c *Client) Endpoints() Endpoints {
	e := endpointsAt(c.baseStr)
	e.ManagementAudience = c.audience
	return e
}

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
