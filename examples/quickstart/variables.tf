variable "domain" {
  type        = string
  description = "The root tenant's domain in URL form, e.g. \"http://127.0.0.1:8080\" (idp-server prints it as IDP_DOMAIN)."
}

variable "client_id" {
  type        = string
  description = "Client ID of the root tenant's admin application (IDP_CLIENT_ID)."
}

variable "client_secret" {
  type        = string
  description = "Client secret of the root tenant's admin application (IDP_CLIENT_SECRET)."
  sensitive   = true
}
