package mgmt

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// After KeyManagementClient, the management client signs in with its key
// and no longer with the secret of the create answer; the lost answers of
// the credential's create and of the switch converge on one credential.
func TestKeyManagementClient(t *testing.T) {
	t.Parallel()
	env, inj, c := injected(t)
	key := testKeys()[0]
	tenant, err := c.CreateTenant(t.Context(), &Tenant{Name: String("keyed")})
	if err != nil {
		t.Fatal(err)
	}
	id, secret := tenant.ManagementClient.ClientID, tenant.ManagementClient.ClientSecret
	inj.dropOnce(http.MethodPost, "/tenants/keyed/api/v2/clients/"+id+"/credentials")
	inj.dropOnce(http.MethodPatch, "/tenants/keyed/api/v2/clients/"+id)
	if err := c.KeyManagementClient(t.Context(), tenant, TenantKey{PEM: publicPEM(t, key), Alg: "PS256"}); err != nil {
		t.Fatal(err)
	}
	if tenant.ManagementClient.ClientSecret != "" || tenant.ManagementClient.ClientID != id {
		t.Fatalf("management client after keying: %+v", tenant.ManagementClient)
	}
	if n := inj.count(http.MethodPost, "/tenants/keyed/api/v2/clients/"+id+"/credentials"); n != 2 {
		t.Errorf("%d credential creates, want 2 (one lost answer)", n)
	}

	domain := env.ts.URL + "/tenants/keyed"
	withKey := quickClient(t, Config{Domain: domain, ClientID: id, ClientAssertionKey: key, ClientAssertionAlg: "PS256"})
	creds, err := withKey.ListClientCredentials(t.Context(), id)
	if err != nil {
		t.Fatalf("the key does not sign in: %v", err)
	}
	if len(creds) != 1 || str(creds[0].Name) != TenantKeyCredentialName || str(creds[0].Alg) != "PS256" {
		t.Fatalf("credentials %+v, want one, %q, PS256", creds, TenantKeyCredentialName)
	}
	app, err := withKey.GetApplication(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if app.ClientAuthenticationMethods == nil || app.ClientAuthenticationMethods.PrivateKeyJWT == nil {
		t.Fatalf("the management client does not use private_key_jwt: %+v", app)
	}
	// A reset of the tenant keeps the key, as it keeps a rotated secret.
	for _, reset := range []bool{false, true} {
		if reset {
			if err := env.srv.ResetTenant("keyed"); err != nil {
				t.Fatal(err)
			}
			withKey = quickClient(t, Config{Domain: domain, ClientID: id, ClientAssertionKey: key, ClientAssertionAlg: "PS256"})
			if _, err := withKey.ListResourceServers(t.Context()); err != nil {
				t.Fatalf("the key after a reset of the tenant: %v", err)
			}
		}
		withSecret := quickClient(t, Config{Domain: domain, ClientID: id, ClientSecret: secret, MaxRetries: 1})
		_, err = withSecret.ListResourceServers(t.Context())
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
			t.Fatalf("the create answer's secret signs in (reset %v, err %v)", reset, err)
		}
	}
}

// A refusal at either step is a TenantKeyError naming the step and carrying
// the tenant, whose secret is gone all the same.
func TestKeyManagementClientFails(t *testing.T) {
	t.Parallel()
	for step, method := range map[string]string{
		"registering management_client_public_key": http.MethodPost,
		"switching its Management API client":      http.MethodPatch,
	} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			var inj *injector
			env := newTestEnv(t, server.Options{}, func(h http.Handler) http.Handler { inj = newInjector(h); return inj })
			c := env.client(t)
			tenant, err := c.CreateTenant(t.Context(), &Tenant{Name: String("refused")})
			if err != nil {
				t.Fatal(err)
			}
			path := "/tenants/refused/api/v2/clients/" + tenant.ManagementClient.ClientID
			if method == http.MethodPost {
				path += "/credentials"
			}
			inj.once(method, path, http.StatusForbidden, nil)
			err = c.KeyManagementClient(t.Context(), tenant, TenantKey{PEM: publicPEM(t, testKeys()[1])})
			var keyErr *TenantKeyError
			if !errors.As(err, &keyErr) || keyErr.Tenant != tenant || !strings.Contains(err.Error(), step) {
				t.Fatalf("err = %v, want a TenantKeyError for %s", err, step)
			}
			if tenant.ManagementClient.ClientSecret != "" {
				t.Error("the secret is left in the tenant after a failure")
			}
		})
	}
}
