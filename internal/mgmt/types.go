package mgmt

import "crypto/rsa"

// Every field of an API object is a pointer, so that a PATCH sends exactly the fields set.

// ResourceServer is an API registered with the authorization server.
type ResourceServer struct {
	ID                                        *string                `json:"id,omitempty"`
	Name                                      *string                `json:"name,omitempty"`
	Identifier                                *string                `json:"identifier,omitempty"`
	Scopes                                    *[]ResourceServerScope `json:"scopes,omitempty"`
	SigningAlg                                *string                `json:"signing_alg,omitempty"`
	SigningSecret                             *string                `json:"signing_secret,omitempty" log:"secret"`
	TokenLifetime                             *int64                 `json:"token_lifetime,omitempty"`
	AllowOfflineAccess                        *bool                  `json:"allow_offline_access,omitempty"`
	SkipConsentForVerifiableFirstPartyClients *bool                  `json:"skip_consent_for_verifiable_first_party_clients,omitempty"`
	// TokenDialect is the profile of the API's access tokens: access_token (Auth0's, the
	// default), rfc9068_profile, or either with _authz (RBAC permissions in user tokens).
	TokenDialect *string `json:"token_dialect,omitempty"`
	// EnforcePolicies turns role-based access control on for the API's user tokens.
	EnforcePolicies *bool `json:"enforce_policies,omitempty"`
	IsSystem        *bool `json:"is_system,omitempty"`
	// CreateMarker is the pending create marker the server's copy carries as
	// a scope ("" when none): every method that returns an API takes that
	// scope out of Scopes, and SettleResourceServer removes it.
	CreateMarker string `json:"-"`
}

// ResourceServerScope is one permission an API defines.
type ResourceServerScope struct {
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
}

// Application is what the Management API calls a client (Client is taken).
type Application struct {
	ClientID                *string   `json:"client_id,omitempty"`
	ClientSecret            *string   `json:"client_secret,omitempty" log:"secret"`
	Name                    *string   `json:"name,omitempty"`
	Description             *string   `json:"description,omitempty"`
	AppType                 *string   `json:"app_type,omitempty"`
	GrantTypes              *[]string `json:"grant_types,omitempty"`
	TokenEndpointAuthMethod *string   `json:"token_endpoint_auth_method,omitempty"`
	// IsFirstParty is false for a third-party client (a partner's app): it gets
	// tokens through the default grants (default_for third_party_clients) too.
	// Auth0 creates a client first-party when it is unset.
	IsFirstParty *bool `json:"is_first_party,omitempty"`
	// The URLs of an interactive application, each kept by Auth0 as a list whose order means
	// nothing: where a login may return to, which origins may call it from a browser, and where a
	// logout may return to.
	Callbacks         *[]string `json:"callbacks,omitempty"`
	AllowedOrigins    *[]string `json:"allowed_origins,omitempty"`
	WebOrigins        *[]string `json:"web_origins,omitempty"`
	AllowedLogoutURLs *[]string `json:"allowed_logout_urls,omitempty"`
	// ClientAuthenticationMethods replace TokenEndpointAuthMethod (then nil);
	// UsePrivateKeyJWT and UseTokenEndpointAuthMethod switch between them.
	ClientAuthenticationMethods *ClientAuthenticationMethods `json:"client_authentication_methods,omitempty"`
	// ClientMetadata has at most 10 keys, CreateRequestMetadataKey included.
	ClientMetadata *map[string]string `json:"client_metadata,omitempty"`
}

// ClientGrant authorizes a client to request tokens for an API.
type ClientGrant struct {
	ID       *string   `json:"id,omitempty"`
	ClientID *string   `json:"client_id,omitempty"`
	Audience *string   `json:"audience,omitempty"`
	Scope    *[]string `json:"scope,omitempty"`
	// DefaultFor is set, instead of ClientID, on a default grant: the grant
	// of every client of a group (Auth0's only one: third_party_clients).
	DefaultFor *string `json:"default_for,omitempty"`
	// OrganizationUsage is deny (unset means deny), allow or require.
	OrganizationUsage    *string `json:"organization_usage,omitempty"`
	AllowAnyOrganization *bool   `json:"allow_any_organization,omitempty"`
}

// Tenant is an isolated tenant hosted by the root tenant.
type Tenant struct {
	ID               *string            `json:"id,omitempty"`
	Name             *string            `json:"name,omitempty"`
	DisplayName      *string            `json:"display_name,omitempty"`
	Owners           *[]string          `json:"owners,omitempty"`
	Metadata         *map[string]string `json:"metadata,omitempty"`
	Domain           *string            `json:"domain,omitempty"` // read-only, a URL
	ManagementClient *ManagementClient  `json:"management_client,omitempty"`
}

// ManagementClient is the credentials of a new tenant's Management API client.
type ManagementClient struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret" log:"secret"`
}

// TokenRequest asks a token endpoint for a client-credentials token.
type TokenRequest struct {
	// Domain of the tenant to ask; empty means the client's own domain.
	Domain       string
	ClientID     string
	ClientSecret string
	// ClientAssertionKey authenticates ClientID with a signed JWT instead of ClientSecret.
	ClientAssertionKey *rsa.PrivateKey
	// ClientAssertionAlg is RS256 (when empty), RS384 or PS256.
	ClientAssertionAlg string
	Audience           string
	// Scopes narrows the token; empty asks for every granted scope.
	Scopes []string
	// Organization is the ID (or, where the tenant allows it, the name) of the
	// organization the token is for; empty asks for none.
	Organization string
}

// Token is a token endpoint's answer.
type Token struct {
	AccessToken string `json:"access_token" log:"secret"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

// String returns a pointer to v, for building request objects.
func String(v string) *string { return &v }

// Int64 returns a pointer to v.
func Int64(v int64) *int64 { return &v }

// Bool returns a pointer to v.
func Bool(v bool) *bool { return &v }
