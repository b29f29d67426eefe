package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/policy"
)

// TestRoleGrantPages walks four eyes in the browser's way: the national
// beheerder gives a colleague the care coordinator's role, which is only
// proposed; the beheerder cannot approve its own proposal; the
// privacyfunctionaris sees it on the start page and approves it.
func TestRoleGrantPages(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		admin := e.as(policy.Beheerder)
		r := admin.post("/beheer/gebruikers", url.Values{"name": {"Zeger Zorg"}, "email": {"zeger@baken.test"}, "organisationId": {e.noord.ID},
			"locale": {"nl"}, "password": {testPassword}, "roles": {"zorgcoordinator", "analist"}})
		r.wantStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); !strings.HasSuffix(loc, "?melding=voorgesteld") {
			t.Fatalf("redirect %q", loc)
		}
		page := admin.follow(r).wantStatus(t, http.StatusOK)
		page.wantContains(t, tr("nl", "web.notice.roles_proposed"), tr("nl", "web.user.pending"), `value="analist" checked`,
			tr("nl", "web.user.role_four_eyes")).wantLacks(t, `value="zorgcoordinator" checked`)

		// The proposer sees it, but may only withdraw.
		list := admin.get("/beheer/rollen").wantStatus(t, http.StatusOK)
		list.wantContains(t, "Zeger Zorg", "zeger@baken.test", tr("nl", "role.zorgcoordinator"), tr("nl", "web.grants.reason.new"),
			tr("nl", "web.grants.not_yours"), `value="withdraw"`).wantLacks(t, `value="approve"`)
		action := regexp.MustCompile(`action="(/beheer/rollen/[^"]+)"`).FindStringSubmatch(list.body)
		if action == nil {
			t.Fatal("no decision form")
		}
		admin.post(action[1], url.Values{"decision": {"approve"}, "version": {"1"}}).
			wantStatus(t, http.StatusForbidden).wantContains(t, tr("nl", "grant.own_proposal"))
		admin.post(action[1], url.Values{"decision": {"maybe"}, "version": {"1"}}).wantStatus(t, http.StatusBadRequest)

		// The privacyfunctionaris: on the start page, and approves.
		fg := e.as(policy.Privacyfunctionaris)
		fg.get("/").wantStatus(t, http.StatusOK).wantContains(t, tr("nl", "web.home.grants.title"), tr("nl", "web.home.grants.count", 1), "Zeger Zorg")
		fg.get("/beheer/rollen").wantContains(t, `value="approve"`, `value="reject"`, tr("nl", "web.grants.awaits_password")).wantLacks(t, `value="withdraw"`)
		// The beheerder chose Zeger's password: approval waits until Zeger
		// has chosen his own (an account without roles in effect may).
		fg.post(action[1], url.Values{"decision": {"approve"}, "version": {"1"}}).
			wantStatus(t, http.StatusConflict).wantContains(t, tr("nl", "grant.password_not_own"))
		zeger := e.client()
		zeger.login("zeger@baken.test")
		zeger.get("/account").wantStatus(t, http.StatusOK)
		zeger.post("/account/wachtwoord", url.Values{"current": {testPassword}, "new": {"zegers eigen wachtwoord"}, "repeat": {"zegers eigen wachtwoord"}}).
			wantStatus(t, http.StatusSeeOther)
		fg.get("/beheer/rollen").wantLacks(t, tr("nl", "web.grants.awaits_password"))
		r = fg.post(action[1], url.Values{"decision": {"approve"}, "version": {"1"}})
		r.wantStatus(t, http.StatusSeeOther)
		fg.follow(r).wantContains(t, tr("nl", "web.notice.grant_approved"), tr("nl", "web.grants.empty"))
		// Decided once: a second decision is a conflict, shown on the list.
		fg.post(action[1], url.Values{"decision": {"reject"}, "version": {"2"}}).wantStatus(t, http.StatusConflict).wantContains(t, tr("nl", "grant.decided"))
		admin.get("/beheer/gebruikers").wantContains(t, "Zeger Zorg", tr("nl", "role.zorgcoordinator"))

		// Others may not open the page.
		e.as(policy.Signaleerder).get("/beheer/rollen").wantStatus(t, http.StatusForbidden)
		e.as(policy.Zorgcoordinator).post(action[1], url.Values{"decision": {"approve"}, "version": {"2"}}).wantStatus(t, http.StatusForbidden)
	})
}
