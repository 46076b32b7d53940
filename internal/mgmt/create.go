package mgmt

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// CreateRequestMetadataKey is the metadata key of a create marker on clients, tenants,
// connections and organizations (leftovers.go); the first read from a Terraform state removes a pending one.
const CreateRequestMetadataKey = "idp_create_request"

const (
	maxClientMetadataKeys = 10
	// maxOrganizationMetadataKeys is OrganizationMetadata's maxProperties.
	maxOrganizationMetadataKeys = 25
)

// ConflictError wraps a create's 409 when an object with the same key existed before this call.
type ConflictError struct {
	Kind string
	// Key names the unique key and its value, e.g. `identifier "https://api.example.com"`.
	Key string
	// ExistingID is the existing object's id, "" when the look-up did not find it.
	ExistingID string
	// Identical is true when the existing object holds exactly what the create sent.
	Identical bool
	Err       error
}

// Error says what exists and, when known, its id.
func (e *ConflictError) Error() string {
	msg := fmt.Sprintf("%v: a %s with %s already exists", e.Err, e.Kind, e.Key)
	if e.ExistingID != "" {
		msg += fmt.Sprintf(" (id %s)", e.ExistingID)
	}
	return msg
}

// Unwrap returns the 409 *Error.
func (e *ConflictError) Unwrap() error { return e.Err }

// CreateMismatchError wraps a retried create's 409 when the object found by key differs from what was sent.
type CreateMismatchError struct {
	Kind, Key, ExistingID string
	// Fields are the JSON names of the sent fields whose values differ.
	Fields []string
	Err    error
}

// Error names the object found and the fields that differ.
func (e *CreateMismatchError) Error() string {
	return fmt.Sprintf("%v: after an attempt whose outcome was unknown, the %s found with %s (id %s) differs from what was sent in %s: "+
		"it was created by someone else or changed since; import it or delete it",
		e.Err, e.Kind, e.Key, e.ExistingID, strings.Join(e.Fields, ", "))
}

// Unwrap returns the 409 *Error.
func (e *CreateMismatchError) Unwrap() error { return e.Err }

// TenantCredentialsLostError is CreateTenant's error when a lost answer carried the new tenant's only
// credentials. Deleting it is left to the caller: this client cannot prove it is not someone else's.
type TenantCredentialsLostError struct {
	Tenant *Tenant // as read back, without ManagementClient
}

// Error names the tenant and what to do.
func (e *TenantCredentialsLostError) Error() string {
	return fmt.Sprintf("tenant %q (id %s) was created, but the answer carrying its Management API client credentials was lost "+
		"and the server shows them only once: delete the tenant and create it again to get new credentials",
		str(e.Tenant.Name), str(e.Tenant.ID))
}

// UncertainCreateError is a create's error when the call ends while an attempt may have created the object.
type UncertainCreateError struct {
	Kind string
	// Find says how to recognise the object, e.g. `client_metadata "idp_create_request" = "3f2a..."`.
	Find string
	// MarkerKey and MarkerValue are a client's marker; empty for objects with a unique key.
	MarkerKey, MarkerValue string
	// IDs are the clients found carrying the marker when more than one did.
	IDs []string
	Err error
}

// Error says what to look for and which ids to import or delete.
func (e *UncertainCreateError) Error() string {
	msg := fmt.Sprintf("%v; the %s may or may not have been created", e.Err, e.Kind)
	if len(e.IDs) > 0 {
		return msg + fmt.Sprintf(": %d objects carry %s (%s): import one and delete the others", len(e.IDs), e.Find, strings.Join(e.IDs, ", "))
	}
	return msg + fmt.Sprintf(": look for a %s with %s, and import it or delete it before trying again", e.Kind, e.Find)
}

// Unwrap returns the last error.
func (e *UncertainCreateError) Unwrap() error { return e.Err }

type keyed[T any] struct {
	kind, key string
	lookup    func(ctx context.Context, b budget) (*T, error) // (nil, nil): none
	id        func(*T) string
	diff      func(sent, found *T) []string // names of the fields that differ
	adopt     func(found *T) (*T, error)    // optional
	// leftover, optional, proves that an object that existed before this
	// call was made by an interrupted apply of this configuration, which
	// takeOver (default: found as it is) then makes this create's.
	leftover func(found *T) bool
	takeOver func(ctx context.Context, b budget, found *T) (*T, error)
	// noVouching: AdoptIdentical does not apply (a tenant's adoption deletes it).
	noVouching bool
}

func createKeyed[T any](ctx context.Context, c *Client, b budget, u *url.URL, in *T, k keyed[T]) (*T, error) {
	out := new(T)
	info, err := c.doWith(ctx, b, request{method: http.MethodPost, url: u, resend: true}, in, out)
	if err == nil {
		c.claims.claim(k.kind, k.id(out))
		return out, nil
	}
	if !IsConflict(err) {
		if uncertain(info, err) {
			return nil, &UncertainCreateError{Kind: k.kind, Find: k.key, Err: err}
		}
		return nil, err
	}
	found, lerr := k.lookup(ctx, b)
	if !info.ambiguous {
		ce := &ConflictError{Kind: k.kind, Key: k.key, Err: err}
		if lerr == nil && found != nil {
			ce.ExistingID = k.id(found)
			ce.Identical = len(k.diff(in, found)) == 0
			vouched := c.adoptIdentical && !k.noVouching
			if ce.Identical && (vouched || k.leftover != nil && k.leftover(found)) && c.claims.claim(k.kind, ce.ExistingID) {
				c.log.Log(ctx, LevelInfo, "found the object an interrupted apply of this configuration created; adopting it",
					map[string]any{"kind": k.kind, "id": ce.ExistingID})
				if k.takeOver != nil {
					return k.takeOver(ctx, b, found)
				}
				return found, nil
			}
		}
		return nil, ce
	}
	switch {
	case lerr != nil:
		return nil, &UncertainCreateError{Kind: k.kind, Find: k.key,
			Err: fmt.Errorf("%w; looking the %s up by its key after an attempt whose outcome was unknown failed: %w", err, k.kind, lerr)}
	case found == nil:
		return nil, &ConflictError{Kind: k.kind, Key: k.key, Err: err}
	}
	if fields := k.diff(in, found); len(fields) > 0 {
		return nil, &CreateMismatchError{Kind: k.kind, Key: k.key, ExistingID: k.id(found), Fields: fields, Err: err}
	}
	c.log.Log(ctx, LevelInfo, "create met 409 after an attempt whose outcome was unknown; adopting the object it created",
		map[string]any{"kind": k.kind, "id": k.id(found)})
	c.claims.claim(k.kind, k.id(found))
	if k.adopt != nil {
		return k.adopt(found)
	}
	return found, nil
}

// uncertain reports whether a failed create may have made its object: the last answer
// is not a refusal, which would have been a 409 had an earlier attempt created it.
func uncertain(info sendInfo, err error) bool {
	var apiErr *Error
	refused := errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 &&
		apiErr.StatusCode != http.StatusTooManyRequests && apiErr.StatusCode != http.StatusRequestTimeout
	return info.ambiguous && !refused
}

// createApplication adopts a killed run's client carrying the same marker, and resends a
// client's POST only after recover found no earlier attempt's client.
func (c *Client) createApplication(ctx context.Context, b budget, in *Application) (*Application, error) {
	u := c.endpoint(clientsPath)
	marker, err := c.newMarker("client", in)
	if err != nil {
		return nil, err
	}
	md := withMarker(in.ClientMetadata, marker, maxClientMetadataKeys)
	if md == nil {
		// No room for the marker: a plain create.
		return call[Application](ctx, c, b, http.MethodPost, u, in)
	}
	if c.adoptLeftovers {
		defer c.claims.lock(marker)()
		left, err := c.leftoverClient(ctx, b, marker)
		if err != nil {
			return nil, err
		}
		if left != nil {
			return c.adoptLeftoverClient(ctx, b, left, in)
		}
	}
	in.ClientMetadata = md

	var found []*Application
	r := request{method: http.MethodPost, url: u, resend: true,
		recover: func(ctx context.Context, b budget, failure error) (bool, error) {
			var err error
			if found, err = c.findByMarker(ctx, b, marker); err != nil {
				return false, fmt.Errorf("%w; looking for the client by its create marker failed: %w", failure, err)
			}
			return len(found) > 0, nil
		}}
	out := new(Application)
	info, err := c.doWith(ctx, b, r, in, out)
	switch {
	case err == nil:
		c.claims.claim("client", str(out.ClientID))
		return out, nil
	case len(found) == 1:
		c.claims.claim("client", str(found[0].ClientID))
		return c.adoptApplication(ctx, b, found[0], in.ClientSecret, err)
	case len(found) > 1, uncertain(info, err):
		var ids []string
		for _, a := range found {
			ids = append(ids, str(a.ClientID))
		}
		return nil, &UncertainCreateError{
			Kind: "client", Find: fmt.Sprintf("client_metadata %q = %q", CreateRequestMetadataKey, marker),
			MarkerKey: CreateRequestMetadataKey, MarkerValue: marker, IDs: ids, Err: err,
		}
	}
	return nil, err
}

// adoptApplication rotates the secret if the token may not read it (harmless: nobody has seen it),
// unless the caller gave it: the client holds the sent secret, which the caller knows.
// A nil cause is a leftover of an interrupted apply, logged by the caller.
func (c *Client) adoptApplication(ctx context.Context, b budget, a *Application, sent *string, cause error) (*Application, error) {
	if cause != nil {
		c.log.Log(ctx, LevelInfo, "found the client created by an attempt whose outcome was unknown; adopting it",
			map[string]any{"kind": "client", "id": str(a.ClientID), "cause": cause.Error()})
	}
	if sent != nil {
		a.ClientSecret = sent
		return a, nil
	}
	if a.ClientSecret != nil && *a.ClientSecret != "" {
		return a, nil
	}
	rotated, err := call[Application](ctx, c, b, http.MethodPost, c.endpoint(clientsPath, str(a.ClientID), "rotate-secret"), nil)
	if err != nil {
		return nil, fmt.Errorf("client %s was created by an attempt whose answer was lost; its secret is not readable "+
			"(the token lacks read:client_keys) and rotating it, which needs update:client_keys, failed: %w", str(a.ClientID), err)
	}
	return rotated, nil
}

// findByMarker returns the unclaimed clients carrying marker: those this run
// created or adopted are another resource's.
func (c *Client) findByMarker(ctx context.Context, b budget, marker string) ([]*Application, error) {
	all, err := listAll[Application](ctx, c, b, c.endpoint(clientsPath), "clients", nil)
	if err != nil {
		return nil, err
	}
	var found []*Application
	for _, a := range all {
		if a.ClientMetadata != nil && (*a.ClientMetadata)[CreateRequestMetadataKey] == marker && !c.claims.isClaimed("client", str(a.ClientID)) {
			found = append(found, a)
		}
	}
	return found, nil
}

// newMarker is a create marker: with AdoptLeftovers one a later run recomputes,
// otherwise this call's own random id.
func (c *Client) newMarker(kind string, body any) (string, error) {
	if c.adoptLeftovers {
		return createMarker(kind, body)
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generating a create-request id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

type differ []string

// ptr notes name when a was sent and found differs (or is absent).
func ptr[T comparable](d *differ, name string, sent, found *T) {
	if sent != nil && (found == nil || *sent != *found) {
		*d = append(*d, name)
	}
}

// set notes name when the sent list and the found one differ as sets.
func set(d *differ, name string, sent, found *[]string) {
	if sent == nil {
		return
	}
	var f []string
	if found != nil {
		f = *found
	}
	if !sameStrings(*sent, f) {
		*d = append(*d, name)
	}
}

func sameStrings(a, b []string) bool {
	a, b = slices.Compact(slices.Sorted(slices.Values(a))), slices.Compact(slices.Sorted(slices.Values(b)))
	return slices.Equal(a, b)
}

func diffResourceServer(sent, found *ResourceServer) []string {
	var d differ
	ptr(&d, "name", sent.Name, found.Name)
	ptr(&d, "identifier", sent.Identifier, found.Identifier)
	if sent.Scopes != nil {
		want, got := map[string]string{}, map[string]string{}
		for _, s := range *sent.Scopes {
			want[s.Value] = s.Description
		}
		if found.Scopes != nil {
			for _, s := range *found.Scopes {
				if !IsCreateMarkerScope(s.Value) {
					got[s.Value] = s.Description
				}
			}
		}
		if !maps.Equal(want, got) {
			d = append(d, "scopes")
		}
	}
	ptr(&d, "signing_alg", sent.SigningAlg, found.SigningAlg)
	if found.SigningSecret != nil { // not every answer shows it
		ptr(&d, "signing_secret", sent.SigningSecret, found.SigningSecret)
	}
	ptr(&d, "token_lifetime", sent.TokenLifetime, found.TokenLifetime)
	ptr(&d, "allow_offline_access", sent.AllowOfflineAccess, found.AllowOfflineAccess)
	ptr(&d, "skip_consent_for_verifiable_first_party_clients", sent.SkipConsentForVerifiableFirstPartyClients, found.SkipConsentForVerifiableFirstPartyClients)
	ptr(&d, "token_dialect", sent.TokenDialect, found.TokenDialect)
	ptr(&d, "enforce_policies", sent.EnforcePolicies, found.EnforcePolicies)
	return d
}

func diffClientGrant(sent, found *ClientGrant) []string {
	var d differ
	set(&d, "scope", sent.Scope, found.Scope)
	ptr(&d, "organization_usage", sent.OrganizationUsage, found.OrganizationUsage)
	ptr(&d, "allow_any_organization", sent.AllowAnyOrganization, found.AllowAnyOrganization)
	return d
}

func diffTenant(sent, found *Tenant) []string {
	var d differ
	ptr(&d, "name", sent.Name, found.Name)
	ptr(&d, "display_name", sent.DisplayName, found.DisplayName)
	set(&d, "owners", sent.Owners, found.Owners)
	metadata(&d, "metadata", sent.Metadata, found.Metadata)
	return d
}

// metadata notes name when the sent metadata and the found one differ but for the create marker.
func metadata(d *differ, name string, sent, found *map[string]string) {
	if sent == nil {
		return
	}
	without := func(md *map[string]string) map[string]string {
		out := map[string]string{}
		if md != nil {
			for k, v := range *md {
				if k != CreateRequestMetadataKey {
					out[k] = v
				}
			}
		}
		return out
	}
	if !maps.Equal(without(sent), without(found)) {
		*d = append(*d, name)
	}
}
