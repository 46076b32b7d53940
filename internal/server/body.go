package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/idp-terraform/terraform-provider-idp/internal/oas"
)

// body is a JSON object body, decoded field by field so that every
// validation error names its property, as the real service's do.
type body struct {
	fields map[string]json.RawMessage
}

func (c *call) readAll() ([]byte, error) {
	if c.r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(c.r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, errTooLarge()
		}
		return nil, errInvalidBody("Unable to read the request body")
	}
	return b, nil
}

func (c *call) readBody(allowed ...string) (*body, error) {
	raw, err := c.readAll()
	if err != nil {
		return nil, err
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, errPayload("Expected type object but found type null")
	}
	// encoding/json would turn invalid UTF-8 into U+FFFD, and the server
	// would store a string the client never sent.
	if !utf8.Valid(raw) {
		return nil, errNotUTF8()
	}
	if !json.Valid(raw) {
		return nil, errInvalidBody("Invalid request payload JSON format")
	}
	if t := jsonType(raw); t != "object" {
		return nil, errPayload("Expected type object but found type " + t)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, errInvalidBody("Invalid request payload JSON format")
	}
	if err := c.conformsToSpec(raw); err != nil {
		return nil, err
	}
	var unknown []string
	for k := range fields {
		if !contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, errPayload("Additional properties not allowed: " + unknown[0])
	}
	return &body{fields: fields}, nil
}

// conformsToSpec checks a body against the request schema Auth0's spec gives its route
// (package oas), which the real service validates every payload against, so that the server is
// never looser than the spec; the handler then checks what it acts on.
func (c *call) conformsToSpec(raw []byte) error {
	template, ok := strings.CutPrefix(c.route, "/api/v2")
	if !ok {
		return nil
	}
	problem, err := oas.ValidateBody(c.r.Method, template, raw)
	if err != nil {
		return err
	}
	switch {
	case problem == nil:
		return nil
	case problem.Property == "":
		return errPayload(problem.Message)
	}
	return errProperty(problem.Property, problem.Message)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func dedupe(in []string) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		if !contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// jsonType names a valid value's type in the words of the real service's
// validation messages.
func jsonType(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "null"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	if bytes.ContainsAny(raw, ".eE") {
		return "number"
	}
	return "integer"
}

func errNotUTF8() *apiError {
	return errInvalidBody("Invalid request payload JSON format: the body is not valid UTF-8")
}

func errProperty(property, detail string) *apiError {
	return errInvalidBody("Payload validation error: '" + detail + "' on property " + property + ".")
}

func errType(property, want string, raw json.RawMessage) *apiError {
	return errProperty(property, "Expected type "+want+" but found type "+jsonType(raw))
}

func (b *body) has(name string) bool {
	_, ok := b.fields[name]
	return ok
}

// str and the other decoders below answer nil for an absent property.
func (b *body) str(name string) (*string, error) {
	raw, ok := b.fields[name]
	if !ok {
		return nil, nil
	}
	var v string
	if jsonType(raw) != "string" || json.Unmarshal(raw, &v) != nil {
		return nil, errType(name, "string", raw)
	}
	return &v, nil
}

func (b *body) boolean(name string) (*bool, error) {
	raw, ok := b.fields[name]
	if !ok {
		return nil, nil
	}
	var v bool
	if jsonType(raw) != "boolean" || json.Unmarshal(raw, &v) != nil {
		return nil, errType(name, "boolean", raw)
	}
	return &v, nil
}

func (b *body) integer(name string, lo, hi int64) (*int64, error) {
	raw, ok := b.fields[name]
	if !ok {
		return nil, nil
	}
	if jsonType(raw) != "integer" {
		return nil, errType(name, "integer", raw)
	}
	v, err := strconv.ParseInt(string(bytes.TrimSpace(raw)), 10, 64)
	if err != nil || v < lo || v > hi {
		return nil, errProperty(name, "Integer must be between "+strconv.FormatInt(lo, 10)+" and "+strconv.FormatInt(hi, 10))
	}
	return &v, nil
}

func (b *body) strings(name string) (*[]string, error) {
	raw, ok := b.fields[name]
	if !ok {
		return nil, nil
	}
	if jsonType(raw) != "array" {
		return nil, errType(name, "array", raw)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, errType(name, "array", raw)
	}
	out := make([]string, 0, len(items))
	for i, it := range items {
		var v string
		if jsonType(it) != "string" || json.Unmarshal(it, &v) != nil {
			return nil, errType(name+"["+strconv.Itoa(i)+"]", "string", it)
		}
		out = append(out, v)
	}
	return &out, nil
}

func (b *body) stringMap(name string) (*map[string]string, error) {
	raw, ok := b.fields[name]
	if !ok {
		return nil, nil
	}
	if jsonType(raw) != "object" {
		return nil, errType(name, "object", raw)
	}
	var items map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, errType(name, "object", raw)
	}
	out := make(map[string]string, len(items))
	for k, it := range items {
		var v string
		if jsonType(it) != "string" || json.Unmarshal(it, &v) != nil {
			return nil, errType(name+"."+k, "string", it)
		}
		out[k] = v
	}
	return &out, nil
}

func checkLength(property, v string, lo, hi int) error {
	n := utf8.RuneCountInString(v)
	if n < lo {
		return errProperty(property, "String is too short ("+strconv.Itoa(n)+" chars), minimum "+strconv.Itoa(lo))
	}
	if n > hi {
		return errProperty(property, "String is too long ("+strconv.Itoa(n)+" chars), maximum "+strconv.Itoa(hi))
	}
	return nil
}

func decodeArray(raw json.RawMessage) ([]json.RawMessage, error) {
	var items []json.RawMessage
	err := json.Unmarshal(raw, &items)
	return items, err
}

func decodeObject(raw json.RawMessage) (*body, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	return &body{fields: fields}, nil
}
