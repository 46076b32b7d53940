# Terraform 1.12 and later: an import block with the object's identity.
import {
  to = idp_resource_server.reports
  identity = {
    identifier = "https://reports.example.com/"
  }
}
