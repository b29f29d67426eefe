// Package storetest gives each test a fresh, migrated database on every
// dialect: a subtest "sqlite" always, and a subtest "postgres" when
// BAKEN_TEST_POSTGRES_URL is set (each test gets its own schema, dropped when
// the test ends).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL test server URL.
const EnvPostgres = "BAKEN_TEST_POSTGRES_URL"

// Each runs fn as the subtests "sqlite" and "postgres" (the latter skipped
// when BAKEN_TEST_POSTGRES_URL is unset), each with a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, New(t, d))
		})
	}
}

// URL returns a database URL for a fresh, empty database of dialect d, and
// registers its removal with t. It skips t for PostgreSQL without a server.
func URL(t testing.TB, d store.Dialect) string {
	t.Helper()
	switch d {
	case store.SQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "baken.db")
	case store.Postgres:
		base := os.Getenv(EnvPostgres)
		if base == "" {
			t.Skip(EnvPostgres + " not set: PostgreSQL tests skipped")
		}
		schema := "t_" + randHex(8)
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatalf("open %s: %v", EnvPostgres, err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			admin.Close()
			t.Fatalf("create test schema: %v", err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
				t.Errorf("drop test schema %s: %v", schema, err)
			}
			admin.Close()
		})
		u, err := url.Parse(base)
		if err != nil {
			t.Fatalf("parse %s: %v", EnvPostgres, err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	t.Fatalf("unknown dialect %q", d)
	return ""
}

// New opens a fresh migrated database of dialect d, closed when t ends.
func New(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	return NewWithClock(t, d, nil)
}

// NewWithClock is New with an injected clock.
func NewWithClock(t testing.TB, d store.Dialect, clock store.Clock) *store.DB {
	t.Helper()
	u := URL(t, d)
	ctx := context.Background()
	db, err := store.Open(ctx, u, store.Options{Clock: clock, MaxOpenConns: 4})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return db
}

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// EachDialect runs fn as the subtests "sqlite" and "postgres" without
// opening a database, for tests that open their own (with New or NewWithClock).
func EachDialect(t *testing.T, fn func(t *testing.T, d store.Dialect)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			if d == store.Postgres && os.Getenv(EnvPostgres) == "" {
				t.Skip(EnvPostgres + " not set: PostgreSQL tests skipped")
			}
			fn(t, d)
		})
	}
}

// Clock is an injected clock: tests move time on instead of sleeping.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at a fixed time (with microseconds, as
// the databases keep them).
func NewClock() *Clock {
	return &Clock{now: time.Date(2026, 3, 2, 9, 0, 0, 123456000, time.UTC)}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Find returns "table.column" for every place in the database whose text
// contains needle (case-insensitively): the test form of grepping the
// database file for a name, a password or a secret that must not be there.
func Find(t testing.TB, db *store.DB, needle string) []string {
	ctx := context.Background()
	t.Helper()
	var hits []string
	err := db.Tx(ctx, func(tx *store.Tx) error {
		q := `SELECT name FROM sqlite_master WHERE type = 'table'`
		if db.Dialect() == store.Postgres {
			q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
		}
		tables, err := queryStrings(ctx, tx, q)
		if err != nil {
			return err
		}
		if len(tables) < 5 {
			return fmt.Errorf("found only tables %v", tables)
		}
		for _, tb := range tables {
			rows, err := tx.Query(ctx, `SELECT * FROM `+tb)
			if err != nil {
				return err
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					rows.Close()
					return err
				}
				for i, v := range vals {
					s := fmt.Sprint(v)
					if b, ok := v.([]byte); ok {
						s = string(b)
					}
					if strings.Contains(strings.ToLower(s), strings.ToLower(needle)) {
						hits = append(hits, tb+"."+cols[i])
					}
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

func queryStrings(ctx context.Context, tx *store.Tx, q string) ([]string, error) {
	rows, err := tx.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s.String)
	}
	return out, rows.Err()
}
