package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// BenchmarkCasePagesHTTP: the coordinator's case page and dashboard through
// the whole web stack (session, policy, the one-transaction case read, the
// page's other reads, rendering) over loopback, for a case with 200 timeline
// events, tasks and a placement. The same reads against 100,000 cases and
// 1,000,000 events are BenchmarkCasePages in internal/cases; this one shows
// what the web layer adds.
//
//	BAKEN_TEST_POSTGRES_URL=postgres://… go test ./internal/web/ -run XXX -bench CasePagesHTTP -benchtime 2s
func BenchmarkCasePagesHTTP(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			e := newEnv(b, d, nil)
			ctx := context.Background()
			coord := e.users[policy.Zorgcoordinator].Subject()
			c, err := e.app.Cases.Create(ctx, coord, cases.Input{Forms: []string{"labour"},
				Client: cases.Client{Name: "Bench Cliënt", Nationality: "PL", Gender: "male"}})
			if err != nil {
				b.Fatal(err)
			}
			for i := range 200 {
				if _, err := e.app.Cases.AddEvent(ctx, coord, c.ID, cases.EventInput{Kind: cases.KindNote,
					Body: fmt.Sprintf("Gesprek %d over werk, huisvesting en uitkering.", i)}); err != nil {
					b.Fatal(err)
				}
			}
			for i := range 5 {
				if _, err := e.app.Cases.AddTask(ctx, coord, c.ID, cases.TaskInput{Title: fmt.Sprintf("Taak %d", i),
					DueOn: time.Now().AddDate(0, 0, 10+i).Format(time.DateOnly)}); err != nil {
					b.Fatal(err)
				}
			}
			cl := e.as(policy.Zorgcoordinator)
			for _, p := range []struct{ name, path string }{
				{"case-page", "/casussen/" + c.ID},
				{"dashboard", "/casussen/overzicht"},
				{"case-list", "/casussen"},
			} {
				b.Run(p.name, func(b *testing.B) {
					d0 := make([]time.Duration, 0, 1024)
					for b.Loop() {
						t0 := time.Now()
						if r := cl.get(p.path); r.StatusCode != http.StatusOK {
							b.Fatalf("%s: %d", p.path, r.StatusCode)
						}
						d0 = append(d0, time.Since(t0))
					}
					slices.Sort(d0)
					b.ReportMetric(float64(d0[len(d0)/2].Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(d0[len(d0)*99/100].Microseconds())/1000, "p99-ms")
				})
			}
		})
	}
}
