package mgmt

import (
	"context"
	"errors"
	"fmt"
)

// TenantKeyCredentialName is the name of the credential KeyManagementClient registers.
const TenantKeyCredentialName = "idp_tenant management_client_public_key" //nolint:gosec // a credential's name, not a credential

// TenantKey is the public key a new tenant's Management API client is to authenticate with.
type TenantKey struct {
	// PEM is an RSA public key (SPKI or PKCS #1) or an X.509 certificate.
	PEM string
	// Alg is RS256 (when empty), RS384 or PS256.
	Alg string
}

// TenantKeyError is KeyManagementClient's error: the tenant exists, but its
// Management API client was not switched to its key, and the one secret that
// could finish the job was dropped with the call.
type TenantKeyError struct {
	Tenant *Tenant // without the management client's secret
	// Step is what failed, e.g. "registering the public key on its Management API client".
	Step string
	Err  error
}

// Error names the tenant and the step.
func (e *TenantKeyError) Error() string {
	return fmt.Sprintf("tenant %q (id %s) was created, but %s failed: %v", str(e.Tenant.Name), str(e.Tenant.ID), e.Step, e.Err)
}

// Unwrap returns the step's error.
func (e *TenantKeyError) Unwrap() error { return e.Err }

// KeyManagementClient makes the new tenant t's Management API client
// authenticate with key (private_key_jwt) instead of the secret of t's
// create answer: it signs in to the tenant with that secret, registers the
// key as a credential of the client and switches the client to it, after
// which the secret no longer authenticates. It clears the secret from t
// whatever happens, so that no caller can keep it. A lost answer converges:
// the credential is found again by its kid, and the switch is a PATCH.
func (c *Client) KeyManagementClient(ctx context.Context, t *Tenant, key TenantKey) error {
	mc := t.ManagementClient
	if mc == nil || mc.ClientSecret == "" {
		return &TenantKeyError{Tenant: t, Step: "reading its Management API client's credentials",
			Err: errors.New("the create answer carried none")}
	}
	secret := mc.ClientSecret
	mc.ClientSecret = ""
	tc, err := c.forTenant(str(t.Domain), mc.ClientID, secret)
	if err != nil {
		return &TenantKeyError{Tenant: t, Step: "connecting to the tenant", Err: err}
	}
	in := &ClientCredential{Name: String(TenantKeyCredentialName), PEM: String(key.PEM)}
	if key.Alg != "" {
		in.Alg = String(key.Alg)
	}
	cred, err := tc.CreateClientCredential(ctx, mc.ClientID, in)
	if err != nil {
		return &TenantKeyError{Tenant: t, Step: "registering management_client_public_key on its Management API client", Err: err}
	}
	if _, err := tc.UsePrivateKeyJWT(ctx, mc.ClientID, []string{str(cred.ID)}); err != nil {
		return &TenantKeyError{Tenant: t, Step: "switching its Management API client to Private Key JWT", Err: err}
	}
	c.log.Log(ctx, LevelInfo, "the new tenant's Management API client authenticates with its public key; its secret was dropped",
		map[string]any{"tenant": str(t.Name), "client_id": mc.ClientID, "credential_id": str(cred.ID)})
	return nil
}

// forTenant is a client for another tenant of the same server, with c's
// transport, retry policy and logger, and a pacer of its own: rate limits
// are per tenant.
func (c *Client) forTenant(domain, clientID, secret string) (*Client, error) {
	return New(Config{
		Domain: domain, ClientID: clientID, ClientSecret: secret,
		RetryTimeout: c.retryTimeout, AttemptTimeout: c.attemptTimeout, MaxRetries: c.policy.maxRetries,
		RetryWaitMin: c.policy.waitMin, RetryWaitMax: c.policy.waitMax,
		RequestsPerSecond: float64(c.pacer.hardCap), UserAgent: c.userAgent,
		HTTPClient: c.http, Logger: c.log,
	})
}
