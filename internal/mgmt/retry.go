package mgmt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// budget is the time one Client method call may take, all its requests included.
type budget struct {
	start, deadline time.Time
	timeout         time.Duration
	byContext       bool // the context's deadline comes first
}

func (c *Client) newBudget(ctx context.Context) budget {
	now := time.Now()
	b := budget{start: now, deadline: now.Add(c.retryTimeout), timeout: c.retryTimeout}
	if d, ok := ctx.Deadline(); ok && d.Before(b.deadline) {
		b.deadline, b.byContext = d, true
	}
	return b
}

func (b budget) describe() string {
	if b.byContext {
		return "the call's deadline"
	}
	return fmt.Sprintf("the retry timeout (%s)", b.timeout)
}

type request struct {
	method string
	url    *url.URL
	body   []byte
	// makeBody, when set, makes body anew for each attempt.
	makeBody    func() ([]byte, error)
	contentType string
	bearer      bool // carry the client's Management API token
	// resend: as if idempotent (token requests, convergent creates).
	resend bool
	// recover finds what a possibly executed attempt did, before a resend; done ends the loop.
	recover func(ctx context.Context, b budget, failure error) (done bool, err error)
}

type sendInfo struct {
	attempts  int
	ambiguous bool // some failed attempt may have been executed
}

// send is the retry loop every request goes through; a stopped retry is a *RetryError.
func (c *Client) send(ctx context.Context, b budget, r request) ([]byte, sendInfo, error) {
	var info sendInfo
	path := r.url.EscapedPath()
	if r.makeBody != nil {
		var err error
		if r.body, err = r.makeBody(); err != nil {
			return nil, info, err
		}
	}
	if len(r.body) > 0 && c.logs(ctx, LevelTrace) {
		c.log.Log(ctx, LevelTrace, "HTTP request body", map[string]any{
			"method": r.method, "path": path, "body": redactBody(r.contentType, r.body),
		})
	}
	giveUp := func(reason string, last error) error {
		c.log.Log(ctx, LevelDebug, "not retrying: "+reason, map[string]any{"method": r.method, "path": path, "attempt": info.attempts})
		return &RetryError{Method: r.method, Path: path, Attempts: info.attempts, Elapsed: time.Since(b.start), Reason: reason, Err: last}
	}
	var failure error // the last attempt's
	var took time.Duration
	refreshed, unrecovered := false, false
	for {
		if failure != nil && time.Until(b.deadline) < took {
			// An attempt cut short by the budget would say less than the last failure.
			return nil, info, giveUp(b.describe()+" ran out", failure)
		}
		info.attempts++
		if r.makeBody != nil && info.attempts > 1 {
			var err error
			if r.body, err = r.makeBody(); err != nil {
				return nil, info, err
			}
		}
		var tok *bearer
		if r.bearer {
			var err error
			if tok, err = c.authorization(ctx, b); err != nil {
				if interrupted(ctx) {
					return nil, info, c.interrupted(ctx, r, info, "getting a Management API token", ctx.Err())
				}
				return nil, info, err
			}
		}
		start := time.Now()
		o, body := c.attempt(ctx, b, r, tok, info.attempts)
		took = time.Since(start)
		if o.err != nil && interrupted(ctx) {
			during := fmt.Sprintf("sending the request (attempt %d)", info.attempts)
			if o.unsent {
				during = "waiting for the request pacer"
			} else {
				info.ambiguous = true
			}
			return nil, info, c.interrupted(ctx, r, info, during, o.err)
		}
		if o.err == nil && o.status >= 200 && o.status <= 299 {
			c.logResponseBody(ctx, r, o, body)
			return body, info, nil
		}
		if mayHaveExecuted(o) {
			info.ambiguous, unrecovered = true, true
		}
		previous := failure
		failure = attemptError(r, o, body)

		// A refused token may be stale; the answer proves nothing ran, so even a POST goes again.
		var apiErr *Error
		if tok != nil && c.tokens != nil && !refreshed && errors.As(failure, &apiErr) && staleToken(apiErr) {
			c.tokens.invalidate(tok)
			refreshed = true
			c.log.Log(ctx, LevelDebug, "management API refused the cached token; retrying with a fresh one",
				map[string]any{"method": r.method, "path": path, "status": o.status, "code": apiErr.Code})
			continue
		}

		d := c.policy.decide(r.method, r.resend, o, b, time.Now())
		if !d.retry && d.giveUp == "" {
			c.logResponseBody(ctx, r, o, body)
			return nil, info, failure
		}
		if r.recover != nil && unrecovered && time.Now().Before(b.deadline) {
			done, err := r.recover(ctx, b, failure)
			if err != nil {
				return nil, info, err
			}
			if done {
				return nil, info, failure
			}
			unrecovered = false
		}
		if d.giveUp != "" {
			c.logResponseBody(ctx, r, o, body)
			if o.cut && previous != nil {
				// The budget, not the server, ended this attempt: report the one before.
				return nil, info, giveUp(d.giveUp, previous)
			}
			return nil, info, giveUp(d.giveUp, failure)
		}
		wait := min(d.wait, time.Until(b.deadline)) // recover took some of it
		if c.logs(ctx, LevelDebug) {
			fields := map[string]any{"method": r.method, "path": path, "attempt": info.attempts,
				"reason": d.reason, "wait_ms": wait.Milliseconds()}
			if o.status != 0 {
				fields["status"] = o.status
			}
			c.log.Log(ctx, LevelDebug, "retrying request", fields)
		}
		if err := sleep(ctx, wait); err != nil {
			last := fmt.Sprintf("status %d", o.status)
			if o.err != nil {
				last = o.err.Error()
			}
			if interrupted(ctx) {
				return nil, info, c.interrupted(ctx, r, info, fmt.Sprintf("waiting %s to retry after attempt %d failed (%s)",
					wait.Round(time.Millisecond), info.attempts, last), err)
			}
			return nil, info, fmt.Errorf("%s %s: %w (while waiting %s to retry after attempt %d failed: %s)",
				r.method, path, err, wait.Round(time.Millisecond), info.attempts, last)
		}
	}
}

func interrupted(ctx context.Context) bool { return errors.Is(ctx.Err(), context.Canceled) }

// interrupted ends a call whose context was cancelled; a token request's own resends are no change.
func (c *Client) interrupted(ctx context.Context, r request, info sendInfo, during string, err error) error {
	path := r.url.EscapedPath()
	c.log.Log(ctx, LevelDebug, "interrupted", map[string]any{
		"method": r.method, "path": path, "attempt": info.attempts, "during": during})
	return &InterruptedError{Method: r.method, Path: path, During: during,
		Unknown: r.bearer && !idempotent(r.method) && info.ambiguous, Err: err}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func attemptError(r request, o outcome, body []byte) error {
	if o.err != nil {
		return transportError(r, o.err)
	}
	return newError(r.method, r.url.EscapedPath(), o.status, body)
}

func (c *Client) logResponseBody(ctx context.Context, r request, o outcome, body []byte) {
	if len(body) == 0 || !c.logs(ctx, LevelTrace) {
		return
	}
	c.log.Log(ctx, LevelTrace, "HTTP response body", map[string]any{
		"method": r.method, "path": r.url.EscapedPath(), "status": o.status,
		"body": redactBody(o.header.Get("Content-Type"), body),
	})
}

// staleToken: a 401, or a 403 insufficient_scope (a grant may have gained the scope since).
func staleToken(e *Error) bool {
	return e.StatusCode == http.StatusUnauthorized ||
		(e.StatusCode == http.StatusForbidden && e.Code == "insufficient_scope")
}
