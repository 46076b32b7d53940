package mgmt

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
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

// callKey is the context key of the per-request retry state.
type callKey struct{}

// budgetKey is the context key of the per-call retry budget.
type budgetKey struct{}

// budget is the time one call (one method of Client, with every request it
// makes: token, retries, pages, look-ups) may spend retrying. It travels in
// the context, so that nested requests share it instead of each starting a
// budget of their own.
type budget struct {
	start    time.Time
	deadline time.Time
	timeout  time.Duration
	// byContext: the caller's context deadline comes before start+timeout.
	byContext bool
}

// withBudget returns ctx with a retry budget, the one ctx already carries
// if any. The budget ends RetryTimeout after now, or at ctx's deadline if
// that comes first.
func (c *Client) withBudget(ctx context.Context) (context.Context, *budget) {
	if b, ok := ctx.Value(budgetKey{}).(*budget); ok {
		return ctx, b
	}
	now := time.Now()
	b := &budget{start: now, deadline: now.Add(c.retryTimeout), timeout: c.retryTimeout}
	if d, ok := ctx.Deadline(); ok && d.Before(b.deadline) {
		b.deadline, b.byContext = d, true
	}
	return context.WithValue(ctx, budgetKey{}, b), b
}

// describe names the budget for error messages.
func (b *budget) describe() string {
	if b.byContext {
		return "the call's deadline"
	}
	return fmt.Sprintf("the retry timeout (%s)", b.timeout)
}

// callState is the retry state of one request and its retries. It travels
// in the request's context so that the per-attempt transport sees it; the
// retryablehttp hooks of the request are its methods.
type callState struct {
	c      *Client
	b      *budget
	method string
	path   string
	// retrySent: the request may be retried after it may have reached the
	// server even though its method is not idempotent (a create whose
	// caller resolves the resulting 409, see createKeyed).
	retrySent bool

	attempt atomic.Int32 // attempts started so far (1 = the first)

	// The rest is written by the retryablehttp hooks (checkRetry, backoff,
	// readBody), which the library calls one after the other on the
	// caller's goroutine, and read by sendWith once Do has returned.

	// ambiguous: some attempt may have been executed by the server although
	// its answer was a failure (5xx, 408, a connection lost after sending).
	ambiguous bool
	// retrying, wait and giveUp are the last decision of next.
	retrying bool
	wait     time.Duration
	giveUp   string
	// lastErr is the last attempt's error as next saw it; lastFailure
	// describes that attempt's failure for a wait that is cancelled.
	lastErr     error
	lastFailure string
	// body is the final answer's body; bodyCutOff says that reading it
	// failed.
	body       []byte
	bodyCutOff bool
}

// sendOpts adjusts the retry policy of one request.
type sendOpts struct {
	// retrySent retries a POST like an idempotent request (5xx, 408 and
	// connection errors too): only for creates that converge on 409.
	retrySent bool
}

// sendInfo says what happened to one request across its attempts.
type sendInfo struct {
	attempts  int
	ambiguous bool
	// gaveUp is set when the final answer is an HTTP error that would have
	// been retried but for the budget or the count cap. Its Err is left for
	// the caller to fill with the *Error it builds from the answer.
	gaveUp *RetryError
}

func (i *sendInfo) add(o sendInfo) {
	i.attempts += o.attempts
	i.ambiguous = i.ambiguous || o.ambiguous
}

// sendTransport lets golang.org/x/oauth2 send token requests through the
// same retry policy, pacing and logging as every other call.
type sendTransport struct{ c *Client }

// tokenInfoKey is the context key under which retrieveToken collects the
// sendInfo of its token request (oauth2 gives no other way back).
type tokenInfoKey struct{}

// RoundTrip implements http.RoundTripper.
func (t sendTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("Accept", "application/json")
	// A token request changes nothing on the server but issuing a token,
	// so it is retried like a GET: after a 5xx or a lost answer too.
	resp, body, info, err := t.c.sendWith(req, sendOpts{retrySent: true})
	if holder, ok := req.Context().Value(tokenInfoKey{}).(*sendInfo); ok {
		*holder = info
	}
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

// sendWith performs one request with the retry policy (see next) and
// returns the final response with its body read (and closed). Every error
// it returns is a transport error (after retries: a *RetryError wrapping
// it); HTTP errors are left to the caller, with info.gaveUp set when
// retries were cut short. The attempts, the waits between them and
// the cancellation of a wait are go-retryablehttp's loop; the policy is ours
// and reaches the loop through its hooks (see retryClient).
func (c *Client) sendWith(req *http.Request, opts sendOpts) (*http.Response, []byte, sendInfo, error) {
	ctx, b := c.withBudget(req.Context())
	st := &callState{c: c, b: b, method: req.Method, path: req.URL.EscapedPath(), retrySent: opts.retrySent}
	ctx = context.WithValue(ctx, callKey{}, st)
	req = req.WithContext(ctx)
	req.Header.Set("User-Agent", c.userAgent)
	info := func() sendInfo { return sendInfo{attempts: int(st.attempt.Load()), ambiguous: st.ambiguous} }

	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		reqBody, err = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = nil
		if err != nil {
			return nil, nil, info(), fmt.Errorf("%s %s: reading request body: %w", st.method, st.path, err)
		}
	}
	rreq, err := retryablehttp.FromRequest(req)
	if err == nil && reqBody != nil {
		// Every attempt sends these bytes again.
		err = rreq.SetBody(reqBody)
	}
	if err != nil {
		return nil, nil, info(), fmt.Errorf("%s %s: %w", st.method, st.path, err)
	}
	rreq.SetResponseHandler(st.readBody)
	if len(reqBody) > 0 && c.logs(ctx, LevelTrace) {
		c.log.Log(ctx, LevelTrace, "HTTP request body", map[string]any{
			"method": st.method, "path": st.path,
			"body": redactBody(req.Header.Get("Content-Type"), reqBody),
		})
	}

	resp, err := c.retryClient(st).Do(rreq)
	if err != nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		if st.retrying && ctx.Err() != nil {
			// CheckRetry chose to retry, and retryablehttp returned the
			// context's error from the wait before the next attempt.
			return nil, nil, info(), fmt.Errorf("%s %s: %w (while waiting %s to retry after attempt %d failed: %s)",
				st.method, st.path, ctx.Err(), st.wait.Round(time.Millisecond), st.attempt.Load(), st.lastFailure)
		}
		if !st.retrying && st.lastErr != nil {
			// The error CheckRetry last saw (and passed through),
			// normalised as the policy saw it.
			err = st.lastErr
		} else {
			err = transportCause(ctx, err)
		}
	}
	if st.giveUp != "" {
		gave := &RetryError{Method: st.method, Path: st.path, Attempts: int(st.attempt.Load()), Elapsed: time.Since(b.start), Reason: st.giveUp}
		c.log.Log(ctx, LevelDebug, "not retrying: "+st.giveUp, map[string]any{"method": st.method, "path": st.path, "attempt": gave.Attempts})
		if err != nil {
			gave.Err = st.transportError(err)
			return nil, nil, info(), gave
		}
		in := info()
		in.gaveUp = gave
		return c.finishResponse(ctx, st, resp, st.body, in)
	}
	if err != nil {
		return nil, nil, info(), st.transportError(err)
	}
	return c.finishResponse(ctx, st, resp, st.body, info())
}

// retryClient is the go-retryablehttp client of one request: the library
// runs the attempts and the waits between them (and stops a wait when the
// context is cancelled), while every decision is the call state's:
//   - CheckRetry applies the policy (next) and records in st the wait it
//     chose, why it gave up, and whether an attempt may have executed;
//   - Backoff returns the wait that CheckRetry recorded;
//   - RetryMax is MaxRetries, or no count cap when it is 0 (next enforces
//     both the cap and the time budget before the library's count would);
//   - the ErrorHandler passes the last response or error through untouched,
//     for sendWith to turn into a *RetryError or a transport error;
//   - the library does not log: attemptTransport and next log, redacted.
//
// HTTPClient is the per-attempt client (pacer, logging, attempt count).
// retryablehttp calls its CloseIdleConnections when it gives up; that does
// nothing here, since attemptTransport does not pass it on to the pool
// shared by concurrent calls.
func (c *Client) retryClient(st *callState) *retryablehttp.Client {
	retryMax := c.maxRetries
	if retryMax == 0 {
		retryMax = math.MaxInt // the budget decides
	}
	return &retryablehttp.Client{
		HTTPClient:   c.attempts,
		Logger:       nil,
		RetryWaitMin: c.retryWaitMin,
		RetryWaitMax: c.retryWaitMax,
		RetryMax:     retryMax,
		CheckRetry:   st.checkRetry,
		Backoff:      st.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// checkRetry is the retryablehttp.CheckRetry of one request: the policy
// (next) applied to the attempt that just ended. It never returns an error,
// so that the library hands back the attempt's own response or error.
func (st *callState) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if st.bodyCutOff {
		// readBody failed: the answer was cut off, as uncertain as no
		// answer.
		resp, st.bodyCutOff = nil, false
	}
	if err != nil {
		err = transportCause(ctx, err)
	}
	st.lastErr = err
	if mayHaveExecuted(resp, err) {
		st.ambiguous = true
	}
	st.retrying, st.wait, st.giveUp = st.next(ctx, resp, err)
	switch {
	case err != nil:
		st.lastFailure = err.Error()
	case resp != nil:
		st.lastFailure = fmt.Sprintf("status %d", resp.StatusCode)
	default:
		st.lastFailure = "connection error"
	}
	return st.retrying, nil
}

// backoff is the retryablehttp.Backoff of one request: the wait checkRetry
// chose for the retry it just allowed.
func (st *callState) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return st.wait
}

// readBody is the retryablehttp.ResponseHandler of one request: it reads
// the body of the answer that checkRetry did not retry. When the body is
// cut off, the library consults checkRetry again with the error, so that an
// idempotent request is retried as after a lost connection.
func (st *callState) readBody(resp *http.Response) error {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	resp.Body.Close()
	resp.Body = http.NoBody
	st.body = body
	if err != nil {
		st.body, st.bodyCutOff = nil, true
		return fmt.Errorf("reading response: %w", err)
	}
	return nil
}

// transportCause strips the *url.Error of an attempt's error, and names the
// context's error first when the context has ended, so that errors.Is sees
// it.
func transportCause(ctx context.Context, err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (%v)", ctxErr, err)
	}
	return err
}

// finishResponse logs the final response's body and returns it.
func (c *Client) finishResponse(ctx context.Context, st *callState, resp *http.Response, body []byte, info sendInfo) (*http.Response, []byte, sendInfo, error) {
	if len(body) > 0 && c.logs(ctx, LevelTrace) {
		c.log.Log(ctx, LevelTrace, "HTTP response body", map[string]any{
			"method": st.method, "path": st.path, "status": resp.StatusCode,
			"body": redactBody(resp.Header.Get("Content-Type"), body),
		})
	}
	return resp, body, info, nil
}

// transportError names the request in a final transport error, and says
// why a failed write was not retried, so that the user knows to check
// before trying again.
func (st *callState) transportError(err error) error {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return fmt.Errorf("%s %s: %w", st.method, st.path, &hostNotFoundError{dns: dnsErr})
	}
	if !idempotent(st.method) && !st.retrySent && !errors.Is(err, context.Canceled) &&
		!errors.Is(err, context.DeadlineExceeded) && !isDialError(err) && retryableError(err) {
		return fmt.Errorf("%s %s: %w (the connection failed after the request was sent, so it was not retried: it may have taken effect)", st.method, st.path, err)
	}
	return fmt.Errorf("%s %s: %w", st.method, st.path, err)
}

// mayHaveExecuted reports whether a failed attempt may nevertheless have
// been executed by the server: a 5xx (but 501) or 408, or a connection
// that failed once the request may have been written.
func mayHaveExecuted(resp *http.Response, err error) bool {
	if err != nil {
		return retryableError(err) && !isDialError(err)
	}
	if resp == nil {
		return false
	}
	code := resp.StatusCode
	return code == http.StatusRequestTimeout || (code >= 500 && code != http.StatusNotImplemented)
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
	// The fields are only built when the logger wants DEBUG lines; the
	// attempt count and the pacer are kept up to date either way.
	var fields map[string]any
	if t.c.logs(ctx, LevelDebug) {
		fields = map[string]any{"method": req.Method, "path": req.URL.EscapedPath()}
	}
	if st, ok := ctx.Value(callKey{}).(*callState); ok {
		attempt := int(st.attempt.Add(1))
		if fields != nil {
			fields["attempt"] = attempt
		}
	}
	waitStart := time.Now()
	if err := t.c.pacer.wait(ctx); err != nil {
		return nil, fmt.Errorf("waiting for the request pacer: %w", err)
	}
	if paced := time.Since(waitStart); paced >= time.Millisecond && fields != nil {
		fields["paced_ms"] = paced.Milliseconds()
	}
	start := time.Now()
	actx, cancel := context.WithTimeout(ctx, t.c.attemptTimeout)
	resp, err := t.base.RoundTrip(req.WithContext(actx))
	if fields != nil {
		fields["duration_ms"] = time.Since(start).Milliseconds()
	}
	if err != nil {
		err = t.c.attemptError(ctx, actx, err)
		cancel()
		if fields != nil {
			fields["error"] = err.Error()
			t.c.log.Log(ctx, LevelDebug, "HTTP request failed", fields)
		}
		return nil, err
	}
	resp.Body = &attemptBody{ReadCloser: resp.Body, c: t.c, ctx: ctx, actx: actx, cancel: cancel}
	if t.c.ownsURL(req.URL) {
		if lim, rem, ok := t.c.pacer.observe(resp.StatusCode, resp.Header); ok && fields != nil {
			fields["ratelimit_limit"] = lim
			fields["ratelimit_remaining"] = rem
		}
	}
	if fields != nil {
		fields["status"] = resp.StatusCode
		t.c.log.Log(ctx, LevelDebug, "HTTP response", fields)
	}
	if err := redirectError(req, resp); err != nil {
		resp.Body.Close()
		return nil, err
	}
	return resp, nil
}

// attemptBody is the body of an attempt's answer, read under the attempt's
// timeout, which it ends when closed.
type attemptBody struct {
	io.ReadCloser
	c         *Client
	ctx, actx context.Context
	cancel    context.CancelFunc
}

func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = b.c.attemptError(b.ctx, b.actx, err)
	}
	return n, err
}

func (b *attemptBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// attemptError replaces the error of an attempt that ran out of its time
// (but not of the caller's) with a timeout that the policy treats like a
// lost connection: os.ErrDeadlineExceeded is a net.Error, where the
// context's DeadlineExceeded would read as the caller giving up.
func (c *Client) attemptError(ctx, actx context.Context, err error) error {
	if actx.Err() == nil || ctx.Err() != nil {
		return err
	}
	return fmt.Errorf("no complete answer within the attempt timeout (%s): %w", c.attemptTimeout, os.ErrDeadlineExceeded)
}

// redirectError turns a redirect into an error, here rather than in an
// http.Client's CheckRedirect, so that no client policy (Config.HTTPClient's
// included) can follow it with the request's credentials.
func redirectError(req *http.Request, resp *http.Response) error {
	loc := resp.Header.Get("Location")
	if resp.StatusCode < 300 || resp.StatusCode > 399 || loc == "" {
		return nil
	}
	e := &RedirectError{StatusCode: resp.StatusCode}
	if u, err := req.URL.Parse(loc); err == nil {
		e.Location = withoutUserInfo(u)
	}
	return e
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

// next is the retry policy, applied after each attempt (DESIGN.md,
// "Retries and pacing"):
//   - 429: any method (the server refused the request without executing
//     it), after Retry-After, else X-RateLimit-Reset, else backoff.
//   - 5xx (but 501) and 408: idempotent methods (and convergent creates)
//     only, after Retry-After if given, else jittered exponential backoff.
//   - connection errors: any method when the connection was never made
//     (dial errors: refused, DNS); idempotent methods (and convergent
//     creates) only for errors that may have happened after the request
//     was written.
//   - nothing else.
//
// Retries go on until the call's budget (RetryTimeout, or the context's
// deadline) is spent, or MaxRetries retries when that is set. No wait
// outlasts the budget: a backoff is cut to what is left, and a server that
// asks for a longer wait than what is left ends the retries at once.
// It returns whether to retry and after how long; giveUp is non-empty when
// a retryable failure is not retried, and says why.
func (st *callState) next(ctx context.Context, resp *http.Response, err error) (retry bool, wait time.Duration, giveUp string) {
	ok, wait, reason := st.decide(resp, err)
	if !ok {
		return false, 0, ""
	}
	attempt := int(st.attempt.Load())
	fields := map[string]any{"method": st.method, "path": st.path, "attempt": attempt, "reason": reason}
	if resp != nil {
		fields["status"] = resp.StatusCode
	}
	if st.c.maxRetries > 0 && attempt > st.c.maxRetries {
		return false, 0, fmt.Sprintf("the retry limit (MaxRetries %d) was reached", st.c.maxRetries)
	}
	remaining := time.Until(st.b.deadline)
	serverSaid := reason == "Retry-After" || reason == "X-RateLimit-Reset"
	if serverSaid && wait > remaining {
		// A shorter wait would only earn another refusal.
		return false, 0, fmt.Sprintf("the server asked to wait %s (%s), more than the %s left of %s",
			wait.Round(time.Millisecond), reason, max(remaining, 0).Round(time.Millisecond), st.b.describe())
	}
	if remaining <= 0 {
		return false, 0, st.b.describe() + " ran out"
	}
	wait = min(wait, remaining)
	fields["wait_ms"] = wait.Milliseconds()
	st.c.log.Log(ctx, LevelDebug, "retrying request", fields)
	return true, wait, ""
}

// decide is the pure part of the policy: whether the failure is retryable,
// after how long, and why (for the logs).
func (st *callState) decide(resp *http.Response, err error) (bool, time.Duration, string) {
	retriesSent := idempotent(st.method) || st.retrySent
	if err != nil {
		if !retryableError(err) {
			return false, 0, ""
		}
		if isDialError(err) {
			return true, st.jitteredBackoff(), "connection not established"
		}
		if retriesSent {
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
			return true, max(d, st.c.retryWaitMin), "X-RateLimit-Reset"
		}
		return true, st.jitteredBackoff(), "backoff"
	case code == http.StatusRequestTimeout, code >= 500 && code != http.StatusNotImplemented:
		if !retriesSent {
			return false, 0, ""
		}
		if d, ok := retryAfter(resp.Header, time.Now()); ok {
			return true, d, "Retry-After"
		}
		return true, st.jitteredBackoff(), "server error"
	}
	return false, 0, ""
}

// jitteredBackoff is the backoff after the current attempt.
func (st *callState) jitteredBackoff() time.Duration {
	return st.c.backoff(int(st.attempt.Load()))
}

// backoff is exponential backoff from RetryWaitMin to RetryWaitMax with
// "equal jitter": a random wait in [d/2, d], where d doubles with each
// attempt already made (attempt 1 waits about RetryWaitMin).
func (c *Client) backoff(attempt int) time.Duration {
	n := attempt - 1
	if n < 0 {
		n = 0
	}
	d := c.retryWaitMin
	for i := 0; i < n && d < c.retryWaitMax; i++ {
		d *= 2
	}
	if d > c.retryWaitMax {
		d = c.retryWaitMax
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
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		// The name does not exist; asking again will not change that.
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
