package server

import (
	"errors"
	"net/http"
)

// clientRecord is an application, as stored. The secret is stored and
// rendered only to tokens allowed to see it.
type clientRecord struct {
	ClientID                string             `json:"client_id"`
	ClientSecret            string             `json:"client_secret,omitempty"`
	Tenant                  string             `json:"tenant"`
	Global                  bool               `json:"global"`
	Name                    string             `json:"name"`
	Description             *string            `json:"description,omitempty"`
	AppType                 *string            `json:"app_type,omitempty"`
	GrantTypes              []string           `json:"grant_types"`
	TokenEndpointAuthMethod string             `json:"token_endpoint_auth_method"`
	IsFirstParty            bool               `json:"is_first_party"`
	ClientMetadata          *map[string]string `json:"client_metadata,omitempty"`
}

var clientProperties = []string{
	"name", "description", "app_type", "grant_types", "token_endpoint_auth_method",
	"is_first_party", "client_metadata",
}

var appTypes = []string{"non_interactive", "spa", "native", "regular_web"}

var authMethods = []string{"client_secret_post", "client_secret_basic", "none"}

// grantTypes are the grant types the real service knows.
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

// renderClient hides the secret unless the token may read client keys.
func (c *call) renderClient(cl clientRecord) clientRecord {
	if c.claims == nil || !c.claims.hasScope("read:client_keys") {
		cl.ClientSecret = ""
	}
	if cl.GrantTypes == nil {
		cl.GrantTypes = []string{}
	}
	return cl
}

// applyClient decodes the mutable properties of b into cl.
func applyClient(b *body, cl *clientRecord) error {
	name, err := b.str("name")
	if err != nil {
		return err
	}
	if name != nil {
		if err := checkLength("name", *name, 1, 256); err != nil {
			return err
		}
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
	method, err := b.str("token_endpoint_auth_method")
	if err != nil {
		return err
	}
	if method != nil {
		if !contains(authMethods, *method) {
			return errProperty("token_endpoint_auth_method", "No enum match for: "+*method)
		}
		cl.TokenEndpointAuthMethod = *method
	}
	firstParty, err := b.boolean("is_first_party")
	if err != nil {
		return err
	}
	if firstParty != nil {
		cl.IsFirstParty = *firstParty
	}
	md, err := b.stringMap("client_metadata")
	if err != nil {
		return err
	}
	if md != nil {
		cl.ClientMetadata = md
	}
	return nil
}

// getClientRecord loads the route's client. The caller holds the lock.
func (c *call) getClientRecord() (clientRecord, error) {
	var cl clientRecord
	err := c.s.getJSON(c.t.name, KindClients, c.id(), &cl)
	if errors.Is(err, ErrNotFound) {
		return cl, errInexistentClient()
	}
	return cl, err
}

func createClient(c *call) error {
	if err := c.authorize("create:clients"); err != nil {
		return err
	}
	b, err := c.readBody(clientProperties...)
	if err != nil {
		return err
	}
	if !b.has("name") {
		return errPayload("Missing required property: name")
	}
	cl := clientRecord{
		ClientID:                newClientID(),
		ClientSecret:            newClientSecret(),
		Tenant:                  tenantLabel(c.t.name),
		GrantTypes:              []string{"client_credentials"},
		TokenEndpointAuthMethod: "client_secret_post",
		IsFirstParty:            true,
	}
	if err := applyClient(b, &cl); err != nil {
		return err
	}
	unlock, err := c.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := c.s.putJSON(c.t.name, KindClients, cl.ClientID, cl); err != nil {
		return err
	}
	// The creator always sees the new secret: it has no other way to
	// learn it without read:client_keys.
	return c.json(http.StatusCreated, cl)
}

func getClient(c *call) error {
	if err := c.authorize("read:clients"); err != nil {
		return err
	}
	unlock, err := c.readLock()
	if err != nil {
		return err
	}
	defer unlock()
	cl, err := c.getClientRecord()
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, c.renderClient(cl))
}

func listClients(c *call) error {
	return listPage(c, "read:clients", c.t.name, KindClients, "clients", nil,
		func(cl clientRecord) any { return c.renderClient(cl) })
}

func updateClient(c *call) error {
	if err := c.authorize("update:clients"); err != nil {
		return err
	}
	b, err := c.readBody(clientProperties...)
	if err != nil {
		return err
	}
	unlock, err := c.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	cl, err := c.getClientRecord()
	if err != nil {
		return err
	}
	if err := applyClient(b, &cl); err != nil {
		return err
	}
	if err := c.s.putJSON(c.t.name, KindClients, cl.ClientID, cl); err != nil {
		return err
	}
	return c.json(http.StatusOK, c.renderClient(cl))
}

func rotateClientSecret(c *call) error {
	if err := c.authorize("update:clients"); err != nil {
		return err
	}
	unlock, err := c.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	cl, err := c.getClientRecord()
	if err != nil {
		return err
	}
	cl.ClientSecret = newClientSecret()
	if err := c.s.putJSON(c.t.name, KindClients, cl.ClientID, cl); err != nil {
		return err
	}
	return c.json(http.StatusOK, cl)
}

func deleteClient(c *call) error {
	if err := c.authorize("delete:clients"); err != nil {
		return err
	}
	unlock, err := c.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	id := c.id()
	grants, err := c.grants(func(g clientGrantRecord) bool { return g.ClientID == id })
	if err != nil {
		return err
	}
	for _, g := range grants {
		if err := c.deleteGrantRecord(g); err != nil {
			return err
		}
	}
	if err := c.s.store.Delete(c.t.name, KindClients, id); err != nil {
		return err
	}
	return c.noContent()
}
