# The enabled clients of a connection are imported by the connection's ID.
# The connection's name works too, e.g. Customers instead of the ID below.
terraform import idp_connection_clients.customers con_0123456789abcdef
