output "tenant_domain" {
  description = "The new tenant's domain."
  value       = idp_tenant.customer.domain
}

output "api_identifier" {
  description = "The identifier (audience) of the tenant's Orders API."
  value       = idp_resource_server.orders.identifier
}

output "grant_scopes" {
  description = "The scopes the orders service is granted on the Orders API."
  value       = sort(tolist(idp_client_grant.orders_service.scope))
}

output "token" {
  description = "An access token for the orders service."
  value       = data.idp_token.orders_service.access_token
  sensitive   = true
}

output "token_expires_at" {
  description = "When the token expires (RFC 3339)."
  value       = data.idp_token.orders_service.expires_at
}
