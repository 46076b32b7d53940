# By the grant's ID or by its API's identifier.
import {
  to = idp_default_client_grant.orders
  id = "https://orders.example.com/"
}
