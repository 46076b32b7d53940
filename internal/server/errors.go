package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// apiError is an answer a handler returns rather than writes, so that the
// dispatcher decides its body's shape.
type apiError struct {
	Status  int
	Code    string // errorCode in the envelope, error in the OAuth shape
	Message string
	Header  http.Header
}

func (e *apiError) Error() string { return e.Message }

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

// errQueryEnum refuses a query parameter's value outside its enum, in
// Auth0's words.
func errQueryEnum(property, value string) *apiError {
	return errInvalidQuery("Query validation error: 'No enum match for: " + value + "' on property " + property + ".")
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

// errTooManyEntities is the real service's answer; the second sentence,
// ours, names the limit.
func errTooManyEntities(kind Kind, limit int) *apiError {
	return newError(http.StatusForbidden, "too_many_entities",
		"You reached the limit of entities of this type for this tenant. At most "+strconv.Itoa(limit)+" "+strings.ReplaceAll(string(kind), "_", " ")+" are allowed.")
}

func errInexistentTenant() *apiError {
	return newError(http.StatusNotFound, "inexistent_tenant", "The tenant does not exist")
}

type envelope struct {
	StatusCode       int    `json:"statusCode"`
	Error            string `json:"error"`
	Message          string `json:"message"`
	ErrorCode        string `json:"errorCode"`
	ErrorDescription string `json:"error_description,omitempty"`
}

// oauthError is RFC 6749 §5.2's error body.
type oauthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

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

func writeOAuthError(w http.ResponseWriter, e *apiError) {
	for k, v := range e.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, e.Status, oauthError{Error: e.Code, ErrorDescription: e.Message})
}

// writeJSON ignores a write error: the connection is broken.
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
