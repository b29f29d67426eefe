package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
)

// intake is a valid intake form with two persons.
func (e *env) intake(alias string) url.Values {
	c := e.app.Content
	return url.Values{
		"department":             {c.Departments[0].ID},
		"observedOn":             {"2026-01-15"},
		"place":                  {"Wijk Oost, achter de bakkerij"},
		"cameToLight":            {"Huisbezoek"},
		"personCount":            {"2"},
		"persons[0].alias":       {alias},
		"persons[0].birthYear":   {"1990"},
		"persons[0].gender":      {"female"},
		"persons[0].nationality": {"RO"},
		"persons[0].language":    {"ro"},
		"persons[1].alias":       {alias + "-twee"},
		"persons[1].ageBand":     {"25_34"},
		"forms":                  {c.Forms[0].ID},
		"signals":                {c.FrontlineSignals[0].ID},
		"indicators":             {c.Indicators[0].ID},
		"riskFactors":            {c.RiskFactors[0].ID},
		"narrative":              {"Zes mensen slapen in één kamer."},
		"action":                 {"save"},
	}
}

var urlAttrRE = regexp.MustCompile(`(?:href|action|hx-post|hx-get|src)="([^"]*)"`)

// noPersonalDataInURLs fails when a URL in the page holds one of the words.
func noPersonalDataInURLs(t *testing.T, r *response, words ...string) {
	t.Helper()
	urls := []string{r.Header.Get("Location")}
	for _, m := range urlAttrRE.FindAllStringSubmatch(r.body, -1) {
		urls = append(urls, m[1])
	}
	for _, u := range urls {
		dec, _ := url.QueryUnescape(u)
		for _, w := range words {
			if strings.Contains(strings.ToLower(u), strings.ToLower(w)) || strings.Contains(strings.ToLower(dec), strings.ToLower(w)) {
				t.Errorf("%s %s: URL %q holds %q", r.Request.Method, r.Request.URL.Path, u, w)
			}
		}
	}
}

var signalIDRE = regexp.MustCompile(`^/signalen/([^/?]+)\?nieuw=1$`)

// record posts the intake form and returns the new signal's id.
func record(t *testing.T, c *client, form url.Values) string {
	t.Helper()
	r := c.post("/signalen/nieuw", form).wantStatus(t, http.StatusSeeOther)
	m := signalIDRE.FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("Location %q", r.Header.Get("Location"))
	}
	return m[1]
}

func TestSignalIntake(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Signaleerder)
		const alias = "Zonnebloem"
		r := c.get("/signalen/nieuw").wantStatus(t, http.StatusOK)
		r.wantContains(t, "Signaal vastleggen", `href="tel:112"`, `name="persons[0].alias"`, `name="csrf"`,
			`hx-post="/signalen/nieuw/uitkomst"`, "tellen niet mee in de weging", `value="2026-`, `data-person="0"`)
		r.wantLacks(t, `data-person="1"`)

		// "Nog een persoon" without JavaScript: an extra block, nothing lost.
		f := e.intake(alias)
		f.Set("personCount", "1")
		f.Del("persons[1].alias")
		f.Del("persons[1].ageBand")
		f.Set("action", "add_person")
		r = c.post("/signalen/nieuw", f).wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-person="1"`, `value="`+alias+`"`, `value="2"`, esc("Zes mensen slapen in één kamer."))
		r.wantLacks(t, `data-person="2"`)
		noPersonalDataInURLs(t, r, alias, "bakkerij")

		// Every error at once, everything typed kept (several persons).
		bad := e.intake(alias)
		bad.Set("department", "")
		bad.Set("observedOn", "2999-01-01")
		bad.Set("persons[1].nationality", "Roemeens")
		bad.Set("persons[0].birthYear", "negentig")
		bad.Add("indicators", "no_such_indicator")
		r = c.post("/signalen/nieuw", bad).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, "baken-error-summary", `href="#field-department"`, `href="#field-observedOn"`,
			`href="#field-persons%5b1%5d.nationality"`, `href="#field-persons%5b0%5d.birthYear"`, `href="#field-indicators"`,
			`id="error-persons[1].nationality"`, `value="`+alias+`"`, `value="`+alias+`-twee"`, `value="Roemeens"`,
			`value="negentig"`, esc("Zes mensen slapen in één kamer."), `value="2999-01-01"`)
		if !regexp.MustCompile(`value="` + regexp.QuoteMeta(e.app.Content.Indicators[0].ID) + `"[^>]* checked`).MatchString(r.body) {
			t.Error("the ticked indicator was not kept")
		}
		noPersonalDataInURLs(t, r, alias, "bakkerij")

		// Success: POST-redirect-GET to the confirmation with the reference.
		good := e.intake(alias)
		r = c.post("/signalen/nieuw", good).wantStatus(t, http.StatusSeeOther)
		noPersonalDataInURLs(t, r, alias)
		r = c.follow(r).wantStatus(t, http.StatusOK)
		r.wantContains(t, "SIG-", "baken-confirmation", "zorgcoördinator", alias, alias+"-twee", "Wijk Oost", `data-ruleset="`)
		noPersonalDataInURLs(t, r, alias, "bakkerij", "Wijk Oost")

		// A context signal is stored with the signal and shown on its page
		// marked as not counted; the live preview lists it apart.
		var ctx content.FrontlineSignal
		for _, s := range e.app.Content.FrontlineSignals {
			if s.Context {
				ctx = s
				break
			}
		}
		withContext := e.intake(alias)
		withContext.Add("signals", ctx.ID)
		r = c.follow(c.post("/signalen/nieuw", withContext).wantStatus(t, http.StatusSeeOther)).wantStatus(t, http.StatusOK)
		r.wantContains(t, esc(ctx.Label.NL)+` <span class="baken-context-tag" data-context-signal="`+ctx.ID+`">(`+tr("nl", "web.assess.signal.context")+`)</span>`,
			esc(e.app.Content.FrontlineSignals[0].Label.NL))
		r = c.post("/signalen/nieuw/uitkomst", url.Values{"signals": {ctx.ID}}).wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-context-signal="`+ctx.ID+`"`, tr("nl", "web.assess.context"))

		// The list and the inbox generate no personal data in URLs either.
		noPersonalDataInURLs(t, c.get("/signalen").wantStatus(t, http.StatusOK), alias)
		noPersonalDataInURLs(t, e.as(policy.Zorgcoordinator).get("/signalen/inbox").wantStatus(t, http.StatusOK), alias)
	})
}

func TestSignalConsultation(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Signaleerder)
		f := e.intake("Tulp")
		f.Set("consultation", "1")
		r := c.post("/signalen/nieuw", f).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, esc("Een consultatie bevat geen persoonsgegevens"), `href="#field-persons%5b0%5d.alias"`, `href="#field-narrative"`, `href="#field-place"`)
		// Only ticks, a birth year and a gender.
		f = url.Values{"consultation": {"1"}, "department": {e.app.Content.Departments[0].ID}, "observedOn": {"2026-01-15"},
			"personCount": {"1"}, "persons[0].birthYear": {"2010"}, "persons[0].gender": {"male"},
			"indicators": {e.app.Content.Indicators[0].ID}}
		id := record(t, c, f)
		r = c.get("/signalen/"+id+"?nieuw=1").wantStatus(t, http.StatusOK)
		r.wantContains(t, "consultatie", "baken-confirmation")
	})
}

func TestSignalOutcomeFragment(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Signaleerder)
		r := c.post("/signalen/nieuw/uitkomst", url.Values{"acuteDanger": {"1"}}).wantStatus(t, http.StatusOK)
		r.wantContains(t, `href="tel:112"`, `data-advice="call_112"`, "data-outcome=")
		r.wantLacks(t, "<html")
		// A possible minor is weighed as a minor, as on save.
		r = c.post("/signalen/nieuw/uitkomst", url.Values{"personCount": {"1"}, "persons[0].birthYear": {"2012"},
			"observedOn": {"2026-01-15"}, "indicators": {e.app.Content.Indicators[0].ID}}).wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-population="child"`)
	})
}

// TestSignalPreviewIsSave (code review): the live assessment and the save
// agree, the review's contradictory age included — one person born in 1990
// in the age group 12–17 is previewed and saved as a child, the preview
// warns that the age is to be established, and the save is not blocked.
func TestSignalPreviewIsSave(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Signaleerder)
		for _, tc := range []struct {
			name, year, band, population string
			warn                         bool
		}{
			{"contradictory", "1990", "12_17", "child", true},
			{"adult", "1990", "", "adult", false},
			{"possibly minor", "2008", "", "child", false},
			{"band only", "", "12_17", "child", false},
		} {
			f := url.Values{"department": {e.app.Content.Departments[0].ID}, "observedOn": {"2026-01-15"},
				"personCount": {"1"}, "persons[0].alias": {"Klaproos"}, "persons[0].birthYear": {tc.year},
				"persons[0].ageBand": {tc.band}, "indicators": {e.app.Content.Indicators[0].ID}, "action": {"save"}}
			r := c.post("/signalen/nieuw/uitkomst", f).wantStatus(t, http.StatusOK)
			r.wantContains(t, `data-population="`+tc.population+`"`)
			if tc.warn {
				r.wantContains(t, `data-warning="signal.person.age_contradiction"`, `data-field="persons[0].ageBand"`,
					tr("nl", "signal.person.age_contradiction"))
			} else {
				r.wantLacks(t, `data-warning=`)
			}
			id := record(t, c, f)
			sig, err := e.app.Signals.Get(context.Background(), e.users[policy.Signaleerder].Subject(), id)
			if err != nil {
				t.Fatal(err)
			}
			if string(sig.Assessment.Population) != tc.population {
				t.Errorf("%s: previewed %s, saved %s", tc.name, tc.population, sig.Assessment.Population)
			}
		}
	})
}

func TestSignalAccessThroughPages(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		rep := e.as(policy.Signaleerder)
		id := record(t, rep, e.intake("Klaproos"))
		zuidCoord := e.addUser("zorgcoordinator-zuid@baken.test", "Zuid", e.zuid.ID, policy.Zorgcoordinator)
		colleague := e.addUser("collega@baken.test", "Collega", e.gemA.ID, policy.Signaleerder)
		cases := []struct {
			name   string
			c      *client
			status int
			nav    bool
		}{
			{"reporter", rep, http.StatusOK, true},
			{"region coordinator", e.as(policy.Zorgcoordinator), http.StatusOK, true},
			{"other region coordinator", e.loginAs(zuidCoord.Email), http.StatusNotFound, true},
			{"colleague signaleerder", e.loginAs(colleague.Email), http.StatusNotFound, true},
			{"partner", e.as(policy.Ketenpartner), http.StatusNotFound, false},
			{"analist", e.as(policy.Analist), http.StatusNotFound, false},
			{"beheerder", e.as(policy.Beheerder), http.StatusNotFound, false},
			{"beleidsmedewerker", e.as(policy.Beleidsmedewerker), http.StatusNotFound, false},
		}
		for _, tc := range cases {
			r := tc.c.get("/signalen/"+id).wantStatus(t, tc.status)
			if tc.status == http.StatusNotFound {
				r.wantLacks(t, "Klaproos", "SIG-")
			}
			home := tc.c.get("/").wantStatus(t, http.StatusOK)
			if got := strings.Contains(home.body, `href="/signalen"`); got != tc.nav {
				t.Errorf("%s: nav entry %v, want %v", tc.name, got, tc.nav)
			}
			if !tc.nav {
				tc.c.get("/signalen").wantStatus(t, http.StatusNotFound)
				tc.c.get("/signalen/nieuw").wantStatus(t, http.StatusNotFound)
				tc.c.post("/signalen/"+id+"/status", url.Values{"version": {"1"}, "to": {"in_progress"}}).wantStatus(t, http.StatusNotFound)
			}
		}
		// The other region's coordinator's inbox and list do not hold it.
		z := e.loginAs(zuidCoord.Email)
		z.get("/signalen/inbox").wantStatus(t, http.StatusOK).wantLacks(t, id)
		z.get("/signalen").wantStatus(t, http.StatusOK).wantLacks(t, id)
		// The reporter may not transition: 403, nothing changes.
		rep.post("/signalen/"+id+"/status", url.Values{"version": {"1"}, "to": {"in_progress"}}).wantStatus(t, http.StatusForbidden)
	})
}

func (e *env) loginAs(email string) *client {
	c := e.client()
	c.login(email)
	return c
}

func TestSignalTransitions(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		rep := e.as(policy.Signaleerder)
		id := record(t, rep, e.intake("Madelief"))
		co := e.as(policy.Zorgcoordinator)
		r := co.get("/signalen/"+id).wantStatus(t, http.StatusOK)
		// Only the allowed next statuses: new → in_progress.
		r.wantContains(t, `action="/signalen/`+id+`/status"`, `name="version" value="1"`, `value="in_progress"`)
		r.wantLacks(t, `name="to" value="closed"`, `name="to" value="more_info_requested"`)

		r = co.post("/signalen/"+id+"/status", url.Values{"version": {"1"}, "to": {"in_progress"},
			"remark": {"Ik pak het op."}, "note": {"Intern: bel wijkagent"}}).wantStatus(t, http.StatusSeeOther)
		r = co.follow(r).wantStatus(t, http.StatusOK)
		r.wantContains(t, "De status is gewijzigd.", "Ik pak het op.", "Intern: bel wijkagent", `data-status="in_progress"`, `name="version" value="2"`,
			`value="closed"`, `value="more_info_requested"`, `action="/casussen/nieuw"`).wantLacks(t, `value="converted"`)
		// Converted only by opening a case (F10): the form refuses it and
		// says how, keeping what was typed.
		co.post("/signalen/"+id+"/status", url.Values{"version": {"2"}, "to": {"converted"}, "remark": {"Wordt een casus"}}).
			wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, `href="#field-to"`, "Wordt een casus", `data-status="in_progress"`)

		// The reporter sees the status and the remark, never the note.
		rep.get("/signalen/"+id).wantStatus(t, http.StatusOK).wantContains(t, "Ik pak het op.", `data-status="in_progress"`).
			wantLacks(t, "Intern: bel wijkagent", `action="/signalen/`+id+`/status"`)

		// Closing without a reason: 422 with the error, typed text kept.
		r = co.post("/signalen/"+id+"/status", url.Values{"version": {"2"}, "to": {"closed"}, "remark": {"Afgerond"}}).
			wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `href="#field-reason"`, "Afgerond")

		// A stale version: 409 with the current state and a message.
		r = co.post("/signalen/"+id+"/status", url.Values{"version": {"1"}, "to": {"in_progress"}}).wantStatus(t, http.StatusConflict)
		r.wantContains(t, `data-conflict="error.stale"`, `data-status="in_progress"`, `name="version" value="2"`)

		r = co.post("/signalen/"+id+"/status", url.Values{"version": {"2"}, "to": {"closed"}, "reason": {signal.ReasonPolice}})
		co.follow(r.wantStatus(t, http.StatusSeeOther)).wantContains(t, `data-status="closed"`, esc("Doorverwezen naar de politie")).
			wantLacks(t, `action="/signalen/`+id+`/status"`)
	})
}

func TestSignalListsAndInbox(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		rep := e.as(policy.Signaleerder)
		co := e.as(policy.Zorgcoordinator)
		subj := e.users[policy.Signaleerder].Subject()
		ctx := context.Background()
		in := signal.Input{Department: e.app.Content.Departments[0].ID, ObservedOn: "2026-01-10"}
		var first string
		for i := range signal.DefaultLimit + 2 {
			s, err := e.app.Signals.Create(ctx, subj, in)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = s.ID
			}
		}
		// The inbox count in the navigation, as text.
		r := co.get("/").wantStatus(t, http.StatusOK)
		want := strconv.Itoa(signal.DefaultLimit + 2)
		r.wantContains(t, `data-inbox-count="`+want+`"`, "("+want+" nieuw)")
		rep.get("/").wantStatus(t, http.StatusOK).wantLacks(t, "data-inbox-count", `href="/signalen/inbox"`)

		// Paging with "Volgende".
		r = rep.get("/signalen").wantStatus(t, http.StatusOK)
		if n := strings.Count(r.body, `data-signal="`); n != signal.DefaultLimit {
			t.Fatalf("first page holds %d", n)
		}
		m := regexp.MustCompile(`href="(/signalen\?[^"]*cursor=[^"]+)" rel="next"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no Volgende link")
		}
		next := strings.ReplaceAll(m[1], "&amp;", "&")
		r = rep.get(next).wantStatus(t, http.StatusOK)
		if n := strings.Count(r.body, `data-signal="`); n != 2 {
			t.Errorf("second page holds %d", n)
		}
		r.wantLacks(t, `rel="next"`)

		// Filters: move one to in_progress, filter on status.
		if _, err := e.app.Signals.Transition(ctx, e.users[policy.Zorgcoordinator].Subject(), first, 1, signal.TransitionInput{To: signal.StatusInProgress}); err != nil {
			t.Fatal(err)
		}
		r = co.get("/signalen?status=in_progress").wantStatus(t, http.StatusOK)
		if n := strings.Count(r.body, `data-signal="`); n != 1 || !strings.Contains(r.body, first) {
			t.Errorf("status filter: %d rows", n)
		}
		r = co.get("/signalen?sort=oldest&department=" + in.Department + "&municipality=" + e.gemA.ID + "&from=2020-01-01&to=2999-01-01")
		r.wantStatus(t, http.StatusOK)
		if !strings.Contains(r.body, `data-signal="`+first+`"`) {
			t.Error("oldest first lacks the first signal")
		}
		co.get("/signalen?from=gisteren").wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, `href="#field-from"`)
		co.get("/signalen?outcome="+"nonsense").wantStatus(t, http.StatusUnprocessableEntity)
		co.get("/").wantContains(t, fmt.Sprintf(`data-inbox-count="%d"`, signal.DefaultLimit+1))
		r = co.get("/signalen/inbox").wantStatus(t, http.StatusOK)
		if strings.Contains(r.body, `data-signal="`+first+`"`) {
			t.Error("the inbox holds a signal in progress")
		}

		// Search on an alias is a POST; the alias never stands in a URL.
		id := record(t, rep, e.intake("Vergeet-mij-niet"))
		r = co.post("/signalen/zoeken", url.Values{"q": {"vergeet-mij-niet"}}).wantStatus(t, http.StatusOK)
		if n := strings.Count(r.body, `data-signal="`); n != 1 || !strings.Contains(r.body, id) {
			t.Errorf("alias search: %d rows", n)
		}
		noPersonalDataInURLs(t, r, "vergeet-mij-niet")

		// A search with more than one page goes on with a posted "Volgende":
		// the cursor travels in the form, the alias never in a URL.
		withAlias := in
		withAlias.Persons = []signal.PersonInput{{Alias: "Zwaluw"}}
		for range signal.DefaultLimit + 1 {
			if _, err := e.app.Signals.Create(ctx, subj, withAlias); err != nil {
				t.Fatal(err)
			}
		}
		r = co.post("/signalen/zoeken", url.Values{"q": {"Zwaluw"}}).wantStatus(t, http.StatusOK)
		if n := strings.Count(r.body, `data-signal="`); n != signal.DefaultLimit {
			t.Fatalf("search page 1 holds %d", n)
		}
		cm := regexp.MustCompile(`name="cursor" value="([^"]+)"`).FindStringSubmatch(r.body)
		if cm == nil {
			t.Fatal("search without a posted Volgende")
		}
		noPersonalDataInURLs(t, r, "zwaluw")
		r = co.post("/signalen/zoeken", url.Values{"q": {"Zwaluw"}, "cursor": {strings.ReplaceAll(cm[1], "&amp;", "&")}}).wantStatus(t, http.StatusOK)
		if n := strings.Count(r.body, `data-signal="`); n != 1 {
			t.Errorf("search page 2 holds %d", n)
		}
		r.wantLacks(t, `name="cursor"`)
	})
}

// A care coordinator records for a municipality of their region, chosen on
// the form; one of another region is refused.
func TestSignalIntakeByCoordinator(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		co := e.as(policy.Zorgcoordinator)
		co.get("/signalen/nieuw").wantStatus(t, http.StatusOK).wantContains(t, `name="municipalityId"`, `value="`+e.gemA.ID+`"`).
			wantLacks(t, `value="`+e.gemC.ID+`"`)
		f := e.intake("Lelie")
		f.Set("municipalityId", e.gemA.ID)
		id := record(t, co, f)
		co.get("/signalen/"+id).wantStatus(t, http.StatusOK).wantContains(t, "Lelie", `action="/signalen/`+id+`/status"`)
		f.Set("municipalityId", e.gemC.ID)
		// Not offered by the form; a crafted request is refused (403).
		co.post("/signalen/nieuw", f).wantStatus(t, http.StatusForbidden)
	})
}

// The intake page asks the assess page's three smuggling questions: an
// adult with all three ticked and no indicator is weighed as smuggling,
// live and on save, and the ticks survive a re-render.
func TestSignalIntakeSmuggling(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Signaleerder)
		r := c.get("/signalen/nieuw").wantStatus(t, http.StatusOK)
		r.wantContains(t, `name="smugglingFacilitated"`, `name="smugglingPaid"`, `name="smugglingConsented"`,
			`for="field-smugglingFacilitated"`, "Mensensmokkel")

		f := url.Values{"department": {e.app.Content.Departments[0].ID}, "observedOn": {"2026-01-15"},
			"personCount": {"1"}, "persons[0].alias": {"Klaproos"}, "persons[0].birthYear": {"1990"},
			"smugglingFacilitated": {"1"}, "smugglingPaid": {"1"}, "smugglingConsented": {"1"}, "action": {"save"}}

		// Live: the fragment weighs the ticks.
		r = c.post("/signalen/nieuw/uitkomst", f).wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-outcome="smuggling"`, `data-population="adult"`)

		// Kept on a re-render ("Nog een persoon" and a validation error).
		add := url.Values{}
		for k, v := range f {
			add[k] = v
		}
		add.Set("action", "add_person")
		r = c.post("/signalen/nieuw", add).wantStatus(t, http.StatusOK)
		bad := url.Values{}
		for k, v := range f {
			bad[k] = v
		}
		bad.Set("observedOn", "2999-01-01")
		r2 := c.post("/signalen/nieuw", bad).wantStatus(t, http.StatusUnprocessableEntity)
		for _, page := range []*response{r, r2} {
			for _, name := range []string{"smugglingFacilitated", "smugglingPaid", "smugglingConsented"} {
				if !strings.Contains(page.body, `name="`+name+`" value="1" checked`) {
					t.Errorf("%s not kept ticked on re-render", name)
				}
			}
		}

		// Saved: the outcome is stored on the signal and shown.
		id := record(t, c, f)
		sig, err := e.app.Signals.Get(context.Background(), e.users[policy.Signaleerder].Subject(), id)
		if err != nil {
			t.Fatal(err)
		}
		if sig.Assessment.Outcome != "smuggling" {
			t.Errorf("stored outcome %q, want smuggling", sig.Assessment.Outcome)
		}
		if sm := sig.Smuggling; sm == nil || !sm.BorderCrossingFacilitated || !sm.Paid || !sm.Consented {
			t.Errorf("stored smuggling %+v", sm)
		}
		r = c.get("/signalen/"+id+"?nieuw=1").wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-outcome="smuggling"`, esc("Mensensmokkel, geen mensenhandel"))
	})
}

// inputTag returns the <input> tag of the field named name, "" when none.
// selectedIn returns the value of the selected option of the select with
// this name ("" when none is selected).
func selectedIn(body, name string) string {
	m := regexp.MustCompile(`(?s)<select [^>]*name="` + regexp.QuoteMeta(name) + `"[^>]*>(.*?)</select>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	if o := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m[1]); o != nil {
		return o[1]
	}
	return ""
}

func inputTag(body, name string) string {
	for _, tag := range regexp.MustCompile(`<input [^>]*>`).FindAllString(body, -1) {
		if strings.Contains(tag, ` name="`+name+`"`) {
			return tag
		}
	}
	return ""
}

// TestSignalIntakeRemovePerson: "Verwijder persoon N" without JavaScript
// re-renders the form without block N — the blocks after it move up, all
// else typed is kept; each button names the person it removes; Enter in a
// text field (the form's default button) removes nothing.
func TestSignalIntakeRemovePerson(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Signaleerder)
		const alias = "Madeliefje"
		before := countSignals(t, e)
		f := e.intake(alias)
		f.Set("personCount", "3")
		f.Set("persons[2].alias", alias+"-drie")
		f.Set("persons[2].birthYear", "1985")
		r := c.post("/signalen/nieuw", withAction(f, "add_person")).wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-person="3"`,
			`name="action" value="remove_person:0"`, ">"+tr("nl", "signal.person.remove", 1)+"<",
			`name="action" value="remove_person:3"`, ">"+tr("nl", "signal.person.remove", 4)+"<")
		// The default button comes first, so that Enter presses it.
		if d, rm := strings.Index(r.body, `value="refresh"`), strings.Index(r.body, `value="remove_person:`); d < 0 || d > rm {
			t.Errorf("the default button (at %d) does not precede the first remove button (at %d)", d, rm)
		}

		r = c.post("/signalen/nieuw", withAction(f, "remove_person:1")).wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-person="0"`, `data-person="1"`, `name="personCount" value="2"`,
			esc("Zes mensen slapen in één kamer."), "Wijk Oost, achter de bakkerij",
			">"+tr("nl", "signal.person.remove", 2)+"<")
		r.wantLacks(t, `data-person="2"`, alias+"-twee", `value="remove_person:2"`)
		if got := selectedIn(r.body, "persons[0].nationality"); got != "RO" {
			t.Errorf("persons[0].nationality: %q selected, want RO", got)
		}
		for name, want := range map[string]string{"persons[0].alias": alias,
			"persons[1].alias": alias + "-drie", "persons[1].birthYear": "1985"} {
			if tag := inputTag(r.body, name); !strings.Contains(tag, `value="`+want+`"`) {
				t.Errorf("%s: %q, want value %q", name, tag, want)
			}
		}
		if got := selectedIn(r.body, "persons[1].nationality"); got != "" {
			t.Errorf("person 2's old fields not cleared: nationality %q", got)
		}
		if !regexp.MustCompile(`value="` + regexp.QuoteMeta(e.app.Content.Indicators[0].ID) + `"[^>]* checked`).MatchString(r.body) {
			t.Error("the ticked indicator was not kept")
		}
		noPersonalDataInURLs(t, r, alias, "bakkerij")

		// The only block: emptied, still there.
		one := e.intake(alias)
		one.Set("personCount", "1")
		r = c.post("/signalen/nieuw", withAction(one, "remove_person:0")).wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-person="0"`, `name="personCount" value="1"`, "Wijk Oost, achter de bakkerij")
		r.wantLacks(t, `data-person="1"`, `value="`+alias+`"`)

		// A block that is not there, and the default button: nothing removed.
		for _, action := range []string{"remove_person:7", "remove_person:x", "refresh"} {
			r = c.post("/signalen/nieuw", withAction(e.intake(alias), action)).wantStatus(t, http.StatusOK)
			r.wantContains(t, `data-person="1"`, `value="`+alias+`"`, `value="`+alias+`-twee"`)
		}
		if n := countSignals(t, e); n != before {
			t.Errorf("%d signals stored by re-renders", n-before)
		}
	})
}

func withAction(f url.Values, action string) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = v
	}
	out.Set("action", action)
	return out
}

func countSignals(t *testing.T, e *env) int {
	t.Helper()
	var n int
	if err := e.app.DB.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT count(*) FROM signals`).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSignalAssessmentEnglish: on the English page the assessment is
// re-rendered in English while the ruleset is the signal's; after a ruleset
// change the page shows the stored Dutch texts, marked lang="nl", and says so.
func TestSignalAssessmentEnglish(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Zorgcoordinator)
		id := record(t, e.as(policy.Signaleerder), e.intake("Lavendel"))
		sig, err := e.app.Signals.Get(context.Background(), e.users[policy.Zorgcoordinator].Subject(), id)
		if err != nil {
			t.Fatal(err)
		}
		en, err := e.app.Engine.Assess(sig.AssessmentInput, "en")
		if err != nil {
			t.Fatal(err)
		}
		k := slices.IndexFunc(sig.Assessment.Advice, func(a assess.Advice) bool { return !a.Urgent })
		if k < 0 {
			t.Fatal("no advice to compare")
		}
		nlText, enText := html(sig.Assessment.Advice[k].Text), html(en.Advice[k].Text)
		stored := tr("en", "signal.assessment.stored_texts", "2020.1")

		r := c.get("/signalen/"+id).wantStatus(t, http.StatusOK)
		r.wantContains(t, `lang="nl">`+nlText)
		r.wantLacks(t, "data-assessment-stored")

		c.post("/taal", url.Values{"lang": {"en"}, "next": {"/signalen/" + id}}).wantStatus(t, http.StatusSeeOther)
		r = c.get("/signalen/"+id).wantStatus(t, http.StatusOK)
		r.wantContains(t, `<html lang="en"`, `lang="en">`+enText, `data-ruleset="`+sig.Ruleset+`"`)
		r.wantLacks(t, nlText, "data-assessment-stored")

		if err := e.app.DB.Tx(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Exec(context.Background(), `UPDATE signals SET ruleset = '2020.1' WHERE id = ?`, id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		r = c.get("/signalen/"+id).wantStatus(t, http.StatusOK)
		r.wantContains(t, `<html lang="en"`, `lang="nl">`+nlText, "data-assessment-stored", stored)
		r.wantLacks(t, enText)
	})
}
