package signal_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
)

func TestListFiltersAndPaging(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		// 30 signals in Noord, one per simulated hour; every third labour in
		// Assen by the coordinator, the rest sexual by the Groningen reporter.
		var all []signal.Signal
		for i := range 30 {
			in := input()
			in.ObservedOn = fmt.Sprintf("2026-02-%02d", 1+i%27)
			in.Persons[0].Alias = fmt.Sprintf("Alias %d", i)
			actor := f.sig
			if i%3 == 0 {
				in.Forms, in.Department, in.MunicipalityID = []string{"labour"}, "handhaving", f.assen.ID
				in.Signals, in.Indicators = nil, nil
				actor = f.coordNoord
			}
			all = append(all, f.create(t, actor, in))
			f.clk.Advance(time.Hour)
		}
		f.create(t, f.sigZuid, input()) // another region: never listed for Noord
		if _, err := f.svc.Transition(f.ctx, f.coordNoord, all[4].ID, 1, signal.TransitionInput{To: signal.StatusInProgress}); err != nil {
			t.Fatal(err)
		}

		ids := func(items []signal.Summary) []string {
			var out []string
			for _, it := range items {
				out = append(out, it.ID)
			}
			return out
		}
		// Paging through everything in every order visits each signal once, in order.
		for _, sort := range signal.Sorts {
			var got []signal.Summary
			cur := ""
			for pages := 0; ; pages++ {
				p, err := f.svc.List(f.ctx, f.coordNoord, signal.Filter{Sort: sort, Cursor: cur, Limit: 7})
				if err != nil {
					t.Fatalf("%s: %v", sort, err)
				}
				got = append(got, p.Items...)
				if p.Next == "" {
					if pages != 4 {
						t.Errorf("%s: %d pages", sort, pages+1)
					}
					break
				}
				cur = p.Next
			}
			if len(got) != 30 {
				t.Fatalf("%s: %d items, want 30", sort, len(got))
			}
			seen := map[string]bool{}
			for i, it := range got {
				if seen[it.ID] {
					t.Fatalf("%s: %s twice", sort, it.Reference)
				}
				seen[it.ID] = true
				if i == 0 {
					continue
				}
				prev := got[i-1]
				var ok bool
				switch sort {
				case signal.SortNewest:
					ok = prev.CreatedAt.After(it.CreatedAt)
				case signal.SortOldest:
					ok = prev.CreatedAt.Before(it.CreatedAt)
				case signal.SortObservedNewest:
					ok = prev.ObservedOn > it.ObservedOn || prev.ObservedOn == it.ObservedOn && prev.ID > it.ID
				case signal.SortObservedOldest:
					ok = prev.ObservedOn < it.ObservedOn || prev.ObservedOn == it.ObservedOn && prev.ID < it.ID
				}
				if !ok {
					t.Fatalf("%s: %s before %s", sort, prev.Reference, it.Reference)
				}
			}
		}

		want := func(pred func(i int, s signal.Signal) bool) []string {
			var out []string
			for i := len(all) - 1; i >= 0; i-- {
				if pred(i, all[i]) {
					out = append(out, all[i].ID)
				}
			}
			return out
		}
		start := f.clk.Now().Add(-30 * time.Hour)
		cases := []struct {
			name  string
			actor policy.Subject
			flt   signal.Filter
			want  []string
		}{
			{"all", f.coordNoord, signal.Filter{}, want(func(int, signal.Signal) bool { return true })},
			{"form", f.coordNoord, signal.Filter{Form: "labour"}, want(func(i int, _ signal.Signal) bool { return i%3 == 0 })},
			{"department", f.coordNoord, signal.Filter{Department: "wmo"}, want(func(i int, _ signal.Signal) bool { return i%3 != 0 })},
			{"municipality", f.coordNoord, signal.Filter{MunicipalityID: f.assen.ID}, want(func(i int, _ signal.Signal) bool { return i%3 == 0 })},
			{"status", f.coordNoord, signal.Filter{Status: signal.StatusInProgress}, []string{all[4].ID}},
			{"outcome", f.coordNoord, signal.Filter{Outcome: all[1].Assessment.Outcome},
				want(func(_ int, s signal.Signal) bool { return s.Assessment.Outcome == all[1].Assessment.Outcome })},
			{"period", f.coordNoord, signal.Filter{From: start.Add(10 * time.Hour), To: start.Add(12 * time.Hour)}, []string{all[11].ID, all[10].ID}},
			{"reference", f.coordNoord, signal.Filter{Query: " " + all[7].Reference[:4] + all[7].Reference[4:] + " "}, []string{all[7].ID}},
			{"reference lower case", f.coordNoord, signal.Filter{Query: "sig" + all[7].Reference[3:]}, []string{all[7].ID}},
			{"alias", f.coordNoord, signal.Filter{Query: "alias  12"}, []string{all[12].ID}},
			{"alias exact only", f.coordNoord, signal.Filter{Query: "Alias 1"}, []string{all[1].ID}},
			{"alias of a person not one's own", f.sig, signal.Filter{Query: "Alias 12"}, nil},
			{"alias own", f.sig, signal.Filter{Query: "Alias 13"}, []string{all[13].ID}},
			{"reporter", f.sig, signal.Filter{}, want(func(i int, _ signal.Signal) bool { return i%3 != 0 })},
			{"other region", f.coordZuid, signal.Filter{Form: "labour"}, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p, err := f.svc.List(f.ctx, c.actor, c.flt)
				if err != nil {
					t.Fatal(err)
				}
				if got := ids(p.Items); !slices.Equal(got, c.want) {
					t.Errorf("got %d %v\nwant %d %v", len(got), got, len(c.want), c.want)
				}
			})
		}
		// The outcome filter is not vacuous.
		if all[0].Assessment.Outcome == all[1].Assessment.Outcome {
			t.Log("note: fixture outcomes equal for labour and sexual signals")
		}
		// A search is logged (without the query), a plain list is not.
		n := f.count(t, "processing_log", "action = 'signal.search'")
		if n != 6 {
			t.Errorf("%d search records, want 6", n)
		}
		recs := f.records(t, audit.Filter{Action: "signal.search"})
		for _, r := range recs {
			if r.ActivityID != audit.ActivitySignalering {
				t.Errorf("search record %+v", r)
			}
		}

		bad := []struct {
			flt  signal.Filter
			want []string
		}{
			{signal.Filter{Sort: "random"}, []string{"sort:signal.sort.invalid"}},
			{signal.Filter{Status: "lost", Outcome: "maybe", Form: "x", Department: "y"},
				[]string{"department:signal.department.unknown", "form:assess.form.unknown", "outcome:signal.outcome.invalid", "status:signal.status.invalid"}},
			{signal.Filter{Cursor: "!!"}, []string{"cursor:signal.cursor.invalid"}},
			{signal.Filter{Cursor: "eyJzIjoib2xkZXN0IiwiayI6IngiLCJpIjoieSJ9"}, []string{"cursor:signal.cursor.invalid"}}, // a cursor of another sort
			{signal.Filter{From: start, To: start}, []string{"to:signal.period.invalid"}},
		}
		for i, c := range bad {
			_, err := f.svc.List(f.ctx, f.coordNoord, c.flt)
			wantCode(t, err, errs.Invalid)
			if got := fields(err); !slices.Equal(got, c.want) {
				t.Errorf("bad %d: %v, want %v", i, got, c.want)
			}
		}
	})
}

func TestInbox(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		a := f.create(t, f.sig, input())
		f.create(t, f.sigAssen, consultation())
		f.create(t, f.sigZuid, input())
		if _, err := f.svc.Transition(f.ctx, f.coordNoord, a.ID, 1, signal.TransitionInput{To: signal.StatusInProgress}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			s    policy.Subject
			want signal.Inbox
			code errs.Code
		}{
			{f.coordNoord, signal.Inbox{New: 1, InProgress: 1}, ""},
			{f.coordZuid, signal.Inbox{New: 1}, ""},
			{f.sig, signal.Inbox{InProgress: 1}, ""},
			{f.sig2, signal.Inbox{}, ""},
			{f.beheerder, signal.Inbox{}, errs.Forbidden},
			{f.analist, signal.Inbox{}, errs.Forbidden},
		}
		for i, c := range cases {
			got, err := f.svc.Inbox(f.ctx, c.s)
			if errs.CodeOf(err) != c.code || got != c.want {
				t.Errorf("%d: %+v %v, want %+v %q", i, got, err, c.want, c.code)
			}
		}
		_ = assess.NoIndication
	})
}
