// Package policy is the one place that answers "may this user do this to
// that?". Everything is denied unless a rule below allows it. Rules are scoped
// by organisation and region: a subject of a national organisation acts
// nationwide, everyone else within their own organisation or region.
//
// Feature packages call Require inside their service methods, before touching
// data; the web and API edges use Can only to decide what to show.
package policy

import (
	"slices"

	"github.com/baken-nl/baken/internal/errs"
)

// Role is one of the roles of DOMAIN.md §1 (stored by its Dutch name).
type Role string

const (
	Beheerder           Role = "beheerder"           // administrator
	Beleidsmedewerker   Role = "beleidsmedewerker"   // policy officer / aandachtsfunctionaris
	Signaleerder        Role = "signaleerder"        // frontline worker
	Zorgcoordinator     Role = "zorgcoordinator"     // regional care coordinator
	Ketenpartner        Role = "ketenpartner"        // chain partner
	Analist             Role = "analist"             // analyst / regional coordinator
	Privacyfunctionaris Role = "privacyfunctionaris" // data protection officer (FG)
)

// Roles lists every role in display order.
var Roles = []Role{Beheerder, Beleidsmedewerker, Signaleerder, Zorgcoordinator, Ketenpartner, Analist, Privacyfunctionaris}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// SensitiveRoles reach victims' data (the care coordinator, the chain
// partner), the processing log (the privacyfunctionaris) or other people's
// accounts and the approval of these very roles (the beheerder). They take
// effect only when a second person approves them (four eyes): otherwise one
// beheerder could give itself, or an account it controls, victims' data.
var SensitiveRoles = []Role{Beheerder, Zorgcoordinator, Ketenpartner, Privacyfunctionaris}

// Sensitive reports whether r needs a second person's approval.
func (r Role) Sensitive() bool { return slices.Contains(SensitiveRoles, r) }

// Subject is who acts: a signed-in user with their organisation's place.
type Subject struct {
	UserID   string
	OrgID    string
	RegionID string // the region the organisation belongs to; a region's own id for a region
	National bool   // the organisation is of kind national: nationwide scope
	Roles    []Role
	// Operator is the command line (`baken user add`, `baken token create`,
	// the demo seed): someone with the database and the key file, who
	// needs no second person and may make a token for an account. A
	// signed-in user is never an operator.
	Operator bool
}

// Has reports whether s has role r.
func (s Subject) Has(r Role) bool { return slices.Contains(s.Roles, r) }

// Anonymous reports whether s is nobody.
func (s Subject) Anonymous() bool { return s.UserID == "" }

// Action is something a subject wants to do.
type Action string

const (
	UseApp       Action = "app.use"      // sign in, see the start page and the directory
	ReadOrg      Action = "org.read"     // organisation details (the who-is-who)
	ManageOrg    Action = "org.manage"   // create and edit organisations
	ReadUser     Action = "user.read"    // a user's account details
	ManageUser   Action = "user.manage"  // create, edit, disable users, assign roles
	ReadAudit    Action = "audit.read"   // the processing log
	ManageTokens Action = "token.manage" // list and revoke API tokens
	CreateToken  Action = "token.create" // make an API token: one's own only
	EditProfile  Action = "profile.edit" // own language, password
	// ApproveRole is the second pair of eyes on a role that reaches victims'
	// data, the processing log or other users (SensitiveRoles). Its Resource:
	// ID the grant, OrgID/RegionID what the role reaches (the organisation;
	// for a care coordinator its region), OwnerID the user who would get it,
	// Involved the proposer and whoever set that user's password.
	ApproveRole Action = "user.role.approve"

	// Signals (issue 4). A signal's Resource: ID, OrgID the municipality,
	// RegionID the municipality's region, OwnerID the reporter.
	CreateSignal     Action = "signal.create"     // record a signal for a municipality
	ReadSignal       Action = "signal.read"       // a signal's content and history
	TransitionSignal Action = "signal.transition" // change a signal's status
	ListSignals      Action = "signal.list"       // the signal lists and the inbox
	// RecordMeldcode: record the steps of the meldcode on a signal on the
	// meldcode route (issue 11), while it is open (Resource.Closed false).
	// Reading them is ReadSignal.
	RecordMeldcode Action = "signal.meldcode.record"
	// ReassessSignal: see a signal's assessment under the current ruleset
	// beside the stored one, and keep it (issue 11).
	ReassessSignal Action = "signal.reassess"

	// Cases (issue 5). A case's Resource: ID, RegionID the region whose care
	// coordinators run it, Members the assigned coordinators, Grants the
	// holders of a current break-the-glass grant.
	CreateCase     Action = "case.create"          // open a case (from signals or directly)
	SeeCase        Action = "case.see"             // that a case exists: reference, phase, who is assigned
	ReadCase       Action = "case.read"            // the client, the timeline, everything in it
	WriteCase      Action = "case.write"           // edit, transition, timeline, care fields
	BreakGlass     Action = "case.break_glass"     // open a case one is not assigned to, with a reason
	DecideTransfer Action = "case.transfer.decide" // accept or decline a transfer into one's region
	ListCases      Action = "case.list"            // the case lists and the dashboard
	ReadShelters   Action = "shelter.read"         // shelter capacity and occupancy
	ManageShelter  Action = "shelter.manage"       // set a shelter's capacity
	// AssignCase: hand over (change who is assigned) and request or withdraw
	// a transfer to another region. The assigned coordinators only — never
	// the holder of a break-the-glass grant (security review F4).
	AssignCase Action = "case.assign"

	// Self-assessment against the Kader (issue 6). A round's Resource: ID,
	// OrgID the municipality, RegionID its region.
	ReadSelfAssessment Action = "selfassessment.read"   // a municipality's rounds and action plan
	EditSelfAssessment Action = "selfassessment.edit"   // start rounds, fill in blocks, manage actions
	ReadRegionKader    Action = "selfassessment.region" // the region view: every municipality × theme
)

// Actions lists every action, for the matrix test and the docs.
var Actions = []Action{UseApp, ReadOrg, ManageOrg, ReadUser, ManageUser, ReadAudit, ManageTokens, CreateToken, EditProfile, ApproveRole,
	CreateSignal, ReadSignal, TransitionSignal, ListSignals, RecordMeldcode, ReassessSignal,
	CreateCase, SeeCase, ReadCase, WriteCase, BreakGlass, DecideTransfer, ListCases, ReadShelters, ManageShelter,
	AssignCase,
	ReadSelfAssessment, EditSelfAssessment, ReadRegionKader}

// Resource is the object acted on. Zero fields mean "no object" (a list or a page).
type Resource struct {
	ID       string
	OrgID    string // owning organisation
	RegionID string // region of the owning organisation (the region itself for a region)
	OwnerID  string // the user it belongs to (a user's own account, token)
	// Members are the users with need-to-know access to the object (a
	// case's assigned coordinators).
	Members []string
	// Involved are the users who may not decide on the object when a
	// second person must (a role grant: its proposer, and an administrator
	// who set the grantee's password and so could sign in as them).
	Involved []string
	// Grants are the users with temporary access to the object (a case's
	// current break-the-glass grants): they read and write it, but they are
	// not Members.
	Grants []string
	// Closed: the object is final (a closed or converted signal): nothing
	// more is recorded on it.
	Closed bool
}

// administers: s is a beheerder whose scope covers the object. A national
// beheerder administers everything; a region's own beheerder the region,
// its municipalities and partners; the beheerder of a municipality (or a
// partner) only its own organisation, so that it can never reach the
// region's care coordinators.
func administers(s Subject, r Resource) bool {
	return s.Has(Beheerder) && covers(s, r)
}

// oversees: s is a privacyfunctionaris whose organisation covers the
// object, as administers for a beheerder.
func oversees(s Subject, r Resource) bool {
	return s.Has(Privacyfunctionaris) && covers(s, r)
}

// covers: the object lies in the part of the tree s's organisation holds
// (national: all; a region: the region; otherwise the organisation itself).
func covers(s Subject, r Resource) bool {
	switch {
	case s.National:
		return true
	case s.RegionID != "" && s.OrgID == s.RegionID:
		return r.RegionID == s.RegionID || r.OrgID == s.OrgID && r.OrgID != ""
	}
	return r.OrgID != "" && r.OrgID == s.OrgID
}

// AdminScope is the part of the organisation tree a subject administers,
// for list queries (administers decides single objects): everything, a
// region (its own organisation and every organisation in it), or one
// organisation. A subject that administers nothing gets the zero value.
type AdminScope struct {
	All      bool
	RegionID string // the region and the organisations in it
	OrgID    string // one organisation only (when RegionID is empty)
}

// AdministeredBy returns what s administers.
func AdministeredBy(s Subject) AdminScope {
	switch {
	case !s.Has(Beheerder) || s.Anonymous():
		return AdminScope{}
	case s.National:
		return AdminScope{All: true}
	case s.RegionID != "" && s.OrgID == s.RegionID:
		return AdminScope{RegionID: s.RegionID}
	}
	return AdminScope{OrgID: s.OrgID}
}

// inScope: the object lies within the subject's reach.
func inScope(s Subject, r Resource) bool {
	if s.National {
		return true
	}
	if r.OrgID != "" && r.OrgID == s.OrgID {
		return true
	}
	return r.RegionID != "" && r.RegionID == s.RegionID
}

func self(s Subject, r Resource) bool { return r.OwnerID != "" && r.OwnerID == s.UserID }

// coordinates: s is a care coordinator of the region the object lies in. A
// care coordinator works for one region (the region of their organisation);
// a national scope does not extend to signals: need to know is regional.
func coordinates(s Subject, r Resource) bool {
	return s.Has(Zorgcoordinator) && s.RegionID != "" && r.RegionID == s.RegionID
}

// Can reports whether s may do a on r. Deny by default.
func Can(s Subject, a Action, r Resource) bool {
	if s.Anonymous() {
		return false
	}
	if len(s.Roles) == 0 {
		// An account whose roles all await approval may only choose its own
		// password (a role is approved once the user has set their own).
		return a == EditProfile && self(s, r)
	}
	switch a {
	case UseApp:
		return true
	case ReadOrg:
		// The directory (who is who) is open to every signed-in user: names and
		// work contact details of organisations are what a frontline worker needs.
		return true
	case ManageOrg:
		return s.Has(Beheerder) && (r.ID == "" && r.OrgID == "" && r.RegionID == "" || administers(s, r))
	case ReadUser:
		return self(s, r) || s.Has(Beheerder) && (isList(r) || administers(s, r))
	case ManageUser:
		return s.Has(Beheerder) && (isList(r) || administers(s, r))
	case ApproveRole:
		// Four eyes: a beheerder administering the organisation, or the
		// privacyfunctionaris of its scope, but never the proposer nor the
		// user who would get the role.
		if isList(r) {
			return s.Has(Beheerder) || s.Has(Privacyfunctionaris)
		}
		return r.OwnerID != "" && !self(s, r) && !slices.Contains(r.Involved, s.UserID) &&
			(administers(s, r) || oversees(s, r))
	case ReadAudit:
		return (s.Has(Privacyfunctionaris) && (isList(r) || inScope(s, r))) || s.Has(Beheerder) && (isList(r) || administers(s, r))
	case CreateToken:
		// A token acts as its user: nobody makes one for someone else
		// (the operator of the command line excepted).
		return self(s, r) || s.Operator && r.OwnerID != ""
	case ManageTokens, EditProfile:
		return self(s, r) || a == ManageTokens && r.OwnerID != "" && administers(s, r)
	case CreateSignal:
		// A signaleerder records for their own municipality; a care
		// coordinator may record for any municipality of their region.
		return !isList(r) && (s.Has(Signaleerder) && r.OrgID != "" && r.OrgID == s.OrgID || coordinates(s, r))
	case ReadSignal:
		// The reporter and the care coordinators of the region; nobody else,
		// the beheerder included (they see the processing log only).
		return self(s, r) || !isList(r) && coordinates(s, r)
	case TransitionSignal:
		return !isList(r) && coordinates(s, r)
	case RecordMeldcode:
		// The reporter and the region's care coordinators, while the
		// signal is open.
		return !isList(r) && !r.Closed && (self(s, r) || coordinates(s, r))
	case ReassessSignal:
		// Whoever may read the signal may compare its assessment with the
		// current ruleset's and keep that: the reporter and the region's
		// care coordinators. It changes no status and shows nothing the
		// signal page does not.
		return Can(s, ReadSignal, r)
	case ListSignals:
		// The lists show only what the subject may read (the signal service
		// filters them); only a list, never an object.
		return isList(r) && (s.Has(Signaleerder) || s.Has(Zorgcoordinator))
	case CreateCase:
		// A care coordinator opens cases in their own region.
		return r.ID == "" && coordinates(s, r)
	case SeeCase:
		// The region's care coordinators know a case exists (to take it
		// over, or to break the glass); nobody else does.
		return !isList(r) && coordinates(s, r)
	case ReadCase, WriteCase:
		// Need to know: the assigned coordinators and current grants only.
		return !isList(r) && coordinates(s, r) && (member(s, r) || granted(s, r))
	case AssignCase:
		// Who runs the case (hand-over, transfer) is decided by the assigned
		// coordinators only: a grant is for an emergency, never ownership.
		return !isList(r) && coordinates(s, r) && member(s, r)
	case BreakGlass:
		return !isList(r) && coordinates(s, r) && !member(s, r) && !granted(s, r)
	case DecideTransfer:
		// The care coordinators of the receiving region (RegionID).
		return !isList(r) && coordinates(s, r)
	case ListCases:
		return isList(r) && s.Has(Zorgcoordinator)
	case ReadShelters:
		return s.Has(Zorgcoordinator) || s.Has(Beheerder) && (isList(r) || administers(s, r))
	case ManageShelter:
		// A shelter (a partner organisation) is managed by the care
		// coordinators of its region and the beheerder administering it.
		return !isList(r) && (coordinates(s, r) || administers(s, r))
	case ReadSelfAssessment, EditSelfAssessment:
		// Only the municipality's own policy officers.
		return s.Has(Beleidsmedewerker) && r.OrgID != "" && r.OrgID == s.OrgID
	case ReadRegionKader:
		// The region's analysts and care coordinators (a national analyst:
		// every region); a region, never a list of everything.
		return r.RegionID != "" && (s.Has(Analist) && (s.National || r.RegionID == s.RegionID) || coordinates(s, r))
	}
	return false
}

func isList(r Resource) bool {
	return r.ID == "" && r.OrgID == "" && r.RegionID == "" && r.OwnerID == "" && len(r.Members) == 0 && len(r.Grants) == 0
}

func member(s Subject, r Resource) bool { return slices.Contains(r.Members, s.UserID) }

func granted(s Subject, r Resource) bool { return slices.Contains(r.Grants, s.UserID) }

// Require returns nil when s may do a on r. Otherwise: unauthenticated for an
// anonymous subject; not found when the object is one the subject may not
// even read (it must not learn that it exists); forbidden otherwise.
func Require(s Subject, a Action, r Resource) error {
	if Can(s, a, r) {
		return nil
	}
	if s.Anonymous() {
		return errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	if r.ID != "" && !canSee(s, a, r) {
		return errs.E(errs.NotFound, "error.not_found")
	}
	return errs.E(errs.Forbidden, "error.forbidden")
}

// canSee: the read action that goes with a, allowed.
func canSee(s Subject, a Action, r Resource) bool {
	switch a {
	case ManageOrg:
		return Can(s, ReadOrg, r)
	case ManageUser, ManageTokens, CreateToken, EditProfile:
		return Can(s, ReadUser, r)
	case ApproveRole:
		// Those who could approve but for being the proposer or the grantee
		// see it (forbidden, not hidden).
		return administers(s, r) || oversees(s, r) || self(s, r)
	case TransitionSignal, CreateSignal, RecordMeldcode, ReassessSignal:
		return Can(s, ReadSignal, r)
	case ReadCase, WriteCase, BreakGlass, AssignCase:
		// A coordinator of the region learns the case exists (and may break
		// the glass); to everyone else it does not.
		return Can(s, SeeCase, r)
	case DecideTransfer:
		return false
	case EditSelfAssessment:
		return Can(s, ReadSelfAssessment, r)
	}
	return false
}
