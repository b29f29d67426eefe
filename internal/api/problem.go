package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/reqctx"
)

// Problem codes of the HTTP layer itself, beside the errs codes.
const (
	codeMethodNotAllowed     errs.Code = "method_not_allowed"
	codeUnsupportedMediaType errs.Code = "unsupported_media_type"
)

// problemTypePrefix starts every problem type URI: urn:baken:problem:CODE.
const problemTypePrefix = "urn:baken:problem:"

// problem is an RFC 9457 problem details body with Baken's extensions: a
// machine-readable code, the request id, and every invalid field or parameter.
type problem struct {
	Type          string         `json:"type"`
	Title         string         `json:"title"`
	Status        int            `json:"status"`
	Detail        string         `json:"detail"`
	Instance      string         `json:"instance"`
	Code          errs.Code      `json:"code"`
	RequestID     string         `json:"requestId"`
	InvalidParams []invalidParam `json:"invalidParams,omitempty"`
	// Current is the object's current state with a conflict, when the
	// caller may see it (a signal whose version moved on).
	Current any `json:"current,omitempty"`
}

// invalidParam names one invalid body field or query parameter.
type invalidParam struct {
	Name   string `json:"name"`   // the camelCase JSON field or the query parameter
	Code   string `json:"code"`   // stable message key, e.g. "field.required"
	Reason string `json:"reason"` // the message in the request's language
}

// problemError is an error of the HTTP layer (a body that is not JSON, a
// wrong media type, a wrong method) with its own status and message.
type problemError struct {
	status int
	code   errs.Code
	key    string
	args   []any
}

func (e *problemError) Error() string { return string(e.code) + ": " + e.key }

// statusOf is errs.Statuses: one mapping for pages and API.
var statusOf = errs.Statuses

// defaultKey is the message of a code whose error names none.
var defaultKey = map[errs.Code]string{
	errs.Invalid:         "error.validation",
	errs.Unauthenticated: "api.unauthenticated",
	errs.Forbidden:       "api.forbidden",
	errs.NotFound:        "api.not_found",
	errs.Conflict:        "error.conflict",
	errs.TooLarge:        "error.too_large",
	errs.TooMany:         "error.too_many",
	errs.Unavailable:     "error.unavailable",
	errs.Internal:        "error.internal",
}

// apiWording replaces messages written for web pages by ones for API clients.
var apiWording = map[string]string{
	"error.not_found":       "api.not_found",
	"error.forbidden":       "api.forbidden",
	"error.unauthenticated": "api.unauthenticated",
	"error.stale":           "api.stale",
}

// writeError renders err as a problem. Internal errors are logged with the
// request id and shown only as a generic message with that id.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var (
		pe     *problemError
		tooBig *http.MaxBytesError
		p      problem
		key    string
		args   []any
		fields []errs.FieldError
	)
	switch {
	case errors.As(err, &pe):
		p.Status, p.Code, key, args = pe.status, pe.code, pe.key, pe.args
	case errors.As(err, &tooBig):
		p.Status, p.Code, key = http.StatusRequestEntityTooLarge, errs.TooLarge, "error.too_large"
	default:
		p.Code = errs.CodeOf(err)
		p.Status = statusOf[p.Code]
		if p.Status == 0 {
			p.Code, p.Status = errs.Internal, http.StatusInternalServerError
		}
		if e := errs.As(err); e != nil && p.Code != errs.Internal {
			key, fields = e.Key, e.Fields
		}
	}
	if p.Code == errs.Internal {
		a.d.Logger.ErrorContext(r.Context(), "api: internal error", slog.String("request_id", reqctx.RequestID(r.Context())),
			slog.String("method", r.Method), slog.String("route", r.Pattern), slog.Any("err", err))
	}
	if key == "" {
		key = defaultKey[p.Code]
	}
	if k, ok := apiWording[key]; ok {
		key = k
	}
	lang := i18n.Negotiate(r.Header.Get("Accept-Language"))
	p.Detail = a.d.I18n.T(lang, key, args...)
	if ps := assess.Problems(err); ps != nil && p.Code == errs.Invalid {
		// An assessment input: every problem with the value given.
		for _, ap := range ps {
			p.InvalidParams = append(p.InvalidParams, invalidParam{Name: ap.Field, Code: ap.Key, Reason: a.assessReason(lang, ap)})
		}
	} else {
		for _, f := range fields {
			p.InvalidParams = append(p.InvalidParams, invalidParam{Name: f.Field, Code: f.Key, Reason: a.d.I18n.T(lang, f.Key)})
		}
	}
	if p.Code == errs.Conflict {
		p.Current = currentOf(err)
	}
	if ra := errs.RetryAfterHeader(err); ra != "" {
		w.Header().Set("Retry-After", ra)
	}
	if p.Status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="baken"`)
	}
	a.writeProblem(w, r, lang, p)
}

// writeProblem fills the common members of p and writes it.
func (a *API) writeProblem(w http.ResponseWriter, r *http.Request, lang string, p problem) {
	p.Type = problemTypePrefix + string(p.Code)
	p.Title = a.d.I18n.T(lang, "api.title."+string(p.Code))
	p.Instance = r.URL.EscapedPath() // never the query: it may hold search terms
	p.RequestID = reqctx.RequestID(r.Context())
	body, err := marshal(p)
	if err != nil { // cannot happen: p holds strings, ints and a value this package encoded before
		panic(err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Language", lang)
	h.Del("Content-Length")
	w.WriteHeader(p.Status)
	_, _ = w.Write(body)
}

// writeJSON writes v as a JSON response with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := marshal(v)
	if err != nil {
		return errs.Wrap(err, "encode response")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return nil
}

// marshal encodes v as JSON and a newline, without escaping <, > and &
// (answers are JSON, never HTML, and go out with nosniff).
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return b.Bytes(), err
}
