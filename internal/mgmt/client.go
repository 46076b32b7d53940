package mgmt

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/go-cleanhttp"
)

// Defaults applied by New to the zero values of Config.
const (
	DefaultRetryTimeout   = 60 * time.Second
	DefaultAttemptTimeout = 30 * time.Second
	DefaultMinRetryWait   = 250 * time.Millisecond
	DefaultMaxRetryWait   = 10 * time.Second
	DefaultUserAgent      = "terraform-provider-idp-mgmt"
)

// Config configures a Client; Domain and one kind of credentials are required.
type Config struct {
	// Domain is host[:port] (https assumed) or http(s)://host[:port][/path].
	Domain string
	// ClientID and ClientSecret are client credentials.
	ClientID     string
	ClientSecret string
	// ClientAssertionKey replaces ClientSecret: the client signs a JWT with it (private_key_jwt).
	ClientAssertionKey *rsa.PrivateKey
	// ClientAssertionAlg is RS256 (when empty), RS384 or PS256.
	ClientAssertionAlg string
	// APIToken is the alternative to client credentials: a static bearer token.
	APIToken string
	// Audience of the Management API tokens; default <base>/api/v2/.
	Audience string
	// RetryTimeout budgets one Client method call with all its requests; 0 means DefaultRetryTimeout.
	RetryTimeout time.Duration
	// AttemptTimeout bounds one attempt, body included; 0 means DefaultAttemptTimeout.
	AttemptTimeout time.Duration
	// MaxRetries optionally caps the retries of one request; 0 means none.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff, not a server's wait; 0 means the default.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// RequestsPerSecond optionally caps the adaptive pacing; 0 = none.
	RequestsPerSecond float64
	UserAgent         string
	// HTTPClient lends its transport, timeout and jar, never its redirect policy; nil = cleanhttp.
	HTTPClient *http.Client
	// Logger receives the client's log lines; nil = discard.
	Logger Logger
	// AdoptLeftovers marks creates so that a later run recomputes the marker, and adopts
	// what an interrupted run of the same configuration created (leftovers.go). It costs
	// one list of the clients per Client, at its first client create.
	AdoptLeftovers bool
	// AdoptIdentical adopts any API, grant or connection a create meets that is exactly what it
	// sends, unclaimed: the caller vouches that they are an interrupted run's. Never a tenant.
	AdoptIdentical bool
}

// Client is a Management API v2 client, safe for concurrent use.
type Client struct {
	base     *url.URL
	baseStr  string
	audience string
	apiToken *bearer     // a static APIToken; nil with client credentials
	tokens   *tokenCache // nil with a static API token

	clientID     string
	clientSecret string
	assertion    *assertionSigner

	policy         retryPolicy
	retryTimeout   time.Duration
	attemptTimeout time.Duration
	userAgent      string
	log            Logger

	pacer *pacer
	// claims are what this client created or adopted (leftovers.go).
	claims         runClaims
	adoptLeftovers bool
	adoptIdentical bool
	// http sends single attempts; it never follows a redirect.
	http *http.Client

	// Page sizes and list caps: fields, so that tests can make them small.
	pageSize, clientsTake int
	maxPages, maxObjects  int
}

// ParseDomain validates a domain and returns its base URL without a trailing
// slash. Its errors do not quote the domain, so that callers can phrase them.
func ParseDomain(domain string) (*url.URL, error) {
	if domain == "" {
		return nil, errors.New("it is empty")
	}
	// First, so that no other check quotes a part of it.
	if _, _, ok := userInfo(domain); ok {
		return nil, errors.New("it must not contain user info (credentials are configured separately)")
	}
	if strings.IndexFunc(domain, unicode.IsSpace) >= 0 {
		return nil, errors.New("it contains whitespace")
	}
	raw := domain
	if i := strings.Index(domain, "://"); i >= 0 {
		scheme := strings.ToLower(domain[:i])
		if scheme != "http" && scheme != "https" {
			return nil, fmt.Errorf("scheme %q is not supported: use http or https", domain[:i])
		}
	} else {
		raw = "https://" + domain
	}
	u, err := url.Parse(raw)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return nil, fmt.Errorf("it is not a valid URL: %v", err)
	}
	switch {
	case u.Opaque != "":
		return nil, errors.New("it is not a valid URL")
	case u.RawQuery != "" || u.ForceQuery:
		return nil, errors.New("it must not contain a query")
	case u.Fragment != "" || strings.Contains(domain, "#"):
		return nil, errors.New("it must not contain a fragment")
	case u.Hostname() == "":
		return nil, errors.New("it has no host")
	}
	if strings.HasSuffix(u.Host, ":") {
		return nil, errors.New("it has an empty port")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("it has an invalid port %q", p)
		}
	}
	if strings.ContainsAny(u.Hostname(), "/\\@") || (strings.Contains(u.Hostname(), ":") && net.ParseIP(u.Hostname()) == nil) {
		return nil, errors.New("it has an invalid host")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	if u.RawPath != "" {
		// Keep RawPath only while it still encodes Path (url.URL's rule).
		if p, err := url.PathUnescape(u.RawPath); err != nil || p != u.Path {
			u.RawPath = ""
		}
	}
	return u, nil
}

// RedactDomain replaces any user info in domain, even one that does not parse, by "REDACTED".
func RedactDomain(domain string) string {
	start, end, ok := userInfo(domain)
	if !ok {
		return domain
	}
	return domain[:start] + "REDACTED" + domain[end:]
}

// userInfo locates a raw domain's user info, [start, end), where url.Parse would.
func userInfo(domain string) (start, end int, ok bool) {
	if i := strings.Index(domain, "://"); i >= 0 {
		start = i + len("://")
	}
	authority := domain[start:]
	if j := strings.IndexAny(authority, "/?#"); j >= 0 {
		authority = authority[:j]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return 0, 0, false
	}
	return start, start + at, true
}

// New validates cfg and returns a Client, without network I/O.
func New(cfg Config) (*Client, error) {
	base, err := ParseDomain(cfg.Domain)
	if err != nil {
		return nil, fmt.Errorf("invalid domain %q: %w", RedactDomain(cfg.Domain), err)
	}
	hasKey := cfg.ClientAssertionKey != nil
	hasClient := cfg.ClientID != "" || cfg.ClientSecret != "" || hasKey
	switch {
	case cfg.APIToken != "" && hasClient:
		return nil, errors.New("both an API token and client credentials are configured: use one or the other")
	case cfg.APIToken == "" && !hasClient:
		return nil, errors.New("no credentials: configure an API token, or a client ID and client secret or client assertion key")
	case cfg.ClientSecret != "" && hasKey:
		return nil, errors.New("both a client secret and a client assertion key are configured: use one or the other")
	case hasClient && cfg.ClientID == "":
		return nil, errors.New("a client secret or client assertion key is configured without a client ID")
	case hasClient && cfg.ClientSecret == "" && !hasKey:
		return nil, errors.New("a client ID is configured without a client secret or client assertion key")
	case !hasKey && cfg.ClientAssertionAlg != "":
		return nil, errors.New("a client assertion signing algorithm is configured without a client assertion key")
	}
	switch {
	case cfg.MaxRetries < 0:
		return nil, fmt.Errorf("max retries must not be negative (got %d)", cfg.MaxRetries)
	case cfg.RetryTimeout < 0, cfg.AttemptTimeout < 0, cfg.RetryWaitMin < 0, cfg.RetryWaitMax < 0:
		return nil, errors.New("wait durations must not be negative")
	case cfg.RequestsPerSecond < 0:
		return nil, fmt.Errorf("requests per second must not be negative (got %g)", cfg.RequestsPerSecond)
	}
	if cfg.Audience != "" {
		if u, err := url.Parse(cfg.Audience); err != nil || !u.IsAbs() {
			return nil, fmt.Errorf("audience %q is not an absolute URI", cfg.Audience)
		}
	}

	c := &Client{
		base:         base,
		baseStr:      base.String(),
		clientID:     cfg.ClientID,
		clientSecret: cfg.ClientSecret,
		policy: retryPolicy{
			maxRetries: cfg.MaxRetries,
			waitMin:    orDefault(cfg.RetryWaitMin, DefaultMinRetryWait),
			waitMax:    orDefault(cfg.RetryWaitMax, DefaultMaxRetryWait),
		},
		retryTimeout:   orDefault(cfg.RetryTimeout, DefaultRetryTimeout),
		attemptTimeout: orDefault(cfg.AttemptTimeout, DefaultAttemptTimeout),
		userAgent:      cfg.UserAgent,
		log:            cfg.Logger,
		pacer:          newPacer(cfg.RequestsPerSecond),
		pageSize:       100,
		clientsTake:    maxClientsTake,
		maxPages:       maxListPages,
		maxObjects:     maxListObjects,
		adoptLeftovers: cfg.AdoptLeftovers,
		adoptIdentical: cfg.AdoptIdentical,
	}
	if c.policy.waitMax < c.policy.waitMin {
		return nil, fmt.Errorf("retry wait max (%s) is below retry wait min (%s)", c.policy.waitMax, c.policy.waitMin)
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if c.log == nil {
		c.log = discardLogger{}
	} else if le, ok := c.log.(LevelEnabler); ok {
		c.log = levelFilter{Logger: c.log, enabled: le}
	}
	c.audience = cfg.Audience
	if c.audience == "" {
		c.audience = c.baseStr + "/api/v2/"
	}

	baseHTTP := cfg.HTTPClient
	if baseHTTP == nil {
		baseHTTP = cleanhttp.DefaultPooledClient()
		// cleanhttp keeps GOMAXPROCS+1 idle connections per host, fewer than Terraform's
		// ten parallel operations: most requests would open a new connection.
		if t, ok := baseHTTP.Transport.(*http.Transport); ok {
			t.MaxIdleConnsPerHost = maxIdleConnsPerHost
		}
	}
	baseTransport := baseHTTP.Transport
	if baseTransport == nil {
		baseTransport = http.DefaultTransport
	}
	c.http = &http.Client{
		Transport:     baseTransport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Jar:           baseHTTP.Jar,
		Timeout:       baseHTTP.Timeout,
	}
	if hasKey {
		if c.assertion, err = newAssertionSigner(cfg.ClientID, cfg.ClientAssertionKey, cfg.ClientAssertionAlg); err != nil {
			return nil, err
		}
	}
	if cfg.APIToken != "" {
		c.apiToken = &bearer{header: "Bearer " + cfg.APIToken}
	} else {
		c.tokens = newTokenCache(c, tokenRequest{url: tokenURL(base), issuer: endpointsAt(c.baseStr).Issuer, clientID: cfg.ClientID,
			clientSecret: cfg.ClientSecret, assertion: c.assertion, audience: c.audience})
	}
	return c, nil
}

const maxIdleConnsPerHost = 32

func withoutUserInfo(u *url.URL) string {
	c := *u
	c.User = nil
	return c.String()
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// BaseURL returns the client's base URL, without a trailing slash.
func (c *Client) BaseURL() string { return c.baseStr }

// Audience returns the audience of the client's Management API tokens.
func (c *Client) Audience() string { return c.audience }

// endpoint escapes each segment as one: an identifier "https://api.example.com/x" stays one.
func (c *Client) endpoint(prefix string, segments ...string) *url.URL {
	u := *c.base
	escaped := u.EscapedPath() + "/" + strings.Trim(prefix, "/")
	for _, s := range segments {
		escaped += "/" + url.PathEscape(s)
	}
	path, err := url.PathUnescape(escaped)
	if err != nil {
		// Unreachable: the base path is valid and PathEscape output decodes.
		path = escaped
	}
	u.Path, u.RawPath = path, escaped
	u.RawQuery, u.Fragment = "", ""
	return &u
}

func (c *Client) do(ctx context.Context, b budget, method string, u *url.URL, in, out any) error {
	_, err := c.doWith(ctx, b, request{method: method, url: u}, in, out)
	return err
}

func (c *Client) doWith(ctx context.Context, b budget, r request, in, out any) (sendInfo, error) {
	if in != nil {
		body, err := json.Marshal(in)
		if err != nil {
			return sendInfo{}, fmt.Errorf("%s %s: encoding request: %w", r.method, r.url.EscapedPath(), err)
		}
		r.body, r.contentType = body, "application/json"
	}
	r.bearer = true
	body, info, err := c.send(ctx, b, r)
	if err != nil {
		return info, err
	}
	if out != nil && len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, out); err != nil {
			return info, fmt.Errorf("%s %s: decoding response: %w", r.method, r.url.EscapedPath(), err)
		}
	}
	return info, nil
}

// listAll returns every object of a paged list; key names its array.
func listAll[T any](ctx context.Context, c *Client, b budget, u *url.URL, key string, query url.Values) ([]*T, error) {
	var all []*T
	for page := 0; ; page++ {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(page))
		q.Set("per_page", strconv.Itoa(c.pageSize))
		q.Set("include_totals", "true")
		pu := *u
		pu.RawQuery = q.Encode()

		var raw map[string]json.RawMessage
		if err := c.do(ctx, b, http.MethodGet, &pu, nil, &raw); err != nil {
			return nil, err
		}
		var items []*T
		if r, ok := raw[key]; ok {
			if err := json.Unmarshal(r, &items); err != nil {
				return nil, fmt.Errorf("GET %s: decoding %s: %w", u.EscapedPath(), key, err)
			}
		}
		total := -1
		if r, ok := raw["total"]; ok {
			if err := json.Unmarshal(r, &total); err != nil {
				total = -1
			}
		}
		all = append(all, items...)
		if len(items) == 0 || len(items) < c.pageSize || (total >= 0 && len(all) >= total) {
			return all, nil
		}
		if err := c.listCapError(u, page+1, len(all)); err != nil {
			return nil, err
		}
	}
}

// Far above any tenant, so that a list that never ends fails rather than fill memory.
const (
	maxListPages   = 1000
	maxListObjects = 100_000
)

func (c *Client) listCapError(u *url.URL, pages, objects int) error {
	if pages < c.maxPages && objects < c.maxObjects {
		return nil
	}
	return fmt.Errorf("GET %s: the list goes on after %d pages and %d objects, and a call reads at most %d pages "+
		"or %d objects, far more than a tenant holds; the server may be repeating pages", u.EscapedPath(),
		pages, objects, c.maxPages, c.maxObjects)
}
