// Package idptest runs idp-server, the local emulator of an Auth0-style
// Management API v2 and its token endpoint, inside a Go test, the way
// net/http/httptest runs an http.Handler:
//
//	func TestMyModule(t *testing.T) {
//		srv := idptest.NewServer(t)
//		// srv.URL, srv.ClientID and srv.ClientSecret reach the root
//		// tenant's admin client; srv.Env() is the same as IDP_* variables
//		// for the provider or a Terratest run.
//	}
//
// The server listens on a free loopback port and stops when the test ends.
// Unlike the idp-server command, it answers a failed login at once, so that
// tests of wrong credentials stay fast.
// Its wire contract (tenants at <URL>/tenants/<name>, the routes, errors,
// rate limits and faults) is the one docs/guides/idp-server.md and DESIGN.md
// describe for the idp-server command. Everything but this package stays
// internal to the repository.
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
	// URL is the root tenant's base URL, without a trailing slash, e.g.
	// http://127.0.0.1:41234. The provider's domain takes it as it is.
	URL string
	// ClientID and ClientSecret are the root admin client's credentials at
	// start; it holds every management scope, tenants included. A rotation
	// of its secret over the API replaces ClientSecret on the server, for
	// tokens, resets and restarts alike.
	ClientID     string
	ClientSecret string
	// Certificate is the server's certificate with WithTLS, else nil.
	// CertPool trusts it (nil without TLS) and CAFile holds it as PEM, for
	// SSL_CERT_FILE.
	Certificate *x509.Certificate
	CertPool    *x509.CertPool
	CAFile      string

	srv   *server.Server
	hs    *httptest.Server
	store *server.BoltStore
	tb    testing.TB
}

// Faults are failures the server injects, to test a client's retries; see
// docs/guides/idp-server.md. All zero is off.
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
	dataDir            string
}

// WithTLS serves HTTPS with a self-signed certificate for 127.0.0.1 (see
// Server.Certificate, CertPool, CAFile and Client).
func WithTLS() Option { return func(o *options) { o.tls = true } }

// WithRateLimit allows n requests per second per tenant (burst n).
func WithRateLimit(n int) Option { return func(o *options) { o.rateLimit = n } }

// WithFaults injects failures from the start; Server.SetFaults changes them.
func WithFaults(f Faults) Option { return func(o *options) { o.faults = f } }

// WithAdminCredentials fixes the root admin client's id and secret instead
// of generating them.
func WithAdminCredentials(clientID, clientSecret string) Option {
	return func(o *options) { o.adminID, o.adminPass = clientID, clientSecret }
}

// WithDataDir keeps the server's data in dir, as idp-server -data-dir does,
// so that a later server on the same dir finds it; only one server may use
// a dir at a time.
func WithDataDir(dir string) Option { return func(o *options) { o.dataDir = dir } }

// NewServer starts a server for the test and stops it when the test ends
// (t.Cleanup). It fails the test if the server cannot start.
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

// Start starts a server outside a test (an example, a TestMain shared by a
// package's tests); the caller closes it.
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

// Close stops the server; NewServer's cleanup calls it. It may be called
// more than once.
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

// Env returns the environment the idp-server command prints, for the
// provider (IDP_DOMAIN, IDP_CLIENT_ID, IDP_CLIENT_SECRET) and, with TLS,
// SSL_CERT_FILE naming a file that trusts the server.
func (s *Server) Env() map[string]string {
	env := map[string]string{
		"IDP_DOMAIN":        s.URL,
		"IDP_CLIENT_ID":     s.ClientID,
		"IDP_CLIENT_SECRET": s.ClientSecret,
	}
	if s.CAFile != "" {
		env["SSL_CERT_FILE"] = s.CAFile
	}
	return env
}

// Reset brings the server back to its start state, as POST /_idp/reset: all
// hosted tenants gone, the root tenant's objects as they were at start and
// its admin client with its current secret, request counters zero. With NewServer a failure fails the
// test (call it from the test's goroutine); with Start it panics.
func (s *Server) Reset() { s.check(s.srv.Reset(), "reset") }

// ResetTenant brings hosted tenant name back to what its create left, its
// management client included (with the secret it was last rotated to, if
// any), as POST /_idp/reset/{name}.
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

// Requests returns how many requests the server has answered in total, for
// tests that assert a client's request count; ResetRequests zeroes it.
func (s *Server) Requests() int64 {
	var n int64
	for _, c := range s.srv.Counts() {
		n += c.N
	}
	return n
}

// ResetRequests zeroes the request counters.
func (s *Server) ResetRequests() { s.srv.ResetCounts() }
