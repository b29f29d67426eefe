package assess

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/baken-nl/baken/internal/errs"
)

// Message keys of input problems (catalog/assess.*.json). They carry no
// verbs: the edges show the offending value beside the message.
const (
	KeyIndicatorUnknown    = "assess.indicator.unknown"
	KeyIndicatorRiskFactor = "assess.indicator.risk_factor"
	KeyIndicatorSignal     = "assess.indicator.signal"
	// KeyIndicatorContextSignal: a context signal is shown and stored but
	// never counted, and maps to no indicator.
	KeyIndicatorContextSignal = "assess.indicator.context_signal"
	KeyFormUnknown            = "assess.form.unknown"
	KeyActUnknown             = "assess.act.unknown"
	KeyAgeInvalid             = "assess.age.invalid"
	KeyListTooLong            = "assess.list.too_long"

	KeyJSONEmpty      = "assess.json.empty"
	KeyJSONUnreadable = "assess.json.unreadable"
	KeyJSONTooLarge   = "assess.json.too_large"
	KeyJSONUTF8       = "assess.json.utf8"
	KeyJSONSyntax     = "assess.json.syntax"
	KeyJSONObject     = "assess.json.object"
	KeyJSONTrailing   = "assess.json.trailing"
	KeyFieldUnknown   = "assess.field.unknown"
	KeyFieldDuplicate = "assess.field.duplicate"
	KeyFieldType      = "assess.field.type"
)

// BodyField names problems of the JSON text as a whole (syntax, size, …).
const BodyField = "body"

// Problem is one invalid value of an input: where (Field, e.g.
// "indicators[3]", "smuggling.paid" or "body"), what (Key, an i18n message
// key) and the offending value as given (Value, clipped to 100 bytes; for a
// syntax error the position).
type Problem struct {
	Field string `json:"field"`
	Key   string `json:"key"`
	Value string `json:"value"`
}

// String renders p for a log or a terminal, in English:
// `indicators[3]: unknown indicator "coercion.magic"`.
func (p Problem) String() string {
	msg := details[p.Key]
	if msg == "" {
		msg = p.Key
	}
	if p.Value == "" && p.Field == BodyField {
		return p.Field + ": " + msg
	}
	return p.Field + ": " + msg + " " + strconv.Quote(p.Value)
}

// details are the English phrases of String (the user-facing, localised
// messages are in the i18n catalogs under the same keys).
var details = map[string]string{
	KeyIndicatorUnknown:       "unknown indicator",
	KeyIndicatorRiskFactor:    "a risk factor is not an indicator and is never counted:",
	KeyIndicatorSignal:        "a frontline signal is not an indicator; send the indicator ids it maps to:",
	KeyIndicatorContextSignal: "a context signal is never counted and maps to no indicator:",
	KeyFormUnknown:            "unknown form of exploitation",
	KeyActUnknown:             "unknown act",
	KeyAgeInvalid:             "age must be a whole number from 0 to 120, got",
	KeyListTooLong:            "list longer than 256 entries, got",
	KeyJSONEmpty:              "no input",
	KeyJSONUnreadable:         "input could not be read:",
	KeyJSONTooLarge:           "input too large:",
	KeyJSONUTF8:               "input is not valid UTF-8",
	KeyJSONSyntax:             "not valid JSON at",
	KeyJSONObject:             "input is not one JSON object but",
	KeyJSONTrailing:           "more data after the JSON object at",
	KeyFieldUnknown:           "unknown field",
	KeyFieldDuplicate:         "field given more than once",
	KeyFieldType:              "wrong type of value",
}

// InputError holds every problem of one input. Assess and DecodeInput return
// it wrapped in an *errs.Error of code Invalid with key "error.validation"
// and one errs.FieldError per problem, so the edges map it like any other
// validation error; Problems gives them the values as well.
type InputError struct {
	Problems []Problem
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString("invalid assessment input: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// invalid wraps problems into the error Assess and DecodeInput return.
func invalid(problems []Problem) error {
	fields := make([]errs.FieldError, len(problems))
	for i, p := range problems {
		fields[i] = errs.FieldError{Field: p.Field, Key: p.Key}
	}
	return &errs.Error{Code: errs.Invalid, Key: "error.validation", Fields: fields, Err: &InputError{Problems: problems}}
}

// Problems returns the problems of an error returned by Assess, AssessJSON or
// DecodeInput (nil for any other error).
func Problems(err error) []Problem {
	var ie *InputError
	if errors.As(err, &ie) {
		return ie.Problems
	}
	return nil
}

// ValidationDetails returns one English line per problem of err, naming the
// field and the offending value, e.g. `indicators[3]: unknown indicator
// "coercion.magic"` (for the CLI's standard error and logs).
func ValidationDetails(err error) []string {
	ps := Problems(err)
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// clip shortens an echoed value to at most 100 bytes on a rune boundary.
func clip(s string) string {
	const max = 100
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// indexed returns "name[i]".
func indexed(name string, i int) string { return name + "[" + strconv.Itoa(i) + "]" }
