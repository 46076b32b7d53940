# Step 2: the new key beside the current one. After this apply the
# management client accepts assertions signed with either private key.
resource "idp_client_credentials" "customer_management" {
  provider              = idp.customer
  client_id             = idp_tenant.customer.management_client_id
  authentication_method = "private_key_jwt"
  credentials = {
    "idp_tenant management_client_public_key" = { pem = var.tenant_public_key }
    "2027-01"                                 = { pem = var.tenant_new_public_key }
  }
}

variable "tenant_new_public_key" {
  type        = string
  description = "The public key, PEM, the tenant's management client moves to."
}
