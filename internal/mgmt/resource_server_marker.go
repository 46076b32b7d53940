package mgmt

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
)

// An API has no metadata, so its create marker is one extra scope: the
// spec allows any value of 1 to 280 characters, and a scope nobody is
// granted grants nothing (DESIGN.md, "Leftovers of a killed apply").
const (
	// CreateMarkerScopePrefix starts the value of the scope that carries an
	// API's create marker; the provider refuses it in a configuration.
	CreateMarkerScopePrefix      = CreateRequestMetadataKey + ":"
	createMarkerScopeDescription = "Create marker of terraform-provider-idp; removed by its next refresh. Grant it to no one."
	// maxResourceServerScopes is Auth0's limit of scopes per API (entity
	// limit policy, "Scopes per API"): at it, the create is unmarked.
	maxResourceServerScopes = 1000
)

// IsCreateMarkerScope reports whether value is a scope value the provider
// keeps for itself.
func IsCreateMarkerScope(value string) bool {
	return strings.HasPrefix(value, CreateMarkerScopePrefix)
}

// withoutMarkerScopes returns scopes without the create marker's, and the
// pending marker found among them ("" when none).
func withoutMarkerScopes(scopes []ResourceServerScope) (rest []ResourceServerScope, marker string) {
	rest = make([]ResourceServerScope, 0, len(scopes))
	for _, s := range scopes {
		if !IsCreateMarkerScope(s.Value) {
			rest = append(rest, s)
			continue
		}
		if m := strings.TrimPrefix(s.Value, CreateMarkerScopePrefix); marker == "" && strings.HasPrefix(m, PendingMarkerPrefix) {
			marker = m
		}
	}
	return rest, marker
}

// scopesWithoutMarker is withoutMarkerScopes for an API's optional scope
// list: nil stays nil.
func scopesWithoutMarker(scopes *[]ResourceServerScope) (*[]ResourceServerScope, string) {
	if scopes == nil {
		return nil, ""
	}
	rest, marker := withoutMarkerScopes(*scopes)
	return &rest, marker
}

// hideMarker takes the create marker's scope out of an API the server
// returned and into CreateMarker, so that no caller shows or sends it.
func hideMarker(rs *ResourceServer, err error) (*ResourceServer, error) {
	if rs != nil {
		rs.Scopes, rs.CreateMarker = scopesWithoutMarker(rs.Scopes)
	}
	return rs, err
}

// markResourceServer adds the create marker's scope to in when the client
// adopts leftovers and the API has room for one more scope, and returns the
// marker ("" otherwise). The marker is over the body without it, its scopes
// in order of value, so that a later run computes it again.
func (c *Client) markResourceServer(in *ResourceServer) (string, error) {
	if !c.adoptLeftovers {
		return "", nil
	}
	var scopes []ResourceServerScope
	if in.Scopes != nil {
		scopes = slices.Clone(*in.Scopes)
	}
	if len(scopes) >= maxResourceServerScopes {
		return "", nil
	}
	slices.SortFunc(scopes, func(a, b ResourceServerScope) int { return cmp.Compare(a.Value, b.Value) })
	body := *in
	body.Scopes = &scopes
	marker, err := createMarker("resource server", &body)
	if err != nil {
		return "", err
	}
	scopes = append(scopes, ResourceServerScope{Value: CreateMarkerScopePrefix + marker, Description: createMarkerScopeDescription})
	in.Scopes = &scopes
	return marker, nil
}

// SettleResourceServer removes a pending create marker from an API a
// Terraform state holds (see SettleApplication): a PATCH of its scopes
// without the marker's, since an API's PATCH replaces its scopes.
func (c *Client) SettleResourceServer(ctx context.Context, rs *ResourceServer) error {
	if rs.CreateMarker == "" {
		return nil
	}
	scopes := []ResourceServerScope{}
	if rs.Scopes != nil {
		scopes, _ = withoutMarkerScopes(*rs.Scopes)
	}
	if err := c.do(ctx, c.newBudget(ctx), http.MethodPatch, c.endpoint(resourceServersPath, str(rs.ID)), &ResourceServer{Scopes: &scopes}, nil); err != nil {
		return err
	}
	rs.Scopes, rs.CreateMarker = &scopes, ""
	return nil
}
