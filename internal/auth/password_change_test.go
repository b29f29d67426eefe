package auth_test

import (
	"strconv"
	"sync"
	"sync/atomic"
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
				return f.org.ChangePassword(f.ctx, sub, "", current, "een heel nieuw wachtwoord", false)
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
			return f.org.ChangePassword(f.ctx, col, "", testPassword, "een ander nieuw wachtwoord", false)
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

// TestPasswordChangeThrottledUnderConcurrency (F3): guesses at the current
// password sent at the same moment are counted before any is checked, so at
// most MaxFailures of them are checked, the rest get ErrLocked, and the
// right password afterwards is locked out too.
func TestPasswordChangeThrottledUnderConcurrency(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		sub := f.sig.Subject()
		const n = 12
		results := make([]error, n)
		var checked atomic.Int32
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				results[i] = f.auth.GuardPasswordChange(f.ctx, sub, func() error {
					checked.Add(1)
					return f.org.ChangePassword(f.ctx, sub, "", "fout geraden "+strconv.Itoa(i), "een heel nieuw wachtwoord", false)
				})
			})
		}
		close(start)
		wg.Wait()
		if got := int(checked.Load()); got > testConfig.MaxFailures {
			t.Errorf("%d of %d simultaneous guesses were checked, want at most %d", got, n, testConfig.MaxFailures)
		}
		var locked int
		for i, err := range results {
			switch {
			case err == auth.ErrLocked:
				locked++
			case errs.CodeOf(err) != errs.Invalid:
				t.Errorf("guess %d: %v", i, err)
			}
		}
		if locked < n-testConfig.MaxFailures {
			t.Errorf("%d of %d guesses locked, want at least %d", locked, n, n-testConfig.MaxFailures)
		}
		if err := f.auth.GuardPasswordChange(f.ctx, sub, func() error {
			return f.org.ChangePassword(f.ctx, sub, "", testPassword, "een heel nieuw wachtwoord", false)
		}); err != auth.ErrLocked {
			t.Errorf("the right password after the simultaneous guesses: %v, want ErrLocked", err)
		}
	})
}

// TestPasswordChangeUncheckedAttemptsGiveTheirCountBack: an attempt refused
// before the current password is checked (the new one too short) is not a
// guess and does not count towards the lockout.
func TestPasswordChangeUncheckedAttemptsGiveTheirCountBack(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		sub := f.sig.Subject()
		for range testConfig.MaxFailures + 2 {
			err := f.auth.GuardPasswordChange(f.ctx, sub, func() error {
				return f.org.ChangePassword(f.ctx, sub, "", testPassword, "kort", false)
			})
			if errs.CodeOf(err) != errs.Invalid {
				t.Fatalf("too short a new password: %v", err)
			}
		}
		if err := f.auth.GuardPasswordChange(f.ctx, sub, func() error {
			return f.org.ChangePassword(f.ctx, sub, "", testPassword, "een heel nieuw wachtwoord", false)
		}); err != nil {
			t.Fatalf("after attempts that checked nothing: %v", err)
		}
	})
}
