package signal

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Re-assessment, never silent (issue 11). A stored signal keeps the ruleset
// and content version it was assessed with. Whoever may read it may see the
// current ruleset's result beside the stored one (Compare) and keep it
// (Reassess): a new assessment record, a history entry and processing-log
// records, in one transaction. Nothing recomputes a stored assessment on its
// own. See docs/assessment.md ("Versioning").

// Kinds of assessment records.
const (
	KindIntake       = "intake"       // made when the signal came in
	KindReassessment = "reassessment" // a re-assessment someone kept
)

// Message keys of re-assessment problems.
const (
	// KeyReassessUnchanged: keep was asked while the current ruleset and
	// content give the stored assessment again: there is nothing to keep.
	KeyReassessUnchanged = "signal.reassessment.unchanged"
	// KeyReassessFinal: the signal is closed or converted; its assessment
	// stays the one it was decided on (it can still be compared).
	KeyReassessFinal = "signal.reassessment.final"
)

// Record is one kept assessment of a signal: the intake's (seq 1) or a
// re-assessment someone chose to keep. Records are appended, never edited.
type Record struct {
	Seq            int            `json:"seq"`
	Kind           string         `json:"kind"` // KindIntake or KindReassessment
	Ruleset        string         `json:"ruleset"`
	ContentVersion string         `json:"contentVersion"` // "" when not recorded (signals from before it was)
	Input          assess.Input   `json:"input"`
	Result         assess.Result  `json:"result"` // Dutch texts
	Outcome        assess.Outcome `json:"outcome"`
	ActorID        string         `json:"actorId"`
	At             time.Time      `json:"at"`
}

// Side is one side of a comparison: an assessment with the versions it was
// made with, its texts in Lang.
type Side struct {
	Ruleset        string        `json:"ruleset"`
	ContentVersion string        `json:"contentVersion"`
	Input          assess.Input  `json:"input"`
	Result         assess.Result `json:"result"`
	Lang           string        `json:"lang"`
}

// Dropped is a ticked id of the stored signal that the current catalogue no
// longer has: the current assessment cannot weigh it, and says so.
type Dropped struct {
	Field string `json:"field"` // forms, signals, indicators or acts
	ID    string `json:"id"`
}

// Comparison is a signal's stored assessment beside the one the current
// ruleset and content give for the same signal, with what differs.
type Comparison struct {
	SignalID  string `json:"signalId"`
	Reference string `json:"reference"`
	Status    Status `json:"status"` // a closed or converted signal can be compared, not kept
	// Version is the signal's version compared; keeping names it.
	Version int  `json:"version"`
	Stored  Side `json:"stored"`
	Current Side `json:"current"`
	// VersionsDiffer: the ruleset or the content version is not the stored one.
	VersionsDiffer bool `json:"versionsDiffer"`
	// Changed: the outcome, population, an element, the advice or the
	// reasons differ.
	Changed           bool     `json:"changed"`
	OutcomeChanged    bool     `json:"outcomeChanged"`
	PopulationChanged bool     `json:"populationChanged"`
	ElementsChanged   []string `json:"elementsChanged"` // act, means, purpose
	AdviceAdded       []string `json:"adviceAdded"`
	AdviceRemoved     []string `json:"adviceRemoved"`
	ReasonsAdded      []string `json:"reasonsAdded"` // rule ids
	ReasonsRemoved    []string `json:"reasonsRemoved"`
	// Dropped lists the ticked ids the current catalogue no longer has.
	Dropped []Dropped `json:"dropped"`
	// CanKeep: keeping would store something new (versions or result
	// differ) and the signal is not final.
	CanKeep bool `json:"canKeep"`
}

// previewKey names a ruleset and a content version together.
func previewKey(ruleset, contentVersion string) string { return ruleset + "|" + contentVersion }

// currentKey is the key of the engine's ruleset and the catalogue's version.
func (s *Service) currentKey() string { return previewKey(s.engine.Ruleset(), s.cat.Meta.Version) }

// storedIntake rebuilds what the engine's input is derived from out of a
// stored signal: its ticks, acute danger, doubt about age, the date observed
// and the persons' birth years and age bands (nothing else of a person
// counts).
func storedIntake(sig *Signal) Input {
	in := Input{ObservedOn: sig.ObservedOn, Forms: sig.Forms, Signals: sig.Signals, Indicators: sig.Indicators,
		Acts: sig.Acts, Smuggling: sig.Smuggling, AcuteDanger: sig.AcuteDanger, PossiblyMinor: sig.PossiblyMinor}
	for _, p := range sig.Persons {
		in.Persons = append(in.Persons, PersonInput{BirthYear: p.BirthYear, AgeBand: p.AgeBand})
	}
	return in
}

// currentInput derives the engine's input for a stored intake with the
// current catalogue and mapping — the same assessmentInput the intake uses,
// with the stored date observed — and lists the ticked ids the current
// catalogue no longer has. Those are left out of the input (the engine
// cannot weigh what it does not know) and reported, never dropped silently.
func (s *Service) currentInput(in Input, now time.Time) (assess.Input, []Dropped) {
	dropped := []Dropped{}
	keep := func(field string, list []string, known func(string) bool) []string {
		out := make([]string, 0, len(list))
		for _, id := range list {
			if known(id) {
				out = append(out, id)
			} else {
				dropped = append(dropped, Dropped{Field: field, ID: id})
			}
		}
		return out
	}
	in.Forms = keep("forms", in.Forms, func(id string) bool { _, ok := s.cat.Form(id); return ok })
	in.Signals = keep("signals", in.Signals, func(id string) bool { _, ok := s.cat.Signal(id); return ok })
	in.Indicators = keep("indicators", in.Indicators, func(id string) bool { _, ok := s.cat.Indicator(id); return ok })
	in.Acts = keep("acts", in.Acts, func(id string) bool { return slices.Contains(assess.Acts, id) })
	return assessmentInput(s.cat, &in, now), dropped
}

// compare computes the current assessment of sig and what differs from the
// stored one. The current texts are in lang; the stored ones as InLanguage
// gives them.
func (s *Service) compare(sig *Signal, lang string, now time.Time) (Comparison, error) {
	ain, dropped := s.currentInput(storedIntake(sig), now)
	res, err := s.engine.Assess(ain, lang)
	if err != nil {
		return Comparison{}, fmt.Errorf("re-assess signal %s: %w", sig.ID, err)
	}
	shown, storedLang := s.InLanguage(*sig, lang)
	c := Comparison{SignalID: sig.ID, Reference: sig.Reference, Status: sig.Status, Version: sig.Version,
		Stored: Side{Ruleset: sig.Ruleset, ContentVersion: sig.ContentVersion, Input: sig.AssessmentInput,
			Result: shown.Assessment, Lang: storedLang},
		Current: Side{Ruleset: s.engine.Ruleset(), ContentVersion: s.cat.Meta.Version, Input: ain, Result: res, Lang: lang},
		Dropped: dropped}
	c.diff(sig.Assessment, res)
	c.VersionsDiffer = previewKey(sig.Ruleset, sig.ContentVersion) != s.currentKey()
	c.CanKeep = (c.VersionsDiffer || c.Changed) && sig.Status != StatusClosed && sig.Status != StatusConverted
	return c, nil
}

// diff fills in what differs between the stored result a and the current b
// (ids only: the texts may be in different languages).
func (c *Comparison) diff(a, b assess.Result) {
	c.OutcomeChanged = a.Outcome != b.Outcome
	c.PopulationChanged = a.Population != b.Population
	c.ElementsChanged = []string{}
	for _, e := range []struct {
		name string
		x, y assess.ElementState
	}{{"act", a.Elements.Act, b.Elements.Act}, {"means", a.Elements.Means, b.Elements.Means},
		{"purpose", a.Elements.Purpose, b.Elements.Purpose}} {
		if e.x != e.y {
			c.ElementsChanged = append(c.ElementsChanged, e.name)
		}
	}
	adviceIDs := func(r assess.Result) []string {
		out := make([]string, len(r.Advice))
		for i, x := range r.Advice {
			out[i] = x.ID
		}
		return out
	}
	ruleIDs := func(r assess.Result) []string {
		out := make([]string, len(r.Explanation))
		for i, x := range r.Explanation {
			out[i] = x.Rule
		}
		return out
	}
	c.AdviceAdded, c.AdviceRemoved = setDiff(adviceIDs(a), adviceIDs(b))
	c.ReasonsAdded, c.ReasonsRemoved = setDiff(ruleIDs(a), ruleIDs(b))
	c.Changed = c.OutcomeChanged || c.PopulationChanged || len(c.ElementsChanged) > 0 ||
		len(c.AdviceAdded)+len(c.AdviceRemoved)+len(c.ReasonsAdded)+len(c.ReasonsRemoved) > 0
}

// setDiff returns the ids in next and not in prev (added), and those in
// prev and not in next (removed), each in its list's order.
func setDiff(prev, next []string) (added, removed []string) {
	added, removed = []string{}, []string{}
	for _, id := range next {
		if !slices.Contains(prev, id) {
			added = append(added, id)
		}
	}
	for _, id := range prev {
		if !slices.Contains(next, id) {
			removed = append(removed, id)
		}
	}
	return added, removed
}

// Compare returns signal id's stored assessment beside the current
// ruleset's, with the differences; texts in lang where the engine can give
// them (the stored ones as InLanguage does). Whoever may read the signal may
// compare (policy.ReassessSignal); anyone else gets not_found. It reads the
// signal, so it is in the processing log (action signal.read, detail
// reassessment), unless the signal is a consultation. It stores nothing.
func (s *Service) Compare(ctx context.Context, actor policy.Subject, id, lang string) (Comparison, error) {
	var c Comparison
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		sig, err := s.loadFor(ctx, tx, actor, id, policy.ReassessSignal, Signal.Resource)
		if err != nil {
			return err
		}
		if c, err = s.compare(&sig, lang, tx.Now); err != nil {
			return err
		}
		return s.logRead(ctx, tx, actor, &sig, "reassessment")
	})
	if err != nil {
		return Comparison{}, errs.Wrap(err, "compare signal assessment")
	}
	return c, nil
}

// Reassess keeps the current ruleset's assessment of signal id. version is
// the version the caller compared: when the signal has changed since, the
// answer is a conflict (error.stale) with the signal's current state. The
// assessment is computed here again (a caller's result is never trusted)
// and stored as a new record; the signal's current assessment, ruleset,
// content version and outcome become it; the history gets an entry naming
// the record; the processing log a signal.reassess record per person — all
// in one transaction. Refused (conflict) when the signal is closed or
// converted (KeyReassessFinal) or when the current ruleset gives the stored
// assessment again (KeyReassessUnchanged).
func (s *Service) Reassess(ctx context.Context, actor policy.Subject, id string, version int) (Signal, Record, error) {
	var sig Signal
	var rec Record
	var conflict error
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		var err error
		if sig, err = s.load(ctx, tx, id); err != nil {
			return err
		}
		if err := policy.Require(actor, policy.ReassessSignal, sig.Resource()); err != nil {
			return err
		}
		if sig.Version != version {
			conflict = errs.E(errs.Conflict, "error.stale")
			return s.logRead(ctx, tx, actor, &sig, "conflict")
		}
		if sig.Status == StatusClosed || sig.Status == StatusConverted {
			return errs.E(errs.Conflict, KeyReassessFinal)
		}
		c, err := s.compare(&sig, AssessmentLang, tx.Now)
		if err != nil {
			return err
		}
		if !c.CanKeep {
			return errs.E(errs.Conflict, KeyReassessUnchanged)
		}
		ain, res := c.Current.Input, c.Current.Result
		ainJSON, err := json.Marshal(ain)
		if err != nil {
			return err
		}
		resJSON, err := json.Marshal(res)
		if err != nil {
			return err
		}
		key := s.currentKey()
		r, err := tx.Exec(ctx, `UPDATE signals SET assessment_input = ?, assessment = ?, ruleset = ?, content_version = ?,
			outcome = ?, preview_key = ?, preview_outcome = ?, would_change = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, string(ainJSON), string(resJSON), res.Ruleset, s.cat.Meta.Version,
			string(res.Outcome), key, string(res.Outcome), false, tx.Now, id, version)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			// Changed by a transaction that committed after ours read it.
			if sig, err = s.load(ctx, tx, id); err != nil {
				return err
			}
			conflict = errs.E(errs.Conflict, "error.stale")
			return s.logRead(ctx, tx, actor, &sig, "conflict")
		}
		var last int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM signal_assessments WHERE signal_id = ?`, id).Scan(&last); err != nil {
			return err
		}
		rec = Record{Seq: last + 1, Kind: KindReassessment, Ruleset: res.Ruleset, ContentVersion: s.cat.Meta.Version,
			Input: ain, Result: res, Outcome: res.Outcome, ActorID: actor.UserID, At: tx.Now}
		if err := insertRecord(ctx, tx, id, rec); err != nil {
			return err
		}
		ev := Event{Seq: version + 1, From: sig.Status, To: sig.Status, ActorID: actor.UserID, At: tx.Now,
			Reassessment: &EventAssessment{Seq: rec.Seq, Ruleset: rec.Ruleset, ContentVersion: rec.ContentVersion,
				Outcome: rec.Outcome, PreviousOutcome: sig.Assessment.Outcome}}
		if err := s.insertEvent(ctx, tx, id, ev); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s→%s", previewKey(sig.Ruleset, sig.ContentVersion), key)
		sig.AssessmentInput, sig.Assessment, sig.Ruleset, sig.ContentVersion = ain, res, res.Ruleset, s.cat.Meta.Version
		// A kept assessment that advises Veilig Thuis or the LKHA puts the
		// signal on the meldcode route (a signal already on it stays).
		if err := openMeldcodeTx(ctx, tx, &sig); err != nil {
			return err
		}
		if sig.Meldcode, err = meldcodeSummary(ctx, tx, &sig); err != nil {
			return err
		}
		sig.UpdatedAt, sig.Version = tx.Now, version+1
		sig.History = append(sig.History, ev)
		return s.logSignal(ctx, tx, actor, "signal.reassess", &sig, detail)
	})
	if err != nil {
		return Signal{}, Record{}, errs.Wrap(err, "re-assess signal")
	}
	return viewFor(actor, sig), rec, conflict
}

// Assessments lists the kept assessment records of signal id, oldest first,
// for whoever may read the signal (not_found for anyone else). The records
// hold the engine's input (ages, ticks), so the read is in the processing
// log unless the signal is a consultation.
func (s *Service) Assessments(ctx context.Context, actor policy.Subject, id string) ([]Record, error) {
	var out []Record
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		sig, err := s.loadFor(ctx, tx, actor, id, policy.ReadSignal, Signal.Resource)
		if err != nil {
			return err
		}
		if out, err = loadRecords(ctx, tx, id); err != nil {
			return err
		}
		return s.logRead(ctx, tx, actor, &sig, "assessments")
	})
	if err != nil {
		return nil, errs.Wrap(err, "signal assessments")
	}
	return out, nil
}

func insertRecord(ctx context.Context, tx *store.Tx, signalID string, r Record) error {
	in, err := json.Marshal(r.Input)
	if err != nil {
		return err
	}
	res, err := json.Marshal(r.Result)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO signal_assessments (signal_id, seq, kind, ruleset, content_version, input, result,
		outcome, actor_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, signalID, r.Seq, r.Kind, r.Ruleset,
		r.ContentVersion, string(in), string(res), string(r.Outcome), r.ActorID, r.At); err != nil {
		return fmt.Errorf("insert assessment record: %w", err)
	}
	return nil
}

func loadRecords(ctx context.Context, tx *store.Tx, id string) ([]Record, error) {
	rows, err := tx.Query(ctx, `SELECT seq, kind, ruleset, content_version, input, result, outcome, actor_id, created_at
		FROM signal_assessments WHERE signal_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Record{}
	for rows.Next() {
		var r Record
		var in, res string
		var at store.Time
		if err := rows.Scan(&r.Seq, &r.Kind, &r.Ruleset, &r.ContentVersion, &in, &res, &r.Outcome, &r.ActorID, &at); err != nil {
			return nil, err
		}
		r.At = at.Time
		if err := json.Unmarshal([]byte(in), &r.Input); err != nil {
			return nil, fmt.Errorf("signal %s assessment %d input: %w", id, r.Seq, err)
		}
		if err := json.Unmarshal([]byte(res), &r.Result); err != nil {
			return nil, fmt.Errorf("signal %s assessment %d result: %w", id, r.Seq, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CurrentVersions returns the ruleset and content version new assessments
// are made with: a signal assessed with others can be re-assessed.
func (s *Service) CurrentVersions() (ruleset, contentVersion string) {
	return s.engine.Ruleset(), s.cat.Meta.Version
}

// loadFor loads signal id for actor inside tx and checks that actor may do
// action on it (res gives the policy's view): unauthenticated for an
// anonymous actor, the policy's error (not_found for whoever may not read
// it) otherwise. The one home of the service's "who, which signal, may
// they" preamble for the meldcode and re-assessment methods.
func (s *Service) loadFor(ctx context.Context, tx *store.Tx, actor policy.Subject, id string, action policy.Action, res func(Signal) policy.Resource) (Signal, error) {
	if actor.Anonymous() {
		return Signal{}, errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	sig, err := s.load(ctx, tx, id)
	if err != nil {
		return Signal{}, err
	}
	if err := policy.Require(actor, action, res(sig)); err != nil {
		return Signal{}, err
	}
	return sig, nil
}
