package reqctx

import (
	"context"
	"testing"
)

func TestTraceparent(t *testing.T) {
	id, span, ok := FromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	if !ok || id != "4bf92f3577b34da6a3ce929d0e0e4736" || span != "00f067aa0ba902b7" {
		t.Fatalf("valid traceparent: %q %q %v", id, span, ok)
	}
	for _, bad := range []string{"", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
		"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", "00-<script>-x-01"} {
		if _, _, ok := FromTraceparent(bad); ok {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestFromContext(t *testing.T) {
	if RequestID(context.Background()) != "" {
		t.Fatal("request id outside a request")
	}
	tr := Trace{TraceID: NewTraceID(), SpanID: NewSpanID()}
	ctx := With(context.Background(), tr)
	if From(ctx) != tr || RequestID(ctx) != tr.TraceID || len(tr.TraceID) != 32 || len(tr.SpanID) != 16 {
		t.Fatalf("round trip: %+v", From(ctx))
	}
	if a, b := From(context.Background()), From(context.Background()); a.TraceID == b.TraceID {
		t.Fatal("fresh traces share an id")
	}
}

func FuzzTraceparent(f *testing.F) {
	f.Add("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, h string) {
		id, span, ok := FromTraceparent(h)
		if ok && (len(id) != 32 || len(span) != 16) {
			t.Fatalf("accepted malformed ids %q %q", id, span)
		}
	})
}
