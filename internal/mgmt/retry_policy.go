package mgmt

import (
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
	"syscall"
	"time"
)

type retryPolicy struct {
	maxRetries       int // 0: no count cap
	waitMin, waitMax time.Duration
}

type outcome struct {
	attempt int // 1 for a request's first attempt
	status  int // 0 when err is set
	header  http.Header
	err     error
	cut     bool // the end of the call's budget ended the attempt
	unsent  bool // the request never left: waiting for the pacer failed
}

// decision is the verdict on a failed attempt; giveUp says why a retryable one is not retried.
type decision struct {
	retry  bool
	wait   time.Duration
	reason string
	giveUp string
}

func (p retryPolicy) decide(method string, resend bool, o outcome, b budget, now time.Time) decision {
	wait, reason, ok := p.retryable(method, resend, o, now)
	if !ok {
		return decision{}
	}
	if p.maxRetries > 0 && o.attempt > p.maxRetries {
		return decision{giveUp: fmt.Sprintf("the retry limit (MaxRetries %d) was reached", p.maxRetries)}
	}
	left := b.deadline.Sub(now)
	if (reason == "Retry-After" || reason == "X-RateLimit-Reset") && wait > left {
		// A shorter wait would only earn another refusal.
		return decision{giveUp: fmt.Sprintf("the server asked to wait %s (%s), more than the %s left of %s",
			wait.Round(time.Millisecond), reason, max(left, 0).Round(time.Millisecond), b.describe())}
	}
	if left <= 0 {
		return decision{giveUp: b.describe() + " ran out"}
	}
	return decision{retry: true, wait: min(wait, left), reason: reason}
}

func (p retryPolicy) retryable(method string, resend bool, o outcome, now time.Time) (time.Duration, string, bool) {
	resend = resend || idempotent(method)
	if o.err != nil {
		switch {
		case !retryableError(o.err):
			return 0, "", false
		case isDialError(o.err):
			return p.backoff(o.attempt), "connection not established", true
		case resend:
			return p.backoff(o.attempt), "connection error", true
		}
		return 0, "", false
	}
	switch code := o.status; {
	case code == http.StatusTooManyRequests:
		if d, ok := retryAfter(o.header, now); ok {
			return d, "Retry-After", true
		}
		if d, ok := rateLimitReset(o.header, now); ok {
			return max(d, p.waitMin), "X-RateLimit-Reset", true
		}
		return p.backoff(o.attempt), "backoff", true
	case code == http.StatusRequestTimeout, code >= 500 && code != http.StatusNotImplemented:
		if !resend {
			return 0, "", false
		}
		if d, ok := retryAfter(o.header, now); ok {
			return d, "Retry-After", true
		}
		return p.backoff(o.attempt), "server error", true
	}
	return 0, "", false
}

// backoff is a random wait in [d/2, d], d doubling per attempt from waitMin to waitMax.
func (p retryPolicy) backoff(attempt int) time.Duration {
	d := p.waitMin
	for i := 1; i < attempt && d < p.waitMax; i++ {
		d *= 2
	}
	d = min(d, p.waitMax)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(d-half+1)
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

func mayHaveExecuted(o outcome) bool {
	if o.err != nil {
		return retryableError(o.err) && !isDialError(o.err)
	}
	return o.status == http.StatusRequestTimeout || (o.status >= 500 && o.status != http.StatusNotImplemented)
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
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// rateLimitReset parses X-RateLimit-Reset (Unix seconds) into a wait.
func rateLimitReset(h http.Header, now time.Time) (time.Duration, bool) {
	secs, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil || secs <= 0 {
		return 0, false
	}
	return max(time.Unix(secs, 0).Sub(now), 0), true
}

// retryableError reports whether a transport error is worth retrying (bad certificates are not).
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
		return false // asking again will not make the name exist
	}
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNREFUSED)
}

// isDialError reports whether err proves that the request never left.
func isDialError(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) || errors.Is(err, syscall.ECONNREFUSED)
}
