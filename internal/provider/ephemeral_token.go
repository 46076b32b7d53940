package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ ephemeral.EphemeralResourceWithConfigure = &tokenEphemeralResource{}

// tokenEphemeralResource is the idp_token ephemeral resource: the same
// request as the data source, but the token never enters plan or state.
type tokenEphemeralResource struct {
	clientHolder
}

// NewTokenEphemeralResource returns the idp_token ephemeral resource.
func NewTokenEphemeralResource() ephemeral.EphemeralResource {
	return &tokenEphemeralResource{}
}

func (e *tokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

func (e *tokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
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
		Description: tokenDescription + " As an ephemeral resource, the token is requested anew in every run and " +
			"never written to plan or state: use it for provider configuration and write-only arguments.",
		Attributes: attrs,
	}
}

func (e *tokenEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.configure(req.ProviderData, &resp.Diagnostics)
}

func (e *tokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if model := e.requestToken(ctx, req.Config, &resp.Diagnostics); model != nil {
		resp.Diagnostics.Append(resp.Result.Set(ctx, model)...)
	}
}
