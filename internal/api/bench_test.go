package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/baken-nl/baken/internal/store"
)

// BenchmarkMe: GET /api/v1/me through the whole app handler (trace, access
// log, metrics, security headers, body cap, cross-origin protection, token
// lookup with its transaction) on SQLite.
func BenchmarkMe(b *testing.B) {
	e := newEnv(b, store.SQLite)
	auth := "Bearer " + e.tokens["signaleerderA"]
	e.do(b, "GET", "/api/v1/me", nil, e.as("signaleerderA")).want(b, http.StatusOK) // checked once against the document
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkMeParallel is BenchmarkMe from GOMAXPROCS goroutines at once.
func BenchmarkMeParallel(b *testing.B) {
	e := newEnv(b, store.SQLite)
	auth := "Bearer " + e.tokens["signaleerderA"]
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", "/api/v1/me", nil)
			req.Header.Set("Authorization", auth)
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("status %d: %s", rec.Code, rec.Body)
				return
			}
		}
	})
}
