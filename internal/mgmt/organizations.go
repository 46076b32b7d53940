package mgmt

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

const organizationsPath = "api/v2/organizations"

// maxOrganizationsTake is the largest take of GET /organizations.
const maxOrganizationsTake = 100

// Organization is a customer, partner or other group of users a tenant serves.
type Organization struct {
	ID          *string               `json:"id,omitempty"`
	Name        *string               `json:"name,omitempty"`
	DisplayName *string               `json:"display_name,omitempty"`
	Branding    *OrganizationBranding `json:"branding,omitempty"`
	Metadata    *map[string]string    `json:"metadata,omitempty"`
}

// OrganizationBranding is how an organization's login pages look.
type OrganizationBranding struct {
	LogoURL *string             `json:"logo_url,omitempty"`
	Colors  *OrganizationColors `json:"colors,omitempty"`
}

// OrganizationColors are the HTML colors of an organization's login pages.
type OrganizationColors struct {
	Primary        string `json:"primary"`
	PageBackground string `json:"page_background"`
}

// OrganizationConnection is a connection enabled for an organization.
type OrganizationConnection struct {
	ConnectionID            string `json:"connection_id"`
	AssignMembershipOnLogin *bool  `json:"assign_membership_on_login,omitempty"`
	ShowAsButton            *bool  `json:"show_as_button,omitempty"`
	IsSignupEnabled         *bool  `json:"is_signup_enabled,omitempty"`
}

// CreateOrganization creates an organization, converging on its name (unique in a tenant).
// With AdoptLeftovers it carries a create marker in its metadata, as a connection does.
func (c *Client) CreateOrganization(ctx context.Context, o *Organization) (*Organization, error) {
	in := *o
	in.ID = nil
	marker, err := c.leftoverMarker("organization", &in, &in.Metadata, maxOrganizationMetadataKeys)
	if err != nil {
		return nil, err
	}
	name := str(in.Name)
	return createKeyed(ctx, c, c.newBudget(ctx), c.endpoint(organizationsPath), &in, keyed[Organization]{
		kind: "organization",
		key:  fmt.Sprintf("name %q", name),
		lookup: func(ctx context.Context, b budget) (*Organization, error) {
			return orNil(call[Organization](ctx, c, b, http.MethodGet, c.endpoint(organizationsPath, "name", name), nil))
		},
		id:       func(o *Organization) string { return str(o.ID) },
		diff:     diffOrganization,
		leftover: func(found *Organization) bool { return hasMarker(found.Metadata, marker) },
	})
}

// SettleOrganization removes a pending create marker from an organization a Terraform
// state holds (see SettleApplication); an organization's PATCH merges metadata, so a
// null removes the key.
func (c *Client) SettleOrganization(ctx context.Context, o *Organization) error {
	if !IsPendingMarker(o.Metadata) {
		return nil
	}
	body := map[string]any{"metadata": map[string]any{CreateRequestMetadataKey: nil}}
	if err := c.do(ctx, c.newBudget(ctx), http.MethodPatch, c.endpoint(organizationsPath, str(o.ID)), body, nil); err != nil {
		return err
	}
	delete(*o.Metadata, CreateRequestMetadataKey)
	return nil
}

func diffOrganization(sent, found *Organization) []string {
	var d differ
	ptr(&d, "name", sent.Name, found.Name)
	ptr(&d, "display_name", sent.DisplayName, found.DisplayName)
	metadata(&d, "metadata", sent.Metadata, found.Metadata)
	if sent.Branding != nil && !sameJSON(sent.Branding, found.Branding) {
		d = append(d, "branding")
	}
	return d
}

// GetOrganization reads an organization by id.
func (c *Client) GetOrganization(ctx context.Context, id string) (*Organization, error) {
	return call[Organization](ctx, c, c.newBudget(ctx), http.MethodGet, c.endpoint(organizationsPath, id), nil)
}

// GetOrganizationByName finds an organization by name; (nil, nil) when none.
func (c *Client) GetOrganizationByName(ctx context.Context, name string) (*Organization, error) {
	return orNil(call[Organization](ctx, c, c.newBudget(ctx), http.MethodGet, c.endpoint(organizationsPath, "name", name), nil))
}

// OrganizationUpdate is a PATCH of an organization: the fields set in Organization, with
// RemoveMetadata the metadata keys to remove (Auth0 merges metadata; null removes a key)
// and RemoveBranding to send an empty branding, which removes it.
type OrganizationUpdate struct {
	Organization
	RemoveMetadata []string
	RemoveBranding bool
}

// UpdateOrganization changes an organization.
func (c *Client) UpdateOrganization(ctx context.Context, id string, u OrganizationUpdate) (*Organization, error) {
	in := u.Organization
	in.ID = nil
	raw, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	body := map[string]any{}
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, err
	}
	if len(u.RemoveMetadata) > 0 {
		md := map[string]any{}
		if in.Metadata != nil {
			for k, v := range *in.Metadata {
				md[k] = v
			}
		}
		for _, k := range u.RemoveMetadata {
			md[k] = nil
		}
		body["metadata"] = md
	}
	if u.RemoveBranding {
		body["branding"] = map[string]any{}
	}
	return call[Organization](ctx, c, c.newBudget(ctx), http.MethodPatch, c.endpoint(organizationsPath, id), body)
}

// DeleteOrganization deletes an organization; a missing one is a success.
func (c *Client) DeleteOrganization(ctx context.Context, id string) error {
	return c.do(ctx, c.newBudget(ctx), http.MethodDelete, c.endpoint(organizationsPath, id), nil, nil)
}

// ListOrganizations returns every organization, paging by checkpoint (Auth0 pages by offset
// only within its first 1,000 records).
func (c *Client) ListOrganizations(ctx context.Context) ([]*Organization, error) {
	b := c.newBudget(ctx)
	u := c.endpoint(organizationsPath)
	var all []*Organization
	from := ""
	for pages := 1; ; pages++ {
		q := url.Values{"take": {strconv.Itoa(min(c.pageSize, maxOrganizationsTake))}}
		if from != "" {
			q.Set("from", from)
		}
		pu := *u
		pu.RawQuery = q.Encode()
		var page struct {
			Organizations []*Organization `json:"organizations"`
			Next          string          `json:"next"`
		}
		if err := c.do(ctx, b, http.MethodGet, &pu, nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Organizations...)
		if page.Next == "" || page.Next == from || len(page.Organizations) == 0 {
			return all, nil
		}
		if err := c.listCapError(u, pages, len(all)); err != nil {
			return nil, err
		}
		from = page.Next
	}
}

// ListOrganizationConnections returns the connections enabled for an organization.
func (c *Client) ListOrganizationConnections(ctx context.Context, orgID string) ([]*OrganizationConnection, error) {
	return listAll[OrganizationConnection](ctx, c, c.newBudget(ctx),
		c.endpoint(organizationsPath, orgID, "enabled_connections"), "enabled_connections", nil)
}

// AddOrganizationConnection enables a connection for an organization.
func (c *Client) AddOrganizationConnection(ctx context.Context, orgID string, oc OrganizationConnection) error {
	return c.doWithResend(ctx, http.MethodPost, c.endpoint(organizationsPath, orgID, "enabled_connections"), oc)
}

// UpdateOrganizationConnection changes how a connection is enabled for an organization.
func (c *Client) UpdateOrganizationConnection(ctx context.Context, orgID string, oc OrganizationConnection) error {
	in := oc
	in.ConnectionID = ""
	body := map[string]any{}
	raw, err := json.Marshal(in)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return err
	}
	delete(body, "connection_id")
	return c.do(ctx, c.newBudget(ctx), http.MethodPatch,
		c.endpoint(organizationsPath, orgID, "enabled_connections", oc.ConnectionID), body, nil)
}

// RemoveOrganizationConnection disables a connection for an organization; one not enabled is a success.
func (c *Client) RemoveOrganizationConnection(ctx context.Context, orgID, connectionID string) error {
	return c.do(ctx, c.newBudget(ctx), http.MethodDelete,
		c.endpoint(organizationsPath, orgID, "enabled_connections", connectionID), nil, nil)
}

// ListOrganizationClientGrants returns the client grants associated with an organization.
func (c *Client) ListOrganizationClientGrants(ctx context.Context, orgID string) ([]*ClientGrant, error) {
	return listAll[ClientGrant](ctx, c, c.newBudget(ctx),
		c.endpoint(organizationsPath, orgID, "client-grants"), "client_grants", nil)
}

// AssociateOrganizationClientGrant associates a client grant with an organization; an
// association that exists (409, as after a retried POST whose answer was lost) is a success.
func (c *Client) AssociateOrganizationClientGrant(ctx context.Context, orgID, grantID string) error {
	err := c.doWithResend(ctx, http.MethodPost, c.endpoint(organizationsPath, orgID, "client-grants"),
		map[string]string{"grant_id": grantID})
	if IsConflict(err) {
		return nil
	}
	return err
}

// DissociateOrganizationClientGrant removes a client grant from an organization.
func (c *Client) DissociateOrganizationClientGrant(ctx context.Context, orgID, grantID string) error {
	return c.do(ctx, c.newBudget(ctx), http.MethodDelete,
		c.endpoint(organizationsPath, orgID, "client-grants", grantID), nil, nil)
}

// doWithResend sends a POST that may be resent: doing it twice has the effect of doing it once.
func (c *Client) doWithResend(ctx context.Context, method string, u *url.URL, in any) error {
	_, err := c.doWith(ctx, c.newBudget(ctx), request{method: method, url: u, resend: true}, in, nil)
	return err
}
