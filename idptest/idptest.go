// Package idptest runs idp-server, the local emulator of an Auth0-style Management API v2,
// inside a Go test, the way net/http/httptest runs an http.Handler:
//
//	func TestMyModule(t *testing.T) {
//		srv := idptest.NewServer(t)
//		// srv.URL, srv.ClientID and srv.ClientSecret reach the root
//		// tenant's admin client; srv.Env() is the same as IDP_* variables
//		// for the provider or a Terratest run.
//	}
//
// Unlike the idp-server command, it answers a failed login at once, so that tests of wrong
// credentials stay fast. docs/guides/idp-server.md describes its routes, errors and faults.
package idptest

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// Server is a running idp-server.
type Server struct {
	// URL is the root tenant's base URL, e.g. http://127.0.0.1:41234, as the provider's domain takes it.
	URL string
	// ClientID and ClientSecret are the root admin's (every scope) at start; a rotation outdates ClientSecret.
	ClientID     string
	ClientSecret string
	// Certificate, CertPool and CAFile (PEM, for SSL_CERT_FILE) are set with WithTLS.
	Certificate *x509.Certificate
	CertPool    *x509.CertPool
	CAFile      string

	srv   *server.Server
	hs    *httptest.Server
	store *server.BoltStore
	tb    testing.TB
	keyed bool // the admin signs in with a key, not ClientSecret
}

// Faults are failures the server injects, to test a client's retries; all zero is off.
type Faults struct {
	Rate429         float64       // fraction [0,1] of requests answered 429 with Retry-After: 1
	Rate5xx         float64       // fraction answered 503
	Latency         time.Duration // added to every request
	DropAfterCommit float64       // fraction of writes committed, then answered by closing the connection
	Seed            int64         // seed of the fault generator, so that a run can be repeated
}

// Option configures a Server.
type Option func(*options)

type options struct {
	tls                bool
	rateLimit          int
	faults             Faults
	adminID, adminPass string
	adminPublicKey     string
	dataDir            string
}

// WithTLS serves HTTPS with a self-signed certificate for 127.0.0.1.
func WithTLS() Option { return func(o *options) { o.tls = true } }

// WithRateLimit allows n requests per second per tenant (burst n).
func WithRateLimit(n int) Option { return func(o *options) { o.rateLimit = n } }

// WithFaults injects failures from the start; Server.SetFaults changes them.
func WithFaults(f Faults) Option { return func(o *options) { o.faults = f } }

// WithAdminCredentials fixes the root admin client's id and secret: the id is 32 letters and digits,
// as the real service issues client IDs, the secret at least 32 characters; the server refuses to
// start otherwise.
func WithAdminCredentials(clientID, clientSecret string) Option {
	return func(o *options) { o.adminID, o.adminPass = clientID, clientSecret }
}

// WithAdminPublicKey makes the root admin sign in at the token endpoint only with the private key
// of publicKeyPEM (an RSA public key, PEM; private_key_jwt, RS256), as idp-server
// -client-public-key-file does: ClientSecret then guards the /_idp/ routes alone, and Env leaves it out.
func WithAdminPublicKey(publicKeyPEM string) Option {
	return func(o *options) { o.adminPublicKey = publicKeyPEM }
}

// WithDataDir keeps the data in dir for a later server, as idp-server -data-dir; one server at a time.
func WithDataDir(dir string) Option { return func(o *options) { o.dataDir = dir } }

// NewServer starts a server that stops when the test ends; it fails the test if it cannot start.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := start(opts, tb.TempDir)
	if err != nil {
		tb.Fatalf("idptest: %v", err)
	}
	s.tb = tb
	tb.Cleanup(s.Close)
	return s
}

// Start starts a server outside a test (an example, a TestMain); the caller closes it.
func Start(opts ...Option) (*Server, error) {
	return start(opts, nil)
}

func start(opts []Option, tempDir func() string) (*Server, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	so := server.Options{
		AdminClientID:     o.adminID,
		AdminClientSecret: o.adminPass,
		AdminPublicKey:    o.adminPublicKey,
		RateLimit:         o.rateLimit,
		Faults:            server.Faults(o.faults),
	}
	s := &Server{}
	if o.dataDir != "" {
		st, err := server.OpenBoltStore(o.dataDir)
		if err != nil {
			return nil, err
		}
		s.store, so.Store = st, st
	}
	srv, err := server.New(so)
	if err != nil {
		s.closeStore()
		return nil, err
	}
	s.srv = srv
	s.ClientID, s.ClientSecret = srv.AdminClientID(), srv.AdminClientSecret()
	s.keyed = o.adminPublicKey != ""
	if o.tls {
		s.hs = httptest.NewTLSServer(srv)
		s.Certificate = s.hs.Certificate()
		s.CertPool = x509.NewCertPool()
		s.CertPool.AddCert(s.Certificate)
		dir := ""
		if tempDir != nil {
			dir = tempDir()
		} else if dir, err = os.MkdirTemp("", "idptest-"); err != nil {
			s.Close()
			return nil, err
		}
		s.CAFile = filepath.Join(dir, "idptest-ca.pem")
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate.Raw})
		if err := os.WriteFile(s.CAFile, pemBytes, 0o600); err != nil {
			s.Close()
			return nil, err
		}
	} else {
		s.hs = httptest.NewServer(srv)
	}
	s.URL = s.hs.URL
	return s, nil
}

// Close stops the server; it may be called more than once.
func (s *Server) Close() {
	if s.hs != nil {
		s.hs.Close()
	}
	s.closeStore()
	if s.tb == nil && s.CAFile != "" {
		_ = os.RemoveAll(filepath.Dir(s.CAFile))
		s.CAFile = ""
	}
}

func (s *Server) closeStore() {
	if s.store != nil {
		_ = s.store.Close()
		s.store = nil
	}
}

// Client returns an HTTP client that trusts the server's certificate.
func (s *Server) Client() *http.Client { return s.hs.Client() }

// TenantURL is the base URL of hosted tenant name.
func (s *Server) TenantURL(name string) string { return s.URL + "/tenants/" + name }

// Env returns the IDP_* variables for the provider and, with TLS, SSL_CERT_FILE. With
// WithAdminPublicKey it has no IDP_CLIENT_SECRET: set IDP_CLIENT_ASSERTION_PRIVATE_KEY instead.
func (s *Server) Env() map[string]string {
	env := map[string]string{
		"IDP_DOMAIN":    s.URL,
		"IDP_CLIENT_ID": s.ClientID,
	}
	if !s.keyed {
		env["IDP_CLIENT_SECRET"] = s.ClientSecret
	}
	if s.CAFile != "" {
		env["SSL_CERT_FILE"] = s.CAFile
	}
	return env
}

// Reset brings the server back to its start state (the admin keeps its current secret), as POST
// /_idp/reset. With NewServer a failure fails the test (call it from its goroutine); with Start it panics.
func (s *Server) Reset() { s.check(s.srv.Reset(), "reset") }

// ResetTenant brings tenant name back to what its create left, rotated secret or keys switched to kept, as
// POST /_idp/reset/{name}.
func (s *Server) ResetTenant(name string) {
	s.check(s.srv.ResetTenant(name), fmt.Sprintf("reset of tenant %q", name))
}

func (s *Server) check(err error, what string) {
	if err == nil {
		return
	}
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Fatalf("idptest: %s: %v", what, err)
	}
	panic(errors.New("idptest: " + what + ": " + err.Error()))
}

// SetFaults replaces the injected faults and reseeds their generator.
func (s *Server) SetFaults(f Faults) { s.srv.SetFaults(server.Faults(f)) }

// SetRateLimit changes the per-tenant limit (requests per second); 0 is off.
func (s *Server) SetRateLimit(n int) { s.srv.SetRateLimit(n) }

// Requests returns how many requests the server has answered; ResetRequests zeroes it.
func (s *Server) Requests() int64 {
	var n int64
	for _, c := range s.srv.Counts() {
		n += c.N
	}
	return n
}

// ResetRequests zeroes the request counters.
func (s *Server) ResetRequests() { s.srv.ResetCounts() }
