package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// Every failure gets the advice that fits it (issue 9); each test below
// provokes one on the in-process server and matches the real message.

// A provider audience that is a URI but not the Management API: the token
// endpoint does not know it, and the plan says what the audience must be.
func TestAccAdvice_wrongProviderAudience(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   env.providerBlock(env.url, `audience = "https://api.example.com/"`) + anyResource,
			PlanOnly: true,
			ExpectError: expectMessage(fmt.Sprintf(`403 Forbidden (access_denied): "Service not found: `+
				`https://api.example.com/". The audience "https://api.example.com/" is not an API of this tenant that the `+
				`provider's client may use: the provider's audience (or IDP_AUDIENCE) must be the tenant's Management API `+
				`identifier, "%s/api/v2/", or be left unset.`, env.url)),
		}},
	})
}

// idp_token for an audience that is no API: create one.
func TestAccAdvice_tokenUnknownAudience(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.config(`
data "idp_token" "t" {
  audience = "https://reports.example.com/"
}
`),
			ExpectError: expectMessage(`"Service not found: https://reports.example.com/". Check that an API with ` +
				`identifier "https://reports.example.com/" exists on that tenant (if not, create an idp_resource_server ` +
				`with that identifier), that an idp_client_grant gives the provider's client access to it`),
		}},
	})
}

// The system Management API cannot be imported: Terraform could neither
// change nor delete it.
func TestAccAdvice_importSystemAPI(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.config(fmt.Sprintf(`
resource "idp_resource_server" "mgmt" {
  name       = "Management API"
  identifier = "%s/api/v2/"
}
`, env.url)),
			ResourceName:  "idp_resource_server.mgmt",
			ImportState:   true,
			ImportStateId: env.url + "/api/v2/",
			ExpectError: expectMessage(fmt.Sprintf(`The resource server with identifier "%s/api/v2/" is the tenant's `+
				`Management API. It is a system object of the tenant, which Terraform cannot manage: remove it from the `+
				`configuration`, env.url)),
		}},
	})
}

// Changing or deleting a system object: the server's 403
// operation_not_supported says so, and the advice is not "add a scope".
// (The import above keeps such an object out of the state, so this is the
// advice for a state that has it anyway.)
func TestAdvice_systemObject(t *testing.T) {
	err := &mgmt.Error{StatusCode: http.StatusForbidden, Code: "operation_not_supported",
		Message: "The Management API is a system API and cannot be modified", Method: "PATCH", Path: "/api/v2/resource-servers/x"}
	got := apiErrorDetail(err, errorContext{})
	if !strings.Contains(got, systemObjectAdvice) || strings.Contains(got, "scope") {
		t.Errorf("advice for operation_not_supported = %q", got)
	}
	scope := &mgmt.Error{StatusCode: http.StatusForbidden, Code: "insufficient_scope", Method: "POST", Path: "/api/v2/clients"}
	if got := apiErrorDetail(scope, errorContext{}); !strings.Contains(got, "add the missing scope to its client grant") {
		t.Errorf("advice for insufficient_scope = %q", got)
	}
}

// A client without the client_credentials grant type: the provider's
// token, and idp_token's, point at the client's grant_types.
func TestAccAdvice_unauthorizedClient(t *testing.T) {
	env := newTestEnv(t)
	app := env.m2mClient([]string{"authorization_code"}, []string{"read:clients"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   env.providerFor(app) + anyResource,
			PlanOnly: true,
			ExpectError: expectMessage(`403 Forbidden (unauthorized_client): "Grant type 'client_credentials' not ` +
				`allowed for the client.". The provider's client may not use the client credentials grant: its ` +
				`grant_types must include "client_credentials"`),
		}, {
			Config: env.config(fmt.Sprintf(`
data "idp_token" "t" {
  audience      = "%s/api/v2/"
  client_id     = %q
  client_secret = %q
}
`, env.url, *app.ClientID, *app.ClientSecret)),
			ExpectError: expectMessage(fmt.Sprintf(`client %q may not use the client credentials grant: its grant_types `+
				`must include "client_credentials".`, *app.ClientID)),
		}},
	})
}

// A client with no grant on the Management API passes the plan (its grant
// may be created in the same apply, see TestAccProvider_unknownConfigurationAtPlan)
// and the first call says what grant it needs.
func TestAccAdvice_noManagementGrant(t *testing.T) {
	env := newTestEnv(t)
	app := env.m2mClient([]string{"client_credentials"}, nil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerFor(app) + anyResource,
			ExpectError: expectMessage(fmt.Sprintf(`Client is not authorized to access \"%[1]s/api/v2/\". You need to `+
				`create a \"client-grant\" associated to this API.". The provider's client has no client grant on this `+
				`tenant's Management API: grant it the scopes the configuration needs (an idp_client_grant for its `+
				`client_id with audience "%[1]s/api/v2/"`, env.url)),
		}},
	})
}

// An unreachable domain fails the plan and names the URL tried.
func TestAccAdvice_unreachableDomain(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "idp" {
  domain        = %q
  client_id     = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
  client_secret = "s"
  max_retries   = 0
}
`, closed) + anyResource,
			PlanOnly: true,
			ExpectError: expectError(`Unable to Get Management API Token.*` + regexp.QuoteMeta(fmt.Sprintf(
				`The provider asked %[1]s/oauth/token for a Management API token`, closed)) + `.*connection refused.*` +
				regexp.QuoteMeta(fmt.Sprintf(`The provider talks to %[1]s (its token endpoint is %[1]s/oauth/token): check the `+
					`domain (or IDP_DOMAIN), and that the server is running and reachable from here.`, closed))),
		}},
	})
}

// Advice never depends on the message: the same status and code with
// another message get the same advice.
func TestAdvice_ignoresMessage(t *testing.T) {
	for _, msg := range []string{"Service not found: x", "something else"} {
		err := &mgmt.Error{StatusCode: http.StatusForbidden, Code: "insufficient_scope", Message: msg, Method: "GET", Path: "/api/v2/clients"}
		if got := adviceFor(err, errorContext{}); !strings.Contains(got, "missing scope") {
			t.Errorf("message %q changed the advice: %q", msg, got)
		}
	}
	if got := adviceFor(errors.New("dial tcp: refused"), errorContext{}); got == "" {
		t.Error("no advice for a transport error")
	}
}

// An interrupt is no connection problem: the advice says what happened,
// not "check the domain".
func TestAdvice_interrupted(t *testing.T) {
	for _, err := range []error{
		&mgmt.InterruptedError{Method: "POST", Path: "/api/v2/clients", During: "waiting for the request pacer",
			Err: context.Canceled},
		&mgmt.InterruptedError{Method: "POST", Path: "/api/v2/clients", During: "sending the request (attempt 1)",
			Unknown: true, Err: fmt.Errorf("%w (dial tcp: operation was canceled)", context.Canceled)},
		fmt.Errorf("reading client abc: %w", context.Canceled),
	} {
		got := apiErrorDetail(err, errorContext{client: nil, token: &tokenContext{url: "https://x/oauth/token"}})
		if !strings.Contains(got, interruptedAdvice) || strings.Contains(got, "check the domain") ||
			strings.Contains(got, "running") {
			t.Errorf("advice for %v = %q", err, got)
		}
	}
	want := "The request failed: POST /api/v2/clients: interrupted (the operation was cancelled) while sending the " +
		"request (attempt 1); whether the request took effect on the server is not known. " + interruptedAdvice
	err := &mgmt.InterruptedError{Method: "POST", Path: "/api/v2/clients", During: "sending the request (attempt 1)",
		Unknown: true, Err: context.Canceled}
	if got := apiErrorDetail(err, errorContext{}); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// A create interrupted in flight says what to look for, as any uncertain create does.
	uncertain := &mgmt.UncertainCreateError{Kind: "client", Find: `client_metadata "idp_create_request" = "x"`, Err: err}
	if got := apiErrorDetail(uncertain, errorContext{}); !strings.Contains(got, "interrupted (the operation was cancelled)") ||
		!strings.Contains(got, `look for a client with client_metadata "idp_create_request" = "x"`) {
		t.Errorf("uncertain interrupted create: %q", got)
	}
}
