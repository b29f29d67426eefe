package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Message keys of consents (i18n catalog/casework.*.json).
const (
	KeyConsentPartner      = "case.consent.partner_invalid"
	KeyConsentScopeEmpty   = "case.consent.scope_empty"
	KeyConsentUntilPast    = "case.consent.until_past"
	KeyConsentNoteRequired = "case.consent.note_required"
	KeyConsentWithdrawn    = "case.consent.withdrawn"
)

// BasisConsent is the consent basis that is the client's own consent; every
// other basis is a legal ground that the note must name.
const BasisConsent = "consent"

// Consent records what may be shared with a partner, for what purpose, until
// when: the client's consent or another legal basis.
type Consent struct {
	ID             string    `json:"id"`
	CaseID         string    `json:"caseId"`
	PartnerOrgID   string    `json:"partnerOrgId"`
	PartnerName    string    `json:"partnerName"`
	Purpose        string    `json:"purpose"` // catalogue consentPurposes
	Basis          string    `json:"basis"`   // catalogue consentBases
	Scope          []string  `json:"scope"`   // catalogue shareableFields
	Note           string    `json:"note"`
	UntilOn        string    `json:"untilOn"` // "" for no end
	RecordedBy     string    `json:"recordedBy"`
	RecordedByName string    `json:"recordedByName"`
	CreatedAt      time.Time `json:"createdAt"`
	WithdrawnAt    time.Time `json:"withdrawnAt,omitzero"`
	WithdrawnBy    string    `json:"withdrawnBy,omitempty"`
	// Active: not withdrawn and the end date not passed.
	Active bool `json:"active"`
}

// ConsentInput records a consent.
type ConsentInput struct {
	PartnerOrgID string   `json:"partnerOrgId"`
	Purpose      string   `json:"purpose"`
	Basis        string   `json:"basis"`
	Scope        []string `json:"scope"`
	UntilOn      string   `json:"untilOn"`
	// Note (sealed); required when Basis is not consent: the legal ground.
	Note string `json:"note"`
}

// AddConsent records a consent on case caseID.
func (s *Service) AddConsent(ctx context.Context, actor policy.Subject, caseID string, in ConsentInput) (Consent, error) {
	in.PartnerOrgID = strings.TrimSpace(in.PartnerOrgID)
	in.Purpose = strings.TrimSpace(in.Purpose)
	in.Basis = strings.TrimSpace(in.Basis)
	in.UntilOn = strings.TrimSpace(in.UntilOn)
	in.Note = strings.TrimSpace(in.Note)
	var co Consent
	_, err := s.write(ctx, actor, caseID, 0, "add consent", func(tx *store.Tx, c *Case) error {
		cw := s.cat.Casework
		var v errs.Validation
		if in.PartnerOrgID == "" {
			v.Add("partnerOrgId", KeyRequired)
		} else {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM organisations WHERE id = ? AND kind = 'partner'`,
				in.PartnerOrgID).Scan(&n); err != nil {
				return err
			}
			v.Check(n == 1, "partnerOrgId", KeyConsentPartner)
		}
		v.Check(in.Purpose != "", "purpose", KeyRequired)
		option(&v, "purpose", cw.ConsentPurposes, in.Purpose)
		v.Check(in.Basis != "", "basis", KeyRequired)
		option(&v, "basis", cw.ConsentBases, in.Basis)
		scope := []string{}
		for _, f := range in.Scope {
			f = strings.TrimSpace(f)
			if !content.HasOption(cw.ShareableFields, f) {
				v.Add("scope", KeyOptionUnknown)
				break
			}
			if !slices.Contains(scope, f) {
				scope = append(scope, f)
			}
		}
		if len(in.Scope) == 0 {
			v.Add("scope", KeyConsentScopeEmpty)
		}
		date(&v, "untilOn", in.UntilOn, tx.Now, false)
		if u, ok := parseDate(in.UntilOn); ok && !v.Has("untilOn") && u.Before(Today(tx.Now)) {
			v.Add("untilOn", KeyConsentUntilPast)
		}
		// A legal ground needs its article named; an unknown basis is reported as such.
		v.Check(in.Note != "" || in.Basis == BasisConsent || !content.HasOption(cw.ConsentBases, in.Basis), "note", KeyConsentNoteRequired)
		text(&v, "note", in.Note, MaxNote)
		if err := v.Err(); err != nil {
			return err
		}
		co = Consent{ID: store.NewID(), CaseID: c.ID, PartnerOrgID: in.PartnerOrgID, Purpose: in.Purpose,
			Basis: in.Basis, Scope: inCatalogOrder(cw.ShareableFields, scope), Note: in.Note, UntilOn: in.UntilOn,
			RecordedBy: actor.UserID, CreatedAt: tx.Now, Active: true}
		note, err := s.seal(co.Note, "case_consents", "note", co.ID)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(co.Scope)
		if _, err := tx.Exec(ctx, `INSERT INTO case_consents (id, case_id, partner_org_id, purpose, basis, scope, note_enc,
			until_on, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, co.ID, co.CaseID, co.PartnerOrgID,
			co.Purpose, co.Basis, string(b), note, co.UntilOn, co.RecordedBy, co.CreatedAt); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT o.name, u.name FROM organisations o, users u WHERE o.id = ? AND u.id = ?`,
			co.PartnerOrgID, actor.UserID).Scan(&co.PartnerName, &co.RecordedByName); err != nil {
			return err
		}
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindConsent, co.Note, map[string]string{"consent": co.ID,
			"partner": co.PartnerOrgID, "purpose": co.Purpose, "basis": co.Basis, "scope": strings.Join(co.Scope, ","),
			"until": co.UntilOn}); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.consent", c.ID, "add "+co.Purpose)
	})
	if err != nil {
		return Consent{}, err
	}
	return co, nil
}

func inCatalogOrder(list []content.Option, ids []string) []string {
	out := []string{}
	for _, o := range list {
		if slices.Contains(ids, o.ID) {
			out = append(out, o.ID)
		}
	}
	return out
}

// WithdrawConsent withdraws consent consentID of case caseID from now on. A
// consent withdrawn already is a conflict answered with its current state.
func (s *Service) WithdrawConsent(ctx context.Context, actor policy.Subject, caseID, consentID string) (Consent, error) {
	var co Consent
	_, err := s.write(ctx, actor, caseID, 0, "withdraw consent", func(tx *store.Tx, c *Case) error {
		var err error
		if co, err = s.consent(ctx, tx, c.ID, consentID); err != nil {
			return err
		}
		if !co.WithdrawnAt.IsZero() {
			return errs.E(errs.Conflict, KeyConsentWithdrawn)
		}
		res, err := tx.Exec(ctx, `UPDATE case_consents SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ? AND withdrawn_at IS NULL`,
			tx.Now, actor.UserID, co.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return errs.E(errs.Conflict, KeyConsentWithdrawn)
		}
		co.WithdrawnAt, co.WithdrawnBy, co.Active = tx.Now, actor.UserID, false
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindConsentWithdrawn, "", map[string]string{"consent": co.ID,
			"partner": co.PartnerOrgID, "purpose": co.Purpose}); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.consent", c.ID, "withdraw "+co.Purpose)
	})
	return co, err
}

// ListConsents returns the consents of case caseID, newest first, with
// Active computed. A logged read (the notes are opened).
func (s *Service) ListConsents(ctx context.Context, actor policy.Subject, caseID string) ([]Consent, error) {
	var out []Consent
	err := s.readWith(ctx, actor, caseID, "list consents", "consents", func(tx *store.Tx, c *Case) error {
		var err error
		out, err = s.consents(ctx, tx, `cc.case_id = ?`, c.ID)
		return err
	})
	return out, err
}

const consentColumns = `cc.id, cc.case_id, cc.partner_org_id, COALESCE(o.name, ''), cc.purpose, cc.basis, cc.scope, cc.note_enc,
	cc.until_on, cc.recorded_by, COALESCE(u.name, ''), cc.created_at, cc.withdrawn_at, cc.withdrawn_by`

func (s *Service) consents(ctx context.Context, tx *store.Tx, where string, args ...any) ([]Consent, error) {
	rows, err := tx.Query(ctx, `SELECT `+consentColumns+` FROM case_consents cc
		LEFT JOIN organisations o ON o.id = cc.partner_org_id LEFT JOIN users u ON u.id = cc.recorded_by
		WHERE `+where+` ORDER BY cc.created_at DESC, cc.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Consent{}
	for rows.Next() {
		co, err := s.scanConsent(tx, rows)
		if err != nil {
			return nil, err
		}
		out = append(out, co)
	}
	return out, rows.Err()
}

func (s *Service) consent(ctx context.Context, tx *store.Tx, caseID, id string) (Consent, error) {
	list, err := s.consents(ctx, tx, `cc.id = ? AND cc.case_id = ?`, id, caseID)
	if err != nil {
		return Consent{}, err
	}
	if len(list) != 1 {
		return Consent{}, errs.E(errs.NotFound, "error.not_found")
	}
	return list[0], nil
}

func (s *Service) scanConsent(tx *store.Tx, row interface{ Scan(...any) error }) (Consent, error) {
	var co Consent
	var scope, note string
	var at store.Time
	var wd store.NullTime
	if err := row.Scan(&co.ID, &co.CaseID, &co.PartnerOrgID, &co.PartnerName, &co.Purpose, &co.Basis, &scope, &note,
		&co.UntilOn, &co.RecordedBy, &co.RecordedByName, &at, &wd, &co.WithdrawnBy); err != nil {
		return co, err
	}
	co.CreatedAt = at.Time
	if p := wd.Ptr(); p != nil {
		co.WithdrawnAt = *p
	}
	if err := json.Unmarshal([]byte(scope), &co.Scope); err != nil {
		return co, fmt.Errorf("consent %s scope: %w", co.ID, err)
	}
	var err error
	if co.Note, err = s.open(note, "case_consents", "note", co.ID); err != nil {
		return co, err
	}
	co.Active = co.WithdrawnAt.IsZero() && (co.UntilOn == "" || co.UntilOn >= Today(tx.Now).Format(time.DateOnly))
	return co, nil
}

// ActiveConsent returns the fields of case caseID that may be shared with
// partner organisation partnerOrgID for purpose now: the union of the scopes
// of the active consents (not withdrawn, end date not passed), in catalogue
// order; empty when none. It checks no policy and writes no log: the caller
// (the referral) does both in its transaction.
func (s *Service) ActiveConsent(ctx context.Context, tx *store.Tx, caseID, partnerOrgID, purpose string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT scope FROM case_consents WHERE case_id = ? AND partner_org_id = ? AND purpose = ?
		AND withdrawn_at IS NULL AND (until_on = '' OR until_on >= ?)`, caseID, partnerOrgID, purpose,
		Today(tx.Now).Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []string
	for rows.Next() {
		var scope string
		if err := rows.Scan(&scope); err != nil {
			return nil, err
		}
		var fields []string
		if err := json.Unmarshal([]byte(scope), &fields); err != nil {
			return nil, fmt.Errorf("consent scope: %w", err)
		}
		all = append(all, fields...)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return inCatalogOrder(s.cat.Casework.ShareableFields, all), nil
}
