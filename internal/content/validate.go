package content

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The contract of INDICATORS.md and issue 3 that the content must keep. These
// are ids the engine and the rest of Baken depend on, not domain texts: the
// texts stay in the data files.
var (
	// RequiredForms are exactly the forms of exploitation, in this order of
	// precedence for display.
	RequiredForms = []string{"sexual", "labour", "criminal", "organ_removal", "forced_marriage", "illegal_adoption", "surrogacy", "other"}

	// RequiredDimensions maps each dimension id to the element it evidences.
	RequiredDimensions = map[string]string{
		"deception":                 ElementMeans,
		"recruitment_coercion":      ElementMeans,
		"recruitment_vulnerability": ElementMeans,
		"exploitation":              ElementPurpose,
		"coercion":                  ElementMeans,
		"vulnerability":             ElementMeans,
	}

	// RequiredAdvice are the advice ids the rule of ruleset 2027.1 can give
	// (INDICATORS-2027.1.md), in the fixed order the engine gives them.
	RequiredAdvice = []string{"call_112", "contact_care_coordinator", "inform_police", "register_national",
		"contact_veilig_thuis", "contact_veilig_thuis_adult", "contact_lkha", "report_crime", "non_punishment",
		"contact_labour_inspectorate", "refer_fairwork", "sex_work_check", "smuggling_support", "stay_alert",
		"consult_care_coordinator", "establish_age"}

	// RequiredDepartments are the departments every deployment has signals
	// for: those every municipality has. The second edition of the catalogue
	// (content 2026.12.0) added inburgering (Wet inburgering 2021), wonen
	// (woningtoezicht, Wet goed verhuurderschap), kcc (front office) and oov
	// (OOV/ondermijning); maatschappelijke_opvang is not required, as the
	// centrumgemeente of a region runs it.
	RequiredDepartments = []string{"wmo", "schuldhulp", "burgerzaken", "handhaving", "wijkteam", "leerplicht", "jeugd",
		"inburgering", "wonen", "kcc", "oov"}
)

// Problem is one thing wrong with the catalogue. Section and Entry name the
// place independent of the file layout; LoadFS adds the file.
type Problem struct {
	File    string // data file that holds the section, when known
	Section string // top-level section: forms, indicators, frontlineSignals, …
	Entry   string // entry id, or "#n" (1-based) when the entry has no usable id
	Message string
}

func (p Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		b.WriteString(": ")
	}
	b.WriteString(p.Section)
	if p.Entry != "" {
		b.WriteString("[")
		b.WriteString(p.Entry)
		b.WriteString("]")
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError holds every problem Validate found, in catalogue order.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "content: %d problem(s):", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap gives the problems to errors.As and errors.Is.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// Validate checks the whole catalogue and returns every problem at once (a
// *ValidationError), or nil. On success it (re)builds the lookup index, so
// call it again after changing a Catalog; do not call it while other
// goroutines read the catalogue.
func (c *Catalog) Validate() error {
	c.idx = nil
	v := &validator{c: c}
	v.meta()
	v.forms()
	v.dimensions()
	v.indicators()
	v.departments()
	v.riskFactors()
	v.partnerTypes()
	v.signals()
	v.advice()
	v.kader()
	v.explanations()
	v.casework()
	v.ibp()
	if len(v.problems) > 0 {
		return &ValidationError{Problems: v.problems}
	}
	c.idx = newIndex(c)
	return nil
}

type validator struct {
	c        *Catalog
	problems []Problem

	formSet, dimSet, indSet, deptSet, riskSet, partnerSet map[string]bool
}

func (v *validator) add(section, entry, format string, args ...any) {
	v.problems = append(v.problems, Problem{Section: section, Entry: entry, Message: fmt.Sprintf(format, args...)})
}

// text requires both languages.
func (v *validator) text(section, entry, field string, t Text) {
	switch {
	case strings.TrimSpace(t.NL) == "" && strings.TrimSpace(t.EN) == "":
		v.add(section, entry, "%s is missing (nl and en)", field)
	case strings.TrimSpace(t.NL) == "":
		v.add(section, entry, "%s.nl is empty", field)
	case strings.TrimSpace(t.EN) == "":
		v.add(section, entry, "%s.en is empty", field)
	}
}

// optionalText allows a text to be absent, but not in one language only.
func (v *validator) optionalText(section, entry, field string, t Text) {
	if strings.TrimSpace(t.NL) == "" && strings.TrimSpace(t.EN) == "" {
		return
	}
	v.text(section, entry, field, t)
}

// isWord reports whether s is a well-formed id part: a lowercase letter, then
// lowercase letters, digits and underscores.
func isWord(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if (b < 'a' || b > 'z') && (b < '0' || b > '9') && b != '_' {
			return false
		}
	}
	return true
}

// isDotted reports whether s is words joined by dots.
func isDotted(s string) bool {
	if s == "" {
		return false
	}
	for part := range strings.SplitSeq(s, ".") {
		if !isWord(part) {
			return false
		}
	}
	return true
}

// ids checks the ids of one section (well-formed by ok, unique) and returns
// the set and, per entry, the name to use in messages.
func (v *validator) ids(section string, ids []string, ok func(string) bool, want string) (map[string]bool, []string) {
	set := make(map[string]bool, len(ids))
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id
		switch {
		case id == "":
			names[i] = "#" + strconv.Itoa(i+1)
			v.add(section, names[i], "id is missing")
			continue
		case !ok(id):
			v.add(section, id, "id %q is not %s", id, want)
		}
		if set[id] {
			v.add(section, id, "duplicate id %q", id)
		}
		set[id] = true
	}
	return set, names
}

const wordWant = "lowercase letters, digits and underscores, starting with a letter"

func idsOf[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

// exactly reports required ids that are missing, and with exact also ids
// that are not in required.
func (v *validator) exactly(section string, have map[string]bool, required []string, exact bool) {
	for _, id := range required {
		if !have[id] {
			v.add(section, id, "required entry %q is missing", id)
		}
	}
	if !exact {
		return
	}
	extra := []string{}
	for id := range have {
		if id != "" && !slices.Contains(required, id) {
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	for _, id := range extra {
		v.add(section, id, "unexpected entry %q: the list is fixed (%s)", id, strings.Join(required, ", "))
	}
}

func (v *validator) nonEmpty(section string, n int) {
	if n == 0 {
		v.add(section, "", "section is missing or empty")
	}
}

func (v *validator) meta() {
	m := v.c.Meta
	if strings.TrimSpace(m.Version) == "" {
		v.add("meta", "", "version is missing")
	}
	if strings.TrimSpace(m.Ruleset) == "" {
		v.add("meta", "", "ruleset is missing")
	}
	v.text("meta", "", "disclaimer", m.Disclaimer)
	for i, s := range m.Sources {
		v.text("meta", "", fmt.Sprintf("sources[%d]", i+1), s)
	}
}

func (v *validator) forms() {
	c := v.c
	var names []string
	v.formSet, names = v.ids("forms", idsOf(c.Forms, func(f Form) string { return f.ID }), isWord, wordWant)
	for i, f := range c.Forms {
		v.text("forms", names[i], "label", f.Label)
		v.text("forms", names[i], "explanation", f.Explanation)
	}
	v.exactly("forms", v.formSet, RequiredForms, true)
}

func (v *validator) dimensions() {
	c := v.c
	var names []string
	v.dimSet, names = v.ids("dimensions", idsOf(c.Dimensions, func(d Dimension) string { return d.ID }), isWord, wordWant)
	for i, d := range c.Dimensions {
		if d.Element != ElementMeans && d.Element != ElementPurpose {
			v.add("dimensions", names[i], "element %q is not %s or %s", d.Element, ElementMeans, ElementPurpose)
		} else if want, ok := RequiredDimensions[d.ID]; ok && d.Element != want {
			v.add("dimensions", names[i], "element %q should be %q (INDICATORS.md)", d.Element, want)
		}
		v.text("dimensions", names[i], "label", d.Label)
		v.text("dimensions", names[i], "help", d.Help)
	}
	required := make([]string, 0, len(RequiredDimensions))
	for id := range RequiredDimensions {
		required = append(required, id)
	}
	sort.Strings(required)
	v.exactly("dimensions", v.dimSet, required, true)
}

func validStrength(s Strength) bool { return s == Strong || s == Medium || s == Weak }

func isIndicatorID(s string) bool {
	d, concept, ok := strings.Cut(s, ".")
	return ok && isWord(d) && isWord(concept)
}

func (v *validator) indicators() {
	c := v.c
	var names []string
	v.indSet, names = v.ids("indicators", idsOf(c.Indicators, func(i Indicator) string { return i.ID }), isIndicatorID, "of the form dimension.concept ("+wordWant+")")
	v.nonEmpty("indicators", len(c.Indicators))
	for i, ind := range c.Indicators {
		name := names[i]
		if ind.ID != "" && isIndicatorID(ind.ID) && !v.dimSet[ind.Dimension()] {
			v.add("indicators", name, "dimension %q does not exist", ind.Dimension())
		}
		if !validStrength(ind.Adult) {
			v.add("indicators", name, "adult strength %q is not S, M or W", ind.Adult)
		}
		if !validStrength(ind.Child) {
			v.add("indicators", name, "child strength %q is not S, M or W", ind.Child)
		}
		seen := map[[2]string]bool{}
		for j, o := range ind.Overrides {
			where := fmt.Sprintf("override %d", j+1)
			if !v.formSet[o.Form] {
				v.add("indicators", name, "%s: form %q does not exist", where, o.Form)
			}
			if o.Population != Adult && o.Population != Child {
				v.add("indicators", name, "%s: population %q is not adult or child", where, o.Population)
			}
			if !validStrength(o.Strength) {
				v.add("indicators", name, "%s: strength %q is not S, M or W", where, o.Strength)
			}
			k := [2]string{o.Form, o.Population}
			if seen[k] {
				v.add("indicators", name, "%s: a second override for form %q and population %q", where, o.Form, o.Population)
			}
			seen[k] = true
		}
		v.text("indicators", name, "label", ind.Label)
		v.text("indicators", name, "help", ind.Help)
		v.indicatorSets(name, ind)
	}
}

// indicatorSets checks the flags of the rule's indicator sets: LABOUR only
// on indicators of the purpose dimension (exploitation), ALSO_PURPOSE and
// CRIME only on indicators of a means dimension.
func (v *validator) indicatorSets(name string, ind Indicator) {
	el := RequiredDimensions[ind.Dimension()]
	for _, c := range dimensionDependent {
		if c.set(ind) && el != "" && el != c.element {
			v.add("indicators", name, "flag %s is only for indicators of a %s dimension, and %q evidences the %s", c.flag, c.element, ind.Dimension(), el)
		}
	}
}

// dimensionDependent are the set flags and the element of the dimensions
// whose indicators may carry them.
var dimensionDependent = []struct {
	flag, element string
	set           func(Indicator) bool
}{
	{"labour", ElementPurpose, func(i Indicator) bool { return i.Labour }},
	{"alsoPurpose", ElementMeans, func(i Indicator) bool { return i.AlsoPurpose }},
	{"crime", ElementMeans, func(i Indicator) bool { return i.Crime }},
}

func (v *validator) departments() {
	c := v.c
	var names []string
	v.deptSet, names = v.ids("departments", idsOf(c.Departments, func(d Department) string { return d.ID }), isWord, wordWant)
	for i, d := range c.Departments {
		v.text("departments", names[i], "label", d.Label)
	}
	v.exactly("departments", v.deptSet, RequiredDepartments, false)
}

func (v *validator) riskFactors() {
	c := v.c
	var names []string
	v.riskSet, names = v.ids("riskFactors", idsOf(c.RiskFactors, func(r RiskFactor) string { return r.ID }), isWord, wordWant)
	v.nonEmpty("riskFactors", len(c.RiskFactors))
	for i, r := range c.RiskFactors {
		v.text("riskFactors", names[i], "label", r.Label)
		v.text("riskFactors", names[i], "help", r.Help)
	}
}

func (v *validator) partnerTypes() {
	c := v.c
	var names []string
	v.partnerSet, names = v.ids("partnerTypes", idsOf(c.PartnerTypes, func(p PartnerType) string { return p.ID }), isWord, wordWant)
	v.nonEmpty("partnerTypes", len(c.PartnerTypes))
	for i, p := range c.PartnerTypes {
		v.text("partnerTypes", names[i], "label", p.Label)
		v.text("partnerTypes", names[i], "description", p.Description)
		v.optionalText("partnerTypes", names[i], "contact", p.Contact)
		v.checked("partnerTypes", names[i], p)
	}
}

// checked: a partner type with a contact says when (checked) and against
// which pages (sources) the contact was checked; a date is a real date, not
// after today anywhere on earth, and a source is an https URL with a host.
// A partner type without a contact may carry both too, but not one alone.
func (v *validator) checked(section, entry string, p PartnerType) {
	hasContact := strings.TrimSpace(p.Contact.NL) != "" || strings.TrimSpace(p.Contact.EN) != ""
	switch {
	case p.Checked == "" && (hasContact || len(p.Sources) > 0):
		v.add(section, entry, "checked is missing: the date (YYYY-MM-DD) the contact was checked against its sources")
	case p.Checked != "":
		d, err := time.Parse(time.DateOnly, p.Checked)
		switch {
		case err != nil:
			v.add(section, entry, "checked %q is not a date of the form YYYY-MM-DD", p.Checked)
		case d.After(latestToday()):
			v.add(section, entry, "checked %s is in the future", p.Checked)
		}
	}
	if len(p.Sources) == 0 && (hasContact || p.Checked != "") {
		v.add(section, entry, "sources are missing: the https pages the contact was checked against")
	}
	seen := map[string]bool{}
	for i, s := range p.Sources {
		u, err := url.Parse(s)
		switch {
		case err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || strings.TrimSpace(s) != s:
			v.add(section, entry, "source %d %q is not an https URL", i+1, s)
		case seen[s]:
			v.add(section, entry, "source %q is listed twice", s)
		}
		seen[s] = true
	}
}

// latestToday is today's date where it is latest on earth (UTC+14), so a
// date checked today anywhere is never "in the future".
func latestToday() time.Time {
	y, m, d := time.Now().UTC().Add(14 * time.Hour).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// refs checks a list of references: each must exist in set, none twice.
func (v *validator) refs(section, entry, kind string, refs []string, set map[string]bool, hint func(string) string) {
	seen := map[string]bool{}
	for _, r := range refs {
		if seen[r] {
			v.add(section, entry, "%s %q is listed twice", kind, r)
			continue
		}
		seen[r] = true
		if !set[r] {
			msg := fmt.Sprintf("%s %q does not exist", kind, r)
			if hint != nil {
				if h := hint(r); h != "" {
					msg += ": " + h
				}
			}
			v.add(section, entry, "%s", msg)
		}
	}
}

func (v *validator) signals() {
	c := v.c
	_, names := v.ids("frontlineSignals", idsOf(c.FrontlineSignals, func(s FrontlineSignal) string { return s.ID }), isWord, wordWant)
	v.nonEmpty("frontlineSignals", len(c.FrontlineSignals))
	riskHint := func(id string) string {
		if v.riskSet[id] {
			return "it is a risk factor, and risk factors are never counted as indicators"
		}
		return ""
	}
	for i, s := range c.FrontlineSignals {
		name := names[i]
		v.text("frontlineSignals", name, "label", s.Label)
		v.text("frontlineSignals", name, "help", s.Help)
		v.refs("frontlineSignals", name, "form", s.Forms, v.formSet, nil)
		v.refs("frontlineSignals", name, "department", s.Departments, v.deptSet, nil)
		switch {
		case s.Context && len(s.Indicators) > 0:
			v.add("frontlineSignals", name, "a context signal is never counted, so it maps to no indicator (remove the indicators or context: true)")
		case !s.Context && len(s.Indicators) == 0:
			v.add("frontlineSignals", name, "maps to no indicator (at least one is required, unless it is a context signal: context: true)")
		}
		v.refs("frontlineSignals", name, "indicator", s.Indicators, v.indSet, riskHint)
	}
}

func (v *validator) advice() {
	c := v.c
	have, names := v.ids("advice", idsOf(c.Advice, func(a Advice) string { return a.ID }), isWord, wordWant)
	for i, a := range c.Advice {
		v.text("advice", names[i], "text", a.Text)
		if a.Partner != "" && !v.partnerSet[a.Partner] {
			v.add("advice", names[i], "partner type %q does not exist", a.Partner)
		}
	}
	v.exactly("advice", have, RequiredAdvice, false)
}

func (v *validator) kader() {
	k := v.c.Kader
	v.text("kader", "", "note", k.Note)
	_, names := v.ids("kader", idsOf(k.Themes, func(t Theme) string { return t.ID }), isWord, wordWant)
	numbers := map[int]string{}
	blocks := map[string]bool{}
	for i, t := range k.Themes {
		name := names[i]
		switch prev, dup := numbers[t.Number]; {
		case t.Number < 1 || t.Number > 5:
			v.add("kader", name, "theme number %d is not 1 to 5", t.Number)
		case dup:
			v.add("kader", name, "theme number %d is also theme %q", t.Number, prev)
		default:
			numbers[t.Number] = name
		}
		v.text("kader", name, "label", t.Label)
		v.text("kader", name, "description", t.Description)
		levels := map[string]int{}
		for j, b := range t.Blocks {
			bname := b.ID
			if b.ID == "" {
				bname = fmt.Sprintf("%s#%d", name, j+1)
				v.add("kader", bname, "building block id is missing")
			} else {
				if blocks[b.ID] {
					v.add("kader", bname, "duplicate building block id %q", b.ID)
				}
				blocks[b.ID] = true
			}
			var short string
			switch b.Level {
			case Plateau1:
				short = "p1"
			case Plateau2:
				short = "p2"
			default:
				v.add("kader", bname, "level %q is not %s or %s", b.Level, Plateau1, Plateau2)
			}
			if b.ID != "" && short != "" && t.ID != "" {
				prefix := t.ID + "." + short + "."
				if concept, ok := strings.CutPrefix(b.ID, prefix); !ok || !isWord(concept) {
					v.add("kader", bname, "building block id should be %sconcept (theme, level, %s)", prefix, wordWant)
				}
			}
			levels[b.Level]++
			v.text("kader", bname, "label", b.Label)
			v.text("kader", bname, "description", b.Description)
		}
		for _, l := range []string{Plateau1, Plateau2} {
			if levels[l] == 0 {
				v.add("kader", name, "theme has no building block at level %s", l)
			}
		}
	}
	for n := 1; n <= 5; n++ {
		if _, ok := numbers[n]; !ok {
			v.add("kader", "", "theme number %d is missing (the Kader has five themes, 1 to 5)", n)
		}
	}
}

func (v *validator) explanations() {
	keys := make([]string, 0, len(v.c.Explanations))
	for k := range v.c.Explanations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t := v.c.Explanations[k]
		if !isDotted(k) {
			v.add("explanations", k, "rule id %q is not dot-separated %s", k, wordWant)
		}
		v.text("explanations", k, "text", t)
		nl, errNL := fmtArgs(t.NL)
		en, errEN := fmtArgs(t.EN)
		switch {
		case errNL != nil:
			v.add("explanations", k, "nl: %v", errNL)
		case errEN != nil:
			v.add("explanations", k, "en: %v", errEN)
		case !slices.Equal(nl, en):
			v.add("explanations", k, "fmt verbs differ: nl has %s, en has %s", verbList(nl), verbList(en))
		}
	}
}

func verbList(args []string) string {
	if len(args) == 0 {
		return "none"
	}
	return strings.Join(args, " ")
}

// fmtArgs lists the operands a format string consumes as "argument:verb"
// (e.g. "1:d", "2:s", "1:*" for a star width), sorted, so that a translation
// may reorder them with explicit indexes (%[2]s) and still match.
func fmtArgs(s string) ([]string, error) {
	var out []string
	arg := 1
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		i++
		if i >= len(s) {
			return nil, fmt.Errorf("%q ends in a lone %%", s)
		}
		if s[i] == '%' {
			continue
		}
		for i < len(s) && strings.IndexByte("+-# 0", s[i]) >= 0 {
			i++
		}
		index := func() error {
			if i < len(s) && s[i] == '[' {
				end := strings.IndexByte(s[i:], ']')
				if end < 0 {
					return fmt.Errorf("%q has an unclosed argument index", s)
				}
				n, err := strconv.Atoi(s[i+1 : i+end])
				if err != nil || n < 1 {
					return fmt.Errorf("%q has a bad argument index %q", s, s[i:i+end+1])
				}
				arg = n
				i += end + 1
			}
			return nil
		}
		widthOrPrec := func() error {
			if err := index(); err != nil {
				return err
			}
			if i < len(s) && s[i] == '*' {
				out = append(out, strconv.Itoa(arg)+":*")
				arg++
				i++
				return nil
			}
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			return nil
		}
		if err := widthOrPrec(); err != nil {
			return nil, err
		}
		if i < len(s) && s[i] == '.' {
			i++
			if err := widthOrPrec(); err != nil {
				return nil, err
			}
		}
		if err := index(); err != nil {
			return nil, err
		}
		if i >= len(s) {
			return nil, fmt.Errorf("%q ends inside a verb", s)
		}
		c := s[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return nil, fmt.Errorf("%q has a bad verb %%%c", s, c)
		}
		out = append(out, strconv.Itoa(arg)+":"+string(c))
		arg++
	}
	sort.Strings(out)
	return out, nil
}
