package server

import (
	"errors"
	"net/http"
	"net/mail"
	"regexp"
)

type tenantRecord struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	DisplayName *string            `json:"display_name,omitempty"`
	Owners      *[]string          `json:"owners,omitempty"`
	Metadata    *map[string]string `json:"metadata,omitempty"`
	CreatedAt   string             `json:"created_at"`
	UpdatedAt   string             `json:"updated_at"`
}

type tenantResponse struct {
	tenantRecord
	Domain           string            `json:"domain"`
	ManagementClient *managementClient `json:"management_client,omitempty"`
}

// managementClient is returned once, by the create.
type managementClient struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

var tenantNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

// reservedTenantNames are taken by other paths under /api/v2/tenants/.
var reservedTenantNames = []string{"settings"}

func errInexistentTenantObject() *apiError {
	return newError(http.StatusNotFound, "inexistent_tenant", "The tenant does not exist")
}

func (c *call) renderTenant(rec tenantRecord) tenantResponse {
	return tenantResponse{tenantRecord: rec, Domain: tenantBase(c.rootBase(), rec.Name)}
}

func applyTenant(b *body, rec *tenantRecord) error {
	display, err := b.str("display_name")
	if err != nil {
		return err
	}
	if display != nil {
		if err := checkLength("display_name", *display, 0, 255); err != nil {
			return err
		}
		rec.DisplayName = display
	}
	owners, err := b.strings("owners")
	if err != nil {
		return err
	}
	if owners != nil {
		seen := make([]string, 0, len(*owners))
		for _, o := range *owners {
			// A bare address only: "Name <a@b>" is a valid RFC 5322
			// mailbox but not an owner e-mail.
			addr, err := mail.ParseAddress(o)
			if err != nil || addr.Address != o || addr.Name != "" {
				return errProperty("owners", "Invalid e-mail address: "+o)
			}
			if !contains(seen, o) {
				seen = append(seen, o)
			}
		}
		rec.Owners = &seen
	}
	md, err := b.metadata("metadata")
	if err != nil {
		return err
	}
	if md != nil {
		rec.Metadata = md
	}
	return nil
}

func createTenant(c *call) error {
	b, err := c.readBody("name", "display_name", "owners", "metadata")
	if err != nil {
		return err
	}
	name, err := b.str("name")
	if err != nil {
		return err
	}
	if name == nil {
		return errPayload("Missing required property: name")
	}
	if !tenantNamePattern.MatchString(*name) {
		return errProperty("name", "String does not match pattern: "+tenantNamePattern.String())
	}
	if contains(reservedTenantNames, *name) {
		return errProperty("name", "The name "+*name+" is reserved")
	}
	now := c.timestamp()
	rec := tenantRecord{ID: newTenantID(), Name: *name, CreatedAt: now, UpdatedAt: now}
	if err := applyTenant(b, &rec); err != nil {
		return err
	}
	// Generating the key is the slow part; do it before taking any lock.
	key, err := generateKey()
	if err != nil {
		return err
	}

	unlock, err := c.repo.writeLock()
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := c.repo.store.Get(RootTenant, KindTenants, rec.Name); err == nil {
		return errConflict("A tenant with the same name already exists")
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	if err := c.repo.roomFor(KindTenants, c.s.maxTenants); err != nil {
		return err
	}
	mc, err := c.s.seedTenant(rec.Name, key)
	if err != nil {
		return err
	}
	if err := c.repo.put(KindTenants, rec.Name, rec); err != nil {
		return err
	}
	if err := c.repo.put(KindIndex, indexTenantID(rec.ID), rec.Name); err != nil {
		return err
	}
	c.s.mu.Lock()
	c.s.tenants[rec.Name] = &tenant{name: rec.Name, key: key}
	c.s.mu.Unlock()

	resp := c.renderTenant(rec)
	resp.ManagementClient = mc
	return c.json(http.StatusCreated, resp)
}

// seedTenant stores a new tenant's key and seeded objects. The caller holds
// the root lock, and the tenant is not yet visible to requests.
func (s *Server) seedTenant(name string, key *signingKey) (*managementClient, error) {
	// A previous tenant of the same name may have left objects behind if
	// its deletion failed half-way; start clean.
	if err := s.store.DropTenant(name); err != nil {
		return nil, err
	}
	if err := s.storeKey(name, key); err != nil {
		return nil, err
	}
	if _, err := s.seedManagementAPI(name); err != nil {
		return nil, err
	}
	cl := clientRecord{
		ClientID:                newClientID(),
		ClientSecret:            newClientSecret(),
		Tenant:                  tenantLabel(name),
		Name:                    "Management API Client",
		AppType:                 ptr("non_interactive"),
		GrantTypes:              []string{"client_credentials"},
		TokenEndpointAuthMethod: "client_secret_post",
		IsFirstParty:            true,
	}
	if err := putJSON(s.store, name, KindClients, cl.ClientID, cl); err != nil {
		return nil, err
	}
	if err := s.seedManagementGrant(name, cl.ClientID); err != nil {
		return nil, err
	}
	if err := s.seedDefaultConnection(name, cl.ClientID); err != nil {
		return nil, err
	}
	if err := putJSON(s.store, name, KindSeed, seedClientID, cl); err != nil {
		return nil, err
	}
	return &managementClient{ClientID: cl.ClientID, ClientSecret: cl.ClientSecret}, nil
}

// tenants are found by a route's {id}, an id or a name. Their routes exist
// on the root tenant only, so c.repo is the root's.
var tenants = objects[tenantRecord]{
	find:   func(c *call) (tenantRecord, error) { return c.repo.tenant(c.id()) },
	save:   func(c *call, rec tenantRecord) error { return c.repo.put(KindTenants, rec.Name, rec) },
	render: func(c *call, rec tenantRecord) any { return c.renderTenant(rec) },
}

func getTenant(c *call) error { return getObject(c, tenants) }

func listTenants(c *call) error {
	return listPage(c, KindTenants, "tenants", nil,
		func(rec tenantRecord) any { return c.renderTenant(rec) })
}

func updateTenant(c *call) error {
	b, err := c.readBody("display_name", "owners", "metadata")
	if err != nil {
		return err
	}
	return updateObject(c, tenants, func(rec *tenantRecord) error {
		if err := applyTenant(b, rec); err != nil {
			return err
		}
		rec.UpdatedAt = c.timestamp()
		return nil
	})
}

func deleteTenant(c *call) error {
	return deleteObject(c, tenants, func(rec tenantRecord) error {
		c.s.mu.Lock()
		t := c.s.tenants[rec.Name]
		delete(c.s.tenants, rec.Name)
		c.s.mu.Unlock()
		if t != nil {
			t.markDeleted()
		}
		if err := c.repo.store.DropTenant(rec.Name); err != nil {
			return err
		}
		if err := c.repo.delete(KindIndex, indexTenantID(rec.ID)); err != nil {
			return err
		}
		return c.repo.delete(KindTenants, rec.Name)
	})
}
