package assess

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/content"
)

// TestPositiveRule covers each combination of the dimension rule (unchanged
// in ruleset 2027.1) and the counts
// just short of one.
func TestPositiveRule(t *testing.T) {
	for _, tc := range []struct {
		s, m, w int
		want    ruleID
	}{
		// the four combinations, exactly
		{2, 0, 0, rDimTwoStrong},
		{1, 1, 0, rDimStrongAndOther},
		{1, 0, 1, rDimStrongAndOther},
		{0, 3, 0, rDimThreeMedium},
		{0, 2, 1, rDimTwoMediumOneWeak},
		// "include at least one of": more than enough is positive too
		{3, 2, 2, rDimTwoStrong},
		{1, 4, 4, rDimStrongAndOther},
		{0, 5, 0, rDimThreeMedium},
		{0, 2, 4, rDimTwoMediumOneWeak},
		// not positive
		{0, 0, 0, rDimNotPositive},
		{1, 0, 0, rDimNotPositive},
		{0, 1, 0, rDimNotPositive},
		{0, 2, 0, rDimNotPositive},
		{0, 1, 1, rDimNotPositive},
		{0, 1, 5, rDimNotPositive},
		{0, 0, 1, rDimNotPositive},
		{0, 0, 10, rDimNotPositive}, // weak alone never makes a dimension positive
	} {
		if got := positiveRule(tc.s, tc.m, tc.w); got != tc.want {
			t.Errorf("positiveRule(S%d M%d W%d) = %s, want %s", tc.s, tc.m, tc.w, ruleTable[got].id, ruleTable[tc.want].id)
		}
	}
}

// pick returns n indicators of dimension dim whose base strength for pop is s
// and that have no override, or nil when the catalogue has fewer.
func pick(c *content.Catalog, dim, pop string, s content.Strength, n int) []string {
	var out []string
	for _, ind := range c.Indicators {
		base := ind.Adult
		if pop == content.Child {
			base = ind.Child
		}
		if ind.Dimension() == dim && base == s && len(ind.Overrides) == 0 && ind.ID != indicatorOrganRemoval {
			out = append(out, ind.ID)
		}
	}
	if len(out) < n {
		return nil
	}
	return out[:n]
}

// TestDimensionCombinations runs every combination and every near miss
// through the engine with real indicators, for each dimension and population
// (a combination a dimension has too few indicators of a strength for is
// logged and skipped).
func TestDimensionCombinations(t *testing.T) {
	e, c := engine(t), catalog(t)
	combos := []struct {
		s, m, w int
		rule    string
	}{
		{2, 0, 0, "dimension.positive.two_strong"},
		{1, 1, 0, "dimension.positive.strong_and_other"},
		{1, 0, 1, "dimension.positive.strong_and_other"},
		{0, 3, 0, "dimension.positive.three_medium"},
		{0, 2, 1, "dimension.positive.two_medium_one_weak"},
		{1, 0, 0, "dimension.not_positive"},
		{0, 2, 0, "dimension.not_positive"},
		{0, 1, 1, "dimension.not_positive"},
		{0, 1, 0, "dimension.not_positive"},
		{0, 0, 1, "dimension.not_positive"},
	}
	ran := 0
	for _, pop := range []string{content.Adult, content.Child} {
		for _, d := range c.Dimensions {
			for _, cb := range combos {
				name := fmt.Sprintf("%s/%s/S%dM%dW%d", pop, d.ID, cb.s, cb.m, cb.w)
				ss, ms, ws := pick(c, d.ID, pop, content.Strong, cb.s), pick(c, d.ID, pop, content.Medium, cb.m), pick(c, d.ID, pop, content.Weak, cb.w)
				if ss == nil && cb.s > 0 || ms == nil && cb.m > 0 || ws == nil && cb.w > 0 {
					t.Logf("%s: the catalogue has too few indicators for this combination", name)
					continue
				}
				in := Input{Indicators: slices.Concat(ss, ms, ws), Age: age(30)}
				if pop == content.Child {
					in.Age = age(12)
				}
				r := mustAssess(t, e, in)
				got := dim(r, d.ID)
				want := DimensionResult{ID: d.ID, Element: d.Element, Strong: cb.s, Medium: cb.m, Weak: cb.w, Positive: cb.rule != "dimension.not_positive"}
				if got != want {
					t.Errorf("%s: dimension %+v, want %+v", name, got, want)
				}
				if rules := ruleIDs(r, "dimension."); !reflect.DeepEqual(rules, []string{cb.rule}) {
					t.Errorf("%s: dimension reasons %v, want [%s]", name, rules, cb.rule)
				}
				for _, other := range r.Dimensions {
					if other.ID != d.ID && other.Strong+other.Medium+other.Weak != 0 {
						t.Errorf("%s: dimension %s counted too", name, other.ID)
					}
				}
				ran++
			}
		}
	}
	if ran < 60 {
		t.Errorf("only %d combinations could be built from the catalogue", ran)
	}
}

// outcomeCase checks the outcome, population, elements, the outcome reasons
// (every clause that holds, no other) and the advice ids in order.
type outcomeCase struct {
	name    string
	in      Input
	outcome Outcome
	pop     Population
	means   ElementState
	purpose ElementState
	rules   []string // reasons with prefix "outcome."
	advice  []string
}

func runOutcomeCases(t *testing.T, cases []outcomeCase) {
	t.Helper()
	e := engine(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := mustAssess(t, e, tc.in)
			if r.Outcome != tc.outcome {
				t.Errorf("outcome %s, want %s; explanation:\n%s", r.Outcome, tc.outcome, explain(r))
			}
			if r.Population != tc.pop {
				t.Errorf("population %s, want %s", r.Population, tc.pop)
			}
			if tc.means != "" && r.Elements.Means != tc.means {
				t.Errorf("means %s, want %s", r.Elements.Means, tc.means)
			}
			if tc.purpose != "" && r.Elements.Purpose != tc.purpose {
				t.Errorf("purpose %s, want %s", r.Elements.Purpose, tc.purpose)
			}
			if got := ruleIDs(r, "outcome."); !reflect.DeepEqual(got, tc.rules) {
				t.Errorf("outcome reasons %v, want %v", got, tc.rules)
			}
			if tc.advice != nil {
				if got := adviceIDs(r); !reflect.DeepEqual(got, tc.advice) {
					t.Errorf("advice %v, want %v", got, tc.advice)
				}
			}
		})
	}
}

func explain(r Result) string {
	var b strings.Builder
	for _, x := range r.Explanation {
		fmt.Fprintf(&b, "  %s: %s\n", x.Rule, x.Text)
	}
	return b.String()
}

var (
	// two strong coercion indicators: means positive, and strong means present
	meansTwoStrong = []string{"coercion.documents", "coercion.violence"}
	// three medium deception indicators: means positive without a strong one
	meansThreeMedium = []string{"deception.wages", "deception.conditions", "deception.contract"}
	// two strong exploitation indicators: purpose positive
	purposeTwoStrong = []string{"exploitation.excessive_hours", "exploitation.earnings_taken"}
	// strong + medium exploitation: purpose positive
	purposeStrongMedium = []string{"exploitation.excessive_hours", "exploitation.low_or_no_pay"}
)

const (
	likelyRule   = "outcome.trafficking_likely."
	possibleRule = "outcome.trafficking_possible."
	meansOnly    = "outcome.means_only."
	// What outcome 1 advises without further conditions; outcome 2 without
	// register_national.
	likelyAdvice   = "contact_care_coordinator inform_police register_national"
	possibleAdvice = "contact_care_coordinator inform_police"
)

var smuggled = &Smuggling{true, true, true}

func ids(s string) []string { return strings.Fields(s) }

// TestOutcomeClauses exercises each clause of each outcome of ruleset 2027.1
// on its own, for both populations, the clauses 2027.1 removed (negative
// cases), and the order of the ladder (first match wins).
func TestOutcomeClauses(t *testing.T) {
	runOutcomeCases(t, []outcomeCase{
		// 1. trafficking_likely
		{name: "1/means and purpose positive (adult)", in: Input{Age: age(30), Indicators: slices.Concat(meansThreeMedium, purposeTwoStrong)},
			outcome: TraffickingLikely, pop: Adult, means: Positive, purpose: Positive,
			rules: []string{likelyRule + "means_and_purpose"}, advice: ids(likelyAdvice)},
		{name: "1/means and purpose positive (child) holds both clauses", in: Input{Age: age(15), Indicators: slices.Concat(meansThreeMedium, purposeTwoStrong)},
			outcome: TraffickingLikely, pop: Child, means: NotRequired, purpose: Positive,
			rules: []string{likelyRule + "means_and_purpose", likelyRule + "child_purpose"}, advice: ids(likelyAdvice + " contact_veilig_thuis")},
		{name: "1/child and purpose positive, no means", in: Input{Age: age(15), Indicators: purposeTwoStrong},
			outcome: TraffickingLikely, pop: Child, means: NotRequired, purpose: Positive,
			rules: []string{likelyRule + "child_purpose"}, advice: ids(likelyAdvice + " contact_veilig_thuis")},
		{name: "1/minor flag and purpose positive in a labour context", in: Input{Minor: true, Indicators: purposeStrongMedium},
			outcome: TraffickingLikely, pop: Child, means: NotRequired, purpose: Positive,
			rules: []string{likelyRule + "child_purpose"}, advice: ids(likelyAdvice + " contact_veilig_thuis contact_labour_inspectorate")},
		{name: "1/organ removal alone (adult)", in: Input{Age: age(40), Indicators: []string{"exploitation.organ_removal"}},
			outcome: TraffickingLikely, pop: Adult, means: Absent, purpose: Indicated,
			rules: []string{likelyRule + "organ_removal"}, advice: ids(likelyAdvice)},
		{name: "1/organ removal alone (child)", in: Input{Age: age(9), Indicators: []string{"exploitation.organ_removal"}},
			outcome: TraffickingLikely, pop: Child, means: NotRequired, purpose: Indicated,
			rules: []string{likelyRule + "organ_removal"}, advice: ids(likelyAdvice + " contact_veilig_thuis")},
		{name: "1/child and sexual services, nothing else (new)", in: Input{Age: age(16), Indicators: []string{"exploitation.sexual_services"}},
			outcome: TraffickingLikely, pop: Child, means: NotRequired, purpose: Indicated,
			rules: []string{likelyRule + "child_sexual_services"}, advice: ids(likelyAdvice + " contact_veilig_thuis")},
		{name: "1/possibly a minor and sexual services", in: Input{PossiblyMinor: true, Forms: []string{"sexual"}, Indicators: []string{"exploitation.sexual_services"}},
			outcome: TraffickingLikely, pop: Child,
			rules: []string{likelyRule + "child_sexual_services"}, advice: ids(likelyAdvice + " contact_veilig_thuis non_punishment establish_age")},
		{name: "1/all four clauses", in: Input{Age: age(9), Indicators: slices.Concat(meansTwoStrong, purposeTwoStrong, []string{"exploitation.organ_removal", "exploitation.sexual_services"})},
			outcome: TraffickingLikely, pop: Child,
			rules: []string{likelyRule + "means_and_purpose", likelyRule + "child_purpose", likelyRule + "organ_removal", likelyRule + "child_sexual_services"}},

		// 2. trafficking_possible
		{name: "2/means and purpose indicated (adult), labour indicators", in: Input{Age: age(30), Indicators: []string{"deception.wages", "exploitation.low_or_no_pay"}},
			outcome: TraffickingPossible, pop: Adult, means: Indicated, purpose: Indicated,
			rules: []string{possibleRule + "means_and_purpose_indicated"}, advice: ids(possibleAdvice + " contact_labour_inspectorate refer_fairwork")},
		{name: "2/means positive and purpose indicated: one clause", in: Input{Age: age(30), Indicators: slices.Concat(meansThreeMedium, []string{"exploitation.earnings_taken"})},
			outcome: TraffickingPossible, pop: Adult, means: Positive, purpose: Indicated,
			rules: []string{possibleRule + "means_and_purpose_indicated"}, advice: ids(possibleAdvice)},
		{name: "2/means indicated and purpose positive (adult) is not serious disadvantage", in: Input{Age: age(30), Indicators: slices.Concat([]string{"vulnerability.past_difficulties"}, purposeTwoStrong)},
			outcome: TraffickingPossible, pop: Adult, means: Indicated, purpose: Positive,
			rules: []string{possibleRule + "means_and_purpose_indicated"}, advice: ids(possibleAdvice)},
		{name: "2/child and purpose indicated", in: Input{Age: age(16), Indicators: []string{"exploitation.earnings_taken"}},
			outcome: TraffickingPossible, pop: Child, means: NotRequired, purpose: Indicated,
			rules: []string{possibleRule + "child_purpose_indicated"}, advice: ids(possibleAdvice + " contact_veilig_thuis")},
		{name: "2/an ALSO_PURPOSE indicator alone indicates means and purpose", in: Input{Age: age(30), Forms: []string{"sexual"}, Indicators: []string{"coercion.debt_bondage"}},
			outcome: TraffickingPossible, pop: Adult, means: Indicated, purpose: Indicated,
			rules: []string{possibleRule + "means_and_purpose_indicated"}, advice: ids(possibleAdvice + " non_punishment")},
		{name: "2/a WEAK_ADULT indicator with a means indicator", in: Input{Age: age(19), Indicators: []string{"exploitation.criminal_use", "vulnerability.dependency"}},
			outcome: TraffickingPossible, pop: Adult, means: Indicated, purpose: Indicated,
			rules: []string{possibleRule + "means_and_purpose_indicated"}, advice: ids(possibleAdvice)},
		{name: "2/form sexual and earnings taken, no means (new)", in: Input{Age: age(26), Forms: []string{"sexual"}, Indicators: []string{"exploitation.earnings_taken"}},
			outcome: TraffickingPossible, pop: Adult, means: Absent, purpose: Indicated,
			rules: []string{possibleRule + "sexual_earnings_taken"}, advice: ids(possibleAdvice + " non_punishment")},
		{name: "2/earnings taken without form sexual is no clause of 2", in: Input{Age: age(26), Indicators: []string{"exploitation.earnings_taken"}},
			outcome: ExploitationIndicated, pop: Adult, rules: []string{"outcome.exploitation_indicated"}, advice: ids("contact_care_coordinator")},
		{name: "2/form organ removal and any indicator (new)", in: Input{Age: age(38), Forms: []string{"organ_removal"}, Indicators: []string{"recruitment_vulnerability.economic"}},
			outcome: TraffickingPossible, pop: Adult, means: Indicated, purpose: Absent,
			rules: []string{possibleRule + "organ_removal_form"}, advice: ids(possibleAdvice)},
		{name: "2/form organ removal without an indicator is no clause of 2", in: Input{Age: age(38), Forms: []string{"organ_removal"}},
			outcome: NoIndication, pop: Adult, rules: []string{"outcome.no_indication"}, advice: ids("consult_care_coordinator")},
		{name: "2/removed: means positive alone is means_only now", in: Input{Age: age(30), Indicators: meansThreeMedium},
			outcome: MeansOnly, pop: Adult, means: Positive, purpose: Absent,
			rules: []string{meansOnly + "means_positive"}},
		{name: "2/removed: a strong means indicator alone is means_only now", in: Input{Age: age(30), Indicators: []string{"coercion.documents"}},
			outcome: MeansOnly, pop: Adult, means: Indicated, purpose: Absent,
			rules: []string{meansOnly + "strong_means_indicator"}},

		// 3. means_only
		{name: "3/means positive, no purpose (adult)", in: Input{Age: age(30), Indicators: meansThreeMedium},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "means_positive"},
			advice: ids("contact_care_coordinator contact_veilig_thuis_adult")},
		{name: "3/two strong means, one a crime", in: Input{Age: age(30), Indicators: meansTwoStrong},
			outcome: MeansOnly, pop: Adult, means: Positive,
			rules:  []string{meansOnly + "means_positive", meansOnly + "strong_means_indicator"},
			advice: ids("contact_care_coordinator contact_veilig_thuis_adult report_crime")},
		{name: "3/a strong means indicator for a child only (child)", in: Input{Age: age(14), Indicators: []string{"recruitment_coercion.threats"}},
			outcome: MeansOnly, pop: Child, means: NotRequired, purpose: Absent,
			rules: []string{meansOnly + "strong_means_indicator"}, advice: ids("contact_care_coordinator contact_veilig_thuis report_crime")},
		{name: "3/a NEW_FORMS form and a medium means indicator", in: Input{Age: age(22), Forms: []string{"forced_marriage"}, Indicators: []string{"recruitment_coercion.abduction"}},
			outcome: MeansOnly, pop: Adult, means: Indicated,
			rules: []string{meansOnly + "new_form"}, advice: ids("contact_care_coordinator contact_veilig_thuis_adult contact_lkha")},
		{name: "3/surrogacy and a medium means indicator", in: Input{Age: age(26), Forms: []string{"surrogacy"}, Indicators: []string{"coercion.under_strong_influence"}},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "new_form"}, advice: ids("contact_care_coordinator")},
		{name: "3/medium means only, no new form: not means_only", in: Input{Age: age(30), Indicators: []string{"deception.wages", "deception.housing"}},
			outcome: NoIndication, pop: Adult, means: Indicated, rules: []string{"outcome.no_indication"}, advice: ids("consult_care_coordinator")},
		{name: "3/means_only beats smuggling", in: Input{Age: age(30), Indicators: []string{"coercion.documents"}, Smuggling: smuggled},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "strong_means_indicator"},
			advice: ids("contact_care_coordinator smuggling_support stay_alert")},
		{name: "3/possible beats means_only", in: Input{Age: age(30), Indicators: []string{"coercion.documents", "exploitation.low_or_no_pay"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"}},

		// 4. smuggling
		{name: "4/smuggling, nothing else (adult)", in: Input{Age: age(30), Smuggling: smuggled},
			outcome: Smuggled, pop: Adult, means: Absent, purpose: Absent,
			rules: []string{"outcome.smuggling"}, advice: ids("smuggling_support stay_alert")},
		{name: "4/smuggling (child)", in: Input{Age: age(16), Smuggling: smuggled},
			outcome: Smuggled, pop: Child, means: NotRequired, purpose: Absent,
			rules: []string{"outcome.smuggling"}, advice: ids("contact_veilig_thuis smuggling_support stay_alert")},
		{name: "4/smuggling with acts still smuggling", in: Input{Age: age(30), Acts: []string{"transport"}, Smuggling: smuggled},
			outcome: Smuggled, pop: Adult, rules: []string{"outcome.smuggling"}},
		{name: "4/one weak indicator: still smuggling (new)", in: Input{Age: age(30), Indicators: []string{"vulnerability.past_difficulties"}, Smuggling: smuggled},
			outcome: Smuggled, pop: Adult, means: Indicated,
			rules: []string{"outcome.smuggling.indicators_present"}, advice: ids("smuggling_support stay_alert consult_care_coordinator")},
		{name: "4/labour indicators: smuggling before the labour rungs", in: Input{Age: age(30), Indicators: purposeStrongMedium, Smuggling: smuggled},
			outcome: Smuggled, pop: Adult, purpose: Positive,
			rules:  []string{"outcome.smuggling.indicators_present"},
			advice: ids("contact_labour_inspectorate refer_fairwork smuggling_support stay_alert consult_care_coordinator")},
		{name: "4/not paid", in: Input{Age: age(30), Smuggling: &Smuggling{BorderCrossingFacilitated: true, Consented: true}},
			outcome: NoIndication, pop: Adult, rules: []string{"outcome.no_indication"}, advice: ids("consult_care_coordinator")},
		{name: "4/not consented", in: Input{Age: age(30), Smuggling: &Smuggling{BorderCrossingFacilitated: true, Paid: true}},
			outcome: NoIndication, pop: Adult, rules: []string{"outcome.no_indication"}},
		{name: "4/not facilitated", in: Input{Age: age(30), Smuggling: &Smuggling{Paid: true, Consented: true}},
			outcome: NoIndication, pop: Adult, rules: []string{"outcome.no_indication"}},

		// 5. serious_disadvantage
		{name: "5/adult, labour indicators, purpose positive, no means", in: Input{Age: age(30), Indicators: purposeStrongMedium},
			outcome: SeriousDisadvantage, pop: Adult, means: Absent, purpose: Positive,
			rules: []string{"outcome.serious_disadvantage.labour"}, advice: ids("contact_labour_inspectorate refer_fairwork")},
		{name: "5/age unknown counts as adult", in: Input{Indicators: purposeStrongMedium},
			outcome: SeriousDisadvantage, pop: Adult, rules: []string{"outcome.serious_disadvantage.labour"},
			advice: ids("contact_labour_inspectorate refer_fairwork establish_age")},
		{name: "5/form labour makes a labour context with any exploitation indicator", in: Input{Age: age(30), Forms: []string{"labour"}, Indicators: purposeTwoStrong},
			outcome: SeriousDisadvantage, pop: Adult, rules: []string{"outcome.serious_disadvantage.labour"},
			advice: ids("contact_labour_inspectorate refer_fairwork")},
		{name: "5/outside a labour context: exploitation indicated", in: Input{Age: age(30), Indicators: purposeTwoStrong},
			outcome: ExploitationIndicated, pop: Adult, purpose: Positive, rules: []string{"outcome.exploitation_indicated"},
			advice: ids("contact_care_coordinator")},
		{name: "5/the same for a child is likely", in: Input{Age: age(17), Indicators: purposeStrongMedium},
			outcome: TraffickingLikely, pop: Child, rules: []string{likelyRule + "child_purpose"}},

		// 6. labour_violation
		{name: "6/adult, a labour indicator", in: Input{Age: age(30), Indicators: []string{"exploitation.low_or_no_pay"}},
			outcome: LabourViolation, pop: Adult, means: Absent, purpose: Indicated,
			rules: []string{"outcome.labour_violation.labour"}, advice: ids("contact_labour_inspectorate refer_fairwork")},
		{name: "6/form labour and a strong non-labour indicator", in: Input{Age: age(30), Forms: []string{"labour"}, Indicators: []string{"exploitation.earnings_taken"}},
			outcome: LabourViolation, pop: Adult, purpose: Indicated, rules: []string{"outcome.labour_violation.labour"}},
		{name: "6/another form: no labour context", in: Input{Age: age(30), Forms: []string{"other"}, Indicators: []string{"exploitation.low_or_no_pay"}},
			outcome: ExploitationIndicated, pop: Adult, rules: []string{"outcome.exploitation_indicated"}, advice: ids("contact_care_coordinator")},

		// 7. exploitation_indicated
		{name: "7/forced criminal activity, no means (adult)", in: Input{Age: age(20), Indicators: []string{"exploitation.forced_criminal_activity"}},
			outcome: ExploitationIndicated, pop: Adult, means: Absent, purpose: Indicated,
			rules: []string{"outcome.exploitation_indicated"}, advice: ids("contact_care_coordinator non_punishment")},
		{name: "7/forced begging, no means", in: Input{Age: age(50), Indicators: []string{"exploitation.forced_begging"}},
			outcome: ExploitationIndicated, pop: Adult, rules: []string{"outcome.exploitation_indicated"}, advice: ids("contact_care_coordinator")},
		{name: "7/mixed labour and non-labour indicators, no form", in: Input{Age: age(30), Indicators: []string{"exploitation.low_or_no_pay", "exploitation.earnings_taken"}},
			outcome: ExploitationIndicated, pop: Adult, rules: []string{"outcome.exploitation_indicated"}},

		// 8. no_indication
		{name: "8/nothing (adult, age unknown)", in: Input{},
			outcome: NoIndication, pop: Adult, means: Absent, purpose: Absent,
			rules: []string{"outcome.no_indication"}, advice: ids("consult_care_coordinator establish_age")},
		{name: "8/nothing (child)", in: Input{Age: age(10)},
			outcome: NoIndication, pop: Child, means: NotRequired, purpose: Absent,
			rules: []string{"outcome.no_indication"}, advice: ids("consult_care_coordinator")},
		{name: "8/means indicated only, medium (child)", in: Input{Age: age(12), Indicators: []string{"deception.wages", "deception.housing"}},
			outcome: NoIndication, pop: Child, means: NotRequired, purpose: Absent,
			rules: []string{"outcome.no_indication"}, advice: ids("contact_veilig_thuis consult_care_coordinator")},
		{name: "8/sexual services of an adult alone: context only", in: Input{Age: age(24), Forms: []string{"sexual"}, Indicators: []string{"exploitation.sexual_services"}},
			outcome: NoIndication, pop: Adult, means: Absent, purpose: Absent,
			rules: []string{"outcome.no_indication"}, advice: ids("sex_work_check consult_care_coordinator")},
		{name: "8/WEAK_ADULT indicators of an adult alone: context only", in: Input{Age: age(19), Indicators: []string{"exploitation.no_education", "exploitation.criminal_use"}},
			outcome: NoIndication, pop: Adult, purpose: Absent,
			rules: []string{"outcome.no_indication"}, advice: ids("consult_care_coordinator")},
		{name: "8/a medium CRIME indicator alone", in: Input{Age: age(30), Indicators: []string{"coercion.threats"}},
			outcome: NoIndication, pop: Adult, means: Indicated,
			rules: []string{"outcome.no_indication"}, advice: ids("report_crime consult_care_coordinator")},
		{name: "8/acts alone do not count", in: Input{Age: age(30), Acts: Acts},
			outcome: NoIndication, pop: Adult, rules: []string{"outcome.no_indication"}},
	})
}

// TestPurposeElement: the changed "purpose indicated" and its reasons.
func TestPurposeElement(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		name string
		in   Input
		want ElementState
		rule string
	}{
		{"(a) a non-weak exploitation indicator (adult)", Input{Age: age(30), Indicators: []string{"exploitation.low_or_no_pay"}}, Indicated, "element.purpose.indicated"},
		{"(a) any exploitation indicator (child)", Input{Age: age(15), Indicators: []string{"exploitation.no_education"}}, Indicated, "element.purpose.indicated"},
		{"(b) an ALSO_PURPOSE indicator", Input{Age: age(30), Indicators: []string{"coercion.wages_withheld"}}, Indicated, "element.purpose.indicated"},
		{"(b) not: a means indicator outside ALSO_PURPOSE", Input{Age: age(30), Indicators: []string{"coercion.threats"}}, Absent, "element.purpose.absent"},
		{"(c) a WEAK_ADULT indicator with a means indicator", Input{Age: age(30), Indicators: []string{"exploitation.sexual_services", "coercion.under_strong_influence"}}, Indicated, "element.purpose.indicated"},
		{"(c) not: a WEAK_ADULT indicator alone (adult): context only", Input{Age: age(30), Indicators: []string{"exploitation.sexual_services"}}, Absent, "element.purpose.context_only"},
		{"(c) not: age unknown counts as adult", Input{Indicators: []string{"exploitation.criminal_use"}}, Absent, "element.purpose.context_only"},
		{"nothing", Input{Age: age(30)}, Absent, "element.purpose.absent"},
		{"positive", Input{Age: age(30), Indicators: purposeTwoStrong}, Positive, "element.purpose.positive"},
	} {
		r := mustAssess(t, e, tc.in)
		if r.Elements.Purpose != tc.want {
			t.Errorf("%s: purpose %s, want %s", tc.name, r.Elements.Purpose, tc.want)
		}
		if got := ruleIDs(r, "element.purpose."); !reflect.DeepEqual(got, []string{tc.rule}) {
			t.Errorf("%s: purpose reasons %v, want [%s]", tc.name, got, tc.rule)
		}
	}
}

// TestOverrides checks the per-form overrides: a strength that applies only
// with a suspected form and a population, the highest of several forms
// applying.
func TestOverrides(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		name      string
		in        Input
		dimension string
		s, m      int
	}{
		// coercion.forced_tasks_or_clients: M/S, sexual: adult S
		{"forced tasks, adult, no form: medium", Input{Age: age(30), Indicators: []string{"coercion.forced_tasks_or_clients"}}, "coercion", 0, 1},
		{"forced tasks, adult, labour: medium", Input{Age: age(30), Forms: []string{"labour"}, Indicators: []string{"coercion.forced_tasks_or_clients"}}, "coercion", 0, 1},
		{"forced tasks, adult, sexual: strong", Input{Age: age(30), Forms: []string{"sexual"}, Indicators: []string{"coercion.forced_tasks_or_clients"}}, "coercion", 1, 0},
		{"forced tasks, adult, labour and sexual: the highest", Input{Age: age(30), Forms: []string{"labour", "sexual"}, Indicators: []string{"coercion.forced_tasks_or_clients"}}, "coercion", 1, 0},
		{"forced tasks, child, no form: strong already", Input{Age: age(16), Indicators: []string{"coercion.forced_tasks_or_clients"}}, "coercion", 1, 0},
		// exploitation.hazardous_work: M/M, sexual: child S
		{"hazardous work, child, no form: medium", Input{Age: age(16), Indicators: []string{"exploitation.hazardous_work"}}, "exploitation", 0, 1},
		{"hazardous work, child, sexual: strong", Input{Age: age(16), Forms: []string{"sexual"}, Indicators: []string{"exploitation.hazardous_work"}}, "exploitation", 1, 0},
		{"hazardous work, child, criminal and sexual: the highest", Input{Minor: true, Forms: []string{"criminal", "sexual"}, Indicators: []string{"exploitation.hazardous_work"}}, "exploitation", 1, 0},
		{"hazardous work, adult, sexual: medium (the override is for children)", Input{Age: age(30), Forms: []string{"sexual"}, Indicators: []string{"exploitation.hazardous_work"}}, "exploitation", 0, 1},
	} {
		r := mustAssess(t, e, tc.in)
		if d := dim(r, tc.dimension); d.Strong != tc.s || d.Medium != tc.m {
			t.Errorf("%s: %s counted %+v, want %d strong and %d medium", tc.name, tc.dimension, d, tc.s, tc.m)
		}
	}
	runOutcomeCases(t, []outcomeCase{
		{name: "an override makes a dimension positive", in: Input{Age: age(30), Forms: []string{"sexual"}, Indicators: []string{"coercion.forced_tasks_or_clients", "coercion.threats"}},
			outcome: TraffickingPossible, pop: Adult, means: Positive, rules: []string{possibleRule + "means_and_purpose_indicated"}},
		{name: "hazardous work, child, sexual: purpose positive", in: Input{Age: age(16), Forms: []string{"sexual"}, Indicators: []string{"exploitation.hazardous_work", "exploitation.low_or_no_pay"}},
			outcome: TraffickingLikely, pop: Child, purpose: Positive, rules: []string{likelyRule + "child_purpose"}},
		{name: "hazardous work, child, no form: indicated only", in: Input{Age: age(16), Indicators: []string{"exploitation.hazardous_work", "exploitation.low_or_no_pay"}},
			outcome: TraffickingPossible, pop: Child, purpose: Indicated, rules: []string{possibleRule + "child_purpose_indicated"}},
	})
}

// TestOverrideResolution checks the resolution of several forms on an
// indicator built for the purpose (the catalogue's overrides only raise).
func TestOverrideResolution(t *testing.T) {
	ind := indicator{base: [2]strength{sMedium, sMedium}}
	ind.ovr[popAdult] = []override{{form: 0, s: sStrong}, {form: 1, s: sWeak}}
	ind.ovrOn[popAdult] = 1<<0 | 1<<1
	for _, tc := range []struct {
		pop   int
		forms uint64
		want  strength
	}{
		{popAdult, 0, sMedium},                  // no form: base
		{popAdult, 1 << 0, sStrong},             // the override
		{popAdult, 1 << 1, sWeak},               // an override may lower
		{popAdult, 1<<1 | 1<<2, sMedium},        // a form without override brings the base in
		{popAdult, 1<<0 | 1<<1, sStrong},        // of several, the highest
		{popAdult, 1 << 2, sMedium},             // a form without override
		{popChild, 1<<0 | 1<<1 | 1<<2, sMedium}, // overrides of the other population do not apply
		{popAdult, 1<<0 | 1<<1 | 1<<2 | 1<<63, sStrong},
	} {
		if got := ind.strength(tc.pop, tc.forms); got != tc.want {
			t.Errorf("strength(pop %d, forms %b) = %d, want %d", tc.pop, tc.forms, got, tc.want)
		}
	}
}

// TestAdviceRules covers every advice condition of ruleset 2027.1, with
// negative cases, and the fixed order.
func TestAdviceRules(t *testing.T) {
	runOutcomeCases(t, []outcomeCase{
		// call_112
		{name: "call_112: acute danger comes first (likely)", in: Input{Age: age(30), AcuteDanger: true, Indicators: slices.Concat(meansTwoStrong, purposeTwoStrong)},
			outcome: TraffickingLikely, pop: Adult, rules: []string{likelyRule + "means_and_purpose"},
			advice: ids("call_112 " + likelyAdvice)},
		{name: "call_112: with no indication", in: Input{AcuteDanger: true},
			outcome: NoIndication, pop: Adult, rules: []string{"outcome.no_indication"},
			advice: ids("call_112 consult_care_coordinator establish_age")},
		// inform_police
		{name: "inform_police: possible with forms exactly {labour}: no police", in: Input{Age: age(30), Forms: []string{"labour"}, Indicators: []string{"coercion.forced_tasks_or_clients"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"},
			advice: ids("contact_care_coordinator non_punishment contact_labour_inspectorate refer_fairwork")},
		{name: "inform_police: possible with labour and another form: police", in: Input{Age: age(30), Forms: []string{"labour", "criminal"}, Indicators: []string{"coercion.forced_tasks_or_clients"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"},
			advice: ids("contact_care_coordinator inform_police non_punishment contact_labour_inspectorate refer_fairwork")},
		{name: "inform_police: likely with form labour: police and registration", in: Input{Age: age(30), Forms: []string{"labour"}, Indicators: slices.Concat(meansThreeMedium, purposeStrongMedium)},
			outcome: TraffickingLikely, pop: Adult, rules: []string{likelyRule + "means_and_purpose"},
			advice: ids(likelyAdvice + " non_punishment contact_labour_inspectorate refer_fairwork")},
		// contact_veilig_thuis
		{name: "contact_veilig_thuis: a child with a form only", in: Input{Age: age(15), Forms: []string{"forced_marriage"}},
			outcome: NoIndication, pop: Child, rules: []string{"outcome.no_indication"},
			advice: ids("contact_veilig_thuis contact_lkha consult_care_coordinator")},
		{name: "contact_veilig_thuis: not for a child with nothing", in: Input{Age: age(15)},
			outcome: NoIndication, pop: Child, rules: []string{"outcome.no_indication"}, advice: ids("consult_care_coordinator")},
		{name: "contact_veilig_thuis: illegal adoption, an adult", in: Input{Age: age(27), Forms: []string{"illegal_adoption"}, Indicators: []string{"recruitment_coercion.abduction"}},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "new_form"},
			advice: ids("contact_care_coordinator contact_veilig_thuis")},
		// contact_veilig_thuis_adult
		{name: "contact_veilig_thuis_adult: forced marriage, whatever the outcome", in: Input{Age: age(24), Forms: []string{"forced_marriage"}, Indicators: []string{"exploitation.excessive_hours", "exploitation.low_or_no_pay"}},
			outcome: ExploitationIndicated, pop: Adult, rules: []string{"outcome.exploitation_indicated"},
			advice: ids("contact_care_coordinator contact_veilig_thuis_adult contact_lkha")},
		{name: "contact_veilig_thuis_adult: not for means_only with another form", in: Input{Age: age(30), Forms: []string{"criminal"}, Indicators: []string{"coercion.documents"}},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "strong_means_indicator"}, advice: ids("contact_care_coordinator")},
		{name: "contact_veilig_thuis_adult: not for a child (Veilig Thuis for children instead)", in: Input{Age: age(16), Forms: []string{"forced_marriage"}, Indicators: []string{"recruitment_coercion.abduction"}},
			outcome: MeansOnly, pop: Child, rules: []string{meansOnly + "strong_means_indicator", meansOnly + "new_form"},
			advice: ids("contact_care_coordinator contact_veilig_thuis contact_lkha")},
		// report_crime
		{name: "report_crime: not when the outcome is trafficking", in: Input{Age: age(30), Indicators: []string{"coercion.violence", "exploitation.low_or_no_pay"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"},
			advice: ids(possibleAdvice + " contact_labour_inspectorate refer_fairwork")},
		{name: "report_crime: smuggling with a CRIME indicator", in: Input{Age: age(30), Indicators: []string{"recruitment_coercion.family_violence"}, Smuggling: smuggled},
			outcome: Smuggled, pop: Adult, rules: []string{"outcome.smuggling.indicators_present"},
			advice: ids("report_crime smuggling_support stay_alert consult_care_coordinator")},
		{name: "report_crime: not for a means indicator outside CRIME", in: Input{Age: age(30), Indicators: []string{"coercion.lie_to_authorities"}},
			outcome: NoIndication, pop: Adult, rules: []string{"outcome.no_indication"}, advice: ids("consult_care_coordinator")},
		// non_punishment
		{name: "non_punishment: possible with false papers (deception.documents)", in: Input{Age: age(30), Indicators: []string{"deception.documents", "exploitation.earnings_taken"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"},
			advice: ids(possibleAdvice + " non_punishment")},
		{name: "non_punishment: possible with forced begging", in: Input{Age: age(50), Indicators: []string{"exploitation.forced_begging", "coercion.under_strong_influence"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"},
			advice: ids(possibleAdvice + " non_punishment")},
		{name: "non_punishment: not for trafficking without a listed form or indicator", in: Input{Age: age(30), Forms: []string{"organ_removal"}, Indicators: []string{"recruitment_vulnerability.economic"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "organ_removal_form"}, advice: ids(possibleAdvice)},
		{name: "non_punishment: not for a listed form without trafficking", in: Input{Age: age(30), Forms: []string{"criminal"}},
			outcome: NoIndication, pop: Adult, rules: []string{"outcome.no_indication"}, advice: ids("consult_care_coordinator")},
		{name: "non_punishment: forced criminal activity gives it once", in: Input{Age: age(15), Forms: []string{"criminal"}, Indicators: []string{"exploitation.forced_criminal_activity", "exploitation.earnings_taken"}},
			outcome: TraffickingLikely, pop: Child, rules: []string{likelyRule + "child_purpose"},
			advice: ids(likelyAdvice + " contact_veilig_thuis non_punishment")},
		// contact_labour_inspectorate, refer_fairwork
		{name: "labour: a child in a labour context: NLA, no FairWork", in: Input{Age: age(16), Indicators: []string{"exploitation.excessive_hours"}},
			outcome: TraffickingPossible, pop: Child, rules: []string{possibleRule + "child_purpose_indicated"},
			advice: ids(possibleAdvice + " contact_veilig_thuis contact_labour_inspectorate")},
		{name: "labour: form labour, no indication: FairWork only", in: Input{Age: age(30), Forms: []string{"labour"}},
			outcome: NoIndication, pop: Adult, rules: []string{"outcome.no_indication"}, advice: ids("refer_fairwork consult_care_coordinator")},
		{name: "labour: form labour, smuggling: FairWork", in: Input{Age: age(30), Forms: []string{"labour"}, Smuggling: smuggled},
			outcome: Smuggled, pop: Adult, rules: []string{"outcome.smuggling"}, advice: ids("refer_fairwork smuggling_support stay_alert")},
		{name: "labour: form labour, a child: no FairWork", in: Input{Age: age(16), Forms: []string{"labour"}},
			outcome: NoIndication, pop: Child, rules: []string{"outcome.no_indication"}, advice: ids("contact_veilig_thuis consult_care_coordinator")},
		{name: "labour: means only in a labour context: no NLA", in: Input{Age: age(30), Forms: []string{"labour"}, Indicators: []string{"deception.job"}},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "strong_means_indicator"}, advice: ids("contact_care_coordinator refer_fairwork")},
		// sex_work_check
		{name: "sex_work_check: exploitation indicated", in: Input{Age: age(31), Forms: []string{"sexual"}, Indicators: []string{"exploitation.sexual_services", "exploitation.hazardous_work"}},
			outcome: ExploitationIndicated, pop: Adult, rules: []string{"outcome.exploitation_indicated"}, advice: ids("contact_care_coordinator sex_work_check")},
		{name: "sex_work_check: means only", in: Input{Age: age(31), Forms: []string{"sexual"}, Indicators: []string{"exploitation.sexual_services", "coercion.documents"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"}, advice: ids(possibleAdvice + " non_punishment")},
		{name: "sex_work_check: not for a child", in: Input{Age: age(17), Indicators: []string{"exploitation.sexual_services"}},
			outcome: TraffickingLikely, pop: Child, rules: []string{likelyRule + "child_sexual_services"}, advice: ids(likelyAdvice + " contact_veilig_thuis")},
		// smuggling_support, stay_alert, consult_care_coordinator
		{name: "smuggling_support: not without all three smuggling facts", in: Input{Age: age(30), Indicators: []string{"coercion.documents"}, Smuggling: &Smuggling{BorderCrossingFacilitated: true, Paid: true}},
			outcome: MeansOnly, pop: Adult, rules: []string{meansOnly + "strong_means_indicator"}, advice: ids("contact_care_coordinator contact_veilig_thuis_adult")},
		{name: "smuggling facts do not matter for trafficking", in: Input{Age: age(30), Indicators: []string{"coercion.debt_bondage"}, Smuggling: smuggled},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"},
			advice: ids(possibleAdvice)},
		{name: "labour: no exploitation indicator and no form is no labour context (an ALSO_PURPOSE means alone)", in: Input{Age: age(30), Indicators: []string{"coercion.forced_tasks_or_clients"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"},
			advice: ids(possibleAdvice)},
		{name: "labour: a child with a debt to work off, no form: Veilig Thuis, no NLA", in: Input{Age: age(12), Indicators: []string{"coercion.debt_bondage"}},
			outcome: TraffickingPossible, pop: Child, rules: []string{possibleRule + "means_and_purpose_indicated", possibleRule + "child_purpose_indicated"},
			advice: ids(possibleAdvice + " contact_veilig_thuis")},
		{name: "labour: the same with a labour indicator is a labour context", in: Input{Age: age(30), Indicators: []string{"coercion.forced_tasks_or_clients", "exploitation.excessive_hours"}},
			outcome: TraffickingPossible, pop: Adult, rules: []string{possibleRule + "means_and_purpose_indicated"},
			advice: ids(possibleAdvice + " contact_labour_inspectorate refer_fairwork")},
		// everything
		{name: "everything at once, in the fixed order", in: Input{Age: age(15), AcuteDanger: true, Forms: []string{"sexual", "labour", "criminal", "forced_marriage", "illegal_adoption"}, Indicators: slices.Concat(meansTwoStrong, purposeTwoStrong, []string{"exploitation.forced_criminal_activity"})},
			outcome: TraffickingLikely, pop: Child, rules: []string{likelyRule + "means_and_purpose", likelyRule + "child_purpose"},
			advice: ids("call_112 " + likelyAdvice + " contact_veilig_thuis contact_lkha non_punishment contact_labour_inspectorate")},
	})

	// call_112 is urgent, every advice has a text in the reader's language.
	e, c := engine(t), catalog(t)
	r, err := e.Assess(Input{AcuteDanger: true, Age: age(15), Forms: []string{"labour", "criminal"}, Indicators: purposeTwoStrong}, "en")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Advice[0].Urgent || r.Advice[0].ID != "call_112" {
		t.Errorf("first advice %+v, want call_112 urgent", r.Advice[0])
	}
	for _, a := range r.Advice {
		want, _ := c.AdviceByID(a.ID)
		if a.Text != want.Text.EN || a.Text == "" {
			t.Errorf("advice %s text %q, want the English text %q", a.ID, a.Text, want.Text.EN)
		}
	}
	// Each advice rule explains itself.
	if got, want := ruleIDs(r, "advice."), []string{"advice.acute_danger", "advice.care_coordinator.trafficking", "advice.police.likely",
		"advice.register_national.likely", "advice.veilig_thuis.child", "advice.non_punishment.trafficking", "advice.labour.context"}; !reflect.DeepEqual(got, want) {
		t.Errorf("advice reasons %v, want %v", got, want)
	}
}

// TestEstablishAge: an unknown age (not marked minor) adds establish_age,
// last; possibly a minor too, a known age or minor not.
func TestEstablishAge(t *testing.T) {
	e := engine(t)
	r := mustAssess(t, e, Input{Indicators: []string{"coercion.documents"}})
	if got, want := adviceIDs(r), ids("contact_care_coordinator contact_veilig_thuis_adult establish_age"); !reflect.DeepEqual(got, want) {
		t.Errorf("advice %v, want %v", got, want)
	}
	for _, in := range []Input{{Age: age(30)}, {Minor: true}, {Age: age(12)}, {Age: age(30), PossiblyMinor: true}} {
		if r := mustAssess(t, e, in); slices.Contains(adviceIDs(r), "establish_age") {
			t.Errorf("%+v: establish_age given with a known age or minor", in)
		}
	}
	if r := mustAssess(t, e, Input{PossiblyMinor: true}); !slices.Contains(adviceIDs(r), "establish_age") {
		t.Errorf("possibly a minor without an age: advice %v lacks establish_age", adviceIDs(r))
	}
	if got := ruleIDs(mustAssess(t, e, Input{}), "population."); !reflect.DeepEqual(got, []string{"population.adult.age_unknown"}) {
		t.Errorf("population reasons %v", got)
	}
}

// TestPopulation covers the population rule and its reasons.
func TestPopulation(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		in   Input
		pop  Population
		rule string
		text string // in the Dutch text
	}{
		{Input{Age: age(0)}, Child, "population.child.age", "0"},
		{Input{Age: age(17)}, Child, "population.child.age", "17"},
		{Input{Age: age(18)}, Adult, "population.adult.age", "18"},
		{Input{Age: age(120)}, Adult, "population.adult.age", "120"},
		{Input{Minor: true}, Child, "population.child.minor", ""},
		{Input{Minor: true, Age: age(15)}, Child, "population.child.age", "15"},
		{Input{Minor: true, Age: age(30)}, Child, "population.child.minor_over_age", "30"},
		{Input{PossiblyMinor: true}, Child, "population.child.possibly_minor", "leeftijd vast"},
		{Input{PossiblyMinor: true, Age: age(19)}, Child, "population.child.possibly_minor", "2011/36"},
		{Input{PossiblyMinor: true, Age: age(16)}, Child, "population.child.age", "16"},
		{Input{PossiblyMinor: true, Minor: true}, Child, "population.child.minor", ""},
		{Input{}, Adult, "population.adult.age_unknown", ""},
	} {
		r := mustAssess(t, e, tc.in)
		if r.Population != tc.pop {
			t.Errorf("%+v: population %s, want %s", tc.in, r.Population, tc.pop)
		}
		if got := ruleIDs(r, "population."); !reflect.DeepEqual(got, []string{tc.rule}) {
			t.Errorf("%+v: population reasons %v, want [%s]", tc.in, got, tc.rule)
		}
		if !strings.Contains(r.Explanation[0].Text, tc.text) || strings.Contains(r.Explanation[0].Text, "%") {
			t.Errorf("%+v: reason %q does not name %q", tc.in, r.Explanation[0].Text, tc.text)
		}
		if (r.Elements.Means == NotRequired) != (tc.pop == Child) {
			t.Errorf("%+v: means %s for population %s", tc.in, r.Elements.Means, tc.pop)
		}
	}
}

// TestActs: acts set the act element only; the outcome, advice and the rest
// do not depend on them.
func TestActs(t *testing.T) {
	e := engine(t)
	for _, base := range []Input{
		{},
		{Age: age(30), Indicators: meansThreeMedium},
		{Age: age(15), Indicators: purposeTwoStrong},
		{Age: age(30), Smuggling: &Smuggling{true, true, true}},
	} {
		without := mustAssess(t, e, base)
		if without.Elements.Act != Absent || !slices.Contains(ruleIDs(without, "element.act."), "element.act.absent") {
			t.Errorf("%+v: act %s without acts", base, without.Elements.Act)
		}
		for _, acts := range [][]string{{"recruit"}, Acts, {"harbour", "harbour"}} {
			in := base
			in.Acts = acts
			with := mustAssess(t, e, in)
			if with.Elements.Act != Reported {
				t.Errorf("%+v: act %s with acts", in, with.Elements.Act)
			}
			with.Elements.Act = without.Elements.Act
			with.Explanation = dropRule(with.Explanation, "element.act.")
			w := without
			w.Explanation = dropRule(without.Explanation, "element.act.")
			if !reflect.DeepEqual(with, w) {
				t.Errorf("%+v: acts changed the result:\n%+v\n%+v", in, with, w)
			}
		}
	}
	r := mustAssess(t, e, Input{Acts: []string{"recruit", "transport", "recruit"}})
	for _, x := range r.Explanation {
		if x.Rule == "element.act.reported" && !strings.Contains(x.Text, "2") {
			t.Errorf("act reason %q does not count 2 distinct acts", x.Text)
		}
	}
}

func dropRule(rs []Reason, prefix string) []Reason {
	return slices.DeleteFunc(slices.Clone(rs), func(r Reason) bool { return strings.HasPrefix(r.Rule, prefix) })
}

// TestResultShape: dimensions in catalogue order, ruleset and disclaimer from
// the catalogue, explanation in the reader's language, reasons in the order
// population, dimensions, elements, smuggling, outcome, advice.
func TestResultShape(t *testing.T) {
	e, c := engine(t), catalog(t)
	in := Input{Age: age(15), Forms: []string{"criminal"}, AcuteDanger: true, Acts: []string{"recruit"},
		Indicators: slices.Concat(meansTwoStrong, purposeTwoStrong, []string{"deception.wages", "exploitation.forced_criminal_activity"}), Smuggling: &Smuggling{true, true, true}}
	for _, lang := range []string{"nl", "en", "de", ""} {
		r, err := e.Assess(in, lang)
		if err != nil {
			t.Fatal(err)
		}
		want := c.Meta.Disclaimer.NL
		if lang == "en" {
			want = c.Meta.Disclaimer.EN
		}
		if r.Disclaimer != want || r.Ruleset != c.Meta.Ruleset || r.Ruleset == "" {
			t.Errorf("%s: disclaimer %q ruleset %q", lang, r.Disclaimer, r.Ruleset)
		}
		if len(r.Dimensions) != len(c.Dimensions) {
			t.Fatalf("%d dimensions, want %d", len(r.Dimensions), len(c.Dimensions))
		}
		for i, d := range c.Dimensions {
			if r.Dimensions[i].ID != d.ID || r.Dimensions[i].Element != d.Element {
				t.Errorf("dimension %d = %s/%s, want %s/%s", i, r.Dimensions[i].ID, r.Dimensions[i].Element, d.ID, d.Element)
			}
		}
		order := []string{"population.", "dimension.", "element.act.", "element.means.", "element.purpose.", "smuggling.", "outcome.", "advice."}
		last := 0
		for _, x := range r.Explanation {
			i := slices.IndexFunc(order, func(p string) bool { return strings.HasPrefix(x.Rule, p) })
			if i < last {
				t.Errorf("%s: reason %s out of order", lang, x.Rule)
			}
			last = max(last, i)
			text, _ := c.Explanation(x.Rule)
			tmpl := text.In(lang)
			if prefix, _, _ := strings.Cut(tmpl, "%"); !strings.HasPrefix(x.Text, prefix) {
				t.Errorf("%s: reason %s = %q, not from the template %q", lang, x.Rule, x.Text, tmpl)
			}
		}
		if lang == "en" {
			if !strings.Contains(r.Explanation[1].Text, c.Dimensions[0].Label.EN) {
				t.Errorf("en: the first dimension reason %q does not name %q", r.Explanation[1].Text, c.Dimensions[0].Label.EN)
			}
		}
	}
}

// TestTemplatesMatchFmt: the engine's text filling equals fmt.Sprintf for
// every rule text in both languages.
func TestTemplatesMatchFmt(t *testing.T) {
	e, c := engine(t), catalog(t)
	for i, r := range ruleTable {
		for l, lang := range []string{"nl", "en"} {
			text, _ := c.Explanation(r.id)
			var nums [maxNums]int32
			var fargs []any
			k := 0
			for j := range len(r.verbs) {
				if r.verbs[j] == 's' {
					fargs = append(fargs, "Naam")
				} else {
					nums[k] = int32([]int{-3, 99, 4000}[k])
					fargs = append(fargs, nums[k])
					k++
				}
			}
			var b strings.Builder
			tm := e.texts[i][l].bind("Naam")
			if strings.Contains(tm.verbs, "s") {
				t.Fatalf("%s: bind left a %%s", r.id)
			}
			tm.appendTo(&b, &nums, e.nums)
			if want := fmt.Sprintf(text.In(lang), fargs...); b.String() != want {
				t.Errorf("%s (%s): %q, fmt gives %q", r.id, lang, b.String(), want)
			}
			if b.Len() > tm.maxLen() {
				t.Errorf("%s (%s): size %d above the estimate %d", r.id, lang, b.Len(), tm.maxLen())
			}
		}
	}
	if _, err := parseTmpl("100%% %d %s"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"%v", "%5d", "end %", "%q"} {
		if _, err := parseTmpl(bad); err == nil {
			t.Errorf("parseTmpl(%q) accepted", bad)
		}
	}
}
