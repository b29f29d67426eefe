package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

type userListPage struct {
	Users []org.User
	Query string // the search text; only ever from a POST body, never in a URL
	Org   string // organisation filter (an id)
	Orgs  []org.Organisation
	Pager pager
}

const userPageSize = 25

func requireManageUsers(st *state) error {
	if !policy.Can(st.subject, policy.ManageUser, policy.Resource{}) {
		return errForbidden
	}
	return nil
}

// userList lists the accounts in the admin's scope. GET takes only ids
// (organisation, page); the search by name or address is a POST, so that
// names never stand in a URL, a browser history or a proxy log. With htmx
// the search form updates the results as one types.
func (s *Server) userList(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := requireManageUsers(st); err != nil {
		return err
	}
	v := r.URL.Query()
	if r.Method == http.MethodPost {
		v = r.PostForm
	}
	lp := userListPage{Org: v.Get("organisatie")}
	if r.Method == http.MethodPost {
		if q := []rune(v.Get("q")); len(q) > 200 {
			lp.Query = string(q[:200])
		} else {
			lp.Query = string(q)
		}
	}
	pg, err := pageNumber(v.Get("pagina"))
	if err != nil {
		return err
	}
	orgs, err := s.d.Orgs.ListOrgs(r.Context(), st.subject)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if policy.Can(st.subject, policy.ManageUser, policy.Resource{OrgID: o.ID, RegionID: o.Region()}) {
			lp.Orgs = append(lp.Orgs, o)
		}
	}
	if lp.Org != "" && !slices.ContainsFunc(lp.Orgs, func(o org.Organisation) bool { return o.ID == lp.Org }) {
		return errs.E(errs.Invalid, "user.organisation.unknown")
	}
	filter := org.UserFilter{OrganisationID: lp.Org, Query: lp.Query, Limit: userPageSize, Offset: (pg - 1) * userPageSize}
	users, total, err := s.d.Orgs.ListUsers(r.Context(), st.subject, filter)
	if err != nil {
		return err
	}
	lp.Pager = newPager(pg, userPageSize, total, "/beheer/gebruikers", urlValues("organisatie", lp.Org, lp.Org != ""))
	if lp.Pager.Page != pg { // asked beyond the last page: show the last one
		filter.Offset = lp.Pager.Offset()
		if users, total, err = s.d.Orgs.ListUsers(r.Context(), st.subject, filter); err != nil {
			return err
		}
		lp.Pager = newPager(lp.Pager.Page, userPageSize, total, lp.Pager.base, lp.Pager.params)
	}
	lp.Users = users
	p := s.newPage(r, "web.users.title", lp)
	p.Self = "/beheer/gebruikers"
	p.Notice = notice(r)
	return s.render(w, r, http.StatusOK, "users", p)
}

type userFormPage struct {
	Form      *form
	ID        string // "" when creating
	Version   int
	Orgs      []org.Organisation
	Roles     []policy.Role
	Locales   []string
	CanTokens bool
	Tokens    []auth.Token
	TokenPage pager
	Pending   []org.RoleGrant // sensitive roles awaiting a second person
	Own       bool            // the beheerder's own account: roles, organisation and password are not theirs to change
}

var userLabels = map[string]string{
	"email": "web.user.email", "name": "web.user.name", "phone": "web.user.phone", "organisationId": "web.user.organisation",
	"roles": "web.user.roles", "locale": "web.user.locale", "disabled": "web.user.disabled", "password": "web.user.password",
}

func userValues(u org.User) url.Values {
	v := url.Values{"email": {u.Email}, "name": {u.Name}, "phone": {u.Phone}, "organisationId": {u.OrganisationID}, "locale": {u.Locale}}
	for _, r := range u.Roles {
		v.Add("roles", string(r))
	}
	if u.Disabled {
		v.Set("disabled", "1")
	}
	return v
}

func userInput(v url.Values) org.UserInput {
	in := org.UserInput{Email: v.Get("email"), Name: v.Get("name"), Phone: v.Get("phone"), OrganisationID: v.Get("organisationId"),
		Locale: v.Get("locale"), Disabled: v.Get("disabled") == "1", Password: v.Get("password")}
	for _, r := range v["roles"] {
		in.Roles = append(in.Roles, policy.Role(r))
	}
	return in
}

func (s *Server) renderUserForm(w http.ResponseWriter, r *http.Request, status int, fp userFormPage) error {
	st := stateOf(r)
	orgs, err := s.d.Orgs.ListOrgs(r.Context(), st.subject)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if policy.Can(st.subject, policy.ManageUser, policy.Resource{OrgID: o.ID, RegionID: o.Region()}) || o.ID == fp.Form.Get("organisationId") {
			fp.Orgs = append(fp.Orgs, o)
		}
	}
	fp.Roles, fp.Locales = policy.Roles, org.Locales
	fp.Own = fp.ID != "" && fp.ID == st.user.ID
	title := "web.user.new_title"
	if fp.ID != "" {
		title = "web.user.edit_title"
		res := policy.Resource{ID: fp.ID, OwnerID: fp.ID}
		for _, o := range orgs {
			if o.ID == fp.Form.Get("organisationId") {
				res.OrgID, res.RegionID = o.ID, o.Region()
			}
		}
		if fp.CanTokens = policy.Can(st.subject, policy.ManageTokens, res); fp.CanTokens {
			all, err := s.d.Auth.ListTokens(r.Context(), st.subject, fp.ID)
			if err != nil {
				return err
			}
			fp.Tokens, fp.TokenPage = pageTokens(r, all, "/beheer/gebruikers/"+url.PathEscape(fp.ID))
		}
	}
	p := s.newPage(r, title, fp)
	p.Notice = notice(r)
	if fp.ID != "" {
		p.Self = "/beheer/gebruikers/" + url.PathEscape(fp.ID)
	}
	return s.render(w, r, status, "user_form", p)
}

func (s *Server) userNew(w http.ResponseWriter, r *http.Request) error {
	if err := requireManageUsers(stateOf(r)); err != nil {
		return err
	}
	f := newForm(url.Values{"locale": {"nl"}, "organisationId": {r.URL.Query().Get("organisatie")}}, userLabels)
	return s.renderUserForm(w, r, http.StatusOK, userFormPage{Form: f})
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := requireManageUsers(st); err != nil {
		return err
	}
	f := newForm(r.PostForm, userLabels)
	u, err := s.d.Orgs.CreateUser(r.Context(), st.subject, userInput(r.PostForm))
	if err == nil {
		redirect(w, r, "/beheer/gebruikers/"+url.PathEscape(u.ID)+"?melding="+savedNotice(u, "aangemaakt"))
		return nil
	}
	status, err := formProblem(f, err)
	if err != nil {
		return err
	}
	return s.renderUserForm(w, r, status, userFormPage{Form: f})
}

func (s *Server) userEdit(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := requireManageUsers(st); err != nil {
		return err
	}
	u, err := s.d.Orgs.GetUser(r.Context(), st.subject, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !policy.Can(st.subject, policy.ManageUser, u.Resource()) {
		return errForbidden
	}
	return s.renderUserForm(w, r, http.StatusOK, userFormPage{Form: newForm(userValues(u), userLabels), ID: u.ID, Version: u.Version, Pending: u.PendingRoles})
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := requireManageUsers(st); err != nil {
		return err
	}
	id := r.PathValue("id")
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		return errs.E(errs.Invalid, "web.error.bad_form")
	}
	f := newForm(r.PostForm, userLabels)
	u, err := s.d.Orgs.UpdateUser(r.Context(), st.subject, id, version, userInput(r.PostForm))
	if err == nil {
		// A role proposed by this edit carries the edit's time.
		melding := "opgeslagen"
		if slices.ContainsFunc(u.PendingRoles, func(g org.RoleGrant) bool { return g.ProposedAt.Equal(u.UpdatedAt) }) {
			melding = "voorgesteld"
		}
		redirect(w, r, "/beheer/gebruikers/"+url.PathEscape(id)+"?melding="+melding)
		return nil
	}
	if isStale(err) {
		cur, gerr := s.d.Orgs.GetUser(r.Context(), st.subject, id)
		if gerr != nil {
			return gerr
		}
		f = newForm(userValues(cur), userLabels)
		f.Alert = "error.stale"
		return s.renderUserForm(w, r, http.StatusConflict, userFormPage{Form: f, ID: id, Version: cur.Version, Pending: cur.PendingRoles})
	}
	status, err := formProblem(f, err)
	if err != nil {
		return err
	}
	cur, err := s.d.Orgs.GetUser(r.Context(), st.subject, id)
	if err != nil {
		return err
	}
	return s.renderUserForm(w, r, status, userFormPage{Form: f, ID: id, Version: version, Pending: cur.PendingRoles})
}

// revokeUserToken is the admin's revocation of someone's API token.
func (s *Server) revokeUserToken(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := requireManageUsers(st); err != nil {
		return err
	}
	userID, tokenID := r.PathValue("id"), r.PathValue("token")
	tokens, err := s.d.Auth.ListTokens(r.Context(), st.subject, userID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(tokens, func(t auth.Token) bool { return t.ID == tokenID }) {
		return errNotFound
	}
	if err := s.d.Auth.RevokeToken(r.Context(), st.subject, tokenID); err != nil {
		return err
	}
	redirect(w, r, "/beheer/gebruikers/"+url.PathEscape(userID)+"?melding=token_ingetrokken")
	return nil
}

// savedNotice: the notice after saving an account, saying so when a role
// awaits a second person's approval.
func savedNotice(u org.User, plain string) string {
	if len(u.PendingRoles) > 0 {
		return "voorgesteld"
	}
	return plain
}
