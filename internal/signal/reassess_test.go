package signal_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
)

// The old ruleset and content version a stored signal is set back to.
const (
	oldRuleset = "2025.1"
	oldContent = "2025.1.0"
)

// oldCatalog is the catalogue as an older ruleset and content version had
// it: every indicator weak, for adults and children alike, so that a signal
// with one means indicator (changing) had no indication then and has
// another outcome, advice and reasons under the current ruleset.
var oldCatalog = func() *content.Catalog {
	old := *catalog
	old.Meta.Ruleset, old.Meta.Version = oldRuleset, oldContent
	old.Indicators = slices.Clone(catalog.Indicators)
	for i := range old.Indicators {
		old.Indicators[i].Adult, old.Indicators[i].Child, old.Indicators[i].Overrides = content.Weak, content.Weak, nil
	}
	if err := old.Validate(); err != nil {
		panic(err)
	}
	return &old
}()

var oldEngine = func() *assess.Engine {
	e, err := assess.New(oldCatalog)
	if err != nil {
		panic(err)
	}
	return e
}()

// createOld stores a signal as Baken did under the older ruleset and
// content version: its assessment, record and preview are the old ones.
func (f *fixture) createOld(t testing.TB, actor policy.Subject, in signal.Input) signal.Signal {
	t.Helper()
	old := signal.NewService(f.db, audit.New(f.keys), f.keys, oldCatalog, oldEngine)
	s, err := old.Create(f.ctx, actor, in)
	if err != nil {
		t.Fatalf("create signal under the old ruleset: %v", err)
	}
	if s.Ruleset != oldRuleset || s.ContentVersion != oldContent {
		t.Fatalf("stored with %q %q", s.Ruleset, s.ContentVersion)
	}
	return s
}

// addTicks adds ticks to a stored signal's observations that the current
// catalogue does not have (as if a later edition removed them).
func (f *fixture) addTicks(t testing.TB, id string, extraSignals, extraIndicators []string) {
	t.Helper()
	err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
		var obs string
		if err := tx.QueryRow(f.ctx, `SELECT observations FROM signals WHERE id = ?`, id).Scan(&obs); err != nil {
			return err
		}
		var o map[string]any
		if err := json.Unmarshal([]byte(obs), &o); err != nil {
			return err
		}
		for k, extra := range map[string][]string{"signals": extraSignals, "indicators": extraIndicators} {
			list, _ := o[k].([]any)
			for _, e := range extra {
				list = append(list, e)
			}
			o[k] = list
		}
		b, err := json.Marshal(o)
		if err != nil {
			return err
		}
		_, err = tx.Exec(f.ctx, `UPDATE signals SET observations = ? WHERE id = ?`, string(b), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// changing is the realistic signal of input() with one indicator ticked:
// no indication under the old ruleset, another outcome under the current.
func changing() signal.Input {
	in := input()
	in.Signals, in.Indicators = nil, []string{"coercion.violence"}
	return in
}

func ids[T any](list []T, id func(T) string) []string {
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, id(x))
	}
	return out
}

func adviceIDs(r assess.Result) []string {
	return ids(r.Advice, func(a assess.Advice) string { return a.ID })
}
func ruleIDs(r assess.Result) []string {
	return ids(r.Explanation, func(x assess.Reason) string { return x.Rule })
}

// minus returns the entries of a not in b.
func minus(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// TestCreateRecordsAssessment: a new signal stores its content version and
// its first assessment record (the intake's), and its preview is its own
// outcome under the current versions, so it never counts as "would change".
func TestCreateRecordsAssessment(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.create(t, f.sig, input())
		if s.ContentVersion != catalog.Meta.Version || s.Ruleset != engine.Ruleset() {
			t.Errorf("stored with %q/%q, want %q/%q", s.Ruleset, s.ContentVersion, engine.Ruleset(), catalog.Meta.Version)
		}
		got, err := f.svc.Get(f.ctx, f.coordNoord, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ContentVersion != catalog.Meta.Version {
			t.Errorf("read back content version %q", got.ContentVersion)
		}
		recs, err := f.svc.Assessments(f.ctx, f.sig, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 {
			t.Fatalf("%d records, want 1", len(recs))
		}
		r := recs[0]
		if r.Seq != 1 || r.Kind != signal.KindIntake || r.Ruleset != s.Ruleset || r.ContentVersion != catalog.Meta.Version ||
			r.Outcome != s.Assessment.Outcome || r.ActorID != f.sig.UserID || !reflect.DeepEqual(r.Result, s.Assessment) ||
			!reflect.DeepEqual(r.Input, s.AssessmentInput) {
			t.Errorf("record %+v\ndoes not match the signal's assessment", r)
		}
		var key, po string
		var wc bool
		if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
			return tx.QueryRow(f.ctx, `SELECT preview_key, preview_outcome, would_change FROM signals WHERE id = ?`, s.ID).Scan(&key, &po, &wc)
		}); err != nil {
			t.Fatal(err)
		}
		if key != engine.Ruleset()+"|"+catalog.Meta.Version || po != string(s.Assessment.Outcome) || wc {
			t.Errorf("preview %q %q %v", key, po, wc)
		}
		// Listing the records is a read of the signal: logged.
		if n := len(f.records(t, audit.Filter{ObjectID: s.ID, Action: "signal.read"})); n != 4 {
			t.Errorf("%d signal.read records for the read and the records list, want 4 (one per person each)", n)
		}
		// Records are appended, never edited.
		if _, err := f.db.SQL().ExecContext(f.ctx, `UPDATE signal_assessments SET outcome = 'no_indication'`); err == nil {
			t.Error("signal_assessments accepted an update")
		}
		if _, err := f.db.SQL().ExecContext(f.ctx, `DELETE FROM signal_assessments`); err == nil {
			t.Error("signal_assessments accepted a delete")
		}
	})
}

// TestCompare: a signal assessed with an older ruleset is compared with the
// current one: the current result is the engine's on the input re-derived
// from the stored signal with the current catalogue, the differences are
// the outcome, advice and reasons, ticked ids the catalogue no longer has
// are reported (and not weighed), and nothing is stored.
func TestCompare(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		now := f.create(t, f.sig, changing()) // what the current ruleset makes of it
		s := f.createOld(t, f.sig, changing())
		f.addTicks(t, s.ID, []string{"verdwenen_signaal"}, []string{"coercion.verdwenen"})
		before := f.counts(t)
		reads := len(f.records(t, audit.Filter{ObjectID: s.ID, Action: "signal.read"}))

		c, err := f.svc.Compare(f.ctx, f.coordNoord, s.ID, "nl")
		if err != nil {
			t.Fatal(err)
		}
		old := s.Assessment
		if old.Outcome == now.Assessment.Outcome {
			t.Fatalf("nothing to compare: both rulesets say %q", old.Outcome)
		}
		if c.Stored.Ruleset != oldRuleset || c.Stored.ContentVersion != oldContent || !reflect.DeepEqual(c.Stored.Result, old) {
			t.Errorf("stored side %q %q %q", c.Stored.Ruleset, c.Stored.ContentVersion, c.Stored.Result.Outcome)
		}
		if c.Current.Ruleset != engine.Ruleset() || c.Current.ContentVersion != catalog.Meta.Version {
			t.Errorf("current side %q %q", c.Current.Ruleset, c.Current.ContentVersion)
		}
		// The current side is exactly what the intake computes today.
		if !reflect.DeepEqual(c.Current.Input, now.AssessmentInput) || !reflect.DeepEqual(c.Current.Result, now.Assessment) {
			t.Errorf("current assessment\n%+v\n%+v\nwant the intake's\n%+v\n%+v", c.Current.Input, c.Current.Result, now.AssessmentInput, now.Assessment)
		}
		wantDropped := []signal.Dropped{{Field: "signals", ID: "verdwenen_signaal"}, {Field: "indicators", ID: "coercion.verdwenen"}}
		if !reflect.DeepEqual(c.Dropped, wantDropped) {
			t.Errorf("dropped %+v, want %+v", c.Dropped, wantDropped)
		}
		if !c.VersionsDiffer || !c.Changed || !c.OutcomeChanged || !c.CanKeep || c.Version != s.Version {
			t.Errorf("comparison flags %+v", c)
		}
		cur := now.Assessment
		if !reflect.DeepEqual(c.AdviceAdded, minus(adviceIDs(cur), adviceIDs(old))) ||
			!reflect.DeepEqual(c.AdviceRemoved, minus(adviceIDs(old), adviceIDs(cur))) ||
			!reflect.DeepEqual(c.ReasonsAdded, minus(ruleIDs(cur), ruleIDs(old))) ||
			!reflect.DeepEqual(c.ReasonsRemoved, minus(ruleIDs(old), ruleIDs(cur))) {
			t.Errorf("advice +%v -%v, reasons +%v -%v", c.AdviceAdded, c.AdviceRemoved, c.ReasonsAdded, c.ReasonsRemoved)
		}
		if len(c.AdviceAdded)+len(c.ReasonsAdded) == 0 || len(c.ReasonsRemoved) == 0 {
			t.Error("nothing to compare: the test's results do not differ in advice and reasons")
		}
		if cur.Elements != old.Elements && len(c.ElementsChanged) == 0 {
			t.Errorf("elements %+v → %+v, none reported", old.Elements, cur.Elements)
		}
		// Comparing reads the signal: logged; it stores nothing else.
		after := f.counts(t)
		after["processing_log"] -= 2 // one record per person
		for _, tb := range tables {
			if after[tb] != before[tb] {
				t.Errorf("%s: %d rows, %d before the comparison", tb, after[tb], before[tb])
			}
		}
		recs := f.records(t, audit.Filter{ObjectID: s.ID, Action: "signal.read"})
		if len(recs) != reads+2 || recs[0].Detail != "reassessment" {
			t.Errorf("%d read records (%d before), newest detail %q", len(recs), reads, recs[0].Detail)
		}

		t.Run("in English: the current texts in English, the stored ones as stored", func(t *testing.T) {
			c, err := f.svc.Compare(f.ctx, f.sig, s.ID, "en")
			if err != nil {
				t.Fatal(err)
			}
			en, err := engine.Assess(c.Current.Input, "en")
			if err != nil {
				t.Fatal(err)
			}
			if c.Current.Lang != "en" || !reflect.DeepEqual(c.Current.Result, en) {
				t.Errorf("current side in %q", c.Current.Lang)
			}
			if c.Stored.Lang != signal.AssessmentLang || !reflect.DeepEqual(c.Stored.Result, old) {
				t.Errorf("stored side in %q, changed %v", c.Stored.Lang, !reflect.DeepEqual(c.Stored.Result, old))
			}
		})

		t.Run("same ruleset and content: nothing to keep", func(t *testing.T) {
			fresh := f.create(t, f.sig, input())
			c, err := f.svc.Compare(f.ctx, f.coordNoord, fresh.ID, "nl")
			if err != nil {
				t.Fatal(err)
			}
			if c.VersionsDiffer || c.Changed || c.CanKeep || len(c.Dropped) != 0 {
				t.Errorf("a fresh signal compares as %+v", c)
			}
		})
	})
}

// TestReassessKeep: keeping stores a new record (recomputed on the server),
// makes it the signal's current assessment, adds a history entry and
// processing-log records; a stale version is a conflict with the current
// state and writes nothing; keeping twice, or keeping on a final signal, is
// refused.
func TestReassessKeep(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		now := f.create(t, f.sig, changing())
		s := f.createOld(t, f.sig, changing())

		before := f.counts(t)
		recsBefore := f.count(t, "signal_assessments", "")
		cur, _, err := f.svc.Reassess(f.ctx, f.coordNoord, s.ID, s.Version+1)
		wantCode(t, err, errs.Conflict)
		if errs.As(err).Key != "error.stale" || cur.ID != s.ID || cur.Version != s.Version {
			t.Errorf("stale keep: %v, current %q v%d", err, cur.ID, cur.Version)
		}
		before["processing_log"] += 2 // the current state shown is a read
		f.wantCounts(t, before)
		if n := f.count(t, "signal_assessments", ""); n != recsBefore {
			t.Errorf("a refused keep wrote a record (%d, was %d)", n, recsBefore)
		}

		kept, rec, err := f.svc.Reassess(f.ctx, f.coordNoord, s.ID, s.Version)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Seq != 2 || rec.Kind != signal.KindReassessment || rec.Ruleset != engine.Ruleset() ||
			rec.ContentVersion != catalog.Meta.Version || rec.ActorID != f.coordNoord.UserID ||
			!reflect.DeepEqual(rec.Result, now.Assessment) || !reflect.DeepEqual(rec.Input, now.AssessmentInput) {
			t.Errorf("record %+v", rec)
		}
		if kept.Version != s.Version+1 || kept.Ruleset != engine.Ruleset() || kept.ContentVersion != catalog.Meta.Version ||
			!reflect.DeepEqual(kept.Assessment, now.Assessment) || kept.Status != signal.StatusNew {
			t.Errorf("kept signal v%d %q %q %q", kept.Version, kept.Ruleset, kept.ContentVersion, kept.Status)
		}
		got, err := f.svc.Get(f.ctx, f.sig, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Assessment, now.Assessment) || got.ContentVersion != catalog.Meta.Version || got.Version != s.Version+1 {
			t.Errorf("stored after keep: %q %q v%d", got.Assessment.Outcome, got.ContentVersion, got.Version)
		}
		last := got.History[len(got.History)-1]
		if last.Reassessment == nil || last.Seq != s.Version+1 || last.From != signal.StatusNew || last.To != signal.StatusNew ||
			last.Reassessment.Seq != 2 || last.Reassessment.Ruleset != engine.Ruleset() ||
			last.Reassessment.Outcome != now.Assessment.Outcome || last.Reassessment.PreviousOutcome != s.Assessment.Outcome {
			t.Errorf("history entry %+v %+v", last, last.Reassessment)
		}
		if got.History[0].Reassessment != nil {
			t.Error("the intake's history entry names a re-assessment")
		}

		recs, err := f.svc.Assessments(f.ctx, f.coordNoord, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 || recs[0].Ruleset != oldRuleset || !reflect.DeepEqual(recs[0].Result, s.Assessment) ||
			!reflect.DeepEqual(recs[1], rec) {
			t.Errorf("records %+v", recs)
		}
		logs := f.records(t, audit.Filter{ObjectID: s.ID, Action: "signal.reassess"})
		if len(logs) != 2 || logs[0].ActorID != f.coordNoord.UserID ||
			logs[0].Detail != oldRuleset+"|"+oldContent+"→"+engine.Ruleset()+"|"+catalog.Meta.Version {
			t.Errorf("%d signal.reassess records, detail %q", len(logs), func() string {
				if len(logs) > 0 {
					return logs[0].Detail
				}
				return ""
			}())
		}

		t.Run("keeping again: nothing to keep", func(t *testing.T) {
			before := f.counts(t)
			_, _, err := f.svc.Reassess(f.ctx, f.coordNoord, s.ID, kept.Version)
			wantCode(t, err, errs.Conflict)
			if errs.As(err).Key != signal.KeyReassessUnchanged {
				t.Errorf("key %q", errs.As(err).Key)
			}
			f.wantCounts(t, before)
		})

		t.Run("a kept assessment that advises Veilig Thuis opens the meldcode route", func(t *testing.T) {
			// Violence, no form: under ruleset 2027.1 means without
			// exploitation of an adult, Veilig Thuis for adults; under the
			// old catalogue (every indicator weak) no indication.
			in := changing()
			in.Forms = nil
			s := f.createOld(t, f.sig, in)
			if signal.MeldcodeApplies(s.Assessment) {
				t.Fatalf("the old assessment is already on the route: %v", adviceIDs(s.Assessment))
			}
			if n := f.count(t, "signal_meldcode", "signal_id = ?", s.ID); n != 0 {
				t.Fatalf("%d meldcode rows before keeping", n)
			}
			kept, _, err := f.svc.Reassess(f.ctx, f.coordNoord, s.ID, s.Version)
			if err != nil {
				t.Fatal(err)
			}
			if !signal.MeldcodeApplies(kept.Assessment) {
				t.Fatalf("the kept assessment is not on the route: %v", adviceIDs(kept.Assessment))
			}
			if n := f.count(t, "signal_meldcode", "signal_id = ?", s.ID); n != 1 {
				t.Errorf("%d meldcode rows after keeping, want 1 (opened in the same transaction)", n)
			}
		})

		t.Run("the reporter may keep too", func(t *testing.T) {
			s := f.createOld(t, f.sig, changing())
			if _, rec, err := f.svc.Reassess(f.ctx, f.sig, s.ID, s.Version); err != nil || rec.ActorID != f.sig.UserID {
				t.Fatalf("reporter's keep: %v %+v", err, rec)
			}
		})

		t.Run("a closed signal keeps the assessment it was decided on", func(t *testing.T) {
			s := f.createOld(t, f.sig, changing())
			v := s.Version
			for _, in := range []signal.TransitionInput{{To: signal.StatusInProgress},
				{To: signal.StatusClosed, Reason: signal.ReasonNoTrafficking}} {
				x, err := f.svc.Transition(f.ctx, f.coordNoord, s.ID, v, in)
				if err != nil {
					t.Fatal(err)
				}
				v = x.Version
			}
			c, err := f.svc.Compare(f.ctx, f.coordNoord, s.ID, "nl")
			if err != nil {
				t.Fatal(err)
			}
			if !c.Changed || c.CanKeep {
				t.Errorf("closed signal: changed %v, can keep %v", c.Changed, c.CanKeep)
			}
			before := f.counts(t)
			_, _, err = f.svc.Reassess(f.ctx, f.coordNoord, s.ID, v)
			wantCode(t, err, errs.Conflict)
			if errs.As(err).Key != signal.KeyReassessFinal {
				t.Errorf("key %q", errs.As(err).Key)
			}
			f.wantCounts(t, before)
		})

		t.Run("a failing log write keeps nothing", func(t *testing.T) {
			s := f.createOld(t, f.sig, changing())
			before := f.counts(t)
			recs := f.count(t, "signal_assessments", "")
			// The processing log cannot be written (its head is gone): the
			// whole keep rolls back.
			var seq int64
			var hash string
			if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
				if err := tx.QueryRow(f.ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
					return err
				}
				_, err := tx.Exec(f.ctx, `DELETE FROM audit_head`)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			_, _, err := f.svc.Reassess(f.ctx, f.coordNoord, s.ID, s.Version)
			if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(f.ctx, `INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)`, seq, hash)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if err == nil {
				t.Fatal("keep succeeded with a failing processing log")
			}
			f.wantCounts(t, before)
			if n := f.count(t, "signal_assessments", ""); n != recs {
				t.Errorf("%d records, %d before", n, recs)
			}
			var ruleset string
			if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
				return tx.QueryRow(f.ctx, `SELECT ruleset FROM signals WHERE id = ?`, s.ID).Scan(&ruleset)
			}); err != nil || ruleset != oldRuleset {
				t.Errorf("ruleset %q after a failed keep (%v)", ruleset, err)
			}
		})
	})
}

// TestReassessAccess: whoever may read the signal may compare and keep;
// everyone else — a colleague, another region's coordinator, the beheerder —
// gets not_found, as for a signal that does not exist, and nothing is written.
func TestReassessAccess(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.createOld(t, f.sig, changing())
		before := f.counts(t)
		for _, c := range []struct {
			name string
			subj func() (string, error)
		}{
			{"colleague", func() (string, error) { _, err := f.svc.Compare(f.ctx, f.sig2, s.ID, "nl"); return "compare", err }},
			{"colleague keeps", func() (string, error) {
				_, _, err := f.svc.Reassess(f.ctx, f.sig2, s.ID, s.Version)
				return "keep", err
			}},
			{"other region", func() (string, error) { _, err := f.svc.Compare(f.ctx, f.coordZuid, s.ID, "nl"); return "compare", err }},
			{"other region keeps", func() (string, error) {
				_, _, err := f.svc.Reassess(f.ctx, f.coordZuid, s.ID, s.Version)
				return "keep", err
			}},
			{"beheerder", func() (string, error) { _, err := f.svc.Compare(f.ctx, f.beheerder, s.ID, "nl"); return "compare", err }},
			{"beheerder keeps", func() (string, error) {
				_, _, err := f.svc.Reassess(f.ctx, f.beheerder, s.ID, s.Version)
				return "keep", err
			}},
			{"national coordinator", func() (string, error) {
				_, err := f.svc.Compare(f.ctx, f.coordNational, s.ID, "nl")
				return "compare", err
			}},
			{"analist records", func() (string, error) { _, err := f.svc.Assessments(f.ctx, f.analist, s.ID); return "records", err }},
			{"missing signal", func() (string, error) {
				_, err := f.svc.Compare(f.ctx, f.coordNoord, "nope", "nl")
				return "compare", err
			}},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := c.subj()
				wantCode(t, err, errs.NotFound)
			})
		}
		f.wantCounts(t, before)
		if n := f.count(t, "signal_assessments", "signal_id = ?", s.ID); n != 1 {
			t.Errorf("%d records", n)
		}
		_, err := f.svc.Compare(f.ctx, policy.Subject{}, s.ID, "nl")
		wantCode(t, err, errs.Unauthenticated)
	})
}

// TestWouldChange: the inbox counts, and the list filters and marks, the
// open signals whose outcome the current ruleset would change — from their
// previews, which RefreshPreviews computes once per ruleset and content
// version; a keep clears the mark; closed signals never count.
func TestWouldChange(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		fresh := f.create(t, f.sig, input()) // assessed with the current versions
		a := f.createOld(t, f.sig, changing())
		b := f.createOld(t, f.sigAssen, changing())
		// Nothing ticked: no indication under either ruleset.
		plain := signal.Input{Department: "wmo", ObservedOn: "2026-02-27"}
		same := f.createOld(t, f.sig, plain)
		if now := f.create(t, f.sig, plain); now.Assessment.Outcome != same.Assessment.Outcome {
			t.Fatalf("the plain signal's outcome changes: %q → %q", same.Assessment.Outcome, now.Assessment.Outcome)
		}
		closed := f.createOld(t, f.sig, changing())
		zuid := f.createOld(t, f.sigZuid, changing())
		v := closed.Version
		for _, in := range []signal.TransitionInput{{To: signal.StatusInProgress},
			{To: signal.StatusClosed, Reason: signal.ReasonDuplicate}} {
			x, err := f.svc.Transition(f.ctx, f.coordNoord, closed.ID, v, in)
			if err != nil {
				t.Fatal(err)
			}
			v = x.Version
		}
		// Not yet refreshed: a preview of other versions never counts, and
		// a signal assessed with the current versions never changes.
		box, err := f.svc.Inbox(f.ctx, f.coordNoord)
		if err != nil {
			t.Fatal(err)
		}
		if box.WouldChange != 0 || box.New != 5 {
			t.Errorf("before the refresh: %d would change of %d new (fresh %s)", box.WouldChange, box.New, fresh.Reference)
		}
		n, err := f.svc.RefreshPreviews(f.ctx, 2) // batches of two
		if err != nil {
			t.Fatal(err)
		}
		if n != 4 { // a, b, same, zuid: the open ones with an old preview
			t.Errorf("refreshed %d, want 4", n)
		}
		if n, err := f.svc.RefreshPreviews(f.ctx, 0); err != nil || n != 0 {
			t.Errorf("second refresh: %d, %v", n, err)
		}
		box, err = f.svc.Inbox(f.ctx, f.coordNoord)
		if err != nil {
			t.Fatal(err)
		}
		if box.WouldChange != 2 {
			t.Errorf("Noord: %d would change, want 2 (a and b)", box.WouldChange)
		}
		if box, _ := f.svc.Inbox(f.ctx, f.sig); box.WouldChange != 1 {
			t.Errorf("the reporter of a: %d, want 1", box.WouldChange)
		}
		if box, _ := f.svc.Inbox(f.ctx, f.coordZuid); box.WouldChange != 1 {
			t.Errorf("Zuid: %d, want 1 (%s)", box.WouldChange, zuid.Reference)
		}
		page, err := f.svc.List(f.ctx, f.coordNoord, signal.Filter{WouldChange: true})
		if err != nil {
			t.Fatal(err)
		}
		got := ids(page.Items, func(m signal.Summary) string { return m.ID })
		slices.Sort(got)
		want := []string{a.ID, b.ID}
		slices.Sort(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("filter: %v, want %v", got, want)
		}
		all, err := f.svc.List(f.ctx, f.coordNoord, signal.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range all.Items {
			if m.WouldChange != (m.ID == a.ID || m.ID == b.ID) {
				t.Errorf("%s marked %v", m.Reference, m.WouldChange)
			}
		}
		// Keeping the re-assessment clears the mark.
		if _, _, err := f.svc.Reassess(f.ctx, f.coordNoord, a.ID, a.Version); err != nil {
			t.Fatal(err)
		}
		if box, _ := f.svc.Inbox(f.ctx, f.coordNoord); box.WouldChange != 1 {
			t.Errorf("after keeping a: %d, want 1", box.WouldChange)
		}
		// The preview is the comparison's outcome.
		c, err := f.svc.Compare(f.ctx, f.coordNoord, b.ID, "nl")
		if err != nil {
			t.Fatal(err)
		}
		var po string
		if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
			return tx.QueryRow(f.ctx, `SELECT preview_outcome FROM signals WHERE id = ?`, b.ID).Scan(&po)
		}); err != nil {
			t.Fatal(err)
		}
		if po != string(c.Current.Result.Outcome) {
			t.Errorf("preview %q, comparison %q", po, c.Current.Result.Outcome)
		}
		// A signal that leaves the inbox (closed, or converted to a case)
		// leaves the count: a final status clears the mark.
		v = b.Version
		for _, in := range []signal.TransitionInput{{To: signal.StatusInProgress},
			{To: signal.StatusClosed, Reason: signal.ReasonPolice}} {
			if box, _ := f.svc.Inbox(f.ctx, f.coordNoord); box.WouldChange != 1 {
				t.Errorf("b %s: count %d, want 1", in.To, box.WouldChange)
			}
			x, err := f.svc.Transition(f.ctx, f.coordNoord, b.ID, v, in)
			if err != nil {
				t.Fatal(err)
			}
			v = x.Version
		}
		if box, _ := f.svc.Inbox(f.ctx, f.coordNoord); box.WouldChange != 0 {
			t.Errorf("after closing b: %d, want 0", box.WouldChange)
		}
		if page, _ := f.svc.List(f.ctx, f.coordNoord, signal.Filter{WouldChange: true}); len(page.Items) != 0 {
			t.Errorf("after closing b the filter lists %d", len(page.Items))
		}
	})
}

// TestInLanguageContentVersion: the English rendering needs the ruleset and
// the content version the signal was assessed with; after a content change,
// or without a recorded content version, the stored Dutch texts are shown.
func TestInLanguageContentVersion(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.create(t, f.sig, input())
		if _, lang := f.svc.InLanguage(s, "en"); lang != "en" {
			t.Fatalf("same versions: %q", lang)
		}
		for _, cv := range []string{"", catalog.Meta.Version + "-older"} {
			x := s
			x.ContentVersion = cv
			if got, lang := f.svc.InLanguage(x, "en"); lang != signal.AssessmentLang || !reflect.DeepEqual(got, x) {
				t.Errorf("content version %q: language %q, changed %v", cv, lang, !reflect.DeepEqual(got, x))
			}
		}
	})
}

// TestMigrationBackfill: migration 0010 makes every stored signal's
// assessment its first record (kind intake, by the reporter, at its
// creation, content version not recorded); running it again adds nothing.
func TestMigrationBackfill(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ms, err := store.Migrations(f.db.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		var backfill string
		for _, m := range ms {
			if m.Name != "0010_signal_assessments" {
				continue
			}
			for _, stmt := range strings.Split(m.SQL, ";") {
				if strings.Contains(stmt, "INSERT INTO signal_assessments") {
					backfill = stmt
				}
			}
		}
		if backfill == "" {
			t.Fatal("no back-fill in migration 0010_signal_assessments")
		}
		s := f.create(t, f.sig, input())
		// A signal as stored before the migration: its row without a record.
		raw := loadRawSignal(t, f, s.ID)
		old := store.NewID()
		err = f.db.Tx(f.ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(f.ctx, `INSERT INTO signals (id, reference, reporter_id, reporter_org_id, municipality_id, region_id,
				department, observed_on, observations, person_count, assessment_input, assessment, ruleset, outcome, status,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'wmo', '2026-02-27', ?, 0, ?, ?, ?, ?, 'new', ?, ?)`,
				old, "SIG-2025-000001", f.sig.UserID, f.sig.OrgID, f.groningen.ID, f.noord.ID, raw[3], raw[4], raw[5],
				engine.Ruleset(), string(s.Assessment.Outcome), f.clk.Now().Add(-48*time.Hour), f.clk.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := f.db.SQL().ExecContext(f.ctx, backfill); err != nil {
				t.Fatal(err)
			}
		}
		recs, err := f.svc.Assessments(f.ctx, f.coordNoord, old)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 {
			t.Fatalf("%d records after the back-fill, want 1", len(recs))
		}
		r := recs[0]
		if r.Seq != 1 || r.Kind != signal.KindIntake || r.Ruleset != engine.Ruleset() || r.ContentVersion != "" ||
			r.ActorID != f.sig.UserID || !r.At.Equal(f.clk.Now().Add(-48*time.Hour)) || r.Outcome != s.Assessment.Outcome ||
			!reflect.DeepEqual(r.Result, s.Assessment) {
			t.Errorf("back-filled record %+v", r)
		}
		if n := f.count(t, "signal_assessments", "signal_id = ?", s.ID); n != 1 {
			t.Errorf("the signal created after the migration has %d records", n)
		}
		got, err := f.svc.Get(f.ctx, f.coordNoord, old)
		if err != nil {
			t.Fatal(err)
		}
		if got.ContentVersion != "" {
			t.Errorf("content version %q, want not recorded", got.ContentVersion)
		}
		// Its preview key is empty: the next refresh computes it.
		if n, err := f.svc.RefreshPreviews(f.ctx, 0); err != nil || n != 1 {
			t.Errorf("refresh after the migration: %d, %v", n, err)
		}
	})
}
