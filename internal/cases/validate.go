package cases

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
)

// Message keys of case problems (i18n catalog/case.*.json).
const (
	KeyRegionInvalid       = "case.region.invalid"
	KeySignalInvalid       = "case.signal.invalid"
	KeySignalTaken         = "case.signal.taken"
	KeySignalsTooMany      = "case.signals.too_many"
	KeyNameTooLong         = "case.text.too_long"
	KeyTextUTF8            = "case.text.utf8"
	KeyDateInvalid         = "case.date.invalid"
	KeyDateFuture          = "case.date.future"
	KeyBSNInvalid          = "case.bsn.invalid"
	KeyNationalityInvalid  = "case.nationality.invalid"
	KeyLanguageInvalid     = "case.language.invalid"
	KeyLanguagesTooMany    = "case.languages.too_many"
	KeyGenderInvalid       = "case.gender.invalid"
	KeyFormUnknown         = "case.form.unknown"
	KeyFormsTooMany        = "case.forms.too_many"
	KeyOptionUnknown       = "case.option.unknown"
	KeyAnswerInvalid       = "case.answer.invalid"
	KeyAangifteDateNoYes   = "case.aangifte_on.without_yes"
	KeyPhaseInvalid        = "case.phase.invalid"
	KeyReasonRequired      = "case.reason.required"
	KeyReasonNotAllowed    = "case.reason.not_allowed"
	KeyTransitionInvalid   = "case.transition.invalid"
	KeyRequired            = "case.required"
	KeyEventKindInvalid    = "case.event.kind.invalid"
	KeyCoordinatorInvalid  = "case.coordinator.invalid"
	KeyCoordinatorsMissing = "case.coordinators.missing"
	KeyCursorInvalid       = "case.cursor.invalid"
	KeyEmptyPatch          = "case.patch.empty"
	KeyVersionRequired     = "case.version.required"
)

// MaxSignals is how many signals one case may be made from.
const MaxSignals = 50

// zone decides what "today" is.
var zone = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return l
	}
	return time.FixedZone("CEST", 2*3600)
}()

// Today returns the Dutch calendar date of t (midnight UTC of that date).
func Today(t time.Time) time.Time {
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func parseDate(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil && t.Format(time.DateOnly) == s
}

// date checks an optional date: well-formed and, when notFuture, not after today.
func date(v *errs.Validation, field, s string, now time.Time, notFuture bool) {
	if s == "" {
		return
	}
	t, ok := parseDate(s)
	switch {
	case !ok || t.Year() < 1900:
		v.Add(field, KeyDateInvalid)
	case notFuture && t.After(Today(now)):
		v.Add(field, KeyDateFuture)
	}
}

func text(v *errs.Validation, field, s string, n int) {
	switch {
	case !utf8.ValidString(s):
		v.Add(field, KeyTextUTF8)
	case utf8.RuneCountInString(s) > n:
		v.Add(field, KeyNameTooLong)
	}
}

func letters(s string, lo, hi int, from, to byte) bool {
	if len(s) < lo || len(s) > hi {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < from || s[i] > to {
			return false
		}
	}
	return true
}

// ValidBSN reports whether s is nine digits passing the eleven-test
// (elfproef) of the BSN.
func ValidBSN(s string) bool {
	if len(s) != 9 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		d := int(s[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		w := 9 - i
		if i == 8 {
			w = -1
		}
		sum += w * d
	}
	return sum%11 == 0 && s != "000000000"
}

func (c *Client) normalise() {
	c.Name = strings.TrimSpace(c.Name)
	c.BirthDate = strings.TrimSpace(c.BirthDate)
	c.BSN = strings.Join(strings.FieldsFunc(c.BSN, func(r rune) bool { return r == ' ' || r == '.' || r == '-' }), "")
	c.Nationality = strings.ToUpper(strings.TrimSpace(c.Nationality))
	c.CountryOfOrigin = strings.ToUpper(strings.TrimSpace(c.CountryOfOrigin))
	c.Gender = strings.TrimSpace(c.Gender)
	c.Contact = strings.TrimSpace(c.Contact)
	langs := make([]string, 0, len(c.Languages))
	for _, l := range c.Languages {
		if l = strings.ToLower(strings.TrimSpace(l)); l != "" && !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	c.Languages = langs
}

func (c *Client) validate(v *errs.Validation, now time.Time) {
	text(v, "client.name", c.Name, MaxName)
	date(v, "client.birthDate", c.BirthDate, now, true)
	v.Check(c.BSN == "" || ValidBSN(c.BSN), "client.bsn", KeyBSNInvalid)
	v.Check(c.Nationality == "" || letters(c.Nationality, 2, 2, 'A', 'Z'), "client.nationality", KeyNationalityInvalid)
	v.Check(c.CountryOfOrigin == "" || letters(c.CountryOfOrigin, 2, 2, 'A', 'Z'), "client.countryOfOrigin", KeyNationalityInvalid)
	if len(c.Languages) > MaxLanguage {
		v.Add("client.languages", KeyLanguagesTooMany)
	} else {
		for _, l := range c.Languages {
			if !letters(l, 2, 3, 'a', 'z') {
				v.Add("client.languages", KeyLanguageInvalid)
				break
			}
		}
	}
	v.Check(c.Gender == "" || slices.Contains(Genders, c.Gender), "client.gender", KeyGenderInvalid)
	text(v, "client.contact", c.Contact, MaxContact)
}

func validForms(v *errs.Validation, cat *content.Catalog, forms []string) []string {
	out := make([]string, 0, len(forms))
	if len(forms) > MaxForms {
		v.Add("forms", KeyFormsTooMany)
		return out
	}
	for _, f := range forms {
		f = strings.TrimSpace(f)
		if _, ok := cat.Form(f); !ok {
			v.Add("forms", KeyFormUnknown)
			continue
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// suggestsNonPunishment: a form of the catalogue's nonPunishmentForms.
func suggestsNonPunishment(cat *content.Catalog, forms []string) bool {
	for _, f := range forms {
		if slices.Contains(cat.Casework.NonPunishmentForms, f) {
			return true
		}
	}
	return false
}

func option(v *errs.Validation, field string, list []content.Option, id string) {
	v.Check(id == "" || content.HasOption(list, id), field, KeyOptionUnknown)
}

// ReflectionEnd returns the last day of a reflection period starting on
// start (the start day counts as the first day): start plus the
// catalogue's months minus one day, or its Dublin days minus one day.
//
// Months end on the day before the same day of the month, and when that
// day does not exist in the end month (a start on 30 November, three months
// to 30 February), the period ends on the last day of that month instead of
// running over into the next one (28 February, not 1 March): a later start
// never ends earlier.
func ReflectionEnd(cat *content.Catalog, start time.Time, dublin bool) time.Time {
	r := cat.Casework.Reflection
	if dublin {
		return start.AddDate(0, 0, r.DublinDays-1)
	}
	end := start.AddDate(0, r.Months, -1)
	// The last day of the month the period ends in (start's month + Months).
	y, m, _ := start.Date()
	last := time.Date(y, m+time.Month(r.Months)+1, 0, 0, 0, 0, 0, time.UTC)
	if end.After(last) {
		return last
	}
	return end
}
