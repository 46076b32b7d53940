package mgmt

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// Error is an error answer of the Management API or of a token endpoint.
// Callers branch on StatusCode and Code (or use IsNotFound and IsConflict),
// never on Message.
type Error struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Code is the error envelope's errorCode (e.g. "inexistent_client"), or
	// the OAuth "error" (e.g. "access_denied") for token-endpoint errors.
	Code string
	// Message is the envelope's message, or the OAuth error_description.
	Message string
	// Method and Path name the request that failed (the path carries no
	// query string).
	Method, Path string
}

// Error formats the error as
// `GET /api/v2/clients/abc: 404 Not Found: The client does not exist (inexistent_client)`.
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

// errorBody covers both error shapes the server speaks: the Management API
// envelope {statusCode, error, message, errorCode} and the OAuth 2.0 shape
// {error, error_description}.
type errorBody struct {
	Error            string `json:"error"`
	ErrorCode        string `json:"errorCode"`
	Message          string `json:"message"`
	ErrorDescription string `json:"error_description"`
}

// newError builds an *Error from an error answer. Only the structured fields
// of a JSON body are kept: a raw body never becomes part of an error message,
// so that nothing a server echoes back can leak through it.
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
		// The OAuth shape.
		e.Code, e.Message = eb.Error, eb.ErrorDescription
	default:
		e.Message = eb.Message
	}
	return e
}

// RetryError is returned when a call stops retrying a failure that it
// would otherwise have retried: its time budget (Config.RetryTimeout, or the
// context's deadline) ran out, its retry count cap (Config.MaxRetries) was
// reached, or the server asked for a longer wait than the budget had left.
// It wraps the last attempt's error: an *Error for an HTTP answer (so that
// IsNotFound, IsConflict and errors.As(err, **Error) see through it), or the
// transport error.
type RetryError struct {
	// Method and Path name the request.
	Method, Path string
	// Attempts is the number of attempts of that request.
	Attempts int
	// Elapsed is the time from the start of the call to giving up.
	Elapsed time.Duration
	// Reason says why retrying stopped, e.g. "the retry timeout (1m0s) ran out".
	Reason string
	// Err is the last attempt's error.
	Err error
}

// Error formats the error as the last attempt's error followed by
// "; gave up after N attempts in D: <reason>".
func (e *RetryError) Error() string {
	return fmt.Sprintf("%v; gave up after %d attempts in %s: %s", e.Err, e.Attempts, e.Elapsed.Round(time.Millisecond), e.Reason)
}

// Unwrap returns the last attempt's error.
func (e *RetryError) Unwrap() error { return e.Err }

// RedirectError is the error of a request that the server answered with a
// redirect. The client never follows one: the request carries credentials
// (a bearer token, or a token request's client secret), and they are only
// ever sent to the configured domain. It is not retried.
type RedirectError struct {
	// StatusCode is the redirect's status, e.g. 302.
	StatusCode int
	// Location is where the server redirected to, resolved against the
	// request's URL and without user info; empty when it does not parse.
	Location string
}

// Error formats the error as `302 Found: redirected to <url>, not followed:
// credentials are only ever sent to the configured domain`.
func (e *RedirectError) Error() string {
	to := "an unparsable location"
	if e.Location != "" {
		to = e.Location
	}
	return fmt.Sprintf("%d %s: redirected to %s, not followed: credentials are only ever sent to the configured domain",
		e.StatusCode, http.StatusText(e.StatusCode), to)
}

// hostNotFoundError is the error of a request whose host does not exist
// in the DNS. It says so once, where the resolver's own text names the host
// again, and is not retried. It wraps the *net.DNSError.
type hostNotFoundError struct{ dns *net.DNSError }

func (e *hostNotFoundError) Error() string {
	return fmt.Sprintf("the host %s does not resolve (%s)", e.dns.Name, e.dns.Err)
}

func (e *hostNotFoundError) Unwrap() error { return e.dns }

// IsHostNotFound reports whether err is, or wraps, the failure of a request
// whose host does not exist in the DNS (a temporary DNS failure is not).
func IsHostNotFound(err error) bool {
	var e *hostNotFoundError
	return errors.As(err, &e)
}
