package mgmt

import "testing"

func TestEndpointsFor(t *testing.T) {
	t.Parallel()
	for domain, want := range map[string]Endpoints{
		// The host:port form the docs recommend for idp-server: https is
		// assumed, as the provider assumes it.
		"127.0.0.1:42357": {
			BaseURL:                "https://127.0.0.1:42357",
			ManagementAudience:     "https://127.0.0.1:42357/api/v2/",
			TokenURL:               "https://127.0.0.1:42357/oauth/token",
			Issuer:                 "https://127.0.0.1:42357/",
			JWKSURI:                "https://127.0.0.1:42357/.well-known/jwks.json",
			OpenIDConfigurationURL: "https://127.0.0.1:42357/.well-known/openid-configuration",
		},
		// A hosted tenant's domain, as idp_tenant.domain shows it, with a
		// trailing slash that the provider ignores too.
		"http://127.0.0.1:8080/tenants/customer-1/": {
			BaseURL:                "http://127.0.0.1:8080/tenants/customer-1",
			ManagementAudience:     "http://127.0.0.1:8080/tenants/customer-1/api/v2/",
			TokenURL:               "http://127.0.0.1:8080/tenants/customer-1/oauth/token",
			Issuer:                 "http://127.0.0.1:8080/tenants/customer-1/",
			JWKSURI:                "http://127.0.0.1:8080/tenants/customer-1/.well-known/jwks.json",
			OpenIDConfigurationURL: "http://127.0.0.1:8080/tenants/customer-1/.well-known/openid-configuration",
		},
	} {
		got, err := EndpointsFor(domain)
		if err != nil {
			t.Errorf("EndpointsFor(%q): %v", domain, err)
			continue
		}
		if got != want {
			t.Errorf("EndpointsFor(%q) = %+v, want %+v", domain, got, want)
		}
	}
	if _, err := EndpointsFor("ftp://example.com"); err == nil {
		t.Error("EndpointsFor accepted an ftp:// domain")
	}
}

// A client's endpoints are those of its domain, and they agree with the
// URLs the client itself uses; its Management API audience is the
// configured one when there is one.
func TestClientEndpoints(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Domain: "login.example.com:8443", APIToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	e := c.Endpoints()
	if e.BaseURL != c.BaseURL() || e.TokenURL != c.TokenURL() || e.ManagementAudience != c.DefaultAudience() {
		t.Errorf("Endpoints() = %+v, disagrees with BaseURL %q, TokenURL %q, DefaultAudience %q",
			e, c.BaseURL(), c.TokenURL(), c.DefaultAudience())
	}
	c, err = New(Config{Domain: "login.example.com", APIToken: "t", Audience: "urn:example:management"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Endpoints().ManagementAudience; got != "urn:example:management" {
		t.Errorf("ManagementAudience = %q with a configured audience, want it", got)
	}
}
