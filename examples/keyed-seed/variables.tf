# The private keys and the service's secret are ephemeral variables: Terraform
# keeps them out of the saved plan and the state. Set them from a secret
# manager or CI variables, e.g. TF_VAR_provisioning_private_key.

variable "domain" {
  type        = string
  description = "The root tenant's domain in URL form, e.g. \"http://127.0.0.1:8080\"."
}

variable "client_id" {
  type        = string
  description = "Client ID of the root tenant's provisioning client, which authenticates with a private key."
}

variable "provisioning_private_key" {
  type        = string
  description = "The provisioning client's private key, PEM."
  sensitive   = true
  ephemeral   = true
}

variable "tenant_public_key" {
  type        = string
  description = "The public key, PEM, of the new tenant's management client."
}

variable "tenant_private_key" {
  type        = string
  description = "The private key, PEM, that goes with tenant_public_key."
  sensitive   = true
  ephemeral   = true
}

variable "orders_service_secret" {
  type        = string
  description = "The orders service's client secret, a long random string."
  sensitive   = true
  ephemeral   = true
}
