package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

var cat = i18n.MustLoad()

// tr is a catalog text as html/template writes it into a page.
func tr(lang, key string, args ...any) string { return esc(cat.T(lang, key, args...)) }

func setCookieHeader(r *response, name string) string {
	for _, h := range r.Header.Values("Set-Cookie") {
		if strings.HasPrefix(h, name+"=") {
			return h
		}
	}
	return ""
}

func TestLogin(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		sig := e.users[policy.Signaleerder]
		c := e.client()
		r := c.get("/inloggen").wantStatus(t, http.StatusOK)
		r.wantContains(t, `<html lang="nl"`, tr("nl", "web.login.heading"), `name="csrf"`, `autocomplete="current-password"`)

		// Wrong password and unknown account: the same message, the
		// address typed back, the password never.
		wrong := c.post("/inloggen", url.Values{"email": {sig.Email}, "password": {"not the password at all"}})
		wrong.wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, tr("nl", "auth.invalid_credentials"), `value="`+sig.Email+`"`).
			wantLacks(t, "not the password at all")
		unknown := c.post("/inloggen", url.Values{"email": {"nobody@baken.test"}, "password": {"not the password at all"}})
		unknown.wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, tr("nl", "auth.invalid_credentials"), `value="nobody@baken.test"`).
			wantLacks(t, "not the password at all")
		strip := regexp.MustCompile(`value="[^"]*"|[0-9a-f]{32}`)
		if a, b := strip.ReplaceAllString(excerpt(wrong.body), ""), strip.ReplaceAllString(excerpt(unknown.body), ""); a != b {
			t.Errorf("unknown account and wrong password answer differently:\n%s\n---\n%s", a, b)
		}
		// Empty fields: both errors at once, next to the fields.
		c.post("/inloggen", url.Values{"email": {""}, "password": {""}}).wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, `id="error-email"`, `id="error-password"`, `href="#field-email"`, `href="#field-password"`)

		// Success: a session cookie with the right attributes, then the start page.
		r = c.post("/inloggen", url.Values{"email": {strings.ToUpper(sig.Email)}, "password": {testPassword}, "next": {"/wie-is-wie?regio=" + e.noord.ID}})
		r.wantStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/wie-is-wie?regio="+e.noord.ID {
			t.Errorf("after login: Location %q, want the next page", loc)
		}
		sc := setCookieHeader(r, "baken_session")
		for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
			if !strings.Contains(sc, want) {
				t.Errorf("session cookie %q lacks %s", sc, want)
			}
		}
		if strings.Contains(sc, "Max-Age") || strings.Contains(sc, "Expires") || strings.Contains(sc, "Secure") {
			t.Errorf("session cookie %q: want a browser-session cookie without Secure on plain http", sc)
		}
		if sc := setCookieHeader(r, "baken_csrf"); !strings.Contains(sc, "SameSite=Strict") || !strings.Contains(sc, "HttpOnly") {
			t.Errorf("csrf cookie not rotated at sign-in with Strict/HttpOnly: %q", sc)
		}
		c.get("/").wantStatus(t, http.StatusOK).wantContains(t, tr("nl", "web.home.heading", sig.Name), `id="rol-signaleerder"`)
		// A signed-in user on the login page goes on.
		if r := c.get("/inloggen?next=/account"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/account" {
			t.Errorf("login page while signed in: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if strings.Contains(e.logs.String(), testPassword) {
			t.Error("a password reached the log")
		}
	})
}

func TestLoginOpenRedirect(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "evil", "/%0d%0aSet-Cookie:x"} {
			c := e.client()
			c.get("/inloggen")
			r := c.post("/inloggen", url.Values{"email": {e.users[policy.Analist].Email}, "password": {testPassword}, "next": {next}})
			loc := r.Header.Get("Location")
			if r.StatusCode != http.StatusSeeOther || (loc != "/" && loc != next) || strings.Contains(loc, "evil") || strings.Contains(loc, "//") {
				t.Errorf("next=%q: %d Location %q", next, r.StatusCode, loc)
			}
		}
	})
}

func TestLockout(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.client()
		c.get("/inloggen")
		email := e.users[policy.Zorgcoordinator].Email
		for i := 0; i < 5; i++ {
			c.post("/inloggen", url.Values{"email": {email}, "password": {"wrong password number x"}}).wantStatus(t, http.StatusUnprocessableEntity)
		}
		// Locked: even the right password is refused, with the lockout message.
		c.post("/inloggen", url.Values{"email": {email}, "password": {testPassword}}).
			wantStatus(t, http.StatusTooManyRequests).wantContains(t, tr("nl", "auth.locked"), `value="`+email+`"`)
		if c.cookie("baken_session") != "" {
			t.Error("a locked-out login set a session")
		}
	})
}

func TestLogout(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Beleidsmedewerker)
		old := c.cookie("baken_session")
		r := c.post("/uitloggen", nil).wantStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/inloggen?uitgelogd=1" {
			t.Errorf("logout went to %q", loc)
		}
		if sc := setCookieHeader(r, "baken_session"); !strings.Contains(sc, "Max-Age=0") {
			t.Errorf("logout did not clear the cookie: %q", sc)
		}
		c.follow(r).wantStatus(t, http.StatusOK).wantContains(t, tr("nl", "web.login.logged_out"))
		// The old cookie no longer works: the session ended on the server.
		c2 := e.client()
		c2.setCookie("baken_session", old)
		r = c2.get("/account")
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/inloggen?") {
			t.Fatalf("old session after logout: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if _, _, err := e.app.Auth.SessionUser(context.Background(), old); err == nil {
			t.Error("session still valid after logout")
		}
	})
}

func TestExpiredSession(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Zorgcoordinator)
		c.get("/wie-is-wie").wantStatus(t, http.StatusOK)
		e.clock.advance(31 * time.Minute) // past the idle timeout
		r := c.get("/wie-is-wie?pagina=1")
		r.wantStatus(t, http.StatusSeeOther)
		loc, _ := url.Parse(r.Header.Get("Location"))
		if loc.Path != "/inloggen" || loc.Query().Get("verlopen") != "1" || loc.Query().Get("next") != "/wie-is-wie?pagina=1" {
			t.Fatalf("expired session went to %s", loc)
		}
		c.follow(r).wantStatus(t, http.StatusOK).wantContains(t, tr("nl", "auth.session_expired"))
		// A made-up cookie is treated the same way.
		c3 := e.client()
		c3.setCookie("baken_session", "made.up")
		r = c3.get("/")
		if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "verlopen=1") {
			t.Errorf("made-up cookie: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		// No cookie at all: to the login page, without a notice.
		r = e.client().get("/")
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/inloggen" {
			t.Errorf("anonymous /: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		// An expired session posting a form: to the login page, nothing done.
		c4 := e.as(policy.Signaleerder)
		c4.get("/account")
		e.clock.advance(31 * time.Minute)
		r = c4.post("/account/tokens", url.Values{"name": {"late"}})
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/inloggen") {
			t.Errorf("expired POST: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		toks, err := e.app.Auth.ListTokens(context.Background(), org.System, e.users[policy.Signaleerder].ID)
		if err != nil || len(toks) != 0 {
			t.Errorf("token made by an expired session: %v %v", toks, err)
		}
	})
}

func TestCSRF(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Before sign-in: the login form needs the token too.
		c := e.client()
		c.get("/inloggen")
		email := e.users[policy.Beheerder].Email
		for name, tok := range map[string]string{"missing": "", "wrong": strings.Repeat("A", 43)} {
			r := c.post("/inloggen", url.Values{"email": {email}, "password": {testPassword}, "csrf": {tok}})
			r.wantStatus(t, http.StatusForbidden).wantContains(t, tr("nl", "error.csrf"))
			if c.cookie("baken_session") != "" {
				t.Fatalf("login with a %s token signed in", name)
			}
		}
		// A browser that never got the cookie cannot post either.
		fresh := e.client()
		fresh.post("/inloggen", url.Values{"email": {email}, "password": {testPassword}, "csrf": {strings.Repeat("A", 43)}}).
			wantStatus(t, http.StatusForbidden)

		// Signed in: nothing happens without the right token.
		admin := e.as(policy.Beheerder)
		before, _ := e.app.Orgs.ListOrgs(ctx, org.System)
		admin.post("/beheer/organisaties", url.Values{"kind": {"region"}, "name": {"Oost"}, "csrf": {""}}).wantStatus(t, http.StatusForbidden)
		admin.post("/beheer/organisaties", url.Values{"kind": {"region"}, "name": {"Oost"}, "csrf": {c.cookie("baken_csrf")}}).wantStatus(t, http.StatusForbidden)
		admin.post("/account/tokens", url.Values{"name": {"x"}, "csrf": {"short"}}).wantStatus(t, http.StatusForbidden)
		admin.post("/uitloggen", url.Values{"csrf": {""}}).wantStatus(t, http.StatusForbidden)
		after, _ := e.app.Orgs.ListOrgs(ctx, org.System)
		if len(after) != len(before) {
			t.Errorf("organisations %d → %d after forged posts", len(before), len(after))
		}
		toks, _ := e.app.Auth.ListTokens(ctx, org.System, e.users[policy.Beheerder].ID)
		if len(toks) != 0 {
			t.Errorf("a forged post made a token")
		}
		admin.get("/account").wantStatus(t, http.StatusOK) // still signed in after the forged logout
		// With the token it works.
		admin.post("/beheer/organisaties", url.Values{"kind": {"region"}, "name": {"Oost"}}).wantStatus(t, http.StatusSeeOther)

		// A cross-site form post is stopped before it reaches the page.
		admin.header.Set("Sec-Fetch-Site", "cross-site")
		admin.post("/beheer/organisaties", url.Values{"kind": {"region"}, "name": {"West"}}).wantStatus(t, http.StatusForbidden)
		admin.header.Del("Sec-Fetch-Site")
		final, _ := e.app.Orgs.ListOrgs(ctx, org.System)
		if len(final) != len(before)+1 {
			t.Errorf("want exactly one new organisation, have %d → %d", len(before), len(final))
		}
	})
}

func TestHeaders(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Beheerder)
		anon := e.client()
		for _, path := range []string{"/", "/inloggen", "/beheer/gebruikers", "/logboek", "/nope"} {
			r := c.get(path)
			if path == "/inloggen" {
				r = anon.get(path)
			}
			h := r.Header
			csp := h.Get("Content-Security-Policy")
			var scriptSrc string
			for _, d := range strings.Split(csp, ";") {
				if d = strings.TrimSpace(d); strings.HasPrefix(d, "script-src") || strings.HasPrefix(d, "default-src") && scriptSrc == "" {
					scriptSrc = d
				}
			}
			if scriptSrc == "" || strings.Contains(scriptSrc, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s: CSP %q", path, csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: headers %v", path, h)
			}
			if !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
				t.Errorf("%s: content type %q", path, h.Get("Content-Type"))
			}
			// The CSP forbids inline code; the pages must not need it.
			for _, bad := range []string{" style=", "<style", " onclick=", " onload=", "javascript:"} {
				if strings.Contains(r.body, bad) {
					t.Errorf("%s: page holds %q", path, bad)
				}
			}
			for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(r.body, -1) {
				if !strings.Contains(tag, ` src="/static/`) {
					t.Errorf("%s: inline script %s", path, tag)
				}
			}
			if !strings.Contains(r.body, `class="utrecht-theme`) || !strings.Contains(r.body, `href="#inhoud"`) || !strings.Contains(r.body, `<main id="inhoud"`) {
				t.Errorf("%s: layout without theme class, skip link or main landmark", path)
			}
		}

		// Static assets: content-hashed, long immutable caching, the right type.
		page := c.get("/")
		assets := assetRE.FindAllStringSubmatch(page.body, -1)
		if len(assets) < 4 {
			t.Fatalf("want the stylesheets, htmx and the icon, found %v", assets)
		}
		for _, m := range assets {
			r := c.get(m[1]).wantStatus(t, http.StatusOK)
			if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
				t.Errorf("%s: Cache-Control %q", m[1], cc)
			}
			ct := r.Header.Get("Content-Type")
			switch {
			case strings.HasSuffix(m[1], ".css") && !strings.HasPrefix(ct, "text/css"),
				strings.HasSuffix(m[1], ".js") && !strings.Contains(ct, "javascript"),
				len(r.body) == 0:
				t.Errorf("%s: %q, %d bytes", m[1], ct, len(r.body))
			}
			// A wrong hash is not served (an old URL must not get new content).
			parts := strings.SplitN(strings.TrimPrefix(m[1], "/static/"), "/", 2)
			c.get("/static/0000000000000000/"+parts[1]).wantStatus(t, http.StatusNotFound)
		}
		c.get("/static/"+strings.Split(strings.TrimPrefix(assets[0][1], "/static/"), "/")[0]+"/nope.css").wantStatus(t, http.StatusNotFound)
		if r := c.get("/static/x/../../etc/passwd"); r.StatusCode == http.StatusOK {
			t.Error("path traversal served something")
		}
	})
}

func TestLanguage(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Anonymous: Accept-Language first, then the switch's cookie.
		c := e.client()
		c.header.Set("Accept-Language", "en-GB,en;q=0.9")
		c.get("/inloggen").wantContains(t, `<html lang="en"`, tr("en", "web.login.heading"), `lang="nl">Nederlands</button>`)
		r := c.post("/taal", url.Values{"lang": {"nl"}, "next": {"/inloggen?next=%2Faccount"}}).wantStatus(t, http.StatusSeeOther)
		if r.Header.Get("Location") != "/inloggen?next=%2Faccount" {
			t.Errorf("switch went to %q", r.Header.Get("Location"))
		}
		c.follow(r).wantContains(t, `<html lang="nl"`, tr("nl", "web.login.heading"), `value="/account"`)
		c.post("/taal", url.Values{"lang": {"de"}}).wantStatus(t, http.StatusBadRequest)
		if r := c.post("/taal", url.Values{"lang": {"en"}, "next": {"https://evil.example/"}}); r.Header.Get("Location") != "/" {
			t.Errorf("language switch followed an outside next: %q", r.Header.Get("Location"))
		}

		// Signed in: the account's language wins over the cookie and the
		// header, and the switch stores it in the account.
		u := e.users[policy.Ketenpartner]
		s := e.as(policy.Ketenpartner)
		s.header.Set("Accept-Language", "en")
		s.setCookie("lang", "en")
		s.get("/").wantContains(t, `<html lang="nl"`, tr("nl", "web.home.ketenpartner.title"))
		s.post("/taal", url.Values{"lang": {"en"}, "next": {"/"}}).wantStatus(t, http.StatusSeeOther)
		s.get("/").wantContains(t, `<html lang="en"`, tr("en", "web.home.ketenpartner.title"), tr("en", "web.home.heading", u.Name))
		got, err := e.app.Orgs.GetUser(ctx, org.System, u.ID)
		if err != nil || got.Locale != "en" {
			t.Fatalf("locale not stored: %q %v", got.Locale, err)
		}
		// A new browser without cookies, Dutch Accept-Language: English after sign-in.
		fresh := e.client()
		fresh.header.Set("Accept-Language", "nl")
		fresh.login(u.Email)
		fresh.get("/").wantContains(t, `<html lang="en"`)
	})
}

func TestTooLarge(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Beheerder)
		big := url.Values{"name": {strings.Repeat("x", int(e.app.Cfg.MaxBody)+10)}}
		r := c.post("/account/tokens", big)
		r.wantStatus(t, http.StatusRequestEntityTooLarge).wantContains(t, tr("nl", "error.too_large"), tr("nl", "web.error.title.413"))
		toks, _ := e.app.Auth.ListTokens(context.Background(), org.System, e.users[policy.Beheerder].ID)
		if len(toks) != 0 {
			t.Error("an oversized post made a token")
		}
	})
}

func TestInternalError(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Analist)
		e.app.DB.Close() // the database goes away
		r := c.get("/wie-is-wie").wantStatus(t, http.StatusInternalServerError)
		id := r.Header.Get("X-Request-Id")
		r.wantContains(t, tr("nl", "error.internal"), id).wantLacks(t, "sql", "database is closed", "closed")
		if !strings.Contains(e.logs.String(), id) || !strings.Contains(e.logs.String(), "level=ERROR") {
			t.Errorf("the internal error was not logged with request id %s", id)
		}
	})
}
