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
// current password. The attempt is counted before change runs, in one
// transaction holding the throttle row (see reserve), so guesses sent at the
// same moment are counted one after another: while the key is locked the
// answer is ErrLocked without trying; a wrong current password stays counted
// (and is in the processing log as a denied security event); a success
// clears the count; an attempt refused before the current password was
// checked (another field invalid, the server busy) gives its count back.
func (s *Service) GuardPasswordChange(ctx context.Context, actor policy.Subject, change func() error) error {
	if actor.Anonymous() {
		return errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	key := s.keys.Index("password-change", actor.UserID)
	entry := audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "auth.password_change",
		ObjectType: "user", ObjectID: actor.UserID, Activity: audit.ActivitySecurity, Subject: actor.UserID,
		SubjectType: audit.SubjectUser, Outcome: audit.Denied}
	var res reservation
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if res, err = s.reserve(ctx, tx, key); err != nil || !res.locked {
			return err
		}
		e := entry
		e.Detail = "locked out"
		return s.log.Write(ctx, tx, e)
	})
	if err != nil {
		return errs.Wrap(err, "password change")
	}
	if res.locked {
		return ErrLocked
	}
	cerr := change()
	wrong := false
	if e := errs.As(cerr); e != nil {
		wrong = slices.ContainsFunc(e.Fields, func(f errs.FieldError) bool { return f.Key == KeyCurrentWrong })
	}
	ctx = context.WithoutCancel(ctx)
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		switch {
		case cerr == nil:
			return s.clear(ctx, tx, key)
		case !wrong:
			return s.refund(ctx, tx, res)
		}
		e := entry
		e.Detail = "current password wrong"
		return s.log.Write(ctx, tx, e)
	})
	if err != nil {
		return errs.Wrap(err, "password change")
	}
	return cerr
}
