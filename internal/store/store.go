// Package store opens Baken's database (embedded SQLite or PostgreSQL), applies
// the embedded migrations and runs every service call in one transaction that
// carries one `now` from an injectable clock.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect is the SQL dialect of a database.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Clock returns the current time; tests inject a fixed one.
type Clock func() time.Time

// DB is an open Baken database.
type DB struct {
	sql     *sql.DB
	ro      *sql.DB // SQLite: a pool of deferred, query-only connections for ReadTx
	dialect Dialect
	clock   Clock
	path    string // SQLite file path, for backups
}

// Options tune Open.
type Options struct {
	Clock Clock
	// MaxOpenConns for PostgreSQL; SQLite uses a pool sized for WAL.
	MaxOpenConns int
}

// Open opens the database named by a URL: "sqlite:PATH" (or a path ending in
// .db) selects SQLite, "postgres://…" or "postgresql://…" selects PostgreSQL.
// It checks that the database answers.
func Open(ctx context.Context, dbURL string, opt Options) (*DB, error) {
	d := &DB{clock: opt.Clock}
	if d.clock == nil {
		d.clock = time.Now
	}
	switch {
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		d.dialect = Postgres
		db, err := sql.Open("pgx", dbURL)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		n := opt.MaxOpenConns
		if n <= 0 {
			n = 20
		}
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
		db.SetConnMaxIdleTime(5 * time.Minute)
		d.sql = db
	case strings.HasPrefix(dbURL, "sqlite:"), strings.HasSuffix(dbURL, ".db"):
		d.dialect = SQLite
		path := strings.TrimPrefix(strings.TrimPrefix(dbURL, "sqlite:"), "//")
		if path == "" {
			return nil, errors.New("open sqlite: empty path in " + dbURL)
		}
		d.path = path
		if err := createPrivate(path); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		db, err := sql.Open("sqlite", sqliteDSN(path))
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// One writer connection: SQLite runs one write transaction at a time
		// anyway, and queueing writers in Go's pool is fair, where SQLite's
		// busy-wait retries let unlucky writers starve (p99 in seconds).
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		d.sql = db
		// Reads run on their own pool: deferred transactions on query-only
		// connections, which WAL lets run beside the one writer.
		ro, err := sql.Open("sqlite", sqliteDSNReadOnly(path))
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		ro.SetMaxOpenConns(16)
		ro.SetMaxIdleConns(16)
		d.ro = ro
	default:
		return nil, fmt.Errorf("unsupported database %q: use sqlite:PATH or postgres://…", redactURL(dbURL))
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.sql.PingContext(pctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("database %s not reachable: %w", redactURL(dbURL), err)
	}
	if d.dialect == SQLite {
		// SQLite makes the WAL and shared-memory files with the database's
		// mode; set it explicitly all the same (they may predate this).
		for _, p := range []string{d.path + "-wal", d.path + "-shm"} {
			if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
				d.Close()
				return nil, fmt.Errorf("open sqlite: %w", err)
			}
		}
	}
	return d, nil
}

// createPrivate makes the SQLite file at path, when it does not exist yet,
// with mode 0600, and its directory, when missing, with mode 0700, whatever
// the umask: the database holds victims' data. An existing file keeps its
// mode (the start-up check warns when others can read it).
func createPrivate(path string) error {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := mkdirPrivate(dir); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// mkdirPrivate makes dir and any missing parents with mode 0700 (set
// explicitly, not left to the umask).
func mkdirPrivate(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirPrivate(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return os.Chmod(dir, 0o700)
}

func sqliteDSNReadOnly(path string) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	q.Set("_txlock", "deferred")
	q.Set("_time_format", "sqlite")
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

func sqliteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// redactURL hides a password in a database URL for messages and logs.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Dialect returns the database's dialect.
func (d *DB) Dialect() Dialect { return d.dialect }

// Path returns the SQLite file path ("" for PostgreSQL).
func (d *DB) Path() string { return d.path }

// Now returns the clock's time, truncated to microseconds (what both databases keep) in UTC.
func (d *DB) Now() time.Time { return d.clock().UTC().Truncate(time.Microsecond) }

// SQL exposes the pool for health checks and metrics.
func (d *DB) SQL() *sql.DB { return d.sql }

// Close closes the pools.
func (d *DB) Close() error {
	if d.ro != nil {
		d.ro.Close()
	}
	return d.sql.Close()
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.sql.PingContext(ctx) }

// Tx is one transaction with the time it started.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
	// Now is the one time of this transaction: every record it writes carries it.
	Now time.Time
	// after runs once the transaction committed.
	after []func()
}

// Tx runs fn in a transaction: committed when fn returns nil, rolled back otherwise
// (and on panic), so nothing half-written stays behind.
func (d *DB) Tx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	stx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{tx: stx, dialect: d.dialect, Now: d.Now()}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
			return
		}
		if cerr := stx.Commit(); cerr != nil {
			err = fmt.Errorf("commit: %w", cerr)
			return
		}
		for _, f := range tx.after {
			f()
		}
	}()
	return fn(tx)
}

// ReadTx runs fn in a read-only transaction: on SQLite on the query-only
// pool, so reads do not queue behind the writer; on PostgreSQL as READ ONLY.
// Anything that must be logged in the processing log is a write: use Tx.
func (d *DB) ReadTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	pool, opts := d.sql, &sql.TxOptions{ReadOnly: true}
	if d.ro != nil {
		pool, opts = d.ro, nil
	}
	stx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer stx.Rollback()
	return fn(&Tx{tx: stx, dialect: d.dialect, Now: d.Now()})
}

// AfterCommit registers f to run after a successful commit.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// Dialect returns the transaction's dialect.
func (tx *Tx) Dialect() Dialect { return tx.dialect }

// Exec runs a statement written with ? placeholders.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, Rebind(tx.dialect, q), args...)
}

// Query runs a query written with ? placeholders.
func (tx *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, Rebind(tx.dialect, q), args...)
}

// QueryRow runs a single-row query written with ? placeholders.
func (tx *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, Rebind(tx.dialect, q), args...)
}

// Rebind turns ? placeholders into $1, $2, … for PostgreSQL. Question marks
// inside single-quoted strings are left alone.
func Rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n, inQuote := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// IsUniqueViolation reports whether err is a unique-constraint violation on either database.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// Placeholders returns "?, ?, …" with n marks.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// NewID returns a random UUID (version 4) for a new row.
func NewID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// Backup writes a consistent copy of a SQLite database to path, a new file
// made with mode 0600, while it is in use (VACUUM INTO). PostgreSQL deployments use pg_dump.
func (d *DB) Backup(ctx context.Context, path string) error {
	if d.dialect != SQLite {
		return errors.New("backup: only for SQLite; use pg_dump for PostgreSQL")
	}
	// VACUUM INTO accepts an empty file: make it first, 0600 whatever the
	// umask, so the copy is never readable by others, not even for a moment.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := d.sql.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// Strings runs a query of one text column and returns its values (an empty,
// non-nil slice when there are none).
func (tx *Tx) Strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
