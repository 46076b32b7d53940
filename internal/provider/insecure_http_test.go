package provider

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// nonLoopbackEnv is a test server reached over plain HTTP through an
// address the provider does not treat as loopback, so it must not use it
// without allow_insecure_http: 0.0.0.0, the unspecified address, which
// Linux (and macOS) connect to this machine. The server itself listens on
// loopback only, like every test server.
func nonLoopbackEnv(t *testing.T) *testEnv {
	t.Helper()
	env := newTestEnv(t)
	u, err := url.Parse(env.url)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = net.JoinHostPort("0.0.0.0", u.Port())
	env.url = u.String()
	return env
}

func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LocalHost": true, "localhost.": true, "127.0.0.1": true, "127.8.9.10": true, "::1": true,
		"::ffff:127.0.0.1": true, "0.0.0.0": false, "192.0.2.2": false, "example.com": false, "localhost.example.com": false,
		"::": false, "10.0.0.1": false,
	} {
		if got := isLoopbackHost(host); got != want {
			t.Errorf("isLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// Plain HTTP to localhost (not only 127.0.0.1, which every other test
// uses) is fine.
func TestAccInsecureHTTP_localhost(t *testing.T) {
	env := newTestEnv(t)
	localhost := strings.Replace(env.url, "127.0.0.1", "localhost", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:             env.providerBlock(localhost) + anyResource,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}

// Plain HTTP to another host is refused at plan, before any request.
func TestAccInsecureHTTP_refused(t *testing.T) {
	clearIDPEnv(t)
	env := nonLoopbackEnv(t)
	host := strings.TrimPrefix(env.url, "http://")
	host = host[:strings.LastIndex(host, ":")]
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   env.providerConfig() + anyResource,
			PlanOnly: true,
			ExpectError: expectMessage(fmt.Sprintf(`The domain (from the domain argument or IDP_DOMAIN) %q uses plain `+
				`http:// to %s, which is not this machine: the client secret and the access tokens would cross the `+
				`network unencrypted. Use https:// (or leave the scheme out: HTTPS is assumed), or, if the network path `+
				`is trusted, set allow_insecure_http = true in the provider (or IDP_ALLOW_INSECURE_HTTP=true).`,
				env.url, host)),
		}},
	})
	if n := env.totalRequests(); n != 0 {
		t.Errorf("the refused provider sent %d requests, want 0", n)
	}
}

// idp_token's own domain follows the same rule, and is refused before its
// token request.
func TestAccInsecureHTTP_tokenDomainRefused(t *testing.T) {
	clearIDPEnv(t)
	remote := nonLoopbackEnv(t)
	env := newTestEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.config(fmt.Sprintf(`
data "idp_token" "t" {
  domain        = %q
  audience      = "%s/api/v2/"
  client_id     = %q
  client_secret = %q
}
`, remote.url, remote.url, remote.srv.AdminClientID(), remote.srv.AdminClientSecret())),
			ExpectError: expectMessage(fmt.Sprintf(`idp_token's domain %q uses plain http://`, remote.url)),
		}},
	})
	if n := remote.totalRequests(); n != 0 {
		t.Errorf("the refused idp_token sent %d requests, want 0", n)
	}
}

// allow_insecure_http, or IDP_ALLOW_INSECURE_HTTP, opts in, for the
// provider and for idp_token.
func TestAccInsecureHTTP_optIn(t *testing.T) {
	clearIDPEnv(t)
	env := nonLoopbackEnv(t)
	body := fmt.Sprintf(`
resource "idp_client" "test" {
  name = "over plain http"
}

data "idp_token" "t" {
  domain   = %q
  audience = "%s/api/v2/"
}
`, env.url, env.url)
	withArgument := env.providerBlock(env.url, "allow_insecure_http = true")
	t.Run("argument", func(t *testing.T) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: withArgument + body,
				Check:  resource.TestCheckResourceAttrSet("data.idp_token.t", "access_token"),
			}},
		})
	})
	t.Run("environment", func(t *testing.T) {
		t.Setenv("IDP_ALLOW_INSECURE_HTTP", "true")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: env.providerConfig() + body,
				Check:  resource.TestCheckResourceAttrSet("data.idp_token.t", "access_token"),
			}},
		})
	})
	t.Run("environment invalid", func(t *testing.T) {
		t.Setenv("IDP_ALLOW_INSECURE_HTTP", "sure")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      env.providerConfig() + anyResource,
				PlanOnly:    true,
				ExpectError: expectMessage(`IDP_ALLOW_INSECURE_HTTP is "sure"; it must be true or false.`),
			}},
		})
	})
}
