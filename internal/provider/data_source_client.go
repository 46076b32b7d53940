package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

var _ datasource.DataSourceWithConfigure = &clientDataSource{}

// clientDataSource is the idp_client data source: one application looked
// up by its client ID or by its name.
type clientDataSource struct {
	clientHolder
}

// NewClientDataSource returns the idp_client data source.
func NewClientDataSource() datasource.DataSource {
	return &clientDataSource{}
}

// clientDataModel has no client_secret_rotation_version, which only drives
// the resource's updates.
type clientDataModel struct {
	ID                      types.String `tfsdk:"id"`
	ClientID                types.String `tfsdk:"client_id"`
	ClientSecret            types.String `tfsdk:"client_secret"`
	Name                    types.String `tfsdk:"name"`
	Description             types.String `tfsdk:"description"`
	AppType                 types.String `tfsdk:"app_type"`
	GrantTypes              types.Set    `tfsdk:"grant_types"`
	TokenEndpointAuthMethod types.String `tfsdk:"token_endpoint_auth_method"`
	IsFirstParty            types.Bool   `tfsdk:"is_first_party"`
	Callbacks               types.Set    `tfsdk:"callbacks"`
	AllowedOrigins          types.Set    `tfsdk:"allowed_origins"`
	WebOrigins              types.Set    `tfsdk:"web_origins"`
	AllowedLogoutURLs       types.Set    `tfsdk:"allowed_logout_urls"`
}

func (d *clientDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_client"
}

func (d *clientDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Looks up an existing application (client) by its `client_id`, or by its `name` when exactly " +
			"one application has that name. Set exactly one of the two. Names are not unique: a name that several " +
			"applications share is an error, and `client_id` is the stable way to refer to one.",
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				Description: "The client ID, 32 letters and digits. Set this or `name`. Looking a client up by ID " +
					"costs one request.",
				Optional: true,
				Computed: true,
				Validators: []validator.String{
					stringvalidator.ExactlyOneOf(path.MatchRoot("client_id"), path.MatchRoot("name")),
					validators.ClientID(),
				},
			},
			"name": schema.StringAttribute{
				Description: "The application's name, matched exactly (case and spaces included). Set this or " +
					"`client_id`. Looking a client up by name lists the tenant's applications, one request per 100 " +
					"of them, and fails when no application or more than one has the name.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"id": schema.StringAttribute{
				Description: "Same as `client_id`.",
				Computed:    true,
			},
			"client_secret": schema.StringAttribute{
				Description: "The client secret (sensitive). The server returns it only when the provider's token " +
					"has the `read:client_keys` scope; otherwise it is null. Null too while the client " +
					"authenticates with `private_key_jwt`, when its secret opens nothing.",
				Computed:  true,
				Sensitive: true,
			},
			"description": schema.StringAttribute{
				Description: "What the application is for; null when it has no description.",
				Computed:    true,
			},
			"app_type": schema.StringAttribute{
				Description: "The kind of application: `non_interactive`, `spa`, `native` or `regular_web`.",
				Computed:    true,
			},
			"is_first_party": schema.BoolAttribute{
				Description: "Whether the application is the tenant owner's own (`true`) or a third party's (`false`).",
				Computed:    true,
			},
			"callbacks":           computedStrings("The URLs a login may return to; empty when none."),
			"allowed_origins":     computedStrings("The origins a browser may embed the login in or call it from; empty when none."),
			"web_origins":         computedStrings("The origins a browser application may renew its tokens from; empty when none."),
			"allowed_logout_urls": computedStrings("The URLs a logout may return to; empty when none."),
			"grant_types":         computedStrings("The grants the application may use."),
			"token_endpoint_auth_method": schema.StringAttribute{
				Description: "How the application authenticates at the token endpoint: `client_secret_post`, " +
					"`client_secret_basic`, `none` or `private_key_jwt`.",
				Computed: true,
			},
		},
	}
}

func (d *clientDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *clientDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config clientDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	l := lookup[*mgmt.Application]{kind: "Client"}
	if !config.ClientID.IsNull() {
		clientID := config.ClientID.ValueString()
		l.what, l.check = fmt.Sprintf("client ID %q", clientID), "client_id"
		l.get = func(ctx context.Context, c *mgmt.Client) (*mgmt.Application, error) {
			return c.GetApplication(ctx, clientID)
		}
	} else {
		name := config.Name.ValueString()
		l.what, l.check = fmt.Sprintf("name %q", name), "name (it is matched exactly, case included)"
		l.get = func(ctx context.Context, c *mgmt.Client) (*mgmt.Application, error) {
			return findApplicationByName(ctx, c, name)
		}
	}
	a, ok := l.run(ctx, &d.clientHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	var m clientModel
	resp.Diagnostics.Append(m.fromAPI(ctx, a)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, clientDataModel{
		ID:                      m.ID,
		ClientID:                m.ClientID,
		ClientSecret:            m.ClientSecret,
		Name:                    m.Name,
		Description:             m.Description,
		AppType:                 m.AppType,
		GrantTypes:              m.GrantTypes,
		TokenEndpointAuthMethod: m.TokenEndpointAuthMethod,
		IsFirstParty:            m.IsFirstParty,
		Callbacks:               m.Callbacks,
		AllowedOrigins:          m.AllowedOrigins,
		WebOrigins:              m.WebOrigins,
		AllowedLogoutURLs:       m.AllowedLogoutURLs,
	})...)
}

// findApplicationByName lists every application: the Management API cannot
// filter clients by name.
func findApplicationByName(ctx context.Context, c *mgmt.Client, name string) (*mgmt.Application, error) {
	all, err := c.ListApplications(ctx, mgmt.ApplicationFilter{})
	if err != nil {
		return nil, err
	}
	var found []*mgmt.Application
	for _, a := range all {
		if a.Name != nil && *a.Name == name {
			found = append(found, a)
		}
	}
	switch len(found) {
	case 0:
		return nil, errNoSuchObject
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, a := range found {
		ids[i] = valueOr(a.ClientID, "")
	}
	return nil, &ambiguousError{
		attribute: "name",
		label:     "Name",
		ids:       ids,
		advice: fmt.Sprintf("Names are not unique: look the client up by client_id instead, e.g. client_id = %q.",
			ids[0]),
	}
}
