// Package provider is the Terraform face of the idp provider: schemas,
// models, the mapping between them and the Management API, and diagnostics.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

var (
	_ provider.Provider                       = &idpProvider{}
	_ provider.ProviderWithEphemeralResources = &idpProvider{}
	_ provider.ProviderWithListResources      = &idpProvider{}
)

// maxMaxRetries bounds max_retries: beyond it retry_timeout decides anyway.
const maxMaxRetries = 100

type idpProvider struct {
	version string
}

type idpProviderModel struct {
	Domain            types.String           `tfsdk:"domain"`
	ClientID          types.String           `tfsdk:"client_id"`
	ClientSecret      types.String           `tfsdk:"client_secret"`
	APIToken          types.String           `tfsdk:"api_token"`
	AssertionKey      types.String           `tfsdk:"client_assertion_private_key"`
	AssertionAlg      types.String           `tfsdk:"client_assertion_signing_alg"`
	Audience          types.String           `tfsdk:"audience"`
	MaxRetries        validators.WholeNumber `tfsdk:"max_retries"`
	RetryTimeout      types.String           `tfsdk:"retry_timeout"`
	RequestsPerSecond types.Float64          `tfsdk:"requests_per_second"`
	AllowInsecureHTTP types.Bool             `tfsdk:"allow_insecure_http"`
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
		Description: "Manages tenants, APIs (resource servers), machine-to-machine clients and client grants " +
			"of an Auth0-style Management API v2, and requests OAuth 2.0 client-credentials tokens.",
		Attributes: map[string]schema.Attribute{
			"domain": schema.StringAttribute{
				Description: "The tenant's domain: `host[:port]` (HTTPS is assumed) or a full `http://` or `https://` URL, " +
					"which may carry a path prefix (e.g. `http://127.0.0.1:8080/tenants/customer-1`). " +
					"Required, here or in `IDP_DOMAIN`.",
				Optional:   true,
				Validators: []validator.String{validators.Domain()},
			},
			"client_id": schema.StringAttribute{
				Description: "Client ID of a machine-to-machine application granted the Management API scopes the " +
					"configuration needs. Goes with `client_secret` or `client_assertion_private_key`. Also read from " +
					"`IDP_CLIENT_ID`. 32 letters and digits, as the service issues client IDs.",
				Optional: true,
				Validators: []validator.String{
					validators.ClientID(),
					stringvalidator.ConflictsWith(path.MatchRoot("api_token")),
				},
			},
			"client_secret": schema.StringAttribute{
				Description: "Client secret that goes with `client_id`. Also read from `IDP_CLIENT_SECRET`.",
				Optional:    true,
				Sensitive:   true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("api_token")),
				},
			},
			"client_assertion_private_key": schema.StringAttribute{
				Description: "The PEM of an RSA private key (PKCS #1 or PKCS #8, unencrypted, 2048 to 4096 bits) whose " +
					"public key is registered as a credential of `client_id`'s application, which uses Private Key JWT " +
					"authentication. Instead of sending a secret, the provider then signs a JWT client assertion " +
					"(RFC 7523) that lives two minutes, a new one for each token request. Conflicts with `client_secret` " +
					"and `api_token`. Also read from `IDP_CLIENT_ASSERTION_PRIVATE_KEY`.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					validators.PrivateKeyPEM(),
					stringvalidator.ConflictsWith(path.MatchRoot("client_secret"), path.MatchRoot("api_token")),
				},
			},
			"client_assertion_signing_alg": schema.StringAttribute{
				Description: "The algorithm the client assertion is signed with: `RS256`, `RS384` or `PS256`; it must be " +
					"the `alg` of the registered credential. Defaults to `RS256`. Also read from " +
					"`IDP_CLIENT_ASSERTION_SIGNING_ALG`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(mgmt.AssertionAlgs...)},
			},
			"api_token": schema.StringAttribute{
				Description: "A Management API access token to use instead of client credentials. It is not " +
					"refreshed, so it must outlive the run. Also read from `IDP_API_TOKEN`.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"audience": schema.StringAttribute{
				Description: "Audience of the Management API tokens the provider requests. Defaults to " +
					"`<domain URL>/api/v2/`. Also read from `IDP_AUDIENCE`.",
				Optional:   true,
				Validators: []validator.String{validators.AbsoluteURI()},
			},
			"retry_timeout": schema.StringAttribute{
				Description: "How long one operation keeps retrying failures that are safe to retry (rate limiting, " +
					"server errors, lost connections), as a Go duration such as `90s` or `5m`. Waits back off " +
					"exponentially with jitter and honour the server's `Retry-After` and `X-RateLimit-Reset`; a " +
					"create is retried when the object has a unique key (identifier, client and audience, name) or, " +
					"for clients, carries a marker the provider can find again, so a retried create never leaves a " +
					"second object behind. Ctrl-C stops the waiting at once. Defaults to `60s`. Also read from " +
					"`IDP_RETRY_TIMEOUT`.",
				Optional:   true,
				Validators: []validator.String{validators.PositiveDuration()},
			},
			"max_retries": schema.Int64Attribute{
				Description: fmt.Sprintf("An optional cap on the retries of one request, on top of `retry_timeout`. "+
					"Unset or `0` means no cap: the time budget alone decides. Between 0 and %d. Also read from "+
					"`IDP_MAX_RETRIES`.", maxMaxRetries),
				Optional:   true,
				CustomType: validators.WholeNumberType{},
				Validators: []validator.Int64{int64validator.Between(0, maxMaxRetries)},
			},
			"requests_per_second": schema.Float64Attribute{
				Description: "A hard cap on the requests per second this provider configuration sends, on top of " +
					"the pacing it derives from the server's `X-RateLimit-*` headers. Unset means no cap. " +
					"Also read from `IDP_REQUESTS_PER_SECOND`.",
				Optional:   true,
				Validators: []validator.Float64{float64validator.AtLeast(0.1)},
			},
			"allow_insecure_http": schema.BoolAttribute{
				Description: "Allow a plain `http://` domain (the provider's, and `idp_token`'s) on a host other than " +
					"this machine. Over plain HTTP the client secret and every access token cross the network " +
					"unencrypted, so by default `http://` is only accepted for loopback addresses (`localhost`, " +
					"`127.0.0.0/8`, `::1`). Set to `true` only where the network path is trusted, e.g. a test server on " +
					"a private network. Defaults to `false`. Also read from `IDP_ALLOW_INSECURE_HTTP`.",
				Optional: true,
			},
		},
	}
}

// Configure builds the one shared Management API client. When a value is
// unknown (a provider fed from another resource's outputs), only a use of
// the client fails, saying which.
func (p *idpProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config idpProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var unknown []string
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"domain": config.Domain, "client_id": config.ClientID, "client_secret": config.ClientSecret,
		"api_token": config.APIToken, "client_assertion_private_key": config.AssertionKey,
		"client_assertion_signing_alg": config.AssertionAlg, "audience": config.Audience, "max_retries": config.MaxRetries,
		"retry_timeout":       config.RetryTimeout,
		"requests_per_second": config.RequestsPerSecond, "allow_insecure_http": config.AllowInsecureHTTP,
	} {
		if v.IsUnknown() {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		data := &providerData{unknown: unknown}
		resp.ResourceData, resp.DataSourceData, resp.EphemeralResourceData, resp.ListResourceData = data, data, data, data
		return
	}

	cfg := mgmt.Config{
		Domain:       stringOrEnv(config.Domain, "IDP_DOMAIN"),
		ClientID:     stringOrEnv(config.ClientID, "IDP_CLIENT_ID"),
		ClientSecret: stringOrEnv(config.ClientSecret, "IDP_CLIENT_SECRET"),
		APIToken:     stringOrEnv(config.APIToken, "IDP_API_TOKEN"),
		Audience:     stringOrEnv(config.Audience, "IDP_AUDIENCE"),
		UserAgent: fmt.Sprintf("terraform-provider-idp/%s (+https://registry.terraform.io/providers/idp-terraform/idp) Terraform/%s",
			p.version, req.TerraformVersion),
		Logger:         newTFLogLogger(),
		AdoptLeftovers: true, // DESIGN.md, "Leftovers of a killed apply"
	}

	if !config.MaxRetries.IsNull() {
		cfg.MaxRetries = int(config.MaxRetries.ValueInt64())
	} else if v, ok := os.LookupEnv("IDP_MAX_RETRIES"); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxMaxRetries {
			resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Invalid IDP_MAX_RETRIES",
				fmt.Sprintf("IDP_MAX_RETRIES is %q; it must be a whole number between 0 and %d.", v, maxMaxRetries))
		}
		cfg.MaxRetries = n
	}
	if v := stringOrEnv(config.RetryTimeout, "IDP_RETRY_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("retry_timeout"), "Invalid Retry Timeout",
				fmt.Sprintf("The retry timeout (retry_timeout or IDP_RETRY_TIMEOUT) is %q; it must be a positive Go "+
					"duration such as \"90s\" or \"5m\".", v))
		}
		cfg.RetryTimeout = d
	}
	if !config.RequestsPerSecond.IsNull() {
		cfg.RequestsPerSecond = config.RequestsPerSecond.ValueFloat64()
	} else if v, ok := os.LookupEnv("IDP_REQUESTS_PER_SECOND"); ok && v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0.1 {
			resp.Diagnostics.AddAttributeError(path.Root("requests_per_second"), "Invalid IDP_REQUESTS_PER_SECOND",
				fmt.Sprintf("IDP_REQUESTS_PER_SECOND is %q; it must be a number of at least 0.1.", v))
		}
		cfg.RequestsPerSecond = f
	}

	allowInsecure := false
	if !config.AllowInsecureHTTP.IsNull() {
		allowInsecure = config.AllowInsecureHTTP.ValueBool()
	} else if v, ok := os.LookupEnv("IDP_ALLOW_INSECURE_HTTP"); ok && strings.TrimSpace(v) != "" {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("allow_insecure_http"), "Invalid IDP_ALLOW_INSECURE_HTTP",
				fmt.Sprintf("IDP_ALLOW_INSECURE_HTTP is %q; it must be true or false.", v))
		}
		allowInsecure = b
	}

	if v, ok := os.LookupEnv(adoptIdenticalEnv); ok && strings.TrimSpace(v) != "" {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			resp.Diagnostics.AddError("Invalid "+adoptIdenticalEnv,
				fmt.Sprintf("%s is %q; it must be true or false.", adoptIdenticalEnv, v))
		}
		cfg.AdoptIdentical = b
	}

	readAssertionKey(config, &cfg, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	validateCredentials(cfg, &resp.Diagnostics)
	if config.ClientID.IsNull() {
		// The client_id argument's validator checks a configured one; IDP_CLIENT_ID gets the same rule here.
		validateEnvClientID(cfg, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	checkPlainHTTP(cfg.Domain, allowInsecure, "The domain (from the domain argument or IDP_DOMAIN)", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	client, err := mgmt.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Management API Client",
			"The provider configuration was accepted but the client could not be built: "+err.Error())
		return
	}
	ok, goneDomain := verifyClient(ctx, client, &resp.Diagnostics)
	if !ok {
		return
	}
	data := &providerData{client: client, allowInsecureHTTP: allowInsecure, goneDomain: goneDomain}
	resp.ResourceData, resp.DataSourceData, resp.EphemeralResourceData, resp.ListResourceData = data, data, data, data
}

// verifyClient gets the token now, so that wrong credentials fail the plan
// rather than the apply. A 403 for the Management API itself does not stop
// the provider: one configured from a client made in the same apply may
// run before that client's grant exists, and the first call asks again.
// Nor does a tenant confirmed deleted: goneDomain names it, and its objects
// are dropped from state (a typo or an outage is no such confirmation).
func verifyClient(ctx context.Context, client *mgmt.Client, diags *diag.Diagnostics) (ok bool, goneDomain string) {
	err := client.Verify(ctx)
	if err == nil {
		return true, ""
	}
	if mgmt.IsInexistentTenant(err) {
		gone, perr := client.TenantGone(ctx)
		if gone {
			tflog.Warn(ctx, "the provider's tenant no longer exists", map[string]any{"domain": client.BaseURL()})
			return true, client.BaseURL()
		}
		if perr != nil {
			tflog.Debug(ctx, "could not confirm that the tenant was deleted", map[string]any{"error": perr.Error()})
		}
	}
	var apiErr *mgmt.Error
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden && apiErr.Code != "unauthorized_client" &&
		client.Audience() == client.DefaultAudience() {
		tflog.Warn(ctx, "the provider's client may not get a Management API token yet; the first call will ask again",
			map[string]any{"error": err.Error()})
		return true, ""
	}
	diags.AddError("Unable to Get Management API Token",
		fmt.Sprintf("The provider asked %s for a Management API token (audience %q) to check its configuration. %s",
			client.TokenURL(), client.Audience(), apiErrorDetail(err, errorContext{client: client})))
	return false, ""
}

// checkPlainHTTP refuses plain http:// off this machine unless allowed;
// what names the domain's origin in the message.
func checkPlainHTTP(domain string, allow bool, what string, diags *diag.Diagnostics) {
	u, err := mgmt.ParseDomain(domain)
	if err != nil || u.Scheme != "http" || allow || isLoopbackHost(u.Hostname()) {
		return
	}
	diags.AddAttributeError(path.Root("domain"), "Insecure Domain",
		fmt.Sprintf("%s %q uses plain http:// to %s, which is not this machine: the client secret and the access "+
			"tokens would cross the network unencrypted. Use https:// (or leave the scheme out: HTTPS is assumed), or, "+
			"if the network path is trusted, set allow_insecure_http = true in the provider (or "+
			"IDP_ALLOW_INSECURE_HTTP=true).", what, mgmt.RedactDomain(domain), u.Hostname()))
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validateCredentials(cfg mgmt.Config, diags *diag.Diagnostics) {
	if cfg.Domain == "" {
		diags.AddAttributeError(path.Root("domain"), "Missing Domain",
			"The provider needs the tenant's domain: set the domain argument or the IDP_DOMAIN environment variable, "+
				"e.g. \"login.example.com\" or \"http://127.0.0.1:8080\".")
	} else if _, err := mgmt.ParseDomain(cfg.Domain); err != nil {
		diags.AddAttributeError(path.Root("domain"), "Invalid Domain",
			fmt.Sprintf("The domain %q (from the domain argument or IDP_DOMAIN) is not usable: %s.",
				mgmt.RedactDomain(cfg.Domain), err))
	} else if problem := validators.ManagementAPIPath(cfg.Domain); problem != "" {
		diags.AddAttributeError(path.Root("domain"), "Invalid Domain", problem+" (From the domain argument or IDP_DOMAIN.)")
	}
	hasKey := cfg.ClientAssertionKey != nil
	switch {
	case cfg.APIToken != "" && (cfg.ClientID != "" || cfg.ClientSecret != "" || hasKey):
		diags.AddAttributeError(path.Root("api_token"), "Conflicting Credentials",
			"Both api_token (or IDP_API_TOKEN) and client credentials (client_id/client_secret/"+
				"client_assertion_private_key or IDP_CLIENT_ID/IDP_CLIENT_SECRET/IDP_CLIENT_ASSERTION_PRIVATE_KEY) are "+
				"set. Use one of them.")
	case cfg.APIToken != "":
	case cfg.ClientSecret != "" && hasKey:
		diags.AddAttributeError(path.Root("client_assertion_private_key"), "Conflicting Credentials",
			"Both client_secret (or IDP_CLIENT_SECRET) and client_assertion_private_key (or "+
				"IDP_CLIENT_ASSERTION_PRIVATE_KEY) are set. A client authenticates with one of them: use the private "+
				"key for a client set to Private Key JWT, the secret otherwise.")
	case cfg.ClientID != "" && cfg.ClientSecret == "" && !hasKey:
		diags.AddAttributeError(path.Root("client_secret"), "Missing Client Secret",
			"client_id is set but neither client_secret nor client_assertion_private_key is: set client_secret or "+
				"IDP_CLIENT_SECRET, or, for a client set to Private Key JWT, client_assertion_private_key or "+
				"IDP_CLIENT_ASSERTION_PRIVATE_KEY.")
	case cfg.ClientID == "" && (cfg.ClientSecret != "" || hasKey):
		diags.AddAttributeError(path.Root("client_id"), "Missing Client ID",
			"A client secret or client assertion private key is set but client_id is not: set client_id or IDP_CLIENT_ID.")
	case cfg.ClientID == "":
		diags.AddAttributeError(path.Root("client_id"), "Missing Credentials",
			"The provider needs credentials: client_id and client_secret (or IDP_CLIENT_ID and IDP_CLIENT_SECRET) "+
				"of an application granted the Management API, client_id and client_assertion_private_key for one "+
				"using Private Key JWT, or an api_token (IDP_API_TOKEN).")
	}
}

// validateEnvClientID refuses an IDP_CLIENT_ID that is not a client ID.
func validateEnvClientID(cfg mgmt.Config, diags *diag.Diagnostics) {
	if cfg.APIToken == "" && cfg.ClientID != "" && !validators.IsClientID(cfg.ClientID) {
		diags.AddAttributeError(path.Root("client_id"), "Invalid Client ID",
			fmt.Sprintf("IDP_CLIENT_ID %q is not a client ID: the service issues client IDs of %d letters and digits "+
				"(A-Z, a-z, 0-9). Set it to the client ID of the application the provider signs in as.",
				cfg.ClientID, validators.ClientIDLength))
	}
}

// readAssertionKey sets cfg's client assertion key and alg from the configuration or the environment.
func readAssertionKey(config idpProviderModel, cfg *mgmt.Config, diags *diag.Diagnostics) {
	keyPEM := stringOrEnv(config.AssertionKey, "IDP_CLIENT_ASSERTION_PRIVATE_KEY")
	alg := stringOrEnv(config.AssertionAlg, "IDP_CLIENT_ASSERTION_SIGNING_ALG")
	if alg != "" && !slices.Contains(mgmt.AssertionAlgs, alg) {
		diags.AddAttributeError(path.Root("client_assertion_signing_alg"), "Invalid Client Assertion Signing Algorithm",
			fmt.Sprintf("The client assertion signing algorithm (client_assertion_signing_alg or "+
				"IDP_CLIENT_ASSERTION_SIGNING_ALG) is %q; it must be one of %s.", alg, strings.Join(mgmt.AssertionAlgs, ", ")))
	}
	if keyPEM == "" {
		if alg != "" {
			diags.AddAttributeError(path.Root("client_assertion_signing_alg"), "Missing Client Assertion Private Key",
				"A client assertion signing algorithm is set but no client_assertion_private_key (or "+
					"IDP_CLIENT_ASSERTION_PRIVATE_KEY) to sign with: set the key, or remove the algorithm.")
		}
		return
	}
	key, err := mgmt.ParsePrivateKeyPEM(keyPEM)
	if err != nil {
		diags.AddAttributeError(path.Root("client_assertion_private_key"), "Invalid Client Assertion Private Key",
			"From client_assertion_private_key or IDP_CLIENT_ASSERTION_PRIVATE_KEY. "+validators.PrivateKeyProblem(err))
		return
	}
	cfg.ClientAssertionKey, cfg.ClientAssertionAlg = key, alg
}

func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return strings.TrimSpace(os.Getenv(env))
}

func (p *idpProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewResourceServerResource,
		NewClientResource,
		NewClientCredentialsResource,
		NewClientGrantResource,
		NewDefaultClientGrantResource,
		NewTenantResource,
		NewConnectionResource,
		NewConnectionClientsResource,
		NewOrganizationResource,
		NewOrganizationConnectionsResource,
		NewOrganizationClientGrantsResource,
	}
}

func (p *idpProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewTokenDataSource,
		NewResourceServerDataSource,
		NewClientDataSource,
		NewTenantDataSource,
		NewEndpointsDataSource,
		NewConnectionDataSource,
		NewOrganizationDataSource,
	}
}

func (p *idpProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewResourceServerList,
		NewClientList,
		NewClientGrantList,
		NewDefaultClientGrantList,
		NewConnectionList,
		NewOrganizationList,
		NewTenantList,
	}
}

func (p *idpProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewTokenEphemeralResource}
}
