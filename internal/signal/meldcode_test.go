package signal_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

// childInput is a signal that ruleset 2026.1 already sends to Veilig Thuis:
// a 15-year-old (age band 12–17) offering sexual services, seen by a school.
func childInput() signal.Input {
	return signal.Input{
		Department: "wmo",
		ObservedOn: "2026-02-20",
		Persons:    []signal.PersonInput{{Alias: "Noor", AgeBand: "12_17", Gender: "female"}},
		Forms:      []string{"sexual"},
		Indicators: []string{"exploitation.sexual_services"},
		Narrative:  "Noor vertelt over een oudere vriend.",
	}
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// fullMeldcode is all five steps, the weighing finding structural unsafety,
// and the decision to report and help.
func fullMeldcode() signal.MeldcodeInput {
	return signal.MeldcodeInput{
		Steps: signal.MeldcodeStepsInput{
			Map:     signal.MeldcodeStepInput{Date: "2026-02-21", Note: "Signalen vastgelegd met mentor Jansen-note-m1"},
			Consult: signal.MeldcodeStepInput{Date: "2026-02-23", Note: "Aandachtsfunctionaris en Veilig Thuis gebeld"},
			Talk:    signal.MeldcodeStepInput{Date: "2026-02-24"},
			Weigh:   signal.MeldcodeStepInput{Date: "2026-02-25"},
			Decide:  signal.MeldcodeStepInput{Date: "2026-02-26", Note: "Melding gedaan"},
		},
		AcuteUnsafety: no(), StructuralUnsafety: yes(), Decision: signal.DecisionReportAndHelp,
	}
}

var meldcodeTables = []string{"signal_meldcode", "signal_meldcode_events", "processing_log"}

func (f *fixture) meldcodeCounts(t testing.TB) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, tb := range meldcodeTables {
		m[tb] = f.count(t, tb, "")
	}
	return m
}

// TestMeldcodeApplies: the route follows the stored assessment's advice: a
// child signal gets its (empty) meldcode row and summary; an adult signal
// without the advice gets neither, and recording on it is a conflict.
func TestMeldcodeApplies(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		child := f.create(t, f.sig, childInput())
		if !signal.MeldcodeApplies(child.Assessment) {
			t.Fatalf("a 15-year-old offering sexual services: advice %+v, want contact_veilig_thuis", child.Assessment.Advice)
		}
		if child.Meldcode == nil || child.Meldcode.StepsDone != 0 || child.Meldcode.Next != signal.StepMap || child.Meldcode.Decided() {
			t.Fatalf("child signal's meldcode summary %+v", child.Meldcode)
		}
		adult := f.create(t, f.sig, input())
		if signal.MeldcodeApplies(adult.Assessment) || adult.Meldcode != nil {
			t.Fatalf("adult signal on the meldcode route: %+v %+v", adult.Assessment.Advice, adult.Meldcode)
		}
		if n := f.count(t, "signal_meldcode", ""); n != 1 {
			t.Fatalf("%d meldcode rows, want 1 (the child's)", n)
		}
		got, err := f.svc.Get(f.ctx, f.coordNoord, child.ID)
		if err != nil || got.Meldcode == nil || got.Meldcode.Version != 0 {
			t.Fatalf("get child: %+v %v", got.Meldcode, err)
		}
		m, err := f.svc.GetMeldcode(f.ctx, f.sig, adult.ID)
		if err != nil || m.Applies || m.Version != 0 {
			t.Fatalf("adult meldcode %+v %v", m, err)
		}
		before := f.meldcodeCounts(t)
		_, err = f.svc.RecordMeldcode(f.ctx, f.sig, adult.ID, 0, fullMeldcode())
		wantCode(t, err, errs.Conflict)
		if errs.As(err).Key != signal.KeyMeldcodeNotApplicable {
			t.Fatalf("key %q", errs.As(err).Key)
		}
		if after := f.meldcodeCounts(t); !equalCounts(before, after) {
			t.Fatalf("a refused recording wrote: %v → %v", before, after)
		}
	})
}

// TestMeldcodeStaysOnRoute: a signal whose meldcode record exists stays on
// the route when its (kept) assessment no longer advises Veilig Thuis or the
// LKHA: the page, the API and recording all see the route, as the lists do.
func TestMeldcodeStaysOnRoute(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		adult := f.create(t, f.sig, input())
		if signal.MeldcodeApplies(adult.Assessment) {
			t.Fatalf("the adult fixture is on the route: %+v", adult.Assessment.Advice)
		}
		// As left by an earlier assessment that advised Veilig Thuis.
		if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(f.ctx, `INSERT INTO signal_meldcode (signal_id, version, created_at, updated_at) VALUES (?, 0, ?, ?)`,
				adult.ID, tx.Now, tx.Now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Get(f.ctx, f.coordNoord, adult.ID)
		if err != nil || got.Meldcode == nil {
			t.Fatalf("the signal lost its meldcode summary: %+v %v", got.Meldcode, err)
		}
		m, err := f.svc.GetMeldcode(f.ctx, f.sig, adult.ID)
		if err != nil || !m.Applies {
			t.Fatalf("meldcode %+v %v, want it to apply", m, err)
		}
		if m, err = f.svc.RecordMeldcode(f.ctx, f.sig, adult.ID, 0, signal.MeldcodeInput{}); err != nil || m.Version != 1 {
			t.Fatalf("recording on a signal that stays on the route: %+v %v", m, err)
		}
	})
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

// TestMeldcodeRecord: the reporter records the first steps, the care
// coordinator the rest; both read the whole record with who recorded each
// step; the history keeps both versions; the signal, its JSON summary and
// the list show the progress; every read and write is in the processing log.
func TestMeldcodeRecord(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.create(t, f.sig, childInput())
		first := signal.MeldcodeInput{Steps: signal.MeldcodeStepsInput{
			Map:     signal.MeldcodeStepInput{Date: "2026-02-21", Note: "  Signalen vastgelegd  "},
			Consult: signal.MeldcodeStepInput{Date: "2026-02-23"},
		}}
		m, err := f.svc.RecordMeldcode(f.ctx, f.sig, s.ID, 0, first)
		if err != nil {
			t.Fatalf("reporter records steps 1–2: %v", err)
		}
		if m.Version != 1 || m.Summary.StepsDone != 2 || m.Summary.Next != signal.StepTalk || m.Step(signal.StepMap).Note != "Signalen vastgelegd" ||
			m.Step(signal.StepMap).RecordedBy != f.sig.UserID || m.Step(signal.StepTalk).RecordedBy != "" {
			t.Fatalf("after steps 1–2: %+v", m)
		}
		f.clk.Advance(3600e9)
		full := fullMeldcode()
		full.Steps.Map = first.Steps.Map // unchanged: still the reporter's
		full.Steps.Map.Note = "Signalen vastgelegd"
		m, err = f.svc.RecordMeldcode(f.ctx, f.coordNoord, s.ID, 1, full)
		if err != nil {
			t.Fatalf("coordinator records steps 3–5: %v", err)
		}
		if m.Version != 2 || m.Summary.StepsDone != 5 || m.Summary.Next != "" || m.Decision != signal.DecisionReportAndHelp ||
			!m.Summary.ReportRequired || *m.StructuralUnsafety != true || *m.AcuteUnsafety != false {
			t.Fatalf("after all steps: %+v", m)
		}
		if by := m.Step(signal.StepMap).RecordedBy; by != f.sig.UserID {
			t.Errorf("step 1 recorded by %s, want the reporter (unchanged since)", by)
		}
		for _, st := range []signal.MeldcodeStep{signal.StepConsult, signal.StepTalk, signal.StepWeigh, signal.StepDecide} {
			if r := m.Step(st); r.RecordedBy != f.coordNoord.UserID || r.RecordedAt == nil {
				t.Errorf("step %s recorded by %q at %v, want the coordinator", st, r.RecordedBy, r.RecordedAt)
			}
		}
		if len(m.History) != 2 || m.History[0].ActorID != f.sig.UserID || m.History[1].ActorID != f.coordNoord.UserID ||
			m.History[0].Steps[0].Note != "Signalen vastgelegd" || m.History[0].Decision != "" {
			t.Fatalf("history %+v", m.History)
		}
		for _, who := range []policy.Subject{f.sig, f.coordNoord} {
			got, err := f.svc.GetMeldcode(f.ctx, who, s.ID)
			if err != nil || got.Version != 2 || got.Step(signal.StepDecide).Note != "Melding gedaan" || len(got.History) != 2 {
				t.Fatalf("%s reads %+v %v", who.UserID, got, err)
			}
		}
		sig, err := f.svc.Get(f.ctx, f.coordNoord, s.ID)
		if err != nil || sig.Meldcode == nil || sig.Meldcode.StepsDone != 5 || sig.Meldcode.Decision != signal.DecisionReportAndHelp || sig.Meldcode.Version != 2 {
			t.Fatalf("signal summary %+v %v", sig.Meldcode, err)
		}
		if sig.Version != 1 {
			t.Errorf("the meldcode changed the signal's own version to %d", sig.Version)
		}
		page, err := f.svc.List(f.ctx, f.coordNoord, signal.Filter{})
		if err != nil || len(page.Items) != 1 || page.Items[0].Meldcode == nil || page.Items[0].Meldcode.StepsDone != 5 {
			t.Fatalf("list %+v %v", page.Items, err)
		}
		// Processing log: one record per person for each write and read.
		for action, want := range map[string]int{"signal.meldcode.record": 2, "signal.meldcode.read": 2} {
			recs := f.records(t, audit.Filter{ObjectID: s.ID, Action: action})
			if len(recs) != want {
				t.Errorf("%d %s records, want %d", len(recs), action, want)
			}
			for _, r := range recs {
				if r.ActivityID != audit.ActivitySignalering || r.SubjectType != audit.SubjectSignalPerson {
					t.Errorf("record %+v", r)
				}
			}
		}
		if n, p, err := audit.Verify(f.ctx, f.db); err != nil || p != nil || n == 0 {
			t.Fatalf("audit chain: %d %v %v", n, p, err)
		}
	})
}

// TestMeldcodeValidation: every problem at once, named by field; the
// unsafety → report rule; nothing written on any of them.
func TestMeldcodeValidation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.create(t, f.sig, childInput())
		long := strings.Repeat("x", signal.MaxMeldcodeNote+1)
		for name, tc := range map[string]struct {
			in   func(*signal.MeldcodeInput)
			want []string
		}{
			"dates and notes": {func(in *signal.MeldcodeInput) {
				in.Steps.Map.Date = "2026-02-19" // before the signal was observed
				in.Steps.Consult.Date = "23-02-2026"
				in.Steps.Talk.Date = "2026-03-03" // tomorrow (the clock stands at 2 March)
				in.Steps.Talk.Note = long
			}, []string{"steps.consult.date:" + signal.KeyMeldcodeDateInvalid, "steps.map.date:" + signal.KeyMeldcodeDateBefore,
				"steps.talk.date:" + signal.KeyMeldcodeDateFuture, "steps.talk.note:field.too_long"}},
			"unsafety must be reported": {func(in *signal.MeldcodeInput) {
				in.Decision = signal.DecisionHelp
			}, []string{"decision:" + signal.KeyMeldcodeMustReport}},
			"acute unsafety must be reported": {func(in *signal.MeldcodeInput) {
				in.AcuteUnsafety, in.StructuralUnsafety, in.Decision = yes(), no(), signal.DecisionHelp
			}, []string{"decision:" + signal.KeyMeldcodeMustReport}},
			"weighing without its date, decision without its": {func(in *signal.MeldcodeInput) {
				in.Steps.Weigh.Date, in.Steps.Decide.Date = "", ""
			}, []string{"steps.decide.date:" + signal.KeyMeldcodeDecideDate, "steps.weigh.date:" + signal.KeyMeldcodeWeighDate}},
			"dated steps without answers": {func(in *signal.MeldcodeInput) {
				in.AcuteUnsafety, in.StructuralUnsafety, in.Decision = nil, nil, ""
			}, []string{"acuteUnsafety:" + signal.KeyMeldcodeWeighingNeeded, "decision:" + signal.KeyMeldcodeDecisionNeeded,
				"structuralUnsafety:" + signal.KeyMeldcodeWeighingNeeded}},
			"decision before the weighing": {func(in *signal.MeldcodeInput) {
				in.StructuralUnsafety = nil
				in.Steps.Decide.Date = "2026-02-24"
			}, []string{"decision:" + signal.KeyMeldcodeWeighFirst, "steps.decide.before_weigh", "structuralUnsafety:" + signal.KeyMeldcodeWeighingNeeded}},
			"unknown decision": {func(in *signal.MeldcodeInput) {
				in.Decision = "ignore"
			}, []string{"decision:" + signal.KeyMeldcodeDecisionKind}},
		} {
			t.Run(name, func(t *testing.T) {
				in := fullMeldcode()
				tc.in(&in)
				before := f.meldcodeCounts(t)
				_, err := f.svc.RecordMeldcode(f.ctx, f.sig, s.ID, 0, in)
				wantCode(t, err, errs.Invalid)
				want := slices.Clone(tc.want)
				for i, w := range want {
					if w == "steps.decide.before_weigh" {
						want[i] = "steps.decide.date:" + signal.KeyMeldcodeDecideBefore
					}
				}
				slices.Sort(want)
				if got := fields(err); !slices.Equal(got, want) {
					t.Fatalf("fields\n got %v\nwant %v", got, want)
				}
				if after := f.meldcodeCounts(t); !equalCounts(before, after) {
					t.Fatalf("a refused recording wrote: %v → %v", before, after)
				}
			})
		}
		// Helping without reporting is fine when the weighing found no unsafety.
		in := fullMeldcode()
		in.StructuralUnsafety, in.Decision = no(), signal.DecisionHelp
		if _, err := f.svc.RecordMeldcode(f.ctx, f.sig, s.ID, 0, in); err != nil {
			t.Fatalf("help without unsafety: %v", err)
		}
		// An empty record (every step cleared) is a valid correction.
		if m, err := f.svc.RecordMeldcode(f.ctx, f.sig, s.ID, 1, signal.MeldcodeInput{}); err != nil || m.Summary.StepsDone != 0 || len(m.History) != 2 {
			t.Fatalf("clear: %+v %v", m, err)
		}
	})
}

// TestMeldcodeAccess: whoever may read the signal may read its meldcode;
// the reporter and the region's coordinators may record it while the signal
// is open; an unrelated worker, another region's or a national coordinator,
// the beheerder and every other role learn nothing (not_found); a closed
// signal is forbidden to record for those who may read it.
func TestMeldcodeAccess(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.create(t, f.sig, childInput())
		for _, who := range []policy.Subject{f.sig2, f.sigAssen, f.sigZuid, f.coordZuid, f.coordNational, f.beheerder,
			f.beleid, f.partnerUser, f.analist, f.privacy, f.multiRoleGroningen} {
			before := f.meldcodeCounts(t)
			_, err := f.svc.GetMeldcode(f.ctx, who, s.ID)
			wantCode(t, err, errs.NotFound)
			_, err = f.svc.RecordMeldcode(f.ctx, who, s.ID, 0, fullMeldcode())
			wantCode(t, err, errs.NotFound)
			if after := f.meldcodeCounts(t); !equalCounts(before, after) {
				t.Fatalf("%v: a refused call wrote: %v → %v", who.Roles, before, after)
			}
		}
		_, err := f.svc.GetMeldcode(f.ctx, policy.Subject{}, s.ID)
		wantCode(t, err, errs.Unauthenticated)
		_, err = f.svc.GetMeldcode(f.ctx, f.sig, "no-such-signal")
		wantCode(t, err, errs.NotFound)

		// Closed: readable, no longer recordable.
		if _, err := f.svc.Transition(f.ctx, f.coordNoord, s.ID, 1, signal.TransitionInput{To: signal.StatusInProgress}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Transition(f.ctx, f.coordNoord, s.ID, 2, signal.TransitionInput{To: signal.StatusClosed, Reason: signal.ReasonVeiligThuis}); err != nil {
			t.Fatal(err)
		}
		for _, who := range []policy.Subject{f.sig, f.coordNoord} {
			if _, err := f.svc.GetMeldcode(f.ctx, who, s.ID); err != nil {
				t.Fatalf("read a closed signal's meldcode: %v", err)
			}
			_, err := f.svc.RecordMeldcode(f.ctx, who, s.ID, 0, fullMeldcode())
			wantCode(t, err, errs.Forbidden)
		}
		if n := f.count(t, "signal_meldcode_events", ""); n != 0 {
			t.Fatalf("%d meldcode events, want 0", n)
		}
	})
}

// TestMeldcodeStale: a recording at a version that is no longer current is a
// conflict that returns the current record (and logs that read); nothing of
// the stale recording is written.
func TestMeldcodeStale(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.create(t, f.sig, childInput())
		if _, err := f.svc.RecordMeldcode(f.ctx, f.sig, s.ID, 0, fullMeldcode()); err != nil {
			t.Fatal(err)
		}
		reads := len(f.records(t, audit.Filter{ObjectID: s.ID, Action: "signal.meldcode.read"}))
		in := fullMeldcode()
		in.Steps.Talk.Note = "te laat"
		m, err := f.svc.RecordMeldcode(f.ctx, f.coordNoord, s.ID, 0, in)
		wantCode(t, err, errs.Conflict)
		if errs.As(err).Key != "error.stale" || m.Version != 1 || m.Step(signal.StepTalk).Note != "" {
			t.Fatalf("stale: %v, current %+v", err, m)
		}
		if n := f.count(t, "signal_meldcode_events", ""); n != 1 {
			t.Fatalf("%d events, want 1", n)
		}
		if got := len(f.records(t, audit.Filter{ObjectID: s.ID, Action: "signal.meldcode.read"})); got != reads+1 {
			t.Fatalf("the current record shown with the conflict: %d read records, want %d", got, reads+1)
		}
	})
}

// TestMeldcodeRace: six workers record at once from the same version:
// exactly one wins, the others see its state.
func TestMeldcodeRace(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for round := 0; round < 2; round++ {
			s := f.create(t, f.sig, childInput())
			const n = 6
			var wg sync.WaitGroup
			results := make([]error, n)
			states := make([]signal.Meldcode, n)
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					in := fullMeldcode()
					in.Steps.Talk.Note = fmt.Sprint("worker ", i)
					who := f.sig
					if i%2 == 1 {
						who = f.coordNoord
					}
					states[i], results[i] = f.svc.RecordMeldcode(f.ctx, who, s.ID, 0, in)
				}()
			}
			close(start)
			wg.Wait()
			wins := 0
			for i, err := range results {
				switch {
				case err == nil:
					wins++
				case errs.Is(err, errs.Conflict) && errs.As(err).Key == "error.stale":
					if states[i].Version != 1 {
						t.Errorf("loser %d sees version %d, want the winner's 1", i, states[i].Version)
					}
				default:
					t.Errorf("recording %d: %v", i, err)
				}
			}
			if wins != 1 {
				t.Fatalf("%d winners, want 1", wins)
			}
			if k := f.count(t, "signal_meldcode_events", "signal_id = ?", s.ID); k != 1 {
				t.Fatalf("%d history entries, want 1", k)
			}
		}
	})
}

// TestMeldcodeSealedAndAppendOnly: notes are sealed at rest (in the current
// row and the history) and bound to their row; the history refuses updates
// and deletes.
func TestMeldcodeSealedAndAppendOnly(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.create(t, f.sig, childInput())
		if _, err := f.svc.RecordMeldcode(f.ctx, f.sig, s.ID, 0, fullMeldcode()); err != nil {
			t.Fatal(err)
		}
		for _, needle := range []string{"Jansen-note-m1", "Aandachtsfunctionaris", "Melding gedaan"} {
			if hits := storetest.Find(t, f.db, needle); len(hits) > 0 {
				t.Errorf("%q in plain text in %v", needle, hits)
			}
		}
		if hits := storetest.Find(t, f.db, "2026-02-25"); !slices.Contains(hits, "signal_meldcode.weigh_on") {
			t.Errorf("Find does not find the plain step date: %v", hits)
		}
		for _, q := range []string{`UPDATE signal_meldcode_events SET decision = 'help'`, `DELETE FROM signal_meldcode_events`} {
			if _, err := f.db.SQL().ExecContext(f.ctx, q); err == nil {
				t.Errorf("%s: allowed on the append-only history", q)
			}
		}
		// The database refuses unsafety without reporting, too.
		if _, err := f.db.SQL().ExecContext(f.ctx, store.Rebind(f.db.Dialect(),
			`UPDATE signal_meldcode SET decision = 'help' WHERE signal_id = ?`), s.ID); err == nil {
			t.Error("the database stored structural unsafety with the decision help")
		}
		// A note moved to another signal's row does not open.
		other := f.create(t, f.sig, childInput())
		if _, err := f.db.SQL().ExecContext(f.ctx, store.Rebind(f.db.Dialect(),
			`UPDATE signal_meldcode SET map_note_enc = (SELECT map_note_enc FROM signal_meldcode WHERE signal_id = ?) WHERE signal_id = ?`), s.ID, other.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.GetMeldcode(f.ctx, f.sig, other.ID); err == nil {
			t.Error("a note moved to another signal opened")
		}
	})
}

// TestMeldcodeConsultation: a consultation holds no personal data, so its
// meldcode takes no notes; its reads are not logged, its writes are.
func TestMeldcodeConsultation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		in := consultation()
		in.Forms, in.Indicators, in.ObservedOn = []string{"sexual"}, []string{"exploitation.sexual_services"}, "2026-02-20"
		s := f.create(t, f.sig, in)
		if s.Meldcode == nil {
			t.Fatalf("a child consultation with sexual services: advice %+v", s.Assessment.Advice)
		}
		_, err := f.svc.RecordMeldcode(f.ctx, f.sig, s.ID, 0, fullMeldcode())
		wantCode(t, err, errs.Invalid)
		want := []string{"steps.consult.note:" + signal.KeyConsultationPersonal, "steps.decide.note:" + signal.KeyConsultationPersonal,
			"steps.map.note:" + signal.KeyConsultationPersonal}
		if got := fields(err); !slices.Equal(got, want) {
			t.Fatalf("fields %v, want %v", got, want)
		}
		m := fullMeldcode()
		for _, st := range signal.MeldcodeSteps {
			m.Steps.At(st).Note = ""
		}
		if _, err := f.svc.RecordMeldcode(f.ctx, f.sig, s.ID, 0, m); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.GetMeldcode(f.ctx, f.sig, s.ID); err != nil {
			t.Fatal(err)
		}
		if n := len(f.records(t, audit.Filter{ObjectID: s.ID, Action: "signal.meldcode.record"})); n != 1 {
			t.Errorf("%d write records, want 1", n)
		}
		if n := len(f.records(t, audit.Filter{ObjectID: s.ID, Action: "signal.meldcode.read"})); n != 0 {
			t.Errorf("%d read records of a consultation, want 0", n)
		}
	})
}

// TestMeldcodeBackfill: migration 0011 gives the signals recorded before it
// whose stored advice puts them on the route their meldcode row, and no
// other signal one.
func TestMeldcodeBackfill(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		child := f.create(t, f.sig, childInput())
		adult := f.create(t, f.sig, input())
		ms, err := store.Migrations(f.db.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		var backfill string
		for _, m := range ms {
			if m.Name == "0011_meldcode_append_only" {
				if i := strings.Index(m.SQL, "INSERT INTO signal_meldcode"); i >= 0 {
					backfill = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m.SQL[i:]), ";"))
				}
			}
		}
		if backfill == "" {
			t.Fatal("no backfill in migration 0011_meldcode_append_only")
		}
		if _, err := f.db.SQL().ExecContext(f.ctx, `DELETE FROM signal_meldcode`); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SQL().ExecContext(f.ctx, backfill); err != nil {
			t.Fatalf("backfill: %v", err)
		}
		if n := f.count(t, "signal_meldcode", "signal_id = ?", child.ID); n != 1 {
			t.Errorf("child signal: %d rows, want 1", n)
		}
		if n := f.count(t, "signal_meldcode", "signal_id = ?", adult.ID); n != 0 {
			t.Errorf("adult signal: %d rows, want 0", n)
		}
	})
}

func TestMeldcodeMessageKeys(t *testing.T) {
	b := i18n.MustLoad()
	keys := []string{signal.KeyMeldcodeNotApplicable, signal.KeyMeldcodeDateInvalid, signal.KeyMeldcodeDateFuture,
		signal.KeyMeldcodeDateBefore, signal.KeyMeldcodeWeighingNeeded, signal.KeyMeldcodeWeighDate,
		signal.KeyMeldcodeDecisionNeeded, signal.KeyMeldcodeDecideDate, signal.KeyMeldcodeDecisionKind,
		signal.KeyMeldcodeWeighFirst, signal.KeyMeldcodeMustReport, signal.KeyMeldcodeDecideBefore}
	for _, d := range signal.Decisions {
		keys = append(keys, "signal.meldcode.decision."+string(d))
	}
	for _, l := range i18n.Langs {
		for _, k := range keys {
			if !b.Has(l, k) {
				t.Errorf("%s: no message %q", l, k)
			}
		}
	}
}
