package kader_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/fieldcrypt"
	"github.com/baken-nl/baken/internal/kader"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

var catalog = content.MustLoad()

type fixture struct {
	ctx     context.Context
	db      *store.DB
	clk     *storetest.Clock
	svc     *kader.Service
	orgs    *org.Service
	signals *signal.Service

	noord, zuid, gemA, gemB, gemC                                           org.Organisation
	beleidA, beleidB, beleidC, analist, analistZuid, coord, coordZuid, sigA policy.Subject
}

func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		clk := storetest.NewClock()
		db := storetest.NewWithClock(t, d, clk.Now)
		keys, err := fieldcrypt.New(fieldcrypt.Generate())
		if err != nil {
			t.Fatal(err)
		}
		log := audit.New(keys)
		engine, err := assess.New(catalog)
		if err != nil {
			t.Fatal(err)
		}
		f := &fixture{ctx: context.Background(), db: db, clk: clk, svc: kader.NewService(db, log, catalog),
			orgs: org.NewService(db, log, password.Fast), signals: signal.NewService(db, log, keys, catalog, engine)}
		mustOrg := func(in org.OrgInput) org.Organisation {
			o, err := f.orgs.CreateOrg(f.ctx, org.System, in)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		n := 0
		mustUser := func(orgID, name string, r policy.Role) policy.Subject {
			n++
			u, err := f.orgs.CreateUser(f.ctx, org.System, org.UserInput{Email: "u" + string(rune('a'+n)) + "@baken.test",
				Name: name, OrganisationID: orgID, Roles: []policy.Role{r}, Password: "correct horse battery staple"})
			if err != nil {
				t.Fatal(err)
			}
			return u.Subject()
		}
		f.noord = mustOrg(org.OrgInput{Kind: org.Region, Name: "Noord"})
		f.zuid = mustOrg(org.OrgInput{Kind: org.Region, Name: "Zuid"})
		f.gemA = mustOrg(org.OrgInput{Kind: org.Municipality, Name: "Gemeente A", RegionID: f.noord.ID})
		f.gemB = mustOrg(org.OrgInput{Kind: org.Municipality, Name: "Gemeente B", RegionID: f.noord.ID})
		f.gemC = mustOrg(org.OrgInput{Kind: org.Municipality, Name: "Gemeente C", RegionID: f.zuid.ID})
		f.beleidA = mustUser(f.gemA.ID, "Bram Beleid", policy.Beleidsmedewerker)
		f.beleidB = mustUser(f.gemB.ID, "Bea Beleid", policy.Beleidsmedewerker)
		f.beleidC = mustUser(f.gemC.ID, "Cas Beleid", policy.Beleidsmedewerker)
		f.analist = mustUser(f.noord.ID, "Amira Analist", policy.Analist)
		f.analistZuid = mustUser(f.zuid.ID, "Ahmed Analist", policy.Analist)
		f.coord = mustUser(f.noord.ID, "Zoë Zorg", policy.Zorgcoordinator)
		f.coordZuid = mustUser(f.zuid.ID, "Zaid Zuid", policy.Zorgcoordinator)
		f.sigA = mustUser(f.gemA.ID, "Sanne Signaal", policy.Signaleerder)
		fn(t, f)
	})
}

func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if got := errs.CodeOf(err); got != code {
		t.Fatalf("error = %v (code %q), want %q", err, got, code)
	}
}

func fieldsOf(err error) []string {
	var out []string
	if e := errs.As(err); e != nil {
		for _, f := range e.Fields {
			out = append(out, f.Field+":"+f.Key)
		}
	}
	slices.Sort(out)
	return out
}

// plateau1 returns every plateau1 block id of the catalogue.
func plateau1() []string {
	var out []string
	for _, t := range catalog.Kader.Themes {
		for _, b := range t.Blocks {
			if b.Level == content.Plateau1 {
				out = append(out, b.ID)
			}
		}
	}
	return out
}

func item(r kader.Round, id string) kader.Item {
	for _, it := range r.Items {
		if it.BlockID == id {
			return it
		}
	}
	return kader.Item{}
}

func TestScores(t *testing.T) {
	var items []kader.Item
	p1 := plateau1()
	for i, id := range p1 {
		st := kader.Complete
		switch i {
		case 0:
			st = kader.NotApplicable
		case 1:
			st = kader.Partial
		}
		items = append(items, kader.Item{BlockID: id, Status: st})
	}
	scores, basis, blocking := kader.Scores(catalog, items)
	if basis || !slices.Equal(blocking, []string{p1[1]}) {
		t.Errorf("basis %v, blocking %v: want the partial block only", basis, blocking)
	}
	first := scores[0] // the first theme's plateau1
	if first.Level != content.Plateau1 || first.NotApplicable != 1 || first.Partial != 1 {
		t.Errorf("first score = %+v", first)
	}
	// Theme 1 plateau1 has 4 blocks: N/A, partial, complete, complete → (1+1+½)/3 = 83%.
	if first.Percent == nil || *first.Percent != 83 {
		t.Errorf("percent = %v, want 83", first.Percent)
	}
	// Plateau2 blocks are absent: 0%.
	if p := scores[1].Percent; p == nil || *p != 0 {
		t.Errorf("plateau2 percent = %v", p)
	}
	items[1].Status = kader.Complete
	if _, basis, blocking := kader.Scores(catalog, items); !basis || len(blocking) != 0 {
		t.Errorf("every plateau1 block complete or n/a: basis %v, blocking %v", basis, blocking)
	}
	allNA := []kader.Item{}
	for _, t := range catalog.Kader.Themes[0].Blocks {
		allNA = append(allNA, kader.Item{BlockID: t.ID, Status: kader.NotApplicable})
	}
	if s, _, _ := kader.Scores(catalog, allNA); s[2].Percent != nil {
		t.Errorf("a theme that does not apply has no percentage, got %v", *s[2].Percent)
	}
}

func TestRoundLifecycle(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		r, err := f.svc.StartRound(f.ctx, f.beleidA, "", 2025)
		if err != nil {
			t.Fatal(err)
		}
		if r.Year != 2025 || r.MunicipalityID != f.gemA.ID || len(r.Items) != 37 || r.BasisOpOrde || len(r.Blocking) != 17 {
			t.Fatalf("round: year %d, %d items, basis %v, %d blocking", r.Year, len(r.Items), r.BasisOpOrde, len(r.Blocking))
		}
		_, err = f.svc.StartRound(f.ctx, f.beleidA, "", 2025)
		wantCode(t, err, errs.Conflict)
		if got := fieldsOf(err); !slices.Equal(got, []string{"year:kader.round.exists"}) {
			t.Errorf("second round for the year: %v", got)
		}
		_, err = f.svc.StartRound(f.ctx, f.beleidA, "", 1990)
		if got := fieldsOf(err); !slices.Equal(got, []string{"year:kader.year.invalid"}) {
			t.Errorf("year 1990: %v", got)
		}

		// All errors at once, nothing stored.
		_, err = f.svc.UpdateItem(f.ctx, f.beleidA, r.ID, "beleid.p9.nope", 1, kader.ItemInput{Status: "sort of",
			Links: []string{"javascript:alert(1)"}, Date: "2025-13-01"})
		want := []string{"date:kader.date.invalid", "id:kader.item.unknown", "links[0]:kader.link.invalid", "status:kader.status.invalid"}
		if got := fieldsOf(err); !slices.Equal(got, want) {
			t.Errorf("bad input: %v, want %v", got, want)
		}

		// Fill in every plateau1 block: Basis op orde.
		for _, id := range plateau1() {
			it := item(r, id)
			st := kader.Complete
			if id == "opvang.p1.registratie_comensha" {
				st = kader.NotApplicable
			}
			if _, err := f.svc.UpdateItem(f.ctx, f.beleidA, r.ID, id, it.Version, kader.ItemInput{Status: st,
				Evidence: "Raadsbesluit 2025-12", Owner: "Bram Beleid", Links: []string{"https://gemeente-a.example/besluit"}}); err != nil {
				t.Fatalf("%s: %v", id, err)
			}
		}
		r, err = f.svc.Round(f.ctx, f.beleidA, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !r.BasisOpOrde || len(r.Blocking) != 0 {
			t.Errorf("basis op orde %v, blocking %v", r.BasisOpOrde, r.Blocking)
		}
		it := item(r, "beleid.p1.vastgesteld_beleid")
		if it.UpdatedBy != "Bram Beleid" || it.Version != 2 || it.Evidence != "Raadsbesluit 2025-12" {
			t.Errorf("item = %+v", it)
		}

		// Stale edit: a conflict with the current item.
		cur, err := f.svc.UpdateItem(f.ctx, f.beleidA, r.ID, it.BlockID, 1, kader.ItemInput{Status: kader.Absent})
		wantCode(t, err, errs.Conflict)
		if cur.Status != kader.Complete || cur.Version != 2 {
			t.Errorf("conflict shows %+v", cur)
		}

		// IBP checklist from the data.
		ibp := map[string]kader.CommitmentResult{}
		for _, c := range r.IBP {
			ibp[c.ID] = c
		}
		if !ibp["clear_policy"].Met || !ibp["aandachtsfunctionaris"].Met || !slices.Equal(ibp["aandachtsfunctionaris"].Names, []string{"Bram Beleid"}) {
			t.Errorf("policy/aandachtsfunctionaris: %+v", r.IBP)
		}
		if !ibp["care_coordination"].Met || ibp["shelter_aftercare"].Met || ibp["active_signalling"].Met {
			t.Errorf("coordination met, shelter and signals not yet: %+v", r.IBP)
		}
		if _, err := f.orgs.CreateOrg(f.ctx, org.System, org.OrgInput{Kind: org.Partner, Name: "Opvang De Haven", RegionID: f.noord.ID, PartnerType: "opvang"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.signals.Create(f.ctx, f.sigA, signal.Input{Department: "wmo", ObservedOn: "2026-02-27", Consultation: true,
			Forms: []string{"labour"}}); err != nil {
			t.Fatal(err)
		}
		r, _ = f.svc.Round(f.ctx, f.beleidA, r.ID)
		for _, c := range r.IBP {
			// The 2025 round counts 2025's signals: the one of 2026 is not
			// among them (TestIBPSignalsPeriod).
			if want := c.ID != "active_signalling"; c.Met != want {
				t.Errorf("%s met %v after a shelter and a 2026 signal, want %v: %+v", c.ID, c.Met, want, c)
			}
		}

		// The next round starts from this one; the comparison shows changes.
		r2, err := f.svc.StartRound(f.ctx, f.beleidA, "", 2026)
		if err != nil {
			t.Fatal(err)
		}
		if !r2.BasisOpOrde || item(r2, "beleid.p1.vastgesteld_beleid").Evidence != "Raadsbesluit 2025-12" {
			t.Errorf("second round does not start from the first")
		}
		if _, err := f.svc.UpdateItem(f.ctx, f.beleidA, r2.ID, "beleid.p1.budget_zorg", 1, kader.ItemInput{Status: kader.Partial}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UpdateItem(f.ctx, f.beleidA, r2.ID, "beleid.p2.monitoring", 1, kader.ItemInput{Status: kader.Complete}); err != nil {
			t.Fatal(err)
		}
		cmp, err := f.svc.Compare(f.ctx, f.beleidA, r2.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cmp.From.Year != 2025 || cmp.To.Year != 2026 || len(cmp.Changes) != 2 || cmp.To.BasisOpOrde {
			t.Errorf("comparison = %+v", cmp)
		}
		for _, c := range cmp.Changes {
			if (c.BlockID == "beleid.p2.monitoring") != c.Better {
				t.Errorf("change %+v", c)
			}
		}
		list, err := f.svc.Rounds(f.ctx, f.beleidA, "")
		if err != nil || len(list) != 2 || list[0].Year != 2026 || list[1].Overall == nil {
			t.Errorf("rounds = %+v, %v", list, err)
		}
	})
}

func TestRoundAccess(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		r, err := f.svc.StartRound(f.ctx, f.beleidA, "", 2026)
		if err != nil {
			t.Fatal(err)
		}
		for name, who := range map[string]policy.Subject{"other municipality": f.beleidB, "analist": f.analist,
			"coordinator": f.coord, "signaleerder": f.sigA, "other region": f.beleidC} {
			_, err := f.svc.Round(f.ctx, who, r.ID)
			wantCode(t, err, errs.NotFound)
			_, err = f.svc.UpdateItem(f.ctx, who, r.ID, "beleid.p1.budget_zorg", 1, kader.ItemInput{Status: kader.Complete})
			wantCode(t, err, errs.NotFound)
			_, err = f.svc.StartRound(f.ctx, who, f.gemA.ID, 2025)
			if c := errs.CodeOf(err); c != errs.NotFound && c != errs.Forbidden {
				t.Errorf("%s starts a round for A: %v", name, err)
			}
		}
	})
}

func TestRegionView(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for _, who := range []policy.Subject{f.beleidA, f.beleidB, f.beleidC} {
			if _, err := f.svc.StartRound(f.ctx, who, "", 2026); err != nil {
				t.Fatal(err)
			}
		}
		rv, err := f.svc.RegionView(f.ctx, f.analist, "", 2026)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range rv.Rows {
			names = append(names, r.MunicipalityName)
			if !r.HasRound || len(r.Themes) != 5 || r.Overall == nil || r.BasisOpOrde {
				t.Errorf("row %+v", r)
			}
		}
		if !slices.Equal(names, []string{"Gemeente A", "Gemeente B"}) {
			t.Errorf("region view of Noord shows %v", names)
		}
		if rv, err := f.svc.RegionView(f.ctx, f.coord, f.noord.ID, 2025); err != nil || rv.Rows[0].HasRound {
			t.Errorf("coordinator, a year without rounds: %+v %v", rv, err)
		}
		_, err = f.svc.RegionView(f.ctx, f.analistZuid, f.noord.ID, 2026)
		wantCode(t, err, errs.Forbidden)
		_, err = f.svc.RegionView(f.ctx, f.beleidA, f.noord.ID, 2026)
		wantCode(t, err, errs.Forbidden)
	})
}

func TestActions(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		r, err := f.svc.StartRound(f.ctx, f.beleidA, "", 2026)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.CreateAction(f.ctx, f.beleidA, "", kader.ActionInput{BlockID: "nope", Deadline: "morgen", Status: "whenever"})
		want := []string{"blockId:kader.item.unknown", "deadline:kader.date.invalid", "status:kader.action.status.invalid", "title:kader.action.title.required"}
		if got := fieldsOf(err); !slices.Equal(got, want) {
			t.Errorf("bad action: %v", got)
		}
		a, err := f.svc.CreateAction(f.ctx, f.beleidA, "", kader.ActionInput{AssessmentID: r.ID, BlockID: "beleid.p1.vastgesteld_beleid",
			Title: "Beleidsnota mensenhandel naar de raad", Owner: "Bram Beleid", Deadline: "2026-04-01"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != kader.Planned || a.Overdue {
			t.Errorf("new action %+v", a)
		}
		f.clk.Advance(60 * 24 * time.Hour) // past the deadline
		over, err := f.svc.OverdueActions(f.ctx, f.beleidA)
		if err != nil || len(over) != 1 || !over[0].Overdue {
			t.Fatalf("overdue = %+v, %v", over, err)
		}
		a, err = f.svc.AddNote(f.ctx, f.beleidA, a.ID, "Concept besproken met de wethouder.")
		if err != nil || len(a.Notes) != 1 || a.Notes[0].AuthorName != "Bram Beleid" {
			t.Fatalf("note: %+v %v", a, err)
		}
		in := kader.ActionInput{AssessmentID: r.ID, BlockID: a.BlockID, Title: a.Title, Owner: a.Owner, Deadline: a.Deadline, Status: kader.Done}
		done, err := f.svc.UpdateAction(f.ctx, f.beleidA, a.ID, a.Version, in)
		if err != nil || done.Status != kader.Done || done.Overdue {
			t.Fatalf("done: %+v %v", done, err)
		}
		cur, err := f.svc.UpdateAction(f.ctx, f.beleidA, a.ID, a.Version, in)
		wantCode(t, err, errs.Conflict)
		if cur.Version != done.Version {
			t.Errorf("conflict shows version %d, want %d", cur.Version, done.Version)
		}
		if over, _ := f.svc.OverdueActions(f.ctx, f.beleidA); len(over) != 0 {
			t.Errorf("a done action is not overdue: %+v", over)
		}
		_, err = f.svc.Action(f.ctx, f.beleidB, a.ID)
		wantCode(t, err, errs.NotFound)
		_, err = f.svc.AddNote(f.ctx, f.beleidB, a.ID, "x")
		wantCode(t, err, errs.NotFound)
		list, err := f.svc.Actions(f.ctx, f.beleidA, "", kader.ActionFilter{AssessmentID: r.ID})
		if err != nil || len(list) != 1 {
			t.Errorf("actions of the round: %+v %v", list, err)
		}
	})
}

func TestChangesAreLogged(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		r, err := f.svc.StartRound(f.ctx, f.beleidA, "", 2026)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UpdateItem(f.ctx, f.beleidA, r.ID, "beleid.p1.budget_zorg", 1, kader.ItemInput{Status: kader.Complete, Owner: "Bram"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateAction(f.ctx, f.beleidA, "", kader.ActionInput{Title: "Training frontlinie"}); err != nil {
			t.Fatal(err)
		}
		var got []string
		err = f.db.Tx(f.ctx, func(tx *store.Tx) error {
			recs, _, err := audit.List(f.ctx, tx, audit.Filter{Limit: 100})
			for _, r := range recs {
				if r.ActivityID == audit.ActivityBeleid {
					got = append(got, r.Action)
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if want := []string{"kader.action.create", "kader.item.update", "kader.round.create"}; !slices.Equal(got, want) {
			t.Errorf("logged %v, want %v", got, want)
		}
	})
}

// TestIBPSignalsPeriod: this year's round counts the signals of the last
// twelve months; an earlier year's round those of its calendar year, so it
// keeps telling what it told.
func TestIBPSignalsPeriod(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		if _, err := f.signals.Create(f.ctx, f.sigA, signal.Input{Department: "wmo", ObservedOn: "2026-02-27", Consultation: true,
			Forms: []string{"labour"}}); err != nil {
			t.Fatal(err)
		}
		count := func(year int) kader.CommitmentResult {
			t.Helper()
			r, err := f.svc.StartRound(f.ctx, f.beleidA, "", year)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range r.IBP {
				if c.Check == content.CheckSignals {
					return c
				}
			}
			t.Fatal("no signals commitment")
			return kader.CommitmentResult{}
		}
		if c := count(2025); c.Met || c.Count != 0 || c.From != "2025-01-01" || c.To != "2025-12-31" {
			t.Errorf("the 2025 round: %+v", c)
		}
		if c := count(2026); !c.Met || c.Count != 1 || c.From != "2025-03-02" || c.To != "2026-03-02" {
			t.Errorf("the 2026 round: %+v", c)
		}
	})
}
