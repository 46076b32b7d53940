# `terraform test` for the organization-per-customer module, against
# idp-server. Runs share one state and run in order; at the end Terraform
# destroys what they created.

run "two_customers" {
  assert {
    condition     = length(idp_organization.customer) == 2
    error_message = "Not one organization per customer."
  }

  assert {
    condition     = idp_client_grant.central_satellite.organization_usage == "require"
    error_message = "The central grant does not require an organization."
  }

  assert {
    condition     = alltrue([for t in data.idp_token.customer : t.scope == toset(["read:orders"])])
    error_message = "A customer's token carries more than read:orders."
  }

  assert {
    condition = alltrue([for name, o in idp_organization_client_grants.customer :
    o.grant_ids == toset([idp_client_grant.central_satellite.id])])
    error_message = "An organization is not associated with exactly the central grant."
  }
}

run "a_third_customer" {
  variables {
    customers = {
      acme    = "Acme Corp"
      globex  = "Globex Corporation"
      initech = "Initech"
    }
  }

  assert {
    condition     = output.organization_ids["initech"] == idp_organization.customer["initech"].id
    error_message = "The new customer has no organization."
  }

  assert {
    condition     = data.idp_token.customer["initech"].organization == output.organization_ids["initech"]
    error_message = "The new customer's token is not for its organization."
  }
}

# The module checks Auth0's name rule itself, which expect_failures can
# catch (a refusal by the provider's own schema it cannot).
run "rejects_an_uppercase_name" {
  command = plan

  variables {
    customers = { Acme = "Acme Corp" }
  }

  expect_failures = [var.customers]
}
