package auth_test

import (
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/store"
)

// TestPasswordChangeThrottled: guessing the current password through the
// change form locks the change like a login, per account.
func TestPasswordChangeThrottled(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		sub := f.sig.Subject()
		change := func(current string) error {
			return f.auth.GuardPasswordChange(f.ctx, sub, func() error {
				return f.org.ChangePassword(f.ctx, sub, "", current, "een heel nieuw wachtwoord")
			})
		}
		for i := range 3 { // testConfig.MaxFailures
			if err := change("fout geraden"); errs.CodeOf(err) != errs.Invalid {
				t.Fatalf("guess %d: %v", i+1, err)
			}
		}
		if err := change(testPassword); err != auth.ErrLocked {
			t.Fatalf("the right password while locked: %v, want ErrLocked", err)
		}
		// Another account is not affected.
		col := f.colleague.Subject()
		if err := f.auth.GuardPasswordChange(f.ctx, col, func() error {
			return f.org.ChangePassword(f.ctx, col, "", testPassword, "een ander nieuw wachtwoord")
		}); err != nil {
			t.Fatalf("colleague: %v", err)
		}
		f.clk.Advance(16 * time.Minute)
		if err := change(testPassword); err != nil {
			t.Fatalf("after the lockout: %v", err)
		}
		var denied int
		err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
			recs, _, err := audit.List(f.ctx, tx, audit.Filter{Action: "auth.password_change", Limit: 100})
			for _, r := range recs {
				if r.Outcome == audit.Denied {
					denied++
				}
			}
			return err
		})
		if err != nil || denied != 4 {
			t.Errorf("%d denied password-change records (3 wrong, 1 locked), %v", denied, err)
		}
	})
}
