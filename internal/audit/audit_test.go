package audit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/fieldcrypt"
	"github.com/baken-nl/baken/internal/reqctx"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

func newLog(t *testing.T) *audit.Log {
	k, err := fieldcrypt.New(fieldcrypt.Generate())
	if err != nil {
		t.Fatal(err)
	}
	return audit.New(k)
}

func write(t *testing.T, db *store.DB, l *audit.Log, n int) {
	t.Helper()
	ctx := reqctx.With(context.Background(), reqctx.Trace{TraceID: reqctx.NewTraceID(), SpanID: reqctx.NewSpanID()})
	for i := 0; i < n; i++ {
		err := db.Tx(ctx, func(tx *store.Tx) error {
			return l.Write(ctx, tx, audit.Entry{ActorID: fmt.Sprintf("u%d", i%3), ActorOrgID: "org", Action: "user.read",
				ObjectType: "user", ObjectID: fmt.Sprintf("obj%d", i%2), Activity: audit.ActivityAccounts,
				Subject: fmt.Sprintf("subject-%d", i%2), SubjectType: audit.SubjectUser})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// tamper runs a statement as someone with raw database access would: past
// the append-only triggers.
func tamper(t *testing.T, db *store.DB, stmt string) {
	t.Helper()
	ctx := context.Background()
	err := db.Tx(ctx, func(tx *store.Tx) error {
		if db.Dialect() == store.Postgres {
			if _, err := tx.Exec(ctx, `ALTER TABLE processing_log DISABLE TRIGGER processing_log_no_change`); err != nil {
				return err
			}
		} else {
			for _, s := range []string{`DROP TRIGGER IF EXISTS processing_log_no_update`, `DROP TRIGGER IF EXISTS processing_log_no_delete`} {
				if _, err := tx.Exec(ctx, s); err != nil {
					return err
				}
			}
		}
		_, err := tx.Exec(ctx, stmt)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestVerifyIntact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newLog(t)
		n, p, err := audit.Verify(context.Background(), db)
		if err != nil || p != nil || n != 0 {
			t.Fatalf("empty log: %d %v %v", n, p, err)
		}
		write(t, db, l, 10)
		n, p, err = audit.Verify(context.Background(), db)
		if err != nil || p != nil || n != 10 {
			t.Fatalf("intact log: %d %v %v", n, p, err)
		}
	})
}

func TestAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		write(t, db, newLog(t), 2)
		ctx := context.Background()
		for _, stmt := range []string{`UPDATE processing_log SET outcome = 'x'`, `DELETE FROM processing_log`} {
			err := db.Tx(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, stmt); return err })
			if err == nil {
				t.Errorf("%s succeeded on an append-only table", stmt)
			}
		}
	})
}

func TestVerifyDetectsTampering(t *testing.T) {
	columns := []string{"id", "actor_id", "actor_org_id", "action", "object_type", "object_id", "activity_id",
		"subject_enc", "subject_index", "subject_type", "trace_id", "span_id", "parent_span_id", "outcome", "detail", "prev_hash", "hash"}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, col := range append(columns, "occurred_at", "delete-middle", "delete-last", "delete-first") {
			t.Run(col, func(t *testing.T) {
				db := storetest.New(t, db.Dialect())
				write(t, db, newLog(t), 5)
				wantSeq := int64(3)
				switch col {
				case "occurred_at":
					if db.Dialect() == store.Postgres {
						tamper(t, db, `UPDATE processing_log SET occurred_at = occurred_at + interval '1 second' WHERE seq = 3`)
					} else {
						tamper(t, db, `UPDATE processing_log SET occurred_at = '2001-01-01 00:00:00+00:00' WHERE seq = 3`)
					}
				case "delete-middle":
					tamper(t, db, `DELETE FROM processing_log WHERE seq = 3`)
				case "delete-last":
					tamper(t, db, `DELETE FROM processing_log WHERE seq = 5`)
					wantSeq = 5
				case "delete-first":
					tamper(t, db, `DELETE FROM processing_log WHERE seq = 1`)
					wantSeq = 1
				default:
					tamper(t, db, `UPDATE processing_log SET `+col+` = 'x' WHERE seq = 3`)
				}
				n, p, err := audit.Verify(context.Background(), db)
				if err != nil {
					t.Fatal(err)
				}
				if p == nil {
					t.Fatalf("tampering with %s not detected", col)
				}
				if p.Seq != wantSeq {
					t.Fatalf("first broken record %d (%s), want %d", p.Seq, p.Reason, wantSeq)
				}
				if n != wantSeq-1 {
					t.Fatalf("intact count %d, want %d", n, wantSeq-1)
				}
			})
		}
	})
}

func TestRollbackLeavesNoRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newLog(t)
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.Tx(ctx, func(tx *store.Tx) error {
			if err := l.Write(ctx, tx, audit.Entry{Action: "x"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		write(t, db, l, 1)
		n, p, err := audit.Verify(ctx, db)
		if n != 1 || p != nil || err != nil {
			t.Fatalf("after rollback: %d %v %v", n, p, err)
		}
	})
}

func TestConcurrentWritersChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newLog(t)
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := context.Background()
				for i := 0; i < 10; i++ {
					if err := db.Tx(ctx, func(tx *store.Tx) error {
						return l.Write(ctx, tx, audit.Entry{Action: "concurrent"})
					}); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		n, p, err := audit.Verify(context.Background(), db)
		if n != 40 || p != nil || err != nil {
			t.Fatalf("concurrent chain: %d %v %v", n, p, err)
		}
	})
}

func TestListFiltersAndPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := newLog(t)
		write(t, db, l, 7)
		ctx := context.Background()
		_ = db.Tx(ctx, func(tx *store.Tx) error {
			recs, next, err := audit.List(ctx, tx, audit.Filter{ObjectID: "obj0", Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 2 || next == 0 || recs[0].Seq != 7 || recs[1].Seq != 5 {
				t.Fatalf("page 1: %d records, next %d", len(recs), next)
			}
			recs, next, _ = audit.List(ctx, tx, audit.Filter{ObjectID: "obj0", Limit: 2, Before: next})
			if len(recs) != 2 || recs[0].Seq != 3 || recs[1].Seq != 1 || next != 0 {
				t.Fatalf("page 2: %+v next %d", len(recs), next)
			}
			recs, _, _ = audit.List(ctx, tx, audit.Filter{SubjectIdx: l.SubjectIndex("subject-1")})
			if len(recs) != 3 {
				t.Fatalf("by subject: %d records, want 3", len(recs))
			}
			s, err := l.DecryptSubject(recs[0])
			if err != nil || s != "subject-1" {
				t.Fatalf("decrypt subject %q %v", s, err)
			}
			recs, _, _ = audit.List(ctx, tx, audit.Filter{ActorID: "u1"})
			if len(recs) != 2 {
				t.Fatalf("by actor: %d", len(recs))
			}
			recs, _, _ = audit.List(ctx, tx, audit.Filter{OrgIDs: []string{}})
			if len(recs) != 0 {
				t.Fatal("empty org scope returned records")
			}
			return nil
		})
	})
}
