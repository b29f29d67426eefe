package e2e

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/baken-nl/baken/internal/kader"
)

// kaderFlow walks the self-assessment the way issue 6 asks:
// beleid@baken.test (Gemeente A) starts this year's round, which starts from
// last year's demo round; fills in building blocks until every plateau 1
// block is complete or not applicable (three in the browser, the others by
// posting the same forms in the same session) and sees "Basis op orde: ja";
// sets one to partial and sees it missed with that block named; adds an
// action (first without a title: the error); downloads the council report
// (a PDF whose cross-reference table is right and whose text holds the
// scores the page shows); compares the round with last year's. Then
// analist@baken.test sees the region view with Gemeente A and B and not C.
// Axe on the rounds page, the round page in each state, the action plan
// with the error and after saving, the comparison and the region view. It
// starts and ends on the login page.
func kaderFlow(f *flow) {
	t := f.t
	start := time.Now()
	ctx := context.Background()
	cat := f.a.Content
	year := time.Now().In(amsterdam()).Year()
	beleid, _ := f.subject("beleid@baken.test")

	var p1 []string // the plateau 1 blocks, in the Kader's order
	for _, th := range cat.Kader.Themes {
		for _, b := range th.Blocks {
			if b.Level == "plateau1" {
				p1 = append(p1, b.ID)
			}
		}
	}
	if len(p1) < 5 {
		t.Fatalf("the Kader has %d plateau 1 blocks", len(p1))
	}

	f.signIn("beleid@baken.test", `#rol-beleidsmedewerker`)
	f.open("/zelfevaluatie", `table[data-rounds]`)
	if s := f.text(`table[data-rounds]`); !strings.Contains(s, strconv.Itoa(year-1)) {
		t.Errorf("the rounds lack last year's demo round: %q", s)
	}
	if v := eval[string](f, "year", `document.querySelector('#field-year').value`); v != strconv.Itoa(year) {
		t.Errorf("the start form offers year %q, want %d", v, year)
	}
	f.check("kader-rounds")

	f.do("start this year's round",
		chromedp.Click(chromedp.CSS(`form[action="/zelfevaluatie"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`section[aria-labelledby="basis-op-orde"] [data-basis]`)))
	u := f.location()
	roundID := strings.TrimPrefix(u[:strings.IndexAny(u+"?", "?#")], f.base+"/zelfevaluatie/")
	if roundID == "" || strings.Contains(roundID, "/") {
		t.Fatalf("round id from %q", u)
	}
	if h := f.text(`main h1`); !strings.Contains(h, strconv.Itoa(year)) || !strings.Contains(h, "Gemeente A") {
		t.Errorf("round heading %q", h)
	}
	block := func(id string) string { return `div.baken-kader-block[data-block="` + id + `"]` }
	status := func(id string) string { return f.attr(block(id), "data-status") }
	// Started from last year's round.
	if s := status("beleid.p1.aandachtsfunctionaris"); s != string(kader.Complete) {
		t.Errorf("the new round did not start from last year's: aandachtsfunctionaris is %q", s)
	}
	if v := f.attr(`section[aria-labelledby="basis-op-orde"] [data-basis]`, "data-basis"); v != "nee" {
		t.Errorf("Basis op orde of the new round %q, want nee", v)
	}
	f.check("kader-round")

	var todo []string // plateau 1 blocks neither complete nor not applicable
	for _, id := range p1 {
		if s := status(id); s != string(kader.Complete) && s != string(kader.NotApplicable) {
			todo = append(todo, id)
		}
	}
	if len(todo) < 4 {
		t.Fatalf("only %d plateau 1 blocks left to fill in: %v", len(todo), todo)
	}
	// In the browser: open the block's form, choose, explain, save.
	fill := func(id string, st kader.Status, evidence string) {
		t.Helper()
		b := block(id)
		f.do("fill in "+id+" as "+string(st),
			chromedp.Click(chromedp.CSS(b+` details > summary`)),
			chromedp.WaitVisible(chromedp.CSS(b+` input[name=status][value=`+string(st)+`]`)),
			chromedp.Click(chromedp.CSS(b+` input[name=status][value=`+string(st)+`]`)),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('`+b+` textarea[name=evidence]').value = ''`),
			chromedp.SendKeys(chromedp.CSS(b+` textarea[name=evidence]`), evidence),
			chromedp.SetValue(chromedp.CSS(b+` input[name=owner]`), "Bram Beleid"),
			chromedp.Click(chromedp.CSS(b+` form button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(b+`[data-status="`+string(st)+`"]`)))
	}
	fill(todo[0], kader.Complete, "Raadsbesluit 2026 (test).")
	fill(todo[1], kader.Complete, "Werkproces vastgesteld (test).")
	fill(todo[2], kader.NotApplicable, "Regionaal belegd (test).")
	if n := eval[string](f, "notice", `(document.querySelector('main [role=status]') || {textContent: ''}).textContent`); strings.TrimSpace(n) == "" {
		t.Errorf("no notice after saving a block")
	}
	// The rest: the same forms, posted in this session.
	rest, _ := json.Marshal(todo[3:])
	res := eval[[]string](f, "post the other blocks", `(async (ids) => {
		const out = [];
		for (const id of ids) {
			const form = document.querySelector('div.baken-kader-block[data-block="' + id + '"] form');
			if (!form) { out.push('no form for ' + id); continue; }
			const fd = new FormData(form);
			fd.set('status', 'complete');
			fd.set('evidence', 'Vastgelegd in het jaarplan (test).');
			fd.set('owner', 'Bram Beleid');
			const r = await fetch(form.action, {method: 'POST', body: new URLSearchParams(fd)});
			out.push(r.status + ' ' + r.url);
		}
		return out;
	})(`+string(rest)+`)`)
	for i, r := range res {
		if !strings.HasPrefix(r, "200 ") || !strings.Contains(r, "melding=opgeslagen") {
			t.Errorf("posting block %s: %s", todo[3+i], r)
		}
	}
	f.open("/zelfevaluatie/"+roundID, `section[aria-labelledby="basis-op-orde"] [data-basis]`)
	basis := `section[aria-labelledby="basis-op-orde"]`
	if v := f.attr(basis+` [data-basis]`, "data-basis"); v != "ja" {
		t.Errorf("Basis op orde %q with every plateau 1 block done, want ja; blocking: %q", v, f.text(basis))
	}
	if s := f.text(basis); !strings.Contains(s, "Basis op orde") || !strings.Contains(f.text(basis+` [data-basis]`), "ja") {
		t.Errorf("the Basis op orde section reads %q", s)
	}
	for _, id := range p1 {
		if s := status(id); s != string(kader.Complete) && s != string(kader.NotApplicable) {
			t.Errorf("plateau 1 block %s is %q", id, s)
		}
	}
	f.check("kader-round-basis")

	// One block back to partial: Basis op orde missed, that block named.
	missed := "signalering.p1.meldroute"
	fill(missed, kader.Partial, "De meldroute is nog niet bij alle afdelingen bekend (test).")
	if v := f.attr(basis+` [data-basis]`, "data-basis"); v != "nee" {
		t.Errorf("Basis op orde %q with %s partial, want nee", v, missed)
	}
	mb, _ := cat.BuildingBlock(missed)
	if !f.exists(basis + ` ul[data-blocking] a[data-block="` + missed + `"]`) {
		t.Errorf("the blocks in the way do not include %s: %q", missed, f.text(basis))
	} else if s := f.text(basis + ` ul[data-blocking] a[data-block="` + missed + `"]`); s != mb.Label.In("nl") {
		t.Errorf("the block in the way is named %q, want %q", s, mb.Label.In("nl"))
	}
	if n := eval[int](f, "blocking", `document.querySelectorAll('section[aria-labelledby="basis-op-orde"] ul[data-blocking] li').length`); n != 1 {
		t.Errorf("%d blocks in the way, want 1", n)
	}
	f.check("kader-round-missing")

	// The scores the page shows are the service's (and so the report's).
	type cell struct{ Theme, Level, Percent string }
	cells := eval[[]cell](f, "scores", `[...document.querySelectorAll('table[data-scores] tbody tr[data-theme] td[data-level]')].map(td => ({
		theme: td.closest('tr').dataset.theme, level: td.dataset.level, percent: td.querySelector('[data-percent]').dataset.percent}))`)
	overall := f.attr(`table[data-scores] td[data-overall] [data-percent]`, "data-percent")
	rep, err := f.a.Kader.ReportData(ctx, beleid, roundID)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Round.BasisOpOrde || len(rep.Round.Blocking) != 1 || rep.Round.Blocking[0] != missed {
		t.Errorf("the service says Basis op orde %v, blocking %v", rep.Round.BasisOpOrde, rep.Round.Blocking)
	}
	pct := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	want := map[string]string{}
	for _, sc := range rep.Round.Scores {
		if sc.ThemeID != "" {
			want[sc.ThemeID+"/"+sc.Level] = pct(sc.Percent)
		}
	}
	if len(cells) != len(want) || len(cells) < 3*len(cat.Kader.Themes) {
		t.Errorf("the page shows %d scores, the service has %d", len(cells), len(want))
	}
	for _, c := range cells {
		if w, ok := want[c.Theme+"/"+c.Level]; !ok || w != c.Percent {
			t.Errorf("score of %s/%s: page %q, service %q", c.Theme, c.Level, c.Percent, w)
		}
	}
	if w := pct(kader.Overall(rep.Round.Scores).Percent); overall != w {
		t.Errorf("overall score: page %q, service %q", overall, w)
	}

	// The action plan, from the missed block: first without a title.
	f.do("add an action for the missed block",
		chromedp.Click(chromedp.CSS(block(missed)+` a[href*="/acties?bouwsteen="]`)),
		chromedp.WaitVisible(chromedp.CSS(`#field-title`)))
	if v := eval[string](f, "block of the action", `document.querySelector('#field-blockId').value`); v != missed {
		t.Errorf("the new action's block is %q, want %s", v, missed)
	}
	deadline := time.Now().AddDate(0, 3, 0).Format(time.DateOnly)
	f.do("save the action without a title",
		chromedp.SendKeys(chromedp.CSS(`#field-owner`), "Bram Beleid"),
		chromedp.SetValue(chromedp.CSS(`#field-deadline`), deadline),
		chromedp.Click(chromedp.CSS(`form[action$="/acties"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.baken-error-summary`)))
	if !f.exists(`#field-title[aria-invalid="true"]`) {
		t.Errorf("the title field is not marked invalid")
	}
	if v := eval[string](f, "kept owner", `document.querySelector('#field-owner').value`); v != "Bram Beleid" {
		t.Errorf("after the error the owner came back as %q", v)
	}
	if v := eval[string](f, "kept block", `document.querySelector('#field-blockId').value`); v != missed {
		t.Errorf("after the error the block came back as %q", v)
	}
	f.check("kader-actions-error")
	const title = "Meldroute opnemen in het werkoverleg van alle afdelingen"
	// The page with the error lists the demo action already: wait for the
	// notice of the page the save redirects to.
	f.do("save the action with a title",
		chromedp.SendKeys(chromedp.CSS(`#field-title`), title),
		chromedp.Click(chromedp.CSS(`form[action$="/acties"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`main .utrecht-alert--info[role=status]`)),
		chromedp.WaitVisible(chromedp.CSS(`table[data-actions]`)))
	if f.exists(`.baken-error-summary`) {
		t.Errorf("the action with a title was refused: %q", f.text(`.baken-error-summary`))
	}
	if s := f.text(`table[data-actions]`); !strings.Contains(s, title) || !strings.Contains(s, mb.Label.In("nl")) {
		t.Errorf("the action plan reads %q", s)
	}
	f.check("kader-actions")

	// The council report: fetched in the page with the session, as the link does.
	f.open("/zelfevaluatie/"+roundID, `a[data-download="pdf"]`)
	if !strings.Contains(f.text(block(missed)+` [data-block-actions]`), title) {
		t.Errorf("the missed block does not list its action")
	}
	type download struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Head   string `json:"head"`
		Body   string `json:"body"`
	}
	dl := eval[download](f, "download the PDF", `(async () => {
		const a = document.querySelector('a[data-download="pdf"]');
		const r = await fetch(a.href, {credentials: 'same-origin'});
		const b = new Uint8Array(await r.arrayBuffer());
		let s = '';
		for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
		return {status: r.status, type: r.headers.get('content-type') || '', head: s.slice(0, 5), body: btoa(s)};
	})()`)
	if dl.Status != 200 || dl.Type != "application/pdf" || dl.Head != "%PDF-" {
		t.Fatalf("the PDF link answered %d %q starting %q", dl.Status, dl.Type, dl.Head)
	}
	pdf, err := base64.StdEncoding.DecodeString(dl.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(pdf) < 2048 {
		t.Errorf("the report is only %d bytes", len(pdf))
	}
	if err := kader.VerifyPDF(pdf); err != nil {
		t.Fatal(err)
	}
	checkPDFScores(t, pdf, f, rep)
	t.Logf("council report: %d bytes", len(pdf))

	// What changed since last year.
	f.open("/zelfevaluatie", `form[action="/zelfevaluatie/vergelijk"]`)
	f.do("compare with last year",
		chromedp.Click(chromedp.CSS(`form[action="/zelfevaluatie/vergelijk"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table[data-compare-themes]`)))
	if h := f.text(`main h1`); !strings.Contains(h, strconv.Itoa(year-1)) || !strings.Contains(h, strconv.Itoa(year)) {
		t.Errorf("comparison heading %q", h)
	}
	for _, id := range todo[:2] {
		if v := f.attr(`tr[data-change="`+id+`"] [data-direction]`, "data-direction"); v != "better" {
			t.Errorf("the change of %s is %q, want better", id, v)
		}
	}
	f.check("kader-compare")
	f.signOut()

	// The region's analyst: Noord's municipalities, not Zuid's.
	f.signIn("analist@baken.test", `#rol-analist`)
	f.open("/regio-overzicht", `table[data-region]`)
	rows := f.text(`table[data-region] tbody`)
	for _, m := range []string{"Gemeente A", "Gemeente B"} {
		if !strings.Contains(rows, m) {
			t.Errorf("the region view lacks %s: %q", m, rows)
		}
	}
	if strings.Contains(f.html(), "Gemeente C") {
		t.Errorf("the region view of Noord shows Gemeente C")
	}
	if v := eval[string](f, "Gemeente A's Basis op orde", `(() => {
		const th = [...document.querySelectorAll('table[data-region] tbody th')].find(th => th.textContent.trim() === 'Gemeente A');
		const b = th && th.closest('tr').querySelector('[data-basis]');
		return b ? b.dataset.basis : 'none';
	})()`); v != "nee" {
		t.Errorf("Gemeente A's Basis op orde in the region view %q, want nee", v)
	}
	f.check("kader-region")
	f.signOut()
	t.Logf("self-assessment flow took %s", time.Since(start).Round(time.Millisecond))
}

// amsterdam is the Dutch time zone (the pages' "this year").
func amsterdam() *time.Location {
	if l, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}

// pdfTexts inflates the PDF's compressed streams and returns the strings
// its pages show ("(…) Tj"), in order.
func pdfTexts(b []byte) []string {
	var out []string
	show := regexp.MustCompile(`\(((?:[^()\\]|\\.)*)\)\s*Tj`)
	unescape := strings.NewReplacer(`\(`, "(", `\)`, ")", `\\`, `\`)
	for rest := b; ; {
		i := bytes.Index(rest, []byte("stream"))
		if i < 0 {
			break
		}
		rest = rest[i+len("stream"):]
		if bytes.HasPrefix(rest, []byte("\r\n")) {
			rest = rest[2:]
		} else if bytes.HasPrefix(rest, []byte("\n")) {
			rest = rest[1:]
		} else {
			continue // "endstream"
		}
		j := bytes.Index(rest, []byte("endstream"))
		if j < 0 {
			break
		}
		zr, err := zlib.NewReader(bytes.NewReader(rest[:j]))
		if err != nil {
			continue // not compressed (a font, say)
		}
		plain, _ := io.ReadAll(zr)
		for _, m := range show.FindAllSubmatch(plain, -1) {
			out = append(out, unescape.Replace(string(m[1])))
		}
		rest = rest[j:]
	}
	return out
}

// checkPDFScores checks that the report shows the round's scores: per theme
// the plateau 1, plateau 2 and theme percentages after the theme's name in
// the scores table, the overall score, and the heading.
func checkPDFScores(t *testing.T, b []byte, f *flow, rep kader.Report) {
	t.Helper()
	texts := pdfTexts(b)
	if len(texts) < 20 {
		t.Fatalf("found only %d text strings in the PDF: %q", len(texts), texts)
	}
	na := f.a.I18n.T("nl", "kader.report.na")
	pct := func(p *int) string {
		if p == nil {
			return na
		}
		return fmt.Sprintf("%d%%", *p)
	}
	index := func(pred func(string) bool) int {
		for i, s := range texts {
			if pred(s) {
				return i
			}
		}
		return -1
	}
	for _, key := range []string{"kader.report.scores", "kader.report.basis"} {
		h := f.a.I18n.T("nl", key)
		if index(func(s string) bool { return s == h }) < 0 {
			t.Errorf("the report lacks the heading %q", h)
		}
	}
	byTheme := map[string][3]string{}
	for _, sc := range rep.Round.Scores {
		if sc.ThemeID == "" {
			continue
		}
		v := byTheme[sc.ThemeID]
		switch sc.Level {
		case "plateau1":
			v[0] = pct(sc.Percent)
		case "plateau2":
			v[1] = pct(sc.Percent)
		default:
			v[2] = pct(sc.Percent)
		}
		byTheme[sc.ThemeID] = v
	}
	for _, th := range f.a.Content.Kader.Themes {
		prefix := fmt.Sprintf("%d. ", th.Number)
		i := index(func(s string) bool { return strings.HasPrefix(s, prefix) }) // the table comes before the chart
		if i < 0 || i+3 >= len(texts) {
			t.Errorf("the report's scores table lacks theme %s", th.ID)
			continue
		}
		if got, want := texts[i+1:i+4], byTheme[th.ID]; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Errorf("the report shows %v for theme %s, want %v", got, th.ID, want)
		} else {
			t.Logf("the report shows %q %v", texts[i], got)
		}
	}
	label := f.a.I18n.T("nl", "kader.report.overall")
	if i := index(func(s string) bool { return s == label }); i < 0 || i+1 >= len(texts) {
		t.Errorf("the report lacks %q", label)
	} else if got, want := texts[i+1], pct(kader.Overall(rep.Round.Scores).Percent); got != want {
		t.Errorf("the report's overall score %q, want %q", got, want)
	}
}
