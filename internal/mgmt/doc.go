// Package mgmt is the Management API v2 client shared by every resource of one provider
// configuration. It imports nothing from Terraform, so that it can be tested and reused on
// its own. DESIGN.md ("Retries and pacing") says why its retries and creates are as they are.
package mgmt
