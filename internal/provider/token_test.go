package provider

import "strings"

type tokenValidationCase struct {
	body    string
	message string
}

// tokenValidationCases are the plan-time checks shared by the data source
// and the ephemeral resource.
var tokenValidationCases = map[string]tokenValidationCase{
	"audience too long": {`audience = "` + strings.Repeat("a", 601) + `"`, `audience UTF-8 character count must be between 1 and 600, got: 601`},
	"no audience":       {`scope = ["read:x"]`, `The argument "audience" is required, but no definition was found.`},
	"empty scope set":   {`audience = "https://a/"` + "\n" + `scope = []`, `scope set must contain at least 1 elements, got: 0`},
	"empty scope":       {`audience = "https://a/"` + "\n" + `scope = [""]`, `string length must be at least 1, got: 0`},
	"spaced scope":      {`audience = "https://a/"` + "\n" + `scope = ["read x"]`, `must not contain white space`},
	"secret without id": {`audience = "https://a/"` + "\n" + `client_secret = "s"`, `Attribute "client_id" must be specified when "client_secret" is specified`},
	"bad domain":        {`audience = "https://a/"` + "\n" + `domain = "ftp://x"`, `"ftp://x" is not a usable domain`},
	"client id not as issued": {`audience = "https://a/"` + "\n" + `client_id = "admin"` + "\n" + `client_secret = "s"`,
		`"admin" is not a client ID: the service issues client IDs of 32 letters and digits`},
}

// ephemeralTokenValidationCases are the ephemeral resource's own: those of
// the private key, which the data source does not take.
var ephemeralTokenValidationCases = map[string]tokenValidationCase{
	"id without secret": {`audience = "https://a/"` + "\n" + `client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"`, `Attribute "client_secret" or "client_assertion_private_key" must be specified when "client_id" is specified`},
	"key and secret": {`audience = "https://a/"` + "\n" + `client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"` + "\n" + `client_secret = "s"` + "\n" +
		`client_assertion_private_key = "k"`, `Attribute "client_secret" cannot be specified when "client_assertion_private_key" is specified`},
	"bad key": {`audience = "https://a/"` + "\n" + `client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"` + "\n" + `client_assertion_private_key = "k"`,
		`The value is not a usable RSA private key: it is not PEM`},
	"alg without key": {`audience = "https://a/"` + "\n" + `client_assertion_signing_alg = "RS256"`,
		`Attribute "client_assertion_private_key" must be specified when "client_assertion_signing_alg" is specified`},
}

// dataTokenValidationCases are the data source's own: it takes no private
// key, which its state would hold.
var dataTokenValidationCases = map[string]tokenValidationCase{
	"id without secret": {`audience = "https://a/"` + "\n" + `client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"`, `Attribute "client_secret" must be specified when "client_id" is specified`},
	"private key": {`audience = "https://a/"` + "\n" + `client_id = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"` + "\n" + `client_assertion_private_key = "k"`,
		`An argument named "client_assertion_private_key" is not expected here.`},
	"signing alg": {`audience = "https://a/"` + "\n" + `client_assertion_signing_alg = "RS256"`,
		`An argument named "client_assertion_signing_alg" is not expected here.`},
}
