package auth

import (
	"context"

	"github.com/baken-nl/baken/internal/store"
)

// The throttle of password guesses, one for sign-in and for the own
// password change, keyed per account (a keyed hash of the address or the
// user id, never the address itself).
//
// A guess is counted before its password is checked: reserve runs in one
// transaction holding the key's row, refuses a locked key without any
// hashing, and otherwise counts the attempt as a failure, locking the key
// when the count reaches MaxFailures. Guesses sent at the same moment are
// therefore counted one after another, and at most MaxFailures of them are
// checked per lockout. Afterwards a success clears the row (clear) and an
// attempt whose password was not checked at all (the server was busy, the
// input was refused before checking) gives its count back (refund).

// reservation is one counted attempt.
type reservation struct {
	key    string
	locked bool // refused: the key was locked; nothing was counted
	locks  bool // this attempt reached MaxFailures and set the lock
}

// reserve counts an attempt under key, or reports the key locked.
func (s *Service) reserve(ctx context.Context, tx *store.Tx, key string) (reservation, error) {
	r := reservation{key: key}
	// One statement that creates the row or takes the existing one, and
	// holds it until the transaction ends (a row another transaction deletes
	// meanwhile is simply made anew).
	var failures int
	var start store.Time
	var until store.NullTime
	if err := tx.QueryRow(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES (?, 0, ?)
		ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING failures, window_start, locked_until`, key, tx.Now).
		Scan(&failures, &start, &until); err != nil {
		return r, err
	}
	if until.Valid && until.Time.After(tx.Now) {
		r.locked = true
		return r, nil
	}
	if tx.Now.Sub(start.Time) > s.cfg.Window {
		failures, start.Time = 0, tx.Now
	}
	failures++
	var lockUntil any
	if failures >= s.cfg.MaxFailures {
		lockUntil, failures, start.Time, r.locks = tx.Now.Add(s.cfg.Lockout), 0, tx.Now, true
	}
	_, err := tx.Exec(ctx, `UPDATE login_throttle SET failures = ?, window_start = ?, locked_until = ? WHERE key = ?`,
		failures, start.Time, lockUntil, key)
	return r, err
}

// clear ends the count of key after a right password.
func (s *Service) clear(ctx context.Context, tx *store.Tx, key string) error {
	_, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE key = ?`, key)
	return err
}

// refund gives back the count of an attempt whose password was not checked.
// If that attempt set the lock, the lock goes and the count is as before it.
func (s *Service) refund(ctx context.Context, tx *store.Tx, r reservation) error {
	if r.locked {
		return nil
	}
	if r.locks {
		_, err := tx.Exec(ctx, `UPDATE login_throttle SET failures = ?, locked_until = NULL WHERE key = ?`, s.cfg.MaxFailures-1, r.key)
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE login_throttle SET failures = failures - 1 WHERE key = ? AND failures > 0`, r.key)
	return err
}
