# A connection can be imported by its ID or by its name.
terraform import idp_connection.customers con_0123456789abcdef
terraform import idp_connection.customers Customers
