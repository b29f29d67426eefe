package cases_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/fieldcrypt"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

var (
	catalog = content.MustLoad()
	engine  = func() *assess.Engine {
		e, err := assess.New(catalog)
		if err != nil {
			panic(err)
		}
		return e
	}()
)

// fixture: region Noord (Groningen, Assen, a shelter and the police) and
// region Zuid (Maastricht); a signaleerder in Groningen; two care
// coordinators of Noord and one of Zuid; a national coordinator; and one
// user of every other role.
type fixture struct {
	ctx     context.Context
	db      *store.DB
	clk     *storetest.Clock
	keys    *fieldcrypt.Keyring
	log     *audit.Log
	signals *signal.Service
	svc     *cases.Service
	orgs    *org.Service

	noord, zuid, groningen, assen, maastricht, shelter, police, national org.Organisation

	sig, coord, coord2, coordZuid, coordNational     policy.Subject
	beheerder, beleid, partnerUser, analist, privacy policy.Subject
}

func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		clk := storetest.NewClock()
		fn(t, newFixture(t, storetest.NewWithClock(t, d, clk.Now), clk))
	})
}

func newFixture(t testing.TB, db *store.DB, clk *storetest.Clock) *fixture {
	t.Helper()
	keys, err := fieldcrypt.New(fieldcrypt.Generate())
	if err != nil {
		t.Fatal(err)
	}
	log := audit.New(keys)
	f := &fixture{ctx: context.Background(), db: db, clk: clk, keys: keys, log: log}
	f.signals = signal.NewService(db, log, keys, catalog, engine)
	f.svc = cases.NewService(db, log, keys, catalog, f.signals)
	f.orgs = org.NewService(db, log, password.Fast)
	mustOrg := func(in org.OrgInput) org.Organisation {
		o, err := f.orgs.CreateOrg(f.ctx, org.System, in)
		if err != nil {
			t.Fatalf("create organisation %q: %v", in.Name, err)
		}
		return o
	}
	n := 0
	mustUser := func(orgID string, roles ...policy.Role) policy.Subject {
		n++
		u, err := f.orgs.CreateUser(f.ctx, org.System, org.UserInput{Email: "u" + string(rune('a'+n)) + "@baken.test",
			Name: "User " + string(rune('A'+n)), OrganisationID: orgID, Roles: roles, Password: "correct horse battery staple"})
		if err != nil {
			t.Fatalf("create user: %v", err)
		}
		return u.Subject()
	}
	f.national = mustOrg(org.OrgInput{Kind: org.National, Name: "Nationaal Team"})
	f.noord = mustOrg(org.OrgInput{Kind: org.Region, Name: "Noord"})
	f.zuid = mustOrg(org.OrgInput{Kind: org.Region, Name: "Zuid"})
	f.groningen = mustOrg(org.OrgInput{Kind: org.Municipality, Name: "Groningen", RegionID: f.noord.ID})
	f.assen = mustOrg(org.OrgInput{Kind: org.Municipality, Name: "Assen", RegionID: f.noord.ID})
	f.maastricht = mustOrg(org.OrgInput{Kind: org.Municipality, Name: "Maastricht", RegionID: f.zuid.ID})
	f.shelter = mustOrg(org.OrgInput{Kind: org.Partner, Name: "Opvang De Haven", RegionID: f.noord.ID, PartnerType: "opvang"})
	f.police = mustOrg(org.OrgInput{Kind: org.Partner, Name: "Politie Noord", RegionID: f.noord.ID, PartnerType: "politie"})
	f.sig = mustUser(f.groningen.ID, policy.Signaleerder)
	f.coord = mustUser(f.noord.ID, policy.Zorgcoordinator)
	f.coord2 = mustUser(f.noord.ID, policy.Zorgcoordinator)
	f.coordZuid = mustUser(f.zuid.ID, policy.Zorgcoordinator)
	f.coordNational = mustUser(f.national.ID, policy.Zorgcoordinator)
	f.beheerder = mustUser(f.noord.ID, policy.Beheerder) // the region's: it administers the region's shelters
	f.beleid = mustUser(f.groningen.ID, policy.Beleidsmedewerker)
	f.partnerUser = mustUser(f.police.ID, policy.Ketenpartner)
	f.analist = mustUser(f.noord.ID, policy.Analist)
	f.privacy = mustUser(f.groningen.ID, policy.Privacyfunctionaris)
	return f
}

// signalInput is a realistic signal of Groningen.
func signalInput() signal.Input {
	by := 1999
	return signal.Input{
		Department: "wmo", ObservedOn: "2026-02-27", Place: "Oosterstraat 12b, Groningen",
		Persons:    []signal.PersonInput{{Alias: "Mirela", BirthYear: &by, Gender: "female", Nationality: "RO"}},
		Forms:      []string{"criminal"},
		Indicators: []string{"exploitation.earnings_taken", "coercion.violence"},
		Narrative:  "Mirela zegt dat 'de baas' haar paspoort heeft.",
	}
}

// clientInput is a realistic client.
func clientInput() cases.Client {
	return cases.Client{Name: "Mirela Popescu-Vandersteen", BirthDate: "1999-04-12", BSN: "111222333",
		Nationality: "RO", CountryOfOrigin: "RO", Languages: []string{"ro", "en"}, Gender: "female",
		Contact: "06 9876 5432, via De Haven"}
}

func (f *fixture) signal(t testing.TB) signal.Signal {
	t.Helper()
	s, err := f.signals.Create(f.ctx, f.sig, signalInput())
	if err != nil {
		t.Fatalf("create signal: %v", err)
	}
	return s
}

// open creates a case from a fresh signal as f.coord.
func (f *fixture) open(t testing.TB) cases.Case {
	t.Helper()
	s := f.signal(t)
	c, err := f.svc.Create(f.ctx, f.coord, cases.Input{SignalIDs: []string{s.ID}, Client: clientInput()})
	if err != nil {
		t.Fatalf("create case: %v", err)
	}
	return c
}

func wantCode(t testing.TB, err error, code errs.Code) {
	t.Helper()
	if got := errs.CodeOf(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

func fields(err error) []string {
	e := errs.As(err)
	if e == nil {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+":"+f.Key)
	}
	slices.Sort(out)
	return out
}

func (f *fixture) count(t testing.TB, table, where string, args ...any) int {
	t.Helper()
	q := "SELECT count(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	if err := f.db.Tx(f.ctx, func(tx *store.Tx) error { return tx.QueryRow(f.ctx, q, args...).Scan(&n) }); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (f *fixture) records(t testing.TB, flt audit.Filter) []audit.Record {
	t.Helper()
	var out []audit.Record
	err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
		var err error
		out, _, err = audit.List(f.ctx, tx, flt)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// caseTables are every table a case writes to (with the signals' and the
// processing log), for "nothing stored on failure" checks.
var caseTables = []string{"cases", "case_reference_counters", "case_coordinators", "case_access_grants",
	"case_signals", "case_events", "case_tasks", "case_documents", "case_placements", "case_support",
	"case_consents", "case_transfers", "shelter_capacities", "signals", "signal_events", "processing_log"}

// snapshot counts the rows of every case table, the signals' and the
// processing log's.
func (f *fixture) snapshot(t testing.TB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range caseTables {
		out[tb] = f.count(t, tb, "")
	}
	return out
}

// unchanged fails when a table's row count differs from the snapshot.
func (f *fixture) unchanged(t testing.TB, before map[string]int, what string) {
	t.Helper()
	after := f.snapshot(t)
	for _, tb := range caseTables {
		if after[tb] != before[tb] {
			t.Errorf("%s: %s has %d rows, had %d", what, tb, after[tb], before[tb])
		}
	}
}

// caseLog returns the processing-log records of case id, oldest first, and
// checks that each is a case record of the zorgcoördinatie activity about
// the case's client (its subject is the case id).
func (f *fixture) caseLog(t testing.TB, id string) []audit.Record {
	t.Helper()
	recs := f.records(t, audit.Filter{ObjectID: id, Limit: 500})
	slices.Reverse(recs)
	for _, r := range recs {
		if r.ObjectType != "case" || r.ActivityID != audit.ActivityZorgcoordinatie ||
			r.SubjectType != audit.SubjectCaseClient || r.SubjectIndex != f.log.SubjectIndex(id) ||
			!strings.HasPrefix(r.Action, "case.") {
			t.Errorf("record %d of case %s: %s %s %s %s", r.Seq, id, r.Action, r.ObjectType, r.ActivityID, r.SubjectType)
		}
		if subj, err := f.log.DecryptSubject(r); err != nil || subj != id {
			t.Errorf("record %d subject = %q, %v; want the case id", r.Seq, subj, err)
		}
	}
	return recs
}

// actions lists the actions of records.
func actions(recs []audit.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Action
	}
	return out
}

// openAs creates a case directly (no signal) as actor with the realistic
// client and the given forms.
func (f *fixture) openAs(t testing.TB, actor policy.Subject, forms ...string) cases.Case {
	t.Helper()
	c, err := f.svc.Create(f.ctx, actor, cases.Input{Client: clientInput(), Forms: forms})
	if err != nil {
		t.Fatalf("create case: %v", err)
	}
	return c
}
