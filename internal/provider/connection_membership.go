package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// Which clients may use which connection (DESIGN.md, "Architecture"): the
// code behind idp_client's enabled_connections and idp_connection_clients.

// connectionRefRegexp is a connection's ID or its name (a name never has
// the underscore of an ID).
var connectionRefRegexp = regexp.MustCompile(`^(con_[A-Za-z0-9]+|[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*)$`)

func enabledConnectionsAttribute() schema.SetAttribute {
	return schema.SetAttribute{
		Description: "The connections this application may use to log users in, by ID (`con_…`) or name; the set " +
			"is authoritative: the application is disabled on every other connection of the tenant, including " +
			"ones created later outside Terraform (the next plan shows them). `[]` means no connection at all, " +
			"what a machine-to-machine application such as a provisioning client should have. Left unset, the " +
			"provider neither reads nor changes the application's connections (the tenant enables a new " +
			"application on every existing connection). Reading it costs one request plus one per connection. " +
			"Do not also list this application in an `idp_connection_clients` that disagrees: the two would undo " +
			"each other on every apply.",
		ElementType: types.StringType,
		Optional:    true,
		Validators: []validator.Set{
			setvalidator.ValueStringsAre(
				stringvalidator.LengthBetween(1, maxConnectionName),
				stringvalidator.RegexMatches(connectionRefRegexp,
					"must be a connection ID (\"con_\" followed by letters and digits) or a connection name (letters "+
						"and digits, with single dashes between them)"),
			),
		},
	}
}

type connectionRef struct{ id, name string }

func (r connectionRef) is(ref string) bool { return ref == r.id || ref == r.name }

func listConnectionRefs(ctx context.Context, c *mgmt.Client) ([]connectionRef, error) {
	all, err := c.ListConnections(ctx, mgmt.ConnectionFilter{})
	if err != nil {
		return nil, err
	}
	refs := make([]connectionRef, 0, len(all))
	for _, cn := range all {
		refs = append(refs, connectionRef{id: valueOr(cn.ID, ""), name: valueOr(cn.Name, "")})
	}
	return refs, nil
}

type errUnknownConnection struct{ refs []string }

func (e *errUnknownConnection) Error() string {
	return fmt.Sprintf("enabled_connections names %s, which the tenant does not have", strings.Join(e.refs, ", "))
}

// setEnabledConnections sets the client's status on every connection:
// reading each connection's clients to find the differences would cost as
// many requests, and would miss what the tenant's enable_client_connections
// flag did to a new client.
func setEnabledConnections(ctx context.Context, c *mgmt.Client, clientID string, want []string) error {
	refs, err := listConnectionRefs(ctx, c)
	if err != nil {
		return err
	}
	var unknown []string
	for _, w := range want {
		if !slices.ContainsFunc(refs, func(r connectionRef) bool { return r.is(w) }) {
			unknown = append(unknown, fmt.Sprintf("%q", w))
		}
	}
	if len(unknown) > 0 {
		return &errUnknownConnection{refs: unknown}
	}
	for _, r := range refs {
		enable := slices.ContainsFunc(want, r.is)
		err := c.UpdateConnectionClients(ctx, r.id, []mgmt.ConnectionClientStatus{{ClientID: clientID, Status: enable}})
		if mgmt.IsNotFound(err) && !enable {
			continue // deleted since the list: nothing to disable
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// readEnabledConnections names each connection as prior does (ID or name),
// else by its ID.
func readEnabledConnections(ctx context.Context, c *mgmt.Client, clientID string, prior []string) ([]string, error) {
	refs, err := listConnectionRefs(ctx, c)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, r := range refs {
		ids, err := c.ListConnectionClients(ctx, r.id)
		if mgmt.IsNotFound(err) {
			continue // deleted since the list
		}
		if err != nil {
			return nil, err
		}
		if !slices.Contains(ids, clientID) {
			continue
		}
		named := false
		for _, p := range prior {
			if r.is(p) {
				out = append(out, p)
				named = true
			}
		}
		if !named {
			out = append(out, r.id)
		}
	}
	sort.Strings(out)
	return out, nil
}

func clientStatusChanges(current, want []string) []mgmt.ConnectionClientStatus {
	var changes []mgmt.ConnectionClientStatus
	for _, id := range sortedCopy(want) {
		if !slices.Contains(current, id) {
			changes = append(changes, mgmt.ConnectionClientStatus{ClientID: id, Status: true})
		}
	}
	for _, id := range sortedCopy(current) {
		if !slices.Contains(want, id) {
			changes = append(changes, mgmt.ConnectionClientStatus{ClientID: id, Status: false})
		}
	}
	return changes
}

func unknownConnectionDetail(err error, ec errorContext) string {
	var u *errUnknownConnection
	if !errors.As(err, &u) {
		return ""
	}
	where := "the tenant"
	if ec.client != nil {
		where = ec.client.BaseURL()
	}
	return fmt.Sprintf("enabled_connections names %s, but %s has no connection with that ID or name. Check the "+
		"names (they are matched exactly, case included), or refer to an idp_connection's id.",
		strings.Join(u.refs, ", "), where)
}
