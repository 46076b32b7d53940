package server

import "strings"

var servedKinds = []string{"resource_servers", "clients", "client_grants", "connections", "organizations"}

// servedScopes are the scopes the routes check, which the seeded clients
// are granted.
func servedScopes(root bool) []string {
	kinds := servedKinds
	if root {
		kinds = append(append([]string(nil), kinds...), "tenants")
	}
	var out []string
	for _, k := range kinds {
		for _, verb := range []string{"create", "read", "update", "delete"} {
			out = append(out, verb+":"+k)
		}
	}
	out = append(out, "read:organization_connections", "create:organization_connections",
		"update:organization_connections", "delete:organization_connections",
		"read:organization_client_grants", "create:organization_client_grants", "delete:organization_client_grants")
	return append(out, "read:tenant_settings", "update:tenant_settings",
		scopeReadKeys, scopeRotateSecret, scopeCreateCredentials, scopeReadCredentials,
		scopeUpdateCredentials, scopeDeleteCredentials, scopeReadActions,
		scopeReadConnectionOptions, scopeUpdateConnectionOptions, scopeReadClientSummary)
}

// scopeReadActions lists a tenant's actions, of which there are none; the
// deploy tools read them before anything else.
const scopeReadActions = "read:actions"

// Key scopes: what a token needs, besides a route's own scope, to see or
// change a client's keys.
const (
	scopeReadKeys          = "read:client_keys"
	scopeRotateSecret      = "update:client_keys"
	scopeCreateCredentials = "create:client_credentials"
	scopeReadCredentials   = "read:client_credentials"
	scopeUpdateCredentials = "update:client_credentials"
	scopeDeleteCredentials = "delete:client_credentials"
)

// scopeReadClientSummary reads a client's connections without read:clients,
// and a client's summary (clientSummaryProperties).
const scopeReadClientSummary = "read:client_summary"

// The scopes any one of which reads or updates a client, as the spec's
// security lists them. What each reads or changes is narrower: see
// clientReadView and checkClientUpdateScopes.
const (
	scopesReadClient            = "read:clients " + scopeReadKeys + " " + scopeReadCredentials + " " + scopeReadClientSummary
	scopesUpdateClient          = "update:clients " + scopeRotateSecret + " " + scopeUpdateCredentials + " " + scopeUpdateTokenVaultAccess
	scopeUpdateTokenVaultAccess = "update:client_token_vault_privileged_access"
)

// readClientScopes read every property of a client but its keys.
var readClientScopes = []string{"read:clients", scopeReadKeys}

var readKeyScopes = []string{scopeReadKeys, scopeReadCredentials}

// auth0ManagementScopes are all the real Management API's scopes, served or
// not, so that a client grant naming one is accepted as it would be there.
var auth0ManagementScopes = strings.Fields(`
read:client_grants create:client_grants delete:client_grants update:client_grants
read:users update:users delete:users create:users
read:users_app_metadata update:users_app_metadata delete:users_app_metadata create:users_app_metadata
read:user_custom_blocks create:user_custom_blocks delete:user_custom_blocks
create:user_tickets
read:clients update:clients delete:clients create:clients read:client_summary
read:client_keys update:client_keys delete:client_keys create:client_keys
read:client_credentials update:client_credentials delete:client_credentials create:client_credentials
read:connections update:connections delete:connections create:connections
read:resource_servers update:resource_servers delete:resource_servers create:resource_servers
read:device_credentials update:device_credentials delete:device_credentials create:device_credentials
read:rules update:rules delete:rules create:rules
read:rules_configs update:rules_configs delete:rules_configs
read:hooks update:hooks delete:hooks create:hooks
read:actions update:actions delete:actions create:actions
read:email_provider update:email_provider delete:email_provider create:email_provider
blacklist:tokens
read:stats read:insights
read:tenant_settings update:tenant_settings
read:logs read:logs_users
read:shields create:shields update:shields delete:shields
read:anomaly_blocks delete:anomaly_blocks
update:triggers read:triggers
read:grants delete:grants
read:guardian_factors update:guardian_factors
read:guardian_enrollments delete:guardian_enrollments create:guardian_enrollment_tickets
read:user_idp_tokens
create:passwords_checking_job delete:passwords_checking_job
read:custom_domains delete:custom_domains create:custom_domains update:custom_domains
read:email_templates create:email_templates update:email_templates
read:mfa_policies update:mfa_policies
read:roles create:roles delete:roles update:roles
read:prompts update:prompts
read:branding update:branding delete:branding
read:log_streams create:log_streams delete:log_streams update:log_streams
create:signing_keys read:signing_keys update:signing_keys
read:limits update:limits
create:role_members read:role_members delete:role_members
read:entitlements
read:attack_protection update:attack_protection
read:organizations_summary
create:authentication_methods read:authentication_methods update:authentication_methods delete:authentication_methods
read:organizations update:organizations create:organizations delete:organizations
create:organization_members read:organization_members delete:organization_members
create:organization_connections read:organization_connections update:organization_connections delete:organization_connections
create:organization_member_roles read:organization_member_roles delete:organization_member_roles
create:organization_invitations read:organization_invitations delete:organization_invitations
read:scim_config create:scim_config update:scim_config delete:scim_config
create:scim_token read:scim_token delete:scim_token
delete:phone_providers create:phone_providers read:phone_providers update:phone_providers
delete:phone_templates create:phone_templates read:phone_templates update:phone_templates
create:encryption_keys read:encryption_keys update:encryption_keys delete:encryption_keys
read:sessions delete:sessions
read:refresh_tokens delete:refresh_tokens
create:self_service_profiles read:self_service_profiles update:self_service_profiles delete:self_service_profiles
create:sso_access_tickets delete:sso_access_tickets
read:forms update:forms delete:forms create:forms
read:flows update:flows delete:flows create:flows
read:flows_vault read:flows_vault_connections update:flows_vault_connections delete:flows_vault_connections create:flows_vault_connections
read:flows_executions delete:flows_executions
read:connections_options update:connections_options
read:self_service_profile_custom_texts update:self_service_profile_custom_texts
create:network_acls update:network_acls read:network_acls delete:network_acls
delete:vdcs_templates read:vdcs_templates create:vdcs_templates update:vdcs_templates
create:custom_signing_keys read:custom_signing_keys update:custom_signing_keys delete:custom_signing_keys
read:federated_connections_tokens delete:federated_connections_tokens
create:user_attribute_profiles read:user_attribute_profiles update:user_attribute_profiles delete:user_attribute_profiles
read:event_streams create:event_streams delete:event_streams update:event_streams
read:event_deliveries update:event_deliveries
create:connection_profiles read:connection_profiles update:connection_profiles delete:connection_profiles
read:organization_client_grants create:organization_client_grants delete:organization_client_grants
read:security_metrics
read:connections_keys update:connections_keys create:connections_keys
update:client_token_vault_privileged_access
`)

func managementScopes(root bool) []scopeRecord {
	values := append([]string(nil), auth0ManagementScopes...)
	for _, s := range servedScopes(root) {
		if !contains(values, s) {
			values = append(values, s)
		}
	}
	out := make([]scopeRecord, 0, len(values))
	for _, v := range values {
		out = append(out, scopeRecord{Value: v, Description: describeScope(v)})
	}
	return out
}

// describeScope turns "read:client_grants" into "Read Client Grants".
func describeScope(scope string) string {
	verb, object, _ := strings.Cut(scope, ":")
	words := append([]string{verb}, strings.Split(object, "_")...)
	for i, w := range words {
		if w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}
