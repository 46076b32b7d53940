# Step 1: the tenant's own provider block takes charge of its management
# client's keys. The key the tenant was created with is listed under the
# name idp_tenant registered it with, so this apply adopts it (by name and
# key ID) and sends nothing.
resource "idp_client_credentials" "customer_management" {
  provider              = idp.customer
  client_id             = idp_tenant.customer.management_client_id
  authentication_method = "private_key_jwt"
  credentials = {
    "idp_tenant management_client_public_key" = { pem = var.tenant_public_key }
  }
}
