# A helper module for tests/api.tftest.hcl: asks for a token as the module's
# consumer client. Under dev_overrides, `terraform get` (not `terraform
# init`) installs it.

terraform {
  required_providers {
    idp = {
      source  = "idp-terraform/idp"
      version = ">= 0.1.0"
    }
  }
}

variable "audience" {
  type = string
}

variable "client_id" {
  type = string
}

variable "client_secret" {
  type      = string
  sensitive = true
}

variable "scope" {
  type = list(string)
}

data "idp_token" "this" {
  audience      = var.audience
  client_id     = var.client_id
  client_secret = var.client_secret
  scope         = var.scope
}

output "scope" {
  value = data.idp_token.this.scope
}
