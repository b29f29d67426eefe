package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
)

// Cases (zorgcoördinatie): the care coordinator's lists, "Casus openen"
// (directly or from signals), the case page with its edit forms and
// timeline, and the outline with the break-the-glass form for a coordinator
// of the region who is not assigned. The case service enforces the policy
// (need to know) and writes the processing log; this file decides only what
// to show. Every URL holds ids, phases, catalogue ids, a case reference or a
// cursor; client data travels in POST bodies only.
//
//   - GET  /casussen                    the lists: mine, or the region's (scope=region); filters
//   - GET  /casussen/nieuw              the empty form
//   - POST /casussen/nieuw              save (action=save), or show the form with signals preselected
//   - GET  /casussen/{id}               the case page (?voor=SEQ: older events), or the outline
//   - POST /casussen/{id}/client        client, forms, non-punishment (version)
//   - POST /casussen/{id}/gegevens      residence, aangifte, cooperation, registration (version)
//   - POST /casussen/{id}/fase          a phase transition (version)
//   - POST /casussen/{id}/bedenktijd    the reflection period (version)
//   - POST /casussen/{id}/overdracht    hand-over: the assigned coordinators (version)
//   - POST /casussen/{id}/tijdlijn      a note or a contact on the timeline
//   - POST /casussen/{id}/toegang       break the glass, with a reason
//
// The case page is built from sections, each a partial template
// (partials/case_section_*.html, "case-section-NAME"), rendered by
// case_show.html in a fixed order; a new section is a partial, a line there
// and, when it needs data, a field of casePage.

// caseRoutes are the routes of the case pages (before the catch-all).
func (s *Server) caseRoutes() []route {
	return append([]route{
		{"GET /casussen", signedIn, s.caseList},
		{"GET /casussen/nieuw", signedIn, s.caseNew},
		{"POST /casussen/nieuw", signedIn, s.caseCreate},
		{"GET /casussen/{id}", signedIn, s.caseShow},
		{"POST /casussen/{id}/client", signedIn, s.caseEdit(caseFormClient)},
		{"POST /casussen/{id}/gegevens", signedIn, s.caseEdit(caseFormTracked)},
		{"POST /casussen/{id}/fase", signedIn, s.caseEdit(caseFormPhase)},
		{"POST /casussen/{id}/bedenktijd", signedIn, s.caseEdit(caseFormReflection)},
		{"POST /casussen/{id}/overdracht", signedIn, s.caseEdit(caseFormAssign)},
		{"POST /casussen/{id}/tijdlijn", signedIn, s.caseEdit(caseFormEvent)},
		{"POST /casussen/{id}/toegang", signedIn, s.caseBreakGlass},
	}, append(s.caseMoreRoutes(), s.caseCareRoutes()...)...)
}

// The forms of the case page; each is also the anchor of its section.
const (
	caseFormClient     = "client"
	caseFormTracked    = "gegevens"
	caseFormPhase      = "fase"
	caseFormReflection = "bedenktijd"
	caseFormAssign     = "overdracht"
	caseFormEvent      = "tijdlijn"
)

// caseEventsPerPage is how many timeline events the case page shows.
const caseEventsPerPage = 20

// clientFields are the client's form fields, the service's field names.
var clientFields = []string{"client.name", "client.birthDate", "client.bsn", "client.nationality",
	"client.countryOfOrigin", "client.languages", "client.gender", "client.contact"}

// caseFieldLabels: form field → catalog key of its label, for the summary.
var caseFieldLabels = map[string]string{
	"client.name": "web.case.client.name", "client.birthDate": "web.case.client.birth_date", "client.bsn": "web.case.client.bsn",
	"client.nationality": "web.case.client.nationality", "client.countryOfOrigin": "web.case.client.country_of_origin",
	"client.languages": "web.case.client.languages", "client.gender": "web.case.client.gender", "client.contact": "web.case.client.contact",
	"forms": "web.case.forms", "nonPunishment": "web.case.non_punishment", "signalIds": "web.case.new.signals",
	"regionId": "web.case.region", "residenceAppliedOn": "web.case.residence_applied_on", "permitStatus": "web.case.permit_status",
	"aangifte": "web.case.aangifte", "aangifteOn": "web.case.aangifte_on", "cooperation": "web.case.cooperation",
	"registeredOn": "web.case.registered_on", "dossierType": "web.case.dossier_type", "to": "web.case.phase.to",
	"reason": "web.case.phase.reason", "start": "web.case.reflection.start", "dublin": "web.case.reflection.dublin",
	"coordinators": "web.case.assign.coordinators", "kind": "web.case.event.kind", "contactKind": "web.case.event.contact_kind",
	"body": "web.case.event.body", "scope": "web.case.list.scope", "phase": "web.case.phase", "form": "web.case.filter.form",
	"reflectionWithin": "web.case.filter.reflection_within", "q": "web.case.filter.q", "cursor": "web.case.filter.cursor",
}

// caseBreakGlassLabels: the outline page's one field.
var caseBreakGlassLabels = map[string]string{"reason": "web.case.access.reason"}

// caseFieldOf maps a service field to the form field that shows it: list
// entries (signalIds[2], coordinators[0]) at their list.
func caseFieldOf(field string) string {
	f, _, _ := strings.Cut(field, "[")
	return f
}

// formWithErrs is a form of typed values carrying the field errors of err.
func formWithErrs(v url.Values, labels map[string]string, err error) *form {
	f := newForm(v, labels)
	if e := errs.As(err); e != nil {
		for _, fe := range e.Fields {
			fe.Field = caseFieldOf(fe.Field)
			f.errs = append(f.errs, fe)
		}
	}
	return f
}

// isFieldProblem: invalid input naming its fields (the page re-renders).
func isFieldProblem(err error) bool {
	e := errs.As(err)
	return e != nil && e.Code == errs.Invalid && len(e.Fields) > 0
}

// requireCases: only a user whose roles may list cases (a care coordinator)
// reaches the case pages; everyone else gets the 404 page, as for any
// unknown URL.
func (s *Server) requireCases(st *state) error {
	if s.d.Cases == nil {
		return errNotFound
	}
	if !st.signedIn() {
		return errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	if !policy.Can(st.subject, policy.ListCases, policy.Resource{}) {
		return errNotFound
	}
	return nil
}

// colleagueNames maps the region's care coordinators' ids to their names.
func (s *Server) colleagueNames(ctx context.Context, st *state) ([]cases.Colleague, map[string]string, error) {
	cs, err := s.d.Cases.Colleagues(ctx, st.subject)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[string]string, len(cs))
	for _, c := range cs {
		names[c.UserID] = c.Name
	}
	return cs, names, nil
}

// ---- the lists ----

// caseRow is one case in the list, with the names of its coordinators.
type caseRow struct {
	cases.Summary
	Names []string
}

// caseListPage is the data of /casussen.
type caseListPage struct {
	Form   *form
	Scope  string
	Items  []caseRow
	Next   string // URL of the next page, "" on the last
	Phases []cases.Phase
	Forms  []content.Form
	Labels map[string]content.Text // form id → label
}

func (s *Server) caseList(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	v := r.URL.Query()
	f := cases.Filter{Scope: v.Get("scope"), Phase: cases.Phase(v.Get("phase")), Form: v.Get("form"),
		Query: strings.TrimSpace(v.Get("q")), Cursor: v.Get("cursor")}
	var problems []errs.FieldError
	if raw := strings.TrimSpace(v.Get("reflectionWithin")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			problems = append(problems, errs.FieldError{Field: "reflectionWithin", Key: "web.case.filter.reflection_within.invalid"})
		} else {
			f.ReflectionWithin = n
		}
	}
	lp := &caseListPage{Scope: cases.ScopeMine, Phases: append([]cases.Phase{cases.PhaseOpen}, cases.Phases...),
		Forms: s.d.Content.Forms, Labels: map[string]content.Text{}}
	if f.Scope == cases.ScopeRegion {
		lp.Scope = cases.ScopeRegion
	}
	for _, fm := range s.d.Content.Forms {
		lp.Labels[fm.ID] = fm.Label
	}
	form := newForm(v, caseFieldLabels)
	form.errs = problems
	lp.Form = form
	status := http.StatusOK
	if problems == nil {
		page, err := s.d.Cases.List(r.Context(), st.subject, f)
		switch {
		case isFieldProblem(err):
			form.errs = append(form.errs, errs.As(err).Fields...)
		case err != nil:
			return err
		default:
			_, names, err := s.colleagueNames(r.Context(), st)
			if err != nil {
				return err
			}
			for _, it := range page.Items {
				row := caseRow{Summary: it}
				for _, id := range it.CoordinatorIDs {
					row.Names = append(row.Names, names[id])
				}
				lp.Items = append(lp.Items, row)
			}
			if page.Next != "" {
				nv := url.Values{}
				for k, vals := range v {
					if k != "cursor" && len(vals) > 0 && vals[0] != "" {
						nv.Set(k, vals[0])
					}
				}
				nv.Set("cursor", page.Next)
				lp.Next = "/casussen?" + nv.Encode()
			}
		}
	}
	if form.Invalid() {
		status = http.StatusUnprocessableEntity
	}
	title := "web.case.list.title"
	if lp.Scope == cases.ScopeRegion {
		title = "web.case.list.title_region"
	}
	return s.render(w, r, status, "case_list", s.newPage(r, title, lp))
}

// ---- opening a case ----

// caseNewPage is the data of "Casus openen".
type caseNewPage struct {
	Form      *form
	Signals   []signal.Summary // the region's open signals
	Forms     []content.Form
	Genders   []string
	Suggested bool     // a ticked form suggests the non-punishment principle
	NPForms   []string // labels of the forms that suggest it
	Labels    map[string]content.Text
}

func (s *Server) caseNew(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	return s.renderCaseNew(w, r, http.StatusOK, newForm(nil, nil))
}

// openSignals are the signals of the coordinator's region that may still
// become a case (new, in progress, more information asked), newest first.
func (s *Server) openSignals(r *http.Request, st *state) ([]signal.Summary, error) {
	if s.d.Signals == nil || !policy.Can(st.subject, policy.ListSignals, policy.Resource{}) {
		return nil, nil
	}
	var out []signal.Summary
	for _, status := range []signal.Status{signal.StatusNew, signal.StatusInProgress, signal.StatusMoreInfoRequested} {
		page, err := s.d.Signals.List(r.Context(), st.subject, signal.Filter{Status: status, Limit: signal.MaxLimit})
		if err != nil {
			return nil, err
		}
		for _, it := range page.Items {
			if it.RegionID == st.subject.RegionID {
				out = append(out, it)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b signal.Summary) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

func (s *Server) renderCaseNew(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	st := stateOf(r)
	sigs, err := s.openSignals(r, st)
	if err != nil {
		return err
	}
	np := &caseNewPage{Form: f, Signals: sigs, Forms: s.d.Content.Forms, Genders: cases.Genders, Labels: map[string]content.Text{}}
	for _, fm := range s.d.Content.Forms {
		np.Labels[fm.ID] = fm.Label
	}
	for _, id := range s.d.Content.Casework.NonPunishmentForms {
		if fm, ok := s.d.Content.Form(id); ok {
			np.NPForms = append(np.NPForms, fm.Label.In(st.lang))
		}
		if f.Has("forms", id) {
			np.Suggested = true
		}
	}
	return s.render(w, r, status, "case_new", s.newPage(r, "web.case.new.title", np))
}

// clientInput reads the client fields of a form.
func clientInput(v url.Values) cases.Client {
	return cases.Client{Name: v.Get("client.name"), BirthDate: v.Get("client.birthDate"), BSN: v.Get("client.bsn"),
		Nationality: v.Get("client.nationality"), CountryOfOrigin: v.Get("client.countryOfOrigin"),
		Languages: strings.FieldsFunc(v.Get("client.languages"), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }),
		Gender:    v.Get("client.gender"), Contact: v.Get("client.contact")}
}

// caseCreate saves "Casus openen" (action=save). Any other POST — the
// "Casus aanmaken" button of a signal page, posting signalIds — shows the
// form with those signals ticked, nothing saved.
func (s *Server) caseCreate(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	v := r.PostForm
	if v.Get("action") != "save" {
		keep := url.Values{"signalIds": v["signalIds"]}
		return s.renderCaseNew(w, r, http.StatusOK, newForm(keep, nil))
	}
	in := cases.Input{SignalIDs: slices.Clone(v["signalIds"]), Client: clientInput(v), Forms: slices.Clone(v["forms"])}
	switch v.Get("nonPunishment") {
	case "yes":
		in.NonPunishment = new(true)
	case "no":
		in.NonPunishment = new(false)
	}
	c, err := s.d.Cases.Create(r.Context(), st.subject, in)
	if err == nil {
		http.Redirect(w, r, "/casussen/"+url.PathEscape(c.ID)+"?nieuw=1", http.StatusSeeOther)
		return nil
	}
	if !isFieldProblem(err) {
		return err
	}
	return s.renderCaseNew(w, r, http.StatusUnprocessableEntity, formWithErrs(v, caseFieldLabels, err))
}

// ---- the case page ----

// caseSignal is a signal linked to the case.
type caseSignal struct {
	ID, Reference string
}

// caseEvent is one timeline entry as the page shows it.
type caseEvent struct {
	cases.Event
	Added, Removed []string // names, for a hand-over
	Fields         []string // catalog keys of the fields an update changed
}

// casePage is the data of the case page and its sections.
type casePage struct {
	Case       cases.Case
	Events     []caseEvent
	Older      string // URL of the older events, "" when none
	Paged      bool   // showing older events: a link back to the newest
	Signals    []caseSignal
	Colleagues []cases.Colleague
	Names      map[string]string
	Next       []cases.Phase
	CanClose   bool
	Created    bool
	// MayAssign: the viewer may hand over and transfer the case (an
	// assigned coordinator; not the holder of a break-the-glass grant).
	MayAssign bool

	// The forms: each filled with the case's current values, except the
	// one the user sent when it came back (typed values, errors).
	Client, Tracked, Phase, Reflection, Assign, Event *form
	// Failed is the form with errors (the summary at the top); Conflict
	// the catalog key of a refused edit and ConflictForm its anchor.
	Failed       *form
	Conflict     string
	ConflictForm string

	Forms           []content.Form
	FormLabels      map[string]content.Text
	Genders         []string
	Answers         []string
	PermitStatuses  []content.Option
	DossierTypes    []content.Option
	ClosingReasons  []content.Option
	ContactKinds    []content.Option
	ReflectionRules content.ReflectionRules

	caseMore // the sections of cases_more.go: tasks, placements
	caseCare // the sections of cases_care.go: documents, support, consent, transfers, registration
}

// CoordinatorIDs are the ids of the assigned coordinators.
func (p *casePage) CoordinatorIDs() []string {
	out := make([]string, 0, len(p.Case.Coordinators))
	for _, c := range p.Case.Coordinators {
		out = append(out, c.UserID)
	}
	return out
}

// Option finds a catalogue label: list name → id.
func (p *casePage) Option(list, id, lang string) string {
	return caseworkLabel(p.caseworkLists(), list, id, lang)
}

// caseworkLists are the casework pick lists of the case page by the names
// the templates use (Option, CareLabel).
func (p *casePage) caseworkLists() map[string][]content.Option {
	return map[string][]content.Option{"permit": p.PermitStatuses, "dossier": p.DossierTypes,
		"closing": p.ClosingReasons, "contact": p.ContactKinds}
}

// caseworkLabel is the label in lang of option id of the named list; the id
// itself when the list has no such option.
func caseworkLabel(lists map[string][]content.Option, list, id, lang string) string {
	if o, ok := content.OptionIn(lists[list], id); ok {
		return o.Label.In(lang)
	}
	return id
}

// caseValues are a case's current values in the fields of form which.
func caseValues(c cases.Case, which string) url.Values {
	v := url.Values{"version": {strconv.Itoa(c.Version)}}
	switch which {
	case caseFormClient:
		cl := c.Client
		for name, val := range map[string]string{"client.name": cl.Name, "client.birthDate": cl.BirthDate, "client.bsn": cl.BSN,
			"client.nationality": cl.Nationality, "client.countryOfOrigin": cl.CountryOfOrigin,
			"client.languages": strings.Join(cl.Languages, ", "), "client.gender": cl.Gender, "client.contact": cl.Contact} {
			v.Set(name, val)
		}
		v["forms"] = slices.Clone(c.Forms)
		if c.NonPunishment {
			v.Set("nonPunishment", "1")
		}
	case caseFormTracked:
		for name, val := range map[string]string{"residenceAppliedOn": c.ResidenceApplied, "permitStatus": c.PermitStatus,
			"aangifte": c.Aangifte, "aangifteOn": c.AangifteOn, "cooperation": c.Cooperation, "registeredOn": c.RegisteredOn,
			"dossierType": c.DossierType} {
			v.Set(name, val)
		}
	case caseFormReflection:
		if c.Reflection != nil {
			v.Set("start", c.Reflection.Start)
			if c.Reflection.Dublin {
				v.Set("dublin", "1")
			}
		}
	case caseFormAssign:
		for _, co := range c.Coordinators {
			v.Add("coordinators", co.UserID)
		}
	case caseFormEvent:
		v.Set("kind", cases.KindNote)
	}
	return v
}

// newCasePage fills the page for case c with events; typed is the form the
// user sent (nil: none), keeping what they typed.
func (s *Server) newCasePage(r *http.Request, st *state, pg cases.CasePage, which string, typed *form) (*casePage, error) {
	c, ev := pg.Case, pg.Events
	cw := s.d.Content.Casework
	cp := &casePage{Case: c, Forms: s.d.Content.Forms, FormLabels: map[string]content.Text{}, Genders: cases.Genders,
		Answers: cases.Answers, PermitStatuses: cw.PermitStatuses, DossierTypes: cw.DossierTypes,
		ClosingReasons: cw.ClosingReasons, ContactKinds: cw.ContactKinds, ReflectionRules: cw.Reflection}
	for _, fm := range s.d.Content.Forms {
		cp.FormLabels[fm.ID] = fm.Label
	}
	cp.Next = cases.Next(c.Phase)
	cp.CanClose = slices.Contains(cp.Next, cases.PhaseClosed)
	cp.MayAssign = policy.Can(st.subject, policy.AssignCase, c.Resource())
	var err error
	if cp.Colleagues, cp.Names, err = s.colleagueNames(r.Context(), st); err != nil {
		return nil, err
	}
	for _, co := range c.Coordinators {
		if _, ok := cp.Names[co.UserID]; !ok {
			cp.Names[co.UserID] = co.Name
		}
	}
	slot := map[string]**form{caseFormClient: &cp.Client, caseFormTracked: &cp.Tracked, caseFormPhase: &cp.Phase,
		caseFormReflection: &cp.Reflection, caseFormAssign: &cp.Assign, caseFormEvent: &cp.Event}
	for name, p := range slot {
		*p = newForm(caseValues(c, name), caseFieldLabels)
	}
	if err := s.fillCaseMore(r, st, cp, slot, pg); err != nil {
		return nil, err
	}
	if err := s.fillCaseCare(r, st, cp, slot, pg); err != nil {
		return nil, err
	}
	if p, ok := slot[which]; ok && typed != nil {
		// Kept as typed, but against the current version: sending it again
		// is a deliberate choice after seeing the current values. (The
		// sub-items' forms — tasks, placements — carry their own version.)
		if (*p).Get("version") != "" {
			typed.Set("version", strconv.Itoa(c.Version))
		}
		*p = typed
		if typed.Invalid() {
			cp.Failed = typed
		}
	}
	for _, e := range ev.Items {
		ce := caseEvent{Event: e}
		switch e.Kind {
		case cases.KindAssignment:
			for _, id := range splitIDs(e.Detail["added"]) {
				ce.Added = append(ce.Added, cp.nameOf(id))
			}
			for _, id := range splitIDs(e.Detail["removed"]) {
				ce.Removed = append(ce.Removed, cp.nameOf(id))
			}
		case cases.KindUpdate:
			for _, f := range splitIDs(e.Detail["fields"]) {
				key := caseFieldLabels[f]
				if f == "client" {
					key = "web.case.section.client"
				}
				if key == "" {
					key = "web.form.field"
				}
				ce.Fields = append(ce.Fields, key)
			}
		}
		cp.Events = append(cp.Events, ce)
	}
	if ev.Next > 0 {
		cp.Older = "/casussen/" + url.PathEscape(c.ID) + "?voor=" + strconv.Itoa(ev.Next) + "#tijdlijn"
	}
	for _, sg := range c.Signals {
		cp.Signals = append(cp.Signals, caseSignal{ID: sg.ID, Reference: sg.Reference})
	}
	return cp, nil
}

func (p *casePage) nameOf(id string) string {
	if n := p.Names[id]; n != "" {
		return n
	}
	return "–"
}

func splitIDs(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// caseOutlinePage is the outline of a case for a coordinator of the region
// who is not assigned: no client data, and the break-the-glass form.
type caseOutlinePage struct {
	Outline cases.Outline
	Names   []string
	Form    *form
}

func (s *Server) renderOutline(w http.ResponseWriter, r *http.Request, st *state, id string, status int, f *form) error {
	o, err := s.d.Cases.See(r.Context(), st.subject, id)
	if err != nil {
		return err
	}
	op := &caseOutlinePage{Outline: o, Form: f}
	for _, co := range o.Coordinators {
		op.Names = append(op.Names, co.Name)
	}
	return s.render(w, r, status, "case_outline", s.newPage(r, "web.case.outline.title", op))
}

func (s *Server) caseShow(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	id := r.PathValue("id")
	q := r.URL.Query()
	before, paged := 0, false
	if raw := q.Get("voor"); raw != "" {
		var perr error
		before, perr = strconv.Atoi(raw)
		if perr != nil || before < 1 {
			return errs.E(errs.Invalid, "web.error.bad_page")
		}
		paged = true
	}
	pg, err := s.d.Cases.Page(r.Context(), st.subject, id, caseEventsPerPage, before)
	if errs.Is(err, errs.Forbidden) {
		return s.renderOutline(w, r, st, id, http.StatusOK, newForm(nil, caseBreakGlassLabels))
	}
	if err != nil {
		return err
	}
	cp, err := s.newCasePage(r, st, pg, "", nil)
	if err != nil {
		return err
	}
	cp.Paged = paged
	cp.Created = q.Get("nieuw") == "1"
	p := s.newPage(r, "web.case.show.title", cp)
	switch {
	case q.Get("opgeslagen") == "1":
		p.Notice = "web.case.saved"
	case q.Get("toegang") == "1":
		p.Notice = "web.case.access.granted"
	case q.Get("overgenomen") == "1":
		p.Notice = "web.case.transfer.accepted"
	}
	return s.render(w, r, http.StatusOK, "case_show", p)
}

// version reads the version field (-1 when it is not a number: stale).
func version(v url.Values) int {
	n, err := strconv.Atoi(v.Get("version"))
	if err != nil || n < 1 {
		return -1
	}
	return n
}

// caseEdit handles one of the case page's forms. Success: 303 back to the
// case page (at the form's section). Invalid input: the page with every
// error at the form and in the summary, everything typed kept (422). A
// stale version or a step no longer allowed: the page with the current
// values, a message and the form as typed (409), never silently saved.
func (s *Server) caseEdit(which string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		st := stateOf(r)
		if err := s.requireCases(st); err != nil {
			return err
		}
		id := r.PathValue("id")
		v := r.PostForm
		ctx := r.Context()
		var err error
		switch which {
		case caseFormClient:
			cl := clientInput(v)
			forms := slices.Clone(v["forms"])
			if forms == nil {
				forms = []string{}
			}
			np := v.Get("nonPunishment") == "1"
			_, err = s.d.Cases.Update(ctx, st.subject, id, version(v), cases.Patch{Client: &cl, Forms: &forms, NonPunishment: &np})
		case caseFormTracked:
			get := func(name string) *string { x := v.Get(name); return &x }
			_, err = s.d.Cases.Update(ctx, st.subject, id, version(v), cases.Patch{ResidenceApplied: get("residenceAppliedOn"),
				PermitStatus: get("permitStatus"), Aangifte: get("aangifte"), AangifteOn: get("aangifteOn"),
				Cooperation: get("cooperation"), RegisteredOn: get("registeredOn"), DossierType: get("dossierType")})
		case caseFormPhase:
			in := cases.TransitionInput{To: cases.Phase(v.Get("to"))}
			if in.To == cases.PhaseClosed {
				in.Reason = v.Get("reason") // a reason picked for another phase is not sent
			}
			_, err = s.d.Cases.Transition(ctx, st.subject, id, version(v), in)
		case caseFormReflection:
			_, err = s.d.Cases.SetReflection(ctx, st.subject, id, version(v), v.Get("start"), v.Get("dublin") == "1")
		case caseFormAssign:
			_, err = s.d.Cases.Assign(ctx, st.subject, id, version(v), slices.Clone(v["coordinators"]))
		case caseFormEvent:
			in := cases.EventInput{Kind: v.Get("kind"), Body: v.Get("body")}
			if in.Kind == cases.KindContact {
				in.ContactKind = v.Get("contactKind")
			}
			_, err = s.d.Cases.AddEvent(ctx, st.subject, id, in)
		}
		if err == nil {
			http.Redirect(w, r, "/casussen/"+url.PathEscape(id)+"?opgeslagen=1#"+which, http.StatusSeeOther)
			return nil
		}
		if which == caseFormEvent && v.Get("kind") == "" {
			v.Set("kind", cases.KindNote)
		}
		return s.caseProblem(w, r, id, which, v, err, nil)
	}
}

// caseProblem answers a case form the service refused: a conflict (stale,
// or a step no longer allowed) as 409 with the current values and a
// message, invalid input as 422 with every error; both keep what was typed
// (v) in form which. keys maps conflict keys of the service to the page's
// message (default: web.case.conflict.stale). Anything else is returned.
func (s *Server) caseProblem(w http.ResponseWriter, r *http.Request, id, which string, v url.Values, err error, keys map[string]string) error {
	st := stateOf(r)
	e := errs.As(err)
	var status int
	var conflict string
	switch {
	case e != nil && e.Code == errs.Conflict && len(e.Fields) == 0:
		status, conflict = http.StatusConflict, "web.case.conflict.stale"
		if e.Key == cases.KeyTransitionInvalid {
			conflict = "web.case.conflict.transition"
		}
		if k := keys[e.Key]; k != "" {
			conflict = k
		}
	case isFieldProblem(err):
		status = http.StatusUnprocessableEntity
	default:
		return err
	}
	pg, verr := s.d.Cases.Page(r.Context(), st.subject, id, caseEventsPerPage, 0)
	if verr != nil {
		return verr
	}
	var typed *form
	if v != nil {
		typed = formWithErrs(v, caseFieldLabels, err)
	}
	cp, perr := s.newCasePage(r, st, pg, which, typed)
	if perr != nil {
		return perr
	}
	cp.Conflict, cp.ConflictForm = conflict, which
	if which == caseFormEnd {
		cp.ConflictForm = caseFormPlacements
	}
	return s.render(w, r, status, "case_show", s.newPage(r, "web.case.show.title", cp))
}

// caseBreakGlass opens a case for a coordinator of the region who is not
// assigned, with a stated reason (logged; on the case's timeline).
func (s *Server) caseBreakGlass(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	id := r.PathValue("id")
	_, err := s.d.Cases.BreakGlass(r.Context(), st.subject, id, r.PostForm.Get("reason"))
	if err == nil {
		http.Redirect(w, r, "/casussen/"+url.PathEscape(id)+"?toegang=1", http.StatusSeeOther)
		return nil
	}
	if isFieldProblem(err) {
		f := formWithErrs(url.Values{"reason": {r.PostForm.Get("reason")}}, caseBreakGlassLabels, err)
		return s.renderOutline(w, r, st, id, http.StatusUnprocessableEntity, f)
	}
	return err
}
