package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// grantsPage lists the role grants awaiting a second person's approval
// (four eyes): the beheerders of the users' organisations and the
// privacyfunctionaris decide them here.
type grantsPage struct {
	Grants []org.GrantView
	Alert  string // a refused decision, shown above the list
}

func (s *Server) grantList(w http.ResponseWriter, r *http.Request) error {
	return s.renderGrants(w, r, http.StatusOK, "")
}

func (s *Server) renderGrants(w http.ResponseWriter, r *http.Request, status int, alert string) error {
	st := stateOf(r)
	if !policy.Can(st.subject, policy.ApproveRole, policy.Resource{}) {
		return errForbidden
	}
	gs, err := s.d.Orgs.ListRoleGrants(r.Context(), st.subject)
	if err != nil {
		return err
	}
	p := s.newPage(r, "web.grants.title", grantsPage{Grants: gs, Alert: alert})
	p.Notice = notice(r)
	return s.render(w, r, status, "grants", p)
}

// grantDecide approves, rejects or withdraws one grant. A refusal (the
// proposer approving, a decision taken meanwhile) shows the list again with
// the reason.
func (s *Server) grantDecide(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if !policy.Can(st.subject, policy.ApproveRole, policy.Resource{}) {
		return errForbidden
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	decision := r.PostForm.Get("decision")
	if err != nil || !slices.Contains(org.Decisions, decision) {
		return errs.E(errs.Invalid, "web.error.bad_form")
	}
	_, err = s.d.Orgs.DecideRoleGrant(r.Context(), st.subject, r.PathValue("id"), version, decision)
	if err == nil {
		redirect(w, r, "/beheer/rollen?melding="+url.QueryEscape(grantNotices[decision]))
		return nil
	}
	if e := errs.As(err); e != nil && (e.Code == errs.Conflict || e.Code == errs.Forbidden) {
		status := http.StatusConflict
		if e.Code == errs.Forbidden {
			status = http.StatusForbidden
		}
		return s.renderGrants(w, r, status, e.Key)
	}
	return err
}

// grantNotices: the ?melding= of each decision (see notices).
var grantNotices = map[string]string{org.DecideApprove: "rol_goedgekeurd", org.DecideReject: "rol_afgewezen", org.DecideWithdraw: "rol_ingetrokken"}
