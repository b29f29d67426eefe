// Package cases is care coordination (zorgcoördinatie; the seed's fifth theme,
// opvang van en hulpverlening aan slachtoffers): the regional care
// coordinator's file on one (presumed) victim, from registration to
// aftercare — shelter, reflection period, national registration, support.
//
// The most sensitive data in Baken lives here. Access is need to know
// (policy.ReadCase/WriteCase: the assigned coordinators and holders of a
// break-the-glass grant); every client field and free text is sealed at rest;
// every read and write is in the processing log in the same transaction; the
// timeline is appended, never edited. See docs/cases.md.
package cases

import (
	"time"

	"github.com/baken-nl/baken/internal/policy"
)

// Phase of a case.
type Phase string

const (
	PhaseRegistration Phase = "registration" // aanmelding
	PhaseIntake       Phase = "intake"
	PhaseSupport      Phase = "support"   // opvang en begeleiding
	PhaseAftercare    Phase = "aftercare" // nazorg
	PhaseClosed       Phase = "closed"
)

// Phases lists every phase in flow order.
var Phases = []Phase{PhaseRegistration, PhaseIntake, PhaseSupport, PhaseAftercare, PhaseClosed}

// transitions is the whitelist: from → the phases it may move to. A case can
// close in every open phase (contact lost, not a victim, …); a closed case
// reopens at intake.
var transitions = map[Phase][]Phase{
	PhaseRegistration: {PhaseIntake, PhaseClosed},
	PhaseIntake:       {PhaseSupport, PhaseClosed},
	PhaseSupport:      {PhaseAftercare, PhaseClosed},
	PhaseAftercare:    {PhaseClosed},
	PhaseClosed:       {PhaseIntake},
}

// Next returns the phases a case in phase p may move to.
func Next(p Phase) []Phase { return append([]Phase(nil), transitions[p]...) }

// Yes/no/unknown answers (aangifte, cooperation).
const (
	Unknown = "unknown"
	Yes     = "yes"
	No      = "no"
)

// Answers lists the yes/no/unknown answers.
var Answers = []string{Unknown, Yes, No}

// Genders of a client (as in signals).
var Genders = []string{"female", "male", "other", "unknown"}

// Limits.
const (
	MaxName     = 200
	MaxContact  = 500
	MaxLanguage = 10
	MaxNote     = 10000
	MaxReason   = 2000
	MaxTitle    = 300
	MaxForms    = 10
	// BreakGlassFor is how long a break-the-glass grant lasts.
	BreakGlassFor = 8 * time.Hour
)

// Client is the person a case is about. Every field is sealed at rest.
type Client struct {
	Name            string   `json:"name"`
	BirthDate       string   `json:"birthDate,omitempty"` // YYYY-MM-DD
	BSN             string   `json:"bsn"`                 // 9 digits, eleven-test
	Nationality     string   `json:"nationality"`         // ISO 3166-1 alpha-2
	CountryOfOrigin string   `json:"countryOfOrigin"`     // ISO 3166-1 alpha-2
	Languages       []string `json:"languages"`           // ISO 639-1/-3 codes
	Gender          string   `json:"gender"`              // one of Genders
	Contact         string   `json:"contact"`
}

// Input opens a case: from signals (SignalIDs; they become converted) or
// directly. RegionID: the region; empty means the coordinator's own.
type Input struct {
	SignalIDs []string `json:"signalIds"`
	RegionID  string   `json:"regionId"`
	Client    Client   `json:"client"`
	Forms     []string `json:"forms"`
	// NonPunishment: nil means Baken's suggestion (true when a form of the
	// catalogue's nonPunishmentForms, criminal exploitation, is among Forms).
	NonPunishment *bool `json:"nonPunishment"`
}

// Patch changes a case's own fields; nil leaves a field as it is. Client
// replaces the whole client when given.
type Patch struct {
	Client           *Client   `json:"client"`
	Forms            *[]string `json:"forms"`
	NonPunishment    *bool     `json:"nonPunishment"`
	ResidenceApplied *string   `json:"residenceAppliedOn"` // YYYY-MM-DD or ""
	PermitStatus     *string   `json:"permitStatus"`       // catalogue permitStatuses or ""
	Aangifte         *string   `json:"aangifte"`           // Answers
	AangifteOn       *string   `json:"aangifteOn"`         // YYYY-MM-DD or ""
	Cooperation      *string   `json:"cooperation"`        // Answers
	RegisteredOn     *string   `json:"registeredOn"`       // YYYY-MM-DD or "": registered with CoMensha
	DossierType      *string   `json:"dossierType"`        // catalogue dossierTypes or ""
}

// Reflection is the reflection period (bedenktijd).
type Reflection struct {
	Start  string `json:"start"` // YYYY-MM-DD
	Dublin bool   `json:"dublin"`
	End    string `json:"end"` // computed: the last day of the period
	// DaysLeft until End (negative when over), from the day it is read.
	DaysLeft int `json:"daysLeft"`
	// Warning: the end is within the catalogue's warnDays (or past).
	Warning bool `json:"warning"`
}

// SignalRef is a signal a case was made from.
type SignalRef struct {
	ID        string `json:"id"`
	Reference string `json:"reference"`
}

// Coordinator is a care coordinator assigned to a case.
type Coordinator struct {
	UserID string    `json:"userId"`
	Name   string    `json:"name"`
	Since  time.Time `json:"since"`
}

// Grant is a current break-the-glass access.
type Grant struct {
	UserID string    `json:"userId"`
	Name   string    `json:"name"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	Until  time.Time `json:"until"`
}

// Case is a stored case as an assigned coordinator sees it.
type Case struct {
	ID            string    `json:"id"`
	Reference     string    `json:"reference"`
	RegionID      string    `json:"regionId"`
	Phase         Phase     `json:"phase"`
	ClosingReason string    `json:"closingReason,omitempty"`
	ClosedAt      time.Time `json:"closedAt,omitzero"`
	Client        Client    `json:"client"`
	Forms         []string  `json:"forms"`
	NonPunishment bool      `json:"nonPunishment"`
	// NonPunishmentSuggested: the forms suggest the non-punishment principle.
	NonPunishmentSuggested bool `json:"nonPunishmentSuggested"`

	Reflection       *Reflection `json:"reflectionPeriod"`
	ResidenceApplied string      `json:"residenceAppliedOn"`
	PermitStatus     string      `json:"permitStatus"`
	Aangifte         string      `json:"aangifte"`
	AangifteOn       string      `json:"aangifteOn"`
	Cooperation      string      `json:"cooperation"`
	RegisteredOn     string      `json:"registeredOn"`
	DossierType      string      `json:"dossierType"`

	SignalIDs []string `json:"signalIds"`
	// Signals are the linked signals with their references, in the same
	// order as SignalIDs.
	Signals      []SignalRef   `json:"signals"`
	Coordinators []Coordinator `json:"coordinators"`
	Grants       []Grant       `json:"grants"`

	CreatedBy string    `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int       `json:"version"`
}

// Resource is the policy view of the case.
func (c Case) Resource() policy.Resource {
	r := policy.Resource{ID: c.ID, RegionID: c.RegionID}
	for _, co := range c.Coordinators {
		r.Members = append(r.Members, co.UserID)
	}
	for _, g := range c.Grants {
		r.Grants = append(r.Grants, g.UserID)
	}
	return r
}

// Event is one entry of a case's timeline.
type Event struct {
	ID         string            `json:"id"`
	Seq        int               `json:"seq"`
	Kind       string            `json:"kind"`
	AuthorID   string            `json:"authorId"`
	AuthorName string            `json:"authorName"`
	At         time.Time         `json:"at"`
	Body       string            `json:"body,omitempty"`
	Detail     map[string]string `json:"detail,omitempty"`
}

// Event kinds.
const (
	KindCreated          = "created"
	KindNote             = "note"
	KindContact          = "contact"
	KindPhase            = "phase"
	KindUpdate           = "update"
	KindAssignment       = "assignment"
	KindBreakGlass       = "break_glass"
	KindReflection       = "reflection"
	KindTask             = "task"
	KindTaskDone         = "task_done"
	KindDocument         = "document"
	KindPlacement        = "placement"
	KindPlacementEnd     = "placement_end"
	KindSupport          = "support"
	KindConsent          = "consent"
	KindConsentWithdrawn = "consent_withdrawn"
	KindTransferAsked    = "transfer_requested"
	KindTransferAccepted = "transfer_accepted"
	KindTransferDeclined = "transfer_declined"
	// KindTransferWithdrawn: the sending region withdrew a pending transfer.
	KindTransferWithdrawn = "transfer_withdrawn"
)

// EventInput is a note or a contact a coordinator adds to the timeline.
type EventInput struct {
	Kind        string `json:"kind"`        // note or contact
	ContactKind string `json:"contactKind"` // for a contact: catalogue contactKinds
	Body        string `json:"body"`
}

// Summary is a case in a list: no client data.
type Summary struct {
	ID             string    `json:"id"`
	Reference      string    `json:"reference"`
	RegionID       string    `json:"regionId"`
	Phase          Phase     `json:"phase"`
	Forms          []string  `json:"forms"`
	NonPunishment  bool      `json:"nonPunishment"`
	ReflectionEnd  string    `json:"reflectionEnd,omitempty"`
	CoordinatorIDs []string  `json:"coordinatorIds"`
	Assigned       bool      `json:"assigned"` // the caller is assigned
	UpdatedAt      time.Time `json:"updatedAt"`
	Version        int       `json:"version"`
}

// TransitionInput is a phase change.
type TransitionInput struct {
	To     Phase  `json:"to"`
	Reason string `json:"reason"` // closing reason (catalogue closingReasons), for closed only
}
