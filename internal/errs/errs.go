// Package errs holds Baken's typed domain errors. Feature packages return them;
// the web and API edges map a Code to a status and a page or problem+json body
// in one place (web.renderError, api.writeProblem). Internal failures are never
// shown to users: they see a generic message and a request id.
package errs

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Code classifies an error for the edges.
type Code string

const (
	Invalid         Code = "invalid"         // 400/422: the input is wrong; Fields says where
	Unauthenticated Code = "unauthenticated" // 401
	Forbidden       Code = "forbidden"       // 403: known object, action not allowed
	NotFound        Code = "not_found"       // 404: absent, or hidden by policy
	Conflict        Code = "conflict"        // 409
	TooLarge        Code = "too_large"       // 413
	TooMany         Code = "too_many"        // 429: throttled
	Unavailable     Code = "unavailable"     // 503
	Internal        Code = "internal"        // 500
)

// FieldError names one invalid input field. Key is an i18n message key, Field
// the form/JSON field name.
type FieldError struct {
	Field string `json:"field"`
	Key   string `json:"-"`
}

// Error is a domain error with a code, an i18n message key and optional field errors.
type Error struct {
	Code   Code
	Key    string // i18n key of a user-facing message; empty: a default per code
	Fields []FieldError
	Err    error // wrapped cause; never shown to users
	// RetryAfter, when set, is how long a throttled or busy caller should
	// wait: the edges send it as the Retry-After header (whole seconds).
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	s := string(e.Code)
	if e.Key != "" {
		s += ": " + e.Key
	}
	for _, f := range e.Fields {
		s += fmt.Sprintf(" [%s: %s]", f.Field, f.Key)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error with a code and message key.
func E(code Code, key string) *Error { return &Error{Code: code, Key: key} }

// Wrap builds an internal error around a cause.
func Wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Code: Internal, Err: fmt.Errorf("%s: %w", what, err)}
}

// CodeOf returns the code of err, Internal for errors that carry none.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// As returns the *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Validation collects field errors so that every error is reported at once.
type Validation struct{ fields []FieldError }

// Add records an error for field with message key.
func (v *Validation) Add(field, key string) { v.fields = append(v.fields, FieldError{field, key}) }

// Check records key for field when ok is false.
func (v *Validation) Check(ok bool, field, key string) {
	if !ok {
		v.Add(field, key)
	}
}

// Has reports whether field already has an error.
func (v *Validation) Has(field string) bool {
	for _, f := range v.fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns an Invalid error holding every recorded field error, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Key: "error.validation", Fields: v.fields}
}

// Statuses maps each code to its HTTP status: the one place this is decided,
// for the web pages and the API alike.
var Statuses = map[Code]int{
	Invalid:         400,
	Unauthenticated: 401,
	Forbidden:       403,
	NotFound:        404,
	Conflict:        409,
	TooLarge:        413,
	TooMany:         429,
	Unavailable:     503,
	Internal:        500,
}

// Status returns the HTTP status of code (500 for an unknown one).
func Status(code Code) int {
	if s, ok := Statuses[code]; ok {
		return s
	}
	return 500
}

// RetryAfterHeader returns the Retry-After value (whole seconds, at least 1)
// of an error that carries a wait, and "" for any other error.
func RetryAfterHeader(err error) string {
	e := As(err)
	if e == nil || e.RetryAfter <= 0 {
		return ""
	}
	return strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds())))
}
