package mgmt

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

var testKeys = sync.OnceValue(func() [2]*rsa.PrivateKey {
	var keys [2]*rsa.PrivateKey
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[i] = k
	}
	return keys
})

func pkcs1PEM(k *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

func publicPEM(t testing.TB, k *rsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// assertionServer checks every token request's assertion, answers the first fail of them
// with a 503, and records the jtis.
type assertionServer struct {
	t        *testing.T
	key      *rsa.PublicKey
	alg      string
	clientID string
	fail     int

	mu         sync.Mutex
	jtis       []string
	assertions []string
	issuer     string
}

func (s *assertionServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t := s.t
	if err := r.ParseForm(); err != nil {
		t.Errorf("form: %v", err)
	}
	f := r.PostForm
	if f.Has("client_secret") || f.Get("client_assertion_type") != ClientAssertionType || f.Get("client_id") != s.clientID {
		t.Errorf("form = %v", f)
	}
	tok, err := jwt.ParseSigned(f.Get("client_assertion"), []jose.SignatureAlgorithm{jose.SignatureAlgorithm(s.alg)})
	if err != nil {
		t.Errorf("parsing the assertion: %v", err)
		http.Error(w, "bad", http.StatusBadRequest)
		return
	}
	if h := tok.Headers[0]; h.Algorithm != s.alg || h.ExtraHeaders[jose.HeaderType] != "JWT" {
		t.Errorf("header = %+v", h)
	}
	var c jwt.Claims
	if err := tok.Claims(s.key, &c); err != nil {
		t.Errorf("signature: %v", err)
	}
	now := time.Now()
	if c.Issuer != s.clientID || c.Subject != s.clientID || len(c.Audience) != 1 || c.Audience[0] != s.issuer ||
		c.IssuedAt == nil || c.Expiry == nil || c.Expiry.Time().Sub(c.IssuedAt.Time()) != assertionLifetime ||
		c.IssuedAt.Time().After(now.Add(time.Second)) || c.IssuedAt.Time().Before(now.Add(-5*time.Second)) ||
		c.ID == "" || len(c.ID) > 64 {
		t.Errorf("claims = %+v, want iss = sub = %q, aud %q", c, s.clientID, s.issuer)
	}
	s.mu.Lock()
	s.jtis = append(s.jtis, c.ID)
	s.assertions = append(s.assertions, f.Get("client_assertion"))
	n := len(s.jtis)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if n <= s.fail {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":"temporarily_unavailable"}`))
		return
	}
	_, _ = w.Write([]byte(`{"access_token":"at","token_type":"Bearer","expires_in":60}`))
}

// TestClientAssertionSigned: each attempt of a token request, retries included, carries a
// fresh assertion signed with the configured alg, for the issuer of the domain's tenant.
func TestClientAssertionSigned(t *testing.T) {
	t.Parallel()
	key := testKeys()[0]
	for _, alg := range []string{"", "RS256", "RS384", "PS256"} {
		t.Run("alg="+alg, func(t *testing.T) {
			t.Parallel()
			want := alg
			if want == "" {
				want = DefaultAssertionAlg
			}
			s := &assertionServer{t: t, key: &key.PublicKey, alg: want, clientID: "cid", fail: 2}
			ts := httptest.NewServer(s)
			t.Cleanup(ts.Close)
			s.issuer = ts.URL + "/tenants/a/"
			log := &recLogger{}
			c := quickClient(t, Config{Domain: ts.URL + "/tenants/a", ClientID: "cid", ClientAssertionKey: key,
				ClientAssertionAlg: alg, MaxRetries: 5, RetryTimeout: 5 * time.Second, Logger: log})
			if _, err := c.RequestToken(t.Context(), TokenRequest{}); err != nil {
				t.Fatal(err)
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if len(s.jtis) != 3 {
				t.Fatalf("attempts = %d, want 3", len(s.jtis))
			}
			seen := map[string]bool{}
			for _, j := range s.jtis {
				if seen[j] {
					t.Errorf("jti %q sent twice", j)
				}
				seen[j] = true
			}
			logged := fmt.Sprint(log.snapshot())
			if !strings.Contains(logged, "client_assertion="+url.QueryEscape(redacted)) {
				t.Errorf("no redacted client_assertion in the trace log: %s", logged)
			}
			for _, a := range s.assertions {
				sig := a[strings.LastIndex(a, ".")+1:]
				if strings.Contains(logged, sig) {
					t.Errorf("the log holds an assertion: %s", logged)
				}
			}
		})
	}
}

// TestClientAssertionServer: the emulator accepts the provider's assertions for the key
// registered on the client, and refuses another key's.
func TestClientAssertionServer(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, server.Options{}, nil)
	ctx := t.Context()
	admin := env.client(t)
	keys := testKeys()
	clientID := createPKJWTClient(t, env, admin, publicPEM(t, keys[0]))
	if _, err := admin.CreateClientGrant(ctx, &ClientGrant{ClientID: &clientID, Audience: String(admin.Audience()),
		Scope: &[]string{"read:clients"}}); err != nil {
		t.Fatal(err)
	}

	c := env.client(t, func(cfg *Config) { cfg.ClientID, cfg.ClientSecret, cfg.ClientAssertionKey = clientID, "", keys[0] })
	if _, err := c.ListApplications(ctx, ApplicationFilter{}); err != nil {
		t.Fatalf("with the registered key: %v", err)
	}
	if _, err := admin.RequestToken(ctx, TokenRequest{ClientID: clientID, ClientAssertionKey: keys[0],
		Audience: admin.Audience()}); err != nil {
		t.Fatalf("RequestToken with the registered key: %v", err)
	}

	wrong := env.client(t, func(cfg *Config) { cfg.ClientID, cfg.ClientSecret, cfg.ClientAssertionKey = clientID, "", keys[1] })
	err := wrong.Verify(ctx)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized || apiErr.Code != "invalid_client" {
		t.Fatalf("with an unregistered key: got %v, want 401 invalid_client", err)
	}
	if pk := pkcs1PEM(keys[1]); strings.Contains(err.Error(), pk[40:80]) {
		t.Errorf("the error quotes the key: %v", err)
	}
}

// createPKJWTClient makes a private_key_jwt client with one public_key credential.
func createPKJWTClient(t *testing.T, env *testEnv, admin *Client, pubPEM string) string {
	t.Helper()
	tok, err := admin.RequestToken(t.Context(), TokenRequest{Audience: admin.Audience()})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{
		"name": "pkjwt", "app_type": "non_interactive", "grant_types": []string{"client_credentials"},
		"client_authentication_methods": map[string]any{"private_key_jwt": map[string]any{"credentials": []any{
			map[string]any{"credential_type": "public_key", "pem": pubPEM, "alg": "RS256"},
		}}},
	})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, env.ts.URL+"/api/v2/clients", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		ClientID string `json:"client_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated || out.ClientID == "" {
		t.Fatalf("creating the client: %d %v", resp.StatusCode, err)
	}
	return out.ClientID
}

func TestClientAssertionConfigRefused(t *testing.T) {
	t.Parallel()
	key := testKeys()[0]
	small, err := rsa.GenerateKey(rand.Reader, 1024) //nolint:gosec // a key too small on purpose
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		cfg  Config
		want string
	}{
		"secret and key":     {Config{ClientID: "c", ClientSecret: "s", ClientAssertionKey: key}, "client secret and a client assertion key"},
		"api token and key":  {Config{APIToken: "t", ClientAssertionKey: key}, "API token and client credentials"},
		"key without id":     {Config{ClientAssertionKey: key}, "without a client ID"},
		"alg without key":    {Config{ClientID: "c", ClientSecret: "s", ClientAssertionAlg: "RS256"}, "without a client assertion key"},
		"unsupported alg":    {Config{ClientID: "c", ClientAssertionKey: key, ClientAssertionAlg: "HS256"}, `"HS256" is not supported`},
		"key below 2048bits": {Config{ClientID: "c", ClientAssertionKey: small}, "at least 2048"},
	} {
		tc.cfg.Domain = "idp.example.com"
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
	}
	c, err := New(Config{Domain: "idp.example.com", APIToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.RequestToken(t.Context(), TokenRequest{ClientID: "c", ClientSecret: "s", ClientAssertionKey: key})
	if err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("RequestToken with a secret and a key: %v", err)
	}
}

func TestParsePrivateKeyPEM(t *testing.T) {
	t.Parallel()
	key := testKeys()[0]
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"pkcs1": pkcs1PEM(key),
		"pkcs8": "\n  " + string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
	} {
		got, err := ParsePrivateKeyPEM(text)
		if err != nil || !got.Equal(key) {
			t.Errorf("%s: %v", name, err)
		}
	}
	pub := publicPEM(t, key)
	broken := strings.Replace(pkcs1PEM(key), "MII", "XXX", 1)
	for name, tc := range map[string]struct{ text, want string }{
		"not PEM":    {"hunter2-secret", "not PEM"},
		"public key": {pub, `"PUBLIC KEY"`},
		"EC key":     {string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER})), "not an RSA private key"},
		"broken":     {broken, "not a valid PKCS #1"},
		"two blocks": {pkcs1PEM(key) + pub, "more than one"},
	} {
		_, err := ParsePrivateKeyPEM(tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "XXX") || strings.Contains(err.Error(), "MII") {
			t.Errorf("%s: the error quotes the input: %v", name, err)
		}
	}
}
