# By the organization's ID or by its name.
import {
  to = idp_organization.acme
  id = "acme"
}
