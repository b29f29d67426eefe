package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

var (
	outcomeRE = regexp.MustCompile(`data-outcome="([^"]+)" data-population="([^"]+)"`)
	adviceRE  = regexp.MustCompile(`data-advice="([^"]+)"`)
	elementRE = regexp.MustCompile(`data-element="([^"]+)" data-state="([^"]+)"`)
	problemRE = regexp.MustCompile(`data-problem="([^"]+)"`)
	inputRE   = regexp.MustCompile(`<input[^>]*>`)
)

// weighed is what a page or fragment shows of a result, read from its
// stable data attributes.
type weighed struct {
	outcome, population string
	elements            map[string]string
	advice              []string
}

func readResult(t *testing.T, body string) weighed {
	t.Helper()
	m := outcomeRE.FindAllStringSubmatch(body, -1)
	if len(m) != 1 {
		t.Fatalf("want one data-outcome, found %d\n%s", len(m), excerpt(body))
	}
	w := weighed{outcome: m[0][1], population: m[0][2], elements: map[string]string{}}
	for _, e := range elementRE.FindAllStringSubmatch(body, -1) {
		w.elements[e[1]] = e[2]
	}
	for _, a := range adviceRE.FindAllStringSubmatch(body, -1) {
		w.advice = append(w.advice, a[1])
	}
	return w
}

// html is how html/template writes s in text (esc, and + as well).
func html(s string) string { return strings.ReplaceAll(esc(s), "+", "&#43;") }

// checked reports whether the form holds a ticked checkbox name=value.
func checked(body, name, value string) bool {
	for _, tag := range inputRE.FindAllString(body, -1) {
		if strings.Contains(tag, ` name="`+name+`"`) && strings.Contains(tag, ` value="`+html(value)+`"`) {
			return strings.Contains(tag, " checked")
		}
	}
	return false
}

func (e *env) countLog() int {
	e.t.Helper()
	var n int
	err := e.app.DB.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT count(*) FROM processing_log`).Scan(&n)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestAssessPages: every role reaches both pages from the navigation; the
// explanation is generated from the catalogue.
func TestAssessPages(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		cat := e.app.Content
		for _, role := range policy.Roles {
			c := e.as(role)
			r := c.get("/signalen-wegen").wantStatus(t, http.StatusOK)
			r.wantContains(t, `href="/signalen-wegen" aria-current="page"`, `<form method="post" action="/signalen-wegen"`,
				`hx-post="/signalen-wegen/uitkomst"`, `aria-live="polite"`, `name="csrf"`, tr("nl", "web.assess.placeholder"),
				html(cat.Meta.Disclaimer.NL), tr("nl", "web.assess.ruleset", cat.Meta.Ruleset), `href="/signalen-wegen/uitleg"`)
			r.wantLacks(t, "data-outcome=")
			m := c.get("/signalen-wegen/uitleg").wantStatus(t, http.StatusOK)
			m.wantContains(t, `href="/signalen-wegen" aria-current="page"`, tr("nl", "web.assess.model.title"), html(cat.Meta.Disclaimer.NL))
		}
		c := e.as(policy.Signaleerder)
		r := c.get("/signalen-wegen")
		// Everything the catalogue offers is on the form.
		for _, f := range cat.Forms {
			r.wantContains(t, `name="forms" value="`+f.ID+`"`, html(f.Explanation.NL))
		}
		for _, d := range cat.Departments {
			r.wantContains(t, `<option value="`+d.ID+`">`+html(d.Label.NL)+`</option>`)
		}
		for _, s := range cat.FrontlineSignals {
			if n := strings.Count(r.body, `name="signals" value="`+s.ID+`"`); n != 1 {
				t.Errorf("signal %s on the form %d times, want once", s.ID, n)
			}
		}
		for _, ind := range cat.Indicators {
			r.wantContains(t, `name="indicators" value="`+ind.ID+`"`, html(ind.Help.NL))
		}
		for _, a := range assess.Acts {
			r.wantContains(t, `name="acts" value="`+a+`"`)
		}
		r.wantContains(t, `name="age"`, `name="minor" value="1"`, `name="acuteDanger" value="1"`,
			`name="smugglingFacilitated"`, `name="smugglingPaid"`, `name="smugglingConsented"`)
		// Nothing grouped is open before anything is ticked.
		if strings.Contains(r.body, ` open>`) {
			t.Error("a group is open on the empty form")
		}

		// The explanation: every dimension with all its indicators and their
		// strengths, the overrides, the ladder, the advice, the risk factors.
		m := c.get("/signalen-wegen/uitleg")
		for _, d := range cat.Dimensions {
			m.wantContains(t, `data-dimension="`+d.ID+`"`, html(d.Label.NL), html(d.Help.NL))
		}
		for _, ind := range cat.Indicators {
			m.wantContains(t, `data-indicator="`+ind.ID+`"`, `data-adult="`+string(ind.Adult)+`"`)
		}
		if n := strings.Count(m.body, `data-indicator="`); n != len(cat.Indicators) {
			t.Errorf("%d indicators explained, want %d", n, len(cat.Indicators))
		}
		hazardous, _ := cat.Indicator("exploitation.hazardous_work")
		sexual, _ := cat.Form("sexual")
		if len(hazardous.Overrides) == 0 {
			t.Fatal("exploitation.hazardous_work has no override (INDICATORS.md: sexual, child S)")
		}
		m.wantContains(t, tr("nl", "web.assess.model.override", sexual.Label.NL, tr("nl", "web.assess.population.child"), tr("nl", "web.assess.strength.S")))
		var ladder []string
		for _, mm := range regexp.MustCompile(`<li class="utrecht-ordered-list__item" data-outcome="([^"]+)"`).FindAllStringSubmatch(m.body, -1) {
			ladder = append(ladder, mm[1])
		}
		if want := "trafficking_likely trafficking_possible means_only smuggling serious_disadvantage labour_violation exploitation_indicated no_indication"; strings.Join(ladder, " ") != want {
			t.Errorf("ladder %v, want %s", ladder, want)
		}
		for _, a := range cat.Advice {
			m.wantContains(t, `data-advice="`+a.ID+`"`, html(a.Text.NL))
		}
		for _, rf := range cat.RiskFactors {
			m.wantContains(t, `data-risk-factor="`+rf.ID+`"`, html(rf.Label.NL))
		}
		for _, src := range cat.Meta.Sources {
			m.wantContains(t, html(src.NL))
		}
		m.wantContains(t, tr("nl", "web.assess.model.risk_factors.intro"), tr("nl", "web.assess.model.positive.two_medium_one_weak"))

		// No inline code on either page (the CSP forbids it).
		for _, body := range []string{r.body, m.body} {
			for _, bad := range []string{" style=", "<style", " onclick=", " onchange=", "javascript:"} {
				if strings.Contains(body, bad) {
					t.Errorf("page holds %q", bad)
				}
			}
		}

		// Not signed in: the login page.
		anon := e.client()
		if r := anon.get("/signalen-wegen"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/inloggen") {
			t.Errorf("anonymous GET: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		anon.get("/inloggen")
		if r := anon.post("/signalen-wegen/uitkomst", url.Values{"age": {"3"}}); r.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous fragment: %d", r.StatusCode)
		}
		// A POST without the CSRF token is refused.
		c.post("/signalen-wegen", url.Values{"csrf": {""}, "minor": {"1"}}).wantStatus(t, http.StatusForbidden)
	})
}

// TestAssessOutcomes: ticking on the page gives the outcome of the rule.
// The expectations are worked out from ruleset 2027.1 (INDICATORS-2027.1.md),
// not from the engine.
func TestAssessOutcomes(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Signaleerder)
		logs := e.countLog()
		for _, tc := range []struct {
			name string
			form url.Values
			want weighed
		}{{
			// A minor, two strong exploitation indicators ⇒ exploitation
			// positive ⇒ rank 1 (child and purpose positive), no means needed.
			name: "minor, two strong exploitation indicators",
			form: url.Values{"minor": {"1"}, "indicators": {"exploitation.earnings_taken", "exploitation.excessive_hours"}},
			want: weighed{outcome: "trafficking_likely", population: "child",
				elements: map[string]string{"act": "absent", "means": "not_required", "purpose": "positive"},
				advice:   []string{"contact_care_coordinator", "inform_police", "register_national", "contact_veilig_thuis"}},
		}, {
			// Possibly a minor (doubt about age) counts as a child: sexual
			// services of a minor ⇒ rank 1 without means.
			name: "possibly a minor, sexual services",
			form: url.Values{"age": {"19"}, "possiblyMinor": {"1"}, "indicators": {"exploitation.sexual_services"}},
			want: weighed{outcome: "trafficking_likely", population: "child",
				elements: map[string]string{"act": "absent", "means": "not_required", "purpose": "indicated"},
				advice:   []string{"contact_care_coordinator", "inform_police", "register_national", "contact_veilig_thuis"}},
		}, {
			// One strong means indicator of an adult, nothing else ⇒ rank 3,
			// means without exploitation: consult, Veilig Thuis for adults.
			name: "adult, one strong means indicator",
			form: url.Values{"age": {"33"}, "indicators": {"coercion.documents"}},
			want: weighed{outcome: "means_only", population: "adult",
				elements: map[string]string{"act": "absent", "means": "indicated", "purpose": "absent"},
				advice:   []string{"contact_care_coordinator", "contact_veilig_thuis_adult"}},
		}, {
			// A 16-year-old, one strong exploitation indicator: one strong
			// alone does not make the dimension positive ⇒ purpose indicated ⇒
			// rank 2 (child and purpose indicated), no registration.
			name: "age 16, one strong exploitation indicator",
			form: url.Values{"age": {"16"}, "indicators": {"exploitation.earnings_taken"}},
			want: weighed{outcome: "trafficking_possible", population: "child",
				elements: map[string]string{"act": "absent", "means": "not_required", "purpose": "indicated"},
				advice:   []string{"contact_care_coordinator", "inform_police", "contact_veilig_thuis"}},
		}, {
			// An adult, exploitation positive (S + M), both working conditions
			// (labour context), nothing of the means ⇒ rank 5, serious
			// abuses at work.
			name: "adult, exploitation only",
			form: url.Values{"age": {"41"}, "indicators": {"exploitation.excessive_hours", "exploitation.low_or_no_pay"}, "acts": {"recruit"}},
			want: weighed{outcome: "serious_disadvantage", population: "adult",
				elements: map[string]string{"act": "reported", "means": "absent", "purpose": "positive"},
				advice:   []string{"contact_labour_inspectorate", "refer_fairwork"}},
		}, {
			// An adult with coercion (documents S + violence S: positive) and
			// exploitation positive ⇒ rank 1; acute danger ⇒ 112 first; the
			// criminal form ⇒ non-punishment.
			name: "adult, means and purpose, acute danger",
			form: url.Values{"age": {"25"}, "forms": {"criminal"}, "acuteDanger": {"1"},
				"indicators": {"coercion.documents", "coercion.violence", "exploitation.excessive_hours", "exploitation.earnings_taken"}},
			want: weighed{outcome: "trafficking_likely", population: "adult",
				elements: map[string]string{"act": "absent", "means": "positive", "purpose": "positive"},
				advice:   []string{"call_112", "contact_care_coordinator", "inform_police", "register_national", "non_punishment"}},
		}, {
			// Smuggling: all three marks, nothing else: support, stay alert.
			name: "smuggling",
			form: url.Values{"age": {"30"}, "smugglingFacilitated": {"1"}, "smugglingPaid": {"1"}, "smugglingConsented": {"1"}},
			want: weighed{outcome: "smuggling", population: "adult",
				elements: map[string]string{"act": "absent", "means": "absent", "purpose": "absent"},
				advice:   []string{"smuggling_support", "stay_alert"}},
		}} {
			t.Run(tc.name, func(t *testing.T) {
				for _, path := range []string{"/signalen-wegen", "/signalen-wegen/uitkomst"} {
					r := c.post(path, tc.form).wantStatus(t, http.StatusOK)
					got := readResult(t, r.body)
					if got.outcome != tc.want.outcome || got.population != tc.want.population || !slices.Equal(got.advice, tc.want.advice) {
						t.Errorf("%s: %s %s %v, want %s %s %v", path, got.outcome, got.population, got.advice, tc.want.outcome, tc.want.population, tc.want.advice)
					}
					for el, st := range tc.want.elements {
						if got.elements[el] != st {
							t.Errorf("%s: element %s is %q, want %q", path, el, got.elements[el], st)
						}
					}
					r.wantContains(t, tr("nl", "web.assess.outcome."+tc.want.outcome), tr("nl", "web.assess.outcome."+tc.want.outcome+".meaning"),
						html(e.app.Content.Meta.Disclaimer.NL), `data-ruleset="`+e.app.Content.Meta.Ruleset+`"`)
				}
			})
		}

		// A frontline signal counts as the indicators behind it: ticking it
		// weighs the same as ticking them (the union, each once).
		cat := e.app.Content
		var sig content.FrontlineSignal
		for _, s := range cat.FrontlineSignals {
			if len(s.Indicators) >= 2 {
				sig = s
				break
			}
		}
		if sig.ID == "" {
			t.Fatal("no signal maps to two indicators")
		}
		bySignal := c.post("/signalen-wegen/uitkomst", url.Values{"minor": {"1"}, "signals": {sig.ID}, "indicators": {sig.Indicators[0]}}).body
		byIndicators := c.post("/signalen-wegen/uitkomst", url.Values{"minor": {"1"}, "indicators": sig.Indicators}).body
		if a, b := readResult(t, bySignal), readResult(t, byIndicators); a.outcome != b.outcome || !slices.Equal(a.advice, b.advice) {
			t.Errorf("signal %s: %+v; its indicators %v: %+v", sig.ID, a, sig.Indicators, b)
		}
		if want := tr("nl", "web.assess.dimensions.caption", len(sig.Indicators)); !strings.Contains(bySignal, want) {
			t.Errorf("signal %s: counted indicators not %d (each once)", sig.ID, len(sig.Indicators))
		}
		for _, id := range sig.Indicators {
			ind, _ := cat.Indicator(id)
			if !strings.Contains(bySignal, html(ind.Label.NL)) {
				t.Errorf("signal %s: counted indicator %s not listed", sig.ID, id)
			}
		}

		// A context signal is shown, marked as not counted in its label (so
		// in the checkbox's accessible name), and never counted: ticking it
		// weighs the same as ticking nothing, and the result lists it apart.
		var ctx content.FrontlineSignal
		for _, s := range cat.FrontlineSignals {
			if s.Context {
				ctx = s
				break
			}
		}
		if ctx.ID == "" {
			t.Fatal("no context signal in the catalogue")
		}
		tag := tr("nl", "web.assess.signal.context")
		page := c.get("/signalen-wegen").wantStatus(t, http.StatusOK).body
		if n, want := strings.Count(page, `<span class="baken-context-tag"`), countContext(cat); n != want {
			t.Errorf("%d signals marked %q on the page, want the %d context signals", n, tag, want)
		}
		if !regexp.MustCompile(`value="` + ctx.ID + `"[^>]*>\s*` + regexp.QuoteMeta(html(ctx.Label.NL)) + `\s*<span class="baken-context-tag"[^>]*>\(` + regexp.QuoteMeta(tag) + `\)</span>\s*</label>`).MatchString(page) {
			t.Errorf("context signal %s is not marked %q inside its label", ctx.ID, tag)
		}
		withContext := c.post("/signalen-wegen/uitkomst", url.Values{"minor": {"1"}, "signals": {ctx.ID}}).body
		without := c.post("/signalen-wegen/uitkomst", url.Values{"minor": {"1"}}).body
		if a, b := readResult(t, withContext), readResult(t, without); a.outcome != b.outcome || !slices.Equal(a.advice, b.advice) {
			t.Errorf("context signal %s counted: %+v; nothing ticked: %+v", ctx.ID, a, b)
		}
		if want := tr("nl", "web.assess.dimensions.caption", 0); !strings.Contains(withContext, want) {
			t.Errorf("context signal %s: counted indicators not 0", ctx.ID)
		}
		if !strings.Contains(withContext, `data-context-signal="`+ctx.ID+`">`+html(ctx.Label.NL)+`</li>`) ||
			!strings.Contains(withContext, tr("nl", "web.assess.context")) {
			t.Errorf("context signal %s not listed apart in the result", ctx.ID)
		}
		if strings.Contains(without, tr("nl", "web.assess.context")) {
			t.Error("the result lists context signals though none was ticked")
		}

		// Nothing was stored and nothing logged.
		if n := e.countLog(); n != logs {
			t.Errorf("weighing wrote %d processing-log records", n-logs)
		}
	})
}

// TestAssessFragment: the htmx route answers only the result region.
func TestAssessFragment(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Zorgcoordinator)
		c.header.Set("HX-Request", "true")
		r := c.post("/signalen-wegen/uitkomst", url.Values{"minor": {"1"}, "indicators": {"exploitation.forced_begging"}}).wantStatus(t, http.StatusOK)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		}
		body := strings.TrimSpace(r.body)
		if !strings.HasPrefix(body, `<h2 class="utrecht-heading-2" id="uitkomst-kop">`) {
			t.Errorf("fragment starts with %.80q", body)
		}
		for _, bad := range []string{"<html", "<body", "<main", "<nav", "<form", "<header", "<footer", `id="uitkomst"`, `name="indicators"`} {
			if strings.Contains(body, bad) {
				t.Errorf("fragment holds %q", bad)
			}
		}
		readResult(t, body)
		// Problems: still 200 (htmx swaps only 2xx), shown in the region.
		r = c.post("/signalen-wegen/uitkomst", url.Values{"age": {"-4"}}).wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-problems="1"`, tr("nl", "web.assess.problems"), `href="#field-age"`).wantLacks(t, "data-outcome=")
	})
}

// TestAssessNoScript: the plain submit re-renders the whole page with
// everything kept; invalid input shows every problem together, input kept;
// acute danger puts 112 first.
func TestAssessNoScript(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Signaleerder)
		cat := e.app.Content
		sigs := cat.SignalsFor("", "schuldhulp")
		if len(sigs) == 0 {
			t.Fatal("no signals for schuldhulp")
		}
		form := url.Values{"age": {"17"}, "forms": {"labour", "criminal"}, "department": {"schuldhulp"}, "signals": {sigs[0].ID},
			"indicators": {"exploitation.forced_criminal_activity", "deception.job"}, "acts": {"recruit", "harbour"},
			"smugglingPaid": {"1"}, "acuteDanger": {"1"}}
		r := c.post("/signalen-wegen", form).wantStatus(t, http.StatusOK)
		for name, values := range form {
			for _, v := range values {
				if name == "age" || name == "department" {
					continue
				}
				if !checked(r.body, name, v) {
					t.Errorf("%s=%s not kept ticked", name, v)
				}
			}
		}
		for _, v := range []string{"sexual", "forced_marriage"} {
			if checked(r.body, "forms", v) {
				t.Errorf("forms=%s ticked though not sent", v)
			}
		}
		r.wantContains(t, `value="17"`, `<option value="schuldhulp" selected>`, `href="#uitkomst"`)
		// The chosen department's signals come first, open.
		if i := strings.Index(r.body, `<details class="baken-group" data-group=`); i < 0 || !strings.HasPrefix(r.body[i:], `<details class="baken-group" data-group="schuldhulp" open>`) {
			t.Errorf("first signal group is not schuldhulp, open")
		}
		if !strings.Contains(r.body, `data-dimension="exploitation" open>`) || !strings.Contains(r.body, `data-dimension="deception" open>`) {
			t.Errorf("dimensions with ticked indicators are not open")
		}
		// 112 before anything else of the result, prominent and callable.
		res := r.body[strings.Index(r.body, `id="uitkomst"`):]
		w := readResult(t, res)
		if len(w.advice) == 0 || w.advice[0] != "call_112" {
			t.Errorf("advice %v, want call_112 first", w.advice)
		}
		if i, j := strings.Index(res, `data-advice="call_112"`), strings.Index(res, "data-outcome="); i < 0 || i > j {
			t.Errorf("112 is not shown before the outcome")
		}
		r.wantContains(t, `href="tel:112"`, tr("nl", "web.assess.call112"), `baken-urgent`)

		// Invalid: every problem at once, 422, everything kept.
		bad := url.Values{"age": {"300"}, "forms": {"sexual", "piracy"}, "department": {"kelder"}, "signals": {"bestaat_niet"},
			"indicators": {"coercion.violence", "coercion.magic"}, "acts": {"kidnap"}, "minor": {"1"}}
		r = c.post("/signalen-wegen", bad).wantStatus(t, http.StatusUnprocessableEntity)
		var fields []string
		for _, m := range problemRE.FindAllStringSubmatch(r.body[:strings.Index(r.body, `id="uitkomst"`)], -1) {
			fields = append(fields, m[1])
		}
		slices.Sort(fields)
		if want := []string{"acts", "age", "department", "forms", "indicators", "signals"}; !slices.Equal(fields, want) {
			t.Errorf("problems %v, want %v", fields, want)
		}
		r.wantContains(t, `value="300"`, `aria-invalid="true"`, `id="error-age"`, tr("nl", "assess.age.invalid"),
			tr("nl", "web.assess.given", "300"), tr("nl", "web.assess.given", "coercion.magic"), tr("nl", "web.assess.given", "piracy"),
			tr("nl", "web.form.summary"), `href="#field-age"`).wantLacks(t, "data-outcome=")
		for _, kept := range [][2]string{{"forms", "sexual"}, {"indicators", "coercion.violence"}, {"minor", "1"}} {
			if !checked(r.body, kept[0], kept[1]) {
				t.Errorf("%s=%s not kept after an error", kept[0], kept[1])
			}
		}
		// An age that is no number.
		r = c.post("/signalen-wegen", url.Values{"age": {"zestien"}}).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `value="zestien"`, tr("nl", "web.assess.given", "zestien"))
	})
}

// TestAssessEnglish: the page and its result in the reader's language.
func TestAssessEnglish(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Analist)
		c.post("/taal", url.Values{"lang": {"en"}, "next": {"/signalen-wegen"}}).wantStatus(t, http.StatusSeeOther)
		cat := e.app.Content
		call, _ := cat.AdviceByID("call_112")
		r := c.post("/signalen-wegen", url.Values{"acuteDanger": {"1"}, "minor": {"1"}, "indicators": {"exploitation.organ_removal"}}).wantStatus(t, http.StatusOK)
		r.wantContains(t, `<html lang="en"`, tr("en", "web.assess.outcome.trafficking_likely"), html(call.Text.EN), html(cat.Meta.Disclaimer.EN),
			tr("en", "web.assess.call112"), html(cat.Forms[0].Label.EN))
		c.get("/signalen-wegen/uitleg").wantContains(t, tr("en", "web.assess.model.title"), html(cat.Dimensions[0].Help.EN))
	})
}

// countContext is the number of context signals in the catalogue.
func countContext(cat *content.Catalog) int {
	n := 0
	for _, s := range cat.FrontlineSignals {
		if s.Context {
			n++
		}
	}
	return n
}
