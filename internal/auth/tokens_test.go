package auth_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store/storetest"
)

// "bkn_" and 32 random bytes in lower-case base32.
var tokenRE = regexp.MustCompile(`^bkn_[a-z2-7]{52}$`)

func TestCreateToken(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.clk.Advance(time.Hour)
		now := f.clk.Now()
		secret, tok, err := f.auth.CreateToken(f.ctx, f.sig.Subject(), f.sig.ID, "  rapportage-script ")
		if err != nil {
			t.Fatal(err)
		}
		if !tokenRE.MatchString(secret) {
			t.Fatalf("secret %q", secret)
		}
		if tok.ID == "" || tok.UserID != f.sig.ID || tok.Name != "rapportage-script" || tok.Prefix != secret[:10] ||
			!tok.CreatedAt.Equal(now) || tok.LastUsedAt != nil || tok.RevokedAt != nil {
			t.Errorf("token %+v", tok)
		}
		// Stored only as a hash: neither the secret nor its unshown part is in the database.
		for _, s := range []string{secret, secret[len(tok.Prefix):]} {
			if hits := storetest.Find(t, f.db, s); len(hits) > 0 {
				t.Errorf("token secret stored in %v", hits)
			}
		}
		if n := f.count(t, "api_tokens", "id = ? AND length(token_hash) = 64", tok.ID); n != 1 {
			t.Errorf("no 64-character hash stored for the token")
		}
		recs := f.records(t, audit.Filter{Action: "token.create"})
		if len(recs) != 1 || recs[0].ObjectID != tok.ID || recs[0].ActorID != f.sig.ID || f.subjectOf(t, recs[0]) != f.sig.ID ||
			recs[0].ActivityID != audit.ActivitySecurity {
			t.Errorf("token.create records: %+v", recs)
		}

		u, err := f.auth.TokenUser(f.ctx, secret)
		if err != nil || u.ID != f.sig.ID || u.Organisation.ID != f.groningen.ID {
			t.Fatalf("TokenUser = %+v, %v", u, err)
		}

		// last_used_at is written at most once a minute.
		lastUsed := func() time.Duration {
			return f.timeOf(t, `SELECT last_used_at FROM api_tokens WHERE id = ?`, tok.ID).Time.Sub(now)
		}
		if got := lastUsed(); got != 0 {
			t.Errorf("last used %v after creation, want 0", got)
		}
		for _, st := range []struct{ advance, want time.Duration }{
			{59 * time.Second, 0},
			{time.Second, time.Minute},
			{30 * time.Second, time.Minute},
		} {
			f.clk.Advance(st.advance)
			if _, err := f.auth.TokenUser(f.ctx, secret); err != nil {
				t.Fatal(err)
			}
			if got := lastUsed(); got != st.want {
				t.Errorf("last used at +%v, want +%v", got, st.want)
			}
		}
		f.verifyLog(t)
	})
}

func TestCreateTokenValidation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		tests := []struct {
			name, tokenName string
			want            string // field error; "" for success
		}{
			{"empty", "", "name:field.required"},
			{"only spaces", "   ", "name:field.required"},
			{"101 characters", strings.Repeat("é", 101), "name:field.too_long"},
			{"100 characters", strings.Repeat("é", 100), ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				before := f.count(t, "api_tokens", "")
				secret, _, err := f.auth.CreateToken(f.ctx, f.sig.Subject(), f.sig.ID, tc.tokenName)
				if tc.want == "" {
					if err != nil || secret == "" {
						t.Fatalf("CreateToken: %v", err)
					}
					return
				}
				wantCode(t, err, errs.Invalid)
				if e := errs.As(err); len(e.Fields) != 1 || e.Fields[0].Field+":"+e.Fields[0].Key != tc.want {
					t.Errorf("fields %v, want %s", e.Fields, tc.want)
				}
				if secret != "" || f.count(t, "api_tokens", "") != before {
					t.Errorf("a refused token was made")
				}
			})
		}
	})
}

func TestTokenUserRejects(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		secret, _, err := f.auth.CreateToken(f.ctx, f.sig.Subject(), f.sig.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		rest := strings.TrimPrefix(secret, auth.TokenPrefix)
		for _, bad := range []string{
			"", "bkn_", rest, "BKN_" + rest, strings.ToUpper(secret), secret + "a", secret[:len(secret)-1],
			"bkn_" + strings.Repeat("a", 52), secret + strings.Repeat("a", 200), "bkn_' OR 1=1 --",
		} {
			if u, err := f.auth.TokenUser(f.ctx, bad); err != auth.ErrBadToken || u.ID != "" {
				t.Errorf("TokenUser(%q) = %q, %v; want ErrBadToken", bad, u.ID, err)
			}
		}
		if _, err := f.auth.TokenUser(f.ctx, secret); err != nil {
			t.Fatalf("the real token: %v", err)
		}

		t.Run("disabled user", func(t *testing.T) {
			// Disabled directly in the database, without revoking the token:
			// TokenUser itself must refuse.
			f.exec(t, `UPDATE users SET disabled_at = ? WHERE id = ?`, f.clk.Now(), f.sig.ID)
			if _, err := f.auth.TokenUser(f.ctx, secret); err != auth.ErrBadToken {
				t.Errorf("token of a disabled user: %v", err)
			}
			_, _, err := f.auth.CreateToken(f.ctx, f.sig.Subject(), f.sig.ID, "nieuw")
			wantCode(t, err, errs.Conflict)
		})
	})
}

func TestRevokeToken(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s1, t1, err := f.auth.CreateToken(f.ctx, f.sig.Subject(), f.sig.ID, "een")
		if err != nil {
			t.Fatal(err)
		}
		f.clk.Advance(time.Second)
		s2, t2, err := f.auth.CreateToken(f.ctx, f.sig.Subject(), f.sig.ID, "twee")
		if err != nil {
			t.Fatal(err)
		}
		f.clk.Advance(time.Minute)
		for range 2 { // idempotent
			if err := f.auth.RevokeToken(f.ctx, f.sig.Subject(), t1.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.auth.TokenUser(f.ctx, s1); err != auth.ErrBadToken {
			t.Errorf("revoked token: %v", err)
		}
		if _, err := f.auth.TokenUser(f.ctx, s2); err != nil {
			t.Errorf("the other token: %v", err)
		}
		recs := f.records(t, audit.Filter{Action: "token.revoke"})
		if len(recs) != 1 || recs[0].ObjectID != t1.ID || recs[0].ActorID != f.sig.ID {
			t.Errorf("token.revoke records (one, for the first revocation): %+v", recs)
		}
		toks, err := f.auth.ListTokens(f.ctx, f.sig.Subject(), f.sig.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(toks) != 2 || toks[0].ID != t2.ID || toks[1].ID != t1.ID {
			t.Fatalf("ListTokens (newest first) = %+v", toks)
		}
		if toks[1].RevokedAt == nil || !toks[1].RevokedAt.Equal(f.clk.Now()) || toks[0].RevokedAt != nil {
			t.Errorf("revoked at: %v, %v", toks[1].RevokedAt, toks[0].RevokedAt)
		}
		if toks[0].LastUsedAt == nil || !toks[0].LastUsedAt.Equal(f.clk.Now()) || toks[1].Name != "een" || toks[1].Prefix != s1[:10] {
			t.Errorf("listed %+v", toks)
		}
		wantCode(t, f.auth.RevokeToken(f.ctx, f.sig.Subject(), "no-such-token"), errs.NotFound)
		f.verifyLog(t)
	})
}

func TestTokenScope(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		secret, tok, err := f.auth.CreateToken(f.ctx, f.sig.Subject(), f.sig.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		actors := []struct {
			name  string
			actor policy.Subject
			want  errs.Code // "" for allowed
		}{
			{"the user", f.sig.Subject(), ""},
			{"beheerder of the same region", f.noordAdmin.Subject(), ""},
			{"beheerder of another region", f.zuidAdmin.Subject(), errs.NotFound},
			{"colleague signaleerder", f.colleague.Subject(), errs.NotFound},
			{"anonymous", policy.Subject{}, errs.Unauthenticated},
		}
		for _, a := range actors {
			t.Run(a.name, func(t *testing.T) {
				toks, err := f.auth.ListTokens(f.ctx, a.actor, f.sig.ID)
				if a.want == "" {
					if err != nil || !slices.ContainsFunc(toks, func(x auth.Token) bool { return x.ID == tok.ID }) {
						t.Errorf("ListTokens = %+v, %v", toks, err)
					}
				} else {
					wantCode(t, err, a.want)
					if toks != nil {
						t.Errorf("tokens shown to %s: %+v", a.name, toks)
					}
				}

				// Only the user makes a token: it acts as them (the
				// beheerder may list and revoke, never make one).
				before := f.count(t, "api_tokens", "")
				s, _, err := f.auth.CreateToken(f.ctx, a.actor, f.sig.ID, "van "+a.name)
				if a.actor.UserID != "" && a.actor.UserID == f.noordAdmin.ID {
					wantCode(t, err, errs.Forbidden)
					if s != "" || f.count(t, "api_tokens", "") != before {
						t.Errorf("token made for %s", a.name)
					}
				} else if a.want == "" {
					if err != nil || s == "" {
						t.Errorf("CreateToken: %v", err)
					}
				} else {
					wantCode(t, err, a.want)
					if s != "" || f.count(t, "api_tokens", "") != before {
						t.Errorf("token made for %s", a.name)
					}
				}

				if a.want != "" {
					wantCode(t, f.auth.RevokeToken(f.ctx, a.actor, tok.ID), a.want)
					if _, err := f.auth.TokenUser(f.ctx, secret); err != nil {
						t.Errorf("token revoked by %s: %v", a.name, err)
					}
				}
			})
		}
		// The region's beheerder may revoke it.
		if err := f.auth.RevokeToken(f.ctx, f.noordAdmin.Subject(), tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.auth.TokenUser(f.ctx, secret); err != auth.ErrBadToken {
			t.Errorf("after revocation by the beheerder: %v", err)
		}
		wantCode(t, func() error { _, err := f.auth.ListTokens(f.ctx, f.noordAdmin.Subject(), "no-such-user"); return err }(), errs.NotFound)
		f.verifyLog(t)
	})
}

// TestTokenExpiry (F5): a token is valid for the days chosen at creation
// (90 by default, 1 to 365), listed with its expiry, and refused like a
// revoked one from its expiry on; a token without an expiry is refused.
func TestTokenExpiry(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		sub := f.sig.Subject()
		// Every problem at once, nothing made.
		before := f.count(t, "api_tokens", "")
		for _, days := range []int{0, -1, 366} {
			_, _, err := f.auth.CreateTokenFor(f.ctx, sub, f.sig.ID, "", days)
			e := errs.As(err)
			if e == nil || e.Code != errs.Invalid || len(e.Fields) != 2 || e.Fields[0].Field != "name" || e.Fields[1].Key != "token.days.invalid" {
				t.Errorf("days %d: %v %+v", days, err, e)
			}
		}
		if n := f.count(t, "api_tokens", ""); n != before {
			t.Fatalf("%d tokens made by refused requests", n-before)
		}
		now := f.clk.Now()
		def, dt, err := f.auth.CreateToken(f.ctx, sub, f.sig.ID, "standaard")
		if err != nil {
			t.Fatal(err)
		}
		week, wt, err := f.auth.CreateTokenFor(f.ctx, sub, f.sig.ID, "een week", 7)
		if err != nil {
			t.Fatal(err)
		}
		year, _, err := f.auth.CreateTokenFor(f.ctx, sub, f.sig.ID, "een jaar", auth.MaxTokenDays)
		if err != nil {
			t.Fatal(err)
		}
		if !dt.ExpiresAt.Equal(now.AddDate(0, 0, auth.DefaultTokenDays)) || !wt.ExpiresAt.Equal(now.AddDate(0, 0, 7)) {
			t.Errorf("expiry %v and %v, want 90 and 7 days after %v", dt.ExpiresAt, wt.ExpiresAt, now)
		}
		toks, err := f.auth.ListTokens(f.ctx, sub, f.sig.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range toks {
			if tok.ID == wt.ID && (!tok.ExpiresAt.Equal(wt.ExpiresAt) || tok.Expired) {
				t.Errorf("listed %+v", tok)
			}
		}
		f.clk.Advance(7*24*time.Hour - time.Second)
		if _, err := f.auth.TokenUser(f.ctx, week); err != nil {
			t.Errorf("a second before its expiry: %v", err)
		}
		f.clk.Advance(time.Second)
		if _, err := f.auth.TokenUser(f.ctx, week); err != auth.ErrBadToken {
			t.Errorf("at its expiry: %v, want ErrBadToken", err)
		}
		if _, err := f.auth.TokenUser(f.ctx, def); err != nil {
			t.Errorf("the 90-day token after a week: %v", err)
		}
		toks, _ = f.auth.ListTokens(f.ctx, sub, f.sig.ID)
		for _, tok := range toks {
			if tok.Expired != (tok.ID == wt.ID) {
				t.Errorf("token %q listed as expired=%v", tok.Name, tok.Expired)
			}
		}
		f.clk.Advance(time.Duration(auth.MaxTokenDays) * 24 * time.Hour)
		if _, err := f.auth.TokenUser(f.ctx, year); err != auth.ErrBadToken {
			t.Errorf("the year token after a year: %v, want ErrBadToken", err)
		}
		// A token without an expiry (none remain after migration 0008) is refused.
		s, tok, err := f.auth.CreateToken(f.ctx, sub, f.sig.ID, "zonder einde")
		if err != nil {
			t.Fatal(err)
		}
		f.exec(t, `UPDATE api_tokens SET expires_at = NULL WHERE id = ?`, tok.ID)
		if _, err := f.auth.TokenUser(f.ctx, s); err != auth.ErrBadToken {
			t.Errorf("a token without expiry: %v, want ErrBadToken", err)
		}
	})
}
