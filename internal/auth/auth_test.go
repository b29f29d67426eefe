package auth_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

// 15 random bytes for the id, 32 for the secret, lower-case base32 without padding.
var cookieRE = regexp.MustCompile(`^([a-z2-7]{24})\.([a-z2-7]{52})$`)

func TestLogin(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.clk.Advance(time.Hour)
		now := f.clk.Now()
		cookie, u, err := f.auth.Login(f.ctx, "  Sig@Groningen.NL ", testPassword, "")
		if err != nil {
			t.Fatal(err)
		}
		m := cookieRE.FindStringSubmatch(cookie)
		if m == nil {
			t.Fatalf("cookie %q is not id.secret", cookie)
		}
		if u.ID != f.sig.ID || u.Organisation.ID != f.groningen.ID || len(u.Roles) != 1 {
			t.Errorf("login returned %+v", u)
		}
		su, sess, err := f.auth.SessionUser(f.ctx, cookie)
		if err != nil {
			t.Fatal(err)
		}
		if su.ID != f.sig.ID || sess.ID != m[1] || sess.UserID != f.sig.ID || !sess.CreatedAt.Equal(now) ||
			!sess.LastSeenAt.Equal(now) || !sess.ExpiresAt.Equal(now.Add(testConfig.AbsoluteTimeout)) {
			t.Errorf("session %+v of %s", sess, su.ID)
		}
		recs := f.records(t, audit.Filter{Action: "auth.login"})
		if len(recs) != 1 {
			t.Fatalf("auth.login records: %+v", recs)
		}
		r := recs[0]
		if r.Outcome != audit.OK || r.ActorID != f.sig.ID || r.ActorOrgID != f.groningen.ID || r.ActivityID != audit.ActivitySecurity ||
			r.SubjectType != audit.SubjectUser || f.subjectOf(t, r) != f.sig.ID || !r.OccurredAt.Equal(now) {
			t.Errorf("auth.login record %+v", r)
		}

		// Only a hash of the secret is stored.
		if hits := storetest.Find(t, f.db, m[2]); len(hits) > 0 {
			t.Errorf("the session secret is stored in %v", hits)
		}
		var hash string
		if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
			return tx.QueryRow(f.ctx, `SELECT secret_hash FROM sessions WHERE id = ?`, m[1]).Scan(&hash)
		}); err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(hash) {
			t.Errorf("secret_hash = %q, want a SHA-256 in hex", hash)
		}
		if hits := storetest.Find(t, f.db, testPassword); len(hits) > 0 {
			t.Errorf("the password is stored in %v", hits)
		}
		f.verifyLog(t)
	})
}

func TestLoginRotatesSession(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		first := f.login(t, f.sig.Email)
		other := f.login(t, f.colleague.Email)

		second, _, err := f.auth.Login(f.ctx, f.sig.Email, testPassword, first)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Split(second, ".")[0] == strings.Split(first, ".")[0] {
			t.Fatalf("session id did not rotate: %q, %q", first, second)
		}
		if _, _, err := f.auth.SessionUser(f.ctx, first); err != auth.ErrNoSession {
			t.Errorf("old cookie after a new login: %v", err)
		}
		if u, _, err := f.auth.SessionUser(f.ctx, second); err != nil || u.ID != f.sig.ID {
			t.Errorf("new cookie: %v", err)
		}
		if n := f.count(t, "sessions", "user_id = ?", f.sig.ID); n != 1 {
			t.Errorf("%d sessions, want 1", n)
		}

		// A cookie naming someone else's session with a wrong secret ends nothing.
		otherID := strings.Split(other, ".")[0]
		if _, _, err := f.auth.Login(f.ctx, f.sig.Email, testPassword, otherID+".not-the-secret"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.auth.Login(f.ctx, f.sig.Email, testPassword, otherID+"."); err != nil {
			t.Fatal(err)
		}
		if u, _, err := f.auth.SessionUser(f.ctx, other); err != nil || u.ID != f.colleague.ID {
			t.Errorf("another user's session was ended by a login that named its id: %v", err)
		}
		// A failed login ends nothing either.
		if _, _, err := f.auth.Login(f.ctx, f.sig.Email, "wrong password!", second); err != auth.ErrInvalidCredentials {
			t.Fatalf("wrong password: %v", err)
		}
		if _, _, err := f.auth.SessionUser(f.ctx, second); err != nil {
			t.Errorf("session ended by a failed login: %v", err)
		}
	})
}

func TestLoginFailuresLookAlike(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.exec(t, `UPDATE users SET disabled_at = ? WHERE id = ?`, f.clk.Now(), f.colleague.ID)
		const unknown = "Onbekend.Persoon@Example.NL"
		tests := []struct {
			name            string
			email, password string
			actor, subject  string
			subjectType     string
			detail          string
		}{
			{"wrong password", f.sig.Email, "not the password", f.sig.ID, f.sig.ID, audit.SubjectUser, ""},
			{"empty password", f.sig.Email, "", f.sig.ID, f.sig.ID, audit.SubjectUser, ""},
			{"unknown address", unknown, testPassword, "", f.keys.Index("login.unknown", "onbekend.persoon@example.nl"), audit.SubjectEmailHash, "unknown account"},
			{"empty address", "", testPassword, "", f.keys.Index("login.unknown", ""), audit.SubjectEmailHash, "unknown account"},
			{"disabled account, right password", f.colleague.Email, testPassword, f.colleague.ID, f.colleague.ID, audit.SubjectUser,
				"account disabled"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				before := f.count(t, "processing_log", "")
				cookie, u, err := f.auth.Login(f.ctx, tc.email, tc.password, "")
				if err != auth.ErrInvalidCredentials || cookie != "" || u.ID != "" {
					t.Fatalf("Login = %q, %q, %v; want the one ErrInvalidCredentials", cookie, u.ID, err)
				}
				if n := f.count(t, "processing_log", ""); n != before+1 {
					t.Fatalf("%d records written, want 1", n-before)
				}
				r := f.records(t, audit.Filter{Limit: 1})[0]
				if r.Action != "auth.login" || r.Outcome != audit.Denied || r.ActorID != tc.actor || r.ObjectID != tc.actor ||
					r.SubjectType != tc.subjectType || f.subjectOf(t, r) != tc.subject || r.Detail != tc.detail ||
					r.ActivityID != audit.ActivitySecurity {
					t.Errorf("record %+v", r)
				}
			})
		}
		if n := f.count(t, "sessions", ""); n != 0 {
			t.Errorf("%d sessions after failed logins", n)
		}
		// The unknown address is kept only encrypted: it appears nowhere in
		// plain text, not in the processing log and not in the throttle table.
		for _, s := range []string{unknown, "onbekend.persoon", "example.nl"} {
			if hits := storetest.Find(t, f.db, s); len(hits) > 0 {
				t.Errorf("%q is stored in plain text in %v", s, hits)
			}
		}
		f.verifyLog(t)
	})
}

func TestLockout(t *testing.T) {
	tests := []struct {
		name    string
		emails  []string // the address as typed, attempt by attempt
		right   string   // the right password; "" for an unknown address
		wantLog string   // detail of the locked-out record
	}{
		{"known address", []string{"sig@groningen.nl", "SIG@groningen.nl", " Sig@Groningen.NL"}, testPassword, "locked out"},
		{"unknown address", []string{"niemand@groningen.nl", "Niemand@groningen.nl", "NIEMAND@GRONINGEN.NL "}, "", "unknown account; locked out"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, f *fixture) {
				email := tc.emails[0]
				attempt := tc.right
				if attempt == "" {
					attempt = testPassword
				}
				for i := range testConfig.MaxFailures {
					if _, _, err := f.auth.Login(f.ctx, tc.emails[i%len(tc.emails)], "wrong password", ""); err != auth.ErrInvalidCredentials {
						t.Fatalf("failure %d: %v", i+1, err)
					}
					f.clk.Advance(time.Minute)
				}
				// Locked, even with the right password.
				if _, _, err := f.auth.Login(f.ctx, email, attempt, ""); err != auth.ErrLocked {
					t.Fatalf("after %d failures: %v, want ErrLocked", testConfig.MaxFailures, err)
				}
				r := f.records(t, audit.Filter{Action: "auth.login", Limit: 1})[0]
				if r.Outcome != audit.Denied || r.Detail != tc.wantLog {
					t.Errorf("locked-out record %+v", r)
				}
				if n := f.count(t, "sessions", ""); n != 0 {
					t.Errorf("%d sessions while locked out", n)
				}
				// The lockout counts from the last failure and lasts Lockout.
				f.clk.Advance(testConfig.Lockout - time.Minute - time.Second)
				if _, _, err := f.auth.Login(f.ctx, strings.ToUpper(email), attempt, ""); err != auth.ErrLocked {
					t.Fatalf("a second before the lockout ends: %v, want ErrLocked", err)
				}
				f.clk.Advance(time.Second)
				_, _, err := f.auth.Login(f.ctx, email, attempt, "")
				if tc.right != "" && err != nil {
					t.Fatalf("after the lockout: %v", err)
				}
				if tc.right == "" && err != auth.ErrInvalidCredentials {
					t.Fatalf("after the lockout: %v, want ErrInvalidCredentials", err)
				}
				// Other addresses are not affected.
				if _, _, err := f.auth.Login(f.ctx, f.colleague.Email, testPassword, ""); err != nil {
					t.Errorf("another account: %v", err)
				}
				f.verifyLog(t)
			})
		})
	}
}

func TestLockoutWindow(t *testing.T) {
	tests := []struct {
		name    string
		advance time.Duration // between the second and the third failure
		want    error         // of a login with the right password after the third failure
	}{
		{"three failures within the window", testConfig.Window - time.Minute, auth.ErrLocked},
		{"window passed", testConfig.Window + time.Second, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, f *fixture) {
				fail := func() {
					t.Helper()
					if _, _, err := f.auth.Login(f.ctx, f.sig.Email, "wrong password", ""); err != auth.ErrInvalidCredentials {
						t.Fatalf("failure: %v", err)
					}
				}
				fail()
				fail()
				f.clk.Advance(tc.advance)
				fail()
				if _, _, err := f.auth.Login(f.ctx, f.sig.Email, testPassword, ""); err != tc.want {
					t.Fatalf("login = %v, want %v", err, tc.want)
				}
			})
		})
	}
}

func TestLoginSuccessResetsFailures(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for round := range 3 {
			for range testConfig.MaxFailures - 1 {
				if _, _, err := f.auth.Login(f.ctx, f.sig.Email, "wrong password", ""); err != auth.ErrInvalidCredentials {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if _, _, err := f.auth.Login(f.ctx, f.sig.Email, testPassword, ""); err != nil {
				t.Fatalf("round %d: login after %d failures: %v", round, testConfig.MaxFailures-1, err)
			}
		}
		if n := f.count(t, "login_throttle", ""); n != 0 {
			t.Errorf("%d throttle rows after a successful login", n)
		}
	})
}

func TestSessionTimeouts(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		use := func(cookie string) error {
			_, _, err := f.auth.SessionUser(f.ctx, cookie)
			return err
		}
		t.Run("idle", func(t *testing.T) {
			c := f.login(t, f.sig.Email)
			for range 3 { // used just within the idle timeout, 1½ hours long (less than the absolute timeout)
				f.clk.Advance(testConfig.IdleTimeout - time.Second)
				if err := use(c); err != nil {
					t.Fatalf("used within the idle timeout: %v", err)
				}
			}
			f.clk.Advance(testConfig.IdleTimeout)
			if err := use(c); err != auth.ErrNoSession {
				t.Fatalf("idle for the idle timeout: %v", err)
			}
			if n := f.count(t, "sessions", "id = ?", strings.Split(c, ".")[0]); n != 0 {
				t.Errorf("idle session not removed")
			}
		})
		t.Run("absolute", func(t *testing.T) {
			c := f.login(t, f.sig.Email)
			start := f.clk.Now()
			for f.clk.Now().Add(20 * time.Minute).Before(start.Add(testConfig.AbsoluteTimeout)) {
				f.clk.Advance(20 * time.Minute)
				if err := use(c); err != nil {
					t.Fatalf("after %v: %v", f.clk.Now().Sub(start), err)
				}
			}
			f.clk.Advance(start.Add(testConfig.AbsoluteTimeout).Sub(f.clk.Now()) - time.Microsecond)
			if err := use(c); err != nil {
				t.Fatalf("just before the absolute timeout: %v", err)
			}
			f.clk.Advance(time.Microsecond)
			if err := use(c); err != auth.ErrNoSession {
				t.Fatalf("at the absolute timeout: %v", err)
			}
			if n := f.count(t, "sessions", "id = ?", strings.Split(c, ".")[0]); n != 0 {
				t.Errorf("expired session not removed")
			}
		})
		t.Run("new login cleans up expired sessions", func(t *testing.T) {
			f.login(t, f.colleague.Email)
			f.clk.Advance(testConfig.IdleTimeout + time.Second)
			f.login(t, f.colleague.Email)
			if n := f.count(t, "sessions", "user_id = ?", f.colleague.ID); n != 1 {
				t.Errorf("%d sessions, want 1", n)
			}
		})
	})
}

func TestSessionUserRejects(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		good := f.login(t, f.sig.Email)
		id, secret, _ := strings.Cut(good, ".")
		other := f.login(t, f.colleague.Email)
		_, otherSecret, _ := strings.Cut(other, ".")
		tests := []struct{ name, cookie string }{
			{"empty", ""},
			{"only a dot", "."},
			{"no dot", id + secret},
			{"no id", "." + secret},
			{"no secret", id + "."},
			{"wrong secret", id + "." + otherSecret},
			{"secret with an extra part", good + ".x"},
			{"secret one character longer", good + "a"},
			{"secret in upper case", id + "." + strings.ToUpper(secret)},
			{"unknown id", "aaaaaaaaaaaaaaaaaaaaaaaa." + secret},
			{"too long", id + "." + secret + strings.Repeat("a", 200)},
			{"sql", "' OR 1=1 --." + secret},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				u, sess, err := f.auth.SessionUser(f.ctx, tc.cookie)
				if err != auth.ErrNoSession || u.ID != "" || sess.ID != "" {
					t.Fatalf("SessionUser(%q) = %q, %q, %v; want ErrNoSession", tc.cookie, u.ID, sess.ID, err)
				}
			})
		}
		// None of that ended the real session.
		if u, _, err := f.auth.SessionUser(f.ctx, good); err != nil || u.ID != f.sig.ID {
			t.Fatalf("the real cookie: %v", err)
		}

		t.Run("disabled user", func(t *testing.T) {
			f.exec(t, `UPDATE users SET disabled_at = ? WHERE id = ?`, f.clk.Now(), f.sig.ID)
			if _, _, err := f.auth.SessionUser(f.ctx, good); err != auth.ErrNoSession {
				t.Fatalf("session of a disabled user: %v", err)
			}
			if _, _, err := f.auth.SessionUser(f.ctx, other); err != nil {
				t.Errorf("another user's session: %v", err)
			}
		})
	})
}

func TestSessionLastSeenWrittenOncePerMinute(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.login(t, f.sig.Email)
		id := strings.Split(c, ".")[0]
		stored := func() time.Time {
			return f.timeOf(t, `SELECT last_seen_at FROM sessions WHERE id = ?`, id).Time
		}
		start := f.clk.Now()
		steps := []struct {
			advance time.Duration
			want    time.Duration // last_seen_at after the call, from start
		}{
			{30 * time.Second, 0},
			{29 * time.Second, 0},                // 59s since the last write
			{time.Second, 60 * time.Second},      // a minute: written
			{59 * time.Second, 60 * time.Second}, // 59s since the last write
			{2 * time.Second, 121 * time.Second},
		}
		for i, st := range steps {
			f.clk.Advance(st.advance)
			_, sess, err := f.auth.SessionUser(f.ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			want := start.Add(st.want)
			if got := stored(); !got.Equal(want) || !sess.LastSeenAt.Equal(want) {
				t.Errorf("step %d: last_seen_at = %v, session says %v, want %v", i, got.Sub(start), sess.LastSeenAt.Sub(start), st.want)
			}
		}
	})
}

func TestLogout(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.login(t, f.sig.Email)
		other := f.login(t, f.sig.Email)
		id, secret, _ := strings.Cut(c, ".")
		_, otherSecret, _ := strings.Cut(other, ".")
		before := f.count(t, "processing_log", "")
		for _, bad := range []string{"", "garbage", id + "." + otherSecret, id + ".", "." + secret, "unknown." + secret} {
			if err := f.auth.Logout(f.ctx, bad); err != nil {
				t.Errorf("Logout(%q) = %v, want a silent no-op", bad, err)
			}
		}
		if _, _, err := f.auth.SessionUser(f.ctx, c); err != nil {
			t.Fatalf("session ended by a logout with a wrong secret: %v", err)
		}
		if n := f.count(t, "processing_log", ""); n != before {
			t.Errorf("%d records for logouts that did nothing", n-before)
		}

		if err := f.auth.Logout(f.ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.auth.SessionUser(f.ctx, c); err != auth.ErrNoSession {
			t.Errorf("after logout: %v", err)
		}
		if _, _, err := f.auth.SessionUser(f.ctx, other); err != nil {
			t.Errorf("the user's other session ended too: %v", err)
		}
		recs := f.records(t, audit.Filter{Action: "auth.logout"})
		if len(recs) != 1 || recs[0].ActorID != f.sig.ID || f.subjectOf(t, recs[0]) != f.sig.ID {
			t.Errorf("auth.logout records: %+v", recs)
		}
		if err := f.auth.Logout(f.ctx, c); err != nil {
			t.Errorf("second logout: %v", err)
		}
		f.verifyLog(t)
	})
}

// TestUnknownAddressNotDisclosed (F9): what was typed into the e-mail field
// for an unknown account — perhaps a password — is not kept: the processing
// log holds only a keyed hash of it, and the log viewer (which the web page,
// the API and the CLI all read through) shows nothing of the typed text.
func TestUnknownAddressNotDisclosed(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		const typed = "Mijn-Geheime-Wachtwoord-2026"
		if _, _, err := f.auth.Login(f.ctx, typed, "", ""); err != auth.ErrInvalidCredentials {
			t.Fatal(err)
		}
		r := f.records(t, audit.Filter{Action: "auth.login", Limit: 1})[0]
		if s := f.subjectOf(t, r); strings.Contains(strings.ToLower(s), strings.ToLower(typed)) || r.SubjectType != audit.SubjectEmailHash {
			t.Errorf("stored subject %q (%s): the typed text is kept", s, r.SubjectType)
		}
		// A record written before this rule, with the typed text, is not shown either.
		if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
			return f.log.Write(f.ctx, tx, audit.Entry{Action: "auth.login", ObjectType: "user", Activity: audit.ActivitySecurity,
				Subject: strings.ToLower(typed), SubjectType: audit.SubjectEmail, Outcome: audit.Denied, Detail: "unknown account"})
		}); err != nil {
			t.Fatal(err)
		}
		fg := policy.Subject{UserID: "fg", OrgID: f.noord.ID, RegionID: f.noord.ID, National: true, Roles: []policy.Role{policy.Privacyfunctionaris}}
		views, _, err := audit.NewViewer(f.db, f.log).Search(f.ctx, fg, audit.Filter{Action: "auth.login", Limit: 10}, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(views) != 2 {
			t.Fatalf("%d views", len(views))
		}
		if b, _ := json.Marshal(views); strings.Contains(strings.ToLower(string(b)), strings.ToLower(typed)) {
			t.Errorf("the viewer shows the typed text: %s", b)
		}
	})
}

// TestShortIdleTimeoutKeepsActiveSessions (F12): last_seen_at is written
// often enough for the configured idle timeout (at most a tenth of it
// apart), so a session in use does not end as idle because its last use
// was not recorded.
func TestShortIdleTimeoutKeepsActiveSessions(t *testing.T) {
	cfg := testConfig
	cfg.IdleTimeout = 90 * time.Second
	eachWith(t, cfg, func(t *testing.T, f *fixture) {
		c := f.login(t, f.sig.Email)
		for i := range 6 { // used every 50 s for five minutes
			f.clk.Advance(50 * time.Second)
			if _, _, err := f.auth.SessionUser(f.ctx, c); err != nil {
				t.Fatalf("use %d, 50 s after the one before: %v", i+1, err)
			}
		}
		f.clk.Advance(cfg.IdleTimeout)
		if _, _, err := f.auth.SessionUser(f.ctx, c); err != auth.ErrNoSession {
			t.Errorf("after the idle timeout: %v, want ErrNoSession", err)
		}
	})
}
