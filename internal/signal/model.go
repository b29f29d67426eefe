// Package signal is signal intake and triage (theme: signalerend vermogen van
// de gemeente). A frontline worker records what they saw; the assessment
// engine weighs it on save; the signal is routed to the care coordinators of
// the municipality's region, who move it through a whitelist of statuses.
// Personal fields are sealed at rest, every read and write of personal data
// is in the processing log in the same transaction, and nobody but the
// reporter and the region's care coordinators learns that a signal exists.
// See docs/signals.md.
package signal

import (
	"time"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/policy"
)

// Status of a signal.
type Status string

const (
	StatusNew               Status = "new"
	StatusInProgress        Status = "in_progress"
	StatusMoreInfoRequested Status = "more_info_requested"
	StatusClosed            Status = "closed"
	StatusConverted         Status = "converted" // to a case (the case issue links it)
)

// Statuses lists every status in flow order.
var Statuses = []Status{StatusNew, StatusInProgress, StatusMoreInfoRequested, StatusClosed, StatusConverted}

// transitions is the whitelist of the plain status change (Transition):
// from → the statuses it may move to. Converted is not in it: a signal
// becomes converted only when a case is opened from it (ConvertTx, from
// in_progress; security review F10), so no signal is ever "converted"
// without a case.
var transitions = map[Status][]Status{
	StatusNew:               {StatusInProgress},
	StatusInProgress:        {StatusMoreInfoRequested, StatusClosed},
	StatusMoreInfoRequested: {StatusInProgress},
}

// convertFrom is the one status ConvertTx converts from (a new signal or
// one waiting for more information goes to in_progress first).
const convertFrom = StatusInProgress

// Next returns the statuses a signal in status s may move to through the
// status change (none for closed and converted: they are final; converted
// never: that is opening a case).
func Next(s Status) []Status { return append([]Status(nil), transitions[s]...) }

// Closing reasons: required for, and only for, StatusClosed.
const (
	ReasonNoTrafficking      = "no_trafficking"
	ReasonLabourInspectorate = "referred_labour_inspectorate"
	ReasonPolice             = "referred_police"
	ReasonVeiligThuis        = "referred_veilig_thuis"
	ReasonDuplicate          = "duplicate"
)

// ClosingReasons lists every closing reason.
var ClosingReasons = []string{ReasonNoTrafficking, ReasonLabourInspectorate, ReasonPolice, ReasonVeiligThuis, ReasonDuplicate}

// Age bands a reporter may give instead of a birth year.
var AgeBands = []string{"0_11", "12_17", "18_24", "25_34", "35_49", "50_64", "65_plus"}

// minorBands are the age bands under 18.
var minorBands = map[string]bool{"0_11": true, "12_17": true}

// Genders a reporter may give.
var Genders = []string{"female", "male", "other", "unknown"}

// Limits (in characters) of the free-text fields and lists.
const (
	MaxPlace       = 300
	MaxCameToLight = 1000
	MaxNarrative   = 10000
	MaxAlias       = 100
	MaxName        = 200
	MaxContact     = 300
	MaxRemark      = 2000
	MaxNote        = 4000
	MaxPersons     = 50
	MaxList        = assess.MaxListLen
)

// Input is what a reporter sends: the web form and the API body decode into
// it and share its validation (Service.Create).
type Input struct {
	Department string `json:"department"`
	// MunicipalityID: the municipality the signal is about; empty means the
	// reporter's own organisation (which must then be a municipality).
	MunicipalityID string        `json:"municipalityId"`
	ObservedOn     string        `json:"observedOn"`  // YYYY-MM-DD, not in the future
	Place          string        `json:"place"`       // in words; personal data when an address
	CameToLight    string        `json:"cameToLight"` // how it came to light
	Persons        []PersonInput `json:"persons"`

	Forms       []string          `json:"forms"`       // suspected forms of exploitation
	Signals     []string          `json:"signals"`     // frontline signal ids ticked
	Indicators  []string          `json:"indicators"`  // indicator ids ticked
	Acts        []string          `json:"acts"`        // acts of the legal definition, if known
	Smuggling   *assess.Smuggling `json:"smuggling"`   // a facilitated border crossing, if any
	RiskFactors []string          `json:"riskFactors"` // risk factor ids (never counted)
	// PossiblyMinor: there is doubt whether a person is a minor; doubt
	// counts as a child (ruleset 2027.1, directive 2011/36/EU art. 13(2)).
	PossiblyMinor bool   `json:"possiblyMinor"`
	Narrative     string `json:"narrative"`
	AcuteDanger   bool   `json:"acuteDanger"`
	// Consultation: "ik twijfel", a signal without any personal data (see
	// validate for exactly what that excludes).
	Consultation bool `json:"consultation"`
}

// PersonInput is one person in a signal, pseudonymous by default.
type PersonInput struct {
	Alias       string `json:"alias"`       // alias or initials
	BirthYear   *int   `json:"birthYear"`   // or AgeBand
	AgeBand     string `json:"ageBand"`     // one of AgeBands
	Gender      string `json:"gender"`      // one of Genders
	Nationality string `json:"nationality"` // ISO 3166-1 alpha-2
	Language    string `json:"language"`    // ISO 639-1/-3 code
	Name        string `json:"name"`        // only when known and needed
	Contact     string `json:"contact"`     // only when known and needed
}

// Person is a stored person. ID is the person's pseudonym id.
type Person struct {
	ID          string `json:"id"`
	Alias       string `json:"alias,omitempty"`
	BirthYear   *int   `json:"birthYear,omitempty"`
	AgeBand     string `json:"ageBand,omitempty"`
	Gender      string `json:"gender,omitempty"`
	Nationality string `json:"nationality,omitempty"`
	Language    string `json:"language,omitempty"`
	Name        string `json:"name,omitempty"`
	Contact     string `json:"contact,omitempty"`
}

// Event is one entry of a signal's status history.
type Event struct {
	Seq           int       `json:"seq"` // the signal's version after the event
	From          Status    `json:"from,omitempty"`
	To            Status    `json:"to"`
	ClosingReason string    `json:"closingReason,omitempty"`
	Remark        string    `json:"remark,omitempty"` // public: the reporter sees it
	Note          string    `json:"note,omitempty"`   // internal: care coordinators only
	ActorID       string    `json:"actorId"`
	At            time.Time `json:"at"`
	// Reassessment is set on an entry that kept a re-assessment (From and
	// To are then the unchanged status): which record, with what.
	Reassessment *EventAssessment `json:"reassessment,omitempty"`
}

// EventAssessment is the assessment record a history entry kept.
type EventAssessment struct {
	Seq             int            `json:"seq"` // the record's seq (GET /signals/{id}/assessments)
	Ruleset         string         `json:"ruleset"`
	ContentVersion  string         `json:"contentVersion"`
	Outcome         assess.Outcome `json:"outcome"`
	PreviousOutcome assess.Outcome `json:"previousOutcome"`
}

// Signal is a stored signal as one subject may see it.
type Signal struct {
	ID             string   `json:"id"`
	Reference      string   `json:"reference"`
	Status         Status   `json:"status"`
	ClosingReason  string   `json:"closingReason,omitempty"`
	ReporterID     string   `json:"reporterId"`
	ReporterOrgID  string   `json:"reporterOrgId"`
	MunicipalityID string   `json:"municipalityId"`
	RegionID       string   `json:"regionId"`
	Department     string   `json:"department"`
	ObservedOn     string   `json:"observedOn"`
	Place          string   `json:"place,omitempty"`
	CameToLight    string   `json:"cameToLight,omitempty"`
	Persons        []Person `json:"persons"`

	Forms       []string          `json:"forms"`
	Signals     []string          `json:"signals"`
	Indicators  []string          `json:"indicators"`
	Acts        []string          `json:"acts"`
	Smuggling   *assess.Smuggling `json:"smuggling,omitempty"`
	RiskFactors []string          `json:"riskFactors"`
	// PossiblyMinor: doubt whether a person is a minor (counted as a child).
	PossiblyMinor bool   `json:"possiblyMinor"`
	Narrative     string `json:"narrative,omitempty"`
	AcuteDanger   bool   `json:"acuteDanger"`
	Consultation  bool   `json:"consultation"`

	// AssessmentInput is what the engine was given (derived from the signal).
	AssessmentInput assess.Input  `json:"assessmentInput"`
	Assessment      assess.Result `json:"assessment"`
	Ruleset         string        `json:"ruleset"`
	// ContentVersion is the catalogue's meta.version the assessment was
	// made with; "" for signals assessed before it was recorded.
	ContentVersion string `json:"contentVersion"`

	History []Event `json:"history"`
	// Meldcode is the progress of the meldcode route (issue 11) when the
	// stored assessment puts the signal on it (nil otherwise); the steps
	// themselves are GetMeldcode.
	Meldcode *MeldcodeSummary `json:"meldcode,omitempty"`
	// Case is the case the signal was converted to (its reference only:
	// the reporter may learn that their signal became a case, nothing in it).
	Case      *CaseLink `json:"case,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int       `json:"version"`
}

// CaseLink names the case a signal became.
type CaseLink struct {
	ID        string `json:"id"`
	Reference string `json:"reference"`
}

// Resource returns the policy view of the signal.
func (s Signal) Resource() policy.Resource {
	return policy.Resource{ID: s.ID, OrgID: s.MunicipalityID, RegionID: s.RegionID, OwnerID: s.ReporterID}
}

// Summary is a signal in a list: no personal data, so listing is not a
// processing of personal data (searching by alias is, and is logged).
type Summary struct {
	ID             string         `json:"id"`
	Reference      string         `json:"reference"`
	Status         Status         `json:"status"`
	ClosingReason  string         `json:"closingReason,omitempty"`
	ReporterID     string         `json:"reporterId"`
	MunicipalityID string         `json:"municipalityId"`
	RegionID       string         `json:"regionId"`
	Department     string         `json:"department"`
	ObservedOn     string         `json:"observedOn"`
	Forms          []string       `json:"forms"`
	Outcome        assess.Outcome `json:"outcome"`
	AcuteDanger    bool           `json:"acuteDanger"`
	Consultation   bool           `json:"consultation"`
	PersonCount    int            `json:"personCount"`
	// Meldcode is the meldcode's progress for a signal on the route.
	Meldcode *MeldcodeSummary `json:"meldcode,omitempty"`
	// WouldChange: the signal is open and its outcome would be another
	// under the current ruleset and content (the inbox's mark).
	WouldChange bool      `json:"wouldChange"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	Version     int       `json:"version"`
}

// TransitionInput is a status change as a care coordinator asks for it.
type TransitionInput struct {
	To     Status `json:"to"`
	Reason string `json:"reason"` // closing reason, for StatusClosed only
	Remark string `json:"remark"` // public: the reporter sees it
	Note   string `json:"note"`   // internal: care coordinators only
}
