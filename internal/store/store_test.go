package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

func TestMigrateIsIdempotentAndRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second migrate applied %v, want nothing", applied)
		}
		pending, err := db.Pending(ctx)
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending = %v, %v", pending, err)
		}
		ms, _ := store.Migrations(db.Dialect())
		var n int
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		if n != len(ms) {
			t.Fatalf("schema_migrations has %d rows, want %d", n, len(ms))
		}
	})
}

func TestTxRollsBackOnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO organisations (id, kind, name, created_at, updated_at) VALUES (?, 'region', 'R', ?, ?)`, "o1", tx.Now, tx.Now)
			if err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		var n int
		_ = db.Tx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM organisations`).Scan(&n)
		})
		if n != 0 {
			t.Fatalf("rolled-back insert left %d rows", n)
		}
	})
}

func TestTimesRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var want = db.Now()
		err := db.Tx(ctx, func(tx *store.Tx) error {
			want = tx.Now
			_, err := tx.Exec(ctx, `INSERT INTO organisations (id, kind, name, created_at, updated_at) VALUES (?, 'region', 'R', ?, ?)`, "o1", tx.Now, tx.Now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		_ = db.Tx(ctx, func(tx *store.Tx) error {
			var got store.Time
			if err := tx.QueryRow(ctx, `SELECT created_at FROM organisations WHERE id = ?`, "o1").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if !got.Time.Equal(want) {
				t.Fatalf("time round trip: got %v want %v", got.Time, want)
			}
			return nil
		})
	})
}

func TestRebind(t *testing.T) {
	got := store.Rebind(store.Postgres, `SELECT a FROM t WHERE b = ? AND c = '?' AND d IN (?, ?)`)
	want := `SELECT a FROM t WHERE b = $1 AND c = '?' AND d IN ($2, $3)`
	if got != want {
		t.Fatalf("got %s", got)
	}
	if s := store.Rebind(store.SQLite, "a = ?"); s != "a = ?" {
		t.Fatal(s)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := store.Open(ctx, "mysql://x", store.Options{}); err == nil {
		t.Fatal("unsupported scheme accepted")
	}
	if _, err := store.Open(ctx, "postgres://nobody:secret@127.0.0.1:1/none?connect_timeout=2", store.Options{}); err == nil {
		t.Fatal("unreachable postgres accepted")
	} else if strings.Contains(err.Error(), "secret") {
		t.Fatalf("password leaked in error: %v", err)
	}
}
