// Package reqctx carries per-request values through a context: the trace and
// span ids (W3C Trace Context) that tie log lines and processing-log records
// to one request.
package reqctx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"
)

type key int

const traceKey key = 0

// Trace identifies a request (TraceID, also its request id) and the current
// span. Both are always Baken's own random ids: a caller's W3C traceparent is
// kept only as the parent (ParentTraceID, ParentSpanID), for the access log,
// so that no client can choose or collide with the trace ids of the
// processing log.
type Trace struct {
	TraceID       string // 32 hex, Baken's own
	SpanID        string // 16 hex, Baken's own
	ParentTraceID string // the caller's trace id from traceparent, or ""
	ParentSpanID  string // the caller's span id from traceparent, or ""
}

// NewTraceID returns a random 128-bit trace id in hex.
func NewTraceID() string { return randHex(16) }

// NewSpanID returns a random 64-bit span id in hex.
func NewSpanID() string { return randHex(8) }

var traceparentRE = regexp.MustCompile(`^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$`)

// FromTraceparent parses a W3C traceparent header; ok is false when absent or malformed.
func FromTraceparent(h string) (traceID, parentSpan string, ok bool) {
	m := traceparentRE.FindStringSubmatch(h)
	if m == nil || m[1] == "00000000000000000000000000000000" {
		return "", "", false
	}
	return m[1], m[2], true
}

// With returns ctx carrying t.
func With(ctx context.Context, t Trace) context.Context { return context.WithValue(ctx, traceKey, t) }

// From returns the trace in ctx; outside a request it makes a fresh one.
func From(ctx context.Context) Trace {
	if t, ok := ctx.Value(traceKey).(Trace); ok {
		return t
	}
	return Trace{TraceID: NewTraceID(), SpanID: NewSpanID()}
}

// RequestID returns the request id (the trace id), or "" outside a request.
func RequestID(ctx context.Context) string {
	if t, ok := ctx.Value(traceKey).(Trace); ok {
		return t.TraceID
	}
	return ""
}

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
