package signal_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/signal"
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

func benchDialects(b *testing.B, fn func(b *testing.B, d store.Dialect)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) { fn(b, d) })
	}
}

// BenchmarkCreate: Service.Create with a realistic signal (two persons, a
// narrative, ticks): policy, validation, assessment, sealing, the inserts and
// two processing-log records, in one transaction.
func BenchmarkCreate(b *testing.B) {
	benchDialects(b, func(b *testing.B, d store.Dialect) {
		f := newFixture(b, storetest.New(b, d), nil)
		in := input()
		d0 := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for b.Loop() {
			t0 := time.Now()
			if _, err := f.svc.Create(f.ctx, f.sig, in); err != nil {
				b.Fatal(err)
			}
			d0 = append(d0, time.Since(t0))
		}
		b.StopTimer()
		percentiles(b, d0)
	})
}

// BenchmarkCreateFloor: the storage floor of Create: the same statements in
// the same order (signal under a provisional reference, its first assessment
// record, form, two persons,
// the history entry, then the counter and the reference, then two
// processing-log records with the chain head), values prepared beforehand.
func BenchmarkCreateFloor(b *testing.B) {
	benchDialects(b, func(b *testing.B, d store.Dialect) {
		f := newFixture(b, storetest.New(b, d), nil)
		s := f.create(b, f.sig, input())
		row := loadRawSignal(b, f, s.ID)
		ctx := context.Background()
		d0 := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for b.Loop() {
			t0 := time.Now()
			err := f.db.Tx(ctx, func(tx *store.Tx) error {
				id := store.NewID()
				if _, err := tx.Exec(ctx, `INSERT INTO signals (id, reference, reporter_id, reporter_org_id, municipality_id, region_id,
					department, observed_on, place_enc, came_to_light_enc, narrative_enc, observations, acute_danger, consultation,
					person_count, assessment_input, assessment, ruleset, content_version, outcome, preview_key, preview_outcome,
					would_change, status, closing_reason, created_at, updated_at, version)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', '', ?, ?, 1)`,
					id, "pending:"+id, f.sig.UserID, f.sig.OrgID, f.groningen.ID, f.noord.ID, "wmo", "2026-02-27",
					row[0], row[1], row[2], row[3], false, false, 2, row[4], row[5], "r", "c", "o", "r|c", "o", false, tx.Now, tx.Now); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO signal_assessments (signal_id, seq, kind, ruleset, content_version, input,
					result, outcome, actor_id, created_at) VALUES (?, 1, 'intake', ?, ?, ?, ?, ?, ?, ?)`,
					id, "r", "c", row[4], row[5], "o", f.sig.UserID, tx.Now); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO signal_forms (signal_id, form) VALUES (?, ?)`, id, "sexual"); err != nil {
					return err
				}
				for i := range 2 {
					if _, err := tx.Exec(ctx, `INSERT INTO signal_persons (id, signal_id, position, alias_enc, alias_index, name_enc,
						contact_enc, birth_year, age_band, gender, nationality, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
						store.NewID(), id, i, row[6], row[7], row[8], row[9], 1999, "", "female", "RO", "ro"); err != nil {
						return err
					}
				}
				if _, err := tx.Exec(ctx, `INSERT INTO signal_events (id, signal_id, seq, from_status, to_status, closing_reason,
					remark_enc, note_enc, actor_id, created_at) VALUES (?, ?, 1, '', 'new', '', '', '', ?, ?)`, store.NewID(), id, f.sig.UserID, tx.Now); err != nil {
					return err
				}
				var n int64
				if err := tx.QueryRow(ctx, `INSERT INTO signal_reference_counters (year, last) VALUES (?, 1)
					ON CONFLICT (year) DO UPDATE SET last = signal_reference_counters.last + 1 RETURNING last`, 2026).Scan(&n); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `UPDATE signals SET reference = ? WHERE id = ?`, fmt.Sprintf("SIG-2026-%06d", n), id); err != nil {
					return err
				}
				for range 2 {
					var seq int64
					var h string
					lock := ""
					if d == store.Postgres {
						lock = " FOR UPDATE"
					}
					if err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+lock).Scan(&seq, &h); err != nil {
						return err
					}
					if _, err := tx.Exec(ctx, `INSERT INTO processing_log (seq, id, occurred_at, actor_id, actor_org_id, action,
						object_type, object_id, activity_id, subject_enc, subject_index, subject_type, trace_id, span_id,
						parent_span_id, outcome, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
						seq+1, store.NewID(), tx.Now, f.sig.UserID, f.sig.OrgID, "signal.create", "signal", id, "urn", row[6], row[7],
						"t", "", "span", "", "ok", "", h, h); err != nil {
						return err
					}
					if _, err := tx.Exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, seq+1, h); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			d0 = append(d0, time.Since(t0))
		}
		b.StopTimer()
		percentiles(b, d0)
	})
}

// loadRawSignal returns stored column values of a signal and its first person.
func loadRawSignal(b testing.TB, f *fixture, id string) []any {
	var place, came, narr, obs, ain, res, alias, idx, name, contact string
	err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(f.ctx, `SELECT place_enc, came_to_light_enc, narrative_enc, observations, assessment_input, assessment
			FROM signals WHERE id = ?`, id).Scan(&place, &came, &narr, &obs, &ain, &res); err != nil {
			return err
		}
		return tx.QueryRow(f.ctx, `SELECT alias_enc, alias_index, name_enc, contact_enc FROM signal_persons
			WHERE signal_id = ? AND position = 0`, id).Scan(&alias, &idx, &name, &contact)
	})
	if err != nil {
		b.Fatal(err)
	}
	return []any{place, came, narr, obs, ain, res, alias, idx, name, contact}
}

// seed inserts n signals directly, in one transaction with prepared
// statements: 90% in Noord (Groningen and Assen), 10% in Zuid, received over
// three years, most closed, some open; one person each (with a searchable
// alias); one in ten on the meldcode route.
//
// With allOpen every signal is open (new or in progress): the worst case of
// the would-change previews, which only open signals carry.
func seed(b *testing.B, f *fixture, n int, allOpen bool) {
	ctx := context.Background()
	s := f.create(b, f.sig, input())
	row := loadRawSignal(b, f, s.ID)
	stx, err := f.db.SQL().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer stx.Rollback()
	d := f.db.Dialect()
	prep := func(q string) *sql.Stmt {
		st, err := stx.PrepareContext(ctx, store.Rebind(d, q))
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	insSignal := prep(`INSERT INTO signals (id, reference, reporter_id, reporter_org_id, municipality_id, region_id,
		department, observed_on, place_enc, came_to_light_enc, narrative_enc, observations, acute_danger, consultation,
		person_count, assessment_input, assessment, ruleset, outcome, status, closing_reason, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, 1)`)
	insForm := prep(`INSERT INTO signal_forms (signal_id, form) VALUES (?, ?)`)
	insPerson := prep(`INSERT INTO signal_persons (id, signal_id, position, alias_enc, alias_index, name_enc,
		contact_enc, birth_year, age_band, gender, nationality, language) VALUES (?, ?, 0, ?, ?, '', '', 1999, '', 'female', 'NL', 'nl')`)
	// One signal in ten is on the meldcode route, its steps under way (the
	// lists' meldcode marker reads them).
	insMeldcode := prep(`INSERT INTO signal_meldcode (signal_id, version, map_on, consult_on, updated_by, created_at, updated_at)
		VALUES (?, 1, ?, ?, ?, ?, ?)`)
	forms := []string{"sexual", "labour", "criminal"}
	depts := []string{"wmo", "schuldhulp", "handhaving", "wijkteam"}
	outcomes := []string{"trafficking_likely", "trafficking_possible", "no_indication"}
	t0 := time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		id := store.NewID()
		reporter, muni, region := f.sig.UserID, f.groningen.ID, f.noord.ID
		switch {
		case i%10 == 9:
			reporter, muni, region = f.sigZuid.UserID, f.maastricht.ID, f.zuid.ID
		case i%2 == 1:
			reporter, muni = f.sigAssen.UserID, f.assen.ID
		}
		status, reason := "closed", "no_trafficking"
		if i%50 == 0 || allOpen && i%2 == 0 {
			status, reason = "new", ""
		} else if i%20 == 0 || allOpen {
			status, reason = "in_progress", ""
		}
		at := t0.Add(time.Duration(i) * 15 * time.Minute)
		if _, err := insSignal.ExecContext(ctx, id, fmt.Sprintf("SIG-%d-%07d", 2023+i/40000, i), reporter, f.sig.OrgID, muni, region,
			depts[i%len(depts)], at.Format(time.DateOnly), row[0], row[1], row[2], row[3], i%7 == 0, false,
			row[4], row[5], "r", outcomes[i%len(outcomes)], status, reason, at, at); err != nil {
			b.Fatal(err)
		}
		if _, err := insForm.ExecContext(ctx, id, forms[i%len(forms)]); err != nil {
			b.Fatal(err)
		}
		if i%10 == 3 {
			if _, err := insMeldcode.ExecContext(ctx, id, at.Format(time.DateOnly), at.Format(time.DateOnly), reporter, at, at); err != nil {
				b.Fatal(err)
			}
		}
		idx := row[7]
		if i == n/2 {
			idx = f.keys.Index("signal_persons.alias", "needle")
		}
		if _, err := insPerson.ExecContext(ctx, store.NewID(), id, row[6], fmt.Sprint(idx, i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := stx.Commit(); err != nil {
		b.Fatal(err)
	}
	// What autovacuum and the checkpointer do in a running deployment:
	// statistics, on PostgreSQL the visibility map that index-only scans
	// need, and the seed's writes flushed — else the first measured writes
	// (a search's log record) pay for writing back 100,000 signals.
	qs := []string{`ANALYZE`, `PRAGMA wal_checkpoint(TRUNCATE)`}
	if d == store.Postgres {
		qs = []string{`VACUUM ANALYZE`, `CHECKPOINT`}
	}
	for _, q := range qs {
		if _, err := f.db.SQL().ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkList: the coordinator's inbox and lists with 100,000 signals in
// the database (seeded once per dialect; not part of go test's normal run).
func BenchmarkList(b *testing.B) {
	const n = 100_000
	benchDialects(b, func(b *testing.B, d store.Dialect) {
		f := newFixture(b, storetest.New(b, d), nil)
		start := time.Now()
		seed(b, f, n, false)
		b.Logf("%s: seeded %d signals in %s", d, n, time.Since(start).Round(time.Millisecond))
		first, err := f.svc.List(f.ctx, f.coordNoord, signal.Filter{})
		if err != nil || len(first.Items) != signal.DefaultLimit {
			b.Fatal(err, len(first.Items))
		}
		// A cursor deep into the list: page 1000 of 50.
		deep := signal.Filter{Cursor: first.Next}
		for range 20 {
			p, err := f.svc.List(f.ctx, f.coordNoord, signal.Filter{Cursor: deep.Cursor, Limit: signal.MaxLimit})
			if err != nil {
				b.Fatal(err)
			}
			deep.Cursor = p.Next
		}
		cases := []struct {
			name string
			fn   func() error
		}{
			{"inbox", func() error { _, err := f.svc.Inbox(f.ctx, f.coordNoord); return err }},
			{"first-page", func() error { _, err := f.svc.List(f.ctx, f.coordNoord, signal.Filter{}); return err }},
			{"deep-page", func() error { _, err := f.svc.List(f.ctx, f.coordNoord, deep); return err }},
			{"status-new", func() error {
				_, err := f.svc.List(f.ctx, f.coordNoord, signal.Filter{Status: signal.StatusNew})
				return err
			}},
			{"form-labour", func() error { _, err := f.svc.List(f.ctx, f.coordNoord, signal.Filter{Form: "labour"}); return err }},
			{"observed-oldest", func() error {
				_, err := f.svc.List(f.ctx, f.coordNoord, signal.Filter{Sort: signal.SortObservedOldest})
				return err
			}},
			{"reporter-own", func() error { _, err := f.svc.List(f.ctx, f.sigAssen, signal.Filter{}); return err }},
			{"search-reference", func() error {
				_, err := f.svc.List(f.ctx, f.coordNoord, signal.Filter{Query: "SIG-2024-0050000"})
				return err
			}},
		}
		for _, c := range cases {
			b.Run(c.name, func(b *testing.B) {
				d0 := make([]time.Duration, 0, b.N)
				for b.Loop() {
					t0 := time.Now()
					if err := c.fn(); err != nil {
						b.Fatal(err)
					}
					d0 = append(d0, time.Since(t0))
				}
				b.StopTimer()
				percentiles(b, d0)
			})
		}
	})
}

// BenchmarkWouldChange: the inbox's "would change" with 100,000 stored
// signals assessed with another ruleset ("r") than the current one, in two
// shapes: "typical" — the seed of BenchmarkList, 7% open (7,000 signals) —
// and "all-open", the worst case, every signal open and so every one needing
// a preview. Two thirds of the previews (the seeded outcomes cycle) would
// change, 90% of those in Noord.
//
//   - refresh: RefreshPreviews over them all (as when Baken starts with a
//     new ruleset), reporting s/refresh and µs per signal computed;
//   - count: the would-change count alone (one range of the index
//     signals_region_would_change), and the whole inbox with it;
//   - filter: the first page of the would-change list.
//
// Run with -benchtime 1x: each refresh run computes every preview; count,
// inbox and filter run 200 times per benchmark iteration for their p50/p99.
func BenchmarkWouldChange(b *testing.B) {
	const n = 100_000
	benchDialects(b, func(b *testing.B, d store.Dialect) {
		for _, shape := range []struct {
			name    string
			allOpen bool
		}{{"typical", false}, {"all-open", true}} {
			b.Run(shape.name, func(b *testing.B) { benchWouldChange(b, d, n, shape.allOpen) })
		}
	})
}

func benchWouldChange(b *testing.B, d store.Dialect, n int, allOpen bool) {
	f := newFixture(b, storetest.New(b, d), nil)
	start := time.Now()
	seed(b, f, n, allOpen)
	b.Logf("%s: seeded %d signals in %s", d, n, time.Since(start).Round(time.Millisecond))
	reset := func() {
		if _, err := f.db.SQL().ExecContext(f.ctx, `UPDATE signals SET preview_key = '', would_change = FALSE`); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("refresh", func(b *testing.B) {
		var total time.Duration
		runs, computed := 0, 0
		for b.Loop() {
			b.StopTimer()
			reset()
			b.StartTimer()
			t0 := time.Now()
			got, err := f.svc.RefreshPreviews(f.ctx, signal.DefaultRefreshBatch)
			if err != nil {
				b.Fatal(err)
			}
			total += time.Since(t0)
			runs++
			computed += got
		}
		b.ReportMetric(total.Seconds()/float64(runs), "s/refresh")
		b.ReportMetric(float64(computed)/float64(runs), "signals/refresh")
		b.ReportMetric(float64(total.Microseconds())/float64(computed), "µs/signal")
	})
	box, err := f.svc.Inbox(f.ctx, f.coordNoord)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: Noord's inbox: %d new, %d in progress, %d would change", d, box.New, box.InProgress, box.WouldChange)
	if box.WouldChange == 0 {
		b.Fatal("nothing would change: the benchmark measures nothing")
	}
	if _, err := f.db.SQL().ExecContext(f.ctx, map[store.Dialect]string{store.SQLite: `ANALYZE`, store.Postgres: `VACUUM ANALYZE`}[d]); err != nil {
		b.Fatal(err)
	}
	key := engine.Ruleset() + "|" + catalog.Meta.Version
	cases := []struct {
		name string
		fn   func() error
	}{
		{"count", func() error {
			return f.db.ReadTx(f.ctx, func(tx *store.Tx) error {
				var c int
				return tx.QueryRow(f.ctx, `SELECT count(*) FROM signals s WHERE s.region_id = ? AND s.would_change = ?
					AND s.preview_key = ?`, f.noord.ID, true, key).Scan(&c)
			})
		}},
		{"inbox", func() error { _, err := f.svc.Inbox(f.ctx, f.coordNoord); return err }},
		{"filter-first-page", func() error {
			_, err := f.svc.List(f.ctx, f.coordNoord, signal.Filter{WouldChange: true})
			return err
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var d0 []time.Duration
			for b.Loop() {
				for range 200 {
					t0 := time.Now()
					if err := c.fn(); err != nil {
						b.Fatal(err)
					}
					d0 = append(d0, time.Since(t0))
				}
			}
			b.StopTimer()
			percentiles(b, d0)
		})
	}
}
