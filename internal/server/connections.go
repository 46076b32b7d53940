package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"unicode/utf8"
)

// connectionRecord is a connection (a source of users), as stored. Its
// enabled clients are kept on the record, sorted by client_id, and are both
// the legacy enabled_clients property and what /connections/{id}/clients
// pages through. Options are kept as sent (see connectionOptionsAuth0 for
// what is checked). Extra holds the other properties the server only stores.
type connectionRecord struct {
	ID                 string             `json:"id"`
	Name               string             `json:"name"`
	DisplayName        *string            `json:"display_name,omitempty"`
	Strategy           string             `json:"strategy"`
	Options            extras             `json:"options"`
	IsDomainConnection bool               `json:"is_domain_connection"`
	Realms             []string           `json:"realms"`
	Metadata           *map[string]string `json:"metadata,omitempty"`
	EnabledClients     []string           `json:"enabled_clients"`
	Extra              extras             `json:"extra,omitempty"`
}

// defaultConnectionName is the database connection every new tenant has.
const defaultConnectionName = "Username-Password-Authentication"

// connectionNamePattern is the real service's rule for connection names:
// alphanumerics and single dashes between them, at most 128 characters.
var connectionNamePattern = regexp.MustCompile(`^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$`)

const maxConnectionName = 128

// strategyDatabase is the strategy of the real service's database
// connections, the one whose options the server checks.
const strategyDatabase = "auth0"

// connectionStrategies are the strategies the real service documents. Only
// auth0's options are checked; the others' are stored as sent.
var connectionStrategies = []string{
	"ad", "adfs", "amazon", "apple", "dropbox", "bitbucket", "aol", "auth0-oidc", strategyDatabase,
	"baidu", "bitly", "box", "custom", "daccount", "dwolla", "email", "evernote-sandbox", "evernote",
	"exact", "facebook", "fitbit", "flickr", "github", "google-apps", "google-oauth2", "instagram", "ip",
	"line", "linkedin", "miicard", "oauth1", "oauth2", "office365", "oidc", "okta", "paypal",
	"paypal-sandbox", "pingfederate", "planningcenter", "renren", "salesforce-community",
	"salesforce-sandbox", "salesforce", "samlp", "sharepoint", "shopify", "shop", "sms", "soundcloud",
	"thecity-sandbox", "thecity", "thirtysevensignals", "twitter", "untappd", "vkontakte", "waad",
	"weibo", "windowslive", "wordpress", "yahoo", "yammer", "yandex",
}

// connectionOptionsAuth0 are the well-known options of a database
// connection, with the real service's spellings (passwordPolicy and
// customScripts are camel case on the wire). Options not listed here are
// stored as sent: the real service's options object is open.
var connectionOptionsAuth0 = map[string]propSpec{
	"passwordPolicy": pEnum("none", "low", "fair", "good", "excellent").orNull(),
	"password_history": pObject(map[string]propSpec{
		"enable": pBool(), "size": pInt(0, 24),
	}),
	"password_no_personal_info": pObject(map[string]propSpec{"enable": pBool()}),
	"password_dictionary": pObject(map[string]propSpec{
		"enable": pBool(), "dictionary": pStrings(),
	}),
	"password_complexity_options":          pObject(map[string]propSpec{"min_length": pInt(1, 128)}),
	"brute_force_protection":               pBool(),
	"requires_username":                    pBool(),
	"disable_signup":                       pBool(),
	"import_mode":                          pBool(),
	"enabledDatabaseCustomization":         pBool(),
	"enable_script_context":                pBool(),
	"disable_self_service_change_password": pBool(),
	"realm_fallback":                       pBool(),
	"strategy_version":                     pInt(1, 2),
	"validation": pObject(map[string]propSpec{
		"username": pObject(map[string]propSpec{"min": pInt(1, 128), "max": pInt(1, 128)}),
	}),
	"mfa": pObject(map[string]propSpec{
		"active": pBool(), "return_enroll_settings": pBool(),
	}),
	"customScripts":            pMap(pString()),
	"configuration":            pMap(pString()),
	"set_user_root_attributes": pEnum("on_each_login", "on_first_login", "never_on_login"),
	"non_persistent_attrs":     pStrings(),
	"precedence":               pArray(pEnum("email", "phone_number", "username")),
	"upstream_params":          pAnyObject().orNull(),
	"attributes":               pAnyObject(),
	"authentication_methods":   pAnyObject(),
	"password_options":         pAnyObject(),
	"passkey_options":          pAnyObject(),
	"custom_password_hash":     pAnyObject(),
}

// connectionSchema lists the other connection properties the real service
// accepts on a create and an update, stored as sent.
var connectionSchema = map[string]propSpec{
	"show_as_button": pBool(),
	"authentication": pObject(map[string]propSpec{"active": pBool()}),
	"connected_accounts": pObject(map[string]propSpec{
		"active": pBool(), "cross_app_access": pBool(),
	}),
}

// connectionUpdatable are the properties of a PATCH; name and strategy are
// immutable, so sending them is "Additional properties not allowed".
var connectionUpdatable = append([]string{
	"display_name", "options", "enabled_clients", "is_domain_connection", "realms", "metadata",
}, schemaNames(connectionSchema)...)

var connectionProperties = append([]string{"name", "strategy"}, connectionUpdatable...)

func errInexistentConnection() *apiError {
	return newError(http.StatusNotFound, "inexistent_connection", "The connection does not exist")
}

// connectionJSON renders a connection with its stored-only properties.
func connectionJSON(cn connectionRecord) any {
	if cn.Options == nil {
		cn.Options = extras{}
	}
	if cn.Realms == nil {
		cn.Realms = []string{}
	}
	if cn.EnabledClients == nil {
		cn.EnabledClients = []string{}
	}
	extra := cn.Extra
	cn.Extra = nil
	return renderWithExtras(cn, extra)
}

// checkConnectionName applies the real service's name rule.
func checkConnectionName(name string) error {
	if err := checkLength("name", name, 1, maxConnectionName); err != nil {
		return err
	}
	if !connectionNamePattern.MatchString(name) {
		return errProperty("name", "String does not match pattern: "+connectionNamePattern.String())
	}
	return nil
}

// applyConnection decodes the mutable properties of b into cn, except
// enabled_clients, which needs the tenant's clients (see
// decodeEnabledClients).
func applyConnection(b *body, cn *connectionRecord) error {
	display, err := b.str("display_name")
	if err != nil {
		return err
	}
	if display != nil {
		if err := checkLength("display_name", *display, 1, maxConnectionName); err != nil {
			return err
		}
		cn.DisplayName = display
	}
	if raw, ok := b.fields["options"]; ok {
		opts, err := decodeConnectionOptions(cn.Strategy, raw)
		if err != nil {
			return err
		}
		// Options are replaced as a whole, as the real service does.
		cn.Options = opts
	}
	domain, err := b.boolean("is_domain_connection")
	if err != nil {
		return err
	}
	if domain != nil {
		cn.IsDomainConnection = *domain
	}
	realms, err := b.strings("realms")
	if err != nil {
		return err
	}
	if realms != nil {
		for _, r := range *realms {
			if err := checkLength("realms", r, 1, maxConnectionName); err != nil {
				return err
			}
		}
		cn.Realms = dedupe(*realms)
	}
	md, err := b.stringMap("metadata")
	if err != nil {
		return err
	}
	if md != nil {
		if err := checkMetadata("metadata", *md); err != nil {
			return err
		}
		cn.Metadata = md
	}
	return applyExtras(b, connectionSchema, &cn.Extra)
}

// decodeConnectionOptions checks a connection's options: an object (null
// empties it); for a database connection the well-known options are checked
// for their types, enums and ranges.
func decodeConnectionOptions(strategy string, raw json.RawMessage) (extras, error) {
	if jsonType(raw) == "null" {
		return nil, nil
	}
	if jsonType(raw) != "object" {
		return nil, errType("options", "object", raw)
	}
	ob, err := decodeObject(raw)
	if err != nil {
		return nil, errType("options", "object", raw)
	}
	var opts extras
	if strategy == strategyDatabase {
		for _, name := range sortedKeys(ob.fields) {
			if spec, ok := connectionOptionsAuth0[name]; ok {
				if err := checkValue("options."+name, ob.fields[name], spec); err != nil {
					return nil, err
				}
			}
		}
		if err := checkUsernameBounds(ob); err != nil {
			return nil, err
		}
	}
	opts = extras{}
	for name, v := range ob.fields {
		if jsonType(v) == "null" {
			continue // null removes an option
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, v); err != nil {
			return nil, errType("options."+name, jsonType(v), v)
		}
		opts[name] = buf.Bytes()
	}
	return opts, nil
}

// checkUsernameBounds refuses a username validation whose min exceeds its
// max.
func checkUsernameBounds(ob *body) error {
	var v struct {
		Username *struct {
			Min *int64 `json:"min"`
			Max *int64 `json:"max"`
		} `json:"username"`
	}
	raw, ok := ob.fields["validation"]
	if !ok {
		return nil
	}
	// The types were checked already, so this decodes.
	_ = json.Unmarshal(raw, &v)
	if v.Username == nil || v.Username.Min == nil || v.Username.Max == nil {
		return nil
	}
	if *v.Username.Min > *v.Username.Max {
		return errProperty("options.validation.username", "min ("+strconv.FormatInt(*v.Username.Min, 10)+") must not exceed max ("+strconv.FormatInt(*v.Username.Max, 10)+")")
	}
	return nil
}

// decodeEnabledClients reads the legacy enabled_clients property: client
// ids, each an existing client of the tenant. The caller holds the tenant's
// lock. It returns nil when the property is absent.
func (c *call) decodeEnabledClients(b *body) (*[]string, error) {
	ids, err := b.strings("enabled_clients")
	if err != nil || ids == nil {
		return nil, err
	}
	for _, id := range *ids {
		if _, err := c.repo.client(id); err != nil {
			return nil, err
		}
	}
	out := dedupe(*ids)
	sort.Strings(out)
	return &out, nil
}

func dedupe(in []string) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		if !contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func createConnection(c *call) error {
	b, err := c.readBody(connectionProperties...)
	if err != nil {
		return err
	}
	name, err := b.str("name")
	if err != nil {
		return err
	}
	strategy, err := b.str("strategy")
	if err != nil {
		return err
	}
	switch {
	case name == nil:
		return errPayload("Missing required property: name")
	case strategy == nil:
		return errPayload("Missing required property: strategy")
	}
	if err := checkConnectionName(*name); err != nil {
		return err
	}
	if !contains(connectionStrategies, *strategy) {
		return errProperty("strategy", "No enum match for: "+*strategy)
	}
	cn := connectionRecord{ID: newConnectionID(), Name: *name, Strategy: *strategy}
	if err := applyConnection(b, &cn); err != nil {
		return err
	}
	if cn.Realms == nil {
		// The real service names the connection's realm after it when no
		// realm is given.
		cn.Realms = []string{cn.Name}
	}

	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	enabled, err := c.decodeEnabledClients(b)
	if err != nil {
		return err
	}
	if enabled != nil {
		cn.EnabledClients = *enabled
	}
	if err := c.repo.roomFor(KindConnections, c.s.maxObjects); err != nil {
		return err
	}
	if err := c.repo.createConnection(cn); err != nil {
		return err
	}
	return c.json(http.StatusCreated, connectionJSON(cn))
}

// connections are the connections, found by a route's {id}.
var connections = objects[connectionRecord]{
	find:   func(c *call) (connectionRecord, error) { return c.repo.connection(c.id()) },
	save:   func(c *call, cn connectionRecord) error { return c.repo.put(KindConnections, cn.ID, cn) },
	render: func(_ *call, cn connectionRecord) any { return connectionJSON(cn) },
}

func getConnection(c *call) error { return getObject(c, connections) }

// listConnections lists the connections; strategy (repeatable) and name
// keep only those with one of the strategies and that name.
func listConnections(c *call) error {
	q := c.r.URL.Query()
	strategies, byStrategy := q["strategy"]
	_, byName := q["name"]
	name := q.Get("name")
	var keep func(connectionRecord) bool
	if byStrategy || byName {
		keep = func(cn connectionRecord) bool {
			return (!byStrategy || contains(strategies, cn.Strategy)) && (!byName || cn.Name == name)
		}
	}
	return listPage(c, KindConnections, "connections", keep,
		func(cn connectionRecord) any { return connectionJSON(cn) })
}

func updateConnection(c *call) error {
	b, err := c.readBody(connectionUpdatable...)
	if err != nil {
		return err
	}
	return updateObject(c, connections, func(cn *connectionRecord) error {
		if err := applyConnection(b, cn); err != nil {
			return err
		}
		enabled, err := c.decodeEnabledClients(b)
		if err != nil {
			return err
		}
		if enabled != nil {
			cn.EnabledClients = *enabled
		}
		return nil
	})
}

func deleteConnection(c *call) error {
	return deleteObject(c, connections, c.repo.deleteConnection)
}

// The enabled clients of a connection, as the real service's current
// endpoints serve them.

// maxEnabledClientsTake bounds take on GET /connections/{id}/clients, and
// maxEnabledClientsPatch the items of one PATCH, as the real service does.
const (
	maxEnabledClientsTake  = 1000
	maxEnabledClientsPatch = 50
)

type enabledClient struct {
	ClientID string `json:"client_id"`
}

// getConnectionClients pages through a connection's enabled clients in
// client_id order. from is a client_id: the page starts at the first
// enabled client at or after it, so that a page boundary survives clients
// being enabled or disabled in between; next is the client_id that starts
// the following page, present only while more follow.
func getConnectionClients(c *call) error {
	q := c.r.URL.Query()
	take := defaultPerPage
	if vs, ok := q["take"]; ok {
		n, err := strconv.Atoi(vs[0])
		if err != nil || n < 1 || n > maxEnabledClientsTake {
			return errInvalidQuery("Query validation error: 'take must be between 1 and " + strconv.Itoa(maxEnabledClientsTake) + "' on property take.")
		}
		take = n
	}
	from := q.Get("from")
	if len(from) > 1000 {
		return errInvalidQuery("Query validation error: 'String is too long' on property from.")
	}
	for k := range q {
		if k != "take" && k != "from" {
			return errInvalidQuery("Query validation error: 'Additional properties not allowed: " + k + "'.")
		}
	}
	unlock, err := c.repo.readLock()
	if err != nil {
		return err
	}
	cn, err := c.repo.connection(c.id())
	unlock()
	if err != nil {
		return err
	}
	ids := cn.EnabledClients
	start := sort.SearchStrings(ids, from)
	end := min(start+take, len(ids))
	page := make([]enabledClient, 0, end-start)
	for _, id := range ids[start:end] {
		page = append(page, enabledClient{ClientID: id})
	}
	out := map[string]any{"clients": page}
	if end < len(ids) {
		out["next"] = ids[end]
	}
	return c.json(http.StatusOK, out)
}

// patchConnectionClients enables or disables the connection for up to 50
// clients: a body of [{client_id, status}], answered 204.
func patchConnectionClients(c *call) error {
	raw, err := c.readAll()
	if err != nil {
		return err
	}
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0:
		return errPayload("Expected type array but found type null")
	case !utf8.Valid(raw):
		return errNotUTF8()
	case !json.Valid(raw):
		return errInvalidBody("Invalid request payload JSON format")
	case jsonType(raw) != "array":
		return errPayload("Expected type array but found type " + jsonType(raw))
	}
	items, err := decodeArray(raw)
	if err != nil {
		return errInvalidBody("Invalid request payload JSON format")
	}
	if len(items) < 1 {
		return errPayload("Array is too short (0), minimum 1")
	}
	if len(items) > maxEnabledClientsPatch {
		return errPayload("Array is too long (" + strconv.Itoa(len(items)) + "), maximum " + strconv.Itoa(maxEnabledClientsPatch))
	}
	type change struct {
		id     string
		enable bool
	}
	changes := make([]change, 0, len(items))
	for i, it := range items {
		prop := "[" + strconv.Itoa(i) + "]"
		if jsonType(it) != "object" {
			return errType(prop, "object", it)
		}
		ib, err := decodeObject(it)
		if err != nil {
			return errType(prop, "object", it)
		}
		for _, k := range sortedKeys(ib.fields) {
			if k != "client_id" && k != "status" {
				return errProperty(prop, "Additional properties not allowed: "+k)
			}
		}
		id, err := ib.str("client_id")
		if err != nil {
			return err
		}
		status, err := ib.boolean("status")
		if err != nil {
			return err
		}
		switch {
		case id == nil:
			return errProperty(prop, "Missing required property: client_id")
		case status == nil:
			return errProperty(prop, "Missing required property: status")
		}
		changes = append(changes, change{id: *id, enable: *status})
	}

	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	cn, err := c.repo.connection(c.id())
	if err != nil {
		return err
	}
	for _, ch := range changes {
		if _, err := c.repo.client(ch.id); err != nil {
			return err
		}
	}
	// Applied in order, so the last item about a client wins.
	for _, ch := range changes {
		cn.EnabledClients = setEnabled(cn.EnabledClients, ch.id, ch.enable)
	}
	if err := c.repo.put(KindConnections, cn.ID, cn); err != nil {
		return err
	}
	return c.noContent()
}

// setEnabled adds id to (or removes it from) a sorted list of client ids.
func setEnabled(ids []string, id string, enable bool) []string {
	i := sort.SearchStrings(ids, id)
	present := i < len(ids) && ids[i] == id
	switch {
	case enable && !present:
		ids = append(ids, "")
		copy(ids[i+1:], ids[i:])
		ids[i] = id
	case !enable && present:
		ids = append(ids[:i], ids[i+1:]...)
	}
	return ids
}
