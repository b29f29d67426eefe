package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/org"
)

type grantBody struct {
	ID, UserID, Role, OrganisationID, Reason, Status, ProposedBy string
	DecidedBy                                                    *string
	Version                                                      int
	UserName, UserEmail, OrganisationName                        string
	MayApprove, MayWithdraw, AwaitsOwnPassword                   bool
}

// TestRoleGrants walks four eyes through the API: the region's beheerder
// proposes a care coordinator, cannot approve it, the privacyfunctionaris
// does, and the role is in effect; the account can then read the region's
// signal inbox, and could not before.
func TestRoleGrants(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		var u userBody
		e.do(t, "POST", "/api/v1/users", map[string]any{"email": "zc@baken.test", "name": "Nieuwe ZC", "organisationId": e.noord.ID,
			"roles": []string{"zorgcoordinator"}, "password": testPassword}, e.as("adminNoord")).want(t, 201).decode(t, &u)
		if len(u.Roles) != 0 || len(u.PendingRoles) != 1 || u.PendingRoles[0].Reason != "new" || u.PendingRoles[0].ProposedBy != e.users["adminNoord"].ID {
			t.Fatalf("created %+v", u)
		}
		g := u.PendingRoles[0]

		var list struct{ Items []grantBody }
		e.do(t, "GET", "/api/v1/role-grants", nil, e.as("adminNoord")).want(t, 200).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].MayApprove || !list.Items[0].MayWithdraw || list.Items[0].UserEmail != "zc@baken.test" {
			t.Errorf("the proposer's list %+v", list.Items)
		}
		e.do(t, "GET", "/api/v1/role-grants", nil, e.as("fg")).want(t, 200).decode(t, &list)
		if len(list.Items) != 1 || !list.Items[0].MayApprove || list.Items[0].MayWithdraw {
			t.Errorf("the privacyfunctionaris's list %+v", list.Items)
		}
		e.do(t, "GET", "/api/v1/role-grants", nil, e.as("adminA")).want(t, 200).decode(t, &list)
		if len(list.Items) != 0 {
			t.Errorf("a municipality's beheerder sees %+v", list.Items)
		}
		e.do(t, "GET", "/api/v1/role-grants", nil, e.as("signaleerderA")).wantProblem(t, 403, "forbidden")
		e.do(t, "GET", "/api/v1/role-grants/"+g.ID, nil, e.as("adminC")).wantProblem(t, 404, "not_found")
		var one grantBody
		e.do(t, "GET", "/api/v1/role-grants/"+g.ID, nil, e.as("fg")).want(t, 200).decode(t, &one)
		if one.ID != g.ID || one.Status != "pending" || one.DecidedBy != nil {
			t.Errorf("grant %+v", one)
		}

		// Not yet a coordinator: the inbox is closed to it. Give it a token
		// the way the command line does.
		secret, _, err := e.a.Auth.CreateToken(e.ctx, org.System, u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		e.tokens["zc"] = secret
		e.do(t, "GET", "/api/v1/signals/inbox", nil, e.as("zc")).wantProblem(t, 403, "forbidden")

		// The proposer may not approve; bad decisions are named.
		p := e.do(t, "POST", "/api/v1/role-grants/"+g.ID+"/decisions", map[string]any{"decision": "approve", "version": g.Version}, e.as("adminNoord")).wantProblem(t, 403, "forbidden")
		if !strings.Contains(p.Detail, "zelf voorgesteld") {
			t.Errorf("own proposal: %+v", p)
		}
		p = e.do(t, "POST", "/api/v1/role-grants/"+g.ID+"/decisions", map[string]any{"decision": "perhaps"}, e.as("fg")).wantProblem(t, 400, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"version:field.required"}) && !slices.Equal(got, []string{"decision:grant.decision.invalid", "version:field.required"}) {
			t.Errorf("bad decision: %v", got)
		}
		e.do(t, "POST", "/api/v1/role-grants/"+g.ID+"/decisions", map[string]any{"decision": "approve", "version": g.Version + 1}, e.as("fg")).wantProblem(t, 409, "conflict")
		// The beheerder chose the password: approval waits for the user's own.
		if !g.AwaitsOwnPassword {
			t.Errorf("grant %+v", g)
		}
		p = e.do(t, "POST", "/api/v1/role-grants/"+g.ID+"/decisions", map[string]any{"decision": "approve", "version": g.Version}, e.as("fg")).wantProblem(t, 409, "conflict")
		if !strings.Contains(p.Detail, "eerst zelf een wachtwoord") {
			t.Errorf("password not own: %+v", p)
		}
		if err := e.a.Orgs.ChangePassword(e.ctx, org.User{ID: u.ID}.Subject(), "", testPassword, "mijn eigen lange wachtwoord", false); err != nil {
			t.Fatal(err)
		}
		e.do(t, "POST", "/api/v1/role-grants/"+g.ID+"/decisions", map[string]any{"decision": "approve", "version": g.Version}, e.as("fg")).want(t, 200).decode(t, &one)
		if one.Status != "approved" || one.DecidedBy == nil || *one.DecidedBy != e.users["fg"].ID {
			t.Errorf("approved %+v", one)
		}
		e.do(t, "POST", "/api/v1/role-grants/"+g.ID+"/decisions", map[string]any{"decision": "reject", "version": one.Version}, e.as("admin")).wantProblem(t, 409, "conflict")
		e.do(t, "GET", "/api/v1/signals/inbox", nil, e.as("zc")).want(t, 200)
		e.do(t, "GET", "/api/v1/users/"+u.ID, nil, e.as("adminNoord")).want(t, 200).decode(t, &u)
		if !slices.Equal(u.Roles, []string{"zorgcoordinator"}) || len(u.PendingRoles) != 0 {
			t.Errorf("after approval %+v", u)
		}
	})
}
