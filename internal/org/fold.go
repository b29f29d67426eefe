package org

import (
	"context"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/baken-nl/baken/internal/store"
)

// Fold is the search form of a name: Unicode-decomposed, combining marks
// dropped, lower case, spaces collapsed ("Özdemir" → "ozdemir", "Zoë" →
// "zoe"). Stored in users.name_fold and applied to the query alike, so the
// search behaves the same on SQLite and PostgreSQL.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// FoldNames fills name_fold for users written before it existed (migration
// 0006); a no-op once every row has it. Called at start-up.
func (s *Service) FoldNames(ctx context.Context) (int, error) {
	n := 0
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, name FROM users WHERE name_fold = ''`)
		if err != nil {
			return err
		}
		type row struct{ id, name string }
		var todo []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.name); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range todo {
			if _, err := tx.Exec(ctx, `UPDATE users SET name_fold = ? WHERE id = ?`, Fold(r.name), r.id); err != nil {
				return err
			}
		}
		n = len(todo)
		return nil
	})
	return n, err
}
