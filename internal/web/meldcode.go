package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
)

// The meldcode route on the signal page (issue 11): for a signal whose
// stored assessment advises Veilig Thuis or the LKHA, the page explains the
// five steps of the Meldcode huiselijk geweld en kindermishandeling, shows
// what has been recorded, and — to the reporter and the region's care
// coordinators while the signal is open — a form to record the dates, the
// weighing of step 4 and the decision of step 5. Works without JavaScript;
// every error at once; the form keeps what was typed.
//
//   - POST /signalen/{id}/meldcode   record the steps (the whole record, with its version)

// meldcodeView is the meldcode part of the signal page.
type meldcodeView struct {
	Record    signal.Meldcode
	Steps     []meldcodeStepView
	Form      *form
	CanRecord bool
	Closed    bool   // the signal is closed: the record is read-only
	Alert     string // catalog key: a stale version
	Decisions []signal.Decision
	// Acute, Structural: the weighing of step 4, "yes", "no" or "" (not yet).
	Acute, Structural string
	History           []meldcodeEventView
}

// meldcodeEventView is one recording in the history.
type meldcodeEventView struct {
	Version  int
	At       time.Time
	Done     int // steps with a date after it
	Decision signal.Decision
}

// meldcodeStepView is one of the five steps.
type meldcodeStepView struct {
	ID     signal.MeldcodeStep
	Number int
	Record signal.MeldcodeStepRecord
	At     time.Time // when the step was last recorded (zero: never)
}

// Field is the form name of one of the step's fields ("date", "note").
func (v meldcodeStepView) Field(name string) string { return "steps." + string(v.ID) + "." + name }

// meldcodeLabel is the error summary's label of a meldcode field.
func meldcodeLabel(field string) string {
	return "web.meldcode.label." + strings.TrimPrefix(field, "steps.")
}

// meldcodeValues is the form of a stored record, to start from.
func meldcodeValues(m signal.Meldcode) url.Values {
	v := url.Values{}
	in := m.Input()
	for _, st := range signal.MeldcodeSteps {
		p := in.Steps.At(st)
		sv := meldcodeStepView{ID: st}
		v.Set(sv.Field("date"), p.Date)
		v.Set(sv.Field("note"), p.Note)
	}
	v.Set("acuteUnsafety", yesNo(in.AcuteUnsafety))
	v.Set("structuralUnsafety", yesNo(in.StructuralUnsafety))
	v.Set("decision", string(in.Decision))
	v.Set("version", strconv.Itoa(m.Version))
	return v
}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}

func parseYesNo(s string) *bool {
	switch s {
	case "yes":
		b := true
		return &b
	case "no":
		b := false
		return &b
	}
	return nil
}

// meldcodeInput reads the meldcode form.
func meldcodeInput(v url.Values) signal.MeldcodeInput {
	in := signal.MeldcodeInput{AcuteUnsafety: parseYesNo(v.Get("acuteUnsafety")),
		StructuralUnsafety: parseYesNo(v.Get("structuralUnsafety")), Decision: signal.Decision(v.Get("decision"))}
	for _, st := range signal.MeldcodeSteps {
		sv := meldcodeStepView{ID: st}
		*in.Steps.At(st) = signal.MeldcodeStepInput{Date: v.Get(sv.Field("date")), Note: v.Get(sv.Field("note"))}
	}
	return in
}

// addMeldcode puts the meldcode of the page's signal on it, when the signal
// is on the route: the record (a read in the processing log), and the form
// — as typed when f is given, else from the record.
func (s *Server) addMeldcode(r *http.Request, st *state, sp *showPage, f *form, m *signal.Meldcode) error {
	if sp.Signal.Meldcode == nil {
		return nil
	}
	if m == nil {
		rec, err := s.d.Signals.GetMeldcode(r.Context(), st.subject, sp.Signal.ID)
		if err != nil {
			return err
		}
		m = &rec
	}
	res := sp.Signal.MeldcodeResource()
	mv := &meldcodeView{Record: *m, Decisions: signal.Decisions, Closed: res.Closed,
		CanRecord: policy.Can(st.subject, policy.RecordMeldcode, res)}
	mv.Acute, mv.Structural = yesNo(m.AcuteUnsafety), yesNo(m.StructuralUnsafety)
	for i, id := range signal.MeldcodeSteps {
		sv := meldcodeStepView{ID: id, Number: i + 1, Record: m.Step(id)}
		if sv.Record.RecordedAt != nil {
			sv.At = *sv.Record.RecordedAt
		}
		mv.Steps = append(mv.Steps, sv)
	}
	for _, h := range m.History {
		ev := meldcodeEventView{Version: h.Version, At: h.At, Decision: h.Decision}
		for _, st := range h.Steps {
			if st.Date != "" {
				ev.Done++
			}
		}
		mv.History = append(mv.History, ev)
	}
	if f == nil {
		f = newForm(meldcodeValues(*m), nil)
	}
	f.labels = map[string]string{}
	for _, fe := range f.errs {
		f.labels[fe.Field] = meldcodeLabel(fe.Field)
	}
	mv.Form = f
	sp.Meldcode = mv
	return nil
}

// signalMeldcode records the meldcode steps. A stale version shows the
// current record with a message (409); invalid input re-renders the page
// with every error and what was typed (422).
func (s *Server) signalMeldcode(w http.ResponseWriter, r *http.Request) error {
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
	m, err := s.d.Signals.RecordMeldcode(r.Context(), st.subject, id, version, meldcodeInput(v))
	if err == nil {
		http.Redirect(w, r, "/signalen/"+url.PathEscape(id)+"?meldcode=1#meldcode", http.StatusSeeOther)
		return nil
	}
	e := errs.As(err)
	stale := e != nil && e.Code == errs.Conflict && e.Key == "error.stale" && m.SignalID != ""
	invalid := e != nil && e.Code == errs.Invalid && len(e.Fields) > 0
	if !stale && !invalid {
		return err
	}
	sig, gerr := s.d.Signals.Get(r.Context(), st.subject, id)
	if gerr != nil {
		return gerr
	}
	sp := s.newShowPage(st, sig, newForm(nil, nil))
	status := http.StatusConflict
	var f *form
	if invalid {
		status = http.StatusUnprocessableEntity
		f = newForm(v, nil)
		f.errs = append(f.errs, e.Fields...)
		if err := s.addMeldcode(r, st, sp, f, nil); err != nil {
			return err
		}
	} else if err := s.addMeldcode(r, st, sp, nil, &m); err != nil {
		return err
	}
	if stale && sp.Meldcode != nil {
		sp.Meldcode.Alert = "error.stale"
	}
	return s.render(w, r, status, "signal_show", s.newPage(r, "web.signal.show.title", sp))
}
