package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
)

// The list resources, one per resource type that can be imported (see
// list.go for what they share). Each List makes the list calls (every
// page) before the first result, so that an API error is the one result
// instead of a stream cut short.

var (
	_ list.ListResourceWithConfigure = &resourceServerList{}
	_ list.ListResourceWithConfigure = &clientList{}
	_ list.ListResourceWithConfigure = &clientGrantList{}
	_ list.ListResourceWithConfigure = &connectionList{}
	_ list.ListResourceWithConfigure = &tenantList{}
)

// --- idp_resource_server ---

type resourceServerList struct{ listHolder }

// NewResourceServerList returns the idp_resource_server list resource.
func NewResourceServerList() list.ListResource { return &resourceServerList{} }

type resourceServerListConfig struct {
	Identifier    types.String `tfsdk:"identifier"`
	IncludeSystem types.Bool   `tfsdk:"include_system"`
}

func (l *resourceServerList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_resource_server"
}

func (l *resourceServerList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Finds the tenant's APIs (resource servers). `signing_secret` is null in every result.",
		Attributes: map[string]schema.Attribute{
			"identifier": schema.StringAttribute{
				Description: "Only the API with this identifier.",
				Optional:    true,
			},
			"include_system": includeSystemAttribute,
		},
	}
}

func (l *resourceServerList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg resourceServerListConfig
	diags := req.Config.Get(ctx, &cfg)
	c := l.client(&diags)
	var objs []found[*mgmt.ResourceServer]
	if !diags.HasError() {
		all, err := c.ListResourceServers(ctx)
		if err != nil {
			diags.Append(listError("Resource Server", err, c)...)
		}
		for _, rs := range all {
			if !cfg.Identifier.IsNull() && valueOr(rs.Identifier, "") != cfg.Identifier.ValueString() {
				continue
			}
			objs = append(objs, found[*mgmt.ResourceServer]{obj: rs,
				display: fmt.Sprintf("%s (%s)", valueOr(rs.Name, ""), valueOr(rs.Identifier, "")),
				system:  valueOr(rs.IsSystem, false)})
		}
	}
	r := &resourceServerResource{}
	streamResults(ctx, req, stream, listKind[*resourceServerModel, *mgmt.ResourceServer]{
		newModel: func() *resourceServerModel { return &resourceServerModel{} },
		identity: r.identity,
		scrub:    func(m *resourceServerModel) { m.SigningSecret = types.StringNull() },
	}, objs, cfg.IncludeSystem.ValueBool(), diags)
}

// --- idp_client ---

type clientList struct{ listHolder }

// NewClientList returns the idp_client list resource.
func NewClientList() list.ListResource { return &clientList{} }

type clientListConfig struct {
	AppType       types.String `tfsdk:"app_type"`
	Name          types.String `tfsdk:"name"`
	IncludeSystem types.Bool   `tfsdk:"include_system"`
}

func (l *clientList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_client"
}

func (l *clientList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Finds the tenant's clients (applications). `client_secret` is null in every result; " +
			"`enabled_connections` is left null (not managed), as after an import.",
		Attributes: map[string]schema.Attribute{
			"app_type": schema.StringAttribute{
				Description: "Only clients of this application type, e.g. `non_interactive`.",
				Optional:    true,
			},
			"name": schema.StringAttribute{
				Description: "Only clients with exactly this name.",
				Optional:    true,
			},
			"include_system": includeSystemAttribute,
		},
	}
}

func (l *clientList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg clientListConfig
	diags := req.Config.Get(ctx, &cfg)
	c := l.client(&diags)
	var objs []found[*mgmt.Application]
	if !diags.HasError() {
		// The clients endpoint has no app_type or name filter (the real
		// service's has app_type; this server's does not): both are
		// applied here, to every page.
		all, err := c.ListApplications(ctx)
		if err != nil {
			diags.Append(listError("Client", err, c)...)
		}
		system := systemClients(c)
		var unmanageable []string
		for _, a := range all {
			if m := valueOr(a.TokenEndpointAuthMethod, defaultAuthMethod); !manageableAuthMethods[m] {
				unmanageable = append(unmanageable, fmt.Sprintf("%q (%s)", valueOr(a.Name, ""), m))
				continue
			}
			if !cfg.AppType.IsNull() && valueOr(a.AppType, defaultAppType) != cfg.AppType.ValueString() {
				continue
			}
			if !cfg.Name.IsNull() && valueOr(a.Name, "") != cfg.Name.ValueString() {
				continue
			}
			objs = append(objs, found[*mgmt.Application]{obj: a, display: valueOr(a.Name, ""),
				system: system[valueOr(a.ClientID, "")]})
		}
		// A client that idp_client cannot represent would give a generated
		// configuration that fails validation: it is left out, and said so.
		if len(unmanageable) > 0 {
			diags.AddWarning("Clients Left Out",
				"idp_client manages only clients whose token_endpoint_auth_method is client_secret_post or "+
					"client_secret_basic, so these (name and method) are not listed: "+strings.Join(unmanageable, ", ")+".")
		}
	}
	r := &clientResource{}
	streamResults(ctx, req, stream, listKind[*clientModel, *mgmt.Application]{
		newModel: func() *clientModel { return &clientModel{} },
		identity: r.identity,
		scrub:    func(m *clientModel) { m.ClientSecret = types.StringNull() },
	}, objs, cfg.IncludeSystem.ValueBool(), diags)
}

// manageableAuthMethods are the token endpoint auth methods idp_client
// accepts.
var manageableAuthMethods = map[string]bool{defaultAuthMethod: true, "client_secret_basic": true}

// --- idp_client_grant ---

type clientGrantList struct{ listHolder }

// NewClientGrantList returns the idp_client_grant list resource.
func NewClientGrantList() list.ListResource { return &clientGrantList{} }

type clientGrantListConfig struct {
	ClientID      types.String `tfsdk:"client_id"`
	Audience      types.String `tfsdk:"audience"`
	IncludeSystem types.Bool   `tfsdk:"include_system"`
}

func (l *clientGrantList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_client_grant"
}

func (l *clientGrantList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Finds the tenant's client grants.",
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				Description: "Only the grants of this client.",
				Optional:    true,
			},
			"audience": schema.StringAttribute{
				Description: "Only the grants on this API (its identifier).",
				Optional:    true,
			},
			"include_system": includeSystemAttribute,
		},
	}
}

func (l *clientGrantList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg clientGrantListConfig
	diags := req.Config.Get(ctx, &cfg)
	c := l.client(&diags)
	var objs []found[*mgmt.ClientGrant]
	if !diags.HasError() {
		all, err := c.ListClientGrants(ctx, mgmt.ClientGrantFilter{
			ClientID: cfg.ClientID.ValueString(), Audience: cfg.Audience.ValueString()})
		if err != nil {
			diags.Append(listError("Client Grant", err, c)...)
		}
		system := systemClients(c)
		for _, g := range all {
			objs = append(objs, found[*mgmt.ClientGrant]{obj: g,
				display: fmt.Sprintf("%s on %s", valueOr(g.ClientID, ""), valueOr(g.Audience, "")),
				system:  system[valueOr(g.ClientID, "")]})
		}
	}
	r := &clientGrantResource{}
	streamResults(ctx, req, stream, listKind[*clientGrantModel, *mgmt.ClientGrant]{
		newModel: func() *clientGrantModel { return &clientGrantModel{} },
		identity: r.identity,
		scrub:    func(*clientGrantModel) {},
	}, objs, cfg.IncludeSystem.ValueBool(), diags)
}

// --- idp_connection ---

type connectionList struct{ listHolder }

// NewConnectionList returns the idp_connection list resource.
func NewConnectionList() list.ListResource { return &connectionList{} }

type connectionListConfig struct {
	Name types.String `tfsdk:"name"`
}

func (l *connectionList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection"
}

func (l *connectionList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Finds the tenant's database connections (strategy `auth0`), the ones `idp_connection` " +
			"manages; connections of other strategies are not listed.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Description: "Only the connection with this name.",
				Optional:    true,
			},
		},
	}
}

func (l *connectionList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg connectionListConfig
	diags := req.Config.Get(ctx, &cfg)
	c := l.client(&diags)
	var objs []found[*mgmt.Connection]
	if !diags.HasError() {
		all, err := c.ListConnections(ctx, mgmt.ConnectionFilter{
			Strategy: []string{mgmt.StrategyDatabase}, Name: cfg.Name.ValueString()})
		if err != nil {
			diags.Append(listError("Connection", err, c)...)
		}
		for _, cn := range all {
			objs = append(objs, found[*mgmt.Connection]{obj: cn, display: valueOr(cn.Name, "")})
		}
	}
	r := &connectionResource{}
	streamResults(ctx, req, stream, listKind[*connectionModel, *mgmt.Connection]{
		newModel: func() *connectionModel { return &connectionModel{} },
		identity: r.identity,
		scrub:    func(*connectionModel) {},
	}, objs, false, diags)
}

// --- idp_tenant ---

type tenantList struct{ listHolder }

// NewTenantList returns the idp_tenant list resource.
func NewTenantList() list.ListResource { return &tenantList{} }

func (l *tenantList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tenant"
}

func (l *tenantList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Finds the tenants hosted by the root tenant (a provider configured for the root tenant " +
			"only). `management_client_id` and `management_client_secret` are null in every result: the " +
			"server shows them only when a tenant is created.",
		Attributes: map[string]schema.Attribute{},
	}
}

func (l *tenantList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags = req.Config.Get(ctx, &struct{}{})
	c := l.client(&diags)
	var objs []found[*mgmt.Tenant]
	if !diags.HasError() {
		all, err := c.ListTenants(ctx)
		if err != nil {
			diags.Append(listError("Tenant", err, c)...)
		}
		for _, t := range all {
			objs = append(objs, found[*mgmt.Tenant]{obj: t, display: valueOr(t.Name, "")})
		}
	}
	r := &tenantResource{}
	streamResults(ctx, req, stream, listKind[*tenantModel, *mgmt.Tenant]{
		newModel: func() *tenantModel { return &tenantModel{} },
		identity: r.identity,
		scrub: func(m *tenantModel) {
			m.ManagementClientID, m.ManagementClientSecret = types.StringNull(), types.StringNull()
		},
	}, objs, false, diags)
}
