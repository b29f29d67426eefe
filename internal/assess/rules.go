package assess

// The rule ids and advice ids of ruleset 2027.1 (INDICATORS-2027.1.md). Rule
// ids are stable: they are stored with an assessment's explanation and keyed
// in explanations.yaml, so a text can change without changing what fired. A
// rule whose meaning changes gets a new id; a removed id stays reserved
// (RetiredRuleIDs) and is never used again, so a stored explanation always
// means what it meant when it was made. The verbs column says which
// arguments the text takes, in order (d: a whole number, s: a name); New
// refuses an explanation text whose verbs differ.

// ruleID indexes ruleTable.
type ruleID uint8

const (
	rPopChildAge ruleID = iota
	rPopChildMinor
	rPopChildMinorOverAge
	rPopChildPossiblyMinor
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
	rPurposeContextOnly
	rPurposeAbsent

	rSmugglingNotMet

	rLikelyMeansAndPurpose
	rLikelyChildPurpose
	rLikelyOrganRemoval
	rLikelyChildSexualServices
	rPossibleMeansAndPurposeIndicated
	rPossibleChildPurposeIndicated
	rPossibleSexualEarningsTaken
	rPossibleOrganRemovalForm
	rMeansOnlyMeansPositive
	rMeansOnlyStrongMeansIndicator
	rMeansOnlyNewForm
	rOutcomeSmuggling
	rOutcomeSmugglingIndicatorsPresent
	rOutcomeSeriousDisadvantage
	rOutcomeLabourViolation
	rOutcomeExploitationIndicated
	rOutcomeNoIndication

	rAdviceAcuteDanger
	rAdviceCareCoordinatorTrafficking
	rAdviceCareCoordinatorConsult
	rAdvicePoliceLikely
	rAdvicePolicePossible
	rAdviceRegisterNational
	rAdviceVeiligThuisChild
	rAdviceVeiligThuisIllegalAdoption
	rAdviceVeiligThuisAdultForcedMarriage
	rAdviceVeiligThuisAdultMeansOnly
	rAdviceLKHA
	rAdviceReportCrime
	rAdviceNonPunishmentTrafficking
	rAdviceNonPunishmentIndicator
	rAdviceLabourContext
	rAdviceFairworkLabourForm
	rAdviceSexWorkCheck
	rAdviceSmugglingSupport
	rAdviceNoIndication
	rAdviceConsultSmugglingIndicators

	numRules
)

// ruleTable holds each rule's stable id and the verbs of its text.
var ruleTable = [numRules]struct{ id, verbs string }{
	rPopChildAge:           {"population.child.age", "d"},
	rPopChildMinor:         {"population.child.minor", ""},
	rPopChildMinorOverAge:  {"population.child.minor_over_age", "d"},
	rPopChildPossiblyMinor: {"population.child.possibly_minor", ""},
	rPopAdultAge:           {"population.adult.age", "d"},
	rPopAdultAgeUnknown:    {"population.adult.age_unknown", ""},

	rDimTwoStrong:        {"dimension.positive.two_strong", "sddd"},
	rDimStrongAndOther:   {"dimension.positive.strong_and_other", "sddd"},
	rDimThreeMedium:      {"dimension.positive.three_medium", "sddd"},
	rDimTwoMediumOneWeak: {"dimension.positive.two_medium_one_weak", "sddd"},
	rDimNotPositive:      {"dimension.not_positive", "sddd"},

	rActReported:        {"element.act.reported", "d"},
	rActAbsent:          {"element.act.absent", ""},
	rMeansPositive:      {"element.means.positive", ""},
	rMeansIndicated:     {"element.means.indicated", ""},
	rMeansAbsent:        {"element.means.absent", ""},
	rMeansNotRequired:   {"element.means.not_required", ""},
	rPurposePositive:    {"element.purpose.positive", ""},
	rPurposeIndicated:   {"element.purpose.indicated", ""},
	rPurposeContextOnly: {"element.purpose.context_only", ""},
	rPurposeAbsent:      {"element.purpose.absent", ""},

	rSmugglingNotMet: {"smuggling.not_met", ""},

	rLikelyMeansAndPurpose:             {"outcome.trafficking_likely.means_and_purpose", ""},
	rLikelyChildPurpose:                {"outcome.trafficking_likely.child_purpose", ""},
	rLikelyOrganRemoval:                {"outcome.trafficking_likely.organ_removal", ""},
	rLikelyChildSexualServices:         {"outcome.trafficking_likely.child_sexual_services", ""},
	rPossibleMeansAndPurposeIndicated:  {"outcome.trafficking_possible.means_and_purpose_indicated", ""},
	rPossibleChildPurposeIndicated:     {"outcome.trafficking_possible.child_purpose_indicated", ""},
	rPossibleSexualEarningsTaken:       {"outcome.trafficking_possible.sexual_earnings_taken", ""},
	rPossibleOrganRemovalForm:          {"outcome.trafficking_possible.organ_removal_form", ""},
	rMeansOnlyMeansPositive:            {"outcome.means_only.means_positive", ""},
	rMeansOnlyStrongMeansIndicator:     {"outcome.means_only.strong_means_indicator", "d"},
	rMeansOnlyNewForm:                  {"outcome.means_only.new_form", ""},
	rOutcomeSmuggling:                  {"outcome.smuggling", ""},
	rOutcomeSmugglingIndicatorsPresent: {"outcome.smuggling.indicators_present", ""},
	rOutcomeSeriousDisadvantage:        {"outcome.serious_disadvantage.labour", ""},
	rOutcomeLabourViolation:            {"outcome.labour_violation.labour", ""},
	rOutcomeExploitationIndicated:      {"outcome.exploitation_indicated", ""},
	rOutcomeNoIndication:               {"outcome.no_indication", ""},

	rAdviceAcuteDanger:                    {"advice.acute_danger", ""},
	rAdviceCareCoordinatorTrafficking:     {"advice.care_coordinator.trafficking", ""},
	rAdviceCareCoordinatorConsult:         {"advice.care_coordinator.consult", ""},
	rAdvicePoliceLikely:                   {"advice.police.likely", ""},
	rAdvicePolicePossible:                 {"advice.police.possible", ""},
	rAdviceRegisterNational:               {"advice.register_national.likely", ""},
	rAdviceVeiligThuisChild:               {"advice.veilig_thuis.child", ""},
	rAdviceVeiligThuisIllegalAdoption:     {"advice.veilig_thuis.illegal_adoption", ""},
	rAdviceVeiligThuisAdultForcedMarriage: {"advice.veilig_thuis_adult.forced_marriage", ""},
	rAdviceVeiligThuisAdultMeansOnly:      {"advice.veilig_thuis_adult.means_only", ""},
	rAdviceLKHA:                           {"advice.lkha.forced_marriage", ""},
	rAdviceReportCrime:                    {"advice.report_crime", ""},
	rAdviceNonPunishmentTrafficking:       {"advice.non_punishment.trafficking", ""},
	rAdviceNonPunishmentIndicator:         {"advice.non_punishment.indicator", ""},
	rAdviceLabourContext:                  {"advice.labour.context", ""},
	rAdviceFairworkLabourForm:             {"advice.fairwork.labour_form", ""},
	rAdviceSexWorkCheck:                   {"advice.sex_work_check", ""},
	rAdviceSmugglingSupport:               {"advice.smuggling.support", ""},
	rAdviceNoIndication:                   {"advice.no_indication", ""},
	rAdviceConsultSmugglingIndicators:     {"advice.consult.smuggling_indicators", ""},
}

// RetiredRuleIDs are the rule ids of earlier rulesets that ruleset 2027.1
// removed or whose meaning it changed. They stay reserved: no rule of a
// later ruleset may take one of them (stored explanations keep using them
// with their old meaning), and explanations.yaml holds no text for them (a
// stored assessment keeps the texts it was made with).
var RetiredRuleIDs = []string{
	// 2026.1
	"smuggling.indicators_present",                        // "smuggling facts, but indicators present: not the smuggling outcome"
	"outcome.trafficking_possible.means_positive",         // means positive alone was "possible"
	"outcome.trafficking_possible.strong_means_indicator", // one strong means indicator alone was "possible"
	"outcome.serious_disadvantage",                        // without the labour context
	"outcome.labour_violation",                            // without the labour context
	"advice.trafficking",                                  // outcomes 1–2: care coordinator, police and registration together
	"advice.child",                                        // outcomes 1–2 and a child: Veilig Thuis
	"advice.non_punishment.form",                          // outcomes 1–2 and form criminal only
	"advice.labour.form",                                  // outcomes 1–2 and form labour: NLA and FairWork
	"advice.labour.outcome",                               // outcomes 4–5: NLA and FairWork
	"advice.smuggling",                                    // smuggling: police and stay alert
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
	aContactVeiligThuisAdult
	aContactLKHA
	aReportCrime
	aNonPunishment
	aContactLabourInspectorate
	aReferFairwork
	aSexWorkCheck
	aSmugglingSupport
	aStayAlert
	aConsultCareCoordinator
	aEstablishAge

	numAdvice
)

// adviceTable holds the advice ids in the order they are given.
var adviceTable = [numAdvice]string{
	aCall112:                   "call_112",
	aContactCareCoordinator:    "contact_care_coordinator",
	aInformPolice:              "inform_police",
	aRegisterNational:          "register_national",
	aContactVeiligThuis:        "contact_veilig_thuis",
	aContactVeiligThuisAdult:   "contact_veilig_thuis_adult",
	aContactLKHA:               "contact_lkha",
	aReportCrime:               "report_crime",
	aNonPunishment:             "non_punishment",
	aContactLabourInspectorate: "contact_labour_inspectorate",
	aReferFairwork:             "refer_fairwork",
	aSexWorkCheck:              "sex_work_check",
	aSmugglingSupport:          "smuggling_support",
	aStayAlert:                 "stay_alert",
	aConsultCareCoordinator:    "consult_care_coordinator",
	aEstablishAge:              "establish_age",
}

// AdviceOrder returns the advice ids in the fixed order the engine gives them.
func AdviceOrder() []string { return append([]string(nil), adviceTable[:]...) }

// Ids the rule names (INDICATORS-2027.1.md). The sets LABOUR, ALSO_PURPOSE
// and CRIME are flags in the catalogue; WEAK_ADULT is derived from it (the
// exploitation indicators whose adult strength is W); NEW_FORMS and the two
// non-punishment sets are the rule's own.
const (
	indicatorOrganRemoval           = "exploitation.organ_removal"
	indicatorForcedCriminalActivity = "exploitation.forced_criminal_activity"
	indicatorSexualServices         = "exploitation.sexual_services"
	indicatorEarningsTaken          = "exploitation.earnings_taken"

	formSexual          = "sexual"
	formLabour          = "labour"
	formCriminal        = "criminal"
	formOrganRemoval    = "organ_removal"
	formForcedMarriage  = "forced_marriage"
	formIllegalAdoption = "illegal_adoption"
	formSurrogacy       = "surrogacy"
	formOther           = "other"
)

var (
	// newForms (NEW_FORMS): coercion is the offence; the route is Veilig
	// Thuis and the LKHA.
	newForms = []string{formForcedMarriage, formIllegalAdoption, formSurrogacy}
	// nonPunishmentForms and nonPunishmentIndicators: with outcome 1 or 2,
	// any of these forms or indicators advises non_punishment.
	nonPunishmentForms      = []string{formSexual, formLabour, formCriminal, formOther}
	nonPunishmentIndicators = []string{indicatorForcedCriminalActivity, "deception.documents", "exploitation.forced_begging"}
)

// Limits of the input.
const (
	MaxAge      = 120      // an age above this is refused as absurd
	MaxListLen  = 256      // entries in forms, indicators or acts (duplicates included)
	MaxInputLen = 64 << 10 // bytes of JSON input DecodeInput reads
)

// positiveRule returns the first combination of the dimension rule that the
// counts of a dimension meet (two strong; one strong and one medium or weak;
// three medium; two medium and one weak), or rDimNotPositive.
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
