package policy

import (
	"fmt"
	"slices"
	"testing"

	"github.com/baken-nl/baken/internal/errs"
)

// The scopes an object can lie in, seen from a subject in Gemeente A (region Noord).
type scope string

const (
	sList        scope = "list"         // no object: a list or page
	sSelf        scope = "self"         // the subject's own account or token
	sOwnOrg      scope = "own_org"      // another object of Gemeente A
	sSameRegion  scope = "same_region"  // an object of Gemeente B (also Noord)
	sOtherRegion scope = "other_region" // an object of Gemeente C (Zuid)
	sMember      scope = "member"       // a case of Noord the subject is assigned to
	sMemberOther scope = "member_other" // a case of Zuid that still lists the subject (after a transfer)
	sRegion      scope = "region"       // no object yet, in region Noord (a case to open)
)

var scopes = []scope{sList, sSelf, sOwnOrg, sSameRegion, sOtherRegion, sMember, sMemberOther, sRegion}

func resourceFor(sc scope) Resource {
	switch sc {
	case sSelf:
		return Resource{ID: "u-self", OrgID: "gem-a", RegionID: "noord", OwnerID: "u-self"}
	case sOwnOrg:
		return Resource{ID: "x-a", OrgID: "gem-a", RegionID: "noord", OwnerID: "u-other"}
	case sSameRegion:
		return Resource{ID: "x-b", OrgID: "gem-b", RegionID: "noord", OwnerID: "u-other"}
	case sOtherRegion:
		return Resource{ID: "x-c", OrgID: "gem-c", RegionID: "zuid", OwnerID: "u-other"}
	case sMember:
		return Resource{ID: "c-a", RegionID: "noord", Members: []string{"u-other", "u-self"}}
	case sMemberOther:
		return Resource{ID: "c-c", RegionID: "zuid", Members: []string{"u-self"}}
	case sRegion:
		return Resource{RegionID: "noord"}
	}
	return Resource{}
}

// allowed is the expected matrix, written out by hand: for each action, the
// roles that may act and the scopes in which they may. Everything absent is denied.
var allowed = map[Action]map[Role][]scope{
	UseApp:  everyRole(scopes...),
	ReadOrg: everyRole(scopes...),
	// A municipality's beheerder administers its own organisation only
	// (TestAdminScopes has the region's and the nation's).
	ManageOrg: {
		Beheerder: {sList, sSelf, sOwnOrg},
	},
	ReadUser: merge(everyRole(sSelf), map[Role][]scope{
		Beheerder: {sList, sSelf, sOwnOrg},
	}),
	ManageUser: {
		Beheerder: {sList, sSelf, sOwnOrg},
	},
	// Four eyes: never for oneself; the proposer is tested in TestFourEyes.
	// A municipality's privacyfunctionaris oversees its own organisation.
	ApproveRole: {
		Beheerder:           {sList, sOwnOrg},
		Privacyfunctionaris: {sList, sOwnOrg},
	},
	ReadAudit: {
		Beheerder:           {sList, sSelf, sOwnOrg},
		Privacyfunctionaris: {sList, sSelf, sOwnOrg, sSameRegion, sMember, sRegion},
	},
	ManageTokens: merge(everyRole(sSelf), map[Role][]scope{
		Beheerder: {sSelf, sOwnOrg},
	}),
	CreateToken: everyRole(sSelf),
	EditProfile: everyRole(sSelf),
	// Signals: Resource{OrgID: municipality, RegionID: its region, OwnerID: reporter}.
	CreateSignal: {
		Beheerder:           {},
		Beleidsmedewerker:   {},
		Signaleerder:        {sSelf, sOwnOrg},
		Zorgcoordinator:     {sSelf, sOwnOrg, sSameRegion, sMember, sRegion},
		Ketenpartner:        {},
		Analist:             {},
		Privacyfunctionaris: {},
	},
	ReadSignal: {
		Beheerder:           {sSelf},
		Beleidsmedewerker:   {sSelf},
		Signaleerder:        {sSelf},
		Zorgcoordinator:     {sSelf, sOwnOrg, sSameRegion, sMember, sRegion},
		Ketenpartner:        {sSelf},
		Analist:             {sSelf},
		Privacyfunctionaris: {sSelf},
	},
	TransitionSignal: {
		Beheerder:           {},
		Beleidsmedewerker:   {},
		Signaleerder:        {},
		Zorgcoordinator:     {sSelf, sOwnOrg, sSameRegion, sMember, sRegion},
		Ketenpartner:        {},
		Analist:             {},
		Privacyfunctionaris: {},
	},
	// The meldcode of an open signal: the reporter (any role) and the
	// region's care coordinators (a closed signal: TestMeldcodeClosed).
	RecordMeldcode: merge(everyRole(sSelf), map[Role][]scope{
		Zorgcoordinator: {sOwnOrg, sSameRegion, sMember, sRegion},
	}),
	// Re-assessment: exactly who may read the signal.
	ReassessSignal: {
		Beheerder:           {sSelf},
		Beleidsmedewerker:   {sSelf},
		Signaleerder:        {sSelf},
		Zorgcoordinator:     {sSelf, sOwnOrg, sSameRegion, sMember, sRegion},
		Ketenpartner:        {sSelf},
		Analist:             {sSelf},
		Privacyfunctionaris: {sSelf},
	},
	ListSignals: {
		Beheerder:           {},
		Beleidsmedewerker:   {},
		Signaleerder:        {sList},
		Zorgcoordinator:     {sList},
		Ketenpartner:        {},
		Analist:             {},
		Privacyfunctionaris: {},
	},
	// Cases: Resource{RegionID: the case's region, Members: assigned, Grants:
	// current break-the-glass holders} (the grant scopes: TestCaseGrantMatrix).
	CreateCase: {Zorgcoordinator: {sRegion}},
	SeeCase:    {Zorgcoordinator: {sSelf, sOwnOrg, sSameRegion, sMember, sRegion}},
	ReadCase:   {Zorgcoordinator: {sMember}},
	WriteCase:  {Zorgcoordinator: {sMember}},
	AssignCase: {Zorgcoordinator: {sMember}},
	BreakGlass: {Zorgcoordinator: {sSelf, sOwnOrg, sSameRegion, sRegion}},
	// Transfers: RegionID is the receiving region.
	DecideTransfer: {Zorgcoordinator: {sSelf, sOwnOrg, sSameRegion, sMember, sRegion}},
	ListCases:      {Zorgcoordinator: {sList}},
	ReadShelters: {
		Zorgcoordinator: scopes,
		Beheerder:       {sList, sSelf, sOwnOrg},
	},
	ManageShelter: {
		Zorgcoordinator: {sSelf, sOwnOrg, sSameRegion, sMember, sRegion},
		Beheerder:       {sSelf, sOwnOrg},
	},
	// Self-assessment: Resource{OrgID: the municipality, RegionID: its region}.
	ReadSelfAssessment: {Beleidsmedewerker: {sSelf, sOwnOrg}},
	EditSelfAssessment: {Beleidsmedewerker: {sSelf, sOwnOrg}},
	ReadRegionKader: {
		Analist:         {sSelf, sOwnOrg, sSameRegion, sMember, sRegion},
		Zorgcoordinator: {sSelf, sOwnOrg, sSameRegion, sMember, sRegion},
	},
}

func everyRole(sc ...scope) map[Role][]scope {
	m := map[Role][]scope{}
	for _, r := range Roles {
		m[r] = sc
	}
	return m
}

func merge(a, b map[Role][]scope) map[Role][]scope {
	out := map[Role][]scope{}
	for r, s := range a {
		out[r] = append(out[r], s...)
	}
	for r, s := range b {
		out[r] = append(out[r], s...)
	}
	return out
}

func TestMatrix(t *testing.T) {
	if len(allowed) != len(Actions) {
		t.Fatalf("matrix covers %d actions, policy has %d", len(allowed), len(Actions))
	}
	for _, a := range Actions {
		for _, r := range Roles {
			for _, sc := range scopes {
				want := false
				for _, s := range allowed[a][r] {
					want = want || s == sc
				}
				subj := Subject{UserID: "u-self", OrgID: "gem-a", RegionID: "noord", Roles: []Role{r}}
				got := Can(subj, a, resourceFor(sc))
				if got != want {
					t.Errorf("%s %s %s: got %v, want %v", r, a, sc, got, want)
				}
				err := Require(subj, a, resourceFor(sc))
				if (err == nil) != want {
					t.Errorf("Require %s %s %s: %v", r, a, sc, err)
				}
			}
		}
	}
}

func TestNationalScope(t *testing.T) {
	subj := Subject{UserID: "u-self", OrgID: "landelijk", National: true, Roles: []Role{Beheerder}}
	for _, sc := range scopes {
		if !Can(subj, ManageUser, resourceFor(sc)) {
			t.Errorf("national beheerder denied %s", sc)
		}
	}
	fg := Subject{UserID: "u-fg", OrgID: "landelijk", National: true, Roles: []Role{Privacyfunctionaris}}
	if !Can(fg, ReadAudit, resourceFor(sOtherRegion)) {
		t.Error("national FG denied the log of another region")
	}
	if Can(fg, ManageUser, resourceFor(sOwnOrg)) {
		t.Error("FG may manage users")
	}
}

func TestDenyByDefault(t *testing.T) {
	for _, a := range append(Actions, Action("made.up")) {
		if Can(Subject{}, a, Resource{}) {
			t.Errorf("anonymous may %s", a)
		}
		if Can(Subject{UserID: "u", OrgID: "o"}, a, Resource{}) {
			t.Errorf("user without roles may %s", a)
		}
		// An account whose roles await approval may only choose its own password.
		mine := Resource{ID: "u", OwnerID: "u"}
		if got := Can(Subject{UserID: "u", OrgID: "o"}, a, mine); got != (a == EditProfile) {
			t.Errorf("user without roles, own account, %s: %v", a, got)
		}
	}
	s := Subject{UserID: "u", OrgID: "o", Roles: Roles}
	if Can(s, Action("made.up"), Resource{}) {
		t.Error("unknown action allowed")
	}
}

func TestRequireHidesObjects(t *testing.T) {
	signaleerder := Subject{UserID: "u-self", OrgID: "gem-a", RegionID: "noord", Roles: []Role{Signaleerder}}
	cases := []struct {
		subj Subject
		a    Action
		r    Resource
		want errs.Code
	}{
		{Subject{}, ReadUser, resourceFor(sOwnOrg), errs.Unauthenticated},
		{signaleerder, ManageUser, resourceFor(sOwnOrg), errs.NotFound},
		{signaleerder, ReadAudit, Resource{}, errs.Forbidden},
		{signaleerder, ManageOrg, resourceFor(sOwnOrg), errs.Forbidden}, // the directory is public
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			if got := errs.CodeOf(Require(c.subj, c.a, c.r)); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestSignalRequire(t *testing.T) {
	subj := func(r Role) Subject {
		return Subject{UserID: "u-self", OrgID: "gem-a", RegionID: "noord", Roles: []Role{r}}
	}
	natCoord := Subject{UserID: "u-nat", OrgID: "landelijk", National: true, Roles: []Role{Zorgcoordinator}}
	natAdmin := Subject{UserID: "u-nat", OrgID: "landelijk", National: true, Roles: Roles}
	cases := []struct {
		name string
		subj Subject
		a    Action
		r    Resource
		want errs.Code
	}{
		{"reporter may not transition", subj(Signaleerder), TransitionSignal, resourceFor(sSelf), errs.Forbidden},
		{"colleague's signal is hidden", subj(Signaleerder), ReadSignal, resourceFor(sOwnOrg), errs.NotFound},
		{"colleague's signal hidden on transition", subj(Signaleerder), TransitionSignal, resourceFor(sOwnOrg), errs.NotFound},
		{"other region's coordinator", subj(Zorgcoordinator), ReadSignal, resourceFor(sOtherRegion), errs.NotFound},
		{"other region's coordinator transition", subj(Zorgcoordinator), TransitionSignal, resourceFor(sOtherRegion), errs.NotFound},
		{"beheerder sees no content", subj(Beheerder), ReadSignal, resourceFor(sOwnOrg), errs.NotFound},
		{"beheerder may not re-assess", subj(Beheerder), ReassessSignal, resourceFor(sOwnOrg), errs.NotFound},
		{"colleague's signal hidden on re-assessment", subj(Signaleerder), ReassessSignal, resourceFor(sOwnOrg), errs.NotFound},
		{"other region's coordinator re-assessment", subj(Zorgcoordinator), ReassessSignal, resourceFor(sOtherRegion), errs.NotFound},
		{"signaleerder for another municipality", subj(Signaleerder), CreateSignal, resourceFor(sSameRegion), errs.NotFound},
		{"national coordinator", natCoord, ReadSignal, resourceFor(sOwnOrg), errs.NotFound},
		{"national coordinator create", natCoord, CreateSignal, resourceFor(sOwnOrg), errs.NotFound},
		{"national subject with every role", natAdmin, ReadSignal, resourceFor(sOtherRegion), errs.NotFound},
		{"analist lists", subj(Analist), ListSignals, Resource{}, errs.Forbidden},
		{"anonymous", Subject{}, ReadSignal, resourceFor(sSelf), errs.Unauthenticated},
		{"case: unassigned coordinator of the region may break the glass", subj(Zorgcoordinator), ReadCase, resourceFor(sSameRegion), errs.Forbidden},
		{"case: other region's coordinator", subj(Zorgcoordinator), ReadCase, resourceFor(sOtherRegion), errs.NotFound},
		{"case: stale membership after a transfer", subj(Zorgcoordinator), WriteCase, resourceFor(sMemberOther), errs.NotFound},
		{"case: the reporter", subj(Signaleerder), ReadCase, resourceFor(sMember), errs.NotFound},
		{"case: partner", subj(Ketenpartner), ReadCase, resourceFor(sMember), errs.NotFound},
		{"case: beheerder", subj(Beheerder), ReadCase, resourceFor(sMember), errs.NotFound},
		{"case: national coordinator", natCoord, ReadCase, resourceFor(sMember), errs.NotFound},
		{"case: glass already open", subj(Zorgcoordinator), BreakGlass, resourceFor(sMember), errs.Forbidden},
		{"kader: other municipality's round is hidden", subj(Beleidsmedewerker), EditSelfAssessment, resourceFor(sSameRegion), errs.NotFound},
		{"kader: analyst may not edit", subj(Analist), EditSelfAssessment, resourceFor(sOwnOrg), errs.NotFound},
		{"kader: other region's view", subj(Analist), ReadRegionKader, Resource{RegionID: "zuid"}, errs.Forbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := errs.CodeOf(Require(c.subj, c.a, c.r)); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestAdminScopes: what a beheerder administers depends on its organisation.
// A municipality's (and a partner's) beheerder: its own organisation only; a
// region's: the region, its municipalities and partners; a national one:
// everything. The objects: the beheerder's own organisation, the region
// organisation Noord, Gemeente B in Noord, a partner in Noord, Gemeente C in
// Zuid.
func TestAdminScopes(t *testing.T) {
	objects := map[string]Resource{
		"gem-a":   {ID: "x1", OrgID: "gem-a", RegionID: "noord", OwnerID: "u-other"},
		"noord":   {ID: "x2", OrgID: "noord", RegionID: "noord", OwnerID: "u-other"},
		"gem-b":   {ID: "x3", OrgID: "gem-b", RegionID: "noord", OwnerID: "u-other"},
		"partner": {ID: "x4", OrgID: "politie", RegionID: "noord", OwnerID: "u-other"},
		"gem-c":   {ID: "x5", OrgID: "gem-c", RegionID: "zuid", OwnerID: "u-other"},
	}
	subjects := map[string]Subject{
		"municipal": {UserID: "u-self", OrgID: "gem-a", RegionID: "noord", Roles: []Role{Beheerder}},
		"partner":   {UserID: "u-self", OrgID: "politie", RegionID: "noord", Roles: []Role{Beheerder}},
		"regional":  {UserID: "u-self", OrgID: "noord", RegionID: "noord", Roles: []Role{Beheerder}},
		"national":  {UserID: "u-self", OrgID: "landelijk", National: true, Roles: []Role{Beheerder}},
		"fg-region": {UserID: "u-self", OrgID: "noord", RegionID: "noord", Roles: []Role{Privacyfunctionaris}},
	}
	want := map[string][]string{
		"municipal": {"gem-a"},
		"partner":   {"partner"},
		"regional":  {"gem-a", "noord", "gem-b", "partner"},
		"national":  {"gem-a", "noord", "gem-b", "partner", "gem-c"},
		"fg-region": {},
	}
	for sn, subj := range subjects {
		for on, obj := range objects {
			w := slices.Contains(want[sn], on)
			for _, a := range []Action{ManageUser, ReadUser, ManageOrg, ManageTokens, ManageShelter} {
				if got := Can(subj, a, obj); got != w {
					t.Errorf("%s beheerder %s on %s: got %v, want %v", sn, a, on, got, w)
				}
			}
			// Approving: the administered organisations, and for the
			// privacyfunctionaris its region.
			wa := w || sn == "fg-region" && obj.RegionID == "noord"
			if got := Can(subj, ApproveRole, obj); got != wa {
				t.Errorf("%s %s on %s: got %v, want %v", sn, ApproveRole, on, got, wa)
			}
			if Can(subj, CreateToken, obj) {
				t.Errorf("%s may make a token for someone else", sn)
			}
		}
		sc := AdministeredBy(subj)
		switch sn {
		case "municipal", "partner":
			if sc != (AdminScope{OrgID: subj.OrgID}) {
				t.Errorf("%s scope %+v", sn, sc)
			}
		case "regional":
			if sc != (AdminScope{RegionID: "noord"}) {
				t.Errorf("%s scope %+v", sn, sc)
			}
		case "national":
			if sc != (AdminScope{All: true}) {
				t.Errorf("%s scope %+v", sn, sc)
			}
		case "fg-region":
			if sc != (AdminScope{}) {
				t.Errorf("%s scope %+v", sn, sc)
			}
		}
	}
}

// TestFourEyes: a grant is approved by a second person, never by who
// proposed it nor by who would get it; the operator of the command line
// may make a token for an account, nobody else.
func TestFourEyes(t *testing.T) {
	admin := Subject{UserID: "u-a", OrgID: "noord", RegionID: "noord", Roles: []Role{Beheerder}}
	other := Subject{UserID: "u-b", OrgID: "landelijk", National: true, Roles: []Role{Beheerder}}
	fg := Subject{UserID: "u-fg", OrgID: "landelijk", National: true, Roles: []Role{Privacyfunctionaris}}
	grant := Resource{ID: "g", OrgID: "noord", RegionID: "noord", OwnerID: "u-c", Involved: []string{"u-a"}}
	if Can(admin, ApproveRole, grant) {
		t.Error("the proposer approves its own proposal")
	}
	if got := errs.CodeOf(Require(admin, ApproveRole, grant)); got != errs.Forbidden {
		t.Errorf("the proposer: %q, want forbidden", got)
	}
	if !Can(other, ApproveRole, grant) || !Can(fg, ApproveRole, grant) {
		t.Error("a second beheerder or the privacyfunctionaris may not approve")
	}
	own := grant
	own.OwnerID = "u-b"
	if Can(other, ApproveRole, own) {
		t.Error("a beheerder approves a role for itself")
	}
	outsider := Subject{UserID: "u-z", OrgID: "zuid", RegionID: "zuid", Roles: []Role{Beheerder}}
	if got := errs.CodeOf(Require(outsider, ApproveRole, grant)); got != errs.NotFound {
		t.Errorf("another region's beheerder: %q, want not found", got)
	}
	// Whoever set the grantee's password is involved too.
	reset := grant
	reset.Involved = []string{"u-a", "u-b"}
	if Can(other, ApproveRole, reset) {
		t.Error("the beheerder who set the user's password approves")
	}
	if Can(Subject{UserID: "u-x", OrgID: "noord", RegionID: "noord", Roles: []Role{Zorgcoordinator}}, ApproveRole, Resource{}) {
		t.Error("a coordinator sees the grants")
	}
	op := Subject{UserID: "system", National: true, Roles: []Role{Beheerder}, Operator: true}
	if !Can(op, CreateToken, Resource{ID: "u-c", OwnerID: "u-c"}) {
		t.Error("the operator may not make a token for an account")
	}
	for _, r := range []Role{Beheerder, Zorgcoordinator, Ketenpartner, Privacyfunctionaris} {
		if !r.Sensitive() {
			t.Errorf("%s needs no approval", r)
		}
	}
	for _, r := range []Role{Signaleerder, Beleidsmedewerker, Analist} {
		if r.Sensitive() {
			t.Errorf("%s needs approval", r)
		}
	}
}

// The case scopes of a break-the-glass grant, seen from the same subject.
const (
	sGrant       scope = "grant"        // a case of Noord assigned to another, the subject holds a current grant
	sGrantOther  scope = "grant_other"  // a case of Zuid that still lists the subject's grant (after a transfer)
	sGrantMember scope = "grant_member" // a case of Noord the subject is assigned to and also holds a grant for
)

func caseResourceFor(sc scope) Resource {
	switch sc {
	case sGrant:
		return Resource{ID: "c-g", RegionID: "noord", Members: []string{"u-other"}, Grants: []string{"u-self"}}
	case sGrantOther:
		return Resource{ID: "c-z", RegionID: "zuid", Members: []string{"u-other"}, Grants: []string{"u-self"}}
	case sGrantMember:
		return Resource{ID: "c-m", RegionID: "noord", Members: []string{"u-self"}, Grants: []string{"u-self"}}
	}
	return resourceFor(sc)
}

// caseGrantAllowed is the expected matrix of the case actions in the grant
// scopes, written out by hand (F4): a grant reads and writes the case (and
// lets its holder know the case exists), but never hands it over,
// transfers it or changes who is assigned; and it is not broken twice.
var caseGrantAllowed = map[Action]map[Role][]scope{
	CreateCase:     {},
	SeeCase:        {Zorgcoordinator: {sGrant, sGrantMember}},
	ReadCase:       {Zorgcoordinator: {sGrant, sGrantMember}},
	WriteCase:      {Zorgcoordinator: {sGrant, sGrantMember}},
	AssignCase:     {Zorgcoordinator: {sGrantMember}},
	BreakGlass:     {},
	DecideTransfer: {Zorgcoordinator: {sGrant, sGrantMember}},
	ListCases:      {},
}

func TestCaseGrantMatrix(t *testing.T) {
	for a, byRole := range caseGrantAllowed {
		for _, r := range Roles {
			for _, sc := range []scope{sGrant, sGrantOther, sGrantMember} {
				want := slices.Contains(byRole[r], sc)
				subj := Subject{UserID: "u-self", OrgID: "gem-a", RegionID: "noord", Roles: []Role{r}}
				if got := Can(subj, a, caseResourceFor(sc)); got != want {
					t.Errorf("%s %s %s: got %v, want %v", r, a, sc, got, want)
				}
				if err := Require(subj, a, caseResourceFor(sc)); (err == nil) != want {
					t.Errorf("Require %s %s %s: %v", r, a, sc, err)
				}
			}
		}
	}
}

// TestAssignCaseRequire: a grant holder who tries to hand a case over or
// transfer it is forbidden (it knows the case exists), a stale grant of a
// case now in another region gives nothing (not found).
func TestAssignCaseRequire(t *testing.T) {
	coord := Subject{UserID: "u-self", OrgID: "gem-a", RegionID: "noord", Roles: []Role{Zorgcoordinator}}
	for _, c := range []struct {
		name string
		r    Resource
		want errs.Code
	}{
		{"grant holder", caseResourceFor(sGrant), errs.Forbidden},
		{"unassigned coordinator of the region", resourceFor(sSameRegion), errs.Forbidden},
		{"stale grant after a transfer", caseResourceFor(sGrantOther), errs.NotFound},
		{"stale membership after a transfer", resourceFor(sMemberOther), errs.NotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := errs.CodeOf(Require(coord, AssignCase, c.r)); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestMeldcodeClosed: nobody records meldcode steps on a closed or
// converted signal — forbidden for who may read it, not_found for others —
// and reading it is unchanged.
func TestMeldcodeClosed(t *testing.T) {
	for _, sc := range []scope{sSelf, sOwnOrg, sSameRegion, sOtherRegion} {
		r := resourceFor(sc)
		r.Closed = true
		for _, role := range Roles {
			subj := Subject{UserID: "u-self", OrgID: "gem-a", RegionID: "noord", Roles: []Role{role}}
			if Can(subj, RecordMeldcode, r) {
				t.Errorf("%s may record the meldcode of a closed signal (%s)", role, sc)
			}
			err := Require(subj, RecordMeldcode, r)
			want := errs.NotFound
			if Can(subj, ReadSignal, r) {
				want = errs.Forbidden
			}
			if !errs.Is(err, want) {
				t.Errorf("%s %s closed: %v, want %s", role, sc, err, want)
			}
			open := resourceFor(sc)
			if Can(subj, ReadSignal, open) != Can(subj, ReadSignal, r) {
				t.Errorf("%s %s: closing changes who may read", role, sc)
			}
		}
	}
}
