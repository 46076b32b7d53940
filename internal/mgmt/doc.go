// Package mgmt is the Management API v2 client shared by every resource of
// one provider configuration: authentication (client credentials or a static
// token), retries, client-side pacing, typed errors and logging. It imports
// nothing from Terraform, so that it can be tested, and reused, on its own.
//
// One Client holds one cached access token (requested once, refreshed
// shortly before it expires, replaced once after a 401) and one rate
// limiter that every request waits on, token requests included. The limiter
// follows the server's X-RateLimit-* headers, so that many concurrent calls
// stay under the server's budget instead of bouncing off it.
//
// Retries follow one policy (DESIGN.md, "Retries and pacing"), run by
// github.com/hashicorp/go-retryablehttp whose hooks carry it (CheckRetry
// decides, Backoff returns the wait it decided), and bounded by time rather
// than by count: each call has a budget (Config.RetryTimeout,
// 60s by default, or the context's deadline if sooner) shared by every
// request it makes, and Config.MaxRetries is only an optional extra cap. A
// 429 is retried for every method after Retry-After (or X-RateLimit-Reset);
// 5xx, 408 and connection errors are retried with jittered exponential
// backoff for GET, PUT, PATCH and DELETE. A plain POST (rotate-secret) is
// retried only when it provably did not reach the server (a 429 or a failed
// dial), never after a 5xx or a connection lost once the request was sent.
// The creates are convergent instead: resource servers, client grants and
// tenants have a unique key, so their POST is retried like a PATCH and a
// 409 after an attempt that may have been executed is resolved by looking
// the object up by its key; a client has no key, so CreateApplication marks
// its request in client_metadata (CreateRequestMetadataKey) and looks for
// the mark before sending the POST again. A call that gives up returns a
// *RetryError; a cancelled context stops it at once, even mid-backoff.
// Each attempt has its own timeout (Config.AttemptTimeout). No request
// follows a redirect (*RedirectError): credentials go only to the
// configured domain.
//
// Log lines carry method, path, status, duration and attempt at LevelDebug;
// bodies only at LevelTrace, with secrets and tokens redacted. Headers are
// never logged.
package mgmt
