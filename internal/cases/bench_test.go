package cases_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

// percentiles reports p50 and p99 of the measured durations as metrics.
func percentiles(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(d[len(d)*99/100].Microseconds())/1000, "p99-ms")
}

// batcher inserts rows into one table in multi-row INSERTs of up to 200 rows.
type batcher struct {
	b     *testing.B
	tx    *sql.Tx
	d     store.Dialect
	head  string
	ncol  int
	rows  [][]any
	total int
	// before are flushed first (the rows this table's foreign keys name).
	before []*batcher
}

func newBatcher(b *testing.B, tx *sql.Tx, d store.Dialect, table, cols string) *batcher {
	return &batcher{b: b, tx: tx, d: d, head: "INSERT INTO " + table + " (" + cols + ") VALUES ",
		ncol: len(strings.Split(cols, ","))}
}

func (bt *batcher) add(vals ...any) {
	if len(vals) != bt.ncol {
		bt.b.Fatalf("%s: %d values for %d columns", bt.head, len(vals), bt.ncol)
	}
	bt.rows = append(bt.rows, vals)
	if len(bt.rows) == 200 {
		bt.flush()
	}
}

func (bt *batcher) flush() {
	if len(bt.rows) == 0 {
		return
	}
	for _, o := range bt.before {
		o.flush()
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", bt.ncol), ", ") + ")"
	q := bt.head + strings.TrimSuffix(strings.Repeat(one+", ", len(bt.rows)), ", ")
	args := make([]any, 0, len(bt.rows)*bt.ncol)
	for _, r := range bt.rows {
		args = append(args, r...)
	}
	if _, err := bt.tx.Exec(store.Rebind(bt.d, q), args...); err != nil {
		bt.b.Fatalf("%s: %v", bt.head, err)
	}
	bt.total += len(bt.rows)
	bt.rows = bt.rows[:0]
}

// seedCases puts n cases and about events timeline events in the database
// directly (multi-row INSERTs in one transaction), as years of history look:
// 90% in Noord, 10% in Zuid; Noord's cases spread over 40 coordinators (f.coord,
// f.coord2 and 38 more), so f.coord holds about 2,250; one case in ten open
// (spread over the open phases, with a reflection period that started in
// the last 120 days and an open task due within a month either side of
// today), the rest closed. The filler's sealed columns are copies of a real
// case's (never opened). hot is a real case of f.coord with hotEvents real
// (sealed) notes.
func seedCases(b *testing.B, f *fixture, n, events, hotEvents int) (hot cases.Case) {
	ctx := context.Background()
	hot = f.open(b)
	var sealed [8]string
	if err := f.db.Tx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT client_name_enc, client_birth_date_enc, client_bsn_enc, client_nationality_enc,
			client_origin_enc, client_languages_enc, client_gender_enc, client_contact_enc FROM cases WHERE id = ?`, hot.ID).
			Scan(&sealed[0], &sealed[1], &sealed[2], &sealed[3], &sealed[4], &sealed[5], &sealed[6], &sealed[7])
	}); err != nil {
		b.Fatal(err)
	}
	for i := range hotEvents {
		if _, err := f.svc.AddEvent(ctx, f.coord, hot.ID, cases.EventInput{Kind: cases.KindNote,
			Body: fmt.Sprintf("Gesprek %d met cliënt over huisvesting en uitkering.", i)}); err != nil {
			b.Fatal(err)
		}
	}
	coords := []string{f.coord.UserID, f.coord2.UserID}
	for i := range 38 {
		u, err := f.orgs.CreateUser(ctx, org.System, org.UserInput{Email: fmt.Sprintf("zc%d@noord.baken.test", i),
			Name: fmt.Sprintf("Coördinator %d", i), OrganisationID: f.noord.ID, Roles: []policy.Role{policy.Zorgcoordinator},
			Password: "correct horse battery staple"})
		if err != nil {
			b.Fatal(err)
		}
		coords = append(coords, u.ID)
	}
	d := f.db.Dialect()
	stx, err := f.db.SQL().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer stx.Rollback()
	cs := newBatcher(b, stx, d, "cases", `id, reference, region_id, phase, closing_reason, closed_at, client_name_enc,
		client_birth_date_enc, client_bsn_enc, client_nationality_enc, client_origin_enc, client_languages_enc,
		client_gender_enc, client_contact_enc, forms, non_punishment, reflection_start, reflection_end, created_by,
		created_at, updated_at, version, event_seq`)
	co := newBatcher(b, stx, d, "case_coordinators", "case_id, user_id, since")
	ev := newBatcher(b, stx, d, "case_events", "id, case_id, seq, kind, author_id, created_at, body_enc, detail")
	tk := newBatcher(b, stx, d, "case_tasks", "id, case_id, title_enc, due_on, owner_id, created_by, created_at")
	co.before = []*batcher{cs}
	ev.before = []*batcher{cs}
	tk.before = []*batcher{cs}
	open := []string{"registration", "intake", "support", "support", "aftercare"}
	forms := []string{`["sexual"]`, `["labour"]`, `["criminal"]`, `["labour","criminal"]`}
	t0 := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	per := max(1, events/n)
	for i := range n {
		id := store.NewID()
		region, owner := f.noord.ID, coords[(i/10)%len(coords)]
		if i%10 == 9 {
			region, owner = f.zuid.ID, f.coordZuid.UserID
		}
		at := t0.Add(time.Duration(i) * 25 * time.Minute)
		phase, reason := "closed", "support_completed"
		var closedAt any = at
		rs, re := "", ""
		if i%10 == 0 {
			phase, reason, closedAt = open[(i/10)%len(open)], "", nil
			start := time.Now().AddDate(0, 0, -(i % 120))
			rs, re = start.Format(time.DateOnly), start.AddDate(0, 3, -1).Format(time.DateOnly)
		}
		cs.add(id, fmt.Sprintf("CASE-%d-%07d", 2021+i/25000, i), region, phase, reason, closedAt, sealed[0], sealed[1],
			sealed[2], sealed[3], sealed[4], sealed[5], sealed[6], sealed[7], forms[i%len(forms)], i%4 >= 2, rs, re,
			owner, at, at, 1, per)
		co.add(id, owner, at)
		for s := 1; s <= per; s++ {
			ev.add(store.NewID(), id, s, cases.KindNote, owner, at.Add(time.Duration(s)*time.Hour), "", "{}")
		}
		if phase != "closed" {
			due := time.Now().AddDate(0, 0, i%61-30).Format(time.DateOnly)
			tk.add(store.NewID(), id, sealed[0], due, owner, owner, at)
		}
	}
	for _, bt := range []*batcher{cs, co, ev, tk} {
		bt.flush()
	}
	if err := stx.Commit(); err != nil {
		b.Fatal(err)
	}
	q := `ANALYZE`
	if d == store.Postgres {
		q = `VACUUM ANALYZE`
	}
	if _, err := f.db.SQL().ExecContext(ctx, q); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d cases, %d timeline events, %d tasks", d, cs.total+1, ev.total+hotEvents+1, tk.total)
	return hot
}

// BenchmarkCasePages: the case page (the case and its newest 50 events, one
// logged read), older timeline pages, and the coordinator's lists, with
// 100,000 cases and 1,000,000 timeline events in the database (seeded once
// per dialect; not part of go test's normal run).
//
//	BAKEN_TEST_POSTGRES_URL=postgres://… go test ./internal/cases/ -run XXX -bench CasePages -benchtime 2s -timeout 30m
func BenchmarkCasePages(b *testing.B) {
	const n, events, hotEvents = 100_000, 1_000_000, 1000
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			f := newFixture(b, storetest.New(b, d), nil)
			start := time.Now()
			hot := seedCases(b, f, n, events, hotEvents)
			b.Logf("seeded in %s", time.Since(start).Round(time.Millisecond))
			older, err := f.svc.Events(f.ctx, f.coord, hot.ID, 0, 50)
			if err != nil {
				b.Fatal(err)
			}
			pages := []struct {
				name string
				fn   func() error
			}{
				{"case-page", func() error { _, err := f.svc.Page(f.ctx, f.coord, hot.ID, 50, 0); return err }},
				{"case-page-older-events", func() error { _, err := f.svc.Page(f.ctx, f.coord, hot.ID, 50, older.Next); return err }},
				{"list-mine", func() error { _, err := f.svc.List(f.ctx, f.coord, cases.Filter{}); return err }},
				{"list-mine-open", func() error {
					_, err := f.svc.List(f.ctx, f.coord, cases.Filter{Phase: cases.PhaseOpen})
					return err
				}},
				{"list-region", func() error { _, err := f.svc.List(f.ctx, f.coord, cases.Filter{Scope: cases.ScopeRegion}); return err }},
				{"list-reflection-14d", func() error {
					_, err := f.svc.List(f.ctx, f.coord, cases.Filter{ReflectionWithin: 14})
					return err
				}},
				{"dashboard", func() error { _, err := f.svc.Dashboard(f.ctx, f.coord); return err }},
			}
			for _, p := range pages {
				b.Run(p.name, func(b *testing.B) {
					d0 := make([]time.Duration, 0, 1024)
					for b.Loop() {
						t0 := time.Now()
						if err := p.fn(); err != nil {
							b.Fatal(err)
						}
						d0 = append(d0, time.Since(t0))
					}
					percentiles(b, d0)
				})
			}
		})
	}
}
