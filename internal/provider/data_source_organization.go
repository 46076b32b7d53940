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

var _ datasource.DataSourceWithConfigure = &organizationDataSource{}

// organizationDataSource is the idp_organization data source: one
// organization, looked up by its ID or its name.
type organizationDataSource struct {
	clientHolder
}

// NewOrganizationDataSource returns the idp_organization data source.
func NewOrganizationDataSource() datasource.DataSource {
	return &organizationDataSource{}
}

func (d *organizationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization"
}

func (d *organizationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	color := func(what string) schema.StringAttribute {
		return schema.StringAttribute{Description: "The HTML color of " + what + ".", Computed: true}
	}
	resp.Schema = schema.Schema{
		Description: "Looks up an existing organization by its `id` or its `name`, e.g. to limit a token to it " +
			"(the `organization` of `idp_token`). Set exactly one of the two.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description: "The organization's ID (`org_…`). Set this or `name`.",
				Optional:    true,
				Computed:    true,
				Validators: []validator.String{
					stringvalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
					stringvalidator.RegexMatches(organizationIDRegexp, `must be an organization ID, "org_" followed by letters and digits`),
				},
			},
			"name": schema.StringAttribute{
				Description: "The organization's name, matched exactly. Set this or `id`.",
				Optional:    true,
				Computed:    true,
				Validators:  organizationNameValidators(),
			},
			"display_name": schema.StringAttribute{
				Description: "The name shown to users; null when the organization has none.",
				Computed:    true,
			},
			"branding": schema.SingleNestedAttribute{
				Description: "How the organization's login pages look; null when not set.",
				Computed:    true,
				Attributes: map[string]schema.Attribute{
					"logo_url": schema.StringAttribute{Description: "The URL of the logo.", Computed: true},
					"colors": schema.SingleNestedAttribute{
						Description: "The colors of the login pages.",
						Computed:    true,
						Attributes: map[string]schema.Attribute{
							"primary":         color("primary elements"),
							"page_background": color("the page background"),
						},
					},
				},
			},
			"metadata": schema.MapAttribute{
				Description: "The organization's metadata; null when it has none.",
				ElementType: types.StringType,
				Computed:    true,
			},
		},
	}
}

func (d *organizationDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *organizationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config organizationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := config.ID.ValueString()
	if !config.Name.IsNull() {
		key = config.Name.ValueString()
	}
	l := organizationLookup(key)
	if config.Name.IsNull() {
		// An ID is looked up as an ID only.
		l.what, l.check = fmt.Sprintf("ID %q", key), "id"
		l.get = func(ctx context.Context, c *mgmt.Client) (*mgmt.Organization, error) {
			return c.GetOrganization(ctx, key)
		}
	} else {
		l.get = func(ctx context.Context, c *mgmt.Client) (*mgmt.Organization, error) {
			o, err := c.GetOrganizationByName(ctx, key)
			if err == nil && o == nil {
				err = errNoSuchObject
			}
			return o, err
		}
	}
	o, ok := l.run(ctx, &d.clientHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	var m organizationModel
	resp.Diagnostics.Append(m.fromAPI(ctx, o)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
