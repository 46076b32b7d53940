package mgmt

import (
	"context"
	"fmt"
	"net/url"
)

// ThirdPartyClients is the only value of the spec's ClientGrantDefaultForEnum: a default grant
// with it is the grant of every third-party client (is_first_party false) without its own.
const ThirdPartyClients = "third_party_clients"

// CreateDefaultClientGrant creates the default grant of third-party clients for an API (its
// audience), converging on the audience: there is one per API (and subject type). Grants carry
// no marker, so a leftover of a killed apply is adopted only with IDP_ADOPT_IDENTICAL (AdoptIdentical).
func (c *Client) CreateDefaultClientGrant(ctx context.Context, g *ClientGrant) (*ClientGrant, error) {
	in := *g
	in.ID, in.ClientID, in.DefaultFor = nil, nil, String(ThirdPartyClients)
	if in.Scope == nil {
		in.Scope = &[]string{}
	}
	audience := str(in.Audience)
	return createKeyed(ctx, c, c.newBudget(ctx), c.endpoint(clientGrantsPath), &in, keyed[ClientGrant]{
		kind: "default client grant",
		key:  fmt.Sprintf("default_for %q and audience %q", ThirdPartyClients, audience),
		lookup: func(ctx context.Context, b budget) (*ClientGrant, error) {
			return c.findDefaultClientGrant(ctx, b, audience)
		},
		id:   func(g *ClientGrant) string { return str(g.ID) },
		diff: diffClientGrant,
	})
}

// FindDefaultClientGrant returns the default grant of third-party clients for audience, or nil.
func (c *Client) FindDefaultClientGrant(ctx context.Context, audience string) (*ClientGrant, error) {
	return c.findDefaultClientGrant(ctx, c.newBudget(ctx), audience)
}

// findDefaultClientGrant asks for the default grant on audience.
func (c *Client) findDefaultClientGrant(ctx context.Context, b budget, audience string) (*ClientGrant, error) {
	all, err := c.listDefaultClientGrants(ctx, b, url.Values{"audience": {audience}})
	for _, g := range all {
		if str(g.Audience) == audience {
			return g, nil
		}
	}
	return nil, err
}

// ListDefaultClientGrants returns the default grants of third-party clients of subject type client.
func (c *Client) ListDefaultClientGrants(ctx context.Context) ([]*ClientGrant, error) {
	return c.listDefaultClientGrants(ctx, c.newBudget(ctx), url.Values{})
}

// listDefaultClientGrants lists the default grants q narrows and keeps those of subject type
// client (the server answers that for a default grant created without one).
func (c *Client) listDefaultClientGrants(ctx context.Context, b budget, q url.Values) ([]*ClientGrant, error) {
	q.Set("default_for", ThirdPartyClients)
	all, err := listAll[defaultGrant](ctx, c, b, c.endpoint(clientGrantsPath), "client_grants", q)
	if err != nil {
		return nil, err
	}
	out := make([]*ClientGrant, 0, len(all))
	for _, g := range all {
		if g.isClientDefault() {
			out = append(out, &g.ClientGrant)
		}
	}
	return out, nil
}

// IsDefaultClientGrant reports whether g is a default grant of third-party clients.
func IsDefaultClientGrant(g *ClientGrant) bool {
	return g != nil && g.ClientID == nil && str(g.DefaultFor) == ThirdPartyClients
}

type defaultGrant struct {
	ClientGrant
	SubjectType string `json:"subject_type"`
}

func (g *defaultGrant) isClientDefault() bool {
	return (g.SubjectType == "" || g.SubjectType == "client") && IsDefaultClientGrant(&g.ClientGrant)
}
