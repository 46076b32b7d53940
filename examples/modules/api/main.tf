# A small reusable module: an API, a client that consumes it, and the
# client's grant. tests/api.tftest.hcl tests it with `terraform test`
# against idp-server; the terraform-test guide explains how.

terraform {
  required_providers {
    idp = {
      source  = "idp-terraform/idp"
      version = ">= 0.1.0"
    }
  }
}

variable "name" {
  type        = string
  description = "The API's display name."
}

variable "identifier" {
  type        = string
  description = "The API's identifier, its token audience: an https:// URL ending in /."

  validation {
    condition     = startswith(var.identifier, "https://") && endswith(var.identifier, "/")
    error_message = "The identifier must be an https:// URL ending in /."
  }
}

variable "scopes" {
  type        = list(string)
  description = "The scopes the API defines."
}

variable "consumer_scopes" {
  type        = list(string)
  description = "The scopes granted to the consumer client; each one must be in scopes."
}

resource "idp_resource_server" "this" {
  name       = var.name
  identifier = var.identifier
  scopes     = [for s in var.scopes : { value = s, description = "Allows ${s}" }]
}

resource "idp_client" "consumer" {
  name = "${var.name} consumer"
}

resource "idp_client_grant" "consumer" {
  client_id = idp_client.consumer.client_id
  audience  = idp_resource_server.this.identifier
  scope     = var.consumer_scopes

  lifecycle {
    precondition {
      condition     = alltrue([for s in var.consumer_scopes : contains(var.scopes, s)])
      error_message = "Every consumer scope must be one of the API's scopes."
    }
  }
}

output "identifier" {
  value = idp_resource_server.this.identifier
}

output "consumer_client_id" {
  value = idp_client.consumer.client_id
}

output "consumer_client_secret" {
  value     = idp_client.consumer.client_secret
  sensitive = true
}
