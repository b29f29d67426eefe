package api

import (
	"net/http"
	"time"

	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// roleGrantJSON is a proposal to give a user a sensitive role (four eyes).
type roleGrantJSON struct {
	ID             string      `json:"id"`
	UserID         string      `json:"userId"`
	Role           policy.Role `json:"role"`
	OrganisationID string      `json:"organisationId"`
	Reason         string      `json:"reason"`
	Status         string      `json:"status"`
	ProposedBy     string      `json:"proposedBy"`
	ProposedAt     time.Time   `json:"proposedAt"`
	DecidedBy      *string     `json:"decidedBy"`
	DecidedAt      *time.Time  `json:"decidedAt"`
	Version        int         `json:"version"`
	// AwaitsOwnPassword: an administrator set the user's password and the
	// user has not yet chosen their own; approval answers 409 until then.
	AwaitsOwnPassword bool `json:"awaitsOwnPassword"`
}

func roleGrantOf(g org.RoleGrant) roleGrantJSON {
	out := roleGrantJSON{ID: g.ID, UserID: g.UserID, Role: g.Role, OrganisationID: g.OrganisationID, Reason: g.Reason,
		Status: g.Status, ProposedBy: g.ProposedBy, ProposedAt: g.ProposedAt, DecidedAt: g.DecidedAt, Version: g.Version,
		AwaitsOwnPassword: g.AwaitsOwnPassword()}
	if g.DecidedBy != "" {
		out.DecidedBy = &g.DecidedBy
	}
	return out
}

// pendingGrantJSON is a grant in the list of GET /role-grants: with the
// user's name and address (the decider checks with the person) and what
// the caller may do with it.
type pendingGrantJSON struct {
	roleGrantJSON
	UserName         string `json:"userName"`
	UserEmail        string `json:"userEmail"`
	OrganisationName string `json:"organisationName"`
	MayApprove       bool   `json:"mayApprove"`
	MayWithdraw      bool   `json:"mayWithdraw"`
}

type roleGrantListJSON struct {
	Items []pendingGrantJSON `json:"items"`
}

// roleGrantDecisionJSON is the body of POST /role-grants/{id}/decisions.
type roleGrantDecisionJSON struct {
	Decision string `json:"decision"`
	Version  *int   `json:"version"`
}

func (a *API) listRoleGrants(w http.ResponseWriter, r *http.Request, u org.User) error {
	gs, err := a.d.Orgs.ListRoleGrants(r.Context(), u.Subject())
	if err != nil {
		return err
	}
	out := roleGrantListJSON{Items: make([]pendingGrantJSON, 0, len(gs))}
	for _, g := range gs {
		out.Items = append(out.Items, pendingGrantJSON{roleGrantJSON: roleGrantOf(g.RoleGrant), UserName: g.UserName, UserEmail: g.UserEmail,
			OrganisationName: g.OrganisationName, MayApprove: g.MayApprove, MayWithdraw: g.MayWithdraw})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) getRoleGrant(w http.ResponseWriter, r *http.Request, u org.User) error {
	g, err := a.d.Orgs.GetRoleGrant(r.Context(), u.Subject(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, roleGrantOf(g))
}

func (a *API) decideRoleGrant(w http.ResponseWriter, r *http.Request, u org.User) error {
	var in roleGrantDecisionJSON
	if err := a.readJSON(w, r, &in); err != nil {
		return err
	}
	var g org.RoleGrant
	err := withVersion(in.Version, func(version int) (err error) {
		g, err = a.d.Orgs.DecideRoleGrant(r.Context(), u.Subject(), r.PathValue("id"), version, in.Decision)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, roleGrantOf(g))
}
