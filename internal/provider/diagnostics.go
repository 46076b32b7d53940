package provider

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// errorContext is what the advice needs besides the error. Advice branches
// on the error's status, code and request, never on the server's message,
// which is only quoted.
type errorContext struct {
	// client is nil when there is none.
	client *mgmt.Client
	// token is set for idp_token's own token request.
	token *tokenContext
	// conflictID is the import ID of the object a create conflicted with,
	// conflictKey its unique key, e.g. `identifier "https://x/"`.
	conflictID, conflictKey string
	// conflictIdentical: the existing object is exactly what the create sent.
	conflictIdentical bool
}

type tokenContext struct {
	audience string
	// who is e.g. `client "abc"` or "the provider's client".
	who string
	url string
	// assertion: the request authenticated with a private key, not a secret.
	assertion bool
}

const systemObjectAdvice = "It is a system object of the tenant, which Terraform cannot manage: remove it from " +
	"the configuration (and from the state, with a removed block or terraform state rm) and do not import it."

func addAPIError(diags *diag.Diagnostics, summary string, err error, ec errorContext) {
	diags.AddError(summary, apiErrorDetail(err, ec))
}

// apiErrorDetail is what the server said, then what to do about it.
func apiErrorDetail(err error, ec errorContext) string {
	if detail := createOutcomeDetail(err); detail != "" {
		return detail
	}
	if detail := partialCreateDetail(err, ec); detail != "" {
		return detail
	}
	if detail := unknownConnectionDetail(err, ec); detail != "" {
		return detail
	}
	said := describeAPIError(err)
	var retry *mgmt.RetryError
	var apiErr *mgmt.Error
	// Without an *Error, describeAPIError quoted the reason already.
	if errors.As(err, &retry) && errors.As(err, &apiErr) {
		said += fmt.Sprintf(" The provider gave up after %d attempts in %s: %s.", retry.Attempts,
			retry.Elapsed.Round(time.Millisecond), retry.Reason)
	}
	if advice := adviceFor(err, ec); advice != "" {
		return said + " " + advice
	}
	return said
}

func describeAPIError(err error) string {
	var apiErr *mgmt.Error
	if !errors.As(err, &apiErr) {
		return fmt.Sprintf("The request failed: %s.", err)
	}
	said := fmt.Sprintf("The server answered %d %s", apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
	if apiErr.Code != "" {
		said += fmt.Sprintf(" (%s)", apiErr.Code)
	}
	if apiErr.Message != "" {
		said += fmt.Sprintf(": %q", apiErr.Message)
	}
	return said + "."
}

// adviceFor is the one mapping from a failure to what the user should do
// about it, or "" when there is nothing better to say than the server did.
func adviceFor(err error, ec errorContext) string {
	if mgmt.IsInterrupted(err) {
		return interruptedAdvice
	}
	var redirect *mgmt.RedirectError
	if errors.As(err, &redirect) {
		return redirectAdvice(ec)
	}
	if mgmt.IsHostNotFound(err) {
		if ec.token != nil {
			return "Check idp_token's domain."
		}
		return "Check domain (or IDP_DOMAIN)."
	}
	var apiErr *mgmt.Error
	if !errors.As(err, &apiErr) {
		return unreachableAdvice(ec)
	}
	if apiErr.IsTokenRequest() {
		if ec.token != nil {
			if advice := tokenRequestAdvice(apiErr, ec.token); advice != "" {
				return advice
			}
		} else if advice := managementTokenAdvice(apiErr, ec.client); advice != "" {
			return advice
		}
	}
	switch apiErr.StatusCode {
	case http.StatusBadRequest:
		return "Correct the value the server names and apply again."
	case http.StatusUnauthorized:
		return "The provider's credentials were refused: check domain, client_id and client_secret (or api_token), " +
			"and that the token is for this tenant's Management API."
	case http.StatusForbidden:
		switch apiErr.Code {
		case "operation_not_supported":
			return systemObjectAdvice
		case "insufficient_scope":
			return "The provider's application lacks a permission this operation needs: add the missing scope to " +
				"its client grant on the Management API and apply again."
		}
		return "The server does not allow the provider's application this operation."
	case http.StatusNotFound:
		return "An object this one refers to does not exist: check the ids and names in the configuration."
	case http.StatusConflict:
		if ec.conflictID == "" {
			return "An object with the same unique key already exists."
		}
		if ec.conflictIdentical {
			return identicalConflictAdvice(ec.conflictID, ec.conflictKey)
		}
		return conflictImportAdvice(ec.conflictID, ec.conflictKey)
	case http.StatusTooManyRequests:
		return "The server kept rate-limiting the provider beyond its retry budget: lower requests_per_second or " +
			"-parallelism, or raise retry_timeout, and apply again."
	}
	if apiErr.StatusCode >= 500 {
		return "The server kept failing for longer than the provider's retry budget (retry_timeout). Apply again " +
			"when it has recovered: creates converge, so a create that did reach the server is found and adopted, " +
			"not made twice."
	}
	return ""
}

// interruptedAdvice promises nothing about creates: an uncertain one gets createOutcomeDetail's instead.
const interruptedAdvice = "Terraform was interrupted, so the provider stopped; the domain and the server are not at " +
	"fault. The next plan or apply reads what the server has."

func unreachableAdvice(ec errorContext) string {
	switch {
	case ec.token != nil:
		return fmt.Sprintf("The token endpoint tried was %s: check the domain, and that the server is running and "+
			"reachable from here.", ec.token.url)
	case ec.client != nil:
		return fmt.Sprintf("The provider talks to %s (its token endpoint is %s): check the domain (or IDP_DOMAIN), "+
			"and that the server is running and reachable from here.", ec.client.BaseURL(), ec.client.TokenURL())
	}
	return "Check that the domain is reachable."
}

func redirectAdvice(ec errorContext) string {
	what := "domain (or IDP_DOMAIN)"
	if ec.token != nil {
		what = "idp_token's domain"
	}
	return fmt.Sprintf("The provider never follows a redirect, so that its credentials and tokens go nowhere but "+
		"the domain you configured. If the tenant has moved, and you trust where the redirect points, set %s to "+
		"that address.", what)
}

func managementTokenAdvice(e *mgmt.Error, c *mgmt.Client) string {
	tokenURL, audience, management := "the token endpoint", "", ""
	if c != nil {
		tokenURL, audience, management = c.TokenURL(), c.Audience(), c.DefaultAudience()
	}
	switch {
	case e.StatusCode == http.StatusUnauthorized && c != nil && c.ClientAssertionAlg() != "":
		return fmt.Sprintf("%s refused the provider's client assertion: the private key (client_assertion_private_key "+
			"or IDP_CLIENT_ASSERTION_PRIVATE_KEY) is not registered for client %q. Its public key must be an enabled, "+
			"unexpired credential of that client, with alg %s (client_assertion_signing_alg), and the client must use "+
			"Private Key JWT authentication. Check also client_id, and that domain is the tenant the client belongs to.",
			tokenURL, c.ClientID(), c.ClientAssertionAlg())
	case e.StatusCode == http.StatusUnauthorized:
		return fmt.Sprintf("%s refused the provider's client credentials: check client_id and client_secret (or "+
			"IDP_CLIENT_ID and IDP_CLIENT_SECRET), and that domain is the tenant the client belongs to.", tokenURL)
	case e.StatusCode == http.StatusForbidden && e.Code == "unauthorized_client":
		return "The provider's client may not use the client credentials grant: its grant_types must include " +
			"\"client_credentials\" (grant_types of its idp_client, or the application's settings on the tenant)."
	case e.StatusCode == http.StatusForbidden && c != nil && audience != management:
		return fmt.Sprintf("The audience %q is not an API of this tenant that the provider's client may use: the "+
			"provider's audience (or IDP_AUDIENCE) must be the tenant's Management API identifier, %q, or be left unset.",
			audience, management)
	case e.StatusCode == http.StatusForbidden && c != nil:
		return fmt.Sprintf("The provider's client has no client grant on this tenant's Management API: grant it "+
			"the scopes the configuration needs (an idp_client_grant for its client_id with audience %q, applied "+
			"with other credentials), then apply again.", management)
	}
	return ""
}

func tokenRequestAdvice(e *mgmt.Error, t *tokenContext) string {
	switch {
	case e.StatusCode == http.StatusUnauthorized && t.assertion:
		return fmt.Sprintf("%s refused the client assertion of %s: the private key is not registered for that "+
			"client. Its public key must be an enabled, unexpired credential of the client, with the signing alg "+
			"used, and the client must use Private Key JWT authentication. Check also client_id, and that domain is "+
			"the tenant the client belongs to.", t.url, t.who)
	case e.StatusCode == http.StatusUnauthorized:
		return fmt.Sprintf("%s refused the credentials of %s: check client_id and client_secret, and that domain "+
			"is the tenant the client belongs to.", t.url, t.who)
	case e.StatusCode == http.StatusForbidden && e.Code == "unauthorized_client":
		return fmt.Sprintf("%s may not use the client credentials grant: its grant_types must include "+
			"\"client_credentials\".", t.who)
	case e.StatusCode == http.StatusForbidden:
		return fmt.Sprintf("Check that an API with identifier %q exists on that tenant (if not, create an "+
			"idp_resource_server with that identifier), that an idp_client_grant gives %s access to it, and that the "+
			"grant includes every scope asked for.", t.audience, t.who)
	}
	return ""
}

// conflictImportAdvice proposes an import block, unless the object is
// another resource's: the provider only knows that within one provider
// configuration (claimKey), so it warns about the rest. It does not know
// the resource's address, but Terraform shows it above the detail.
func conflictImportAdvice(importID, key string) string {
	with := "the same unique key"
	if key != "" {
		with = key
	}
	return fmt.Sprintf("An object with %s already exists. If another resource in this configuration (or in another "+
		"configuration, or another provider block) declares the same key, do not import: two addresses would then "+
		"manage one object; remove one of the two declarations instead. If the object was made outside Terraform "+
		"and this resource should manage it, import it: add this block to the configuration, with the address of "+
		"this resource (shown above, after \"with\"), and apply again.\n\n"+
		"import {\n  to = <this resource's address, shown above>\n  id = %q\n}", with, importID)
}

// identicalConflictAdvice is for an existing object that is exactly what
// this resource declares: most often what an apply killed before it saved
// its state left behind, which the provider adopts only where it can prove
// it made it, or when told so (DESIGN.md, "Leftovers of a killed apply").
func identicalConflictAdvice(importID, key string) string {
	return fmt.Sprintf("The existing object with %s is exactly what this resource declares. That is what an apply of "+
		"this configuration leaves when it is killed (SIGKILL, out of memory, a cancelled CI job) after creating the "+
		"object and before saving the state; the provider cannot prove who made this one, so it does not take it "+
		"over. If the last apply of this configuration was killed and no other configuration declares these objects, "+
		"apply again with %s=true in the environment: that apply adopts every API, grant, connection and organization exactly equal "+
		"to this configuration, and only those. Or, for this one alone, import it: add this block to the "+
		"configuration, with the address of this resource (shown above, after \"with\"), and apply again.\n\n"+
		"import {\n  to = <this resource's address, shown above>\n  id = %q\n}", key, adoptIdenticalEnv, importID)
}

// identicalConflict is an identical API, grant, connection or organization: a tenant is
// never adopted on the user's word, since adopting one deletes it.
func identicalConflict(err error) bool {
	var conflict *mgmt.ConflictError
	return errors.As(err, &conflict) && conflict.Identical && conflict.Kind != "tenant"
}

func existingID(err error) string {
	var conflict *mgmt.ConflictError
	if errors.As(err, &conflict) {
		return conflict.ExistingID
	}
	var mismatch *mgmt.CreateMismatchError
	if errors.As(err, &mismatch) {
		return mismatch.ExistingID
	}
	return ""
}

// createdDespite returns the object a failed create nevertheless made, or
// nil.
func createdDespite(err error) any {
	var lost *mgmt.TenantCredentialsLostError
	if errors.As(err, &lost) && lost.Tenant != nil {
		return lost.Tenant
	}
	var keyErr *mgmt.TenantKeyError
	if errors.As(err, &keyErr) && keyErr.Tenant != nil {
		return keyErr.Tenant
	}
	var partial *partialCreateError
	if errors.As(err, &partial) {
		return partial.createdObject()
	}
	return nil
}

func createOutcomeDetail(err error) string {
	var mismatch *mgmt.CreateMismatchError
	var lost *mgmt.TenantCredentialsLostError
	var uncertain *mgmt.UncertainCreateError
	var keyErr *mgmt.TenantKeyError
	switch {
	case errors.As(err, &mismatch):
		return fmt.Sprintf("An attempt of this create may have reached the server before its answer was lost; a retry "+
			"then found a %s with %s (id %s), but it differs from this configuration in %s, so it was created "+
			"outside this apply or changed since, and the provider did not take it over. %s",
			mismatch.Kind, mismatch.Key, mismatch.ExistingID, strings.Join(mismatch.Fields, ", "),
			conflictImportAdvice(mismatch.ExistingID, mismatch.Key))
	case errors.As(err, &lost):
		return fmt.Sprintf("Tenant %q (id %s) was created, but the answer carrying its Management API client "+
			"credentials was lost, and the server shows them only once. Terraform saves the tenant as tainted: the "+
			"next apply deletes it and creates it again, with new credentials.",
			valueOr(lost.Tenant.Name, ""), valueOr(lost.Tenant.ID, ""))
	case errors.As(err, &keyErr):
		return tenantKeyDetail(keyErr)
	case errors.As(err, &uncertain):
		detail := fmt.Sprintf("The provider could not tell whether the %s was created: %s.", uncertain.Kind,
			describeAPIError(uncertain.Err))
		if len(uncertain.IDs) > 0 {
			return detail + fmt.Sprintf(" %d objects carry %s: %s. Import one of them into this resource and delete "+
				"the others.", len(uncertain.IDs), uncertain.Find, strings.Join(uncertain.IDs, ", "))
		}
		return detail + fmt.Sprintf(" Before you apply again, look for a %s with %s in the tenant: import it into "+
			"this resource if it is there, or apply again if it is not.", uncertain.Kind, uncertain.Find)
	}
	return ""
}

// tenantKeyDetail explains a tenant made without its management client's
// key. Its advice is about the new tenant's application, not the provider's.
func tenantKeyDetail(e *mgmt.TenantKeyError) string {
	said := describeAPIError(e.Err)
	var apiErr *mgmt.Error
	switch {
	case errors.As(e.Err, &apiErr) && apiErr.StatusCode == http.StatusForbidden:
		said += " The tenant's Management API application lacks a scope this needs (create:client_credentials to " +
			"register the key; update:clients and update:client_credentials to switch to it), which the server did not " +
			"grant it when it created the tenant (an idp-server older than this provider does not): upgrade the " +
			"server, or create the tenant without management_client_public_key."
	case mgmt.IsInterrupted(e.Err):
		said += " " + interruptedAdvice
	}
	return fmt.Sprintf("Tenant %q (id %s) was created, but %s failed. %s The provider held the tenant's one-time "+
		"management secret in memory only and has dropped it, so nothing can finish this tenant: Terraform saves it as "+
		"tainted, and the next apply deletes it and creates it again.",
		valueOr(e.Tenant.Name, ""), valueOr(e.Tenant.ID, ""), e.Step, said)
}

// partialCreateError is a create whose object was made but whose later
// step failed: the object is saved with the error, so it is tainted.
type partialCreateError struct {
	kind, id, step string
	obj            any
	err            error
}

func (e *partialCreateError) Error() string {
	return fmt.Sprintf("%s %s was created, but %s failed: %v", e.kind, e.id, e.step, e.err)
}

func (e *partialCreateError) Unwrap() error      { return e.err }
func (e *partialCreateError) createdObject() any { return e.obj }

func partialCreateDetail(err error, ec errorContext) string {
	var p *partialCreateError
	if !errors.As(err, &p) {
		return ""
	}
	inner := apiErrorDetail(p.err, ec)
	return fmt.Sprintf("The %s was created (ID %s), but %s failed. %s Terraform saves the %s as tainted: the next "+
		"apply replaces it.", strings.ToLower(p.kind), p.id, p.step, inner, strings.ToLower(p.kind))
}
