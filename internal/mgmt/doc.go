// Package mgmt is the Management API v2 client shared by every resource of
// one provider configuration: authentication (client credentials or a static
// token), retries, pacing, typed errors and logging. It imports nothing from
// Terraform, so that it can be tested, and reused, on its own.
//
// Every request goes through one retry loop (send, in retry.go) under one
// policy (retry_policy.go) and one rate limiter (pacer.go); each call of a
// Client method has one time budget, passed down to every request it makes.
// DESIGN.md ("Retries and pacing") says why the policy is what it is.
package mgmt
