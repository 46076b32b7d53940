package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12 and later): each resource that can be
// listed and imported names its object by the key a person would use, not
// by an opaque ID: a resource server by its identifier, a client by its
// client ID, a grant by its client and audience, a connection and a tenant
// by name. Every identity attribute is immutable (changing it replaces the
// object), so an identity never changes once set. Create, Read and Update
// (crud.go) set it from the model, so that a state written before there
// were identities gets one on the next refresh; ImportState accepts it in
// an import block's identity argument, as the same string an import by ID
// takes, and 'terraform query' writes it into the import blocks it
// generates.

// identified is implemented by a resource with an identity: identity
// returns the identity of the object in the model, a struct whose tfsdk
// fields are the identity schema's attributes.
type identified[M any] interface {
	identity(m M) any
}

// identityImporter is an identity struct that can be turned into the
// import ID the resource's ImportState already accepts.
type identityImporter interface {
	importID() string
}

// setIdentity sets the response's identity from the model when the
// resource has one (and Terraform supports identities: id is nil
// otherwise).
func setIdentity[M any](ctx context.Context, r any, m M, id *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	ir, ok := r.(identified[M])
	if !ok || id == nil || diags.HasError() {
		return
	}
	diags.Append(setIdentityValue(ctx, id, ir.identity(m))...)
}

// importIDFromIdentity turns an import by identity into the import ID
// that ImportState already accepts, so that one code path checks and looks
// up both. It leaves an import by ID as it is, and reports false when the
// identity could not be read.
func importIDFromIdentity[I identityImporter](ctx context.Context, req *resource.ImportStateRequest, resp *resource.ImportStateResponse) bool {
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		return true
	}
	var id I
	resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
	if resp.Diagnostics.HasError() {
		return false
	}
	req.ID = id.importID()
	return true
}

// requiredString is an identity attribute that an import block's identity
// must give.
func requiredString(description string) identityschema.StringAttribute {
	return identityschema.StringAttribute{Description: description, RequiredForImport: true}
}

// resourceServerIdentity is idp_resource_server's identity.
type resourceServerIdentity struct {
	Identifier types.String `tfsdk:"identifier"`
}

func (i resourceServerIdentity) importID() string { return i.Identifier.ValueString() }

func (r *resourceServerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"identifier": requiredString("The API's identifier (its audience), e.g. `https://api.example.com/`."),
	}}
}

func (r *resourceServerResource) identity(m *resourceServerModel) any {
	return resourceServerIdentity{Identifier: m.Identifier}
}

// clientIdentity is idp_client's identity.
type clientIdentity struct {
	ClientID types.String `tfsdk:"client_id"`
}

func (i clientIdentity) importID() string { return i.ClientID.ValueString() }

func (r *clientResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"client_id": requiredString("The client ID."),
	}}
}

func (r *clientResource) identity(m *clientModel) any {
	return clientIdentity{ClientID: m.ClientID}
}

// clientGrantIdentity is idp_client_grant's identity: a client has at most
// one grant per audience.
type clientGrantIdentity struct {
	ClientID types.String `tfsdk:"client_id"`
	Audience types.String `tfsdk:"audience"`
}

func (i clientGrantIdentity) importID() string {
	return i.ClientID.ValueString() + naturalKeySeparator + i.Audience.ValueString()
}

func (r *clientGrantResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"client_id": requiredString("The client ID of the granted client."),
		"audience":  requiredString("The identifier of the API the grant is on."),
	}}
}

func (r *clientGrantResource) identity(m *clientGrantModel) any {
	return clientGrantIdentity{ClientID: m.ClientID, Audience: m.Audience}
}

// connectionIdentity is idp_connection's identity.
type connectionIdentity struct {
	Name types.String `tfsdk:"name"`
}

func (i connectionIdentity) importID() string { return i.Name.ValueString() }

func (r *connectionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"name": requiredString("The connection's name, unique in the tenant."),
	}}
}

func (r *connectionResource) identity(m *connectionModel) any {
	return connectionIdentity{Name: m.Name}
}

// tenantIdentity is idp_tenant's identity.
type tenantIdentity struct {
	Name types.String `tfsdk:"name"`
}

func (i tenantIdentity) importID() string { return i.Name.ValueString() }

func (r *tenantResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"name": requiredString("The tenant's name."),
	}}
}

func (r *tenantResource) identity(m *tenantModel) any {
	return tenantIdentity{Name: m.Name}
}

var (
	_ resource.ResourceWithIdentity = &resourceServerResource{}
	_ resource.ResourceWithIdentity = &clientResource{}
	_ resource.ResourceWithIdentity = &clientGrantResource{}
	_ resource.ResourceWithIdentity = &connectionResource{}
	_ resource.ResourceWithIdentity = &tenantResource{}

	_ identified[*resourceServerModel] = &resourceServerResource{}
	_ identified[*clientModel]         = &clientResource{}
	_ identified[*clientGrantModel]    = &clientGrantResource{}
	_ identified[*connectionModel]     = &connectionResource{}
	_ identified[*tenantModel]         = &tenantResource{}
)
