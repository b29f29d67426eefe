package signal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/fieldcrypt"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"

	_ "time/tzdata" // Europe/Amsterdam decides what "today" is, also on hosts without zoneinfo
)

// Service records, reads, lists and triages signals. Every method is one
// transaction that checks the policy and writes the processing log.
type Service struct {
	db     *store.DB
	log    *audit.Log
	keys   *fieldcrypt.Keyring
	cat    *content.Catalog
	engine *assess.Engine
	notify Notifier // nil: no notices
}

// Notifier tells care coordinators that a new signal is waiting. Create
// calls NewSignal after the commit with the addresses of the region's care
// coordinators; it must return at once and never carries signal data.
type Notifier interface {
	NewSignal(ctx context.Context, recipients []string)
}

// SetNotifier sets the notifier of new signals (nil: none). Call it before
// the service is used.
func (s *Service) SetNotifier(n Notifier) { s.notify = n }

// NewService returns the signal service.
func NewService(db *store.DB, log *audit.Log, keys *fieldcrypt.Keyring, cat *content.Catalog, engine *assess.Engine) *Service {
	return &Service{db: db, log: log, keys: keys, cat: cat, engine: engine}
}

// observations are the non-personal lists of a signal, stored as JSON.
type observations struct {
	Signals     []string          `json:"signals"`
	Indicators  []string          `json:"indicators"`
	Acts        []string          `json:"acts"`
	Smuggling   *assess.Smuggling `json:"smuggling,omitempty"`
	RiskFactors []string          `json:"riskFactors"`
	// PossiblyMinor: doubt whether a person is a minor (ruleset 2027.1).
	PossiblyMinor bool `json:"possiblyMinor,omitempty"`
}

// aad binds a sealed value to its table, column and row.
func aad(table, column, id string) string { return table + "." + column + ":" + id }

// AssessmentLang is the language the stored assessment's texts are in; the
// rule ids of its explanation are language-neutral.
const AssessmentLang = "nl"

// Create records a signal. Every problem of the input is reported at once;
// nothing is stored unless everything is. The assessment is computed with the
// engine and stored with its ruleset version. The signal is committed when
// Create returns it.
func (s *Service) Create(ctx context.Context, actor policy.Subject, in Input) (Signal, error) {
	in.normalise()
	if in.MunicipalityID == "" {
		in.MunicipalityID = actor.OrgID
	}
	var sig Signal
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		var v errs.Validation
		regionID, err := municipalityRegion(ctx, tx, in.MunicipalityID)
		if err != nil {
			return err
		}
		if regionID == "" {
			v.Add("municipalityId", KeyMunicipalityInvalid)
		}
		validate(&v, s.cat, &in, tx.Now)
		if regionID != "" {
			// The policy first when the municipality is known: whoever may
			// not record for it learns nothing from the rest of the input.
			if err := policy.Require(actor, policy.CreateSignal, policy.Resource{OrgID: in.MunicipalityID, RegionID: regionID}); err != nil {
				return err
			}
		} else if err := policy.Require(actor, policy.ListSignals, policy.Resource{}); err != nil {
			return err // roles that may never record signals
		}
		if err := v.Err(); err != nil {
			return err
		}
		pv, err := s.preview(&in, AssessmentLang, tx.Now)
		if err != nil {
			return fmt.Errorf("assess a validated signal: %w", err)
		}
		ain, res := pv.Input, pv.Result
		// The two rows every create contends for — this year's reference
		// counter and the processing-log head — are taken as late as
		// possible, so that they are held for the fewest statements: first
		// every read and the rows of the signal itself (under a provisional
		// reference no one else can see), then the counter and the real
		// reference, then the processing-log records.
		var to []string
		if s.notify != nil {
			if to, err = coordinatorEmails(ctx, tx, regionID); err != nil {
				return err
			}
		}
		id := store.NewID()
		sig = Signal{
			ID: id, Reference: pendingReference(id), Status: StatusNew,
			ReporterID: actor.UserID, ReporterOrgID: actor.OrgID, MunicipalityID: in.MunicipalityID, RegionID: regionID,
			Department: in.Department, ObservedOn: in.ObservedOn, Place: in.Place, CameToLight: in.CameToLight,
			Forms: uniq(in.Forms), Signals: uniq(in.Signals), Indicators: uniq(in.Indicators), Acts: uniq(in.Acts),
			Smuggling: in.Smuggling, RiskFactors: uniq(in.RiskFactors), PossiblyMinor: in.PossiblyMinor, Narrative: in.Narrative,
			AcuteDanger: in.AcuteDanger, Consultation: in.Consultation,
			AssessmentInput: ain, Assessment: res, Ruleset: res.Ruleset, ContentVersion: s.cat.Meta.Version,
			CreatedAt: tx.Now, UpdatedAt: tx.Now, Version: 1,
		}
		for _, p := range in.Persons {
			sig.Persons = append(sig.Persons, Person{ID: store.NewID(), Alias: p.Alias, BirthYear: p.BirthYear, AgeBand: p.AgeBand,
				Gender: p.Gender, Nationality: p.Nationality, Language: p.Language, Name: p.Name, Contact: p.Contact})
		}
		if sig.Persons == nil {
			sig.Persons = []Person{}
		}
		if err := s.insert(ctx, tx, &sig); err != nil {
			return err
		}
		if err := openMeldcodeTx(ctx, tx, &sig); err != nil {
			return err
		}
		if MeldcodeApplies(sig.Assessment) {
			sig.Meldcode = &MeldcodeSummary{Next: StepMap}
		}
		if err := insertRecord(ctx, tx, sig.ID, Record{Seq: 1, Kind: KindIntake, Ruleset: sig.Ruleset,
			ContentVersion: sig.ContentVersion, Input: ain, Result: res, Outcome: res.Outcome, ActorID: actor.UserID, At: tx.Now}); err != nil {
			return err
		}
		ev := Event{Seq: 1, To: StatusNew, ActorID: actor.UserID, At: tx.Now}
		if err := s.insertEvent(ctx, tx, sig.ID, ev); err != nil {
			return err
		}
		sig.History = []Event{ev}
		if sig.Reference, err = nextReference(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE signals SET reference = ? WHERE id = ?`, sig.Reference, sig.ID); err != nil {
			return fmt.Errorf("set signal reference: %w", err)
		}
		if err := s.logSignal(ctx, tx, actor, "signal.create", &sig, ""); err != nil {
			return err
		}
		if n := s.notify; len(to) > 0 {
			tx.AfterCommit(func() { n.NewSignal(context.WithoutCancel(ctx), to) })
		}
		return nil
	})
	if err != nil {
		return Signal{}, errs.Wrap(err, "create signal")
	}
	return sig, nil
}

// municipalityRegion returns the region of a municipality, "" when id names
// no municipality.
func municipalityRegion(ctx context.Context, tx *store.Tx, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	var kind, region string
	err := tx.QueryRow(ctx, `SELECT kind, COALESCE(region_id, '') FROM organisations WHERE id = ?`, id).Scan(&kind, &region)
	if errors.Is(err, sql.ErrNoRows) || err == nil && kind != "municipality" {
		return "", nil
	}
	return region, err
}

// coordinatorEmails returns the addresses of the care coordinators of a
// region who may sign in: users with role zorgcoordinator whose organisation
// lies in the region (the region itself or one of its organisations), the
// same definition as policy.Subject.RegionID and visible.
func coordinatorEmails(ctx context.Context, tx *store.Tx, regionID string) ([]string, error) {
	out, err := tx.Strings(ctx, `SELECT u.email FROM users u
		JOIN user_roles r ON r.user_id = u.id AND r.role = ?
		JOIN organisations o ON o.id = u.organisation_id
		WHERE u.disabled_at IS NULL AND ((o.kind = 'region' AND o.id = ?) OR (o.kind <> 'region' AND o.region_id = ?))
		ORDER BY u.email`, string(policy.Zorgcoordinator), regionID, regionID)
	if err != nil {
		return nil, fmt.Errorf("care coordinators: %w", err)
	}
	return out, nil
}

// pendingReference is the provisional reference of a signal being created:
// unique (it holds the signal's id), never in the SIG- format, and replaced
// by the real one before the creating transaction commits, so no other
// transaction ever sees it.
func pendingReference(id string) string { return "pending:" + id }

// nextReference advances this year's counter and returns the reference. The
// upsert locks the year's row until the transaction ends, so concurrent
// creates take numbers one after the other; a rolled-back create gives its
// number back, a committed one keeps it for good.
func nextReference(ctx context.Context, tx *store.Tx) (string, error) {
	year := tx.Now.In(zone).Year()
	var n int64
	err := tx.QueryRow(ctx, `INSERT INTO signal_reference_counters (year, last) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last = signal_reference_counters.last + 1 RETURNING last`, year).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("signal reference: %w", err)
	}
	return fmt.Sprintf("SIG-%04d-%06d", year, n), nil
}

func (s *Service) seal(plain, table, column, id string) (string, error) {
	return s.keys.Seal(plain, aad(table, column, id))
}

func (s *Service) open(sealed, table, column, id string) (string, error) {
	return s.keys.Open(sealed, aad(table, column, id))
}

func (s *Service) insert(ctx context.Context, tx *store.Tx, sig *Signal) error {
	var place, came, narr string
	var err error
	if place, err = s.seal(sig.Place, "signals", "place", sig.ID); err != nil {
		return err
	}
	if came, err = s.seal(sig.CameToLight, "signals", "came_to_light", sig.ID); err != nil {
		return err
	}
	if narr, err = s.seal(sig.Narrative, "signals", "narrative", sig.ID); err != nil {
		return err
	}
	obs, err := json.Marshal(observations{Signals: sig.Signals, Indicators: sig.Indicators, Acts: sig.Acts,
		Smuggling: sig.Smuggling, RiskFactors: sig.RiskFactors, PossiblyMinor: sig.PossiblyMinor})
	if err != nil {
		return err
	}
	ain, err := json.Marshal(sig.AssessmentInput)
	if err != nil {
		return err
	}
	res, err := json.Marshal(sig.Assessment)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO signals (id, reference, reporter_id, reporter_org_id, municipality_id, region_id,
		department, observed_on, place_enc, came_to_light_enc, narrative_enc, observations, acute_danger, consultation,
		person_count, assessment_input, assessment, ruleset, content_version, outcome, preview_key, preview_outcome,
		would_change, status, closing_reason, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, 1)`,
		sig.ID, sig.Reference, sig.ReporterID, sig.ReporterOrgID, sig.MunicipalityID, sig.RegionID,
		sig.Department, sig.ObservedOn, place, came, narr, string(obs), sig.AcuteDanger, sig.Consultation,
		len(sig.Persons), string(ain), string(res), sig.Ruleset, sig.ContentVersion, string(sig.Assessment.Outcome),
		// A new signal's preview is its own outcome: it was assessed with
		// the current ruleset and content.
		previewKey(sig.Ruleset, sig.ContentVersion), string(sig.Assessment.Outcome), false, string(sig.Status),
		sig.CreatedAt, sig.UpdatedAt); err != nil {
		return fmt.Errorf("insert signal: %w", err)
	}
	for _, f := range sig.Forms {
		if _, err := tx.Exec(ctx, `INSERT INTO signal_forms (signal_id, form) VALUES (?, ?)`, sig.ID, f); err != nil {
			return fmt.Errorf("insert signal form: %w", err)
		}
	}
	for i, p := range sig.Persons {
		var alias, name, contact, idx string
		if alias, err = s.seal(p.Alias, "signal_persons", "alias", p.ID); err != nil {
			return err
		}
		if name, err = s.seal(p.Name, "signal_persons", "name", p.ID); err != nil {
			return err
		}
		if contact, err = s.seal(p.Contact, "signal_persons", "contact", p.ID); err != nil {
			return err
		}
		if p.Alias != "" {
			idx = s.aliasIndex(p.Alias)
		}
		var by any
		if p.BirthYear != nil {
			by = *p.BirthYear
		}
		if _, err := tx.Exec(ctx, `INSERT INTO signal_persons (id, signal_id, position, alias_enc, alias_index, name_enc,
			contact_enc, birth_year, age_band, gender, nationality, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, sig.ID, i, alias, idx, name, contact, by, p.AgeBand, p.Gender, p.Nationality, p.Language); err != nil {
			return fmt.Errorf("insert signal person: %w", err)
		}
	}
	return nil
}

// aliasIndex is the blind index of an alias: a keyed hash of its normalised form.
func (s *Service) aliasIndex(alias string) string {
	return s.keys.Index("signal_persons.alias", normaliseAlias(alias))
}

func (s *Service) insertEvent(ctx context.Context, tx *store.Tx, signalID string, ev Event) error {
	var seq any // a status change names no assessment record
	if ev.Reassessment != nil {
		seq = ev.Reassessment.Seq
	}
	id := store.NewID()
	remark, err := s.seal(ev.Remark, "signal_events", "remark", id)
	if err != nil {
		return err
	}
	note, err := s.seal(ev.Note, "signal_events", "note", id)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO signal_events (id, signal_id, seq, from_status, to_status, closing_reason,
		remark_enc, note_enc, actor_id, created_at, assessment_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, signalID, ev.Seq, string(ev.From), string(ev.To), ev.ClosingReason, remark, note, ev.ActorID, ev.At, seq)
	if err != nil {
		return fmt.Errorf("insert signal event: %w", err)
	}
	return nil
}

// logSignal writes one processing-log record per person of the signal (the
// data subject is the person's pseudonym id), or one for the signal itself
// when it names no person.
func (s *Service) logSignal(ctx context.Context, tx *store.Tx, actor policy.Subject, action string, sig *Signal, detail string) error {
	e := audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: action, ObjectType: "signal",
		ObjectID: sig.ID, Activity: audit.ActivitySignalering, Detail: detail}
	if len(sig.Persons) == 0 {
		e.Subject, e.SubjectType = sig.ID, audit.SubjectSignal
		return s.log.Write(ctx, tx, e)
	}
	for _, p := range sig.Persons {
		e.Subject, e.SubjectType = p.ID, audit.SubjectSignalPerson
		if err := s.log.Write(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

const signalColumns = `id, reference, reporter_id, reporter_org_id, municipality_id, region_id, department, observed_on,
	place_enc, came_to_light_enc, narrative_enc, observations, acute_danger, consultation, assessment_input, assessment,
	ruleset, content_version, status, closing_reason, created_at, updated_at, version`

// load reads a signal with its persons and history, decrypted, without a
// policy check. A missing signal is not_found.
func (s *Service) load(ctx context.Context, tx *store.Tx, id string) (Signal, error) {
	var sig Signal
	var place, came, narr, obs, ain, res string
	var c, u store.Time
	err := tx.QueryRow(ctx, `SELECT `+signalColumns+` FROM signals WHERE id = ?`, id).Scan(&sig.ID, &sig.Reference,
		&sig.ReporterID, &sig.ReporterOrgID, &sig.MunicipalityID, &sig.RegionID, &sig.Department, &sig.ObservedOn,
		&place, &came, &narr, &obs, &sig.AcuteDanger, &sig.Consultation, &ain, &res, &sig.Ruleset, &sig.ContentVersion, &sig.Status,
		&sig.ClosingReason, &c, &u, &sig.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return sig, errs.E(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return sig, err
	}
	sig.CreatedAt, sig.UpdatedAt = c.Time, u.Time
	if sig.Place, err = s.open(place, "signals", "place", sig.ID); err != nil {
		return sig, err
	}
	if sig.CameToLight, err = s.open(came, "signals", "came_to_light", sig.ID); err != nil {
		return sig, err
	}
	if sig.Narrative, err = s.open(narr, "signals", "narrative", sig.ID); err != nil {
		return sig, err
	}
	var o observations
	if err := json.Unmarshal([]byte(obs), &o); err != nil {
		return sig, fmt.Errorf("signal %s observations: %w", id, err)
	}
	sig.Signals, sig.Indicators, sig.Acts, sig.Smuggling, sig.RiskFactors = o.Signals, o.Indicators, o.Acts, o.Smuggling, o.RiskFactors
	sig.PossiblyMinor = o.PossiblyMinor
	if err := json.Unmarshal([]byte(ain), &sig.AssessmentInput); err != nil {
		return sig, fmt.Errorf("signal %s assessment input: %w", id, err)
	}
	if err := json.Unmarshal([]byte(res), &sig.Assessment); err != nil {
		return sig, fmt.Errorf("signal %s assessment: %w", id, err)
	}
	if sig.Forms, err = loadForms(ctx, tx, id); err != nil {
		return sig, err
	}
	if sig.Persons, err = s.loadPersons(ctx, tx, id); err != nil {
		return sig, err
	}
	if sig.History, err = s.loadHistory(ctx, tx, id); err != nil {
		return sig, err
	}
	if sig.Meldcode, err = meldcodeSummary(ctx, tx, &sig); err != nil {
		return sig, err
	}
	if sig.Status == StatusConverted {
		caseID, ref, err := CaseOf(ctx, tx, id)
		if err != nil {
			return sig, err
		}
		if caseID != "" {
			sig.Case = &CaseLink{ID: caseID, Reference: ref}
		}
	}
	return sig, nil
}

func loadForms(ctx context.Context, tx *store.Tx, id string) ([]string, error) {
	return tx.Strings(ctx, `SELECT form FROM signal_forms WHERE signal_id = ? ORDER BY form`, id)
}

func (s *Service) loadPersons(ctx context.Context, tx *store.Tx, id string) ([]Person, error) {
	rows, err := tx.Query(ctx, `SELECT id, alias_enc, name_enc, contact_enc, birth_year, age_band, gender, nationality, language
		FROM signal_persons WHERE signal_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Person{}
	for rows.Next() {
		var p Person
		var alias, name, contact string
		var by sql.NullInt64
		if err := rows.Scan(&p.ID, &alias, &name, &contact, &by, &p.AgeBand, &p.Gender, &p.Nationality, &p.Language); err != nil {
			return nil, err
		}
		if by.Valid {
			y := int(by.Int64)
			p.BirthYear = &y
		}
		if p.Alias, err = s.open(alias, "signal_persons", "alias", p.ID); err != nil {
			return nil, err
		}
		if p.Name, err = s.open(name, "signal_persons", "name", p.ID); err != nil {
			return nil, err
		}
		if p.Contact, err = s.open(contact, "signal_persons", "contact", p.ID); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Service) loadHistory(ctx context.Context, tx *store.Tx, id string) ([]Event, error) {
	// A kept re-assessment names its record; the record before it gives
	// the outcome it replaced.
	rows, err := tx.Query(ctx, `SELECT e.id, e.seq, e.from_status, e.to_status, e.closing_reason, e.remark_enc, e.note_enc,
		e.actor_id, e.created_at, a.seq, a.ruleset, a.content_version, a.outcome, p.outcome
		FROM signal_events e
		LEFT JOIN signal_assessments a ON a.signal_id = e.signal_id AND a.seq = e.assessment_seq
		LEFT JOIN signal_assessments p ON p.signal_id = e.signal_id AND p.seq = e.assessment_seq - 1
		WHERE e.signal_id = ? ORDER BY e.seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var ev Event
		var eid, remark, note string
		var at store.Time
		var aseq sql.NullInt64
		var ruleset, cv, outcome, prev sql.NullString
		if err := rows.Scan(&eid, &ev.Seq, &ev.From, &ev.To, &ev.ClosingReason, &remark, &note, &ev.ActorID, &at,
			&aseq, &ruleset, &cv, &outcome, &prev); err != nil {
			return nil, err
		}
		ev.At = at.Time
		if aseq.Valid {
			ev.Reassessment = &EventAssessment{Seq: int(aseq.Int64), Ruleset: ruleset.String, ContentVersion: cv.String,
				Outcome: assess.Outcome(outcome.String), PreviousOutcome: assess.Outcome(prev.String)}
		}
		if ev.Remark, err = s.open(remark, "signal_events", "remark", eid); err != nil {
			return nil, err
		}
		if ev.Note, err = s.open(note, "signal_events", "note", eid); err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// viewFor removes what actor may not see of a signal they may read: only care
// coordinators see the internal notes.
func viewFor(actor policy.Subject, sig Signal) Signal {
	if policy.Can(actor, policy.TransitionSignal, sig.Resource()) {
		return sig
	}
	h := make([]Event, len(sig.History))
	for i, ev := range sig.History {
		ev.Note = ""
		h[i] = ev
	}
	sig.History = h
	// The reporter learns from the status that the signal became a case;
	// which case is for the coordinators (data minimisation).
	sig.Case = nil
	return sig
}

// Get returns one signal as actor may see it. A signal actor may not read is
// not_found, exactly like one that does not exist. The read is in the
// processing log unless the signal is a consultation (no personal data).
func (s *Service) Get(ctx context.Context, actor policy.Subject, id string) (Signal, error) {
	var sig Signal
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		var err error
		if sig, err = s.load(ctx, tx, id); err != nil {
			return err
		}
		if err := policy.Require(actor, policy.ReadSignal, sig.Resource()); err != nil {
			return err
		}
		sig = viewFor(actor, sig)
		if sig.Consultation {
			return nil
		}
		return s.logSignal(ctx, tx, actor, "signal.read", &sig, "")
	})
	if err != nil {
		return Signal{}, errs.Wrap(err, "get signal")
	}
	return sig, nil
}

// Transition moves a signal to another status. version is the version the
// coordinator saw: when the signal has changed since, the answer is a
// conflict (error.stale) together with the signal's current state; a status
// the whitelist does not allow from the current one is a conflict with key
// signal.transition.invalid, also with the current state. The change is
// appended to the history, with the public remark and the internal note.
func (s *Service) Transition(ctx context.Context, actor policy.Subject, id string, version int, in TransitionInput) (Signal, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	in.Remark = strings.TrimSpace(in.Remark)
	in.Note = strings.TrimSpace(in.Note)
	var sig Signal
	var conflict error
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		var err error
		if sig, err = s.load(ctx, tx, id); err != nil {
			return err
		}
		if err := policy.Require(actor, policy.TransitionSignal, sig.Resource()); err != nil {
			return err
		}
		var v errs.Validation
		v.Check(slices.Contains(Statuses, in.To), "to", KeyStatusInvalid)
		// Converted only by opening a case from the signal (ConvertTx),
		// never by the plain status change (F10).
		v.Check(in.To != StatusConverted, "to", KeyConvertThroughCase)
		switch {
		case in.To == StatusClosed && in.Reason == "":
			v.Add("reason", KeyReasonRequired)
		case in.To == StatusClosed && !slices.Contains(ClosingReasons, in.Reason):
			v.Add("reason", KeyReasonInvalid)
		case in.To != StatusClosed && in.Reason != "":
			v.Add("reason", KeyReasonNotAllowed)
		}
		maxLen(&v, "remark", in.Remark, MaxRemark)
		maxLen(&v, "note", in.Note, MaxNote)
		if err := v.Err(); err != nil {
			return err
		}
		if sig.Version != version || !slices.Contains(transitions[sig.Status], in.To) {
			// Not an error for the transaction: the coordinator is shown the
			// current state, and that read is logged.
			conflict = errs.E(errs.Conflict, "error.stale")
			if sig.Version == version {
				conflict = errs.E(errs.Conflict, KeyTransitionInvalid)
			}
			return s.logRead(ctx, tx, actor, &sig, "conflict")
		}
		// A final signal leaves the inbox, and its would-change mark with it.
		res, err := tx.Exec(ctx, `UPDATE signals SET status = ?, closing_reason = ?, updated_at = ?, version = version + 1,
			would_change = would_change AND ? WHERE id = ? AND version = ?`, string(in.To), in.Reason, tx.Now, isOpen(in.To), id, version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			// Changed by a transaction that committed after ours read it
			// (PostgreSQL, read committed): show the committed state.
			if sig, err = s.load(ctx, tx, id); err != nil {
				return err
			}
			conflict = errs.E(errs.Conflict, "error.stale")
			return s.logRead(ctx, tx, actor, &sig, "conflict")
		}
		ev := Event{Seq: version + 1, From: sig.Status, To: in.To, ClosingReason: in.Reason, Remark: in.Remark,
			Note: in.Note, ActorID: actor.UserID, At: tx.Now}
		if err := s.insertEvent(ctx, tx, id, ev); err != nil {
			return err
		}
		sig.Status, sig.ClosingReason, sig.UpdatedAt, sig.Version = in.To, in.Reason, tx.Now, version+1
		sig.History = append(sig.History, ev)
		return s.logSignal(ctx, tx, actor, "signal.transition", &sig, string(ev.From)+"→"+string(ev.To))
	})
	if err != nil {
		return Signal{}, errs.Wrap(err, "transition signal")
	}
	return viewFor(actor, sig), conflict
}

func (s *Service) logRead(ctx context.Context, tx *store.Tx, actor policy.Subject, sig *Signal, detail string) error {
	if sig.Consultation {
		return nil
	}
	return s.logSignal(ctx, tx, actor, "signal.read", sig, detail)
}
