# OpenTofu only: the provider block in main.tf iterates with for_each, which
# OpenTofu 1.9 and later support and Terraform does not. The idp_tenant
# documentation shows the Terraform equivalent, one module instance per
# customer.
terraform {
  required_version = ">= 1.9.0"

  required_providers {
    idp = {
      source  = "idp-terraform/idp"
      version = "~> 0.1"
    }
  }
}
