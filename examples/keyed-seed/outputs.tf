output "tenant_domain" {
  description = "The new tenant's domain."
  value       = idp_tenant.customer.domain
}

output "management_client_id" {
  description = "The tenant's management client, which signs in with tenant_private_key."
  value       = idp_tenant.customer.management_client_id
}

output "orders_service_client_id" {
  description = "The orders service's client ID."
  value       = idp_client.orders_service.client_id
}
