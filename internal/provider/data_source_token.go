package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = &tokenDataSource{}

// tokenDataSource is the idp_token data source. Its token is stored in the
// state (marked sensitive); prefer the ephemeral resource of the same name
// where the token only feeds another provider or resource argument.
type tokenDataSource struct {
	clientHolder
}

// NewTokenDataSource returns the idp_token data source.
func NewTokenDataSource() datasource.DataSource {
	return &tokenDataSource{}
}

func (d *tokenDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

func (d *tokenDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := tokenSchemaAttributes(
		func(a tokenAttribute, computed bool) schema.Attribute {
			return schema.StringAttribute{Description: a.description, Required: a.required, Optional: a.optional,
				Computed: computed, Sensitive: a.sensitive, Validators: a.stringValidators}
		},
		func(a tokenAttribute) schema.Attribute {
			return schema.SetAttribute{ElementType: types.StringType, Description: a.description,
				Optional: true, Computed: true, Validators: a.setValidators}
		},
		func(a tokenAttribute) schema.Attribute {
			return schema.Int64Attribute{Description: a.description, Computed: true}
		},
	)
	resp.Schema = schema.Schema{
		Description: tokenDescription + " The token is kept in the state, marked sensitive; the `idp_token` " +
			"ephemeral resource keeps it out of plan and state altogether.",
		Attributes: attrs,
	}
}

func (d *tokenDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *tokenDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if model := d.requestToken(ctx, req.Config, &resp.Diagnostics); model != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
	}
}
