package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/baken-nl/baken/internal/app"
	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

// flow is what the case and self-assessment flows share: the browser
// helpers of runBrowser and the running app (for the ids of demo data and
// to compare what the pages show with what the services say).
type flow struct {
	t     *testing.T
	ctx   context.Context
	base  string
	a     *app.App
	do    func(string, ...chromedp.Action[chromedp.Void])
	text  func(sel string) string
	attr  func(sel, name string) string
	check func(string)
	fail  func(string, error)
}

func (f *flow) signIn(email, wait string) {
	f.t.Helper()
	f.do("sign in as "+email,
		chromedp.WaitVisible(chromedp.CSS(`#field-email`)),
		chromedp.SendKeys(chromedp.CSS(`#field-email`), email),
		chromedp.SendKeys(chromedp.CSS(`#field-password`), pw),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(wait)))
}

func (f *flow) signOut() {
	f.t.Helper()
	f.do("sign out", chromedp.Click(chromedp.CSS(`form[action="/uitloggen"] button`)), chromedp.WaitVisible(chromedp.CSS(`#field-email`)))
}

// eval runs js in the page and returns its (awaited) result.
func eval[T any](f *flow, what, js string) T {
	f.t.Helper()
	v, err := chromedp.Run(f.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		f.fail(what, err)
	}
	return v
}

// html is the whole page as the browser has it.
func (f *flow) html() string {
	f.t.Helper()
	return eval[string](f, "page HTML", `document.documentElement.outerHTML`)
}

// exists reports whether sel matches an element now.
func (f *flow) exists(sel string) bool {
	f.t.Helper()
	js, _ := json.Marshal(sel)
	return eval[bool](f, "query "+sel, `document.querySelector(`+string(js)+`) !== null`)
}

// location is the page's URL.
func (f *flow) location() string {
	f.t.Helper()
	u, err := chromedp.Run(f.ctx, chromedp.Location())
	if err != nil {
		f.fail("location", err)
	}
	return u
}

// open navigates to path and returns the HTTP status of the page.
func (f *flow) open(path, wait string) int64 {
	f.t.Helper()
	res, err := chromedp.Run(f.ctx, chromedp.NavigateResponse(f.base+path))
	if err != nil {
		f.fail("open "+path, err)
	}
	f.do("wait for "+wait+" on "+path, chromedp.WaitVisible(chromedp.CSS(wait)))
	if res == nil {
		return 0
	}
	return res.Status
}

// subject is the policy subject of a demo account.
func (f *flow) subject(email string) (policy.Subject, org.User) {
	f.t.Helper()
	list, _, err := f.a.Orgs.ListUsers(context.Background(), org.System, org.UserFilter{Query: email, Limit: 5})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, u := range list {
		if u.Email == email {
			return u.Subject(), u
		}
	}
	f.t.Fatalf("demo account %s is missing", email)
	return policy.Subject{}, org.User{}
}

// caseFlow walks a case the way issue 5 asks: zorgcoordinator@baken.test
// opens it from an open demo signal on "Casus openen" (first with errors:
// every one shown, everything typed kept), moves it to intake, places the
// client at Opvang De Haven, sets a reflection period (the end date and the
// days left; it ends within the warning window, so the dashboard lists it),
// and closes it with a reason (first without one: the error). Axe runs on
// the case list, the form (empty and with errors), the case page in each
// state, the dashboard, the outline a colleague of the region sees, and the
// 404 page. zorgcoordinator-zuid@baken.test, signaleerder@baken.test and
// partner@baken.test get the 404 page, with the client's name nowhere in
// it. Afterwards the client's name and BSN are nowhere in the database: not
// in any column (storetest.Find, both dialects) and not in the bytes of the
// SQLite file and its WAL. It starts and ends on the login page.
func caseFlow(f *flow) {
	t := f.t
	start := time.Now()
	ctx := context.Background()
	const (
		name = "Ilona Vlierbessenstruik"
		bsn  = "111222333" // passes the eleven-test
	)

	// The demo data the flow uses: the open demo signal of the labour
	// inspection (handhaving), Opvang De Haven.
	coord, coordUser := f.subject("zorgcoordinator@baken.test")
	var sig signal.Summary
	page, err := f.a.Signals.List(ctx, coord, signal.Filter{Status: signal.StatusNew, Department: "handhaving", Limit: signal.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range page.Items {
		if s.Department == "handhaving" {
			sig = s
		}
	}
	if sig.ID == "" {
		t.Fatalf("no open demo signal of handhaving among %d new signals", len(page.Items))
	}
	shelters, err := f.a.Cases.Shelters(ctx, coord)
	if err != nil {
		t.Fatal(err)
	}
	var haven cases.Shelter
	for _, sh := range shelters {
		if sh.Name == "Opvang De Haven" {
			haven = sh
		}
	}
	if haven.OrgID == "" || !haven.Known {
		t.Fatalf("Opvang De Haven with its demo capacity is not among the shelters %+v", shelters)
	}
	// A second care coordinator of Noord, not assigned: the outline only.
	colleague := "zorgcoordinator-noord-2@baken.test"
	if _, err := f.a.Orgs.CreateUser(ctx, org.System, org.UserInput{Email: colleague, Name: "Noor Collega",
		OrganisationID: coordUser.OrganisationID, Roles: []policy.Role{policy.Zorgcoordinator}, Locale: "nl", Password: pw}); err != nil {
		t.Fatal(err)
	}

	f.signIn("zorgcoordinator@baken.test", `#rol-zorgcoordinator`)
	f.open("/casussen", `main table`)
	if !strings.Contains(f.text(`main table`), "CASE-") {
		t.Errorf("the case list lacks the demo case: %q", f.text(`main table`))
	}
	f.check("case-list")

	f.do("Casus openen from the list",
		chromedp.Click(chromedp.CSS(`main a[href="/casussen/nieuw"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="client.name"]`)))
	if !f.exists(`div[data-signal="` + sig.ID + `"] input[name=signalIds]`) {
		t.Fatalf("the demo signal %s is not offered on Casus openen", sig.Reference)
	}
	f.check("case-new")

	// Every error at once, everything typed kept.
	f.do("fill in the form with two mistakes and save",
		chromedp.Click(chromedp.CSS(`div[data-signal="`+sig.ID+`"] input[name=signalIds]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="client.name"]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name="client.bsn"]`), "123456789"),
		chromedp.SetValue(chromedp.CSS(`select[name="client.nationality"]`), "RO"),
		chromedp.SendKeys(chromedp.CSS(`input[name="client.languages"]`), "Roemeens"),
		chromedp.SetValue(chromedp.CSS(`select[name="client.gender"]`), "female"),
		chromedp.Click(chromedp.CSS(`input[name=forms][value=labour]`)),
		chromedp.Click(chromedp.CSS(`button[name=action][value=save]`)),
		chromedp.WaitVisible(chromedp.CSS(`.baken-error-summary`)))
	for _, field := range []string{"client.bsn", "client.languages"} {
		if !f.exists(`.baken-error-summary a[href="#field-` + field + `"]`) {
			t.Errorf("the error summary does not link to %s", field)
		}
	}
	if v := eval[string](f, "typed name", `document.querySelector('input[name="client.name"]').value`); v != name {
		t.Errorf("after the errors the name came back as %q", v)
	}
	if !eval[bool](f, "ticked signal", `document.querySelector('div[data-signal="`+sig.ID+`"] input[name=signalIds]').checked`) {
		t.Errorf("after the errors the signal is no longer ticked")
	}
	if u := f.location(); strings.Contains(u, "Vlierbes") || strings.Contains(u, "Ilona") {
		t.Errorf("the form's URL %q holds the name", u)
	}
	f.check("case-new-errors")

	f.do("correct the mistakes and open the case",
		chromedp.SetValue(chromedp.CSS(`input[name="client.bsn"]`), bsn),
		chromedp.SetValue(chromedp.CSS(`input[name="client.languages"]`), "ro, en"),
		chromedp.Click(chromedp.CSS(`button[name=action][value=save]`)),
		chromedp.WaitVisible(chromedp.CSS(`.baken-confirmation`)))
	ref := f.text(`main h1 [data-reference]`)
	if !strings.HasPrefix(ref, "CASE-") {
		t.Fatalf("case reference %q", ref)
	}
	u := f.location()
	if strings.Contains(u, "Vlierbes") || strings.Contains(u, bsn) {
		t.Errorf("the case page's URL %q holds client data", u)
	}
	caseID := strings.TrimPrefix(u[:strings.IndexAny(u+"?", "?#")], f.base+"/casussen/")
	if caseID == "" || strings.Contains(caseID, "/") {
		t.Fatalf("case id from %q", u)
	}
	if v := f.attr(`dl.baken-facts [data-phase]`, "data-phase"); v != string(cases.PhaseRegistration) {
		t.Errorf("a new case is in phase %q", v)
	}
	if !strings.Contains(f.text(`main`), name) {
		t.Errorf("the coordinator does not see the client's name on the case page")
	}
	if !strings.Contains(f.text(`main`), sig.Reference) {
		t.Errorf("the case page does not name the signal %s", sig.Reference)
	}
	f.check("case-show-new")

	// Aanmelding → intake.
	f.do("move to intake",
		chromedp.Click(chromedp.CSS(`form[action$="/fase"] input[name=to][value=intake]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/fase"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`dl.baken-facts [data-phase="intake"]`)))

	// A placement at Opvang De Haven from today.
	today := cases.Today(time.Now())
	f.do("add a placement",
		chromedp.Click(chromedp.CSS(`#plaatsingen details > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/plaatsingen"] select[name=shelterOrgId]`)),
		chromedp.SetValue(chromedp.CSS(`form[action$="/plaatsingen"] select[name=shelterOrgId]`), haven.OrgID),
		chromedp.SetValue(chromedp.CSS(`form[action$="/plaatsingen"] select[name=shelterType]`), "cosm"),
		chromedp.SetValue(chromedp.CSS(`form[action$="/plaatsingen"] input[name=fromOn]`), today.Format(time.DateOnly)),
		chromedp.Click(chromedp.CSS(`form[action$="/plaatsingen"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#plaatsingen tr[data-placement][data-current]`)))
	if s := f.text(`#plaatsingen tr[data-placement][data-current]`); !strings.Contains(s, "Opvang De Haven") || !strings.Contains(s, "COSM") {
		t.Errorf("the current placement reads %q", s)
	}

	// The reflection period: three months from 80 days ago, so it ends
	// within the warning window.
	rs := today.AddDate(0, 0, -80)
	end := cases.ReflectionEnd(f.a.Content, rs, false)
	daysLeft := int(end.Sub(today).Hours() / 24)
	f.do("set the reflection period",
		chromedp.Click(chromedp.CSS(`#bedenktijd details > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/bedenktijd"] input[name=start]`)),
		chromedp.SetValue(chromedp.CSS(`form[action$="/bedenktijd"] input[name=start]`), rs.Format(time.DateOnly)),
		chromedp.Click(chromedp.CSS(`form[action$="/bedenktijd"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#bedenktijd [data-reflection-end]`)))
	if v := f.attr(`#bedenktijd [data-reflection-end]`, "data-reflection-end"); v != end.Format(time.DateOnly) {
		t.Errorf("reflection end %q, want %s (start %s)", v, end.Format(time.DateOnly), rs.Format(time.DateOnly))
	}
	if s := f.text(`#bedenktijd [data-reflection-end]`); s != end.Format(time.DateOnly) {
		t.Errorf("the end date reads %q", s)
	}
	if v := f.attr(`#bedenktijd [data-days-left]`, "data-days-left"); v != strconv.Itoa(daysLeft) {
		t.Errorf("days left %q, want %d", v, daysLeft)
	}
	if s := f.text(`#bedenktijd [data-days-left]`); !strings.Contains(s, strconv.Itoa(daysLeft)) {
		t.Errorf("the days left read %q, want %d", s, daysLeft)
	}
	if !f.exists(`#bedenktijd [data-reflection-warning]`) {
		t.Errorf("no warning with %d days left", daysLeft)
	}
	f.check("case-show-support")

	// The dashboard: the period ending soon, the placement taking a place.
	f.open("/casussen/overzicht", `main h1`)
	if !f.exists(`[data-reflection-due="` + caseID + `"]`) {
		t.Errorf("the dashboard does not list the reflection period ending in %d days", daysLeft)
	}
	if v := f.attr(`tr[data-shelter="`+haven.OrgID+`"] td[data-free]`, "data-free"); v != strconv.Itoa(haven.Free-1) {
		t.Errorf("Opvang De Haven has %s places free after the placement, want %d", v, haven.Free-1)
	}
	f.check("case-dashboard")

	// Closing asks a reason: first without one.
	f.open("/casussen/"+caseID, `form[action$="/fase"]`)
	f.do("close without a reason",
		chromedp.Click(chromedp.CSS(`form[action$="/fase"] input[name=to][value=closed]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/fase"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.baken-error-summary`)))
	if !f.exists(`.baken-error-summary a[href="#field-reason"]`) {
		t.Errorf("the error summary does not point at the closing reason")
	}
	f.check("case-show-errors")
	f.do("close with a reason",
		chromedp.Click(chromedp.CSS(`form[action$="/fase"] input[name=to][value=closed]`)),
		chromedp.SetValue(chromedp.CSS(`form[action$="/fase"] select[name=reason]`), "referred_regular_care"),
		chromedp.Click(chromedp.CSS(`form[action$="/fase"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`dl.baken-facts [data-phase="closed"]`)))
	if s := f.text(`dl.baken-facts [data-phase="closed"]`); !strings.Contains(s, "Overgedragen aan reguliere hulpverlening") {
		t.Errorf("the closed phase reads %q, want the reason", s)
	}
	if f.exists(`#bedenktijd [data-reflection-warning]`) {
		t.Errorf("a closed case still warns about its reflection period")
	}
	f.check("case-show-closed")
	got, err := f.a.Cases.Get(ctx, coord, caseID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Phase != cases.PhaseClosed || got.ClosingReason != "referred_regular_care" || got.Client.Name != name ||
		len(got.SignalIDs) != 1 || got.SignalIDs[0] != sig.ID {
		t.Errorf("the stored case: phase %s, reason %q, name %q, signals %v", got.Phase, got.ClosingReason, got.Client.Name, got.SignalIDs)
	}
	f.open("/casussen?phase=closed", `main table`)
	if !strings.Contains(f.text(`main table`), ref) {
		t.Errorf("the list of closed cases lacks %s", ref)
	}
	f.signOut()

	// A colleague of the region who is not assigned: the outline, no client data.
	f.signIn(colleague, `#rol-zorgcoordinator`)
	f.open("/casussen/"+caseID, `[data-outline]`)
	if h := f.html(); strings.Contains(h, name) || strings.Contains(h, bsn) {
		t.Errorf("the outline shows client data")
	}
	f.check("case-outline")
	f.do("break the glass without a reason",
		chromedp.Click(chromedp.CSS(`form[action$="/toegang"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.baken-error-summary`)))
	f.check("case-outline-errors")
	f.signOut()

	// Everyone else: the 404 page, nothing of the case in it.
	for i, who := range []struct{ email, wait string }{
		{"zorgcoordinator-zuid@baken.test", `#rol-zorgcoordinator`},
		{"signaleerder@baken.test", `#rol-signaleerder`},
		{"partner@baken.test", `#rol-ketenpartner`},
	} {
		f.signIn(who.email, who.wait)
		if st := f.open("/casussen/"+caseID, `main h1`); st != 404 {
			t.Errorf("%s opens the case: status %d", who.email, st)
		}
		if h := f.html(); strings.Contains(h, name) || strings.Contains(h, bsn) || strings.Contains(h, ref) {
			t.Errorf("%s's page for the case shows the client or the reference", who.email)
		}
		if i == 0 {
			f.check("case-not-found")
			f.open("/casussen?scope=region", `main h1`)
			if strings.Contains(f.html(), ref) {
				t.Errorf("Zuid's region list holds %s", ref)
			}
		}
		f.signOut()
	}

	// No client name or BSN in the database.
	for _, needle := range []string{name, bsn} {
		if hits := storetest.Find(t, f.a.DB, needle); len(hits) > 0 {
			t.Errorf("%q stands in clear text in %v", needle, hits)
		}
	}
	if f.a.DB.Dialect() == store.SQLite {
		path, _, _ := strings.Cut(strings.TrimPrefix(f.a.Cfg.DB, "sqlite:"), "?")
		files, sawPlain := 0, false
		for _, p := range []string{path, path + "-wal"} {
			b, err := os.ReadFile(p)
			if errors.Is(err, os.ErrNotExist) && p != path {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			files++
			low := bytes.ToLower(b)
			for _, needle := range []string{name, bsn, "vlierbessenstruik"} {
				if bytes.Contains(low, bytes.ToLower([]byte(needle))) {
					t.Errorf("%s holds %q", p, needle)
				}
			}
			sawPlain = sawPlain || bytes.Contains(b, []byte("Opvang De Haven"))
		}
		// The grep can see: the demo world's plain data is in these bytes.
		if !sawPlain {
			t.Errorf("%s (and its WAL) do not hold the organisation names: the grep reads the wrong files", path)
		}
		t.Logf("grepped %d SQLite files for the client's name and BSN", files)
	}
	t.Logf("case flow took %s", time.Since(start).Round(time.Millisecond))
}
