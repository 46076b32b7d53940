package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// What a user sees when the server redirects: the diagnostic names where it
// pointed and says the provider did not go there, and nothing reaches that
// place, for the provider's own token request, for a Management API call,
// and for idp_token's request to another domain.
func TestAccRedirect_notFollowed(t *testing.T) {
	clearIDPEnv(t)
	var targetHits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { targetHits.Add(1) }))
	t.Cleanup(target.Close)
	to := strings.Replace(target.URL, "127.0.0.1", "localhost", 1)
	redirect := func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, to+r.URL.Path, http.StatusTemporaryRedirect)
	}
	redirecting := httptest.NewServer(http.HandlerFunc(redirect))
	t.Cleanup(redirecting.Close)
	// A real server whose Management API (not its token endpoint) redirects.
	env := newTestEnvWith(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/api/v2/") {
				redirect(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	})

	notFollowed := func(path string) string {
		return fmt.Sprintf("307 Temporary Redirect: redirected to %s%s, not followed: credentials are only ever sent "+
			"to the configured domain.", to, path)
	}
	cases := map[string]struct {
		config, message string
	}{
		"provider token": {
			config: clientProviderBlock(redirecting.URL, "AbCdEfGhIjKlMnOpQrStUvWxYz012345", "redirected-client-secret-0123456789") + anyResource,
			message: "Unable to Get Management API Token .*" + notFollowed("/oauth/token") + " The provider never " +
				"follows a redirect, so that its credentials and tokens go nowhere but the domain you configured. If " +
				"the tenant has moved, and you trust where the redirect points, set domain (or IDP_DOMAIN) to that address.",
		},
		"management API": {
			config:  env.config(anyResource),
			message: "Unable to Create Client .*" + notFollowed("/api/v2/clients") + " The provider never follows a redirect",
		},
		"idp_token domain": {
			config: env.config(fmt.Sprintf(`
data "idp_token" "t" {
  domain        = %q
  audience      = "https://api.example.com/"
  client_id     = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
  client_secret = "redirected-client-secret-0123456789"
}
`, redirecting.URL)),
			message: "Unable to Get Token .*" + notFollowed("/oauth/token") + " The provider never follows a redirect" +
				".* set idp_token's domain to that address.",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: expectLiteralParts(tc.message)}},
			})
		})
	}
	if n := targetHits.Load(); n != 0 {
		t.Errorf("the redirects' target got %d requests", n)
	}
}

// expectLiteralParts is expectMessage for a message whose parts between
// ".*" are literal.
func expectLiteralParts(message string) *regexp.Regexp {
	parts := strings.Split(message, ".*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(strings.TrimSpace(p))
	}
	return expectError(strings.Join(parts, ".*"))
}
