package mgmt

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// maxResponseBody bounds how much of a response is read into memory.
const maxResponseBody = 32 << 20

// callKey is the context key of the per-call retry state.
type callKey struct{}

// callState is the retry state of one call (one logical request and its
// retries). It travels in the request's context so that the retry policy,
// the backoff and the per-attempt transport all see it.
type callState struct {
	c      *Client
	method string
	path   string

	attempt atomic.Int32 // attempts started so far (1 = the first)
	// Touched only by CheckRetry and Backoff, which retryablehttp calls
	// one after the other on the caller's goroutine.
	waited   time.Duration // total wait decided so far
	nextWait time.Duration
}

// sendTransport lets golang.org/x/oauth2 send token requests through the
// same retry policy, pacing and logging as every other call.
type sendTransport struct{ c *Client }

// RoundTrip implements http.RoundTripper.
func (t sendTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("Accept", "application/json")
	resp, body, err := t.c.send(req)
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

// send performs one call through go-retryablehttp with our policy and
// returns the final response with its body read (and closed). Every error
// it returns is a transport error; HTTP errors are left to the caller.
func (c *Client) send(req *http.Request) (*http.Response, []byte, error) {
	ctx := req.Context()
	st := &callState{c: c, method: req.Method, path: req.URL.EscapedPath()}
	req = req.WithContext(context.WithValue(ctx, callKey{}, st))
	req.Header.Set("User-Agent", c.userAgent)

	rreq, err := retryablehttp.FromRequest(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", st.method, st.path, err)
	}
	if body, err := rreq.BodyBytes(); err == nil && len(body) > 0 {
		c.log.Log(ctx, LevelTrace, "HTTP request body", map[string]any{
			"method": st.method, "path": st.path,
			"body": redactBody(req.Header.Get("Content-Type"), body),
		})
	}

	rc := &retryablehttp.Client{
		HTTPClient:   c.attempts,
		Logger:       nil, // we log ourselves, through Logger, redacted
		RetryWaitMin: c.retryWaitMin,
		RetryWaitMax: c.retryWaitMax,
		RetryMax:     c.maxRetries,
		CheckRetry:   st.checkRetry,
		Backoff:      st.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	resp, err := rc.Do(rreq)
	if err != nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		if !idempotent(st.method) && ctx.Err() == nil && !isDialError(err) && retryableError(err) {
			// Say why a failed write was not retried, so that the user
			// knows to check before trying again.
			return nil, nil, fmt.Errorf("%s %s: %w (the connection failed after the request was sent, so it was not retried: it may have taken effect)", st.method, st.path, err)
		}
		return nil, nil, fmt.Errorf("%s %s: %w", st.method, st.path, err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	resp.Body.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: reading response: %w", st.method, st.path, err)
	}
	if len(body) > 0 {
		c.log.Log(ctx, LevelTrace, "HTTP response body", map[string]any{
			"method": st.method, "path": st.path, "status": resp.StatusCode,
			"body": redactBody(resp.Header.Get("Content-Type"), body),
		})
	}
	return resp, body, nil
}

// attemptTransport performs one HTTP attempt: it waits for the pacer, sends
// through the base transport, feeds the rate-limit headers back to the
// pacer, and logs the attempt. It never logs headers.
type attemptTransport struct {
	c    *Client
	base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	fields := map[string]any{"method": req.Method, "path": req.URL.EscapedPath()}
	if st, ok := ctx.Value(callKey{}).(*callState); ok {
		fields["attempt"] = int(st.attempt.Add(1))
	}
	waitStart := time.Now()
	if err := t.c.pacer.wait(ctx); err != nil {
		return nil, fmt.Errorf("waiting for the request pacer: %w", err)
	}
	if paced := time.Since(waitStart); paced >= time.Millisecond {
		fields["paced_ms"] = paced.Milliseconds()
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	fields["duration_ms"] = time.Since(start).Milliseconds()
	if err != nil {
		fields["error"] = err.Error()
		t.c.log.Log(ctx, LevelDebug, "HTTP request failed", fields)
		return nil, err
	}
	fields["status"] = resp.StatusCode
	if t.c.ownsURL(req.URL) {
		if lim, rem, ok := t.c.pacer.observe(resp.StatusCode, resp.Header); ok {
			fields["ratelimit_limit"] = lim
			fields["ratelimit_remaining"] = rem
		}
	}
	t.c.log.Log(ctx, LevelDebug, "HTTP response", fields)
	return resp, nil
}

// ownsURL reports whether u is the client's own Management API or token
// endpoint, whose rate-limit headers describe the budget this client
// spends. (A token request to another tenant's domain does not.)
func (c *Client) ownsURL(u *url.URL) bool {
	if u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		return false
	}
	return u.Path == c.base.Path+"/oauth/token" || strings.HasPrefix(u.Path, c.base.Path+"/api/v2/")
}

// idempotent reports whether a method may be retried after it may have
// reached the server.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// checkRetry is the retry policy (retryablehttp.CheckRetry):
//   - 429: any method (the server refused the request without executing
//     it), after Retry-After, else X-RateLimit-Reset, else backoff; give up
//     and return the 429 when that wait would exceed the remaining MaxWait.
//   - 5xx (but 501) and 408: idempotent methods only, after jittered
//     exponential backoff.
//   - connection errors: any method when the connection was never made
//     (dial errors: refused, DNS); idempotent methods only for errors that
//     may have happened after the request was written.
//   - nothing else, and never more than MaxRetries retries.
func (st *callState) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	retry, wait, reason := st.decide(resp, err)
	if !retry {
		return false, nil
	}
	fields := map[string]any{"method": st.method, "path": st.path, "attempt": int(st.attempt.Load()), "reason": reason}
	if resp != nil {
		fields["status"] = resp.StatusCode
	}
	if int(st.attempt.Load()) > st.c.maxRetries {
		fields["max_retries"] = st.c.maxRetries
		st.c.log.Log(ctx, LevelDebug, "not retrying: retries exhausted", fields)
		return false, nil
	}
	remaining := st.c.maxWait - st.waited
	if wait > remaining {
		if resp != nil && resp.StatusCode == http.StatusTooManyRequests && reason != "backoff" {
			// The server said how long to wait; a shorter wait would only
			// earn another 429.
			fields["wait_ms"] = wait.Milliseconds()
			fields["budget_ms"] = remaining.Milliseconds()
			st.c.log.Log(ctx, LevelDebug, "not retrying: the wait would exceed the retry budget", fields)
			return false, nil
		}
		if remaining <= 0 {
			fields["budget_ms"] = int64(0)
			st.c.log.Log(ctx, LevelDebug, "not retrying: the retry budget is spent", fields)
			return false, nil
		}
		wait = remaining
	}
	st.waited += wait
	st.nextWait = wait
	fields["wait_ms"] = wait.Milliseconds()
	st.c.log.Log(ctx, LevelDebug, "retrying request", fields)
	return true, nil
}

// backoff is the retryablehttp.Backoff: the wait checkRetry decided.
func (st *callState) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return st.nextWait
}

// decide is the pure part of the policy: whether to retry, after how long,
// and why (for the logs).
func (st *callState) decide(resp *http.Response, err error) (bool, time.Duration, string) {
	if err != nil {
		if !retryableError(err) {
			return false, 0, ""
		}
		if isDialError(err) {
			return true, st.jitteredBackoff(), "connection not established"
		}
		if idempotent(st.method) {
			return true, st.jitteredBackoff(), "connection error"
		}
		return false, 0, ""
	}
	if resp == nil {
		return false, 0, ""
	}
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests:
		if d, ok := retryAfter(resp.Header, time.Now()); ok {
			return true, d, "Retry-After"
		}
		if d, ok := rateLimitReset(resp.Header, time.Now()); ok {
			if d < st.c.retryWaitMin {
				d = st.c.retryWaitMin
			}
			return true, d, "X-RateLimit-Reset"
		}
		return true, st.jitteredBackoff(), "backoff"
	case code == http.StatusRequestTimeout, code >= 500 && code != http.StatusNotImplemented:
		if idempotent(st.method) {
			return true, st.jitteredBackoff(), "server error"
		}
	}
	return false, 0, ""
}

// jitteredBackoff is exponential backoff from RetryWaitMin to RetryWaitMax
// with "equal jitter": a random wait in [d/2, d].
func (st *callState) jitteredBackoff() time.Duration {
	n := int(st.attempt.Load()) - 1
	if n < 0 {
		n = 0
	}
	d := st.c.retryWaitMin
	for i := 0; i < n && d < st.c.retryWaitMax; i++ {
		d *= 2
	}
	if d > st.c.retryWaitMax {
		d = st.c.retryWaitMax
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(d-half+1)
}

// retryAfter parses Retry-After: delay-seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// rateLimitReset parses X-RateLimit-Reset (Unix seconds) into a wait.
func rateLimitReset(h http.Header, now time.Time) (time.Duration, bool) {
	v := h.Get("X-RateLimit-Reset")
	if v == "" {
		return 0, false
	}
	secs, err := strconv.ParseInt(v, 10, 64)
	if err != nil || secs <= 0 {
		return 0, false
	}
	d := time.Unix(secs, 0).Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

// retryableError reports whether a transport error is worth retrying at
// all: certificate problems, bad URLs and the like are not.
func retryableError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	var (
		certErr     *tls.CertificateVerificationError
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalidErr  x509.CertificateInvalidError
		recordErr   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr),
		errors.As(err, &invalidErr), errors.As(err, &recordErr):
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNREFUSED)
}

// isDialError reports whether err proves that the request never reached the
// server: the connection could not be established (refused, DNS failure,
// dial timeout).
func isDialError(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) || errors.Is(err, syscall.ECONNREFUSED)
}

// unlimited stands for "no limit" in the limiter. A large finite rate keeps
// the limiter's arithmetic away from rate.Inf's special cases when the
// limit later becomes finite.
const unlimited = rate.Limit(1e9)

// pacer is the client-side limiter shared by every call of one Client. Its
// rate is the hard cap (RequestsPerSecond) if any, lowered to what the
// server's X-RateLimit-* headers allow: the server's limit per second while
// its bucket has room, half of it when the bucket runs low, so that the
// bucket refills instead of the client bouncing off it.
type pacer struct {
	lim     *rate.Limiter
	hardCap rate.Limit // 0 = none

	mu      sync.Mutex
	current rate.Limit
}

func newPacer(rps float64) *pacer {
	p := &pacer{lim: rate.NewLimiter(unlimited, 1), current: unlimited}
	if rps > 0 {
		p.hardCap = rate.Limit(rps)
		p.set(p.hardCap)
	}
	return p
}

func (p *pacer) wait(ctx context.Context) error { return p.lim.Wait(ctx) }

// limit returns the pacer's current rate (requests per second).
func (p *pacer) limit() rate.Limit {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.current
}

func (p *pacer) set(r rate.Limit) {
	if p.hardCap > 0 && r > p.hardCap {
		r = p.hardCap
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if r == p.current {
		return
	}
	p.current = r
	// Burst 1: requests are spread evenly instead of bunched, so that the
	// server's bucket keeps whatever room it has as slack for jitter.
	p.lim.SetLimit(r)
}

// observe adapts the rate to one response's rate-limit headers. It returns
// the limit and remaining budget it read, if any.
func (p *pacer) observe(status int, h http.Header) (limit, remaining int64, ok bool) {
	limit, err := strconv.ParseInt(h.Get("X-RateLimit-Limit"), 10, 64)
	if err != nil || limit <= 0 {
		if status < 500 && status != http.StatusTooManyRequests && h.Get("X-RateLimit-Limit") == "" {
			// The server answered and announced no limit (any more).
			p.set(unlimited)
		}
		return 0, 0, false
	}
	remaining, err = strconv.ParseInt(h.Get("X-RateLimit-Remaining"), 10, 64)
	if err != nil {
		remaining = limit
	}
	target := rate.Limit(limit)
	if low := max(2, limit/10); remaining < low || status == http.StatusTooManyRequests {
		target = rate.Limit(limit) / 2
	}
	p.set(target)
	return limit, remaining, true
}
