# The configuration 'terraform query' runs in: the provider, configured from
# the environment (IDP_DOMAIN, IDP_CLIENT_ID, IDP_CLIENT_SECRET), and no
# resources yet. 'terraform query -generate-config-out=generated.tf' writes
# the resources and their import blocks next to it.
terraform {
  required_version = ">= 1.14"
  required_providers {
    idp = {
      source  = "idp-terraform/idp"
      version = "~> 0.1"
    }
  }
}

provider "idp" {}
