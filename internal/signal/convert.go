package signal

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Message keys of conversion problems.
const (
	KeyConvertHidden = "signal.convert.invalid" // no such signal, or one the actor may not convert
	KeyConvertFinal  = "signal.convert.final"   // closed or already converted
	// KeyConvertThroughCase: the status change was asked to set converted,
	// which only opening a case does.
	KeyConvertThroughCase = "signal.convert.through_case"
)

// CheckConvertTx reports, without writing anything, whether actor may turn
// signal id into a case: "" and the signal when so, else the key of the
// problem. A signal the actor may not see gives the same key as one that does
// not exist.
func (s *Service) CheckConvertTx(ctx context.Context, tx *store.Tx, actor policy.Subject, id string) (Signal, string, error) {
	sig, err := s.load(ctx, tx, id)
	if errs.Is(err, errs.NotFound) {
		return Signal{}, KeyConvertHidden, nil
	}
	if err != nil {
		return Signal{}, "", err
	}
	if !policy.Can(actor, policy.TransitionSignal, sig.Resource()) {
		return Signal{}, KeyConvertHidden, nil
	}
	if sig.Status == StatusClosed || sig.Status == StatusConverted {
		return sig, KeyConvertFinal, nil
	}
	return sig, "", nil
}

// ConvertTx moves signal id to converted inside the caller's transaction (the
// case service's create), through the whitelist: a new signal first goes to
// in_progress, one waiting for more information back to in_progress, each
// step appended to the history and in the processing log. The caller has
// checked it with CheckConvertTx; a signal that changed meanwhile is a
// conflict. remark is the public remark the reporter sees.
func (s *Service) ConvertTx(ctx context.Context, tx *store.Tx, actor policy.Subject, id, remark string) error {
	sig, err := s.load(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := policy.Require(actor, policy.TransitionSignal, sig.Resource()); err != nil {
		return err
	}
	path := []Status{StatusConverted}
	switch sig.Status {
	case StatusNew, StatusMoreInfoRequested:
		path = []Status{StatusInProgress, StatusConverted}
	case StatusInProgress:
	default:
		return errs.E(errs.Conflict, KeyConvertFinal)
	}
	for i, to := range path {
		if to == StatusConverted && sig.Status != convertFrom || to != StatusConverted && !slices.Contains(transitions[sig.Status], to) {
			return errs.E(errs.Conflict, KeyTransitionInvalid)
		}
		res, err := tx.Exec(ctx, `UPDATE signals SET status = ?, updated_at = ?, version = version + 1,
			would_change = would_change AND ? WHERE id = ? AND version = ?`, string(to), tx.Now, isOpen(to), id, sig.Version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return errs.E(errs.Conflict, "error.stale")
		}
		ev := Event{Seq: sig.Version + 1, From: sig.Status, To: to, ActorID: actor.UserID, At: tx.Now}
		if i == len(path)-1 {
			ev.Remark = remark
		}
		if err := s.insertEvent(ctx, tx, id, ev); err != nil {
			return err
		}
		sig.Status, sig.Version = to, sig.Version+1
		sig.History = append(sig.History, ev)
		if err := s.logSignal(ctx, tx, actor, "signal.transition", &sig, string(ev.From)+"→"+string(ev.To)); err != nil {
			return err
		}
	}
	return nil
}

// CaseOf returns the id and reference of the case signal id was converted
// to, "" when none. It reveals nothing inside the case: the reporter may
// learn that their signal became a case.
func CaseOf(ctx context.Context, tx *store.Tx, id string) (caseID, reference string, err error) {
	err = tx.QueryRow(ctx, `SELECT c.id, c.reference FROM case_signals cs JOIN cases c ON c.id = cs.case_id
		WHERE cs.signal_id = ?`, id).Scan(&caseID, &reference)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	return caseID, reference, err
}
