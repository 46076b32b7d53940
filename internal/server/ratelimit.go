package server

import (
	"math"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter is a tenant's token bucket, rebuilt full when the limit changes.
type limiter struct {
	mu  sync.Mutex
	n   int
	lim *rate.Limiter
}

func (l *limiter) take(n int, now time.Time) (ok bool, remaining int, reset time.Time, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lim == nil || l.n != n {
		l.n = n
		l.lim = rate.NewLimiter(rate.Limit(n), n)
	}
	ok = l.lim.AllowN(now, 1)
	tokens := l.lim.TokensAt(now)
	if tokens < 0 {
		tokens = 0
	}
	remaining = int(math.Floor(tokens))
	reset = now.Add(time.Duration((float64(n) - tokens) / float64(n) * float64(time.Second)))
	if !ok {
		retryAfter = time.Duration((1 - tokens) / float64(n) * float64(time.Second))
	}
	return ok, remaining, reset, retryAfter
}

func (l *limiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lim = nil
}

// applyRateLimit uses the wall clock, not Options.Now: buckets refill in
// real time.
func (s *Server) applyRateLimit(c *call) error {
	n := int(s.rateLimit.Load())
	if n <= 0 {
		return nil
	}
	now := time.Now()
	ok, remaining, reset, retryAfter := c.t.limiter.take(n, now)
	h := c.w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(n))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(ceilUnix(reset), 10))
	if ok {
		return nil
	}
	secs := int(math.Ceil(retryAfter.Seconds()))
	if secs < 1 {
		secs = 1
	}
	return errTooManyRequests(secs)
}

// ceilUnix rounds up, so that a client waiting until the reset never comes
// back early.
func ceilUnix(t time.Time) int64 {
	sec := t.Unix()
	if t.Nanosecond() > 0 {
		sec++
	}
	return sec
}
