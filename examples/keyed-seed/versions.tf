terraform {
  required_providers {
    idp = {
      source  = "idp-terraform/idp"
      version = "~> 0.1"
    }
  }
}
