package mgmt

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// PendingMarkerPrefix starts a create marker that no Terraform state has
// read yet: the object may be a killed run's leftover (DESIGN.md,
// "Leftovers of a killed apply").
const PendingMarkerPrefix = "pending:"

// IsPendingMarker reports whether md carries a pending create marker.
func IsPendingMarker(md *map[string]string) bool {
	return md != nil && strings.HasPrefix((*md)[CreateRequestMetadataKey], PendingMarkerPrefix)
}

// createMarker is what a later run of the same configuration computes
// again for the same create: a digest of the body, canonical (lists of
// strings sorted, since the provider sends sets as lists) and without
// secrets, which must not be guessable from the metadata, nor the marker
// itself.
func createMarker(kind string, body any) (string, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return "", fmt.Errorf("computing the create marker: %w", err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", fmt.Errorf("computing the create marker: %w", err)
	}
	raw, err = json.Marshal(canonical(v)) // maps in key order
	if err != nil {
		return "", fmt.Errorf("computing the create marker: %w", err)
	}
	sum := sha256.Sum256(append([]byte(kind+"\x00"), raw...))
	return PendingMarkerPrefix + hex.EncodeToString(sum[:20]), nil
}

func canonical(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			if isSecretKey(k) || k == CreateRequestMetadataKey {
				continue
			}
			out[k] = canonical(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		strs := true
		for i, e := range v {
			out[i] = canonical(e)
			_, ok := e.(string)
			strs = strs && ok
		}
		if strs {
			slices.SortFunc(out, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
		}
		return out
	}
	return v
}

// withMarker returns md with the marker added, or nil when md has no room
// under limit keys.
func withMarker(md *map[string]string, marker string, limit int) *map[string]string {
	out := map[string]string{}
	if md != nil {
		for k, v := range *md {
			out[k] = v
		}
	}
	if _, ok := out[CreateRequestMetadataKey]; !ok && len(out) >= limit {
		return nil
	}
	out[CreateRequestMetadataKey] = marker
	return &out
}

// runClaims is what one Client (one provider configuration in one Terraform
// command) created or adopted, so that no object is adopted twice, and the
// clients found with a pending marker when the first client create ran.
type runClaims struct {
	mu      sync.Mutex
	claimed map[string]bool // kind + "\x00" + id
	// leftovers are the clients adopted as a killed run's: a grant on one
	// was made by that run too, since no one else knew its id.
	leftovers map[string]bool
	locks     map[string]*sync.Mutex // one per marker

	// grants are the grants (client and audience) recorded on their client.
	grants map[string]bool
	// seen is each client's metadata as this Client last read or wrote it.
	seen map[string]map[string]string

	listing sync.Mutex
	listed  bool
	clients []*Application // pending-marked clients when first listed
}

// claim records kind/id as this run's; false when it already was.
func (r *runClaims) claim(kind, id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.claimed == nil {
		r.claimed = map[string]bool{}
	}
	k := kind + "\x00" + id
	if r.claimed[k] {
		return false
	}
	r.claimed[k] = true
	return true
}

func (r *runClaims) isClaimed(kind, id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.claimed[kind+"\x00"+id]
}

func (r *runClaims) markLeftover(clientID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.leftovers == nil {
		r.leftovers = map[string]bool{}
	}
	r.leftovers[clientID] = true
}

func (r *runClaims) isLeftover(clientID string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.leftovers[clientID]
}

// lock serialises the creates of one marker: two resources of identical
// configuration must not both adopt, nor both miss, one leftover.
func (r *runClaims) lock(marker string) func() {
	r.mu.Lock()
	if r.locks == nil {
		r.locks = map[string]*sync.Mutex{}
	}
	m := r.locks[marker]
	if m == nil {
		m = &sync.Mutex{}
		r.locks[marker] = m
	}
	r.mu.Unlock()
	m.Lock()
	return m.Unlock
}

// pendingClients lists the tenant's clients once per Client and keeps those
// with a pending marker: a killed run's leftovers exist before this run
// starts, and what this run creates is claimed.
func (c *Client) pendingClients(ctx context.Context, b budget) ([]*Application, error) {
	r := &c.claims
	r.listing.Lock()
	defer r.listing.Unlock()
	if r.listed {
		return r.clients, nil
	}
	all, err := listAll[Application](ctx, c, b, c.endpoint(clientsPath), "clients", nil)
	if err != nil {
		return nil, fmt.Errorf("listing the clients to find what an interrupted apply left: %w", err)
	}
	for _, a := range all {
		if IsPendingMarker(a.ClientMetadata) {
			r.clients = append(r.clients, a)
		}
	}
	r.listed = true
	return r.clients, nil
}

// leftoverClient claims and returns an unclaimed client carrying marker, or nil.
func (c *Client) leftoverClient(ctx context.Context, b budget, marker string) (*Application, error) {
	pending, err := c.pendingClients(ctx, b)
	if err != nil {
		return nil, err
	}
	for _, a := range pending {
		if (*a.ClientMetadata)[CreateRequestMetadataKey] == marker && c.claims.claim("client", str(a.ClientID)) {
			return a, nil
		}
	}
	return nil, nil
}

// adoptLeftoverClient makes a killed run's client what this create would
// have made: the marker proves the create body was the same, but the
// client may have changed since, and a write-only secret is not in the
// marker.
func (c *Client) adoptLeftoverClient(ctx context.Context, b budget, found, in *Application) (*Application, error) {
	id := str(found.ClientID)
	c.log.Log(ctx, LevelInfo, "found a client an interrupted apply of this configuration created; adopting it",
		map[string]any{"kind": "client", "id": id})
	c.claims.markLeftover(id)
	patch := *in
	patch.ClientID, patch.ClientMetadata = nil, nil
	if len(diffApplication(in, found)) > 0 || in.ClientSecret != nil {
		updated, err := call[Application](ctx, c, b, http.MethodPatch, c.endpoint(clientsPath, id), &patch)
		if err != nil {
			return nil, fmt.Errorf("client %s, created by an interrupted apply of this configuration, was found but "+
				"could not be brought in line with the configuration: %w", id, err)
		}
		found = updated
	}
	return c.adoptApplication(ctx, b, found, in.ClientSecret, nil)
}

func diffApplication(sent, found *Application) []string {
	var d differ
	ptr(&d, "name", sent.Name, found.Name)
	ptr(&d, "description", sent.Description, found.Description)
	ptr(&d, "app_type", sent.AppType, found.AppType)
	set(&d, "grant_types", sent.GrantTypes, found.GrantTypes)
	ptr(&d, "token_endpoint_auth_method", sent.TokenEndpointAuthMethod, found.TokenEndpointAuthMethod)
	ptr(&d, "is_first_party", sent.IsFirstParty, found.IsFirstParty)
	set(&d, "callbacks", sent.Callbacks, found.Callbacks)
	set(&d, "allowed_origins", sent.AllowedOrigins, found.AllowedOrigins)
	set(&d, "web_origins", sent.WebOrigins, found.WebOrigins)
	set(&d, "allowed_logout_urls", sent.AllowedLogoutURLs, found.AllowedLogoutURLs)
	if sent.ClientAuthenticationMethods != nil && !sameJSON(sent.ClientAuthenticationMethods, found.ClientAuthenticationMethods) {
		d = append(d, "client_authentication_methods")
	}
	return d
}

// SettleApplication removes a pending create marker from a client that a
// Terraform state holds: from then on, no later run may take it for a
// killed run's leftover. It is one PATCH per client, on its first read.
// It also remembers the client's metadata for SettleGrant.
func (c *Client) SettleApplication(ctx context.Context, a *Application) error {
	defer c.claims.see(str(a.ClientID), a.ClientMetadata)
	if !IsPendingMarker(a.ClientMetadata) {
		return nil
	}
	body := map[string]any{"client_metadata": map[string]any{CreateRequestMetadataKey: nil}}
	if err := c.do(ctx, c.newBudget(ctx), http.MethodPatch, c.endpoint(clientsPath, str(a.ClientID)), body, nil); err != nil {
		return err
	}
	delete(*a.ClientMetadata, CreateRequestMetadataKey)
	return nil
}

func (r *runClaims) see(clientID string, md *map[string]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]map[string]string{}
	}
	r.seen[clientID] = map[string]string{}
	if md != nil {
		for k, v := range *md {
			r.seen[clientID][k] = v
		}
	}
}

// recorded reports what this Client last saw of key on the client: known is
// false when it has not read the client.
func (r *runClaims) recorded(clientID, key string) (present, known bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	md, known := r.seen[clientID]
	_, present = md[key]
	return present, known
}

// grantRecordKey is the client_metadata key that records, before its create,
// a grant of the client for audience which no state has read yet: grants
// have no metadata of their own.
func grantRecordKey(audience string) string {
	sum := sha256.Sum256([]byte(audience))
	return "idp_grant:" + hex.EncodeToString(sum[:8])
}

// recordGrant records a grant on its client before it is created, and
// reports whether an earlier apply had already recorded it: then a grant
// found identical is that apply's. A client this run created has no earlier
// record; one without room, or that cannot be read or written, gets none,
// and the grant's create goes on as before.
func (c *Client) recordGrant(ctx context.Context, b budget, clientID, audience string) (earlier, wrote bool) {
	key := grantRecordKey(audience)
	if !c.claims.isClaimed("client", clientID) {
		u := c.endpoint(clientsPath, clientID)
		u.RawQuery = url.Values{"fields": {"client_metadata"}, "include_fields": {"true"}}.Encode()
		a, err := call[Application](ctx, c, b, http.MethodGet, u, nil)
		if err != nil {
			return false, false
		}
		if a.ClientMetadata != nil && (*a.ClientMetadata)[key] != "" {
			c.claims.noteGrant(clientID, audience)
			return true, false
		}
	}
	body := map[string]any{"client_metadata": map[string]string{key: "pending"}}
	if err := c.do(ctx, b, http.MethodPatch, c.endpoint(clientsPath, clientID), body, nil); err != nil {
		c.log.Log(ctx, LevelDebug, "could not record the grant on its client before creating it", map[string]any{"error": err.Error()})
		return false, false
	}
	c.claims.noteGrant(clientID, audience)
	c.claims.mu.Lock()
	if md := c.claims.seen[clientID]; md != nil {
		md[key] = "pending"
	}
	c.claims.mu.Unlock()
	return false, true
}

func (r *runClaims) forgetGrant(clientID, audience string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.grants, clientID+"\x00"+audience)
}

func (r *runClaims) noteGrant(clientID, audience string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.grants == nil {
		r.grants = map[string]bool{}
	}
	r.grants[clientID+"\x00"+audience] = true
}

// GrantRecorded reports whether this client recorded the grant on its client
// (or found it recorded): SettleGrant removes the record once a state reads it.
func (c *Client) GrantRecorded(clientID, audience string) bool {
	c.claims.mu.Lock()
	defer c.claims.mu.Unlock()
	return c.claims.grants[clientID+"\x00"+audience]
}

// SettleGrant removes the record of a grant a Terraform state holds (see
// SettleApplication); a client already gone has nothing to remove. When this
// Client read the client (its resource refreshes before the grant's), it
// sends nothing unless the record is there: a plan saves no state, so the
// caller's note that a record may exist outlives the record.
func (c *Client) SettleGrant(ctx context.Context, clientID, audience string) error {
	key := grantRecordKey(audience)
	if present, known := c.claims.recorded(clientID, key); known && !present {
		return nil
	}
	body := map[string]any{"client_metadata": map[string]any{key: nil}}
	if err := c.do(ctx, c.newBudget(ctx), http.MethodPatch, c.endpoint(clientsPath, clientID), body, nil); err != nil && !IsNotFound(err) {
		return err
	}
	c.claims.mu.Lock()
	delete(c.claims.seen[clientID], key)
	c.claims.mu.Unlock()
	return nil
}
