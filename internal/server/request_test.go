package server_test

// Tests of the base URLs a request sees (request.go): Host, X-Forwarded-Proto, PublicURL.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// TestBaseURLFromHost checks that URLs follow the request's Host and X-Forwarded-Proto.
func TestBaseURLFromHost(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const host = "idp.test:8443"
	alt := "http://" + host
	hostHdr := http.Header{"Host": {host}}

	r := h.call(h.base, "", http.MethodGet, "/.well-known/openid-configuration", nil, hostHdr)
	if iss := r.object(t)["issuer"]; iss != alt+"/" {
		t.Errorf("issuer with Host %s = %v", host, iss)
	}
	r = h.call(h.base, "", http.MethodGet, "/.well-known/openid-configuration", nil,
		http.Header{"Host": {host}, "X-Forwarded-Proto": {"https"}})
	if iss := r.object(t)["issuer"]; iss != "https://"+host+"/" {
		t.Errorf("issuer with X-Forwarded-Proto https = %v", iss)
	}

	// A token minted through that host, for that host's Management API: the bootstrap grant
	// matches whatever the base URL is.
	body := jsonOf(credentials(h.srv.AdminClientID(), h.srv.AdminClientSecret(), alt+"/api/v2/", ""))
	r = h.postToken(h.base, "application/json", body, http.Header{"Host": {host}})
	tr := expectTokenOK(t, r, managementScopes(true), 86400)
	_, payload := tokenParts(t, tr.AccessToken)
	if !strings.Contains(string(payload), `"iss":"`+alt+`/"`) {
		t.Errorf("token issued through Host %s: payload %s", host, payload)
	}
	r = h.call(h.base, tr.AccessToken, http.MethodGet, "/api/v2/resource-servers", nil, hostHdr)
	expectStatus(t, r, http.StatusOK)
	if sys := findBy(r.array(t), "is_system", true); sys == nil || sys["identifier"] != alt+"/api/v2/" {
		t.Errorf("system API through Host %s = %v", host, sys)
	}
	// The grant is listed under that host's audience.
	r = h.call(h.base, tr.AccessToken, http.MethodGet, "/api/v2/client-grants?audience="+url.QueryEscape(alt+"/api/v2/"), nil, hostHdr)
	expectStatus(t, r, http.StatusOK)
	if g := r.array(t); len(g) != 1 || g[0]["client_id"] != h.srv.AdminClientID() {
		t.Errorf("grants for %s/api/v2/ = %v", alt, g)
	}
	// A grant created through one host serves tokens through another.
	cid, csecret := h.newGrantedClient(h.base, h.tok, h.mgmtAudience(h.base), []string{"read:clients"})
	body = jsonOf(credentials(cid, csecret, alt+"/api/v2/", ""))
	expectTokenOK(t, h.postToken(h.base, "application/json", body, http.Header{"Host": {host}}), []string{"read:clients"}, 86400)

	// Tokens are bound to their base URL.
	expectInvalidToken(t, h.call(h.base, tr.AccessToken, http.MethodGet, "/api/v2/clients", nil), "")
	expectInvalidToken(t, h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil, hostHdr), "")
}

func TestPublicURL(t *testing.T) {
	t.Parallel()
	const pub = "https://idp.example:8443"
	h := newHarness(t, func(o *server.Options) { o.PublicURL = pub })
	r := h.call(h.base, "", http.MethodGet, "/.well-known/openid-configuration", nil)
	cfg := r.object(t)
	if cfg["issuer"] != pub+"/" || cfg["token_endpoint"] != pub+"/oauth/token" || cfg["jwks_uri"] != pub+"/.well-known/jwks.json" {
		t.Errorf("openid-configuration under PublicURL: %v", cfg)
	}
	_, payload := tokenParts(t, h.tok)
	if !strings.Contains(string(payload), `"aud":"`+pub+`/api/v2/"`) || !strings.Contains(string(payload), `"iss":"`+pub+`/"`) {
		t.Errorf("admin token payload under PublicURL: %s", payload)
	}
	r = h.call(h.base, h.tok, http.MethodGet, "/api/v2/resource-servers", nil)
	expectStatus(t, r, http.StatusOK)
	if sys := findBy(r.array(t), "is_system", true); sys == nil || sys["identifier"] != pub+"/api/v2/" {
		t.Errorf("system API under PublicURL = %v", sys)
	}
	// The Host header no longer matters.
	r = h.call(h.base, h.tok, http.MethodGet, "/api/v2/clients", nil, http.Header{"Host": {"elsewhere.test"}})
	expectStatus(t, r, http.StatusOK)
}
