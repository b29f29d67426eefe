package org_test

import (
	"context"
	"slices"
	"testing"

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

// fixture is a small country: a national team, region Noord with the
// municipalities Groningen and Assen and a partner, region Zuid with
// Maastricht; a national beheerder, a beheerder in Groningen (Noord), one in
// Maastricht (Zuid) and a signaleerder in Groningen.
type fixture struct {
	ctx  context.Context
	db   *store.DB
	clk  *storetest.Clock
	log  *audit.Log
	svc  *org.Service
	auth *auth.Service

	national, noord, zuid, groningen, assen, maastricht, partner org.Organisation

	// noordAdmin is Groningen's beheerder (a municipality: its own
	// organisation only); regionAdmin the region Noord's own.
	natAdmin, noordAdmin, regionAdmin, zuidAdmin, signaleerder org.User
}

// each runs fn on both databases (storetest.Each), each time with a fresh
// database that has an injected clock and the fixture's organisations and users.
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		clk := storetest.NewClock()
		f := newFixture(t, storetest.NewWithClock(t, d, clk.Now), clk)
		fn(t, f)
	})
}

func newFixture(t *testing.T, db *store.DB, clk *storetest.Clock) *fixture {
	t.Helper()
	keys, err := fieldcrypt.New(fieldcrypt.Generate())
	if err != nil {
		t.Fatal(err)
	}
	log := audit.New(keys)
	a, err := auth.NewService(db, log, keys, auth.Config{Params: password.Fast})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ctx: context.Background(), db: db, clk: clk, log: log, svc: org.NewService(db, log, password.Fast), auth: a}
	f.national = f.mustOrg(t, org.OrgInput{Kind: org.National, Name: "Nationaal Team"})
	f.noord = f.mustOrg(t, org.OrgInput{Kind: org.Region, Name: "Noord"})
	f.zuid = f.mustOrg(t, org.OrgInput{Kind: org.Region, Name: "Zuid"})
	f.groningen = f.mustOrg(t, org.OrgInput{Kind: org.Municipality, Name: "Groningen", RegionID: f.noord.ID})
	f.assen = f.mustOrg(t, org.OrgInput{Kind: org.Municipality, Name: "Assen", RegionID: f.noord.ID})
	f.maastricht = f.mustOrg(t, org.OrgInput{Kind: org.Municipality, Name: "Maastricht", RegionID: f.zuid.ID})
	f.partner = f.mustOrg(t, org.OrgInput{Kind: org.Partner, Name: "Veilig Thuis Noord", RegionID: f.noord.ID, PartnerType: "veilig-thuis"})
	f.natAdmin = f.mustUser(t, "nat@baken.nl", "Nina Nationaal", f.national.ID, policy.Beheerder)
	f.noordAdmin = f.mustUser(t, "beheer@groningen.nl", "Bert Beheer", f.groningen.ID, policy.Beheerder)
	f.zuidAdmin = f.mustUser(t, "beheer@maastricht.nl", "Zara Zuid", f.maastricht.ID, policy.Beheerder)
	f.regionAdmin = f.mustUser(t, "beheer@noord.nl", "Rita Regio", f.noord.ID, policy.Beheerder)
	f.signaleerder = f.mustUser(t, "sig@groningen.nl", "Sam Signaal", f.groningen.ID, policy.Signaleerder)
	return f
}

func (f *fixture) mustOrg(t *testing.T, in org.OrgInput) org.Organisation {
	t.Helper()
	o, err := f.svc.CreateOrg(f.ctx, org.System, in)
	if err != nil {
		t.Fatalf("create organisation %q: %v", in.Name, err)
	}
	return o
}

func (f *fixture) mustUser(t *testing.T, email, name, orgID string, roles ...policy.Role) org.User {
	t.Helper()
	u, err := f.svc.CreateUser(f.ctx, org.System, org.UserInput{Email: email, Name: name, OrganisationID: orgID,
		Roles: roles, Password: testPassword})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// load reads a user without a policy check or a processing-log record.
func (f *fixture) load(t *testing.T, id string) org.User {
	t.Helper()
	var u org.User
	err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
		var err error
		u, err = org.LoadUser(f.ctx, tx, id)
		return err
	})
	if err != nil {
		t.Fatalf("load user %s: %v", id, err)
	}
	return u
}

// input returns the editable part of u, for UpdateUser.
func input(u org.User) org.UserInput {
	return org.UserInput{Email: u.Email, Name: u.Name, Phone: u.Phone, OrganisationID: u.OrganisationID,
		Roles: slices.Clone(u.Roles), Locale: u.Locale, Disabled: u.Disabled}
}

func orgInput(o org.Organisation) org.OrgInput {
	return org.OrgInput{Kind: o.Kind, Name: o.Name, RegionID: o.RegionID, PartnerType: o.PartnerType,
		ContactEmail: o.ContactEmail, ContactPhone: o.ContactPhone}
}

// wantCode fails t unless err carries code.
func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if got := errs.CodeOf(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

// fields returns the field errors of err as sorted "field:key" strings.
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

func wantFields(t *testing.T, err error, code errs.Code, want ...string) {
	t.Helper()
	wantCode(t, err, code)
	slices.Sort(want)
	if got := fields(err); !slices.Equal(got, want) {
		t.Fatalf("field errors = %v, want %v", got, want)
	}
}

// count returns the number of rows of table matching where ("" for all).
func (f *fixture) count(t *testing.T, table, where string, args ...any) int {
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

// counts returns the row counts of the tables a service call may write.
func (f *fixture) counts(t *testing.T) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, tb := range []string{"organisations", "users", "user_roles", "sessions", "api_tokens", "processing_log"} {
		m[tb] = f.count(t, tb, "")
	}
	return m
}

func (f *fixture) wantCounts(t *testing.T, want map[string]int) {
	t.Helper()
	got := f.counts(t)
	for tb, n := range want {
		if got[tb] != n {
			t.Errorf("%s has %d rows, want %d (nothing may be half-written)", tb, got[tb], n)
		}
	}
}

// records returns processing-log records, newest first.
func (f *fixture) records(t *testing.T, flt audit.Filter) []audit.Record {
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

// verifyLog fails t unless the processing log's hash chain is intact and
// holds every row of processing_log.
func (f *fixture) verifyLog(t *testing.T) {
	t.Helper()
	n, p, err := audit.Verify(f.ctx, f.db)
	if err != nil || p != nil {
		t.Fatalf("audit.Verify: %v %v", p, err)
	}
	if rows := f.count(t, "processing_log", ""); int64(rows) != n || n == 0 {
		t.Fatalf("audit.Verify checked %d records, processing_log holds %d", n, rows)
	}
}

// breakLogHead removes the processing log's chain head, so that the next
// log write fails; the returned function restores it.
func (f *fixture) breakLogHead(t *testing.T) (restore func()) {
	t.Helper()
	var seq int64
	var hash string
	err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(f.ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
			return err
		}
		_, err := tx.Exec(f.ctx, `DELETE FROM audit_head`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return func() {
		t.Helper()
		if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(f.ctx, `INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)`, seq, hash)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
}
