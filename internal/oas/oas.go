// Package oas holds the part of Auth0's published Management API specification that idp-server
// serves (testdata/management-api-extract.json, made by scripts/extract-oas.py, without Auth0's
// prose) and validates request bodies against its schemas, in the words of Auth0's own
// "Payload validation error" messages. idp-server validates every body with it, so that it is
// never stricter nor looser than the spec; the tests check the provider's requests with it.
package oas

import (
	_ "embed" // the extract is embedded
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

//go:embed testdata/management-api-extract.json
var extract []byte

// Extract returns the extract's JSON.
func Extract() []byte { return extract }

// ExtractURL is the extract's location for a jsonschema.Compiler (NewCompiler adds it).
const ExtractURL = "urn:idp:management-api-extract.json"

// Beyond lists what the real service takes beyond an operation's request schema (keyed by
// "METHOD /template" as the spec spells it), each with its evidence. Such top-level fields are
// left out of the schema's check; the server's handler checks their values.
var Beyond = map[string]map[string]string{
	"POST /clients": {
		"client_secret": "the operation's own description in the spec recommends leaving client_secret unspecified " +
			"(so the service takes one), Auth0's go-auth0 sends Client.ClientSecret on create, and the official provider's " +
			"client_secret_wo is documented to set it",
	},
	"POST /resource-servers":       {"token_lifetime_for_web": tokenLifetimeForWeb},
	"PATCH /resource-servers/{id}": {"token_lifetime_for_web": tokenLifetimeForWeb},
}

// BeyondNull lists the top-level fields to which the real service takes null (removing the
// property) where the operation's request schema allows only an object, each with its evidence.
// A null there is left out of the schema's check; any other value is checked as usual.
var BeyondNull = map[string]map[string]string{
	"PATCH /clients/{id}": {
		"addons": "Auth0's answer of 200 to the official provider's PATCH {\"addons\": null} (sent before it sets a " +
			"client's addons anew), recorded in its test data (TestAccClientAddons)",
		"oidc_backchannel_logout": "Auth0's answer of 200, without oidc_logout, to the official provider's PATCH " +
			"{\"oidc_backchannel_logout\": null}, recorded in its test data (TestAccClientOIDCLogout)",
		"signed_request_object": "Auth0's answer of 200, without signed_request_object, to the official provider's PATCH " +
			"{\"client_authentication_methods\": null, \"signed_request_object\": null, ...}, recorded in its test data " +
			"(TestAccClientAuthenticationMethodsSignedRequestObject)",
	},
}

// A Bound is a limit the real service sets on a value beyond what its request schema says: Min
// and Max as the server checks them, or the Pattern it matches ("" where it checks none), and
// the evidence.
type Bound struct {
	Min, Max string
	Pattern  string
	Evidence string
}

// Bounds lists, by operation ("METHOD /template" as the spec spells it, or idp-server's own for an
// endpoint the spec does not have) and property path (e.g. "options.validation.username.min"),
// each limit idp-server enforces that is stricter than the operation's request schema, or where
// the schema has none. Each needs evidence that the real service refuses past it; a limit
// without is not enforced (TestBoundsInventory holds idp-server to this list).
var Bounds = map[string]map[string]Bound{
	"POST /clients": {
		"client_metadata.*": clientMetadataValue,
		"client_secret": {Min: "1", Evidence: "the spec's request schema of PATCH /clients/{id} gives client_secret a " +
			"minLength of 1; the create's schema has no client_secret (Beyond)"},
	},
	"PATCH /clients/{id}":          {"client_metadata.*": clientMetadataValue},
	"POST /connections":            usernameBounds,
	"PATCH /connections/{id}":      usernameBounds,
	"POST /resource-servers":       {"token_lifetime_for_web": tokenLifetimeForWebBound},
	"PATCH /resource-servers/{id}": {"token_lifetime_for_web": tokenLifetimeForWebBound},
	"POST /tenants": {
		"display_name": tenantBounds["display_name"],
		"metadata.*":   tenantBounds["metadata.*"],
		"name": {Pattern: `^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`, Evidence: "idp-server's own endpoint, with no counterpart " +
			"in Auth0's Management API: a tenant's name is a DNS label of its domain"},
	},
	"PATCH /tenants/{id}": tenantBounds,
}

var clientMetadataValue = Bound{Max: "255", Evidence: "the spec's own description of ClientMetadata (its schema " +
	"has no maxLength): string values of at most 255 characters"}

var usernameBounds = map[string]Bound{
	// The spec's ConnectionUsernameValidationOptions bounds min from below and max from above
	// only; Auth0's docs bound both lengths.
	"options.validation.username.min": {Max: "128", Evidence: usernameLengths},
	"options.validation.username.max": {Min: "1", Evidence: usernameLengths},
}

const usernameLengths = "Auth0's docs (https://auth0.com/docs/connections/database/require-username, \"Username length\"): " +
	"the minimum and maximum username length can be changed through the Management API up to a length of 128, " +
	"so a length is 1 to 128 characters"

const tenantsOwn = "idp-server's own endpoint, with no counterpart in Auth0's Management API or its docs: the " +
	"limit is idp-server's choice, the length the spec gives metadata values elsewhere"

var tokenLifetimeForWebBound = Bound{Min: "0", Max: "2592000", Evidence: "the field is outside the spec's request " +
	"schema (Beyond); the spec bounds its sibling token_lifetime to 0..2592000, and Auth0's docs " +
	"(https://auth0.com/docs/secure/tokens/access-tokens/update-access-token-lifetime) give 2,592,000 seconds as the " +
	"maximum access token lifetime of an API, of which the browser-flow lifetime is one"}

// tenantBounds are those of idp-server's own tenant endpoints (its multi-tenant administration),
// which Auth0's Management API does not have: no Auth0 limit applies, and these are idp-server's.
var tenantBounds = map[string]Bound{
	"display_name": {Max: "255", Evidence: tenantsOwn},
	"metadata.*":   {Max: "255", Evidence: tenantsOwn},
}

const tokenLifetimeForWeb = "the spec's own create and get responses carry token_lifetime_for_web, and Auth0's go-auth0 " +
	"sends ResourceServer.TokenLifetimeForWeb on create and update"

// NewCompiler returns a compiler holding the extract, for draft 2020-12 with ECMA-262 patterns
// (the spec's need more than Go's regexp gives: a repeat count over 1,000).
func NewCompiler() (*jsonschema.Compiler, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(extract)))
	if err != nil {
		return nil, fmt.Errorf("oas: reading the extract: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseRegexpEngine(ecmaRegexp)
	if err := c.AddResource(ExtractURL, doc); err != nil {
		return nil, fmt.Errorf("oas: %w", err)
	}
	return c, nil
}

// Pointer is the location in the extract of the JSON pointer made of keys.
func Pointer(keys ...string) string {
	esc := make([]string, len(keys))
	for i, k := range keys {
		esc[i] = url.PathEscape(strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"))
	}
	return ExtractURL + "#/" + strings.Join(esc, "/")
}

// Shape is a path template with its parameters' names left out, e.g. "/clients/{}/credentials"
// for "/clients/{client_id}/credentials", so that templates named differently match.
func Shape(template string) string {
	segs := strings.Split(template, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

type bodySchema struct {
	template string // as the spec spells it
	schema   *jsonschema.Schema
}

var (
	loadOnce  sync.Once
	bodies    map[string]bodySchema                 // "METHOD shape" -> the JSON request body's schema
	responses map[string]map[int]*jsonschema.Schema // "METHOD shape" -> status -> the JSON response's schema
	errLoad   error
)

func loadBodies() {
	var raw struct {
		Paths map[string]map[string]struct {
			RequestBody *struct {
				Content map[string]any `json:"content"`
			} `json:"requestBody"`
			Responses map[string]map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if errLoad = json.Unmarshal(extract, &raw); errLoad != nil {
		return
	}
	c, err := NewCompiler()
	if err != nil {
		errLoad = err
		return
	}
	bodies = map[string]bodySchema{}
	responses = map[string]map[int]*jsonschema.Schema{}
	for template, ops := range raw.Paths {
		for method, op := range ops {
			for status, content := range op.Responses {
				code, err := strconv.Atoi(status)
				if err != nil || content["application/json"] == nil {
					continue
				}
				s, err := c.Compile(Pointer("paths", template, method, "responses", status, "application/json"))
				if err != nil {
					errLoad = fmt.Errorf("oas: %s %s response %s: %w", method, template, status, err)
					return
				}
				key := method + " " + Shape(template)
				if responses[key] == nil {
					responses[key] = map[int]*jsonschema.Schema{}
				}
				responses[key][code] = s
			}
			if op.RequestBody == nil || op.RequestBody.Content["application/json"] == nil {
				continue
			}
			s, err := c.Compile(Pointer("paths", template, method, "requestBody", "content", "application/json"))
			if err != nil {
				errLoad = fmt.Errorf("oas: %s %s: %w", method, template, err)
				return
			}
			bodies[method+" "+Shape(template)] = bodySchema{template: template, schema: s}
		}
	}
}

// Covers says whether the extract has a JSON body schema for the operation; template may name
// its parameters differently from the spec.
func Covers(method, template string) bool {
	loadOnce.Do(loadBodies)
	_, ok := bodies[method+" "+Shape(template)]
	return ok
}

// ValidateBody checks a JSON request body against the operation's schema. It returns nil when the body is valid or the extract has no schema for
// the operation, and otherwise the first problem as Auth0 words it. A field that Beyond lists
// for the operation, or a null that BeyondNull lists, is checked apart and then left out of the
// schema's check.
func ValidateBody(method, template string, raw []byte) (*Problem, error) {
	loadOnce.Do(loadBodies)
	if errLoad != nil {
		return nil, errLoad
	}
	b, ok := bodies[method+" "+Shape(template)]
	if !ok {
		return nil, nil
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		return nil, err
	}
	body, isObject := v.(map[string]any)
	if !isObject {
		return describeErr(b.schema.Validate(v))
	}
	fields := make([]string, 0, len(Beyond[method+" "+b.template]))
	for f := range Beyond[method+" "+b.template] {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for f := range BeyondNull[method+" "+b.template] {
		if v, present := body[f]; present && v == nil {
			fields = append(fields, f)
		}
	}
	rest := body
	for _, f := range fields {
		if _, present := body[f]; !present {
			continue
		}
		if len(rest) == len(body) {
			rest = make(map[string]any, len(body))
			for k, v := range body {
				rest[k] = v
			}
		}
		delete(rest, f)
	}
	if len(rest) == 0 && len(body) > 0 {
		return nil, nil // a body of such fields alone has the properties a schema's minProperties asks for
	}
	return describeErr(b.schema.Validate(rest))
}

func describeErr(err error) (*Problem, error) {
	if err == nil {
		return nil, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, err
	}
	return describe(ve), nil
}

// ValidateResponse checks a JSON response body against the schema the spec gives the
// operation's status. A success whose status the spec documents otherwise (it gives 201 for
// some PATCHes the service answers 200) is checked against the operation's one success schema.
// It returns nil when the body is valid or no schema applies.
func ValidateResponse(method, template string, status int, raw []byte) (*Problem, error) {
	loadOnce.Do(loadBodies)
	if errLoad != nil {
		return nil, errLoad
	}
	byStatus := responses[method+" "+Shape(template)]
	s := byStatus[status]
	if s == nil && status/100 == 2 {
		for code, other := range byStatus {
			if code/100 == 2 {
				if s != nil {
					return nil, nil // several successes documented: none applies
				}
				s = other
			}
		}
	}
	if s == nil {
		return nil, nil
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		return nil, err
	}
	err = s.Validate(v)
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) && ambiguousOneOf(ve) {
		// The spec's list answers are a oneOf of shapes that overlap: the last page of a
		// checkpoint list ({"connections": [...]}, no next) is also an offset page without
		// totals. The service answers it; a body valid against several shapes is valid.
		return nil, nil
	}
	return describeErr(err)
}

// ambiguousOneOf says whether the only failure is a oneOf that more than one shape matched.
func ambiguousOneOf(ve *jsonschema.ValidationError) bool {
	if k, ok := ve.ErrorKind.(*kind.OneOf); ok {
		return len(k.Subschemas) > 1
	}
	return len(ve.Causes) == 1 && ambiguousOneOf(ve.Causes[0])
}

// Problem is a body's first disagreement with its schema.
type Problem struct {
	// Property is where, e.g. "jwt_configuration.alg" or "scopes[0].value"; "" for the body.
	Property string
	// Message is what, in Auth0's words, e.g. "No enum match for: RS384".
	Message string
}

// describe finds the error to report: the first leaf, or a oneOf or anyOf that failed as a
// whole, as the real service's validator reports it.
func describe(ve *jsonschema.ValidationError) *Problem {
	for {
		switch ve.ErrorKind.(type) {
		case *kind.OneOf, *kind.AnyOf:
		default:
			if len(ve.Causes) > 0 {
				ve = ve.Causes[0]
				continue
			}
		}
		return &Problem{Property: property(ve.InstanceLocation), Message: message(ve.ErrorKind)}
	}
}

func property(loc []string) string {
	var b strings.Builder
	for _, seg := range loc {
		if _, err := strconv.Atoi(seg); err == nil && b.Len() > 0 {
			b.WriteString("[" + seg + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteString(".")
		}
		b.WriteString(seg)
	}
	return b.String()
}

func message(k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.AdditionalProperties:
		return "Additional properties not allowed: " + strings.Join(k.Properties, ",")
	case *kind.Type:
		return "Expected type " + strings.Join(k.Want, ",") + " but found type " + k.Got
	case *kind.Enum:
		return "No enum match for: " + scalar(k.Got)
	case *kind.Const:
		return "No enum match for: " + scalar(k.Got)
	case *kind.Required:
		return "Missing required property: " + strings.Join(k.Missing, ",")
	case *kind.MinLength:
		return fmt.Sprintf("String is too short (%d chars), minimum %d", k.Got, k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("String is too long (%d chars), maximum %d", k.Got, k.Want)
	case *kind.Pattern:
		return "String does not match pattern: " + k.Want
	case *kind.Minimum:
		return "Value " + number(k.Got) + " is less than minimum " + number(k.Want)
	case *kind.Maximum:
		return "Value " + number(k.Got) + " is greater than maximum " + number(k.Want)
	case *kind.MinItems:
		return fmt.Sprintf("Array is too short (%d), minimum %d", k.Got, k.Want)
	case *kind.MaxItems:
		return fmt.Sprintf("Array is too long (%d), maximum %d", k.Got, k.Want)
	case *kind.UniqueItems:
		return fmt.Sprintf("Array items are not unique (indexes %d and %d)", k.Duplicates[0], k.Duplicates[1])
	case *kind.MinProperties:
		return fmt.Sprintf("Too few properties defined (%d), minimum %d", k.Got, k.Want)
	case *kind.MaxProperties:
		return fmt.Sprintf("Too many properties defined (%d), maximum %d", k.Got, k.Want)
	case *kind.OneOf:
		return "Data does not match any schemas from 'oneOf'"
	case *kind.AnyOf:
		return "Data does not match any schemas from 'anyOf'"
	}
	return "Data does not match its schema"
}

func scalar(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if v == nil {
		return "null"
	}
	return fmt.Sprint(v)
}

func number(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'f', -1, 64)
}

type ecma struct{ re *regexp2.Regexp }

func ecmaRegexp(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return ecma{re}, nil
}

func (e ecma) MatchString(s string) bool {
	ok, err := e.re.MatchString(s)
	return err == nil && ok
}

func (e ecma) String() string { return e.re.String() }
