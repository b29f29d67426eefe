package assess

// The rule ids and advice ids of INDICATORS.md. Rule ids are stable: they are
// stored with an assessment's explanation and keyed in explanations.yaml, so
// a text can change without changing what fired. The verbs column says which
// arguments the text takes, in order (d: a whole number, s: a name); New
// refuses an explanation text whose verbs differ.

// ruleID indexes ruleTable.
type ruleID uint8

const (
	rPopChildAge ruleID = iota
	rPopChildMinor
	rPopChildMinorOverAge
	rPopAdultAge
	rPopAdultAgeUnknown

	rDimTwoStrong
	rDimStrongAndOther
	rDimThreeMedium
	rDimTwoMediumOneWeak
	rDimNotPositive

	rActReported
	rActAbsent
	rMeansPositive
	rMeansIndicated
	rMeansAbsent
	rMeansNotRequired
	rPurposePositive
	rPurposeIndicated
	rPurposeAbsent

	rSmugglingIndicatorsPresent
	rSmugglingNotMet

	rLikelyMeansAndPurpose
	rLikelyChildPurpose
	rLikelyOrganRemoval
	rPossibleMeansPositive
	rPossibleMeansAndPurposeIndicated
	rPossibleChildPurposeIndicated
	rPossibleStrongMeansIndicator
	rOutcomeSmuggling
	rOutcomeSeriousDisadvantage
	rOutcomeLabourViolation
	rOutcomeNoIndication

	rAdviceAcuteDanger
	rAdviceTrafficking
	rAdviceChild
	rAdviceNonPunishmentForm
	rAdviceNonPunishmentIndicator
	rAdviceLabourForm
	rAdviceLabourOutcome
	rAdviceSmuggling
	rAdviceNoIndication

	numRules
)

// ruleTable holds each rule's stable id and the verbs of its text.
var ruleTable = [numRules]struct{ id, verbs string }{
	rPopChildAge:          {"population.child.age", "d"},
	rPopChildMinor:        {"population.child.minor", ""},
	rPopChildMinorOverAge: {"population.child.minor_over_age", "d"},
	rPopAdultAge:          {"population.adult.age", "d"},
	rPopAdultAgeUnknown:   {"population.adult.age_unknown", ""},

	rDimTwoStrong:        {"dimension.positive.two_strong", "sddd"},
	rDimStrongAndOther:   {"dimension.positive.strong_and_other", "sddd"},
	rDimThreeMedium:      {"dimension.positive.three_medium", "sddd"},
	rDimTwoMediumOneWeak: {"dimension.positive.two_medium_one_weak", "sddd"},
	rDimNotPositive:      {"dimension.not_positive", "sddd"},

	rActReported:      {"element.act.reported", "d"},
	rActAbsent:        {"element.act.absent", ""},
	rMeansPositive:    {"element.means.positive", ""},
	rMeansIndicated:   {"element.means.indicated", ""},
	rMeansAbsent:      {"element.means.absent", ""},
	rMeansNotRequired: {"element.means.not_required", ""},
	rPurposePositive:  {"element.purpose.positive", ""},
	rPurposeIndicated: {"element.purpose.indicated", ""},
	rPurposeAbsent:    {"element.purpose.absent", ""},

	rSmugglingIndicatorsPresent: {"smuggling.indicators_present", ""},
	rSmugglingNotMet:            {"smuggling.not_met", ""},

	rLikelyMeansAndPurpose:            {"outcome.trafficking_likely.means_and_purpose", ""},
	rLikelyChildPurpose:               {"outcome.trafficking_likely.child_purpose", ""},
	rLikelyOrganRemoval:               {"outcome.trafficking_likely.organ_removal", ""},
	rPossibleMeansPositive:            {"outcome.trafficking_possible.means_positive", ""},
	rPossibleMeansAndPurposeIndicated: {"outcome.trafficking_possible.means_and_purpose_indicated", ""},
	rPossibleChildPurposeIndicated:    {"outcome.trafficking_possible.child_purpose_indicated", ""},
	rPossibleStrongMeansIndicator:     {"outcome.trafficking_possible.strong_means_indicator", "d"},
	rOutcomeSmuggling:                 {"outcome.smuggling", ""},
	rOutcomeSeriousDisadvantage:       {"outcome.serious_disadvantage", ""},
	rOutcomeLabourViolation:           {"outcome.labour_violation", ""},
	rOutcomeNoIndication:              {"outcome.no_indication", ""},

	rAdviceAcuteDanger:            {"advice.acute_danger", ""},
	rAdviceTrafficking:            {"advice.trafficking", ""},
	rAdviceChild:                  {"advice.child", ""},
	rAdviceNonPunishmentForm:      {"advice.non_punishment.form", ""},
	rAdviceNonPunishmentIndicator: {"advice.non_punishment.indicator", ""},
	rAdviceLabourForm:             {"advice.labour.form", ""},
	rAdviceLabourOutcome:          {"advice.labour.outcome", ""},
	rAdviceSmuggling:              {"advice.smuggling", ""},
	rAdviceNoIndication:           {"advice.no_indication", ""},
}

// RuleIDs returns every rule id the engine can report, in the order reasons
// are given (population, dimensions, elements, smuggling, outcome, advice;
// the dimension reasons follow the catalogue's order of dimensions).
func RuleIDs() []string {
	ids := make([]string, numRules)
	for i, r := range ruleTable {
		ids[i] = r.id
	}
	return ids
}

// adviceID indexes adviceTable; the order of the constants is the fixed order
// in which advice is given (call_112 first).
type adviceID uint8

const (
	aCall112 adviceID = iota
	aContactCareCoordinator
	aInformPolice
	aRegisterNational
	aContactVeiligThuis
	aNonPunishment
	aContactLabourInspectorate
	aReferFairwork
	aStayAlert
	aConsultCareCoordinator
	aEstablishAge // optional: given only when the catalogue holds it

	numAdvice
)

// adviceTable holds the advice ids in the order they are given.
var adviceTable = [numAdvice]string{
	aCall112:                   "call_112",
	aContactCareCoordinator:    "contact_care_coordinator",
	aInformPolice:              "inform_police",
	aRegisterNational:          "register_national",
	aContactVeiligThuis:        "contact_veilig_thuis",
	aNonPunishment:             "non_punishment",
	aContactLabourInspectorate: "contact_labour_inspectorate",
	aReferFairwork:             "refer_fairwork",
	aStayAlert:                 "stay_alert",
	aConsultCareCoordinator:    "consult_care_coordinator",
	aEstablishAge:              "establish_age",
}

// optionalAdvice may be missing from the catalogue.
const optionalAdvice = aEstablishAge

// AdviceOrder returns the advice ids in the fixed order the engine gives them.
func AdviceOrder() []string { return append([]string(nil), adviceTable[:]...) }

// Ids the rule names.
const (
	indicatorOrganRemoval           = "exploitation.organ_removal"
	indicatorForcedCriminalActivity = "exploitation.forced_criminal_activity"
	formCriminal                    = "criminal"
	formLabour                      = "labour"
)

// Limits of the input.
const (
	MaxAge      = 120      // an age above this is refused as absurd
	MaxListLen  = 256      // entries in forms, indicators or acts (duplicates included)
	MaxInputLen = 64 << 10 // bytes of JSON input DecodeInput reads
)

// positiveRule returns the first combination of INDICATORS.md that the counts
// of a dimension meet (two strong; one strong and one medium or weak; three
// medium; two medium and one weak), or rDimNotPositive.
func positiveRule(s, m, w int) ruleID {
	switch {
	case s >= 2:
		return rDimTwoStrong
	case s >= 1 && m+w >= 1:
		return rDimStrongAndOther
	case m >= 3:
		return rDimThreeMedium
	case m >= 2 && w >= 1:
		return rDimTwoMediumOneWeak
	}
	return rDimNotPositive
}
