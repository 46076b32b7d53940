// Package server is idp-server as a library: a local, multi-tenant
// emulator of an Auth0-style Management API v2 and its token endpoint,
// served as an http.Handler. DESIGN.md describes its wire contract.
//
// Every route is a row of the table in routes.go; ServeHTTP (dispatch.go)
// authorizes a request before its handler runs, and a handler reaches its
// tenant's objects through a repo (repo.go), which owns the tenant's lock.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Options configures a Server. The zero value is an in-memory server with
// generated admin credentials and no rate limit or faults.
type Options struct {
	// AdminClientID is the root admin client's id, ClientIDLength letters and
	// digits as the real service issues them (ValidClientID); when empty, a durable
	// Store's from a previous start, else generated.
	AdminClientID string
	// AdminClientSecret is the root admin client's secret, at least
	// MinAdminSecretLength characters; when empty, a durable Store's for
	// the same admin client id, else generated.
	AdminClientSecret string
	// AdminPublicKey, a PEM RSA public key, makes the root admin
	// authenticate at the token endpoint with the matching private key
	// only (private_key_jwt, RS256); its secret then guards /_idp/ alone.
	AdminPublicKey string
	// PublicURL pins the root base URL; when empty it is derived from each
	// request's scheme and Host.
	PublicURL string
	// RateLimit is the requests per second (and burst) allowed per tenant;
	// 0 is no limit.
	RateLimit int
	Faults    Faults
	// Now is the clock of tokens; nil is time.Now.
	Now func() time.Time
	// Store holds the objects; nil is a fresh in-memory store. The caller
	// closes a durable one after the server's last request.
	Store Store
	// Logger receives request and panic logs; nil discards them.
	Logger *slog.Logger
	// MaxTenants caps the hosted tenants; 0 is DefaultMaxTenants.
	MaxTenants int
	// MaxObjects caps each kind of object per tenant, the seeded ones
	// included; 0 is DefaultMaxObjects.
	MaxObjects int
	// FailedLoginDelay is the longest delay of the answer to a failed
	// client authentication; 0 is none.
	FailedLoginDelay time.Duration
	// Sleep waits out such a delay; nil is a timer that ends with the
	// request.
	Sleep func(ctx context.Context, d time.Duration)
}

// MinAdminSecretLength is the shortest admin secret New accepts.
const MinAdminSecretLength = 32

// Default caps: far above what a test or `make bench` creates, low enough
// that a runaway client cannot exhaust the server's memory.
const (
	DefaultMaxTenants = 1000
	DefaultMaxObjects = 10000
)

// Faults are the failures a Server injects, drawn from one RNG seeded with
// Seed so that a sequential run is reproducible.
type Faults struct {
	// Rate429 is the fraction of requests answered 429.
	Rate429 float64
	// Rate5xx is the fraction of requests answered 503.
	Rate5xx float64
	// Latency is added to every request.
	Latency time.Duration
	// DropAfterCommit is the fraction of writes that are committed and
	// then answered by closing the connection.
	DropAfterCommit float64
	Seed            int64
}

// Count is how many requests of a tenant ("" for the root), method and
// route template ended with a status.
type Count struct {
	Tenant string `json:"tenant"`
	Method string `json:"method"`
	Route  string `json:"route"`
	Status int    `json:"status"`
	N      int64  `json:"count"`
}

// Server is the emulator, hosting the root tenant at "/" and every other
// tenant at "/tenants/{name}". Its methods are safe for concurrent use.
type Server struct {
	store      Store
	now        func() time.Time
	log        *slog.Logger
	publicURL  string // without a trailing slash; "" = derive per request
	publicPath string // path of publicURL, stripped from incoming requests
	adminID    string
	// adminSecret is what /_idp/ checks; a rotation of the admin changes it.
	adminSecret    atomic.Pointer[string]
	adminGenerated bool
	adminPublicKey string

	// mu guards tenants. Lock order: root tenant's mu, then mu, then a
	// hosted tenant's mu.
	mu      sync.RWMutex
	tenants map[string]*tenant

	maxTenants int
	maxObjects int

	rateLimit atomic.Int64
	faults    faultInjector
	counts    counters
	logins    *loginThrottle
}

// New builds a Server with its root tenant, and brings back the tenants
// opts.Store holds.
func New(opts Options) (*Server, error) {
	s := &Server{
		store:   opts.Store,
		now:     opts.Now,
		log:     opts.Logger,
		adminID: opts.AdminClientID,
		tenants: map[string]*tenant{},
	}
	if s.store == nil {
		s.store = NewMemoryStore()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if opts.RateLimit < 0 {
		return nil, errors.New("server: RateLimit must not be negative")
	}
	if opts.MaxTenants < 0 || opts.MaxObjects < 0 {
		return nil, errors.New("server: MaxTenants and MaxObjects must not be negative")
	}
	if opts.AdminClientID != "" && !ValidClientID(opts.AdminClientID) {
		return nil, fmt.Errorf("server: the admin client ID %q is not a client ID as the real service issues them: "+
			"it must be %d letters and digits (leave it empty to have one generated)", opts.AdminClientID, ClientIDLength)
	}
	if n := utf8.RuneCountInString(opts.AdminClientSecret); n > 0 && n < MinAdminSecretLength {
		return nil, fmt.Errorf("server: the admin client secret has %d characters; it needs at least %d (leave it empty to have one generated)", n, MinAdminSecretLength)
	}
	if opts.AdminPublicKey != "" {
		if _, _, err := parsePublicKeyPEM(opts.AdminPublicKey); err != nil {
			return nil, fmt.Errorf("server: the admin public key: %w", err)
		}
		s.adminPublicKey = opts.AdminPublicKey
	}
	if opts.FailedLoginDelay < 0 {
		return nil, errors.New("server: FailedLoginDelay must not be negative")
	}
	s.logins = newLoginThrottle(opts.FailedLoginDelay, opts.Sleep)
	s.maxTenants, s.maxObjects = opts.MaxTenants, opts.MaxObjects
	if s.maxTenants == 0 {
		s.maxTenants = DefaultMaxTenants
	}
	if s.maxObjects == 0 {
		s.maxObjects = DefaultMaxObjects
	}
	if opts.PublicURL != "" {
		u, err := url.Parse(opts.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("server: PublicURL %q is not an absolute http(s) URL", opts.PublicURL)
		}
		s.publicURL = strings.TrimSuffix(opts.PublicURL, "/")
		s.publicPath = strings.TrimSuffix(u.EscapedPath(), "/")
	}
	if err := validateFaults(opts.Faults); err != nil {
		return nil, err
	}
	s.rateLimit.Store(int64(opts.RateLimit))
	s.faults.set(opts.Faults)

	if err := s.resolveAdmin(opts.AdminClientSecret); err != nil {
		return nil, err
	}
	if err := s.bootstrap(); err != nil {
		return nil, err
	}
	if err := s.recordRootSeed(); err != nil {
		return nil, err
	}
	return s, nil
}

// AdminClientID returns the root admin client's id.
func (s *Server) AdminClientID() string { return s.adminID }

// AdminClientSecret returns the root admin client's current secret.
func (s *Server) AdminClientSecret() string { return *s.adminSecret.Load() }

// AdminSecretGenerated reports whether New generated the admin secret.
func (s *Server) AdminSecretGenerated() bool { return s.adminGenerated }

// SetFaults replaces the injected faults and reseeds their RNG. Fractions
// are clamped to [0,1]: callers toggle faults mid-test, with no error path.
func (s *Server) SetFaults(f Faults) { s.faults.set(f) }

// SetRateLimit changes the per-tenant rate limit; 0 turns it off. Buckets
// restart full.
func (s *Server) SetRateLimit(n int) {
	if n < 0 {
		n = 0
	}
	s.rateLimit.Store(int64(n))
}

// Counts returns the request counters, sorted by tenant, method, route and
// status.
func (s *Server) Counts() []Count { return s.counts.snapshot() }

// ResetCounts zeroes the request counters.
func (s *Server) ResetCounts() { s.counts.reset() }
