package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idp-terraform/terraform-provider-idp/internal/mgmt"
	"github.com/idp-terraform/terraform-provider-idp/internal/provider/validators"
)

var (
	_ resource.ResourceWithConfigure      = &clientCredentialsResource{}
	_ resource.ResourceWithImportState    = &clientCredentialsResource{}
	_ resource.ResourceWithModifyPlan     = &clientCredentialsResource{}
	_ resource.ResourceWithIdentity       = &clientCredentialsResource{}
	_ resource.ResourceWithValidateConfig = &clientCredentialsResource{}

	_ objectAPI[*clientCredentialsModel, *clientAuthentication] = &clientCredentialsResource{}
	_ identified[*clientCredentialsModel]                       = &clientCredentialsResource{}
	_ naturalKeyed[*clientCredentialsModel]                     = &clientCredentialsResource{}
)

const (
	// maxClientCredentials is Auth0's limit of credentials per client.
	maxClientCredentials = 2
	defaultCredentialAlg = "RS256"
)

// clientCredentialsResource is how one client authenticates: its method
// and the public keys it may sign private_key_jwt assertions with. It is
// authoritative over both (DESIGN.md, "How a client authenticates").
type clientCredentialsResource struct {
	clientHolder
}

// NewClientCredentialsResource returns the idp_client_credentials resource.
func NewClientCredentialsResource() resource.Resource {
	return &clientCredentialsResource{}
}

// clientAuthentication is what the resource reads: the client's method,
// which credentials private_key_jwt enables (nil when the token may not
// read them) and every credential of the client.
type clientAuthentication struct {
	clientID    string
	appType     string
	method      string
	enabled     []string
	credentials []*mgmt.ClientCredential
}

type clientCredentialsModel struct {
	ID                   types.String `tfsdk:"id"`
	ClientID             types.String `tfsdk:"client_id"`
	AuthenticationMethod types.String `tfsdk:"authentication_method"`
	Credentials          types.Map    `tfsdk:"credentials"`
}

// credentialModel is one element of credentials, keyed by its name.
type credentialModel struct {
	ID        types.String `tfsdk:"id"`
	PEM       types.String `tfsdk:"pem"`
	Algorithm types.String `tfsdk:"algorithm"`
	ExpiresAt types.String `tfsdk:"expires_at"`
	KeyID     types.String `tfsdk:"key_id"`
	CreatedAt types.String `tfsdk:"created_at"`
}

var credentialAttrTypes = map[string]attr.Type{
	"id": types.StringType, "pem": types.StringType, "algorithm": types.StringType,
	"expires_at": types.StringType, "key_id": types.StringType, "created_at": types.StringType,
}

var credentialObjectType = types.ObjectType{AttrTypes: credentialAttrTypes}

var authenticationMethods = []string{defaultAuthMethod, "client_secret_basic", "none", authPrivateKeyJWT}

func (r *clientCredentialsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_client_credentials"
}

func (r *clientCredentialsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "How one application (client) authenticates at the token endpoint: its method and the public " +
			"keys it signs `private_key_jwt` assertions with. One per client, authoritative: a key registered " +
			"outside Terraform shows in the next plan and is deleted by the apply. No secret and no private key " +
			"enters the state. Leave `token_endpoint_auth_method` of the `idp_client` unset: the method has one owner.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Same as `client_id`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"client_id": schema.StringAttribute{
				Description:   "The client's ID, e.g. `idp_client.reporting.client_id`.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					validators.ClientID(),
				},
			},
			"authentication_method": schema.StringAttribute{
				Description: "`private_key_jwt` (assertions signed with one of `credentials`; the client's secret " +
					"then opens nothing), `client_secret_post`, `client_secret_basic` or `none` (a public client, " +
					"which may not use the client-credentials grant).",
				Required:   true,
				Validators: []validator.String{stringvalidator.OneOf(authenticationMethods...)},
			},
			"credentials": schema.MapNestedAttribute{
				Description: fmt.Sprintf("Every public key of the client, by name (1 to 128 characters), at most %d: "+
					"enough to rotate without downtime. With `private_key_jwt` every one of them is enabled; with "+
					"another method they are registered only. Adding a key keeps the others working; removing one "+
					"deletes only it; changing a key's `pem`, `algorithm` or name replaces only that key, the new "+
					"one registered before the old one goes when there is room. Null or `{}`: no keys.",
					maxClientCredentials),
				Optional: true,
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(maxClientCredentials),
					mapvalidator.KeysAre(stringvalidator.LengthBetween(1, 128)),
				},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"pem": schema.StringAttribute{
						Description: fmt.Sprintf("The PUBLIC key (SPKI `-----BEGIN PUBLIC KEY-----` or PKCS #1) or X.509 "+
							"certificate, in PEM, of an RSA key of %d to %d bits, e.g. `file(\"service.pub.pem\")`. "+
							"A private key is refused at plan. The server never answers it: after an import it is "+
							"null until the configuration gives it.", mgmt.MinCredentialBits, mgmt.MaxCredentialBits),
						Required:   true,
						Validators: []validator.String{validators.PublicKeyPEM()},
					},
					"algorithm": schema.StringAttribute{
						Description: "What the assertions are signed with: `RS256` (the default), `RS384` or `PS256`.",
						Optional:    true,
						Computed:    true,
						Default:     stringdefault.StaticString(defaultCredentialAlg),
						Validators:  []validator.String{stringvalidator.OneOf(defaultCredentialAlg, "RS384", "PS256")},
					},
					"expires_at": schema.StringAttribute{
						Description: "When the key stops working, in RFC 3339 (e.g. `2027-01-31T00:00:00Z`); must be in " +
							"the future when set. Changed in place; removing it makes the key never expire.",
						Optional:   true,
						Validators: []validator.String{validators.RFC3339()},
					},
					"id": schema.StringAttribute{
						Description: "The credential's ID (`cred_…`).",
						Computed:    true,
					},
					"key_id": schema.StringAttribute{
						Description: "The key ID (`kid`) the server gave the key; an assertion may name it in its header.",
						Computed:    true,
					},
					"created_at": schema.StringAttribute{
						Description: "When the credential was registered.",
						Computed:    true,
					},
				}},
			},
		},
	}
}

func (r *clientCredentialsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *clientCredentialsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createResource(ctx, r, req, resp)
}

func (r *clientCredentialsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readResource(ctx, r, req, resp)
}

func (r *clientCredentialsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateResource(ctx, r, req, resp)
}

func (r *clientCredentialsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteResource(ctx, r, req, resp)
}

func (r *clientCredentialsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importIDFromIdentity[clientIdentity](ctx, &req, resp) {
		return
	}
	if !validators.IsClientID(req.ID) {
		addInvalidImportID(resp, req.ID, clientImportForms)
		return
	}
	importExisting(ctx, &r.clientHolder, resp, "Client", fmt.Sprintf("client ID %q", req.ID),
		func(ctx context.Context, c *mgmt.Client) (importedObject, error) {
			a, err := c.GetApplication(ctx, req.ID)
			if err != nil {
				return importedObject{}, err
			}
			return importedObject{id: valueOr(a.ClientID, req.ID)}, nil
		})
}

func (r *clientCredentialsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"client_id": requiredString("The client ID."),
	}}
}

func (r *clientCredentialsResource) identity(m *clientCredentialsModel) any {
	return clientIdentity{ClientID: m.ClientID}
}

func (r *clientCredentialsResource) naturalImportID(plan *clientCredentialsModel) string {
	return plan.ClientID.ValueString()
}

func (r *clientCredentialsResource) naturalKey(plan *clientCredentialsModel) string {
	return fmt.Sprintf("client_id %q", plan.ClientID.ValueString())
}

// ValidateConfig refuses at plan what would lock the client out or what the
// server refuses: private_key_jwt without a key, and one key twice.
func (r *clientCredentialsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m clientCredentialsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Credentials.IsUnknown() {
		return
	}
	creds, diags := credentialsOf(ctx, m.Credentials)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	if m.AuthenticationMethod.ValueString() == authPrivateKeyJWT && len(creds) == 0 {
		resp.Diagnostics.AddAttributeError(path.Root("credentials"), "No Key for private_key_jwt",
			"With authentication_method \"private_key_jwt\" the client can authenticate only with one of its "+
				"credentials, and none is given: it would be locked out. Add the public key of the service that "+
				"signs its assertions to credentials, or choose another authentication_method.")
	}
	byKey := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(creds)) {
		p := creds[name].PEM
		if p.IsNull() || p.IsUnknown() {
			continue
		}
		kid, err := mgmt.PublicKeyID(p.ValueString())
		if err != nil {
			continue // the attribute's validator reports it
		}
		if other, dup := byKey[kid]; dup {
			resp.Diagnostics.AddAttributeError(path.Root("credentials").AtMapKey(name).AtName("pem"), "Duplicate Key",
				fmt.Sprintf("The credentials %q and %q hold the same public key, which a client may register once. "+
					"To rotate, give the new key under a new name and remove the old one once no service uses it.", other, name))
			continue
		}
		byKey[kid] = name
	}
}

// ModifyPlan keeps a credential (its id, key_id and created_at) while its
// key and algorithm stay, and shows it replaced otherwise. After an import
// the state has no pem, so the key is recognised by its kid.
func (r *clientCredentialsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state clientCredentialsModel
	resp.Diagnostics.Append(getPlan(ctx, req.Plan, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(getState(ctx, req.State, &state)...)
	}
	if resp.Diagnostics.HasError() || plan.Credentials.IsNull() || plan.Credentials.IsUnknown() {
		return
	}
	planned, diags := credentialsOf(ctx, plan.Credentials)
	resp.Diagnostics.Append(diags...)
	prior, diags := credentialsOf(ctx, state.Credentials)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, c := range planned {
		old, known := prior[name]
		if !c.ExpiresAt.IsNull() && !c.ExpiresAt.IsUnknown() && (!known || !c.ExpiresAt.Equal(old.ExpiresAt)) {
			if t, err := time.Parse(time.RFC3339, c.ExpiresAt.ValueString()); err == nil && !t.After(time.Now()) {
				resp.Diagnostics.AddAttributeError(path.Root("credentials").AtMapKey(name).AtName("expires_at"),
					"Expiry in the Past", fmt.Sprintf("expires_at %q has passed, and the server refuses a key that "+
						"has already expired. Give a time in the future, or remove expires_at for a key that does not "+
						"expire.", c.ExpiresAt.ValueString()))
			}
		}
		if known && sameKey(c, old) {
			c.ID, c.KeyID, c.CreatedAt = old.ID, old.KeyID, old.CreatedAt
		} else {
			c.ID, c.KeyID, c.CreatedAt = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
		}
		planned[name] = c
	}
	m, diags := types.MapValueFrom(ctx, credentialObjectType, planned)
	resp.Diagnostics.Append(diags...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("credentials"), m)...)
	}
}

// sameKey says whether a planned credential is the registered one: same
// algorithm and the same PEM, or, with no PEM known, a key of the same kid.
func sameKey(planned, registered credentialModel) bool {
	if planned.PEM.IsUnknown() || planned.Algorithm.IsUnknown() || registered.ID.IsNull() ||
		!planned.Algorithm.Equal(registered.Algorithm) {
		return false
	}
	if !registered.PEM.IsNull() {
		return planned.PEM.Equal(registered.PEM)
	}
	kid, err := mgmt.PublicKeyID(planned.PEM.ValueString())
	return err == nil && kid == registered.KeyID.ValueString()
}

func credentialsOf(ctx context.Context, m types.Map) (map[string]credentialModel, diag.Diagnostics) {
	out := map[string]credentialModel{}
	if m.IsNull() || m.IsUnknown() {
		return out, nil
	}
	diags := m.ElementsAs(ctx, &out, false)
	return out, diags
}

func (r *clientCredentialsResource) kind() string { return "Client Credentials" }

// createObject saves what a failed create changed on the client, tainted,
// so that no key is left registered that Terraform does not know about.
func (r *clientCredentialsResource) createObject(ctx context.Context, c *mgmt.Client, plan *clientCredentialsModel) (*clientAuthentication, diag.Diagnostics, error) {
	out, s, diags, err := r.apply(ctx, c, plan)
	if err == nil || s == nil || !s.wrote {
		return out, diags, err
	}
	now, rerr := readClientAuthentication(ctx, c, s.cur.clientID)
	if rerr != nil {
		now = s.cur
	}
	return nil, diags, &partialCreateError{kind: r.kind(), id: s.cur.clientID,
		step: "setting its keys and authentication method", obj: now, err: err}
}

func (r *clientCredentialsResource) updateObject(ctx context.Context, c *mgmt.Client, plan, _ *clientCredentialsModel) (*clientAuthentication, diag.Diagnostics, error) {
	out, _, diags, err := r.apply(ctx, c, plan)
	return out, diags, err
}

func (r *clientCredentialsResource) readObject(ctx context.Context, c *mgmt.Client, state *clientCredentialsModel) (*clientAuthentication, error) {
	return readClientAuthentication(ctx, c, state.ID.ValueString())
}

func readClientAuthentication(ctx context.Context, c *mgmt.Client, clientID string) (*clientAuthentication, error) {
	a, err := c.GetApplication(ctx, clientID)
	if err != nil {
		return nil, err
	}
	creds, err := c.ListClientCredentials(ctx, clientID)
	if err != nil {
		return nil, err
	}
	out := &clientAuthentication{clientID: clientID, appType: valueOr(a.AppType, defaultAppType), method: authMethod(a),
		credentials: creds}
	if cam := a.ClientAuthenticationMethods; cam != nil && cam.PrivateKeyJWT != nil {
		out.enabled = make([]string, 0, len(cam.PrivateKeyJWT.Credentials))
		for _, ref := range cam.PrivateKeyJWT.Credentials {
			out.enabled = append(out.enabled, ref.ID)
		}
	} else if out.method == authPrivateKeyJWT {
		out.enabled = nil // not readable without read:client_keys: taken as all
	}
	return out, nil
}

// deleteObject deletes every key of the client and, when it used
// private_key_jwt, gives it back the method a new client of its type has,
// so that it keeps a way to authenticate.
func (r *clientCredentialsResource) deleteObject(ctx context.Context, c *mgmt.Client, state *clientCredentialsModel) error {
	cur, err := readClientAuthentication(ctx, c, state.ID.ValueString())
	if err != nil {
		return err
	}
	if cur.method == authPrivateKeyJWT {
		method := defaultAuthMethod
		if cur.appType == "spa" || cur.appType == "native" {
			method = "none"
		}
		if _, err := c.UseTokenEndpointAuthMethod(ctx, cur.clientID, method); err != nil {
			return err
		}
	}
	for _, cr := range cur.credentials {
		if err := c.DeleteClientCredential(ctx, cur.clientID, valueOr(cr.ID, "")); err != nil && !mgmt.IsNotFound(err) {
			return err
		}
	}
	return nil
}

// apply brings the client to the plan without a moment in which a key that
// stays, or the new one, is not accepted: new keys are registered (and,
// while the client already uses private_key_jwt, enabled) before the keys
// they replace are disabled and deleted. A client holds at most two, so at
// capacity one key to remove goes first, and the other keeps working.
func (r *clientCredentialsResource) apply(ctx context.Context, c *mgmt.Client, plan *clientCredentialsModel) (*clientAuthentication, *credentialSync, diag.Diagnostics, error) {
	clientID := plan.ClientID.ValueString()
	want, diags := credentialsOf(ctx, plan.Credentials)
	if diags.HasError() {
		return nil, nil, diags, nil
	}
	cur, err := readClientAuthentication(ctx, c, clientID)
	if err != nil {
		return nil, nil, diags, err
	}
	s := newCredentialSync(c, cur)
	names := slices.Sorted(maps.Keys(want))
	var create []string
	kept := map[string]bool{}
	for _, name := range names {
		w := want[name]
		if reg := s.registered(w.ID); reg != nil {
			kept[w.ID.ValueString()] = true
			if err := s.setExpiry(ctx, reg, w.ExpiresAt); err != nil {
				return nil, s, diags, err
			}
			continue
		}
		if reg := s.adoptable(w, name); reg != nil {
			// The key is registered already, not enabled or left by a
			// failed apply: adopt it rather than register it twice.
			kept[valueOr(reg.ID, "")] = true
			if err := s.setExpiry(ctx, reg, w.ExpiresAt); err != nil {
				return nil, s, diags, err
			}
			continue
		}
		create = append(create, name)
	}
	pkjwt := plan.AuthenticationMethod.ValueString() == authPrivateKeyJWT
	for _, name := range create {
		id, err := s.add(ctx, name, want[name], kept, pkjwt)
		if err != nil {
			return nil, s, diags, err
		}
		kept[id] = true
	}
	if err := s.switchMethod(ctx, plan.AuthenticationMethod.ValueString(), kept); err != nil {
		return nil, s, diags, err
	}
	if err := s.removeAllBut(ctx, kept); err != nil {
		return nil, s, diags, err
	}
	out, err := readClientAuthentication(ctx, c, clientID)
	return out, s, diags, err
}

// credentialSync is apply's view of the client as it changes it.
type credentialSync struct {
	c   *mgmt.Client
	cur *clientAuthentication
	// wrote is set once a change was sent.
	wrote bool
}

func newCredentialSync(c *mgmt.Client, cur *clientAuthentication) *credentialSync {
	return &credentialSync{c: c, cur: cur}
}

func (s *credentialSync) registered(id types.String) *mgmt.ClientCredential {
	if id.IsNull() || id.IsUnknown() {
		return nil
	}
	for _, cr := range s.cur.credentials {
		if valueOr(cr.ID, "") == id.ValueString() {
			return cr
		}
	}
	return nil
}

// adoptable is a registered credential of the same key, name and algorithm.
func (s *credentialSync) adoptable(w credentialModel, name string) *mgmt.ClientCredential {
	kid, err := mgmt.PublicKeyID(w.PEM.ValueString())
	if err != nil {
		return nil
	}
	for _, cr := range s.cur.credentials {
		if valueOr(cr.KeyID, "") == kid && valueOr(cr.Name, "") == name &&
			valueOr(cr.Alg, defaultCredentialAlg) == w.Algorithm.ValueString() {
			return cr
		}
	}
	return nil
}

func (s *credentialSync) enabledIDs() []string {
	if s.cur.method != authPrivateKeyJWT {
		return nil
	}
	if s.cur.enabled != nil {
		return s.cur.enabled
	}
	ids := make([]string, 0, len(s.cur.credentials))
	for _, cr := range s.cur.credentials {
		ids = append(ids, valueOr(cr.ID, ""))
	}
	return ids
}

func (s *credentialSync) setExpiry(ctx context.Context, reg *mgmt.ClientCredential, want types.String) error {
	var at *time.Time
	if !want.IsNull() {
		t, err := time.Parse(time.RFC3339, want.ValueString())
		if err != nil {
			return fmt.Errorf("expires_at %q: %w", want.ValueString(), err)
		}
		at = &t
	}
	if sameInstant(at, reg.ExpiresAt) {
		return nil
	}
	s.wrote = true
	_, err := s.c.UpdateClientCredential(ctx, s.cur.clientID, valueOr(reg.ID, ""), at)
	return err
}

func sameInstant(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// add registers a key. At capacity it first deletes a key that is not
// kept, one not enabled if there is one (one of the same key must go
// first in any case, since a key is registered once). While the client
// uses private_key_jwt and keeps it, the new key is enabled beside the
// ones still enabled.
func (s *credentialSync) add(ctx context.Context, name string, w credentialModel, kept map[string]bool, pkjwt bool) (string, error) {
	kid, err := mgmt.PublicKeyID(w.PEM.ValueString())
	if err != nil {
		return "", err
	}
	var sameKey, spare *mgmt.ClientCredential
	enabled := s.enabledIDs()
	for _, cr := range s.cur.credentials {
		id := valueOr(cr.ID, "")
		switch {
		case kept[id]:
		case valueOr(cr.KeyID, "") == kid:
			sameKey = cr
		case spare == nil || slices.Contains(enabled, valueOr(spare.ID, "")) && !slices.Contains(enabled, id):
			spare = cr
		}
	}
	victim := sameKey
	if victim == nil && len(s.cur.credentials) >= maxClientCredentials {
		victim = spare
	}
	if victim != nil {
		if err := s.delete(ctx, valueOr(victim.ID, "")); err != nil {
			return "", err
		}
	}
	in := &mgmt.ClientCredential{Name: mgmt.String(name), PEM: mgmt.String(w.PEM.ValueString()),
		Alg: mgmt.String(w.Algorithm.ValueString())}
	if !w.ExpiresAt.IsNull() {
		t, err := time.Parse(time.RFC3339, w.ExpiresAt.ValueString())
		if err != nil {
			return "", fmt.Errorf("expires_at %q: %w", w.ExpiresAt.ValueString(), err)
		}
		in.ExpiresAt = &t
	}
	s.wrote = true
	created, err := s.c.CreateClientCredential(ctx, s.cur.clientID, in)
	if err != nil {
		return "", err
	}
	id := valueOr(created.ID, "")
	s.cur.credentials = append(s.cur.credentials, created)
	if pkjwt && s.cur.method == authPrivateKeyJWT {
		ids := append(slices.Clone(s.enabledIDs()), id)
		if _, err := s.c.UsePrivateKeyJWT(ctx, s.cur.clientID, ids); err != nil {
			return "", err
		}
		s.cur.enabled = ids
	}
	return id, nil
}

// delete deletes a credential, which also disables it.
func (s *credentialSync) delete(ctx context.Context, id string) error {
	s.wrote = true
	if err := s.c.DeleteClientCredential(ctx, s.cur.clientID, id); err != nil && !mgmt.IsNotFound(err) {
		return err
	}
	s.cur.credentials = slices.DeleteFunc(s.cur.credentials, func(cr *mgmt.ClientCredential) bool {
		return valueOr(cr.ID, "") == id
	})
	if s.cur.enabled != nil {
		s.cur.enabled = slices.DeleteFunc(slices.Clone(s.cur.enabled), func(e string) bool { return e == id })
	}
	return nil
}

// switchMethod sets the method, with private_key_jwt enabling exactly the
// kept keys; it sends nothing when the client is there already.
func (s *credentialSync) switchMethod(ctx context.Context, method string, kept map[string]bool) error {
	if method == authPrivateKeyJWT {
		ids := slices.Sorted(maps.Keys(kept))
		enabled := slices.Sorted(slices.Values(s.enabledIDs()))
		if s.cur.method == authPrivateKeyJWT && slices.Equal(ids, enabled) {
			return nil
		}
		s.wrote = true
		_, err := s.c.UsePrivateKeyJWT(ctx, s.cur.clientID, ids)
		return err
	}
	if s.cur.method == method {
		return nil
	}
	s.wrote = true
	_, err := s.c.UseTokenEndpointAuthMethod(ctx, s.cur.clientID, method)
	return err
}

func (s *credentialSync) removeAllBut(ctx context.Context, kept map[string]bool) error {
	for _, cr := range slices.Clone(s.cur.credentials) {
		if id := valueOr(cr.ID, ""); !kept[id] {
			if err := s.delete(ctx, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// fromAPI keeps what the server never answers (the PEM) and the names the
// configuration gave, matching credentials by ID, or for those the apply
// just registered by name. A credential that private_key_jwt does not
// enable is left out, so that the plan shows it added back; one registered
// outside Terraform is named by its name (or kid, or ID, when taken) and
// shows as one to delete.
func (m *clientCredentialsModel) fromAPI(ctx context.Context, a *clientAuthentication) diag.Diagnostics {
	prior, diags := credentialsOf(ctx, m.Credentials)
	if diags.HasError() {
		return diags
	}
	byID := map[string]string{}
	for name, c := range prior {
		if !c.ID.IsNull() && !c.ID.IsUnknown() {
			byID[c.ID.ValueString()] = name
		}
	}
	out := map[string]credentialModel{}
	var unmatched []*mgmt.ClientCredential
	for _, cr := range a.credentials {
		id := valueOr(cr.ID, "")
		if a.method == authPrivateKeyJWT && a.enabled != nil && !slices.Contains(a.enabled, id) {
			continue
		}
		if name, ok := byID[id]; ok {
			out[name] = credentialFromAPI(cr, prior[name])
			continue
		}
		if name := valueOr(cr.Name, ""); name != "" {
			if p, ok := prior[name]; ok && p.ID.IsUnknown() {
				out[name] = credentialFromAPI(cr, p)
				continue
			}
		}
		unmatched = append(unmatched, cr)
	}
	for _, cr := range unmatched {
		for _, name := range []string{valueOr(cr.Name, ""), valueOr(cr.KeyID, ""), valueOr(cr.ID, "")} {
			if _, taken := out[name]; name != "" && !taken {
				out[name] = credentialFromAPI(cr, credentialModel{PEM: types.StringNull(), ExpiresAt: types.StringNull()})
				break
			}
		}
	}
	m.ID = types.StringValue(a.clientID)
	m.ClientID = types.StringValue(a.clientID)
	m.AuthenticationMethod = types.StringValue(a.method)
	if len(out) == 0 && (m.Credentials.IsNull() || m.Credentials.IsUnknown() && len(prior) == 0) {
		m.Credentials = types.MapNull(credentialObjectType)
		return diags
	}
	m.Credentials, diags = types.MapValueFrom(ctx, credentialObjectType, out)
	return diags
}

// credentialFromAPI keeps the prior pem, and the prior expires_at when it
// names the same instant as the server's.
func credentialFromAPI(cr *mgmt.ClientCredential, prior credentialModel) credentialModel {
	out := credentialModel{
		ID:        types.StringPointerValue(cr.ID),
		PEM:       prior.PEM,
		Algorithm: types.StringValue(valueOr(cr.Alg, defaultCredentialAlg)),
		KeyID:     types.StringPointerValue(cr.KeyID),
		CreatedAt: types.StringNull(),
		ExpiresAt: types.StringNull(),
	}
	if out.PEM.IsUnknown() {
		out.PEM = types.StringNull()
	}
	if cr.CreatedAt != nil {
		out.CreatedAt = types.StringValue(cr.CreatedAt.UTC().Format(time.RFC3339Nano))
	}
	if cr.ExpiresAt != nil {
		out.ExpiresAt = types.StringValue(cr.ExpiresAt.UTC().Format(time.RFC3339Nano))
		if t, err := time.Parse(time.RFC3339, prior.ExpiresAt.ValueString()); err == nil && t.Equal(*cr.ExpiresAt) {
			out.ExpiresAt = prior.ExpiresAt
		}
	}
	return out
}
