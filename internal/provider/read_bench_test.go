package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// BenchmarkReadResource is one refresh of one idp_resource_server as the
// framework calls Read: the state in, one GET to an in-process idp-server,
// the state and identity out. It is what the provider itself adds per
// refreshed resource to the framework's work (DESIGN.md, "Performance
// method"); -benchmem shows the allocations, which the garbage collector
// pays for.
func BenchmarkReadResource(b *testing.B) {
	ctx := b.Context()
	env := newTestEnvWith(b, nil)
	name, identifier := "Bench API", "https://bench.example/api/"
	scopes := []mgmt.ResourceServerScope{{Value: "read:items", Description: "Read items"}}
	created, err := env.client.CreateResourceServer(ctx, &mgmt.ResourceServer{Name: &name, Identifier: &identifier, Scopes: &scopes})
	if err != nil {
		b.Fatal(err)
	}
	r := NewResourceServerResource().(*resourceServerResource)
	r.configure(&providerData{client: env.client}, nil)

	// The state an apply would have left: every attribute null, then what
	// the server answered.
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	var iresp resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &iresp)
	state := tfsdk.State{Schema: sresp.Schema, Raw: nullObject(ctx, sresp.Schema)}
	var m *resourceServerModel
	diags := getState(ctx, state, &m)
	diags.Append(m.fromAPI(ctx, created)...)
	diags.Append(setState(ctx, &state, m)...)
	if diags.HasError() {
		b.Fatal(diags)
	}
	identity := tfsdk.ResourceIdentity{Schema: iresp.IdentitySchema, Raw: nullObject(ctx, iresp.IdentitySchema)}

	b.ReportAllocs()
	var resp resource.ReadResponse
	for b.Loop() {
		resp = resource.ReadResponse{State: state, Identity: &tfsdk.ResourceIdentity{Schema: identity.Schema, Raw: identity.Raw}}
		r.Read(ctx, resource.ReadRequest{State: state}, &resp)
		if resp.Diagnostics.HasError() {
			b.Fatal(resp.Diagnostics)
		}
	}
	if !resp.State.Raw.Equal(state.Raw) {
		b.Fatalf("the refresh changed the state:\n%s\n%s", state.Raw, resp.State.Raw)
	}
}
