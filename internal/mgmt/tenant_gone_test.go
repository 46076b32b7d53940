package mgmt

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

func TestTenantGone(t *testing.T) {
	ctx := t.Context()
	e := newTestEnv(t, server.Options{}, nil)
	root := e.client(t)
	tn, err := root.CreateTenant(ctx, &Tenant{Name: String("gone-1")})
	if err != nil {
		t.Fatal(err)
	}
	inner := e.client(t, func(c *Config) {
		c.Domain, c.ClientID, c.ClientSecret = *tn.Domain, tn.ManagementClient.ClientID, tn.ManagementClient.ClientSecret
	})
	for name, c := range map[string]*Client{"root": root, "live tenant": inner} {
		if gone, err := c.TenantGone(ctx); gone || err != nil {
			t.Errorf("%s: TenantGone = %v, %v; want false, nil", name, gone, err)
		}
	}
	if err := root.DeleteTenant(ctx, *tn.ID); err != nil {
		t.Fatal(err)
	}
	if err := inner.Verify(ctx); !IsInexistentTenant(err) {
		t.Errorf("Verify after the delete = %v, want 404 inexistent_tenant", err)
	}
	if gone, err := inner.TenantGone(ctx); !gone || err != nil {
		t.Errorf("deleted tenant: TenantGone = %v, %v; want true, nil", gone, err)
	}

	// A 404 that is not idp-server's, and a server that is down, are no proof.
	notIDP := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notIDP.Close)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	for _, domain := range []string{notIDP.URL + "/tenants/x", down.URL + "/tenants/x", notIDP.URL} {
		c := e.client(t, func(c *Config) { c.Domain = domain })
		if gone, _ := c.TenantGone(ctx); gone {
			t.Errorf("%s: TenantGone = true", domain)
		}
	}
}
