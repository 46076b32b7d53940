package mgmt

import (
	"reflect"
	"testing"
)

// A typed field is redacted in logs exactly when it is declared secret:
// redaction by name alone must not hide a field nobody declared (a new
// secret field gets its tag), nor miss one that is declared.
func TestSecretDeclarations(t *testing.T) {
	t.Parallel()
	var declared int
	for _, v := range wireTypes {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			f := typ.Field(i)
			tagged := f.Tag.Get("log") == "secret"
			if tagged {
				declared++
			}
			if got := isSecretKey(jsonName(f)); got != tagged {
				t.Errorf("%s.%s (%q): redacted = %v, but tagged secret = %v", typ.Name(), f.Name, jsonName(f), got, tagged)
			}
		}
	}
	if declared < 4 {
		t.Errorf("only %d fields are declared secret", declared)
	}
	for key, want := range map[string]bool{
		"client_secret": true, "clientSecret": true, "signing_secret": true, "access_token": true, "id_token": true,
		"refresh_token": true, "client_assertion": true, "password": true, "private_key": true, "configuration": true,
		"customScripts": true, "aws_secret_access_key": true, "totp_secret": true,
		"client_id": false, "token_type": false, "token_lifetime": false, "token_endpoint_auth_method": false,
		"jwt_configuration": false, "passwordPolicy": false, "signing_alg": false, "expires_in": false, "name": false,
	} {
		if got := isSecretKey(key); got != want {
			t.Errorf("isSecretKey(%q) = %v, want %v", key, got, want)
		}
	}
}
