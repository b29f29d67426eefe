package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/config"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

func (e *env) logRecords(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.app.DB.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT count(*) FROM processing_log`).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLoginPerClientLimit (F2): beside the per-account lockout, one client
// address gets a limited number of sign-in attempts a minute, whatever
// addresses it tries; then 429 with Retry-After, before any hashing and
// without a processing-log record. Behind a trusted proxy the client is the
// rightmost X-Forwarded-For entry; without --trust-proxy that header is
// ignored.
func TestLoginPerClientLimit(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			for _, trust := range []bool{false, true} {
				t.Run("trust-proxy="+strconv.FormatBool(trust), func(t *testing.T) {
					e := newEnv(t, d, func(c *config.Config) { c.LoginPerClient, c.TrustProxy = 3, trust })
					c := e.client()
					c.get("/inloggen")
					c.header.Set("X-Forwarded-For", "198.51.100.1, 203.0.113.9")
					for i := range 3 {
						c.post("/inloggen", url.Values{"email": {"iemand" + strconv.Itoa(i) + "@example.nl"}, "password": {"wrong password"}}).
							wantStatus(t, http.StatusUnprocessableEntity)
					}
					before := e.logRecords(t)
					r := c.post("/inloggen", url.Values{"email": {e.users[policy.Analist].Email}, "password": {testPassword}})
					r.wantStatus(t, http.StatusTooManyRequests).wantContains(t, tr("nl", "auth.client_throttled"))
					if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 20 {
						t.Errorf("Retry-After %q, want the seconds until the next attempt (20 at most)", r.Header.Get("Retry-After"))
					}
					if c.cookie("baken_session") != "" {
						t.Error("a throttled attempt signed in")
					}
					if n := e.logRecords(t); n != before {
						t.Errorf("%d processing-log records for a throttled attempt, want none", n-before)
					}
					// Another client (behind the trusted proxy: another
					// rightmost address) still signs in; without trust, the
					// header changes nothing: the same peer, still throttled.
					c.header.Set("X-Forwarded-For", "198.51.100.1, 203.0.113.10")
					r = c.post("/inloggen", url.Values{"email": {e.users[policy.Analist].Email}, "password": {testPassword}})
					if trust {
						r.wantStatus(t, http.StatusSeeOther)
					} else {
						r.wantStatus(t, http.StatusTooManyRequests)
					}
				})
			}
		})
	}
}

// TestLoginBusy (F2): when the hashing memory budget has no room within the
// wait, sign-in answers 503 with Retry-After and the busy message, instead
// of allocating.
func TestLoginBusy(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.client()
		c.get("/inloggen")
		release, err := password.Hold(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		r := c.post("/inloggen", url.Values{"email": {e.users[policy.Analist].Email}, "password": {testPassword}})
		release()
		r.wantStatus(t, http.StatusServiceUnavailable).wantContains(t, tr("nl", "auth.busy"), `value="`+e.users[policy.Analist].Email+`"`)
		if r.Header.Get("Retry-After") == "" {
			t.Error("busy answer without Retry-After")
		}
		c.post("/inloggen", url.Values{"email": {e.users[policy.Analist].Email}, "password": {testPassword}}).wantStatus(t, http.StatusSeeOther)
	})
}

// TestLogHidesTypedUnknownAddress (F9): after a failed sign-in whose
// "e-mail" was something else (a password typed in the wrong field), the
// processing-log page shows that an unknown address was tried and nothing
// of what was typed.
func TestLogHidesTypedUnknownAddress(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		const typed = "Mijn-Geheime-Wachtwoord-2026"
		c := e.client()
		c.get("/inloggen")
		c.post("/inloggen", url.Values{"email": {typed}, "password": {"x"}}).wantStatus(t, http.StatusUnprocessableEntity)
		e.as(policy.Privacyfunctionaris).get("/logboek?action=auth.login").wantStatus(t, http.StatusOK).
			wantContains(t, tr("nl", "web.log.unknown_address")).wantLacks(t, typed, strings.ToLower(typed))
	})
}

// TestAccountTokenExpiryAndRevokeOnPasswordChange (F5): on Mijn account a
// token gets the validity chosen (a wrong one is refused with the name kept),
// the list shows its expiry, and the own password change revokes every
// token when its checkbox is ticked (and keeps the tick after a refusal).
func TestAccountTokenExpiryAndRevokeOnPasswordChange(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.users[policy.Beleidsmedewerker]
		c := e.as(policy.Beleidsmedewerker)
		page := c.get("/account").wantStatus(t, http.StatusOK)
		page.wantContains(t, `name="days"`, `<option value="90" selected>`, `name="revoke_tokens"`)
		c.post("/account/tokens", url.Values{"name": {"script"}, "days": {"400"}}).wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, `id="error-days"`, tr("nl", "token.days.invalid"), `value="script"`, `<option value="365"`)
		c.post("/account/tokens", url.Values{"name": {"maandscript"}, "days": {"30"}}).wantStatus(t, http.StatusCreated)
		toks, err := e.app.Auth.ListTokens(ctx, u.Subject(), u.ID)
		if err != nil || len(toks) != 1 {
			t.Fatalf("tokens %+v %v", toks, err)
		}
		if d := toks[0].ExpiresAt.Sub(toks[0].CreatedAt); d != 30*24*time.Hour {
			t.Errorf("valid for %v, want 30 days", d)
		}
		c.get("/account").wantContains(t, tr("nl", "web.token.expires"))

		// A refused change keeps the tick; a ticked change revokes the tokens.
		c.post("/account/wachtwoord", url.Values{"current": {testPassword}, "new": {"kort"}, "repeat": {"kort"}, "revoke_tokens": {"1"}}).
			wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, `value="1" checked`)
		c.post("/account/wachtwoord", url.Values{"current": {testPassword}, "new": {"een nieuw lang wachtwoord"}, "repeat": {"een nieuw lang wachtwoord"}, "revoke_tokens": {"1"}}).
			wantStatus(t, http.StatusSeeOther)
		toks, _ = e.app.Auth.ListTokens(ctx, u.Subject(), u.ID)
		if len(toks) != 1 || toks[0].RevokedAt == nil {
			t.Errorf("token after a password change with revoke_tokens: %+v", toks)
		}
	})
}
