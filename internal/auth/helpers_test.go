package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/fieldcrypt"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

const testPassword = "correct horse battery staple"

// testConfig has round numbers that differ from the defaults, so a test
// cannot pass by accident on a default.
var testConfig = auth.Config{
	IdleTimeout:     30 * time.Minute,
	AbsoluteTimeout: 2 * time.Hour,
	MaxFailures:     3,
	Window:          10 * time.Minute,
	Lockout:         15 * time.Minute,
	Params:          password.Fast,
}

// fixture: region Noord with Groningen (a beheerder and two signaleerders),
// region Zuid with Maastricht (a beheerder).
type fixture struct {
	ctx  context.Context
	db   *store.DB
	clk  *storetest.Clock
	keys *fieldcrypt.Keyring
	log  *audit.Log
	org  *org.Service
	auth *auth.Service

	noord, zuid, groningen, maastricht org.Organisation

	noordAdmin, zuidAdmin, sig, colleague org.User
}

// each runs fn on both databases (storetest.Each), each time with a fresh
// database that has an injected clock, and the fixture's users.
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	eachWith(t, testConfig, fn)
}

func eachWith(t *testing.T, cfg auth.Config, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		clk := storetest.NewClock()
		fn(t, newFixture(t, storetest.NewWithClock(t, d, clk.Now), clk, cfg))
	})
}

func newFixture(t testing.TB, db *store.DB, clk *storetest.Clock, cfg auth.Config) *fixture {
	t.Helper()
	keys, err := fieldcrypt.New(fieldcrypt.Generate())
	if err != nil {
		t.Fatal(err)
	}
	log := audit.New(keys)
	a, err := auth.NewService(db, log, keys, cfg)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ctx: context.Background(), db: db, clk: clk, keys: keys, log: log,
		org: org.NewService(db, log, cfg.Params), auth: a}
	f.noord = f.mustOrg(t, org.OrgInput{Kind: org.Region, Name: "Noord"})
	f.zuid = f.mustOrg(t, org.OrgInput{Kind: org.Region, Name: "Zuid"})
	f.groningen = f.mustOrg(t, org.OrgInput{Kind: org.Municipality, Name: "Groningen", RegionID: f.noord.ID})
	f.maastricht = f.mustOrg(t, org.OrgInput{Kind: org.Municipality, Name: "Maastricht", RegionID: f.zuid.ID})
	f.noordAdmin = f.mustUser(t, "beheer@groningen.nl", f.groningen.ID, policy.Beheerder)
	f.zuidAdmin = f.mustUser(t, "beheer@maastricht.nl", f.maastricht.ID, policy.Beheerder)
	f.sig = f.mustUser(t, "sig@groningen.nl", f.groningen.ID, policy.Signaleerder)
	f.colleague = f.mustUser(t, "collega@groningen.nl", f.groningen.ID, policy.Signaleerder)
	return f
}

func (f *fixture) mustOrg(t testing.TB, in org.OrgInput) org.Organisation {
	t.Helper()
	o, err := f.org.CreateOrg(f.ctx, org.System, in)
	if err != nil {
		t.Fatalf("create organisation %q: %v", in.Name, err)
	}
	return o
}

func (f *fixture) mustUser(t testing.TB, email, orgID string, roles ...policy.Role) org.User {
	t.Helper()
	u, err := f.org.CreateUser(f.ctx, org.System, org.UserInput{Email: email, Name: email, OrganisationID: orgID,
		Roles: roles, Password: testPassword})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func (f *fixture) login(t testing.TB, email string) string {
	t.Helper()
	c, _, err := f.auth.Login(f.ctx, email, testPassword, "")
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	return c
}

// exec runs a statement directly, as an operator with database access would.
func (f *fixture) exec(t testing.TB, q string, args ...any) {
	t.Helper()
	if err := f.db.Tx(f.ctx, func(tx *store.Tx) error { _, err := tx.Exec(f.ctx, q, args...); return err }); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
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

// timeOf reads one timestamp column.
func (f *fixture) timeOf(t testing.TB, q string, args ...any) store.NullTime {
	t.Helper()
	var v store.NullTime
	if err := f.db.Tx(f.ctx, func(tx *store.Tx) error { return tx.QueryRow(f.ctx, q, args...).Scan(&v) }); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
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

func (f *fixture) subjectOf(t testing.TB, r audit.Record) string {
	t.Helper()
	s, err := f.log.DecryptSubject(r)
	if err != nil {
		t.Fatalf("decrypt subject of record %d: %v", r.Seq, err)
	}
	return s
}

func (f *fixture) verifyLog(t testing.TB) {
	t.Helper()
	n, p, err := audit.Verify(f.ctx, f.db)
	if err != nil || p != nil {
		t.Fatalf("audit.Verify: %v %v", p, err)
	}
	if rows := f.count(t, "processing_log", ""); int64(rows) != n || n == 0 {
		t.Fatalf("audit.Verify checked %d records, processing_log holds %d", n, rows)
	}
}

func wantCode(t testing.TB, err error, code errs.Code) {
	t.Helper()
	if got := errs.CodeOf(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}
