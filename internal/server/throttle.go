package server

import (
	"context"
	"net"
	"sync"
	"time"
)

// DefaultFailedLoginDelay is the longest the idp-server command delays the
// answer to a failed client authentication.
const DefaultFailedLoginDelay = time.Second

// loginThrottle delays the answers to failed client authentications, per
// client id and remote address: the first failure waits an eighth of max,
// each further one twice as long, up to max, and a success starts over.
// After a few failures a guesser gets about one answer a second per
// connection, while a person who mistyped a secret waits well under a
// second. Keying on the address as well means failures from elsewhere never
// slow a client down; an attacker who varies the client id gains nothing,
// since a guess is about one client's secret.
type loginThrottle struct {
	max   time.Duration // 0: no delay
	sleep func(ctx context.Context, d time.Duration)

	mu    sync.Mutex
	fails map[string]int
}

// maxThrottled bounds the failures remembered; when full they are
// forgotten, which costs a flood of made-up keys its own slowdown too.
const maxThrottled = 4096

func newLoginThrottle(limit time.Duration, sleep func(context.Context, time.Duration)) *loginThrottle {
	if sleep == nil {
		sleep = sleepContext
	}
	return &loginThrottle{max: limit, sleep: sleep}
}

// loginKey names a client of a tenant as seen from a remote address.
func loginKey(tenant, clientID, remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	return tenant + "\x00" + clientID + "\x00" + host
}

// failed records a failed authentication of key and waits out its delay.
// The caller holds no lock: a waiting guesser must not hold up the tenant.
func (l *loginThrottle) failed(ctx context.Context, key string) {
	if l.max <= 0 {
		return
	}
	l.mu.Lock()
	if l.fails == nil || (len(l.fails) >= maxThrottled && l.fails[key] == 0) {
		l.fails = map[string]int{}
	}
	l.fails[key]++
	n := l.fails[key]
	l.mu.Unlock()
	l.sleep(ctx, l.max>>max(0, 4-n))
}

// succeeded forgets the failures of key.
func (l *loginThrottle) succeeded(key string) {
	if l.max <= 0 {
		return
	}
	l.mu.Lock()
	delete(l.fails, key)
	l.mu.Unlock()
}

// sleepContext waits d, or until ctx is done.
func sleepContext(ctx context.Context, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}
