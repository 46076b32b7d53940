terraform {
  required_providers {
    idp = {
      source  = "idp-terraform/idp"
      version = "~> 0.1"
    }
  }
}

# Client credentials of a machine-to-machine application granted the
# Management API of the tenant at var.domain. Every argument can come from the
# environment instead: IDP_DOMAIN, IDP_CLIENT_ID, IDP_CLIENT_SECRET, ...
provider "idp" {
  domain        = var.domain # e.g. "login.example.com" or "http://127.0.0.1:8080"
  client_id     = var.client_id
  client_secret = var.client_secret
}

variable "domain" {
  type        = string
  description = "The tenant's domain, host[:port] or a URL."
}

variable "client_id" {
  type        = string
  description = "Client ID of an application granted the Management API."
}

variable "client_secret" {
  type        = string
  description = "Client secret of that application."
  sensitive   = true
}
