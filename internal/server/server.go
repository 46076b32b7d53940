// Package server is a local, multi-tenant emulator of an Auth0-style
// Management API v2 and its OAuth 2.0 token endpoint. It exists so that the
// provider's acceptance tests, benchmarks and users can exercise the real
// wire format offline; it is an http.Handler so tests mount it with httptest.
//
// Fidelity to the real wire format is checked with the official Auth0 Go
// SDK (see goauth0_compat_test.go). Besides the properties it acts on, the
// server accepts the other well-known properties of each object (callbacks,
// jwt_configuration, token_dialect, ...), checks their types, stores them
// and returns them (props.go); it refuses truly unknown ones. Every tenant
// also has its settings (GET/PATCH /api/v2/tenants/settings,
// tenant_settings.go). Reads honour fields/include_fields, and lists take
// page/per_page/include_totals or the checkpoint form from/take
// (pagination.go).
//
// Every route, with its scope, is one row of the route table (routes.go);
// the dispatcher (ServeHTTP) authorizes a request before its handler runs.
// A handler deals with its request (request.go) and reaches the tenant's
// objects through a repo (repo.go), which owns the tenant's lock; the GET,
// PATCH and DELETE shapes the object endpoints share are in objects.go.
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

// Options configures a Server. The zero value is a usable, in-memory server
// with generated admin credentials and no rate limit or faults.
type Options struct {
	// AdminClientID is the root admin client's id; when empty, the one a
	// durable Store holds from a previous start, else generated (32
	// alphanumerics).
	AdminClientID string
	// AdminClientSecret is the root admin client's secret, at least
	// MinAdminSecretLength characters; when empty, the one a durable Store
	// holds for the same admin client id, else generated (64 characters of
	// [A-Za-z0-9_-]).
	AdminClientSecret string
	// PublicURL pins the root base URL (e.g. "https://idp.example:8443");
	// when empty the base URL is derived from each request's scheme and Host.
	PublicURL string
	// RateLimit is the number of requests per second allowed per tenant
	// (burst = RateLimit); 0 turns rate limiting off.
	RateLimit int
	// Faults injects errors, latency and dropped connections; all zero is off.
	Faults Faults
	// Now is the clock for token iat/exp and verification; nil = time.Now.
	Now func() time.Time
	// Store holds the objects; nil = a fresh in-memory store. A durable
	// one (BoltStore) keeps tenants, objects, secrets and signing keys
	// across restarts; the caller closes it after the server's last request.
	Store Store
	// Logger receives request and panic logs; nil discards them.
	Logger *slog.Logger
	// MaxTenants caps the hosted tenants (the root tenant aside); a create
	// past it is refused with 403 too_many_entities. 0 = DefaultMaxTenants.
	MaxTenants int
	// MaxObjects caps, per tenant, each of the resource servers, clients
	// and client grants, the seeded ones (the Management API, its clients
	// and their grants) included. 0 = DefaultMaxObjects.
	MaxObjects int
	// FailedLoginDelay slows down the guessing of client secrets: a failed
	// client authentication (on a token endpoint, or the admin credentials
	// of /_idp/) is answered after a delay that grows with each further
	// failure of that client id from that address up to FailedLoginDelay,
	// and a success clears it (throttle.go). 0, as tests want it, is no
	// delay; the idp-server command uses DefaultFailedLoginDelay.
	FailedLoginDelay time.Duration
	// Sleep waits out such a delay; nil = a timer that ends early when the
	// request is cancelled. Tests inject one to see the delays.
	Sleep func(ctx context.Context, d time.Duration)
}

// MinAdminSecretLength is the shortest admin secret New accepts. The admin
// may create tenants and reset the server, and the server may listen
// beyond the loopback; a generated secret has 64 characters, as the real
// service's have.
const MinAdminSecretLength = 32

// Default caps: far above what a test or `make bench` creates, low enough
// that a runaway client cannot exhaust the server's memory.
const (
	DefaultMaxTenants = 1000
	DefaultMaxObjects = 10000
)

// Faults describes the failures a Server injects so that clients' retry and
// pacing logic can be tested. Draws come from one RNG seeded with Seed, so a
// sequential run is reproducible.
type Faults struct {
	// Rate429 is the fraction [0,1] of requests answered 429
	// too_many_requests (with Retry-After: 1).
	Rate429 float64
	// Rate5xx is the fraction answered 503 with errorCode
	// "temporarily_unavailable".
	Rate5xx float64
	// Latency is added to every request.
	Latency time.Duration
	// DropAfterCommit is the fraction of POST/PATCH/DELETE requests that are
	// executed (committed) and then answered by closing the connection with
	// no response, the case a client must not blindly retry.
	DropAfterCommit float64
	// Seed seeds the fault RNG.
	Seed int64
}

// Count is one request counter: how many requests of a tenant, method and
// route template ended with a status.
type Count struct {
	Tenant string `json:"tenant"` // "" for the root tenant
	Method string `json:"method"`
	Route  string `json:"route"` // route template, e.g. "/api/v2/clients/{id}"
	Status int    `json:"status"`
	N      int64  `json:"count"`
}

// Server is the Management API emulator. It is an http.Handler hosting the
// root tenant at "/" and every other tenant at "/tenants/{name}". All its
// methods are safe for concurrent use.
type Server struct {
	store      Store
	now        func() time.Time
	log        *slog.Logger
	publicURL  string // without a trailing slash; "" = derive per request
	publicPath string // path of publicURL, stripped from incoming requests
	adminID    string
	// adminSecret is the root admin client's current secret, which the
	// server's endpoints check; a rotation of the admin changes it.
	adminSecret atomic.Pointer[string]
	// adminGenerated says New generated the admin secret.
	adminGenerated bool

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

// New builds a Server: it bootstraps the root tenant (signing key, Management
// API, admin client and its grant) and, when opts.Store already holds
// tenants, brings them back.
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
	if n := utf8.RuneCountInString(opts.AdminClientSecret); n > 0 && n < MinAdminSecretLength {
		return nil, fmt.Errorf("server: the admin client secret has %d characters; it needs at least %d (leave it empty to have one generated)", n, MinAdminSecretLength)
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

	// Admin credentials not configured come from a durable store's seed,
	// else are generated (reset.go).
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

// AdminClientSecret returns the root admin client's current secret: the
// one it started with, or the one it was last rotated to.
func (s *Server) AdminClientSecret() string { return *s.adminSecret.Load() }

// AdminSecretGenerated reports whether New generated the admin secret:
// none was given, and the store held none for this admin client.
func (s *Server) AdminSecretGenerated() bool { return s.adminGenerated }

// SetFaults replaces the injected faults and reseeds their RNG. Invalid
// fractions are clamped to [0,1] because callers toggle faults mid-test and
// have no error path there.
func (s *Server) SetFaults(f Faults) { s.faults.set(f) }

// SetRateLimit changes the per-tenant rate limit (requests per second, burst
// the same); 0 turns it off. Buckets restart full.
func (s *Server) SetRateLimit(n int) {
	if n < 0 {
		n = 0
	}
	s.rateLimit.Store(int64(n))
}

// Counts returns a snapshot of the request counters, sorted by tenant,
// method, route and status.
func (s *Server) Counts() []Count { return s.counts.snapshot() }

// ResetCounts zeroes the request counters.
func (s *Server) ResetCounts() { s.counts.reset() }
