package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// adoptIdenticalEnv, set to true for one apply, is the user's word that the
// APIs, grants, connections and organizations exactly equal to the configuration that a
// create meets are an interrupted apply's: the one-step recovery where the
// provider has no proof of its own (DESIGN.md, "Leftovers of a killed apply").
const adoptIdenticalEnv = "IDP_ADOPT_IDENTICAL"

// settle logs a failure to remove a pending create marker from an object a
// state holds (mgmt.SettleApplication): the read goes on, e.g. with a token
// that may only read; the marker stays until a later read succeeds.
func settle(ctx context.Context, kind string, err error) {
	if err != nil {
		tflog.Warn(ctx, "could not remove the create marker from a "+kind+" Terraform manages; a later apply "+
			"creating an identical "+kind+" could take it for an interrupted apply's leftover", map[string]any{"error": err.Error()})
	}
}

// withoutCreateMarker is metadata as the configuration sees it: the create
// marker is the provider's.
func withoutCreateMarker(md *map[string]string) map[string]string {
	out := map[string]string{}
	if md != nil {
		for k, v := range *md {
			if k != mgmt.CreateRequestMetadataKey {
				out[k] = v
			}
		}
	}
	return out
}

// grantRecordKey is the private state key saying that the grant is
// recorded on its client until a read settles it (mgmt.SettleGrant).
const grantRecordKey = "grant_recorded"

func (r *clientGrantResource) recordCreate(ctx context.Context, c *mgmt.Client, plan *clientGrantModel, private privateData) diag.Diagnostics {
	if !c.GrantRecorded(plan.ClientID.ValueString(), plan.Audience.ValueString()) {
		return nil
	}
	return private.SetKey(ctx, grantRecordKey, []byte("true"))
}

func (r *clientGrantResource) settleRead(ctx context.Context, c *mgmt.Client, state *clientGrantModel, private privateData) diag.Diagnostics {
	raw, diags := private.GetKey(ctx, grantRecordKey)
	if diags.HasError() || len(raw) == 0 {
		return diags
	}
	if err := c.SettleGrant(ctx, state.ClientID.ValueString(), state.Audience.ValueString()); err != nil {
		settle(ctx, "client grant", err)
		return nil
	}
	return private.SetKey(ctx, grantRecordKey, nil)
}
