package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

// TestTokenExpiryMigration (F5): migration 0008 gives every token that had
// none an expiry 90 days after the migration ran, readable as a time on
// both databases.
func TestTokenExpiryMigration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ms, err := store.Migrations(db.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		var update string
		for _, m := range ms {
			if strings.HasPrefix(m.Name, "0008_token_expiry") {
				for _, line := range strings.Split(m.SQL, "\n") {
					if strings.HasPrefix(line, "UPDATE api_tokens") {
						update = strings.TrimSuffix(line, ";")
					}
				}
			}
		}
		if update == "" {
			t.Fatal("no UPDATE in migration 0008_token_expiry")
		}
		err = db.Tx(ctx, func(tx *store.Tx) error {
			for _, q := range []string{
				`INSERT INTO organisations (id, kind, name, created_at, updated_at) VALUES ('o1', 'region', 'R', ?, ?)`,
				`INSERT INTO users (id, email, name, organisation_id, password_hash, password_changed_at, created_at, updated_at) VALUES ('u1', 'u@x.nl', 'U', 'o1', '', ?, ?, ?)`,
				`INSERT INTO api_tokens (id, user_id, name, prefix, token_hash, created_at) VALUES ('t1', 'u1', 'oud', 'bkn_aaaaaa', 'h', ?)`,
			} {
				args := []any{tx.Now, tx.Now, tx.Now}[:strings.Count(q, "?")]
				if _, err := tx.Exec(ctx, q, args...); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, update)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var exp store.NullTime
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT expires_at FROM api_tokens WHERE id = 't1'`).Scan(&exp)
		}); err != nil {
			t.Fatal(err)
		}
		want := time.Now().AddDate(0, 0, 90)
		if !exp.Valid || exp.Time.Sub(want).Abs() > time.Minute {
			t.Errorf("expires_at = %v (valid %v), want about %v", exp.Time, exp.Valid, want)
		}
	})
}
