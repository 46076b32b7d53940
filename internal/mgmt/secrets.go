package mgmt

import (
	"reflect"
	"strings"
	"unicode"
)

// wireTypes must list every type with a field tagged `log:"secret"`.
var wireTypes = []any{ResourceServer{}, Application{}, ClientGrant{}, Tenant{}, ManagementClient{}, Token{}, Connection{}}

var secretPlaces = []string{
	// A connection's options.configuration (custom database scripts' secrets)
	// and customScripts, which may embed credentials; actions' and rules' code.
	"configuration", "customScripts", "scripts", "code", "secrets",
	// Credentials by other names (log streams, webhooks, PKCE).
	"authorization", "httpAuthorization", "webhook_authorization", "code_verifier",
}

// secretSuffixes also hide a few public values (signing_keys, public_key).
var secretSuffixes = []string{
	"secret", "secrets", "password", "passphrase", "token", "tokens", "assertion", "key", "keys", "credentials",
}

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

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

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
