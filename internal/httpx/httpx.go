// Package httpx holds the middlewares every Baken response passes through:
// trace and request ids, structured access logs, panic recovery, security
// headers, body limits and metrics. Web pages and the API add their own
// error rendering on top.
package httpx

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/baken-nl/baken/internal/reqctx"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain applies middlewares so that the first listed runs first.
func Chain(h http.Handler, ms ...Middleware) http.Handler {
	for i := len(ms) - 1; i >= 0; i-- {
		h = ms[i](h)
	}
	return h
}

// Trace gives each request Baken's own new trace id and span id, answers the
// trace id in X-Request-Id, and puts them in the context for logs and the
// processing log. A valid W3C traceparent header from the caller is kept as
// the parent (logged with the request by Observe), never taken over: a client
// must not choose the trace ids of the processing log.
func Trace(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tr := reqctx.Trace{TraceID: reqctx.NewTraceID(), SpanID: reqctx.NewSpanID()}
		if id, span, ok := reqctx.FromTraceparent(r.Header.Get("traceparent")); ok {
			tr.ParentTraceID, tr.ParentSpanID = id, span
		}
		w.Header().Set("X-Request-Id", tr.TraceID)
		next.ServeHTTP(w, r.WithContext(reqctx.With(r.Context(), tr)))
	})
}

// StatusRecorder remembers the status and size of a response.
type StatusRecorder struct {
	http.ResponseWriter
	Status int
	Bytes  int
}

// WriteHeader records the status.
func (s *StatusRecorder) WriteHeader(code int) {
	if s.Status == 0 {
		s.Status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *StatusRecorder) Write(b []byte) (int, error) {
	if s.Status == 0 {
		s.Status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.Bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *StatusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Routes names a request's route pattern for logs and metrics (never the raw
// path: it could hold an id).
type routeKey struct{}

type routeHolder struct{ pattern string }

// SetRoute records the matched pattern (called by the muxes' wrappers).
func SetRoute(r *http.Request, pattern string) {
	if h, ok := r.Context().Value(routeKey{}).(*routeHolder); ok {
		h.pattern = pattern
	}
}

// Observe logs one line per request and feeds the metrics. Logged: method,
// route pattern, status, duration, size, request id and the caller's
// traceparent ids when valid; never query strings,
// bodies or anything else that could carry personal data.
func Observe(logger *slog.Logger, m *Metrics) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			holder := &routeHolder{}
			r = r.WithContext(context.WithValue(r.Context(), routeKey{}, holder))
			rec := &StatusRecorder{ResponseWriter: w}
			m.inFlight.Inc()
			defer m.inFlight.Dec()
			next.ServeHTTP(rec, r)
			if rec.Status == 0 {
				rec.Status = http.StatusOK
			}
			route := holder.pattern
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			m.requests.WithLabelValues(r.Method, route, strconv.Itoa(rec.Status)).Inc()
			m.duration.WithLabelValues(r.Method, route).Observe(d.Seconds())
			level := slog.LevelInfo
			if rec.Status >= 500 {
				level = slog.LevelError
			}
			attrs := []slog.Attr{slog.String("request_id", reqctx.RequestID(r.Context())),
				slog.String("method", r.Method), slog.String("route", route),
				slog.Int("status", rec.Status), slog.Duration("duration", d), slog.Int("bytes", rec.Bytes)}
			if tr := reqctx.From(r.Context()); tr.ParentTraceID != "" {
				// The caller's trace (validated hex), to link its trace to ours.
				attrs = append(attrs, slog.String("parent_trace_id", tr.ParentTraceID), slog.String("parent_span_id", tr.ParentSpanID))
			}
			logger.LogAttrs(r.Context(), level, "request", attrs...)
		})
	}
}

// Metrics are the HTTP metrics.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

// NewMetrics registers the HTTP metrics in reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "baken_http_requests_total", Help: "HTTP requests by method, route and status."},
			[]string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "baken_http_request_duration_seconds", Help: "HTTP request duration by method and route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"method", "route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "baken_http_requests_in_flight", Help: "HTTP requests being served."}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight)
	return m
}

// Recover turns a panic into a 500 rendered by onPanic and logs the stack
// with the request id; the server keeps running.
func Recover(logger *slog.Logger, onPanic http.HandlerFunc) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					logger.ErrorContext(r.Context(), "panic", slog.String("request_id", reqctx.RequestID(r.Context())),
						slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
					onPanic(w, r)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// CSP is Baken's content security policy: scripts and styles only from
// Baken itself, no inline scripts, no framing.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// SecureHeaders sets the headers every response carries. Responses are
// no-store unless a handler (the static assets) says otherwise: pages and
// API answers may hold personal data.
func SecureHeaders(tls bool) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", CSP)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
			h.Set("Cache-Control", "no-store")
			if tls {
				h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// MaxBody caps request bodies; handlers reading more get an error that the
// edges turn into 413.
func MaxBody(n int64) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > n {
				w.Header().Set("Connection", "close")
			}
			r.Body = &capBody{orig: r.Body, w: w, limit: n}
			next.ServeHTTP(w, r)
		})
	}
}

// capBody is a request body capped at limit bytes (an http.MaxBytesReader,
// made at the first read): until then a route that takes uploads may raise
// the cap for itself with RaiseBodyLimit.
type capBody struct {
	orig  io.ReadCloser
	w     http.ResponseWriter
	limit int64
	inner io.ReadCloser
}

func (b *capBody) Read(p []byte) (int, error) {
	if b.inner == nil {
		b.inner = http.MaxBytesReader(b.w, b.orig, b.limit)
	}
	return b.inner.Read(p)
}

func (b *capBody) Close() error {
	if b.inner != nil {
		return b.inner.Close()
	}
	return b.orig.Close()
}

// RaiseBodyLimit sets the body cap of r to n bytes, for the few routes that
// take uploads larger than the general cap (MaxBody). It works only before
// the body is first read; it reports whether the cap is now n.
func RaiseBodyLimit(w http.ResponseWriter, r *http.Request, n int64) bool {
	b, ok := r.Body.(*capBody)
	if !ok || b.inner != nil {
		return false
	}
	b.limit = n
	if r.ContentLength <= n && w.Header().Get("Connection") == "close" {
		w.Header().Del("Connection")
	}
	return true
}

// IsTLS reports whether the request came over TLS, directly or (when
// trustProxy) through a proxy that says so.
func IsTLS(r *http.Request, trustProxy bool) bool {
	return r.TLS != nil || trustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
