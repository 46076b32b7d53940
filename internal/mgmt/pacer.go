package mgmt

import (
	"context"
	"net/http"
	"strconv"
	"sync"

	"golang.org/x/time/rate"
)

// unlimited stands for "no limit": a large finite rate keeps the limiter
// away from rate.Inf's special cases when the limit later becomes finite.
const unlimited = rate.Limit(1e9)

type pacer struct {
	lim     *rate.Limiter
	hardCap rate.Limit // 0 = none

	mu      sync.Mutex
	current rate.Limit
}

func newPacer(rps float64) *pacer {
	p := &pacer{lim: rate.NewLimiter(unlimited, 1), current: unlimited}
	if rps > 0 {
		p.hardCap = rate.Limit(rps)
		p.set(p.hardCap)
	}
	return p
}

func (p *pacer) wait(ctx context.Context) error { return p.lim.Wait(ctx) }

func (p *pacer) limit() rate.Limit {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.current
}

func (p *pacer) set(r rate.Limit) {
	if p.hardCap > 0 && r > p.hardCap {
		r = p.hardCap
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if r == p.current {
		return
	}
	p.current = r
	p.lim.SetLimit(r)
}

func (p *pacer) observe(status int, h http.Header) (limit, remaining int64, ok bool) {
	limit, err := strconv.ParseInt(h.Get("X-RateLimit-Limit"), 10, 64)
	if err != nil || limit <= 0 {
		if status < 500 && status != http.StatusTooManyRequests && h.Get("X-RateLimit-Limit") == "" {
			p.set(unlimited) // the server answered and announced no limit (any more)
		}
		return 0, 0, false
	}
	remaining, err = strconv.ParseInt(h.Get("X-RateLimit-Remaining"), 10, 64)
	if err != nil {
		remaining = limit
	}
	target := rate.Limit(limit)
	if low := max(2, limit/10); remaining < low || status == http.StatusTooManyRequests {
		target = rate.Limit(limit) / 2
	}
	p.set(target)
	return limit, remaining, true
}
