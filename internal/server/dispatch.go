package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
)

// maxBodyBytes bounds every request body, before any decoding.
const maxBodyBytes = 1 << 20

// ServeHTTP serves a request in the order the wire contract fixes, so that
// handlers deal with their resource only.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := s.localPath(r)
	if strings.HasPrefix(path, "/_idp/") {
		s.serveServerWide(&call{s: s, r: r, w: w}, path)
		return
	}
	c := s.countedCall(w, r)
	defer c.recoverAndCount(path)
	s.injectLatency(r.Context())
	rest, err := c.resolveTenant(path)
	if err != nil {
		s.finish(c, err, shapeEnvelope)
		return
	}
	p := c.matchRoute(rest)
	refusal, shape := p.errorShapes()
	if err := s.admit(c); err != nil {
		s.finish(c, err, refusal)
		return
	}
	rt, err := p.lookup(r.Method)
	if err != nil {
		s.finish(c, err, refusal)
		return
	}
	if err := c.limitBody(); err != nil {
		s.finish(c, err, shape)
		return
	}
	if isWrite(r.Method) && s.faults.drawDrop() {
		s.runAndDrop(c, rt, shape)
		return
	}
	s.finish(c, c.run(rt), shape)
}

func (s *Server) localPath(r *http.Request) string {
	path := r.URL.EscapedPath()
	if s.publicPath != "" && strings.HasPrefix(path, s.publicPath+"/") {
		path = strings.TrimPrefix(path, s.publicPath)
	}
	return path
}

// serveServerWide serves the server's own endpoints, which are never
// counted, delayed, limited or faulted.
func (s *Server) serveServerWide(c *call, path string) {
	p, params := serverRouter.match(path, true)
	c.setParams(params)
	rt, err := p.lookup(c.r.Method)
	if err == nil {
		err = c.run(rt)
	}
	s.finish(c, err, shapeEnvelope)
}

// countedCall starts a call whose request is counted when its status is
// written, before any byte reaches the client, so that a client reading
// the counters right after a response sees its request.
func (s *Server) countedCall(w http.ResponseWriter, r *http.Request) *call {
	c := &call{s: s, r: r}
	counted := false
	rec := &statusRecorder{ResponseWriter: w, onStatus: func(status int) {
		if !counted {
			counted = true
			s.counts.add(c.tenantName, r.Method, c.route, status)
		}
	}}
	c.w, c.rec = rec, rec
	return c
}

// recoverAndCount, deferred, answers a handler's panic with a 500 and
// counts a request that wrote nothing, which net/http answers 200.
func (c *call) recoverAndCount(path string) {
	if v := recover(); v != nil {
		if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
			panic(v) // a deliberately dropped connection, already counted
		}
		c.s.log.Error("panic in handler", "method", c.r.Method, "path", path, "panic", v, "stack", string(debug.Stack()))
		if !c.rec.wroteHeader {
			writeEnvelope(c.rec, newError(http.StatusInternalServerError, "internal_error", "Internal Server Error"), false)
		}
	}
	c.rec.onStatus(http.StatusOK)
}

func (s *Server) injectLatency(ctx context.Context) {
	if d := s.faults.latency(); d > 0 {
		sleepContext(ctx, d)
	}
}

// resolveTenant returns the path below the tenant's base.
func (c *call) resolveTenant(path string) (string, error) {
	after, hosted := strings.CutPrefix(path, "/tenants/")
	if !hosted {
		c.useTenant(c.s.lookupTenant(RootTenant))
		return path, nil
	}
	name, rest, _ := strings.Cut(after, "/")
	if unescaped, err := url.PathUnescape(name); err == nil {
		name = unescaped
	}
	c.tenantName = name
	t := c.s.lookupTenant(name)
	if t == nil || name == RootTenant {
		return "", errInexistentTenant()
	}
	c.useTenant(t)
	return "/" + rest, nil
}

func (c *call) useTenant(t *tenant) {
	c.t, c.repo = t, repo{store: c.s.store, t: t}
}

func (c *call) matchRoute(path string) *pathRoutes {
	p, params := tenantRouter.match(path, c.t.name == RootTenant)
	c.route = routeUnknown
	c.setParams(params)
	if p != nil {
		c.route = p.template
	}
	return p
}

// admit applies the rate limit, then the injected faults.
func (s *Server) admit(c *call) error {
	if err := s.applyRateLimit(c); err != nil {
		return err
	}
	if s.faults.draw429() {
		return errTooManyRequests(1)
	}
	if s.faults.draw5xx() {
		return errUnavailable()
	}
	return nil
}

func (c *call) limitBody() error {
	if c.r.ContentLength > maxBodyBytes {
		return errTooLarge()
	}
	if c.r.Body != nil {
		c.r.Body = http.MaxBytesReader(c.w, c.r.Body, maxBodyBytes)
	}
	return nil
}

func isWrite(method string) bool {
	return method == http.MethodPost || method == http.MethodPatch || method == http.MethodDelete
}

func (c *call) run(r *route) error {
	var err error
	switch r.scope {
	case public:
	case adminCredentials:
		err = c.requireAdmin()
	default:
		err = c.authorize(strings.Fields(r.scope)...)
	}
	if err != nil {
		return err
	}
	return r.handle(c)
}

// runAndDrop commits a write and then closes the connection without a
// response: the failure after which a client cannot know whether its
// request took effect.
func (s *Server) runAndDrop(c *call, rt *route, shape errorShape) {
	buf := &bufferedWriter{header: http.Header{}}
	c.w = buf
	s.finish(c, c.run(rt), shape)
	// Counted although the client never sees it: tests compare counters
	// with the server's state.
	status := buf.status
	if status == 0 {
		status = http.StatusOK
	}
	c.rec.onStatus(status)
	if conn, _, err := http.NewResponseController(c.rec.ResponseWriter).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	// HTTP/2 cannot hijack; aborting the handler resets the stream, which
	// is the same failure for the client.
	panic(http.ErrAbortHandler)
}

type errorShape int

const (
	shapeEnvelope errorShape = iota
	// shapeEnvelopeOAuth adds error_description to the envelope, for the
	// token endpoint's refusals, which OAuth and Management API clients
	// both read.
	shapeEnvelopeOAuth
	shapeOAuth
)

// errorShapes are the shapes of a route's refusals (rate limit, faults,
// 404, 405) and of its handler's errors.
func (p *pathRoutes) errorShapes() (refusal, handler errorShape) {
	if p != nil && p.flags&oauthErrors != 0 {
		return shapeEnvelopeOAuth, shapeOAuth
	}
	return shapeEnvelope, shapeEnvelope
}

func (s *Server) finish(c *call, err error, shape errorShape) {
	if err == nil {
		return
	}
	var e *apiError
	if !errors.As(err, &e) {
		// Only the store or our own code can fail otherwise: the server's
		// fault, not the client's.
		s.log.Error("request failed", "method", c.r.Method, "route", c.route, "error", err)
		e = newError(http.StatusInternalServerError, "internal_error", "Internal Server Error")
	}
	if shape == shapeOAuth {
		writeOAuthError(c.w, e)
		return
	}
	writeEnvelope(c.w, e, shape == shapeEnvelopeOAuth)
}

type statusRecorder struct {
	http.ResponseWriter
	onStatus    func(status int)
	wroteHeader bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.wroteHeader && code >= 200 {
		w.wroteHeader = true
		w.onStatus(code)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// bufferedWriter swallows a response that will never be sent.
type bufferedWriter struct {
	header http.Header
	status int
}

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return len(p), nil
}
