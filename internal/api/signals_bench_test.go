package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/store"
)

// BenchmarkCreateSignal: POST /api/v1/signals through the whole app handler
// (trace, access log, metrics, security headers, token lookup, strict JSON
// decoding, then Service.Create) with the realistic body of signalBody (two
// persons, a narrative, ticks), on SQLite and PostgreSQL. Compare with
// internal/signal's BenchmarkCreate (the service) and BenchmarkCreateFloor
// (the same rows inserted directly).
func BenchmarkCreateSignal(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			e := newEnv(b, d)
			e.createSignal(b, "signaleerderA", signalBody()) // checked once against the document
			body, err := json.Marshal(signalBody())
			if err != nil {
				b.Fatal(err)
			}
			auth := "Bearer " + e.tokens["signaleerderA"]
			durations := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				t0 := time.Now()
				req := httptest.NewRequest("POST", "/api/v1/signals", bytes.NewReader(body))
				req.Header.Set("Authorization", auth)
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				e.h.ServeHTTP(rec, req)
				if rec.Code != http.StatusCreated {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				durations = append(durations, time.Since(t0))
			}
			b.StopTimer()
			slices.Sort(durations)
			if n := len(durations); n > 0 {
				b.ReportMetric(float64(durations[n/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(durations[n*99/100].Microseconds())/1000, "p99-ms")
			}
		})
	}
}
