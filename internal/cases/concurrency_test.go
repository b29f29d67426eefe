package cases_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
)

// TestStale: an edit at an old version is refused with the current case,
// never silently applied.
func TestStale(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.openAs(t, f.coord, "labour")
		first, err := f.svc.Update(f.ctx, f.coord, c.ID, c.Version, cases.Patch{Cooperation: ptr(cases.Yes)})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			do   func() (cases.Case, error)
		}{
			{"Update", func() (cases.Case, error) {
				return f.svc.Update(f.ctx, f.coord, c.ID, c.Version, cases.Patch{Cooperation: ptr(cases.No)})
			}},
			{"Transition", func() (cases.Case, error) {
				return f.svc.Transition(f.ctx, f.coord, c.ID, c.Version, cases.TransitionInput{To: cases.PhaseIntake})
			}},
			{"SetReflection", func() (cases.Case, error) {
				return f.svc.SetReflection(f.ctx, f.coord, c.ID, c.Version, "2026-03-01", true)
			}},
			{"Assign", func() (cases.Case, error) {
				return f.svc.Assign(f.ctx, f.coord, c.ID, c.Version, []string{f.coord2.UserID})
			}},
			{"Update from the future", func() (cases.Case, error) {
				return f.svc.Update(f.ctx, f.coord, c.ID, first.Version+1, cases.Patch{Cooperation: ptr(cases.No)})
			}},
		} {
			events := f.count(t, "case_events", "case_id = ?", c.ID)
			got, err := tc.do()
			if e := errs.As(err); e == nil || e.Code != errs.Conflict || e.Key != "error.stale" {
				t.Errorf("%s: %v, want conflict error.stale", tc.name, err)
			}
			if got.ID != c.ID || got.Version != first.Version || got.Cooperation != cases.Yes || got.Phase != cases.PhaseRegistration ||
				got.Reflection != nil || got.Client.Name != clientInput().Name || len(got.Coordinators) != 1 {
				t.Errorf("%s: current state = %+v", tc.name, got)
			}
			if n := f.count(t, "case_events", "case_id = ?", c.ID); n != events {
				t.Errorf("%s: %d events, had %d", tc.name, n, events)
			}
		}
		if read, _ := f.svc.Get(f.ctx, f.coord, c.ID); read.Version != first.Version || read.Cooperation != cases.Yes {
			t.Errorf("after stale edits: %+v", read)
		}
	})
}

// TestConcurrentUpdates: several coordinators edit the same version at
// once; exactly one wins and every other gets the conflict with the
// winner's state.
func TestConcurrentUpdates(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for round := 0; round < 3; round++ {
			c := f.openAs(t, f.coord, "labour")
			const n = 6
			var wg sync.WaitGroup
			got := make([]cases.Case, n)
			errors := make([]error, n)
			start := make(chan struct{})
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					cl := clientInput()
					cl.Contact = fmt.Sprintf("contact %d", i)
					got[i], errors[i] = f.svc.Update(f.ctx, f.coord, c.ID, c.Version, cases.Patch{Client: &cl})
				}()
			}
			close(start)
			wg.Wait()
			winner := -1
			for i, err := range errors {
				if err == nil {
					if winner >= 0 {
						t.Fatalf("round %d: two winners %d and %d", round, winner, i)
					}
					winner = i
				}
			}
			if winner < 0 {
				t.Fatalf("round %d: no winner: %v", round, errors)
			}
			want := fmt.Sprintf("contact %d", winner)
			for i, err := range errors {
				if i == winner {
					if got[i].Version != c.Version+1 || got[i].Client.Contact != want {
						t.Errorf("round %d: winner = v%d %q", round, got[i].Version, got[i].Client.Contact)
					}
					continue
				}
				if e := errs.As(err); e == nil || e.Code != errs.Conflict || e.Key != "error.stale" {
					t.Errorf("round %d: loser %d: %v", round, i, err)
				}
				if got[i].Version != c.Version+1 || got[i].Client.Contact != want {
					t.Errorf("round %d: loser %d sees v%d %q, want the winner's %q", round, i, got[i].Version, got[i].Client.Contact, want)
				}
			}
			if n := f.count(t, "case_events", "case_id = ? AND kind = ?", c.ID, cases.KindUpdate); n != 1 {
				t.Errorf("round %d: %d update events", round, n)
			}
		}
	})
}

// TestConcurrentTransitions: of several coordinators closing at once, one
// closes; the others get a conflict with the closed case.
func TestConcurrentTransitions(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.openAs(t, f.coord, "labour")
		if _, err := f.svc.Assign(f.ctx, f.coord, c.ID, c.Version, []string{f.coord.UserID, f.coord2.UserID}); err != nil {
			t.Fatal(err)
		}
		const n = 4
		var wg sync.WaitGroup
		errors := make([]error, n)
		got := make([]cases.Case, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				who := f.coord
				if i%2 == 1 {
					who = f.coord2
				}
				got[i], errors[i] = f.svc.Transition(f.ctx, who, c.ID, c.Version+1, cases.TransitionInput{To: cases.PhaseClosed, Reason: "lost_contact"})
			}()
		}
		wg.Wait()
		wins := 0
		for i, err := range errors {
			if err == nil {
				wins++
				continue
			}
			if errs.CodeOf(err) != errs.Conflict || got[i].Phase != cases.PhaseClosed {
				t.Errorf("loser %d: %v, sees %s", i, err, got[i].Phase)
			}
		}
		if wins != 1 {
			t.Errorf("%d winners: %v", wins, errors)
		}
		if n := f.count(t, "case_events", "case_id = ? AND kind = ?", c.ID, cases.KindPhase); n != 1 {
			t.Errorf("%d phase events", n)
		}
	})
}

// TestConcurrentAppends: notes from several coordinators at once all land,
// each with its own seq; creates at once each get their own reference.
func TestConcurrentAppends(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.openAs(t, f.coord, "labour")
		const n = 8
		var wg sync.WaitGroup
		seqs := make([]int, n)
		refs := make([]string, n)
		errors := make([]error, 2*n)
		for i := 0; i < n; i++ {
			wg.Add(2)
			go func() {
				defer wg.Done()
				ev, err := f.svc.AddEvent(f.ctx, f.coord, c.ID, cases.EventInput{Kind: cases.KindNote, Body: fmt.Sprintf("note %d", i)})
				seqs[i], errors[i] = ev.Seq, err
			}()
			go func() {
				defer wg.Done()
				d, err := f.svc.Create(f.ctx, f.coord, cases.Input{Client: clientInput()})
				refs[i], errors[n+i] = d.Reference, err
			}()
		}
		wg.Wait()
		for i, err := range errors {
			if err != nil {
				t.Errorf("call %d: %v", i, err)
			}
		}
		slices.Sort(seqs)
		for i, s := range seqs {
			if s != i+2 {
				t.Errorf("seqs = %v, want 2..%d", seqs, n+1)
				break
			}
		}
		slices.Sort(refs)
		if len(slices.Compact(refs)) != n || refs[0] != "CASE-2026-000002" {
			t.Errorf("references = %v", refs)
		}
	})
}
