package server_test

// Server throughput benchmarks, and the raw RSA signing rate that bounds RS256
// token issuance (BenchmarkRSASign). They drive (*Server).ServeHTTP directly with
// httptest.NewRequest (Host example.com), so that they measure the server rather than the
// loopback network and the HTTP client. Run with
//   go test -run '^$' -bench . -benchmem ./internal/server/

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// httptest.NewRequest's Host; the base URL the server derives from it.
const benchBase = "http://example.com"

// serve runs one request through the handler.
func serve(srv http.Handler, method, target, tok, contentType, body string) *httptest.ResponseRecorder {
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	return w
}

// benchSetup builds a server and the form body of a token request for its admin client.
func benchSetup(b *testing.B) (*server.Server, string) {
	b.Helper()
	srv, err := server.New(server.Options{})
	if err != nil {
		b.Fatal(err)
	}
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {srv.AdminClientID()},
		"client_secret": {srv.AdminClientSecret()},
		"audience":      {benchBase + "/api/v2/"},
	}.Encode()
	return srv, form
}

// benchClient mints an admin token and creates a client to read; it returns the token and
// the client's path.
func benchClient(b *testing.B, srv *server.Server, form string) (tok, path string) {
	b.Helper()
	w := serve(srv, http.MethodPost, "/oauth/token", "", "application/x-www-form-urlencoded", form)
	if w.Code != http.StatusOK {
		b.Fatalf("token: %d %s", w.Code, w.Body)
	}
	var tr tokenResponse
	if err := json.Unmarshal(w.Body.Bytes(), &tr); err != nil {
		b.Fatal(err)
	}
	w = serve(srv, http.MethodPost, "/api/v2/clients", tr.AccessToken, "application/json",
		`{"name":"bench","description":"read me","client_metadata":{"team":"perf"}}`)
	if w.Code != http.StatusCreated {
		b.Fatalf("create client: %d %s", w.Code, w.Body)
	}
	var c struct {
		ClientID string `json:"client_id"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &c); err != nil {
		b.Fatal(err)
	}
	return tr.AccessToken, "/api/v2/clients/" + c.ClientID
}

func reportRate(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "req/s")
	}
}

// BenchmarkTokenIssuance measures POST /oauth/token for an RS256 API (the Management API).
func BenchmarkTokenIssuance(b *testing.B) {
	srv, form := benchSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		w := serve(srv, http.MethodPost, "/oauth/token", "", "application/x-www-form-urlencoded", form)
		if w.Code != http.StatusOK {
			b.Fatalf("token: %d %s", w.Code, w.Body)
		}
	}
	reportRate(b)
}

func BenchmarkTokenIssuanceParallel(b *testing.B) {
	srv, form := benchSetup(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := serve(srv, http.MethodPost, "/oauth/token", "", "application/x-www-form-urlencoded", form)
			if w.Code != http.StatusOK {
				b.Errorf("token: %d %s", w.Code, w.Body)
				return
			}
		}
	})
	reportRate(b)
}

// BenchmarkRSASign is the floor of RS256 token issuance, measured in the
// same run as BenchmarkTokenIssuance: Go's crypto/rsa signing a SHA-256
// digest with RSA-2048, PKCS#1 v1.5, hashing the signing input of a typical
// access token included. BENCHMARKS.md reports token issuance as a
// percentage of this rate.
func BenchmarkRSASign(b *testing.B) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	// About the size of an access token's header and claims, base64url.
	input := []byte(strings.Repeat("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0", 8))
	b.ReportAllocs()
	for b.Loop() {
		digest := sha256.Sum256(input)
		if _, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:]); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b)
}

func BenchmarkRSASignParallel(b *testing.B) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	input := []byte(strings.Repeat("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0", 8))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			digest := sha256.Sum256(input)
			if _, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportRate(b)
}

// BenchmarkManagementGet measures GET /api/v2/clients/{id}, token verification included.
func BenchmarkManagementGet(b *testing.B) {
	srv, form := benchSetup(b)
	tok, path := benchClient(b, srv, form)
	b.ReportAllocs()
	for b.Loop() {
		w := serve(srv, http.MethodGet, path, tok, "", "")
		if w.Code != http.StatusOK {
			b.Fatalf("GET: %d %s", w.Code, w.Body)
		}
	}
	reportRate(b)
}

func BenchmarkManagementGetParallel(b *testing.B) {
	srv, form := benchSetup(b)
	tok, path := benchClient(b, srv, form)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := serve(srv, http.MethodGet, path, tok, "", "")
			if w.Code != http.StatusOK {
				b.Errorf("GET: %d %s", w.Code, w.Body)
				return
			}
		}
	})
	reportRate(b)
}

// BenchmarkTokenIssuanceShare is token issuance as a share of the raw
// signing rate, the two measured interleaved in one loop (one token, then
// one bare RSA-2048 PKCS#1 v1.5 signature of a token-sized input, with the
// same key size), so that whatever else the machine is doing slows both
// alike. Its metric, %-of-sign-rate, is signing time over issuance time:
// 100 would mean issuing a token costs no more than its signature.
func BenchmarkTokenIssuanceShare(b *testing.B) {
	srv, form := benchSetup(b)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	input := []byte(strings.Repeat("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0", 8))
	var issuing, signing time.Duration
	for b.Loop() {
		start := time.Now()
		w := serve(srv, http.MethodPost, "/oauth/token", "", "application/x-www-form-urlencoded", form)
		issuing += time.Since(start)
		if w.Code != http.StatusOK {
			b.Fatalf("token: %d %s", w.Code, w.Body)
		}
		start = time.Now()
		digest := sha256.Sum256(input)
		if _, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:]); err != nil {
			b.Fatal(err)
		}
		signing += time.Since(start)
	}
	if issuing > 0 {
		b.ReportMetric(100*signing.Seconds()/issuing.Seconds(), "%-of-sign-rate")
	}
}
