package httpx

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/baken-nl/baken/internal/reqctx"
)

func TestSecureHeaders(t *testing.T) {
	for _, tls := range []bool{false, true} {
		rec := httptest.NewRecorder()
		SecureHeaders(tls)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		h := rec.Header()
		csp := h.Get("Content-Security-Policy")
		if strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("CSP %q", csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("Cache-Control") != "no-store" {
			t.Errorf("headers %v", h)
		}
		if (h.Get("Strict-Transport-Security") != "") != tls {
			t.Errorf("HSTS with tls=%v: %q", tls, h.Get("Strict-Transport-Security"))
		}
	}
}

// TestTraceKeepsCallerAsParent (F11): a caller's traceparent never becomes
// Baken's trace id (a client could otherwise choose, or collide with, the
// trace ids of the processing log); it is kept as the parent.
func TestTraceKeepsCallerAsParent(t *testing.T) {
	var seen reqctx.Trace
	h := Trace(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = reqctx.From(r.Context()) }))
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if len(seen.TraceID) != 32 || seen.TraceID == "4bf92f3577b34da6a3ce929d0e0e4736" || len(seen.SpanID) != 16 || seen.SpanID == "00f067aa0ba902b7" {
		t.Fatalf("the caller chose the trace: %+v", seen)
	}
	if rec.Header().Get("X-Request-Id") != seen.TraceID {
		t.Fatalf("X-Request-Id %q, trace %q", rec.Header().Get("X-Request-Id"), seen.TraceID)
	}
	if seen.ParentTraceID != "4bf92f3577b34da6a3ce929d0e0e4736" || seen.ParentSpanID != "00f067aa0ba902b7" {
		t.Fatalf("the caller's trace is not kept as the parent: %+v", seen)
	}
	first := seen.TraceID
	h.ServeHTTP(httptest.NewRecorder(), req)
	if seen.TraceID == first {
		t.Fatal("two requests with the same traceparent share a trace id")
	}
	req.Header.Set("traceparent", "nonsense")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if len(seen.TraceID) != 32 || seen.ParentTraceID != "" || seen.ParentSpanID != "" {
		t.Fatalf("malformed traceparent taken over: %+v", seen)
	}
}

func TestMaxBody(t *testing.T) {
	var readErr error
	h := MaxBody(10)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, readErr = io.ReadAll(r.Body) }))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/", strings.NewReader("0123456789abc")))
	var mbe *http.MaxBytesError
	if readErr == nil || !asMaxBytes(readErr, &mbe) {
		t.Fatalf("oversized body read without error: %v", readErr)
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/", strings.NewReader("0123456789")))
	if readErr != nil {
		t.Fatalf("body at the limit refused: %v", readErr)
	}
}

func TestRaiseBodyLimit(t *testing.T) {
	var readErr error
	var raised bool
	var n int
	h := MaxBody(10)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raised = RaiseBodyLimit(w, r, 20)
		var b []byte
		b, readErr = io.ReadAll(r.Body)
		n = len(b)
		if RaiseBodyLimit(w, r, 1000) {
			t.Error("raised after the body was read")
		}
	}))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/", strings.NewReader("0123456789abcdef"))
	h.ServeHTTP(rec, req)
	if !raised || readErr != nil || n != 16 {
		t.Fatalf("raised %v, read %d bytes, %v", raised, n, readErr)
	}
	if rec.Header().Get("Connection") == "close" {
		t.Error("Connection: close kept for a body within the raised cap")
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("x", 21))))
	var mbe *http.MaxBytesError
	if !asMaxBytes(readErr, &mbe) || mbe.Limit != 20 {
		t.Fatalf("past the raised cap: %v", readErr)
	}
}

func asMaxBytes(err error, target **http.MaxBytesError) bool {
	e, ok := err.(*http.MaxBytesError)
	*target = e
	return ok
}

// TestObserveLogsRouteNotPath: access logs carry the route pattern, never the
// raw path or query (which could hold personal data).
func TestObserveLogsRouteNotPath(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	m := NewMetrics(prometheus.NewRegistry())
	h := Trace(Observe(logger, m)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetRoute(r, "GET /things/{id}")
		w.WriteHeader(http.StatusTeapot)
	})))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/things/Jan-de-Vries?naam=Jan", nil))
	line := buf.String()
	if strings.Contains(line, "Jan") || !strings.Contains(line, `"route":"GET /things/{id}"`) || !strings.Contains(line, `"status":418`) || !strings.Contains(line, `"request_id":"`) {
		t.Fatalf("log line: %s", line)
	}
}

func TestRecover(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	h := Recover(logger, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500); io.WriteString(w, "sorry") })(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 || rec.Body.String() != "sorry" || !strings.Contains(buf.String(), "boom") {
		t.Fatalf("recover: %d %q log %q", rec.Code, rec.Body.String(), buf.String())
	}
}
