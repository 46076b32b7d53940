# By the connection's ID or by its name.
import {
  to = idp_connection.customers
  id = "Customers"
}
