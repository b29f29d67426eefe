package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
)

// Signals (signalering): the intake page "Signaal vastleggen", the lists and
// the inbox, and the page of one signal with its status history and the
// coordinator's transition form. The service enforces the policy and writes
// the processing log; this file only decides what to show. Personal data
// travels in POST bodies only: every URL these pages generate holds ids,
// dates and catalogue ids, never an alias, a name or free text.
//
//   - GET  /signalen                  the list (filters as GET ids/dates)
//   - POST /signalen/zoeken           search on reference or alias (POST: an alias is personal data)
//   - GET  /signalen/inbox            the coordinator's new signals
//   - GET  /signalen/nieuw            the empty intake form
//   - POST /signalen/nieuw            save, or "Nog een persoon" / "Verwijder persoon N" (re-render
//     with a block more or less, everything else kept)
//   - POST /signalen/nieuw/uitkomst   the live assessment (htmx; the assess page's result fragment)
//   - GET  /signalen/{id}             one signal
//   - POST /signalen/{id}/status      a transition
//   - POST /signalen/{id}/meldcode    the meldcode steps (meldcode.go)

// Intake form fields besides the assess page's.
const (
	fObservedOn   = "observedOn"
	fPlace        = "place"
	fCameToLight  = "cameToLight"
	fNarrative    = "narrative"
	fRiskFactors  = "riskFactors"
	fConsultation = "consultation"
	fPersonCount  = "personCount"
	fAction       = "action"
)

// personFields are the fields of one person block, "persons[i].<name>".
var personFields = []string{"alias", "birthYear", "ageBand", "gender", "nationality", "language", "name", "contact"}

var signalLabels = map[string]string{
	fDepartment: "web.signal.department", fObservedOn: "web.signal.observed_on", fPlace: "web.signal.place",
	fCameToLight: "web.signal.came_to_light", fNarrative: "web.signal.narrative", fForms: "web.assess.label.forms",
	fSignals: "web.assess.label.signals", fIndicators: "web.assess.label.indicators", fRiskFactors: "web.signal.risk_factors",
	fActs: "web.assess.label.acts", "persons": "web.signal.persons", "municipalityId": "web.signal.municipality",
	"to": "web.signal.transition.to", "reason": "web.signal.transition.reason", "remark": "web.signal.transition.remark",
	"note": "web.signal.transition.note",
}

// labelOf is the summary label of a field, persons' fields included.
func labelOf(field string) string {
	if strings.HasPrefix(field, "persons[") {
		if _, name, ok := strings.Cut(field, "."); ok {
			return "web.signal.person." + name
		}
	}
	if l := signalLabels[field]; l != "" {
		return l
	}
	return "web.form.field"
}

// personView is one person block of the form.
type personView struct {
	Index int
	N     int // 1-based, for the heading
}

// Field is the form name of one of the block's fields.
func (p personView) Field(name string) string {
	return "persons[" + strconv.Itoa(p.Index) + "]." + name
}

// intakePage is the data of "Signaal vastleggen".
type intakePage struct {
	*assessPage
	Persons        []personView
	Municipalities []org.Organisation
	RiskFactors    []content.RiskFactor
	AgeBands       []string
	Genders        []string
	Today          string
}

func (s *Server) requireSignals(st *state) error {
	if s.d.Signals == nil || !policy.Can(st.subject, policy.ListSignals, policy.Resource{}) {
		return errNotFound
	}
	return nil
}

func (s *Server) today() string { return time.Now().In(s.tz).Format("2006-01-02") }

func (s *Server) newIntakePage(r *http.Request, f *form) (*intakePage, error) {
	ip := &intakePage{assessPage: s.newAssessPage(f), RiskFactors: s.d.Content.RiskFactors,
		AgeBands: signal.AgeBands, Genders: signal.Genders, Today: s.today()}
	n, _ := strconv.Atoi(f.Get(fPersonCount))
	n = max(1, min(n, signal.MaxPersons))
	for i := range n {
		ip.Persons = append(ip.Persons, personView{Index: i, N: i + 1})
	}
	f.Set(fPersonCount, strconv.Itoa(n))
	var err error
	ip.Municipalities, err = s.municipalities(r, stateOf(r))
	return ip, err
}

func (s *Server) signalNew(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireSignals(stateOf(r)); err != nil {
		return err
	}
	f := newForm(nil, nil)
	f.Set(fObservedOn, s.today())
	return s.renderIntake(w, r, http.StatusOK, f)
}

// signalInput reads the intake form.
func (s *Server) signalInput(v url.Values, persons int) signal.Input {
	in := signal.Input{
		Department: v.Get(fDepartment), MunicipalityID: v.Get("municipalityId"), ObservedOn: strings.TrimSpace(v.Get(fObservedOn)),
		Place: v.Get(fPlace), CameToLight: v.Get(fCameToLight), Narrative: v.Get(fNarrative),
		Forms: slices.Clone(v[fForms]), Signals: slices.Clone(v[fSignals]), Indicators: slices.Clone(v[fIndicators]),
		Acts: slices.Clone(v[fActs]), RiskFactors: slices.Clone(v[fRiskFactors]),
		AcuteDanger: v.Get(fAcuteDanger) == "1", Consultation: v.Get(fConsultation) == "1",
		PossiblyMinor: v.Get(fPossiblyMin) == "1",
	}
	if facilitated, paid, consented := v.Get(fFacilitated) == "1", v.Get(fPaid) == "1", v.Get(fConsented) == "1"; facilitated || paid || consented {
		in.Smuggling = &assess.Smuggling{BorderCrossingFacilitated: facilitated, Paid: paid, Consented: consented}
	}
	for i := range persons {
		pv := personView{Index: i}
		p := signal.PersonInput{AgeBand: v.Get(pv.Field("ageBand")), Gender: v.Get(pv.Field("gender")),
			Alias: strings.TrimSpace(v.Get(pv.Field("alias"))), Nationality: strings.ToUpper(strings.TrimSpace(v.Get(pv.Field("nationality")))),
			Language: strings.ToLower(strings.TrimSpace(v.Get(pv.Field("language")))),
			Name:     strings.TrimSpace(v.Get(pv.Field("name"))), Contact: strings.TrimSpace(v.Get(pv.Field("contact")))}
		if raw := strings.TrimSpace(v.Get(pv.Field("birthYear"))); raw != "" {
			// Not a number: year 0, which the service refuses with
			// every other problem at once (nothing is stored).
			y, err := strconv.Atoi(raw)
			if err != nil {
				y = 0
			}
			p.BirthYear = &y
		}
		if p == (signal.PersonInput{}) {
			continue // an empty block is no person
		}
		in.Persons = append(in.Persons, p)
	}
	return in
}

// actionRemovePerson+index is the action of a person block's "Verwijder
// persoon" button.
const actionRemovePerson = "remove_person:"

// removePerson drops person block i of n from the typed form: the blocks
// after it move up one place, everything else stays as typed. The last
// block is emptied rather than removed: the form always has one.
func removePerson(v url.Values, i, n int) {
	for j := i; j < n; j++ {
		to, from := personView{Index: j}, personView{Index: j + 1}
		for _, name := range personFields {
			if vals, ok := v[from.Field(name)]; ok && j+1 < n {
				v[to.Field(name)] = vals
			} else {
				v.Del(to.Field(name))
			}
		}
	}
	v.Set(fPersonCount, strconv.Itoa(max(1, n-1)))
}

func personCount(v url.Values) int {
	n, _ := strconv.Atoi(v.Get(fPersonCount))
	return max(1, min(n, signal.MaxPersons))
}

// signalCreate saves the intake form, or adds a person block.
func (s *Server) signalCreate(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireSignals(st); err != nil {
		return err
	}
	v := r.PostForm
	n := personCount(v)
	switch action := v.Get(fAction); {
	case action == "add_person":
		v.Set(fPersonCount, strconv.Itoa(min(n+1, signal.MaxPersons)))
		return s.renderIntake(w, r, http.StatusOK, newForm(v, nil))
	case strings.HasPrefix(action, actionRemovePerson):
		if i, err := strconv.Atoi(strings.TrimPrefix(action, actionRemovePerson)); err == nil && i >= 0 && i < n {
			removePerson(v, i, n)
		}
		return s.renderIntake(w, r, http.StatusOK, newForm(v, nil))
	case action == "refresh":
		// The form's default button (Enter in a text field): show the form
		// again, nothing saved, nothing lost.
		return s.renderIntake(w, r, http.StatusOK, newForm(v, nil))
	}
	in := s.signalInput(v, n)
	sig, err := s.d.Signals.Create(r.Context(), st.subject, in)
	if err == nil {
		http.Redirect(w, r, "/signalen/"+url.PathEscape(sig.ID)+"?nieuw=1", http.StatusSeeOther)
		return nil
	}
	e := errs.As(err)
	if e == nil || e.Code != errs.Invalid || len(e.Fields) == 0 {
		return err
	}
	f := newForm(v, nil)
	// The service names list entries (indicators[2]); the form shows them
	// at the list.
	for _, fe := range e.Fields {
		if !strings.HasPrefix(fe.Field, "persons[") {
			fe.Field, _, _ = strings.Cut(fe.Field, "[")
		}
		f.errs = append(f.errs, fe)
	}
	f.labels = map[string]string{}
	for _, fe := range f.errs {
		f.labels[fe.Field] = labelOf(fe.Field)
	}
	return s.renderIntake(w, r, http.StatusUnprocessableEntity, f)
}

func (s *Server) renderIntake(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ip, err := s.newIntakePage(r, f)
	if err != nil {
		return err
	}
	return s.render(w, r, status, "signal_new", s.newPage(r, "web.signal.new.title", ip))
}

// signalOutcome is the live assessment of the intake form: the assess
// page's result fragment, from the signal service's Preview — the very
// derivation and engine that saving uses (no rule of its own here) — with
// its warnings (a birth year and an age band that disagree) above it.
func (s *Server) signalOutcome(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireSignals(st); err != nil {
		return err
	}
	v := r.PostForm
	in := s.signalInput(v, personCount(v))
	ap := s.newAssessPage(newForm(nil, assessLabels))
	pv, err := s.d.Signals.Preview(r.Context(), st.subject, in, st.lang)
	if problems := assess.Problems(err); problems != nil {
		for _, p := range problems {
			field, _, _ := strings.Cut(p.Field, "[")
			ap.Problems = append(ap.Problems, assessProblem{Field: field, Key: p.Key, Value: p.Value, Label: labelOf(field)})
		}
	} else if err != nil {
		return err
	} else {
		ap.Result = s.resultView(pv.Result, pv.Input)
		ap.Result.NotCounted = s.contextSignals(in.Signals)
		ap.Meldcode = signal.MeldcodeApplies(pv.Result)
		for _, w := range pv.Warnings {
			ap.Warnings = append(ap.Warnings, previewWarning{Field: w.Field, Key: w.Key, Label: labelOf(w.Field), Person: personNumber(w.Field)})
		}
	}
	return s.renderFragment(w, r, http.StatusOK, "assess", "assess-result", s.newPage(r, "web.assess.title", ap))
}

// personNumber is the 1-based number of the person a field persons[i].x
// belongs to (0 for another field).
func personNumber(field string) int {
	if i, ok := listIndex(strings.SplitN(field, ".", 2)[0]); ok && strings.HasPrefix(field, "persons[") {
		return i + 1
	}
	return 0
}

// listPage is the data of the list and the inbox.
type listPage struct {
	Form           *form
	Items          []signal.Summary
	Next           string // URL of the next page, "" on the last
	SearchNext     string // cursor of the next page of a search (posted, never in a URL)
	Inbox          bool
	Search         bool
	Query          string
	Coordinator    bool
	Statuses       []signal.Status
	Outcomes       []assess.Outcome
	Forms          []content.Form
	Departments    []content.Department
	Sorts          []string
	Municipalities []org.Organisation
	Counts         signal.Inbox
	Problem        string
}

// listFilter reads the filter fields (ids and dates only) into a Filter.
func (s *Server) listFilter(v url.Values) (signal.Filter, []errs.FieldError) {
	f := signal.Filter{Status: signal.Status(v.Get("status")), Form: v.Get("form"), Outcome: assess.Outcome(v.Get("outcome")),
		Department: v.Get("department"), MunicipalityID: v.Get("municipality"), Sort: v.Get("sort"), Cursor: v.Get("cursor"),
		WouldChange: v.Get("wouldChange") == "1"}
	var problems []errs.FieldError
	for _, d := range []struct {
		name string
		t    *time.Time
		add  int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		raw := strings.TrimSpace(v.Get(d.name))
		if raw == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", raw, s.tz)
		if err != nil {
			problems = append(problems, errs.FieldError{Field: d.name, Key: "signal.observed_on.invalid"})
			continue
		}
		*d.t = t.AddDate(0, 0, d.add) // "to" is inclusive on the page, exclusive in the Filter
	}
	return f, problems
}

func (s *Server) signalList(w http.ResponseWriter, r *http.Request) error {
	return s.list(w, r, false)
}

func (s *Server) signalInbox(w http.ResponseWriter, r *http.Request) error {
	return s.list(w, r, true)
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, inbox bool) error {
	st := stateOf(r)
	if err := s.requireSignals(st); err != nil {
		return err
	}
	v := r.URL.Query()
	search := r.Method == http.MethodPost
	if search {
		v = url.Values{"q": {r.PostForm.Get("q")}}
	}
	if inbox {
		v.Set("status", string(signal.StatusNew))
	}
	filter, problems := s.listFilter(v)
	lp := &listPage{Inbox: inbox, Search: search, Coordinator: st.subject.Has(policy.Zorgcoordinator),
		Statuses: signal.Statuses, Outcomes: assess.Outcomes, Forms: s.d.Content.Forms, Departments: s.d.Content.Departments,
		Sorts: signal.Sorts}
	if search {
		filter.Query = strings.TrimSpace(r.PostForm.Get("q"))
		filter.Cursor = r.PostForm.Get("cursor")
		lp.Query = filter.Query
	}
	form := newForm(v, nil)
	form.errs = problems
	lp.Form = form
	var merr error
	if lp.Municipalities, merr = s.municipalities(r, st); merr != nil {
		return merr
	}
	if lp.Coordinator && !search {
		// The coordinator sees how many open signals the current ruleset
		// would give another outcome (one indexed count).
		if lp.Counts, merr = s.d.Signals.Inbox(r.Context(), st.subject); merr != nil {
			return merr
		}
	}
	status := http.StatusOK
	if problems == nil && (!search || filter.Query != "") {
		page, err := s.d.Signals.List(r.Context(), st.subject, filter)
		if e := errs.As(err); e != nil && e.Code == errs.Invalid {
			form.errs = append(form.errs, e.Fields...)
			status = http.StatusUnprocessableEntity
		} else if err != nil {
			return err
		} else {
			lp.Items = page.Items
			if search {
				lp.SearchNext = page.Next
			}
			if page.Next != "" && !search {
				nv := url.Values{}
				for k, vals := range v {
					if k != "cursor" && len(vals) > 0 && vals[0] != "" && !(inbox && k == "status") {
						nv.Set(k, vals[0])
					}
				}
				nv.Set("cursor", page.Next)
				base := "/signalen"
				if inbox {
					base = "/signalen/inbox"
				}
				lp.Next = base + "?" + nv.Encode()
			}
		}
	} else if problems != nil {
		status = http.StatusUnprocessableEntity
	}
	if form.Invalid() {
		form.labels = map[string]string{}
		for _, fe := range form.errs {
			form.labels[fe.Field] = "web.signal.filter." + strings.ToLower(fe.Field)
			if !slices.Contains([]string{"status", "form", "outcome", "department", "municipality", "from", "to", "sort", "cursor"}, fe.Field) {
				form.labels[fe.Field] = "web.form.field"
			}
		}
	}
	title := "web.signal.list.title"
	if inbox {
		title = "web.signal.inbox.title"
	}
	return s.render(w, r, status, "signal_list", s.newPage(r, title, lp))
}

// showPage is the data of one signal's page.
type showPage struct {
	Signal      signal.Signal
	Coordinator bool // may transition: sees the notes and the form
	Created     bool // just recorded: the confirmation
	Next        []signal.Status
	CanClose    bool // closed is among Next: the closing reason is asked
	Reasons     []string
	Form        *form
	Alert       string // catalog key: stale or invalid transition
	Department  string
	FormLabels  map[string]content.Text
	Signals     []content.FrontlineSignal
	Indicators  []content.Indicator
	RiskFactors []content.RiskFactor
	// AssessmentLang is the language of the assessment's texts: the page's
	// when the engine could re-render them (same ruleset), else the stored
	// Dutch, and then AssessmentStored says so.
	AssessmentLang   string
	AssessmentStored bool
	// Meldcode is the meldcode route (meldcode.go): nil when the signal's
	// assessment does not put it on the route.
	Meldcode *meldcodeView
	// The ruleset and content version new assessments are made with;
	// Reassessable when the signal's differ (the page offers the comparison).
	CurrentRuleset, CurrentContent string
	Reassessable                   bool
}

func (s *Server) signalShow(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireSignalsRead(st); err != nil {
		return err
	}
	sig, err := s.d.Signals.Get(r.Context(), st.subject, r.PathValue("id"))
	if err != nil {
		return err
	}
	sp := s.newShowPage(st, sig, newForm(nil, nil))
	sp.Created = r.URL.Query().Get("nieuw") == "1" && sig.ReporterID == st.user.ID
	if err := s.addMeldcode(r, st, sp, nil, nil); err != nil {
		return err
	}
	p := s.newPage(r, "web.signal.show.title", sp)
	if r.URL.Query().Get("gewijzigd") == "1" {
		p.Notice = "web.signal.transition.done"
	}
	if r.URL.Query().Get("meldcode") == "1" {
		p.Notice = "web.meldcode.saved"
	}
	if r.URL.Query().Get("herbeoordeeld") == "1" {
		p.Notice = "web.signal.reassess.done"
	}
	return s.render(w, r, http.StatusOK, "signal_show", p)
}

// requireSignalsRead: a user who can neither list nor read signals (partner,
// analist, beheerder) gets the 404 page without asking the service.
func (s *Server) requireSignalsRead(st *state) error {
	if s.d.Signals == nil {
		return errNotFound
	}
	if !st.signedIn() {
		return errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	return nil
}

func (s *Server) newShowPage(st *state, sig signal.Signal, f *form) *showPage {
	c := s.d.Content
	sp := &showPage{Form: f, Reasons: signal.ClosingReasons, FormLabels: map[string]content.Text{}}
	sp.Signal, sp.AssessmentLang = s.d.Signals.InLanguage(sig, st.lang)
	sp.AssessmentStored = sp.AssessmentLang != st.lang
	sp.Coordinator = policy.Can(st.subject, policy.TransitionSignal, sig.Resource())
	sp.CurrentRuleset, sp.CurrentContent = s.d.Signals.CurrentVersions()
	sp.Reassessable = (sig.Ruleset != sp.CurrentRuleset || sig.ContentVersion != sp.CurrentContent) &&
		policy.Can(st.subject, policy.ReassessSignal, sig.Resource())
	if sp.Coordinator {
		sp.Next = signal.Next(sig.Status)
		sp.CanClose = slices.Contains(sp.Next, signal.StatusClosed)
	}
	if d, ok := c.Department(sig.Department); ok {
		sp.Department = d.Label.In(st.lang)
	}
	for _, fm := range c.Forms {
		sp.FormLabels[fm.ID] = fm.Label
	}
	for _, id := range sig.Signals {
		if x, ok := c.Signal(id); ok {
			sp.Signals = append(sp.Signals, x)
		}
	}
	for _, id := range sig.Indicators {
		if x, ok := c.Indicator(id); ok {
			sp.Indicators = append(sp.Indicators, x)
		}
	}
	for _, id := range sig.RiskFactors {
		if x, ok := c.RiskFactor(id); ok {
			sp.RiskFactors = append(sp.RiskFactors, x)
		}
	}
	return sp
}

// signalTransition changes the status. A stale version or a transition no
// longer allowed shows the current state with a message (409); invalid
// input re-renders the form with every error (422).
func (s *Server) signalTransition(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireSignalsRead(st); err != nil {
		return err
	}
	id := r.PathValue("id")
	v := r.PostForm
	version, verr := strconv.Atoi(v.Get("version"))
	if verr != nil {
		version = -1
	}
	in := signal.TransitionInput{To: signal.Status(v.Get("to")), Reason: v.Get("reason"), Remark: v.Get("remark"), Note: v.Get("note")}
	sig, err := s.d.Signals.Transition(r.Context(), st.subject, id, version, in)
	if err == nil {
		http.Redirect(w, r, "/signalen/"+url.PathEscape(id)+"?gewijzigd=1", http.StatusSeeOther)
		return nil
	}
	e := errs.As(err)
	switch {
	case e != nil && e.Code == errs.Conflict && sig.ID != "":
		sp := s.newShowPage(st, sig, newForm(nil, nil))
		sp.Alert = e.Key
		if e.Key != "error.stale" && e.Key != signal.KeyTransitionInvalid {
			sp.Alert = "error.stale"
		}
		if err := s.addMeldcode(r, st, sp, nil, nil); err != nil {
			return err
		}
		return s.render(w, r, http.StatusConflict, "signal_show", s.newPage(r, "web.signal.show.title", sp))
	case e != nil && e.Code == errs.Invalid && len(e.Fields) > 0:
		cur, gerr := s.d.Signals.Get(r.Context(), st.subject, id)
		if gerr != nil {
			return gerr
		}
		f := newForm(v, signalLabels)
		f.errs = append(f.errs, e.Fields...)
		sp := s.newShowPage(st, cur, f)
		if err := s.addMeldcode(r, st, sp, nil, nil); err != nil {
			return err
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "signal_show", s.newPage(r, "web.signal.show.title", sp))
	}
	return err
}

// inboxCount is the number of new signals for the navigation badge of a
// care coordinator: one grouped count over an index (signal.Inbox); -1 when
// there is none to show.
func (s *Server) inboxCount(r *http.Request, st *state) int {
	if s.d.Signals == nil || !st.signedIn() || !st.subject.Has(policy.Zorgcoordinator) {
		return -1
	}
	box, err := s.d.Signals.Inbox(r.Context(), st.subject)
	if err != nil {
		s.d.Logger.WarnContext(r.Context(), "inbox count", "err", err)
		return -1
	}
	return box.New
}

// signalSearch is the reference/alias search: a POST, so that an alias never
// stands in a URL.
func (s *Server) signalSearch(w http.ResponseWriter, r *http.Request) error {
	return s.list(w, r, false)
}

// municipalities are those a user may record for or filter on: a care
// coordinator's region's, a signaleerder's own.
func (s *Server) municipalities(r *http.Request, st *state) ([]org.Organisation, error) {
	all, err := s.d.Orgs.ListOrgs(r.Context(), st.subject)
	if err != nil {
		return nil, err
	}
	var out []org.Organisation
	for _, o := range all {
		if o.Kind != org.Municipality {
			continue
		}
		if o.ID == st.subject.OrgID || st.subject.Has(policy.Zorgcoordinator) && st.subject.RegionID != "" && o.RegionID == st.subject.RegionID {
			out = append(out, o)
		}
	}
	return out, nil
}
