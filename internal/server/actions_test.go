package server_test

// Tests of the actions list (actions.go): always empty, its query checked.

import (
	"net/http"
	"testing"
)

func TestListActions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for query, want := range map[string]string{
		"": `{"actions":[],"page":0,"per_page":20,"total":0}`,
		"?page=2&per_page=50&include_totals=true":                          `{"actions":[],"page":2,"per_page":50,"total":0}`,
		"?triggerId=post-login&deployed=true&installed=false&actionName=x": `{"actions":[],"page":0,"per_page":20,"total":0}`,
	} {
		r := h.call(h.base, h.tok, http.MethodGet, "/api/v2/actions/actions"+query, nil)
		expectStatus(t, r, http.StatusOK)
		if got := jsonString(t, r.object(t)); got != want {
			t.Errorf("%q: %s, want %s", query, got, want)
		}
	}
	for _, query := range []string{"?triggerId=post_login", "?deployed=yes", "?installed=1", "?page=-1", "?per_page=x"} {
		expectAPIError(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/actions/actions"+query, nil), http.StatusBadRequest, "invalid_query_string")
	}

	// A hosted tenant's management client holds read:actions too.
	tn := h.mustCreate(h.base, h.tok, "/api/v2/tenants", map[string]any{"name": unique("act")})
	mc := tn["management_client"].(map[string]any)
	base := h.base + "/tenants/" + tn["name"].(string)
	tok := h.mintToken(base, mc["client_id"].(string), mc["client_secret"].(string), h.mgmtAudience(base), "read:actions")
	expectStatus(t, h.call(base, tok, http.MethodGet, "/api/v2/actions/actions", nil), http.StatusOK)
}
