package assess

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"github.com/baken-nl/baken/internal/content"
)

// strength orders S > M > W; none is 0.
type strength uint8

const (
	sNone strength = iota
	sWeak
	sMedium
	sStrong
)

// Population and language indexes.
const (
	popAdult = 0
	popChild = 1
	langNL   = 0
	langEN   = 1
)

// Capacity of the fixed-size sets Assess keeps on the stack.
const (
	maxIndicators = 512
	maxForms      = 64
	maxDims       = 8
	maxReasons    = 1 + maxDims + 3 + 1 + 4 + 6 // population, dimensions, elements, smuggling, outcome clauses, advice rules
)

type override struct {
	form uint8
	s    strength
}

type indicator struct {
	dim   uint8
	means bool // of a dimension that evidences the means
	base  [2]strength
	ovr   [2][]override // per population
	ovrOn [2]uint64     // forms with an override, per population
}

// strength resolves the indicator's strength for a population and the set of
// suspected forms: per form the override for that form and population, else
// the base strength; of several forms the highest. No form: the base strength.
func (ind *indicator) strength(pop int, forms uint64) strength {
	s := ind.base[pop]
	if forms == 0 || ind.ovrOn[pop] == 0 {
		return s
	}
	best := sNone
	if forms&^ind.ovrOn[pop] != 0 {
		best = s // a suspected form without an override
	}
	for _, o := range ind.ovr[pop] {
		if forms&(1<<o.form) != 0 && o.s > best {
			best = o.s
		}
	}
	return best
}

type dimension struct {
	id, element string
	means       bool
	label       [2]string
}

type advice struct {
	id      string
	urgent  bool
	text    [2]string
	present bool
}

// Engine assesses inputs against one loaded catalogue. It is immutable after
// New and safe for concurrent use.
type Engine struct {
	ruleset    string
	disclaimer [2]string

	dims       []dimension
	indicators []indicator
	index      map[string]int // indicator id → indicators index
	forms      map[string]int // form id → bit
	acts       map[string]int // act id → bit
	riskFactor map[string]bool
	signal     map[string]bool

	organRemoval     int // indicator index
	forcedCriminal   int // indicator index
	criminal, labour int // form bits

	advice [numAdvice]advice
	texts  [numRules][2]tmpl
	// dimTexts are the dimension rules' texts with each dimension's label
	// filled in: [dimension][rule-rDimTwoStrong][language].
	dimTexts [][rDimNotPositive - rDimTwoStrong + 1][2]tmpl
	nums     *smallNums
}

// New precomputes everything Assess needs from c: indicator → dimension,
// strengths per population with their per-form overrides, advice and
// explanation texts per language. It fails on a catalogue the rule cannot run
// on (a missing rule text, advice or form the rule names, a bad strength),
// naming every problem.
func New(c *content.Catalog) (*Engine, error) {
	if c == nil {
		return nil, errors.New("assess: no catalogue")
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	e := &Engine{
		ruleset:    c.Meta.Ruleset,
		disclaimer: [2]string{c.Meta.Disclaimer.NL, c.Meta.Disclaimer.EN},
		index:      make(map[string]int, len(c.Indicators)),
		forms:      make(map[string]int, len(c.Forms)),
		acts:       make(map[string]int, len(Acts)),
		riskFactor: make(map[string]bool, len(c.RiskFactors)),
		signal:     make(map[string]bool, len(c.FrontlineSignals)),
		nums:       newSmallNums(),
	}
	if e.ruleset == "" {
		bad("meta.ruleset is empty")
	}
	if c.Meta.Disclaimer.NL == "" || c.Meta.Disclaimer.EN == "" {
		bad("meta.disclaimer needs a Dutch and an English text")
	}

	if len(c.Forms) > maxForms {
		bad("%d forms; the engine takes at most %d", len(c.Forms), maxForms)
	}
	for i, f := range c.Forms {
		if _, dup := e.forms[f.ID]; dup {
			bad("form %q given twice", f.ID)
		}
		e.forms[f.ID] = i % maxForms
	}
	for i, a := range Acts {
		e.acts[a] = i
	}

	if len(c.Dimensions) > maxDims {
		bad("%d dimensions; the engine takes at most %d", len(c.Dimensions), maxDims)
	}
	dimIndex := map[string]int{}
	purpose := false
	for i, d := range c.Dimensions {
		if _, dup := dimIndex[d.ID]; dup {
			bad("dimension %q given twice", d.ID)
		}
		dimIndex[d.ID] = i
		switch d.Element {
		case content.ElementMeans:
		case content.ElementPurpose:
			purpose = true
		default:
			bad("dimension %q: element %q is neither means nor purpose", d.ID, d.Element)
		}
		e.dims = append(e.dims, dimension{id: d.ID, element: d.Element, means: d.Element == content.ElementMeans, label: [2]string{d.Label.NL, d.Label.EN}})
	}
	if !purpose {
		bad("no dimension evidences the purpose")
	}

	if len(c.Indicators) > maxIndicators {
		bad("%d indicators; the engine takes at most %d", len(c.Indicators), maxIndicators)
	}
	for i, ci := range c.Indicators {
		if _, dup := e.index[ci.ID]; dup {
			bad("indicator %q given twice", ci.ID)
		}
		e.index[ci.ID] = i
		var ind indicator
		d, ok := dimIndex[ci.Dimension()]
		if !ok {
			bad("indicator %q: no dimension %q", ci.ID, ci.Dimension())
		} else {
			ind.dim, ind.means = uint8(d), e.dims[d].means
		}
		for p, s := range [2]content.Strength{ci.Adult, ci.Child} {
			var ok bool
			if ind.base[p], ok = parseStrength(s); !ok {
				bad("indicator %q: %s strength %q is not S, M or W", ci.ID, [2]string{"adult", "child"}[p], s)
			}
		}
		for _, o := range ci.Overrides {
			f, okF := e.forms[o.Form]
			s, okS := parseStrength(o.Strength)
			p := map[string]int{content.Adult: popAdult, content.Child: popChild}[o.Population]
			switch {
			case !okF:
				bad("indicator %q: override for unknown form %q", ci.ID, o.Form)
			case o.Population != content.Adult && o.Population != content.Child:
				bad("indicator %q: override for population %q (adult or child)", ci.ID, o.Population)
			case !okS:
				bad("indicator %q: override strength %q is not S, M or W", ci.ID, o.Strength)
			case ind.ovrOn[p]&(1<<f) != 0:
				bad("indicator %q: two overrides for form %q and population %s", ci.ID, o.Form, o.Population)
			default:
				ind.ovr[p] = append(ind.ovr[p], override{form: uint8(f), s: s})
				ind.ovrOn[p] |= 1 << f
			}
		}
		e.indicators = append(e.indicators, ind)
	}
	for _, r := range c.RiskFactors {
		e.riskFactor[r.ID] = true
	}
	for _, s := range c.FrontlineSignals {
		e.signal[s.ID] = true
	}

	var ok bool
	if e.organRemoval, ok = e.index[indicatorOrganRemoval]; !ok {
		bad("the rule needs indicator %q", indicatorOrganRemoval)
	}
	if e.forcedCriminal, ok = e.index[indicatorForcedCriminalActivity]; !ok {
		bad("the rule needs indicator %q", indicatorForcedCriminalActivity)
	}
	if e.criminal, ok = e.forms[formCriminal]; !ok {
		bad("the rule needs form %q", formCriminal)
	}
	if e.labour, ok = e.forms[formLabour]; !ok {
		bad("the rule needs form %q", formLabour)
	}

	adv := make(map[string]content.Advice, len(c.Advice))
	for _, a := range c.Advice {
		adv[a.ID] = a
	}
	for i, id := range adviceTable {
		a, ok := adv[id]
		if !ok {
			if adviceID(i) != optionalAdvice {
				bad("the rule needs advice %q", id)
			}
			continue
		}
		if a.Text.NL == "" || a.Text.EN == "" {
			bad("advice %q needs a Dutch and an English text", id)
		}
		if adviceID(i) == aCall112 && !a.Urgent {
			bad("advice %q must be urgent", id)
		}
		e.advice[i] = advice{id: id, urgent: a.Urgent, text: [2]string{a.Text.NL, a.Text.EN}, present: true}
	}

	for i, r := range ruleTable {
		t, ok := c.Explanations[r.id]
		if !ok {
			bad("explanation %q is missing", r.id)
			continue
		}
		for l, s := range [2]string{t.NL, t.EN} {
			lang := [2]string{"nl", "en"}[l]
			if strings.TrimSpace(s) == "" {
				bad("explanation %q has no %s text", r.id, lang)
				continue
			}
			p, err := parseTmpl(s)
			switch {
			case err != nil:
				bad("explanation %q (%s): %v", r.id, lang, err)
			case p.verbs != r.verbs:
				bad("explanation %q (%s): verbs %q, the rule fills in %q", r.id, lang, verbList(p.verbs), verbList(r.verbs))
			}
			e.texts[i][l] = p
		}
	}
	known := make(map[string]bool, numRules)
	for _, r := range ruleTable {
		known[r.id] = true
	}
	for id := range c.Explanations {
		if !known[id] {
			bad("explanation %q belongs to no rule", id)
		}
	}

	if problems != nil {
		return nil, fmt.Errorf("assess: the catalogue does not fit the rule: %s", strings.Join(problems, "; "))
	}
	e.dimTexts = make([][rDimNotPositive - rDimTwoStrong + 1][2]tmpl, len(e.dims))
	for d := range e.dims {
		for r := rDimTwoStrong; r <= rDimNotPositive; r++ {
			for l := range 2 {
				e.dimTexts[d][r-rDimTwoStrong][l] = e.texts[r][l].bind(e.dims[d].label[l])
			}
		}
	}

	return e, nil
}

func parseStrength(s content.Strength) (strength, bool) {
	switch s {
	case content.Strong:
		return sStrong, true
	case content.Medium:
		return sMedium, true
	case content.Weak:
		return sWeak, true
	}
	return sNone, false
}

func verbList(v string) string {
	var b strings.Builder
	for i := range len(v) {
		b.WriteString("%" + v[i:i+1])
	}
	return b.String()
}

// Ruleset returns the version of the rule and strengths the engine applies.
func (e *Engine) Ruleset() string { return e.ruleset }

// parsed is a validated input.
type parsed struct {
	present [maxIndicators / 64]uint64
	forms   uint64
	acts    uint8
}

// validate checks in and returns its sets, or every problem.
func (e *Engine) validate(in *Input) (p parsed, problems []Problem) {
	if in.Age != nil && (*in.Age < 0 || *in.Age > MaxAge) {
		problems = append(problems, Problem{Field: "age", Key: KeyAgeInvalid, Value: fmt.Sprint(*in.Age)})
	}
	long := func(name string, n int) bool {
		if n <= MaxListLen {
			return false
		}
		problems = append(problems, Problem{Field: name, Key: KeyListTooLong, Value: fmt.Sprint(n)})
		return true // the entries of an overlong list are not looked at
	}
	if !long("forms", len(in.Forms)) {
		for i, f := range in.Forms {
			b, ok := e.forms[f]
			if !ok {
				problems = append(problems, Problem{Field: indexed("forms", i), Key: KeyFormUnknown, Value: clip(f)})
				continue
			}
			p.forms |= 1 << b
		}
	}
	if !long("acts", len(in.Acts)) {
		for i, a := range in.Acts {
			b, ok := e.acts[a]
			if !ok {
				problems = append(problems, Problem{Field: indexed("acts", i), Key: KeyActUnknown, Value: clip(a)})
				continue
			}
			p.acts |= 1 << b
		}
	}
	if long("indicators", len(in.Indicators)) {
		return p, problems
	}
	for i, id := range in.Indicators {
		x, ok := e.index[id]
		if !ok {
			key := KeyIndicatorUnknown
			switch {
			case e.riskFactor[id]:
				key = KeyIndicatorRiskFactor
			case e.signal[id]:
				key = KeyIndicatorSignal
			}
			problems = append(problems, Problem{Field: indexed("indicators", i), Key: key, Value: clip(id)})
			continue
		}
		p.present[x/64] |= 1 << (x % 64)
	}
	return p, problems
}

// resultStore holds the lists of one result.
type resultStore struct {
	dims   [maxDims]DimensionResult
	advice [numAdvice]Advice
	expl   [maxReasons]Reason
}

// pending is a reason to write once the result is known: its rule, the
// dimension whose label fills in %s (dimension rules), the numbers that fill
// in %d.
type pending struct {
	rule ruleID
	dim  uint8
	n    [maxNums]int32
}

// Assess applies the rule of INDICATORS.md to in and explains the result in
// lang ("en" for English, anything else Dutch). It is pure and deterministic:
// the result depends only on the sets of forms, indicators and acts in the
// input (order and duplicates do not matter), its age, minor, smuggling and
// acute danger, and the catalogue. Invalid input returns an *errs.Error of
// code Invalid naming every offending value (see Problems).
func (e *Engine) Assess(in Input, lang string) (Result, error) {
	p, problems := e.validate(&in)
	if problems != nil {
		return Result{}, invalid(problems)
	}
	return e.assess(&in, &p, lang), nil
}

func (e *Engine) assess(in *Input, p *parsed, lang string) Result {
	li := langNL
	if lang == "en" {
		li = langEN
	}
	var (
		reasons [maxReasons]pending
		nr      int
	)
	add := func(r ruleID) *pending {
		reasons[nr].rule = r
		nr++
		return &reasons[nr-1]
	}

	// Population.
	pop := popAdult
	switch {
	case in.Age != nil && *in.Age < 18:
		pop = popChild
		add(rPopChildAge).n[0] = int32(*in.Age)
	case in.Minor && in.Age == nil:
		pop = popChild
		add(rPopChildMinor)
	case in.Minor:
		pop = popChild
		add(rPopChildMinorOverAge).n[0] = int32(*in.Age)
	case in.Age != nil:
		add(rPopAdultAge).n[0] = int32(*in.Age)
	default:
		add(rPopAdultAgeUnknown)
	}
	child := pop == popChild

	// Count the present indicators per dimension and strength.
	var (
		counts      [maxDims][4]int
		strongMeans int
		anyPresent  bool
	)
	for w, word := range p.present {
		for ; word != 0; word &= word - 1 {
			x := w*64 + bits.TrailingZeros64(word)
			ind := &e.indicators[x]
			s := ind.strength(pop, p.forms)
			counts[ind.dim][s]++
			if ind.means && s == sStrong {
				strongMeans++
			}
			anyPresent = true
		}
	}

	// The result's lists share one allocation (capped, so that appending to
	// one never writes into another).
	st := new(resultStore)
	dims := st.dims[:len(e.dims):len(e.dims)]

	// Dimensions and elements.
	var meansPos, meansInd, purposePos, purposeInd bool
	for i := range e.dims {
		d := &e.dims[i]
		c := &counts[i]
		s, m, w := c[sStrong], c[sMedium], c[sWeak]
		r := positiveRule(s, m, w)
		pos := r != rDimNotPositive
		dims[i] = DimensionResult{ID: d.id, Element: d.element, Strong: s, Medium: m, Weak: w, Positive: pos}
		if s+m+w == 0 {
			continue
		}
		x := add(r)
		x.dim, x.n = uint8(i), [maxNums]int32{int32(s), int32(m), int32(w)}
		if d.means {
			meansPos, meansInd = meansPos || pos, true
		} else {
			purposePos, purposeInd = purposePos || pos, true
		}
	}
	var el Elements
	if p.acts != 0 {
		el.Act = Reported
		add(rActReported).n[0] = int32(bits.OnesCount8(p.acts))
	} else {
		el.Act = Absent
		add(rActAbsent)
	}
	switch {
	case child:
		el.Means = NotRequired
		add(rMeansNotRequired)
	case meansPos:
		el.Means = Positive
		add(rMeansPositive)
	case meansInd:
		el.Means = Indicated
		add(rMeansIndicated)
	default:
		el.Means = Absent
		add(rMeansAbsent)
	}
	switch {
	case purposePos:
		el.Purpose = Positive
		add(rPurposePositive)
	case purposeInd:
		el.Purpose = Indicated
		add(rPurposeIndicated)
	default:
		el.Purpose = Absent
		add(rPurposeAbsent)
	}

	// Smuggling facts.
	smuggling := in.Smuggling != nil && in.Smuggling.BorderCrossingFacilitated && in.Smuggling.Paid && in.Smuggling.Consented
	switch {
	case smuggling && anyPresent:
		add(rSmugglingIndicatorsPresent)
	case in.Smuggling != nil && !smuggling:
		add(rSmugglingNotMet)
	}

	// The outcome: the first outcome with a clause that holds; every clause
	// of it that holds is a reason.
	organ := p.present[e.organRemoval/64]&(1<<(e.organRemoval%64)) != 0
	var out Outcome
	switch {
	case meansPos && purposePos || child && purposePos || organ:
		out = TraffickingLikely
		if meansPos && purposePos {
			add(rLikelyMeansAndPurpose)
		}
		if child && purposePos {
			add(rLikelyChildPurpose)
		}
		if organ {
			add(rLikelyOrganRemoval)
		}
	case meansPos || meansInd && purposeInd || child && purposeInd || strongMeans > 0:
		out = TraffickingPossible
		if meansPos {
			add(rPossibleMeansPositive)
		}
		if meansInd && purposeInd {
			add(rPossibleMeansAndPurposeIndicated)
		}
		if child && purposeInd {
			add(rPossibleChildPurposeIndicated)
		}
		if strongMeans > 0 {
			add(rPossibleStrongMeansIndicator).n[0] = int32(strongMeans)
		}
	case smuggling && !anyPresent:
		out = Smuggled
		add(rOutcomeSmuggling)
	case !child && purposePos && !meansInd:
		out = SeriousDisadvantage
		add(rOutcomeSeriousDisadvantage)
	case !child && purposeInd:
		out = LabourViolation
		add(rOutcomeLabourViolation)
	default:
		out = NoIndication
		add(rOutcomeNoIndication)
	}

	// Advice: a set in the fixed order of adviceTable.
	var give [numAdvice]bool
	trafficking := out == TraffickingLikely || out == TraffickingPossible
	if in.AcuteDanger {
		give[aCall112] = true
		add(rAdviceAcuteDanger)
	}
	if trafficking {
		give[aContactCareCoordinator], give[aInformPolice], give[aRegisterNational] = true, true, true
		add(rAdviceTrafficking)
		if child {
			give[aContactVeiligThuis] = true
			add(rAdviceChild)
		}
		if p.forms&(1<<e.criminal) != 0 {
			give[aNonPunishment] = true
			add(rAdviceNonPunishmentForm)
		}
	}
	// "outcomes 1–2 and suspected form criminal, or forced criminal activity
	// present": the indicator counts whatever the outcome (as in "outcomes
	// 4–5, or outcomes 1–2 with suspected form labour", the comma splits the
	// rule in two).
	if p.present[e.forcedCriminal/64]&(1<<(e.forcedCriminal%64)) != 0 {
		give[aNonPunishment] = true
		add(rAdviceNonPunishmentIndicator)
	}
	if trafficking && p.forms&(1<<e.labour) != 0 {
		give[aContactLabourInspectorate], give[aReferFairwork] = true, true
		add(rAdviceLabourForm)
	}
	if out == SeriousDisadvantage || out == LabourViolation {
		give[aContactLabourInspectorate], give[aReferFairwork] = true, true
		add(rAdviceLabourOutcome)
	}
	if out == Smuggled {
		give[aInformPolice], give[aStayAlert] = true, true
		add(rAdviceSmuggling)
	}
	if out == NoIndication {
		give[aConsultCareCoordinator] = true
		add(rAdviceNoIndication)
	}
	if in.Age == nil && !in.Minor {
		give[aEstablishAge] = e.advice[aEstablishAge].present
	}
	na := 0
	for _, g := range give {
		if g {
			na++
		}
	}
	advice := st.advice[:0:na]
	for i, g := range give {
		if g {
			a := &e.advice[i]
			advice = append(advice, Advice{ID: a.id, Urgent: a.urgent, Text: a.text[li]})
		}
	}

	// The explanation: a text without verbs is used as it is; the others are
	// filled in, all into one string.
	text := func(x *pending) *tmpl {
		if x.rule >= rDimTwoStrong && x.rule <= rDimNotPositive {
			return &e.dimTexts[x.dim][x.rule-rDimTwoStrong][li]
		}
		return &e.texts[x.rule][li]
	}
	size := 0
	for i := range nr {
		if t := text(&reasons[i]); t.verbs != "" {
			size += t.maxLen()
		}
	}
	var b strings.Builder
	b.Grow(size)
	var ends [maxReasons]int
	for i := range nr {
		if t := text(&reasons[i]); t.verbs != "" {
			t.appendTo(&b, &reasons[i].n, e.nums)
		}
		ends[i] = b.Len()
	}
	all := b.String()
	expl := st.expl[:nr:nr]
	start := 0
	for i := range nr {
		t := text(&reasons[i])
		s := t.parts[0]
		if t.verbs != "" {
			s = all[start:ends[i]]
		}
		expl[i] = Reason{Rule: ruleTable[reasons[i].rule].id, Text: s}
		start = ends[i]
	}

	return Result{
		Outcome:     out,
		Population:  [2]Population{Adult, Child}[pop],
		Elements:    el,
		Dimensions:  dims,
		Advice:      advice,
		Explanation: expl,
		Ruleset:     e.ruleset,
		Disclaimer:  e.disclaimer[li],
	}
}
