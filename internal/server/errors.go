package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// apiError is an error a handler answers with. Handlers return it instead of
// writing the response themselves so that one place decides the body shape
// (the management envelope or, on the token endpoint, the OAuth shape).
type apiError struct {
	Status  int
	Code    string // errorCode in the envelope, error in the OAuth shape
	Message string
	// Header carries extra response headers (Retry-After, Allow, ...).
	Header http.Header
}

func (e *apiError) Error() string { return e.Message }

// isNotFound reports whether err is a 404 answer (an inexistent object), the
// case in which a DELETE still answers 204.
func isNotFound(err error) bool {
	var e *apiError
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

func newError(status int, code, message string) *apiError {
	return &apiError{Status: status, Code: code, Message: message}
}

func (e *apiError) withHeader(name, value string) *apiError {
	if e.Header == nil {
		e.Header = http.Header{}
	}
	e.Header.Set(name, value)
	return e
}

func errInvalidBody(message string) *apiError {
	return newError(http.StatusBadRequest, "invalid_body", message)
}

func errPayload(detail string) *apiError {
	return errInvalidBody("Payload validation error: '" + detail + "'.")
}

func errInvalidQuery(message string) *apiError {
	return newError(http.StatusBadRequest, "invalid_query_string", message)
}

func errConflict(message string) *apiError {
	return newError(http.StatusConflict, "conflict", message)
}

func errNotFoundRoute() *apiError {
	return newError(http.StatusNotFound, "not_found", "Not Found")
}

func errMethodNotAllowed(allow string) *apiError {
	return newError(http.StatusMethodNotAllowed, "method_not_allowed", "Method Not Allowed").withHeader("Allow", allow)
}

func errTooLarge() *apiError {
	return newError(http.StatusRequestEntityTooLarge, "payload_too_large", "Request body larger than 1048576 bytes")
}

func errTooManyRequests(retryAfter int) *apiError {
	return newError(http.StatusTooManyRequests, "too_many_requests", "Global limit has been reached").
		withHeader("Retry-After", strconv.Itoa(retryAfter))
}

func errUnavailable() *apiError {
	return newError(http.StatusServiceUnavailable, "temporarily_unavailable", "The service is temporarily unavailable. Please try again later.")
}

// errTooManyEntities is the real service's answer to a create past an
// entity limit (403 too_many_entities, with its message); the second
// sentence, ours, says which limit.
func errTooManyEntities(kind Kind, limit int) *apiError {
	return newError(http.StatusForbidden, "too_many_entities",
		"You reached the limit of entities of this type for this tenant. At most "+strconv.Itoa(limit)+" "+strings.ReplaceAll(string(kind), "_", " ")+" are allowed.")
}

func errInexistentTenant() *apiError {
	return newError(http.StatusNotFound, "inexistent_tenant", "The tenant does not exist")
}

// envelope is the Management API's error body.
type envelope struct {
	StatusCode int    `json:"statusCode"`
	Error      string `json:"error"`
	Message    string `json:"message"`
	ErrorCode  string `json:"errorCode"`
	// ErrorDescription is only set on the token endpoint, where OAuth
	// clients look for it even in a rate-limit or fault response.
	ErrorDescription string `json:"error_description,omitempty"`
}

// oauthError is the token endpoint's error body (RFC 6749 §5.2).
type oauthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// writeEnvelope answers with the Management API error envelope.
func writeEnvelope(w http.ResponseWriter, e *apiError, oauthDescription bool) {
	for k, v := range e.Header {
		w.Header()[k] = v
	}
	if e.Status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", "Bearer")
	}
	body := envelope{StatusCode: e.Status, Error: http.StatusText(e.Status), Message: e.Message, ErrorCode: e.Code}
	if oauthDescription {
		body.ErrorDescription = e.Message
	}
	writeJSON(w, e.Status, body)
}

// writeOAuthError answers in the token endpoint's shape.
func writeOAuthError(w http.ResponseWriter, e *apiError) {
	for k, v := range e.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, e.Status, oauthError{Error: e.Code, ErrorDescription: e.Message})
}

// writeJSON writes v as the response body. Encoding our own response types
// cannot fail, so an error here is a broken connection and is ignored.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // a bug in our types, recovered to a 500 envelope
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
