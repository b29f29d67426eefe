package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/kader"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

var (
	roundIDRE  = regexp.MustCompile(`^/zelfevaluatie/([^/?#]+)\?melding=aangemaakt$`)
	actionIDRE = regexp.MustCompile(`href="/acties/([^"/?#]+)"`)
)

// startRound starts a round through the form and returns its id.
func startRound(t *testing.T, c *client, year int) string {
	t.Helper()
	r := c.post("/zelfevaluatie", url.Values{"year": {strconv.Itoa(year)}}).wantStatus(t, http.StatusSeeOther)
	m := roundIDRE.FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("Location %q", r.Header.Get("Location"))
	}
	return m[1]
}

// fillBlock posts a building block's form.
func fillBlock(c *client, round, block string, version int, status kader.Status, extra url.Values) *response {
	v := url.Values{"status": {string(status)}, "version": {strconv.Itoa(version)}}
	for k, vals := range extra {
		v[k] = vals
	}
	return c.post("/zelfevaluatie/"+round+"/bouwstenen/"+block, v)
}

func plateau1(cat *content.Catalog) []string {
	var out []string
	for _, t := range cat.Kader.Themes {
		for _, b := range t.Blocks {
			if b.Level == content.Plateau1 {
				out = append(out, b.ID)
			}
		}
	}
	return out
}

// TestKaderSelfAssessment walks the policy officer's pages: start a round,
// a second round for the same year, fill in blocks (every error at once,
// input kept), a stale edit, Basis op orde reached, the action plan (no
// title, stale edit, notes, overdue on the start page after the clock
// moved), compare, the downloads and access for everyone else.
func TestKaderSelfAssessment(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		thisYear := time.Now().Year()
		c := e.as(policy.Beleidsmedewerker)

		list := c.get("/zelfevaluatie").wantStatus(t, http.StatusOK)
		list.wantContains(t, `href="/zelfevaluatie" aria-current="page"`, `action="/zelfevaluatie"`, esc("Er is nog geen zelfevaluatie"))
		c.get("/").wantStatus(t, http.StatusOK).wantContains(t, `href="/zelfevaluatie"`).wantLacks(t, `href="/regio-overzicht"`, "data-kader-overdue")

		// Start a round; the page shows Basis op orde not reached with
		// every plateau1 block in its way, linked to it.
		id := startRound(t, c, thisYear-1)
		page := c.get("/zelfevaluatie/"+id+"?melding=aangemaakt").wantStatus(t, http.StatusOK)
		p1 := plateau1(e.app.Content)
		page.wantContains(t, "Zelfevaluatie "+strconv.Itoa(thisYear-1), `data-basis="nee"`,
			esc(strconv.Itoa(len(p1))+" bouwstenen van plateau 1 staan in de weg"),
			`href="#bouwsteen-`+p1[0]+`"`, `id="bouwsteen-`+p1[0]+`"`, `data-scores`, `<meter`, `data-ibp="aandachtsfunctionaris" data-met="true"`,
			"Test beleidsmedewerker", `data-ibp="clear_policy" data-met="false"`, "Niet voldaan", `data-percent="0"`, "0%",
			`href="/zelfevaluatie/`+id+`/rapport.pdf"`, `href="/zelfevaluatie/`+id+`/export.csv"`)

		// A second round for the same year: 409, the error at the field, the year kept.
		dup := c.post("/zelfevaluatie", url.Values{"year": {strconv.Itoa(thisYear - 1)}}).wantStatus(t, http.StatusConflict)
		dup.wantContains(t, esc("Voor dit jaar is al een zelfevaluatie gestart"), `href="#field-year"`, `id="field-year-error"`,
			`value="`+strconv.Itoa(thisYear-1)+`"`, `aria-invalid="true"`)
		c.post("/zelfevaluatie", url.Values{"year": {"twintig"}}).wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, esc("Kies een jaar vanaf 2015"), `value="twintig"`)
		c.post("/zelfevaluatie", url.Values{"year": {"1990"}}).wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, esc("Kies een jaar vanaf 2015"), `value="1990"`)

		// Bad input: every error at once, at its field, everything typed kept.
		block := "beleid.p1.vastgesteld_beleid"
		typed := url.Values{"evidence": {"Raadsbesluit 2025-14"}, "links": {"ftp://intranet/beleid\nhttps://gemeente-a.example/beleid"},
			"owner": {"Team Veiligheid"}, "date": {"31-12-2025"}, "remark": {"Herijking in 2026"}}
		bad := fillBlock(c, id, block, 1, "bijna", typed).wantStatus(t, http.StatusUnprocessableEntity)
		bad.wantContains(t, esc("Kies een status: afwezig"), esc("Geef een volledig webadres op"), esc("Geef een geldige datum op"),
			`href="#b0-status"`, `href="#b0-links"`, `href="#b0-date"`, `id="b0-links-error"`,
			"Raadsbesluit 2025-14", "ftp://intranet/beleid\nhttps://gemeente-a.example/beleid", `value="Team Veiligheid"`,
			`value="31-12-2025"`, "Herijking in 2026", "<details class=\"baken-kader-edit\" open>")

		// Filled in properly.
		typed.Set("links", "https://gemeente-a.example/beleid")
		typed.Set("date", "2025-12-31")
		ok := fillBlock(c, id, block, 1, kader.Complete, typed).wantStatus(t, http.StatusSeeOther)
		if loc := ok.Header.Get("Location"); loc != "/zelfevaluatie/"+id+"?melding=opgeslagen#bouwsteen-"+block {
			t.Errorf("Location %q", loc)
		}
		c.follow(ok).wantStatus(t, http.StatusOK).wantContains(t, "Raadsbesluit 2025-14", `href="https://gemeente-a.example/beleid"`,
			"Team Veiligheid", "2025-12-31", `data-ibp="clear_policy" data-met="true"`, esc(strconv.Itoa(len(p1)-1)+" bouwstenen van plateau 1"))

		// Stale: the version seen is 1, the block is at 2 now.
		stale := fillBlock(c, id, block, 1, kader.Partial, url.Values{"evidence": {"Mijn versie"}}).wantStatus(t, http.StatusConflict)
		stale.wantContains(t, esc("Iemand anders heeft deze bouwsteen intussen gewijzigd"), "data-conflict", "Mijn versie",
			"Raadsbesluit 2025-14", `name="version" value="2"`)
		// An unknown block is the 404 page.
		fillBlock(c, id, "beleid.p1.bestaat_niet", 1, kader.Complete, nil).wantStatus(t, http.StatusNotFound)

		// Every plateau1 block complete (or not applicable): Basis op orde.
		for i, b := range p1 {
			if b == block {
				continue
			}
			st := kader.Complete
			if i%5 == 4 {
				st = kader.NotApplicable
			}
			fillBlock(c, id, b, 1, st, nil).wantStatus(t, http.StatusSeeOther)
		}
		c.get("/zelfevaluatie/"+id).wantStatus(t, http.StatusOK).wantContains(t, `data-basis="ja"`, esc("De basis is op orde")).
			wantLacks(t, "data-blocking")
		c.get("/zelfevaluatie").wantStatus(t, http.StatusOK).wantContains(t, `data-round="`+id+`"`, `data-basis="ja"`, `data-blocking="0"`)

		// The action plan: a block preselected from the block's link; no title → the error at the field.
		c.get("/zelfevaluatie/"+id+"/acties?bouwsteen=beleid.p2.monitoring").wantStatus(t, http.StatusOK).
			wantContains(t, `<option value="beleid.p2.monitoring" selected>`, esc("Er staan nog geen acties"))
		tomorrow := kader.Today(time.Now().AddDate(0, 0, 1))
		noTitle := c.post("/zelfevaluatie/"+id+"/acties", url.Values{"title": {"  "}, "owner": {"Jan Beleid"}, "deadline": {tomorrow},
			"status": {"planned"}, "blockId": {"beleid.p2.monitoring"}}).wantStatus(t, http.StatusUnprocessableEntity)
		noTitle.wantContains(t, esc("Geef de actie een titel."), `href="#field-title"`, `value="Jan Beleid"`, `value="`+tomorrow+`"`,
			`<option value="beleid.p2.monitoring" selected>`)
		made := c.post("/zelfevaluatie/"+id+"/acties", url.Values{"title": {"Monitor opzetten"}, "owner": {"Jan Beleid"},
			"deadline": {tomorrow}, "status": {"planned"}, "blockId": {"beleid.p2.monitoring"}}).wantStatus(t, http.StatusSeeOther)
		plan := c.follow(made).wantStatus(t, http.StatusOK).wantContains(t, "Monitor opzetten", tomorrow).wantLacks(t, "data-overdue")
		m := actionIDRE.FindStringSubmatch(plan.body)
		if m == nil {
			t.Fatalf("no action link in\n%s", excerpt(plan.body))
		}
		act := m[1]
		c.get("/zelfevaluatie/"+id).wantStatus(t, http.StatusOK).wantContains(t, `href="/acties/`+act+`"`)
		c.get("/acties/"+act).wantStatus(t, http.StatusOK).wantContains(t, "Monitor opzetten", `name="version" value="1"`, esc("Nog geen voortgangsnotities"))
		edit := url.Values{"title": {"Monitor opzetten en vullen"}, "owner": {"Jan Beleid"}, "deadline": {tomorrow}, "status": {"in_progress"},
			"blockId": {"beleid.p2.monitoring"}, "version": {"1"}}
		c.follow(c.post("/acties/"+act, edit).wantStatus(t, http.StatusSeeOther)).wantStatus(t, http.StatusOK).
			wantContains(t, "Monitor opzetten en vullen", `data-status="in_progress"`)
		edit.Set("title", "Mijn titel")
		c.post("/acties/"+act, edit).wantStatus(t, http.StatusConflict).
			wantContains(t, esc("Iemand anders heeft deze actie intussen gewijzigd"), `value="Mijn titel"`, "Monitor opzetten en vullen", `name="version" value="2"`)
		edit.Set("title", "")
		edit.Set("version", "2")
		c.post("/acties/"+act, edit).wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, esc("Geef de actie een titel."))
		c.post("/acties/"+act+"/notities", url.Values{"body": {" "}}).wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, esc("Schrijf een voortgangsnotitie."), `href="#field-body"`)
		c.follow(c.post("/acties/"+act+"/notities", url.Values{"body": {"Eerste overleg gehad"}}).wantStatus(t, http.StatusSeeOther)).
			wantStatus(t, http.StatusOK).wantContains(t, "Eerste overleg gehad", "data-notes")

		// Two days later the action is overdue: on the start page, with a link.
		e.clock.advance(48 * time.Hour)
		c = e.as(policy.Beleidsmedewerker)
		c.get("/").wantStatus(t, http.StatusOK).wantContains(t, "data-kader-overdue", `href="/acties/`+act+`"`,
			"Monitor opzetten en vullen", esc("over de deadline"))
		c.get("/zelfevaluatie/"+id+"/acties").wantStatus(t, http.StatusOK).wantContains(t, "data-overdue")

		// A second round starts from the first; one block got worse.
		id2 := startRound(t, c, thisYear)
		fillBlock(c, id2, block, 1, kader.Partial, nil).wantStatus(t, http.StatusSeeOther)
		c.get("/zelfevaluatie").wantStatus(t, http.StatusOK).wantContains(t, `<option value="`+id+`" selected>`, `<option value="`+id2+`" selected>`)
		cmp := c.get("/zelfevaluatie/vergelijk?van="+id+"&met="+id2).wantStatus(t, http.StatusOK)
		cmp.wantContains(t, "Wat veranderde van "+strconv.Itoa(thisYear-1)+" naar "+strconv.Itoa(thisYear), `data-change="`+block+`"`,
			`data-direction="worse"`, "achteruitgang", "data-compare-themes")
		c.get("/zelfevaluatie/vergelijk?van="+id+"&met="+id).wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, esc("Kies twee verschillende rondes"), `href="#field-met"`)
		c.get("/zelfevaluatie/vergelijk?van="+id).wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, "Kies een ronde.")

		// Downloads: attachments without personal data in the name.
		pdf := c.get("/zelfevaluatie/"+id+"/rapport.pdf").wantStatus(t, http.StatusOK)
		if ct := pdf.Header.Get("Content-Type"); ct != "application/pdf" {
			t.Errorf("PDF Content-Type %q", ct)
		}
		if !strings.HasPrefix(pdf.body, "%PDF") {
			t.Errorf("PDF starts with %q", pdf.body[:min(len(pdf.body), 10)])
		}
		if cd := pdf.Header.Get("Content-Disposition"); cd != `attachment; filename="zelfevaluatie-`+strconv.Itoa(thisYear-1)+`.pdf"` {
			t.Errorf("PDF Content-Disposition %q", cd)
		}
		if en := c.get("/zelfevaluatie/"+id+"/rapport.pdf?taal=en").wantStatus(t, http.StatusOK); !strings.HasPrefix(en.body, "%PDF") ||
			!strings.Contains(en.Header.Get("Content-Disposition"), "-en.pdf") {
			t.Errorf("English PDF: %q", en.Header.Get("Content-Disposition"))
		}
		csv := c.get("/zelfevaluatie/"+id+"/export.csv").wantStatus(t, http.StatusOK)
		if ct := csv.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" || !strings.HasPrefix(csv.Header.Get("Content-Disposition"), "attachment;") {
			t.Errorf("CSV headers %q %q", ct, csv.Header.Get("Content-Disposition"))
		}
		csv.wantContains(t, "\ufeff", "Bouwsteen-id", block, "Raadsbesluit 2025-14", "compleet")
		xlsx := c.get("/zelfevaluatie/"+id+"/export.xlsx").wantStatus(t, http.StatusOK)
		if ct := xlsx.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || !strings.HasPrefix(xlsx.body, "PK") {
			t.Errorf("XLSX %q starts %q", ct, xlsx.body[:min(len(xlsx.body), 4)])
		}
		if cd := xlsx.Header.Get("Content-Disposition"); cd != `attachment; filename="zelfevaluatie-`+strconv.Itoa(thisYear-1)+`.xlsx"` {
			t.Errorf("XLSX Content-Disposition %q", cd)
		}

		// Another municipality's policy officer sees nothing of it (404);
		// other roles have no self-assessment at all.
		e.addUser("beleid-c@baken.test", "Beleid C", e.gemC.ID, policy.Beleidsmedewerker)
		other := e.client()
		other.login("beleid-c@baken.test")
		other.get("/zelfevaluatie").wantStatus(t, http.StatusOK).wantLacks(t, id)
		for _, path := range []string{"/zelfevaluatie/" + id, "/zelfevaluatie/" + id + "/acties", "/zelfevaluatie/" + id + "/rapport.pdf",
			"/zelfevaluatie/" + id + "/export.csv", "/zelfevaluatie/" + id + "/export.xlsx", "/acties/" + act,
			"/zelfevaluatie/vergelijk?van=" + id + "&met=" + id2} {
			other.get(path).wantStatus(t, http.StatusNotFound).wantLacks(t, "Raadsbesluit", "Monitor opzetten")
		}
		fillBlock(other, id, block, 2, kader.Absent, nil).wantStatus(t, http.StatusNotFound)
		other.post("/acties/"+act, edit).wantStatus(t, http.StatusNotFound)
		other.post("/acties/"+act+"/notities", url.Values{"body": {"x"}}).wantStatus(t, http.StatusNotFound)
		other.post("/zelfevaluatie/"+id+"/acties", url.Values{"title": {"x"}}).wantStatus(t, http.StatusNotFound)
		sig := e.as(policy.Signaleerder)
		sig.get("/").wantStatus(t, http.StatusOK).wantLacks(t, `href="/zelfevaluatie"`, `href="/regio-overzicht"`)
		for _, path := range []string{"/zelfevaluatie", "/zelfevaluatie/" + id, "/acties/" + act, "/zelfevaluatie/" + id + "/rapport.pdf"} {
			sig.get(path).wantStatus(t, http.StatusNotFound)
		}
		sig.post("/zelfevaluatie", url.Values{"year": {strconv.Itoa(thisYear)}}).wantStatus(t, http.StatusNotFound)
		// The service stored what the pages said.
		r, err := e.app.Kader.Round(ctx, e.users[policy.Beleidsmedewerker].Subject(), id)
		if err != nil || !r.BasisOpOrde {
			t.Errorf("round: basis %v, err %v", r.BasisOpOrde, err)
		}
		noPersonalDataInURLs(t, page, "Raadsbesluit", "Team Veiligheid")
		// The CSP forbids inline styles and scripts: the bars are <meter>s.
		for _, r := range []*response{page, bad, stale, plan, cmp, noTitle} {
			for _, no := range []string{" style=", "<style", " onclick=", "<script>"} {
				if strings.Contains(r.body, no) {
					t.Errorf("%s %s holds %q", r.Request.Method, r.Request.URL.Path, no)
				}
			}
		}
	})
}

// TestKaderRegionView: the region's analyst and coordinator see their
// region's municipalities (A and B, not C) per theme with the numbers as
// text and a colour class with a legend, and download it; a signaleerder
// and a policy officer get the 404 page.
func TestKaderRegionView(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		year := time.Now().Year()
		gemB, err := e.app.Orgs.CreateOrg(ctx, org.System, org.OrgInput{Kind: org.Municipality, Name: "Gemeente B", RegionID: e.noord.ID})
		if err != nil {
			t.Fatal(err)
		}
		a := e.as(policy.Beleidsmedewerker)
		idA := startRound(t, a, year)
		for _, b := range plateau1(e.app.Content) {
			fillBlock(a, idA, b, 1, kader.Complete, nil).wantStatus(t, http.StatusSeeOther)
		}
		e.addUser("beleid-b@baken.test", "Beleid B", gemB.ID, policy.Beleidsmedewerker)
		b := e.client()
		b.login("beleid-b@baken.test")
		idB := startRound(t, b, year)
		fillBlock(b, idB, "beleid.p1.vastgesteld_beleid", 1, kader.Partial, nil).wantStatus(t, http.StatusSeeOther)
		e.addUser("beleid-c@baken.test", "Beleid C", e.gemC.ID, policy.Beleidsmedewerker)
		cc := e.client()
		cc.login("beleid-c@baken.test")
		startRound(t, cc, year)

		an := e.as(policy.Analist)
		an.get("/").wantStatus(t, http.StatusOK).wantContains(t, `href="/regio-overzicht"`).wantLacks(t, `href="/zelfevaluatie"`)
		rv := an.get("/regio-overzicht?jaar="+strconv.Itoa(year)).wantStatus(t, http.StatusOK)
		rv.wantContains(t, `aria-current="page"`, "Gemeente A", "Gemeente B", `data-municipality="`+e.gemA.ID+`"`, `data-municipality="`+gemB.ID+`"`,
			"data-legend", "Legenda", `data-class="danger"`, `data-class="warning"`, "baken-kader-cell--", `data-basis="ja"`, `data-basis="nee"`,
			`href="/regio-overzicht/export.csv?jaar=`+strconv.Itoa(year)+`"`, `value="`+strconv.Itoa(year)+`"`)
		rv.wantLacks(t, "Gemeente C", e.gemC.ID)
		// The Gemeente A row: basis reached, plateau1 complete → the policy theme at ≥ 50 %.
		rowA := rv.body[strings.Index(rv.body, `data-municipality="`+e.gemA.ID+`"`):]
		rowA = rowA[:strings.Index(rowA, "</tr>")]
		if !strings.Contains(rowA, `data-basis="ja"`) || !regexp.MustCompile(`\d+%`).MatchString(rowA) {
			t.Errorf("row A: %s", rowA)
		}
		// A year without rounds: every municipality says so.
		an.get("/regio-overzicht?jaar="+strconv.Itoa(year-3)).wantStatus(t, http.StatusOK).wantContains(t, "data-no-round", "Gemeente B")
		an.get("/regio-overzicht?jaar=abc").wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, esc("Kies een jaar vanaf 2015"), `value="abc"`)
		an.get("/regio-overzicht?jaar=1990").wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, `href="#field-jaar"`)
		// The default year is this year.
		an.get("/regio-overzicht").wantStatus(t, http.StatusOK).wantContains(t, "Gemeente A", `data-basis="ja"`)

		csv := an.get("/regio-overzicht/export.csv?jaar="+strconv.Itoa(year)).wantStatus(t, http.StatusOK)
		csv.wantContains(t, "Gemeente A", "Gemeente B", "Basis op orde").wantLacks(t, "Gemeente C")
		if cd := csv.Header.Get("Content-Disposition"); cd != `attachment; filename="regio-overzicht-`+strconv.Itoa(year)+`.csv"` {
			t.Errorf("CSV Content-Disposition %q", cd)
		}
		xlsx := an.get("/regio-overzicht/export.xlsx?jaar="+strconv.Itoa(year)).wantStatus(t, http.StatusOK)
		if !strings.HasPrefix(xlsx.body, "PK") || xlsx.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Errorf("XLSX %q", xlsx.Header.Get("Content-Type"))
		}
		an.get("/regio-overzicht/export.csv?jaar=abc").wantStatus(t, http.StatusBadRequest)

		co := e.as(policy.Zorgcoordinator)
		co.get("/regio-overzicht?jaar="+strconv.Itoa(year)).wantStatus(t, http.StatusOK).wantContains(t, "Gemeente A", "Gemeente B").wantLacks(t, "Gemeente C")
		e.addUser("zc-zuid@baken.test", "Coördinator Zuid", e.zuid.ID, policy.Zorgcoordinator)
		zuid := e.client()
		zuid.login("zc-zuid@baken.test")
		zuid.get("/regio-overzicht?jaar="+strconv.Itoa(year)).wantStatus(t, http.StatusOK).wantContains(t, "Gemeente C").wantLacks(t, "Gemeente A", "Gemeente B")

		// A national analyst chooses the region.
		e.addUser("analist-nl@baken.test", "Analist Landelijk", e.landelijk.ID, policy.Analist)
		nl := e.client()
		nl.login("analist-nl@baken.test")
		nl.get("/regio-overzicht?regio="+e.zuid.ID+"&jaar="+strconv.Itoa(year)).wantStatus(t, http.StatusOK).
			wantContains(t, `id="field-regio"`, `<option value="`+e.zuid.ID+`" selected>`, "Gemeente C",
				`href="/regio-overzicht/export.csv?jaar=`+strconv.Itoa(year)+`&amp;regio=`+e.zuid.ID+`"`).wantLacks(t, "Gemeente A")
		nl.get("/regio-overzicht/export.csv?regio="+e.noord.ID+"&jaar="+strconv.Itoa(year)).wantStatus(t, http.StatusOK).
			wantContains(t, "Gemeente A").wantLacks(t, "Gemeente C")
		an.get("/regio-overzicht?regio="+e.zuid.ID).wantStatus(t, http.StatusOK).wantLacks(t, "Gemeente C")

		for _, role := range []policy.Role{policy.Signaleerder, policy.Beleidsmedewerker, policy.Ketenpartner, policy.Beheerder} {
			c := e.as(role)
			c.get("/regio-overzicht").wantStatus(t, http.StatusNotFound)
			c.get("/regio-overzicht/export.csv").wantStatus(t, http.StatusNotFound)
		}
	})
}

// TestKaderWhoIsWho: the who-is-who page names the viewer's
// aandachtsfunctionaris and the region's care coordinators with their
// contact details (not another region's, not disabled ones).
func TestKaderWhoIsWho(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		e.addUser("beleid-2@baken.test", "Anna Aandacht", e.gemA.ID, policy.Beleidsmedewerker)
		if _, err := e.app.Orgs.CreateUser(context.Background(), org.System, org.UserInput{Email: "zc-2@baken.test", Name: "Zeno Zorg",
			Phone: "06 1234 5678", OrganisationID: e.noord.ID, Roles: []policy.Role{policy.Zorgcoordinator}, Locale: "nl", Password: testPassword}); err != nil {
			t.Fatal(err)
		}
		gone := e.addUser("weg@baken.test", "Oud Collega", e.noord.ID, policy.Zorgcoordinator)
		if _, err := e.app.Orgs.UpdateUser(context.Background(), org.System, gone.ID, gone.Version, org.UserInput{Email: gone.Email,
			Name: gone.Name, OrganisationID: e.noord.ID, Roles: gone.Roles, Locale: "nl", Disabled: true}); err != nil {
			t.Fatal(err)
		}
		e.addUser("zc-zuid@baken.test", "Coördinator Zuid", e.zuid.ID, policy.Zorgcoordinator)
		e.addUser("beleid-c@baken.test", "Beleid C", e.gemC.ID, policy.Beleidsmedewerker)

		sig := e.as(policy.Signaleerder)
		d := sig.get("/wie-is-wie").wantStatus(t, http.StatusOK)
		d.wantContains(t, "data-kader-contacts", esc("Wie belt u?"), "Aandachtsfunctionaris mensenhandel van Gemeente A",
			"Anna Aandacht", `href="mailto:beleid-2@baken.test"`, "Test beleidsmedewerker", "beleid@baken.test",
			esc("Zorgcoördinatoren mensenhandel van regio Noord"), "Zeno Zorg", `href="tel:0612345678"`, "06 1234 5678",
			"Test zorgcoordinator", "zorgcoordinator@baken.test")
		d.wantLacks(t, "Oud Collega", "Coördinator Zuid", "Beleid C")
		// A coordinator of the region (no municipality) sees the region's coordinators.
		e.as(policy.Zorgcoordinator).get("/wie-is-wie").wantStatus(t, http.StatusOK).
			wantContains(t, "Zeno Zorg").wantLacks(t, "Aandachtsfunctionaris mensenhandel van", "Coördinator Zuid")
		// Gemeente C's people see Zuid's.
		c := e.client()
		c.login("beleid-c@baken.test")
		c.get("/wie-is-wie").wantStatus(t, http.StatusOK).wantContains(t, "Beleid C", esc("Coördinator Zuid")).wantLacks(t, "Zeno Zorg", "Anna Aandacht")
	})
}
