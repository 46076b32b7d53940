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
)

var _ datasource.DataSourceWithConfigure = &connectionDataSource{}

// connectionDataSource is the idp_connection data source: one connection,
// of any strategy, looked up by its ID or its name.
type connectionDataSource struct {
	clientHolder
}

// NewConnectionDataSource returns the idp_connection data source.
func NewConnectionDataSource() datasource.DataSource {
	return &connectionDataSource{}
}

type connectionDataModel struct {
	ID                   types.String `tfsdk:"id"`
	Name                 types.String `tfsdk:"name"`
	DisplayName          types.String `tfsdk:"display_name"`
	Strategy             types.String `tfsdk:"strategy"`
	Realms               types.List   `tfsdk:"realms"`
	IsDomainConnection   types.Bool   `tfsdk:"is_domain_connection"`
	EnabledClients       types.Set    `tfsdk:"enabled_clients"`
	DisableSignup        types.Bool   `tfsdk:"disable_signup"`
	RequiresUsername     types.Bool   `tfsdk:"requires_username"`
	BruteForceProtection types.Bool   `tfsdk:"brute_force_protection"`
	PasswordPolicy       types.String `tfsdk:"password_policy"`
}

func (d *connectionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection"
}

func (d *connectionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	option := func(what string) string {
		return what + " Null for a connection that is not a database connection or does not set the option."
	}
	resp.Schema = schema.Schema{
		Description: "Looks up an existing connection of any strategy by its `id` or its `name`, e.g. the tenant's " +
			"default `Username-Password-Authentication`, and the clients it is enabled for. Set exactly one of the two.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description: "The connection's ID (`con_…`). Set this or `name`.",
				Optional:    true,
				Computed:    true,
				Validators: []validator.String{
					stringvalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
					stringvalidator.RegexMatches(connectionIDRegexp, `must be a connection ID, "con_" followed by letters and digits`),
				},
			},
			"name": schema.StringAttribute{
				Description: "The connection's name, matched exactly. Set this or `id`.",
				Optional:    true,
				Computed:    true,
				Validators:  connectionNameValidators(),
			},
			"display_name": schema.StringAttribute{
				Description: "The name shown to users on the login page; null when the connection has none.",
				Computed:    true,
			},
			"strategy": schema.StringAttribute{
				Description: "The connection's strategy, e.g. `auth0` for a database connection.",
				Computed:    true,
			},
			"realms": schema.ListAttribute{
				Description: "The connection's realms.",
				ElementType: types.StringType,
				Computed:    true,
			},
			"is_domain_connection": schema.BoolAttribute{
				Description: "Whether the connection is a domain-level connection.",
				Computed:    true,
			},
			"enabled_clients": computedStrings("The client IDs of the applications the connection is enabled for."),
			"disable_signup": schema.BoolAttribute{
				Description: option("Whether users cannot sign themselves up."),
				Computed:    true,
			},
			"requires_username": schema.BoolAttribute{
				Description: option("Whether users have a username besides their e-mail address."),
				Computed:    true,
			},
			"brute_force_protection": schema.BoolAttribute{
				Description: option("Whether brute-force protection is on."),
				Computed:    true,
			},
			"password_policy": schema.StringAttribute{
				Description: option("The password policy: `none`, `low`, `fair`, `good` or `excellent`."),
				Computed:    true,
			},
		},
	}
}

func (d *connectionDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *connectionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config connectionDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key, what := config.ID.ValueString(), fmt.Sprintf("ID %q", config.ID.ValueString())
	if !config.Name.IsNull() {
		key, what = config.Name.ValueString(), fmt.Sprintf("name %q", config.Name.ValueString())
	}
	l := connectionLookup(key, what)
	l.check = "id"
	if !config.Name.IsNull() {
		l.check = "name (it is matched exactly, case included)"
	}
	get := l.get
	var clients []string
	l.get = func(ctx context.Context, c *mgmt.Client) (*mgmt.Connection, error) {
		cn, err := get(ctx, c)
		if err != nil {
			return nil, err
		}
		clients, err = c.ListConnectionClients(ctx, valueOr(cn.ID, ""))
		return cn, err
	}
	cn, ok := l.run(ctx, &d.clientHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	o := cn.Options
	if o == nil && valueOr(cn.Strategy, "") == mgmt.StrategyDatabase {
		resp.Diagnostics.Append(optionsNotReadable(valueOr(cn.Name, "")))
	}
	if o == nil || valueOr(cn.Strategy, "") != mgmt.StrategyDatabase {
		o = &mgmt.ConnectionOptions{}
	}
	realms, diags := types.ListValueFrom(ctx, types.StringType, valueOr(cn.Realms, []string{}))
	resp.Diagnostics.Append(diags...)
	enabled, diags := setValue(ctx, sortedCopy(clients))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, connectionDataModel{
		ID:                   types.StringPointerValue(cn.ID),
		Name:                 types.StringPointerValue(cn.Name),
		DisplayName:          nonEmptyString(cn.DisplayName),
		Strategy:             types.StringPointerValue(cn.Strategy),
		Realms:               realms,
		IsDomainConnection:   types.BoolValue(valueOr(cn.IsDomainConnection, false)),
		EnabledClients:       enabled,
		DisableSignup:        types.BoolPointerValue(o.DisableSignup),
		RequiresUsername:     types.BoolPointerValue(o.RequiresUsername),
		BruteForceProtection: types.BoolPointerValue(o.BruteForceProtection),
		PasswordPolicy:       types.StringPointerValue(o.PasswordPolicy),
	})...)
}
