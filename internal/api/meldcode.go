package api

import (
	"net/http"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/signal"
)

// The meldcode route of a signal (issue 11): GET and PUT
// /signals/{id}/meldcode, the same service methods as the signal page.

// meldcodePutJSON is the body of PUT /signals/{id}/meldcode: the whole
// record, which replaces the previous state (the history keeps it), and the
// version the caller saw (0 before the first recording).
type meldcodePutJSON struct {
	Version            *int                      `json:"version"`
	Steps              signal.MeldcodeStepsInput `json:"steps"`
	AcuteUnsafety      *bool                     `json:"acuteUnsafety"`
	StructuralUnsafety *bool                     `json:"structuralUnsafety"`
	Decision           signal.Decision           `json:"decision"`
}

// getMeldcode answers a signal's meldcode record (GET
// /signals/{id}/meldcode); 404 for whoever may not read the signal.
func (a *API) getMeldcode(w http.ResponseWriter, r *http.Request, u org.User) error {
	m, err := a.d.Signals.GetMeldcode(r.Context(), u.Subject(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

// putMeldcode records a signal's meldcode steps (PUT
// /signals/{id}/meldcode): 200 with the record; 400 naming every invalid
// field; 409 with the current record in "current" on a stale version, or
// signal.meldcode.not_applicable when the signal is not on the route; 403
// on a closed signal.
func (a *API) putMeldcode(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b meldcodePutJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	var v errs.Validation
	v.Check(b.Version != nil, "version", "field.required")
	if err := v.Err(); err != nil {
		return err
	}
	m, err := a.d.Signals.RecordMeldcode(r.Context(), u.Subject(), r.PathValue("id"), *b.Version,
		signal.MeldcodeInput{Steps: b.Steps, AcuteUnsafety: b.AcuteUnsafety, StructuralUnsafety: b.StructuralUnsafety, Decision: b.Decision})
	if errs.Is(err, errs.Conflict) && m.SignalID != "" {
		return &withCurrent{err: err, current: m}
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}
