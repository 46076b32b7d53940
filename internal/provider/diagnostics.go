package provider

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// addAPIError turns an error from the Management API client into a
// diagnostic whose detail quotes the server and says what the user can do.
// hint names the object for the conflict advice, e.g.
// `terraform import idp_client_grant.<name> <client_id>::<audience>`.
func addAPIError(diags *diag.Diagnostics, summary string, err error, importHint string) {
	diags.AddError(summary, apiErrorDetail(err, importHint))
}

// describeAPIError says in one sentence what the server answered, quoting
// its message, or how the request failed.
func describeAPIError(err error) string {
	var apiErr *mgmt.Error
	if !errors.As(err, &apiErr) {
		return fmt.Sprintf("The request failed: %s. Check that the domain is reachable.", err)
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

// apiErrorDetail is the detail text of addAPIError.
func apiErrorDetail(err error, importHint string) string {
	said := describeAPIError(err)
	var apiErr *mgmt.Error
	if !errors.As(err, &apiErr) {
		return said
	}
	var advice string
	switch apiErr.StatusCode {
	case http.StatusBadRequest:
		advice = "Correct the value the server names and apply again."
	case http.StatusUnauthorized:
		advice = "The provider's credentials were refused: check domain, client_id and client_secret (or api_token), " +
			"and that the token is for this tenant's Management API."
	case http.StatusForbidden:
		advice = "The provider's application lacks a permission this operation needs: add the missing scope to its " +
			"client grant on the Management API and apply again."
	case http.StatusNotFound:
		advice = "An object this one refers to does not exist: check the ids and names in the configuration."
	case http.StatusConflict:
		advice = "An object with the same unique key already exists."
		if importHint != "" {
			advice += " To manage it with Terraform, import it: " + importHint + "."
		}
	case http.StatusTooManyRequests:
		advice = "The server kept rate-limiting the provider beyond its retry budget: lower requests_per_second or " +
			"-parallelism, or raise max_retries, and apply again."
	default:
		if apiErr.StatusCode >= 500 {
			advice = "The server failed; the provider retried what was safe to retry. Apply again; if the object was " +
				"created before the failure, import it."
		}
	}
	if advice == "" {
		return said
	}
	return said + " " + advice
}
