package signal_test

import (
	"context"
	"slices"
	"testing"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth/password"
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

// fixture: region Noord with Groningen and Assen and a partner, region Zuid
// with Maastricht; signaleerders in Groningen (two), Assen and Maastricht;
// care coordinators of Noord (working for the region) and of Zuid; and one
// user of every other role.
type fixture struct {
	ctx  context.Context
	db   *store.DB
	clk  *storetest.Clock
	keys *fieldcrypt.Keyring
	svc  *signal.Service

	noord, zuid, groningen, assen, maastricht, partner, national org.Organisation

	sig, sig2, sigAssen, sigZuid, coordNoord, coordZuid, coordNational   policy.Subject
	beheerder, beleid, partnerUser, analist, privacy, multiRoleGroningen policy.Subject
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
	f := &fixture{ctx: context.Background(), db: db, clk: clk, keys: keys,
		svc: signal.NewService(db, log, keys, catalog, engine)}
	orgs := org.NewService(db, log, password.Fast)
	mustOrg := func(in org.OrgInput) org.Organisation {
		o, err := orgs.CreateOrg(f.ctx, org.System, in)
		if err != nil {
			t.Fatalf("create organisation %q: %v", in.Name, err)
		}
		return o
	}
	n := 0
	mustUser := func(orgID string, roles ...policy.Role) policy.Subject {
		n++
		u, err := orgs.CreateUser(f.ctx, org.System, org.UserInput{Email: "u" + string(rune('a'+n)) + "@baken.test",
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
	f.partner = mustOrg(org.OrgInput{Kind: org.Partner, Name: "Politie Noord", RegionID: f.noord.ID, PartnerType: "politie"})
	f.sig = mustUser(f.groningen.ID, policy.Signaleerder)
	f.sig2 = mustUser(f.groningen.ID, policy.Signaleerder)
	f.sigAssen = mustUser(f.assen.ID, policy.Signaleerder)
	f.sigZuid = mustUser(f.maastricht.ID, policy.Signaleerder)
	f.coordNoord = mustUser(f.noord.ID, policy.Zorgcoordinator)
	f.coordZuid = mustUser(f.zuid.ID, policy.Zorgcoordinator)
	f.coordNational = mustUser(f.national.ID, policy.Zorgcoordinator)
	f.beheerder = mustUser(f.groningen.ID, policy.Beheerder)
	f.beleid = mustUser(f.groningen.ID, policy.Beleidsmedewerker)
	f.partnerUser = mustUser(f.partner.ID, policy.Ketenpartner)
	f.analist = mustUser(f.noord.ID, policy.Analist)
	f.privacy = mustUser(f.groningen.ID, policy.Privacyfunctionaris)
	f.multiRoleGroningen = mustUser(f.groningen.ID, policy.Beheerder, policy.Beleidsmedewerker, policy.Analist, policy.Privacyfunctionaris, policy.Ketenpartner)
	return f
}

func intp(i int) *int { return &i }

// input is a realistic signal: a Wmo consultant's home visit in Groningen.
func input() signal.Input {
	return signal.Input{
		Department:  "wmo",
		ObservedOn:  "2026-02-27",
		Place:       "Oosterstraat 12b, Groningen",
		CameToLight: "Huisbezoek voor een Wmo-aanvraag",
		Persons: []signal.PersonInput{
			{Alias: "Mirela", BirthYear: intp(1999), Gender: "female", Nationality: "RO", Language: "ro",
				Name: "Mirela Popescu-Vandersteen", Contact: "06 9876 5432"},
			{Alias: "A.K.", AgeBand: "25_34", Gender: "female"},
		},
		Forms:       []string{"sexual"},
		Signals:     []string{"ander_voert_het_woord"},
		Indicators:  []string{"exploitation.earnings_taken", "coercion.violence"},
		RiskFactors: []string{"schulden"},
		Narrative:   "Tijdens het huisbezoek zei Mirela dat 'de baas' haar paspoort heeft. Zorgwekkend-xq7.",
	}
}

// consultation is a "ik twijfel" signal without personal data.
func consultation() signal.Input {
	return signal.Input{
		Department:   "schuldhulp",
		ObservedOn:   "2026-03-01",
		Consultation: true,
		Persons:      []signal.PersonInput{{AgeBand: "12_17", Gender: "male"}},
		Forms:        []string{"criminal"},
		Indicators:   []string{"exploitation.forced_criminal_activity"},
	}
}

func (f *fixture) create(t testing.TB, actor policy.Subject, in signal.Input) signal.Signal {
	t.Helper()
	s, err := f.svc.Create(f.ctx, actor, in)
	if err != nil {
		t.Fatalf("create signal: %v", err)
	}
	return s
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

var tables = []string{"signals", "signal_forms", "signal_persons", "signal_events", "signal_reference_counters", "processing_log"}

func (f *fixture) counts(t testing.TB) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, tb := range tables {
		m[tb] = f.count(t, tb, "")
	}
	return m
}

func (f *fixture) wantCounts(t testing.TB, want map[string]int) {
	t.Helper()
	got := f.counts(t)
	for _, tb := range tables {
		if got[tb] != want[tb] {
			t.Errorf("%s has %d rows, want %d (nothing may be half-written)", tb, got[tb], want[tb])
		}
	}
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
