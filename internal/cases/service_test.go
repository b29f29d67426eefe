package cases_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
)

func TestCreateFromSignal(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.signal(t)
		c, err := f.svc.Create(f.ctx, f.coord, cases.Input{SignalIDs: []string{s.ID}, Client: clientInput()})
		if err != nil {
			t.Fatal(err)
		}
		if c.Reference != "CASE-2026-000001" || c.Phase != cases.PhaseRegistration || c.RegionID != f.noord.ID {
			t.Errorf("case = %s %s %s", c.Reference, c.Phase, c.RegionID)
		}
		if len(c.Forms) != 1 || c.Forms[0] != "criminal" || !c.NonPunishment || !c.NonPunishmentSuggested {
			t.Errorf("forms %v from the signal, non-punishment %v suggested %v", c.Forms, c.NonPunishment, c.NonPunishmentSuggested)
		}
		if len(c.Signals) != 1 || c.Signals[0] != (cases.SignalRef{ID: s.ID, Reference: s.Reference}) {
			t.Errorf("signals = %+v, want %s", c.Signals, s.Reference)
		}
		if v, _, err := f.svc.View(f.ctx, f.coord, c.ID, 5); err != nil || len(v.Signals) != 1 || v.Signals[0].Reference != s.Reference {
			t.Errorf("the case page's signals = %+v, %v", v.Signals, err)
		}
		got, err := f.signals.Get(f.ctx, f.sig, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != signal.StatusConverted || len(got.History) != 3 {
			t.Errorf("signal status %s with %d history entries, want converted through in_progress", got.Status, len(got.History))
		}
		read, err := f.svc.Get(f.ctx, f.coord, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if read.Client.Name != "Mirela Popescu-Vandersteen" || read.Client.BSN != "111222333" || len(read.Client.Languages) != 2 {
			t.Errorf("client = %+v", read.Client)
		}
		for _, who := range []struct {
			name string
			code errs.Code
			err  error
		}{
			{"reporter", errs.NotFound, get(f, f.sig, c.ID)},
			{"other region", errs.NotFound, get(f, f.coordZuid, c.ID)},
			{"partner", errs.NotFound, get(f, f.partnerUser, c.ID)},
			{"beheerder", errs.NotFound, get(f, f.beheerder, c.ID)},
			{"national coordinator", errs.NotFound, get(f, f.coordNational, c.ID)},
			{"unassigned colleague", errs.Forbidden, get(f, f.coord2, c.ID)},
		} {
			if got := errs.CodeOf(who.err); got != who.code {
				t.Errorf("%s: %v, want %s", who.name, who.err, who.code)
			}
		}
		if _, err := f.svc.BreakGlass(f.ctx, f.coord2, c.ID, "Collega ziek, cliënt belt met spoed"); err != nil {
			t.Fatal(err)
		}
		if err := get(f, f.coord2, c.ID); err != nil {
			t.Errorf("after breaking the glass: %v", err)
		}
		page, err := f.svc.Events(f.ctx, f.coord, c.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 2 || page.Items[0].Kind != cases.KindBreakGlass || page.Items[0].Body == "" {
			t.Errorf("timeline = %+v", page.Items)
		}
	})
}

func get(f *fixture, actor policy.Subject, id string) error {
	_, err := f.svc.Get(f.ctx, actor, id)
	return err
}

func ptr[T any](v T) *T { return &v }

// TestCreateDirect: a coordinator opens a case without a signal; the
// non-punishment flag follows the forms unless given.
func TestCreateDirect(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		in := cases.Input{Client: clientInput(), Forms: []string{"labour", " labour "}}
		in.Client.BSN = "111 222 333"
		in.Client.Nationality = " ro "
		in.Client.Languages = []string{"RO", "ro", " en", ""}
		c, err := f.svc.Create(f.ctx, f.coord, in)
		if err != nil {
			t.Fatal(err)
		}
		if c.Reference != "CASE-2026-000001" || c.Phase != cases.PhaseRegistration || c.Version != 1 ||
			c.RegionID != f.noord.ID || c.CreatedBy != f.coord.UserID || !c.CreatedAt.Equal(f.db.Now()) {
			t.Errorf("case = %+v", c)
		}
		if !slices.Equal(c.Forms, []string{"labour"}) || c.NonPunishment || c.NonPunishmentSuggested {
			t.Errorf("forms %v, non-punishment %v suggested %v", c.Forms, c.NonPunishment, c.NonPunishmentSuggested)
		}
		if len(c.SignalIDs) != 0 || c.SignalIDs == nil || len(c.Coordinators) != 1 || c.Coordinators[0].UserID != f.coord.UserID {
			t.Errorf("signals %v, coordinators %+v", c.SignalIDs, c.Coordinators)
		}
		if c.Aangifte != cases.Unknown || c.Cooperation != cases.Unknown || c.Reflection != nil {
			t.Errorf("aangifte %q cooperation %q reflection %v", c.Aangifte, c.Cooperation, c.Reflection)
		}
		read, err := f.svc.Get(f.ctx, f.coord, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if read.Client.BSN != "111222333" || read.Client.Nationality != "RO" || !slices.Equal(read.Client.Languages, []string{"ro", "en"}) {
			t.Errorf("normalised client = %+v", read.Client)
		}
		if read.Coordinators[0].Name == "" || read.Reference != c.Reference {
			t.Errorf("read = %+v", read)
		}
		// Criminal exploitation suggests non-punishment; an explicit false wins.
		sug := f.openAs(t, f.coord, "criminal")
		if !sug.NonPunishment || !sug.NonPunishmentSuggested || sug.Reference != "CASE-2026-000002" {
			t.Errorf("criminal: non-punishment %v suggested %v (%s)", sug.NonPunishment, sug.NonPunishmentSuggested, sug.Reference)
		}
		off, err := f.svc.Create(f.ctx, f.coord, cases.Input{Client: clientInput(), Forms: []string{"criminal"}, NonPunishment: ptr(false)})
		if err != nil {
			t.Fatal(err)
		}
		if off.NonPunishment || !off.NonPunishmentSuggested {
			t.Errorf("explicit false: non-punishment %v suggested %v", off.NonPunishment, off.NonPunishmentSuggested)
		}
		if read, _ := f.svc.Get(f.ctx, f.coord, off.ID); read.NonPunishment {
			t.Error("explicit false not stored")
		}
		on, err := f.svc.Create(f.ctx, f.coord, cases.Input{Client: clientInput(), Forms: []string{"labour"}, NonPunishment: ptr(true)})
		if err != nil || !on.NonPunishment || on.NonPunishmentSuggested {
			t.Errorf("explicit true on labour: %v %v %v", err, on.NonPunishment, on.NonPunishmentSuggested)
		}
		// A coordinator may name their own region explicitly.
		if _, err := f.svc.Create(f.ctx, f.coord, cases.Input{RegionID: f.noord.ID, Client: cases.Client{Name: "X"}}); err != nil {
			t.Errorf("own region named: %v", err)
		}
		page, err := f.svc.Events(f.ctx, f.coord, c.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 || page.Items[0].Kind != cases.KindCreated || page.Items[0].Detail["signals"] != "0" ||
			page.Items[0].AuthorID != f.coord.UserID || page.Items[0].AuthorName == "" || page.Items[0].Seq != 1 {
			t.Errorf("timeline = %+v", page.Items)
		}
	})
}

// TestCreateFromSeveralSignals: every signal becomes converted (through
// in_progress when new) and links to the case; the case takes the signals'
// forms when none are given, and the given forms when they are.
func TestCreateFromSeveralSignals(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		a := f.signal(t) // criminal
		in := signalInput()
		in.Forms = []string{"labour", "sexual"}
		b, err := f.signals.Create(f.ctx, f.sig, in)
		if err != nil {
			t.Fatal(err)
		}
		// One already in progress: converted in one step.
		in.MunicipalityID = f.assen.ID
		cs, err := f.signals.Create(f.ctx, f.coord, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.signals.Transition(f.ctx, f.coord, cs.ID, cs.Version, signal.TransitionInput{To: signal.StatusInProgress}); err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.Create(f.ctx, f.coord, cases.Input{SignalIDs: []string{a.ID, b.ID, " " + cs.ID + " ", a.ID}, Client: clientInput()})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.Forms, []string{"criminal", "labour", "sexual"}) || !c.NonPunishment || !c.NonPunishmentSuggested {
			t.Errorf("forms %v non-punishment %v", c.Forms, c.NonPunishment)
		}
		want := []string{a.ID, b.ID, cs.ID}
		slices.Sort(want)
		read, err := f.svc.Get(f.ctx, f.coord, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(read.SignalIDs, want) || f.count(t, "case_signals", "case_id = ?", c.ID) != 3 {
			t.Errorf("signals %v, want %v", read.SignalIDs, want)
		}
		for _, s := range []signal.Signal{a, b, cs} {
			got, err := f.signals.Get(f.ctx, f.coord, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != signal.StatusConverted {
				t.Errorf("signal %s is %s", s.Reference, got.Status)
			}
			last := got.History[len(got.History)-1]
			if last.From != signal.StatusInProgress || last.To != signal.StatusConverted || last.ActorID != f.coord.UserID {
				t.Errorf("signal %s last step %s→%s by %s", s.Reference, last.From, last.To, last.ActorID)
			}
			var caseID, ref string
			if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
				var err error
				caseID, ref, err = signal.CaseOf(f.ctx, tx, s.ID)
				return err
			}); err != nil || caseID != c.ID || ref != c.Reference {
				t.Errorf("CaseOf(%s) = %s %s %v", s.Reference, caseID, ref, err)
			}
		}
		page, err := f.svc.Events(f.ctx, f.coord, c.ID, 0, 10)
		if err != nil || len(page.Items) != 1 || page.Items[0].Detail["signals"] != "3" {
			t.Errorf("created event = %+v, %v", page.Items, err)
		}
		// Given forms win over the signals'.
		d := f.signal(t)
		c2, err := f.svc.Create(f.ctx, f.coord, cases.Input{SignalIDs: []string{d.ID}, Forms: []string{"labour"}, Client: clientInput()})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c2.Forms, []string{"labour"}) || c2.NonPunishment {
			t.Errorf("given forms: %v non-punishment %v", c2.Forms, c2.NonPunishment)
		}
	})
}

// TestCreateValidation: every problem is reported at once and nothing is
// stored — no case row, no signal changed, no log record.
func TestCreateValidation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		taken := f.signal(t)
		f.open(t) // converts a fresh signal
		if _, err := f.svc.Create(f.ctx, f.coord, cases.Input{SignalIDs: []string{taken.ID}}); err != nil {
			t.Fatal(err)
		}
		closed := f.signal(t)
		if _, err := f.signals.Transition(f.ctx, f.coord, closed.ID, 1, signal.TransitionInput{To: signal.StatusInProgress}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.signals.Transition(f.ctx, f.coord, closed.ID, 2, signal.TransitionInput{To: signal.StatusClosed, Reason: "duplicate"}); err != nil {
			t.Fatal(err)
		}
		zin := signalInput()
		zin.MunicipalityID = f.maastricht.ID
		zuid, err := f.signals.Create(f.ctx, f.coordZuid, zin)
		if err != nil {
			t.Fatal(err)
		}
		fresh := f.signal(t)

		before := f.snapshot(t)
		statuses := func() string {
			var out []string
			for _, st := range signal.Statuses {
				out = append(out, fmt.Sprintf("%s=%d", st, f.count(t, "signals", "status = ?", string(st))))
			}
			return strings.Join(out, " ")
		}
		sigBefore := statuses()
		fail := func(name string, actor policy.Subject, in cases.Input, code errs.Code, want ...string) {
			t.Helper()
			_, err := f.svc.Create(f.ctx, actor, in)
			if errs.CodeOf(err) != code {
				t.Errorf("%s: %v, want %s", name, err, code)
				return
			}
			if want != nil {
				slices.Sort(want)
				if got := fields(err); !slices.Equal(got, want) {
					t.Errorf("%s: fields\n%v\nwant\n%v", name, got, want)
				}
			}
			f.unchanged(t, before, name)
			if got := statuses(); got != sigBefore {
				t.Errorf("%s: signal statuses %s, were %s", name, got, sigBefore)
			}
		}

		bad := clientInput()
		bad.BSN = "123456789"
		bad.BirthDate = "2027-01-01"
		bad.Nationality = "Roemenië"
		bad.CountryOfOrigin = "R0"
		bad.Languages = []string{"ro", "roemeens"}
		bad.Gender = "vrouw"
		bad.Name = strings.Repeat("n", cases.MaxName+1)
		bad.Contact = "\xff"
		fail("everything wrong", f.coord, cases.Input{
			RegionID:  f.groningen.ID, // a municipality, not a region
			Client:    bad,
			Forms:     []string{"criminal", "nope"},
			SignalIDs: []string{fresh.ID, zuid.ID, taken.ID, closed.ID, "no-such-signal", ""},
		}, errs.Invalid,
			"regionId:"+cases.KeyRegionInvalid,
			"client.name:"+cases.KeyNameTooLong,
			"client.birthDate:"+cases.KeyDateFuture,
			"client.bsn:"+cases.KeyBSNInvalid,
			"client.nationality:"+cases.KeyNationalityInvalid,
			"client.countryOfOrigin:"+cases.KeyNationalityInvalid,
			"client.languages:"+cases.KeyLanguageInvalid,
			"client.gender:"+cases.KeyGenderInvalid,
			"client.contact:"+cases.KeyTextUTF8,
			"forms:"+cases.KeyFormUnknown,
			"signalIds[1]:"+signal.KeyConvertHidden,
			"signalIds[2]:"+signal.KeyConvertFinal,
			"signalIds[3]:"+signal.KeyConvertFinal,
			"signalIds[4]:"+signal.KeyConvertHidden,
			"signalIds[5]:"+signal.KeyConvertHidden,
		)
		bad2 := clientInput()
		bad2.BirthDate = "1999-02-30"
		bad2.BSN = "000000000"
		fail("bad date, zero BSN, hidden signal of another region, in the own region", f.coord, cases.Input{Client: bad2, SignalIDs: []string{zuid.ID}},
			errs.Invalid, "client.birthDate:"+cases.KeyDateInvalid, "client.bsn:"+cases.KeyBSNInvalid, "signalIds[0]:"+signal.KeyConvertHidden)

		many := cases.Input{Client: clientInput()}
		for i := 0; i <= cases.MaxSignals; i++ {
			many.SignalIDs = append(many.SignalIDs, fresh.ID)
		}
		for i := 0; i <= cases.MaxForms; i++ {
			many.Forms = append(many.Forms, "criminal")
		}
		for i := 0; i <= cases.MaxLanguage; i++ {
			many.Client.Languages = append(many.Client.Languages, fmt.Sprintf("l%c", 'a'+i))
		}
		fail("too many", f.coord, many, errs.Invalid,
			"signalIds:"+cases.KeySignalsTooMany, "forms:"+cases.KeyFormsTooMany, "client.languages:"+cases.KeyLanguagesTooMany)

		// Roles that may not open a case: forbidden, whatever the input.
		for _, who := range []struct {
			name string
			s    policy.Subject
		}{
			{"signaleerder", f.sig}, {"partner", f.partnerUser}, {"beheerder", f.beheerder}, {"analist", f.analist},
			{"beleidsmedewerker", f.beleid}, {"privacyfunctionaris", f.privacy}, {"national coordinator", f.coordNational},
		} {
			fail(who.name, who.s, cases.Input{SignalIDs: []string{fresh.ID}, Client: clientInput()}, errs.Forbidden)
			fail(who.name+" with a region that is none", who.s, cases.Input{RegionID: "nope", Client: bad}, errs.Forbidden)
			fail(who.name+" in Noord", who.s, cases.Input{RegionID: f.noord.ID, Client: clientInput()}, errs.Forbidden)
		}
		fail("coordinator of another region", f.coordZuid, cases.Input{RegionID: f.noord.ID, SignalIDs: []string{fresh.ID}}, errs.Forbidden)
		fail("anonymous", policy.Subject{}, cases.Input{Client: clientInput()}, errs.Unauthenticated)

		// The fresh signal is still usable.
		c, err := f.svc.Create(f.ctx, f.coord, cases.Input{SignalIDs: []string{fresh.ID}, Client: clientInput()})
		if err != nil {
			t.Fatal(err)
		}
		if c.Reference != "CASE-2026-000003" {
			t.Errorf("reference after failures = %s, want the next number", c.Reference)
		}
	})
}

// op is one operation of the access matrix on a fresh case.
type op struct {
	name string
	do   func(f *fixture, a policy.Subject, c cases.Case) error
}

var ops = []op{
	{"Get", func(f *fixture, a policy.Subject, c cases.Case) error {
		_, err := f.svc.Get(f.ctx, a, c.ID)
		return err
	}},
	{"View", func(f *fixture, a policy.Subject, c cases.Case) error {
		_, _, err := f.svc.View(f.ctx, a, c.ID, 10)
		return err
	}},
	{"Events", func(f *fixture, a policy.Subject, c cases.Case) error {
		_, err := f.svc.Events(f.ctx, a, c.ID, 0, 10)
		return err
	}},
	{"Update", func(f *fixture, a policy.Subject, c cases.Case) error {
		_, err := f.svc.Update(f.ctx, a, c.ID, c.Version, cases.Patch{Cooperation: ptr(cases.Yes)})
		return err
	}},
	{"Transition", func(f *fixture, a policy.Subject, c cases.Case) error {
		_, err := f.svc.Transition(f.ctx, a, c.ID, c.Version, cases.TransitionInput{To: cases.PhaseIntake})
		return err
	}},
	{"SetReflection", func(f *fixture, a policy.Subject, c cases.Case) error {
		_, err := f.svc.SetReflection(f.ctx, a, c.ID, c.Version, "2026-03-01", false)
		return err
	}},
	{"AddEvent", func(f *fixture, a policy.Subject, c cases.Case) error {
		_, err := f.svc.AddEvent(f.ctx, a, c.ID, cases.EventInput{Kind: cases.KindNote, Body: "Gesprek gehad"})
		return err
	}},
	{"Assign", func(f *fixture, a policy.Subject, c cases.Case) error {
		_, err := f.svc.Assign(f.ctx, a, c.ID, c.Version, []string{f.coord.UserID, f.coord2.UserID})
		return err
	}},
	{"BreakGlass", func(f *fixture, a policy.Subject, c cases.Case) error {
		_, err := f.svc.BreakGlass(f.ctx, a, c.ID, "Cliënt belt, collega afwezig")
		return err
	}},
	{"See", func(f *fixture, a policy.Subject, c cases.Case) error {
		_, err := f.svc.See(f.ctx, a, c.ID)
		return err
	}},
}

// TestAccessMatrix: every role of the fixture against every operation on a
// case of Noord assigned to coord. The assigned coordinator may do
// everything but break the glass; a colleague of the region learns the case
// exists (See) and may break the glass, nothing else; to everyone else the
// case does not exist.
func TestAccessMatrix(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		const ok, nf, fb, ua = errs.Code(""), errs.NotFound, errs.Forbidden, errs.Unauthenticated
		all := func(c errs.Code) []errs.Code {
			return []errs.Code{c, c, c, c, c, c, c, c, c, c}
		}
		//                           Get View Events Update Transition SetReflection AddEvent Assign BreakGlass See
		rows := []struct {
			name string
			s    policy.Subject
			want []errs.Code
		}{
			{"coord (assigned)", f.coord, []errs.Code{ok, ok, ok, ok, ok, ok, ok, ok, fb, ok}},
			{"coord2 (same region)", f.coord2, []errs.Code{fb, fb, fb, fb, fb, fb, fb, fb, ok, ok}},
			{"coordZuid", f.coordZuid, all(nf)},
			{"coordNational", f.coordNational, all(nf)},
			{"signaleerder", f.sig, all(nf)},
			{"beheerder", f.beheerder, all(nf)},
			{"beleidsmedewerker", f.beleid, all(nf)},
			{"partner", f.partnerUser, all(nf)},
			{"analist", f.analist, all(nf)},
			{"privacyfunctionaris", f.privacy, all(nf)},
			{"anonymous", policy.Subject{}, all(ua)},
		}
		for _, row := range rows {
			for i, o := range ops {
				c := f.openAs(t, f.coord, "labour")
				before := f.snapshot(t)
				err := o.do(f, row.s, c)
				if got := errs.CodeOf(err); err == nil && row.want[i] != ok || err != nil && got != row.want[i] {
					t.Errorf("%s × %s: %v, want %q", row.name, o.name, err, row.want[i])
				}
				if row.want[i] != ok {
					f.unchanged(t, before, row.name+" × "+o.name)
				}
			}
		}
		// Lists: the coordinators only.
		for _, row := range rows {
			_, err := f.svc.List(f.ctx, row.s, cases.Filter{})
			want := fb
			switch row.name {
			case "coord (assigned)", "coord2 (same region)", "coordZuid", "coordNational":
				want = ok
			case "anonymous":
				want = ua
			}
			if got := errs.CodeOf(err); err == nil && want != ok || err != nil && got != want {
				t.Errorf("%s × List: %v, want %q", row.name, err, want)
			}
		}
		// A case that does not exist: not found for everyone.
		for _, o := range ops {
			if err := o.do(f, f.coord, cases.Case{ID: store.NewID(), Version: 1}); errs.CodeOf(err) != nf {
				t.Errorf("missing case × %s: %v", o.name, err)
			}
		}
	})
}

// TestHandOver: after a hand-over the old coordinator loses access; the new
// one has it; the timeline names who was added and removed.
func TestHandOver(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.openAs(t, f.coord, "labour")
		for _, tc := range []struct {
			name  string
			users []string
			want  []string
		}{
			{"nobody", []string{" ", ""}, []string{"coordinators:" + cases.KeyCoordinatorsMissing}},
			{"a signaleerder", []string{f.sig.UserID}, []string{"coordinators[0]:" + cases.KeyCoordinatorInvalid}},
			{"another region's", []string{f.coord2.UserID, f.coordZuid.UserID, f.coordNational.UserID},
				[]string{"coordinators[1]:" + cases.KeyCoordinatorInvalid, "coordinators[2]:" + cases.KeyCoordinatorInvalid}},
		} {
			before := f.snapshot(t)
			_, err := f.svc.Assign(f.ctx, f.coord, c.ID, c.Version, tc.users)
			if got := fields(err); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
			f.unchanged(t, before, tc.name)
		}
		// No change: no new version, but a logged read.
		same, err := f.svc.Assign(f.ctx, f.coord, c.ID, c.Version, []string{f.coord.UserID})
		if err != nil || same.Version != c.Version {
			t.Errorf("unchanged assignment: version %d, %v", same.Version, err)
		}
		got, err := f.svc.Assign(f.ctx, f.coord, c.ID, c.Version, []string{f.coord2.UserID})
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != c.Version+1 || len(got.Coordinators) != 1 || got.Coordinators[0].UserID != f.coord2.UserID {
			t.Errorf("after hand-over: version %d coordinators %+v", got.Version, got.Coordinators)
		}
		wantCode(t, get(f, f.coord, c.ID), errs.Forbidden)
		if _, err := f.svc.Update(f.ctx, f.coord, c.ID, got.Version, cases.Patch{Cooperation: ptr(cases.No)}); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("old coordinator writes: %v", err)
		}
		if o, err := f.svc.See(f.ctx, f.coord, c.ID); err != nil || o.Access || o.Coordinators[0].UserID != f.coord2.UserID {
			t.Errorf("old coordinator's outline: %+v %v", o, err)
		}
		page, err := f.svc.Events(f.ctx, f.coord2, c.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		ev := page.Items[0]
		if ev.Kind != cases.KindAssignment || ev.Detail["added"] != f.coord2.UserID || ev.Detail["removed"] != f.coord.UserID || ev.AuthorID != f.coord.UserID {
			t.Errorf("assignment event = %+v", ev)
		}
		// The list follows.
		mine, err := f.svc.List(f.ctx, f.coord, cases.Filter{})
		if err != nil || len(mine.Items) != 0 {
			t.Errorf("old coordinator's list: %+v %v", mine.Items, err)
		}
		mine, err = f.svc.List(f.ctx, f.coord2, cases.Filter{})
		if err != nil || len(mine.Items) != 1 || !mine.Items[0].Assigned {
			t.Errorf("new coordinator's list: %+v %v", mine.Items, err)
		}
		// Colleagues: Noord's two coordinators, not Zuid's or the national one.
		cols, err := f.svc.Colleagues(f.ctx, f.coord)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, co := range cols {
			ids = append(ids, co.UserID)
		}
		slices.Sort(ids)
		want := []string{f.coord.UserID, f.coord2.UserID}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("colleagues = %v, want %v", ids, want)
		}
		if cols, err := f.svc.Colleagues(f.ctx, f.coordNational); err != nil || cols == nil || len(cols) != 0 {
			t.Errorf("national colleagues = %v %v", cols, err)
		}
		if _, err := f.svc.Colleagues(f.ctx, f.sig); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("signaleerder's colleagues: %v", err)
		}
	})
}

// TestBreakGlass: a colleague states a reason and gets access for
// BreakGlassFor; the assigned coordinator sees who and why on the case and
// the timeline; when the grant expires the access is gone.
func TestBreakGlass(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.openAs(t, f.coord, "labour")
		for _, reason := range []string{"", "   ", strings.Repeat("r", cases.MaxReason+1)} {
			before := f.snapshot(t)
			if _, err := f.svc.BreakGlass(f.ctx, f.coord2, c.ID, reason); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("reason %d characters: %v", len(reason), err)
			}
			f.unchanged(t, before, "break the glass without a reason")
		}
		start := f.db.Now()
		got, err := f.svc.BreakGlass(f.ctx, f.coord2, c.ID, " Cliënt belt met spoed, collega ziek ")
		if err != nil {
			t.Fatal(err)
		}
		if got.Client.Name != clientInput().Name || len(got.Grants) != 1 {
			t.Fatalf("the case after breaking the glass: %+v", got)
		}
		// The assigned coordinator sees the grant: who, why, until when.
		read, err := f.svc.Get(f.ctx, f.coord, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(read.Grants) != 1 {
			t.Fatalf("grants = %+v", read.Grants)
		}
		g := read.Grants[0]
		if g.UserID != f.coord2.UserID || g.Name == "" || g.Reason != "Cliënt belt met spoed, collega ziek" ||
			!g.At.Equal(start) || !g.Until.Equal(start.Add(cases.BreakGlassFor)) {
			t.Errorf("grant = %+v", g)
		}
		page, err := f.svc.Events(f.ctx, f.coord, c.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		ev := page.Items[0]
		if ev.Kind != cases.KindBreakGlass || ev.AuthorID != f.coord2.UserID || ev.Body != "Cliënt belt met spoed, collega ziek" || len(ev.Detail) != 0 {
			t.Errorf("break-the-glass event = %+v", ev)
		}
		// With the grant the colleague reads and writes; a second break is refused.
		if _, err := f.svc.AddEvent(f.ctx, f.coord2, c.ID, cases.EventInput{Kind: cases.KindNote, Body: "Teruggebeld"}); err != nil {
			t.Errorf("note with a grant: %v", err)
		}
		_, err = f.svc.BreakGlass(f.ctx, f.coord2, c.ID, "Nog een keer")
		wantCode(t, err, errs.Forbidden)
		if o, err := f.svc.See(f.ctx, f.coord2, c.ID); err != nil || !o.Access {
			t.Errorf("outline with a grant: %+v %v", o, err)
		}
		// Just before the end it holds; at the end it is gone.
		f.clk.Advance(cases.BreakGlassFor - 1e9)
		if err := get(f, f.coord2, c.ID); err != nil {
			t.Errorf("a second before expiry: %v", err)
		}
		f.clk.Advance(1e9)
		wantCode(t, get(f, f.coord2, c.ID), errs.Forbidden)
		if read, err := f.svc.Get(f.ctx, f.coord, c.ID); err != nil || len(read.Grants) != 0 {
			t.Errorf("after expiry grants = %+v %v", read.Grants, err)
		}
		// The break stays on the timeline and in the log.
		recs := f.caseLog(t, c.ID)
		var bg int
		for _, r := range recs {
			if r.Action == "case.break_glass" && r.ActorID == f.coord2.UserID && r.Detail == "" {
				bg++
			}
		}
		if bg != 1 {
			t.Errorf("break_glass records = %d in %v", bg, actions(recs))
		}
		// Breaking again after expiry is allowed.
		if _, err := f.svc.BreakGlass(f.ctx, f.coord2, c.ID, "Opnieuw nodig"); err != nil {
			t.Errorf("second break after expiry: %v", err)
		}
	})
}

// TestProcessingLog: every read and write of a case writes a case.* record
// of the zorgcoördinatie activity about the client (subject: the case id),
// in the same transaction; a refused or failed call writes none; lists,
// the outline and the colleagues are not logged.
func TestProcessingLog(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		recs := f.caseLog(t, c.ID)
		if !slices.Equal(actions(recs), []string{"case.create"}) || recs[0].ActorID != f.coord.UserID ||
			recs[0].ActorOrgID != f.coord.OrgID || !recs[0].OccurredAt.Equal(c.CreatedAt) || recs[0].Outcome != "ok" {
			t.Fatalf("create records = %+v", recs)
		}
		n := len(recs)
		// step runs fn and expects these new records of the case.
		step := func(name string, fn func() error, want ...string) {
			t.Helper()
			if err := fn(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			recs := f.caseLog(t, c.ID)
			if got := actions(recs[n:]); !slices.Equal(got, want) {
				t.Errorf("%s: records %v, want %v", name, got, want)
			}
			n = len(recs)
		}
		version := c.Version
		step("Get", func() error { return get(f, f.coord, c.ID) }, "case.read")
		step("View", func() error { _, _, err := f.svc.View(f.ctx, f.coord, c.ID, 5); return err }, "case.read")
		step("Events", func() error { _, err := f.svc.Events(f.ctx, f.coord, c.ID, 0, 5); return err }, "case.read")
		step("Update", func() error {
			got, err := f.svc.Update(f.ctx, f.coord, c.ID, version, cases.Patch{Aangifte: ptr(cases.Yes), AangifteOn: ptr("2026-02-28")})
			version = got.Version
			return err
		}, "case.update")
		step("Update unchanged", func() error {
			_, err := f.svc.Update(f.ctx, f.coord, c.ID, version, cases.Patch{Aangifte: ptr(cases.Yes)})
			return err
		}, "case.read")
		step("Transition", func() error {
			got, err := f.svc.Transition(f.ctx, f.coord, c.ID, version, cases.TransitionInput{To: cases.PhaseIntake})
			version = got.Version
			return err
		}, "case.transition")
		step("SetReflection", func() error {
			got, err := f.svc.SetReflection(f.ctx, f.coord, c.ID, version, "2026-03-01", false)
			version = got.Version
			return err
		}, "case.reflection")
		step("AddEvent", func() error {
			_, err := f.svc.AddEvent(f.ctx, f.coord, c.ID, cases.EventInput{Kind: cases.KindContact, ContactKind: "phone", Body: "Gebeld"})
			return err
		}, "case.event")
		step("Assign", func() error {
			got, err := f.svc.Assign(f.ctx, f.coord, c.ID, version, []string{f.coord.UserID, f.coord2.UserID})
			version = got.Version
			return err
		}, "case.assign")
		step("stale Update", func() error {
			_, err := f.svc.Update(f.ctx, f.coord, c.ID, version-1, cases.Patch{Cooperation: ptr(cases.No)})
			if errs.CodeOf(err) != errs.Conflict {
				return fmt.Errorf("stale update: %v", err)
			}
			return nil
		}, "case.read")
		step("invalid Transition", func() error {
			_, err := f.svc.Transition(f.ctx, f.coord, c.ID, version, cases.TransitionInput{To: cases.PhaseAftercare})
			if errs.CodeOf(err) != errs.Conflict {
				return fmt.Errorf("invalid transition: %v", err)
			}
			return nil
		}, "case.read")
		// Refused and failed calls write nothing.
		step("invalid Update", func() error {
			_, err := f.svc.Update(f.ctx, f.coord, c.ID, version, cases.Patch{Aangifte: ptr("misschien")})
			if errs.CodeOf(err) != errs.Invalid {
				return fmt.Errorf("invalid update: %v", err)
			}
			return nil
		})
		step("other region", func() error {
			if err := get(f, f.coordZuid, c.ID); errs.CodeOf(err) != errs.NotFound {
				return fmt.Errorf("other region: %v", err)
			}
			return nil
		})
		step("unassigned colleague without grant", func() error {
			if err := get(f, f.coord2, c.ID); err != nil { // coord2 is assigned now
				return err
			}
			return nil
		}, "case.read")
		// Not logged: lists, the outline, the colleagues.
		step("List", func() error {
			_, err := f.svc.List(f.ctx, f.coord, cases.Filter{Scope: cases.ScopeRegion, Query: c.Reference})
			return err
		})
		step("See", func() error { _, err := f.svc.See(f.ctx, f.coord, c.ID); return err })
		step("Colleagues", func() error { _, err := f.svc.Colleagues(f.ctx, f.coord); return err })
		// Break the glass: the grant and the read.
		other := f.openAs(t, f.coord2, "labour")
		if _, err := f.svc.BreakGlass(f.ctx, f.coord, other.ID, "Spoed"); err != nil {
			t.Fatal(err)
		}
		if got := actions(f.caseLog(t, other.ID)); !slices.Equal(got, []string{"case.create", "case.break_glass", "case.read"}) {
			t.Errorf("break the glass records = %v", got)
		}
		// The change and its record share the transaction time; no detail
		// holds a value, only field names, phases and kinds.
		for _, r := range f.caseLog(t, c.ID) {
			for _, bad := range []string{"Mirela", "111222333", "2026-02-28", "2026-03-01", "Gebeld", "1999"} {
				if strings.Contains(r.Detail, bad) {
					t.Errorf("record %s detail %q holds %q", r.Action, r.Detail, bad)
				}
			}
			if r.Action == "case.update" && r.Detail != "aangifte,aangifteOn" {
				t.Errorf("update detail = %q", r.Detail)
			}
		}
	})
}

// TestUpdate: the case's own fields, validated all at once; the timeline
// names the fields, not their values.
func TestUpdate(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.openAs(t, f.coord, "labour")
		before := f.snapshot(t)
		_, err := f.svc.Update(f.ctx, f.coord, c.ID, c.Version, cases.Patch{
			Client:           &cases.Client{BSN: "1"},
			Forms:            &[]string{"nope"},
			ResidenceApplied: ptr("2030-01-01"),
			PermitStatus:     ptr("nope"),
			Aangifte:         ptr("misschien"),
			AangifteOn:       ptr("2026-02-31"),
			Cooperation:      ptr("ja"),
			RegisteredOn:     ptr("gisteren"),
			DossierType:      ptr("nope"),
		})
		want := []string{"aangifte:" + cases.KeyAnswerInvalid, "aangifteOn:" + cases.KeyAangifteDateNoYes, "aangifteOn:" + cases.KeyDateInvalid,
			"client.bsn:" + cases.KeyBSNInvalid, "cooperation:" + cases.KeyAnswerInvalid, "dossierType:" + cases.KeyOptionUnknown,
			"forms:" + cases.KeyFormUnknown, "permitStatus:" + cases.KeyOptionUnknown, "registeredOn:" + cases.KeyDateInvalid,
			"residenceAppliedOn:" + cases.KeyDateFuture}
		slices.Sort(want)
		if got := fields(err); !slices.Equal(got, want) {
			t.Errorf("fields\n%v\nwant\n%v", got, want)
		}
		f.unchanged(t, before, "invalid update")
		// Version required; an empty patch says so.
		_, err = f.svc.Update(f.ctx, f.coord, c.ID, 0, cases.Patch{})
		if got := fields(err); !slices.Equal(got, []string{":" + cases.KeyEmptyPatch, "version:" + cases.KeyVersionRequired}) {
			t.Errorf("empty patch without version: %v", got)
		}
		f.unchanged(t, before, "empty update")

		cw := catalog.Casework
		cl := clientInput()
		cl.Name = "Ioana Marin"
		in := cases.Patch{Client: &cl, Forms: &[]string{"criminal"}, ResidenceApplied: ptr("2026-02-01"),
			PermitStatus: ptr(cw.PermitStatuses[0].ID), Aangifte: ptr(cases.Yes), AangifteOn: ptr("2026-02-20"),
			Cooperation: ptr(cases.Yes), RegisteredOn: ptr("2026-03-02"), DossierType: ptr(cw.DossierTypes[0].ID),
			NonPunishment: ptr(true)}
		f.clk.Advance(1e9)
		got, err := f.svc.Update(f.ctx, f.coord, c.ID, c.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || !got.UpdatedAt.Equal(f.db.Now()) || got.Client.Name != "Ioana Marin" || !got.NonPunishment ||
			!got.NonPunishmentSuggested || got.AangifteOn != "2026-02-20" || got.DossierType != cw.DossierTypes[0].ID {
			t.Errorf("updated = %+v", got)
		}
		read, err := f.svc.Get(f.ctx, f.coord, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if read.Client.Name != "Ioana Marin" || read.ResidenceApplied != "2026-02-01" || read.PermitStatus != cw.PermitStatuses[0].ID ||
			read.Aangifte != cases.Yes || read.AangifteOn != "2026-02-20" || read.Cooperation != cases.Yes ||
			read.RegisteredOn != "2026-03-02" || !slices.Equal(read.Forms, []string{"criminal"}) || read.Version != 2 {
			t.Errorf("read = %+v", read)
		}
		page, err := f.svc.Events(f.ctx, f.coord, c.ID, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if ev := page.Items[0]; ev.Kind != cases.KindUpdate || ev.Body != "" ||
			ev.Detail["fields"] != "aangifte,aangifteOn,client,cooperation,dossierType,forms,nonPunishment,permitStatus,registeredOn,residenceAppliedOn" {
			t.Errorf("update event = %+v", ev)
		}
		// Aangifte back to no clears its date.
		got, err = f.svc.Update(f.ctx, f.coord, c.ID, 2, cases.Patch{Aangifte: ptr(cases.No)})
		if err != nil || got.AangifteOn != "" || got.Version != 3 {
			t.Errorf("aangifte no: %q v%d %v", got.AangifteOn, got.Version, err)
		}
		// The same values again: no new version.
		got, err = f.svc.Update(f.ctx, f.coord, c.ID, 3, cases.Patch{Client: &cl, Aangifte: ptr(cases.No)})
		if err != nil || got.Version != 3 {
			t.Errorf("unchanged: v%d %v", got.Version, err)
		}
		if cl.Name != "Ioana Marin" || len(cl.Languages) != 2 {
			t.Errorf("the caller's client was changed: %+v", cl)
		}
	})
}

// inPhase returns a case of coord moved to phase p.
func (f *fixture) inPhase(t *testing.T, p cases.Phase) cases.Case {
	t.Helper()
	c := f.openAs(t, f.coord, "labour")
	path := map[cases.Phase][]cases.TransitionInput{
		cases.PhaseRegistration: nil,
		cases.PhaseIntake:       {{To: cases.PhaseIntake}},
		cases.PhaseSupport:      {{To: cases.PhaseIntake}, {To: cases.PhaseSupport}},
		cases.PhaseAftercare:    {{To: cases.PhaseIntake}, {To: cases.PhaseSupport}, {To: cases.PhaseAftercare}},
		cases.PhaseClosed:       {{To: cases.PhaseClosed, Reason: "lost_contact"}},
	}[p]
	for _, in := range path {
		var err error
		if c, err = f.svc.Transition(f.ctx, f.coord, c.ID, c.Version, in); err != nil {
			t.Fatalf("to %s: %v", in.To, err)
		}
	}
	if c.Phase != p {
		t.Fatalf("phase %s, want %s", c.Phase, p)
	}
	return c
}

// TestPhases: the whole whitelist, from every phase to every phase.
func TestPhases(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		allowed := map[[2]cases.Phase]bool{
			{cases.PhaseRegistration, cases.PhaseIntake}: true, {cases.PhaseRegistration, cases.PhaseClosed}: true,
			{cases.PhaseIntake, cases.PhaseSupport}: true, {cases.PhaseIntake, cases.PhaseClosed}: true,
			{cases.PhaseSupport, cases.PhaseAftercare}: true, {cases.PhaseSupport, cases.PhaseClosed}: true,
			{cases.PhaseAftercare, cases.PhaseClosed}: true,
			{cases.PhaseClosed, cases.PhaseIntake}:    true,
		}
		for _, from := range cases.Phases {
			var next []cases.Phase
			for _, to := range cases.Phases {
				if allowed[[2]cases.Phase{from, to}] {
					next = append(next, to)
				}
			}
			if got := cases.Next(from); !slices.Equal(got, next) {
				t.Errorf("Next(%s) = %v, want %v", from, got, next)
			}
			for _, to := range cases.Phases {
				c := f.inPhase(t, from)
				in := cases.TransitionInput{To: to}
				if to == cases.PhaseClosed {
					in.Reason = "support_completed"
				}
				f.clk.Advance(1e9)
				got, err := f.svc.Transition(f.ctx, f.coord, c.ID, c.Version, in)
				if !allowed[[2]cases.Phase{from, to}] {
					if e := errs.As(err); e == nil || e.Code != errs.Conflict || e.Key != cases.KeyTransitionInvalid {
						t.Errorf("%s → %s: %v, want %s", from, to, err, cases.KeyTransitionInvalid)
					}
					if got.ID != c.ID || got.Phase != from || got.Version != c.Version || got.Client.Name == "" {
						t.Errorf("%s → %s: current state = %s v%d", from, to, got.Phase, got.Version)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s → %s: %v", from, to, err)
					continue
				}
				if got.Phase != to || got.Version != c.Version+1 {
					t.Errorf("%s → %s: phase %s v%d", from, to, got.Phase, got.Version)
				}
				closed := f.count(t, "cases", "id = ? AND closed_at IS NOT NULL", c.ID) == 1
				switch to {
				case cases.PhaseClosed:
					if !got.ClosedAt.Equal(f.db.Now()) || got.ClosingReason != "support_completed" || !closed {
						t.Errorf("%s → closed: closedAt %v reason %q stored %v", from, got.ClosedAt, got.ClosingReason, closed)
					}
				default:
					if !got.ClosedAt.IsZero() || got.ClosingReason != "" || closed {
						t.Errorf("%s → %s: closedAt %v reason %q stored %v", from, to, got.ClosedAt, got.ClosingReason, closed)
					}
				}
				read, err := f.svc.Get(f.ctx, f.coord, c.ID)
				if err != nil || read.Phase != to || !read.ClosedAt.Equal(got.ClosedAt) || read.ClosingReason != got.ClosingReason {
					t.Errorf("%s → %s: read back %s %v %q, %v", from, to, read.Phase, read.ClosedAt, read.ClosingReason, err)
				}
				page, err := f.svc.Events(f.ctx, f.coord, c.ID, 0, 1)
				if err != nil {
					t.Fatal(err)
				}
				ev := page.Items[0]
				if ev.Kind != cases.KindPhase || ev.Detail["from"] != string(from) || ev.Detail["to"] != string(to) ||
					ev.Detail["reason"] != in.Reason {
					t.Errorf("%s → %s: event %+v", from, to, ev)
				}
			}
		}
		// Closing needs a catalogue reason; other phases take none.
		c := f.inPhase(t, cases.PhaseIntake)
		before := f.snapshot(t)
		for _, tc := range []struct {
			in   cases.TransitionInput
			want string
		}{
			{cases.TransitionInput{To: cases.PhaseClosed}, "reason:" + cases.KeyReasonRequired},
			{cases.TransitionInput{To: cases.PhaseClosed, Reason: "  "}, "reason:" + cases.KeyReasonRequired},
			{cases.TransitionInput{To: cases.PhaseClosed, Reason: "bored"}, "reason:" + cases.KeyOptionUnknown},
			{cases.TransitionInput{To: cases.PhaseSupport, Reason: "lost_contact"}, "reason:" + cases.KeyReasonNotAllowed},
			{cases.TransitionInput{To: "done"}, "to:" + cases.KeyPhaseInvalid},
			{cases.TransitionInput{To: cases.PhaseOpen}, "to:" + cases.KeyPhaseInvalid},
		} {
			_, err := f.svc.Transition(f.ctx, f.coord, c.ID, c.Version, tc.in)
			if got := fields(err); !slices.Equal(got, []string{tc.want}) {
				t.Errorf("%+v: %v, want %s", tc.in, got, tc.want)
			}
		}
		if _, err := f.svc.Transition(f.ctx, f.coord, c.ID, 0, cases.TransitionInput{To: cases.PhaseSupport}); !slices.Equal(fields(err), []string{"version:" + cases.KeyVersionRequired}) {
			t.Errorf("transition without version: %v", err)
		}
		f.unchanged(t, before, "refused transitions")
		// Close and reopen: the retention clock starts and stops.
		closed, err := f.svc.Transition(f.ctx, f.coord, c.ID, c.Version, cases.TransitionInput{To: cases.PhaseClosed, Reason: "lost_contact"})
		if err != nil || closed.ClosedAt.IsZero() || closed.ClosingReason != "lost_contact" {
			t.Fatalf("close: %+v %v", closed, err)
		}
		f.clk.Advance(24 * 3600e9)
		open, err := f.svc.Transition(f.ctx, f.coord, c.ID, closed.Version, cases.TransitionInput{To: cases.PhaseIntake})
		if err != nil || !open.ClosedAt.IsZero() || open.ClosingReason != "" || open.Phase != cases.PhaseIntake {
			t.Errorf("reopen: %+v %v", open, err)
		}
		if n := f.count(t, "cases", "id = ? AND closed_at IS NULL AND closing_reason = ''", c.ID); n != 1 {
			t.Errorf("reopened case still has its closing stored")
		}
	})
}

// TestReflection: three months minus a day, thirty days for Dublin; the
// days left and the warning follow the calendar; a future start is refused.
func TestReflection(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.openAs(t, f.coord, "labour")
		// The clock stands at 2026-03-02.
		before := f.snapshot(t)
		for _, tc := range []struct{ start, want string }{
			{"", "start:" + cases.KeyRequired},
			{"2026-03-03", "start:" + cases.KeyDateFuture},
			{"2026-02-30", "start:" + cases.KeyDateInvalid},
			{"1899-12-31", "start:" + cases.KeyDateInvalid},
			{"2-3-2026", "start:" + cases.KeyDateInvalid},
		} {
			_, err := f.svc.SetReflection(f.ctx, f.coord, c.ID, c.Version, tc.start, false)
			if got := fields(err); !slices.Equal(got, []string{tc.want}) {
				t.Errorf("start %q: %v, want %s", tc.start, got, tc.want)
			}
		}
		f.unchanged(t, before, "refused reflection periods")
		got, err := f.svc.SetReflection(f.ctx, f.coord, c.ID, c.Version, "2026-03-02", false)
		if err != nil {
			t.Fatal(err)
		}
		if r := got.Reflection; r == nil || r.Start != "2026-03-02" || r.End != "2026-06-01" || r.Dublin || r.DaysLeft != 91 || r.Warning {
			t.Errorf("three months: %+v", r)
		}
		got, err = f.svc.SetReflection(f.ctx, f.coord, c.ID, got.Version, " 2026-03-02 ", true)
		if err != nil {
			t.Fatal(err)
		}
		if r := got.Reflection; r.End != "2026-03-31" || !r.Dublin || r.DaysLeft != 29 || r.Warning {
			t.Errorf("Dublin: %+v", r)
		}
		page, err := f.svc.Events(f.ctx, f.coord, c.ID, 0, 1)
		if err != nil || page.Items[0].Kind != cases.KindReflection || page.Items[0].Detail["end"] != "2026-03-31" || page.Items[0].Detail["dublin"] != "true" {
			t.Errorf("reflection event = %+v %v", page.Items, err)
		}
		got, err = f.svc.SetReflection(f.ctx, f.coord, c.ID, got.Version, "2026-02-15", false)
		if err != nil || got.Reflection.End != "2026-05-14" {
			t.Fatalf("from the past: %+v %v", got.Reflection, err)
		}
		// Read on later days: 2026-04-29 is 15 days before the end, 04-30 is 14.
		reflection := func() *cases.Reflection {
			t.Helper()
			read, err := f.svc.Get(f.ctx, f.coord, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			return read.Reflection
		}
		f.clk.Advance(58 * 24 * 3600e9) // 2026-04-29 09:00 UTC
		if r := reflection(); r.DaysLeft != 15 || r.Warning {
			t.Errorf("15 days before the end: %+v", r)
		}
		f.clk.Advance(24 * 3600e9)
		if r := reflection(); r.DaysLeft != 14 || !r.Warning {
			t.Errorf("14 days before the end: %+v", r)
		}
		f.clk.Advance(14 * 24 * 3600e9)
		if r := reflection(); r.DaysLeft != 0 || !r.Warning {
			t.Errorf("the last day: %+v", r)
		}
		f.clk.Advance(24 * 3600e9)
		if r := reflection(); r.DaysLeft != -1 || !r.Warning {
			t.Errorf("a day over: %+v", r)
		}
		// A closed case warns no one.
		cur, _ := f.svc.Get(f.ctx, f.coord, c.ID)
		closed, err := f.svc.Transition(f.ctx, f.coord, c.ID, cur.Version, cases.TransitionInput{To: cases.PhaseClosed, Reason: "lost_contact"})
		if err != nil || closed.Reflection.Warning {
			t.Errorf("closed: %+v %v", closed.Reflection, err)
		}
	})
}

// TestTimeline: notes and contacts are appended, paged newest first.
func TestTimeline(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.openAs(t, f.coord, "labour")
		before := f.snapshot(t)
		for _, tc := range []struct {
			in   cases.EventInput
			want []string
		}{
			{cases.EventInput{Kind: "phase", Body: "x"}, []string{"kind:" + cases.KeyEventKindInvalid}},
			{cases.EventInput{Kind: cases.KindNote, Body: "  "}, []string{"body:" + cases.KeyRequired}},
			{cases.EventInput{Kind: cases.KindNote, Body: strings.Repeat("x", cases.MaxNote+1)}, []string{"body:" + cases.KeyNameTooLong}},
			{cases.EventInput{Kind: cases.KindNote, Body: "x", ContactKind: "phone"}, []string{"contactKind:" + cases.KeyReasonNotAllowed}},
			{cases.EventInput{Kind: cases.KindContact, Body: "x"}, []string{"contactKind:" + cases.KeyRequired}},
			{cases.EventInput{Kind: cases.KindContact, Body: "x", ContactKind: "pigeon"}, []string{"contactKind:" + cases.KeyOptionUnknown}},
		} {
			_, err := f.svc.AddEvent(f.ctx, f.coord, c.ID, tc.in)
			if got := fields(err); !slices.Equal(got, tc.want) {
				t.Errorf("%+v: %v, want %v", tc.in.Kind, got, tc.want)
			}
		}
		f.unchanged(t, before, "refused events")
		for i := 1; i <= 6; i++ {
			in := cases.EventInput{Kind: cases.KindNote, Body: fmt.Sprintf("Notitie %d", i)}
			if i%2 == 0 {
				in = cases.EventInput{Kind: cases.KindContact, ContactKind: "meeting", Body: fmt.Sprintf("Gesprek %d", i)}
			}
			ev, err := f.svc.AddEvent(f.ctx, f.coord, c.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Seq != i+1 || ev.AuthorName == "" || ev.AuthorID != f.coord.UserID || ev.Body != in.Body || ev.Kind != in.Kind {
				t.Errorf("event %d = %+v", i, ev)
			}
		}
		// Notes do not change the case's version: they need none.
		if read, _ := f.svc.Get(f.ctx, f.coord, c.ID); read.Version != c.Version {
			t.Errorf("version after notes = %d", read.Version)
		}
		var seqs []int
		before2 := 0
		for pages := 0; ; pages++ {
			page, err := f.svc.Events(f.ctx, f.coord, c.ID, before2, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range page.Items {
				seqs = append(seqs, ev.Seq)
				if ev.Kind == cases.KindContact && ev.Detail["contactKind"] != "meeting" {
					t.Errorf("contact detail = %v", ev.Detail)
				}
			}
			if page.Next == 0 {
				break
			}
			before2 = page.Next
			if pages > 5 {
				t.Fatal("no end of the timeline")
			}
		}
		if !slices.Equal(seqs, []int{7, 6, 5, 4, 3, 2, 1}) {
			t.Errorf("timeline pages gave %v", seqs)
		}
		_, page, err := f.svc.View(f.ctx, f.coord, c.ID, 2)
		if err != nil || len(page.Items) != 2 || page.Items[0].Seq != 7 || page.Next != 6 {
			t.Errorf("view = %+v %v", page, err)
		}
	})
}
