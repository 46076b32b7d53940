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
// client id and remote address: an eighth of max, doubling per failure up
// to max, until a success. A guesser gets about one answer a second, a
// person who mistyped waits well under a second. Keying on the address too
// means failures from elsewhere never slow a client down.
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

func loginKey(tenant, clientID, remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	return tenant + "\x00" + clientID + "\x00" + host
}

// failed waits out the delay of key's failures. The caller holds no lock: a
// waiting guesser must not hold up the tenant.
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

func (l *loginThrottle) succeeded(key string) {
	if l.max <= 0 {
		return
	}
	l.mu.Lock()
	delete(l.fails, key)
	l.mu.Unlock()
}

func sleepContext(ctx context.Context, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}
