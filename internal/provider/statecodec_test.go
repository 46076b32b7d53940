package provider

import (
	"context"
	"math/big"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

// codecCase is one resource's schema and model, with models to write.
type codecCase struct {
	name   string
	res    resource.Resource
	newPtr func() any // a new **model, as readResource passes to Get
	models []any      // *model values to Set
}

func strs(vs ...string) types.Set {
	elems := make([]attr.Value, len(vs))
	for i, v := range vs {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

func scopes(vs ...string) types.Set {
	ot := types.ObjectType{AttrTypes: scopeAttrTypes}
	elems := make([]attr.Value, len(vs))
	for i, v := range vs {
		desc := types.StringValue("desc " + v)
		if i%2 == 1 {
			desc = types.StringNull()
		}
		elems[i] = types.ObjectValueMust(scopeAttrTypes, map[string]attr.Value{"value": types.StringValue(v), "description": desc})
	}
	return types.SetValueMust(ot, elems)
}

func codecCases() []codecCase {
	return []codecCase{
		{"client", NewClientResource(), func() any { return new(*clientModel) }, []any{
			&clientModel{
				ID: types.StringValue("c1"), ClientID: types.StringValue("abc"), ClientSecret: types.StringValue("s3cret"),
				Name: types.StringValue("app"), Description: types.StringNull(), AppType: types.StringValue("spa"),
				GrantTypes: strs("authorization_code", "refresh_token"), TokenEndpointAuthMethod: types.StringValue("none"),
				SecretRotationVersion: validators.WholeNumberValue(3), EnabledConnections: strs(),
				ClientSecretWO: types.StringNull(), ClientSecretWOVersion: validators.WholeNumberNull(),
				IsFirstParty: types.BoolValue(false), Callbacks: strs("https://app.example/cb", "myapp://cb"),
				AllowedOrigins: strs(), WebOrigins: strs("https://app.example"), AllowedLogoutURLs: strs(),
			},
			&clientModel{
				ID: types.StringUnknown(), ClientID: types.StringUnknown(), ClientSecret: types.StringNull(),
				Name: types.StringValue("app"), Description: types.StringValue(""), AppType: types.StringUnknown(),
				GrantTypes: types.SetUnknown(types.StringType), TokenEndpointAuthMethod: types.StringNull(),
				SecretRotationVersion: validators.WholeNumberNull(), EnabledConnections: types.SetNull(types.StringType),
				ClientSecretWO: types.StringNull(), ClientSecretWOVersion: validators.WholeNumberValue(2),
				IsFirstParty: types.BoolUnknown(), Callbacks: types.SetUnknown(types.StringType),
				AllowedOrigins: types.SetNull(types.StringType), WebOrigins: types.SetNull(types.StringType),
				AllowedLogoutURLs: types.SetUnknown(types.StringType),
			},
		}},
		{"client_grant", NewClientGrantResource(), func() any { return new(*clientGrantModel) }, []any{
			&clientGrantModel{ID: types.StringValue("g1"), ClientID: types.StringValue("c1"), Audience: types.StringValue("https://api"), Scope: strs("read", "write")},
			&clientGrantModel{ID: types.StringUnknown(), ClientID: types.StringValue("c1"), Audience: types.StringNull(), Scope: types.SetNull(types.StringType)},
		}},
		{"connection", NewConnectionResource(), func() any { return new(*connectionModel) }, []any{
			&connectionModel{
				ID: types.StringValue("con1"), Name: types.StringValue("db"), DisplayName: types.StringNull(), Strategy: types.StringValue("database"),
				DisableSignup: types.BoolValue(true), RequiresUsername: types.BoolValue(false), BruteForceProtection: types.BoolUnknown(),
				PasswordPolicy: types.StringValue("good"),
			},
		}},
		{"connection_clients", NewConnectionClientsResource(), func() any { return new(*connectionClientsModel) }, []any{
			&connectionClientsModel{ID: types.StringValue("con1"), ConnectionID: types.StringValue("con1"), EnabledClients: strs("a", "b", "c")},
			&connectionClientsModel{ID: types.StringNull(), ConnectionID: types.StringUnknown(), EnabledClients: types.SetUnknown(types.StringType)},
		}},
		{"resource_server", NewResourceServerResource(), func() any { return new(*resourceServerModel) }, []any{
			&resourceServerModel{
				ID: types.StringValue("rs1"), Name: types.StringValue("API"), Identifier: types.StringValue("https://api"),
				Scopes: scopes("read", "write", "admin"), SigningAlg: types.StringValue("RS256"), SigningSecret: types.StringNull(),
				TokenLifetime: validators.WholeNumberValue(86400), AllowOfflineAccess: types.BoolValue(false), SkipConsent: types.BoolValue(true),
				SigningSecretWO: types.StringNull(), SigningSecretWOVersion: validators.WholeNumberUnknown(),
				TokenDialect: types.StringValue("rfc9068_profile"), EnforcePolicies: types.BoolValue(true),
			},
			&resourceServerModel{
				ID: types.StringUnknown(), Name: types.StringValue("API"), Identifier: types.StringValue("https://api"),
				Scopes: types.SetNull(types.ObjectType{AttrTypes: scopeAttrTypes}), SigningAlg: types.StringUnknown(), SigningSecret: types.StringUnknown(),
				TokenLifetime: validators.WholeNumberNull(), AllowOfflineAccess: types.BoolNull(), SkipConsent: types.BoolUnknown(),
				SigningSecretWO: types.StringNull(), SigningSecretWOVersion: validators.WholeNumberNull(),
			},
			&resourceServerModel{
				ID: types.StringValue("rs2"), Name: types.StringValue("API"), Identifier: types.StringValue("https://api2"),
				Scopes: scopes(), SigningAlg: types.StringValue("HS256"), SigningSecret: types.StringValue("x"),
				TokenLifetime: validators.WholeNumberValue(0), AllowOfflineAccess: types.BoolValue(true), SkipConsent: types.BoolValue(false),
				SigningSecretWO: types.StringNull(), SigningSecretWOVersion: validators.WholeNumberValue(-1),
			},
		}},
		{"tenant", NewTenantResource(), func() any { return new(*tenantModel) }, []any{
			&tenantModel{
				ID: types.StringValue("t1"), Name: types.StringValue("acme"), DisplayName: types.StringValue("Acme"),
				Owners: strs("a@example.com"), Metadata: types.MapValueMust(types.StringType, map[string]attr.Value{"k": types.StringValue("v"), "e": types.StringValue("")}),
				Domain: types.StringValue("acme.example"), ManagementClientID: types.StringValue("m"), ManagementClientSecret: types.StringValue("ms"),
			},
			&tenantModel{
				ID: types.StringUnknown(), Name: types.StringValue("acme"), DisplayName: types.StringNull(),
				Owners: types.SetNull(types.StringType), Metadata: types.MapUnknown(types.StringType),
				Domain: types.StringUnknown(), ManagementClientID: types.StringNull(), ManagementClientSecret: types.StringNull(),
			},
			&tenantModel{
				ID: types.StringValue("t2"), Name: types.StringValue("b"), DisplayName: types.StringValue("B"),
				Owners: strs(), Metadata: types.MapValueMust(types.StringType, map[string]attr.Value{}),
				Domain: types.StringNull(), ManagementClientID: types.StringValue("m"), ManagementClientSecret: types.StringValue("ms"),
			},
		}},
	}
}

func resourceSchemaState(t *testing.T, r resource.Resource) tfsdk.State {
	t.Helper()
	var resp resource.SchemaResponse
	r.Schema(t.Context(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	return tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(t.Context()), nil)}
}

// unknownObject is a state whose every attribute is unknown (nullObject's
// counterpart).
func unknownObject(ctx context.Context, s tfsdk.State) tftypes.Value {
	ot := s.Schema.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range ot.AttributeTypes {
		vals[name] = tftypes.NewValue(at, tftypes.UnknownValue)
	}
	return tftypes.NewValue(ot, vals)
}

// checkGet checks that the codec reads raw on its fast path into the same
// model as the framework's Get.
func checkGet(t *testing.T, tc codecCase, s tfsdk.State, raw tftypes.Value) {
	t.Helper()
	ctx := t.Context()
	s.Raw = raw
	want, got := tc.newPtr(), tc.newPtr()
	if diags := s.Get(ctx, want); diags.HasError() {
		t.Fatalf("framework Get: %v", diags)
	}
	if !fastGet(ctx, s.Schema, raw, got) {
		t.Fatalf("the codec left %s to the framework", raw)
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("Get differs:\nframework %+v\ncodec     %+v", reflect.ValueOf(want).Elem().Elem().Interface(), reflect.ValueOf(got).Elem().Elem().Interface())
	}
	// Also through getState, as readResource calls it.
	again := tc.newPtr()
	if diags := getState(ctx, s, again); len(diags) != 0 || !reflect.DeepEqual(want, again) {
		t.Fatalf("getState: %v %+v", diags, again)
	}
}

// checkSet checks that the codec writes model on its fast path as the
// same value as the framework's Set, and returns that value.
func checkSet(t *testing.T, s tfsdk.State, model any) tftypes.Value {
	t.Helper()
	ctx := t.Context()
	fw := s
	if diags := fw.Set(ctx, model); diags.HasError() {
		t.Fatalf("framework Set: %v", diags)
	}
	got, ok := fastSet(ctx, s.Schema, model)
	if !ok {
		t.Fatalf("the codec left %+v to the framework", model)
	}
	if !got.Equal(fw.Raw) {
		t.Fatalf("Set differs:\nframework %s\ncodec     %s", fw.Raw, got)
	}
	viaSetState := s
	if diags := setState(ctx, &viaSetState, model); len(diags) != 0 || !viaSetState.Raw.Equal(fw.Raw) {
		t.Fatalf("setState: %v %s", diags, viaSetState.Raw)
	}
	return fw.Raw
}

// TestStateCodecMatchesFramework checks, for every resource model, that
// the state codec's Get and Set give exactly what tfsdk.State.Get and
// State.Set give: for states of all-null and all-unknown attributes, and
// for representative models (sets of strings and of scope objects, maps,
// WholeNumbers, empty collections, null and unknown values) written and
// read back.
func TestStateCodecMatchesFramework(t *testing.T) {
	ctx := t.Context()
	for _, tc := range codecCases() {
		t.Run(tc.name, func(t *testing.T) {
			s := resourceSchemaState(t, tc.res)
			for _, raw := range []tftypes.Value{nullObject(ctx, s.Schema), unknownObject(ctx, s)} {
				checkGet(t, tc, s, raw)
				// And write back what was read.
				m := tc.newPtr()
				s.Raw = raw
				if diags := s.Get(ctx, m); diags.HasError() {
					t.Fatal(diags)
				}
				if got := checkSet(t, s, reflect.ValueOf(m).Elem().Interface()); !got.Equal(raw) {
					t.Fatalf("round trip: %s != %s", got, raw)
				}
			}
			for _, model := range tc.models {
				raw := checkSet(t, s, model)
				checkGet(t, tc, s, raw)
				// A model struct (not a pointer) is written the same.
				checkSet(t, s, reflect.ValueOf(model).Elem().Interface())
			}
		})
	}
}

// TestStateCodecFallsBack checks that what the codec does not handle goes
// to the framework, with the framework's own diagnostics.
func TestStateCodecFallsBack(t *testing.T) {
	ctx := t.Context()
	s := resourceSchemaState(t, NewResourceServerResource())

	// A fractional token_lifetime reads as a WholeNumber that reports an
	// error: the framework's Get reports it.
	raw := nullObject(ctx, s.Schema)
	var vals map[string]tftypes.Value
	if err := raw.As(&vals); err != nil {
		t.Fatal(err)
	}
	vals["token_lifetime"] = tftypes.NewValue(tftypes.Number, big.NewFloat(1.5))
	s.Raw = tftypes.NewValue(raw.Type(), vals)
	var want, got *resourceServerModel
	wantDiags := s.Get(ctx, &want)
	if !wantDiags.HasError() {
		t.Fatal("framework Get accepted 1.5")
	}
	if fastGet(ctx, s.Schema, s.Raw, &got) || got != nil {
		t.Fatal("the codec read 1.5")
	}
	if gotDiags := getState(ctx, s, &got); !sameSummaries(gotDiags, wantDiags) {
		t.Fatalf("diagnostics differ:\n%v\n%v", gotDiags, wantDiags)
	}

	// A model that is not the schema's: the framework says so.
	type partial struct {
		ID types.String `tfsdk:"id"`
	}
	type wrongType struct {
		ID types.Int64 `tfsdk:"id"`
	}
	cs := resourceSchemaState(t, NewClientGrantResource())
	// Two fields for one attribute, and none for another.
	type grantTwice struct {
		ID       types.String `tfsdk:"id"`
		ClientID types.String `tfsdk:"client_id"`
		Audience types.String `tfsdk:"client_id"`
		Scope    types.Set    `tfsdk:"scope"`
	}
	type grantWrongType struct {
		ID       types.String `tfsdk:"id"`
		ClientID types.String `tfsdk:"client_id"`
		Audience types.String `tfsdk:"audience"`
		Scope    types.Set    `tfsdk:"scope"`
	}
	for _, model := range []any{
		&partial{ID: types.StringValue("x")},
		&wrongType{ID: types.Int64Value(1)},
		&grantWrongType{ID: types.StringValue("g"), Scope: types.SetNull(types.BoolType)},
		&grantTwice{ID: types.StringValue("g"), ClientID: types.StringValue("c"), Audience: types.StringValue("a"), Scope: strs("x")},
	} {
		if _, ok := fastSet(ctx, cs.Schema, model); ok {
			t.Fatalf("the codec wrote %T", model)
		}
		fw, viaCodec := cs, cs
		wantDiags := fw.Set(ctx, model)
		gotDiags := setState(ctx, &viaCodec, model)
		if !wantDiags.HasError() || !sameSummaries(gotDiags, wantDiags) || !viaCodec.Raw.Equal(fw.Raw) {
			t.Fatalf("%T: diagnostics differ:\n%v\n%v", model, gotDiags, wantDiags)
		}
	}
	cs.Raw = tftypes.NewValue(cs.Raw.Type(), map[string]tftypes.Value{
		"id": tftypes.NewValue(tftypes.String, "g"), "client_id": tftypes.NewValue(tftypes.String, nil),
		"audience": tftypes.NewValue(tftypes.String, nil), "scope": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, nil),
		"organization_usage": tftypes.NewValue(tftypes.String, nil), "allow_any_organization": tftypes.NewValue(tftypes.Bool, nil),
	})
	var p *partial
	if fastGet(ctx, cs.Schema, cs.Raw, &p) {
		t.Fatal("the codec read a partial model")
	}
	var wantP *partial
	if got, want := getState(ctx, cs, &p), cs.Get(ctx, &wantP); !want.HasError() || !sameSummaries(got, want) {
		t.Fatalf("diagnostics differ:\n%v\n%v", got, want)
	}
}

// sameSummaries compares diagnostics but for their details, in which the
// framework lists missing fields in map order.
func sameSummaries(a, b diag.Diagnostics) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Severity() != b[i].Severity() || a[i].Summary() != b[i].Summary() {
			return false
		}
	}
	return true
}

// TestStateCodecIdentities checks that every resource's identity is written
// through the codec exactly as the framework's ResourceIdentity.Set writes
// it, and read back as its Get reads it.
func TestStateCodecIdentities(t *testing.T) {
	ctx := t.Context()
	cases := []struct {
		res      resource.ResourceWithIdentity
		identity any
		newPtr   func() any
	}{
		{NewResourceServerResource().(resource.ResourceWithIdentity), resourceServerIdentity{Identifier: types.StringValue("https://api")}, func() any { return new(resourceServerIdentity) }},
		{NewClientResource().(resource.ResourceWithIdentity), clientIdentity{ClientID: types.StringValue("abc")}, func() any { return new(clientIdentity) }},
		{NewClientGrantResource().(resource.ResourceWithIdentity), clientGrantIdentity{ClientID: types.StringValue("abc"), Audience: types.StringNull()}, func() any { return new(clientGrantIdentity) }},
		{NewConnectionResource().(resource.ResourceWithIdentity), connectionIdentity{Name: types.StringUnknown()}, func() any { return new(connectionIdentity) }},
		{NewTenantResource().(resource.ResourceWithIdentity), tenantIdentity{Name: types.StringValue("acme")}, func() any { return new(tenantIdentity) }},
	}
	for _, tc := range cases {
		t.Run(reflect.TypeOf(tc.identity).Name(), func(t *testing.T) {
			var sresp resource.IdentitySchemaResponse
			tc.res.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &sresp)
			empty := tfsdk.ResourceIdentity{Schema: sresp.IdentitySchema, Raw: tftypes.NewValue(sresp.IdentitySchema.Type().TerraformType(ctx), nil)}
			fw, viaCodec := empty, empty
			if diags := fw.Set(ctx, tc.identity); diags.HasError() {
				t.Fatal(diags)
			}
			if diags := setIdentityValue(ctx, &viaCodec, tc.identity); len(diags) != 0 || !viaCodec.Raw.Equal(fw.Raw) {
				t.Fatalf("setIdentityValue: %v\nframework %s\ncodec     %s", diags, fw.Raw, viaCodec.Raw)
			}
			if _, ok := fastSet(ctx, sresp.IdentitySchema, tc.identity); !ok {
				t.Fatal("the codec left the identity to the framework")
			}
			want, got := tc.newPtr(), tc.newPtr()
			if diags := fw.Get(ctx, want); diags.HasError() {
				t.Fatal(diags)
			}
			if !fastGet(ctx, sresp.IdentitySchema, fw.Raw, got) || !reflect.DeepEqual(want, got) {
				t.Fatalf("Get differs: framework %+v, codec %+v", want, got)
			}
		})
	}
}

// TestStateCodecPlanAndListResult checks the other wrappers: a plan is read,
// and a list result's resource written, as the framework does.
func TestStateCodecPlanAndListResult(t *testing.T) {
	ctx := t.Context()
	for _, tc := range codecCases() {
		t.Run(tc.name, func(t *testing.T) {
			s := resourceSchemaState(t, tc.res)
			for _, model := range tc.models {
				raw := checkSet(t, s, model)
				plan := tfsdk.Plan{Schema: s.Schema, Raw: raw}
				want, got := tc.newPtr(), tc.newPtr()
				if diags := plan.Get(ctx, want); diags.HasError() {
					t.Fatal(diags)
				}
				if diags := getPlan(ctx, plan, got); len(diags) != 0 || !reflect.DeepEqual(want, got) {
					t.Fatalf("getPlan: %v\nframework %+v\ncodec     %+v", diags, want, got)
				}
				fw := tfsdk.Resource(s)
				viaCodec := fw
				if diags := fw.Set(ctx, model); diags.HasError() {
					t.Fatal(diags)
				}
				if diags := setResource(ctx, &viaCodec, model); len(diags) != 0 || !viaCodec.Raw.Equal(fw.Raw) {
					t.Fatalf("setResource: %v\nframework %s\ncodec     %s", diags, fw.Raw, viaCodec.Raw)
				}
			}
		})
	}
}

// TestStateCodecLearnsOnlyFromASchema checks that a call without a schema
// (a state the framework has not filled in) is left to the framework
// without spoiling the model's cache for the calls that have one.
func TestStateCodecLearnsOnlyFromASchema(t *testing.T) {
	ctx := t.Context()
	type onlyHere struct {
		ID       types.String `tfsdk:"id"`
		ClientID types.String `tfsdk:"client_id"`
		Audience types.String `tfsdk:"audience"`
		Scope    types.Set    `tfsdk:"scope"`
		Usage    types.String `tfsdk:"organization_usage"`
		AnyOrg   types.Bool   `tfsdk:"allow_any_organization"`
	}
	m := onlyHere{ID: types.StringValue("g"), ClientID: types.StringValue("c"), Audience: types.StringValue("a"), Scope: strs("x"),
		Usage: types.StringValue("deny"), AnyOrg: types.BoolValue(false)}
	if _, ok := fastSet(ctx, nil, m); ok {
		t.Fatal("the codec wrote a model without a schema")
	}
	s := resourceSchemaState(t, NewClientGrantResource())
	raw := checkSet(t, s, m)
	var back onlyHere
	if !fastGet(ctx, s.Schema, raw, &back) || !reflect.DeepEqual(back, m) {
		t.Fatalf("read back %+v", back)
	}
}
