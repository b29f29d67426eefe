package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// signalFlow records a signal as the demo signaleerder (Gemeente A, region
// Noord) on "Signaal vastleggen" (live outcome with htmx, 112 at once on
// acute danger, a second person block, save, the confirmation with the
// reference), then finds it in zorgcoordinator@baken.test's inbox and opens
// it, and does not find it in zorgcoordinator-zuid@baken.test's, with axe on
// the intake page, the inbox, the list and the signal page. It starts and
// ends on the login page.
func signalFlow(t *testing.T, ctx context.Context, base string, do func(string, ...chromedp.Action[chromedp.Void]),
	text func(sel string) string, check func(string), fail func(string, error)) {
	t.Helper()
	start := time.Now()
	const alias = "Korenbloem"
	signIn := func(email, wait string) {
		t.Helper()
		do("sign in as "+email,
			chromedp.WaitVisible(chromedp.CSS(`#field-email`)),
			chromedp.SendKeys(chromedp.CSS(`#field-email`), email),
			chromedp.SendKeys(chromedp.CSS(`#field-password`), pw),
			chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(wait)))
	}
	signOut := func() {
		t.Helper()
		do("sign out", chromedp.Click(chromedp.CSS(`form[action="/uitloggen"] button`)), chromedp.WaitVisible(chromedp.CSS(`#field-email`)))
	}
	poll := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			fail(what, err)
		}
	}

	signIn("signaleerder@baken.test", `#rol-signaleerder`)
	do("open Signaal vastleggen from the navigation",
		chromedp.Click(chromedp.CSS(`nav a[href="/signalen/nieuw"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="persons[0].alias"]`)))
	// The signaleerder switched to English earlier in the run (their
	// account's language).
	if h := text(`main h1`); h != "Signaal vastleggen" && h != "Record a signal" {
		t.Errorf("intake heading %q", h)
	}
	check("signal-new")

	do("fill in the context and a person",
		chromedp.Evaluate[chromedp.Void](`window.baken_no_reload = true`),
		chromedp.SetValue(chromedp.CSS(`#field-department`), "wmo"),
		chromedp.SendKeys(chromedp.CSS(`input[name="persons[0].alias"]`), alias),
		chromedp.SendKeys(chromedp.CSS(`input[name="persons[0].birthYear"]`), "1995"),
		chromedp.Click(chromedp.CSS(`details:has(input[name="indicators"][value="exploitation.earnings_taken"]) > summary`)),
		chromedp.Click(chromedp.CSS(`input[name="indicators"][value="exploitation.earnings_taken"]`)))
	poll("live outcome", `document.querySelector('#uitkomst [data-outcome]') !== null`)
	do("tick acute danger", chromedp.Click(chromedp.CSS(`#field-acuteDanger`)))
	poll("112 at once", `(() => { const a = document.querySelector('#uitkomst [data-advice]'); return a !== null && a.dataset.advice === 'call_112'; })()`)
	do("112 visible", chromedp.WaitVisible(chromedp.CSS(`#uitkomst .baken-urgent a[href="tel:112"]`)))
	if still, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.baken_no_reload === true`)); err != nil || !still {
		t.Errorf("ticking reloaded the intake page instead of swapping the outcome (htmx): %v", err)
	}
	check("signal-new-live")

	do("add a second person (a plain submit)",
		chromedp.Click(chromedp.CSS(`button[name="action"][value="add_person"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="persons[1].alias"]`)))
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`input[name="persons[0].alias"]`))); err != nil || v != alias {
		t.Errorf("after Nog een persoon the alias came back as %q (%v)", v, err)
	}
	do("second person and save",
		chromedp.SendKeys(chromedp.CSS(`input[name="persons[1].alias"]`), alias+" twee"),
		chromedp.Click(chromedp.CSS(`button[name="action"][value="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.baken-confirmation`)))
	ref := text(`main h1 [data-reference]`)
	if !strings.HasPrefix(ref, "SIG-") {
		t.Fatalf("reference %q", ref)
	}
	if u, err := chromedp.Run(ctx, chromedp.Location()); err != nil || strings.Contains(strings.ToLower(u), strings.ToLower(alias)) {
		t.Errorf("the signal page's URL %q holds the alias (%v)", u, err)
	}
	check("signal-show-reporter")
	do("my signals", chromedp.Click(chromedp.CSS(`nav a[href="/signalen"]`)), chromedp.WaitVisible(chromedp.CSS(`main table`)))
	if !strings.Contains(text(`main table`), ref) {
		t.Errorf("the reporter's list lacks %s", ref)
	}
	check("signal-list-reporter")
	signOut()

	signIn("zorgcoordinator@baken.test", `#rol-zorgcoordinator`)
	// This signal and the two demo signals that stay open (demo.SeedContent).
	if b := text(`nav a[href="/signalen/inbox"] [data-inbox-count]`); !strings.Contains(b, "3 nieuw") {
		t.Errorf("inbox badge %q, want 3 nieuw", b)
	}
	do("the inbox", chromedp.Click(chromedp.CSS(`nav a[href="/signalen/inbox"]`)), chromedp.WaitVisible(chromedp.CSS(`main table`)))
	if !strings.Contains(text(`main table`), ref) {
		t.Errorf("Noord's inbox lacks %s", ref)
	}
	check("signal-inbox")
	do("open the signal", chromedp.Click(chromedp.CSS(`main table a`)), chromedp.WaitVisible(chromedp.CSS(`form.baken-transition`)))
	if !strings.Contains(text(`main`), alias) {
		t.Errorf("the coordinator does not see the alias")
	}
	check("signal-show-coordinator")
	do("the list with filters", chromedp.Navigate(base+"/signalen?status=new"), chromedp.WaitVisible(chromedp.CSS(`main table`)))
	check("signal-list")
	signOut()

	signIn("zorgcoordinator-zuid@baken.test", `#rol-zorgcoordinator`)
	do("Zuid's inbox", chromedp.Navigate(base+"/signalen/inbox"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if strings.Contains(text(`main`), ref) {
		t.Errorf("Zuid's inbox holds %s", ref)
	}
	if b := text(`nav a[href="/signalen/inbox"] [data-inbox-count]`); !strings.Contains(b, "0 nieuw") {
		t.Errorf("Zuid's inbox badge %q, want 0 nieuw", b)
	}
	check("signal-inbox-zuid")
	signOut()
	t.Logf("signal flow took %s", time.Since(start).Round(time.Millisecond))
}
