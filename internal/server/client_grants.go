package server

import (
	"encoding/json"
	"errors"
	"net/http"
)

// clientGrantRecord authorizes a client for an API. Audience is stored in
// its host-independent form (see managementAPIKey). A grant's subject_type
// says whether it authorizes the client itself (client credentials; "client",
// the default) or users through the client ("user"); a client may hold one
// of each for the same API, and only the former lets it get tokens here.
type clientGrantRecord struct {
	ID             string   `json:"id"`
	ClientID       string   `json:"client_id"`
	Audience       string   `json:"audience"`
	Scope          []string `json:"scope"`
	SubjectType    string   `json:"subject_type,omitempty"`
	AllowAllScopes *bool    `json:"allow_all_scopes,omitempty"`
	// Extra holds the properties the server only stores (see
	// clientGrantSchema).
	Extra extras `json:"extra,omitempty"`
}

// clientGrantSchema lists the other grant properties the real service
// accepts on a create and an update.
var clientGrantSchema = map[string]propSpec{
	"organization_usage":          pEnum("deny", "allow", "require").orNull(),
	"allow_any_organization":      pBool().orNull(),
	"authorization_details_types": pStrings(),
}

const subjectTypeUser = "user"

func errInexistentClientGrant() *apiError {
	return newError(http.StatusNotFound, "inexistent_client_grant", "The client grant does not exist")
}

func (c *call) renderClientGrant(g clientGrantRecord) any {
	g.Audience = c.renderAudience(g.Audience)
	if g.Scope == nil {
		g.Scope = []string{}
	}
	extra := g.Extra
	g.Extra = nil
	return renderWithExtras(g, extra)
}

// grantKey is the uniqueness key of a grant: a client has at most one grant
// per audience and subject type. Client grants keep the key they always had.
func grantKey(clientID, audience, subjectType string) string {
	if subjectType == subjectTypeUser {
		return indexClientGrant(clientID, audience) + "\x00" + subjectTypeUser
	}
	return indexClientGrant(clientID, audience)
}

// grantFor finds the client-credentials grant of a client for a stored
// audience. The caller holds the lock.
func (c *call) grantFor(clientID, audience string) (clientGrantRecord, error) {
	return c.grantBy(grantKey(clientID, audience, ""))
}

func (c *call) grantBy(key string) (clientGrantRecord, error) {
	var id string
	var g clientGrantRecord
	if err := c.s.getJSON(c.t.name, KindIndex, key, &id); err != nil {
		return g, err
	}
	err := c.s.getJSON(c.t.name, KindClientGrants, id, &g)
	return g, err
}

// grantsAllScopes reports whether the grant covers every scope of its API.
func (g clientGrantRecord) grantsAllScopes() bool {
	return g.AllowAllScopes != nil && *g.AllowAllScopes
}

// grants returns the grants that pass keep. The caller holds the lock.
func (c *call) grants(keep func(clientGrantRecord) bool) ([]clientGrantRecord, error) {
	raws, err := c.s.store.List(c.t.name, KindClientGrants)
	if err != nil {
		return nil, err
	}
	var out []clientGrantRecord
	for _, raw := range raws {
		var g clientGrantRecord
		if err := json.Unmarshal(raw, &g); err != nil {
			return nil, err
		}
		if keep(g) {
			out = append(out, g)
		}
	}
	return out, nil
}

// deleteGrantRecord removes a grant and its index entry. The caller holds
// the write lock.
func (c *call) deleteGrantRecord(g clientGrantRecord) error {
	if err := c.s.store.Delete(c.t.name, KindIndex, grantKey(g.ClientID, g.Audience, g.SubjectType)); err != nil {
		return err
	}
	return c.s.store.Delete(c.t.name, KindClientGrants, g.ID)
}

// grantScopes decodes the scope property and checks every value against the
// API. Duplicates are dropped: the grant is a set.
func grantScopes(b *body, api resourceServerRecord) ([]string, error) {
	scopes, err := b.strings("scope")
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(*scopes))
	for _, s := range *scopes {
		defined := false
		if api.Scopes != nil {
			for _, sc := range *api.Scopes {
				if sc.Value == s {
					defined = true
					break
				}
			}
		}
		if !defined {
			return nil, errProperty("scope", "The scope "+s+" is not defined by the resource server")
		}
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// applyGrant decodes the mutable properties of b other than scope into g.
func applyGrant(b *body, g *clientGrantRecord) error {
	all, err := b.boolean("allow_all_scopes")
	if err != nil {
		return err
	}
	if all != nil {
		g.AllowAllScopes = all
	}
	return applyExtras(b, clientGrantSchema, &g.Extra)
}

func (c *call) getGrantRecord() (clientGrantRecord, error) {
	var g clientGrantRecord
	err := c.s.getJSON(c.t.name, KindClientGrants, c.id(), &g)
	if errors.Is(err, ErrNotFound) {
		return g, errInexistentClientGrant()
	}
	return g, err
}

func createClientGrant(c *call) error {
	b, err := c.readBody(append([]string{"client_id", "audience", "scope", "subject_type", "allow_all_scopes"}, schemaNames(clientGrantSchema)...)...)
	if err != nil {
		return err
	}
	clientID, err := b.str("client_id")
	if err != nil {
		return err
	}
	audience, err := b.str("audience")
	if err != nil {
		return err
	}
	switch {
	case clientID == nil:
		return errPayload("Missing required property: client_id")
	case audience == nil:
		return errPayload("Missing required property: audience")
	case !b.has("scope"):
		return errPayload("Missing required property: scope")
	}
	if _, err := b.strings("scope"); err != nil {
		return err
	}
	subjectType, err := b.str("subject_type")
	if err != nil {
		return err
	}
	g := clientGrantRecord{ID: newClientGrantID(), ClientID: *clientID}
	if subjectType != nil {
		if *subjectType != "client" && *subjectType != subjectTypeUser {
			return errProperty("subject_type", "No enum match for: "+*subjectType)
		}
		g.SubjectType = *subjectType
	}
	if err := applyGrant(b, &g); err != nil {
		return err
	}

	unlock, err := c.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	var cl clientRecord
	if err := c.s.getJSON(c.t.name, KindClients, *clientID, &cl); err != nil {
		if errors.Is(err, ErrNotFound) {
			return errInexistentClient()
		}
		return err
	}
	stored := c.storedAudience(*audience)
	api, err := c.resourceServerByIdentifier(stored)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return errInexistentResourceServer()
		}
		return err
	}
	scopes, err := grantScopes(b, api)
	if err != nil {
		return err
	}
	key := grantKey(*clientID, stored, g.SubjectType)
	if _, err := c.grantBy(key); err == nil {
		return errConflict("A client grant for this client and audience already exists")
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	g.Audience, g.Scope = stored, scopes
	if err := c.s.putJSON(c.t.name, KindClientGrants, g.ID, g); err != nil {
		return err
	}
	if err := c.s.putJSON(c.t.name, KindIndex, key, g.ID); err != nil {
		return err
	}
	return c.json(http.StatusCreated, c.renderClientGrant(g))
}

func getClientGrant(c *call) error {
	unlock, err := c.readLock()
	if err != nil {
		return err
	}
	defer unlock()
	g, err := c.getGrantRecord()
	if err != nil {
		return err
	}
	return c.jsonProjected(c.renderClientGrant(g))
}

func listClientGrants(c *call) error {
	q := c.r.URL.Query()
	var keep func(clientGrantRecord) bool
	_, byAudience := q["audience"]
	_, byClient := q["client_id"]
	if byAudience || byClient {
		audience := c.storedAudience(q.Get("audience"))
		clientID := q.Get("client_id")
		keep = func(g clientGrantRecord) bool {
			return (!byAudience || g.Audience == audience) && (!byClient || g.ClientID == clientID)
		}
	}
	return listPage(c, c.t.name, KindClientGrants, "client_grants", keep,
		func(g clientGrantRecord) any { return c.renderClientGrant(g) })
}

func updateClientGrant(c *call) error {
	b, err := c.readBody(append([]string{"scope", "allow_all_scopes"}, schemaNames(clientGrantSchema)...)...)
	if err != nil {
		return err
	}
	if b.has("scope") {
		if _, err := b.strings("scope"); err != nil {
			return err
		}
	}
	// Validate the other properties before anything is looked up.
	var probe clientGrantRecord
	if err := applyGrant(b, &probe); err != nil {
		return err
	}
	unlock, err := c.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	g, err := c.getGrantRecord()
	if err != nil {
		return err
	}
	if b.has("scope") {
		api, err := c.resourceServerByIdentifier(g.Audience)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		scopes, err := grantScopes(b, api)
		if err != nil {
			return err
		}
		g.Scope = scopes
	}
	if err := applyGrant(b, &g); err != nil {
		return err
	}
	if err := c.s.putJSON(c.t.name, KindClientGrants, g.ID, g); err != nil {
		return err
	}
	return c.json(http.StatusOK, c.renderClientGrant(g))
}

func deleteClientGrant(c *call) error {
	unlock, err := c.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	g, err := c.getGrantRecord()
	if isNotFound(err) {
		return c.noContent()
	}
	if err != nil {
		return err
	}
	if err := c.deleteGrantRecord(g); err != nil {
		return err
	}
	return c.noContent()
}
