package server

import (
	"encoding/json"
	"errors"
	"maps"
	"math"
	"net/http"
)

// clientRecord is an application, as stored. Extra holds the properties the
// server only stores.
type clientRecord struct {
	ClientID                string             `json:"client_id"`
	ClientSecret            string             `json:"client_secret,omitempty"`
	Tenant                  string             `json:"tenant"`
	Name                    string             `json:"name"`
	Description             *string            `json:"description,omitempty"`
	AppType                 *string            `json:"app_type,omitempty"`
	GrantTypes              []string           `json:"grant_types"`
	TokenEndpointAuthMethod string             `json:"token_endpoint_auth_method,omitempty"`
	IsFirstParty            bool               `json:"is_first_party"`
	ClientMetadata          *map[string]string `json:"client_metadata,omitempty"`
	Extra                   extras             `json:"extra,omitempty"`
}

var clientProperties = append([]string{
	"name", "description", "app_type", "grant_types", "token_endpoint_auth_method",
	"is_first_party", "client_metadata", "client_secret", "client_authentication_methods",
}, schemaNames(clientSchema)...)

var clientSchema = map[string]propSpec{
	"logo_uri":                            pString(),
	"callbacks":                           pStrings(),
	"allowed_origins":                     pStrings(),
	"web_origins":                         pStrings(),
	"client_aliases":                      pStrings(),
	"allowed_clients":                     pStrings(),
	"allowed_logout_urls":                 pStrings(),
	"oidc_conformant":                     pBool(),
	"is_token_endpoint_ip_header_trusted": pBool(),
	"jwt_configuration": pObject(map[string]propSpec{
		"alg":                 pString(),
		"lifetime_in_seconds": pInteger(),
		"secret_encoded":      pBool(),
		"scopes":              pAnyObject(),
	}),
	"encryption_key": pObject(map[string]propSpec{
		"pub": pString(), "cert": pString(), "subject": pString(),
	}).orNull(),
	"sso":          pBool(),
	"sso_disabled": pBool(),
	// cross_origin_auth is the older spelling, still accepted and returned.
	"cross_origin_authentication": pBool(),
	"cross_origin_auth":           pBool(),
	"cross_origin_loc":            pString().orNull(),
	"custom_login_page_on":        pBool(),
	"custom_login_page":           pString(),
	"custom_login_page_preview":   pString(),
	"form_template":               pString(),
	"addons":                      pAnyObject().orNull(), // null: oas.BeyondNull
	"mobile":                      pAnyObject(),
	"initiate_login_uri":          pString(), // "" removes it

	"native_social_login": pAnyObject().orNull(),
	"refresh_token": pObject(map[string]propSpec{
		"rotation_type":                pString(),
		"expiration_type":              pString(),
		"leeway":                       pInteger(),
		"token_lifetime":               pInteger(),
		"infinite_token_lifetime":      pBool(),
		"idle_token_lifetime":          pInteger(),
		"infinite_idle_token_lifetime": pBool(),
		"policies":                     pArray(pAnyObject()).orNull(),
	}).orNull(),
	"default_organization":                                 pAnyObject().orNull(),
	"organization_usage":                                   pString().orNull(),
	"organization_require_behavior":                        pString().orNull(),
	"organization_discovery_methods":                       pStrings().orNull(),
	"require_pushed_authorization_requests":                pBool(),
	"require_proof_of_possession":                          pBool(),
	"signed_request_object":                                pAnyObject().orNull(),
	"compliance_level":                                     pString().orNull(),
	"oidc_logout":                                          pAnyObject(),
	"oidc_backchannel_logout":                              pAnyObject().orNull(), // null: oas.BeyondNull
	"session_transfer":                                     pAnyObject().orNull(),
	"token_exchange":                                       pAnyObject().orNull(),
	"token_quota":                                          pAnyObject().orNull(),
	"skip_non_verifiable_callback_uri_confirmation_prompt": pBool().orNull(),
	"async_approval_notification_channels":                 pStrings().orNull(),
	"resource_server_identifier":                           pString(),
	"third_party_security_mode":                            pString(),
	"redirection_policy":                                   pString(),
	"par_request_expiry":                                   pInteger().orNull(),
	"fedcm_login":                                          pAnyObject().orNull(),
	"express_configuration":                                pAnyObject().orNull(),
	"my_organization_configuration": pObject(map[string]propSpec{
		"allowed_strategies":           pStrings(),
		"connection_deletion_behavior": pString(),
		"connection_profile_id":        pString(),
		"invitation_landing_client_id": pString(),
		"user_attribute_profile_id":    pString(),
	}).orNull(),
}

var appTypes = []string{
	"non_interactive", "spa", "native", "regular_web", "resource_server", "express_configuration",
	"rms", "box", "cloudbees", "concur", "dropbox", "mscrm", "echosign", "egnyte",
	"newrelic", "office365", "salesforce", "sentry", "sharepoint", "slack", "springcm",
	"zendesk", "zoom", "sso_integration", "oag",
}

var authMethods = []string{authSecretPost, authSecretBasic, authNone}

var grantTypes = []string{
	"client_credentials", "authorization_code", "implicit", "refresh_token", "password",
	"http://auth0.com/oauth/grant-type/password-realm",
	"http://auth0.com/oauth/grant-type/mfa-oob",
	"http://auth0.com/oauth/grant-type/mfa-otp",
	"http://auth0.com/oauth/grant-type/mfa-recovery-code",
	"urn:ietf:params:oauth:grant-type:device_code",
	"urn:ietf:params:oauth:grant-type:token-exchange",
	"urn:openid:params:grant-type:ciba",
}

func errInexistentClient() *apiError {
	return newError(http.StatusNotFound, "inexistent_client", "The client does not exist")
}

const (
	authSecretPost  = "client_secret_post"
	authSecretBasic = "client_secret_basic"
	authNone        = "none" // a public client: no secret in use
)

// publicAppTypes are public clients unless they say otherwise.
var publicAppTypes = []string{"spa", "native"}

// mergedClientObjects are merged by a PATCH, as Auth0 merges them: a key sent replaces the stored
// one, a null removes it, the others are kept. Auth0's answers recorded in the official
// provider's test data show it: a PATCH of jwt_configuration {alg} keeps lifetime_in_seconds,
// of mobile {android} keeps ios, of native_social_login {facebook} keeps apple and google, of
// signed_request_object {required} keeps credentials, of session_transfer {delegation: null}
// keeps the rest.
var mergedClientObjects = []string{"jwt_configuration", "mobile", "native_social_login", "session_transfer", "signed_request_object"}

// sessionTransferDefaults are what Auth0 answers for the keys of a session_transfer never set:
// the spec's defaults, and an empty allowed_authentication_methods, as its recorded answer to
// the official provider's create has.
const sessionTransferDefaults = `{"allow_refresh_token":false,"allowed_authentication_methods":[],"can_create_session_transfer_token":false,` +
	`"enforce_cascade_revocation":true,"enforce_device_binding":"ip","enforce_online_refresh_tokens":true}`

// mergeObject is base with patch's keys set, and those patch sets to null removed.
func mergeObject(base, patch json.RawMessage) (json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if len(base) > 0 {
		if err := json.Unmarshal(base, &m); err != nil {
			return nil, err
		}
	}
	var p map[string]json.RawMessage
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, err
	}
	for k, v := range p {
		if jsonType(v) == "null" {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

var clientDefaults = extras{
	"custom_login_page_on":                json.RawMessage(`true`),
	"jwt_configuration":                   json.RawMessage(`{"lifetime_in_seconds":36000,"secret_encoded":false}`),
	"refresh_token":                       json.RawMessage(`{"expiration_type":"non-expiring","idle_token_lifetime":1296000,"infinite_idle_token_lifetime":true,"infinite_token_lifetime":true,"leeway":0,"rotation_type":"non-rotating","token_lifetime":2592000}`),
	"oidc_conformant":                     json.RawMessage(`false`),
	"sso_disabled":                        json.RawMessage(`false`),
	"cross_origin_authentication":         json.RawMessage(`false`),
	"is_token_endpoint_ip_header_trusted": json.RawMessage(`false`),
}

var (
	defaultGrantTypes       = []string{"authorization_code", "implicit", "refresh_token", "client_credentials"}
	defaultPublicGrantTypes = []string{"authorization_code", "implicit", "refresh_token"}
)

type signingKeyInfo struct {
	Cert    string `json:"cert"`
	Subject string `json:"subject"`
}

type clientResponse struct {
	clientRecord
	SigningKeys []signingKeyInfo `json:"signing_keys,omitempty"`
}

// clientKeyProperties are shown, with client_secret and signing_keys, only
// to a token that may read client keys.
var clientKeyProperties = []string{"encryption_key", "client_authentication_methods"}

func (c *call) mayReadKeys() bool {
	return c.claims != nil && c.claims.hasAnyScope(readKeyScopes...)
}

func (c *call) clientJSON(cl clientRecord, keys bool) any {
	if cl.GrantTypes == nil {
		cl.GrantTypes = []string{}
	}
	extra := cl.Extra
	cl.Extra = nil
	if _, ok := extra["client_authentication_methods"]; ok {
		// Auth0 answers no client_secret either (its recorded answers to the official
		// provider's PATCH setting private_key_jwt), though it keeps the secret.
		cl.TokenEndpointAuthMethod = ""
		cl.ClientSecret = ""
	}
	if !keys {
		cl.ClientSecret = ""
		extra = maps.Clone(extra)
		for _, k := range clientKeyProperties {
			delete(extra, k)
		}
		return renderWithExtras(clientResponse{clientRecord: cl}, extra)
	}
	resp := clientResponse{clientRecord: cl, SigningKeys: []signingKeyInfo{{Cert: c.t.key.certPEM, Subject: "deprecated"}}}
	return renderWithExtras(resp, extra)
}

func applyClient(b *body, cl *clientRecord) error {
	name, err := b.str("name")
	if err != nil {
		return err
	}
	if name != nil {
		cl.Name = *name
	}
	desc, err := b.str("description")
	if err != nil {
		return err
	}
	if desc != nil {
		if err := checkLength("description", *desc, 0, 140); err != nil {
			return err
		}
		cl.Description = desc
	}
	appType, err := b.str("app_type")
	if err != nil {
		return err
	}
	if appType != nil {
		if !contains(appTypes, *appType) {
			return errProperty("app_type", "No enum match for: "+*appType)
		}
		cl.AppType = appType
	}
	gts, err := b.strings("grant_types")
	if err != nil {
		return err
	}
	if gts != nil {
		seen := make([]string, 0, len(*gts))
		for _, gt := range *gts {
			if !contains(grantTypes, gt) {
				return errProperty("grant_types", "No enum match for: "+gt)
			}
			if !contains(seen, gt) {
				seen = append(seen, gt)
			}
		}
		cl.GrantTypes = seen
	}
	// null is settled by applyAuthentication.
	method, err := b.str("token_endpoint_auth_method")
	if raw, ok := b.fields["token_endpoint_auth_method"]; ok && jsonType(raw) == "null" {
		method, err = nil, nil
	}
	if err != nil {
		return err
	}
	if method != nil {
		if !contains(authMethods, *method) {
			return errProperty("token_endpoint_auth_method", "No enum match for: "+*method)
		}
		cl.TokenEndpointAuthMethod = *method
	}
	if cl.TokenEndpointAuthMethod == authNone && contains(cl.GrantTypes, "client_credentials") {
		return errInvalidBody("Public clients (token_endpoint_auth_method none) cannot use the client_credentials grant")
	}
	firstParty, err := b.boolean("is_first_party")
	if err != nil {
		return err
	}
	if firstParty != nil {
		cl.IsFirstParty = *firstParty
	}
	if err := applyClientMetadata(b, cl); err != nil {
		return err
	}
	secret, err := b.str("client_secret")
	if err != nil {
		return err
	}
	if secret != nil {
		if err := checkLength("client_secret", *secret, 1, math.MaxInt); err != nil {
			return err
		}
		cl.ClientSecret = *secret
	}
	stored := maps.Clone(cl.Extra)
	if err := applyExtras(b, clientSchema, &cl.Extra); err != nil {
		return err
	}
	if err := mergeClientObjects(b, stored, cl); err != nil {
		return err
	}
	// oidc_backchannel_logout is the deprecated name of oidc_logout; Auth0 removes both.
	if raw, ok := b.fields["oidc_backchannel_logout"]; ok && jsonType(raw) == "null" {
		delete(cl.Extra, "oidc_logout")
	}
	if v, ok := cl.Extra["initiate_login_uri"]; ok && string(v) == `""` {
		delete(cl.Extra, "initiate_login_uri")
	}
	if v, ok := cl.Extra["oidc_logout"]; ok && string(v) == `{}` {
		delete(cl.Extra, "oidc_logout")
	}
	if len(cl.Extra) == 0 {
		cl.Extra = nil
	}
	return nil
}

// mergeClientObjects merges each of mergedClientObjects that b sets into what was stored (a
// session_transfer into its defaults, on a create too).
func mergeClientObjects(b *body, stored extras, cl *clientRecord) error {
	for _, k := range mergedClientObjects {
		raw, ok := b.fields[k]
		if !ok || jsonType(raw) == "null" {
			continue
		}
		base := stored[k]
		if base == nil && k == "session_transfer" {
			base = json.RawMessage(sessionTransferDefaults)
		}
		if base == nil {
			continue
		}
		merged, err := mergeObject(base, cl.Extra[k])
		if err != nil {
			return errType(k, "object", raw)
		}
		cl.Extra[k] = merged
	}
	return nil
}

// applyClientMetadata merges client_metadata: null removes a key, and keys
// not sent are kept.
func applyClientMetadata(b *body, cl *clientRecord) error {
	md, ok, err := mergeMetadata(b, "client_metadata", cl.ClientMetadata)
	if !ok || err != nil {
		return err
	}
	if err := checkMetadata("client_metadata", md); err != nil {
		return err
	}
	cl.ClientMetadata = &md
	return nil
}

func createClient(c *call) error {
	b, err := c.readBody(clientProperties...)
	if err != nil {
		return err
	}
	var newCreds []parsedCredential
	var newMethod string
	if raw, ok := b.fields["client_authentication_methods"]; ok {
		if err := c.requireScope(scopeCreateCredentials); err != nil {
			return err
		}
		if b.has("token_endpoint_auth_method") {
			return errAuthMethodsExclusive()
		}
		if newMethod, newCreds, err = newClientCredentials(raw, c.s.now()); err != nil {
			return err
		}
	}
	if raw, ok := b.fields["token_endpoint_auth_method"]; ok && jsonType(raw) == "null" {
		return errType("token_endpoint_auth_method", "string", raw)
	}
	if !b.has("name") {
		return errPayload("Missing required property: name")
	}
	cl := clientRecord{
		ClientID:                newClientID(),
		ClientSecret:            newClientSecret(),
		Tenant:                  tenantLabel(c.t.name),
		TokenEndpointAuthMethod: authSecretPost,
		IsFirstParty:            true,
	}
	if appType, err := b.str("app_type"); err == nil && appType != nil && contains(publicAppTypes, *appType) {
		cl.TokenEndpointAuthMethod = authNone
	}
	if method, err := b.str("token_endpoint_auth_method"); err == nil && method != nil {
		cl.TokenEndpointAuthMethod = *method
	}
	cl.GrantTypes = defaultGrantTypes
	if cl.TokenEndpointAuthMethod == authNone {
		cl.GrantTypes = defaultPublicGrantTypes
	}
	if err := applyClient(b, &cl); err != nil {
		return err
	}
	if b.has("oidc_logout") {
		if err := defaultLogoutInitiators(&cl); err != nil {
			return err
		}
	}
	if newCreds != nil {
		if err := checkAssertionJWTConfig(cl); err != nil {
			return err
		}
		ids := make([]string, 0, len(newCreds))
		for _, pc := range newCreds {
			ids = append(ids, pc.rec.ID)
		}
		setAuthMethods(&cl, newMethod, ids)
	}
	for k, v := range clientDefaults {
		if _, set := cl.Extra[k]; !set && !b.has(k) {
			if cl.Extra == nil {
				cl.Extra = extras{}
			}
			cl.Extra[k] = v
		}
	}
	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := c.repo.roomFor(KindClients, c.s.maxObjects); err != nil {
		return err
	}
	if err := c.repo.addCredentials(cl.ClientID, newCreds...); err != nil {
		return err
	}
	if err := clients.save(c, cl); err != nil {
		return err
	}
	if err := c.linkResourceServer(cl); err != nil {
		return err
	}
	if err := c.repo.enableOnAllConnections(cl.ClientID); err != nil {
		return err
	}
	// The creator always sees the new secret: without read:client_keys it
	// has no other way to learn it.
	return c.json(http.StatusCreated, c.clientJSON(cl, true))
}

// defaultLogoutInitiators gives a new client's oidc_logout the
// backchannel_logout_initiators Auth0 answers when none were sent (recorded
// by Auth0's provider's tests: a create with oidc_logout {} answers them).
func defaultLogoutInitiators(cl *clientRecord) error {
	var logout map[string]json.RawMessage
	if err := json.Unmarshal(cl.Extra["oidc_logout"], &logout); err != nil || logout == nil {
		logout = map[string]json.RawMessage{}
	}
	if _, ok := logout["backchannel_logout_initiators"]; ok {
		return nil
	}
	logout["backchannel_logout_initiators"] = json.RawMessage(`{"mode":"custom","selected_initiators":["rp-logout","idp-logout"]}`)
	raw, err := json.Marshal(logout)
	if err != nil {
		return err
	}
	if cl.Extra == nil {
		cl.Extra = extras{}
	}
	cl.Extra["oidc_logout"] = raw
	return nil
}

// linkResourceServer records, on the API a new client names in
// resource_server_identifier, that client's ID, which Auth0 answers as the
// API's client_id (recorded by Auth0's provider's tests). The spec lets only
// a create set the identifier; an API that does not exist is left alone.
func (c *call) linkResourceServer(cl clientRecord) error {
	raw, ok := cl.Extra["resource_server_identifier"]
	if !ok {
		return nil
	}
	var identifier string
	if err := json.Unmarshal(raw, &identifier); err != nil {
		return err // applyClient checked it is a string
	}
	rs, err := c.repo.resourceServerByIdentifier(c.storedAudience(identifier))
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	rs.ClientID = cl.ClientID
	return c.repo.put(KindResourceServers, rs.ID, rs)
}

var clients = objects[clientRecord]{
	find:   func(c *call) (clientRecord, error) { return c.repo.client(c.id()) },
	save:   func(c *call, cl clientRecord) error { return c.repo.put(KindClients, cl.ClientID, cl) },
	render: func(c *call, cl clientRecord) any { return c.clientJSON(cl, c.mayReadKeys()) },
}

// clientReads render a client as the token reading it may see it.
var clientReads = objects[clientRecord]{find: clients.find, render: (*call).clientReadView}

func getClient(c *call) error { return getObject(c, clientReads) }

// clientSummaryProperties are what the spec says any of the read scopes
// reads; the others need read:clients or read:client_keys, and the keys
// read:client_keys or read:client_credentials.
var clientSummaryProperties = []string{"client_id", "app_type", "name", "description"}

// clientReadView is a client as GET /clients and /clients/{id} answer it: a
// token with neither read:clients nor read:client_keys (read:client_summary,
// or read:client_credentials) sees the summary, and its keys only with
// read:client_credentials.
func (c *call) clientReadView(cl clientRecord) any {
	keys := c.mayReadKeys()
	if c.claims != nil && c.claims.hasAnyScope(readClientScopes...) {
		return c.clientJSON(cl, keys)
	}
	full, err := json.Marshal(c.clientJSON(cl, keys))
	if err != nil {
		return nil
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(full, &all); err != nil {
		return nil
	}
	out := map[string]json.RawMessage{}
	visible := clientSummaryProperties
	if keys {
		visible = append(append(append([]string(nil), visible...), clientKeyProperties...), "client_secret", "signing_keys")
	}
	for _, k := range visible {
		if v, ok := all[k]; ok {
			out[k] = v
		}
	}
	return out
}

func listClients(c *call) error {
	p, err := c.pagination()
	if err != nil {
		return err
	}
	f, err := clientFilters(c.r.URL.Query(), p)
	if err != nil {
		return err
	}
	unlock, err := c.repo.readLock()
	if err != nil {
		return err
	}
	raws, err := c.repo.list(KindClients)
	if err == nil && (f.anyOrganization || f.organization != nil) {
		f.granted = map[string]bool{}
		_, err = c.repo.grants(func(g clientGrantRecord) bool {
			if (f.anyOrganization && g.allowsAnyOrganization()) ||
				(f.organization != nil && contains(g.Organizations, *f.organization)) {
				f.granted[g.ClientID] = true
			}
			return false
		})
	}
	unlock()
	if err != nil {
		return err
	}
	return writePage(c, p, "clients", raws, f.keep(),
		func(cl clientRecord) any { return c.clientReadView(cl) })
}

func updateClient(c *call) error {
	b, err := c.readBody(clientProperties...)
	if err != nil {
		return err
	}
	if err := c.checkClientUpdateScopes(b); err != nil {
		return err
	}
	if b.has("client_authentication_methods") {
		if err := c.requireScope(scopeUpdateCredentials); err != nil {
			return err
		}
	}
	if b.has("client_secret") {
		if err := c.requireScope(scopeRotateSecret); err != nil {
			return err
		}
	}
	withSecret := clients
	withSecret.save = func(c *call, cl clientRecord) error {
		if err := clients.save(c, cl); err != nil {
			return err
		}
		if b.has("client_secret") {
			return c.s.followRotation(c.t.name, cl)
		}
		return nil
	}
	return updateObject(c, withSecret, func(cl *clientRecord) error {
		if err := applyClient(b, cl); err != nil {
			return err
		}
		return c.applyAuthentication(b, cl)
	})
}

// checkClientUpdateScopes lets the route's narrower scopes change only what
// they are for: the spec's 403 for PATCH /clients/{id} names update:clients
// and update:client_keys as the scopes for a client's settings, and its notes
// name update:client_credentials for client_authentication_methods.
// update:client_token_vault_privileged_access is, by its name, for
// token_vault_privileged_access, a property the server does not serve, so a
// token with only that scope changes nothing.
func (c *call) checkClientUpdateScopes(b *body) error {
	if c.claims == nil || c.claims.hasAnyScope("update:clients", scopeRotateSecret) {
		return nil
	}
	for name := range b.fields {
		if name != "client_authentication_methods" || !c.claims.hasScope(scopeUpdateCredentials) {
			return errInsufficientScope("update:clients", scopeRotateSecret)
		}
	}
	return nil
}

func errAuthMethodsExclusive() *apiError {
	return errInvalidBody("The client_authentication_methods and token_endpoint_auth_method properties are mutually exclusive")
}

func setAuthMethods(cl *clientRecord, method string, credentialIDs []string) {
	raw, _ := json.Marshal(newAuthMethods(method, credentialIDs)) // plain structs always marshal
	if cl.Extra == nil {
		cl.Extra = extras{}
	}
	cl.Extra["client_authentication_methods"] = raw
	cl.TokenEndpointAuthMethod = ""
}

// applyAuthentication settles an update's client_authentication_methods
// and token_endpoint_auth_method, of which a client has one: setting
// either replaces the other, and setting both is refused.
func (c *call) applyAuthentication(b *body, cl *clientRecord) error {
	camRaw, camSet := b.fields["client_authentication_methods"]
	tepRaw, tepSet := b.fields["token_endpoint_auth_method"]
	camOn := camSet && jsonType(camRaw) != "null"
	tepOn := tepSet && jsonType(tepRaw) != "null"
	switch {
	case camOn && tepOn:
		return errAuthMethodsExclusive()
	case camOn:
		method, ids, err := credentialRefs(camRaw)
		if err != nil {
			return err
		}
		for _, id := range ids {
			cr, err := c.repo.credential(cl.ClientID, id)
			if isNotFound(err) {
				return errInvalidBody("The credential " + id + " does not exist on this client")
			} else if err != nil {
				return err
			}
			if cr.CredentialType != authMethodTypes[method] {
				return errCredentialType(method, cr.CredentialType)
			}
		}
		setAuthMethods(cl, method, ids)
	case camSet:
		delete(cl.Extra, "client_authentication_methods")
		if cl.TokenEndpointAuthMethod == "" {
			cl.TokenEndpointAuthMethod = authSecretPost
		}
	case tepOn:
		delete(cl.Extra, "client_authentication_methods")
	case tepSet:
		if _, _, ok := cl.authMethod(); !ok {
			return errInvalidBody("token_endpoint_auth_method can be null only for a client with client_authentication_methods")
		}
	}
	if len(cl.Extra) == 0 {
		cl.Extra = nil
	}
	if _, _, ok := cl.authMethod(); ok {
		return checkAssertionJWTConfig(*cl)
	}
	return nil
}

// checkAssertionJWTConfig applies Auth0's rule that a client with
// client_authentication_methods has jwt_configuration.alg RS256; a client
// that names no alg is taken to have Auth0's default, RS256.
func checkAssertionJWTConfig(cl clientRecord) error {
	var jc struct {
		Alg *string `json:"alg"`
	}
	if raw, ok := cl.Extra["jwt_configuration"]; ok && json.Unmarshal(raw, &jc) == nil && jc.Alg != nil && *jc.Alg != "RS256" {
		return errInvalidBody("To configure client_authentication_methods, the property jwt_configuration.alg must be set to RS256")
	}
	return nil
}

// rotateClientSecret always shows the new secret: its route needs
// update:client_keys.
func rotateClientSecret(c *call) error {
	withSecret := clients
	withSecret.save = func(c *call, cl clientRecord) error {
		if err := clients.save(c, cl); err != nil {
			return err
		}
		return c.s.followRotation(c.t.name, cl)
	}
	withSecret.render = func(c *call, cl clientRecord) any { return c.clientJSON(cl, true) }
	return updateObject(c, withSecret, func(cl *clientRecord) error {
		if _, ok := cl.usesPrivateKeyJWT(); ok {
			return errInvalidBody("The secret of a client configured with Private Key JWT authentication cannot be rotated")
		}
		cl.ClientSecret = newClientSecret()
		return nil
	})
}

func deleteClient(c *call) error {
	return deleteObject(c, clients, func(cl clientRecord) error { return c.repo.deleteClient(cl.ClientID) })
}
