package e2e

import (
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// meldcodeFlow (issue 11) records a child signal as the demo signaleerder —
// the live result says the meldcode applies —, walks the five steps of the
// meldcode on the signal page (first with mistakes: every error at once,
// what was typed kept; then right), and checks the progress on the signal
// page and in the care coordinator's inbox, with axe on the meldcode page,
// its error state and the coordinator's view. It starts and ends on the
// login page.
func meldcodeFlow(f *flow) {
	t := f.t
	t.Helper()
	start := time.Now()
	poll := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(f.ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			f.fail(what, err)
		}
	}
	// The intake's date observed is today: every step is taken today too.
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	today := time.Now().In(loc).Format(time.DateOnly)

	f.signIn("signaleerder@baken.test", `#rol-signaleerder`)
	f.do("open Signaal vastleggen",
		chromedp.Navigate(f.base+"/signalen/nieuw"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="persons[0].alias"]`)))
	f.do("a 15-year-old offering sexual services",
		chromedp.SetValue(chromedp.CSS(`#field-department`), "wmo"),
		chromedp.SendKeys(chromedp.CSS(`input[name="persons[0].alias"]`), "Roos"),
		chromedp.SetValue(chromedp.CSS(`select[name="persons[0].ageBand"]`), "12_17"),
		chromedp.Click(chromedp.CSS(`input[name="forms"][value="sexual"]`)),
		chromedp.Click(chromedp.CSS(`details:has(input[name="indicators"][value="exploitation.sexual_services"]) > summary`)),
		chromedp.Click(chromedp.CSS(`input[name="indicators"][value="exploitation.sexual_services"]`)))
	poll("the live result says the meldcode applies", `document.querySelector('#uitkomst [data-meldcode-applies]') !== null`)
	f.do("save",
		chromedp.Click(chromedp.CSS(`button[name="action"][value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.baken-confirmation [data-meldcode-applies]`)),
		chromedp.WaitVisible(chromedp.CSS(`#meldcode form.baken-meldcode-form`)))
	ref := f.text(`main h1 [data-reference]`)
	if got := f.attr(`#meldcode [data-meldcode-progress]`, "data-meldcode-progress"); got != "0" {
		t.Errorf("a new signal's meldcode progress %q, want 0", got)
	}
	for _, step := range []string{"map", "consult", "talk", "weigh", "decide"} {
		if !f.exists(`#meldcode li[data-step="` + step + `"]`) {
			t.Errorf("the signal page lacks meldcode step %s", step)
		}
	}
	f.check("signal-meldcode")

	// Mistakes: step 4 dated without the weighing, and helping without
	// reporting although the weighing is not done — every error at once.
	f.do("record with mistakes",
		chromedp.SetValue(chromedp.CSS(`input[name="steps.map.date"]`), today),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="steps.map.note"]`), "Met de mentor besproken"),
		chromedp.SetValue(chromedp.CSS(`input[name="steps.weigh.date"]`), today),
		chromedp.Click(chromedp.CSS(`#field-decision-help`)),
		chromedp.Click(chromedp.CSS(`form.baken-meldcode-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#meldcode .baken-error-summary`)))
	for _, field := range []string{"acuteUnsafety", "structuralUnsafety", "decision", "steps.decide.date"} {
		if !f.exists(`#meldcode .baken-error-summary a[href="#field-` + field + `"]`) {
			t.Errorf("the error summary lacks %s", field)
		}
	}
	if v, err := chromedp.Run(f.ctx, chromedp.Value(chromedp.CSS(`textarea[name="steps.map.note"]`))); err != nil || v != "Met de mentor besproken" {
		t.Errorf("the note came back as %q (%v)", v, err)
	}
	f.check("signal-meldcode-errors")

	f.do("walk all five steps",
		chromedp.SetValue(chromedp.CSS(`input[name="steps.consult.date"]`), today),
		chromedp.SetValue(chromedp.CSS(`input[name="steps.talk.date"]`), today),
		chromedp.SetValue(chromedp.CSS(`input[name="steps.decide.date"]`), today),
		chromedp.Click(chromedp.CSS(`#field-acuteUnsafety-no`)),
		chromedp.Click(chromedp.CSS(`#field-structuralUnsafety`)), // yes
		chromedp.Click(chromedp.CSS(`#field-decision`)),           // report to Veilig Thuis
		chromedp.Click(chromedp.CSS(`form.baken-meldcode-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#meldcode [data-meldcode-progress="5"]`)))
	if got := f.attr(`#meldcode [data-meldcode-progress]`, "data-meldcode-decision"); got != "report" {
		t.Errorf("decision %q, want report", got)
	}
	if !f.exists(`#meldcode [data-report-required]`) || !f.exists(`#meldcode [data-meldcode-history="1"]`) {
		t.Error("the page does not say that the unsafety must be reported, or lacks the history")
	}
	if u := f.location(); strings.Contains(strings.ToLower(u), "mentor") || strings.Contains(strings.ToLower(u), "roos") {
		t.Errorf("the URL %q holds what was typed", u)
	}
	f.signOut()

	f.signIn("zorgcoordinator@baken.test", `#rol-zorgcoordinator`)
	f.do("the inbox", chromedp.Navigate(f.base+"/signalen/inbox"), chromedp.WaitVisible(chromedp.CSS(`main table`)))
	if !strings.Contains(f.text(`main table`), ref) {
		t.Fatalf("the inbox lacks %s", ref)
	}
	if !f.exists(`main table tr:has([data-meldcode="5"])`) {
		t.Error("the inbox does not mark the meldcode's progress")
	}
	f.do("open the signal",
		chromedp.Click(chromedp.CSS(`main table tr:has([data-meldcode="5"]) a`)),
		chromedp.WaitVisible(chromedp.CSS(`#meldcode`)))
	if p := f.text(`#meldcode .baken-meldcode__progress`); p != "Meldcode: 5 van 5 stappen gezet, besluit: Melden bij Veilig Thuis" {
		t.Errorf("the coordinator sees %q", p)
	}
	f.check("signal-meldcode-coordinator")
	f.signOut()
	t.Logf("meldcode flow took %s", time.Since(start).Round(time.Millisecond))
}
