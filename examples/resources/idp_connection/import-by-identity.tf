# Terraform 1.12 and later: an import block with the object's identity.
import {
  to = idp_connection.customers
  identity = {
    name = "Customers"
  }
}
