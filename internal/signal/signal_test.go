package signal_test

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

func TestCreateAndGet(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.create(t, f.sig, input())
		if s.Reference != "SIG-2026-000001" || s.Status != signal.StatusNew || s.Version != 1 {
			t.Fatalf("reference %q status %q version %d", s.Reference, s.Status, s.Version)
		}
		if s.MunicipalityID != f.groningen.ID || s.RegionID != f.noord.ID || s.ReporterID != f.sig.UserID {
			t.Fatalf("routing: municipality %s region %s reporter %s", s.MunicipalityID, s.RegionID, s.ReporterID)
		}
		// The engine's input: the ticked indicators plus the frontline signal's; two persons, one born 1999: no age.
		wantInd := []string{"coercion.under_strong_influence", "coercion.violence", "exploitation.earnings_taken"}
		if !slices.Equal(s.AssessmentInput.Indicators, wantInd) || s.AssessmentInput.Age != nil || s.AssessmentInput.Minor {
			t.Fatalf("assessment input %+v", s.AssessmentInput)
		}
		want, err := engine.Assess(s.AssessmentInput, "nl")
		if err != nil {
			t.Fatal(err)
		}
		if s.Assessment.Outcome != want.Outcome || s.Ruleset != want.Ruleset || s.Ruleset == "" {
			t.Fatalf("assessment %s ruleset %q, want %s %q", s.Assessment.Outcome, s.Ruleset, want.Outcome, want.Ruleset)
		}

		for _, who := range []policy.Subject{f.sig, f.coordNoord} {
			got, err := f.svc.Get(f.ctx, who, s.ID)
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if got.Place != s.Place || got.Narrative != s.Narrative || got.CameToLight != s.CameToLight ||
				len(got.Persons) != 2 || got.Persons[0].Name != "Mirela Popescu-Vandersteen" || got.Persons[0].Alias != "Mirela" ||
				*got.Persons[0].BirthYear != 1999 || got.Persons[1].AgeBand != "25_34" || got.Persons[0].Contact != "06 9876 5432" {
				t.Fatalf("read back: %+v", got)
			}
			if !slices.Equal(got.Forms, []string{"sexual"}) || !slices.Equal(got.RiskFactors, []string{"schulden"}) ||
				!slices.Equal(got.Signals, []string{"ander_voert_het_woord"}) || got.Assessment.Outcome != s.Assessment.Outcome ||
				!got.CreatedAt.Equal(f.clk.Now().Truncate(time.Microsecond)) || len(got.History) != 1 {
				t.Fatalf("read back: %+v", got)
			}
		}
		// One record per person for the create and for each of the two reads.
		recs := f.records(t, audit.Filter{ObjectID: s.ID})
		if len(recs) != 6 {
			t.Fatalf("%d processing-log records, want 6", len(recs))
		}
		for _, r := range recs {
			if r.ActivityID != audit.ActivitySignalering || r.SubjectType != audit.SubjectSignalPerson || r.SubjectEnc == "" {
				t.Errorf("record %+v", r)
			}
		}
		subjects := map[string]int{}
		log := audit.New(f.keys)
		for _, r := range recs {
			sub, err := log.DecryptSubject(r)
			if err != nil {
				t.Fatal(err)
			}
			subjects[sub]++
		}
		if subjects[s.Persons[0].ID] != 3 || subjects[s.Persons[1].ID] != 3 {
			t.Errorf("subjects %v", subjects)
		}
		if n, p, err := audit.Verify(f.ctx, f.db); err != nil || p != nil || n == 0 {
			t.Fatalf("audit chain: %d %v %v", n, p, err)
		}
	})
}

func TestAgeFromPersons(t *testing.T) {
	cases := []struct {
		name    string
		persons []signal.PersonInput
		age     *int
		minor   bool
	}{
		{"none", nil, nil, false},
		{"one adult", []signal.PersonInput{{BirthYear: intp(1990)}}, intp(35), false},
		// Born 2008, observed 2026: 17 or 18; the lower age counts (child protection).
		{"one possibly minor", []signal.PersonInput{{BirthYear: intp(2008)}}, intp(17), false},
		{"one band minor", []signal.PersonInput{{AgeBand: "12_17"}}, nil, true},
		{"two, one minor", []signal.PersonInput{{BirthYear: intp(1980)}, {BirthYear: intp(2012)}}, nil, true},
		{"two adults", []signal.PersonInput{{BirthYear: intp(1980)}, {AgeBand: "25_34"}}, nil, false},
		// The code review's case: the birth year says adult, the band says
		// child. The protective reading: a child, with the age to establish.
		{"birth year adult, band minor", []signal.PersonInput{{BirthYear: intp(1990), AgeBand: "12_17"}}, intp(35), true},
		{"birth year minor, band adult", []signal.PersonInput{{BirthYear: intp(2012), AgeBand: "25_34"}}, intp(13), false},
	}
	each(t, func(t *testing.T, f *fixture) {
		for _, c := range cases {
			in := input()
			in.Persons = c.persons
			s := f.create(t, f.sig, in)
			a := s.AssessmentInput
			if (a.Age == nil) != (c.age == nil) || a.Age != nil && *a.Age != *c.age || a.Minor != c.minor {
				t.Errorf("%s: age %v minor %v, want %v %v", c.name, a.Age, a.Minor, c.age, c.minor)
			}
			child := c.minor || c.age != nil && *c.age < 18
			if (s.Assessment.Population == assess.Child) != child {
				t.Errorf("%s: population %s", c.name, s.Assessment.Population)
			}
		}
	})
}

// TestPossiblyMinor: doubt about age is stored with the signal, given to the
// engine, and counts as a child (ruleset 2027.1), also with an adult birth
// year; read back it is still there.
func TestPossiblyMinor(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		in := input()
		in.Persons = []signal.PersonInput{{BirthYear: intp(2004)}}
		in.PossiblyMinor = true
		s := f.create(t, f.sig, in)
		if !s.PossiblyMinor || !s.AssessmentInput.PossiblyMinor || s.Assessment.Population != assess.Child {
			t.Errorf("possiblyMinor %v, engine input %v, population %s", s.PossiblyMinor, s.AssessmentInput.PossiblyMinor, s.Assessment.Population)
		}
		got, err := f.svc.Get(f.ctx, f.sig, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.PossiblyMinor || got.Assessment.Population != assess.Child {
			t.Errorf("read back: possiblyMinor %v, population %s", got.PossiblyMinor, got.Assessment.Population)
		}
		in.PossiblyMinor = false
		if s := f.create(t, f.sig, in); s.PossiblyMinor || s.Assessment.Population != assess.Adult {
			t.Errorf("without doubt: possiblyMinor %v, population %s", s.PossiblyMinor, s.Assessment.Population)
		}
	})
}

func TestCreateValidation(t *testing.T) {
	long := strings.Repeat("x", signal.MaxNarrative+1)
	cases := []struct {
		name   string
		actor  func(f *fixture) policy.Subject
		change func(f *fixture, in *signal.Input)
		want   []string
	}{
		{"everything at once", nil, func(f *fixture, in *signal.Input) {
			in.Department = "bakkerij"
			in.ObservedOn = "2026-03-03" // tomorrow
			in.Forms = []string{"sexual", "smokkel"}
			in.Signals = []string{"geen_signaal"}
			in.Indicators = []string{"coercion.violence", "coercion.magic", "schulden"}
			in.Acts = []string{"recruit", "teleport"}
			in.RiskFactors = []string{"maanstand"}
			in.Narrative = long
			in.Place = strings.Repeat("p", signal.MaxPlace+1)
			in.Persons[0].Alias = strings.Repeat("a", signal.MaxAlias+1)
			in.Persons[0].BirthYear = intp(2027)
			in.Persons[1].AgeBand = "tiener"
			in.Persons[1].Gender = "f"
			in.Persons[1].Nationality = "Roemeens"
			in.Persons[1].Language = "r"
		}, []string{"department:signal.department.unknown", "observedOn:signal.observed_on.future",
			"forms[1]:assess.form.unknown", "signals[0]:signal.signal.unknown", "indicators[1]:assess.indicator.unknown",
			"indicators[2]:assess.indicator.risk_factor", "acts[1]:assess.act.unknown", "riskFactors[0]:signal.risk_factor.unknown",
			"narrative:field.too_long", "place:field.too_long", "persons[0].alias:field.too_long",
			"persons[0].birthYear:signal.person.birth_year.invalid", "persons[1].ageBand:signal.person.age_band.invalid",
			"persons[1].gender:signal.person.gender.invalid", "persons[1].nationality:signal.person.nationality.invalid",
			"persons[1].language:signal.person.language.invalid"}},
		{"required", nil, func(f *fixture, in *signal.Input) { in.Department, in.ObservedOn = "", "" },
			[]string{"department:field.required", "observedOn:field.required"}},
		{"bad date", nil, func(f *fixture, in *signal.Input) { in.ObservedOn = "27-02-2026" },
			[]string{"observedOn:signal.observed_on.invalid"}},
		{"frontline signal as indicator", nil, func(f *fixture, in *signal.Input) { in.Indicators = []string{"ander_voert_het_woord"} },
			[]string{"indicators[0]:assess.indicator.signal"}},
		{"too many persons", nil, func(f *fixture, in *signal.Input) { in.Persons = make([]signal.PersonInput, signal.MaxPersons+1) },
			[]string{"persons:signal.persons.too_many"}},
		{"municipality unknown", nil, func(f *fixture, in *signal.Input) { in.MunicipalityID = "nope" },
			[]string{"municipalityId:signal.municipality.invalid"}},
		{"region is no municipality", nil, func(f *fixture, in *signal.Input) { in.MunicipalityID = f.noord.ID },
			[]string{"municipalityId:signal.municipality.invalid"}},
		{"coordinator must name a municipality", func(f *fixture) policy.Subject { return f.coordNoord }, func(f *fixture, in *signal.Input) {},
			[]string{"municipalityId:signal.municipality.invalid"}},
		{"consultation with personal data", nil, func(f *fixture, in *signal.Input) { in.Consultation = true },
			[]string{"place:signal.consultation.personal_data", "cameToLight:signal.consultation.personal_data",
				"narrative:signal.consultation.personal_data", "persons[0].alias:signal.consultation.personal_data",
				"persons[0].name:signal.consultation.personal_data", "persons[0].contact:signal.consultation.personal_data",
				"persons[0].nationality:signal.consultation.personal_data", "persons[0].language:signal.consultation.personal_data",
				"persons[1].alias:signal.consultation.personal_data"}},
	}
	each(t, func(t *testing.T, f *fixture) {
		f.create(t, f.sig, input())
		before := f.counts(t)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				in := input()
				c.change(f, &in)
				actor := f.sig
				if c.actor != nil {
					actor = c.actor(f)
				}
				_, err := f.svc.Create(f.ctx, actor, in)
				wantCode(t, err, errs.Invalid)
				want := slices.Clone(c.want)
				slices.Sort(want)
				if got := fields(err); !slices.Equal(got, want) {
					t.Errorf("field errors\n got %v\nwant %v", got, want)
				}
				f.wantCounts(t, before)
			})
		}
		// A failure after validation (the processing log cannot be written)
		// leaves nothing behind either, and the reference is not used up.
		if _, err := f.db.SQL().ExecContext(f.ctx, store.Rebind(f.db.Dialect(), `DELETE FROM audit_head`)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Create(f.ctx, f.sig, input()); err == nil {
			t.Fatal("create without a processing log succeeded")
		}
		f.wantCounts(t, before)
	})
}

func TestConsultation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.create(t, f.sig, consultation())
		if !s.Consultation || s.Assessment.Population != assess.Child {
			t.Fatalf("consultation %+v", s)
		}
		// Writes are logged; reads of a signal without personal data are not.
		if n := f.count(t, "processing_log", "object_id = ?", s.ID); n != 1 {
			t.Fatalf("%d records after create, want 1", n)
		}
		if _, err := f.svc.Get(f.ctx, f.coordNoord, s.ID); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "processing_log", "object_id = ?", s.ID); n != 1 {
			t.Fatalf("%d records after a read, want 1", n)
		}
		if _, err := f.svc.Transition(f.ctx, f.coordNoord, s.ID, 1, signal.TransitionInput{To: signal.StatusInProgress}); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "processing_log", "object_id = ?", s.ID); n != 2 {
			t.Fatalf("%d records after a transition, want 2", n)
		}
	})
}

// TestEncryptedAtRest is the grep of the database for what was typed into a
// signal: names, aliases, contact details, the place, the narrative, the
// remarks and notes are nowhere in plain text.
func TestEncryptedAtRest(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.create(t, f.sig, input())
		if _, err := f.svc.Transition(f.ctx, f.coordNoord, s.ID, 1, signal.TransitionInput{To: signal.StatusInProgress,
			Remark: "Opgepakt door Zoë-remark-k2", Note: "Broer heet Radu-note-p9"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Get(f.ctx, f.coordNoord, s.ID); err != nil {
			t.Fatal(err)
		}
		for _, needle := range []string{"Mirela", "Popescu-Vandersteen", "06 9876 5432", "Oosterstraat", "Zorgwekkend-xq7",
			"paspoort", "Huisbezoek", "A.K.", "Radu-note-p9", "remark-k2"} {
			if hits := storetest.Find(t, f.db, needle); len(hits) > 0 {
				t.Errorf("%q in plain text in %v", needle, hits)
			}
		}
		// The test can fail: what is stored in plain text is found.
		if hits := storetest.Find(t, f.db, s.Reference); !slices.Contains(hits, "signals.reference") {
			t.Errorf("Find does not find the reference: %v", hits)
		}
		// Sealed values are bound to their row: moved to another, they do not open.
		other := f.create(t, f.sig, input())
		if _, err := f.db.SQL().ExecContext(f.ctx, store.Rebind(f.db.Dialect(),
			`UPDATE signals SET narrative_enc = (SELECT narrative_enc FROM signals WHERE id = ?) WHERE id = ?`), s.ID, other.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Get(f.ctx, f.coordNoord, other.ID); err == nil {
			t.Error("a narrative moved to another signal opened")
		}
	})
}

// TestAccess is the access matrix through the service: every kind of user
// against signals of their own, their colleague's, their municipality's,
// their region's and another region's.
func TestAccess(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		own := f.create(t, f.sig, input())        // Groningen (Noord), by sig
		assen := f.create(t, f.sigAssen, input()) // Assen (Noord)
		zuid := f.create(t, f.sigZuid, input())   // Maastricht (Zuid)
		in := input()
		in.MunicipalityID = f.assen.ID
		byCoord := f.create(t, f.coordNoord, in) // a coordinator records for Assen

		type who struct {
			name string
			s    policy.Subject
			read []string // signals it may read; others: not_found
			move []string // signals it may transition
		}
		all := map[string]signal.Signal{"own": own, "assen": assen, "zuid": zuid, "byCoord": byCoord}
		users := []who{
			{"reporter", f.sig, []string{"own"}, nil},
			{"colleague signaleerder", f.sig2, nil, nil},
			{"signaleerder same region", f.sigAssen, []string{"assen"}, nil},
			{"signaleerder other region", f.sigZuid, []string{"zuid"}, nil},
			{"coordinator Noord", f.coordNoord, []string{"own", "assen", "byCoord"}, []string{"own", "assen", "byCoord"}},
			{"coordinator Zuid", f.coordZuid, []string{"zuid"}, []string{"zuid"}},
			{"national coordinator", f.coordNational, nil, nil},
			{"beheerder", f.beheerder, nil, nil},
			{"beleidsmedewerker", f.beleid, nil, nil},
			{"ketenpartner", f.partnerUser, nil, nil},
			{"analist", f.analist, nil, nil},
			{"privacyfunctionaris", f.privacy, nil, nil},
			{"every other role", f.multiRoleGroningen, nil, nil},
			{"anonymous", policy.Subject{}, nil, nil},
		}
		for _, u := range users {
			for name, s := range all {
				_, err := f.svc.Get(f.ctx, u.s, s.ID)
				switch {
				case slices.Contains(u.read, name):
					if err != nil {
						t.Errorf("%s reads %s: %v", u.name, name, err)
					}
				case u.s.Anonymous():
					wantCode(t, err, errs.Unauthenticated)
				default:
					if !errs.Is(err, errs.NotFound) {
						t.Errorf("%s reads %s: %v, want not_found", u.name, name, err)
					}
				}
				before := f.count(t, "signal_events", "signal_id = ?", s.ID)
				// Version 0 is never current: an allowed subject gets a conflict, so nothing changes.
				_, err = f.svc.Transition(f.ctx, u.s, s.ID, 0, signal.TransitionInput{To: signal.StatusInProgress})
				switch {
				case slices.Contains(u.move, name):
					wantCode(t, err, errs.Conflict)
				case slices.Contains(u.read, name):
					wantCode(t, err, errs.Forbidden)
				case u.s.Anonymous():
					wantCode(t, err, errs.Unauthenticated)
				default:
					if !errs.Is(err, errs.NotFound) {
						t.Errorf("%s transitions %s: %v, want not_found", u.name, name, err)
					}
				}
				if n := f.count(t, "signal_events", "signal_id = ?", s.ID); n != before {
					t.Errorf("%s changed %s", u.name, name)
				}
			}
			// Lists show exactly what the subject may read.
			page, err := f.svc.List(f.ctx, u.s, signal.Filter{})
			if u.s.Has(policy.Signaleerder) || u.s.Has(policy.Zorgcoordinator) {
				var got []string
				for _, it := range page.Items {
					for name, s := range all {
						if s.ID == it.ID {
							got = append(got, name)
						}
					}
				}
				slices.Sort(got)
				want := slices.Clone(u.read)
				slices.Sort(want)
				if err != nil || !slices.Equal(got, want) {
					t.Errorf("%s lists %v (%v), want %v", u.name, got, err, want)
				}
			} else if u.s.Anonymous() {
				wantCode(t, err, errs.Unauthenticated)
			} else {
				wantCode(t, err, errs.Forbidden)
			}
		}

		// Create: a signaleerder for their own municipality only; a
		// coordinator for their region's; nobody else.
		creates := []struct {
			name string
			s    policy.Subject
			muni string
			want errs.Code
		}{
			{"signaleerder own", f.sig, f.groningen.ID, ""},
			{"signaleerder other municipality", f.sig, f.assen.ID, errs.Forbidden},
			{"coordinator own region", f.coordNoord, f.groningen.ID, ""},
			{"coordinator other region", f.coordNoord, f.maastricht.ID, errs.Forbidden},
			{"national coordinator", f.coordNational, f.groningen.ID, errs.Forbidden},
			{"beheerder", f.beheerder, f.groningen.ID, errs.Forbidden},
			{"every other role", f.multiRoleGroningen, "", errs.Forbidden},
			{"ketenpartner", f.partnerUser, "", errs.Forbidden},
			{"anonymous", policy.Subject{}, f.groningen.ID, errs.Unauthenticated},
		}
		for _, c := range creates {
			in := input()
			in.MunicipalityID = c.muni
			before := f.count(t, "signals", "")
			_, err := f.svc.Create(f.ctx, c.s, in)
			if errs.CodeOf(err) != c.want {
				t.Errorf("create %s: %v, want %q", c.name, err, c.want)
			}
			if after := f.count(t, "signals", ""); (after == before+1) != (c.want == "") {
				t.Errorf("create %s: %d → %d signals", c.name, before, after)
			}
		}
	})
}

func TestTransitions(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.create(t, f.sig, input())
		steps := []struct {
			in      signal.TransitionInput
			version int
			code    errs.Code
			key     string
		}{
			{signal.TransitionInput{To: signal.StatusClosed, Reason: signal.ReasonDuplicate}, 1, errs.Conflict, signal.KeyTransitionInvalid},
			{signal.TransitionInput{To: "lost"}, 1, errs.Invalid, ""},
			{signal.TransitionInput{To: signal.StatusInProgress, Reason: signal.ReasonPolice}, 1, errs.Invalid, ""},
			{signal.TransitionInput{To: signal.StatusInProgress, Remark: "Wij pakken het op", Note: "Eerst VT bellen"}, 1, "", ""},
			{signal.TransitionInput{To: signal.StatusInProgress}, 1, errs.Conflict, "error.stale"},
			{signal.TransitionInput{To: signal.StatusNew}, 2, errs.Conflict, signal.KeyTransitionInvalid},
			{signal.TransitionInput{To: signal.StatusMoreInfoRequested, Remark: "Weet u het adres?"}, 2, "", ""},
			{signal.TransitionInput{To: signal.StatusClosed, Reason: signal.ReasonPolice}, 3, errs.Conflict, signal.KeyTransitionInvalid},
			{signal.TransitionInput{To: signal.StatusInProgress}, 3, "", ""},
			{signal.TransitionInput{To: signal.StatusClosed}, 4, errs.Invalid, ""},
			{signal.TransitionInput{To: signal.StatusClosed, Reason: "bored"}, 4, errs.Invalid, ""},
			{signal.TransitionInput{To: signal.StatusClosed, Reason: signal.ReasonLabourInspectorate, Note: strings.Repeat("n", signal.MaxNote+1)}, 4, errs.Invalid, ""},
			{signal.TransitionInput{To: signal.StatusClosed, Reason: signal.ReasonLabourInspectorate, Remark: "Doorverwezen naar de NLA"}, 4, "", ""},
			{signal.TransitionInput{To: signal.StatusInProgress}, 5, errs.Conflict, signal.KeyTransitionInvalid},
			{signal.TransitionInput{To: signal.StatusConverted}, 5, errs.Invalid, ""},
		}
		for i, st := range steps {
			got, err := f.svc.Transition(f.ctx, f.coordNoord, s.ID, st.version, st.in)
			if errs.CodeOf(err) != st.code || st.key != "" && errs.As(err).Key != st.key {
				t.Fatalf("step %d (%s v%d): %v, want %q %q", i, st.in.To, st.version, err, st.code, st.key)
			}
			if st.code == errs.Conflict && got.ID != s.ID {
				t.Fatalf("step %d: a conflict must come with the current state, got %+v", i, got)
			}
		}
		final, err := f.svc.Get(f.ctx, f.coordNoord, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		var path []string
		for _, ev := range final.History {
			path = append(path, string(ev.From)+">"+string(ev.To))
		}
		if want := []string{">new", "new>in_progress", "in_progress>more_info_requested", "more_info_requested>in_progress", "in_progress>closed"}; !slices.Equal(path, want) {
			t.Fatalf("history %v", path)
		}
		if final.Status != signal.StatusClosed || final.ClosingReason != signal.ReasonLabourInspectorate || final.Version != 5 {
			t.Fatalf("final %s %s v%d", final.Status, final.ClosingReason, final.Version)
		}
		if final.History[1].Note != "Eerst VT bellen" || final.History[1].Remark != "Wij pakken het op" {
			t.Fatalf("coordinator sees %+v", final.History[1])
		}
		// The reporter sees the status and the public remarks, never the internal notes.
		mine, err := f.svc.Get(f.ctx, f.sig, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if mine.Status != signal.StatusClosed || mine.History[1].Remark != "Wij pakken het op" || mine.History[2].Remark != "Weet u het adres?" {
			t.Fatalf("reporter sees %+v", mine.History)
		}
		for _, ev := range mine.History {
			if ev.Note != "" {
				t.Fatalf("reporter sees an internal note: %+v", ev)
			}
		}
		// The history is append-only in the database itself.
		if _, err := f.db.SQL().ExecContext(f.ctx, `UPDATE signal_events SET to_status = 'new'`); err == nil {
			t.Error("signal_events accepted an update")
		}
		if _, err := f.db.SQL().ExecContext(f.ctx, `DELETE FROM signal_events`); err == nil {
			t.Error("signal_events accepted a delete")
		}
	})
}

// TestTransitionRace: coordinators acting on the same signal at once: exactly
// one wins, every other gets a conflict with the current state; no lost update.
func TestTransitionRace(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for round := 0; round < 3; round++ {
			s := f.create(t, f.sig, input())
			const n = 6
			var wg sync.WaitGroup
			results := make([]error, n)
			states := make([]signal.Signal, n)
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					states[i], results[i] = f.svc.Transition(f.ctx, f.coordNoord, s.ID, 1,
						signal.TransitionInput{To: signal.StatusInProgress, Note: fmt.Sprint("coordinator ", i)})
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
					if states[i].Version != 2 || states[i].Status != signal.StatusInProgress {
						t.Errorf("loser %d sees %s v%d, want the winner's state", i, states[i].Status, states[i].Version)
					}
				default:
					t.Errorf("transition %d: %v", i, err)
				}
			}
			if wins != 1 {
				t.Fatalf("%d winners, want 1", wins)
			}
			if n := f.count(t, "signal_events", "signal_id = ?", s.ID); n != 2 {
				t.Fatalf("%d history entries, want 2", n)
			}
		}
	})
}

// TestReferences: concurrent creates get distinct, consecutive references;
// a new year starts at 1; a failed create does not use a number up.
func TestReferences(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		const n = 24
		var wg sync.WaitGroup
		refs := make([]string, n)
		errsOut := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				actor := f.sig
				if i%2 == 1 {
					actor = f.sigAssen
				}
				s, err := f.svc.Create(f.ctx, actor, consultation())
				refs[i], errsOut[i] = s.Reference, err
			}()
		}
		wg.Wait()
		for _, err := range errsOut {
			if err != nil {
				t.Fatal(err)
			}
		}
		slices.Sort(refs)
		for i, r := range refs {
			if want := fmt.Sprintf("SIG-2026-%06d", i+1); r != want {
				t.Fatalf("reference %d = %s, want %s (all: %v)", i, r, want, refs)
			}
		}
		// The provisional reference a create inserts under never survives
		// its transaction: what is stored is what Create returned.
		if n := f.count(t, "signals", "reference NOT LIKE 'SIG-%'"); n != 0 {
			t.Fatalf("%d signals stored without their reference", n)
		}
		for _, r := range refs {
			if n := f.count(t, "signals", "reference = ?", r); n != 1 {
				t.Fatalf("%s stored %d times", r, n)
			}
		}
		bad := consultation()
		bad.Department = "?"
		if _, err := f.svc.Create(f.ctx, f.sig, bad); err == nil {
			t.Fatal("bad input accepted")
		}
		if s := f.create(t, f.sig, consultation()); s.Reference != fmt.Sprintf("SIG-2026-%06d", n+1) {
			t.Fatalf("after a failure: %s", s.Reference)
		}
		f.clk.Advance(300 * 24 * time.Hour)
		in := consultation()
		in.ObservedOn = "2026-12-20"
		if s := f.create(t, f.sig, in); s.Reference != "SIG-2026-000026" {
			t.Fatalf("late 2026: %s", s.Reference)
		}
		f.clk.Advance(5 * 24 * time.Hour)
		if s := f.create(t, f.sig, in); s.Reference != "SIG-2027-000001" {
			t.Fatalf("new year: %s", s.Reference)
		}
		if !regexp.MustCompile(`^SIG-\d{4}-\d{6}$`).MatchString(refs[0]) {
			t.Fatal(refs[0])
		}
	})
}

func TestObservedOnToday(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		// 23:30 UTC on 1 March is 00:30 on 2 March in Amsterdam: 2 March is today, 3 March is not.
		clk := storetest.NewClock()
		clk.Advance(-(9*time.Hour + 30*time.Minute))
		f := newFixture(t, storetest.NewWithClock(t, d, clk.Now), clk)
		in := consultation()
		in.ObservedOn = "2026-03-02"
		f.create(t, f.sig, in)
		in.ObservedOn = "2026-03-03"
		_, err := f.svc.Create(f.ctx, f.sig, in)
		if got := fields(err); !slices.Equal(got, []string{"observedOn:signal.observed_on.future"}) {
			t.Fatalf("got %v", got)
		}
	})
}

func TestMessageKeys(t *testing.T) {
	b := i18n.MustLoad()
	keys := []string{signal.KeyDepartmentUnknown, signal.KeyMunicipalityInvalid, signal.KeyObservedOnInvalid,
		signal.KeyObservedOnFuture, signal.KeyObservedOnTooOld, signal.KeySignalUnknown, signal.KeyRiskFactorUnknown,
		signal.KeyPersonsTooMany, signal.KeyBirthYearInvalid, signal.KeyAgeBandInvalid, signal.KeyGenderInvalid,
		signal.KeyNationalityInvalid, signal.KeyLanguageInvalid, signal.KeyConsultationPersonal, signal.KeyStatusInvalid,
		signal.KeyReasonRequired, signal.KeyReasonInvalid, signal.KeyReasonNotAllowed, signal.KeyTransitionInvalid,
		signal.KeyCursorInvalid, signal.KeySortInvalid, signal.KeyPeriodInvalid, signal.KeyOutcomeInvalid,
		"signal.text.utf8", "signal.limit.invalid", "field.required", "field.too_long", "error.stale",
		assess.KeyFormUnknown, assess.KeyIndicatorUnknown, assess.KeyIndicatorRiskFactor, assess.KeyIndicatorSignal,
		assess.KeyActUnknown, assess.KeyListTooLong}
	for _, s := range signal.Statuses {
		keys = append(keys, "signal.status."+string(s))
	}
	for _, r := range signal.ClosingReasons {
		keys = append(keys, "signal.reason."+r)
	}
	for _, a := range signal.AgeBands {
		keys = append(keys, "signal.age_band."+a)
	}
	for _, g := range signal.Genders {
		keys = append(keys, "signal.gender."+g)
	}
	for _, l := range i18n.Langs {
		for _, k := range keys {
			if !b.Has(l, k) {
				t.Errorf("%s: no message %q", l, k)
			}
		}
	}
}

// TestConvertedOnlyThroughCase (security review F10): the plain transition
// never sets a signal to converted, from any status: a validation error on
// "to" that says to open a case, and nothing changes (no history, no log).
// Opening a case from the signal (cases.Create → ConvertTx) still does.
func TestConvertedOnlyThroughCase(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.create(t, f.sig, input())
		try := func(version int) {
			t.Helper()
			events := f.count(t, "signal_events", "")
			logs := f.count(t, "processing_log", "")
			_, err := f.svc.Transition(f.ctx, f.coordNoord, s.ID, version, signal.TransitionInput{To: signal.StatusConverted, Remark: "Casus"})
			if got := fields(err); !slices.Equal(got, []string{"to:" + signal.KeyConvertThroughCase}) {
				t.Errorf("converted through the transition at v%d: %v (%v)", version, got, err)
			}
			if f.count(t, "signal_events", "") != events || f.count(t, "processing_log", "") != logs {
				t.Errorf("a refused conversion at v%d left history or log records", version)
			}
			got, err := f.svc.Get(f.ctx, f.coordNoord, s.ID)
			if err != nil || got.Status == signal.StatusConverted || got.Version != version {
				t.Errorf("after the refusal: %s v%d %v", got.Status, got.Version, err)
			}
		}
		try(1) // new
		if _, err := f.svc.Transition(f.ctx, f.coordNoord, s.ID, 1, signal.TransitionInput{To: signal.StatusInProgress}); err != nil {
			t.Fatal(err)
		}
		try(2) // in progress: the review's reproduction
		if slices.Contains(signal.Next(signal.StatusInProgress), signal.StatusConverted) {
			t.Error("the transition form offers converted")
		}
		// Through the case's own way it converts (in the caller's transaction).
		err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
			return f.svc.ConvertTx(f.ctx, tx, f.coordNoord, s.ID, "")
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := f.svc.Get(f.ctx, f.coordNoord, s.ID); err != nil || got.Status != signal.StatusConverted {
			t.Errorf("after ConvertTx: %s %v", got.Status, err)
		}
	})
}

// TestPreviewIsCreate (code review): the intake page's live assessment is
// the signal service's Preview, and Preview is what Create stores: the same
// inputs through both give the same engine input and outcome, the
// contradictory age among them (a child, with a reason to establish the
// age, and a warning that does not block saving).
func TestPreviewIsCreate(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		persons := map[string][]signal.PersonInput{
			"none":                         nil,
			"adult":                        {{BirthYear: intp(1990)}},
			"possibly minor":               {{BirthYear: intp(2008)}},
			"band minor":                   {{AgeBand: "12_17"}},
			"birth year adult, band minor": {{BirthYear: intp(1990), AgeBand: "12_17"}},
			"birth year minor, band adult": {{BirthYear: intp(2012), AgeBand: "25_34"}},
			"agreeing year and band":       {{BirthYear: intp(1995), AgeBand: "25_34"}},
			"two, one contradictory":       {{AgeBand: "25_34"}, {BirthYear: intp(1985), AgeBand: "0_11"}},
		}
		for name, ps := range persons {
			in := input()
			in.Persons = ps
			pv, err := f.svc.Preview(f.ctx, f.sig, in, signal.AssessmentLang)
			if err != nil {
				t.Fatalf("%s: preview: %v", name, err)
			}
			s := f.create(t, f.sig, in)
			if !reflect.DeepEqual(pv.Input, s.AssessmentInput) {
				t.Errorf("%s: preview input %+v, saved %+v", name, pv.Input, s.AssessmentInput)
			}
			if pv.Result.Outcome != s.Assessment.Outcome || pv.Result.Population != s.Assessment.Population ||
				!reflect.DeepEqual(pv.Result.Explanation, s.Assessment.Explanation) {
				t.Errorf("%s: preview %s/%s, saved %s/%s", name, pv.Result.Outcome, pv.Result.Population,
					s.Assessment.Outcome, s.Assessment.Population)
			}
			contradiction := strings.Contains(name, "contradictory") || strings.HasPrefix(name, "birth year")
			if got := len(pv.Warnings) > 0; got != contradiction {
				t.Errorf("%s: warnings %v", name, pv.Warnings)
			}
			for _, w := range pv.Warnings {
				if w.Key != signal.KeyAgeContradiction || !strings.HasSuffix(w.Field, "].ageBand") {
					t.Errorf("%s: warning %+v", name, w)
				}
			}
		}
		// The review's reproduction: a child, and the reason says to
		// establish the age.
		in := input()
		in.Persons = persons["birth year adult, band minor"]
		pv, err := f.svc.Preview(f.ctx, f.sig, in, "en")
		if err != nil {
			t.Fatal(err)
		}
		if pv.Result.Population != assess.Child || !slices.ContainsFunc(pv.Result.Explanation, func(e assess.Reason) bool {
			return e.Rule == "population.child.minor_over_age"
		}) {
			t.Errorf("contradictory age: %s %+v", pv.Result.Population, pv.Result.Explanation)
		}
		// A half-filled form previews (no date yet, a birth year still being
		// typed); nothing is written, nothing logged.
		logs, sigs := f.count(t, "processing_log", ""), f.count(t, "signals", "")
		if _, err := f.svc.Preview(f.ctx, f.sig, signal.Input{Persons: []signal.PersonInput{{BirthYear: intp(19)}}}, "nl"); err != nil {
			t.Errorf("half-filled form: %v", err)
		}
		if f.count(t, "processing_log", "") != logs || f.count(t, "signals", "") != sigs {
			t.Error("a preview wrote something")
		}
		// Unknown ids: the engine's problems, as on save.
		_, err = f.svc.Preview(f.ctx, f.sig, signal.Input{Indicators: []string{"made.up"}}, "nl")
		if len(assess.Problems(err)) != 1 {
			t.Errorf("unknown indicator: %v", err)
		}
		// Only who may record signals.
		for _, who := range []policy.Subject{f.beheerder, f.partnerUser, {}} {
			if _, err := f.svc.Preview(f.ctx, who, input(), "nl"); err == nil {
				t.Errorf("%v may preview", who.Roles)
			}
		}
	})
}
