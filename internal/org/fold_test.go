package org_test

import (
	"testing"

	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Özdemir": "ozdemir", "Zoë  Zorg": "zoe zorg", "ÇELİK": "celik", "Ångström": "angstrom",
		"de Vries": "de vries", "Łukasz": "łukasz", // ł has no decomposition: kept, lower case
	} {
		if got := org.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSearchIgnoresDiacritics: a beheerder finds "Özdemir" by typing
// "ozdemir" or "özdemir", on both databases (SQLite's lower() alone folds
// only ASCII).
func TestSearchIgnoresDiacritics(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		u := f.mustUser(t, "a.ozdemir@groningen.nl", "Ayşe Özdemir", f.groningen.ID, policy.Signaleerder)
		for _, q := range []string{"özdemir", "ozdemir", "OZDEMIR", "ayse", "Ayşe Öz", "A.OZDEMIR@"} {
			list, _, err := f.svc.ListUsers(f.ctx, f.noordAdmin.Subject(), org.UserFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ID != u.ID {
				t.Errorf("%q found %d users", q, len(list))
			}
		}
		// A rename refolds.
		in := org.UserInput{Email: u.Email, Name: "Ayşe Çelik", OrganisationID: u.OrganisationID, Roles: u.Roles, Locale: "nl"}
		if _, err := f.svc.UpdateUser(f.ctx, f.noordAdmin.Subject(), u.ID, u.Version, in); err != nil {
			t.Fatal(err)
		}
		if list, _, _ := f.svc.ListUsers(f.ctx, f.noordAdmin.Subject(), org.UserFilter{Query: "celik"}); len(list) != 1 {
			t.Errorf("renamed user not found by the new name: %d", len(list))
		}
		// Rows from before the column are folded at start-up.
		if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(f.ctx, `UPDATE users SET name_fold = ''`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		n, err := f.svc.FoldNames(f.ctx)
		if err != nil || n < 5 {
			t.Fatalf("folded %d, %v", n, err)
		}
		if n, _ := f.svc.FoldNames(f.ctx); n != 0 {
			t.Errorf("a second run folded %d", n)
		}
		if list, _, _ := f.svc.ListUsers(f.ctx, f.noordAdmin.Subject(), org.UserFilter{Query: "celik"}); len(list) != 1 {
			t.Errorf("not found after the backfill")
		}
	})
}
