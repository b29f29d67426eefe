package signal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// The meldcode route (issue 11; docs/signals.md, "Meldcode"). For signals
// where Veilig Thuis is the route — any child, forced marriage, domestic
// coercion — the worker follows the five steps of the Meldcode huiselijk
// geweld en kindermishandeling and records each step's date, the weighing of
// step 4 and the decision of step 5 on the signal.

// MeldcodeAdvice are the advice ids that put a signal on the meldcode route:
// the stored assessment's advice contains one of them. Ruleset 2026.1 gives
// the first for a child with a trafficking outcome; 2027.1 gives it for any
// child with any indicator or form, and adds the other two.
var MeldcodeAdvice = []string{"contact_veilig_thuis", "contact_veilig_thuis_adult", "contact_lkha"}

// MeldcodeApplies reports whether an assessment puts its signal on the
// meldcode route: its advice contains one of MeldcodeAdvice.
func MeldcodeApplies(res assess.Result) bool {
	for _, a := range res.Advice {
		if slices.Contains(MeldcodeAdvice, a.ID) {
			return true
		}
	}
	return false
}

// MeldcodeStep is one of the five steps, in order.
type MeldcodeStep string

const (
	StepMap     MeldcodeStep = "map"     // 1: signalen in kaart brengen
	StepConsult MeldcodeStep = "consult" // 2: collegiale consultatie en/of Veilig Thuis raadplegen
	StepTalk    MeldcodeStep = "talk"    // 3: gesprek met de betrokkene
	StepWeigh   MeldcodeStep = "weigh"   // 4: wegen met het afwegingskader
	StepDecide  MeldcodeStep = "decide"  // 5: beslissen: hulp organiseren en/of melden
)

// MeldcodeSteps lists the steps in order.
var MeldcodeSteps = []MeldcodeStep{StepMap, StepConsult, StepTalk, StepWeigh, StepDecide}

// Number is the step's 1-based number.
func (s MeldcodeStep) Number() int { return slices.Index(MeldcodeSteps, s) + 1 }

// Decision is the decision of step 5.
type Decision string

const (
	DecisionReport        Decision = "report"          // report to Veilig Thuis
	DecisionHelp          Decision = "help"            // offer or organise help
	DecisionReportAndHelp Decision = "report_and_help" // both
)

// Decisions lists the decisions.
var Decisions = []Decision{DecisionReport, DecisionHelp, DecisionReportAndHelp}

// Reports reports whether the decision includes reporting to Veilig Thuis.
func (d Decision) Reports() bool { return d == DecisionReport || d == DecisionReportAndHelp }

// MaxMeldcodeNote is the length limit of a step's note (a short note: the
// signal's narrative is for the story).
const MaxMeldcodeNote = 1000

// Message keys of meldcode problems (catalog/meldcode.*.json).
const (
	KeyMeldcodeNotApplicable  = "signal.meldcode.not_applicable" // the signal's assessment does not give the route
	KeyMeldcodeDateInvalid    = "signal.meldcode.date.invalid"   // not YYYY-MM-DD
	KeyMeldcodeDateFuture     = "signal.meldcode.date.future"    // after today (Dutch calendar)
	KeyMeldcodeDateBefore     = "signal.meldcode.date.before_observed"
	KeyMeldcodeWeighingNeeded = "signal.meldcode.weighing.required"    // step 4 dated without both answers
	KeyMeldcodeWeighDate      = "signal.meldcode.weigh.date_required"  // answers without step 4's date
	KeyMeldcodeDecisionNeeded = "signal.meldcode.decision.required"    // step 5 dated without a decision
	KeyMeldcodeDecideDate     = "signal.meldcode.decide.date_required" // a decision without step 5's date
	KeyMeldcodeDecisionKind   = "signal.meldcode.decision.invalid"     // not one of Decisions
	KeyMeldcodeWeighFirst     = "signal.meldcode.decision.weigh_first" // a decision before the weighing
	KeyMeldcodeMustReport     = "signal.meldcode.decision.report_required"
	KeyMeldcodeDecideBefore   = "signal.meldcode.decide.before_weigh" // decided before weighing
)

// MeldcodeStepInput is one step as the worker records it.
type MeldcodeStepInput struct {
	Date string `json:"date,omitempty"` // YYYY-MM-DD; "" not (yet) taken
	Note string `json:"note,omitempty"` // optional; may hold personal data (sealed)
}

// MeldcodeStepsInput are the five steps.
type MeldcodeStepsInput struct {
	Map     MeldcodeStepInput `json:"map"`
	Consult MeldcodeStepInput `json:"consult"`
	Talk    MeldcodeStepInput `json:"talk"`
	Weigh   MeldcodeStepInput `json:"weigh"`
	Decide  MeldcodeStepInput `json:"decide"`
}

// At returns step st.
func (s *MeldcodeStepsInput) At(st MeldcodeStep) *MeldcodeStepInput {
	switch st {
	case StepMap:
		return &s.Map
	case StepConsult:
		return &s.Consult
	case StepTalk:
		return &s.Talk
	case StepWeigh:
		return &s.Weigh
	}
	return &s.Decide
}

// MeldcodeInput is the whole meldcode record of a signal as the worker
// records it (it replaces the previous state; the history keeps that).
type MeldcodeInput struct {
	Steps MeldcodeStepsInput `json:"steps"`
	// The weighing of step 4 with the afwegingskader: is there acute or
	// structural unsafety? nil: not answered yet.
	AcuteUnsafety      *bool `json:"acuteUnsafety"`
	StructuralUnsafety *bool `json:"structuralUnsafety"`
	// Decision of step 5; "" not yet taken. When the weighing found acute
	// or structural unsafety it must include reporting to Veilig Thuis.
	Decision Decision `json:"decision"`
}

// MeldcodeStepRecord is one recorded step: its date and note, and who last
// changed them and when (from the history).
type MeldcodeStepRecord struct {
	Step       MeldcodeStep `json:"step"`
	Date       string       `json:"date,omitempty"`
	Note       string       `json:"note,omitempty"`
	RecordedBy string       `json:"recordedBy,omitempty"`
	RecordedAt *time.Time   `json:"recordedAt,omitempty"`
}

// MeldcodeEvent is one recording in the history: the whole state after it.
type MeldcodeEvent struct {
	Version            int                 `json:"version"`
	Steps              []MeldcodeStepInput `json:"steps"` // in step order
	AcuteUnsafety      *bool               `json:"acuteUnsafety"`
	StructuralUnsafety *bool               `json:"structuralUnsafety"`
	Decision           Decision            `json:"decision,omitempty"`
	ActorID            string              `json:"actorId"`
	At                 time.Time           `json:"at"`
}

// Meldcode is a signal's meldcode record as a reader may see it.
type Meldcode struct {
	SignalID string `json:"signalId"`
	// Applies: the signal's stored assessment advises Veilig Thuis or the
	// LKHA. When false nothing can be recorded and Steps are empty.
	Applies            bool                 `json:"applies"`
	Steps              []MeldcodeStepRecord `json:"steps"` // the five, in order
	AcuteUnsafety      *bool                `json:"acuteUnsafety"`
	StructuralUnsafety *bool                `json:"structuralUnsafety"`
	Decision           Decision             `json:"decision,omitempty"`
	Summary            MeldcodeSummary      `json:"summary"`
	History            []MeldcodeEvent      `json:"history"`
	UpdatedBy          string               `json:"updatedBy,omitempty"`
	UpdatedAt          *time.Time           `json:"updatedAt,omitempty"`
	Version            int                  `json:"version"` // 0: nothing recorded yet
}

// Step returns the record of step st.
func (m Meldcode) Step(st MeldcodeStep) MeldcodeStepRecord {
	for _, r := range m.Steps {
		if r.Step == st {
			return r
		}
	}
	return MeldcodeStepRecord{Step: st}
}

// Input returns the record as an input, for a form to start from.
func (m Meldcode) Input() MeldcodeInput {
	in := MeldcodeInput{AcuteUnsafety: m.AcuteUnsafety, StructuralUnsafety: m.StructuralUnsafety, Decision: m.Decision}
	for _, r := range m.Steps {
		*in.Steps.At(r.Step) = MeldcodeStepInput{Date: r.Date, Note: r.Note}
	}
	return in
}

// MeldcodeSummary is the meldcode's progress, for the signal page, the
// inbox marker and the signal's JSON: no notes, no personal data.
type MeldcodeSummary struct {
	// StepsDone is the number of steps with a date (0–5).
	StepsDone int `json:"stepsDone"`
	// Next is the first step without a date ("" when all five have one).
	Next     MeldcodeStep `json:"next,omitempty"`
	Decision Decision     `json:"decision,omitempty"`
	// ReportRequired: the weighing found acute or structural unsafety.
	ReportRequired bool `json:"reportRequired"`
	Version        int  `json:"version"`
}

// Decided reports whether step 5's decision is taken.
func (s MeldcodeSummary) Decided() bool { return s.Decision != "" }

// meldcodeState is a stored state: the current row or one history entry.
type meldcodeState struct {
	dates             [5]string
	notes             [5]string
	acute, structural *bool
	decision          Decision
	version           int
	actorID           string
	at                time.Time
	created           bool // the row exists
}

func (st *meldcodeState) summary() MeldcodeSummary {
	s := MeldcodeSummary{Decision: st.decision, Version: st.version,
		ReportRequired: st.acute != nil && *st.acute || st.structural != nil && *st.structural}
	for i, d := range st.dates {
		if d != "" {
			s.StepsDone++
		} else if s.Next == "" {
			s.Next = MeldcodeSteps[i]
		}
	}
	return s
}

func stateOf(in *MeldcodeInput) meldcodeState {
	st := meldcodeState{acute: in.AcuteUnsafety, structural: in.StructuralUnsafety, decision: in.Decision}
	for i, step := range MeldcodeSteps {
		p := in.Steps.At(step)
		st.dates[i], st.notes[i] = p.Date, p.Note
	}
	return st
}

func (in *MeldcodeInput) normalise() {
	for _, step := range MeldcodeSteps {
		p := in.Steps.At(step)
		p.Date = strings.TrimSpace(p.Date)
		p.Note = strings.TrimSpace(p.Note)
	}
	in.Decision = Decision(strings.TrimSpace(string(in.Decision)))
}

// validateMeldcode records every problem of in for signal sig in v.
func validateMeldcode(v *errs.Validation, sig *Signal, in *MeldcodeInput, now time.Time) {
	observed, _ := time.Parse(time.DateOnly, sig.ObservedOn)
	dates := map[MeldcodeStep]time.Time{}
	for _, step := range MeldcodeSteps {
		p := in.Steps.At(step)
		field := "steps." + string(step)
		if p.Date != "" {
			switch d, err := time.Parse(time.DateOnly, p.Date); {
			case err != nil:
				v.Add(field+".date", KeyMeldcodeDateInvalid)
			case d.After(today(now)):
				v.Add(field+".date", KeyMeldcodeDateFuture)
			case d.Before(observed):
				v.Add(field+".date", KeyMeldcodeDateBefore)
			default:
				dates[step] = d
			}
		}
		maxLen(v, field+".note", p.Note, MaxMeldcodeNote)
		// A consultation holds no personal data at all; a note could.
		v.Check(!sig.Consultation || p.Note == "", field+".note", KeyConsultationPersonal)
	}
	weighed := in.AcuteUnsafety != nil || in.StructuralUnsafety != nil
	if in.Steps.Weigh.Date != "" {
		v.Check(in.AcuteUnsafety != nil, "acuteUnsafety", KeyMeldcodeWeighingNeeded)
		v.Check(in.StructuralUnsafety != nil, "structuralUnsafety", KeyMeldcodeWeighingNeeded)
	} else if weighed {
		v.Add("steps.weigh.date", KeyMeldcodeWeighDate)
	}
	unsafe := in.AcuteUnsafety != nil && *in.AcuteUnsafety || in.StructuralUnsafety != nil && *in.StructuralUnsafety
	switch {
	case in.Decision == "" && in.Steps.Decide.Date != "":
		v.Add("decision", KeyMeldcodeDecisionNeeded)
	case in.Decision == "":
	case !slices.Contains(Decisions, in.Decision):
		v.Add("decision", KeyMeldcodeDecisionKind)
	default:
		if in.Steps.Decide.Date == "" {
			v.Add("steps.decide.date", KeyMeldcodeDecideDate)
		}
		if in.AcuteUnsafety == nil || in.StructuralUnsafety == nil {
			v.Add("decision", KeyMeldcodeWeighFirst)
		} else if unsafe && !in.Decision.Reports() {
			// The verbeterde meldcode (2019): acute or structural unsafety
			// is reported to Veilig Thuis.
			v.Add("decision", KeyMeldcodeMustReport)
		}
	}
	if w, ok := dates[StepWeigh]; ok {
		if d, ok := dates[StepDecide]; ok && d.Before(w) {
			v.Add("steps.decide.date", KeyMeldcodeDecideBefore)
		}
	}
}

// MeldcodeResource is the policy view of a signal for recording its
// meldcode (policy.RecordMeldcode): the signal's, and whether it is final
// (closed or converted: nothing more is recorded on it).
func (s Signal) MeldcodeResource() policy.Resource {
	r := s.Resource()
	r.Closed = s.Status == StatusClosed || s.Status == StatusConverted
	return r
}

// GetMeldcode returns the meldcode record of signal id as actor may see it:
// whoever may read the signal may read it (anyone else: not_found, as for
// the signal). The read is in the processing log unless the signal is a
// consultation (no personal data).
func (s *Service) GetMeldcode(ctx context.Context, actor policy.Subject, id string) (Meldcode, error) {
	var m Meldcode
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		sig, err := s.loadFor(ctx, tx, actor, id, policy.ReadSignal, Signal.Resource)
		if err != nil {
			return err
		}
		if m, err = s.loadMeldcode(ctx, tx, &sig); err != nil {
			return err
		}
		return s.logMeldcode(ctx, tx, actor, "signal.meldcode.read", &sig, "")
	})
	if err != nil {
		return Meldcode{}, errs.Wrap(err, "get meldcode")
	}
	return m, nil
}

// RecordMeldcode records the meldcode steps of signal id: the whole record
// (dates, notes, the weighing and the decision) replaces the previous state,
// which the history keeps. Who may: the reporter and the region's care
// coordinators, while the signal is open (policy.RecordMeldcode). version is
// the version the worker saw (0 before the first recording): when the record
// has changed since, the answer is a conflict (error.stale) with the current
// record. Every problem of the input is reported at once; nothing is written
// unless everything is. A signal not on the meldcode route is a conflict
// (signal.meldcode.not_applicable).
func (s *Service) RecordMeldcode(ctx context.Context, actor policy.Subject, id string, version int, in MeldcodeInput) (Meldcode, error) {
	in.normalise()
	var m Meldcode
	var conflict error
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		sig, err := s.loadFor(ctx, tx, actor, id, policy.RecordMeldcode, Signal.MeldcodeResource)
		if err != nil {
			return err
		}
		cur, err := loadMeldcodeState(ctx, tx, id)
		if err != nil {
			return err
		}
		if !onRoute(&sig, &cur) {
			return errs.E(errs.Conflict, KeyMeldcodeNotApplicable)
		}
		var v errs.Validation
		validateMeldcode(&v, &sig, &in, tx.Now)
		if err := v.Err(); err != nil {
			return err
		}
		stale := func() error {
			conflict = errs.E(errs.Conflict, "error.stale")
			if m, err = s.loadMeldcode(ctx, tx, &sig); err != nil {
				return err
			}
			// The worker is shown the current record: a read.
			return s.logMeldcode(ctx, tx, actor, "signal.meldcode.read", &sig, "conflict")
		}
		if cur.version != version {
			return stale()
		}
		next := stateOf(&in)
		next.version, next.actorID, next.at = version+1, actor.UserID, tx.Now
		ok, err := s.storeMeldcode(ctx, tx, id, version, cur.created, &next)
		if err != nil {
			return err
		}
		if !ok {
			// Changed by a transaction that committed after ours read it
			// (PostgreSQL, read committed).
			return stale()
		}
		if err := s.insertMeldcodeEvent(ctx, tx, id, &next); err != nil {
			return err
		}
		if m, err = s.loadMeldcode(ctx, tx, &sig); err != nil {
			return err
		}
		return s.logMeldcode(ctx, tx, actor, "signal.meldcode.record", &sig, "v"+strconv.Itoa(next.version))
	})
	if err != nil {
		return Meldcode{}, errs.Wrap(err, "record meldcode")
	}
	return m, conflict
}

// logMeldcode writes the processing-log records of a meldcode read or write,
// one per person of the signal as for the signal itself. Reads of a
// consultation are not logged (it holds no personal data); writes are.
func (s *Service) logMeldcode(ctx context.Context, tx *store.Tx, actor policy.Subject, action string, sig *Signal, detail string) error {
	if sig.Consultation && action == "signal.meldcode.read" {
		return nil
	}
	return s.logSignal(ctx, tx, actor, action, sig, detail)
}

// openMeldcodeTx gives a signal whose assessment puts it on the meldcode
// route its (empty) meldcode row, inside the caller's transaction, so that
// lists can show the route without reading assessments. It does nothing for
// other signals or when the row exists. Create calls it; a re-assessment
// that is kept should call it too.
func openMeldcodeTx(ctx context.Context, tx *store.Tx, sig *Signal) error {
	if !MeldcodeApplies(sig.Assessment) {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO signal_meldcode (signal_id, version, created_at, updated_at) VALUES (?, 0, ?, ?)
		ON CONFLICT (signal_id) DO NOTHING`, sig.ID, tx.Now, tx.Now)
	if err != nil {
		return fmt.Errorf("open meldcode: %w", err)
	}
	return nil
}

var meldcodeStateColumns = `map_on, consult_on, talk_on, weigh_on, decide_on,
	map_note_enc, consult_note_enc, talk_note_enc, weigh_note_enc, decide_note_enc,
	acute_unsafety, structural_unsafety, decision`

// loadMeldcodeState reads the current row of signal id, notes still sealed
// (the zero state, created false, when there is none).
func loadMeldcodeState(ctx context.Context, tx *store.Tx, id string) (meldcodeState, error) {
	var st meldcodeState
	var acute, structural sql.NullBool
	var u store.Time
	err := tx.QueryRow(ctx, `SELECT `+meldcodeStateColumns+`, version, updated_by, updated_at
		FROM signal_meldcode WHERE signal_id = ?`, id).Scan(
		&st.dates[0], &st.dates[1], &st.dates[2], &st.dates[3], &st.dates[4],
		&st.notes[0], &st.notes[1], &st.notes[2], &st.notes[3], &st.notes[4],
		&acute, &structural, &st.decision, &st.version, &st.actorID, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return meldcodeState{}, nil
	}
	if err != nil {
		return st, fmt.Errorf("load meldcode: %w", err)
	}
	st.created, st.at = true, u.Time
	st.acute, st.structural = boolPtr(acute), boolPtr(structural)
	return st, nil
}

func boolPtr(b sql.NullBool) *bool {
	if !b.Valid {
		return nil
	}
	v := b.Bool
	return &v
}

func nullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// sealNotes seals the five notes of a state for row rowID of table.
func (s *Service) sealNotes(st *meldcodeState, table, rowID string) ([5]string, error) {
	var out [5]string
	for i, step := range MeldcodeSteps {
		var err error
		if out[i], err = s.seal(st.notes[i], table, string(step)+"_note", rowID); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (s *Service) openNotes(st *meldcodeState, table, rowID string) error {
	for i, step := range MeldcodeSteps {
		var err error
		if st.notes[i], err = s.open(st.notes[i], table, string(step)+"_note", rowID); err != nil {
			return err
		}
	}
	return nil
}

// storeMeldcode writes the new current state: an update of the row at
// version, or its insert when the signal has none yet (a signal that came on
// the route after its intake). It reports false when another transaction got
// there first.
func (s *Service) storeMeldcode(ctx context.Context, tx *store.Tx, id string, version int, exists bool, st *meldcodeState) (bool, error) {
	notes, err := s.sealNotes(st, "signal_meldcode", id)
	if err != nil {
		return false, err
	}
	args := []any{st.dates[0], st.dates[1], st.dates[2], st.dates[3], st.dates[4],
		notes[0], notes[1], notes[2], notes[3], notes[4],
		nullBool(st.acute), nullBool(st.structural), string(st.decision)}
	var res sql.Result
	if exists {
		res, err = tx.Exec(ctx, `UPDATE signal_meldcode SET map_on = ?, consult_on = ?, talk_on = ?, weigh_on = ?, decide_on = ?,
			map_note_enc = ?, consult_note_enc = ?, talk_note_enc = ?, weigh_note_enc = ?, decide_note_enc = ?,
			acute_unsafety = ?, structural_unsafety = ?, decision = ?, version = ?, updated_by = ?, updated_at = ?
			WHERE signal_id = ? AND version = ?`, append(args, st.version, st.actorID, st.at, id, version)...)
	} else {
		res, err = tx.Exec(ctx, `INSERT INTO signal_meldcode (`+meldcodeStateColumns+`, version, updated_by, updated_at,
			signal_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (signal_id) DO NOTHING`, append(args, st.version, st.actorID, st.at, id, st.at)...)
	}
	if err != nil {
		return false, fmt.Errorf("store meldcode: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *Service) insertMeldcodeEvent(ctx context.Context, tx *store.Tx, signalID string, st *meldcodeState) error {
	id := store.NewID()
	notes, err := s.sealNotes(st, "signal_meldcode_events", id)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO signal_meldcode_events (id, signal_id, version, `+meldcodeStateColumns+`, actor_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, signalID, st.version, st.dates[0], st.dates[1], st.dates[2], st.dates[3], st.dates[4],
		notes[0], notes[1], notes[2], notes[3], notes[4],
		nullBool(st.acute), nullBool(st.structural), string(st.decision), st.actorID, st.at)
	if err != nil {
		return fmt.Errorf("insert meldcode event: %w", err)
	}
	return nil
}

// loadMeldcodeHistory reads the history of signal id, oldest first, notes opened.
func (s *Service) loadMeldcodeHistory(ctx context.Context, tx *store.Tx, id string) ([]meldcodeState, error) {
	rows, err := tx.Query(ctx, `SELECT id, `+meldcodeStateColumns+`, version, actor_id, created_at
		FROM signal_meldcode_events WHERE signal_id = ? ORDER BY version`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []meldcodeState
	for rows.Next() {
		var st meldcodeState
		var eid string
		var acute, structural sql.NullBool
		var at store.Time
		if err := rows.Scan(&eid, &st.dates[0], &st.dates[1], &st.dates[2], &st.dates[3], &st.dates[4],
			&st.notes[0], &st.notes[1], &st.notes[2], &st.notes[3], &st.notes[4],
			&acute, &structural, &st.decision, &st.version, &st.actorID, &at); err != nil {
			return nil, err
		}
		st.acute, st.structural, st.at = boolPtr(acute), boolPtr(structural), at.Time
		if err := s.openNotes(&st, "signal_meldcode_events", eid); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// loadMeldcode reads the whole meldcode record of sig: the current state
// with its notes opened, who last changed each step (from the history), and
// the history itself.
func (s *Service) loadMeldcode(ctx context.Context, tx *store.Tx, sig *Signal) (Meldcode, error) {
	m := Meldcode{SignalID: sig.ID, History: []MeldcodeEvent{}}
	cur, err := loadMeldcodeState(ctx, tx, sig.ID)
	if err != nil {
		return m, err
	}
	m.Applies = onRoute(sig, &cur)
	if cur.created {
		if err := s.openNotes(&cur, "signal_meldcode", sig.ID); err != nil {
			return m, err
		}
	}
	hist, err := s.loadMeldcodeHistory(ctx, tx, sig.ID)
	if err != nil {
		return m, err
	}
	m.Steps = make([]MeldcodeStepRecord, len(MeldcodeSteps))
	for i, step := range MeldcodeSteps {
		r := MeldcodeStepRecord{Step: step, Date: cur.dates[i], Note: cur.notes[i]}
		// Who recorded the step as it stands: the author of the last
		// recording that changed it (step 4 includes the weighing, step 5
		// the decision); nobody while it is empty.
		prev := &meldcodeState{}
		for j := range hist {
			h := &hist[j]
			if stepChanged(prev, h, i) {
				at := h.at
				r.RecordedBy, r.RecordedAt = h.actorID, &at
			}
			prev = h
		}
		if !stepSet(&cur, i) {
			r.RecordedBy, r.RecordedAt = "", nil
		}
		m.Steps[i] = r
	}
	m.AcuteUnsafety, m.StructuralUnsafety, m.Decision, m.Version = cur.acute, cur.structural, cur.decision, cur.version
	m.Summary = cur.summary()
	if cur.version > 0 {
		at := cur.at
		m.UpdatedBy, m.UpdatedAt = cur.actorID, &at
	}
	for _, h := range hist {
		ev := MeldcodeEvent{Version: h.version, AcuteUnsafety: h.acute, StructuralUnsafety: h.structural,
			Decision: h.decision, ActorID: h.actorID, At: h.at, Steps: make([]MeldcodeStepInput, len(MeldcodeSteps))}
		for i := range MeldcodeSteps {
			ev.Steps[i] = MeldcodeStepInput{Date: h.dates[i], Note: h.notes[i]}
		}
		m.History = append(m.History, ev)
	}
	return m, nil
}

// stepChanged: step i differs between two states (its date or note; for
// step 4 also the weighing, for step 5 the decision).
func stepChanged(a, b *meldcodeState, i int) bool {
	if a.dates[i] != b.dates[i] || a.notes[i] != b.notes[i] {
		return true
	}
	switch MeldcodeSteps[i] {
	case StepWeigh:
		return !eqBool(a.acute, b.acute) || !eqBool(a.structural, b.structural)
	case StepDecide:
		return a.decision != b.decision
	}
	return false
}

// stepSet: step i of st holds something.
func stepSet(st *meldcodeState, i int) bool {
	return st.dates[i] != "" || st.notes[i] != "" ||
		MeldcodeSteps[i] == StepWeigh && (st.acute != nil || st.structural != nil) ||
		MeldcodeSteps[i] == StepDecide && st.decision != ""
}

func eqBool(a, b *bool) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// meldcodeSummary is the progress of sig's meldcode for its JSON and page:
// nil when the signal is not on the route.
func meldcodeSummary(ctx context.Context, tx *store.Tx, sig *Signal) (*MeldcodeSummary, error) {
	st, err := loadMeldcodeState(ctx, tx, sig.ID)
	if err != nil {
		return nil, err
	}
	if !onRoute(sig, &st) {
		return nil, nil
	}
	sum := st.summary()
	return &sum, nil
}

// onRoute reports whether sig is on the meldcode route: its assessment
// advises Veilig Thuis or the LKHA, or it was on the route before (its
// meldcode row exists). A signal stays on the route once on it — also when
// a kept re-assessment no longer gives that advice —, so the steps recorded
// and the decision stay visible and can be completed. The lists decide the
// same way (by the row).
func onRoute(sig *Signal, st *meldcodeState) bool {
	return MeldcodeApplies(sig.Assessment) || st.created
}

// loadSummaryMeldcode sets the meldcode progress of the list items that
// have a meldcode row (those on the route): one indexed query per page.
func loadSummaryMeldcode(ctx context.Context, tx *store.Tx, items []Summary) error {
	if len(items) == 0 {
		return nil
	}
	byID := make(map[string]*Summary, len(items))
	args := make([]any, len(items))
	for i := range items {
		byID[items[i].ID] = &items[i]
		args[i] = items[i].ID
	}
	rows, err := tx.Query(ctx, `SELECT signal_id, map_on, consult_on, talk_on, weigh_on, decide_on, acute_unsafety,
		structural_unsafety, decision, version FROM signal_meldcode WHERE signal_id IN (`+store.Placeholders(len(args))+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var st meldcodeState
		var acute, structural sql.NullBool
		if err := rows.Scan(&id, &st.dates[0], &st.dates[1], &st.dates[2], &st.dates[3], &st.dates[4],
			&acute, &structural, &st.decision, &st.version); err != nil {
			return err
		}
		st.acute, st.structural = boolPtr(acute), boolPtr(structural)
		sum := st.summary()
		byID[id].Meldcode = &sum
	}
	return rows.Err()
}
