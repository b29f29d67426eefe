package assess

import (
	"strings"
	"testing"
)

// TestReviewFindings: each finding F1–F15 of the domain review
// (CONTENT-REVIEW.md §2) that ruleset 2027.1 answers, as named cases. The
// case ids (A01, B05, …) are the review's. Inputs are the indicators the
// frontline signals of the catalogue's second edition map to (the mapping
// itself is tested in internal/content).
func TestReviewFindings(t *testing.T) {
	sexual, labour := []string{"sexual"}, []string{"labour"}
	runOutcomeCases(t, []outcomeCase{
		// F1: adult sex work on its own is no labour case.
		{name: "F1/A01 adult sex work alone: no indication, sex-work check, no NLA", in: Input{Age: age(24), Forms: sexual, Indicators: []string{"exploitation.sexual_services"}},
			outcome: NoIndication, pop: Adult, purpose: Absent, rules: []string{"outcome.no_indication"}, advice: ids("sex_work_check consult_care_coordinator")},
		{name: "F1/I01 the same, age unknown", in: Input{Forms: sexual, Indicators: []string{"exploitation.sexual_services"}},
			outcome: NoIndication, pop: Adult, rules: []string{"outcome.no_indication"}, advice: ids("sex_work_check consult_care_coordinator establish_age")},
		// F2: earnings handed over, or unsafe acts imposed, in sex work.
		{name: "F2/A03 sex work with earnings handed over: possible, police, non-punishment", in: Input{Age: age(26), Forms: sexual, Indicators: []string{"exploitation.sexual_services", "exploitation.earnings_taken"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "sexual_earnings_taken"}, advice: ids(possibleAdvice + " non_punishment")},
		{name: "F2/A04 earnings handed over and 14-hour days: no labour rung", in: Input{Age: age(26), Forms: sexual, Indicators: []string{"exploitation.earnings_taken", "exploitation.excessive_hours"}},
			outcome: TraffickingPossible, pop: Adult, purpose: Positive, rules: []string{possibleRule + "sexual_earnings_taken"}, advice: ids(possibleAdvice + " non_punishment")},
		{name: "F2/A05 unsafe acts imposed (forced tasks, S in the sexual form)", in: Input{Age: age(31), Forms: sexual, Indicators: []string{"exploitation.sexual_services", "coercion.forced_tasks_or_clients"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"}, advice: ids(possibleAdvice + " non_punishment")},
		// F3: one means tick is no trafficking; domestic coercion goes to Veilig Thuis.
		{name: "F3/B01 always reachable (isolation only): means only, never registration", in: Input{Age: age(30), Indicators: []string{"coercion.isolation"}},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "strong_means_indicator"}, advice: ids("contact_care_coordinator contact_veilig_thuis_adult")},
		{name: "F3/B03 identity document with someone else", in: Input{Age: age(30), Indicators: []string{"coercion.documents"}},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "strong_means_indicator"}, advice: ids("contact_care_coordinator contact_veilig_thuis_adult")},
		{name: "F3/B04 unexplained injuries: report the crime", in: Input{Age: age(30), Indicators: []string{"coercion.violence"}},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "strong_means_indicator"}, advice: ids("contact_care_coordinator contact_veilig_thuis_adult report_crime")},
		{name: "F3/B05 textbook coercive control: Veilig Thuis and a report, no CoMensha", in: Input{Age: age(30), Indicators: []string{"coercion.violence", "coercion.isolation", "coercion.under_strong_influence"}},
			outcome: MeansOnly, pop: Adult, means: Positive, rules: []string{meansOnly + "means_positive", meansOnly + "strong_means_indicator"},
			advice: ids("contact_care_coordinator contact_veilig_thuis_adult report_crime")},
		{name: "F3/H14 work other than promised, form labour", in: Input{Age: age(30), Forms: labour, Indicators: []string{"deception.job"}},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "strong_means_indicator"}, advice: ids("contact_care_coordinator refer_fairwork")},
		// F4: children — coercion without exploitation is the meldcode route.
		{name: "F4/C01 12, someone else speaks for the child: Veilig Thuis, no police", in: Input{Age: age(12), Indicators: []string{"coercion.under_strong_influence"}},
			outcome: MeansOnly, pop: Child, rules: []string{meansOnly + "strong_means_indicator"}, advice: ids("contact_care_coordinator contact_veilig_thuis")},
		{name: "F4/C04 14, sextortion (shame only): Veilig Thuis and a report", in: Input{Age: age(14), Indicators: []string{"coercion.shame"}},
			outcome: NoIndication, pop: Child, rules: []string{"outcome.no_indication"}, advice: ids("contact_veilig_thuis report_crime consult_care_coordinator")},
		{name: "F4/C14 17, pressed to marry: Veilig Thuis and the LKHA", in: Input{Age: age(17), Forms: []string{"forced_marriage"}, Indicators: []string{"coercion.under_strong_influence"}},
			outcome: MeansOnly, pop: Child, rules: []string{meansOnly + "strong_means_indicator", meansOnly + "new_form"},
			advice: ids("contact_care_coordinator contact_veilig_thuis contact_lkha")},
		// F5: children — what is and is not exploitation.
		{name: "F5/C05 14, truancy (a context signal, nothing counted)", in: Input{Age: age(14)},
			outcome: NoIndication, pop: Child, rules: []string{"outcome.no_indication"}, advice: ids("consult_care_coordinator")},
		{name: "F5/C06 15, forced marriage suspected, trip abroad (context): Veilig Thuis and the LKHA before departure", in: Input{Age: age(15), Forms: []string{"forced_marriage"}},
			outcome: NoIndication, pop: Child, rules: []string{"outcome.no_indication"}, advice: ids("contact_veilig_thuis contact_lkha consult_care_coordinator")},
		{name: "F5/C09 16, sex for money or goods: likely", in: Input{Age: age(16), Indicators: []string{"exploitation.sexual_services"}},
			outcome: TraffickingLikely, pop: Child, rules: []string{likelyRule + "child_sexual_services"}, advice: ids(likelyAdvice + " contact_veilig_thuis")},
		{name: "F5/C12 16, extremely long days: the NLA too (child labour)", in: Input{Age: age(16), Indicators: []string{"exploitation.excessive_hours"}},
			outcome: TraffickingPossible, pop: Child, rules: []string{possibleRule + "child_purpose_indicated"}, advice: ids(possibleAdvice + " contact_veilig_thuis contact_labour_inspectorate")},
		{name: "F5/C07 15, gifts and an older friend: Veilig Thuis", in: Input{Age: age(15), Indicators: []string{"recruitment_vulnerability.emotional_dependency"}},
			outcome: NoIndication, pop: Child, rules: []string{"outcome.no_indication"}, advice: ids("contact_veilig_thuis consult_care_coordinator")},
		// F6: criminal exploitation of adults is no labour case.
		{name: "F6/D01 20, errands on order (forced criminal activity): care coordinator, non-punishment, no NLA", in: Input{Age: age(20), Indicators: []string{"exploitation.forced_criminal_activity"}},
			outcome: ExploitationIndicated, pop: Adult, rules: []string{"outcome.exploitation_indicated"}, advice: ids("contact_care_coordinator non_punishment")},
		{name: "F6/D04 19, bank account lent (criminal use): no NLA, no non-punishment claim", in: Input{Age: age(19), Indicators: []string{"exploitation.criminal_use"}},
			outcome: NoIndication, pop: Adult, rules: []string{"outcome.no_indication"}, advice: ids("consult_care_coordinator")},
		{name: "F6/D05 45, front person with a sign of control", in: Input{Age: age(45), Indicators: []string{"exploitation.criminal_use", "coercion.under_strong_influence"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"}, advice: ids(possibleAdvice)},
		// F7: other non-labour situations.
		{name: "F7/D07 50, begging under supervision: possible, police, non-punishment", in: Input{Age: age(50), Indicators: []string{"exploitation.forced_begging", "coercion.under_strong_influence"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"}, advice: ids(possibleAdvice + " non_punishment")},
		{name: "F7/G03 24, marital servitude: Veilig Thuis and the LKHA, no NLA", in: Input{Age: age(24), Forms: []string{"forced_marriage"}, Indicators: []string{"exploitation.excessive_hours", "exploitation.low_or_no_pay"}},
			outcome: ExploitationIndicated, pop: Adult, purpose: Positive, rules: []string{"outcome.exploitation_indicated"},
			advice: ids("contact_care_coordinator contact_veilig_thuis_adult contact_lkha")},
		{name: "F7/G07 26, surrogacy fee goes to another: care coordinator, no NLA", in: Input{Age: age(26), Forms: []string{"surrogacy"}, Indicators: []string{"exploitation.earnings_taken"}},
			outcome: ExploitationIndicated, pop: Adult, rules: []string{"outcome.exploitation_indicated"}, advice: ids("contact_care_coordinator")},
		{name: "F7/H12 52, someone claims the benefit and keeps it", in: Input{Age: age(52), Forms: []string{"other"}, Indicators: []string{"exploitation.earnings_taken"}},
			outcome: ExploitationIndicated, pop: Adult, rules: []string{"outcome.exploitation_indicated"}, advice: ids("contact_care_coordinator")},
		{name: "F7/H10 19, skips school (context)", in: Input{Age: age(19)},
			outcome: NoIndication, pop: Adult, rules: []string{"outcome.no_indication"}, advice: ids("consult_care_coordinator")},
		// F8: serious disadvantage only in a labour context.
		{name: "F8 exploitation outside a labour context is not serious disadvantage", in: Input{Age: age(30), Indicators: []string{"exploitation.earnings_taken", "exploitation.forced_criminal_activity"}},
			outcome: ExploitationIndicated, pop: Adult, purpose: Positive, rules: []string{"outcome.exploitation_indicated"}},
		{name: "F8 serious labour abuses: NLA", in: Input{Age: age(30), Forms: labour, Indicators: purposeStrongMedium},
			outcome: SeriousDisadvantage, pop: Adult, rules: []string{"outcome.serious_disadvantage.labour"}, advice: ids("contact_labour_inspectorate refer_fairwork")},
		// F9: smuggling.
		{name: "F9/E01 smuggled, nothing else: support, no police", in: Input{Age: age(30), Smuggling: smuggled},
			outcome: Smuggled, pop: Adult, rules: []string{"outcome.smuggling"}, advice: ids("smuggling_support stay_alert")},
		{name: "F9/E02 smuggled with a travel debt: still smuggling, consult", in: Input{Age: age(30), Smuggling: smuggled, Indicators: []string{"recruitment_coercion.debt_bondage"}},
			outcome: Smuggled, pop: Adult, rules: []string{"outcome.smuggling.indicators_present"}, advice: ids("smuggling_support stay_alert consult_care_coordinator")},
		{name: "F9/E03 smuggled, afraid of the police", in: Input{Age: age(30), Smuggling: smuggled, Indicators: []string{"coercion.lie_to_authorities"}},
			outcome: Smuggled, pop: Adult, rules: []string{"outcome.smuggling.indicators_present"}, advice: ids("smuggling_support stay_alert consult_care_coordinator")},
		{name: "F9/C13 16, smuggled: Veilig Thuis (Nidos)", in: Input{Age: age(16), Smuggling: smuggled},
			outcome: Smuggled, pop: Child, rules: []string{"outcome.smuggling"}, advice: ids("contact_veilig_thuis smuggling_support stay_alert")},
		// F10: organ trade.
		{name: "F10/F01 asked to sell a kidney: possible", in: Input{Age: age(38), Forms: []string{"organ_removal"}, Indicators: []string{"recruitment_vulnerability.economic"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "organ_removal_form"}, advice: ids(possibleAdvice)},
		{name: "F10/F03 the same and threatened", in: Input{Age: age(38), Forms: []string{"organ_removal"}, Indicators: []string{"recruitment_vulnerability.economic", "coercion.threats"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "organ_removal_form"}, advice: ids(possibleAdvice)},
		// F11: forced marriage, illegal adoption, surrogacy.
		{name: "F11/G01 22, partner seems not to choose freely: Veilig Thuis and the LKHA", in: Input{Age: age(22), Forms: []string{"forced_marriage"}, Indicators: []string{"coercion.under_strong_influence"}},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "new_form"}, advice: ids("contact_care_coordinator contact_veilig_thuis_adult contact_lkha")},
		{name: "F11/G02 22, pressed to marry and threatened: and a report", in: Input{Age: age(22), Forms: []string{"forced_marriage"}, Indicators: []string{"recruitment_coercion.abduction", "coercion.threats"}},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "new_form"}, advice: ids("contact_care_coordinator contact_veilig_thuis_adult contact_lkha report_crime")},
		{name: "F11/G04 27, mother pressed to give up her child: Veilig Thuis", in: Input{Age: age(27), Forms: []string{"illegal_adoption"}, Indicators: []string{"recruitment_coercion.abduction"}},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "new_form"}, advice: ids("contact_care_coordinator contact_veilig_thuis")},
		{name: "F11/G06 surrogate mother seems not free: care coordinator", in: Input{Age: age(26), Forms: []string{"surrogacy"}, Indicators: []string{"coercion.under_strong_influence"}},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "new_form"}, advice: ids("contact_care_coordinator")},
		// F12: the labour spectrum.
		{name: "F12/H04 agency worker, housing through the agency, overcrowded, deductions: NLA, FairWork, no registration", in: Input{Age: age(30), Forms: labour, Indicators: []string{"vulnerability.dependency", "exploitation.bad_living_conditions", "exploitation.wage_manipulation"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"},
			advice: ids("contact_care_coordinator non_punishment contact_labour_inspectorate refer_fairwork")},
		{name: "F12/H06 pay and conditions worse than promised: FairWork", in: Input{Age: age(30), Forms: labour, Indicators: []string{"deception.wages", "deception.conditions"}},
			outcome: NoIndication, pop: Adult, rules: []string{"outcome.no_indication"}, advice: ids("refer_fairwork consult_care_coordinator")},
		{name: "F12/H09 cannot refuse tasks: possible, NLA", in: Input{Age: age(30), Forms: labour, Indicators: []string{"coercion.forced_tasks_or_clients"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"},
			advice: ids("contact_care_coordinator non_punishment contact_labour_inspectorate refer_fairwork")},
		// F13: registration only when trafficking is likely (see also TestPropertyInvariants).
		{name: "F13 possible: no registration", in: Input{Age: age(30), Indicators: []string{"deception.wages", "exploitation.earnings_taken"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"}, advice: ids(possibleAdvice)},
		// F14: non-punishment beyond form criminal.
		{name: "F14 false papers with trafficking possible: non-punishment", in: Input{Age: age(30), Indicators: []string{"deception.documents", "exploitation.low_or_no_pay"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"},
			advice: ids(possibleAdvice + " non_punishment contact_labour_inspectorate refer_fairwork")},
		// F15: doubt about age counts as a child.
		{name: "F15 possibly a minor: the child rule", in: Input{PossiblyMinor: true, Indicators: []string{"exploitation.low_or_no_pay"}},
			outcome: TraffickingPossible, pop: Child, rules: []string{possibleRule + "child_purpose_indicated"},
			advice: ids(possibleAdvice + " contact_veilig_thuis contact_labour_inspectorate establish_age")},
	})

	// F8 and F15: the texts say what the review asks.
	c := catalog(t)
	sd, _ := c.Explanation("outcome.serious_disadvantage.labour")
	if !strings.Contains(sd.NL, "36 547") || !strings.Contains(sd.NL, "kwetsbare positie") || !strings.Contains(sd.EN, "not yet law") {
		t.Errorf("the serious disadvantage text must mark ernstige benadeling as bill 36 547 and name the abuse of a vulnerable position: %q", sd.NL)
	}
	for id, words := range map[string][]string{
		"inform_police":     {"rechtmatig verblijf"},                            // F15: the bedenktijd is for foreign nationals without lawful residence
		"refer_fairwork":    {"buitenland"},                                     // F15: FairWork serves workers from abroad
		"register_national": {"toestemming", "16"},                              // F13: written consent
		"non_punishment":    {"vergunning", "valse papieren", "terugvordering"}, // F14
	} {
		a, _ := c.AdviceByID(id)
		for _, w := range words {
			if !strings.Contains(a.Text.NL, w) {
				t.Errorf("advice %s: the text lacks %q", id, w)
			}
		}
	}
}
