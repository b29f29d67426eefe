package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
)

// The client's personal data the case tests type; none may ever stand in a
// URL or a redirect.
const (
	clientName    = "Ioana Popescu"
	clientContact = "Via de opvang, kamer 12"
	clientBSN     = "111222333"
)

// rawKeyRE finds a message key shown as text instead of its translation.
var rawKeyRE = regexp.MustCompile(`>[^<]*\b(?:web|case|signal|error)\.[a-z_]+\.[a-z_.]+`)

var caseIDRE = regexp.MustCompile(`^/casussen/([^/?#]+)\?nieuw=1$`)

// caseForm is a valid "Casus openen" form for a direct case.
func (e *env) caseForm() url.Values {
	return url.Values{
		"client.name": {clientName}, "client.birthDate": {"1995-04-01"}, "client.bsn": {clientBSN},
		"client.nationality": {"ro"}, "client.countryOfOrigin": {"RO"}, "client.languages": {"ro, en"},
		"client.gender": {"female"}, "client.contact": {clientContact},
		"forms": {e.app.Content.Forms[0].ID}, "action": {"save"},
	}
}

// openCase posts the form and returns the new case's id.
func openCase(t *testing.T, c *client, form url.Values) string {
	t.Helper()
	r := c.post("/casussen/nieuw", form).wantStatus(t, http.StatusSeeOther)
	noPersonalDataInURLs(t, r, clientName, clientContact, clientBSN)
	m := caseIDRE.FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("Location %q", r.Header.Get("Location"))
	}
	return m[1]
}

// reportSignal records a signal in Gemeente A (region Noord) as the
// signaleerder, with a suspected form.
func (e *env) reportSignal(t *testing.T, form string) signal.Signal {
	t.Helper()
	sig, err := e.app.Signals.Create(context.Background(), e.users[policy.Signaleerder].Subject(), signal.Input{
		Department: e.app.Content.Departments[0].ID, ObservedOn: "2026-01-10", Forms: []string{form},
		Persons: []signal.PersonInput{{Alias: "Zonnebloem"}}})
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// caseVersion reads the version the case page offers in its forms.
var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

func pageVersion(t *testing.T, r *response) string {
	t.Helper()
	m := versionRE.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no version on the page\n%s", excerpt(r.body))
	}
	return m[1]
}

func TestCaseCreate(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		co := e.as(policy.Zorgcoordinator)
		criminal := e.app.Content.Casework.NonPunishmentForms[0]
		sig := e.reportSignal(t, criminal)

		// The empty form lists the region's open signal.
		r := co.get("/casussen/nieuw").wantStatus(t, http.StatusOK)
		r.wantContains(t, "Casus openen", `data-signal="`+sig.ID+`"`, sig.Reference, `name="client.name"`, `name="csrf"`,
			`name="nonPunishment" value=""`, `name="forms"`)
		r.wantLacks(t, `value="`+sig.ID+`" checked`)

		// Preselected from elsewhere (a "Casus aanmaken" button posting the
		// signal): the form with the signal ticked, nothing saved.
		r = co.post("/casussen/nieuw", url.Values{"signalIds": {sig.ID}}).wantStatus(t, http.StatusOK)
		r.wantContains(t, `value="`+sig.ID+`" checked`)
		if got, _ := e.app.Signals.Get(context.Background(), e.users[policy.Zorgcoordinator].Subject(), sig.ID); got.Status != signal.StatusNew {
			t.Errorf("preselecting changed the signal: %s", got.Status)
		}

		// Every error at once, everything typed kept.
		bad := e.caseForm()
		bad.Set("client.bsn", "123456789")
		bad.Set("client.nationality", "Roemeens")
		bad.Set("client.birthDate", "2999-01-01")
		bad.Set("client.gender", "unicorn")
		bad.Add("forms", "no_such_form")
		bad.Set("signalIds", sig.ID)
		r = co.post("/casussen/nieuw", bad).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, "baken-error-summary", `href="#field-client.bsn"`, `href="#field-client.nationality"`,
			`href="#field-client.birthDate"`, `href="#field-client.gender"`, `href="#field-forms"`,
			`id="error-client.bsn"`, `aria-invalid="true"`, `value="`+clientName+`"`, `value="Roemeens"`, `value="123456789"`,
			`value="2999-01-01"`, esc(clientContact), `value="`+sig.ID+`" checked`, `value="`+e.app.Content.Forms[0].ID+`" checked`)
		noPersonalDataInURLs(t, r, clientName, clientContact)
		if got, _ := e.app.Signals.Get(context.Background(), e.users[policy.Zorgcoordinator].Subject(), sig.ID); got.Status != signal.StatusNew {
			t.Errorf("a refused case converted the signal: %s", got.Status)
		}

		// From the signal, forms left empty: the signal's criminal
		// exploitation, and with it Baken's non-punishment suggestion.
		f := e.caseForm()
		f.Del("forms")
		f.Set("signalIds", sig.ID)
		id := openCase(t, co, f)
		r = co.get("/casussen/"+id+"?nieuw=1").wantStatus(t, http.StatusOK)
		r.wantContains(t, "CASE-", "baken-confirmation", esc(clientName), esc(clientContact), clientBSN, "RO", "ro, en",
			`data-linked-signal="`+sig.ID+`"`, `href="/signalen/`+sig.ID+`"`, sig.Reference, "data-non-punishment-banner",
			`data-phase="registration"`, `data-event="created"`)
		noPersonalDataInURLs(t, r, clientName, clientContact, clientBSN)
		got, err := e.app.Signals.Get(context.Background(), e.users[policy.Zorgcoordinator].Subject(), sig.ID)
		if err != nil || got.Status != signal.StatusConverted {
			t.Errorf("signal after the case: %v %s", err, got.Status)
		}
		// A converted signal is no longer offered.
		co.get("/casussen/nieuw").wantStatus(t, http.StatusOK).wantLacks(t, `data-signal="`+sig.ID+`"`)

		// Directly, with criminal exploitation ticked and the suggestion
		// refused: no banner.
		f = e.caseForm()
		f.Set("forms", criminal)
		f.Set("nonPunishment", "no")
		wrong := url.Values{}
		for k, v := range f {
			wrong[k] = v
		}
		wrong.Set("client.bsn", "1")
		r = co.post("/casussen/nieuw", wrong).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, "data-suggested", `name="nonPunishment" value="no" checked`)
		id2 := openCase(t, co, f)
		r = co.get("/casussen/"+id2).wantStatus(t, http.StatusOK)
		r.wantLacks(t, "data-non-punishment-banner", "baken-confirmation").wantContains(t, `data-non-punishment="false"`, "Baken stelt het voor")
		c, err := e.app.Cases.Get(context.Background(), e.users[policy.Zorgcoordinator].Subject(), id2)
		if err != nil || c.NonPunishment || !c.NonPunishmentSuggested || c.Client.Name != clientName {
			t.Errorf("direct case: %v %+v", err, c)
		}
	})
}

func TestCaseEditForms(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		co := e.as(policy.Zorgcoordinator)
		id := openCase(t, co, e.caseForm())
		base := "/casussen/" + id
		r := co.get(base).wantStatus(t, http.StatusOK)
		v := pageVersion(t, r)
		if v != "1" {
			t.Fatalf("version %s", v)
		}

		// The client form: success, back to the page with a notice.
		cf := e.caseForm()
		cf.Del("action")
		cf.Set("client.name", "Ioana P.")
		cf.Set("version", v)
		r = co.post(base+"/client", cf).wantStatus(t, http.StatusSeeOther)
		noPersonalDataInURLs(t, r, "Ioana", clientContact)
		if loc := r.Header.Get("Location"); loc != base+"?opgeslagen=1#client" {
			t.Errorf("Location %q", loc)
		}
		r = co.follow(r).wantStatus(t, http.StatusOK).wantContains(t, "De casus is bijgewerkt.", "Ioana P.", `data-event="update"`)

		// Stale: the message, the current values and what was typed.
		cf.Set("client.name", "Ioana Oud")
		cf.Set("client.contact", "Nieuw adres getypt")
		r = co.post(base+"/client", cf).wantStatus(t, http.StatusConflict)
		r.wantContains(t, `data-conflict="web.case.conflict.stale"`, esc("Iemand anders heeft deze casus intussen gewijzigd"),
			`<dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">Ioana P.</dd>`,
			`value="Ioana Oud"`, "Nieuw adres getypt", `name="version" value="2"`, `href="#client"`)
		noPersonalDataInURLs(t, r, "Ioana", "Nieuw adres")
		if c, _ := e.app.Cases.Get(context.Background(), e.users[policy.Zorgcoordinator].Subject(), id); c.Client.Name != "Ioana P." {
			t.Errorf("a stale edit was saved: %q", c.Client.Name)
		}
		// Invalid: every error, typed kept (422).
		cf.Set("version", "2")
		cf.Set("client.bsn", "12")
		cf.Set("client.languages", "roemeens")
		r = co.post(base+"/client", cf).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, "baken-error-summary", `href="#field-client.bsn"`, `href="#field-client.languages"`, `value="Ioana Oud"`, `value="roemeens"`)

		// Residence, aangifte, cooperation, registration.
		tf := url.Values{"version": {"2"}, "residenceAppliedOn": {"2026-01-05"}, "permitStatus": {e.app.Content.Casework.PermitStatuses[0].ID},
			"aangifte": {"no"}, "aangifteOn": {"2026-01-06"}, "cooperation": {"yes"}, "registeredOn": {"2026-01-07"},
			"dossierType": {e.app.Content.Casework.DossierTypes[0].ID}}
		r = co.post(base+"/gegevens", tf).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `href="#field-aangifteOn"`, `value="2026-01-06"`, `value="2026-01-07"`, `name="aangifte" value="no" checked`)
		tf.Set("aangifte", "yes")
		r = co.follow(co.post(base+"/gegevens", tf).wantStatus(t, http.StatusSeeOther)).wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-aangifte="yes"`, "2026-01-06", "2026-01-05", esc(e.app.Content.Casework.DossierTypes[0].Label.In("nl")))
		tf.Set("cooperation", "no") // version 2 is stale now
		r = co.post(base+"/gegevens", tf).wantStatus(t, http.StatusConflict)
		r.wantContains(t, `data-conflict="web.case.conflict.stale"`, `name="cooperation" value="no" checked`, `name="version" value="3"`)

		// Phase: only the whitelist's next phases; closing needs a reason.
		r = co.get(base).wantStatus(t, http.StatusOK)
		r.wantContains(t, `name="to" value="intake"`, `name="to" value="closed"`, `name="reason"`)
		r.wantLacks(t, `name="to" value="support"`, `name="to" value="aftercare"`)
		r = co.post(base+"/fase", url.Values{"version": {"3"}, "to": {"closed"}}).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `href="#field-reason"`, `value="closed" checked`)
		r = co.post(base+"/fase", url.Values{"version": {"3"}, "to": {"support"}}).wantStatus(t, http.StatusConflict)
		r.wantContains(t, `data-conflict="web.case.conflict.transition"`, `data-phase="registration"`)
		r = co.follow(co.post(base+"/fase", url.Values{"version": {"3"}, "to": {"intake"}, "reason": {"ignored"}}).wantStatus(t, http.StatusSeeOther))
		r.wantContains(t, `data-phase="intake"`, `name="to" value="support"`, `data-event="phase"`, "van Aanmelding naar Intake")
		co.post(base+"/fase", url.Values{"version": {"3"}, "to": {"support"}}).wantStatus(t, http.StatusConflict).
			wantContains(t, `data-conflict="web.case.conflict.stale"`, `value="support" checked`)

		// Reflection period: the end computed, a warning within 14 days.
		today := cases.Today(time.Now())
		start := today.AddDate(0, -3, 10)
		end := cases.ReflectionEnd(e.app.Content, start, false)
		r = co.post(base+"/bedenktijd", url.Values{"version": {"4"}, "start": {"gisteren"}}).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `href="#field-start"`, `value="gisteren"`)
		r = co.follow(co.post(base+"/bedenktijd", url.Values{"version": {"4"}, "start": {start.Format(time.DateOnly)}}).wantStatus(t, http.StatusSeeOther))
		days := int(end.Sub(today).Hours() / 24)
		r.wantContains(t, `data-reflection-end="`+end.Format(time.DateOnly)+`"`, `data-days-left="`+strconv.Itoa(days)+`"`, "data-reflection-warning",
			fmt.Sprintf("De bedenktijd eindigt over %d dagen", days), `data-event="reflection"`)
		r = co.follow(co.post(base+"/bedenktijd", url.Values{"version": {"5"}, "start": {today.AddDate(0, 0, -1).Format(time.DateOnly)}, "dublin": {"1"}}).wantStatus(t, http.StatusSeeOther))
		r.wantContains(t, `data-reflection-end="`+today.AddDate(0, 0, e.app.Content.Casework.Reflection.DublinDays-2).Format(time.DateOnly)+`"`, "Dublinzaak").
			wantLacks(t, "data-reflection-warning")
		co.post(base+"/bedenktijd", url.Values{"version": {"5"}, "start": {"2026-01-01"}}).wantStatus(t, http.StatusConflict).
			wantContains(t, `value="2026-01-01"`, `name="version" value="6"`)

		// Hand-over: a colleague added, then the coordinator leaves.
		colleague := e.addUser("collega-zc@baken.test", "Collega Zorg", e.noord.ID, policy.Zorgcoordinator)
		me := e.users[policy.Zorgcoordinator]
		r = co.get(base).wantStatus(t, http.StatusOK).wantContains(t, `name="coordinators" value="`+me.ID+`" checked`, `value="`+colleague.ID+`"`)
		co.post(base+"/overdracht", url.Values{"version": {"6"}}).wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, `href="#field-coordinators"`)
		co.post(base+"/overdracht", url.Values{"version": {"6"}, "coordinators": {"nobody"}}).wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, `href="#field-coordinators"`)
		r = co.follow(co.post(base+"/overdracht", url.Values{"version": {"6"}, "coordinators": {me.ID, colleague.ID}}).wantStatus(t, http.StatusSeeOther))
		r.wantContains(t, `data-coordinator="`+colleague.ID+`"`, `data-event="assignment"`, "Toegevoegd: Collega Zorg")
		co.post(base+"/overdracht", url.Values{"version": {"6"}, "coordinators": {colleague.ID}}).wantStatus(t, http.StatusConflict)
		r = co.post(base+"/overdracht", url.Values{"version": {"7"}, "coordinators": {colleague.ID}}).wantStatus(t, http.StatusSeeOther)
		// Handed over: the old coordinator now sees the outline only.
		co.follow(r).wantStatus(t, http.StatusOK).wantContains(t, "data-outline", `action="/casussen/`+id+`/toegang"`).wantLacks(t, "Ioana")
		e.loginAs(colleague.Email).get(base).wantStatus(t, http.StatusOK).wantContains(t, "Ioana P.", "Verwijderd: "+esc(me.Name))
	})
}

func TestCaseTimeline(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		co := e.as(policy.Zorgcoordinator)
		id := openCase(t, co, e.caseForm())
		base := "/casussen/" + id
		// A note; a contact without its kind is refused with the text kept.
		r := co.post(base+"/tijdlijn", url.Values{"kind": {"note"}, "body": {"Eerste gesprek gepland."}}).wantStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != base+"?opgeslagen=1#tijdlijn" {
			t.Errorf("Location %q", loc)
		}
		co.follow(r).wantContains(t, `data-event="note"`, "Eerste gesprek gepland.")
		r = co.post(base+"/tijdlijn", url.Values{"kind": {"contact"}, "body": {"Gebeld met de opvang."}}).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `href="#field-contactKind"`, "Gebeld met de opvang.", `name="kind" value="contact" checked`)
		co.post(base+"/tijdlijn", url.Values{"kind": {"note"}, "body": {"  "}}).wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, `href="#field-body"`)
		kind := e.app.Content.Casework.ContactKinds[0]
		co.follow(co.post(base+"/tijdlijn", url.Values{"kind": {"contact"}, "contactKind": {kind.ID}, "body": {"Gebeld met de opvang."}})).
			wantContains(t, `data-event="contact"`, esc(kind.Label.In("nl")))

		// Paging: the newest 20, then "Oudere gebeurtenissen".
		subj := e.users[policy.Zorgcoordinator].Subject()
		for i := range 25 {
			if _, err := e.app.Cases.AddEvent(context.Background(), subj, id, cases.EventInput{Kind: cases.KindNote, Body: fmt.Sprintf("Notitie %02d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		r = co.get(base).wantStatus(t, http.StatusOK)
		if n := strings.Count(r.body, `data-seq="`); n != 20 {
			t.Errorf("first timeline page holds %d", n)
		}
		r.wantContains(t, "Notitie 24").wantLacks(t, "Notitie 04")
		m := regexp.MustCompile(`href="(/casussen/[^"?]+\?voor=\d+#tijdlijn)" rel="next"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no Oudere gebeurtenissen link")
		}
		r = co.get(m[1]).wantStatus(t, http.StatusOK)
		// 28 events in all: created, the note, the contact and 25 notes.
		if n := strings.Count(r.body, `data-seq="`); n != 8 {
			t.Errorf("second page holds %d", n)
		}
		r.wantContains(t, "Notitie 04", "Eerste gesprek gepland.", `data-event="created"`, "Naar de nieuwste gebeurtenissen").wantLacks(t, "Notitie 24", `rel="next"`)
		co.get(base+"?voor=x").wantStatus(t, http.StatusBadRequest)
	})
}

func TestCaseAccessThroughPages(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		co := e.as(policy.Zorgcoordinator)
		id := openCase(t, co, e.caseForm())
		base := "/casussen/" + id
		colleague := e.addUser("collega-zc@baken.test", "Collega Zorg", e.noord.ID, policy.Zorgcoordinator)
		zuid := e.addUser("zorgcoordinator-zuid@baken.test", "Zuid Zorg", e.zuid.ID, policy.Zorgcoordinator)

		// Nobody else: the 404 page, and no entry on the start page.
		for _, tc := range []struct {
			name string
			c    *client
		}{
			{"other region coordinator", e.loginAs(zuid.Email)},
			{"reporter", e.as(policy.Signaleerder)},
			{"partner", e.as(policy.Ketenpartner)},
			{"beheerder", e.as(policy.Beheerder)},
			{"analist", e.as(policy.Analist)},
		} {
			r := tc.c.get(base).wantStatus(t, http.StatusNotFound)
			r.wantLacks(t, "Ioana", "CASE-")
			tc.c.post(base+"/toegang", url.Values{"reason": {"Even kijken"}}).wantStatus(t, http.StatusNotFound)
			tc.c.post(base+"/tijdlijn", url.Values{"kind": {"note"}, "body": {"x"}}).wantStatus(t, http.StatusNotFound)
			tc.c.post(base+"/client", url.Values{"version": {"1"}, "client.name": {"x"}}).wantStatus(t, http.StatusNotFound)
			if tc.name != "other region coordinator" {
				tc.c.get("/casussen").wantStatus(t, http.StatusNotFound)
				tc.c.get("/casussen/nieuw").wantStatus(t, http.StatusNotFound)
				tc.c.get("/").wantStatus(t, http.StatusOK).wantLacks(t, `href="/casussen"`)
			} else {
				tc.c.get("/casussen?scope=region").wantStatus(t, http.StatusOK).wantLacks(t, id)
			}
		}
		co.get("/").wantStatus(t, http.StatusOK).wantContains(t, `href="/casussen"`, `href="/casussen/nieuw"`,
			`<a class="utrecht-nav-list__link utrecht-link utrecht-link--html-a" href="/casussen">Casussen</a>`)
		// The navigation marks "Casussen" current on every case page.
		for _, path := range []string{"/casussen", "/casussen?scope=region", base, "/casussen/nieuw"} {
			co.get(path).wantStatus(t, http.StatusOK).wantContains(t, `utrecht-link--current" href="/casussen" aria-current="page">Casussen</a>`)
		}
		co.get("/casussen/onbekend").wantStatus(t, http.StatusNotFound)

		// A colleague of the region: the outline and break the glass.
		cl := e.loginAs(colleague.Email)
		r := cl.get(base).wantStatus(t, http.StatusOK)
		r.wantContains(t, "data-outline", `data-phase="registration"`, esc(e.users[policy.Zorgcoordinator].Name), `action="/casussen/`+id+`/toegang"`, `name="reason"`)
		r.wantLacks(t, "Ioana", clientContact, clientBSN)
		cl.post(base+"/tijdlijn", url.Values{"kind": {"note"}, "body": {"x"}}).wantStatus(t, http.StatusForbidden)
		r = cl.post(base+"/toegang", url.Values{"reason": {"  "}}).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `href="#field-reason"`, "data-outline").wantLacks(t, "Ioana")
		r = cl.post(base+"/toegang", url.Values{"reason": {"Collega ziek, cliënt belt"}}).wantStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != base+"?toegang=1" {
			t.Errorf("Location %q", loc)
		}
		cl.follow(r).wantStatus(t, http.StatusOK).wantContains(t, "Ioana Popescu", "8 uur inzage", `data-grant="`+colleague.ID+`"`)
		// The assigned coordinator sees who, why and until when, and may
		// hand over and transfer.
		co.get(base).wantStatus(t, http.StatusOK).wantContains(t, `data-grant="`+colleague.ID+`"`, "Collega Zorg",
			esc("Collega ziek, cliënt belt"), `data-event="break_glass"`,
			`action="/casussen/`+id+`/overdracht"`, `action="/casussen/`+id+`/overdragen"`)
		// The grant holder neither sees nor uses the hand-over and the
		// transfer (F4): a grant is not ownership.
		cl.get(base).wantStatus(t, http.StatusOK).wantContains(t, "Ioana Popescu", `data-assign-grant`).
			wantLacks(t, `action="/casussen/`+id+`/overdracht"`, `action="/casussen/`+id+`/overdragen"`)
		page := cl.get(base).body
		m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no version on the case page")
		}
		cl.post(base+"/overdracht", url.Values{"version": {m[1]}, "coordinators": {colleague.ID}}).
			wantStatus(t, http.StatusForbidden).wantContains(t, "break-the-glass")
		cl.post(base+"/overdragen", url.Values{"toRegionId": {e.zuid.ID}, "transferReason": {"Verhuist"}}).
			wantStatus(t, http.StatusForbidden)
		co.get(base).wantStatus(t, http.StatusOK).wantContains(t, `data-coordinator="`+e.users[policy.Zorgcoordinator].ID+`"`).
			wantLacks(t, `data-coordinator="`+colleague.ID+`"`, `data-pending-transfer`)
	})
}

func TestCaseLists(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		co := e.as(policy.Zorgcoordinator)
		me := e.users[policy.Zorgcoordinator]
		colleague := e.addUser("collega-zc@baken.test", "Collega Zorg", e.noord.ID, policy.Zorgcoordinator)
		criminal := e.app.Content.Casework.NonPunishmentForms[0]
		var ids []string
		for i := range cases.DefaultLimit + 1 {
			c, err := e.app.Cases.Create(ctx, me.Subject(), cases.Input{Forms: []string{e.app.Content.Forms[i%2].ID}})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		theirs, err := e.app.Cases.Create(ctx, colleague.Subject(), cases.Input{Forms: []string{criminal}, Client: cases.Client{Name: clientName}})
		if err != nil {
			t.Fatal(err)
		}
		cur, err := e.app.Cases.Get(ctx, me.Subject(), ids[0])
		if err != nil {
			t.Fatal(err)
		}
		start := cases.Today(time.Now()).AddDate(0, -3, 5).Format(time.DateOnly)
		if _, err := e.app.Cases.SetReflection(ctx, me.Subject(), ids[0], cur.Version, start, false); err != nil {
			t.Fatal(err)
		}

		// Mine: 50 and "Volgende" to the last one; the colleague's not among them.
		r := co.get("/casussen").wantStatus(t, http.StatusOK)
		r.wantContains(t, "Mijn casussen", `href="/casussen" aria-current="page"`, esc(me.Name)).wantLacks(t, theirs.ID)
		if n := strings.Count(r.body, `data-case="`); n != cases.DefaultLimit {
			t.Fatalf("first page holds %d", n)
		}
		m := regexp.MustCompile(`href="(/casussen\?cursor=[^"]+)" rel="next"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no Volgende link")
		}
		r = co.get(strings.ReplaceAll(m[1], "&amp;", "&")).wantStatus(t, http.StatusOK)
		if n := strings.Count(r.body, `data-case="`); n != 1 {
			t.Errorf("second page holds %d", n)
		}

		// The region: the colleague's case too, marked as an outline, with
		// its coordinator's name and its non-punishment marker.
		r = co.get("/casussen?scope=region&phase=open&form="+criminal).wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-case="`+theirs.ID+`"`, "Collega Zorg", "niet toegewezen", "data-non-punishment", theirs.Reference,
			`href="/casussen?scope=region" aria-current="page"`, `<input type="hidden" name="scope" value="region">`)
		if n := strings.Count(r.body, `data-case="`); n != 1 {
			t.Errorf("form filter: %d rows", n)
		}
		noPersonalDataInURLs(t, r, clientName)
		r = co.get("/casussen?reflectionWithin=14").wantStatus(t, http.StatusOK)
		if n := strings.Count(r.body, `data-case="`); n != 1 || !strings.Contains(r.body, `data-case="`+ids[0]+`"`) {
			t.Errorf("reflection filter: %d rows", n)
		}
		r = co.get("/casussen?scope=region&q="+strings.ToLower(theirs.Reference)).wantStatus(t, http.StatusOK)
		if n := strings.Count(r.body, `data-case="`); n != 1 {
			t.Errorf("reference search: %d rows", n)
		}
		co.get("/casussen?phase=closed").wantStatus(t, http.StatusOK).wantContains(t, "baken-empty")
		co.get("/casussen?phase=nonsense&reflectionWithin=veel").wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, `href="#field-reflectionWithin"`)
		co.get("/casussen?phase=nonsense").wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, `href="#field-phase"`)
		co.get("/casussen?cursor=rommel").wantStatus(t, http.StatusUnprocessableEntity)
	})
}

// TestCaseKeysExist: the keys the case pages build from the service's ids
// (phases, genders, answers, event kinds) are in both catalogs.
func TestCaseKeysExist(t *testing.T) {
	b := i18n.MustLoad()
	var keys []string
	for _, p := range append([]cases.Phase{cases.PhaseOpen}, cases.Phases...) {
		keys = append(keys, "web.case.phase."+string(p))
	}
	for _, g := range cases.Genders {
		keys = append(keys, "web.case.gender."+g)
	}
	for _, a := range cases.Answers {
		keys = append(keys, "web.case.answer."+a)
	}
	for _, k := range []string{cases.KindCreated, cases.KindNote, cases.KindContact, cases.KindPhase, cases.KindUpdate,
		cases.KindAssignment, cases.KindBreakGlass, cases.KindReflection, cases.KindTask, cases.KindTaskDone, cases.KindDocument,
		cases.KindPlacement, cases.KindPlacementEnd, cases.KindSupport, cases.KindConsent, cases.KindConsentWithdrawn,
		cases.KindTransferAsked, cases.KindTransferAccepted, cases.KindTransferDeclined} {
		keys = append(keys, "web.case.event.kind."+k)
	}
	for _, k := range keys {
		for _, l := range i18n.Langs {
			if !b.Has(l, k) {
				t.Errorf("%q missing from the %s catalog", k, l)
			}
		}
	}
}

// TestCaseTasksAndPlacements: the tasks and placements sections of the case
// page, and the coordinator's dashboard (cases_more.go).
func TestCaseTasksAndPlacements(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		co := e.as(policy.Zorgcoordinator)
		me := e.users[policy.Zorgcoordinator]
		shelter, err := e.app.Orgs.CreateOrg(ctx, org.System, org.OrgInput{Kind: org.Partner, Name: "Opvang Noord", RegionID: e.noord.ID, PartnerType: "opvang"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Cases.SetCapacity(ctx, me.Subject(), shelter.ID, 4, 0); err != nil {
			t.Fatal(err)
		}
		id := openCase(t, co, e.caseForm())
		base := "/casussen/" + id
		today := cases.Today(time.Now())

		// Tasks: every error at once, then one; done with its version.
		r := co.post(base+"/taken", url.Values{"title": {""}, "dueOn": {"2020-01-01"}, "ownerId": {"nobody"}}).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `href="#field-title"`, `href="#field-dueOn"`, `href="#field-ownerId"`, `value="2020-01-01"`)
		due := today.AddDate(0, 0, 3).Format(time.DateOnly)
		r = co.post(base+"/taken", url.Values{"title": {"Huisarts bellen"}, "dueOn": {due}, "ownerId": {me.ID}}).wantStatus(t, http.StatusSeeOther)
		noPersonalDataInURLs(t, r, "Huisarts")
		r = co.follow(r).wantStatus(t, http.StatusOK)
		r.wantContains(t, "Huisarts bellen", due, `data-event="task"`)
		m := regexp.MustCompile(`action="(/casussen/[^"]+/taken/([^"/]+)/afgerond)"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no done button")
		}
		co.post(m[1], url.Values{"version": {"2"}}).wantStatus(t, http.StatusConflict).wantContains(t, `data-conflict="web.case.conflict.stale"`)
		co.follow(co.post(m[1], url.Values{"version": {"1"}}).wantStatus(t, http.StatusSeeOther)).wantContains(t, "Afgerond op", `data-event="task_done"`)
		co.post(m[1], url.Values{"version": {"2"}}).wantStatus(t, http.StatusConflict).wantContains(t, `data-conflict="web.case.conflict.task_done"`)

		// Placements: errors with input kept; one added; ended.
		r = co.post(base+"/plaatsingen", url.Values{"shelterOrgId": {e.politie.ID}, "fromOn": {"gisteren"}}).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `href="#field-shelterOrgId"`, `href="#field-shelterType"`, `href="#field-fromOn"`, `value="gisteren"`)
		from := today.AddDate(0, 0, -2).Format(time.DateOnly)
		typ := e.app.Content.Casework.ShelterTypes[0]
		r = co.follow(co.post(base+"/plaatsingen", url.Values{"shelterOrgId": {shelter.ID}, "shelterType": {typ.ID}, "fromOn": {from}}).wantStatus(t, http.StatusSeeOther))
		r.wantContains(t, "Opvang Noord", "data-current", esc(typ.Label.In("nl")), `data-event="placement"`, "3 vrij")
		pm := regexp.MustCompile(`action="(/casussen/[^"]+/plaatsingen/[^"/]+/einde)"`).FindStringSubmatch(r.body)
		if pm == nil {
			t.Fatal("no end form")
		}
		r = co.post(pm[1], url.Values{"version": {"1"}, "toOn": {"2000-01-01"}}).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `href="#field-endOn"`, `id="field-endOn"`, `value="2000-01-01"`)
		if strings.Count(r.body, `id="field-toOn"`) != 1 {
			t.Error("the end form's field clashes with the placement form's")
		}

		// The dashboard: my cases by phase, reflection periods ending, shelters.
		c, err := e.app.Cases.Get(ctx, me.Subject(), id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Cases.SetReflection(ctx, me.Subject(), id, c.Version, today.AddDate(0, -3, 5).Format(time.DateOnly), false); err != nil {
			t.Fatal(err)
		}
		r = co.get("/casussen/overzicht").wantStatus(t, http.StatusOK)
		r.wantContains(t, "Overzicht zorgcoördinatie", `data-phase-count="registration"`, `href="/casussen?phase=registration">1 in deze fase`,
			`data-reflection-due="`+id+`"`, `data-shelter="`+shelter.ID+`"`, `data-free="3"`, `data-overdue-count="0"`)
		noPersonalDataInURLs(t, r, clientName)
		co.follow(co.post(pm[1], url.Values{"version": {"1"}, "toOn": {today.Format(time.DateOnly)}}).wantStatus(t, http.StatusSeeOther)).
			wantContains(t, `data-event="placement_end"`)
		co.post(pm[1], url.Values{"version": {"2"}, "toOn": {today.Format(time.DateOnly)}}).wantStatus(t, http.StatusConflict).
			wantContains(t, `data-conflict="web.case.conflict.placement_ended"`)
		// Both languages: every text from the catalogs, no key left raw.
		for _, lang := range []string{"en", "nl"} {
			co.post("/taal", url.Values{"lang": {lang}, "next": {"/"}}).wantStatus(t, http.StatusSeeOther)
			for _, path := range []string{base, "/casussen", "/casussen?scope=region", "/casussen/nieuw", "/casussen/overzicht"} {
				r := co.get(path).wantStatus(t, http.StatusOK).wantLacks(t, "web.case.", "%!")
				if k := rawKeyRE.FindString(r.body); k != "" {
					t.Errorf("%s (%s): raw key %q", path, lang, k)
				}
				if !strings.Contains(r.body, `<html lang="`+lang+`"`) {
					t.Errorf("%s: not in %s", path, lang)
				}
			}
		}
		co.get(base).wantContains(t, "Tijdlijn")
		e.as(policy.Ketenpartner).get("/casussen/overzicht").wantStatus(t, http.StatusNotFound)
		co.get("/").wantContains(t, `href="/casussen/overzicht"`)
	})
}
