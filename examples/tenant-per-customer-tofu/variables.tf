# The root tenant's address and admin credentials. Left null, the provider
# reads IDP_DOMAIN, IDP_CLIENT_ID and IDP_CLIENT_SECRET, as idp-server
# prints them.
variable "domain" {
  type        = string
  default     = null
  description = "The root tenant's domain in URL form, e.g. \"http://127.0.0.1:8080\"; null: IDP_DOMAIN."
}

variable "client_id" {
  type        = string
  default     = null
  description = "Client ID of the root tenant's admin application; null: IDP_CLIENT_ID."
}

variable "client_secret" {
  type        = string
  default     = null
  description = "Client secret of the root tenant's admin application; null: IDP_CLIENT_SECRET."
  sensitive   = true
}

variable "customers" {
  type = map(object({
    display_name = string
    # false retires the customer in two applies: the first destroys what
    # was made in the tenant while its provider instance still exists, the
    # second, with the customer gone from the map, destroys the tenant.
    active = optional(bool, true)
  }))
  description = "The customers, by tenant name: one tenant each, with an Orders API and a service allowed to call it."
  default = {
    acme   = { display_name = "Acme Corporation" }
    globex = { display_name = "Globex" }
  }
}
