package org_test

import (
	"slices"
	"testing"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// signalOf is the policy view of a signal of Groningen (region Noord) that
// someone else reported: what a care coordinator of Noord may read.
func (f *fixture) signalOf() policy.Resource {
	return policy.Resource{ID: "signal-1", OrgID: f.groningen.ID, RegionID: f.noord.ID, OwnerID: f.signaleerder.ID}
}

// reads: the account, as it is stored now, may read the region's signals.
func (f *fixture) reads(t *testing.T, id string) bool {
	t.Helper()
	return policy.Can(f.load(t, id).Subject(), policy.ReadSignal, f.signalOf())
}

func (f *fixture) pending(t *testing.T, id string) []org.RoleGrant {
	t.Helper()
	u, err := f.svc.GetUser(f.ctx, org.System, id)
	if err != nil {
		t.Fatal(err)
	}
	return u.PendingRoles
}

// ownPassword: the user chooses their own password (Mijn account); it
// returns the new one.
func (f *fixture) ownPassword(t *testing.T, id, current string) string {
	t.Helper()
	next := "mijn eigen gekozen wachtwoord " + id[:8]
	if current == next {
		next += "!"
	}
	if err := f.svc.ChangePassword(f.ctx, f.load(t, id).Subject(), "", current, next, false); err != nil {
		t.Fatalf("own password: %v", err)
	}
	return next
}

func (f *fixture) decide(t *testing.T, actor policy.Subject, g org.RoleGrant, decision string) (org.RoleGrant, error) {
	t.Helper()
	return f.svc.DecideRoleGrant(f.ctx, actor, g.ID, g.Version, decision)
}

func (f *fixture) addRoles(t *testing.T, actor policy.Subject, u org.User, roles ...policy.Role) (org.User, error) {
	t.Helper()
	cur := f.load(t, u.ID)
	in := input(cur)
	in.Roles = append(in.Roles, roles...)
	return f.svc.UpdateUser(f.ctx, actor, u.ID, cur.Version, in)
}

// The security review's three reproductions (F1): a municipal, a regional
// and a national beheerder each tried to give themselves, or an account they
// made, the care coordinator's role and so every signal of the region. None
// of them may now reach a signal alone.
func TestReviewReproductionsGrantNoAccess(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		t.Run("municipal beheerder", func(t *testing.T) {
			gron := f.noordAdmin.Subject()
			// An account in the region's organisation: out of its scope.
			_, err := f.svc.CreateUser(f.ctx, gron, org.UserInput{Email: "zc1@noord.nl", Name: "Z", OrganisationID: f.noord.ID,
				Roles: []policy.Role{policy.Zorgcoordinator}, Password: testPassword})
			wantFields(t, err, errs.Invalid, "organisationId:user.organisation.out_of_scope")
			// Itself: refused.
			_, err = f.addRoles(t, gron, f.noordAdmin, policy.Zorgcoordinator)
			wantFields(t, err, errs.Invalid, "roles:user.self_roles")
			// An account of its own municipality: only proposed.
			u, err := f.svc.CreateUser(f.ctx, gron, org.UserInput{Email: "zc2@groningen.nl", Name: "Z2", OrganisationID: f.groningen.ID,
				Roles: []policy.Role{policy.Zorgcoordinator}, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			if len(u.Roles) != 0 || len(u.PendingRoles) != 1 || u.PendingRoles[0].Role != policy.Zorgcoordinator {
				t.Fatalf("created %+v / pending %+v", u.Roles, u.PendingRoles)
			}
			if f.reads(t, u.ID) || f.reads(t, f.noordAdmin.ID) {
				t.Error("a municipal beheerder reached the region's signals")
			}
			// Nor can it approve its own proposal — nor could a second
			// beheerder of the municipality: the role reaches the region.
			_, err = f.decide(t, gron, u.PendingRoles[0], org.DecideApprove)
			wantCode(t, err, errs.NotFound)
			gron2 := f.mustUser(t, "beheer2@groningen.nl", "Tweede Beheer", f.groningen.ID, policy.Beheerder)
			_, err = f.decide(t, gron2.Subject(), u.PendingRoles[0], org.DecideApprove)
			wantCode(t, err, errs.NotFound)
			if f.reads(t, u.ID) {
				t.Error("self-approved")
			}
		})
		t.Run("regional beheerder", func(t *testing.T) {
			reg := f.regionAdmin.Subject()
			_, err := f.addRoles(t, reg, f.regionAdmin, policy.Zorgcoordinator)
			wantFields(t, err, errs.Invalid, "roles:user.self_roles")
			u, err := f.svc.CreateUser(f.ctx, reg, org.UserInput{Email: "zc3@noord.nl", Name: "Z3", OrganisationID: f.noord.ID,
				Roles: []policy.Role{policy.Zorgcoordinator}, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			if f.reads(t, u.ID) {
				t.Fatal("a proposed role had effect")
			}
			_, err = f.decide(t, reg, u.PendingRoles[0], org.DecideApprove)
			wantCode(t, err, errs.Forbidden)
			if e := errs.As(err); e == nil || e.Key != "grant.own_proposal" {
				t.Errorf("own approval: %v", err)
			}
			// A second account it makes to approve with is itself only a
			// proposal: a proposed beheerder approves nothing.
			puppet, err := f.svc.CreateUser(f.ctx, reg, org.UserInput{Email: "tweede@noord.nl", Name: "Tweede", OrganisationID: f.noord.ID,
				Roles: []policy.Role{policy.Beheerder}, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			if len(puppet.Roles) != 0 {
				t.Fatalf("the puppet beheerder has roles %v", puppet.Roles)
			}
			_, err = f.decide(t, f.load(t, puppet.ID).Subject(), u.PendingRoles[0], org.DecideApprove)
			if err == nil || f.reads(t, u.ID) {
				t.Fatalf("approved by an account the proposer made: %v", err)
			}
			// Nor can it make a token to act as someone who has the role.
			coord := f.mustUser(t, "echte.zc@noord.nl", "Echte ZC", f.noord.ID, policy.Zorgcoordinator)
			if _, _, err := f.auth.CreateToken(f.ctx, reg, coord.ID, "overname"); err == nil {
				t.Error("a beheerder made an API token for a care coordinator")
			}
		})
		t.Run("national beheerder", func(t *testing.T) {
			nat := f.natAdmin.Subject()
			// Moving itself into the region with the role in one edit.
			cur := f.load(t, f.natAdmin.ID)
			in := input(cur)
			in.OrganisationID, in.Roles = f.noord.ID, append(in.Roles, policy.Zorgcoordinator)
			_, err := f.svc.UpdateUser(f.ctx, nat, f.natAdmin.ID, cur.Version, in)
			wantFields(t, err, errs.Invalid, "organisationId:user.self_organisation", "roles:user.self_roles")
			if got := f.load(t, f.natAdmin.ID); got.OrganisationID != f.national.ID || f.reads(t, got.ID) {
				t.Fatalf("national beheerder moved or gained: %+v", got)
			}
			// Giving the signaleerder the role: a proposal.
			u, err := f.addRoles(t, nat, f.signaleerder, policy.Zorgcoordinator)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(u.Roles, []policy.Role{policy.Signaleerder}) || len(u.PendingRoles) != 1 {
				t.Fatalf("roles %v pending %+v", u.Roles, u.PendingRoles)
			}
		})
	})
}

// Four eyes: a second person approves and the role takes effect; both steps
// are in the processing log; a rejection or a withdrawal leaves no role.
func TestRoleGrantApproval(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		fg := f.mustUser(t, "fg@baken.nl", "Fien FG", f.national.ID, policy.Privacyfunctionaris)
		reg := f.regionAdmin.Subject()
		u, err := f.svc.CreateUser(f.ctx, reg, org.UserInput{Email: "zc@noord.nl", Name: "Zeger ZC", OrganisationID: f.noord.ID,
			Roles: []policy.Role{policy.Analist, policy.Zorgcoordinator}, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(u.Roles, []policy.Role{policy.Analist}) {
			t.Fatalf("effective roles %v", u.Roles)
		}
		g := u.PendingRoles[0]
		if g.Reason != org.GrantNew || g.ProposedBy != f.regionAdmin.ID || g.OrganisationID != f.noord.ID || g.Status != org.GrantPending {
			t.Fatalf("grant %+v", g)
		}
		// Who sees it, and who may decide.
		for _, c := range []struct {
			who     policy.Subject
			see     bool
			approve bool
		}{
			{reg, true, false},
			{f.natAdmin.Subject(), true, true},
			{fg.Subject(), true, true},
			{f.noordAdmin.Subject(), false, false}, // Groningen's beheerder does not administer the region
			{f.zuidAdmin.Subject(), false, false},
		} {
			list, err := f.svc.ListRoleGrants(f.ctx, c.who)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(list, func(v org.GrantView) bool { return v.ID == g.ID })
			if (i >= 0) != c.see || i >= 0 && list[i].MayApprove != c.approve {
				t.Errorf("%s: list %+v", c.who.UserID, list)
			}
		}
		if _, err := f.svc.ListRoleGrants(f.ctx, f.signaleerder.Subject()); !errs.Is(err, errs.Forbidden) {
			t.Errorf("signaleerder lists grants: %v", err)
		}
		if _, err := f.decide(t, f.zuidAdmin.Subject(), g, org.DecideApprove); !errs.Is(err, errs.NotFound) {
			t.Errorf("other region's beheerder: %v", err)
		}
		if _, err := f.decide(t, f.natAdmin.Subject(), g, "maybe"); !errs.Is(err, errs.Invalid) {
			t.Errorf("unknown decision: %v", err)
		}
		if _, err := f.svc.DecideRoleGrant(f.ctx, f.natAdmin.Subject(), g.ID, g.Version+1, org.DecideApprove); !errs.Is(err, errs.Conflict) {
			t.Errorf("stale version: %v", err)
		}
		if f.reads(t, u.ID) {
			t.Fatal("role in effect before approval")
		}
		// The region's beheerder set the password: until the user has
		// chosen their own, nobody approves.
		if !g.AwaitsOwnPassword() {
			t.Fatalf("grant of an account an administrator made: %+v", g)
		}
		if _, err := f.decide(t, fg.Subject(), g, org.DecideApprove); !errs.Is(err, errs.Conflict) || errs.As(err).Key != "grant.password_not_own" {
			t.Fatalf("approval before the user's own password: %v", err)
		}
		f.ownPassword(t, u.ID, testPassword)
		g = f.pending(t, u.ID)[0]
		d, err := f.decide(t, fg.Subject(), g, org.DecideApprove)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != org.GrantApproved || d.DecidedBy != fg.ID || d.DecidedAt == nil {
			t.Errorf("decided %+v", d)
		}
		if !f.reads(t, u.ID) {
			t.Fatal("approved role has no effect")
		}
		if _, err := f.decide(t, f.natAdmin.Subject(), d, org.DecideReject); !errs.Is(err, errs.Conflict) {
			t.Errorf("deciding twice: %v", err)
		}
		for _, action := range []string{"user.role.propose", "user.role.approve"} {
			recs := f.records(t, audit.Filter{ObjectID: g.ID, Action: action})
			if len(recs) != 1 || recs[0].ActivityID != audit.ActivitySecurity || f.subjectOf(t, recs[0]) != u.ID {
				t.Errorf("%s records: %+v", action, recs)
			}
		}

		// An administrator's password reset sends the role back for approval.
		cur := f.load(t, u.ID)
		in := input(cur)
		in.Password = "een nieuw wachtwoord van de beheerder"
		u, err = f.svc.UpdateUser(f.ctx, reg, u.ID, cur.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if f.reads(t, u.ID) || len(u.PendingRoles) != 1 || u.PendingRoles[0].Reason != org.GrantReset {
			t.Fatalf("after a reset: roles %v pending %+v", u.Roles, u.PendingRoles)
		}
		f.ownPassword(t, u.ID, in.Password)
		if _, err := f.decide(t, f.natAdmin.Subject(), f.pending(t, u.ID)[0], org.DecideApprove); err != nil {
			t.Fatal(err)
		}
		// Moving the user to another organisation, likewise (and a
		// proposal for the old organisation can no longer be approved).
		cur = f.load(t, u.ID)
		in = input(cur)
		in.OrganisationID = f.zuid.ID
		u, err = f.svc.UpdateUser(f.ctx, f.natAdmin.Subject(), u.ID, cur.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(u.Roles, policy.Zorgcoordinator) || len(u.PendingRoles) != 1 ||
			u.PendingRoles[0].Reason != org.GrantMoved || u.PendingRoles[0].OrganisationID != f.zuid.ID {
			t.Fatalf("after a move: roles %v pending %+v", u.Roles, u.PendingRoles)
		}
		// The proposer withdraws; nothing is left pending.
		w, err := f.decide(t, f.natAdmin.Subject(), u.PendingRoles[0], org.DecideWithdraw)
		if err != nil || w.Status != org.GrantWithdrawn {
			t.Fatalf("withdraw: %+v %v", w, err)
		}
		if p := f.pending(t, u.ID); len(p) != 0 {
			t.Errorf("pending after withdrawal: %+v", p)
		}
		f.verifyLog(t)
	})
}

// A grant holds for the account as it was proposed: not after the user
// moved elsewhere (behind the proposal's back) nor once disabled; a rejected
// role has no effect; disabling withdraws what is pending.
func TestRoleGrantStale(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg, nat := f.regionAdmin.Subject(), f.natAdmin.Subject()
		u, err := f.svc.CreateUser(f.ctx, reg, org.UserInput{Email: "p@vt.nl", Name: "Partner", OrganisationID: f.partner.ID,
			Roles: []policy.Role{policy.Ketenpartner, policy.Zorgcoordinator}, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		if len(u.PendingRoles) != 2 {
			t.Fatalf("pending %+v", u.PendingRoles)
		}
		r, err := f.decide(t, nat, u.PendingRoles[0], org.DecideReject)
		if err != nil || r.Status != org.GrantRejected {
			t.Fatalf("reject: %+v %v", r, err)
		}
		if got := f.load(t, u.ID); len(got.Roles) != 0 {
			t.Errorf("rejected role in effect: %v", got.Roles)
		}
		// Disabled: what is pending is withdrawn.
		cur := f.load(t, u.ID)
		in := input(cur)
		in.Disabled = true
		if _, err := f.svc.UpdateUser(f.ctx, reg, u.ID, cur.Version, in); err != nil {
			t.Fatal(err)
		}
		if p := f.pending(t, u.ID); len(p) != 0 {
			t.Errorf("pending on a disabled account: %+v", p)
		}
		before := f.counts(t)
		if _, err := f.decide(t, nat, u.PendingRoles[1], org.DecideApprove); !errs.Is(err, errs.Conflict) {
			t.Errorf("approving a withdrawn grant: %v", err)
		}
		f.wantCounts(t, before)
	})
}

// The command line (the operator with the database and the key file) needs
// no second person: `baken user add` sets up the first care coordinator.
func TestOperatorGrantsDirectly(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		u := f.mustUser(t, "zc@noord.nl", "ZC", f.noord.ID, policy.Zorgcoordinator, policy.Beheerder)
		if !slices.Equal(u.Roles, []policy.Role{policy.Beheerder, policy.Zorgcoordinator}) || len(u.PendingRoles) != 0 {
			t.Fatalf("roles %v pending %+v", u.Roles, u.PendingRoles)
		}
		if _, _, err := f.auth.CreateToken(f.ctx, org.System, u.ID, "koppeling"); err != nil {
			t.Errorf("the operator makes a token: %v", err)
		}
	})
}

// The review of the four-eyes change (F1): an administrator who sets an
// account's password or address may not approve its roles, even those
// someone else proposed; a role reaching a region is approved only by
// those who administer or oversee the region; an organisation that moves
// to another region takes its users' sensitive roles back for approval;
// disabling and resetting at once leaves nothing pending.
func TestRoleGrantReviewFindings(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		reg, nat := f.regionAdmin.Subject(), f.natAdmin.Subject()
		t.Run("reset, then approve someone else's proposal", func(t *testing.T) {
			y, err := f.svc.CreateUser(f.ctx, reg, org.UserInput{Email: "y@noord.nl", Name: "Y", OrganisationID: f.noord.ID,
				Roles: []policy.Role{policy.Zorgcoordinator}, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			f.ownPassword(t, y.ID, testPassword)
			cur := f.load(t, y.ID)
			in := input(cur)
			in.Email, in.Password = "aanvaller@example.org", "een wachtwoord dat de aanvaller kent"
			y, err = f.svc.UpdateUser(f.ctx, nat, y.ID, cur.Version, in)
			if err != nil {
				t.Fatal(err)
			}
			g := y.PendingRoles[0]
			if g.ProposedBy != f.natAdmin.ID || g.Reason != org.GrantReset {
				t.Fatalf("after the reset the grant is %+v", g)
			}
			if _, err := f.decide(t, nat, g, org.DecideApprove); !errs.Is(err, errs.Forbidden) || f.reads(t, y.ID) {
				t.Fatalf("the resetting beheerder approved: %v", err)
			}
			// An address change alone re-proposes too.
			cur = f.load(t, y.ID)
			in = input(cur)
			in.Email = "nog-een-adres@example.org"
			y, err = f.svc.UpdateUser(f.ctx, reg, y.ID, cur.Version, in)
			if err != nil {
				t.Fatal(err)
			}
			if y.PendingRoles[0].ProposedBy != f.regionAdmin.ID {
				t.Fatalf("after the address change %+v", y.PendingRoles[0])
			}
			// The national beheerder still set the password.
			if _, err := f.decide(t, nat, y.PendingRoles[0], org.DecideApprove); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("the beheerder who set the password approved: %v", err)
			}
		})
		t.Run("a coordinator's role in a municipality reaches the region", func(t *testing.T) {
			gron := f.noordAdmin.Subject()
			u, err := f.svc.CreateUser(f.ctx, gron, org.UserInput{Email: "zc@groningen.nl", Name: "ZC Groningen", OrganisationID: f.groningen.ID,
				Roles: []policy.Role{policy.Zorgcoordinator}, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			f.ownPassword(t, u.ID, testPassword)
			g := f.pending(t, u.ID)[0]
			fgGron := f.mustUser(t, "fg@groningen.nl", "FG Groningen", f.groningen.ID, policy.Privacyfunctionaris)
			if _, err := f.decide(t, fgGron.Subject(), g, org.DecideApprove); !errs.Is(err, errs.NotFound) {
				t.Errorf("the municipality's privacyfunctionaris: %v", err)
			}
			if _, err := f.decide(t, reg, g, org.DecideApprove); err != nil {
				t.Errorf("the region's beheerder: %v", err)
			}
		})
		t.Run("an organisation moves to another region", func(t *testing.T) {
			loose, err := f.svc.CreateOrg(f.ctx, org.System, org.OrgInput{Kind: org.Partner, Name: "Losse partner"})
			if err != nil {
				t.Fatal(err)
			}
			zc := f.mustUser(t, "zc@los.nl", "ZC Los", loose.ID, policy.Zorgcoordinator, policy.Analist)
			cur, _ := f.svc.GetOrg(f.ctx, org.System, loose.ID)
			in := orgInput(cur)
			in.RegionID = f.noord.ID
			if _, err := f.svc.UpdateOrg(f.ctx, nat, loose.ID, cur.Version, in); err != nil {
				t.Fatal(err)
			}
			got := f.load(t, zc.ID)
			if !slices.Equal(got.Roles, []policy.Role{policy.Analist}) || f.reads(t, zc.ID) {
				t.Fatalf("after the move the coordinator has %v", got.Roles)
			}
			if p := f.pending(t, zc.ID); len(p) != 1 || p[0].Reason != org.GrantMoved {
				t.Fatalf("pending after the move: %+v", p)
			}
			// A national organisation has no region; nobody moves their own
			// organisation; only a national beheerder clears a region.
			nin := orgInput(f.national)
			nin.RegionID = f.noord.ID
			_, err = f.svc.UpdateOrg(f.ctx, org.System, f.national.ID, f.national.Version, nin)
			wantFields(t, err, errs.Invalid, "regionId:org.region.not_for_region")
			partnerAdmin := f.mustUser(t, "beheer@vt.nl", "Beheer VT", f.partner.ID, policy.Beheerder)
			pc, _ := f.svc.GetOrg(f.ctx, org.System, f.partner.ID)
			pin := orgInput(pc)
			pin.RegionID = ""
			_, err = f.svc.UpdateOrg(f.ctx, partnerAdmin.Subject(), f.partner.ID, pc.Version, pin)
			wantCode(t, err, errs.Forbidden)
			_, err = f.svc.UpdateOrg(f.ctx, reg, f.partner.ID, pc.Version, pin)
			wantCode(t, err, errs.Forbidden)
		})
		t.Run("disable and reset at once", func(t *testing.T) {
			u := f.mustUser(t, "zc2@noord.nl", "ZC Twee", f.noord.ID, policy.Zorgcoordinator, policy.Analist)
			cur := f.load(t, u.ID)
			in := input(cur)
			in.Disabled, in.Password = true, "een nieuw wachtwoord bij blokkeren"
			if _, err := f.svc.UpdateUser(f.ctx, reg, u.ID, cur.Version, in); err != nil {
				t.Fatal(err)
			}
			if p := f.pending(t, u.ID); len(p) != 0 {
				t.Errorf("pending on a disabled account: %+v", p)
			}
		})
	})
}
