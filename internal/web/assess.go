package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
)

// "Signalen wegen": a worker ticks what they observed and sees what it might
// be, why, and whom to call. The page calls the assessment engine directly:
// nothing is stored and nothing goes to the processing log (the page takes
// no names or other personal data, only observations). The ticked values
// travel in POST bodies only, never in a URL.
//
// Three routes:
//   - GET  /signalen-wegen           the empty form
//   - POST /signalen-wegen           the whole page with the result (without
//     JavaScript the submit button; 422 with every problem when invalid)
//   - POST /signalen-wegen/uitkomst  only the result region, for htmx as the
//     worker ticks (always 200: htmx swaps only 2xx answers, and the region
//     shows the problems itself)
//
// and GET /signalen-wegen/uitleg, "Hoe Baken weegt", generated from the
// catalogue.

// Form field names of the page (the JSON names of assess.Input where there
// is one, so that an engine problem names its field).
const (
	fAge         = "age"
	fMinor       = "minor"
	fPossiblyMin = "possiblyMinor"
	fForms       = "forms"
	fDepartment  = "department"
	fSignals     = "signals"
	fIndicators  = "indicators"
	fActs        = "acts"
	fFacilitated = "smugglingFacilitated"
	fPaid        = "smugglingPaid"
	fConsented   = "smugglingConsented"
	fAcuteDanger = "acuteDanger"
)

// assessLabels are the labels of the fields in the error summary.
var assessLabels = map[string]string{
	fAge: "web.assess.label.age", fMinor: "web.assess.label.minor", fPossiblyMin: "web.assess.label.possibly_minor", fForms: "web.assess.label.forms",
	fDepartment: "web.assess.label.department", fSignals: "web.assess.label.signals", fIndicators: "web.assess.label.indicators",
	fActs: "web.assess.label.acts", fFacilitated: "web.assess.smuggling", fPaid: "web.assess.smuggling", fConsented: "web.assess.smuggling",
	fAcuteDanger: "web.assess.acute",
}

// previewWarning is a note on the intake preview that does not block
// saving: the field, its label, the message, and the person's number (0:
// not a person's field).
type previewWarning struct {
	Field, Label, Key string
	Person            int
}

// assessProblem is one invalid value, shown in the summary with the value given.
type assessProblem struct {
	Field, Label, Key, Value string
}

// assessPage is the data of the page and of its result region.
type assessPage struct {
	Form         *form
	Problems     []assessProblem
	Forms        []content.Form
	Departments  []content.Department
	SignalGroups []signalGroup
	Dimensions   []indicatorGroup
	Acts         []string
	Result       *resultView // nil until something was weighed
	// Warnings are the intake preview's notes that do not block saving.
	Warnings []previewWarning
	// Meldcode: the intake's live result puts the signal on the meldcode
	// route (Veilig Thuis or the LKHA advised): the intake page says so.
	Meldcode   bool
	Ruleset    string
	Disclaimer content.Text
}

// signalGroup is a group of frontline signals: those of one department, or
// those no department lists (Dept nil).
type signalGroup struct {
	Dept    *content.Department
	Signals []content.FrontlineSignal
	Open    bool // the chosen department's group, or one with a ticked signal
}

// indicatorGroup is one dimension with its indicators.
type indicatorGroup struct {
	Dim        content.Dimension
	Indicators []content.Indicator
	Open       bool // a ticked indicator inside
}

// resultView is the engine's result and, per dimension, the indicators that
// were counted (ticked or behind a ticked signal) with their strength.
type resultView struct {
	assess.Result
	Dims    []dimensionView
	Counted int
	// NotCounted are the ticked context signals: shown with the result, so
	// the worker sees they were read and why they did not count.
	NotCounted []content.FrontlineSignal
}

type dimensionView struct {
	assess.DimensionResult
	Label   content.Text
	Counted []countedIndicator
}

type countedIndicator struct {
	Label    content.Text
	Strength content.Strength
}

// assessPageGet shows the empty form.
func (s *Server) assessPageGet(w http.ResponseWriter, r *http.Request) error {
	if err := requireUseApp(stateOf(r)); err != nil {
		return err
	}
	ap := s.newAssessPage(newForm(nil, assessLabels))
	return s.render(w, r, http.StatusOK, "assess", s.newPage(r, "web.assess.title", ap))
}

// assessPagePost weighs the form and renders the whole page.
func (s *Server) assessPagePost(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := requireUseApp(st); err != nil {
		return err
	}
	ap := s.weigh(r.PostForm, st.lang)
	status := http.StatusOK
	if len(ap.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	p := s.newPage(r, "web.assess.title", ap)
	return s.render(w, r, status, "assess", p)
}

// assessResult weighs the form and renders only the result region.
func (s *Server) assessResult(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := requireUseApp(st); err != nil {
		return err
	}
	ap := s.weigh(r.PostForm, st.lang)
	return s.renderFragment(w, r, http.StatusOK, "assess", "assess-result", s.newPage(r, "web.assess.title", ap))
}

func requireUseApp(st *state) error {
	if !policy.Can(st.subject, policy.UseApp, policy.Resource{}) {
		return errForbidden
	}
	return nil
}

// weigh turns the posted form into an engine input, assesses it and
// returns the page with everything ticked kept, and the result or every
// problem.
func (s *Server) weigh(v url.Values, lang string) *assessPage {
	f := newForm(v, assessLabels)
	ap := s.newAssessPage(f)
	// The page's own problems and the engine's are reported together: the
	// engine checks what the page could read.
	in, origin, problems := s.assessInput(v)
	res, err := s.d.Engine.Assess(in, lang)
	for _, p := range assess.Problems(err) {
		field, _, _ := strings.Cut(p.Field, "[")
		if field == fIndicators {
			if i, ok := listIndex(p.Field); ok && i < len(origin) {
				field = origin[i]
			}
		}
		problems = append(problems, assessProblem{Field: field, Key: p.Key, Value: p.Value})
	}
	if err != nil && problems == nil { // cannot happen: Assess fails only on invalid input
		problems = append(problems, assessProblem{Field: fIndicators, Key: "error.internal"})
	}
	if problems == nil {
		ap.Result = s.resultView(res, in)
		ap.Result.NotCounted = s.contextSignals(v[fSignals])
	}
	for i := range problems {
		problems[i].Label = assessLabels[problems[i].Field]
		if problems[i].Label == "" {
			problems[i].Label = "web.form.field"
		}
		f.errs = append(f.errs, errs.FieldError{Field: problems[i].Field, Key: problems[i].Key})
	}
	ap.Problems = problems
	return ap
}

// listIndex parses the index of "name[i]".
func listIndex(field string) (int, bool) {
	_, rest, ok := strings.Cut(field, "[")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(strings.TrimSuffix(rest, "]"))
	return i, err == nil
}

// assessInput reads the form. The indicators are the ticked ones followed
// by those behind the ticked frontline signals (a union: each once). origin
// names the form field of each indicator, for the engine's problems. The
// department only orders the signals; an unknown one, an unknown signal and
// an age that is not a whole number are problems of the page itself.
func (s *Server) assessInput(v url.Values) (in assess.Input, origin []string, problems []assessProblem) {
	c := s.d.Content
	if raw := strings.TrimSpace(v.Get(fAge)); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			problems = append(problems, assessProblem{Field: fAge, Key: assess.KeyAgeInvalid, Value: clipValue(raw)})
		} else {
			in.Age = &n
		}
	}
	in.Minor = v.Get(fMinor) == "1"
	in.PossiblyMinor = v.Get(fPossiblyMin) == "1"
	in.AcuteDanger = v.Get(fAcuteDanger) == "1"
	in.Forms = slices.Clone(v[fForms])
	in.Acts = slices.Clone(v[fActs])
	if facilitated, paid, consented := v.Get(fFacilitated) == "1", v.Get(fPaid) == "1", v.Get(fConsented) == "1"; facilitated || paid || consented {
		in.Smuggling = &assess.Smuggling{BorderCrossingFacilitated: facilitated, Paid: paid, Consented: consented}
	}
	if d := v.Get(fDepartment); d != "" {
		if _, ok := c.Department(d); !ok {
			problems = append(problems, assessProblem{Field: fDepartment, Key: "web.assess.department.unknown", Value: clipValue(d)})
		}
	}
	seen := map[string]bool{}
	for _, id := range v[fIndicators] {
		in.Indicators = append(in.Indicators, id)
		origin = append(origin, fIndicators)
		seen[id] = true
	}
	for _, id := range v[fSignals] {
		sig, ok := c.Signal(id)
		if !ok {
			problems = append(problems, assessProblem{Field: fSignals, Key: "web.assess.signal.unknown", Value: clipValue(id)})
			continue
		}
		for _, ind := range sig.Indicators {
			if !seen[ind] {
				seen[ind] = true
				in.Indicators = append(in.Indicators, ind)
				origin = append(origin, fSignals)
			}
		}
	}
	return in, origin, problems
}

// clipValue shortens a value echoed in a message.
func clipValue(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// newAssessPage lays out the catalogue for the form: signals grouped by
// department (the chosen one first and open), indicators by dimension.
func (s *Server) newAssessPage(f *form) *assessPage {
	c := s.d.Content
	ap := &assessPage{Form: f, Forms: c.Forms, Departments: c.Departments, Acts: assess.Acts,
		Ruleset: c.Meta.Ruleset, Disclaimer: c.Meta.Disclaimer}
	chosen := f.Get(fDepartment)
	depts := slices.Clone(c.Departments)
	if i := slices.IndexFunc(depts, func(d content.Department) bool { return d.ID == chosen }); i > 0 {
		d := depts[i]
		depts = slices.Insert(slices.Delete(depts, i, i+1), 0, d)
	}
	placed := map[string]bool{}
	ticked := func(sigs []content.FrontlineSignal) bool {
		return slices.ContainsFunc(sigs, func(sg content.FrontlineSignal) bool { return f.Has(fSignals, sg.ID) })
	}
	for i := range depts {
		g := signalGroup{Dept: &depts[i]}
		for _, sg := range c.FrontlineSignals {
			if !placed[sg.ID] && slices.Contains(sg.Departments, depts[i].ID) {
				placed[sg.ID] = true
				g.Signals = append(g.Signals, sg)
			}
		}
		if len(g.Signals) == 0 {
			continue
		}
		g.Open = depts[i].ID == chosen || ticked(g.Signals)
		ap.SignalGroups = append(ap.SignalGroups, g)
	}
	var general signalGroup
	for _, sg := range c.FrontlineSignals {
		if !placed[sg.ID] {
			general.Signals = append(general.Signals, sg)
		}
	}
	if len(general.Signals) > 0 {
		general.Open = ticked(general.Signals)
		ap.SignalGroups = append(ap.SignalGroups, general)
	}
	for _, d := range c.Dimensions {
		g := indicatorGroup{Dim: d, Indicators: c.IndicatorsOf(d.ID)}
		g.Open = slices.ContainsFunc(g.Indicators, func(ind content.Indicator) bool { return f.Has(fIndicators, ind.ID) })
		ap.Dimensions = append(ap.Dimensions, g)
	}
	return ap
}

// contextSignals are the context signals among the ticked signal ids, once
// each, in the order ticked: shown and stored, never counted.
func (s *Server) contextSignals(ids []string) []content.FrontlineSignal {
	var out []content.FrontlineSignal
	seen := map[string]bool{}
	for _, id := range ids {
		if sig, ok := s.d.Content.Signal(id); ok && sig.Context && !seen[id] {
			seen[id] = true
			out = append(out, sig)
		}
	}
	return out
}

// resultView adds to a result the labels of its dimensions and of the
// indicators counted in each, with the strength they counted with.
func (s *Server) resultView(res assess.Result, in assess.Input) *resultView {
	c := s.d.Content
	pop := content.Adult
	if res.Population == assess.Child {
		pop = content.Child
	}
	byDim := map[string][]countedIndicator{}
	seen := map[string]bool{}
	for _, id := range in.Indicators {
		ind, ok := c.Indicator(id)
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		byDim[ind.Dimension()] = append(byDim[ind.Dimension()], countedIndicator{Label: ind.Label, Strength: ind.StrengthFor(pop, in.Forms)})
	}
	rv := &resultView{Result: res, Counted: len(seen)}
	for _, d := range res.Dimensions {
		dv := dimensionView{DimensionResult: d, Counted: byDim[d.ID]}
		if cd, ok := c.Dimension(d.ID); ok {
			dv.Label = cd.Label
		}
		rv.Dims = append(rv.Dims, dv)
	}
	return rv
}

// explainPage is "Hoe Baken weegt": the model, from the catalogue.
type explainPage struct {
	Meta        content.Meta
	Dimensions  []explainDimension
	Forms       []content.Form
	FormLabels  map[string]content.Text
	Outcomes    []assess.Outcome
	Advice      []content.Advice // in the order the engine gives them
	RiskFactors []content.RiskFactor
}

type explainDimension struct {
	Dim        content.Dimension
	Indicators []content.Indicator
}

func (s *Server) assessExplain(w http.ResponseWriter, r *http.Request) error {
	if err := requireUseApp(stateOf(r)); err != nil {
		return err
	}
	c := s.d.Content
	ep := explainPage{Meta: c.Meta, Forms: c.Forms, FormLabels: map[string]content.Text{}, Outcomes: assess.Outcomes, RiskFactors: c.RiskFactors}
	for _, f := range c.Forms {
		ep.FormLabels[f.ID] = f.Label
	}
	for _, d := range c.Dimensions {
		ep.Dimensions = append(ep.Dimensions, explainDimension{Dim: d, Indicators: c.IndicatorsOf(d.ID)})
	}
	for _, id := range assess.AdviceOrder() {
		if a, ok := c.AdviceByID(id); ok {
			ep.Advice = append(ep.Advice, a)
		}
	}
	return s.render(w, r, http.StatusOK, "assess_model", s.newPage(r, "web.assess.model.title", ep))
}
