// Command noopprovider is the second floor of `make bench` (DESIGN.md,
// "Performance method"): a provider on the same Plugin Framework, with the
// same provider and resource schemas as terraform-provider-idp (it asks the
// real provider for them), that does no I/O and no work of its own. Create
// and Update store the plan with its unknown values filled in, Read keeps
// the state as it is, Delete forgets it; Configure does nothing, so there is
// no token and no client. idp-bench builds it and serves it under the idp
// provider's address through dev_overrides, so the very configuration the
// bench applies with the real provider runs against it unchanged: what the
// two cost apart is what terraform-provider-idp itself adds to what
// Terraform and the framework cost.
package main

import (
	"context"
	"log"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	idp "github.com/idp-terraform/terraform-provider-idp/internal/provider"
)

func main() {
	// The same logging policy and collector target as
	// terraform-provider-idp's main, so that the floor is what a provider
	// on the framework needs at the least.
	idp.SilenceUnreadLogs()
	idp.TuneGC()
	err := providerserver.Serve(context.Background(), func() provider.Provider {
		return &noopProvider{real: idp.New("noop")()}
	}, providerserver.ServeOpts{Address: "registry.terraform.io/idp-terraform/idp"})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// noopProvider has the real provider's name and schema, and resources that
// do nothing.
type noopProvider struct {
	real provider.Provider
}

func (p *noopProvider) Metadata(ctx context.Context, req provider.MetadataRequest, resp *provider.MetadataResponse) {
	p.real.Metadata(ctx, req, resp)
}

func (p *noopProvider) Schema(ctx context.Context, req provider.SchemaRequest, resp *provider.SchemaResponse) {
	p.real.Schema(ctx, req, resp)
}

// Configure does nothing: there is no server to reach.
func (p *noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *noopProvider) Resources(ctx context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, newReal := range p.real.Resources(ctx) {
		out = append(out, func() resource.Resource { return &noopResource{real: newReal()} })
	}
	return out
}

func (p *noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// noopResource has a real resource's type name and schema and nothing else.
// Its validators, defaults and plan modifiers come with the schema, so the
// framework runs them as it does for the real one; the real resource's
// ModifyPlan and its API calls are not run.
type noopResource struct {
	real resource.Resource
}

func (r *noopResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.real.Metadata(ctx, req, resp)
}

func (r *noopResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	r.real.Schema(ctx, req, resp)
}

func (r *noopResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State = tfsdk.State{Schema: req.Plan.Schema, Raw: known(req.Plan.Raw)}
}

// Read leaves the state the framework copied into the response as it is.
func (r *noopResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *noopResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State = tfsdk.State{Schema: req.Plan.Schema, Raw: known(req.Plan.Raw)}
}

// Delete does nothing; the framework removes the resource from the state.
func (r *noopResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// known is v with every unknown value (the computed attributes a real
// create would learn from the server) replaced by a fixed known one: "noop",
// 0, false, an empty collection, or null for an object.
func known(v tftypes.Value) tftypes.Value {
	out, err := tftypes.Transform(v, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		t := v.Type()
		switch {
		case t.Is(tftypes.String):
			return tftypes.NewValue(t, "noop"), nil
		case t.Is(tftypes.Number):
			return tftypes.NewValue(t, new(big.Float)), nil
		case t.Is(tftypes.Bool):
			return tftypes.NewValue(t, false), nil
		case t.Is(tftypes.List{}), t.Is(tftypes.Set{}):
			return tftypes.NewValue(t, []tftypes.Value{}), nil
		case t.Is(tftypes.Map{}):
			return tftypes.NewValue(t, map[string]tftypes.Value{}), nil
		}
		return tftypes.NewValue(t, nil), nil
	})
	if err != nil {
		// Transform fails only on a callback's error, and this one returns
		// none.
		panic(err)
	}
	return out
}
