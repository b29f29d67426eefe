package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
	"github.com/chromedp/chromedp"
)

// reassessFlow (issue 11): one of the demo's open signals is set back to an
// assessment an older ruleset and content version made (no indication,
// under ruleset 2025.1). The region's care coordinator sees on its page what
// it was assessed with, asks for the comparison (a POST button, no
// JavaScript needed), sees the current ruleset's result beside the stored
// one with the differences, and keeps it: the signal page then shows the
// current versions and the re-assessment in the history. Axe on the
// comparison page and on the signal page after keeping. It starts and ends
// on the login page.
func reassessFlow(f *flow) {
	t := f.t
	start := time.Now()
	ctx := context.Background()
	co, _ := f.subject("zorgcoordinator@baken.test")
	page, err := f.a.Signals.List(ctx, co, signal.Filter{Status: signal.StatusNew})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("no open demo signal to re-assess (%d, %v)", len(page.Items), err)
	}
	id := page.Items[0].ID
	old, err := f.a.Engine.Assess(assess.Input{}, "nl")
	if err != nil {
		t.Fatal(err)
	}
	old.Ruleset = "2025.1"
	b, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	db := f.a.DB
	if _, err := db.SQL().ExecContext(ctx, store.Rebind(db.Dialect(), `UPDATE signals SET assessment = ?, ruleset = '2025.1',
		content_version = '2025.1.0', outcome = 'no_indication', preview_key = '2025.1|2025.1.0',
		preview_outcome = 'no_indication', would_change = ? WHERE id = ?`), string(b), false, id); err != nil {
		t.Fatal(err)
	}
	ruleset, content := f.a.Signals.CurrentVersions()

	f.signIn("zorgcoordinator@baken.test", `#rol-zorgcoordinator`)
	f.open("/signalen/"+id, `button[data-reassess]`)
	if r := f.attr(`.baken-ruleset`, "data-ruleset"); r != "2025.1" {
		t.Errorf("the signal page says ruleset %q, want the stored 2025.1", r)
	}
	f.do("compare with the current ruleset",
		chromedp.Click(chromedp.CSS(`button[data-reassess]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-side="current"]`)))
	if !f.exists(`[data-side="stored"] [data-outcome="no_indication"]`) || !f.exists(`[data-outcome-changed]`) {
		t.Error("the comparison does not show the stored outcome beside a changed current one")
	}
	if r := f.attr(`[data-side="current"] [data-ruleset]`, "data-ruleset"); r != ruleset {
		t.Errorf("the current side says ruleset %q, want %q", r, ruleset)
	}
	f.check("signal-reassess")

	f.do("keep the new assessment",
		chromedp.Click(chromedp.CSS(`button[data-keep]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-reassessment]`)))
	if f.exists(`button[data-reassess]`) {
		t.Error("after keeping, the page still offers a comparison")
	}
	if r, c := f.attr(`.baken-ruleset`, "data-ruleset"), f.attr(`.baken-ruleset`, "data-content-version"); r != ruleset || c != content {
		t.Errorf("after keeping the page says %q/%q, want %q/%q", r, c, ruleset, content)
	}
	if h := f.text(`[data-reassessment]`); !strings.Contains(h, ruleset) {
		t.Errorf("the history entry %q does not name the ruleset", h)
	}
	f.check("signal-reassessed")
	f.signOut()
	t.Logf("re-assessment flow took %s", time.Since(start).Round(time.Millisecond))
}
