package org_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store/storetest"
)

// subjectOf decrypts the data subject of a processing-log record.
func (f *fixture) subjectOf(t *testing.T, r audit.Record) string {
	t.Helper()
	s, err := f.log.DecryptSubject(r)
	if err != nil {
		t.Fatalf("decrypt subject of record %d: %v", r.Seq, err)
	}
	return s
}

func TestCreateUser(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		tests := []struct {
			name       string
			actor      policy.Subject
			in         org.UserInput
			wantEmail  string
			wantRoles  []policy.Role
			wantLocale string
		}{
			{"normalised", org.System, org.UserInput{Email: "  Anna.de.Vries@Assen.NL ", Name: " Anna de Vries ", Phone: " 06 1234 5678 ",
				OrganisationID: f.assen.ID, Roles: []policy.Role{policy.Signaleerder, policy.Analist, policy.Signaleerder}, Password: testPassword},
				"anna.de.vries@assen.nl", []policy.Role{policy.Analist, policy.Signaleerder}, "nl"},
			{"english, by the region's beheerder", f.regionAdmin.Subject(), org.UserInput{Email: "zc@vtnoord.nl", Name: "Zoë Coördinator",
				OrganisationID: f.partner.ID, Roles: []policy.Role{policy.Analist}, Locale: "en", Password: testPassword},
				"zc@vtnoord.nl", []policy.Role{policy.Analist}, "en"},
			{"password of exactly 12 multi-byte characters", org.System, org.UserInput{Email: "kort@assen.nl", Name: "Kort",
				OrganisationID: f.assen.ID, Roles: []policy.Role{policy.Analist}, Password: strings.Repeat("é", 12)},
				"kort@assen.nl", []policy.Role{policy.Analist}, "nl"},
			// 600 characters, 1200 bytes: within MaxLength characters, so it must be accepted and work.
			{"long multi-byte password", org.System, org.UserInput{Email: "lang@assen.nl", Name: "Lang",
				OrganisationID: f.assen.ID, Roles: []policy.Role{policy.Analist}, Password: strings.Repeat("wachtwoord-ë ", 50)},
				"lang@assen.nl", []policy.Role{policy.Analist}, "nl"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				f.clk.Advance(time.Second)
				u, err := f.svc.CreateUser(f.ctx, tc.actor, tc.in)
				if err != nil {
					t.Fatal(err)
				}
				if u.Email != tc.wantEmail || !slices.Equal(u.Roles, tc.wantRoles) || u.Locale != tc.wantLocale ||
					u.Name != strings.TrimSpace(tc.in.Name) || u.Phone != strings.TrimSpace(tc.in.Phone) ||
					u.OrganisationID != tc.in.OrganisationID || u.Organisation.ID != tc.in.OrganisationID ||
					u.Version != 1 || u.Disabled || !u.CreatedAt.Equal(f.clk.Now()) {
					t.Errorf("created %+v", u)
				}
				got, err := f.svc.GetUser(f.ctx, org.System, u.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Email != u.Email || !slices.Equal(got.Roles, u.Roles) || got.Locale != u.Locale || got.Name != u.Name ||
					got.Phone != u.Phone || got.Organisation != u.Organisation || !got.CreatedAt.Equal(u.CreatedAt) || got.Version != 1 {
					t.Errorf("stored\n %+v\nreturned\n %+v", got, u)
				}
				if !strings.HasPrefix(got.PasswordHash, "$argon2id$") {
					t.Errorf("password hash %q", got.PasswordHash)
				}
				if hits := storetest.Find(t, f.db, tc.in.Password); len(hits) > 0 {
					t.Errorf("the plain password is stored in %v", hits)
				}
				// The password works.
				if _, lu, err := f.auth.Login(f.ctx, tc.in.Email, tc.in.Password, ""); err != nil || lu.ID != u.ID {
					t.Errorf("login with the new account's password: %v", err)
				}
				recs := f.records(t, audit.Filter{ObjectID: u.ID, Action: "user.create"})
				if len(recs) != 1 || recs[0].ActorID != tc.actor.UserID || recs[0].SubjectType != audit.SubjectUser ||
					f.subjectOf(t, recs[0]) != u.ID || recs[0].Detail != "roles: "+joinRoles(tc.wantRoles) {
					t.Errorf("user.create records: %+v", recs)
				}
			})
		}
		f.verifyLog(t)
	})
}

func joinRoles(rs []policy.Role) string {
	var s []string
	for _, r := range rs {
		s = append(s, string(r))
	}
	return strings.Join(s, ",")
}

func TestCreateUserValidation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		tests := []struct {
			name string
			in   org.UserInput
			want []string
		}{
			{"everything wrong at once",
				org.UserInput{Email: "geen adres", Name: " ", Phone: strings.Repeat("1", 41), OrganisationID: "no-such-org",
					Roles: []policy.Role{"koning"}, Locale: "de", Password: "kort"},
				[]string{"email:field.email", "name:field.required", "phone:field.too_long", "organisationId:user.organisation.unknown",
					"roles:user.roles.invalid", "locale:user.locale.invalid", "password:password.too_short"}},
			{"nothing filled in", org.UserInput{},
				[]string{"email:field.required", "name:field.required", "organisationId:field.required",
					"roles:user.roles.required", "password:password.too_short"}},
			{"one unknown role among known ones",
				org.UserInput{Email: "a@assen.nl", Name: "A", OrganisationID: f.assen.ID,
					Roles: []policy.Role{policy.Signaleerder, "god", policy.Analist}, Password: testPassword},
				[]string{"roles:user.roles.invalid"}},
			{"password of 11 characters",
				org.UserInput{Email: "a@assen.nl", Name: "A", OrganisationID: f.assen.ID, Roles: []policy.Role{policy.Analist},
					Password: strings.Repeat("é", 11)},
				[]string{"password:password.too_short"}},
			{"password too long",
				org.UserInput{Email: "a@assen.nl", Name: "A", OrganisationID: f.assen.ID, Roles: []policy.Role{policy.Analist},
					Password: strings.Repeat("x", 1025)},
				[]string{"password:field.too_long"}},
			{"e-mail address with a display name",
				org.UserInput{Email: "Anna <a@assen.nl>", Name: "A", OrganisationID: f.assen.ID, Roles: []policy.Role{policy.Analist},
					Password: testPassword},
				[]string{"email:field.email"}},
		}
		before := f.counts(t)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.svc.CreateUser(f.ctx, org.System, tc.in)
				wantFields(t, err, errs.Invalid, tc.want...)
			})
		}
		f.wantCounts(t, before)
	})
}

func TestCreateUserDuplicateEmail(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		before := f.counts(t)
		for _, email := range []string{"sig@groningen.nl", "  Sig@Groningen.NL ", "BEHEER@MAASTRICHT.NL"} {
			_, err := f.svc.CreateUser(f.ctx, org.System, org.UserInput{Email: email, Name: "Dubbel", OrganisationID: f.assen.ID,
				Roles: []policy.Role{policy.Analist}, Password: testPassword})
			wantFields(t, err, errs.Conflict, "email:user.email.taken")
		}
		f.wantCounts(t, before)
	})
}

func TestUserNothingWithoutLogRecord(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		before := f.counts(t)
		restore := f.breakLogHead(t)
		_, err := f.svc.CreateUser(f.ctx, org.System, org.UserInput{Email: "nieuw@assen.nl", Name: "Nieuw", OrganisationID: f.assen.ID,
			Roles: []policy.Role{policy.Analist, policy.Signaleerder}, Password: testPassword})
		wantCode(t, err, errs.Internal)
		in := input(f.signaleerder)
		in.Roles, in.Name, in.Disabled = []policy.Role{policy.Beheerder}, "Nieuwe Naam", true
		_, err = f.svc.UpdateUser(f.ctx, org.System, f.signaleerder.ID, f.signaleerder.Version, in)
		wantCode(t, err, errs.Internal)
		restore()
		f.wantCounts(t, before)
		u, err := f.svc.GetUser(f.ctx, org.System, f.signaleerder.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.Name != f.signaleerder.Name || u.Disabled || u.Version != 1 || !slices.Equal(u.Roles, []policy.Role{policy.Signaleerder}) {
			t.Errorf("after a failed update: %+v", u)
		}
		f.verifyLog(t)
	})
}

func TestUpdateUserRoles(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		actor := f.noordAdmin.Subject()
		f.clk.Advance(time.Minute)
		in := input(f.signaleerder)
		in.Roles = []policy.Role{policy.Signaleerder, policy.Analist}
		in.Phone = "06 9876 5432"
		u, err := f.svc.UpdateUser(f.ctx, actor, f.signaleerder.ID, 1, in)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(u.Roles, []policy.Role{policy.Analist, policy.Signaleerder}) || u.Version != 2 || u.Phone != "06 9876 5432" ||
			!u.UpdatedAt.Equal(f.clk.Now()) {
			t.Errorf("updated %+v", u)
		}
		recs := f.records(t, audit.Filter{ObjectID: f.signaleerder.ID, Action: "user.roles"})
		if len(recs) != 1 {
			t.Fatalf("user.roles records: %+v", recs)
		}
		r := recs[0]
		if r.ActivityID != audit.ActivitySecurity || r.ActorID != actor.UserID || r.ActorOrgID != actor.OrgID ||
			r.Detail != "roles: signaleerder -> analist,signaleerder" || f.subjectOf(t, r) != f.signaleerder.ID || r.Outcome != audit.OK {
			t.Errorf("user.roles record %+v", r)
		}
		if n := len(f.records(t, audit.Filter{ObjectID: f.signaleerder.ID, Action: "user.update"})); n != 1 {
			t.Errorf("%d user.update records, want 1", n)
		}

		// Same roles in another order: no role change is recorded.
		in = input(u)
		in.Roles = []policy.Role{policy.Signaleerder, policy.Analist, policy.Analist}
		in.Name = "Sam S."
		if u, err = f.svc.UpdateUser(f.ctx, actor, u.ID, u.Version, in); err != nil {
			t.Fatal(err)
		}
		if n := len(f.records(t, audit.Filter{ObjectID: u.ID, Action: "user.roles"})); n != 1 {
			t.Errorf("%d user.roles records after an update without role change, want 1", n)
		}

		// Taking a role away.
		in = input(u)
		in.Roles = []policy.Role{policy.Analist}
		if u, err = f.svc.UpdateUser(f.ctx, actor, u.ID, u.Version, in); err != nil {
			t.Fatal(err)
		}
		recs = f.records(t, audit.Filter{ObjectID: u.ID, Action: "user.roles"})
		if len(recs) != 2 || recs[0].Detail != "roles: analist,signaleerder -> analist" {
			t.Errorf("user.roles records: %+v", recs)
		}
		if got, _ := f.svc.GetUser(f.ctx, org.System, u.ID); !slices.Equal(got.Roles, []policy.Role{policy.Analist}) || got.Version != 4 {
			t.Errorf("stored %+v", got)
		}
		f.verifyLog(t)
	})
}

func TestUpdateUserRefused(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		actor := f.noordAdmin.Subject()
		cur := f.signaleerder
		change := func(fn func(*org.UserInput)) org.UserInput {
			in := input(cur)
			fn(&in)
			return in
		}
		tests := []struct {
			name    string
			id      string
			version int
			in      org.UserInput
			code    errs.Code
			fields  []string
		}{
			{"stale version", cur.ID, 0, change(func(in *org.UserInput) { in.Name = "Overschreven" }), errs.Conflict, nil},
			{"all validation errors", cur.ID, 1, org.UserInput{Locale: "fr", Password: "kort"}, errs.Invalid,
				[]string{"email:field.required", "name:field.required", "organisationId:field.required", "roles:user.roles.required",
					"locale:user.locale.invalid", "password:password.too_short"}},
			{"unknown organisation", cur.ID, 1, change(func(in *org.UserInput) { in.OrganisationID = "no-such-org" }), errs.Invalid,
				[]string{"organisationId:user.organisation.unknown"}},
			{"e-mail address of another account", cur.ID, 1, change(func(in *org.UserInput) { in.Email = "Beheer@Groningen.nl" }),
				errs.Conflict, []string{"email:user.email.taken"}},
			{"unknown user", "no-such-user", 1, change(func(*org.UserInput) {}), errs.NotFound, nil},
		}
		before := f.counts(t)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.svc.UpdateUser(f.ctx, actor, tc.id, tc.version, tc.in)
				wantFields(t, err, tc.code, tc.fields...)
			})
		}
		f.wantCounts(t, before)
		got, err := f.svc.GetUser(f.ctx, org.System, cur.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != cur.Name || got.Email != cur.Email || got.Version != 1 || got.Locale != "nl" {
			t.Errorf("changed by refused updates: %+v", got)
		}
	})
}

func TestDisableUserEndsSessionsAndTokens(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		sig := f.signaleerder
		var cookies []string
		for range 2 {
			c, _, err := f.auth.Login(f.ctx, sig.Email, testPassword, "")
			if err != nil {
				t.Fatal(err)
			}
			cookies = append(cookies, c)
		}
		secret, _, err := f.auth.CreateToken(f.ctx, sig.Subject(), sig.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.auth.TokenUser(f.ctx, secret); err != nil {
			t.Fatal(err)
		}
		otherCookie, _, err := f.auth.Login(f.ctx, f.noordAdmin.Email, testPassword, "")
		if err != nil {
			t.Fatal(err)
		}

		in := input(sig)
		in.Disabled = true
		u, err := f.svc.UpdateUser(f.ctx, f.noordAdmin.Subject(), sig.ID, sig.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if !u.Disabled {
			t.Fatal("not disabled")
		}
		for _, c := range cookies {
			if _, _, err := f.auth.SessionUser(f.ctx, c); err != auth.ErrNoSession {
				t.Errorf("session of a disabled user: %v", err)
			}
		}
		if n := f.count(t, "sessions", "user_id = ?", sig.ID); n != 0 {
			t.Errorf("%d sessions left", n)
		}
		if n := f.count(t, "api_tokens", "user_id = ? AND revoked_at IS NULL", sig.ID); n != 0 {
			t.Errorf("%d tokens not revoked", n)
		}
		if _, err := f.auth.TokenUser(f.ctx, secret); err != auth.ErrBadToken {
			t.Errorf("token of a disabled user: %v", err)
		}
		if _, _, err := f.auth.Login(f.ctx, sig.Email, testPassword, ""); err != auth.ErrInvalidCredentials {
			t.Errorf("login of a disabled user: %v", err)
		}
		if _, _, err := f.auth.SessionUser(f.ctx, otherCookie); err != nil {
			t.Errorf("another user's session ended too: %v", err)
		}
		recs := f.records(t, audit.Filter{ObjectID: sig.ID, Action: "user.update"})
		if len(recs) != 1 || recs[0].Detail != "disabled: true" {
			t.Errorf("user.update records: %+v", recs)
		}

		// Enabling again: the account works, the revoked token stays revoked.
		in = input(u)
		in.Disabled = false
		if u, err = f.svc.UpdateUser(f.ctx, f.noordAdmin.Subject(), sig.ID, u.Version, in); err != nil || u.Disabled {
			t.Fatalf("enable: %+v %v", u, err)
		}
		if _, _, err := f.auth.Login(f.ctx, sig.Email, testPassword, ""); err != nil {
			t.Errorf("login after enabling: %v", err)
		}
		if _, err := f.auth.TokenUser(f.ctx, secret); err != auth.ErrBadToken {
			t.Errorf("revoked token after enabling: %v", err)
		}
		if recs := f.records(t, audit.Filter{ObjectID: sig.ID, Action: "user.update"}); recs[0].Detail != "disabled: false" {
			t.Errorf("user.update record %+v", recs[0])
		}
		f.verifyLog(t)
	})
}

func TestUpdateUserPasswordReset(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		sig := f.signaleerder
		cookie, _, err := f.auth.Login(f.ctx, sig.Email, testPassword, "")
		if err != nil {
			t.Fatal(err)
		}
		secret, _, err := f.auth.CreateToken(f.ctx, sig.Subject(), sig.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		in := input(sig)
		in.Password = strings.Repeat("ü", 1000) // 1000 characters (within MaxLength), 2000 bytes
		if _, err := f.svc.UpdateUser(f.ctx, f.noordAdmin.Subject(), sig.ID, sig.Version, in); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.auth.SessionUser(f.ctx, cookie); err != auth.ErrNoSession {
			t.Errorf("session after a password reset: %v", err)
		}
		// F5: a reset also revokes every API token of the account.
		if _, err := f.auth.TokenUser(f.ctx, secret); err != auth.ErrBadToken {
			t.Errorf("API token after a password reset: %v, want ErrBadToken", err)
		}
		if n := f.count(t, "api_tokens", "user_id = ? AND revoked_at IS NULL", sig.ID); n != 0 {
			t.Errorf("%d tokens not revoked by the reset", n)
		}
		if _, _, err := f.auth.Login(f.ctx, sig.Email, testPassword, ""); err != auth.ErrInvalidCredentials {
			t.Errorf("login with the old password: %v", err)
		}
		if _, _, err := f.auth.Login(f.ctx, sig.Email, in.Password, ""); err != nil {
			t.Errorf("login with the new password: %v", err)
		}
		recs := f.records(t, audit.Filter{ObjectID: sig.ID, Action: "user.update"})
		if len(recs) != 1 || recs[0].Detail != "password reset" {
			t.Errorf("user.update records: %+v", recs)
		}
	})
}

func TestSelfLockout(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		me := f.noordAdmin
		// Separation of duties: nobody changes their own roles or
		// organisation or resets their own password here.
		tests := []struct {
			name   string
			change func(*org.UserInput)
			field  string
		}{
			{"disable own account", func(in *org.UserInput) { in.Disabled = true }, "roles:user.self_lockout"},
			{"drop own beheerder role", func(in *org.UserInput) { in.Roles = []policy.Role{policy.Analist} }, "roles:user.self_roles"},
			{"keep beheerder and add a role", func(in *org.UserInput) { in.Roles = append(in.Roles, policy.Analist) }, "roles:user.self_roles"},
			{"give oneself the care coordinator's role", func(in *org.UserInput) { in.Roles = append(in.Roles, policy.Zorgcoordinator) },
				"roles:user.self_roles"},
			{"move oneself to another organisation", func(in *org.UserInput) { in.OrganisationID = f.assen.ID }, "organisationId:user.self_organisation"},
			{"set one's own password", func(in *org.UserInput) { in.Password = "een heel nieuw wachtwoord" }, "password:user.self_password"},
			{"change one's own phone", func(in *org.UserInput) { in.Phone = "050 111 2222" }, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				cur, err := f.svc.GetUser(f.ctx, org.System, me.ID)
				if err != nil {
					t.Fatal(err)
				}
				in := input(cur)
				tc.change(&in)
				_, err = f.svc.UpdateUser(f.ctx, me.Subject(), me.ID, cur.Version, in)
				if tc.field == "" {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				wantFields(t, err, errs.Invalid, tc.field)
				if got, _ := f.svc.GetUser(f.ctx, org.System, me.ID); got.Disabled || !slices.Equal(got.Roles, []policy.Role{policy.Beheerder}) ||
					len(got.PendingRoles) != 0 || got.OrganisationID != f.groningen.ID || got.Version != cur.Version {
					t.Errorf("changed: %+v", got)
				}
			})
		}
		// Another beheerder may do what one may not do to oneself.
		cur, _ := f.svc.GetUser(f.ctx, org.System, me.ID)
		in := input(cur)
		in.Disabled = true
		if _, err := f.svc.UpdateUser(f.ctx, f.natAdmin.Subject(), me.ID, cur.Version, in); err != nil {
			t.Errorf("national beheerder disables a beheerder: %v", err)
		}
	})
}

func TestUserScope(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		noord, sig := f.regionAdmin.Subject(), f.signaleerder.Subject()
		gron := f.noordAdmin.Subject() // a municipality's beheerder: its own organisation only
		update := func(actor policy.Subject, u org.User, change func(*org.UserInput)) error {
			cur := f.load(t, u.ID) // not GetUser: that writes a record of its own
			in := input(cur)
			change(&in)
			_, err := f.svc.UpdateUser(f.ctx, actor, u.ID, cur.Version, in)
			return err
		}
		create := func(actor policy.Subject, email, orgID string) error {
			_, err := f.svc.CreateUser(f.ctx, actor, org.UserInput{Email: email, Name: "Nieuw", OrganisationID: orgID,
				Roles: []policy.Role{policy.Signaleerder}, Password: testPassword})
			return err
		}
		get := func(actor policy.Subject, u org.User) error {
			_, err := f.svc.GetUser(f.ctx, actor, u.ID)
			return err
		}
		rename := func(in *org.UserInput) { in.Phone = "050 000 0000" }
		tests := []struct {
			name   string
			do     func() error
			want   errs.Code
			fields []string
		}{
			{"beheerder reads a user of own organisation", func() error { return get(noord, f.signaleerder) }, "", nil},
			{"beheerder reads a user of another region", func() error { return get(noord, f.zuidAdmin) }, errs.NotFound, nil},
			{"beheerder reads a national user", func() error { return get(noord, f.natAdmin) }, errs.NotFound, nil},
			{"beheerder creates a user in own region", func() error { return create(noord, "n1@assen.nl", f.assen.ID) }, "", nil},
			{"beheerder creates a user at a partner of own region", func() error { return create(noord, "n2@vt.nl", f.partner.ID) }, "", nil},
			{"beheerder creates a user in another region", func() error { return create(noord, "z1@maastricht.nl", f.maastricht.ID) },
				errs.Invalid, []string{"organisationId:user.organisation.out_of_scope"}},
			{"beheerder creates a user in the national organisation", func() error { return create(noord, "z2@baken.nl", f.national.ID) },
				errs.Invalid, []string{"organisationId:user.organisation.out_of_scope"}},
			{"beheerder edits a user of own region", func() error { return update(noord, f.signaleerder, rename) }, "", nil},
			{"beheerder edits a user of another region", func() error { return update(noord, f.zuidAdmin, rename) }, errs.NotFound, nil},
			{"beheerder moves a user into another region", func() error {
				return update(noord, f.signaleerder, func(in *org.UserInput) { in.OrganisationID = f.maastricht.ID })
			}, errs.Invalid, []string{"organisationId:user.organisation.out_of_scope"}},
			{"municipal beheerder creates a user in its municipality", func() error { return create(gron, "g1@groningen.nl", f.groningen.ID) }, "", nil},
			{"municipal beheerder creates a user in another municipality of its region", func() error { return create(gron, "g2@assen.nl", f.assen.ID) },
				errs.Invalid, []string{"organisationId:user.organisation.out_of_scope"}},
			{"municipal beheerder creates a user in its region's organisation", func() error { return create(gron, "g3@noord.nl", f.noord.ID) },
				errs.Invalid, []string{"organisationId:user.organisation.out_of_scope"}},
			{"municipal beheerder creates a user at a partner of its region", func() error { return create(gron, "g4@vt.nl", f.partner.ID) },
				errs.Invalid, []string{"organisationId:user.organisation.out_of_scope"}},
			{"municipal beheerder reads the region's beheerder", func() error { return get(gron, f.regionAdmin) }, errs.NotFound, nil},
			{"municipal beheerder edits the region's beheerder", func() error { return update(gron, f.regionAdmin, rename) }, errs.NotFound, nil},
			{"municipal beheerder moves a user into its region's organisation", func() error {
				return update(gron, f.signaleerder, func(in *org.UserInput) { in.OrganisationID = f.noord.ID })
			}, errs.Invalid, []string{"organisationId:user.organisation.out_of_scope"}},
			{"signaleerder reads itself", func() error { return get(sig, f.signaleerder) }, "", nil},
			{"signaleerder reads a colleague", func() error { return get(sig, f.noordAdmin) }, errs.NotFound, nil},
			{"signaleerder creates a user", func() error { return create(sig, "s1@groningen.nl", f.groningen.ID) }, errs.Forbidden, nil},
			{"signaleerder edits itself", func() error { return update(sig, f.signaleerder, rename) }, errs.Forbidden, nil},
			{"signaleerder gives itself the beheerder role", func() error {
				return update(sig, f.signaleerder, func(in *org.UserInput) { in.Roles = append(in.Roles, policy.Beheerder) })
			}, errs.Forbidden, nil},
			{"signaleerder edits a colleague", func() error { return update(sig, f.noordAdmin, rename) }, errs.NotFound, nil},
			{"signaleerder lists users", func() error { _, _, err := f.svc.ListUsers(f.ctx, sig, org.UserFilter{}); return err }, errs.Forbidden, nil},
			{"anonymous lists users", func() error { _, _, err := f.svc.ListUsers(f.ctx, policy.Subject{}, org.UserFilter{}); return err },
				errs.Unauthenticated, nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				before := f.counts(t)
				err := tc.do()
				if tc.want == "" {
					if err != nil {
						t.Fatalf("want success, got %v", err)
					}
					return
				}
				wantFields(t, err, tc.want, tc.fields...)
				f.wantCounts(t, before)
			})
		}
		if got, _ := f.svc.GetUser(f.ctx, org.System, f.zuidAdmin.ID); got.Phone != "" || got.Version != 1 {
			t.Errorf("zuid's beheerder changed by noord's: %+v", got)
		}
		if got, _ := f.svc.GetUser(f.ctx, org.System, f.signaleerder.ID); got.OrganisationID != f.groningen.ID ||
			slices.Contains(got.Roles, policy.Beheerder) {
			t.Errorf("signaleerder: %+v", got)
		}
	})
}

func TestListUsers(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for i := 1; i <= 7; i++ {
			f.mustUser(t, fmt.Sprintf("gebruiker.%d@assen.nl", i), fmt.Sprintf("Gebruiker %d", i), f.assen.ID, policy.Analist)
		}
		zuidUser := f.mustUser(t, "gebruiker.z@maastricht.nl", "Gebruiker Zuid", f.maastricht.ID, policy.Signaleerder)
		noord, zuid, nat := f.regionAdmin.Subject(), f.zuidAdmin.Subject(), f.natAdmin.Subject()
		gron := f.noordAdmin.Subject()

		names := func(us []org.User) []string {
			var out []string
			for _, u := range us {
				out = append(out, u.Name)
			}
			return out
		}
		gebruikers := func(ns ...int) []string {
			var out []string
			for _, n := range ns {
				out = append(out, fmt.Sprintf("Gebruiker %d", n))
			}
			return out
		}
		tests := []struct {
			name      string
			actor     policy.Subject
			filter    org.UserFilter
			want      []string
			wantTotal int
		}{
			{"noord sees Noord only", noord, org.UserFilter{},
				append([]string{"Bert Beheer"}, append(gebruikers(1, 2, 3, 4, 5, 6, 7), "Rita Regio", "Sam Signaal")...), 10},
			{"groningen sees Groningen only", gron, org.UserFilter{}, []string{"Bert Beheer", "Sam Signaal"}, 2},
			{"groningen searches its region", gron, org.UserFilter{Query: "gebruiker"}, nil, 0},
			{"zuid sees Zuid only", zuid, org.UserFilter{}, []string{"Gebruiker Zuid", "Zara Zuid"}, 2},
			{"national sees everyone", nat, org.UserFilter{Query: "gebruiker"}, append(gebruikers(1, 2, 3, 4, 5, 6, 7), "Gebruiker Zuid"), 8},
			{"search by name, any case", noord, org.UserFilter{Query: "  GEBRUIKER "}, gebruikers(1, 2, 3, 4, 5, 6, 7), 7},
			{"search by part of the e-mail address", noord, org.UserFilter{Query: "ker.3@ASSEN"}, gebruikers(3), 1},
			{"underscore is no wildcard", noord, org.UserFilter{Query: "r_3"}, nil, 0},
			{"first page", noord, org.UserFilter{Query: "gebruiker", Limit: 3}, gebruikers(1, 2, 3), 7},
			{"second page", noord, org.UserFilter{Query: "gebruiker", Limit: 3, Offset: 3}, gebruikers(4, 5, 6), 7},
			{"last page", noord, org.UserFilter{Query: "gebruiker", Limit: 3, Offset: 6}, gebruikers(7), 7},
			{"past the end", noord, org.UserFilter{Query: "gebruiker", Limit: 3, Offset: 30}, nil, 7},
			{"negative offset", noord, org.UserFilter{Query: "gebruiker", Limit: 2, Offset: -5}, gebruikers(1, 2), 7},
			{"one organisation", noord, org.UserFilter{OrganisationID: f.groningen.ID}, []string{"Bert Beheer", "Sam Signaal"}, 2},
			{"an organisation out of scope", noord, org.UserFilter{OrganisationID: f.maastricht.ID}, nil, 0},
			{"search out of scope", noord, org.UserFilter{Query: "zuid"}, nil, 0},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				before := f.count(t, "processing_log", "action = 'user.list'")
				us, total, err := f.svc.ListUsers(f.ctx, tc.actor, tc.filter)
				if err != nil {
					t.Fatal(err)
				}
				if got := names(us); !slices.Equal(got, tc.want) || total != tc.wantTotal {
					t.Errorf("ListUsers = %q (total %d), want %q (total %d)", got, total, tc.want, tc.wantTotal)
				}
				for _, u := range us {
					if len(u.Roles) == 0 || u.Organisation.ID != u.OrganisationID {
						t.Errorf("user %s listed without roles or organisation: %+v", u.Email, u)
					}
				}
				recs := f.records(t, audit.Filter{Action: "user.list", Limit: 1})
				if f.count(t, "processing_log", "action = 'user.list'") != before+1 || recs[0].ActorID != tc.actor.UserID ||
					recs[0].Detail != fmt.Sprintf("count: %d", len(us)) {
					t.Errorf("user.list record: %+v", recs)
				}
			})
		}
		us, _, err := f.svc.ListUsers(f.ctx, zuid, org.UserFilter{Query: "gebruiker"})
		if err != nil || len(us) != 1 || us[0].ID != zuidUser.ID || !slices.Equal(us[0].Roles, []policy.Role{policy.Signaleerder}) {
			t.Errorf("zuid's list: %+v %v", us, err)
		}
		f.verifyLog(t)
	})
}

func TestGetUserIsLogged(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		actor := f.noordAdmin.Subject()
		f.clk.Advance(time.Hour)
		u, err := f.svc.GetUser(f.ctx, actor, f.signaleerder.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != f.signaleerder.ID || u.Email != f.signaleerder.Email {
			t.Errorf("got %+v", u)
		}
		recs := f.records(t, audit.Filter{Action: "user.read"})
		if len(recs) != 1 {
			t.Fatalf("user.read records: %+v", recs)
		}
		r := recs[0]
		if r.ActorID != actor.UserID || r.ActorOrgID != f.groningen.ID || r.ObjectType != "user" || r.ObjectID != u.ID ||
			r.ActivityID != audit.ActivityAccounts || r.SubjectType != audit.SubjectUser || f.subjectOf(t, r) != u.ID ||
			r.SubjectIndex != f.log.SubjectIndex(u.ID) || !r.OccurredAt.Equal(f.clk.Now()) || r.Outcome != audit.OK {
			t.Errorf("user.read record %+v", r)
		}
		// A refused read returns nothing and writes nothing.
		before := f.counts(t)
		if _, err := f.svc.GetUser(f.ctx, f.zuidAdmin.Subject(), f.signaleerder.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("read out of scope: %v", err)
		}
		if _, err := f.svc.GetUser(f.ctx, actor, "no-such-user"); !errs.Is(err, errs.NotFound) {
			t.Errorf("read of an unknown user: %v", err)
		}
		f.wantCounts(t, before)
		f.verifyLog(t)
	})
}

func TestSetLocale(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		sig := f.signaleerder.Subject()
		for _, bad := range []string{"", "de", "NL", "en-GB"} {
			wantFields(t, f.svc.SetLocale(f.ctx, sig, bad), errs.Invalid, "locale:user.locale.invalid")
		}
		wantCode(t, f.svc.SetLocale(f.ctx, policy.Subject{}, "en"), errs.Unauthenticated)
		if err := f.svc.SetLocale(f.ctx, sig, "en"); err != nil {
			t.Fatal(err)
		}
		if u, _ := f.svc.GetUser(f.ctx, org.System, sig.UserID); u.Locale != "en" {
			t.Errorf("locale = %q", u.Locale)
		}
		if u, _ := f.svc.GetUser(f.ctx, org.System, f.noordAdmin.ID); u.Locale != "nl" {
			t.Errorf("another user's locale changed to %q", u.Locale)
		}
		recs := f.records(t, audit.Filter{Action: "user.locale"})
		if len(recs) != 1 || recs[0].ObjectID != sig.UserID || recs[0].ActorID != sig.UserID {
			t.Errorf("user.locale records: %+v", recs)
		}
		f.verifyLog(t)
	})
}

func TestChangePassword(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		sig := f.signaleerder
		const next = "een nieuw en lang wachtwoord"
		login := func(pw string) string {
			t.Helper()
			c, _, err := f.auth.Login(f.ctx, sig.Email, pw, "")
			if err != nil {
				t.Fatalf("login: %v", err)
			}
			return c
		}
		keep, other := login(testPassword), login(testPassword)
		_, keepSess, err := f.auth.SessionUser(f.ctx, keep)
		if err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			name          string
			current, next string
			want          []string
		}{
			{"nothing filled in", "", "", []string{"current:field.required", "new:password.too_short"}},
			{"new password too short", testPassword, "kort", []string{"new:password.too_short"}},
			{"new password too long", testPassword, strings.Repeat("x", 1025), []string{"new:field.too_long"}},
			{"wrong current password", "niet mijn wachtwoord", next, []string{"current:password.current_wrong"}},
		}
		before := f.counts(t)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := f.svc.ChangePassword(f.ctx, sig.Subject(), keepSess.ID, tc.current, tc.next, false)
				wantFields(t, err, errs.Invalid, tc.want...)
			})
		}
		f.wantCounts(t, before)
		for _, c := range []string{keep, other} {
			if _, _, err := f.auth.SessionUser(f.ctx, c); err != nil {
				t.Fatalf("session ended by a refused password change: %v", err)
			}
		}

		f.clk.Advance(time.Minute)
		if err := f.svc.ChangePassword(f.ctx, sig.Subject(), keepSess.ID, testPassword, next, false); err != nil {
			t.Fatal(err)
		}
		if u, _, err := f.auth.SessionUser(f.ctx, keep); err != nil || u.ID != sig.ID {
			t.Errorf("the kept session: %v", err)
		}
		if _, _, err := f.auth.SessionUser(f.ctx, other); err != auth.ErrNoSession {
			t.Errorf("the other session: %v", err)
		}
		if _, _, err := f.auth.Login(f.ctx, sig.Email, testPassword, ""); err != auth.ErrInvalidCredentials {
			t.Errorf("login with the old password: %v", err)
		}
		login(next)
		recs := f.records(t, audit.Filter{Action: "user.password"})
		if len(recs) != 1 || recs[0].ActorID != sig.ID || recs[0].ActivityID != audit.ActivitySecurity || f.subjectOf(t, recs[0]) != sig.ID {
			t.Errorf("user.password records: %+v", recs)
		}
		if hits := storetest.Find(t, f.db, next); len(hits) > 0 {
			t.Errorf("the plain new password is stored in %v", hits)
		}
		f.verifyLog(t)
	})
}

func TestCountUsersInScopeWithoutLogging(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		before := f.count(t, "processing_log", "1 = 1")
		n, err := f.svc.CountUsers(f.ctx, f.natAdmin.Subject())
		if err != nil || n != 5 {
			t.Fatalf("national count: %d %v", n, err)
		}
		n, err = f.svc.CountUsers(f.ctx, f.regionAdmin.Subject())
		if err != nil || n != 3 { // Noord's own beheerder and Groningen's two
			t.Fatalf("region count: %d %v", n, err)
		}
		n, err = f.svc.CountUsers(f.ctx, f.noordAdmin.Subject())
		if err != nil || n != 2 { // the Groningen beheerder and signaleerder
			t.Fatalf("Noord count: %d %v", n, err)
		}
		if _, err := f.svc.CountUsers(f.ctx, f.signaleerder.Subject()); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("signaleerder count: %v", err)
		}
		if after := f.count(t, "processing_log", "1 = 1"); after != before {
			t.Fatalf("counting wrote %d processing-log records", after-before)
		}
	})
}

// TestChangePasswordAlsoRevokesTokens (F5): one's own password change keeps
// the API tokens unless asked to revoke them, and then revokes them all in
// the same change.
func TestChangePasswordAlsoRevokesTokens(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		sig := f.signaleerder
		s1, _, err := f.auth.CreateToken(f.ctx, sig.Subject(), sig.ID, "een")
		if err != nil {
			t.Fatal(err)
		}
		s2, _, err := f.auth.CreateToken(f.ctx, sig.Subject(), sig.ID, "twee")
		if err != nil {
			t.Fatal(err)
		}
		other, _, err := f.auth.CreateToken(f.ctx, f.noordAdmin.Subject(), f.noordAdmin.ID, "van een ander")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ChangePassword(f.ctx, sig.Subject(), "", testPassword, "een nieuw en lang wachtwoord", false); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{s1, s2} {
			if _, err := f.auth.TokenUser(f.ctx, s); err != nil {
				t.Errorf("token revoked without being asked: %v", err)
			}
		}
		if err := f.svc.ChangePassword(f.ctx, sig.Subject(), "", "een nieuw en lang wachtwoord", "nog een nieuw wachtwoord", true); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{s1, s2} {
			if _, err := f.auth.TokenUser(f.ctx, s); err != auth.ErrBadToken {
				t.Errorf("token after a change that revokes them: %v, want ErrBadToken", err)
			}
		}
		if _, err := f.auth.TokenUser(f.ctx, other); err != nil {
			t.Errorf("another user's token: %v", err)
		}
		if recs := f.records(t, audit.Filter{Action: "user.password", Limit: 1}); len(recs) != 1 || recs[0].Detail != "API tokens revoked" {
			t.Errorf("user.password record %+v", recs)
		}
	})
}
