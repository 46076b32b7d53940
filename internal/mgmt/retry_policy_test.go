package mgmt

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// response is the outcome of a first attempt answered with status and
// header (name, value, ...).
func response(status int, header ...string) outcome {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return outcome{attempt: 1, status: status, header: h}
}

// failed is the outcome of a first attempt that failed with err.
func failed(err error) outcome { return outcome{attempt: 1, err: err} }

// left is a budget of 5s with d left at now.
func left(now time.Time, d time.Duration) budget {
	return budget{start: now, deadline: now.Add(d), timeout: 5 * time.Second}
}

// nth is o as the outcome of attempt n.
func nth(o outcome, n int) outcome {
	o.attempt = n
	return o
}

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	p := testPolicyClient(t).policy

	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	dns := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "idp.invalid", IsNotFound: true}}
	dnsTemporary := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: "idp.example.com", IsTemporary: true}}
	dnsTimeout := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "i/o timeout", Name: "idp.example.com", IsTimeout: true}}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	urlErr := func(method string, err error) outcome {
		return failed(&url.Error{Op: method, URL: "https://idp.example.com/x", Err: err})
	}
	certErr := &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}
	future := time.Now().Add(2 * time.Second)

	type expect struct {
		retry    bool
		min, max time.Duration // bounds of the decided wait when retrying
	}
	backoff := expect{true, 5 * time.Millisecond, 80 * time.Millisecond}
	no := expect{}
	cases := []struct {
		name    string
		method  string
		outcome outcome
		want    expect
	}{
		// 429: every method, with the server's wait.
		{"GET 429 Retry-After", "GET", response(429, "Retry-After", "1"), expect{true, time.Second, time.Second}},
		{"POST 429 Retry-After", "POST", response(429, "Retry-After", "1"), expect{true, time.Second, time.Second}},
		{"POST 429 Retry-After date", "POST", response(429, "Retry-After", future.UTC().Format(http.TimeFormat)), expect{true, 0, 2 * time.Second}},
		{"PATCH 429 X-RateLimit-Reset", "PATCH", response(429, "X-RateLimit-Reset", strconv.FormatInt(future.Unix()+1, 10)), expect{true, time.Second, 3 * time.Second}},
		{"DELETE 429 no headers", "DELETE", response(429), backoff},
		{"POST 429 wait beyond budget", "POST", response(429, "Retry-After", "60"), no},
		{"GET 429 reset beyond budget", "GET", response(429, "X-RateLimit-Reset", strconv.FormatInt(time.Now().Unix()+600, 10)), no},
		// 5xx and 408: idempotent methods only.
		{"GET 503", "GET", response(503), backoff},
		{"GET 500", "GET", response(500), backoff},
		{"PATCH 502", "PATCH", response(502), backoff},
		{"DELETE 504", "DELETE", response(504), backoff},
		{"PUT 500", "PUT", response(500), backoff},
		{"GET 408", "GET", response(408), backoff},
		{"GET 501", "GET", response(501), no},
		{"POST 500", "POST", response(500), no},
		{"POST 503", "POST", response(503), no},
		{"POST 503 with Retry-After", "POST", response(503, "Retry-After", "1"), no},
		{"POST 408", "POST", response(408), no},
		// Other 4xx: never.
		{"GET 400", "GET", response(400), no},
		{"GET 401", "GET", response(401), no},
		{"GET 403", "GET", response(403), no},
		{"GET 404", "GET", response(404), no},
		{"POST 409", "POST", response(409), no},
		{"GET 200", "GET", response(200), no},
		{"POST 201", "POST", response(201), no},
		// Connection errors.
		{"POST connection refused", "POST", urlErr("Post", refused), backoff},
		{"POST host not found", "POST", urlErr("Post", dns), no},
		{"GET host not found", "GET", urlErr("Get", dns), no},
		{"POST temporary DNS failure", "POST", urlErr("Post", dnsTemporary), backoff},
		{"GET DNS timeout", "GET", urlErr("Get", dnsTimeout), backoff},
		{"GET connection refused", "GET", urlErr("Get", refused), backoff},
		{"POST EOF after write", "POST", urlErr("Post", io.EOF), no},
		{"POST unexpected EOF", "POST", urlErr("Post", io.ErrUnexpectedEOF), no},
		{"POST connection reset", "POST", urlErr("Post", reset), no},
		{"GET EOF", "GET", urlErr("Get", io.EOF), backoff},
		{"PATCH connection reset", "PATCH", urlErr("Patch", reset), backoff},
		{"DELETE EOF", "DELETE", failed(io.EOF), backoff},
		{"GET bad certificate", "GET", urlErr("Get", certErr), no},
		{"GET other error", "GET", urlErr("Get", errors.New("unsupported protocol scheme")), no},
	}
	for _, tc := range cases {
		now := time.Now()
		d := p.decide(tc.method, false, tc.outcome, left(now, 5*time.Second), now)
		if d.retry != tc.want.retry {
			t.Errorf("%s: retry = %v (%s), want %v", tc.name, d.retry, d.giveUp, tc.want.retry)
			continue
		}
		if d.retry && (d.wait < tc.want.min || d.wait > tc.want.max) {
			t.Errorf("%s: wait %s outside [%s, %s]", tc.name, d.wait, tc.want.min, tc.want.max)
		}
	}
}

func TestRetryPolicyBounds(t *testing.T) {
	t.Parallel()
	p := testPolicyClient(t).policy
	now := time.Now()

	// MaxRetries: after the 4th attempt (3 retries) no more.
	if d := p.decide("GET", false, nth(response(503), 4), left(now, 5*time.Second), now); d.retry || !strings.Contains(d.giveUp, "MaxRetries 3") {
		t.Errorf("beyond MaxRetries: %+v", d)
	}
	// MaxRetries 0: no count cap, the budget alone decides.
	uncapped := p
	uncapped.maxRetries = 0
	if d := uncapped.decide("GET", false, nth(response(503), 1000), left(now, 5*time.Second), now); !d.retry {
		t.Errorf("MaxRetries 0 capped the retries: %q", d.giveUp)
	}

	// The budget: a server wait longer than what is left ends the retries
	// at once, and says so; a backoff is cut to what is left.
	if d := p.decide("GET", false, response(429, "Retry-After", "2"), left(now, 3*time.Second), now); !d.retry {
		t.Errorf("Retry-After 2 with 3s left not retried: %q", d.giveUp)
	}
	d := p.decide("GET", false, response(429, "Retry-After", "5"), left(now, 3*time.Second), now)
	if d.retry || !strings.Contains(d.giveUp, "the server asked to wait 5s (Retry-After)") || !strings.Contains(d.giveUp, "retry timeout (5s)") {
		t.Errorf("Retry-After 5 with 3s left: %+v", d)
	}
	if d := uncapped.decide("GET", false, nth(response(503), 9), left(now, 3*time.Millisecond), now); !d.retry || d.wait > 3*time.Millisecond {
		t.Errorf("backoff not cut to the budget: %+v", d)
	}
	if d := p.decide("GET", false, nth(response(503), 2), left(now, -time.Millisecond), now); d.retry || d.giveUp != "the retry timeout (5s) ran out" {
		t.Errorf("spent budget: %+v", d)
	}
	// A non-retryable answer is final, not a give-up.
	if d := p.decide("POST", false, response(503), left(now, time.Second), now); d.retry || d.giveUp != "" {
		t.Errorf("POST 503: %+v", d)
	}
	// ...unless the POST may be sent again (a convergent create).
	if d := p.decide("POST", true, response(503), left(now, time.Second), now); !d.retry {
		t.Error("convergent POST 503 not retried")
	}

	// Backoff grows exponentially up to RetryWaitMax.
	for attempt, maxWant := range map[int]time.Duration{1: 10 * time.Millisecond, 2: 20 * time.Millisecond, 3: 40 * time.Millisecond, 4: 80 * time.Millisecond, 9: 80 * time.Millisecond} {
		for range 20 {
			if d := p.backoff(attempt); d < maxWant/2 || d > maxWant {
				t.Errorf("attempt %d: backoff %s outside [%s, %s]", attempt, d, maxWant/2, maxWant)
			}
		}
	}
}
