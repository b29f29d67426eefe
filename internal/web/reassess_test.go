package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// ageSignal sets a stored signal back to what an older ruleset and content
// version made of it: no indication, with the engine's advice and reasons
// for that, under ruleset 2025.1 (the service tests use a whole older
// catalogue; for the pages the row is enough).
func (e *env) ageSignal(t *testing.T, id string) {
	t.Helper()
	old, err := e.app.Engine.Assess(assess.Input{}, "nl")
	if err != nil {
		t.Fatal(err)
	}
	old.Ruleset = "2025.1"
	b, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	db := e.app.DB
	if _, err := db.SQL().ExecContext(context.Background(), store.Rebind(db.Dialect(), `UPDATE signals SET assessment = ?,
		ruleset = '2025.1', content_version = '2025.1.0', outcome = 'no_indication', preview_key = '2025.1|2025.1.0',
		preview_outcome = 'no_indication', would_change = ? WHERE id = ?`), string(b), false, id); err != nil {
		t.Fatal(err)
	}
}

// TestSignalReassessment: a signal assessed with an older ruleset shows
// what it was assessed with and offers the comparison (a POST form); the
// comparison page shows both results side by side with the differences;
// keeping it (with CSRF) makes it the signal's assessment and adds it to the
// history; a stale version shows the comparison again (409). A signal
// assessed with the current versions offers nothing.
func TestSignalReassessment(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		rep := e.as(policy.Signaleerder)
		co := e.as(policy.Zorgcoordinator)
		id := record(t, rep, e.intake("Lavendel"))
		ruleset, content := e.app.Signals.CurrentVersions()

		// Assessed with the current versions: said so, nothing offered.
		r := co.get("/signalen/"+id).wantStatus(t, http.StatusOK)
		r.wantContains(t, "Beoordeeld met regelset "+ruleset+", inhoud "+content+".").
			wantLacks(t, `action="/signalen/`+id+`/herbeoordeling"`)

		e.ageSignal(t, id)
		r = co.get("/signalen/"+id).wantStatus(t, http.StatusOK)
		r.wantContains(t, "Beoordeeld met regelset 2025.1, inhoud 2025.1.0.", `data-outcome="no_indication"`,
			`action="/signalen/`+id+`/herbeoordeling"`, "Vergelijk met de huidige regelset", "nu regelset "+ruleset)

		// The comparison: a POST, without JavaScript; nothing stored.
		r = co.post("/signalen/"+id+"/herbeoordeling", url.Values{}).wantStatus(t, http.StatusOK)
		r.wantContains(t, "Herbeoordeling van signaal", `data-side="stored"`, `data-side="current"`,
			`data-ruleset="2025.1"`, `data-ruleset="`+ruleset+`"`, "data-outcome-changed", "De uitkomst wordt anders",
			"data-advice-added=", "data-reason-removed=", `action="/signalen/`+id+`/herbeoordeling/bewaren"`,
			`name="version" value="1"`, `name="csrf"`, "Bewaar de nieuwe weging")
		noPersonalDataInURLs(t, r, "Lavendel")
		// The reporter may compare too; an unrelated user gets the 404 page.
		rep.post("/signalen/"+id+"/herbeoordeling", url.Values{}).wantStatus(t, http.StatusOK)
		e.as(policy.Beheerder).post("/signalen/"+id+"/herbeoordeling", url.Values{}).wantStatus(t, http.StatusNotFound)
		e.as(policy.Analist).post("/signalen/"+id+"/herbeoordeling/bewaren", url.Values{"version": {"1"}}).wantStatus(t, http.StatusNotFound)

		// A stale version: the comparison again, with the message.
		co.post("/signalen/"+id+"/herbeoordeling/bewaren", url.Values{"version": {"5"}}).wantStatus(t, http.StatusConflict).
			wantContains(t, `data-conflict="error.stale"`, `name="version" value="1"`)

		// Keeping: POST-redirect-GET to the signal with the new assessment.
		r = co.post("/signalen/"+id+"/herbeoordeling/bewaren", url.Values{"version": {"1"}}).wantStatus(t, http.StatusSeeOther)
		r = co.follow(r).wantStatus(t, http.StatusOK)
		r.wantContains(t, "De nieuwe weging is bewaard.", "Beoordeeld met regelset "+ruleset+", inhoud "+content+".",
			`data-reassessment="2"`, "Herbeoordeeld met regelset "+ruleset).
			wantLacks(t, `action="/signalen/`+id+`/herbeoordeling"`, `data-outcome="no_indication"`)
		// The reporter sees the re-assessment in the history too.
		rep.get("/signalen/"+id).wantStatus(t, http.StatusOK).wantContains(t, `data-reassessment="2"`)

		// Keeping again: nothing new; the signal page says so.
		co.post("/signalen/"+id+"/herbeoordeling/bewaren", url.Values{"version": {"2"}}).wantStatus(t, http.StatusConflict).
			wantContains(t, `data-conflict="signal.reassessment.unchanged"`)

		// In English.
		en := e.as(policy.Zorgcoordinator)
		en.post("/taal", url.Values{"lang": {"en"}})
		id2 := record(t, rep, e.intake("Salie"))
		e.ageSignal(t, id2)
		en.post("/signalen/"+id2+"/herbeoordeling", url.Values{}).wantStatus(t, http.StatusOK).
			wantContains(t, "Re-assessment of signal", "The outcome changes", "Keep the new assessment")
	})
}

// TestSignalWouldChangeInbox: the coordinator's list shows how many open
// signals the current ruleset would give another outcome, links to them,
// filters on them (a checkbox, without JavaScript) and marks them.
func TestSignalWouldChangeInbox(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		rep := e.as(policy.Signaleerder)
		co := e.as(policy.Zorgcoordinator)
		old := record(t, rep, e.intake("Kamille"))
		fresh := record(t, rep, e.intake("Munt"))
		e.ageSignal(t, old)
		co.get("/signalen/inbox").wantStatus(t, http.StatusOK).wantLacks(t, "data-would-change-count")
		if _, err := e.app.Signals.RefreshPreviews(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		co.get("/signalen/inbox").wantStatus(t, http.StatusOK).
			wantContains(t, `data-would-change-count="1"`, `href="/signalen?wouldChange=1"`)
		r := co.get("/signalen?wouldChange=1").wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-signal="`+old+`"`, "data-would-change", `name="wouldChange" value="1" checked`).
			wantLacks(t, `data-signal="`+fresh+`"`)
		co.get("/signalen").wantStatus(t, http.StatusOK).wantContains(t, `data-signal="`+old+`"`, `data-signal="`+fresh+`"`, "data-would-change")
		// The count is the coordinator's; the reporter's list has the filter only.
		rep.get("/signalen").wantStatus(t, http.StatusOK).wantLacks(t, "data-would-change-count")
	})
}
