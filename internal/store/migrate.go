package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one embedded schema change. Files named NAME.sql apply to both
// dialects; NAME-sqlite.sql and NAME-postgres.sql to one. In shared files the
// macros {{timestamp}}, {{blob}} and {{bigint}} expand per dialect.
type Migration struct {
	Name string
	SQL  string
}

// Migrations lists the migrations for a dialect, in name order.
func Migrations(d Dialect) ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		file := e.Name()
		name := strings.TrimSuffix(file, ".sql")
		switch {
		case strings.HasSuffix(name, "-sqlite"):
			if d != SQLite {
				continue
			}
			name = strings.TrimSuffix(name, "-sqlite")
		case strings.HasSuffix(name, "-postgres"):
			if d != Postgres {
				continue
			}
			name = strings.TrimSuffix(name, "-postgres")
		}
		b, err := migrationFS.ReadFile("migrations/" + file)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Name: name, SQL: expandMacros(d, string(b))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	for i := 1; i < len(out); i++ {
		if out[i].Name == out[i-1].Name {
			return nil, fmt.Errorf("migration %s exists twice for %s", out[i].Name, d)
		}
	}
	return out, nil
}

func expandMacros(d Dialect, s string) string {
	r := map[Dialect]*strings.Replacer{
		SQLite:   strings.NewReplacer("{{timestamp}}", "TIMESTAMP", "{{blob}}", "BLOB", "{{bigint}}", "INTEGER"),
		Postgres: strings.NewReplacer("{{timestamp}}", "TIMESTAMPTZ", "{{blob}}", "BYTEA", "{{bigint}}", "BIGINT"),
	}[d]
	return r.Replace(s)
}

// Migrate applies every migration not yet recorded in schema_migrations, each
// in its own transaction, and returns the names it applied. On PostgreSQL an
// advisory lock keeps concurrently starting servers from racing.
func (d *DB) Migrate(ctx context.Context) ([]string, error) {
	ms, err := Migrations(d.dialect)
	if err != nil {
		return nil, err
	}
	if _, err := d.sql.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY,
		applied_at `+expandMacros(d.dialect, "{{timestamp}}")+` NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied []string
	for _, m := range ms {
		err := d.Tx(ctx, func(tx *Tx) error {
			if d.dialect == Postgres {
				if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7261002)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, m.Name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range splitStatements(m.SQL) {
				if _, err := tx.Exec(ctx, stmt); err != nil {
					return fmt.Errorf("%w\nin statement:\n%s", err, stmt)
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, m.Name, tx.Now); err != nil {
				return err
			}
			applied = append(applied, m.Name)
			return nil
		})
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return applied, nil
}

// Pending lists the migrations not yet applied.
func (d *DB) Pending(ctx context.Context) ([]string, error) {
	ms, err := Migrations(d.dialect)
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	rows, err := d.sql.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err == nil {
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return nil, err
			}
			done[n] = true
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var out []string
	for _, m := range ms {
		if !done[m.Name] {
			out = append(out, m.Name)
		}
	}
	return out, nil
}

// splitStatements splits a migration on semicolons at line ends. Migrations
// keep one statement per semicolon-terminated block and no semicolons inside
// string literals at line ends.
func splitStatements(s string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "--") || t == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, strings.TrimSpace(cur.String()))
	}
	return out
}
