package mgmt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// Error is an error answer of the Management API or of a token endpoint.
// Branch on StatusCode and Code, never on Message.
type Error struct {
	StatusCode int
	// Code is the envelope's errorCode, or the OAuth "error".
	Code string
	// Message is the envelope's message, or the OAuth error_description.
	Message string
	// Method and Path name the request; the path has no query.
	Method, Path string
}

// Error formats the error as `GET /api/v2/clients/abc: 404 Not Found: <message> (<code>)`.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Method != "" || e.Path != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.Path))
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Code != "" {
		b.WriteString(" (" + e.Code + ")")
	}
	return b.String()
}

// IsNotFound reports whether err is, or wraps, an *Error with status 404.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsConflict reports whether err is, or wraps, an *Error with status 409.
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

func hasStatus(err error, status int) bool {
	var apiErr *Error
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

type errorBody struct {
	Error            string `json:"error"`
	ErrorCode        string `json:"errorCode"`
	Message          string `json:"message"`
	ErrorDescription string `json:"error_description"`
}

// newError builds an *Error from an answer, keeping only the structured
// fields of a JSON body, so that nothing a server echoes back leaks.
func newError(method, path string, status int, body []byte) *Error {
	e := &Error{StatusCode: status, Method: method, Path: path}
	var eb errorBody
	if len(body) == 0 || json.Unmarshal(body, &eb) != nil {
		return e
	}
	switch {
	case eb.ErrorCode != "":
		// The Management API envelope; "error" is only the status text.
		e.Code, e.Message = eb.ErrorCode, eb.Message
	case eb.ErrorDescription != "" || (eb.Error != "" && eb.Message == ""):
		e.Code, e.Message = eb.Error, eb.ErrorDescription
	default:
		e.Message = eb.Message
	}
	return e
}

// RetryError wraps the failure a call stopped retrying although it was retryable.
type RetryError struct {
	Method, Path string
	Attempts     int
	// Elapsed is the time from the start of the call to giving up.
	Elapsed time.Duration
	// Reason says why retrying stopped, e.g. "the retry timeout (1m0s) ran out".
	Reason string
	Err    error
}

// Error formats the error as "<last error>; gave up after N attempts in D: <reason>".
func (e *RetryError) Error() string {
	return fmt.Sprintf("%v; gave up after %d attempts in %s: %s", e.Err, e.Attempts, e.Elapsed.Round(time.Millisecond), e.Reason)
}

// Unwrap returns the last failure.
func (e *RetryError) Unwrap() error { return e.Err }

// RedirectError is a redirect, never followed: credentials go only to the configured domain.
type RedirectError struct {
	StatusCode int
	// Location is the target, resolved and without user info; "" when it does not parse.
	Location string
}

// Error names the status and the location.
func (e *RedirectError) Error() string {
	to := "an unparsable location"
	if e.Location != "" {
		to = e.Location
	}
	return fmt.Sprintf("%d %s: redirected to %s, not followed: credentials are only ever sent to the configured domain",
		e.StatusCode, http.StatusText(e.StatusCode), to)
}

// hostNotFoundError names the host once (the resolver's text names it again).
type hostNotFoundError struct{ dns *net.DNSError }

func (e *hostNotFoundError) Error() string {
	return fmt.Sprintf("the host %s does not resolve (%s)", e.dns.Name, e.dns.Err)
}

func (e *hostNotFoundError) Unwrap() error { return e.dns }

// IsHostNotFound reports whether err is, or wraps, a request to a host the DNS does not know.
func IsHostNotFound(err error) bool {
	var e *hostNotFoundError
	return errors.As(err, &e)
}

// InterruptedError is a call ended by the cancellation of its context, e.g. Terraform's interrupt.
type InterruptedError struct {
	Method, Path string
	// During says what the call was doing, e.g. "waiting for the request pacer".
	During string
	// Unknown: a request that is not idempotent may have reached the server.
	Unknown bool
	// Err wraps context.Canceled.
	Err error
}

// Error formats the error as "<method> <path>: interrupted (the operation was cancelled) while <during>".
func (e *InterruptedError) Error() string {
	s := fmt.Sprintf("%s %s: interrupted (the operation was cancelled) while %s", e.Method, e.Path, e.During)
	if e.Unknown {
		s += "; whether the request took effect on the server is not known"
	}
	return s
}

// Unwrap returns the context's error.
func (e *InterruptedError) Unwrap() error { return e.Err }

// IsInterrupted reports whether err ended a call because its context was cancelled.
func IsInterrupted(err error) bool { return errors.Is(err, context.Canceled) }
