package server_test

// This file is the black-box harness shared by the HTTP tests, fuzz targets and benchmarks
// of package server. Everything goes through raw net/http requests against
// httptest.NewServer(srv), never through a client of ours, so that the server and a client
// cannot share a mistake.

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// Shapes of server-generated values (see DESIGN.md, The server's wire contract).
var (
	reResourceServerID = regexp.MustCompile(`^[0-9a-f]{24}$`)
	reClientID         = regexp.MustCompile(`^[A-Za-z0-9]{32}$`)
	reClientSecret     = regexp.MustCompile(`^[A-Za-z0-9_-]{64}$`)
	reGrantID          = regexp.MustCompile(`^cgr_[A-Za-z0-9]{16}$`)
	reTenantID         = regexp.MustCompile(`^ten_[A-Za-z0-9]{16}$`)
)

// managementScopes lists every scope the server's routes check, which the seeded Management API
// clients are granted. The root tenant has the tenants scopes too. The Management API itself
// defines more (see systemAPIScopes).
func managementScopes(root bool) []string {
	kinds := []string{"resource_servers", "clients", "client_grants", "connections", "organizations"}
	if root {
		kinds = append(kinds, "tenants")
	}
	var scopes []string
	for _, k := range kinds {
		for _, verb := range []string{"create", "read", "update", "delete"} {
			scopes = append(scopes, verb+":"+k)
		}
	}
	scopes = append(scopes, "read:tenant_settings", "update:tenant_settings",
		"read:client_keys", "update:client_keys", "create:client_credentials", "read:client_credentials",
		"update:client_credentials", "delete:client_credentials", "read:actions",
		"read:connections_options", "update:connections_options", "read:client_summary",
		"read:organization_connections", "create:organization_connections", "update:organization_connections",
		"delete:organization_connections", "read:organization_client_grants", "create:organization_client_grants",
		"delete:organization_client_grants")
	sort.Strings(scopes)
	return scopes
}

// checkSystemAPIScopes checks the scopes of a tenant's Management API: every Management API
// scope of the real service (a sample of those the server does not serve stands for them) and
// every scope the server's routes check.
func checkSystemAPIScopes(t testing.TB, got []string, root bool) {
	t.Helper()
	for _, want := range append(managementScopes(root), "read:users", "create:users", "read:logs", "read:roles",
		"create:organizations", "read:actions", "blacklist:tokens", "update:client_keys") {
		if !slices.Contains(got, want) {
			t.Errorf("the Management API lacks scope %s: %v", want, got)
		}
	}
	seen := map[string]bool{}
	for _, s := range got {
		if seen[s] {
			t.Errorf("the Management API lists scope %s twice", s)
		}
		seen[s] = true
	}
	if !root && slices.Contains(got, "read:tenants") {
		t.Errorf("a hosted tenant's Management API has the root-only tenants scopes: %v", got)
	}
}

// uniqueSeq makes names unique across the whole test binary.
var uniqueSeq atomic.Int64

func unique(prefix string) string {
	return fmt.Sprintf("%s%d", prefix, uniqueSeq.Add(1))
}

// testClock is an Options.Now that a test moves forward by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock(t time.Time) *testClock { return &testClock{now: t} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// harness is one server instance mounted on an httptest server, plus a root admin token
// carrying every root management scope.
type harness struct {
	t      testing.TB
	srv    *server.Server
	ts     *httptest.Server
	client *http.Client
	base   string // root base URL, e.g. http://127.0.0.1:41234
	tok    string // root admin token, every scope
}

// newHarness starts a fresh server for t; the options are applied to server.Options.
func newHarness(t testing.TB, opts ...func(*server.Options)) *harness {
	t.Helper()
	var o server.Options
	for _, f := range opts {
		f(&o)
	}
	srv, err := server.New(o)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ts := newTestServer(t, srv)
	h := &harness{t: t, srv: srv, ts: ts, client: ts.Client(), base: ts.URL}
	aud := h.mgmtAudience(h.base)
	if o.PublicURL != "" {
		aud = strings.TrimSuffix(o.PublicURL, "/") + "/api/v2/"
	}
	h.tok = h.mintToken(h.base, srv.AdminClientID(), srv.AdminClientSecret(), aud, "")
	return h
}

// newTestServer mounts srv on an httptest server closed at the end of the test. Its client
// does not follow redirects, so that every response is seen as the server sent it.
func newTestServer(t testing.TB, srv http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	client := ts.Client()
	client.Timeout = 60 * time.Second
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return ts
}

// with returns a copy of h reporting to t (a subtest, or a fuzz iteration).
func (h *harness) with(t testing.TB) *harness {
	c := *h
	c.t = t
	return &c
}

func (h *harness) mgmtAudience(base string) string { return base + "/api/v2/" }

// response is a fully read HTTP response.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r *response) String() string {
	b := r.Body
	if len(b) > 600 {
		b = append(b[:600:600], "…"...)
	}
	return fmt.Sprintf("%d %s", r.Status, b)
}

func (r *response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode response %s: %v", r, err)
	}
}

func (r *response) object(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	return m
}

func (r *response) array(t testing.TB) []map[string]any {
	t.Helper()
	var a []map[string]any
	r.decode(t, &a)
	return a
}

// The two request helpers: send is raw, call is a management request. Everything else that
// talks to the server is built on them.

// send performs a request and reads the whole response. It never fails the test, so goroutines
// other than the test's may use it. A body that is nil, a string, []byte or an io.Reader is sent
// as it is; any other value is sent as JSON, labelled so unless hdr has a Content-Type. A "Host"
// header sets the request's Host.
func (h *harness) send(method, rawURL string, hdr http.Header, body any) (*response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	case io.Reader:
		rd = b
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("marshal body: %w", err)
		}
		rd = bytes.NewReader(buf)
		if hdr.Get("Content-Type") == "" {
			hdr = hdr.Clone()
			if hdr == nil {
				hdr = http.Header{}
			}
			hdr.Set("Content-Type", "application/json")
		}
	}
	req, err := http.NewRequest(method, rawURL, rd)
	if err != nil {
		return nil, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if host := hdr.Get("Host"); host != "" {
		req.Host = host
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	return &response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// call sends a request to base+path with a bearer token ("" = no Authorization header) and the
// extra headers hdr, failing the test on a transport error. The body is as for send.
func (h *harness) call(base, tok, method, path string, body any, hdr ...http.Header) *response {
	h.t.Helper()
	all := http.Header{}
	for _, extra := range hdr {
		for k, v := range extra {
			all[k] = v
		}
	}
	if tok != "" {
		all.Set("Authorization", "Bearer "+tok)
	}
	r, err := h.send(method, base+path, all, body)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, base+path, err)
	}
	return r
}

// bearer is the header of a JSON request with a token.
func bearer(tok string) http.Header {
	return http.Header{"Authorization": {"Bearer " + tok}, "Content-Type": {"application/json"}}
}

// mustCreate POSTs body to base+path and requires 201, returning the object.
func (h *harness) mustCreate(base, tok, path string, body any) map[string]any {
	h.t.Helper()
	r := h.call(base, tok, http.MethodPost, path, body)
	if r.Status != http.StatusCreated {
		h.t.Fatalf("POST %s: want 201, got %s", path, r)
	}
	return r.object(h.t)
}

// mustGet GETs base+path and requires 200, returning the object.
func (h *harness) mustGet(base, tok, path string) map[string]any {
	h.t.Helper()
	r := h.call(base, tok, http.MethodGet, path, nil)
	if r.Status != http.StatusOK {
		h.t.Fatalf("GET %s: want 200, got %s", path, r)
	}
	return r.object(h.t)
}

// mustList GETs a list (no include_totals) and requires 200 with a JSON array.
func (h *harness) mustList(base, tok, path string) []map[string]any {
	h.t.Helper()
	r := h.call(base, tok, http.MethodGet, path, nil)
	if r.Status != http.StatusOK {
		h.t.Fatalf("GET %s: want 200, got %s", path, r)
	}
	return r.array(h.t)
}

// postToken sends a raw body to base/oauth/token.
func (h *harness) postToken(base, contentType, body string, hdr http.Header) *response {
	h.t.Helper()
	if hdr == nil {
		hdr = http.Header{}
	}
	if contentType != "" {
		hdr.Set("Content-Type", contentType)
	}
	return h.call(base, "", http.MethodPost, "/oauth/token", body, hdr)
}

// tokenJSON asks for a token with a JSON body.
func (h *harness) tokenJSON(base string, fields map[string]string) *response {
	h.t.Helper()
	b, err := json.Marshal(fields)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.postToken(base, "application/json", string(b), nil)
}

// tokenForm asks for a token with a form body.
func (h *harness) tokenForm(base string, v url.Values) *response {
	h.t.Helper()
	return h.postToken(base, "application/x-www-form-urlencoded", v.Encode(), nil)
}

func credentials(id, secret, aud, scope string) map[string]string {
	m := map[string]string{
		"grant_type":    "client_credentials",
		"client_id":     id,
		"client_secret": secret,
		"audience":      aud,
	}
	if scope != "" {
		m["scope"] = scope
	}
	return m
}

// tokenResponse is the success body of POST /oauth/token.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

// mintTokenResponse asks for a token and requires 200.
func (h *harness) mintTokenResponse(base, id, secret, aud, scope string) tokenResponse {
	h.t.Helper()
	r := h.tokenJSON(base, credentials(id, secret, aud, scope))
	if r.Status != http.StatusOK {
		h.t.Fatalf("token for %s at %s (scope %q): want 200, got %s", id, aud, scope, r)
	}
	var tr tokenResponse
	r.decode(h.t, &tr)
	if tr.AccessToken == "" {
		h.t.Fatalf("token response without access_token: %s", r)
	}
	return tr
}

func (h *harness) mintToken(base, id, secret, aud, scope string) string {
	h.t.Helper()
	return h.mintTokenResponse(base, id, secret, aud, scope).AccessToken
}

// apiError is the management API error envelope.
type apiError struct {
	StatusCode int    `json:"statusCode"`
	Error      string `json:"error"`
	Message    string `json:"message"`
	ErrorCode  string `json:"errorCode"`
}

// expectAPIError requires the error envelope with the given status and errorCode.
func expectAPIError(t testing.TB, r *response, status int, code string) apiError {
	t.Helper()
	if r.Status != status {
		t.Fatalf("want %d %s, got %s", status, code, r)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type = %q, want application/json", ct)
	}
	var e apiError
	r.decode(t, &e)
	if e.StatusCode != status || e.Error != http.StatusText(status) || e.ErrorCode != code || e.Message == "" {
		t.Errorf("want envelope {statusCode:%d error:%q errorCode:%q message:…}, got %s",
			status, http.StatusText(status), code, r.Body)
	}
	return e
}

// oauthError is the token endpoint's error body.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func expectOAuthError(t testing.TB, r *response, status int, code string) oauthError {
	t.Helper()
	if r.Status != status {
		t.Fatalf("want %d %s, got %s", status, code, r)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type = %q, want application/json", ct)
	}
	var e oauthError
	r.decode(t, &e)
	if e.Error != code {
		t.Errorf("error = %q, want %q (body %s)", e.Error, code, r.Body)
	}
	return e
}

func expectStatus(t testing.TB, r *response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("want %d, got %s", status, r)
	}
}

// tenantEnv is a tenant created over POST /api/v2/tenants with a token of its management client.
type tenantEnv struct {
	name     string
	id       string
	base     string
	clientID string
	secret   string
	tok      string
	obj      map[string]any
}

// newTenant creates a tenant on the root and mints a token (every scope) for its management client.
func (h *harness) newTenant(name string) tenantEnv {
	h.t.Helper()
	obj := h.mustCreate(h.base, h.tok, "/api/v2/tenants", map[string]any{"name": name})
	mc, _ := obj["management_client"].(map[string]any)
	id, _ := mc["client_id"].(string)
	secret, _ := mc["client_secret"].(string)
	if id == "" || secret == "" {
		h.t.Fatalf("tenant %s: no management_client in %v", name, obj)
	}
	te := tenantEnv{name: name, base: h.base + "/tenants/" + name, clientID: id, secret: secret, obj: obj}
	te.id, _ = obj["id"].(string)
	te.tok = h.mintToken(te.base, id, secret, h.mgmtAudience(te.base), "")
	return te
}

// newAPI creates a resource server and returns it.
func (h *harness) newAPI(base, tok string, body map[string]any) map[string]any {
	h.t.Helper()
	if body["identifier"] == nil {
		body["identifier"] = "https://" + unique("api") + ".example.com/"
	}
	if body["name"] == nil {
		body["name"] = unique("API ")
	}
	return h.mustCreate(base, tok, "/api/v2/resource-servers", body)
}

// newGrantedClient creates a client and a grant from it to aud with scopes.
func (h *harness) newGrantedClient(base, tok, aud string, scopes []string) (id, secret string) {
	h.t.Helper()
	c := h.mustCreate(base, tok, "/api/v2/clients", map[string]any{"name": unique("client ")})
	id, _ = c["client_id"].(string)
	secret, _ = c["client_secret"].(string)
	if scopes == nil {
		scopes = []string{}
	}
	h.mustCreate(base, tok, "/api/v2/client-grants", map[string]any{"client_id": id, "audience": aud, "scope": scopes})
	return id, secret
}

// scopeString joins scopes the way the token endpoint takes them.
func scopeString(scopes []string) string { return strings.Join(scopes, " ") }

// scopeSet splits a space-separated scope string and sorts it.
func scopeSet(s string) []string {
	f := strings.Fields(s)
	sort.Strings(f)
	return f
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

// strField reads a string field, failing when absent or not a string.
func strField(t testing.TB, m map[string]any, key string) string {
	t.Helper()
	s, ok := m[key].(string)
	if !ok {
		t.Fatalf("field %q: want string, got %T %v in %v", key, m[key], m[key], m)
	}
	return s
}

// numField reads a JSON number field.
func numField(t testing.TB, m map[string]any, key string) float64 {
	t.Helper()
	n, ok := m[key].(float64)
	if !ok {
		t.Fatalf("field %q: want number, got %T %v in %v", key, m[key], m[key], m)
	}
	return n
}

// findBy returns the first element whose key equals val.
func findBy(list []map[string]any, key string, val any) map[string]any {
	for _, m := range list {
		if m[key] == val {
			return m
		}
	}
	return nil
}

// eventually polls cond until it holds or a generous deadline passes, and reports whether it
// held. Tests poll with it instead of sleeping for a fixed time.
func eventually(cond func() bool) bool {
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// isConnError reports whether err is a transport error (what a dropped connection gives).
func isConnError(err error) bool {
	var ue *url.Error
	return err != nil && errors.As(err, &ue)
}

// jsonString re-encodes v as JSON (map keys sorted), to compare values of any shape.
func jsonString(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %v: %v", v, err)
	}
	return string(b)
}

func jsonValid(b []byte) bool { return json.Valid(b) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// stringList converts a decoded JSON array of strings.
func stringList(v any) []string {
	a, _ := v.([]any)
	out := make([]string, 0, len(a))
	for _, e := range a {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}

// scopeValues lists the scope values of a decoded resource server, in order.
func scopeValues(t testing.TB, rs map[string]any) []string {
	t.Helper()
	a, _ := rs["scopes"].([]any)
	out := make([]string, 0, len(a))
	for _, e := range a {
		m, ok := e.(map[string]any)
		if !ok {
			t.Fatalf("scope entry %v is not an object", e)
		}
		s, _ := m["value"].(string)
		out = append(out, s)
	}
	return out
}

// fetchJWKS reads base/.well-known/jwks.json, checks its shape and parses it with go-jose.
func (h *harness) fetchJWKS(base string) jose.JSONWebKeySet {
	h.t.Helper()
	r := h.call(base, "", http.MethodGet, "/.well-known/jwks.json", nil)
	expectStatus(h.t, r, http.StatusOK)
	var raw struct {
		Keys []map[string]any `json:"keys"`
	}
	r.decode(h.t, &raw)
	if len(raw.Keys) == 0 {
		h.t.Fatalf("jwks without keys: %s", r.Body)
	}
	for _, k := range raw.Keys {
		if k["kty"] != "RSA" || k["use"] != "sig" || k["kid"] == "" || k["kid"] == nil || k["n"] == nil || k["e"] == nil {
			h.t.Errorf("jwks key %v: want kty RSA, use sig, kid, n, e", k)
		}
		// As the real service publishes them: alg, and the key's certificate (x5c) with its
		// SHA-1 thumbprint (x5t), no x5t#S256.
		if k["alg"] != "RS256" {
			h.t.Errorf("jwks key %v: alg %v, want RS256", k, k["alg"])
		}
		if _, ok := k["x5t#S256"]; ok {
			h.t.Errorf("jwks key %v carries x5t#S256", k)
		}
		checkX5C(h.t, k)
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi"} {
			if _, ok := k[private]; ok {
				h.t.Errorf("jwks key exposes private member %q", private)
			}
		}
	}
	var set jose.JSONWebKeySet
	r.decode(h.t, &set)
	for _, k := range set.Keys {
		if !k.IsPublic() || !k.Valid() {
			h.t.Errorf("jwks key %s: not a valid public key", k.KeyID)
		}
		if _, ok := k.Key.(*rsa.PublicKey); !ok {
			h.t.Errorf("jwks key %s: go-jose parsed %T, want *rsa.PublicKey", k.KeyID, k.Key)
		}
	}
	return set
}

// checkX5C checks a JWK's x5c (one self-signed certificate of the key's own public key, in
// standard base64 DER) and x5t (the base64url SHA-1 of that DER).
func checkX5C(t testing.TB, k map[string]any) {
	t.Helper()
	chain, _ := k["x5c"].([]any)
	if len(chain) != 1 {
		t.Fatalf("jwks key x5c = %v, want one certificate", k["x5c"])
	}
	der, err := base64.StdEncoding.DecodeString(chain[0].(string))
	if err != nil {
		t.Fatalf("x5c is not standard base64: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("x5c: %v", err)
	}
	if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
		t.Errorf("x5c certificate is not self-signed: %v", err)
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	n, _ := base64.RawURLEncoding.DecodeString(k["n"].(string))
	if !ok || !bytes.Equal(pub.N.Bytes(), n) {
		t.Errorf("x5c certificate holds another key")
	}
	sum := sha1.Sum(der)
	if k["x5t"] != base64.RawURLEncoding.EncodeToString(sum[:]) {
		t.Errorf("x5t = %v, want the base64url SHA-1 of the certificate", k["x5t"])
	}
}

// parsedToken is a verified access token.
type parsedToken struct {
	header jose.Header
	claims map[string]any
	std    jwt.Claims
}

// verifyWithJWKS verifies tok (alg must be exactly alg) against the key of base's JWKS named by kid.
func (h *harness) verifyWithJWKS(base, tok string, alg jose.SignatureAlgorithm) parsedToken {
	h.t.Helper()
	parsed, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{alg})
	if err != nil {
		h.t.Fatalf("parse %s token: %v", alg, err)
	}
	hdr := parsed.Headers[0]
	if hdr.Algorithm != string(alg) {
		h.t.Errorf("header alg = %q, want %q", hdr.Algorithm, alg)
	}
	if hdr.KeyID == "" {
		h.t.Fatalf("header without kid")
	}
	set := h.fetchJWKS(base)
	keys := set.Key(hdr.KeyID)
	if len(keys) != 1 {
		h.t.Fatalf("kid %q: %d keys in %s/.well-known/jwks.json, want 1", hdr.KeyID, len(keys), base)
	}
	var pt parsedToken
	pt.header = hdr
	if err := parsed.Claims(keys[0], &pt.claims, &pt.std); err != nil {
		h.t.Fatalf("verify %s token with the served JWKS: %v", alg, err)
	}
	checkTyp(h.t, hdr)
	return pt
}

// verifyHS256 verifies tok with an API's signing secret.
func verifyHS256(t testing.TB, tok, secret string) parsedToken {
	t.Helper()
	parsed, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.HS256})
	if err != nil {
		t.Fatalf("parse HS256 token: %v", err)
	}
	var pt parsedToken
	pt.header = parsed.Headers[0]
	if err := parsed.Claims([]byte(secret), &pt.claims, &pt.std); err != nil {
		t.Fatalf("verify HS256 token with the signing secret: %v", err)
	}
	checkTyp(t, pt.header)
	return pt
}

func checkTyp(t testing.TB, hdr jose.Header) {
	t.Helper()
	if typ := hdr.ExtraHeaders[jose.HeaderType]; typ != "JWT" {
		t.Errorf("header typ = %v, want JWT", typ)
	}
}

// checkClaims checks the registered and Auth0-style claims of an access token.
func checkClaims(t testing.TB, pt parsedToken, iss, clientID, aud string, scopes []string, lifetime int64, now time.Time) {
	t.Helper()
	c := pt.claims
	if c["iss"] != iss {
		t.Errorf("iss = %v, want %q", c["iss"], iss)
	}
	if c["sub"] != clientID+"@clients" {
		t.Errorf("sub = %v, want %q", c["sub"], clientID+"@clients")
	}
	if a, ok := c["aud"].(string); !ok || a != aud {
		t.Errorf("aud = %#v, want the string %q", c["aud"], aud)
	}
	if c["azp"] != clientID {
		t.Errorf("azp = %v, want %q", c["azp"], clientID)
	}
	if c["gty"] != "client-credentials" {
		t.Errorf("gty = %v, want client-credentials", c["gty"])
	}
	s, _ := c["scope"].(string)
	if !sameSet(scopeSet(s), scopes) {
		t.Errorf("scope = %v, want %v", c["scope"], scopes)
	}
	iat, ok1 := c["iat"].(float64)
	exp, ok2 := c["exp"].(float64)
	if !ok1 || !ok2 {
		t.Fatalf("iat/exp not numbers: %v / %v", c["iat"], c["exp"])
	}
	if int64(exp)-int64(iat) != lifetime {
		t.Errorf("exp - iat = %d, want %d", int64(exp)-int64(iat), lifetime)
	}
	if !now.IsZero() && int64(iat) != now.Unix() {
		t.Errorf("iat = %d, want the server clock %d", int64(iat), now.Unix())
	}
	if !now.IsZero() {
		err := pt.std.ValidateWithLeeway(jwt.Expected{Issuer: iss, Subject: clientID + "@clients", AnyAudience: jwt.Audience{aud}, Time: now}, 0)
		if err != nil {
			t.Errorf("go-jose claim validation: %v", err)
		}
	}
}

// tokenParts returns the header and raw payload of a compact JWS without verifying it.
func tokenParts(t testing.TB, tok string) (header map[string]any, payload []byte) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q: want 3 parts", tok)
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(hb, &header); err != nil {
		t.Fatal(err)
	}
	payload, err = base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return header, payload
}

// expectInvalidToken requires 401 invalid_token with WWW-Authenticate: Bearer.
func expectInvalidToken(t testing.TB, r *response, message string) {
	t.Helper()
	e := expectAPIError(t, r, http.StatusUnauthorized, "invalid_token")
	if message != "" && e.Message != message {
		t.Errorf("message = %q, want %q", e.Message, message)
	}
	if wa := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(wa, "Bearer") {
		t.Errorf("WWW-Authenticate = %q, want Bearer…", wa)
	}
}

// expectTokenOK checks a successful token response and returns it.
func expectTokenOK(t testing.TB, r *response, wantScopes []string, wantLifetime int64) tokenResponse {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("want 200, got %s", r)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	var tr tokenResponse
	r.decode(t, &tr)
	if tr.AccessToken == "" || strings.Count(tr.AccessToken, ".") != 2 {
		t.Errorf("access_token %q is not a compact JWS", tr.AccessToken)
	}
	if tr.TokenType != "Bearer" {
		t.Errorf("token_type = %q, want Bearer", tr.TokenType)
	}
	if tr.ExpiresIn != wantLifetime {
		t.Errorf("expires_in = %d, want %d", tr.ExpiresIn, wantLifetime)
	}
	if got := scopeSet(tr.Scope); !sameSet(got, wantScopes) {
		t.Errorf("scope = %q, want %v", tr.Scope, wantScopes)
	}
	return tr
}

// jsonOf encodes a token request body as JSON.
func jsonOf(m map[string]string) string {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// basic is the header of a request with HTTP Basic credentials.
func basic(id, secret string) http.Header {
	r, _ := http.NewRequest(http.MethodGet, "http://x", nil)
	r.SetBasicAuth(id, secret)
	return http.Header{"Authorization": r.Header["Authorization"]}
}

// adminBasic is the header of a request with the root admin's current
// credentials, as the server's /_idp/ endpoints want them.
func (h *harness) adminBasic() http.Header {
	return basic(h.srv.AdminClientID(), h.srv.AdminClientSecret())
}

// names lists the "name" (or, for grants, "client_id") of each object.
func names(t testing.TB, objs []map[string]any, key string) []string {
	var out []string
	for _, o := range objs {
		out = append(out, strField(t, o, key))
	}
	slices.Sort(out)
	return out
}

func openStore(t testing.TB, dir string) *server.BoltStore {
	t.Helper()
	st, err := server.OpenBoltStore(dir)
	if err != nil {
		t.Fatalf("OpenBoltStore: %v", err)
	}
	return st
}

var reConnectionID = regexp.MustCompile(`^con_[A-Za-z0-9]{16}$`)

// enabledClients pages through GET /connections/{id}/clients with take and returns every
// client_id in order, checking the envelope of each page.
func (h *harness) enabledClients(base, tok, id string, take int) []string {
	h.t.Helper()
	var out []string
	from := ""
	for range 1000 {
		q := url.Values{"take": {fmt.Sprint(take)}}
		if from != "" {
			q.Set("from", from)
		}
		r := h.call(base, tok, http.MethodGet, "/api/v2/connections/"+id+"/clients?"+q.Encode(), nil)
		expectStatus(h.t, r, http.StatusOK)
		var page struct {
			Clients []map[string]any `json:"clients"`
			Next    *string          `json:"next"`
		}
		r.decode(h.t, &page)
		if page.Clients == nil || len(page.Clients) > take {
			h.t.Fatalf("page %s", r)
		}
		for _, c := range page.Clients {
			out = append(out, strField(h.t, c, "client_id"))
		}
		if page.Next == nil {
			return out
		}
		if *page.Next == "" || len(page.Clients) != take {
			h.t.Fatalf("next %q after a page of %d: %s", *page.Next, len(page.Clients), r)
		}
		from = *page.Next
	}
	h.t.Fatalf("paging never ends")
	return nil
}

// expectTooMany requires the real service's answer to a create past an entity limit.
func expectTooMany(t testing.TB, r *response, what string, limit int) {
	t.Helper()
	e := expectAPIError(t, r, http.StatusForbidden, "too_many_entities")
	want := fmt.Sprintf("You reached the limit of entities of this type for this tenant. At most %d %s are allowed.", limit, what)
	if e.Message != want {
		t.Errorf("message = %q, want %q", e.Message, want)
	}
}
