package cases

import (
	"context"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// KeySupportStale: the support domain changed since it was read.
const KeySupportStale = "case.support.stale"

// SupportItem is one domain of the support plan.
type SupportItem struct {
	Domain string `json:"domain"` // catalogue supportDomains
	// Status: catalogue supportStatuses, "" when not set yet.
	Status        string    `json:"status"`
	Note          string    `json:"note"`
	UpdatedBy     string    `json:"updatedBy,omitempty"`
	UpdatedByName string    `json:"updatedByName,omitempty"`
	UpdatedAt     time.Time `json:"updatedAt,omitzero"`
	// Version of the domain's row, 0 while not set: SetSupport's version.
	Version int `json:"version"`
}

// SupportInput sets one support domain.
type SupportInput struct {
	Domain string `json:"domain"`
	Status string `json:"status"`
	Note   string `json:"note"`
}

// SetSupport sets the status (and note, sealed) of one support domain of
// case caseID. version is the domain's version the coordinator saw (0: not
// set yet); a stale one is a conflict answered with the domain's current
// state. The timeline gets the domain and status, the note in the sealed body.
func (s *Service) SetSupport(ctx context.Context, actor policy.Subject, caseID string, version int, in SupportInput) (SupportItem, error) {
	in.Domain = strings.TrimSpace(in.Domain)
	in.Status = strings.TrimSpace(in.Status)
	in.Note = strings.TrimSpace(in.Note)
	var it SupportItem
	_, err := s.write(ctx, actor, caseID, 0, "set support", func(tx *store.Tx, c *Case) error {
		var v errs.Validation
		cw := s.cat.Casework
		v.Check(in.Domain != "", "domain", KeyRequired)
		option(&v, "domain", cw.SupportDomains, in.Domain)
		v.Check(in.Status != "", "status", KeyRequired)
		option(&v, "status", cw.SupportStatuses, in.Status)
		text(&v, "note", in.Note, MaxNote)
		if err := v.Err(); err != nil {
			return err
		}
		items, err := s.support(ctx, tx, c.ID, in.Domain)
		if err != nil {
			return err
		}
		it = SupportItem{Domain: in.Domain}
		if len(items) == 1 {
			it = items[0]
		}
		if it.Version != version {
			return errs.E(errs.Conflict, KeySupportStale)
		}
		note, err := s.seal(in.Note, "case_support", "note", c.ID+"/"+in.Domain)
		if err != nil {
			return err
		}
		if it.Version == 0 {
			_, err = tx.Exec(ctx, `INSERT INTO case_support (case_id, domain, status, note_enc, updated_by, updated_at, version)
				VALUES (?, ?, ?, ?, ?, ?, 1)`, c.ID, in.Domain, in.Status, note, actor.UserID, tx.Now)
		} else {
			var res interface{ RowsAffected() (int64, error) }
			res, err = tx.Exec(ctx, `UPDATE case_support SET status = ?, note_enc = ?, updated_by = ?, updated_at = ?,
				version = version + 1 WHERE case_id = ? AND domain = ? AND version = ?`,
				in.Status, note, actor.UserID, tx.Now, c.ID, in.Domain, version)
			if err == nil {
				if n, e := res.RowsAffected(); e != nil {
					err = e
				} else if n != 1 {
					err = errs.E(errs.Conflict, KeySupportStale)
				}
			}
		}
		if err != nil {
			return err
		}
		it.Status, it.Note, it.UpdatedBy, it.UpdatedAt = in.Status, in.Note, actor.UserID, tx.Now
		it.Version++
		if err := tx.QueryRow(ctx, `SELECT name FROM users WHERE id = ?`, actor.UserID).Scan(&it.UpdatedByName); err != nil {
			return err
		}
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindSupport, in.Note,
			map[string]string{"domain": in.Domain, "status": in.Status}); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.support", c.ID, in.Domain)
	})
	return it, err
}

// support reads the set domains of case id (only domain when given), notes opened.
func (s *Service) support(ctx context.Context, tx *store.Tx, caseID, domain string) ([]SupportItem, error) {
	q := `SELECT cs.domain, cs.status, cs.note_enc, cs.updated_by, COALESCE(u.name, ''), cs.updated_at, cs.version
		FROM case_support cs LEFT JOIN users u ON u.id = cs.updated_by WHERE cs.case_id = ?`
	args := []any{caseID}
	if domain != "" {
		q += ` AND cs.domain = ?`
		args = append(args, domain)
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SupportItem
	for rows.Next() {
		var it SupportItem
		var note string
		var at store.Time
		if err := rows.Scan(&it.Domain, &it.Status, &note, &it.UpdatedBy, &it.UpdatedByName, &at, &it.Version); err != nil {
			return nil, err
		}
		it.UpdatedAt = at.Time
		if it.Note, err = s.open(note, "case_support", "note", caseID+"/"+it.Domain); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// SupportPlan returns every support domain of the catalogue, in its order,
// with its status on case caseID ("" and version 0 when not set). Domains
// stored but no longer in the catalogue follow at the end. A logged read.
func (s *Service) SupportPlan(ctx context.Context, actor policy.Subject, caseID string) ([]SupportItem, error) {
	var out []SupportItem
	err := s.readWith(ctx, actor, caseID, "support plan", "support", func(tx *store.Tx, c *Case) error {
		var err error
		out, err = s.supportPlanOf(ctx, tx, c.ID)
		return err
	})
	return out, err
}

// supportPlanOf reads the support plan of a case (no policy check): every
// catalogue domain in order, then domains the catalogue no longer has.
func (s *Service) supportPlanOf(ctx context.Context, tx *store.Tx, caseID string) ([]SupportItem, error) {
	set, err := s.support(ctx, tx, caseID, "")
	if err != nil {
		return nil, err
	}
	byDomain := map[string]SupportItem{}
	for _, it := range set {
		byDomain[it.Domain] = it
	}
	out := make([]SupportItem, 0, len(s.cat.Casework.SupportDomains))
	for _, d := range s.cat.Casework.SupportDomains {
		it, ok := byDomain[d.ID]
		if !ok {
			it = SupportItem{Domain: d.ID}
		}
		delete(byDomain, d.ID)
		out = append(out, it)
	}
	for _, it := range set {
		if _, left := byDomain[it.Domain]; left {
			out = append(out, it)
		}
	}
	return out, nil
}
