output "tenant_domains" {
  description = "Each customer's tenant domain, by customer."
  value       = { for name, tenant in idp_tenant.customer : name => tenant.domain }
}

output "api_identifiers" {
  description = "The identifier (audience) of each active customer's Orders API, by customer."
  value       = { for name, api in idp_resource_server.orders : name => api.identifier }
}

output "service_client_ids" {
  description = "The client ID of each active customer's orders service, by customer."
  value       = { for name, client in idp_client.orders_service : name => client.client_id }
}
