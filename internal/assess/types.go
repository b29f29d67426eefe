// Package assess is Baken's indicator engine: given what someone observed,
// what might this be, how sure, why, and whom to call. It implements exactly
// the rule of ruleset 2027.1 (INDICATORS-2027.1.md). Assess is a pure function of its input and the
// content catalogue: no I/O, no globals, deterministic.
package assess

// Input is what a worker observed. Every field is optional; the JSON field
// names are a contract (API, CLI, stored signals).
type Input struct {
	Age   *int `json:"age,omitempty"`
	Minor bool `json:"minor,omitempty"`
	// PossiblyMinor: there is doubt whether the person is a minor. Doubt
	// counts as a child (directive 2011/36/EU art. 13(2)); the reason says
	// to establish the age.
	PossiblyMinor bool       `json:"possiblyMinor,omitempty"`
	Forms         []string   `json:"forms,omitempty"`      // form ids: sexual, labour, criminal, …
	Indicators    []string   `json:"indicators,omitempty"` // indicator ids: dimension.concept
	Acts          []string   `json:"acts,omitempty"`       // recruit, transport, transfer, harbour, receive
	Smuggling     *Smuggling `json:"smuggling,omitempty"`
	AcuteDanger   bool       `json:"acuteDanger,omitempty"`
}

// Smuggling describes a facilitated border crossing.
type Smuggling struct {
	BorderCrossingFacilitated bool `json:"borderCrossingFacilitated"`
	Paid                      bool `json:"paid"`
	Consented                 bool `json:"consented"`
}

// Acts of the legal definition (the "wat").
var Acts = []string{"recruit", "transport", "transfer", "harbour", "receive"}

// Outcome of an assessment, on the ladder of ruleset 2027.1 (first match
// wins; the order is the outcome's rank).
type Outcome string

const (
	TraffickingLikely     Outcome = "trafficking_likely"
	TraffickingPossible   Outcome = "trafficking_possible"
	MeansOnly             Outcome = "means_only" // coercion, deception or control, no sign of exploitation (yet)
	Smuggled              Outcome = "smuggling"
	SeriousDisadvantage   Outcome = "serious_disadvantage"
	LabourViolation       Outcome = "labour_violation"
	ExploitationIndicated Outcome = "exploitation_indicated" // an adult, signs of exploitation outside a labour context, no means (yet)
	NoIndication          Outcome = "no_indication"
)

// Outcomes in ladder order (rank 1 first).
var Outcomes = []Outcome{TraffickingLikely, TraffickingPossible, MeansOnly, Smuggled, SeriousDisadvantage, LabourViolation, ExploitationIndicated, NoIndication}

// Rank returns the outcome's rank on the ladder (1: trafficking_likely), or
// 0 for an outcome this ruleset does not know (e.g. one stored under an
// earlier ruleset that no longer exists).
func (o Outcome) Rank() int {
	for i, x := range Outcomes {
		if x == o {
			return i + 1
		}
	}
	return 0
}

// Population the rule applies.
type Population string

const (
	Adult Population = "adult"
	Child Population = "child"
)

// ElementState is the state of one element of the legal definition.
type ElementState string

const (
	Positive    ElementState = "positive"     // the dimension rule is met
	Indicated   ElementState = "indicated"    // some indicator present, rule not met
	Absent      ElementState = "absent"       // nothing observed
	NotRequired ElementState = "not_required" // means, for a child
	Reported    ElementState = "reported"     // act: acts given in the input
)

// Elements are the three elements of art. 273f Sr.
type Elements struct {
	Act     ElementState `json:"act"`
	Means   ElementState `json:"means"`
	Purpose ElementState `json:"purpose"`
}

// DimensionResult counts the present indicators of one dimension.
type DimensionResult struct {
	ID       string `json:"id"`
	Element  string `json:"element"`
	Strong   int    `json:"strong"`
	Medium   int    `json:"medium"`
	Weak     int    `json:"weak"`
	Positive bool   `json:"positive"`
}

// Advice is one next step.
type Advice struct {
	ID     string `json:"id"`
	Urgent bool   `json:"urgent"`
	Text   string `json:"text"`
}

// Result is the engine's answer.
type Result struct {
	Outcome     Outcome           `json:"outcome"`
	Population  Population        `json:"population"`
	Elements    Elements          `json:"elements"`
	Dimensions  []DimensionResult `json:"dimensions"`
	Advice      []Advice          `json:"advice"`
	Explanation []Reason          `json:"explanation"`
	Ruleset     string            `json:"ruleset"`
	Disclaimer  string            `json:"disclaimer"`
}

// Reason is one rule that fired, with its text in the reader's language.
type Reason struct {
	Rule string `json:"rule"` // stable rule id, e.g. "outcome.trafficking_likely.means_and_purpose"
	Text string `json:"text"`
}
