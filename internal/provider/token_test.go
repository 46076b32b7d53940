package provider

// tokenValidationCases are the plan-time checks shared by the data source
// and the ephemeral resource.
var tokenValidationCases = map[string]struct {
	body    string
	message string
}{
	"audience not a URI": {`audience = "orders"`, `"orders" is not an absolute URI: it has no scheme`},
	"no audience":        {`scope = ["read:x"]`, `The argument "audience" is required, but no definition was found.`},
	"empty scope set":    {`audience = "https://a/"` + "\n" + `scope = []`, `scope set must contain at least 1 elements, got: 0`},
	"empty scope":        {`audience = "https://a/"` + "\n" + `scope = [""]`, `string length must be at least 1, got: 0`},
	"spaced scope":       {`audience = "https://a/"` + "\n" + `scope = ["read x"]`, `must not contain white space`},
	"id without secret":  {`audience = "https://a/"` + "\n" + `client_id = "c"`, `Attribute "client_secret" must be specified when "client_id" is specified`},
	"secret without id":  {`audience = "https://a/"` + "\n" + `client_secret = "s"`, `Attribute "client_id" must be specified when "client_secret" is specified`},
	"bad domain":         {`audience = "https://a/"` + "\n" + `domain = "ftp://x"`, `"ftp://x" is not a usable domain`},
}
