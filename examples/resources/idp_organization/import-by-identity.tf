# Terraform 1.12 and later: an import block with the object's identity, its
# ID (an organization's name can change, its ID cannot).
import {
  to = idp_organization.acme
  identity = {
    id = "org_0123456789abcdef"
  }
}
