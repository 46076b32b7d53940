package server_test

// These tests drive the server with the official Auth0 Go SDK
// (github.com/auth0/go-auth0), a widely used Management API client nobody
// here wrote, over plain HTTP and over TLS. They check that what the SDK
// sends is understood and that what the server answers decodes into the
// SDK's types with the values the real service would give.
//
// Facts about the SDK that these tests rely on (read from its source):
//   - management.New(domain, ...) keeps only the host of domain for the
//     Management API: requests go to <scheme>://<host>/api/v2/<path>, any
//     path in domain is dropped. The scheme is https unless WithInsecure.
//   - WithClientCredentials fetches the token with
//     golang.org/x/oauth2/clientcredentials from <scheme>://<domain>/oauth/token
//     (domain path kept), audience <scheme>://<domain>/api/v2/, using the
//     HTTP client found in its context (oauth2.HTTPClient), not WithClient's.
//   - WithInsecure switches to http AND replaces the token source with the
//     static token "insecure": it must come before WithClientCredentials,
//     which reads the scheme when it is applied.
//   - Every request carries User-Agent "Go-Auth0/<version>" and a base64
//     JSON Auth0-Client header; list calls add per_page=50 and
//     include_totals=true; ids are path-escaped with "/" as %2F.
//   - Errors decode {statusCode, error, message} into management.Error.

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/auth0/go-auth0"
	"github.com/auth0/go-auth0/management"
	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// wireRequest is a request as it reached the server.
type wireRequest struct {
	Method  string
	Path    string // escaped
	Query   url.Values
	Header  http.Header
	Body    []byte
	Created time.Time
}

// wireLog records every request on its way to the server.
type wireLog struct {
	mu   sync.Mutex
	reqs []wireRequest
}

func (w *wireLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(io.LimitReader(r.Body, 1<<20))
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		w.mu.Lock()
		w.reqs = append(w.reqs, wireRequest{
			Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(),
			Header: r.Header.Clone(), Body: body, Created: time.Now(),
		})
		w.mu.Unlock()
		next.ServeHTTP(rw, r)
	})
}

// find returns the recorded requests that match.
func (w *wireLog) find(match func(wireRequest) bool) []wireRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []wireRequest
	for _, r := range w.reqs {
		if match(r) {
			out = append(out, r)
		}
	}
	return out
}

// sdkEnv is one server behind an httptest server, plain or TLS, with a raw
// harness on it and a go-auth0 Management client logged in as the root
// admin.
type sdkEnv struct {
	*harness
	tls    bool
	domain string // host:port, what the SDK is given
	wire   *wireLog
	m      *management.Management
}

// newSDKEnv starts a server for t. For TLS the HTTP client trusts exactly
// the test server's certificate.
func newSDKEnv(t *testing.T, useTLS bool) *sdkEnv {
	t.Helper()
	srv, err := server.New(server.Options{})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	wire := &wireLog{}
	var ts *httptest.Server
	transport := &http.Transport{}
	if useTLS {
		ts = httptest.NewTLSServer(wire.wrap(srv))
		pool := x509.NewCertPool()
		pool.AddCert(ts.Certificate())
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	} else {
		ts = httptest.NewServer(wire.wrap(srv))
	}
	t.Cleanup(ts.Close)
	t.Cleanup(transport.CloseIdleConnections)
	client := &http.Client{Transport: transport, Timeout: 60 * time.Second}
	h := &harness{t: t, srv: srv, ts: ts, client: client, base: ts.URL}
	h.tok = h.mintToken(h.base, srv.AdminClientID(), srv.AdminClientSecret(), h.mgmtAudience(h.base), "")
	e := &sdkEnv{harness: h, tls: useTLS, domain: strings.TrimPrefix(strings.TrimPrefix(ts.URL, "https://"), "http://"), wire: wire}
	e.m = e.management(t, srv.AdminClientID(), srv.AdminClientSecret())
	return e
}

// management builds an SDK client with client credentials, the way a user
// of the SDK would against this server.
func (e *sdkEnv) management(t *testing.T, id, secret string, extra ...management.Option) *management.Management {
	t.Helper()
	// The token request uses the client in the context; the API calls use
	// WithClient's.
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, e.client)
	var opts []management.Option
	if !e.tls {
		// Before the credentials: WithInsecure also installs a static
		// "insecure" token, which WithClientCredentials then replaces.
		opts = append(opts, management.WithInsecure())
	}
	opts = append(opts, management.WithClientCredentials(ctx, id, secret), management.WithClient(e.client))
	opts = append(opts, extra...)
	m, err := management.New(e.domain, opts...)
	if err != nil {
		t.Fatalf("management.New(%q): %v", e.domain, err)
	}
	return m
}

// bothTransports runs f against a plain and a TLS server, in parallel.
func bothTransports(t *testing.T, f func(t *testing.T, e *sdkEnv)) {
	t.Helper()
	for _, useTLS := range []bool{false, true} {
		name := "http"
		if useTLS {
			name = "https"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, newSDKEnv(t, useTLS))
		})
	}
}

// sdkStatus returns the HTTP status of an SDK error, failing when err is
// not a management.Error.
func sdkStatus(t *testing.T, err error) int {
	t.Helper()
	var me management.Error
	if !errors.As(err, &me) {
		t.Fatalf("error %v (%T) is not a management.Error", err, err)
	}
	return me.Status()
}

func expectSDKError(t *testing.T, err error, status int) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an SDK error with status %d, got success", status)
	}
	if got := sdkStatus(t, err); got != status {
		t.Fatalf("SDK error status = %d, want %d (%v)", got, status, err)
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestGoAuth0ClientCredentials(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, e *sdkEnv) {
		ctx := t.Context()
		admin, err := e.m.Client.Read(ctx, e.srv.AdminClientID())
		must(t, "read the admin client", err)
		if admin.GetName() != "Root Admin" || admin.GetAppType() != "non_interactive" ||
			admin.GetClientSecret() != e.srv.AdminClientSecret() || admin.GetTokenEndpointAuthMethod() != "client_secret_post" ||
			!slices.Equal(admin.GetGrantTypes(), []string{"client_credentials"}) || !admin.GetIsFirstParty() {
			t.Errorf("admin client as the SDK decodes it: %s", management.Stringify(admin))
		}

		// The token request: form-encoded client credentials for the
		// root Management API audience.
		tokenReqs := sdkTokenRequests(e)
		var sdkToken *wireRequest
		for i, r := range tokenReqs {
			form, _ := url.ParseQuery(string(r.Body))
			if form.Get("audience") == e.base+"/api/v2/" && form.Get("grant_type") == "client_credentials" {
				sdkToken = &tokenReqs[i]
			}
		}
		if sdkToken == nil {
			t.Fatalf("no SDK token request with audience %s/api/v2/ among %d token requests", e.base, len(tokenReqs))
		}
		if user, _, ok := (&http.Request{Header: sdkToken.Header}).BasicAuth(); ok && user != url.QueryEscape(e.srv.AdminClientID()) {
			t.Errorf("Basic user = %q", user)
		}

		// The management request: bearer token, SDK telemetry headers.
		reads := e.wire.find(func(r wireRequest) bool { return r.Path == "/api/v2/clients/"+e.srv.AdminClientID() })
		if len(reads) != 1 {
			t.Fatalf("%d reads of the admin client on the wire, want 1", len(reads))
		}
		r := reads[0]
		if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "Go-Auth0/") {
			t.Errorf("User-Agent = %q", ua)
		}
		raw, err := base64.StdEncoding.DecodeString(r.Header.Get("Auth0-Client"))
		var info struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		}
		if err != nil || json.Unmarshal(raw, &info) != nil || info.Name != "go-auth0" || info.Version == "" {
			t.Errorf("Auth0-Client = %q (%s)", r.Header.Get("Auth0-Client"), raw)
		}
		scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if scheme != "Bearer" {
			t.Fatalf("Authorization = %q", r.Header.Get("Authorization"))
		}
		pt := e.verifyWithJWKS(e.base, tok, jose.RS256)
		checkClaims(t, pt, e.base+"/", e.srv.AdminClientID(), e.base+"/api/v2/", managementScopes(true), 86400, time.Time{})

		// The SDK reuses its token: more calls, no more token requests.
		_, err = e.m.ResourceServer.List(ctx)
		must(t, "list resource servers", err)
		_, err = e.m.Tenant.Read(ctx)
		must(t, "read tenant settings", err)
		if n := len(sdkTokenRequests(e)); n != 1 {
			t.Errorf("%d SDK token requests, want 1", n)
		}

		// Wrong credentials: the token endpoint's 401 reaches the caller.
		bad := e.management(t, e.srv.AdminClientID(), "wrong-secret", management.WithNoRetries())
		_, err = bad.Client.Read(ctx, e.srv.AdminClientID())
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) || re.Response.StatusCode != http.StatusUnauthorized || re.ErrorCode != "access_denied" {
			t.Errorf("wrong secret: err = %v, want an oauth2 401 access_denied", err)
		}
	})
}

// sdkTokenRequests are the form-encoded token requests on the wire (the
// harness asks for its own tokens with JSON bodies).
func sdkTokenRequests(e *sdkEnv) []wireRequest {
	return e.wire.find(func(r wireRequest) bool {
		return r.Path == "/oauth/token" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded")
	})
}

// TestGoAuth0InsecureOrder pins down the SDK trap documented above: with
// WithInsecure after WithClientCredentials the SDK sends the static token
// "insecure", which the server refuses like any bad token.
func TestGoAuth0InsecureOrder(t *testing.T) {
	t.Parallel()
	e := newSDKEnv(t, false)
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, e.client)
	m, err := management.New(e.domain,
		management.WithClientCredentials(ctx, e.srv.AdminClientID(), e.srv.AdminClientSecret()),
		management.WithInsecure(), management.WithClient(e.client))
	must(t, "management.New", err)
	_, err = m.Client.List(ctx)
	expectSDKError(t, err, http.StatusUnauthorized)
}

func TestGoAuth0ResourceServers(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, e *sdkEnv) {
		ctx := t.Context()
		identifier := "https://" + unique("orders") + ".example.com/api/v1"
		rs := &management.ResourceServer{
			Name:       auth0.String("Orders"),
			Identifier: auth0.String(identifier),
			Scopes: &[]management.ResourceServerScope{
				{Value: auth0.String("read:orders"), Description: auth0.String("Read orders")},
				{Value: auth0.String("write:orders")},
			},
			SigningAlgorithm:    auth0.String("PS256"),
			TokenLifetime:       auth0.Int(3600),
			TokenLifetimeForWeb: auth0.Int(1800),
			AllowOfflineAccess:  auth0.Bool(true),
			SkipConsentForVerifiableFirstPartyClients: auth0.Bool(true),
			EnforcePolicies: auth0.Bool(true),
			TokenDialect:    auth0.String("access_token_authz"),
			SubjectTypeAuthorization: &management.ResourceServerSubjectTypeAuthorization{
				Client: &management.ResourceServerSubjectTypeAuthorizationClient{Policy: auth0.String("require_client_grant")},
			},
		}
		must(t, "create", e.m.ResourceServer.Create(ctx, rs))
		id := rs.GetID()
		if !reResourceServerID.MatchString(id) || rs.GetIdentifier() != identifier || rs.GetSigningAlgorithm() != "PS256" ||
			rs.GetTokenLifetime() != 3600 || rs.GetTokenLifetimeForWeb() != 1800 || !rs.GetAllowOfflineAccess() ||
			!rs.GetEnforcePolicies() || rs.GetTokenDialect() != "access_token_authz" || rs.SigningSecret != nil ||
			rs.GetSubjectTypeAuthorization().GetClient().GetPolicy() != "require_client_grant" || rs.GetIsSystem() {
			t.Errorf("created: %s", management.Stringify(rs))
		}
		if scopes := rs.GetScopes(); len(scopes) != 2 || scopes[0].GetValue() != "read:orders" ||
			scopes[0].GetDescription() != "Read orders" || scopes[1].GetValue() != "write:orders" || scopes[1].Description == nil || *scopes[1].Description != "" {
			t.Errorf("scopes: %s", management.Stringify(scopes))
		}

		// Read by id and by identifier (escaped by the SDK, slashes as %2F).
		byID, err := e.m.ResourceServer.Read(ctx, id)
		must(t, "read by id", err)
		byIdentifier, err := e.m.ResourceServer.Read(ctx, identifier)
		must(t, "read by identifier", err)
		if management.Stringify(byID) != management.Stringify(rs) || byIdentifier.GetID() != id {
			t.Errorf("read by id %s\nread by identifier %s\ncreated %s", management.Stringify(byID), management.Stringify(byIdentifier), management.Stringify(rs))
		}
		if got := e.wire.find(func(r wireRequest) bool {
			return r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/api/v2/resource-servers/https:%2F%2F")
		}); len(got) != 1 {
			t.Errorf("the SDK's escaped identifier read was not seen on the wire as expected: %d matches", len(got))
		}

		// Update: the fields a user changes.
		upd := &management.ResourceServer{
			Name: auth0.String("Orders v2"),
			Scopes: &[]management.ResourceServerScope{
				{Value: auth0.String("read:orders"), Description: auth0.String("Read all orders")},
				{Value: auth0.String("write:orders")},
				{Value: auth0.String("delete:orders")},
			},
			SigningAlgorithm: auth0.String("RS256"),
			TokenLifetime:    auth0.Int(7200),
			TokenDialect:     auth0.String("rfc9068_profile"),
		}
		must(t, "update", e.m.ResourceServer.Update(ctx, id, upd))
		got, err := e.m.ResourceServer.Read(ctx, id)
		must(t, "read after update", err)
		if got.GetName() != "Orders v2" || len(got.GetScopes()) != 3 || got.GetSigningAlgorithm() != "RS256" ||
			got.GetTokenLifetime() != 7200 || got.GetTokenLifetimeForWeb() != 1800 || got.GetTokenDialect() != "rfc9068_profile" ||
			!got.GetEnforcePolicies() || got.GetIdentifier() != identifier {
			t.Errorf("after update: %s", management.Stringify(got))
		}
		// The identifier cannot change.
		expectSDKError(t, e.m.ResourceServer.Update(ctx, id, &management.ResourceServer{Identifier: auth0.String("https://other.example.com/")}), http.StatusBadRequest)

		// The system Management API, by its identifier.
		sys, err := e.m.ResourceServer.Read(ctx, e.base+"/api/v2/")
		must(t, "read the Management API", err)
		var values []string
		for _, s := range sys.GetScopes() {
			values = append(values, s.GetValue())
		}
		if !sys.GetIsSystem() || sys.GetName() != "Auth0 Management API" {
			t.Errorf("Management API: %s", management.Stringify(sys))
		}
		checkSystemAPIScopes(t, values, true)
		expectSDKError(t, e.m.ResourceServer.Delete(ctx, sys.GetID()), http.StatusForbidden)

		// List: the SDK's defaults (per_page=50, include_totals=true).
		list, err := e.m.ResourceServer.List(ctx)
		must(t, "list", err)
		if list.Total != 2 || list.Start != 0 || list.Limit != 50 || len(list.ResourceServers) != 2 || list.HasNext() {
			t.Errorf("list: %s", management.Stringify(list))
		}
		// Selected fields, and the identifiers filter.
		list, err = e.m.ResourceServer.List(ctx, management.IncludeFields("id", "identifier"), management.Parameter("identifiers", identifier))
		must(t, "list with fields", err)
		if len(list.ResourceServers) != 1 || list.ResourceServers[0].GetID() != id || list.ResourceServers[0].Name != nil || list.ResourceServers[0].Scopes != nil {
			t.Errorf("list with fields and identifiers: %s", management.Stringify(list))
		}
		trimmed, err := e.m.ResourceServer.Read(ctx, id, management.ExcludeFields("scopes", "signing_secret"))
		must(t, "read excluding fields", err)
		if trimmed.Scopes != nil || trimmed.SigningSecret != nil || trimmed.GetName() != "Orders v2" {
			t.Errorf("read excluding scopes and signing_secret: %s", management.Stringify(trimmed))
		}

		must(t, "delete", e.m.ResourceServer.Delete(ctx, id))
		_, err = e.m.ResourceServer.Read(ctx, id)
		expectSDKError(t, err, http.StatusNotFound)
		must(t, "delete again", e.m.ResourceServer.Delete(ctx, id))
	})
}

func TestGoAuth0Clients(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, e *sdkEnv) {
		ctx := t.Context()
		c := &management.Client{
			Name:                    auth0.String("Billing Worker"),
			Description:             auth0.String("Nightly billing"),
			AppType:                 auth0.String("non_interactive"),
			GrantTypes:              &[]string{"client_credentials"},
			TokenEndpointAuthMethod: auth0.String("client_secret_basic"),
			Callbacks:               &[]string{"https://billing.example.com/callback"},
			AllowedOrigins:          &[]string{"https://billing.example.com"},
			WebOrigins:              &[]string{"https://billing.example.com"},
			AllowedLogoutURLs:       &[]string{"https://billing.example.com/bye"},
			OIDCConformant:          auth0.Bool(true),
			JWTConfiguration:        &management.ClientJWTConfiguration{Algorithm: auth0.String("RS256"), LifetimeInSeconds: auth0.Int(36000)},
			ClientMetadata:          &map[string]interface{}{"team": "billing", "tier": "1"},
			IsFirstParty:            auth0.Bool(false),
			LogoURI:                 auth0.String("https://billing.example.com/logo.png"),
			InitiateLoginURI:        auth0.String("https://billing.example.com/login"),
			CrossOriginAuth:         auth0.Bool(false),
			SSO:                     auth0.Bool(true),
			CustomLoginPageOn:       auth0.Bool(true),
			OrganizationUsage:       auth0.String("deny"),
			RefreshToken: &management.ClientRefreshToken{
				RotationType: auth0.String("non-rotating"), ExpirationType: auth0.String("non-expiring"),
			},
		}
		must(t, "create", e.m.Client.Create(ctx, c))
		id := c.GetClientID()
		secret := c.GetClientSecret()
		if !reClientID.MatchString(id) || !reClientSecret.MatchString(secret) {
			t.Fatalf("created client id %q secret %q", id, secret)
		}
		check := func(what string, got *management.Client) {
			t.Helper()
			if got.GetName() != "Billing Worker" || got.GetDescription() != "Nightly billing" || got.GetAppType() != "non_interactive" ||
				!slices.Equal(got.GetGrantTypes(), []string{"client_credentials"}) || got.GetTokenEndpointAuthMethod() != "client_secret_basic" ||
				!slices.Equal(got.GetCallbacks(), []string{"https://billing.example.com/callback"}) ||
				!slices.Equal(got.GetAllowedOrigins(), []string{"https://billing.example.com"}) ||
				!slices.Equal(got.GetWebOrigins(), []string{"https://billing.example.com"}) ||
				!slices.Equal(got.GetAllowedLogoutURLs(), []string{"https://billing.example.com/bye"}) ||
				!got.GetOIDCConformant() || got.GetJWTConfiguration().GetAlgorithm() != "RS256" ||
				got.GetJWTConfiguration().GetLifetimeInSeconds() != 36000 || got.GetIsFirstParty() ||
				got.GetLogoURI() != "https://billing.example.com/logo.png" || got.GetInitiateLoginURI() != "https://billing.example.com/login" ||
				got.CrossOriginAuth == nil || got.GetCrossOriginAuth() || !got.GetSSO() || !got.GetCustomLoginPageOn() ||
				got.GetOrganizationUsage() != "deny" || got.GetRefreshToken().GetRotationType() != "non-rotating" ||
				got.GetClientMetadata()["team"] != "billing" || got.GetClientMetadata()["tier"] != "1" {
				t.Errorf("%s: %s", what, management.Stringify(got))
			}
			// Never set, so never sent back.
			if got.ClientAliases != nil || got.Addons != nil || got.Mobile != nil || got.EncryptionKey != nil {
				t.Errorf("%s shows properties never set: %s", what, management.Stringify(got))
			}
		}
		check("create response", c)
		read, err := e.m.Client.Read(ctx, id)
		must(t, "read", err)
		check("read", read)
		if read.GetClientSecret() != secret {
			t.Errorf("read with read:client_keys: secret %q, want the created one", read.GetClientSecret())
		}

		// Update: changed lists and settings; client_metadata is merged,
		// a null removes a key.
		must(t, "update", e.m.Client.Update(ctx, id, &management.Client{
			Description:      auth0.String("Hourly billing"),
			Callbacks:        &[]string{"https://billing.example.com/cb2", "https://billing.example.com/cb3"},
			JWTConfiguration: &management.ClientJWTConfiguration{Algorithm: auth0.String("HS256"), LifetimeInSeconds: auth0.Int(600)},
			ClientMetadata:   &map[string]interface{}{"tier": nil, "owner": "ops"},
			OIDCConformant:   auth0.Bool(false),
		}))
		got, err := e.m.Client.Read(ctx, id)
		must(t, "read after update", err)
		if got.GetDescription() != "Hourly billing" || len(got.GetCallbacks()) != 2 || got.GetJWTConfiguration().GetAlgorithm() != "HS256" ||
			got.GetJWTConfiguration().GetLifetimeInSeconds() != 600 || got.GetOIDCConformant() || got.GetName() != "Billing Worker" ||
			!slices.Equal(got.GetWebOrigins(), []string{"https://billing.example.com"}) {
			t.Errorf("after update: %s", management.Stringify(got))
		}
		if md := got.GetClientMetadata(); len(md) != 2 || md["team"] != "billing" || md["owner"] != "ops" {
			t.Errorf("client_metadata after a merge: %v", md)
		}

		// Selected fields on a read.
		slim, err := e.m.Client.Read(ctx, id, management.IncludeFields("client_id", "name"))
		must(t, "read with fields", err)
		if slim.GetClientID() != id || slim.GetName() != "Billing Worker" || slim.Description != nil || slim.Callbacks != nil {
			t.Errorf("read with fields: %s", management.Stringify(slim))
		}

		// Rotate: a new secret, the old one stops working.
		rotated, err := e.m.Client.RotateSecret(ctx, id)
		must(t, "rotate", err)
		if rotated.GetClientSecret() == secret || !reClientSecret.MatchString(rotated.GetClientSecret()) || rotated.GetClientID() != id {
			t.Errorf("rotate: %s", management.Stringify(rotated))
		}

		// List with totals; the created client is there.
		list, err := e.m.Client.List(ctx)
		must(t, "list", err)
		if list.Total != 2 || len(list.Clients) != 2 || list.Clients[1].GetClientID() != id || list.Clients[1].GetClientSecret() != rotated.GetClientSecret() {
			t.Errorf("list: %s", management.Stringify(list))
		}

		must(t, "delete", e.m.Client.Delete(ctx, id))
		_, err = e.m.Client.Read(ctx, id)
		expectSDKError(t, err, http.StatusNotFound)
		must(t, "delete again", e.m.Client.Delete(ctx, id))
	})
}

func TestGoAuth0ClientGrants(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, e *sdkEnv) {
		ctx := t.Context()
		api := &management.ResourceServer{
			Name:       auth0.String("Inventory"),
			Identifier: auth0.String("https://" + unique("inventory") + ".example.com/"),
			Scopes: &[]management.ResourceServerScope{
				{Value: auth0.String("read:stock")}, {Value: auth0.String("write:stock")},
			},
		}
		must(t, "create API", e.m.ResourceServer.Create(ctx, api))
		var clients []*management.Client
		for i := 0; i < 2; i++ {
			c := &management.Client{Name: auth0.String(unique("worker ")), AppType: auth0.String("non_interactive")}
			must(t, "create client", e.m.Client.Create(ctx, c))
			clients = append(clients, c)
		}

		g := &management.ClientGrant{ClientID: clients[0].ClientID, Audience: api.Identifier, Scope: &[]string{"read:stock"}}
		must(t, "create grant", e.m.ClientGrant.Create(ctx, g))
		if !reGrantID.MatchString(g.GetID()) || g.GetClientID() != clients[0].GetClientID() || g.GetAudience() != api.GetIdentifier() ||
			!slices.Equal(g.GetScope(), []string{"read:stock"}) {
			t.Errorf("created grant: %s", management.Stringify(g))
		}
		g2 := &management.ClientGrant{ClientID: clients[1].ClientID, Audience: api.Identifier, Scope: &[]string{}, AllowAllScopes: auth0.Bool(true)}
		must(t, "create grant with allow_all_scopes", e.m.ClientGrant.Create(ctx, g2))
		if !g2.GetAllowAllScopes() || g2.Scope == nil || len(g2.GetScope()) != 0 {
			t.Errorf("created grant 2: %s", management.Stringify(g2))
		}

		// A second client grant for the same client and API is a conflict.
		err := e.m.ClientGrant.Create(ctx, &management.ClientGrant{ClientID: clients[0].ClientID, Audience: api.Identifier, Scope: &[]string{}})
		expectSDKError(t, err, http.StatusConflict)
		// A user grant for them is not.
		ug := &management.ClientGrant{ClientID: clients[0].ClientID, Audience: api.Identifier, Scope: &[]string{"write:stock"}, SubjectType: auth0.String("user")}
		must(t, "create a user grant", e.m.ClientGrant.Create(ctx, ug))
		if ug.GetSubjectType() != "user" {
			t.Errorf("user grant: %s", management.Stringify(ug))
		}

		read, err := e.m.ClientGrant.Read(ctx, g.GetID())
		must(t, "read grant", err)
		if management.Stringify(read) != management.Stringify(g) {
			t.Errorf("read %s, created %s", management.Stringify(read), management.Stringify(g))
		}
		must(t, "update grant", e.m.ClientGrant.Update(ctx, g.GetID(), &management.ClientGrant{
			Scope: &[]string{"read:stock", "write:stock"}, OrganizationUsage: auth0.String("allow"), AllowAnyOrganization: auth0.Bool(true),
		}))
		read, err = e.m.ClientGrant.Read(ctx, g.GetID())
		must(t, "read updated grant", err)
		if !slices.Equal(read.GetScope(), []string{"read:stock", "write:stock"}) || read.GetOrganizationUsage() != "allow" || !read.GetAllowAnyOrganization() {
			t.Errorf("updated grant: %s", management.Stringify(read))
		}
		// client_id and audience cannot change.
		expectSDKError(t, e.m.ClientGrant.Update(ctx, g.GetID(), &management.ClientGrant{ClientID: clients[1].ClientID}), http.StatusBadRequest)
		// A scope the API does not define is refused.
		expectSDKError(t, e.m.ClientGrant.Update(ctx, g.GetID(), &management.ClientGrant{Scope: &[]string{"fly:stock"}}), http.StatusBadRequest)

		// List filters, as the SDK passes them.
		byAudience, err := e.m.ClientGrant.List(ctx, management.Parameter("audience", api.GetIdentifier()))
		must(t, "list by audience", err)
		if byAudience.Total != 3 || len(byAudience.ClientGrants) != 3 {
			t.Errorf("by audience: %s", management.Stringify(byAudience))
		}
		byClient, err := e.m.ClientGrant.List(ctx, management.Parameter("client_id", clients[1].GetClientID()))
		must(t, "list by client", err)
		if len(byClient.ClientGrants) != 1 || byClient.ClientGrants[0].GetID() != g2.GetID() {
			t.Errorf("by client: %s", management.Stringify(byClient))
		}
		both, err := e.m.ClientGrant.List(ctx, management.Parameter("audience", e.base+"/api/v2/"), management.Parameter("client_id", e.srv.AdminClientID()))
		must(t, "list the admin's grant", err)
		if len(both.ClientGrants) != 1 || !sameSet(both.ClientGrants[0].GetScope(), managementScopes(true)) {
			t.Errorf("admin grant: %s", management.Stringify(both))
		}

		for _, id := range []string{g.GetID(), g2.GetID(), ug.GetID()} {
			must(t, "delete grant", e.m.ClientGrant.Delete(ctx, id))
		}
		_, err = e.m.ClientGrant.Read(ctx, g.GetID())
		expectSDKError(t, err, http.StatusNotFound)
		must(t, "delete grant again", e.m.ClientGrant.Delete(ctx, g.GetID()))
	})
}

func TestGoAuth0Errors(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, e *sdkEnv) {
		ctx := t.Context()
		for _, read := range []func() error{
			func() error { _, err := e.m.ResourceServer.Read(ctx, "0123456789abcdef01234567"); return err },
			func() error { _, err := e.m.ResourceServer.Read(ctx, "https://nowhere.example.com/"); return err },
			func() error { _, err := e.m.Client.Read(ctx, "NoSuchClient0000000000000000000"); return err },
			func() error { _, err := e.m.ClientGrant.Read(ctx, "cgr_0000000000000000"); return err },
		} {
			err := read()
			expectSDKError(t, err, http.StatusNotFound)
			var me management.Error
			errors.As(err, &me)
			if !strings.HasPrefix(me.Error(), "404 Not Found: ") {
				t.Errorf("404 error text = %q", me.Error())
			}
		}

		identifier := "https://" + unique("dup") + ".example.com/"
		must(t, "create", e.m.ResourceServer.Create(ctx, &management.ResourceServer{Name: auth0.String("Dup"), Identifier: auth0.String(identifier)}))
		err := e.m.ResourceServer.Create(ctx, &management.ResourceServer{Name: auth0.String("Dup"), Identifier: auth0.String(identifier)})
		expectSDKError(t, err, http.StatusConflict)

		// Bad bodies: values the real service refuses.
		for name, create := range map[string]func() error{
			"signing_alg": func() error {
				return e.m.ResourceServer.Create(ctx, &management.ResourceServer{Identifier: auth0.String("https://x.example.com/"), SigningAlgorithm: auth0.String("none")})
			},
			"token_lifetime": func() error {
				return e.m.ResourceServer.Create(ctx, &management.ResourceServer{Identifier: auth0.String("https://x.example.com/"), TokenLifetime: auth0.Int(-1)})
			},
			"token_dialect": func() error {
				return e.m.ResourceServer.Create(ctx, &management.ResourceServer{Identifier: auth0.String("https://x.example.com/"), TokenDialect: auth0.String("jwt")})
			},
			"app_type": func() error {
				return e.m.Client.Create(ctx, &management.Client{Name: auth0.String("x"), AppType: auth0.String("mainframe")})
			},
			"no name": func() error { return e.m.Client.Create(ctx, &management.Client{Description: auth0.String("x")}) },
			"jwt alg": func() error {
				return e.m.Client.Create(ctx, &management.Client{Name: auth0.String("x"), JWTConfiguration: &management.ClientJWTConfiguration{Algorithm: auth0.String("none")}})
			},
			"client_id": func() error {
				return e.m.Client.Create(ctx, &management.Client{Name: auth0.String("x"), ClientID: auth0.String("mine")})
			},
			// The SDK's generic Request sends any payload.
			"unknown property": func() error {
				return e.m.Request(ctx, http.MethodPost, e.m.URI("clients"), map[string]any{"name": "x", "colour": "blue"})
			},
			"identifier in a PATCH": func() error {
				return e.m.Request(ctx, http.MethodPatch, e.m.URI("resource-servers", identifier), map[string]any{"identifier": "https://y.example.com/"})
			},
			"unknown grant property": func() error {
				return e.m.Request(ctx, http.MethodPatch, e.m.URI("client-grants", "cgr_0000000000000000"), map[string]any{"colour": "blue"})
			},
		} {
			err := create()
			if err == nil {
				t.Errorf("%s: accepted", name)
				continue
			}
			if got := sdkStatus(t, err); got != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400 (%v)", name, got, err)
			}
		}
		// Nothing was created by the refused requests.
		list, err := e.m.Client.List(ctx)
		must(t, "list", err)
		if list.Total != 1 {
			t.Errorf("%d clients after refused creates, want 1", list.Total)
		}
	})
}

func TestGoAuth0Pagination(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, e *sdkEnv) {
		ctx := t.Context()
		want := []string{e.srv.AdminClientID()}
		for i := 0; i < 5; i++ {
			c := &management.Client{Name: auth0.String(unique("page "))}
			must(t, "create", e.m.Client.Create(ctx, c))
			want = append(want, c.GetClientID())
		}

		// Page-based, the SDK's documented loop.
		var got []string
		for page := 0; ; page++ {
			list, err := e.m.Client.List(ctx, management.Page(page), management.PerPage(2), management.IncludeFields("client_id"))
			must(t, "list page", err)
			if list.Total != 6 || list.Start != page*2 || list.Limit != 2 {
				t.Fatalf("page %d: total %d start %d limit %d", page, list.Total, list.Start, list.Limit)
			}
			for _, c := range list.Clients {
				if c.Name != nil {
					t.Errorf("fields=client_id returned a name: %s", management.Stringify(c))
				}
				got = append(got, c.GetClientID())
			}
			if !list.HasNext() {
				break
			}
			if page > 10 {
				t.Fatal("pagination never ends")
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("paged ids %v, want %v", got, want)
		}

		// Checkpoint-based: from / take, next until there is none.
		got = nil
		var opts []management.RequestOption
		for i := 0; ; i++ {
			list, err := e.m.Client.ListWithCheckpointPagination(ctx, append(opts, management.Take(4))...)
			must(t, "list checkpoint", err)
			for _, c := range list.Clients {
				got = append(got, c.GetClientID())
			}
			if !list.HasNext() {
				break
			}
			if i > 10 {
				t.Fatal("checkpoint pagination never ends")
			}
			opts = []management.RequestOption{management.From(list.Next)}
		}
		if !slices.Equal(got, want) {
			t.Errorf("checkpoint ids %v, want %v", got, want)
		}

		// Past the end: an empty page, still with totals.
		list, err := e.m.Client.List(ctx, management.Page(9), management.PerPage(2))
		must(t, "list past the end", err)
		if len(list.Clients) != 0 || list.Total != 6 || list.HasNext() {
			t.Errorf("past the end: %s", management.Stringify(list))
		}
		// per_page over the bound is refused, as by the real service.
		_, err = e.m.Client.List(ctx, management.PerPage(101))
		expectSDKError(t, err, http.StatusBadRequest)
	})
}

func TestGoAuth0TenantSettings(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, e *sdkEnv) {
		ctx := t.Context()
		fresh, err := e.m.Tenant.Read(ctx)
		must(t, "read fresh settings", err)
		if s := management.Stringify(fresh); s != "{}" {
			t.Errorf("fresh settings = %s, want nothing set", s)
		}

		must(t, "update", e.m.Tenant.Update(ctx, &management.Tenant{
			FriendlyName:        auth0.String("Acme"),
			PictureURL:          auth0.String("https://acme.example.com/logo.png"),
			SupportEmail:        auth0.String("support@acme.example.com"),
			SupportURL:          auth0.String("https://acme.example.com/support"),
			DefaultAudience:     auth0.String("https://api.acme.example.com/"),
			AllowedLogoutURLs:   &[]string{"https://acme.example.com/bye"},
			EnabledLocales:      &[]string{"en", "fr"},
			SessionLifetime:     auth0.Float64(720),
			IdleSessionLifetime: auth0.Float64(0.5), // sent as idle_session_lifetime_in_minutes: 30
			Flags:               &management.TenantFlags{EnableAPIsSection: auth0.Bool(true), DisableImpersonation: auth0.Bool(true)},
			SessionCookie:       &management.TenantSessionCookie{Mode: auth0.String("non-persistent")},
		}))
		got, err := e.m.Tenant.Read(ctx)
		must(t, "read", err)
		if got.GetFriendlyName() != "Acme" || got.GetPictureURL() != "https://acme.example.com/logo.png" ||
			got.GetSupportEmail() != "support@acme.example.com" || got.GetSupportURL() != "https://acme.example.com/support" ||
			got.GetDefaultAudience() != "https://api.acme.example.com/" || !slices.Equal(got.GetAllowedLogoutURLs(), []string{"https://acme.example.com/bye"}) ||
			!slices.Equal(got.GetEnabledLocales(), []string{"en", "fr"}) || got.GetSessionLifetime() != 720 || got.GetIdleSessionLifetime() != 0.5 ||
			!got.GetFlags().GetEnableAPIsSection() || !got.GetFlags().GetDisableImpersonation() || got.GetSessionCookie().GetMode() != "non-persistent" {
			t.Errorf("settings after update: %s", management.Stringify(got))
		}
		if got.SupportEmail == nil || got.DefaultDirectory != nil || got.ErrorPage != nil {
			t.Errorf("settings show what was never set: %s", management.Stringify(got))
		}

		// A PATCH of one flag keeps the others; other properties stay.
		must(t, "update a flag", e.m.Tenant.Update(ctx, &management.Tenant{Flags: &management.TenantFlags{DisableImpersonation: auth0.Bool(false)}}))
		got, err = e.m.Tenant.Read(ctx)
		must(t, "read", err)
		if !got.GetFlags().GetEnableAPIsSection() || got.GetFlags().DisableImpersonation == nil || got.GetFlags().GetDisableImpersonation() ||
			got.GetFriendlyName() != "Acme" {
			t.Errorf("settings after a flag update: %s", management.Stringify(got))
		}
		// Selected fields.
		slim, err := e.m.Tenant.Read(ctx, management.IncludeFields("friendly_name"))
		must(t, "read with fields", err)
		if management.Stringify(slim) != `{
  "friendly_name": "Acme"
}` {
			t.Errorf("settings with fields=friendly_name: %s", management.Stringify(slim))
		}
		// Bad values are refused.
		expectSDKError(t, e.m.Tenant.Update(ctx, &management.Tenant{SessionCookie: &management.TenantSessionCookie{Mode: auth0.String("forever")}}), http.StatusBadRequest)
		expectSDKError(t, e.m.Tenant.Update(ctx, &management.Tenant{SessionLifetime: auth0.Float64(0)}), http.StatusBadRequest)
		expectSDKError(t, e.m.Tenant.Update(ctx, &management.Tenant{SandboxVersionAvailable: &[]string{"18"}}), http.StatusBadRequest)
	})
}

// prefixTransport sends the SDK's Management API requests to a hosted
// tenant. The SDK keeps only the host of its domain for API calls (its
// token request does keep the path), so a tenant that lives under
// /tenants/{name} of one host is only reachable from it this way.
type prefixTransport struct {
	base   http.RoundTripper
	prefix string
}

func (p prefixTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Path, "/api/v2/") {
		r = r.Clone(r.Context())
		r.URL.Path = p.prefix + r.URL.Path
		if r.URL.RawPath != "" {
			r.URL.RawPath = p.prefix + r.URL.RawPath
		}
	}
	return p.base.RoundTrip(r)
}

func TestGoAuth0HostedTenant(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, e *sdkEnv) {
		ctx := t.Context()
		name := unique("sdk-tenant-")
		te := e.newTenant(name)
		// "settings" is reserved: /api/v2/tenants/settings is the
		// tenant settings endpoint.
		expectAPIError(t, e.call(e.base, e.tok, http.MethodPost, "/api/v2/tenants", map[string]any{"name": "settings"}), http.StatusBadRequest, "invalid_body")

		hc := &http.Client{Transport: prefixTransport{base: e.client.Transport, prefix: "/tenants/" + name}, Timeout: e.client.Timeout}
		tokenCtx := context.WithValue(ctx, oauth2.HTTPClient, e.client)
		var opts []management.Option
		if !e.tls {
			opts = append(opts, management.WithInsecure())
		}
		opts = append(opts, management.WithClientCredentials(tokenCtx, te.clientID, te.secret), management.WithClient(hc))
		m, err := management.New(e.domain+"/tenants/"+name, opts...)
		must(t, "management.New for the tenant", err)

		must(t, "update the tenant's settings", m.Tenant.Update(ctx, &management.Tenant{FriendlyName: auth0.String("Hosted")}))
		got, err := m.Tenant.Read(ctx)
		must(t, "read the tenant's settings", err)
		if got.GetFriendlyName() != "Hosted" {
			t.Errorf("tenant settings: %s", management.Stringify(got))
		}
		root, err := e.m.Tenant.Read(ctx)
		must(t, "read the root settings", err)
		if root.FriendlyName != nil {
			t.Errorf("a tenant's settings leaked into the root's: %s", management.Stringify(root))
		}

		// The tenant's own objects, through the SDK.
		sys, err := m.ResourceServer.Read(ctx, te.base+"/api/v2/")
		must(t, "read the tenant's Management API", err)
		if !sys.GetIsSystem() {
			t.Errorf("tenant Management API: %s", management.Stringify(sys))
		}
		c := &management.Client{Name: auth0.String("In the tenant")}
		must(t, "create a client in the tenant", m.Client.Create(ctx, c))
		if c.GetClientID() == "" {
			t.Fatalf("tenant client: %s", management.Stringify(c))
		}
		_, err = e.m.Client.Read(ctx, c.GetClientID())
		expectSDKError(t, err, http.StatusNotFound)
	})
}

// TestGoAuth0UserAPIToken sets up a user API with the SDK and checks that a
// standard OAuth client gets a token for it that verifies with go-jose.
func TestGoAuth0UserAPIToken(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, e *sdkEnv) {
		ctx := t.Context()
		for _, alg := range []jose.SignatureAlgorithm{jose.RS256, jose.PS256, jose.HS256} {
			api := &management.ResourceServer{
				Name:             auth0.String("Payments " + string(alg)),
				Identifier:       auth0.String("https://" + unique("payments") + ".example.com/"),
				SigningAlgorithm: auth0.String(string(alg)),
				TokenLifetime:    auth0.Int(600),
				Scopes:           &[]management.ResourceServerScope{{Value: auth0.String("charge")}, {Value: auth0.String("refund")}},
			}
			must(t, "create API", e.m.ResourceServer.Create(ctx, api))
			c := &management.Client{Name: auth0.String("payer"), AppType: auth0.String("non_interactive"), GrantTypes: &[]string{"client_credentials"}}
			must(t, "create client", e.m.Client.Create(ctx, c))
			must(t, "grant", e.m.ClientGrant.Create(ctx, &management.ClientGrant{ClientID: c.ClientID, Audience: api.Identifier, Scope: &[]string{"charge"}}))

			cc := clientcredentials.Config{
				ClientID:       c.GetClientID(),
				ClientSecret:   c.GetClientSecret(),
				TokenURL:       e.base + "/oauth/token",
				EndpointParams: url.Values{"audience": {api.GetIdentifier()}},
			}
			tok, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, e.client))
			must(t, "client-credentials token", err)
			if tok.TokenType != "Bearer" || tok.Expiry.IsZero() {
				t.Errorf("token: type %q expiry %v", tok.TokenType, tok.Expiry)
			}
			var pt parsedToken
			if alg == jose.HS256 {
				pt = verifyHS256(t, tok.AccessToken, api.GetSigningSecret())
			} else {
				pt = e.verifyWithJWKS(e.base, tok.AccessToken, alg)
			}
			checkClaims(t, pt, e.base+"/", c.GetClientID(), api.GetIdentifier(), []string{"charge"}, 600, time.Time{})

			// A grant with allow_all_scopes covers every scope of the API.
			all := &management.Client{Name: auth0.String("all")}
			must(t, "create client", e.m.Client.Create(ctx, all))
			must(t, "grant all", e.m.ClientGrant.Create(ctx, &management.ClientGrant{ClientID: all.ClientID, Audience: api.Identifier, Scope: &[]string{}, AllowAllScopes: auth0.Bool(true)}))
			cc.ClientID, cc.ClientSecret = all.GetClientID(), all.GetClientSecret()
			tok, err = cc.Token(context.WithValue(ctx, oauth2.HTTPClient, e.client))
			must(t, "token with allow_all_scopes", err)
			if s, _ := tok.Extra("scope").(string); !sameSet(scopeSet(s), []string{"charge", "refund"}) {
				t.Errorf("allow_all_scopes token scope = %q", s)
			}
		}
	})
}

// TestGoAuth0Connections drives the SDK's Connection manager: a database connection with its
// options, list and lookup by name, update, enabled clients through both the current endpoints
// and the legacy property, delete.
func TestGoAuth0Connections(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, e *sdkEnv) {
		ctx := t.Context()
		name := unique("sdk-db-")
		cn := &management.Connection{
			Name:     auth0.String(name),
			Strategy: auth0.String("auth0"),
			Options: &management.ConnectionOptions{
				PasswordPolicy:       auth0.String("excellent"),
				BruteForceProtection: auth0.Bool(true),
				RequiresUsername:     auth0.Bool(true),
				DisableSignup:        auth0.Bool(false),
				PasswordHistory:      map[string]interface{}{"enable": true, "size": 3},
				Configuration:        &map[string]string{"foo": "bar"},
			},
			Metadata: &map[string]string{"team": "identity"},
		}
		must(t, "create", e.m.Connection.Create(ctx, cn))
		id := cn.GetID()
		opts, ok := cn.Options.(*management.ConnectionOptions)
		if !reConnectionID.MatchString(id) || !ok || opts.GetPasswordPolicy() != "excellent" || !opts.GetBruteForceProtection() ||
			!opts.GetRequiresUsername() || opts.GetDisableSignup() || cn.GetStrategy() != "auth0" {
			t.Errorf("created: %s", management.Stringify(cn))
		}

		byName, err := e.m.Connection.ReadByName(ctx, name)
		must(t, "read by name", err)
		if byName.GetID() != id {
			t.Errorf("by name: %s", management.Stringify(byName))
		}
		list, err := e.m.Connection.List(ctx, management.Parameter("strategy", "auth0"))
		must(t, "list", err)
		if list.Total != 2 || len(list.Connections) != 2 {
			t.Errorf("list: %s", management.Stringify(list))
		}

		must(t, "update", e.m.Connection.Update(ctx, id, &management.Connection{
			DisplayName: auth0.String("Staff"),
			Options:     &management.ConnectionOptions{PasswordPolicy: auth0.String("fair")},
		}))
		got, err := e.m.Connection.Read(ctx, id)
		must(t, "read", err)
		if o, _ := got.Options.(*management.ConnectionOptions); got.GetDisplayName() != "Staff" || o == nil || o.GetPasswordPolicy() != "fair" || o.BruteForceProtection != nil {
			t.Errorf("after update: %s", management.Stringify(got))
		}
		expectSDKError(t, e.m.Connection.Update(ctx, id, &management.Connection{Name: auth0.String("renamed")}), http.StatusBadRequest)

		// Enabled clients: a new client joins every connection; PATCH takes it off.
		c := &management.Client{Name: auth0.String(unique("sdk conn client "))}
		must(t, "create client", e.m.Client.Create(ctx, c))
		enabled, err := e.m.Connection.ReadEnabledClients(ctx, id)
		must(t, "read enabled clients", err)
		if cs := enabled.GetClients(); len(cs) != 1 || cs[0].GetClientID() != c.GetClientID() {
			t.Errorf("enabled clients: %s", management.Stringify(enabled))
		}
		must(t, "disable", e.m.Connection.UpdateEnabledClients(ctx, id, []management.ConnectionEnabledClient{
			{ClientID: auth0.String(c.GetClientID()), Status: auth0.Bool(false)},
		}))
		enabled, err = e.m.Connection.ReadEnabledClients(ctx, id, management.Take(10))
		must(t, "read enabled clients", err)
		if len(enabled.GetClients()) != 0 || enabled.HasNext() {
			t.Errorf("after disabling: %s", management.Stringify(enabled))
		}
		// The legacy property is deprecated in the SDK, and still what older callers send.
		legacy := &management.Connection{EnabledClients: &[]string{c.GetClientID()}} //nolint:staticcheck // the legacy property under test
		must(t, "legacy enabled_clients", e.m.Connection.Update(ctx, id, legacy))
		got, err = e.m.Connection.Read(ctx, id)
		must(t, "read", err)
		if !slices.Equal(got.GetEnabledClients(), []string{c.GetClientID()}) {
			t.Errorf("legacy enabled_clients: %s", management.Stringify(got))
		}

		must(t, "delete", e.m.Connection.Delete(ctx, id))
		must(t, "delete again", e.m.Connection.Delete(ctx, id))
		_, err = e.m.Connection.Read(ctx, id)
		expectSDKError(t, err, http.StatusNotFound)
		must(t, "delete client", e.m.Client.Delete(ctx, c.GetClientID()))
	})
}

// The SDK's credential calls work unchanged, and so does its private_key_jwt token source,
// which signs an assertion for https://<domain>/ (http:// when insecure) without a kid.
func TestGoAuth0PrivateKeyJWT(t *testing.T) {
	t.Parallel()
	bothTransports(t, func(t *testing.T, e *sdkEnv) {
		ctx := t.Context()
		c := &management.Client{Name: auth0.String("sdk pkjwt")}
		must(t, "create client", e.m.Client.Create(ctx, c))
		id := c.GetClientID()
		key := rsaKey(0)
		cred := &management.Credential{CredentialType: auth0.String("public_key"), Name: auth0.String("sdk"),
			PEM: auth0.String(spkiPEM(t, &key.PublicKey)), Algorithm: auth0.String("RS256")}
		must(t, "create credential", e.m.Client.CreateCredential(ctx, id, cred))
		if !strings.HasPrefix(cred.GetID(), "cred_") || cred.GetKeyID() == "" || cred.CreatedAt == nil {
			t.Errorf("created credential: %s", management.Stringify(cred))
		}
		expires := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
		update := &management.Credential{ExpiresAt: &expires}
		must(t, "update credential", e.m.Client.UpdateCredential(ctx, id, cred.GetID(), update))
		if !update.GetExpiresAt().Equal(expires) || update.GetKeyID() != cred.GetKeyID() {
			t.Errorf("updated credential: %s", management.Stringify(update))
		}
		list, err := e.m.Client.ListCredentials(ctx, id)
		must(t, "list credentials", err)
		got, err := e.m.Client.GetCredential(ctx, id, cred.GetID())
		must(t, "get credential", err)
		if len(list) != 1 || list[0].GetID() != cred.GetID() || got.GetName() != "sdk" || got.PEM != nil {
			t.Errorf("list %s, get %s", management.Stringify(list), management.Stringify(got))
		}

		must(t, "enable private_key_jwt", e.m.Client.Update(ctx, id, &management.Client{
			ClientAuthenticationMethods: &management.ClientAuthenticationMethods{
				PrivateKeyJWT: &management.PrivateKeyJWT{Credentials: &[]management.Credential{{ID: cred.ID}}},
			},
		}))
		must(t, "grant", e.m.ClientGrant.Create(ctx, &management.ClientGrant{ClientID: auth0.String(id),
			Audience: auth0.String(e.mgmtAudience(e.base)), Scope: &[]string{"read:clients"}}))

		pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
		must(t, "marshal key", err)
		tokenCtx := context.WithValue(ctx, oauth2.HTTPClient, e.client)
		var opts []management.Option
		if !e.tls {
			opts = append(opts, management.WithInsecure())
		}
		opts = append(opts, management.WithClientCredentialsPrivateKeyJwt(tokenCtx, id, pemOf("PRIVATE KEY", pkcs8), "RS256"),
			management.WithClient(e.client))
		m, err := management.New(e.domain, opts...)
		must(t, "management.New", err)
		read, err := m.Client.Read(ctx, id)
		must(t, "read with a private_key_jwt token", err)
		if read.GetName() != "sdk pkjwt" {
			t.Errorf("read %s", management.Stringify(read))
		}

		must(t, "delete credential", e.m.Client.DeleteCredential(ctx, id, cred.GetID()))
		_, err = e.m.Client.GetCredential(ctx, id, cred.GetID())
		expectSDKError(t, err, http.StatusNotFound)
	})
}
