terraform {
  required_providers {
    idp = {
      source = "idp-terraform/idp"
    }
  }
}
