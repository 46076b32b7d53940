# Step 4, once tenant_private_key holds the new private key: the old key
# goes, and assertions signed with it are refused.
resource "idp_client_credentials" "customer_management" {
  provider              = idp.customer
  client_id             = idp_tenant.customer.management_client_id
  authentication_method = "private_key_jwt"
  credentials = {
    "2027-01" = { pem = var.tenant_new_public_key }
  }
}

variable "tenant_new_public_key" {
  type        = string
  description = "The public key, PEM, the tenant's management client moves to."
}
