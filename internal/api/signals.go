package api

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/signal"
)

// signalCreateJSON is the body of POST /signals. The context, persons and
// narrative are the signal's own; what the engine weighs is in assessment.
// It maps one to one onto signal.Input (frontlineSignals is Input.Signals).
type signalCreateJSON struct {
	Department       string               `json:"department"`
	MunicipalityID   string               `json:"municipalityId"`
	ObservedOn       string               `json:"observedOn"`
	Place            string               `json:"place"`
	CameToLight      string               `json:"cameToLight"`
	Persons          []signal.PersonInput `json:"persons"`
	Narrative        string               `json:"narrative"`
	RiskFactors      []string             `json:"riskFactors"`
	FrontlineSignals []string             `json:"frontlineSignals"`
	Consultation     bool                 `json:"consultation"`
	AcuteDanger      bool                 `json:"acuteDanger"`
	Assessment       *signalAssessJSON    `json:"assessment"`
}

// signalAssessJSON is the assessment part of a signal: the engine's input
// without the age, which the engine derives from the persons.
type signalAssessJSON struct {
	Forms       []string          `json:"forms"`
	Indicators  []string          `json:"indicators"`
	Acts        []string          `json:"acts"`
	Smuggling   *assess.Smuggling `json:"smuggling"`
	AcuteDanger bool              `json:"acuteDanger"`
	// PossiblyMinor: doubt whether a person is a minor (ruleset 2027.1).
	PossiblyMinor bool `json:"possiblyMinor"`
}

// input maps the body onto the service's input. Acute danger is set when
// either the signal or its assessment says so.
func (b signalCreateJSON) input() signal.Input {
	in := signal.Input{Department: b.Department, MunicipalityID: b.MunicipalityID, ObservedOn: b.ObservedOn,
		Place: b.Place, CameToLight: b.CameToLight, Persons: b.Persons, Narrative: b.Narrative,
		RiskFactors: b.RiskFactors, Signals: b.FrontlineSignals, Consultation: b.Consultation, AcuteDanger: b.AcuteDanger}
	if a := b.Assessment; a != nil {
		in.Forms, in.Indicators, in.Acts, in.Smuggling = a.Forms, a.Indicators, a.Acts, a.Smuggling
		in.AcuteDanger = in.AcuteDanger || a.AcuteDanger
		in.PossiblyMinor = a.PossiblyMinor
	}
	return in
}

// signalFieldNames maps the service's field names onto the body's.
var signalFieldNames = map[string]string{
	"signals":    "frontlineSignals",
	"forms":      "assessment.forms",
	"indicators": "assessment.indicators",
	"acts":       "assessment.acts",
	"smuggling":  "assessment.smuggling",
}

// renameFields rewrites the field names of a validation error of the
// service into the names of the API body.
func renameFields(err error) error {
	e := errs.As(err)
	if e == nil || e.Code != errs.Invalid || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]errs.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		head, rest := f.Field, ""
		if j := strings.IndexAny(head, "[."); j >= 0 {
			head, rest = head[:j], head[j:]
		}
		if n, ok := signalFieldNames[head]; ok {
			f.Field = n + rest
		}
		out.Fields[i] = f
	}
	return &out
}

// createSignal records a signal (POST /signals): 201 with Location and the
// signal as the reporter sees it, its assessment computed and stored.
func (a *API) createSignal(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b signalCreateJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	sig, err := a.d.Signals.Create(r.Context(), u.Subject(), b.input())
	if err != nil {
		return renameFields(err)
	}
	w.Header().Set("Location", BasePath+"/signals/"+sig.ID)
	return writeJSON(w, http.StatusCreated, a.inLanguage(w, r, sig))
}

// inLanguage returns sig with the texts of its assessment in the caller's
// language (Accept-Language) and sets Content-Language to the language they
// are in. The stored texts are Dutch; in English the engine re-renders them
// from the stored input while its ruleset is the signal's, else they stay
// the stored Dutch ones and Content-Language says nl (signal.InLanguage).
func (a *API) inLanguage(w http.ResponseWriter, r *http.Request, sig signal.Signal) signal.Signal {
	sig, lang := a.d.Signals.InLanguage(sig, i18n.Negotiate(r.Header.Get("Accept-Language")))
	w.Header().Set("Content-Language", lang)
	w.Header().Add("Vary", "Accept-Language")
	return sig
}

// getSignal answers one signal (GET /signals/{id}); 404 for whoever may not
// read it, exactly as for a signal that does not exist.
func (a *API) getSignal(w http.ResponseWriter, r *http.Request, u org.User) error {
	sig, err := a.d.Signals.Get(r.Context(), u.Subject(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a.inLanguage(w, r, sig))
}

// signalPageJSON is one page of signals.
type signalPageJSON struct {
	Items []signal.Summary `json:"items"`
	Next  *string          `json:"next"` // cursor of the next page; null on the last
}

// signalFilterParams are the query parameters of GET /signals.
var signalFilterParams = []string{"status", "form", "outcome", "department", "municipalityId", "from", "to", "sort", "cursor", "limit", "wouldChange"}

// listSignals lists the signals the caller may see (GET /signals). No names
// or aliases in a URL: searching is POST /signals/search.
func (a *API) listSignals(w http.ResponseWriter, r *http.Request, u org.User) error {
	q := parseQuery(r, signalFilterParams...)
	f := signal.Filter{
		Status:         signal.Status(q.str("status", maxFilterLen)),
		Form:           q.str("form", maxFilterLen),
		Outcome:        assess.Outcome(q.str("outcome", maxFilterLen)),
		Department:     q.str("department", maxFilterLen),
		MunicipalityID: q.str("municipalityId", maxFilterLen),
		From:           q.time("from"),
		To:             q.time("to"),
		Sort:           q.str("sort", maxFilterLen),
		Cursor:         q.str("cursor", 1024),
		Limit:          int(q.int("limit", 1, signal.MaxLimit, signal.DefaultLimit)),
		WouldChange:    q.bool("wouldChange"),
	}
	checkRange(&q.v, f.From, f.To)
	if err := q.v.Err(); err != nil {
		return err
	}
	return a.signalPage(w, r, u, f)
}

// signalSearchJSON is the body of POST /signals/search: the filters of GET
// /signals and the query (a reference or an alias), which must not be in a URL.
type signalSearchJSON struct {
	Query          string `json:"query"`
	Status         string `json:"status"`
	Form           string `json:"form"`
	Outcome        string `json:"outcome"`
	Department     string `json:"department"`
	MunicipalityID string `json:"municipalityId"`
	From           string `json:"from"`
	To             string `json:"to"`
	Sort           string `json:"sort"`
	Cursor         string `json:"cursor"`
	Limit          *int   `json:"limit"`
}

func (a *API) searchSignals(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b signalSearchJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	var v errs.Validation
	from, ok := parseTime(b.From)
	v.Check(ok, "from", "api.field.datetime")
	to, ok := parseTime(b.To)
	v.Check(ok, "to", "api.field.datetime")
	checkRange(&v, from, to)
	f := signal.Filter{Query: b.Query, Status: signal.Status(b.Status), Form: b.Form, Outcome: assess.Outcome(b.Outcome),
		Department: b.Department, MunicipalityID: b.MunicipalityID, From: from, To: to, Sort: b.Sort, Cursor: b.Cursor,
		Limit: signal.DefaultLimit}
	if b.Limit != nil {
		f.Limit = *b.Limit
		v.Check(f.Limit >= 1 && f.Limit <= signal.MaxLimit, "limit", "api.param.range")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return a.signalPage(w, r, u, f)
}

func (a *API) signalPage(w http.ResponseWriter, r *http.Request, u org.User, f signal.Filter) error {
	page, err := a.d.Signals.List(r.Context(), u.Subject(), f)
	if err != nil {
		return err
	}
	out := signalPageJSON{Items: page.Items}
	if out.Items == nil {
		out.Items = []signal.Summary{}
	}
	if page.Next != "" {
		out.Next = &page.Next
	}
	return writeJSON(w, http.StatusOK, out)
}

// signalInbox answers the counts of open signals the caller sees (GET /signals/inbox).
func (a *API) signalInbox(w http.ResponseWriter, r *http.Request, u org.User) error {
	box, err := a.d.Signals.Inbox(r.Context(), u.Subject())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, box)
}

// transitionJSON is the body of POST /signals/{id}/transitions.
type transitionJSON struct {
	To      string `json:"to"`
	Reason  string `json:"reason"`
	Remark  string `json:"remark"`
	Note    string `json:"note"`
	Version *int   `json:"version"` // the version the caller saw
}

// transitionSignal moves a signal to another status: 200 with the signal;
// 409 with the current state in the problem's "current" member when the
// signal changed since version or the whitelist does not allow the move.
func (a *API) transitionSignal(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b transitionJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	var v errs.Validation
	v.Check(b.Version != nil, "version", "field.required")
	v.Check(b.To != "", "to", "field.required")
	if err := v.Err(); err != nil {
		return err
	}
	sig, err := a.d.Signals.Transition(r.Context(), u.Subject(), r.PathValue("id"), *b.Version,
		signal.TransitionInput{To: signal.Status(b.To), Reason: b.Reason, Remark: b.Remark, Note: b.Note})
	if errs.Is(err, errs.Conflict) && sig.ID != "" {
		sig, _ = a.d.Signals.InLanguage(sig, i18n.Negotiate(r.Header.Get("Accept-Language")))
		return &withCurrent{err: err, current: sig}
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a.inLanguage(w, r, sig))
}

// withCurrent is a conflict that shows the object's current state in the
// problem's "current" member.
type withCurrent struct {
	err     error
	current any
}

func (e *withCurrent) Error() string { return e.err.Error() }
func (e *withCurrent) Unwrap() error { return e.err }

// currentOf returns the current state carried by err, if any.
func currentOf(err error) any {
	var wc *withCurrent
	if errors.As(err, &wc) {
		return wc.current
	}
	return nil
}

// reassessmentJSON is the body of POST /signals/{id}/reassessment: without
// keep (or with keep false) the comparison; with keep true and the version
// compared, the current assessment is computed again and kept.
type reassessmentJSON struct {
	Keep    bool `json:"keep"`
	Version *int `json:"version"` // required with keep
}

// reassessmentKeptJSON is the answer of a keep: the new record and the
// signal with it as its current assessment.
type reassessmentKeptJSON struct {
	Record signal.Record `json:"record"`
	Signal signal.Signal `json:"signal"`
}

// emptyBody reports whether r's body, of unknown length (chunked), holds
// nothing; the body stays readable for whoever reads it next.
func emptyBody(r *http.Request) bool {
	if r.ContentLength > 0 || r.Body == nil || r.Body == http.NoBody {
		return r.ContentLength <= 0
	}
	br := bufio.NewReader(r.Body)
	_, err := br.Peek(1)
	r.Body = struct {
		io.Reader
		io.Closer
	}{br, r.Body}
	return err == io.EOF
}

// reassessSignal compares a signal's stored assessment with the current
// ruleset's (200, the comparison; texts in the caller's language where the
// engine can give them) or keeps the current one (201, the record and the
// signal; 409 with the current signal when it changed since version, 409
// when there is nothing to keep or the signal is final). An empty body is a
// comparison. 404 for whoever may not read the signal.
func (a *API) reassessSignal(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b reassessmentJSON
	if r.ContentLength != 0 && !emptyBody(r) {
		if err := a.readJSON(w, r, &b); err != nil {
			return err
		}
	}
	id := r.PathValue("id")
	if !b.Keep {
		if b.Version != nil {
			return &errs.Error{Code: errs.Invalid, Key: "error.validation",
				Fields: []errs.FieldError{{Field: "version", Key: "signal.reassessment.version_without_keep"}}}
		}
		lang := i18n.Negotiate(r.Header.Get("Accept-Language"))
		c, err := a.d.Signals.Compare(r.Context(), u.Subject(), id, lang)
		if err != nil {
			return err
		}
		w.Header().Add("Vary", "Accept-Language")
		return writeJSON(w, http.StatusOK, c)
	}
	if b.Version == nil {
		return &errs.Error{Code: errs.Invalid, Key: "error.validation", Fields: []errs.FieldError{{Field: "version", Key: "field.required"}}}
	}
	sig, rec, err := a.d.Signals.Reassess(r.Context(), u.Subject(), id, *b.Version)
	if errs.Is(err, errs.Conflict) && sig.ID != "" {
		sig, _ = a.d.Signals.InLanguage(sig, i18n.Negotiate(r.Header.Get("Accept-Language")))
		return &withCurrent{err: err, current: sig}
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", BasePath+"/signals/"+sig.ID+"/assessments")
	return writeJSON(w, http.StatusCreated, reassessmentKeptJSON{Record: rec, Signal: a.inLanguage(w, r, sig)})
}

// signalAssessmentsJSON is the list of a signal's kept assessment records.
type signalAssessmentsJSON struct {
	Items []signal.Record `json:"items"`
}

// signalAssessments lists a signal's kept assessment records, oldest first
// (GET /signals/{id}/assessments); 404 for whoever may not read the signal.
func (a *API) signalAssessments(w http.ResponseWriter, r *http.Request, u org.User) error {
	recs, err := a.d.Signals.Assessments(r.Context(), u.Subject(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, signalAssessmentsJSON{Items: recs})
}
