package signal

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
)

// Message keys of signal problems (catalog/signal.*.json). Unknown forms,
// indicators and acts use the assessment engine's keys (catalog/assess.*).
const (
	KeyDepartmentUnknown    = "signal.department.unknown"
	KeyMunicipalityInvalid  = "signal.municipality.invalid"
	KeyObservedOnInvalid    = "signal.observed_on.invalid"
	KeyObservedOnFuture     = "signal.observed_on.future"
	KeyObservedOnTooOld     = "signal.observed_on.too_old"
	KeySignalUnknown        = "signal.signal.unknown"
	KeyRiskFactorUnknown    = "signal.risk_factor.unknown"
	KeyPersonsTooMany       = "signal.persons.too_many"
	KeyBirthYearInvalid     = "signal.person.birth_year.invalid"
	KeyAgeBandInvalid       = "signal.person.age_band.invalid"
	KeyGenderInvalid        = "signal.person.gender.invalid"
	KeyNationalityInvalid   = "signal.person.nationality.invalid"
	KeyLanguageInvalid      = "signal.person.language.invalid"
	KeyConsultationPersonal = "signal.consultation.personal_data"
	KeyStatusInvalid        = "signal.status.invalid"
	KeyReasonRequired       = "signal.reason.required"
	KeyReasonInvalid        = "signal.reason.invalid"
	KeyReasonNotAllowed     = "signal.reason.not_allowed"
	KeyTransitionInvalid    = "signal.transition.invalid"
	KeyCursorInvalid        = "signal.cursor.invalid"
	KeySortInvalid          = "signal.sort.invalid"
	KeyPeriodInvalid        = "signal.period.invalid"
	KeyOutcomeInvalid       = "signal.outcome.invalid"
)

// zone is the time zone whose calendar decides what "today" is.
var zone = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return l
	}
	return time.FixedZone("CEST", 2*3600) // the later of the two Dutch offsets
}()

// today returns the Dutch calendar date of t.
func today(t time.Time) time.Time {
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (in *Input) normalise() {
	in.Department = strings.TrimSpace(in.Department)
	in.MunicipalityID = strings.TrimSpace(in.MunicipalityID)
	in.ObservedOn = strings.TrimSpace(in.ObservedOn)
	in.Place = strings.TrimSpace(in.Place)
	in.CameToLight = strings.TrimSpace(in.CameToLight)
	in.Narrative = strings.TrimSpace(in.Narrative)
	for i := range in.Persons {
		p := &in.Persons[i]
		p.Alias = strings.TrimSpace(p.Alias)
		p.AgeBand = strings.TrimSpace(p.AgeBand)
		p.Gender = strings.TrimSpace(p.Gender)
		p.Nationality = strings.ToUpper(strings.TrimSpace(p.Nationality))
		p.Language = strings.ToLower(strings.TrimSpace(p.Language))
		p.Name = strings.TrimSpace(p.Name)
		p.Contact = strings.TrimSpace(p.Contact)
	}
}

// normaliseAlias is the form of an alias the blind index is computed on:
// searching is exact but ignores case and surrounding or repeated spaces.
func normaliseAlias(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// validate checks everything that needs no database (the municipality is
// checked by the caller) and records every problem in v.
func validate(v *errs.Validation, cat *content.Catalog, in *Input, now time.Time) {
	if in.Department == "" {
		v.Add("department", "field.required")
	} else if _, ok := cat.Department(in.Department); !ok {
		v.Add("department", KeyDepartmentUnknown)
	}
	switch d, err := time.Parse(time.DateOnly, in.ObservedOn); {
	case in.ObservedOn == "":
		v.Add("observedOn", "field.required")
	case err != nil:
		v.Add("observedOn", KeyObservedOnInvalid)
	case d.After(today(now)):
		v.Add("observedOn", KeyObservedOnFuture)
	case d.Year() < 1900:
		v.Add("observedOn", KeyObservedOnTooOld)
	}
	maxLen(v, "place", in.Place, MaxPlace)
	maxLen(v, "cameToLight", in.CameToLight, MaxCameToLight)
	maxLen(v, "narrative", in.Narrative, MaxNarrative)

	ids(v, "forms", in.Forms, func(id string) string {
		if _, ok := cat.Form(id); !ok {
			return assess.KeyFormUnknown
		}
		return ""
	})
	ids(v, "signals", in.Signals, func(id string) string {
		if _, ok := cat.Signal(id); !ok {
			return KeySignalUnknown
		}
		return ""
	})
	ids(v, "indicators", in.Indicators, func(id string) string {
		if _, ok := cat.Indicator(id); ok {
			return ""
		}
		if _, ok := cat.RiskFactor(id); ok {
			return assess.KeyIndicatorRiskFactor
		}
		if s, ok := cat.Signal(id); ok {
			if s.Context {
				return assess.KeyIndicatorContextSignal
			}
			return assess.KeyIndicatorSignal
		}
		return assess.KeyIndicatorUnknown
	})
	ids(v, "acts", in.Acts, func(id string) string {
		if !slices.Contains(assess.Acts, id) {
			return assess.KeyActUnknown
		}
		return ""
	})
	ids(v, "riskFactors", in.RiskFactors, func(id string) string {
		if _, ok := cat.RiskFactor(id); !ok {
			return KeyRiskFactorUnknown
		}
		return ""
	})

	if len(in.Persons) > MaxPersons {
		v.Add("persons", KeyPersonsTooMany)
	} else {
		year := today(now).Year()
		for i, p := range in.Persons {
			f := "persons[" + strconv.Itoa(i) + "]."
			maxLen(v, f+"alias", p.Alias, MaxAlias)
			maxLen(v, f+"name", p.Name, MaxName)
			maxLen(v, f+"contact", p.Contact, MaxContact)
			v.Check(p.BirthYear == nil || *p.BirthYear >= year-120 && *p.BirthYear <= year, f+"birthYear", KeyBirthYearInvalid)
			v.Check(p.AgeBand == "" || slices.Contains(AgeBands, p.AgeBand), f+"ageBand", KeyAgeBandInvalid)
			v.Check(p.Gender == "" || slices.Contains(Genders, p.Gender), f+"gender", KeyGenderInvalid)
			v.Check(p.Nationality == "" || letters(p.Nationality, 2, 2, 'A', 'Z'), f+"nationality", KeyNationalityInvalid)
			v.Check(p.Language == "" || letters(p.Language, 2, 3, 'a', 'z'), f+"language", KeyLanguageInvalid)
		}
	}

	// Consultation mode: no personal data at all. Baken cannot tell whether
	// free text identifies someone, so every free-text field must be empty,
	// and a person may carry only a birth year or age band and a gender.
	if in.Consultation {
		personal := func(field, value string) {
			if value != "" && !v.Has(field) {
				v.Add(field, KeyConsultationPersonal)
			}
		}
		personal("place", in.Place)
		personal("cameToLight", in.CameToLight)
		personal("narrative", in.Narrative)
		for i, p := range in.Persons {
			f := "persons[" + strconv.Itoa(i) + "]."
			personal(f+"alias", p.Alias)
			personal(f+"name", p.Name)
			personal(f+"contact", p.Contact)
			personal(f+"nationality", p.Nationality)
			personal(f+"language", p.Language)
		}
	}
}

// ids checks a list of catalogue ids: its length, then each entry.
func ids(v *errs.Validation, field string, list []string, check func(string) string) {
	if len(list) > MaxList {
		v.Add(field, assess.KeyListTooLong)
		return
	}
	for i, id := range list {
		if key := check(id); key != "" {
			v.Add(field+"["+strconv.Itoa(i)+"]", key)
		}
	}
}

func maxLen(v *errs.Validation, field, s string, n int) {
	switch {
	case !utf8.ValidString(s):
		v.Add(field, "signal.text.utf8")
	case utf8.RuneCountInString(s) > n:
		v.Add(field, "field.too_long")
	}
}

func letters(s string, min, max int, lo, hi byte) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < lo || s[i] > hi {
			return false
		}
	}
	return true
}

// uniq returns list without duplicates, in first-seen order (nil → empty).
func uniq(list []string) []string {
	out := make([]string, 0, len(list))
	seen := make(map[string]bool, len(list))
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// assessmentInput derives the engine's input from a signal: its forms, the
// indicators ticked plus those of the frontline signals ticked, its acts
// and smuggling, acute danger, and the age. With one person whose birth
// year is known, the age is the lowest that birth year allows on the day
// observed (so a possible minor is assessed as one). Minor is set by any
// person in a band under 18 — also when that person's birth year says
// otherwise: contradictory ages are read protectively, as a child, and the
// engine's reason (population.child.minor_over_age) says to establish the
// age; ageWarnings tells the form — and by any of several persons whose
// lowest age is under 18. A birth year out of range counts as unknown (the
// save refuses it; the preview may see one half typed), and so does a date
// observed that does not parse (then: today).
func assessmentInput(cat *content.Catalog, in *Input, now time.Time) assess.Input {
	a := assess.Input{
		Forms:         uniq(in.Forms),
		Acts:          uniq(in.Acts),
		Smuggling:     in.Smuggling,
		AcuteDanger:   in.AcuteDanger,
		PossiblyMinor: in.PossiblyMinor,
	}
	inds := slices.Clone(in.Indicators)
	for _, id := range uniq(in.Signals) {
		if s, ok := cat.Signal(id); ok {
			inds = append(inds, s.Indicators...)
		}
	}
	a.Indicators = uniq(inds)
	slices.Sort(a.Indicators)
	observed := observedOn(in, now)
	for _, p := range in.Persons {
		if minorBands[p.AgeBand] {
			a.Minor = true
		}
		if age, ok := lowestAge(p, observed); ok {
			if len(in.Persons) == 1 {
				a.Age = &age
			} else if age < 18 {
				a.Minor = true
			}
		}
	}
	if len(a.Forms) == 0 {
		a.Forms = nil
	}
	if len(a.Acts) == 0 {
		a.Acts = nil
	}
	if len(a.Indicators) == 0 {
		a.Indicators = nil
	}
	return a
}

// KeyAgeContradiction: a person's birth year and age band disagree. A
// warning, not an error: the signal is saved and assessed as a child.
const KeyAgeContradiction = "signal.person.age_contradiction"

// observedOn is the day the signal was observed, today when not (yet) given.
func observedOn(in *Input, now time.Time) time.Time {
	if d, err := time.Parse(time.DateOnly, in.ObservedOn); err == nil && !d.After(today(now)) && d.Year() >= 1900 {
		return d
	}
	return today(now)
}

// lowestAge is the lowest age p's birth year allows on day observed; false
// when there is no (valid) birth year.
func lowestAge(p PersonInput, observed time.Time) (int, bool) {
	if p.BirthYear == nil || *p.BirthYear < observed.Year()-120 || *p.BirthYear > observed.Year() {
		return 0, false
	}
	return max(observed.Year()-*p.BirthYear-1, 0), true
}

// bandRange is the ages an age band spans (65_plus: up to 200).
func bandRange(band string) (lo, hi int, ok bool) {
	a, b, found := strings.Cut(band, "_")
	if !found {
		return 0, 0, false
	}
	lo, err := strconv.Atoi(a)
	if err != nil {
		return 0, 0, false
	}
	if b == "plus" {
		return lo, 200, true
	}
	hi, err = strconv.Atoi(b)
	return lo, hi, err == nil
}

// ageWarnings lists the persons whose birth year and age band cannot both
// be true (the birth year allows two ages on the day observed; neither lies
// in the band): field persons[i].ageBand, KeyAgeContradiction.
func ageWarnings(in *Input, now time.Time) []errs.FieldError {
	observed := observedOn(in, now)
	var out []errs.FieldError
	for i, p := range in.Persons {
		age, ok := lowestAge(p, observed)
		lo, hi, bok := bandRange(p.AgeBand)
		if !ok || !bok || !slices.Contains(AgeBands, p.AgeBand) {
			continue
		}
		if age+1 < lo || age > hi {
			out = append(out, errs.FieldError{Field: "persons[" + strconv.Itoa(i) + "].ageBand", Key: KeyAgeContradiction})
		}
	}
	return out
}
