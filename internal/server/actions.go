package server

import (
	"net/http"
)

// idp-server runs no actions, so a tenant's list of them is always empty;
// the query is still checked as the real service's spec types it.

const defaultActionsPerPage = 20

var actionTriggers = []string{
	"post-login", "credentials-exchange", "pre-user-registration", "post-user-registration",
	"post-change-password", "send-phone-message", "custom-phone-provider", "custom-email-provider",
	"password-reset-post-challenge", "custom-token-exchange", "event-stream", "password-hash-migration",
	"login-post-identifier", "signup-post-identifier",
}

func listActions(c *call) error {
	q := c.r.URL.Query()
	if vs, ok := q["triggerId"]; ok && !contains(actionTriggers, vs[0]) {
		return errQueryEnum("triggerId", vs[0])
	}
	for _, name := range []string{"deployed", "installed"} {
		if _, _, err := queryBool(q, name); err != nil {
			return err
		}
	}
	page, err := queryInt(q, "page", 0, 0)
	if err != nil {
		return err
	}
	perPage, err := queryInt(q, "per_page", 0, defaultActionsPerPage)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]any{
		"actions": []any{}, "total": 0, "page": page, "per_page": perPage,
	})
}
