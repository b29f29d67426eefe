package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
)

// Message keys of the case endpoints (i18n catalog/caseapi.*.json).
const (
	// keyCaseBreakGlass: the caller is a care coordinator of the case's
	// region who is not assigned: they may open it with a reason.
	keyCaseBreakGlass = "caseapi.break_glass"
	// keyCaseHasAccess: breaking the glass of a case one can already read.
	keyCaseHasAccess = "caseapi.access.has"
)

// caseRoutes are the routes of care coordination (issue 5), described in
// openapi/cases.json (and openapi/cases_more.json).
func (a *API) caseRoutes() []route {
	return append([]route{
		{"POST /api/v1/cases", false, a.createCase},
		{"GET /api/v1/cases", false, a.listCases},
		{"GET /api/v1/cases/{id}", false, a.getCase},
		{"PATCH /api/v1/cases/{id}", false, a.updateCase},
		{"POST /api/v1/cases/{id}/transitions", false, a.transitionCase},
		{"PUT /api/v1/cases/{id}/reflection-period", false, a.setCaseReflection},
		{"POST /api/v1/cases/{id}/events", false, a.addCaseEvent},
		{"GET /api/v1/cases/{id}/events", false, a.listCaseEvents},
		{"PUT /api/v1/cases/{id}/coordinators", false, a.assignCase},
		{"POST /api/v1/cases/{id}/access", false, a.breakGlass},
		{"GET /api/v1/cases/{id}/outline", false, a.caseOutline},
	}, a.caseMoreRoutes()...)
}

// caseFieldNames maps the service's field names onto the bodies' where they
// differ (the hand-over names the users "coordinators").
var caseFieldNames = map[string]string{
	"coordinators": "userIds",
}

// caseFailure renders what a case method refused: the field names of a
// validation error as in the body; a refusal of a care coordinator of the
// case's region who is not assigned as a 403 that says they may break the
// glass (everyone else gets the service's 404); a conflict with the case's
// current state in the problem's "current" member (current is what the
// service returned with it; when it returned none, the case is read again).
func (a *API) caseFailure(ctx context.Context, u org.User, id string, current cases.Case, err error) error {
	e := errs.As(err)
	if e == nil {
		return err
	}
	switch e.Code {
	case errs.Invalid:
		return renameCaseFields(err)
	case errs.Forbidden:
		if e.Key == "error.forbidden" {
			return errs.E(errs.Forbidden, keyCaseBreakGlass)
		}
	case errs.Conflict:
		if current.ID == "" {
			c, gerr := a.d.Cases.Get(ctx, u.Subject(), id)
			if gerr != nil {
				return err
			}
			current = c
		}
		return &withCurrent{err: err, current: current}
	}
	return err
}

// renameCaseFields rewrites the field names of a validation error of the
// case service into the names of the API bodies.
func renameCaseFields(err error) error {
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
		if n, ok := caseFieldNames[head]; ok {
			f.Field = n + rest
		}
		out.Fields[i] = f
	}
	return &out
}

// checkVersion requires the version the caller saw: present and positive
// (the service takes 0 for "no check", which an edit must never get).
func checkVersion(v *errs.Validation, version *int) {
	switch {
	case version == nil:
		v.Add("version", "field.required")
	case *version < 1:
		v.Add("version", "api.param.range")
	}
}

// createCase opens a case (POST /cases), from signals or directly: 201 with
// Location and the case.
func (a *API) createCase(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b cases.Input
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	c, err := a.d.Cases.Create(r.Context(), u.Subject(), b)
	if err != nil {
		return renameCaseFields(err)
	}
	for i, co := range c.Coordinators {
		if co.Name == "" && co.UserID == u.ID {
			c.Coordinators[i].Name = u.Name // the creator, assigned
		}
	}
	w.Header().Set("Location", BasePath+"/cases/"+c.ID)
	return writeJSON(w, http.StatusCreated, c)
}

// casePageJSON is one page of cases.
type casePageJSON struct {
	Items []cases.Summary `json:"items"`
	Next  *string         `json:"next"` // cursor of the next page; null on the last
}

// caseFilterParams are the query parameters of GET /cases. q is a case
// reference, never a name: no personal data in a URL.
var caseFilterParams = []string{"scope", "phase", "form", "reflectionWithin", "q", "cursor", "limit"}

// maxReflectionWithin is the largest reflectionWithin the service accepts.
const maxReflectionWithin = 366

// listCases lists the caller's cases or their region's (GET /cases):
// summaries without client data.
func (a *API) listCases(w http.ResponseWriter, r *http.Request, u org.User) error {
	q := parseQuery(r, caseFilterParams...)
	f := cases.Filter{
		Scope:            q.str("scope", maxFilterLen),
		Phase:            cases.Phase(q.str("phase", maxFilterLen)),
		Form:             q.str("form", maxFilterLen),
		ReflectionWithin: int(q.int("reflectionWithin", 1, maxReflectionWithin, 0)),
		Query:            q.str("q", 50),
		Cursor:           q.str("cursor", 1024),
		Limit:            int(q.int("limit", 1, cases.MaxLimit, cases.DefaultLimit)),
	}
	if err := q.v.Err(); err != nil {
		return err
	}
	page, err := a.d.Cases.List(r.Context(), u.Subject(), f)
	if err != nil {
		return err
	}
	out := casePageJSON{Items: page.Items}
	if out.Items == nil {
		out.Items = []cases.Summary{}
	}
	if page.Next != "" {
		out.Next = &page.Next
	}
	return writeJSON(w, http.StatusOK, out)
}

// getCase answers a case (GET /cases/{id}) to an assigned coordinator or a
// holder of a break-the-glass grant; 403 to another coordinator of the
// region (who may break the glass); 404 to everyone else.
func (a *API) getCase(w http.ResponseWriter, r *http.Request, u org.User) error {
	id := r.PathValue("id")
	c, err := a.d.Cases.Get(r.Context(), u.Subject(), id)
	if err != nil {
		return a.caseFailure(r.Context(), u, id, cases.Case{}, err)
	}
	return writeJSON(w, http.StatusOK, c)
}

// casePatchJSON is the body of PATCH /cases/{id}: the fields to change and
// the version the caller saw.
type casePatchJSON struct {
	cases.Patch
	Version *int `json:"version"`
}

// updateCase changes a case's own fields (PATCH /cases/{id}): 200 with the
// case; 409 with the current case when it changed since version.
func (a *API) updateCase(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b casePatchJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	var v errs.Validation
	checkVersion(&v, b.Version)
	if err := v.Err(); err != nil {
		return err
	}
	id := r.PathValue("id")
	c, err := a.d.Cases.Update(r.Context(), u.Subject(), id, *b.Version, b.Patch)
	if err != nil {
		return a.caseFailure(r.Context(), u, id, c, err)
	}
	return writeJSON(w, http.StatusOK, c)
}

// caseTransitionJSON is the body of POST /cases/{id}/transitions.
type caseTransitionJSON struct {
	To      string `json:"to"`
	Reason  string `json:"reason"`
	Version *int   `json:"version"`
}

// transitionCase moves a case to another phase: 200 with the case; 409 with
// the current case when the whitelist does not allow the move or the case
// changed since version.
func (a *API) transitionCase(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b caseTransitionJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	var v errs.Validation
	checkVersion(&v, b.Version)
	v.Check(b.To != "", "to", "field.required")
	if err := v.Err(); err != nil {
		return err
	}
	id := r.PathValue("id")
	c, err := a.d.Cases.Transition(r.Context(), u.Subject(), id, *b.Version,
		cases.TransitionInput{To: cases.Phase(b.To), Reason: b.Reason})
	if err != nil {
		return a.caseFailure(r.Context(), u, id, c, err)
	}
	return writeJSON(w, http.StatusOK, c)
}

// caseReflectionJSON is the body of PUT /cases/{id}/reflection-period.
type caseReflectionJSON struct {
	Start   string `json:"start"`
	Dublin  bool   `json:"dublin"`
	Version *int   `json:"version"`
}

// setCaseReflection sets the reflection period: 200 with the case, whose
// reflectionPeriod.end is computed.
func (a *API) setCaseReflection(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b caseReflectionJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	var v errs.Validation
	checkVersion(&v, b.Version)
	if err := v.Err(); err != nil {
		return err
	}
	id := r.PathValue("id")
	c, err := a.d.Cases.SetReflection(r.Context(), u.Subject(), id, *b.Version, b.Start, b.Dublin)
	if err != nil {
		return a.caseFailure(r.Context(), u, id, c, err)
	}
	return writeJSON(w, http.StatusOK, c)
}

// addCaseEvent appends a note or a contact to the timeline: 201 with the
// event. An event has no address of its own (it is read in the timeline),
// so the answer has no Location.
func (a *API) addCaseEvent(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b cases.EventInput
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	id := r.PathValue("id")
	ev, err := a.d.Cases.AddEvent(r.Context(), u.Subject(), id, b)
	if err != nil {
		return a.caseFailure(r.Context(), u, id, cases.Case{}, err)
	}
	if ev.AuthorName == "" && ev.AuthorID == u.ID {
		ev.AuthorName = u.Name
	}
	return writeJSON(w, http.StatusCreated, ev)
}

// caseEventPageJSON is one page of a timeline.
type caseEventPageJSON struct {
	Items []cases.Event `json:"items"`
	Next  *int          `json:"next"` // pass as before for the older events; null on the last page
}

// maxSeq bounds the before parameter.
const maxSeq = 1 << 31

// listCaseEvents answers a page of the timeline, newest first
// (GET /cases/{id}/events?before=&limit=).
func (a *API) listCaseEvents(w http.ResponseWriter, r *http.Request, u org.User) error {
	q := parseQuery(r, "before", "limit")
	before := q.int("before", 1, maxSeq, 0)
	limit := q.int("limit", 1, cases.MaxLimit, cases.DefaultLimit)
	if err := q.v.Err(); err != nil {
		return err
	}
	id := r.PathValue("id")
	page, err := a.d.Cases.Events(r.Context(), u.Subject(), id, int(before), int(limit))
	if err != nil {
		return a.caseFailure(r.Context(), u, id, cases.Case{}, err)
	}
	out := caseEventPageJSON{Items: page.Items}
	if out.Items == nil {
		out.Items = []cases.Event{}
	}
	if page.Next > 0 {
		out.Next = &page.Next
	}
	return writeJSON(w, http.StatusOK, out)
}

// caseAssignJSON is the body of PUT /cases/{id}/coordinators.
type caseAssignJSON struct {
	UserIDs []string `json:"userIds"`
	Version *int     `json:"version"`
}

// assignCase hands the case over: the assigned coordinators become userIds.
func (a *API) assignCase(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b caseAssignJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	var v errs.Validation
	checkVersion(&v, b.Version)
	if err := v.Err(); err != nil {
		return err
	}
	id := r.PathValue("id")
	c, err := a.d.Cases.Assign(r.Context(), u.Subject(), id, *b.Version, b.UserIDs)
	if err != nil {
		return a.caseFailure(r.Context(), u, id, c, err)
	}
	return writeJSON(w, http.StatusOK, c)
}

// caseAccessJSON is the body of POST /cases/{id}/access.
type caseAccessJSON struct {
	Reason string `json:"reason"`
}

// breakGlass opens a case for a care coordinator of its region who is not
// assigned, with a stated reason (logged, on the timeline): 200 with the case.
func (a *API) breakGlass(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b caseAccessJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	c, err := a.d.Cases.BreakGlass(r.Context(), u.Subject(), r.PathValue("id"), b.Reason)
	if e := errs.As(err); e != nil && e.Code == errs.Forbidden && e.Key == "error.forbidden" {
		return errs.E(errs.Forbidden, keyCaseHasAccess) // already assigned or granted
	}
	if err != nil {
		return renameCaseFields(err)
	}
	return writeJSON(w, http.StatusOK, c)
}

// caseOutline answers what a care coordinator of the case's region may know
// of it without access: reference, phase, who is assigned (GET /cases/{id}/outline).
func (a *API) caseOutline(w http.ResponseWriter, r *http.Request, u org.User) error {
	o, err := a.d.Cases.See(r.Context(), u.Subject(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}
