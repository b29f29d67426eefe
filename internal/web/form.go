package web

import (
	"net/url"
	"slices"

	"github.com/baken-nl/baken/internal/errs"
)

// form is a form as the user typed it, with the errors to show next to
// each field and in the summary at the top. Password fields are never put
// back (the templates do not echo them).
type form struct {
	values url.Values
	errs   []errs.FieldError
	labels map[string]string // field → catalog key of its label, for the summary
	Alert  string            // catalog key of a message above the form (stale edit, lockout…)
}

func newForm(values url.Values, labels map[string]string) *form {
	if values == nil {
		values = url.Values{}
	}
	return &form{values: values, labels: labels}
}

// Get returns the typed value of a field.
func (f *form) Get(name string) string { return f.values.Get(name) }

// Has reports whether value is among the values of name (checkboxes, selects).
func (f *form) Has(name, value string) bool { return slices.Contains(f.values[name], value) }

// Set replaces a field's value.
func (f *form) Set(name, value string) { f.values.Set(name, value) }

// Err returns the catalog keys of the errors of a field.
func (f *form) Err(name string) []string {
	var out []string
	for _, e := range f.errs {
		if e.Field == name && !slices.Contains(out, e.Key) {
			out = append(out, e.Key)
		}
	}
	return out
}

// Add records an error for a field.
func (f *form) Add(field, key string) {
	f.errs = append(f.errs, errs.FieldError{Field: field, Key: key})
}

// Invalid reports whether the form has field errors.
func (f *form) Invalid() bool { return len(f.errs) > 0 }

type summaryItem struct {
	Field, Label, Key string
}

// Summary lists every error, in field order, for the box at the top; each
// entry links to its field.
func (f *form) Summary() []summaryItem {
	out := make([]summaryItem, 0, len(f.errs))
	for _, e := range f.errs {
		label := f.labels[e.Field]
		if label == "" {
			label = "web.form.field"
		}
		item := summaryItem{Field: e.Field, Label: label, Key: e.Key}
		if !slices.Contains(out, item) {
			out = append(out, item)
		}
	}
	return out
}

// takeErr copies the field errors of a domain error into the form. It
// reports whether err was a form problem the page should show itself
// (invalid input, or a conflict such as a taken name that names its field).
func (f *form) takeErr(err error) bool {
	e := errs.As(err)
	if e == nil {
		return false
	}
	switch {
	case e.Code == errs.Invalid && len(e.Fields) > 0:
	case e.Code == errs.Conflict && len(e.Fields) > 0:
	default:
		return false
	}
	f.errs = append(f.errs, e.Fields...)
	return true
}
