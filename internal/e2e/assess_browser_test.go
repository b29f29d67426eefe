package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// assessFlow weighs signals as the signed-in demo signaleerder: the live
// result (htmx) as boxes are ticked, 112 first on acute danger, the
// department regrouping the signals, axe on the page and on "Hoe Baken
// weegt", and then the same page in a tab without JavaScript, submitted
// with the plain button.
func assessFlow(t *testing.T, ctx context.Context, base string, do func(string, ...chromedp.Action[chromedp.Void]),
	text func(sel string) string, attr func(sel, name string) string, check func(string), fail func(string, error)) {
	t.Helper()
	start := time.Now()
	outcomeIs := func(what, want string) {
		t.Helper()
		js := `(() => { const o = document.querySelector('#uitkomst [data-outcome]'); return o !== null && o.dataset.outcome === '` + want + `'; })()`
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('#uitkomst [data-outcome]') || {dataset: {}}).dataset.outcome || 'none'`))
			t.Fatalf("%s: outcome %q, want %q (%v)", what, got, want, err)
		}
	}

	do("open Signalen wegen from the navigation",
		chromedp.Click(chromedp.CSS(`nav a[href="/signalen-wegen"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#field-age`)))
	if h := text(`main h1`); h != "Signalen wegen" {
		t.Errorf("heading %q", h)
	}
	check("assess-empty")

	// Live: every tick updates the result region without a page load.
	do("tick minor and open the exploitation indicators",
		chromedp.Evaluate[chromedp.Void](`window.baken_no_reload = true`),
		chromedp.Click(chromedp.CSS(`#field-minor`)),
		chromedp.Click(chromedp.CSS(`details[data-dimension="exploitation"] > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`input[value="exploitation.earnings_taken"]`)))
	outcomeIs("a minor, nothing ticked", "no_indication")
	// Ruleset 2027.1: for a child one strong exploitation indicator makes the
	// purpose indicated (possible); a second strong one makes it positive
	// (likely), with no means needed.
	do("tick one strong exploitation indicator", chromedp.Click(chromedp.CSS(`input[value="exploitation.earnings_taken"]`)))
	outcomeIs("a minor, one strong", "trafficking_possible")
	do("tick a second strong exploitation indicator", chromedp.Click(chromedp.CSS(`input[value="exploitation.excessive_hours"]`)))
	outcomeIs("a minor, two strong", "trafficking_likely")
	if v := attr(`#uitkomst [data-element="means"]`, "data-state"); v != "not_required" {
		t.Errorf("means %q, want not_required for a minor", v)
	}
	// The same for an adult: exploitation outside a labour context, no means
	// (earnings taken is no working condition); doubt about age counts as a
	// child again.
	do("untick minor", chromedp.Click(chromedp.CSS(`#field-minor`)))
	outcomeIs("an adult, two strong", "exploitation_indicated")
	do("tick possibly a minor", chromedp.Click(chromedp.CSS(`#field-possiblyMinor`)))
	outcomeIs("possibly a minor, two strong", "trafficking_likely")

	// Acute danger: 112 at the top of the result at once.
	do("tick acute danger", chromedp.Click(chromedp.CSS(`#field-acuteDanger`)))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const a = document.querySelector('#uitkomst [data-advice]'); return a !== null && a.dataset.advice === 'call_112'; })()`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		fail("112 first", err)
	}
	do("112 visible", chromedp.WaitVisible(chromedp.CSS(`#uitkomst .baken-urgent a[href="tel:112"]`)))
	if s := text(`#uitkomst .baken-urgent__call`); s != "Bel 112" {
		t.Errorf("urgent call %q", s)
	}
	if live := attr(`#uitkomst`, "aria-live"); live != "polite" {
		t.Errorf("result region aria-live %q", live)
	}

	// Choosing a department puts its signals first and opens them.
	do("choose the department jeugd",
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector('#field-department'); s.value = 'jeugd'; s.dispatchEvent(new Event('change', {bubbles: true})); })()`))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const g = document.querySelector('#signalen details'); return g !== null && g.dataset.group === 'jeugd' && g.open; })()`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		fail("signals of jeugd first", err)
	}
	// The caption counts the indicators: the two ticked, then the signal's too.
	do("tick a signal of jeugd", chromedp.Click(chromedp.CSS(`#signalen details[data-group="jeugd"] input[type=checkbox]`)))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const c = document.querySelector('#uitkomst .baken-dimensions caption'); return c !== null && !c.textContent.includes('(2 '); })()`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		fail("the signal's indicators counted", err)
	}
	outcomeIs("still likely with a signal", "trafficking_likely")
	// A context signal says in its label (so in the checkbox's accessible
	// name) that it is not counted; ticking it leaves the count as it was
	// and the result lists it apart.
	ctxSignal, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const tag = document.querySelector('#signalen details[data-group="jeugd"] .baken-context-tag');
		if (tag === null) return '';
		const input = tag.closest('label').querySelector('input');
		return input.value + '|' + input.labels[0].textContent.replace(/\s+/g, ' ').trim();
	})()`))
	id, label, _ := strings.Cut(ctxSignal, "|")
	if err != nil || id == "" || !strings.HasSuffix(label, "(telt niet mee: context)") {
		t.Fatalf("no context signal in the group jeugd marked in its label: %q (%v)", ctxSignal, err)
	}
	caption := text(`#uitkomst .baken-dimensions caption`)
	do("tick the context signal "+id, chromedp.Click(chromedp.CSS(`#signalen details[data-group="jeugd"] input[value="`+id+`"]`)))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#uitkomst [data-context-signal="`+id+`"]') !== null`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		fail("the context signal listed apart in the result", err)
	}
	if got := text(`#uitkomst .baken-dimensions caption`); got != caption {
		t.Errorf("the context signal %s was counted: caption %q, before %q", id, got, caption)
	}
	if still, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.baken_no_reload === true`)); err != nil || !still {
		t.Errorf("ticking reloaded the page instead of swapping the result (htmx): %v", err)
	}
	check("assess-result")

	do("open Hoe Baken weegt",
		chromedp.Click(chromedp.CSS(`main a[href="/signalen-wegen/uitleg"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#dimensies`)))
	check("assess-model")

	// Without JavaScript (a second tab, same session): ticking changes
	// nothing until the plain button posts the whole form.
	nctx, cancel := chromedp.NewContext(ctx)
	defer cancel()
	if _, err := chromedp.Call(nctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		fail("disable JavaScript", err)
	}
	if err := chromedp.Do(nctx,
		chromedp.Navigate(base+"/signalen-wegen"),
		chromedp.WaitVisible(chromedp.CSS(`#field-age`)),
		chromedp.SendKeys(chromedp.CSS(`#field-age`), "15"),
		chromedp.Click(chromedp.CSS(`details[data-dimension="exploitation"] > summary`)),
		chromedp.Click(chromedp.CSS(`input[value="exploitation.earnings_taken"]`)),
		chromedp.Click(chromedp.CSS(`input[value="exploitation.hazardous_work"]`)),
		chromedp.Click(chromedp.CSS(`input[name="forms"][value="sexual"]`)),
		chromedp.Sleep(300*time.Millisecond),
	); err != nil {
		fail("tick without JavaScript", err)
	}
	if n, err := chromedp.Run(nctx, chromedp.Nodes(chromedp.CSS(`#uitkomst [data-outcome]`), chromedp.AtLeast(0))); err != nil || len(n) != 0 {
		t.Errorf("without JavaScript the result changed before submitting (%d, %v)", len(n), err)
	}
	if err := chromedp.Do(nctx,
		chromedp.Click(chromedp.CSS(`form[action="/signalen-wegen"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#uitkomst [data-outcome]`)),
	); err != nil {
		fail("submit without JavaScript", err)
	}
	// 15, sexual: earnings_taken S and hazardous_work raised to S for a
	// child under sexual ⇒ exploitation positive ⇒ likely.
	o, err := chromedp.Run(nctx, chromedp.AttributeValue(chromedp.CSS(`#uitkomst [data-outcome]`), "data-outcome"))
	if err != nil || o.Value != "trafficking_likely" {
		t.Errorf("without JavaScript: outcome %q (%v), want trafficking_likely", o.Value, err)
	}
	for _, sel := range []string{`input[value="exploitation.earnings_taken"]`, `input[value="exploitation.hazardous_work"]`, `input[name="forms"][value="sexual"]`} {
		c, err := chromedp.Run(nctx, chromedp.AttributeValue(chromedp.CSS(sel), "checked"))
		if err != nil || !c.Exists {
			t.Errorf("without JavaScript %s not kept ticked (%v)", sel, err)
		}
	}
	if v, err := chromedp.Run(nctx, chromedp.Value(chromedp.CSS(`#field-age`))); err != nil || v != "15" {
		t.Errorf("without JavaScript the age came back as %q (%v)", v, err)
	}
	if dir := os.Getenv("BAKEN_E2E_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(nctx, chromedp.FullScreenshot(100))
		if err != nil {
			fail("screenshot", err)
		}
		if err := os.WriteFile(filepath.Join(dir, "assess-noscript.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if u, err := chromedp.Run(nctx, chromedp.Location()); err != nil || strings.Contains(u, "?") {
		t.Errorf("the weighed page's URL %q holds a query (%v)", u, err)
	}
	cancel()

	do("back to the start page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`#rol-signaleerder`)))
	t.Logf("Signalen wegen took %s", time.Since(start).Round(time.Millisecond))
}
