package mgmt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

const maxResponseBody = 32 << 20 // the most of an answer read into memory

// attempt sends r once and logs it, never its headers.
func (c *Client) attempt(ctx context.Context, b budget, r request, tok *bearer, n int) (outcome, []byte) {
	o := outcome{attempt: n}
	var fields map[string]any
	if c.logs(ctx, LevelDebug) {
		fields = map[string]any{"method": r.method, "path": r.url.EscapedPath(), "attempt": n}
	}
	waitStart := time.Now()
	if err := c.pacer.wait(ctx); err != nil {
		o.err, o.unsent = transportCause(ctx, fmt.Errorf("waiting for the request pacer: %w", err)), true
		return o, nil
	}
	if paced := time.Since(waitStart); paced >= time.Millisecond && fields != nil {
		fields["paced_ms"] = paced.Milliseconds()
	}

	// No attempt outlives the budget (a context deadline that ends it already bounds it).
	timeout, cut := c.attemptTimeout, false
	if left := time.Until(b.deadline); !b.byContext && left < timeout {
		timeout, cut = left, true
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var reqBody io.Reader
	if r.body != nil {
		reqBody = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(actx, r.method, r.url.String(), reqBody)
	if err != nil {
		o.err = err
		return o, nil
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if tok != nil {
		req.Header.Set("Authorization", tok.header)
	}

	start := time.Now()
	var body []byte
	resp, err := c.http.Do(req)
	if err == nil {
		o.status, o.header = resp.StatusCode, resp.Header
		if fields != nil {
			fields["status"] = resp.StatusCode
		}
		if c.ownsURL(r.url) {
			if lim, rem, ok := c.pacer.observe(resp.StatusCode, resp.Header); ok && fields != nil {
				fields["ratelimit_limit"], fields["ratelimit_remaining"] = lim, rem
			}
		}
		if err = redirectError(req, resp); err == nil {
			body, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
			if err != nil {
				err = fmt.Errorf("reading the answer: %w", err)
			}
		}
		resp.Body.Close()
	}
	if err != nil {
		// A cut-off answer is as uncertain as none.
		o.status, o.header, body = 0, nil, nil
		o.err = transportCause(ctx, err)
		if actx.Err() != nil && ctx.Err() == nil {
			// os.ErrDeadlineExceeded is a net.Error, retried like a lost connection;
			// the context's DeadlineExceeded would read as the caller giving up.
			o.err = fmt.Errorf("no complete answer within the attempt timeout (%s): %w", c.attemptTimeout, os.ErrDeadlineExceeded)
			if cut {
				o.err = fmt.Errorf("no complete answer before %s ran out: %w", b.describe(), os.ErrDeadlineExceeded)
				o.cut = true
			}
		}
	}
	if fields != nil {
		fields["duration_ms"] = time.Since(start).Milliseconds()
		if o.err != nil {
			fields["error"] = o.err.Error()
			c.log.Log(ctx, LevelDebug, "HTTP request failed", fields)
		} else {
			c.log.Log(ctx, LevelDebug, "HTTP response", fields)
		}
	}
	return o, body
}

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

func transportError(r request, err error) error {
	path := r.url.EscapedPath()
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return fmt.Errorf("%s %s: %w", r.method, path, &hostNotFoundError{dns: dnsErr})
	}
	if !idempotent(r.method) && !r.resend && !errors.Is(err, context.Canceled) &&
		!errors.Is(err, context.DeadlineExceeded) && !isDialError(err) && retryableError(err) {
		return fmt.Errorf("%s %s: %w (the connection failed after the request was sent, so it was not retried: it may have taken effect)", r.method, path, err)
	}
	return fmt.Errorf("%s %s: %w", r.method, path, err)
}

// redirectError turns a redirect into an error, whatever Config.HTTPClient's policy.
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

// ownsURL: another tenant's token endpoint's rate-limit headers do not describe this client's budget.
func (c *Client) ownsURL(u *url.URL) bool {
	if u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		return false
	}
	return u.Path == c.base.Path+"/oauth/token" || strings.HasPrefix(u.Path, c.base.Path+"/api/v2/")
}
