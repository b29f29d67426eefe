package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// TestStartPagePerRole: each role sees its own section and not the others',
// the who-is-who of its region, and a navigation with only what it may use.
func TestStartPagePerRole(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		navOf := regexp.MustCompile(`<a class="utrecht-nav-list__link[^"]*" href="([^"]+)"`)
		wantNav := map[policy.Role]string{
			policy.Beheerder:           "/ /signalen-wegen /wie-is-wie /beheer/organisaties /beheer/gebruikers /beheer/rollen /logboek /account",
			policy.Privacyfunctionaris: "/ /signalen-wegen /wie-is-wie /beheer/rollen /logboek /account",
			policy.Beleidsmedewerker:   "/ /signalen-wegen /zelfevaluatie /wie-is-wie /account",
			policy.Signaleerder:        "/ /signalen/nieuw /signalen /signalen-wegen /wie-is-wie /account",
			policy.Zorgcoordinator:     "/ /signalen/nieuw /signalen /signalen/inbox /casussen /signalen-wegen /regio-overzicht /wie-is-wie /account",
			policy.Ketenpartner:        "/ /signalen-wegen /wie-is-wie /account",
			policy.Analist:             "/ /signalen-wegen /regio-overzicht /wie-is-wie /account",
		}
		for _, role := range policy.Roles {
			u := e.users[role]
			r := e.as(role).get("/").wantStatus(t, http.StatusOK)
			r.wantContains(t, `id="rol-`+string(role)+`"`, esc(u.Name), esc(u.Email), esc(u.Organisation.Name), tr("nl", "role."+string(role)))
			for _, other := range policy.Roles {
				if other != role {
					r.wantLacks(t, `id="rol-`+string(other)+`"`)
				}
			}
			var nav []string
			for _, m := range navOf.FindAllStringSubmatch(r.body, -1) {
				nav = append(nav, m[1])
			}
			if got := strings.Join(nav, " "); got != wantNav[role] {
				t.Errorf("%s: navigation %q, want %q", role, got, wantNav[role])
			}
			if !strings.Contains(r.body, `href="/" aria-current="page"`) {
				t.Errorf("%s: start page not marked current in the navigation", role)
			}
		}
		// Who is who in the region Noord: the region's contact, its municipality and partner, not Zuid's.
		r := e.as(policy.Signaleerder).get("/")
		r.wantContains(t, "zorgcoordinatie@noord.example", `href="tel:0507654321"`, "Gemeente A", "Politie Noord", "Landelijk Knooppunt",
			tr("nl", "web.home.signaleerder.acute")).wantLacks(t, "Gemeente C", "zorgcoordinatie@zuid.example")
		// Counts for the beheerder: 6 organisations, 7 users (national scope).
		r = e.as(policy.Beheerder).get("/")
		r.wantContains(t, `data-count="orgs">6<`, `data-count="users">7<`)
		// The privacyfunctionaris sees the latest records: her own sign-in at least.
		e.as(policy.Privacyfunctionaris).get("/").wantContains(t, tr("nl", "web.home.privacyfunctionaris.latest"), "auth.login")
		// The analist: the counts of the region.
		e.as(policy.Analist).get("/").wantContains(t, tr("nl", "web.home.analist.counts", "Noord", 1, 1))
		// Several roles: a section each.
		both := e.addUser("twee@baken.test", "Twee Rollen", e.gemA.ID, policy.Beleidsmedewerker, policy.Signaleerder)
		c := e.client()
		c.login(both.Email)
		c.get("/").wantContains(t, `id="rol-beleidsmedewerker"`, `id="rol-signaleerder"`, tr("nl", "web.home.kader.theme5"))
	})
}

// TestAccess: who reaches which page. Pages someone may not use answer 403
// in the layout; unknown routes 404; objects out of reach 404.
func TestAccess(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		gemA, other := e.gemA.ID, e.users[policy.Analist].ID
		pages := []string{"/", "/wie-is-wie", "/account", "/beheer/organisaties", "/beheer/organisaties/nieuw", "/beheer/organisaties/" + gemA,
			"/beheer/gebruikers", "/beheer/gebruikers/nieuw", "/beheer/gebruikers/" + other, "/logboek"}
		for _, role := range policy.Roles {
			c := e.as(role)
			for i, p := range pages {
				want := http.StatusOK
				switch {
				case role == policy.Beheerder:
				case p == "/logboek" && role == policy.Privacyfunctionaris:
				case i >= 3:
					want = http.StatusForbidden
				}
				r := c.get(p)
				if r.StatusCode != want {
					t.Errorf("%s GET %s: %d, want %d", role, p, r.StatusCode, want)
					continue
				}
				if want == http.StatusForbidden {
					r.wantContains(t, tr("nl", "web.error.title.403"), tr("nl", "error.forbidden"), r.Header.Get("X-Request-Id"), `<nav class="utrecht-nav-bar`)
				}
			}
		}
		// A signaleerder cannot post to the admin pages either.
		sig := e.as(policy.Signaleerder)
		sig.post("/beheer/organisaties", url.Values{"kind": {"region"}, "name": {"Stiekem"}}).wantStatus(t, http.StatusForbidden)
		sig.post("/beheer/gebruikers/"+other, url.Values{"version": {"1"}, "name": {"x"}}).wantStatus(t, http.StatusForbidden)
		if os, _ := e.app.Orgs.ListOrgs(context.Background(), org.System); len(os) != 6 {
			t.Errorf("a signaleerder's post changed the organisations: %d", len(os))
		}
		// Unknown routes and objects: 404 in the layout, with the request id.
		admin := e.as(policy.Beheerder)
		for _, p := range []string{"/bestaat-niet", "/beheer/organisaties/00000000-0000-4000-8000-000000000000", "/beheer/gebruikers/nope", "/static/0/nope.css"} {
			r := admin.get(p).wantStatus(t, http.StatusNotFound)
			r.wantContains(t, tr("nl", "web.error.title.404"), r.Header.Get("X-Request-Id"))
		}
		e.client().get("/bestaat-niet").wantStatus(t, http.StatusNotFound).wantContains(t, tr("nl", "error.not_found"), `href="/inloggen"`)
		admin.get("/wie-is-wie?regio=onbekend").wantStatus(t, http.StatusNotFound)
		admin.get("/beheer/organisaties?pagina=nul").wantStatus(t, http.StatusBadRequest).wantContains(t, tr("nl", "web.error.bad_page"))
		// A wrong method on a page: the 404 page too (no other handler there).
		r := admin.post("/logboek/iets", nil).wantStatus(t, http.StatusNotFound)
		r.wantContains(t, tr("nl", "web.error.title.404"))
	})
}

func TestDirectory(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		for i := 0; i < 30; i++ {
			if _, err := e.app.Orgs.CreateOrg(context.Background(), org.System, org.OrgInput{Kind: org.Municipality,
				Name: fmt.Sprintf("Gemeente N%02d", i), RegionID: e.noord.ID}); err != nil {
				t.Fatal(err)
			}
		}
		c := e.as(policy.Ketenpartner)
		// Default: the own region (Noord: region, 31 municipalities, partner) and the national body.
		r := c.get("/wie-is-wie").wantStatus(t, http.StatusOK)
		r.wantContains(t, tr("nl", "web.pager.status", 1, 2), `href="/wie-is-wie?pagina=2"`).wantLacks(t, "Gemeente C")
		c.get("/wie-is-wie?pagina=2").wantStatus(t, http.StatusOK).wantContains(t, tr("nl", "web.pager.status", 2, 2), "Gemeente N29")
		c.get("/wie-is-wie?regio="+e.zuid.ID).wantContains(t, "Gemeente C", "zorgcoordinatie@zuid.example").wantLacks(t, "Gemeente A<")
		c.get("/wie-is-wie?regio=").wantContains(t, "Gemeente C", "Gemeente A", tr("nl", "web.pager.status", 1, 2))
	})
}

func TestOrgAdmin(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.as(policy.Beheerder)
		c.get("/beheer/organisaties").wantStatus(t, http.StatusOK).wantContains(t, "Gemeente A", "Politie Noord", `href="/beheer/organisaties/nieuw"`)
		c.get("/beheer/organisaties?soort=region").wantContains(t, "Noord", "Zuid").wantLacks(t, "Gemeente A")
		c.get("/beheer/organisaties/nieuw").wantStatus(t, http.StatusOK).wantContains(t, `name="kind"`, `name="regionId"`)

		// Invalid: every error at once, next to its field and in the summary; the input kept.
		r := c.post("/beheer/organisaties", url.Values{"kind": {"municipality"}, "name": {""}, "partnerType": {"iets <b>vets</b>"},
			"contactEmail": {"geen-adres"}, "contactPhone": {"0612345678"}})
		r.wantStatus(t, http.StatusUnprocessableEntity).wantContains(t,
			tr("nl", "web.form.summary"), `href="#field-name"`, `href="#field-regionId"`, `href="#field-contactEmail"`,
			`id="error-name"`, `id="error-regionId"`, `id="error-contactEmail"`,
			tr("nl", "field.required"), tr("nl", "org.region.required"), tr("nl", "field.email"),
			`value="iets &lt;b&gt;vets&lt;/b&gt;"`, `value="geen-adres"`, `value="0612345678"`, `<option value="municipality" selected>`)
		// Valid: created, then the edit page with a notice.
		r = c.post("/beheer/organisaties", url.Values{"kind": {"municipality"}, "name": {"Gemeente B"}, "regionId": {e.noord.ID},
			"contactEmail": {"Info@Gemeente-B.example"}})
		r.wantStatus(t, http.StatusSeeOther)
		loc := r.Header.Get("Location")
		if !strings.HasPrefix(loc, "/beheer/organisaties/") || !strings.HasSuffix(loc, "?melding=aangemaakt") {
			t.Fatalf("after create: %q", loc)
		}
		c.follow(r).wantStatus(t, http.StatusOK).wantContains(t, tr("nl", "web.notice.created"), `value="Gemeente B"`, `value="info@gemeente-b.example"`)
		id := strings.TrimSuffix(strings.TrimPrefix(loc, "/beheer/organisaties/"), "?melding=aangemaakt")
		// A taken name: the conflict shows at the field.
		c.post("/beheer/organisaties", url.Values{"kind": {"municipality"}, "name": {"Gemeente B"}, "regionId": {e.noord.ID}}).
			wantStatus(t, http.StatusConflict).wantContains(t, `id="error-name"`, tr("nl", "org.name.taken"))

		// Stale edit: two editors load version 1; the second save is refused
		// with error.stale and the stored values.
		form := func(name string) url.Values {
			return url.Values{"version": {"1"}, "kind": {"municipality"}, "name": {name}, "regionId": {e.noord.ID}}
		}
		c.post("/beheer/organisaties/"+id, form("Gemeente Bee")).wantStatus(t, http.StatusSeeOther)
		r = c.post("/beheer/organisaties/"+id, form("Gemeente Bes"))
		r.wantStatus(t, http.StatusConflict).wantContains(t, tr("nl", "error.stale"), `value="Gemeente Bee"`, `name="version" value="2"`).wantLacks(t, "Gemeente Bes")
		o, _ := e.app.Orgs.GetOrg(ctx, org.System, id)
		if o.Name != "Gemeente Bee" || o.Version != 2 {
			t.Errorf("after the stale edit: %q v%d", o.Name, o.Version)
		}
		// Kind cannot change; a forged one is reported at the kind.
		c.post("/beheer/organisaties/"+id, url.Values{"version": {"2"}, "kind": {"region"}, "name": {"X"}}).
			wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, tr("nl", "org.kind.immutable"))
		c.post("/beheer/organisaties/"+id, url.Values{"version": {"twee"}}).wantStatus(t, http.StatusBadRequest)
	})
}

func TestOrgAdminRegional(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		// A beheerder of region Noord cannot make a region: the refusal shows on the form.
		e.addUser("regiobeheer@baken.test", "Regio Beheer", e.noord.ID, policy.Beheerder)
		c := e.client()
		c.login("regiobeheer@baken.test")
		c.get("/beheer/organisaties/nieuw").wantContains(t, `<option value="municipality"`, `<option value="partner"`).
			wantLacks(t, `<option value="region"`, `<option value="national"`)
		c.post("/beheer/organisaties", url.Values{"kind": {"region"}, "name": {"Oost"}}).
			wantStatus(t, http.StatusForbidden).wantContains(t, tr("nl", "org.national_only"), `value="Oost"`)
		// Nor edit an organisation of another region.
		c.get("/beheer/organisaties/"+e.gemC.ID).wantStatus(t, http.StatusForbidden)
		c.get("/beheer/organisaties/"+e.gemA.ID).wantStatus(t, http.StatusOK)
		// Users: only those in the region are listed.
		c.get("/beheer/gebruikers").wantContains(t, "signaleerder@baken.test").wantLacks(t, "admin@baken.test", "fg@baken.test")
	})
}

func TestUserAdmin(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.as(policy.Beheerder)
		c.get("/beheer/gebruikers/nieuw").wantStatus(t, http.StatusOK).wantContains(t, `type="checkbox"`, `name="roles"`, `value="beheerder"`)

		// Invalid: all errors, input kept, the password never echoed.
		secret := "kort-wachtw"
		r := c.post("/beheer/gebruikers", url.Values{"name": {"Jan <Jansen>"}, "email": {"jan@"}, "organisationId": {e.gemA.ID},
			"locale": {"en"}, "password": {secret}, "phone": {"06 1234 5678"}})
		r.wantStatus(t, http.StatusUnprocessableEntity).wantContains(t,
			`href="#field-email"`, `href="#field-roles"`, `href="#field-password"`, `id="error-roles"`,
			tr("nl", "field.email"), tr("nl", "user.roles.required"), tr("nl", "password.too_short"),
			`value="Jan &lt;Jansen&gt;"`, `value="jan@"`, `value="06 1234 5678"`, `<option value="en" selected>`,
			`<option value="`+e.gemA.ID+`" selected>`).wantLacks(t, secret)

		// Valid.
		r = c.post("/beheer/gebruikers", url.Values{"name": {"Jan Jansen"}, "email": {"jan@baken.test"}, "organisationId": {e.gemA.ID},
			"locale": {"nl"}, "password": {testPassword}, "roles": {"signaleerder", "beleidsmedewerker"}})
		r.wantStatus(t, http.StatusSeeOther)
		page := c.follow(r).wantStatus(t, http.StatusOK)
		page.wantContains(t, tr("nl", "web.notice.created"), `value="jan@baken.test"`, `value="signaleerder" checked`, `value="beleidsmedewerker" checked`).
			wantLacks(t, `value="beheerder" checked`, testPassword)
		id := strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Location"), "/beheer/gebruikers/"), "?melding=aangemaakt")

		// Stale edit shows error.stale and the stored values.
		edit := url.Values{"version": {"1"}, "name": {"Jan J."}, "email": {"jan@baken.test"}, "organisationId": {e.gemA.ID}, "locale": {"nl"}, "roles": {"signaleerder"}}
		c.post("/beheer/gebruikers/"+id, edit).wantStatus(t, http.StatusSeeOther)
		edit.Set("name", "Jan Janszoon")
		c.post("/beheer/gebruikers/"+id, edit).wantStatus(t, http.StatusConflict).
			wantContains(t, tr("nl", "error.stale"), `value="Jan J."`).wantLacks(t, "Janszoon")
		// Disable: the account can no longer sign in.
		edit.Set("version", "2")
		edit.Set("name", "Jan J.")
		edit.Set("disabled", "1")
		c.post("/beheer/gebruikers/"+id, edit).wantStatus(t, http.StatusSeeOther)
		jan := e.client()
		jan.get("/inloggen")
		jan.post("/inloggen", url.Values{"email": {"jan@baken.test"}, "password": {testPassword}}).wantStatus(t, http.StatusUnprocessableEntity)
		c.get("/beheer/gebruikers").wantContains(t, tr("nl", "web.users.disabled"))
		// The admin cannot change her own roles (nor lock herself out).
		me := e.users[policy.Beheerder]
		c.post("/beheer/gebruikers/"+me.ID, url.Values{"version": {"1"}, "name": {me.Name}, "email": {me.Email},
			"organisationId": {me.OrganisationID}, "locale": {"nl"}, "roles": {"analist"}}).
			wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, tr("nl", "user.self_roles"), tr("nl", "web.user.own_account"))

		// Search is a POST: the name stays out of the URL; the GET list ignores q.
		for i := 0; i < 27; i++ {
			e.addUser(fmt.Sprintf("mw%02d@baken.test", i), fmt.Sprintf("Medewerker %02d", i), e.gemC.ID, policy.Signaleerder)
		}
		r = c.post("/beheer/gebruikers/zoeken", url.Values{"q": {"medewerker"}})
		r.wantStatus(t, http.StatusOK).wantContains(t, "Medewerker 00", tr("nl", "web.pager.status", 1, 2), `name="pagina" value="2"`, `value="medewerker"`).
			wantLacks(t, "Jan J.", "?q=")
		c.post("/beheer/gebruikers/zoeken", url.Values{"q": {"medewerker"}, "pagina": {"2"}}).wantContains(t, "Medewerker 26", tr("nl", "web.pager.status", 2, 2)).wantLacks(t, "Medewerker 00")
		c.get("/beheer/gebruikers?q=medewerker").wantContains(t, "Jan J.")
		// GET paging and the organisation filter (ids only in the URL).
		c.get("/beheer/gebruikers?organisatie="+e.gemC.ID).wantContains(t, "Medewerker 00", `href="/beheer/gebruikers?organisatie=`+e.gemC.ID+`&amp;pagina=2"`).wantLacks(t, "Jan J.")
		c.get("/beheer/gebruikers?organisatie="+e.gemC.ID+"&pagina=2").wantContains(t, "Medewerker 26")
		c.get("/beheer/gebruikers?organisatie="+e.gemC.ID+"&pagina=9").wantStatus(t, http.StatusOK).wantContains(t, "Medewerker 26", tr("nl", "web.pager.status", 2, 2))
		c.get("/beheer/gebruikers?organisatie=onbekend").wantStatus(t, http.StatusBadRequest)
		// htmx asks the same URL; a redirect (expired session) becomes HX-Redirect.
		c.header.Set("HX-Request", "true")
		c.post("/beheer/gebruikers/zoeken", url.Values{"q": {"Jan"}}).wantStatus(t, http.StatusOK).wantContains(t, `id="gebruikers-resultaten"`)
		c.header.Del("HX-Request")

		// Tokens: the admin sees another user's tokens and revokes one.
		sig := e.users[policy.Signaleerder]
		_, tok, err := e.app.Auth.CreateToken(ctx, org.System, sig.ID, "rapportage")
		if err != nil {
			t.Fatal(err)
		}
		c.get("/beheer/gebruikers/"+sig.ID).wantContains(t, "rapportage", tok.Prefix, `action="/beheer/gebruikers/`+sig.ID+`/tokens/`+tok.ID+`/intrekken"`)
		// The wrong user in the URL: not found, nothing revoked.
		c.post("/beheer/gebruikers/"+me.ID+"/tokens/"+tok.ID+"/intrekken", nil).wantStatus(t, http.StatusNotFound)
		r = c.post("/beheer/gebruikers/"+sig.ID+"/tokens/"+tok.ID+"/intrekken", nil).wantStatus(t, http.StatusSeeOther)
		c.follow(r).wantContains(t, tr("nl", "web.notice.token_revoked"), tr("nl", "web.token.revoked"))
		toks, _ := e.app.Auth.ListTokens(ctx, org.System, sig.ID)
		if len(toks) != 1 || toks[0].RevokedAt == nil {
			t.Errorf("token not revoked: %+v", toks)
		}
	})
}

func TestAccount(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.users[policy.Beleidsmedewerker]
		c := e.as(policy.Beleidsmedewerker)
		other := e.as(policy.Beleidsmedewerker) // a second session of the same user
		c.get("/account").wantStatus(t, http.StatusOK).wantContains(t, esc(u.Email), `name="current"`, tr("nl", "web.token.none"))

		// Password: mismatch, wrong current, too short — never echoed.
		c.post("/account/wachtwoord", url.Values{"current": {testPassword}, "new": {"nieuw wachtwoord 1"}, "repeat": {"nieuw wachtwoord 2"}}).
			wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, tr("nl", "web.account.repeat_mismatch"), `href="#field-repeat"`).
			wantLacks(t, "nieuw wachtwoord 1", testPassword)
		c.post("/account/wachtwoord", url.Values{"current": {"fout fout fout"}, "new": {"nieuw wachtwoord 1"}, "repeat": {"nieuw wachtwoord 1"}}).
			wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, tr("nl", "password.current_wrong"), `id="error-current"`)
		c.post("/account/wachtwoord", url.Values{"current": {""}, "new": {"kort"}, "repeat": {"kort"}}).
			wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, `id="error-current"`, `id="error-new"`, tr("nl", "password.too_short"))
		// Guessing the current password locks the change like a sign-in
		// (five failures; one above): the right password is refused too.
		for range 4 {
			c.post("/account/wachtwoord", url.Values{"current": {"nog eens fout"}, "new": {"nieuw wachtwoord 1"}, "repeat": {"nieuw wachtwoord 1"}}).
				wantStatus(t, http.StatusUnprocessableEntity)
		}
		c.post("/account/wachtwoord", url.Values{"current": {testPassword}, "new": {"nieuw wachtwoord 1"}, "repeat": {"nieuw wachtwoord 1"}}).
			wantStatus(t, http.StatusTooManyRequests).wantContains(t, tr("nl", "auth.locked"), `id="error-current"`)
		if err := e.app.DB.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `DELETE FROM login_throttle`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		r := c.post("/account/wachtwoord", url.Values{"current": {testPassword}, "new": {"nieuw wachtwoord 1"}, "repeat": {"nieuw wachtwoord 1"}})
		r.wantStatus(t, http.StatusSeeOther)
		c.follow(r).wantStatus(t, http.StatusOK).wantContains(t, tr("nl", "web.notice.password_changed"))
		// This session stays, the other one ended.
		if r := other.get("/account"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("the other session survived a password change: %d", r.StatusCode)
		}

		// A token: shown once, on the POST's own response, never in a URL or the log.
		c.post("/account/tokens", url.Values{"name": {""}}).wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, `id="error-name"`)
		r = c.post("/account/tokens", url.Values{"name": {"Rapportage <script>"}})
		r.wantStatus(t, http.StatusCreated)
		m := regexp.MustCompile(`value="(bkn_[a-z2-7]+)"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no token on the page:\n%s", excerpt(r.body))
		}
		secret := m[1]
		r.wantContains(t, tr("nl", "web.token.created_warning"), "Rapportage &lt;script&gt;").wantLacks(t, "Rapportage <script>")
		if got, err := e.app.Auth.TokenUser(ctx, secret); err != nil || got.ID != u.ID {
			t.Fatalf("the shown token does not work: %v", err)
		}
		page := c.get("/account")
		page.wantContains(t, "Rapportage &lt;script&gt;", secret[:10]).wantLacks(t, secret)
		if strings.Contains(e.logs.String(), secret) {
			t.Error("the token secret reached the log")
		}
		// Revoke it.
		toks, _ := e.app.Auth.ListTokens(ctx, org.System, u.ID)
		if len(toks) != 1 {
			t.Fatalf("tokens: %v", toks)
		}
		// Someone else's token cannot be revoked from the own page.
		if _, _, err := e.app.Auth.CreateToken(ctx, org.System, e.users[policy.Signaleerder].ID, "van een ander"); err != nil {
			t.Fatal(err)
		}
		othersToks, _ := e.app.Auth.ListTokens(ctx, org.System, e.users[policy.Signaleerder].ID)
		c.post("/account/tokens/"+othersToks[0].ID+"/intrekken", nil).wantStatus(t, http.StatusNotFound)
		r = c.post("/account/tokens/"+toks[0].ID+"/intrekken", nil).wantStatus(t, http.StatusSeeOther)
		c.follow(r).wantContains(t, tr("nl", "web.notice.token_revoked"), tr("nl", "web.token.revoked"))
		if _, err := e.app.Auth.TokenUser(ctx, secret); err == nil {
			t.Error("a revoked token still works")
		}
		if othersToks, _ = e.app.Auth.ListTokens(ctx, org.System, e.users[policy.Signaleerder].ID); othersToks[0].RevokedAt != nil {
			t.Error("someone else's token was revoked")
		}
		// Many tokens: the list pages.
		for i := 0; i < 21; i++ {
			if _, _, err := e.app.Auth.CreateToken(ctx, org.System, u.ID, fmt.Sprintf("token-%02d", i)); err != nil {
				t.Fatal(err)
			}
		}
		c.get("/account").wantContains(t, tr("nl", "web.pager.status", 1, 2), `href="/account?pagina=2#tokens"`).wantLacks(t, "Rapportage &lt;script&gt;")
		c.get("/account?pagina=2").wantContains(t, tr("nl", "web.pager.status", 2, 2), "Rapportage &lt;script&gt;")
	})
}

func TestAuditLog(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		sig := e.users[policy.Signaleerder]
		for i := 0; i < 3; i++ {
			e.as(policy.Signaleerder)
		}
		fg := e.as(policy.Privacyfunctionaris)
		r := fg.get("/logboek").wantStatus(t, http.StatusOK)
		r.wantContains(t, tr("nl", "web.log.caption"), "auth.login", "user.create", sig.ID, tr("nl", "web.log.trace"))

		// Filters: an action, an actor.
		r = fg.get("/logboek?action=auth.login&actor=" + sig.ID)
		r.wantContains(t, "auth.login", sig.ID).wantLacks(t, "<code class=\"utrecht-code\">user.create</code>")
		if n := strings.Count(r.body, `<code class="utrecht-code">auth.login</code>`); n != 3 {
			t.Errorf("want the signaleerder's 3 logins, got %d", n)
		}
		// Dates: today is in, tomorrow is not.
		today := e.clock.now().In(amsterdam(t)).Format("2006-01-02")
		tomorrow := e.clock.now().In(amsterdam(t)).AddDate(0, 0, 1).Format("2006-01-02")
		fg.get("/logboek?action=auth.login&from="+today+"&to="+today).wantContains(t, sig.ID)
		fg.get("/logboek?action=auth.login&from="+tomorrow).wantContains(t, tr("nl", "web.log.empty"))
		// Bad filters: 422, the typed values kept, nothing searched.
		fg.get("/logboek?from=31-12-2025&actor=jan%40example.nl&to=2020-01-01").wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, tr("nl", "web.log.bad_date"), tr("nl", "web.log.bad_id"), `value="31-12-2025"`, `href="#field-actor"`)
		fg.get("/logboek?before=-3").wantStatus(t, http.StatusBadRequest).wantContains(t, tr("nl", "web.error.bad_page"))
		fg.get("/logboek?from=2025-02-01&to=2025-01-01").wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, tr("nl", "web.log.bad_range"))

		// Paging: make more than a page of records (each view of the log adds one).
		for i := 0; i < 55; i++ {
			if _, _, err := e.app.Viewer.Search(ctx, org.System, audit.Filter{Limit: 1}, ""); err != nil {
				t.Fatal(err)
			}
		}
		r = fg.get("/logboek?action=audit.read")
		older := regexp.MustCompile(`href="(/logboek\?[^"]*before=\d+[^"]*)"`).FindStringSubmatch(r.body)
		if older == nil {
			t.Fatalf("no link to older records:\n%s", excerpt(r.body))
		}
		first := regexp.MustCompile(`<tr class="utrecht-table__row">\s*<td[^>]*>([^<]+)</td>`).FindAllStringSubmatch(r.body, -1)
		r2 := fg.get(strings.ReplaceAll(older[1], "&amp;", "&")).wantStatus(t, http.StatusOK).wantContains(t, "audit.read")
		second := regexp.MustCompile(`<tr class="utrecht-table__row">\s*<td[^>]*>([^<]+)</td>`).FindAllStringSubmatch(r2.body, -1)
		if len(first) != 50 || len(second) == 0 || len(second) > 50 {
			t.Errorf("pages of %d and %d records", len(first), len(second))
		}

		// By data subject: a POST, the subject never in a URL; paging stays a POST.
		r = fg.post("/logboek", url.Values{"subject": {sig.ID}})
		r.wantStatus(t, http.StatusOK).wantContains(t, "auth.login", `value="`+sig.ID+`"`)
		if strings.Contains(r.body, "?subject=") || strings.Contains(r.body, "&amp;subject=") {
			t.Error("the data subject went into a link")
		}
		r = fg.post("/logboek", url.Values{"subject": {"nobody@baken.test"}})
		r.wantStatus(t, http.StatusOK).wantContains(t, tr("nl", "web.log.empty"))
		// A subject in the query string is ignored.
		fg.get("/logboek?subject="+sig.ID+"&action=user.create").wantContains(t, "user.create").wantLacks(t, `name="subject" value="`)

		// The beheerder reads it too; other roles do not.
		e.as(policy.Beheerder).get("/logboek").wantStatus(t, http.StatusOK)
		e.as(policy.Signaleerder).get("/logboek").wantStatus(t, http.StatusForbidden)
		e.as(policy.Signaleerder).post("/logboek", url.Values{"subject": {sig.ID}}).wantStatus(t, http.StatusForbidden)
	})
}

func amsterdam(t *testing.T) *time.Location {
	t.Helper()
	tz, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	return tz
}
