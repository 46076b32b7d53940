package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccProvider_configurationErrors(t *testing.T) {
	clearIDPEnv(t)
	cases := map[string]struct {
		provider string
		env      map[string]string
		message  string
	}{
		"bad domain scheme": {
			provider: `domain = "ftp://example.com"` + "\n" + `api_token = "t"`,
			message:  `"ftp://example.com" is not a usable domain`,
		},
		"domain with spaces": {
			provider: `domain = "exa mple.com"` + "\n" + `api_token = "t"`,
			message:  `"exa mple.com" is not a usable domain`,
		},
		"token and client credentials": {
			provider: `domain = "example.com"` + "\n" + `api_token = "t"` + "\n" + `client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"` + "\n" + `client_secret = "s"`,
			message:  `Attribute "api_token" cannot be specified when "client_id" is specified`,
		},
		"client id without secret": {
			provider: `domain = "example.com"` + "\n" + `client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"`,
			message:  `client_id is set but neither client_secret nor client_assertion_private_key is: set client_secret or IDP_CLIENT_SECRET`,
		},
		"secret without client id": {
			provider: `domain = "example.com"` + "\n" + `client_secret = "s"`,
			message:  `A client secret or client assertion private key is set but client_id is not: set client_id or IDP_CLIENT_ID.`,
		},
		"no credentials": {
			provider: `domain = "example.com"`,
			message:  `The provider needs credentials: client_id and client_secret`,
		},
		"no domain": {
			provider: `api_token = "t"`,
			message:  `The provider needs the tenant's domain: set the domain argument or the IDP_DOMAIN environment variable`,
		},
		"token in env and client credentials": {
			provider: `domain = "example.com"` + "\n" + `client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"` + "\n" + `client_secret = "s"`,
			env:      map[string]string{"IDP_API_TOKEN": "t"},
			message:  `Both api_token (or IDP_API_TOKEN) and client credentials`,
		},
		"bad domain in env": {
			provider: `api_token = "t"`,
			env:      map[string]string{"IDP_DOMAIN": "https://"},
			message:  `"https://" (from the domain argument or IDP_DOMAIN) is not usable`,
		},
		"max_retries": {
			provider: `domain = "example.com"` + "\n" + `api_token = "t"` + "\n" + `max_retries = 101`,
			message:  `max_retries value must be between 0 and 100, got: 101`,
		},
		"max_retries in env": {
			provider: `domain = "example.com"` + "\n" + `api_token = "t"`,
			env:      map[string]string{"IDP_MAX_RETRIES": "many"},
			message:  `IDP_MAX_RETRIES is "many"; it must be a whole number between 0 and 100.`,
		},
		"retry_timeout": {
			provider: `domain = "example.com"` + "\n" + `api_token = "t"` + "\n" + `retry_timeout = "60"`,
			message:  `"60" is not a positive duration. Use a number with a unit`,
		},
		"retry_timeout in env": {
			provider: `domain = "example.com"` + "\n" + `api_token = "t"`,
			env:      map[string]string{"IDP_RETRY_TIMEOUT": "-1m"},
			message:  `The retry timeout (retry_timeout or IDP_RETRY_TIMEOUT) is "-1m"; it must be a positive Go`,
		},
		"requests_per_second": {
			provider: `domain = "example.com"` + "\n" + `api_token = "t"` + "\n" + `requests_per_second = 0`,
			message:  `requests_per_second value must be at least`,
		},
		"requests_per_second in env": {
			provider: `domain = "example.com"` + "\n" + `api_token = "t"`,
			env:      map[string]string{"IDP_REQUESTS_PER_SECOND": "-3"},
			message:  `IDP_REQUESTS_PER_SECOND is "-3"; it must be a number of at least 0.1.`,
		},
		"adopt identical in env": {
			provider: `domain = "example.com"` + "\n" + `api_token = "t"`,
			env:      map[string]string{"IDP_ADOPT_IDENTICAL": "yes please"},
			message:  `IDP_ADOPT_IDENTICAL is "yes please"; it must be true or false.`,
		},
		"client id not as issued": {
			provider: `domain = "example.com"` + "\n" + `client_id = "admin"` + "\n" + `client_secret = "s"`,
			message:  `"admin" is not a client ID: the service issues client IDs of 32 letters and digits`,
		},
		"client id not as issued in env": {
			provider: `domain = "example.com"` + "\n" + `client_secret = "s"`,
			env:      map[string]string{"IDP_CLIENT_ID": "admin"},
			message:  `IDP_CLIENT_ID "admin" is not a client ID: the service issues client IDs of 32 letters and digits`,
		},
		"audience": {
			provider: `domain = "example.com"` + "\n" + `api_token = "t"` + "\n" + `audience = "api"`,
			message:  `"api" is not an absolute URI`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      "provider \"idp\" {\n" + tc.provider + "\n}\n" + anyResource,
					PlanOnly:    true,
					ExpectError: expectMessage(tc.message),
				}},
			})
		})
	}
}

// The provider reads every argument from its IDP_* variable.
func TestAccProvider_environment(t *testing.T) {
	clearIDPEnv(t)
	env := newTestEnv(t)
	t.Setenv("IDP_DOMAIN", env.url)
	t.Setenv("IDP_CLIENT_ID", env.srv.AdminClientID())
	t.Setenv("IDP_CLIENT_SECRET", env.srv.AdminClientSecret())
	t.Setenv("IDP_AUDIENCE", env.url+"/api/v2/")
	t.Setenv("IDP_MAX_RETRIES", "1")
	t.Setenv("IDP_REQUESTS_PER_SECOND", "100")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: anyResource,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("idp_client.test", tfjsonpath.New("name"), knownvalue.StringExact("x")),
			},
		}},
	})
}

// Wrong credentials fail terraform plan, even a plan that only creates,
// and nothing but the token request reaches the server.
func TestAccProvider_badCredentials(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.srv.ResetCounts,
			Config: fmt.Sprintf(`
provider "idp" {
  domain        = %q
  client_id     = %q
  client_secret = "wrong"
}
`, env.url, env.srv.AdminClientID()) + anyResource,
			PlanOnly: true,
			ExpectError: expectMessage(fmt.Sprintf(`The provider asked %[1]s/oauth/token for a Management API token `+
				`(audience "%[1]s/api/v2/") to check its configuration. The server answered 401 Unauthorized `+
				`(access_denied): "Unauthorized". %[1]s/oauth/token refused the provider's client credentials: check `+
				`client_id and client_secret`, env.url)),
		}},
	})
	if n := env.requests("POST", "/oauth/token"); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
	for _, c := range env.srv.Counts() {
		if c.Route != "/oauth/token" {
			t.Errorf("unexpected request %s %s after the refused token", c.Method, c.Route)
		}
	}
}

// A provider configured from attributes that are unknown at plan time (a
// client created in the same run) plans fine and works at apply.
func TestAccProvider_unknownConfigurationAtPlan(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: flowProviders("automation"),
		Steps: []resource.TestStep{{
			Config: env.config(fmt.Sprintf(`
resource "idp_client" "automation" {
  name = "Automation"
}

resource "idp_client_grant" "automation" {
  client_id = idp_client.automation.client_id
  audience  = "%[1]s/api/v2/"
  scope     = ["create:resource_servers", "read:resource_servers", "update:resource_servers", "delete:resource_servers"]
}

provider "idpautomation" {
  domain        = %[1]q
  client_id     = idp_client.automation.client_id
  client_secret = idp_client.automation.client_secret
}

resource "idp_resource_server" "by_automation" {
  provider   = idpautomation
  name       = "Made by the automation client"
  identifier = "https://automation.example.com/"
  depends_on = [idp_client_grant.automation]
}
`, env.url)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("idp_resource_server.by_automation", tfjsonpath.New("id"), knownvalue.NotNull()),
			},
		}},
	})
}

// A refresh of many resources costs one GET per resource and one token
// request in total.
func TestAccProvider_refreshCost(t *testing.T) {
	env := newTestEnv(t)
	const n = 10
	config := env.config(fmt.Sprintf(`
resource "idp_resource_server" "api" {
  count      = %[1]d
  name       = "API ${count.index}"
  identifier = "https://api-${count.index}.example.com/"
  scopes     = [{ value = "read:x" }]
}

resource "idp_client" "svc" {
  count = %[1]d
  name  = "Service ${count.index}"
}

resource "idp_client_grant" "g" {
  count     = %[1]d
  client_id = idp_client.svc[count.index].client_id
  audience  = idp_resource_server.api[count.index].identifier
  scope     = ["read:x"]
}
`, n))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:    env.srv.ResetCounts,
				RefreshState: true,
				Check: func(*terraform.State) error {
					want := map[string]int64{
						"GET /api/v2/resource-servers/{id}": n,
						"GET /api/v2/clients/{id}":          n,
						"GET /api/v2/client-grants/{id}":    n,
						"POST /oauth/token":                 1,
					}
					var total int64
					for _, c := range env.srv.Counts() {
						total += c.N
						if c.Status != http.StatusOK {
							return fmt.Errorf("unexpected %d on %s %s", c.Status, c.Method, c.Route)
						}
					}
					var wantTotal int64
					for key, w := range want {
						wantTotal += w
						method, route, _ := strings.Cut(key, " ")
						if got := env.requests(method, route); got != w {
							return fmt.Errorf("%s: %d requests, want %d", key, got, w)
						}
					}
					if total != wantTotal {
						return fmt.Errorf("refresh made %d requests in all, want %d: %+v", total, wantTotal, env.srv.Counts())
					}
					return nil
				},
			},
		},
	})
}

// The provider documentation's environment table names every variable the
// provider reads.
func TestIndexListsEveryEnvironmentVariable(t *testing.T) {
	index := readExample(t, "../templates/index.md.tmpl")
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	read := regexp.MustCompile(`"((?:IDP|TF_LOG_PROVIDER)_[A-Z_]+)"`)
	seen := 0
	for _, f := range sources {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range read.FindAllStringSubmatch(string(b), -1) {
			seen++
			if !strings.Contains(index, "`"+m[1]+"`") && !strings.Contains(index, "`"+m[1]+"=") {
				t.Errorf("%s reads %s, which templates/index.md.tmpl does not list", f, m[1])
			}
		}
	}
	if seen < 9 {
		t.Errorf("found %d environment variables in the provider's sources, want at least 9", seen)
	}
}
