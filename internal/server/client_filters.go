package server

import (
	"net/url"
	"strings"
)

// clientsFilter is the query of GET /clients. No client here is global or
// registered by a Client ID Metadata Document, so those filters match
// accordingly.
type clientsFilter struct {
	appTypes                      []string
	firstParty, global            *bool
	externalID, organization      *string
	anyOrganization, filters, any bool
	granted                       map[string]bool
}

// The queries the spec permits in q, which cannot be combined with the
// other filters and need checkpoint paging.
const (
	qOrganizationID  = "client_grant.organization_id:"
	qAnyOrganization = "client_grant.allow_any_organization:true"
)

func clientFilters(q url.Values, p page) (clientsFilter, error) {
	var f clientsFilter
	if _, ok := q["app_type"]; ok {
		for _, t := range strings.Split(q.Get("app_type"), ",") {
			if t = strings.TrimSpace(t); t != "" {
				f.appTypes = append(f.appTypes, t)
			}
		}
		f.filters = true
	}
	for name, dst := range map[string]**bool{"is_first_party": &f.firstParty, "is_global": &f.global} {
		v, ok, err := queryBool(q, name)
		if err != nil {
			return f, err
		}
		if ok {
			*dst, f.filters = &v, true
		}
	}
	if vs, ok := q["external_client_id"]; ok {
		if n := len(vs[0]); n < 1 || n > 120 {
			return f, errInvalidQuery("Query validation error: 'String length must be between 1 and 120' on property external_client_id.")
		}
		f.externalID, f.filters = &vs[0], true
	}
	if _, ok := q["q"]; !ok {
		f.any = f.filters
		return f, nil
	}
	query := strings.TrimSpace(q.Get("q"))
	switch {
	case f.filters:
		return f, errInvalidQuery("The q parameter cannot be used in combination with other filters.")
	case !p.checkpoint:
		return f, errInvalidQuery("The q parameter requires checkpoint pagination (from and take).")
	case query == qAnyOrganization:
		f.anyOrganization = true
	case strings.HasPrefix(query, qOrganizationID) && len(query) > len(qOrganizationID):
		id := strings.Trim(query[len(qOrganizationID):], `"`)
		f.organization = &id
	default:
		return f, errInvalidQuery("Query validation error: q permits only " + qOrganizationID + "{organization_id} or " + qAnyOrganization + ".")
	}
	f.any = true
	return f, nil
}

// keep is the filter's predicate, nil when it keeps every client.
func (f clientsFilter) keep() func(clientRecord) bool {
	if !f.any {
		return nil
	}
	return func(cl clientRecord) bool {
		switch {
		case f.appTypes != nil && (cl.AppType == nil || !contains(f.appTypes, *cl.AppType)),
			f.firstParty != nil && cl.IsFirstParty != *f.firstParty,
			f.global != nil && *f.global,
			f.externalID != nil,
			(f.organization != nil || f.anyOrganization) && !f.granted[cl.ClientID]:
			return false
		}
		return true
	}
}
