# A database connection for a customer-facing application: users are
# created by the application's back end, never by signing up themselves.
resource "idp_connection" "customers" {
  name            = "Customers"
  display_name    = "Customer accounts"
  disable_signup  = true
  password_policy = "excellent"
}
