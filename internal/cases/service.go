package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/fieldcrypt"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
)

// Service runs cases. Every method checks the policy inside its transaction
// before it touches personal data, and writes the processing log in the same
// transaction.
type Service struct {
	db      *store.DB
	log     *audit.Log
	keys    *fieldcrypt.Keyring
	cat     *content.Catalog
	signals *signal.Service
}

// NewService returns the case service.
func NewService(db *store.DB, log *audit.Log, keys *fieldcrypt.Keyring, cat *content.Catalog, signals *signal.Service) *Service {
	return &Service{db: db, log: log, keys: keys, cat: cat, signals: signals}
}

// Catalog returns the content catalogue the service validates against.
func (s *Service) Catalog() *content.Catalog { return s.cat }

func aad(table, column, id string) string { return table + "." + column + ":" + id }

// seal seals plain in its place; an empty value is sealed too (F14: "" in a
// column would tell that the value is absent).
func (s *Service) seal(plain, table, column, id string) (string, error) {
	return s.keys.Seal(plain, aad(table, column, id))
}

// open opens a sealed value; "" (an empty value stored before F14) is "".
func (s *Service) open(sealed, table, column, id string) (string, error) {
	return s.keys.Open(sealed, aad(table, column, id))
}

// logCase writes one processing-log record about a case: the data subject is
// the client, identified by the case id (their pseudonym id).
func (s *Service) logCase(ctx context.Context, tx *store.Tx, actor policy.Subject, action, caseID, detail string) error {
	return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: action,
		ObjectType: "case", ObjectID: caseID, Activity: audit.ActivityZorgcoordinatie,
		Subject: caseID, SubjectType: audit.SubjectCaseClient, Detail: detail})
}

// isRegion reports whether id names a region.
func isRegion(ctx context.Context, tx *store.Tx, id string) (bool, error) {
	if id == "" {
		return false, nil
	}
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM organisations WHERE id = ? AND kind = 'region'`, id).Scan(&n)
	return n == 1, err
}

// Create opens a case. Every problem of the input is reported at once;
// nothing is stored unless everything is. Signals named in SignalIDs become
// converted (through their whitelist) and link to the case; when Forms is
// empty the case takes the signals' suspected forms. The creating
// coordinator is assigned.
func (s *Service) Create(ctx context.Context, actor policy.Subject, in Input) (Case, error) {
	in.Client.normalise()
	in.RegionID = strings.TrimSpace(in.RegionID)
	if in.RegionID == "" {
		in.RegionID = actor.RegionID
	}
	var c Case
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		ok, err := isRegion(ctx, tx, in.RegionID)
		if err != nil {
			return err
		}
		// The policy first: with a region that is no region, the actor must
		// be one who may open cases in their own region (a user without a
		// region, a national coordinator, may open none).
		policyRegion := in.RegionID
		if !ok {
			policyRegion = actor.RegionID
		}
		if err := policy.Require(actor, policy.CreateCase, policy.Resource{RegionID: policyRegion}); err != nil {
			return err
		}
		var v errs.Validation
		v.Check(ok, "regionId", KeyRegionInvalid)
		in.Client.validate(&v, tx.Now)
		forms := validForms(&v, s.cat, in.Forms)
		var sigs []signal.Signal
		if len(in.SignalIDs) > MaxSignals {
			v.Add("signalIds", KeySignalsTooMany)
		} else {
			seen := map[string]bool{}
			for i, id := range in.SignalIDs {
				field := fmt.Sprintf("signalIds[%d]", i)
				id = strings.TrimSpace(id)
				if id == "" {
					v.Add(field, signal.KeyConvertHidden)
					continue
				}
				if seen[id] {
					continue
				}
				seen[id] = true
				sig, key, err := s.signals.CheckConvertTx(ctx, tx, actor, id)
				if err != nil {
					return err
				}
				if key == "" && ok && sig.RegionID != in.RegionID {
					key = signal.KeyConvertHidden
				}
				if key != "" {
					v.Add(field, key)
					continue
				}
				sigs = append(sigs, sig)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if len(in.Forms) == 0 {
			for _, sig := range sigs {
				for _, f := range sig.Forms {
					if !slices.Contains(forms, f) {
						forms = append(forms, f)
					}
				}
			}
		}
		suggested := suggestsNonPunishment(s.cat, forms)
		np := suggested
		if in.NonPunishment != nil {
			np = *in.NonPunishment
		}
		c = Case{
			ID: store.NewID(), RegionID: in.RegionID, Phase: PhaseRegistration, Client: in.Client,
			Forms: forms, NonPunishment: np, NonPunishmentSuggested: suggested,
			Aangifte: Unknown, Cooperation: Unknown, SignalIDs: []string{}, Signals: []SignalRef{},
			CreatedBy: actor.UserID, CreatedAt: tx.Now, UpdatedAt: tx.Now, Version: 1,
		}
		if c.Client.Languages == nil {
			c.Client.Languages = []string{}
		}
		if err := s.insert(ctx, tx, &c); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO case_coordinators (case_id, user_id, since) VALUES (?, ?, ?)`,
			c.ID, actor.UserID, tx.Now); err != nil {
			return err
		}
		c.Coordinators = []Coordinator{{UserID: actor.UserID, Since: tx.Now}}
		c.Grants = []Grant{}
		for _, sig := range sigs {
			if _, err := tx.Exec(ctx, `INSERT INTO case_signals (case_id, signal_id) VALUES (?, ?)`, c.ID, sig.ID); err != nil {
				return err
			}
			if err := s.signals.ConvertTx(ctx, tx, actor, sig.ID, ""); err != nil {
				return err
			}
			c.SignalIDs = append(c.SignalIDs, sig.ID)
			c.Signals = append(c.Signals, SignalRef{ID: sig.ID, Reference: sig.Reference})
		}
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindCreated, "", map[string]string{"signals": fmt.Sprint(len(sigs))}); err != nil {
			return err
		}
		// The hot rows last: the year's reference counter, then the log head.
		if c.Reference, err = nextReference(ctx, tx, c.ID); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.create", c.ID, "")
	})
	if err != nil {
		return Case{}, errs.Wrap(err, "create case")
	}
	return s.finish(c), nil
}

// nextReference advances this year's counter and gives case id its
// reference CASE-YYYY-NNNNNN. Gap-tolerant (a rolled-back create leaves its
// number unused) and never reused.
func nextReference(ctx context.Context, tx *store.Tx, id string) (string, error) {
	year := Today(tx.Now).Year()
	var n int64
	if err := tx.QueryRow(ctx, `INSERT INTO case_reference_counters (year, last) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last = case_reference_counters.last + 1 RETURNING last`, year).Scan(&n); err != nil {
		return "", fmt.Errorf("case reference: %w", err)
	}
	ref := fmt.Sprintf("CASE-%d-%06d", year, n)
	if _, err := tx.Exec(ctx, `UPDATE cases SET reference = ? WHERE id = ?`, ref, id); err != nil {
		return "", err
	}
	return ref, nil
}

// sealedClient seals every client field of case id.
func (s *Service) sealedClient(id string, cl Client) ([]any, error) {
	langs := strings.Join(cl.Languages, ",")
	plain := []struct{ col, v string }{
		{"client_name", cl.Name}, {"client_birth_date", cl.BirthDate}, {"client_bsn", cl.BSN},
		{"client_nationality", cl.Nationality}, {"client_origin", cl.CountryOfOrigin},
		{"client_languages", langs}, {"client_gender", cl.Gender}, {"client_contact", cl.Contact},
	}
	out := make([]any, len(plain))
	for i, p := range plain {
		v, err := s.seal(p.v, "cases", p.col, id)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (s *Service) insert(ctx context.Context, tx *store.Tx, c *Case) error {
	sealed, err := s.sealedClient(c.ID, c.Client)
	if err != nil {
		return err
	}
	forms, _ := json.Marshal(c.Forms)
	args := []any{c.ID, "pending:" + c.ID, c.RegionID, string(c.Phase)}
	args = append(args, sealed...)
	args = append(args, string(forms), c.NonPunishment, c.Aangifte, c.Cooperation, c.CreatedBy, c.CreatedAt, c.UpdatedAt)
	_, err = tx.Exec(ctx, `INSERT INTO cases (id, reference, region_id, phase, client_name_enc, client_birth_date_enc,
		client_bsn_enc, client_nationality_enc, client_origin_enc, client_languages_enc, client_gender_enc,
		client_contact_enc, forms, non_punishment, aangifte, cooperation, created_by, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`, args...)
	if err != nil {
		return fmt.Errorf("insert case: %w", err)
	}
	return nil
}

// appendEvent appends an event to case id's timeline: the case row hands out
// the next seq (and is locked for the rest of the transaction). body is
// sealed; detail holds no personal data.
func (s *Service) appendEvent(ctx context.Context, tx *store.Tx, actor policy.Subject, caseID, kind, body string, detail map[string]string) (Event, error) {
	ev := Event{ID: store.NewID(), Kind: kind, AuthorID: actor.UserID, At: tx.Now, Body: body, Detail: detail}
	if err := tx.QueryRow(ctx, `UPDATE cases SET event_seq = event_seq + 1 WHERE id = ? RETURNING event_seq`, caseID).Scan(&ev.Seq); err != nil {
		return ev, fmt.Errorf("case event seq: %w", err)
	}
	sealed, err := s.seal(body, "case_events", "body", ev.ID)
	if err != nil {
		return ev, err
	}
	d := "{}"
	if len(detail) > 0 {
		b, _ := json.Marshal(detail)
		d = string(b)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO case_events (id, case_id, seq, kind, author_id, created_at, body_enc, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, ev.ID, caseID, ev.Seq, kind, actor.UserID, tx.Now, sealed, d); err != nil {
		return ev, fmt.Errorf("insert case event: %w", err)
	}
	return ev, nil
}

const caseColumns = `id, reference, region_id, phase, closing_reason, closed_at, client_name_enc, client_birth_date_enc,
	client_bsn_enc, client_nationality_enc, client_origin_enc, client_languages_enc, client_gender_enc, client_contact_enc,
	forms, non_punishment, reflection_start, reflection_dublin, reflection_end, residence_applied_on, permit_status,
	aangifte, aangifte_on, cooperation, registered_on, dossier_type, created_by, created_at, updated_at, version`

// sealedCase is a case row before the client is opened.
type sealedCase struct {
	Case
	client             [8]string
	reflStart, reflEnd string
	reflDublin         bool
}

// loadSealed reads case id with its coordinators, current grants and
// signals, the client still sealed: enough for the policy check. A missing
// case is not_found.
func (s *Service) loadSealed(ctx context.Context, tx *store.Tx, id string) (sealedCase, error) {
	var r sealedCase
	var closed store.NullTime
	var cr, up store.Time
	var forms string
	err := tx.QueryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id).Scan(&r.ID, &r.Reference, &r.RegionID,
		&r.Phase, &r.ClosingReason, &closed, &r.client[0], &r.client[1], &r.client[2], &r.client[3], &r.client[4],
		&r.client[5], &r.client[6], &r.client[7], &forms, &r.NonPunishment, &r.reflStart, &r.reflDublin, &r.reflEnd,
		&r.ResidenceApplied, &r.PermitStatus, &r.Aangifte, &r.AangifteOn, &r.Cooperation, &r.RegisteredOn,
		&r.DossierType, &r.CreatedBy, &cr, &up, &r.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.E(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return r, err
	}
	if p := closed.Ptr(); p != nil {
		r.ClosedAt = *p
	}
	r.CreatedAt, r.UpdatedAt = cr.Time, up.Time
	if err := json.Unmarshal([]byte(forms), &r.Forms); err != nil {
		return r, fmt.Errorf("case %s forms: %w", id, err)
	}
	if r.Coordinators, err = loadCoordinators(ctx, tx, id); err != nil {
		return r, err
	}
	if r.Grants, err = s.loadGrants(ctx, tx, id, false); err != nil {
		return r, err
	}
	r.SignalIDs, r.Signals = []string{}, []SignalRef{}
	rows, err := tx.Query(ctx, `SELECT cs.signal_id, s.reference FROM case_signals cs JOIN signals s ON s.id = cs.signal_id
		WHERE cs.case_id = ? ORDER BY cs.signal_id`, id)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var ref SignalRef
		if err := rows.Scan(&ref.ID, &ref.Reference); err != nil {
			return r, err
		}
		r.SignalIDs = append(r.SignalIDs, ref.ID)
		r.Signals = append(r.Signals, ref)
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	return r, nil
}

func loadCoordinators(ctx context.Context, tx *store.Tx, id string) ([]Coordinator, error) {
	rows, err := tx.Query(ctx, `SELECT cc.user_id, u.name, cc.since FROM case_coordinators cc
		JOIN users u ON u.id = cc.user_id WHERE cc.case_id = ? ORDER BY cc.since, cc.user_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Coordinator{}
	for rows.Next() {
		var co Coordinator
		var since store.Time
		if err := rows.Scan(&co.UserID, &co.Name, &since); err != nil {
			return nil, err
		}
		co.Since = since.Time
		out = append(out, co)
	}
	return out, rows.Err()
}

// loadGrants returns the current break-the-glass grants of case id; with
// reasons opened when open is set.
func (s *Service) loadGrants(ctx context.Context, tx *store.Tx, id string, open bool) ([]Grant, error) {
	rows, err := tx.Query(ctx, `SELECT g.id, g.user_id, u.name, g.reason_enc, g.granted_at, g.until_at FROM case_access_grants g
		JOIN users u ON u.id = g.user_id WHERE g.case_id = ? AND g.until_at > ? ORDER BY g.granted_at, g.id`, id, tx.Now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Grant{}
	for rows.Next() {
		var g Grant
		var gid, reason string
		var at, until store.Time
		if err := rows.Scan(&gid, &g.UserID, &g.Name, &reason, &at, &until); err != nil {
			return nil, err
		}
		g.At, g.Until = at.Time, until.Time
		if open {
			if g.Reason, err = s.open(reason, "case_access_grants", "reason", gid); err != nil {
				return nil, err
			}
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// opened opens the client and the grants' reasons of r (after the policy check).
func (s *Service) opened(ctx context.Context, tx *store.Tx, r sealedCase) (Case, error) {
	c := r.Case
	cols := []string{"client_name", "client_birth_date", "client_bsn", "client_nationality", "client_origin",
		"client_languages", "client_gender", "client_contact"}
	var plain [8]string
	for i, col := range cols {
		v, err := s.open(r.client[i], "cases", col, c.ID)
		if err != nil {
			return c, err
		}
		plain[i] = v
	}
	c.Client = Client{Name: plain[0], BirthDate: plain[1], BSN: plain[2], Nationality: plain[3],
		CountryOfOrigin: plain[4], Gender: plain[6], Contact: plain[7], Languages: []string{}}
	if plain[5] != "" {
		c.Client.Languages = strings.Split(plain[5], ",")
	}
	if r.reflStart != "" {
		c.Reflection = &Reflection{Start: r.reflStart, End: r.reflEnd, Dublin: r.reflDublin}
	}
	var err error
	if c.Grants, err = s.loadGrants(ctx, tx, c.ID, true); err != nil {
		return c, err
	}
	return c, nil
}

// finish fills in what is computed from the stored fields.
func (s *Service) finish(c Case) Case {
	c.NonPunishmentSuggested = suggestsNonPunishment(s.cat, c.Forms)
	if c.Reflection != nil {
		if end, ok := parseDate(c.Reflection.End); ok {
			today := Today(s.db.Now())
			c.Reflection.DaysLeft = int(end.Sub(today).Hours() / 24)
			// A closed case warns no one: its period no longer needs action.
			c.Reflection.Warning = c.Phase != PhaseClosed && c.Reflection.DaysLeft <= s.cat.Casework.Reflection.WarnDays
		}
	}
	if c.Forms == nil {
		c.Forms = []string{}
	}
	return c
}

// access loads case id and requires action a of actor on it.
func (s *Service) access(ctx context.Context, tx *store.Tx, actor policy.Subject, id string, a policy.Action) (Case, error) {
	if actor.Anonymous() {
		return Case{}, errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	r, err := s.loadSealed(ctx, tx, id)
	if err != nil {
		return Case{}, err
	}
	res := r.Resource()
	if err := policy.Require(actor, a, res); err != nil {
		if a == policy.AssignCase && errs.CodeOf(err) == errs.Forbidden && policy.Can(actor, policy.WriteCase, res) {
			// A grant holder: say why, rather than "you may break the glass".
			return Case{}, errs.E(errs.Forbidden, KeyAssignGrant)
		}
		return Case{}, err
	}
	c, err := s.opened(ctx, tx, r)
	if err != nil {
		return Case{}, err
	}
	return s.finish(c), nil
}

// Get returns case id for an assigned coordinator (or a holder of a current
// grant). A coordinator of the case's region who is neither is forbidden
// (they may break the glass); to everyone else the case does not exist. The
// read is in the processing log.
func (s *Service) Get(ctx context.Context, actor policy.Subject, id string) (Case, error) {
	var c Case
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = s.access(ctx, tx, actor, id, policy.ReadCase); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.read", id, "")
	})
	if err != nil {
		return Case{}, errs.Wrap(err, "get case")
	}
	return c, nil
}

// Outline is what a coordinator of the region who is not assigned may know
// of a case: enough to take it over or to break the glass, nothing of the
// client.
type Outline struct {
	ID           string        `json:"id"`
	Reference    string        `json:"reference"`
	RegionID     string        `json:"regionId"`
	Phase        Phase         `json:"phase"`
	Coordinators []Coordinator `json:"coordinators"`
	// Access: the caller may read the case now (assigned or granted).
	Access bool `json:"access"`
}

// See returns the outline of case id for a coordinator of its region.
func (s *Service) See(ctx context.Context, actor policy.Subject, id string) (Outline, error) {
	var o Outline
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		r, err := s.loadSealed(ctx, tx, id)
		if err != nil {
			return err
		}
		res := r.Resource()
		if err := policy.Require(actor, policy.SeeCase, res); err != nil {
			return err
		}
		o = Outline{ID: r.ID, Reference: r.Reference, RegionID: r.RegionID, Phase: r.Phase,
			Coordinators: r.Coordinators, Access: policy.Can(actor, policy.ReadCase, res)}
		return nil
	})
	if err != nil {
		return Outline{}, errs.Wrap(err, "see case")
	}
	return o, nil
}

// BreakGlass gives actor, a coordinator of the case's region who is not
// assigned, access to case id for BreakGlassFor, with a stated reason. The
// grant is on the case's timeline (the assigned coordinators see who and
// why) and in the processing log; the case is returned (a logged read).
func (s *Service) BreakGlass(ctx context.Context, actor policy.Subject, id, reason string) (Case, error) {
	reason = strings.TrimSpace(reason)
	var c Case
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		r, err := s.loadSealed(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := policy.Require(actor, policy.BreakGlass, r.Resource()); err != nil {
			return err
		}
		var v errs.Validation
		v.Check(reason != "", "reason", KeyRequired)
		text(&v, "reason", reason, MaxReason)
		if err := v.Err(); err != nil {
			return err
		}
		gid := store.NewID()
		sealed, err := s.seal(reason, "case_access_grants", "reason", gid)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO case_access_grants (id, case_id, user_id, reason_enc, granted_at, until_at)
			VALUES (?, ?, ?, ?, ?, ?)`, gid, id, actor.UserID, sealed, tx.Now, tx.Now.Add(BreakGlassFor)); err != nil {
			return err
		}
		if _, err := s.appendEvent(ctx, tx, actor, id, KindBreakGlass, reason, nil); err != nil {
			return err
		}
		if err := s.logCase(ctx, tx, actor, "case.break_glass", id, ""); err != nil {
			return err
		}
		if c, err = s.access(ctx, tx, actor, id, policy.ReadCase); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.read", id, "")
	})
	if err != nil {
		return Case{}, errs.Wrap(err, "break the glass")
	}
	return c, nil
}

// write runs fn on case id for an actor who may write it, at version (the
// version the actor saw; 0 skips the check for appends). On a stale version
// the answer is the case's current state with a conflict (error.stale); that
// read is logged.
func (s *Service) write(ctx context.Context, actor policy.Subject, id string, version int, what string,
	fn func(tx *store.Tx, c *Case) error) (Case, error) {
	return s.writeAs(ctx, actor, policy.WriteCase, id, version, what, fn)
}

// writeAs is write with the policy action the change needs: WriteCase for
// the case's content, AssignCase for who runs it (hand-over, transfer).
func (s *Service) writeAs(ctx context.Context, actor policy.Subject, action policy.Action, id string, version int, what string,
	fn func(tx *store.Tx, c *Case) error) (Case, error) {
	var c Case
	var conflict error
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if tx.Dialect() == store.Postgres {
			// Lock the case first, so what we read is what we change
			// (SQLite: the single writer already serialises).
			if _, err := tx.Exec(ctx, `SELECT id FROM cases WHERE id = ? FOR UPDATE`, id); err != nil {
				return err
			}
		}
		var err error
		if c, err = s.access(ctx, tx, actor, id, action); err != nil {
			return err
		}
		if version != 0 && c.Version != version {
			conflict = errs.E(errs.Conflict, "error.stale")
			return s.logCase(ctx, tx, actor, "case.read", id, "conflict")
		}
		// fn runs inside a savepoint: a refused step (say, a transition the
		// whitelist does not allow) undoes whatever fn wrote before it
		// refused, and the answer is the current state, read again.
		if _, err := tx.Exec(ctx, `SAVEPOINT case_write`); err != nil {
			return err
		}
		if err := fn(tx, &c); err != nil {
			var e *errs.Error
			if errors.As(err, &e) && e.Code == errs.Conflict {
				if _, rerr := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT case_write`); rerr != nil {
					return rerr
				}
				var rerr error
				if c, rerr = s.access(ctx, tx, actor, id, policy.ReadCase); rerr != nil {
					return rerr
				}
				conflict = err
				return s.logCase(ctx, tx, actor, "case.read", id, "conflict")
			}
			return err
		}
		_, err = tx.Exec(ctx, `RELEASE SAVEPOINT case_write`)
		return err
	})
	if err != nil {
		return Case{}, errs.Wrap(err, what)
	}
	return c, conflict
}

// versioned requires the version the actor saw on an edit of the case's own
// fields: without it a stale edit could not be told from a current one (0
// would skip the check in write and silently overwrite).
func versioned(v *errs.Validation, version int) {
	v.Check(version > 0, "version", KeyVersionRequired)
}

// bump advances the case's version after a change of its own fields; a
// concurrent change that committed after our read is a conflict.
func bump(ctx context.Context, tx *store.Tx, c *Case) error {
	res, err := tx.Exec(ctx, `UPDATE cases SET updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		tx.Now, c.ID, c.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return errs.E(errs.Conflict, "error.stale")
	}
	c.Version++
	c.UpdatedAt = tx.Now
	return nil
}

// Update changes the case's own fields (Patch). version is the version the
// coordinator saw: a stale edit is refused with the current values, never
// silently overwritten. The timeline names the fields that changed (not
// their values).
func (s *Service) Update(ctx context.Context, actor policy.Subject, id string, version int, p Patch) (Case, error) {
	if p.Client != nil {
		cl := *p.Client // normalise a copy: the caller's value stays as it was
		cl.normalise()
		p.Client = &cl
	}
	// Trimmed copies: the caller's strings stay as they were.
	for _, f := range []**string{&p.ResidenceApplied, &p.PermitStatus, &p.Aangifte, &p.AangifteOn, &p.Cooperation, &p.RegisteredOn, &p.DossierType} {
		if *f != nil {
			v := strings.TrimSpace(**f)
			*f = &v
		}
	}
	empty := p.Client == nil && p.Forms == nil && p.NonPunishment == nil && p.ResidenceApplied == nil &&
		p.PermitStatus == nil && p.Aangifte == nil && p.AangifteOn == nil && p.Cooperation == nil &&
		p.RegisteredOn == nil && p.DossierType == nil
	return s.write(ctx, actor, id, version, "update case", func(tx *store.Tx, c *Case) error {
		var v errs.Validation
		versioned(&v, version)
		v.Check(!empty, "", KeyEmptyPatch)
		cw := s.cat.Casework
		var changed []string
		if p.Client != nil {
			p.Client.validate(&v, tx.Now)
		}
		var forms []string
		if p.Forms != nil {
			forms = validForms(&v, s.cat, *p.Forms)
		}
		if p.ResidenceApplied != nil {
			date(&v, "residenceAppliedOn", *p.ResidenceApplied, tx.Now, true)
		}
		if p.PermitStatus != nil {
			option(&v, "permitStatus", cw.PermitStatuses, *p.PermitStatus)
		}
		if p.Aangifte != nil {
			v.Check(slices.Contains(Answers, *p.Aangifte), "aangifte", KeyAnswerInvalid)
		}
		if p.AangifteOn != nil {
			date(&v, "aangifteOn", *p.AangifteOn, tx.Now, true)
			aangifte := c.Aangifte
			if p.Aangifte != nil {
				aangifte = *p.Aangifte
			}
			v.Check(*p.AangifteOn == "" || aangifte == Yes, "aangifteOn", KeyAangifteDateNoYes)
		}
		if p.Cooperation != nil {
			v.Check(slices.Contains(Answers, *p.Cooperation), "cooperation", KeyAnswerInvalid)
		}
		if p.RegisteredOn != nil {
			date(&v, "registeredOn", *p.RegisteredOn, tx.Now, true)
		}
		if p.DossierType != nil {
			option(&v, "dossierType", cw.DossierTypes, *p.DossierType)
		}
		if err := v.Err(); err != nil {
			return err
		}
		set := func(col string, val any, field string) error {
			changed = append(changed, field)
			_, err := tx.Exec(ctx, `UPDATE cases SET `+col+` = ? WHERE id = ?`, val, c.ID)
			return err
		}
		if p.Client != nil {
			if p.Client.Languages == nil {
				p.Client.Languages = []string{}
			}
			if !clientEqual(c.Client, *p.Client) {
				sealed, err := s.sealedClient(c.ID, *p.Client)
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `UPDATE cases SET client_name_enc = ?, client_birth_date_enc = ?, client_bsn_enc = ?,
					client_nationality_enc = ?, client_origin_enc = ?, client_languages_enc = ?, client_gender_enc = ?,
					client_contact_enc = ? WHERE id = ?`, append(sealed, c.ID)...); err != nil {
					return err
				}
				changed = append(changed, "client")
				c.Client = *p.Client
			}
		}
		type field struct {
			col, name string
			cur       *string
			next      *string
		}
		for _, f := range []field{
			{"residence_applied_on", "residenceAppliedOn", &c.ResidenceApplied, p.ResidenceApplied},
			{"permit_status", "permitStatus", &c.PermitStatus, p.PermitStatus},
			{"aangifte", "aangifte", &c.Aangifte, p.Aangifte},
			{"aangifte_on", "aangifteOn", &c.AangifteOn, p.AangifteOn},
			{"cooperation", "cooperation", &c.Cooperation, p.Cooperation},
			{"registered_on", "registeredOn", &c.RegisteredOn, p.RegisteredOn},
			{"dossier_type", "dossierType", &c.DossierType, p.DossierType},
		} {
			if f.next != nil && *f.next != *f.cur {
				if err := set(f.col, *f.next, f.name); err != nil {
					return err
				}
				*f.cur = *f.next
			}
		}
		if c.Aangifte != Yes && c.AangifteOn != "" {
			if err := set("aangifte_on", "", "aangifteOn"); err != nil {
				return err
			}
			c.AangifteOn = ""
		}
		if p.Forms != nil && !slices.Equal(forms, c.Forms) {
			b, _ := json.Marshal(forms)
			if err := set("forms", string(b), "forms"); err != nil {
				return err
			}
			c.Forms = forms
		}
		if p.NonPunishment != nil && *p.NonPunishment != c.NonPunishment {
			if err := set("non_punishment", *p.NonPunishment, "nonPunishment"); err != nil {
				return err
			}
			c.NonPunishment = *p.NonPunishment
		}
		if len(changed) == 0 {
			// Nothing changed: no new version and no change to log, but the
			// actor gets the case back, which is a read.
			return s.logCase(ctx, tx, actor, "case.read", c.ID, "unchanged")
		}
		slices.Sort(changed)
		changed = slices.Compact(changed)
		if err := bump(ctx, tx, c); err != nil {
			return err
		}
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindUpdate, "", map[string]string{"fields": strings.Join(changed, ",")}); err != nil {
			return err
		}
		*c = s.finish(*c)
		return s.logCase(ctx, tx, actor, "case.update", c.ID, strings.Join(changed, ","))
	})
}

func clientEqual(a, b Client) bool {
	return a.Name == b.Name && a.BirthDate == b.BirthDate && a.BSN == b.BSN && a.Nationality == b.Nationality &&
		a.CountryOfOrigin == b.CountryOfOrigin && slices.Equal(a.Languages, b.Languages) && a.Gender == b.Gender &&
		a.Contact == b.Contact
}

// Transition moves the case to another phase through the whitelist.
// Closing needs a reason from the catalogue and starts the retention clock;
// reopening (closed → intake) stops it.
func (s *Service) Transition(ctx context.Context, actor policy.Subject, id string, version int, in TransitionInput) (Case, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	return s.write(ctx, actor, id, version, "transition case", func(tx *store.Tx, c *Case) error {
		var v errs.Validation
		versioned(&v, version)
		v.Check(slices.Contains(Phases, in.To), "to", KeyPhaseInvalid)
		switch {
		case in.To == PhaseClosed && in.Reason == "":
			v.Add("reason", KeyReasonRequired)
		case in.To == PhaseClosed:
			option(&v, "reason", s.cat.Casework.ClosingReasons, in.Reason)
		case in.Reason != "":
			v.Add("reason", KeyReasonNotAllowed)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if !slices.Contains(transitions[c.Phase], in.To) {
			return errs.E(errs.Conflict, KeyTransitionInvalid)
		}
		var closedAt any
		if in.To == PhaseClosed {
			closedAt = tx.Now
		}
		if _, err := tx.Exec(ctx, `UPDATE cases SET phase = ?, closing_reason = ?, closed_at = ? WHERE id = ?`,
			string(in.To), in.Reason, closedAt, c.ID); err != nil {
			return err
		}
		from := c.Phase
		if err := bump(ctx, tx, c); err != nil {
			return err
		}
		c.Phase, c.ClosingReason, c.ClosedAt = in.To, in.Reason, time.Time{}
		if in.To == PhaseClosed {
			c.ClosedAt = tx.Now
		}
		*c = s.finish(*c) // the reflection warning depends on the phase
		detail := map[string]string{"from": string(from), "to": string(in.To)}
		if in.Reason != "" {
			detail["reason"] = in.Reason
		}
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindPhase, "", detail); err != nil {
			return err
		}
		if in.To == PhaseClosed {
			// A closed case goes to no other region: a pending transfer
			// is withdrawn with it (on the timeline).
			pending, err := s.transfers(ctx, tx, false, `t.case_id = ? AND t.status = ?`, c.ID, TransferPending)
			if err != nil {
				return err
			}
			for i := range pending {
				if err := s.decide(ctx, tx, actor, &pending[i], TransferWithdrawn); err != nil {
					return err
				}
				if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindTransferWithdrawn, "", map[string]string{
					"transfer": pending[i].ID, "to": pending[i].ToRegionID, "because": "closed"}); err != nil {
					return err
				}
			}
		}
		return s.logCase(ctx, tx, actor, "case.transition", c.ID, string(from)+"→"+string(in.To))
	})
}

// SetReflection sets the reflection period: start (not in the future) and
// whether it is a Dublin case; the end is computed from the catalogue (three
// months, or thirty days for Dublin).
func (s *Service) SetReflection(ctx context.Context, actor policy.Subject, id string, version int, start string, dublin bool) (Case, error) {
	start = strings.TrimSpace(start)
	return s.write(ctx, actor, id, version, "set reflection period", func(tx *store.Tx, c *Case) error {
		var v errs.Validation
		versioned(&v, version)
		v.Check(start != "", "start", KeyRequired)
		date(&v, "start", start, tx.Now, true)
		if err := v.Err(); err != nil {
			return err
		}
		st, _ := parseDate(start)
		end := ReflectionEnd(s.cat, st, dublin).Format(time.DateOnly)
		if _, err := tx.Exec(ctx, `UPDATE cases SET reflection_start = ?, reflection_dublin = ?, reflection_end = ? WHERE id = ?`,
			start, dublin, end, c.ID); err != nil {
			return err
		}
		if err := bump(ctx, tx, c); err != nil {
			return err
		}
		c.Reflection = &Reflection{Start: start, Dublin: dublin, End: end}
		*c = s.finish(*c)
		detail := map[string]string{"start": start, "end": end, "dublin": fmt.Sprint(dublin)}
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindReflection, "", detail); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.reflection", c.ID, "")
	})
}

// AddEvent appends a note or a contact to the timeline. Appends need no
// version: the timeline never changes, it only grows.
func (s *Service) AddEvent(ctx context.Context, actor policy.Subject, id string, in EventInput) (Event, error) {
	in.Body = strings.TrimSpace(in.Body)
	in.ContactKind = strings.TrimSpace(in.ContactKind)
	var ev Event
	_, err := s.write(ctx, actor, id, 0, "add case event", func(tx *store.Tx, c *Case) error {
		var v errs.Validation
		v.Check(in.Kind == KindNote || in.Kind == KindContact, "kind", KeyEventKindInvalid)
		v.Check(in.Body != "", "body", KeyRequired)
		text(&v, "body", in.Body, MaxNote)
		var detail map[string]string
		if in.Kind == KindContact {
			v.Check(in.ContactKind != "", "contactKind", KeyRequired)
			option(&v, "contactKind", s.cat.Casework.ContactKinds, in.ContactKind)
			detail = map[string]string{"contactKind": in.ContactKind}
		} else if in.ContactKind != "" {
			v.Add("contactKind", KeyReasonNotAllowed)
		}
		if err := v.Err(); err != nil {
			return err
		}
		var err error
		if ev, err = s.appendEvent(ctx, tx, actor, c.ID, in.Kind, in.Body, detail); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT name FROM users WHERE id = ?`, actor.UserID).Scan(&ev.AuthorName); err != nil {
			return fmt.Errorf("event author: %w", err)
		}
		return s.logCase(ctx, tx, actor, "case.event", c.ID, in.Kind)
	})
	return ev, err
}

// Assign hands the case over: the assigned coordinators become userIDs (at
// least one; each an active care coordinator of the case's region). The
// timeline names who was added and who removed. Only an assigned
// coordinator hands over (policy.AssignCase): a break-the-glass grant never
// makes its holder the owner.
func (s *Service) Assign(ctx context.Context, actor policy.Subject, id string, version int, userIDs []string) (Case, error) {
	return s.writeAs(ctx, actor, policy.AssignCase, id, version, "assign case", func(tx *store.Tx, c *Case) error {
		var v errs.Validation
		versioned(&v, version)
		want := []string{}
		for _, u := range userIDs {
			if u = strings.TrimSpace(u); u != "" && !slices.Contains(want, u) {
				want = append(want, u)
			}
		}
		v.Check(len(want) > 0, "coordinators", KeyCoordinatorsMissing)
		for i, u := range want {
			ok, err := isCoordinatorOf(ctx, tx, u, c.RegionID)
			if err != nil {
				return err
			}
			v.Check(ok, fmt.Sprintf("coordinators[%d]", i), KeyCoordinatorInvalid)
		}
		if err := v.Err(); err != nil {
			return err
		}
		var cur, added, removed []string
		for _, co := range c.Coordinators {
			cur = append(cur, co.UserID)
			if !slices.Contains(want, co.UserID) {
				removed = append(removed, co.UserID)
			}
		}
		for _, u := range want {
			if !slices.Contains(cur, u) {
				added = append(added, u)
			}
		}
		if len(added) == 0 && len(removed) == 0 {
			// No change; the actor gets the case back, which is a read.
			return s.logCase(ctx, tx, actor, "case.read", c.ID, "unchanged")
		}
		for _, u := range removed {
			if _, err := tx.Exec(ctx, `DELETE FROM case_coordinators WHERE case_id = ? AND user_id = ?`, c.ID, u); err != nil {
				return err
			}
		}
		for _, u := range added {
			if _, err := tx.Exec(ctx, `INSERT INTO case_coordinators (case_id, user_id, since) VALUES (?, ?, ?)`, c.ID, u, tx.Now); err != nil {
				return err
			}
		}
		if err := bump(ctx, tx, c); err != nil {
			return err
		}
		var err error
		if c.Coordinators, err = loadCoordinators(ctx, tx, c.ID); err != nil {
			return err
		}
		detail := map[string]string{"added": strings.Join(added, ","), "removed": strings.Join(removed, ",")}
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindAssignment, "", detail); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.assign", c.ID, "")
	})
}

// isCoordinatorOf: user id is an active care coordinator of region.
func isCoordinatorOf(ctx context.Context, tx *store.Tx, userID, regionID string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users u
		JOIN user_roles r ON r.user_id = u.id AND r.role = ?
		JOIN organisations o ON o.id = u.organisation_id
		WHERE u.id = ? AND u.disabled_at IS NULL AND ((o.kind = 'region' AND o.id = ?) OR (o.kind <> 'region' AND o.region_id = ?))`,
		string(policy.Zorgcoordinator), userID, regionID, regionID).Scan(&n)
	return n > 0, err
}

// Colleague is a care coordinator of a region (for hand-over).
type Colleague struct {
	UserID string `json:"userId"`
	Name   string `json:"name"`
}

// Colleagues lists the active care coordinators of the actor's region.
func (s *Service) Colleagues(ctx context.Context, actor policy.Subject) ([]Colleague, error) {
	out := []Colleague{}
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		if err := policy.Require(actor, policy.ListCases, policy.Resource{}); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT u.id, u.name FROM users u
			JOIN user_roles r ON r.user_id = u.id AND r.role = ?
			JOIN organisations o ON o.id = u.organisation_id
			WHERE u.disabled_at IS NULL AND ((o.kind = 'region' AND o.id = ?) OR (o.kind <> 'region' AND o.region_id = ?))
			ORDER BY u.name, u.id`, string(policy.Zorgcoordinator), actor.RegionID, actor.RegionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c Colleague
			if err := rows.Scan(&c.UserID, &c.Name); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}
