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

type orgListPage struct {
	Orgs  []org.Organisation
	Names map[string]string // id → name, for the region column
	Kind  string            // selected kind filter
	Kinds []org.Kind
	Pager pager
}

const orgPageSize = 25

// requireManageOrgs is the page-level check of the organisation admin pages.
func requireManageOrgs(st *state) error {
	if !policy.Can(st.subject, policy.ManageOrg, policy.Resource{}) {
		return errForbidden
	}
	return nil
}

func (s *Server) orgList(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := requireManageOrgs(st); err != nil {
		return err
	}
	orgs, err := s.d.Orgs.ListOrgs(r.Context(), st.subject)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	lp := orgListPage{Names: map[string]string{}, Kind: q.Get("soort"), Kinds: org.Kinds}
	if lp.Kind != "" && !slices.Contains(org.Kinds, org.Kind(lp.Kind)) {
		return errs.E(errs.Invalid, "org.kind.invalid")
	}
	var list []org.Organisation
	for _, o := range orgs {
		lp.Names[o.ID] = o.Name
		if lp.Kind == "" || string(o.Kind) == lp.Kind {
			list = append(list, o)
		}
	}
	pg, err := pageNumber(q.Get("pagina"))
	if err != nil {
		return err
	}
	lp.Pager = newPager(pg, orgPageSize, len(list), "/beheer/organisaties", urlValues("soort", lp.Kind, lp.Kind != ""))
	lp.Orgs = list[lp.Pager.from():lp.Pager.to()]
	p := s.newPage(r, "web.orgs.title", lp)
	p.Notice = notice(r)
	return s.render(w, r, http.StatusOK, "orgs", p)
}

// orgFormPage is the create and edit form of an organisation.
type orgFormPage struct {
	Form    *form
	ID      string // "" when creating
	Version int
	Kinds   []org.Kind
	Regions []org.Organisation
}

var orgLabels = map[string]string{
	"kind": "web.org.kind", "name": "web.org.name", "regionId": "web.org.region", "partnerType": "web.org.partner_type",
	"contactEmail": "web.org.contact_email", "contactPhone": "web.org.contact_phone",
}

func orgValues(o org.Organisation) url.Values {
	return url.Values{"kind": {string(o.Kind)}, "name": {o.Name}, "regionId": {o.RegionID}, "partnerType": {o.PartnerType},
		"contactEmail": {o.ContactEmail}, "contactPhone": {o.ContactPhone}}
}

func orgInput(v url.Values) org.OrgInput {
	return org.OrgInput{Kind: org.Kind(v.Get("kind")), Name: v.Get("name"), RegionID: v.Get("regionId"),
		PartnerType: v.Get("partnerType"), ContactEmail: v.Get("contactEmail"), ContactPhone: v.Get("contactPhone")}
}

// renderOrgForm shows the form with the regions a region can be chosen from.
func (s *Server) renderOrgForm(w http.ResponseWriter, r *http.Request, status int, fp orgFormPage) error {
	st := stateOf(r)
	orgs, err := s.d.Orgs.ListOrgs(r.Context(), st.subject)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if o.Kind == org.Region && o.ID != fp.ID {
			fp.Regions = append(fp.Regions, o)
		}
	}
	// Only a national beheerder makes regions and national bodies (the
	// service says so too); the others are not offered the choice.
	for _, k := range org.Kinds {
		if st.subject.National || k == org.Municipality || k == org.Partner {
			fp.Kinds = append(fp.Kinds, k)
		}
	}
	title := "web.org.new_title"
	if fp.ID != "" {
		title = "web.org.edit_title"
	}
	p := s.newPage(r, title, fp)
	p.Notice = notice(r)
	return s.render(w, r, status, "org_form", p)
}

func (s *Server) orgNew(w http.ResponseWriter, r *http.Request) error {
	if err := requireManageOrgs(stateOf(r)); err != nil {
		return err
	}
	return s.renderOrgForm(w, r, http.StatusOK, orgFormPage{Form: newForm(nil, orgLabels)})
}

func (s *Server) orgCreate(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := requireManageOrgs(st); err != nil {
		return err
	}
	f := newForm(r.PostForm, orgLabels)
	o, err := s.d.Orgs.CreateOrg(r.Context(), st.subject, orgInput(r.PostForm))
	if err == nil {
		redirect(w, r, "/beheer/organisaties/"+url.PathEscape(o.ID)+"?melding=aangemaakt")
		return nil
	}
	status, err := formProblem(f, err)
	if err != nil {
		return err
	}
	return s.renderOrgForm(w, r, status, orgFormPage{Form: f})
}

func (s *Server) orgEdit(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := requireManageOrgs(st); err != nil {
		return err
	}
	o, err := s.d.Orgs.GetOrg(r.Context(), st.subject, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !policy.Can(st.subject, policy.ManageOrg, o.Resource()) {
		return errForbidden
	}
	return s.renderOrgForm(w, r, http.StatusOK, orgFormPage{Form: newForm(orgValues(o), orgLabels), ID: o.ID, Version: o.Version})
}

func (s *Server) orgUpdate(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := requireManageOrgs(st); err != nil {
		return err
	}
	id := r.PathValue("id")
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		return errs.E(errs.Invalid, "web.error.bad_form")
	}
	f := newForm(r.PostForm, orgLabels)
	_, err = s.d.Orgs.UpdateOrg(r.Context(), st.subject, id, version, orgInput(r.PostForm))
	if err == nil {
		redirect(w, r, "/beheer/organisaties/"+url.PathEscape(id)+"?melding=opgeslagen")
		return nil
	}
	if isStale(err) {
		// Someone else saved first: show what is stored now.
		cur, gerr := s.d.Orgs.GetOrg(r.Context(), st.subject, id)
		if gerr != nil {
			return gerr
		}
		f = newForm(orgValues(cur), orgLabels)
		f.Alert = "error.stale"
		return s.renderOrgForm(w, r, http.StatusConflict, orgFormPage{Form: f, ID: id, Version: cur.Version})
	}
	status, err := formProblem(f, err)
	if err != nil {
		return err
	}
	return s.renderOrgForm(w, r, status, orgFormPage{Form: f, ID: id, Version: version})
}

// isStale reports an optimistic-concurrency conflict.
func isStale(err error) bool {
	e := errs.As(err)
	return e != nil && e.Code == errs.Conflict && e.Key == "error.stale"
}

// formProblem decides how a failed save shows: field errors next to the
// fields (422, or 409 for a conflict such as a taken name), a refusal the
// service explained (403 with its message above the form), or — for anything
// else — an error for the wrapper.
func formProblem(f *form, err error) (int, error) {
	if f.takeErr(err) {
		if errs.Is(err, errs.Conflict) {
			return http.StatusConflict, nil
		}
		return http.StatusUnprocessableEntity, nil
	}
	if e := errs.As(err); e != nil && e.Code == errs.Forbidden && e.Key != "" && e.Key != "error.forbidden" {
		f.Alert = e.Key
		return http.StatusForbidden, nil
	}
	return 0, err
}

// notices are the messages a redirect after a successful POST may ask for
// (?melding=…); only these keys, so the query cannot inject text.
var notices = map[string]string{
	"aangemaakt":        "web.notice.created",
	"opgeslagen":        "web.notice.saved",
	"wachtwoord":        "web.notice.password_changed",
	"token_ingetrokken": "web.notice.token_revoked",
	"voorgesteld":       "web.notice.roles_proposed",
	"rol_goedgekeurd":   "web.notice.grant_approved",
	"rol_afgewezen":     "web.notice.grant_rejected",
	"rol_ingetrokken":   "web.notice.grant_withdrawn",
}

func notice(r *http.Request) string { return notices[r.URL.Query().Get("melding")] }
