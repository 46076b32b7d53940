// Package provider is the Terraform face of the idp provider: schemas,
// models, the mapping between them and the Management API, and diagnostics.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var _ provider.Provider = &idpProvider{}

// idpProvider is the provider implementation.
type idpProvider struct {
	version string
}

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &idpProvider{version: version}
	}
}

func (p *idpProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "idp"
	resp.Version = p.version
}

func (p *idpProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Manages tenants, APIs, clients and grants of an Auth0-style Management API v2.",
	}
}

func (p *idpProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *idpProvider) Resources(context.Context) []func() resource.Resource {
	return nil
}

func (p *idpProvider) DataSources(context.Context) []func() datasource.DataSource {
	return nil
}
