package server

import (
	"encoding/json"
	"net/http"
	"strings"
)

// organizationUsage is a grant's organization_usage; unset is deny, as
// Auth0 documents ("Defaults to deny when not defined").
func (g clientGrantRecord) organizationUsage() string {
	var usage string
	if raw, ok := g.Extra["organization_usage"]; ok && json.Unmarshal(raw, &usage) == nil && usage != "" {
		return usage
	}
	return "deny"
}

func (g clientGrantRecord) allowsAnyOrganization() bool {
	return string(g.Extra["allow_any_organization"]) == "true"
}

// Organization usages of a client grant.
const (
	orgUsageDeny    = "deny"
	orgUsageRequire = "require"
)

// organizationNamesAllowed is the tenant setting under which the token
// endpoint takes an organization's name and tokens carry org_name.
func (p repo) organizationNamesAllowed() (bool, error) {
	set, err := p.settings()
	if err != nil {
		return false, err
	}
	return string(set["allow_organization_name_in_authentication_api"]) == "true", nil
}

// tokenOrganization applies a grant's organization rules to a client
// credentials request: an organization is refused when the grant denies
// organizations, when it is unknown, and when the grant is neither
// associated with it nor allows any; none is refused when the grant
// requires one. The caller holds the tenant's read lock.
func (c *call) tokenOrganization(g clientGrantRecord, audience, organization string) (id, name string, err error) {
	usage := g.organizationUsage()
	if organization == "" {
		if usage == orgUsageRequire {
			return "", "", errInvalidRequest(`An organization is required to access "` + audience + `" with this client.`)
		}
		return "", "", nil
	}
	if usage == orgUsageDeny {
		return "", "", errOAuth(http.StatusForbidden, "access_denied",
			`Client is not allowed to use an organization to access "`+audience+`".`)
	}
	names, err := c.repo.organizationNamesAllowed()
	if err != nil {
		return "", "", err
	}
	var o organizationRecord
	if strings.HasPrefix(organization, "org_") {
		o, err = c.repo.organization(organization)
	} else if names {
		o, err = c.repo.organizationByName(organization)
	} else {
		err = errInexistentOrganization()
	}
	if isNotFound(err) {
		return "", "", errOAuth(http.StatusForbidden, "access_denied", "Organization not found: "+organization)
	}
	if err != nil {
		return "", "", err
	}
	if !g.allowsAnyOrganization() && !contains(g.Organizations, o.ID) {
		return "", "", errOAuth(http.StatusForbidden, "access_denied",
			`Client is not authorized to access "`+audience+`" on behalf of organization "`+organization+`".`)
	}
	if names {
		name = o.Name
	}
	return o.ID, name, nil
}
