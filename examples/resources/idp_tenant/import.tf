# By the tenant's ID or by its name; management_client_id and
# management_client_secret stay null after an import.
import {
  to = idp_tenant.customer
  id = "customer-1"
}
