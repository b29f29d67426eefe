package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Message keys of transfers (i18n catalog/casework.*.json).
const (
	KeyTransferSameRegion = "case.transfer.same_region"
	KeyTransferPending    = "case.transfer.pending"
	KeyTransferNotPending = "case.transfer.not_pending"
	KeyTransferClosed     = "case.transfer.closed"
	// KeyAssignGrant: a break-the-glass grant holder tried to hand over or
	// transfer the case (security review F4).
	KeyAssignGrant = "case.assign.grant"
)

// Transfer statuses.
const (
	TransferPending   = "pending"
	TransferAccepted  = "accepted"
	TransferDeclined  = "declined"
	TransferWithdrawn = "withdrawn"
)

// Transfer is a request to move a case to another region (the client
// moves); the receiving region accepts or declines it.
type Transfer struct {
	ID             string    `json:"id"`
	CaseID         string    `json:"caseId"`
	FromRegionID   string    `json:"fromRegionId"`
	FromRegionName string    `json:"fromRegionName"`
	ToRegionID     string    `json:"toRegionId"`
	ToRegionName   string    `json:"toRegionName"`
	Status         string    `json:"status"`
	Reason         string    `json:"reason,omitempty"`
	RequestedBy    string    `json:"requestedBy"`
	RequestedAt    time.Time `json:"requestedAt"`
	DecidedBy      string    `json:"decidedBy,omitempty"`
	DecidedAt      time.Time `json:"decidedAt,omitzero"`
}

// IncomingTransfer is a pending transfer as the receiving region sees it:
// no client data (not even the sealed reason, which may name the client)
// until it accepts.
type IncomingTransfer struct {
	ID             string    `json:"id"`
	CaseID         string    `json:"caseId"`
	Reference      string    `json:"reference"`
	FromRegionID   string    `json:"fromRegionId"`
	FromRegionName string    `json:"fromRegionName"`
	Forms          []string  `json:"forms"`
	RequestedAt    time.Time `json:"requestedAt"`
}

// RequestTransfer asks region toRegionID (a region other than the case's)
// to take over case caseID. reason (required) is sealed. At most one
// transfer of a case is pending; a closed case is not transferred. Only an
// assigned coordinator asks (policy.AssignCase), never a grant holder.
func (s *Service) RequestTransfer(ctx context.Context, actor policy.Subject, caseID, toRegionID, reason string) (Transfer, error) {
	toRegionID = strings.TrimSpace(toRegionID)
	reason = strings.TrimSpace(reason)
	var t Transfer
	_, err := s.writeAs(ctx, actor, policy.AssignCase, caseID, 0, "request transfer", func(tx *store.Tx, c *Case) error {
		var v errs.Validation
		switch ok, err := isRegion(ctx, tx, toRegionID); {
		case err != nil:
			return err
		case toRegionID == "":
			v.Add("toRegionId", KeyRequired)
		case !ok:
			v.Add("toRegionId", KeyRegionInvalid)
		case toRegionID == c.RegionID:
			v.Add("toRegionId", KeyTransferSameRegion)
		}
		v.Check(reason != "", "reason", KeyRequired)
		text(&v, "reason", reason, MaxReason)
		if err := v.Err(); err != nil {
			return err
		}
		if c.Phase == PhaseClosed {
			return errs.E(errs.Conflict, KeyTransferClosed)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM case_transfers WHERE case_id = ? AND status = 'pending'`, c.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.E(errs.Conflict, KeyTransferPending)
		}
		t = Transfer{ID: store.NewID(), CaseID: c.ID, FromRegionID: c.RegionID, ToRegionID: toRegionID,
			Status: TransferPending, Reason: reason, RequestedBy: actor.UserID, RequestedAt: tx.Now}
		sealed, err := s.seal(reason, "case_transfers", "reason", t.ID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO case_transfers (id, case_id, from_region_id, to_region_id, status, reason_enc,
			requested_by, requested_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`, t.ID, t.CaseID, t.FromRegionID, t.ToRegionID,
			sealed, t.RequestedBy, t.RequestedAt); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT f.name, r.name FROM organisations f, organisations r WHERE f.id = ? AND r.id = ?`,
			t.FromRegionID, t.ToRegionID).Scan(&t.FromRegionName, &t.ToRegionName); err != nil {
			return err
		}
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindTransferAsked, reason, map[string]string{"transfer": t.ID,
			"from": t.FromRegionID, "to": t.ToRegionID}); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.transfer", c.ID, "request")
	})
	if err != nil {
		return Transfer{}, err
	}
	return t, nil
}

// WithdrawTransfer withdraws the pending transfer transferID of case caseID
// (the sending side: AssignCase on the case). One that is no longer pending
// is a conflict answered with its current state.
func (s *Service) WithdrawTransfer(ctx context.Context, actor policy.Subject, caseID, transferID string) (Transfer, error) {
	var t Transfer
	_, err := s.writeAs(ctx, actor, policy.AssignCase, caseID, 0, "withdraw transfer", func(tx *store.Tx, c *Case) error {
		// Only a transfer of this case: another case's transfer (its
		// reason sealed for that case's coordinators) is neither opened
		// nor returned, and does not exist here.
		list, err := s.transfers(ctx, tx, true, `t.id = ? AND t.case_id = ?`, transferID, c.ID)
		if err != nil {
			return err
		}
		if len(list) != 1 {
			return errs.E(errs.NotFound, "error.not_found")
		}
		t = list[0]
		if err := s.decide(ctx, tx, actor, &t, TransferWithdrawn); err != nil {
			return err
		}
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindTransferWithdrawn, "", map[string]string{"transfer": t.ID,
			"to": t.ToRegionID}); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.transfer", c.ID, "withdraw")
	})
	return t, err
}

// decide moves pending transfer t to status; a transfer that is no longer
// pending is a conflict.
func (s *Service) decide(ctx context.Context, tx *store.Tx, actor policy.Subject, t *Transfer, status string) error {
	if t.Status != TransferPending {
		return errs.E(errs.Conflict, KeyTransferNotPending)
	}
	res, err := tx.Exec(ctx, `UPDATE case_transfers SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'`,
		status, actor.UserID, tx.Now, t.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return errs.E(errs.Conflict, KeyTransferNotPending)
	}
	t.Status, t.DecidedBy, t.DecidedAt = status, actor.UserID, tx.Now
	return nil
}

// transfer reads transfer id, the reason opened when open is set.
func (s *Service) transfer(ctx context.Context, tx *store.Tx, id string, open bool) (Transfer, error) {
	list, err := s.transfers(ctx, tx, open, `t.id = ?`, id)
	if err != nil {
		return Transfer{}, err
	}
	if len(list) != 1 {
		return Transfer{}, errs.E(errs.NotFound, "error.not_found")
	}
	return list[0], nil
}

func (s *Service) transfers(ctx context.Context, tx *store.Tx, open bool, where string, args ...any) ([]Transfer, error) {
	rows, err := tx.Query(ctx, `SELECT t.id, t.case_id, t.from_region_id, COALESCE(f.name, ''), t.to_region_id,
		COALESCE(r.name, ''), t.status, t.reason_enc, t.requested_by, t.requested_at, t.decided_by, t.decided_at
		FROM case_transfers t LEFT JOIN organisations f ON f.id = t.from_region_id
		LEFT JOIN organisations r ON r.id = t.to_region_id WHERE `+where+` ORDER BY t.requested_at DESC, t.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Transfer{}
	for rows.Next() {
		var t Transfer
		var reason string
		var at store.Time
		var dec store.NullTime
		if err := rows.Scan(&t.ID, &t.CaseID, &t.FromRegionID, &t.FromRegionName, &t.ToRegionID, &t.ToRegionName,
			&t.Status, &reason, &t.RequestedBy, &at, &t.DecidedBy, &dec); err != nil {
			return nil, err
		}
		t.RequestedAt = at.Time
		if p := dec.Ptr(); p != nil {
			t.DecidedAt = *p
		}
		if open {
			if t.Reason, err = s.open(reason, "case_transfers", "reason", t.ID); err != nil {
				return nil, err
			}
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ListTransfers returns the transfers of case caseID, newest first, with
// their reasons: a logged read.
func (s *Service) ListTransfers(ctx context.Context, actor policy.Subject, caseID string) ([]Transfer, error) {
	var out []Transfer
	err := s.readWith(ctx, actor, caseID, "list transfers", "transfers", func(tx *store.Tx, c *Case) error {
		var err error
		out, err = s.transfers(ctx, tx, true, `t.case_id = ?`, c.ID)
		return err
	})
	return out, err
}

// IncomingTransfers lists the pending transfers to the actor's region,
// oldest first: reference, sending region, forms, when — no client data,
// so the list is not logged.
func (s *Service) IncomingTransfers(ctx context.Context, actor policy.Subject) ([]IncomingTransfer, error) {
	var out []IncomingTransfer
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		if err := requireList(actor); err != nil {
			return err
		}
		if !policy.Can(actor, policy.DecideTransfer, policy.Resource{ID: "*", RegionID: actor.RegionID}) {
			out = []IncomingTransfer{}
			return nil
		}
		rows, err := tx.Query(ctx, `SELECT t.id, t.case_id, c.reference, t.from_region_id, COALESCE(f.name, ''), c.forms,
			t.requested_at FROM case_transfers t JOIN cases c ON c.id = t.case_id
			LEFT JOIN organisations f ON f.id = t.from_region_id
			WHERE t.to_region_id = ? AND t.status = 'pending' ORDER BY t.requested_at, t.id`, actor.RegionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		out = []IncomingTransfer{}
		for rows.Next() {
			var it IncomingTransfer
			var forms string
			var at store.Time
			if err := rows.Scan(&it.ID, &it.CaseID, &it.Reference, &it.FromRegionID, &it.FromRegionName, &forms, &at); err != nil {
				return err
			}
			it.RequestedAt = at.Time
			if err := json.Unmarshal([]byte(forms), &it.Forms); err != nil {
				return fmt.Errorf("case %s forms: %w", it.CaseID, err)
			}
			out = append(out, it)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, errs.Wrap(err, "incoming transfers")
	}
	return out, nil
}

// decision loads transfer id and requires DecideTransfer on its receiving
// region; to everyone else it does not exist.
func (s *Service) decision(ctx context.Context, tx *store.Tx, actor policy.Subject, id string) (Transfer, error) {
	if actor.Anonymous() {
		return Transfer{}, errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	if tx.Dialect() == store.Postgres {
		if _, err := tx.Exec(ctx, `SELECT id FROM cases WHERE id = (SELECT case_id FROM case_transfers WHERE id = ?) FOR UPDATE`, id); err != nil {
			return Transfer{}, err
		}
	}
	t, err := s.transfer(ctx, tx, id, false)
	if err != nil {
		return t, err
	}
	if err := policy.Require(actor, policy.DecideTransfer, policy.Resource{ID: t.CaseID, RegionID: t.ToRegionID}); err != nil {
		return t, err
	}
	return t, nil
}

// AcceptTransfer accepts pending transfer id into the actor's region: the
// case's region becomes the receiving region, its assigned coordinators are
// replaced by the accepting coordinator (who also takes over their open
// tasks), and current break-the-glass grants end. On the timeline and in the
// log. A transfer no longer pending is a conflict.
func (s *Service) AcceptTransfer(ctx context.Context, actor policy.Subject, id string) (Transfer, error) {
	var t Transfer
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if t, err = s.decision(ctx, tx, actor, id); err != nil {
			return err
		}
		var version int
		var phase Phase
		if err := tx.QueryRow(ctx, `SELECT version, phase FROM cases WHERE id = ?`, t.CaseID).Scan(&version, &phase); err != nil {
			return err
		}
		if t.Status == TransferPending && phase == PhaseClosed {
			// Closed after the request: a closed file is not handed to
			// another region (its retention runs where it was closed).
			// The request may still be declined or withdrawn.
			return errs.E(errs.Conflict, KeyTransferClosed)
		}
		if err := s.decide(ctx, tx, actor, &t, TransferAccepted); err != nil {
			return err
		}
		c := Case{ID: t.CaseID, Version: version}
		if _, err := tx.Exec(ctx, `UPDATE cases SET region_id = ? WHERE id = ?`, t.ToRegionID, c.ID); err != nil {
			return err
		}
		if err := bump(ctx, tx, &c); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE case_tasks SET owner_id = ?, version = version + 1
			WHERE case_id = ? AND done_at IS NULL AND owner_id <> ?`, actor.UserID, c.ID, actor.UserID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM case_coordinators WHERE case_id = ?`, c.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO case_coordinators (case_id, user_id, since) VALUES (?, ?, ?)`,
			c.ID, actor.UserID, tx.Now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE case_access_grants SET until_at = ? WHERE case_id = ? AND until_at > ?`,
			tx.Now, c.ID, tx.Now); err != nil {
			return err
		}
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindTransferAccepted, "", map[string]string{"transfer": t.ID,
			"from": t.FromRegionID, "to": t.ToRegionID}); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.transfer", c.ID, "accept")
	})
	if err != nil {
		return Transfer{}, errs.Wrap(err, "accept transfer")
	}
	return t, nil
}

// DeclineTransfer declines pending transfer id; reason (optional, sealed in
// the timeline event's body) tells the sending region why. The case stays
// where it is. A transfer no longer pending is a conflict.
func (s *Service) DeclineTransfer(ctx context.Context, actor policy.Subject, id, reason string) (Transfer, error) {
	reason = strings.TrimSpace(reason)
	var t Transfer
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if t, err = s.decision(ctx, tx, actor, id); err != nil {
			return err
		}
		var v errs.Validation
		text(&v, "reason", reason, MaxReason)
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.decide(ctx, tx, actor, &t, TransferDeclined); err != nil {
			return err
		}
		if _, err := s.appendEvent(ctx, tx, actor, t.CaseID, KindTransferDeclined, reason, map[string]string{"transfer": t.ID,
			"to": t.ToRegionID}); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.transfer", t.CaseID, "decline")
	})
	if err != nil {
		return Transfer{}, errs.Wrap(err, "decline transfer")
	}
	return t, nil
}
