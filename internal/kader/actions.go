package kader

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

func (in *ActionInput) normalise() {
	in.AssessmentID = strings.TrimSpace(in.AssessmentID)
	in.BlockID = strings.TrimSpace(in.BlockID)
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	in.Owner = strings.TrimSpace(in.Owner)
	in.Deadline = strings.TrimSpace(in.Deadline)
	if in.Status == "" {
		in.Status = Planned
	}
}

// validate checks an action of municipality m; every problem at once.
func (s *Service) validateAction(ctx context.Context, tx *store.Tx, m string, in ActionInput) error {
	var v errs.Validation
	v.Check(in.Title != "", "title", KeyTitleRequired)
	text(&v, "title", in.Title, MaxTitle)
	text(&v, "description", in.Description, MaxDesc)
	text(&v, "owner", in.Owner, MaxOwner)
	v.Check(in.Deadline == "" || validDate(in.Deadline), "deadline", KeyDateInvalid)
	v.Check(slices.Contains(ActionStatuses, in.Status), "status", KeyActionStatusInvalid)
	if in.BlockID != "" {
		_, ok := s.cat.BuildingBlock(in.BlockID)
		v.Check(ok, "blockId", KeyItemUnknown)
	}
	if in.AssessmentID != "" {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM self_assessments WHERE id = ? AND municipality_id = ?`,
			in.AssessmentID, m).Scan(&n); err != nil {
			return err
		}
		v.Check(n == 1, "assessmentId", KeyRoundInvalid)
	}
	return v.Err()
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateAction adds an action to the plan of a municipality ("" = the
// actor's own), optionally linked to a round and a building block.
func (s *Service) CreateAction(ctx context.Context, actor policy.Subject, municipalityID string, in ActionInput) (Action, error) {
	in.normalise()
	if municipalityID == "" {
		municipalityID = actor.OrgID
	}
	var id string
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		_, region, ok, err := municipality(ctx, tx, municipalityID)
		if err != nil {
			return err
		}
		if err := policy.Require(actor, policy.EditSelfAssessment, policy.Resource{OrgID: municipalityID, RegionID: region}); err != nil {
			return err
		}
		if !ok {
			var v errs.Validation
			v.Add("municipalityId", KeyMunicipalityInvalid)
			return v.Err()
		}
		if err := s.validateAction(ctx, tx, municipalityID, in); err != nil {
			return err
		}
		id = store.NewID()
		if _, err := tx.Exec(ctx, `INSERT INTO policy_actions (id, municipality_id, assessment_id, block_id, title, description,
			owner, deadline, status, created_by, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			id, municipalityID, nullable(in.AssessmentID), in.BlockID, in.Title, in.Description, in.Owner, in.Deadline,
			string(in.Status), actor.UserID, tx.Now, tx.Now); err != nil {
			return err
		}
		return s.logChange(ctx, tx, actor, "kader.action.create", "policy_action", id, in.BlockID)
	})
	if err != nil {
		return Action{}, errs.Wrap(err, "create action")
	}
	return s.Action(ctx, actor, id)
}

const actionColumns = `a.id, a.municipality_id, COALESCE(a.assessment_id, ''), a.block_id, a.title, a.description, a.owner,
	a.deadline, a.status, a.created_at, a.updated_at, a.version, COALESCE(o.region_id, '')`

func scanAction(sc interface{ Scan(...any) error }, today string) (Action, string, error) {
	var a Action
	var c, u store.Time
	var region string
	err := sc.Scan(&a.ID, &a.MunicipalityID, &a.AssessmentID, &a.BlockID, &a.Title, &a.Description, &a.Owner,
		&a.Deadline, &a.Status, &c, &u, &a.Version, &region)
	a.CreatedAt, a.UpdatedAt = c.Time, u.Time
	a.Overdue = a.Deadline != "" && a.Deadline < today && (a.Status == Planned || a.Status == InProgress)
	a.Notes = []Note{}
	return a, region, err
}

func (s *Service) loadAction(ctx context.Context, tx *store.Tx, actor policy.Subject, id string, act policy.Action) (Action, error) {
	if actor.Anonymous() {
		return Action{}, errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	a, region, err := scanAction(tx.QueryRow(ctx, `SELECT `+actionColumns+` FROM policy_actions a
		JOIN organisations o ON o.id = a.municipality_id WHERE a.id = ?`, id), Today(tx.Now))
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.E(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return a, err
	}
	if err := policy.Require(actor, act, policy.Resource{ID: a.ID, OrgID: a.MunicipalityID, RegionID: region}); err != nil {
		return a, err
	}
	rows, err := tx.Query(ctx, `SELECT n.id, n.author_id, COALESCE(u.name, ''), n.body, n.created_at FROM policy_action_notes n
		LEFT JOIN users u ON u.id = n.author_id WHERE n.action_id = ? ORDER BY n.created_at, n.id`, id)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var n Note
		var at store.Time
		if err := rows.Scan(&n.ID, &n.AuthorID, &n.AuthorName, &n.Body, &at); err != nil {
			return a, err
		}
		n.At = at.Time
		a.Notes = append(a.Notes, n)
	}
	return a, rows.Err()
}

// Action returns one action with its progress notes.
func (s *Service) Action(ctx context.Context, actor policy.Subject, id string) (Action, error) {
	var a Action
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		var err error
		a, err = s.loadAction(ctx, tx, actor, id, policy.ReadSelfAssessment)
		return err
	})
	if err != nil {
		return Action{}, errs.Wrap(err, "read action")
	}
	return a, nil
}

// UpdateAction changes an action; version is the version the policy officer
// saw (stale: a conflict with the current action).
func (s *Service) UpdateAction(ctx context.Context, actor policy.Subject, id string, version int, in ActionInput) (Action, error) {
	in.normalise()
	var a Action
	var conflict error
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if a, err = s.loadAction(ctx, tx, actor, id, policy.EditSelfAssessment); err != nil {
			return err
		}
		if err := s.validateAction(ctx, tx, a.MunicipalityID, in); err != nil {
			return err
		}
		if a.Version != version {
			// Stale (compared here, not in SQL: a version beyond the
			// column's range must be a conflict, not a database error).
			conflict = errs.E(errs.Conflict, "error.stale")
			return nil
		}
		res, err := tx.Exec(ctx, `UPDATE policy_actions SET assessment_id = ?, block_id = ?, title = ?, description = ?, owner = ?,
			deadline = ?, status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			nullable(in.AssessmentID), in.BlockID, in.Title, in.Description, in.Owner, in.Deadline, string(in.Status), tx.Now, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			conflict = errs.E(errs.Conflict, "error.stale")
			a, err = s.loadAction(ctx, tx, actor, id, policy.EditSelfAssessment)
			return err
		}
		if a, err = s.loadAction(ctx, tx, actor, id, policy.EditSelfAssessment); err != nil {
			return err
		}
		return s.logChange(ctx, tx, actor, "kader.action.update", "policy_action", id, string(in.Status))
	})
	if err != nil {
		return Action{}, errs.Wrap(err, "update action")
	}
	return a, conflict
}

// AddNote appends a progress note to an action.
func (s *Service) AddNote(ctx context.Context, actor policy.Subject, id, body string) (Action, error) {
	body = strings.TrimSpace(body)
	var a Action
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if a, err = s.loadAction(ctx, tx, actor, id, policy.EditSelfAssessment); err != nil {
			return err
		}
		var v errs.Validation
		v.Check(body != "", "body", KeyNoteRequired)
		text(&v, "body", body, MaxNote)
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO policy_action_notes (id, action_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)`,
			store.NewID(), id, actor.UserID, body, tx.Now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE policy_actions SET updated_at = ? WHERE id = ?`, tx.Now, id); err != nil {
			return err
		}
		if a, err = s.loadAction(ctx, tx, actor, id, policy.EditSelfAssessment); err != nil {
			return err
		}
		return s.logChange(ctx, tx, actor, "kader.action.note", "policy_action", id, "")
	})
	if err != nil {
		return Action{}, errs.Wrap(err, "add note")
	}
	return a, nil
}

// ActionFilter selects actions.
type ActionFilter struct {
	AssessmentID string // "" = every action of the municipality
	BlockID      string
	OverdueOnly  bool
	OpenOnly     bool // planned or in progress
}

// Actions lists the action plan of a municipality ("" = the actor's own):
// open actions by deadline first (no deadline last), then the rest.
func (s *Service) Actions(ctx context.Context, actor policy.Subject, municipalityID string, f ActionFilter) ([]Action, error) {
	if municipalityID == "" {
		municipalityID = actor.OrgID
	}
	out := []Action{}
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		_, region, _, err := municipality(ctx, tx, municipalityID)
		if err != nil {
			return err
		}
		if err := policy.Require(actor, policy.ReadSelfAssessment, policy.Resource{OrgID: municipalityID, RegionID: region}); err != nil {
			return err
		}
		q := `SELECT ` + actionColumns + ` FROM policy_actions a JOIN organisations o ON o.id = a.municipality_id
			WHERE a.municipality_id = ?`
		args := []any{municipalityID}
		if f.AssessmentID != "" {
			q += ` AND a.assessment_id = ?`
			args = append(args, f.AssessmentID)
		}
		if f.BlockID != "" {
			q += ` AND a.block_id = ?`
			args = append(args, f.BlockID)
		}
		if f.OpenOnly || f.OverdueOnly {
			q += ` AND a.status IN ('planned', 'in_progress')`
		}
		today := Today(tx.Now)
		if f.OverdueOnly {
			q += ` AND a.deadline <> '' AND a.deadline < ?`
			args = append(args, today)
		}
		q += ` ORDER BY CASE WHEN a.status IN ('planned', 'in_progress') THEN 0 ELSE 1 END,
			CASE WHEN a.deadline = '' THEN 1 ELSE 0 END, a.deadline, a.created_at, a.id`
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, _, err := scanAction(rows, today)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, errs.Wrap(err, "list actions")
	}
	return out, nil
}

// OverdueActions returns the overdue open actions of the actor's
// municipality for a policy officer's start page (none for other roles).
func (s *Service) OverdueActions(ctx context.Context, actor policy.Subject) ([]Action, error) {
	if !actor.Has(policy.Beleidsmedewerker) {
		return []Action{}, nil
	}
	return s.Actions(ctx, actor, "", ActionFilter{OverdueOnly: true})
}
