# Terraform 1.12 and later: an import block with the object's identity, its ID.
import {
  to = idp_default_client_grant.orders
  identity = {
    id = "cgr_0123456789abcdef"
  }
}
