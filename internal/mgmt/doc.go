// Package mgmt is the Management API v2 client shared by every resource of
// one provider configuration: authentication (client credentials or a static
// token), retries, client-side pacing, typed errors and logging. It imports
// nothing from Terraform, so that it can be tested, and reused, on its own.
package mgmt
