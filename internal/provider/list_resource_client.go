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

var _ list.ListResourceWithConfigure = &clientList{}

// clientList is the idp_client list resource of terraform query.
type clientList struct{ listHolder }

// NewClientList returns the idp_client list resource.
func NewClientList() list.ListResource { return &clientList{} }

type clientListConfig struct {
	AppType       types.String `tfsdk:"app_type"`
	IsFirstParty  types.Bool   `tfsdk:"is_first_party"`
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
			"is_first_party": schema.BoolAttribute{
				Description: "Only the tenant owner's own clients (`true`) or only third parties' (`false`).",
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
		// The clients endpoint filters by app_type and is_first_party; it
		// has no name filter.
		all, err := c.ListApplications(ctx, mgmt.ApplicationFilter{
			AppType: cfg.AppType.ValueString(), IsFirstParty: cfg.IsFirstParty.ValueBoolPointer(),
		})
		if err != nil {
			diags.Append(listError("Client", err, c)...)
		}
		system := systemClients(c)
		var unmanageable []string
		for _, a := range all {
			if m := authMethod(a); !manageableAuthMethods[m] {
				unmanageable = append(unmanageable, fmt.Sprintf("%q (%s)", valueOr(a.Name, ""), m))
				continue
			}
			if !cfg.Name.IsNull() && valueOr(a.Name, "") != cfg.Name.ValueString() {
				continue
			}
			objs = append(objs, found[*mgmt.Application]{obj: a, display: valueOr(a.Name, ""),
				system: system[valueOr(a.ClientID, "")]})
		}
		// A client idp_client cannot represent would give a generated
		// configuration that fails validation.
		if len(unmanageable) > 0 {
			diags.AddWarning("Clients Left Out",
				"idp_client manages only clients that authenticate with client_secret_post, client_secret_basic "+
					"or private_key_jwt, so these (name and method) are not listed: "+strings.Join(unmanageable, ", ")+".")
		}
	}
	r := &clientResource{}
	streamResults(ctx, req, stream, listKind[*clientModel, *mgmt.Application]{
		newModel: func() *clientModel { return &clientModel{} },
		identity: r.identity,
		scrub: func(m *clientModel) {
			m.ClientSecret = types.StringNull()
			if m.TokenEndpointAuthMethod.ValueString() == authPrivateKeyJWT {
				m.TokenEndpointAuthMethod = types.StringNull() // idp_client_credentials's to manage
			}
		},
	}, objs, cfg.IncludeSystem.ValueBool(), diags)
}

// manageableAuthMethods are the methods idp_client represents; a
// private_key_jwt client is idp_client's with the method left unset.
var manageableAuthMethods = map[string]bool{defaultAuthMethod: true, "client_secret_basic": true, authPrivateKeyJWT: true}
