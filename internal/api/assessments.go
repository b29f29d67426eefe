package api

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// assess weighs what a worker observed (POST /assessments): the body is the
// engine's input, the answer its result in the language of Accept-Language.
// Nothing is stored and nothing is written to the processing log: the input
// holds no names, and the answer is computed, not kept (hence 200, not 201).
//
// The body passes the same checks as every other body (media type, size,
// one JSON object), capped at the engine's own limit (assess.MaxInputLen);
// then the engine's strict decoder reports every problem of its fields and
// values at once, each with the offending value.
func (a *API) assess(w http.ResponseWriter, r *http.Request, u org.User) error {
	if !policy.Can(u.Subject(), policy.UseApp, policy.Resource{}) {
		return errs.E(errs.Forbidden, "api.forbidden")
	}
	data, err := a.readBody(w, r, min(a.maxBody, assess.MaxInputLen))
	if err != nil {
		return err
	}
	if _, err := checkBody(data); err != nil {
		return err
	}
	lang := i18n.Negotiate(r.Header.Get("Accept-Language"))
	res, err := a.d.Engine.AssessJSON(bytes.NewReader(data), lang)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Language", lang)
	return writeJSON(w, http.StatusOK, res)
}

// assessReason is the message of one problem of an assessment input with
// the value that was given, e.g. `Deze indicator bestaat niet. Opgegeven:
// "coercion.magic".`
func (a *API) assessReason(lang string, p assess.Problem) string {
	msg := a.d.I18n.T(lang, p.Key)
	if p.Value == "" {
		return msg
	}
	switch p.Key {
	case assess.KeyListTooLong: // the value is the number of entries
		return a.d.I18n.T(lang, "api.assess.count", msg, p.Value)
	case assess.KeyFieldType, assess.KeyAgeInvalid: // the value is JSON as given
		return a.d.I18n.T(lang, "api.assess.given", msg, p.Value)
	}
	return a.d.I18n.T(lang, "api.assess.given", msg, strconv.Quote(p.Value))
}
