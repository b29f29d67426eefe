package api_test

import (
	"bytes"
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

// BenchmarkUploadDocument: POST /api/v1/cases/{id}/documents with a 4 MiB
// PDF through the whole app handler on SQLite: reading the multipart body,
// sniffing, sealing and storing (security review F16: the bytes allocated
// per upload, -benchmem). A fresh case every 16 uploads keeps it under the
// per-case quota.
func BenchmarkUploadDocument(b *testing.B) {
	e := newEnv(b, store.SQLite)
	caseWorld(b, e)
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0123456789abcdef"), 4<<20/16)...)
	body, ct := upload(b, [][2]string{{"type", "identity"}}, "scan.pdf", "application/pdf", pdf)
	auth := "Bearer " + e.tokens["zorgNoord"]
	var base string
	b.ReportAllocs()
	b.SetBytes(int64(len(pdf)))
	for i := 0; i < b.N; i++ {
		if i%16 == 0 {
			b.StopTimer()
			c := e.createCase(b, "zorgNoord", map[string]any{"client": caseClient(), "forms": []string{"criminal"}})
			base = "/api/v1/cases/" + c.ID + "/documents"
			b.StartTimer()
		}
		req := httptest.NewRequest("POST", base, bytes.NewReader(body))
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
