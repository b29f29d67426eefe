package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
)

// childIntake is an intake that ruleset 2026.1 already sends to Veilig
// Thuis: a person aged 12–17 offering sexual services.
func (e *env) childIntake(observed string) url.Values {
	return url.Values{
		"department":         {e.app.Content.Departments[0].ID},
		"observedOn":         {observed},
		"personCount":        {"1"},
		"persons[0].alias":   {"Lisa"},
		"persons[0].ageBand": {"12_17"},
		"forms":              {"sexual"},
		"indicators":         {"exploitation.sexual_services"},
		"action":             {"save"},
	}
}

// day is a date relative to today in the Dutch calendar.
func day(offset int) string {
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	return time.Now().In(loc).AddDate(0, 0, offset).Format(time.DateOnly)
}

// meldcodeForm is the meldcode form with every step empty, at version.
func meldcodeForm(version string) url.Values {
	v := url.Values{"version": {version}, "acuteUnsafety": {""}, "structuralUnsafety": {""}, "decision": {""}}
	for _, st := range signal.MeldcodeSteps {
		v.Set("steps."+string(st)+".date", "")
		v.Set("steps."+string(st)+".note", "")
	}
	return v
}

// TestSignalMeldcode: after saving a child signal the confirmation points to
// the meldcode and the signal page explains the five steps with a form; the
// form shows every error at once and keeps what was typed; the reporter and
// then the coordinator record the steps; the page shows the progress; a
// stale version is a conflict with the current record; the inbox marks the
// signal; whoever may not read the signal gets 404.
func TestSignalMeldcode(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		rep := e.as(policy.Signaleerder)
		id := record(t, rep, e.childIntake(day(-14)))
		sig, err := e.app.Signals.Get(context.Background(), e.users[policy.Signaleerder].Subject(), id)
		if err != nil || !signal.MeldcodeApplies(sig.Assessment) {
			t.Fatalf("child signal not on the meldcode route: %+v %v", sig.Assessment.Advice, err)
		}
		r := rep.get("/signalen/"+id+"?nieuw=1").wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-meldcode-applies`, `href="#meldcode"`, `id="meldcode"`, `data-meldcode-progress="0"`,
			"Meldcode: 0 van 5 stappen gezet, besluit nog niet genomen",
			`data-step="map"`, `data-step="consult"`, `data-step="talk"`, `data-step="weigh"`, `data-step="decide"`,
			"Signalen in kaart brengen", "Wegen met het afwegingskader", esc("0800-2000"),
			`action="/signalen/`+id+`/meldcode"`, `name="version" value="0"`, `id="field-steps.map.date"`, `id="field-acuteUnsafety"`,
			`id="field-decision"`)

		// Every error at once, what was typed kept.
		bad := meldcodeForm("0")
		bad.Set("steps.map.date", day(1))
		bad.Set("steps.map.note", "Mentor Bakker-note-w3 zag het")
		bad.Set("steps.weigh.date", day(-2))
		bad.Set("structuralUnsafety", "yes")
		bad.Set("decision", "help")
		r = rep.post("/signalen/"+id+"/meldcode", bad).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `href="#field-steps.map.date"`, `href="#field-acuteUnsafety"`, `href="#field-steps.decide.date"`,
			`href="#field-decision"`, "Mentor Bakker-note-w3 zag het", `value="`+day(1)+`"`,
			esc("Weeg eerst in stap 4 of er acute of structurele onveiligheid is."))
		if !strings.Contains(r.body, `id="field-structuralUnsafety" name="structuralUnsafety" value="yes" checked`) {
			t.Errorf("the structural-unsafety answer was not kept: %s", excerpt(r.body))
		}
		noPersonalDataInURLs(t, r, "Bakker")
		// Weighed: structural unsafety must be reported.
		bad.Set("acuteUnsafety", "no")
		bad.Set("steps.map.date", day(-13))
		bad.Set("steps.decide.date", day(-1))
		rep.post("/signalen/"+id+"/meldcode", bad).wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, `href="#field-decision"`, esc("Bij acute of structurele onveiligheid is melden bij Veilig Thuis verplicht")).
			wantLacks(t, `href="#field-acuteUnsafety"`, `href="#field-steps.map.date"`)

		// The reporter records steps 1 and 2.
		ok := meldcodeForm("0")
		ok.Set("steps.map.date", day(-13))
		ok.Set("steps.map.note", "Signalen besproken met de mentor")
		ok.Set("steps.consult.date", day(-12))
		r = rep.post("/signalen/"+id+"/meldcode", ok).wantStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/signalen/"+id+"?meldcode=1#meldcode" {
			t.Fatalf("Location %q", loc)
		}
		rep.follow(r).wantStatus(t, http.StatusOK).wantContains(t, "De meldcode is vastgelegd.", `data-meldcode-progress="2"`,
			"Signalen besproken met de mentor", `name="version" value="1"`, `data-step-date="`+day(-12)+`"`)

		// The coordinator sees the progress and records the rest.
		co := e.as(policy.Zorgcoordinator)
		co.get("/signalen/"+id).wantStatus(t, http.StatusOK).wantContains(t, "Meldcode: 2 van 5 stappen gezet, besluit nog niet genomen",
			`action="/signalen/`+id+`/meldcode"`)
		all := meldcodeForm("1")
		for k, v := range ok {
			if k != "version" {
				all[k] = v
			}
		}
		all.Set("steps.talk.date", day(-10))
		all.Set("steps.weigh.date", day(-9))
		all.Set("acuteUnsafety", "no")
		all.Set("structuralUnsafety", "yes")
		all.Set("steps.decide.date", day(-8))
		all.Set("decision", "report")
		r = co.post("/signalen/"+id+"/meldcode", all).wantStatus(t, http.StatusSeeOther)
		co.follow(r).wantStatus(t, http.StatusOK).wantContains(t, `data-meldcode-progress="5"`, `data-meldcode-decision="report"`,
			"Meldcode: 5 van 5 stappen gezet, besluit: Melden bij Veilig Thuis", "data-report-required", `data-meldcode-history="2"`)

		// A stale version: 409 with the current record and a message.
		r = rep.post("/signalen/"+id+"/meldcode", ok).wantStatus(t, http.StatusConflict)
		r.wantContains(t, `data-conflict="error.stale"`, `data-meldcode-progress="5"`, `name="version" value="2"`)

		// The inbox (new signals) marks the meldcode's progress.
		co.get("/signalen/inbox").wantStatus(t, http.StatusOK).wantContains(t, `data-meldcode="5"`, "Meldcode: besloten")

		// Nobody else learns of it.
		for _, role := range []policy.Role{policy.Beheerder, policy.Analist, policy.Ketenpartner} {
			e.as(role).post("/signalen/"+id+"/meldcode", ok).wantStatus(t, http.StatusNotFound)
		}

		// Closed: the record stays readable, the form is gone.
		for i, to := range []url.Values{{"version": {"1"}, "to": {"in_progress"}}, {"version": {"2"}, "to": {"closed"}, "reason": {signal.ReasonVeiligThuis}}} {
			if r := co.post("/signalen/"+id+"/status", to); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("transition %d: %d", i, r.StatusCode)
			}
		}
		rep.get("/signalen/"+id).wantStatus(t, http.StatusOK).wantContains(t, `data-meldcode-progress="5"`, "data-meldcode-closed").
			wantLacks(t, `action="/signalen/`+id+`/meldcode"`)
		rep.post("/signalen/"+id+"/meldcode", all).wantStatus(t, http.StatusForbidden)
	})
}

// TestSignalMeldcodePreview: the intake's live result says that the
// meldcode applies exactly when its advice gives Veilig Thuis or the LKHA.
func TestSignalMeldcodePreview(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Signaleerder)
		for name, form := range map[string]url.Values{"child": e.childIntake(day(-1)), "adult": e.intake("Iris")} {
			r := c.post("/signalen/nieuw/uitkomst", form).wantStatus(t, http.StatusOK)
			route := false
			for _, id := range signal.MeldcodeAdvice {
				route = route || strings.Contains(r.body, `data-advice="`+id+`"`)
			}
			if got := strings.Contains(r.body, "data-meldcode-applies"); got != route {
				t.Errorf("%s: meldcode note %v, advice on the route %v", name, got, route)
			}
			if name == "child" && !route {
				t.Errorf("child intake: no Veilig Thuis advice in %s", excerpt(r.body))
			}
		}
	})
}
