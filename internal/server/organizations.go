package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// organizationRecord is an organization, as stored. Its enabled connections
// live on it; the client grants associated with it live on the grants
// (clientGrantRecord.Organizations), which is what the token endpoint reads.
type organizationRecord struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	DisplayName *string            `json:"display_name,omitempty"`
	Branding    json.RawMessage    `json:"branding,omitempty"`
	Metadata    *map[string]string `json:"metadata,omitempty"`
	Extra       extras             `json:"extra,omitempty"`
	Created     string             `json:"created_at"`            // for sort; not answered
	Connections []orgConnection    `json:"connections,omitempty"` // sorted by id; not answered
}

// orgConnection is a connection enabled for an organization.
type orgConnection struct {
	ConnectionID            string `json:"connection_id"`
	AssignMembershipOnLogin bool   `json:"assign_membership_on_login"`
	ShowAsButton            *bool  `json:"show_as_button,omitempty"`
	IsSignupEnabled         *bool  `json:"is_signup_enabled,omitempty"`
}

// Auth0's organization-name rule: lowercase letters, digits, "_" and "-",
// 1 to 50 characters ("Create Organizations").
var organizationNamePattern = regexp.MustCompile(`^[a-z0-9_-]+$`)

const (
	maxOrganizationName        = 50
	maxOrganizationDisplayName = 255
	maxOrganizationMetadata    = 25
	// maxCreateConnections is the spec's bound on a create's enabled_connections.
	maxCreateConnections = 10
)

var htmlColorPattern = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

var organizationSchema = map[string]propSpec{
	"token_quota": pObject(map[string]propSpec{
		"client_credentials": pObject(map[string]propSpec{
			"enforce": pBool(), "per_day": pInteger(), "per_hour": pInteger(),
		}),
	}),
}

var organizationUpdatable = append([]string{"name", "display_name", "branding", "metadata"}, schemaNames(organizationSchema)...)

var organizationProperties = append([]string{"enabled_connections"}, organizationUpdatable...)

func errInexistentOrganization() *apiError {
	return newError(http.StatusNotFound, "inexistent_organization", "No organization found by that id or name")
}

type organizationView struct {
	organizationRecord
	Created     string          `json:"created_at,omitempty"`
	Connections []orgConnection `json:"connections,omitempty"`
	Enabled     []any           `json:"enabled_connections,omitempty"`
}

func organizationJSON(o organizationRecord, enabled []any) any {
	extra := o.Extra
	o.Extra = nil
	return renderWithExtras(organizationView{organizationRecord: o, Enabled: enabled}, extra)
}

func (c *call) renderOrganization(o organizationRecord) any { return organizationJSON(o, nil) }

// checkOrganizationName applies the name rule.
func checkOrganizationName(name string) error {
	if err := checkLength("name", name, 1, maxOrganizationName); err != nil {
		return err
	}
	if !organizationNamePattern.MatchString(name) {
		return errProperty("name", "String does not match pattern: "+organizationNamePattern.String())
	}
	return nil
}

// applyOrganization decodes the properties of a create or a PATCH but
// enabled_connections.
func applyOrganization(b *body, o *organizationRecord) error {
	name, err := b.str("name")
	if err != nil {
		return err
	}
	if name != nil {
		if err := checkOrganizationName(*name); err != nil {
			return err
		}
		o.Name = *name
	}
	display, err := b.str("display_name")
	if err != nil {
		return err
	}
	if display != nil {
		if err := checkLength("display_name", *display, 1, maxOrganizationDisplayName); err != nil {
			return err
		}
		o.DisplayName = display
	}
	if raw, ok := b.fields["branding"]; ok {
		branding, err := decodeBranding(raw)
		if err != nil {
			return err
		}
		o.Branding = branding
	}
	if err := applyOrganizationMetadata(b, o); err != nil {
		return err
	}
	return applyExtras(b, organizationSchema, &o.Extra)
}

// decodeBranding checks OrganizationBranding: logo_url an https URL (or
// null), colors with both primary and page_background HTML colors.
func decodeBranding(raw json.RawMessage) (json.RawMessage, error) {
	if jsonType(raw) == "null" {
		return nil, nil
	}
	b, err := decodeObject(raw)
	if err != nil {
		return nil, errType("branding", "object", raw)
	}
	for name := range b.fields {
		if name != "logo_url" && name != "colors" {
			return nil, errProperty("branding", "Additional properties not allowed: "+name)
		}
	}
	out := map[string]any{}
	if v, ok := b.fields["logo_url"]; ok && jsonType(v) != "null" {
		logo, err := b.str("logo_url")
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(*logo, "https://") || len(*logo) == len("https://") {
			return nil, errProperty("branding.logo_url", "Object didn't pass validation for format strict-https-uri-or-null: "+*logo)
		}
		out["logo_url"] = *logo
	}
	if v, ok := b.fields["colors"]; ok {
		colors, err := decodeObject(v)
		if err != nil {
			return nil, errType("branding.colors", "object", v)
		}
		set := map[string]string{}
		for name := range colors.fields {
			if name != "primary" && name != "page_background" {
				return nil, errProperty("branding.colors", "Additional properties not allowed: "+name)
			}
		}
		for _, name := range []string{"primary", "page_background"} {
			s, err := colors.str(name)
			if err != nil {
				return nil, err
			}
			if s == nil {
				return nil, errProperty("branding.colors", "Missing required property: "+name)
			}
			if !htmlColorPattern.MatchString(*s) {
				return nil, errProperty("branding.colors."+name, "Object didn't pass validation for format html-color: "+*s)
			}
			set[name] = *s
		}
		out["colors"] = set
	}
	if len(out) == 0 {
		return nil, nil // {} removes the branding
	}
	return json.Marshal(out)
}

// applyOrganizationMetadata merges metadata: a null value removes its key.
// The spec allows 25 properties of string values up to 255 characters.
func applyOrganizationMetadata(b *body, o *organizationRecord) error {
	md, ok, err := mergeMetadata(b, "metadata", o.Metadata)
	if !ok || err != nil {
		return err
	}
	for _, k := range sortedKeys(md) {
		if err := checkLength("metadata."+k, md[k], 0, maxMetadataLength); err != nil {
			return err
		}
	}
	if len(md) > maxOrganizationMetadata {
		return errProperty("metadata", "Too many properties ("+strconv.Itoa(len(md))+"), maximum "+strconv.Itoa(maxOrganizationMetadata))
	}
	o.Metadata = &md
	if len(md) == 0 {
		o.Metadata = nil
	}
	return nil
}

// decodeOrgConnection decodes ConnectionForOrganization (create) or
// AddOrganizationConnectionRequestContent.
func decodeOrgConnection(property string, raw json.RawMessage) (orgConnection, error) {
	b, err := decodeObject(raw)
	if err != nil {
		return orgConnection{}, errType(property, "object", raw)
	}
	for name := range b.fields {
		if !contains([]string{"connection_id", "assign_membership_on_login", "show_as_button", "is_signup_enabled"}, name) {
			return orgConnection{}, errProperty(property, "Additional properties not allowed: "+name)
		}
	}
	id, err := b.str("connection_id")
	if err != nil {
		return orgConnection{}, err
	}
	if id == nil {
		return orgConnection{}, errPayload("Missing required property: connection_id")
	}
	oc := orgConnection{ConnectionID: *id}
	return oc, applyOrgConnection(b, &oc)
}

func applyOrgConnection(b *body, oc *orgConnection) error {
	assign, err := b.boolean("assign_membership_on_login")
	if err != nil {
		return err
	}
	if assign != nil {
		oc.AssignMembershipOnLogin = *assign
	}
	if oc.ShowAsButton, err = keepBool(b, "show_as_button", oc.ShowAsButton); err != nil {
		return err
	}
	oc.IsSignupEnabled, err = keepBool(b, "is_signup_enabled", oc.IsSignupEnabled)
	return err
}

func keepBool(b *body, name string, old *bool) (*bool, error) {
	v, err := b.boolean(name)
	if err != nil || v == nil {
		return old, err
	}
	return v, nil
}

// orgConnectionJSON answers OrganizationConnection: the defaults the spec
// documents, and the connection's name and strategy.
func orgConnectionJSON(oc orgConnection, cn connectionRecord) any {
	show, signup := true, false
	if oc.ShowAsButton != nil {
		show = *oc.ShowAsButton
	}
	if oc.IsSignupEnabled != nil {
		signup = *oc.IsSignupEnabled
	}
	return map[string]any{
		"connection_id":              oc.ConnectionID,
		"assign_membership_on_login": oc.AssignMembershipOnLogin,
		"show_as_button":             show,
		"is_signup_enabled":          signup,
		"connection":                 map[string]string{"name": cn.Name, "strategy": cn.Strategy},
	}
}

func setOrgConnection(list []orgConnection, oc orgConnection) []orgConnection {
	i := sort.Search(len(list), func(i int) bool { return list[i].ConnectionID >= oc.ConnectionID })
	if i < len(list) && list[i].ConnectionID == oc.ConnectionID {
		list[i] = oc
		return list
	}
	return slices.Insert(list, i, oc)
}

func createOrganization(c *call) error {
	b, err := c.readBody(organizationProperties...)
	if err != nil {
		return err
	}
	if !b.has("name") {
		return errPayload("Missing required property: name")
	}
	o := organizationRecord{ID: newOrganizationID(), Created: c.s.now().UTC().Format("2006-01-02T15:04:05.000000000Z")}
	if err := applyOrganization(b, &o); err != nil {
		return err
	}
	var conns []orgConnection
	if raw, ok := b.fields["enabled_connections"]; ok {
		if err := c.requireScope("create:organization_connections"); err != nil {
			return err
		}
		items, err := decodeArray(raw)
		if err != nil {
			return errType("enabled_connections", "array", raw)
		}
		if len(items) > maxCreateConnections {
			return errProperty("enabled_connections", "Array is too long ("+strconv.Itoa(len(items))+"), maximum "+strconv.Itoa(maxCreateConnections))
		}
		for _, it := range items {
			oc, err := decodeOrgConnection("enabled_connections", it)
			if err != nil {
				return err
			}
			conns = append(conns, oc)
		}
	}
	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	var enabled []any
	for _, oc := range conns {
		cn, err := c.repo.connection(oc.ConnectionID)
		if err != nil {
			return err
		}
		o.Connections = setOrgConnection(o.Connections, oc)
		enabled = append(enabled, orgConnectionJSON(oc, cn))
	}
	if err := c.repo.roomFor(KindOrganizations, c.s.maxObjects); err != nil {
		return err
	}
	if err := c.repo.createOrganization(o); err != nil {
		return err
	}
	return c.json(http.StatusCreated, organizationJSON(o, enabled))
}

var organizations = objects[organizationRecord]{
	find:   func(c *call) (organizationRecord, error) { return c.repo.organization(c.id()) },
	save:   func(c *call, o organizationRecord) error { return c.repo.put(KindOrganizations, o.ID, o) },
	render: (*call).renderOrganization,
}

func getOrganization(c *call) error { return getObject(c, organizations) }

func getOrganizationByName(c *call) error {
	name := c.id()
	if err := checkLength("name", name, 1, maxOrganizationName); err != nil {
		return errInvalidQuery("Path validation error: 'String length must be between 1 and 50' on property name.")
	}
	unlock, err := c.repo.readLock()
	if err != nil {
		return err
	}
	defer unlock()
	o, err := c.repo.organizationByName(name)
	if err != nil {
		return err
	}
	return c.jsonProjected(c.renderOrganization(o))
}

func updateOrganization(c *call) error {
	b, err := c.readBody(organizationUpdatable...)
	if err != nil {
		return err
	}
	var probe organizationRecord
	if err := applyOrganization(b, &probe); err != nil {
		return err
	}
	return updateObject(c, organizations, func(o *organizationRecord) error {
		before := o.Name
		if err := applyOrganization(b, o); err != nil {
			return err
		}
		if o.Name != before {
			return c.repo.renameOrganization(before, *o)
		}
		return nil
	})
}

func deleteOrganization(c *call) error {
	return deleteObject(c, organizations, c.repo.deleteOrganization)
}

// listOrganizations pages by offset (sorted as sort says, created_at:1 by
// default) or, with from or take, by checkpoint in id order.
func listOrganizations(c *call) error {
	q := c.r.URL.Query()
	less, err := organizationOrder(q.Get("sort"))
	if err != nil {
		return err
	}
	checkpointed := q.Has("from") || q.Has("take")
	var from string
	var take int
	var p page
	if checkpointed {
		if from, take, err = checkpoint(q, maxPerPage); err != nil {
			return err
		}
		if p.fields, err = c.projection(); err != nil {
			return err
		}
	} else {
		if p, err = c.pagination(); err != nil {
			return err
		}
		if p.page > maxOffsetRecords {
			return errInvalidQuery("Query validation error: 'Value " + strconv.Itoa(p.page) + " is greater than maximum 1000' on property page.")
		}
	}
	unlock, err := c.repo.readLock()
	if err != nil {
		return err
	}
	orgs, err := c.repo.organizations()
	unlock()
	if err != nil {
		return err
	}
	if checkpointed {
		sort.Slice(orgs, func(i, j int) bool { return orgs[i].ID < orgs[j].ID })
		start := sort.Search(len(orgs), func(i int) bool { return orgs[i].ID >= from })
		end := min(start+take, len(orgs))
		out := make([]any, 0, end-start)
		for _, o := range orgs[start:end] {
			v, err := p.fields.apply(c.renderOrganization(o))
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		body := map[string]any{"organizations": out}
		if end < len(orgs) {
			body["next"] = orgs[end].ID
		}
		return c.json(http.StatusOK, body)
	}
	sort.SliceStable(orgs, func(i, j int) bool { return less(orgs[i], orgs[j]) })
	start, end := bounds(p, len(orgs))
	return writeItems(c, p, "organizations", len(orgs), orgs[start:end], c.renderOrganization)
}

// organizationOrder parses sort, field:1 or field:-1 for name,
// display_name or created_at.
func organizationOrder(sortParam string) (func(a, b organizationRecord) bool, error) {
	if len(sortParam) > 15 {
		return nil, errInvalidQuery("Query validation error: 'String is too long (" + strconv.Itoa(len(sortParam)) + " chars), maximum 15' on property sort.")
	}
	if sortParam == "" {
		sortParam = "created_at:1"
	}
	field, order, ok := strings.Cut(sortParam, ":")
	if !ok || (order != "1" && order != "-1") {
		return nil, errInvalidQuery("Query validation error: 'sort must be field:1 or field:-1' on property sort.")
	}
	key := map[string]func(organizationRecord) string{
		"name":       func(o organizationRecord) string { return o.Name },
		"created_at": func(o organizationRecord) string { return o.Created + "\x00" + o.ID },
		"display_name": func(o organizationRecord) string {
			if o.DisplayName == nil {
				return ""
			}
			return *o.DisplayName
		},
	}[field]
	if key == nil {
		return nil, errInvalidQuery("Query validation error: 'sort field must be name, display_name or created_at' on property sort.")
	}
	if order == "-1" {
		return func(a, b organizationRecord) bool { return key(a) > key(b) }, nil
	}
	return func(a, b organizationRecord) bool { return key(a) < key(b) }, nil
}

// ---- enabled connections ----

func listOrganizationConnections(c *call) error {
	p, err := c.pagination()
	if err != nil {
		return err
	}
	// The spec gives this list no checkpoint paging: from and take are not its parameters.
	p.checkpoint = false
	unlock, err := c.repo.readLock()
	if err != nil {
		return err
	}
	defer unlock()
	o, err := c.repo.organization(c.id())
	if err != nil {
		return err
	}
	start, end := bounds(p, len(o.Connections))
	items := make([]any, 0, end-start)
	for _, oc := range o.Connections[start:end] {
		cn, err := c.repo.connection(oc.ConnectionID)
		if err != nil {
			return err
		}
		items = append(items, orgConnectionJSON(oc, cn))
	}
	return writeItems(c, p, "enabled_connections", len(o.Connections), items, func(v any) any { return v })
}

func addOrganizationConnection(c *call) error {
	b, err := c.readBody("connection_id", "assign_membership_on_login", "show_as_button", "is_signup_enabled")
	if err != nil {
		return err
	}
	raw, err := json.Marshal(b.fields)
	if err != nil {
		return err
	}
	oc, err := decodeOrgConnection("body", raw)
	if err != nil {
		return err
	}
	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	o, err := c.repo.organization(c.id())
	if err != nil {
		return err
	}
	cn, err := c.repo.connection(oc.ConnectionID)
	if err != nil {
		return err
	}
	o.Connections = setOrgConnection(o.Connections, oc)
	if err := c.repo.put(KindOrganizations, o.ID, o); err != nil {
		return err
	}
	return c.json(http.StatusCreated, orgConnectionJSON(oc, cn))
}

// orgConnectionOf finds the organization of the route and its connection
// {connectionId}; the caller holds the lock.
func (c *call) orgConnectionOf() (organizationRecord, int, error) {
	o, err := c.repo.organization(c.id())
	if err != nil {
		return o, -1, err
	}
	id := c.subID()
	for i, oc := range o.Connections {
		if oc.ConnectionID == id {
			return o, i, nil
		}
	}
	return o, -1, errInexistentConnection()
}

func getOrganizationConnection(c *call) error {
	unlock, err := c.repo.readLock()
	if err != nil {
		return err
	}
	defer unlock()
	o, i, err := c.orgConnectionOf()
	if err != nil {
		return err
	}
	cn, err := c.repo.connection(o.Connections[i].ConnectionID)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, orgConnectionJSON(o.Connections[i], cn))
}

func updateOrganizationConnection(c *call) error {
	b, err := c.readBody("assign_membership_on_login", "show_as_button", "is_signup_enabled")
	if err != nil {
		return err
	}
	var probe orgConnection
	if err := applyOrgConnection(b, &probe); err != nil {
		return err
	}
	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	o, i, err := c.orgConnectionOf()
	if err != nil {
		return err
	}
	if err := applyOrgConnection(b, &o.Connections[i]); err != nil {
		return err
	}
	cn, err := c.repo.connection(o.Connections[i].ConnectionID)
	if err != nil {
		return err
	}
	if err := c.repo.put(KindOrganizations, o.ID, o); err != nil {
		return err
	}
	return c.json(http.StatusOK, orgConnectionJSON(o.Connections[i], cn))
}

// deleteOrganizationConnection answers 204 for a connection that is not
// enabled, so that a retried DELETE succeeds.
func deleteOrganizationConnection(c *call) error {
	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	o, i, err := c.orgConnectionOf()
	if i < 0 && err != nil && o.ID != "" {
		return c.noContent()
	}
	if err != nil {
		return err
	}
	o.Connections = slices.Delete(o.Connections, i, i+1)
	if err := c.repo.put(KindOrganizations, o.ID, o); err != nil {
		return err
	}
	return c.noContent()
}

// ---- client grants ----

// organizationGrantJSON answers OrganizationClientGrant.
func (c *call) organizationGrantJSON(g clientGrantRecord) any {
	out := map[string]any{
		"id":       g.ID,
		"audience": c.renderAudience(g.Audience),
		"scope":    g.Scope,
	}
	if g.ClientID != "" { // a default grant has none
		out["client_id"] = g.ClientID
	}
	if g.Scope == nil {
		out["scope"] = []string{}
	}
	for _, name := range []string{"organization_usage", "allow_any_organization"} {
		if raw, ok := g.Extra[name]; ok {
			out[name] = raw
		}
	}
	return out
}

const maxGrantIDsFilter = 10

func listOrganizationClientGrants(c *call) error {
	q := c.r.URL.Query()
	p, err := c.pagination()
	if err != nil {
		return err
	}
	// The spec gives this list no checkpoint paging: from and take are not its parameters.
	p.checkpoint = false
	if len(q.Get("audience")) > 600 {
		return errInvalidQuery("Query validation error: 'String is too long' on property audience.")
	}
	ids := q["grant_ids"]
	if len(ids) > maxGrantIDsFilter {
		return errInvalidQuery("Query validation error: 'Array is too long (" + strconv.Itoa(len(ids)) + "), maximum 10' on property grant_ids.")
	}
	_, byAudience := q["audience"]
	_, byClient := q["client_id"]
	audience := c.storedAudience(q.Get("audience"))
	unlock, err := c.repo.readLock()
	if err != nil {
		return err
	}
	o, err := c.repo.organization(c.id())
	if err != nil {
		unlock()
		return err
	}
	grants, err := c.repo.grants(func(g clientGrantRecord) bool {
		return contains(g.Organizations, o.ID) &&
			(!byAudience || g.Audience == audience) &&
			(!byClient || g.ClientID == q.Get("client_id")) &&
			(len(ids) == 0 || contains(ids, g.ID))
	})
	unlock()
	if err != nil {
		return err
	}
	sort.Slice(grants, func(i, j int) bool { return grants[i].ID < grants[j].ID })
	start, end := bounds(p, len(grants))
	return writeItems(c, p, "client_grants", len(grants), grants[start:end], c.organizationGrantJSON)
}

func associateOrganizationClientGrant(c *call) error {
	b, err := c.readBody("grant_id")
	if err != nil {
		return err
	}
	id, err := b.str("grant_id")
	if err != nil {
		return err
	}
	if id == nil {
		return errPayload("Missing required property: grant_id")
	}
	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	o, err := c.repo.organization(c.id())
	if err != nil {
		return err
	}
	g, err := c.repo.clientGrant(*id)
	if err != nil {
		return err
	}
	if contains(g.Organizations, o.ID) {
		return errConflict("The client grant has already been added to this organization")
	}
	g.Organizations = setEnabled(g.Organizations, o.ID, true)
	if err := c.repo.put(KindClientGrants, g.ID, g); err != nil {
		return err
	}
	return c.json(http.StatusCreated, c.organizationGrantJSON(g))
}

// deleteOrganizationClientGrant answers 204 for a grant that is not
// associated, so that a retried DELETE succeeds.
func deleteOrganizationClientGrant(c *call) error {
	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	o, err := c.repo.organization(c.id())
	if err != nil {
		return err
	}
	g, err := c.repo.clientGrant(c.subID())
	if isNotFound(err) {
		return c.noContent()
	}
	if err != nil {
		return err
	}
	if contains(g.Organizations, o.ID) {
		g.Organizations = setEnabled(g.Organizations, o.ID, false)
		if err := c.repo.put(KindClientGrants, g.ID, g); err != nil {
			return err
		}
	}
	return c.noContent()
}
