package content

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// TestEmbeddedCatalogue: the shipped data files load and validate.
func TestEmbeddedCatalogue(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatalf("the embedded catalogue does not load:\n%v", err)
	}
	if c.idx == nil {
		t.Fatal("Load returned a catalogue without an index")
	}
	t.Logf("content %s, ruleset %s: %d forms, %d indicators, %d departments, %d frontline signals, %d risk factors, %d advice, %d partner types, %d themes",
		c.Meta.Version, c.Meta.Ruleset, len(c.Forms), len(c.Indicators), len(c.Departments), len(c.FrontlineSignals),
		len(c.RiskFactors), len(c.Advice), len(c.PartnerTypes), len(c.Kader.Themes))
}

// indicatorsMD finds INDICATORS-2027.1.md (the contract of ruleset 2027.1,
// which the catalogue runs) beside the repository (shared/ is laid next to
// the work tree, in CI too), or skips. INDICATORS.md describes ruleset
// 2026.1, kept for the assessments stored under it.
func indicatorsMD(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"../../../shared/domain/INDICATORS-2027.1.md", "/work/shared/domain/INDICATORS-2027.1.md"} {
		if b, err := os.ReadFile(p); err == nil {
			return string(b)
		}
	}
	t.Skip("INDICATORS-2027.1.md not found beside the repository")
	return ""
}

type mdIndicator struct {
	adult, child Strength
	overrides    []string // "form/population/strength", sorted
}

// mdContract is what INDICATORS-2027.1.md fixes for the catalogue.
type mdContract struct {
	inds   map[string]mdIndicator
	dims   map[string]string
	advice []string            // in the fixed order
	sets   map[string][]string // flag → indicator ids, sorted
}

// parseIndicatorsMD reads the indicator table, the dimension table, the
// indicator sets (flags) and the advice ids from INDICATORS-2027.1.md.
func parseIndicatorsMD(t *testing.T, md string) mdContract {
	t.Helper()
	rowRE := regexp.MustCompile(`^\| ([a-z_]+\.[a-z_]+) \| ([SMW])/([SMW]) \|(.*)\|\s*$`)
	overrideRE := regexp.MustCompile(`([a-z_]+): (adult|child) ([SMW])`)
	dimRE := regexp.MustCompile("^\\| `([a-z_]+)` \\| (means|purpose) \\|")
	setRE := regexp.MustCompile("^\\| [A-Z_]+ \\(`([a-zA-Z]+)`\\) \\| ([^|]*) \\|")
	idRE := regexp.MustCompile("`([a-z_]*)(\\.[a-z_]+)`")
	sameRE := regexp.MustCompile("the same [a-z]+ of `([a-z_]+)`")
	codeRE := regexp.MustCompile("`([a-z0-9_]+)`")
	c := mdContract{inds: map[string]mdIndicator{}, dims: map[string]string{}, sets: map[string][]string{}}
	inAdvice := false
	sc := bufio.NewScanner(strings.NewReader(md))
	for sc.Scan() {
		line := sc.Text()
		if m := rowRE.FindStringSubmatch(line); m != nil {
			note := regexp.MustCompile(`\([^)]*\)`).ReplaceAllString(m[4], "") // remarks in brackets
			ind := mdIndicator{adult: Strength(m[2]), child: Strength(m[3])}
			for _, o := range overrideRE.FindAllStringSubmatch(note, -1) {
				ind.overrides = append(ind.overrides, o[1]+"/"+o[2]+"/"+o[3])
			}
			sort.Strings(ind.overrides)
			c.inds[m[1]] = ind
		}
		if m := dimRE.FindStringSubmatch(line); m != nil {
			c.dims[m[1]] = m[2]
		}
		// "| LABOUR (`labour`) | `exploitation.excessive_hours`, `.low_or_no_pay`, … |":
		// a bare `.concept` takes the dimension before it; "the same four of
		// `recruitment_coercion`" repeats the concepts for that dimension.
		if m := setRE.FindStringSubmatch(line); m != nil {
			var ids, concepts []string
			dim := ""
			for _, id := range idRE.FindAllStringSubmatch(m[2], -1) {
				if id[1] != "" {
					dim = id[1]
				}
				ids = append(ids, dim+id[2])
				concepts = append(concepts, id[2])
			}
			if s := sameRE.FindStringSubmatch(m[2]); s != nil {
				for _, concept := range concepts {
					ids = append(ids, s[1]+concept)
				}
			}
			sort.Strings(ids)
			c.sets[m[1]] = ids
		}
		// "**Advice ids**, …, shown in this fixed order: `call_112`, …" up
		// to the blank line.
		switch {
		case strings.HasPrefix(line, "**Advice ids**"):
			inAdvice = true
			_, line, _ = strings.Cut(line, "order:")
		case inAdvice && strings.TrimSpace(line) == "":
			inAdvice = false
		}
		if inAdvice {
			for _, m := range codeRE.FindAllStringSubmatch(line, -1) {
				if !slices.Contains(c.advice, m[1]) {
					c.advice = append(c.advice, m[1])
				}
			}
		}
	}
	if len(c.inds) < 60 || len(c.dims) != 6 || len(c.advice) != 16 || len(c.sets) != 3 {
		t.Fatalf("INDICATORS-2027.1.md parsed badly: %d indicators, %d dimensions, %d advice ids, %d flagged sets", len(c.inds), len(c.dims), len(c.advice), len(c.sets))
	}
	return c
}

// TestCatalogueMatchesIndicatorsMD: the ids, strengths, overrides and set
// flags of the catalogue are exactly those of INDICATORS-2027.1.md (the
// contract), and its advice ids are the rule's.
func TestCatalogueMatchesIndicatorsMD(t *testing.T) {
	md := parseIndicatorsMD(t, indicatorsMD(t))
	c := MustLoad()

	for id, want := range md.inds {
		got, ok := c.Indicator(id)
		if !ok {
			t.Errorf("indicator %s of INDICATORS-2027.1.md is not in the catalogue", id)
			continue
		}
		if got.Adult != want.adult || got.Child != want.child {
			t.Errorf("indicator %s: catalogue %s/%s, INDICATORS-2027.1.md %s/%s", id, got.Adult, got.Child, want.adult, want.child)
		}
		var overrides []string
		for _, o := range got.Overrides {
			overrides = append(overrides, o.Form+"/"+o.Population+"/"+string(o.Strength))
		}
		sort.Strings(overrides)
		if !slices.Equal(overrides, want.overrides) {
			t.Errorf("indicator %s: catalogue overrides %v, INDICATORS-2027.1.md %v", id, overrides, want.overrides)
		}
	}
	for _, ind := range c.Indicators {
		if _, ok := md.inds[ind.ID]; !ok {
			t.Errorf("indicator %s is not in INDICATORS-2027.1.md", ind.ID)
		}
	}
	flags := map[string]func(Indicator) bool{
		"labour":      func(i Indicator) bool { return i.Labour },
		"alsoPurpose": func(i Indicator) bool { return i.AlsoPurpose },
		"crime":       func(i Indicator) bool { return i.Crime },
	}
	for flag, want := range md.sets {
		has, ok := flags[flag]
		if !ok {
			t.Errorf("INDICATORS-2027.1.md names the set flag %q, the catalogue has no such flag", flag)
			continue
		}
		var got []string
		for _, ind := range c.Indicators {
			if has(ind) {
				got = append(got, ind.ID)
			}
		}
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("flag %s: catalogue %v, INDICATORS-2027.1.md %v", flag, got, want)
		}
	}
	for id, el := range md.dims {
		if d, ok := c.Dimension(id); !ok || d.Element != el {
			t.Errorf("dimension %s: catalogue %+v, INDICATORS-2027.1.md element %s", id, d, el)
		}
		if RequiredDimensions[id] != el {
			t.Errorf("RequiredDimensions[%s] = %q, INDICATORS-2027.1.md %q", id, RequiredDimensions[id], el)
		}
	}
	if len(RequiredDimensions) != len(md.dims) {
		t.Errorf("RequiredDimensions has %d entries, INDICATORS-2027.1.md %d", len(RequiredDimensions), len(md.dims))
	}
	if !slices.Equal(md.advice, RequiredAdvice) {
		t.Errorf("advice ids: INDICATORS-2027.1.md %v, RequiredAdvice %v", md.advice, RequiredAdvice)
	}
}

// TestSignalCoverage: every department and every form has at least one
// counted frontline signal (a context signal is never counted, so a
// department with context signals only could not weigh anything), every
// signal lists its forms and departments (the convention of signals.yaml),
// and the numbers are logged.
func TestSignalCoverage(t *testing.T) {
	c := MustLoad()
	perForm, perDept := map[string]int{}, map[string]int{}
	countedForm, countedDept := map[string]int{}, map[string]int{}
	context := 0
	for _, s := range c.FrontlineSignals {
		if len(s.Forms) == 0 || len(s.Departments) == 0 {
			t.Errorf("signal %s does not list its forms and departments", s.ID)
		}
		if s.Context {
			context++
		}
		for _, f := range s.Forms {
			perForm[f]++
			if !s.Context {
				countedForm[f]++
			}
		}
		for _, d := range s.Departments {
			perDept[d]++
			if !s.Context {
				countedDept[d]++
			}
		}
	}
	for _, f := range c.Forms {
		if countedForm[f.ID] == 0 {
			t.Errorf("form %s has no counted frontline signal (%d context signals)", f.ID, perForm[f.ID])
		}
		t.Logf("form %-22s %3d signals, %3d counted", f.ID, perForm[f.ID], countedForm[f.ID])
	}
	for _, d := range c.Departments {
		if countedDept[d.ID] == 0 {
			t.Errorf("department %s has no counted frontline signal (%d context signals)", d.ID, perDept[d.ID])
		}
		t.Logf("department %-22s %3d signals, %3d counted", d.ID, perDept[d.ID], countedDept[d.ID])
	}
	// The first edition aimed at 40 to 60 signals. The second edition
	// (content 2026.12.0) holds about 107: the 60 of the first edition (no id
	// is ever removed, as stored signals refer to them), 11 from splitting
	// double counts and the review's new sexual and criminal signals, and
	// 36 department signals of CONTENT-REVIEW.md §3.2, 14 of them context
	// signals about businesses, premises and registrations (22 context
	// signals in all, 8 of them first-edition ids). The bound keeps
	// a mass deletion or an accidental duplication of the file visible; a
	// worker reads one department's group, not the whole list.
	n := len(c.FrontlineSignals)
	if n < 90 || n > 130 {
		t.Errorf("%d frontline signals; the second edition holds 90 to 130", n)
	}
	t.Logf("%d frontline signals, %d of them context signals", n, context)
}

// firstEdition are the frontline signal ids of the first edition (content
// 2026.11.0). Stored signals refer to them and re-assessment re-derives the
// engine's input from them with the current mapping, so none may ever be
// removed or renamed: a changed observation keeps its id (narrowed, or as a
// context signal) and a new observation gets a new id.
var firstEdition = []string{"ander_voert_het_woord", "altijd_bereikbaar", "gebracht_en_gehaald",
	"afgesloten_of_bewaakt", "identiteitsbewijs_bij_ander", "verhaal_ingestudeerd", "bang_voor_instanties",
	"dreiging_met_melding", "bedreigd_of_angstig", "verwondingen", "zorgen_om_familie", "kan_niet_weigeren",
	"geld_afstaan", "bankpas_bij_ander", "uitkering_via_ander", "schuld_bij_werkgever", "schuld_voor_werving",
	"schulden_op_eigen_naam", "slaapt_op_werkadres", "lange_werkdagen", "weinig_of_geen_loon",
	"inhoudingen_en_boetes", "geen_contract_of_verzekering", "gevaarlijk_werk", "doorwerken_bij_ziekte",
	"werk_anders_dan_beloofd", "voorwaarden_anders_dan_afgesproken", "werk_woning_vervoer_via_een",
	"durft_niet_te_klagen", "inwonend_huishoudelijk_werk", "veel_mensen_op_een_adres", "weet_eigen_adres_niet",
	"steeds_ander_adres", "papieren_niet_eigen", "seks_tegen_betaling_zonder_vergunning",
	"ander_regelt_advertenties", "tatoeage_van_een_ander", "minderjarige_seks_in_ruil",
	"jongere_met_onbekende_volwassenen", "vriend_zet_onder_druk", "online_contact_dringt_aan",
	"afgeperst_met_beelden", "plotseling_dure_spullen", "oudere_vriend_of_nieuwe_vrienden", "verzuim_van_school",
	"vertrek_naar_buitenland", "loopt_vaak_weg", "klusjes_in_opdracht", "schuld_afwerken",
	"bankrekening_uitgeleend", "aangetroffen_in_kwekerij_of_lab", "bedelen_onder_toezicht",
	"huwelijk_lijkt_niet_vrij", "onder_druk_om_te_trouwen", "kind_afstaan_onder_druk",
	"erkenning_of_aangifte_met_vragen", "draagmoeder_niet_vrij", "vergoeding_draagmoeder_naar_ander",
	"orgaan_afgestaan_onder_druk", "gevraagd_orgaan_te_verkopen"}

// TestSignalIDsAreNeverRemoved: every signal id of the first edition is still
// in the catalogue.
func TestSignalIDsAreNeverRemoved(t *testing.T) {
	c := MustLoad()
	if len(firstEdition) != 60 {
		t.Fatalf("the first edition had 60 signals, the list has %d", len(firstEdition))
	}
	for _, id := range firstEdition {
		if _, ok := c.Signal(id); !ok {
			t.Errorf("signal %s of the first edition is gone: stored signals refer to it (keep the id, as a context signal if need be)", id)
		}
	}
}

// oneFact are the pairs of indicators that CONTENT-REVIEW.md §3.1 found one
// frontline tick counting twice for one fact. No signal may map both.
var oneFact = [][2]string{
	{"coercion.under_strong_influence", "coercion.isolation"},                  // altijd_bereikbaar
	{"coercion.threats", "coercion.shame"},                                     // afgeperst_met_beelden (sextortion)
	{"deception.wages", "deception.conditions"},                                // voorwaarden_anders_dan_afgesproken
	{"exploitation.labour_law_violation", "exploitation.no_social_protection"}, // geen_contract_of_verzekering
	{"exploitation.hazardous_work", "exploitation.bad_working_conditions"},     // gevaarlijk_werk
	{"exploitation.excessive_hours", "exploitation.low_or_no_pay"},             // inwonend_huishoudelijk_werk
}

// TestNoSignalCountsOneFactTwice: no frontline signal maps two indicators
// that the review calls one fact.
func TestNoSignalCountsOneFactTwice(t *testing.T) {
	c := MustLoad()
	for _, s := range c.FrontlineSignals {
		for _, p := range oneFact {
			if slices.Contains(s.Indicators, p[0]) && slices.Contains(s.Indicators, p[1]) {
				t.Errorf("signal %s maps both %s and %s: one fact counted twice (CONTENT-REVIEW.md §3.1)", s.ID, p[0], p[1])
			}
		}
	}
}

// TestReviewMappings is the regression table of CONTENT-REVIEW.md §3.1: each
// signal the review found too strong, too weak or wrong now maps as the
// review proposes (nil: a context signal, never counted), and each split
// has its second half under a new id.
func TestReviewMappings(t *testing.T) {
	c := MustLoad()
	tests := []struct {
		signal string
		want   []string // nil: context signal
		why    string
	}{
		// Double counts, now one indicator per fact.
		{"altijd_bereikbaar", []string{"coercion.isolation"}, "one fact (surveillance), was also under_strong_influence"},
		{"afgeperst_met_beelden", []string{"coercion.shame"}, "sextortion threatens exposure; threats counted it twice"},
		{"voorwaarden_anders_dan_afgesproken", []string{"deception.conditions"}, "split: the conditions half"},
		{"loon_anders_dan_afgesproken", []string{"deception.wages"}, "split: the pay half"},
		{"geen_contract_of_verzekering", []string{"exploitation.no_social_protection"}, "undeclared work is one fact"},
		{"werktijden_en_verlof_niet_nageleefd", []string{"exploitation.labour_law_violation"}, "working-time and leave rules, a fact of its own"},
		{"gevaarlijk_werk", []string{"exploitation.hazardous_work"}, "was also bad_working_conditions"},
		{"seks_zonder_condoom_of_ongewild", []string{"coercion.forced_tasks_or_clients"}, "imposed acts in sex work, not a hazard of the job"},
		{"inwonend_huishoudelijk_werk", []string{"exploitation.excessive_hours"}, "split: no free time"},
		{"inwonend_geen_eigen_geld", []string{"exploitation.low_or_no_pay"}, "split: no own money"},
		// Splits of a mixed label.
		{"gebracht_en_gehaald", []string{"coercion.under_strong_influence"}, "being brought and picked up is common; control, not confinement"},
		{"mag_niet_alleen_gaan", []string{"coercion.isolation"}, "split: may not go alone is confinement"},
		{"bedreigd_of_angstig", []string{"coercion.threats"}, "split: speaks of threats"},
		{"zichtbaar_bang_voor_ander", []string{"coercion.under_strong_influence"}, "split: visible fear is no threat"},
		{"veel_mensen_op_een_adres", nil, "split: a BRP pattern is a location signal"},
		{"huisbezoek_overvol_of_onveilig", []string{"exploitation.bad_living_conditions"}, "split: what is seen on a home visit"},
		// Wrong indicator.
		{"steeds_ander_adres", []string{"coercion.under_strong_influence"}, "moved by others is control, not unknown_area"},
		{"doorwerken_bij_ziekte", []string{"exploitation.bad_working_conditions"}, "no access to care is bad_working_conditions' own text"},
		{"bankpas_bij_ander", []string{"coercion.under_strong_influence"}, "someone handling the money is not earnings taken (bewind, budgetbeheer)"},
		{"geld_verdwijnt_of_moet_afgeven", []string{"exploitation.earnings_taken"}, "earnings taken only where money disappears or is handed over"},
		{"bankrekening_uitgeleend", []string{"exploitation.criminal_use"}, "a money mule shows no force"},
		{"schulden_op_eigen_naam", []string{"exploitation.criminal_use"}, "a katvanger shows no force"},
		{"bedelen_onder_toezicht", []string{"exploitation.forced_begging", "coercion.under_strong_influence"}, "under supervision is a means"},
		{"woont_in_kwekerij_of_lab", []string{"exploitation.bad_living_conditions", "coercion.isolation"}, "living in the farm and unable to leave"},
		{"aangetroffen_in_kwekerij_of_lab", []string{"exploitation.forced_criminal_activity"}, "sound; living there is a signal of its own"},
		{"werkt_in_schooltijd", []string{"exploitation.no_education"}, "no education because of the work"},
		{"cadeaus_als_schuld_teruggeeist", []string{"recruitment_coercion.debt_bondage"}, "gifts claimed back as a debt"},
		// Context signals: shown and stored, never counted.
		{"tatoeage_van_een_ander", nil, "a tattoo alone says little"},
		{"verzuim_van_school", nil, "truancy is the risk factor schoolverzuim"},
		{"vertrek_naar_buitenland", nil, "a planned trip is no exploitation; Veilig Thuis/LKHA through the form"},
		{"loopt_vaak_weg", nil, "running away is the risk factor wegloopgedrag"},
		{"plotseling_dure_spullen", nil, "gifts show no dependency"},
		{"jongere_met_onbekende_volwassenen", nil, "does not show paid sexual acts"},
		{"erkenning_of_aangifte_met_vragen", nil, "usually a residence question"},
		// Kept: the means mapping stays, the rule gives the route.
		{"ander_voert_het_woord", []string{"coercion.under_strong_influence"}, "kept; help excludes parents and guardians of a minor"},
		{"verwondingen", []string{"coercion.violence"}, "kept; help: Veilig Thuis first when domestic"},
		{"huwelijk_lijkt_niet_vrij", []string{"recruitment_coercion.abduction"}, "kept; the form rule routes it"},
		{"onder_druk_om_te_trouwen", []string{"recruitment_coercion.abduction"}, "kept"},
		{"kind_afstaan_onder_druk", []string{"recruitment_coercion.abduction"}, "kept"},
		{"draagmoeder_niet_vrij", []string{"coercion.under_strong_influence"}, "kept"},
		{"gevraagd_orgaan_te_verkopen", []string{"recruitment_vulnerability.economic"}, "kept; the form rule lifts it"},
	}
	for _, tt := range tests {
		s, ok := c.Signal(tt.signal)
		if !ok {
			t.Errorf("signal %s is missing", tt.signal)
			continue
		}
		if tt.want == nil {
			if !s.Context || len(s.Indicators) > 0 {
				t.Errorf("signal %s: context %v, indicators %v; want a context signal (%s)", tt.signal, s.Context, s.Indicators, tt.why)
			}
			continue
		}
		if s.Context || !slices.Equal(s.Indicators, tt.want) {
			t.Errorf("signal %s: context %v, indicators %v; want %v (%s)", tt.signal, s.Context, s.Indicators, tt.want, tt.why)
		}
	}
}

// TestContextSignals: a context signal says in its help, in both languages,
// that it is not counted; the two that became risk factors point to them.
func TestContextSignals(t *testing.T) {
	c := MustLoad()
	n := 0
	for _, s := range c.FrontlineSignals {
		if !s.Context {
			continue
		}
		n++
		if !strings.Contains(s.Help.NL, "niet mee") || !strings.Contains(s.Help.EN, "not counted") {
			t.Errorf("context signal %s: the help should say it is not counted (\"telt niet mee\", \"not counted\")", s.ID)
		}
	}
	if n == 0 {
		t.Error("no context signals")
	}
	for sig, risk := range map[string]string{"verzuim_van_school": "schoolverzuim", "loopt_vaak_weg": "wegloopgedrag"} {
		r, ok := c.RiskFactor(risk)
		if !ok {
			t.Errorf("risk factor %s is missing", risk)
			continue
		}
		s, _ := c.Signal(sig)
		if !strings.Contains(s.Help.NL, strings.ToLower(r.Label.NL)) || !strings.Contains(s.Help.EN, strings.ToLower(r.Label.EN)) {
			t.Errorf("context signal %s: the help should point to the risk factor %q / %q", sig, r.Label.NL, r.Label.EN)
		}
	}
}

// TestRiskFactorsAreNeverIndicators: no id is both, and every risk factor
// says it is not a verdict.
func TestRiskFactorsAreNeverIndicators(t *testing.T) {
	c := MustLoad()
	for _, r := range c.RiskFactors {
		if _, ok := c.Indicator(r.ID); ok {
			t.Errorf("risk factor %s is also an indicator", r.ID)
		}
		if len(c.SignalsForIndicator(r.ID)) > 0 {
			t.Errorf("risk factor %s has frontline signals", r.ID)
		}
		if !strings.Contains(r.Help.NL, "nooit") || !strings.Contains(r.Help.EN, "never") {
			t.Errorf("risk factor %s: the help text should say it is never a verdict or evidence", r.ID)
		}
	}
}

func TestLookups(t *testing.T) {
	c := MustLoad()
	if i, ok := c.Indicator("coercion.documents"); !ok || i.Adult != Strong || i.Dimension() != "coercion" {
		t.Errorf("Indicator(coercion.documents) = %+v, %v", i, ok)
	}
	if _, ok := c.Indicator("coercion.nope"); ok {
		t.Error("unknown indicator found")
	}
	if a, ok := c.AdviceByID("call_112"); !ok || !a.Urgent {
		t.Errorf("AdviceByID(call_112) = %+v, %v", a, ok)
	}
	for _, a := range c.Advice {
		if a.Urgent != (a.ID == "call_112") {
			t.Errorf("advice %s: urgent = %v; only call_112 is urgent", a.ID, a.Urgent)
		}
	}
	if p, ok := c.PartnerType("veilig_thuis"); !ok || !strings.Contains(p.Contact.NL, "0800-2000") {
		t.Errorf("PartnerType(veilig_thuis) = %+v, %v", p, ok)
	}
	if _, ok := c.Form("forced_marriage"); !ok {
		t.Error("Form(forced_marriage) not found")
	}
	if d, ok := c.Department("burgerzaken"); !ok || !strings.Contains(d.Label.NL, "BRP") {
		t.Errorf("Department(burgerzaken) = %+v, %v", d, ok)
	}
	if _, ok := c.Dimension("exploitation"); !ok {
		t.Error("Dimension(exploitation) not found")
	}
	if s, ok := c.Signal("slaapt_op_werkadres"); !ok || !slices.Contains(s.Indicators, "exploitation.bad_living_conditions") {
		t.Errorf("Signal(slaapt_op_werkadres) = %+v, %v", s, ok)
	}
	if _, ok := c.RiskFactor("lvb"); !ok {
		t.Error("RiskFactor(lvb) not found")
	}
	if th, ok := c.Theme("beleid"); !ok || th.Number != 1 {
		t.Errorf("Theme(beleid) = %+v, %v", th, ok)
	}
	if b, ok := c.BuildingBlock("beleid.p1.vastgesteld_beleid"); !ok || b.Level != Plateau1 {
		t.Errorf("BuildingBlock(beleid.p1.vastgesteld_beleid) = %+v, %v", b, ok)
	}
	for id := range c.Explanations {
		if _, ok := c.Explanation(id); !ok {
			t.Errorf("Explanation(%s) not found", id)
		}
	}

	// IndicatorsByDimension: every indicator once, in file order.
	by := c.IndicatorsByDimension()
	var flat []string
	for _, d := range c.Dimensions {
		for _, i := range by[d.ID] {
			flat = append(flat, i.ID)
		}
		if got := c.IndicatorsOf(d.ID); len(got) != len(by[d.ID]) {
			t.Errorf("IndicatorsOf(%s) has %d, IndicatorsByDimension %d", d.ID, len(got), len(by[d.ID]))
		}
	}
	var file []string
	for _, d := range c.Dimensions {
		for _, i := range c.Indicators {
			if i.Dimension() == d.ID {
				file = append(file, i.ID)
			}
		}
	}
	if !slices.Equal(flat, file) || len(flat) != len(c.Indicators) {
		t.Errorf("IndicatorsByDimension lost or reordered indicators")
	}
	// The caller may change what it gets without changing the catalogue.
	by["coercion"][0].ID = "changed"
	delete(by, "deception")
	if again := c.IndicatorsByDimension(); again["coercion"][0].ID == "changed" || again["deception"] == nil {
		t.Error("IndicatorsByDimension hands out shared state")
	}
}

func TestSignalsFor(t *testing.T) {
	c := MustLoad()
	all := c.SignalsFor("", "")
	if len(all) != len(c.FrontlineSignals) {
		t.Errorf("SignalsFor(any, any) = %d, want all %d", len(all), len(c.FrontlineSignals))
	}
	for _, f := range append([]string{""}, RequiredForms...) {
		for _, d := range append([]string{""}, idsOf(c.Departments, func(d Department) string { return d.ID })...) {
			got := c.SignalsFor(f, d)
			var want []string
			for _, s := range c.FrontlineSignals {
				if (f == "" || len(s.Forms) == 0 || slices.Contains(s.Forms, f)) && (d == "" || len(s.Departments) == 0 || slices.Contains(s.Departments, d)) {
					want = append(want, s.ID)
				}
			}
			if ids := idsOf(got, func(s FrontlineSignal) string { return s.ID }); !slices.Equal(ids, want) {
				t.Errorf("SignalsFor(%q, %q) = %v, want %v", f, d, ids, want)
			}
		}
	}
	hand := c.SignalsFor("labour", "handhaving")
	if !slices.ContainsFunc(hand, func(s FrontlineSignal) bool { return s.ID == "slaapt_op_werkadres" }) {
		t.Error("SignalsFor(labour, handhaving) lacks slaapt_op_werkadres")
	}
	if got := c.SignalsFor("trafficking", ""); got != nil {
		t.Errorf("unknown form gave %d signals", len(got))
	}
	hand[0].ID = "changed"
	if c.SignalsFor("labour", "handhaving")[0].ID == "changed" {
		t.Error("SignalsFor hands out shared state")
	}
	if got := c.SignalsForIndicator("coercion.documents"); len(got) == 0 {
		t.Error("no signal maps to coercion.documents")
	}
}

// TestEmptyListsMeanAny: a signal without forms or departments counts for
// all of them (content.go), and a catalogue never validated still answers.
func TestEmptyListsMeanAny(t *testing.T) {
	c := fixture()
	c.FrontlineSignals = append(c.FrontlineSignals, FrontlineSignal{ID: "overal", Label: t2("x"), Help: t2("x"), Indicators: []string{"coercion.x"}})
	for _, validated := range []bool{false, true} {
		if validated {
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
		}
		got := idsOf(c.SignalsFor("criminal", "jeugd"), func(s FrontlineSignal) string { return s.ID })
		if !slices.Equal(got, []string{"overal"}) {
			t.Errorf("validated=%v: SignalsFor(criminal, jeugd) = %v", validated, got)
		}
		if _, ok := c.Indicator("coercion.x"); !ok {
			t.Errorf("validated=%v: Indicator(coercion.x) not found", validated)
		}
	}
}

func TestStrengthFor(t *testing.T) {
	c := MustLoad()
	hz, _ := c.Indicator("exploitation.hazardous_work")
	ft, _ := c.Indicator("coercion.forced_tasks_or_clients")
	tests := []struct {
		ind   Indicator
		pop   string
		forms []string
		want  Strength
	}{
		{hz, Child, nil, Medium},
		{hz, Child, []string{"sexual"}, Strong},
		{hz, Child, []string{"labour"}, Medium},
		{hz, Child, []string{"labour", "sexual"}, Strong},
		{hz, Adult, []string{"sexual"}, Medium},
		{ft, Adult, nil, Medium},
		{ft, Adult, []string{"sexual"}, Strong},
		{ft, Child, []string{"labour"}, Strong},
	}
	for _, tt := range tests {
		if got := tt.ind.StrengthFor(tt.pop, tt.forms); got != tt.want {
			t.Errorf("%s.StrengthFor(%s, %v) = %s, want %s", tt.ind.ID, tt.pop, tt.forms, got, tt.want)
		}
	}
	// A lowering override applies when its form is the only one.
	low := Indicator{ID: "x.y", Adult: Strong, Child: Strong, Overrides: []Override{{Form: "labour", Population: Adult, Strength: Weak}}}
	if got := low.StrengthFor(Adult, []string{"labour"}); got != Weak {
		t.Errorf("lowering override: %s", got)
	}
	if got := low.StrengthFor(Adult, []string{"labour", "sexual"}); got != Strong {
		t.Errorf("lowering override beside another form: %s", got)
	}
}

// TestConcurrentReads: lookups from many goroutines (meaningful with -race).
func TestConcurrentReads(t *testing.T) {
	c := MustLoad()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				c.Indicator("coercion.documents")
				c.SignalsFor("labour", "handhaving")
				c.IndicatorsByDimension()
				c.AdviceByID("call_112")
			}
		})
	}
	wg.Wait()
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIndicatorLookup(b *testing.B) {
	c := MustLoad()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.Indicator("vulnerability.personal_characteristics"); !ok {
			b.Fatal("not found")
		}
	}
}
