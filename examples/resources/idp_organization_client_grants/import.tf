# By the organization's ID or by its name.
import {
  to = idp_organization_client_grants.acme
  id = "acme"
}
