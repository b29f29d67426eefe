package cases_test

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
)

func (f *fixture) list(t *testing.T, actor policy.Subject, flt cases.Filter) []string {
	t.Helper()
	page, err := f.svc.List(f.ctx, actor, flt)
	if err != nil {
		t.Fatalf("list %+v: %v", flt, err)
	}
	var refs []string
	for _, it := range page.Items {
		refs = append(refs, it.Reference)
	}
	slices.Sort(refs)
	return refs
}

func refs(cs ...cases.Case) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Reference)
	}
	slices.Sort(out)
	return out
}

// TestList: mine and region, the filters, cursor pages, and no client data.
func TestList(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		var mine []cases.Case
		for i := 0; i < 7; i++ {
			form := "labour"
			if i%3 == 0 {
				form = "criminal"
			}
			mine = append(mine, f.openAs(t, f.coord, form))
			if i%2 == 0 {
				f.clk.Advance(1e9) // some share a time, so the cursor's tie-break on the id counts
			}
		}
		colleague := []cases.Case{f.openAs(t, f.coord2, "sexual"), f.openAs(t, f.coord2, "labour")}
		zuid := f.openAs(t, f.coordZuid, "labour")

		if got := f.list(t, f.coord, cases.Filter{}); !slices.Equal(got, refs(mine...)) {
			t.Errorf("mine = %v", got)
		}
		if got := f.list(t, f.coord, cases.Filter{Scope: cases.ScopeRegion}); !slices.Equal(got, refs(append(slices.Clone(mine), colleague...)...)) {
			t.Errorf("region = %v", got)
		}
		if got := f.list(t, f.coordZuid, cases.Filter{Scope: cases.ScopeRegion}); !slices.Equal(got, refs(zuid)) {
			t.Errorf("Zuid's region = %v", got)
		}
		if got := f.list(t, f.coordNational, cases.Filter{Scope: cases.ScopeRegion}); len(got) != 0 {
			t.Errorf("national coordinator's region = %v", got)
		}
		// Phases: two to intake, one of them on to closed.
		a, err := f.svc.Transition(f.ctx, f.coord, mine[1].ID, 1, cases.TransitionInput{To: cases.PhaseIntake})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Transition(f.ctx, f.coord, mine[2].ID, 1, cases.TransitionInput{To: cases.PhaseIntake}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Transition(f.ctx, f.coord, mine[1].ID, a.Version, cases.TransitionInput{To: cases.PhaseClosed, Reason: "lost_contact"}); err != nil {
			t.Fatal(err)
		}
		if got := f.list(t, f.coord, cases.Filter{Phase: cases.PhaseIntake}); !slices.Equal(got, refs(mine[2])) {
			t.Errorf("intake = %v", got)
		}
		if got := f.list(t, f.coord, cases.Filter{Phase: cases.PhaseClosed}); !slices.Equal(got, refs(mine[1])) {
			t.Errorf("closed = %v", got)
		}
		open := slices.Delete(slices.Clone(mine), 1, 2)
		if got := f.list(t, f.coord, cases.Filter{Phase: cases.PhaseOpen}); !slices.Equal(got, refs(open...)) {
			t.Errorf("open = %v", got)
		}
		// Forms.
		if got := f.list(t, f.coord, cases.Filter{Form: "criminal"}); !slices.Equal(got, refs(mine[0], mine[3], mine[6])) {
			t.Errorf("criminal = %v", got)
		}
		if got := f.list(t, f.coord, cases.Filter{Scope: cases.ScopeRegion, Form: "sexual"}); !slices.Equal(got, refs(colleague[0])) {
			t.Errorf("sexual in the region = %v", got)
		}
		// Reflection periods ending within N days (the clock stands at 2026-03-02).
		if _, err := f.svc.SetReflection(f.ctx, f.coord, mine[3].ID, 1, "2026-03-02", true); err != nil { // ends 03-31
			t.Fatal(err)
		}
		if _, err := f.svc.SetReflection(f.ctx, f.coord, mine[4].ID, 1, "2026-03-02", false); err != nil { // ends 06-01
			t.Fatal(err)
		}
		if _, err := f.svc.SetReflection(f.ctx, f.coord, mine[5].ID, 1, "2026-01-20", true); err != nil { // ended 02-18
			t.Fatal(err)
		}
		if got := f.list(t, f.coord, cases.Filter{ReflectionWithin: 29}); !slices.Equal(got, refs(mine[3])) {
			t.Errorf("within 29 days = %v", got)
		}
		if got := f.list(t, f.coord, cases.Filter{ReflectionWithin: 28}); len(got) != 0 {
			t.Errorf("within 28 days = %v", got)
		}
		if got := f.list(t, f.coord, cases.Filter{ReflectionWithin: 91}); !slices.Equal(got, refs(mine[3], mine[4])) {
			t.Errorf("within 91 days = %v", got)
		}
		// A reference, typed in any case.
		if got := f.list(t, f.coord, cases.Filter{Query: " " + strings.ToLower(mine[4].Reference) + " "}); !slices.Equal(got, refs(mine[4])) {
			t.Errorf("reference = %v", got)
		}
		if got := f.list(t, f.coord, cases.Filter{Query: colleague[0].Reference}); len(got) != 0 {
			t.Errorf("a colleague's reference in mine = %v", got)
		}
		if got := f.list(t, f.coord, cases.Filter{Scope: cases.ScopeRegion, Query: colleague[0].Reference}); !slices.Equal(got, refs(colleague[0])) {
			t.Errorf("a colleague's reference in the region = %v", got)
		}
		if got := f.list(t, f.coordZuid, cases.Filter{Scope: cases.ScopeRegion, Query: mine[0].Reference}); len(got) != 0 {
			t.Errorf("another region's reference = %v", got)
		}
		// Summaries: the caller's assignment, the coordinators, no client data.
		page, err := f.svc.List(f.ctx, f.coord, cases.Filter{Scope: cases.ScopeRegion})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			own := slices.ContainsFunc(mine, func(c cases.Case) bool { return c.ID == it.ID })
			if it.Assigned != own || len(it.CoordinatorIDs) != 1 || it.RegionID != f.noord.ID || it.Version < 1 || len(it.Forms) != 1 {
				t.Errorf("summary %+v (own %v)", it, own)
			}
		}
		b, _ := json.Marshal(page)
		for _, bad := range []string{"Mirela", "111222333", "1999-04-12", "9876"} {
			if strings.Contains(string(b), bad) {
				t.Errorf("a list holds %q", bad)
			}
		}
		// Newest change first.
		for i := 1; i < len(page.Items); i++ {
			p, q := page.Items[i-1], page.Items[i]
			if p.UpdatedAt.Before(q.UpdatedAt) || p.UpdatedAt.Equal(q.UpdatedAt) && p.ID < q.ID {
				t.Errorf("order: %s %v before %s %v", p.Reference, p.UpdatedAt, q.Reference, q.UpdatedAt)
			}
		}
	})
}

// TestListPages: pages of three over nine cases neither skip nor repeat.
func TestListPages(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		var all []cases.Case
		for i := 0; i < 7; i++ {
			all = append(all, f.openAs(t, f.coord, "labour"))
			if i == 2 || i == 5 {
				f.clk.Advance(1e6)
			}
		}
		all = append(all, f.openAs(t, f.coord2, "labour"), f.openAs(t, f.coord2, "labour"))
		for _, tc := range []struct {
			scope string
			want  []cases.Case
			sizes []int
		}{
			{cases.ScopeMine, all[:7], []int{3, 3, 1}},
			{cases.ScopeRegion, all, []int{3, 3, 3}},
		} {
			var got []string
			var sizes []int
			cur := ""
			for i := 0; ; i++ {
				page, err := f.svc.List(f.ctx, f.coord, cases.Filter{Scope: tc.scope, Cursor: cur, Limit: 3})
				if err != nil {
					t.Fatal(err)
				}
				sizes = append(sizes, len(page.Items))
				for _, it := range page.Items {
					got = append(got, it.Reference)
				}
				if page.Next == "" {
					break
				}
				cur = page.Next
				if i > 5 {
					t.Fatal("no last page")
				}
			}
			if !slices.Equal(sizes, tc.sizes) {
				t.Errorf("%s: page sizes %v, want %v", tc.scope, sizes, tc.sizes)
			}
			if len(slices.Compact(slices.Sorted(slices.Values(got)))) != len(got) {
				t.Errorf("%s: a case repeated: %v", tc.scope, got)
			}
			slices.Sort(got)
			if !slices.Equal(got, refs(tc.want...)) {
				t.Errorf("%s: pages gave %v, want %v", tc.scope, got, refs(tc.want...))
			}
		}
		// A limit above the maximum is the maximum; the default is 50.
		if page, err := f.svc.List(f.ctx, f.coord, cases.Filter{Limit: cases.MaxLimit + 1}); err != nil || len(page.Items) != 7 || page.Next != "" {
			t.Errorf("large limit: %d %q %v", len(page.Items), page.Next, err)
		}
	})
}

// TestListInvalid: bad filters are validation errors, all at once; roles
// without lists are forbidden before anything is validated.
func TestListInvalid(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.openAs(t, f.coord, "labour")
		bogus := base64.RawURLEncoding.EncodeToString([]byte(`{"t":"2026-03-02T09:00:00Z"}`))
		_, err := f.svc.List(f.ctx, f.coord, cases.Filter{Scope: "all", Phase: "finished", Form: "nope", ReflectionWithin: -1, Cursor: "!!"})
		want := []string{"cursor:" + cases.KeyCursorInvalid, "form:" + cases.KeyFormUnknown, "phase:" + cases.KeyPhaseInvalid,
			"reflectionWithin:" + cases.KeyOptionUnknown, "scope:" + cases.KeyOptionUnknown}
		if got := fields(err); !slices.Equal(got, want) {
			t.Errorf("fields\n%v\nwant\n%v", got, want)
		}
		for _, cur := range []string{bogus, "bm9wZQ", base64.RawURLEncoding.EncodeToString([]byte(`{"i":"x"}`))} {
			if _, err := f.svc.List(f.ctx, f.coord, cases.Filter{Cursor: cur}); !slices.Equal(fields(err), []string{"cursor:" + cases.KeyCursorInvalid}) {
				t.Errorf("cursor %q: %v", cur, err)
			}
		}
		if _, err := f.svc.List(f.ctx, f.sig, cases.Filter{Cursor: "!!"}); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("signaleerder with a bad cursor: %v", err)
		}
	})
}
