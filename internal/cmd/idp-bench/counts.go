package main

import (
	"net/http"
	"sync"
	"time"

	"github.com/idp-terraform/terraform-provider-idp/internal/server"
)

// Route templates as the server's counters name them.
const (
	routeToken          = "/oauth/token"
	routeResourceServer = "/api/v2/resource-servers/{id}"
	routeClient         = "/api/v2/clients/{id}"
	routeClientGrant    = "/api/v2/client-grants/{id}"
)

// requestSummary condenses the server's request counters over one Terraform
// command into what the report shows.
type requestSummary struct {
	// Total is every counted request, token requests included.
	Total int64 `json:"total"`
	// Token is POST /oauth/token: one per provider configuration is the
	// target, since the client caches its token.
	Token int64 `json:"token"`
	// ItemGETs is GET of one API, client or grant by id, whatever its
	// status: what a refresh should do exactly once per resource.
	ItemGETs int64 `json:"item_gets"`
	// TooMany is every 429 the server sent.
	TooMany int64 `json:"status_429"`
	// ServerErrors is every 5xx the server sent.
	ServerErrors int64 `json:"status_5xx"`
}

// summarize condenses request counters.
func summarize(counts []server.Count) requestSummary {
	var s requestSummary
	for _, c := range counts {
		s.Total += c.N
		switch {
		case c.Method == http.MethodPost && c.Route == routeToken:
			s.Token += c.N
		case c.Method == http.MethodGet && (c.Route == routeResourceServer || c.Route == routeClient || c.Route == routeClientGrant):
			s.ItemGETs += c.N
		}
		switch {
		case c.Status == http.StatusTooManyRequests:
			s.TooMany += c.N
		case c.Status >= 500:
			s.ServerErrors += c.N
		}
	}
	return s
}

// perResource is a count divided by the number of resources, 0 when there
// are none.
func perResource(count int64, resources int) float64 {
	if resources <= 0 {
		return 0
	}
	return float64(count) / float64(resources)
}

// recorder is middleware in front of the server that notes when requests
// arrive, so that the harness can tell the rate the server saw from
// Terraform's own time before the first and after the last request. The
// server's counters say how many requests there were; only the harness can
// say when.
type recorder struct {
	next http.Handler

	mu          sync.Mutex
	first, last time.Time
	count       int
}

// newRecorder wraps next.
func newRecorder(next http.Handler) *recorder {
	return &recorder{next: next}
}

// ServeHTTP records the request's arrival and hands it to the server.
func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.note(time.Now())
	r.next.ServeHTTP(w, req)
}

// note records one arrival.
func (r *recorder) note(arrived time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.count++
	if r.first.IsZero() || arrived.Before(r.first) {
		r.first = arrived
	}
	if arrived.After(r.last) {
		r.last = arrived
	}
}

// reset forgets everything recorded so far.
func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.first, r.last, r.count = time.Time{}, time.Time{}, 0
}

// snapshot returns how many requests arrived since the last reset and the
// time from the first to the last of them.
func (r *recorder) snapshot() (requests int, span time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count, r.last.Sub(r.first)
}

// achievedRate is the request rate the server saw: the intervals between
// requests arriving over the time they took, 0 when it cannot be told (fewer
// than two requests, or all at once).
func achievedRate(requests int, span time.Duration) float64 {
	if requests < 2 || span <= 0 {
		return 0
	}
	return float64(requests-1) / span.Seconds()
}
