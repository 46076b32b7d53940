package mgmt

import (
	"reflect"
	"strings"
	"unicode"
)

// Where bodies carry secrets, declared once for redactBody (DESIGN.md,
// "Secrets"): a key, at any depth and compared without case, "_" or "-", is
// secret when a typed field is tagged `log:"secret"`, when it is a known
// untyped place, or when it is named like a secret, which also hides a few
// public values (signing_keys, public_key).

// wireTypes are the typed objects whose fields may be tagged secret.
var wireTypes = []any{ResourceServer{}, Application{}, ClientGrant{}, Tenant{}, ManagementClient{}, Token{}, Connection{}}

// secretPlaces are keys whose values hold secrets without being named so.
var secretPlaces = []string{
	// A connection's options.configuration: a map of secrets (custom
	// database scripts' settings); options.customScripts: those scripts,
	// which may embed credentials; actions' and rules' code and secrets.
	"configuration", "customScripts", "scripts", "code", "secrets",
	// Authorization headers and credentials by other names (log streams,
	// webhooks, an authorization code and its verifier in a token request).
	"authorization", "httpAuthorization", "webhook_authorization", "code_verifier",
}

// secretSuffixes name secrets: client_secret, password, access_token,
// client_assertion, private_key, signing_keys, server_credentials, ...
var secretSuffixes = []string{
	"secret", "secrets", "password", "passphrase", "token", "tokens", "assertion", "key", "keys", "credentials",
}

// secretNames are the normalised names of the typed secret fields and the
// secret places.
var secretNames = func() map[string]bool {
	names := map[string]bool{}
	for _, k := range secretPlaces {
		names[normaliseKey(k)] = true
	}
	for _, v := range wireTypes {
		for _, name := range taggedSecrets(reflect.TypeOf(v)) {
			names[normaliseKey(name)] = true
		}
	}
	return names
}()

// taggedSecrets returns the JSON names of t's fields tagged `log:"secret"`.
func taggedSecrets(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("log") == "secret" {
			out = append(out, jsonName(f))
		}
	}
	return out
}

// jsonName is the name a struct field has in JSON.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

// isSecretKey reports whether a body's key holds a secret.
func isSecretKey(key string) bool {
	k := normaliseKey(key)
	if secretNames[k] {
		return true
	}
	for _, s := range secretSuffixes {
		if strings.HasSuffix(k, s) {
			return true
		}
	}
	return false
}

func normaliseKey(k string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' {
			return -1
		}
		return unicode.ToLower(r)
	}, k)
}
