package auth

import (
	"context"
	"slices"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// KeyCurrentWrong is the field problem of a wrong current password
// (org.Service.ChangePassword reports it on the field "current").
const KeyCurrentWrong = "password.current_wrong"

// GuardPasswordChange runs change — the signed-in user's own password change
// (org.Service.ChangePassword) — behind the same throttle as signing in,
// keyed on the account: a taken-over session cannot be used to guess the
// current password. While the account's key is locked the answer is
// ErrLocked without trying; a wrong current password counts as a failure
// (and is in the processing log as a denied security event); a success
// clears the count.
func (s *Service) GuardPasswordChange(ctx context.Context, actor policy.Subject, change func() error) error {
	if actor.Anonymous() {
		return errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	key := s.keys.Index("password-change", actor.UserID)
	var locked bool
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var until store.NullTime
		err := tx.QueryRow(ctx, `SELECT locked_until FROM login_throttle WHERE key = ?`, key).Scan(&until)
		if err != nil && !isNoRows(err) {
			return err
		}
		locked = until.Valid && until.Time.After(tx.Now)
		if !locked {
			return nil
		}
		return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "auth.password_change",
			ObjectType: "user", ObjectID: actor.UserID, Activity: audit.ActivitySecurity, Subject: actor.UserID,
			SubjectType: audit.SubjectUser, Outcome: audit.Denied, Detail: "locked out"})
	})
	if err != nil {
		return errs.Wrap(err, "password change")
	}
	if locked {
		return ErrLocked
	}
	cerr := change()
	wrong := false
	if e := errs.As(cerr); e != nil {
		wrong = slices.ContainsFunc(e.Fields, func(f errs.FieldError) bool { return f.Key == KeyCurrentWrong })
	}
	if cerr != nil && !wrong {
		return cerr
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if !wrong {
			_, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE key = ?`, key)
			return err
		}
		if err := s.recordFailure(ctx, tx, key); err != nil {
			return err
		}
		return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "auth.password_change",
			ObjectType: "user", ObjectID: actor.UserID, Activity: audit.ActivitySecurity, Subject: actor.UserID,
			SubjectType: audit.SubjectUser, Outcome: audit.Denied, Detail: "current password wrong"})
	})
	if err != nil {
		return errs.Wrap(err, "password change")
	}
	return cerr
}
