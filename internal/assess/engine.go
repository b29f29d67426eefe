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
	maxReasons    = 1 + maxDims + 3 + 1 + 4 + int(numRules-rAdviceAcuteDanger) // population, dimensions, elements, smuggling, outcome clauses, advice rules
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

// indicatorSet is a set of indicators, by catalogue index.
type indicatorSet [maxIndicators / 64]uint64

func (s *indicatorSet) add(x int)      { s[x/64] |= 1 << (x % 64) }
func (s *indicatorSet) has(x int) bool { return s[x/64]&(1<<(x%64)) != 0 }
func (s *indicatorSet) meets(o *indicatorSet) bool {
	for i := range s {
		if s[i]&o[i] != 0 {
			return true
		}
	}
	return false
}

// within reports whether every member of s is in o.
func (s *indicatorSet) within(o *indicatorSet) bool {
	for i := range s {
		if s[i]&^o[i] != 0 {
			return false
		}
	}
	return true
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
	context    map[string]bool // context signals (never counted)

	// The indicator sets of the rule (INDICATORS-2027.1.md).
	means, exploitation indicatorSet // by element
	labour, alsoPurpose indicatorSet // LABOUR, ALSO_PURPOSE (catalogue flags)
	crime, weakAdult    indicatorSet // CRIME (flag), WEAK_ADULT (derived)
	nonPunishmentInds   indicatorSet

	organRemoval, sexualServices, earningsTaken, forcedCriminal int // indicator indexes

	// Form bits and sets.
	fSexual, fLabour, fOrganRemoval, fForcedMarriage, fIllegalAdoption uint64
	newForms, nonPunishmentForms                                       uint64

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
		context:    make(map[string]bool),
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
		if i >= maxIndicators {
			continue
		}
		purposeDim := !ind.means && ok
		switch {
		case ind.means:
			e.means.add(i)
		case purposeDim:
			e.exploitation.add(i)
			if ind.base[popAdult] == sWeak {
				e.weakAdult.add(i)
			}
		}
		// The flags are validated by the catalogue; checked again here so
		// that an engine never runs on a set the rule cannot mean.
		if ci.Labour {
			if !purposeDim {
				bad("indicator %q: flag labour on an indicator that does not evidence the purpose", ci.ID)
			}
			e.labour.add(i)
		}
		if ci.AlsoPurpose {
			if !ind.means {
				bad("indicator %q: flag alsoPurpose on an indicator that does not evidence the means", ci.ID)
			}
			e.alsoPurpose.add(i)
		}
		if ci.Crime {
			if !ind.means {
				bad("indicator %q: flag crime on an indicator that does not evidence the means", ci.ID)
			}
			e.crime.add(i)
		}
	}
	for _, r := range c.RiskFactors {
		e.riskFactor[r.ID] = true
	}
	for _, s := range c.FrontlineSignals {
		e.signal[s.ID] = true
		if s.Context {
			e.context[s.ID] = true
		}
	}

	indicatorNamed := func(id string) int {
		x, ok := e.index[id]
		if !ok {
			bad("the rule needs indicator %q", id)
		}
		return x
	}
	e.organRemoval = indicatorNamed(indicatorOrganRemoval)
	e.sexualServices = indicatorNamed(indicatorSexualServices)
	e.earningsTaken = indicatorNamed(indicatorEarningsTaken)
	e.forcedCriminal = indicatorNamed(indicatorForcedCriminalActivity)
	for _, id := range nonPunishmentIndicators {
		e.nonPunishmentInds.add(indicatorNamed(id))
	}
	formNamed := func(id string) uint64 {
		b, ok := e.forms[id]
		if !ok {
			bad("the rule needs form %q", id)
			return 0
		}
		return 1 << b
	}
	e.fSexual, e.fLabour, e.fOrganRemoval = formNamed(formSexual), formNamed(formLabour), formNamed(formOrganRemoval)
	e.fForcedMarriage, e.fIllegalAdoption = formNamed(formForcedMarriage), formNamed(formIllegalAdoption)
	for _, f := range newForms {
		e.newForms |= formNamed(f)
	}
	for _, f := range nonPunishmentForms {
		e.nonPunishmentForms |= formNamed(f)
	}
	empty := indicatorSet{}
	for _, set := range []struct {
		name string
		s    *indicatorSet
	}{{"labour", &e.labour}, {"alsoPurpose", &e.alsoPurpose}, {"crime", &e.crime}} {
		if *set.s == empty {
			bad("no indicator carries the flag %s: the rule needs the set", set.name)
		}
	}

	adv := make(map[string]content.Advice, len(c.Advice))
	for _, a := range c.Advice {
		adv[a.ID] = a
	}
	for i, id := range adviceTable {
		a, ok := adv[id]
		if !ok {
			bad("the rule needs advice %q", id)
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
	retired := make(map[string]bool, len(RetiredRuleIDs))
	for _, id := range RetiredRuleIDs {
		retired[id] = true
	}
	for id := range c.Explanations {
		switch {
		case retired[id]:
			bad("explanation %q belongs to a retired rule (its id is reserved; remove the text)", id)
		case !known[id]:
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
	present indicatorSet
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
			case e.context[id]:
				key = KeyIndicatorContextSignal
			case e.signal[id]:
				key = KeyIndicatorSignal
			}
			problems = append(problems, Problem{Field: indexed("indicators", i), Key: key, Value: clip(id)})
			continue
		}
		p.present.add(x)
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

// Assess applies ruleset 2027.1 (INDICATORS-2027.1.md) to in and explains
// the result in lang ("en" for English, anything else Dutch). It is pure and
// deterministic: the result depends only on the sets of forms, indicators
// and acts in the input (order and duplicates do not matter), its age,
// minor, possiblyMinor, smuggling and acute danger, and the catalogue.
// Invalid input returns an *errs.Error of code Invalid naming every
// offending value (see Problems).
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

	// Population: a child when under 18, marked minor, or possibly a minor
	// (doubt about age counts as a child).
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
	case in.PossiblyMinor:
		pop = popChild
		add(rPopChildPossiblyMinor)
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

	// Dimensions.
	var meansPos, purposePos bool
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
			meansPos = meansPos || pos
		} else {
			purposePos = purposePos || pos
		}
	}

	// Elements. Purpose indicated: (a) an exploitation indicator outside
	// WEAK_ADULT — for a child any exploitation indicator; (b) an
	// ALSO_PURPOSE indicator; (c) a WEAK_ADULT indicator and a child or some
	// means indicator.
	meansInd := p.present.meets(&e.means)
	var exploitOutsideWeak, weakPresent bool
	for i := range p.present {
		exploitOutsideWeak = exploitOutsideWeak || p.present[i]&e.exploitation[i]&^e.weakAdult[i] != 0
		weakPresent = weakPresent || p.present[i]&e.weakAdult[i] != 0
	}
	alsoPurpose := p.present.meets(&e.alsoPurpose)
	purposeInd := exploitOutsideWeak || child && weakPresent || alsoPurpose || weakPresent && (child || meansInd)
	contextOnly := !purposeInd && weakPresent // an adult with only WEAK_ADULT signs and no means
	// Labour context: form labour suspected, or no form suspected and every
	// present exploitation indicator is in LABOUR — and there is one: only
	// LABOUR indicators can make a case a labour case (the sets table of
	// INDICATORS-2027.1.md), so a debt to work off or tasks that cannot be
	// refused, without any sign of working conditions, are not one.
	var presentExploit indicatorSet
	for i := range p.present {
		presentExploit[i] = p.present[i] & e.exploitation[i]
	}
	labourCtx := p.forms&e.fLabour != 0 || p.forms == 0 && presentExploit != (indicatorSet{}) && presentExploit.within(&e.labour)

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
	case contextOnly:
		el.Purpose = Absent
		add(rPurposeContextOnly)
	default:
		el.Purpose = Absent
		add(rPurposeAbsent)
	}

	// Smuggling facts.
	smug := in.Smuggling != nil && in.Smuggling.BorderCrossingFacilitated && in.Smuggling.Paid && in.Smuggling.Consented
	if in.Smuggling != nil && !smug {
		add(rSmugglingNotMet)
	}

	// The outcome: the first outcome with a clause that holds; every clause
	// of it that holds is a reason.
	organ := p.present.has(e.organRemoval)
	childSexual := child && p.present.has(e.sexualServices)
	sexualEarnings := p.forms&e.fSexual != 0 && p.present.has(e.earningsTaken)
	organForm := p.forms&e.fOrganRemoval != 0 && anyPresent
	newForm := p.forms&e.newForms != 0
	var out Outcome
	switch {
	case meansPos && purposePos || child && purposePos || organ || childSexual:
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
		if childSexual {
			add(rLikelyChildSexualServices)
		}
	case meansInd && purposeInd || child && purposeInd || sexualEarnings || organForm:
		out = TraffickingPossible
		if meansInd && purposeInd {
			add(rPossibleMeansAndPurposeIndicated)
		}
		if child && purposeInd {
			add(rPossibleChildPurposeIndicated)
		}
		if sexualEarnings {
			add(rPossibleSexualEarningsTaken)
		}
		if organForm {
			add(rPossibleOrganRemovalForm)
		}
	case meansInd && (meansPos || strongMeans > 0 || newForm):
		out = MeansOnly
		if meansPos {
			add(rMeansOnlyMeansPositive)
		}
		if strongMeans > 0 {
			add(rMeansOnlyStrongMeansIndicator).n[0] = int32(strongMeans)
		}
		if newForm {
			add(rMeansOnlyNewForm)
		}
	case smug:
		out = Smuggled
		if anyPresent {
			add(rOutcomeSmugglingIndicatorsPresent)
		} else {
			add(rOutcomeSmuggling)
		}
	case !child && labourCtx && purposePos && !meansInd:
		out = SeriousDisadvantage
		add(rOutcomeSeriousDisadvantage)
	case !child && labourCtx && purposeInd:
		out = LabourViolation
		add(rOutcomeLabourViolation)
	case !child && purposeInd:
		out = ExploitationIndicated
		add(rOutcomeExploitationIndicated)
	default:
		out = NoIndication
		add(rOutcomeNoIndication)
	}

	// Advice: a set, given in the fixed order of adviceTable; each rule that
	// adds advice is a reason.
	var give [numAdvice]bool
	tr := out == TraffickingLikely || out == TraffickingPossible
	if in.AcuteDanger {
		give[aCall112] = true
		add(rAdviceAcuteDanger)
	}
	switch {
	case tr:
		give[aContactCareCoordinator] = true
		add(rAdviceCareCoordinatorTrafficking)
	case out == MeansOnly || out == ExploitationIndicated:
		give[aContactCareCoordinator] = true
		add(rAdviceCareCoordinatorConsult)
	}
	switch {
	case out == TraffickingLikely:
		give[aInformPolice] = true
		add(rAdvicePoliceLikely)
	case out == TraffickingPossible && p.forms != e.fLabour:
		// For labour exploitation alone the Arbeidsinspectie investigates.
		give[aInformPolice] = true
		add(rAdvicePolicePossible)
	}
	if out == TraffickingLikely {
		give[aRegisterNational] = true
		add(rAdviceRegisterNational)
	}
	if child && (anyPresent || p.forms != 0 || smug) {
		give[aContactVeiligThuis] = true
		add(rAdviceVeiligThuisChild)
	}
	if p.forms&e.fIllegalAdoption != 0 {
		give[aContactVeiligThuis] = true
		add(rAdviceVeiligThuisIllegalAdoption)
	}
	if !child {
		if p.forms&e.fForcedMarriage != 0 {
			give[aContactVeiligThuisAdult] = true
			add(rAdviceVeiligThuisAdultForcedMarriage)
		}
		if out == MeansOnly && !smug && p.forms&^e.fForcedMarriage == 0 {
			give[aContactVeiligThuisAdult] = true
			add(rAdviceVeiligThuisAdultMeansOnly)
		}
	}
	if p.forms&e.fForcedMarriage != 0 {
		give[aContactLKHA] = true
		add(rAdviceLKHA)
	}
	if (out == MeansOnly || out == NoIndication || out == Smuggled) && p.present.meets(&e.crime) {
		give[aReportCrime] = true
		add(rAdviceReportCrime)
	}
	if tr && (p.forms&e.nonPunishmentForms != 0 || p.present.meets(&e.nonPunishmentInds)) {
		give[aNonPunishment] = true
		add(rAdviceNonPunishmentTrafficking)
	}
	if p.present.has(e.forcedCriminal) {
		give[aNonPunishment] = true
		add(rAdviceNonPunishmentIndicator)
	}
	labourOutcome := out == SeriousDisadvantage || out == LabourViolation
	if labourCtx && (purposeInd || labourOutcome) {
		give[aContactLabourInspectorate] = true
		give[aReferFairwork] = give[aReferFairwork] || !child
		add(rAdviceLabourContext)
	}
	if !child && p.forms&e.fLabour != 0 && (out == MeansOnly || out == NoIndication || out == ExploitationIndicated || out == Smuggled) {
		give[aReferFairwork] = true
		add(rAdviceFairworkLabourForm)
	}
	if !child && p.present.has(e.sexualServices) && (out == NoIndication || out == ExploitationIndicated || out == MeansOnly) {
		give[aSexWorkCheck] = true
		add(rAdviceSexWorkCheck)
	}
	if smug && (out == Smuggled || out == MeansOnly) {
		give[aSmugglingSupport], give[aStayAlert] = true, true
		add(rAdviceSmugglingSupport)
	}
	if out == NoIndication {
		give[aConsultCareCoordinator] = true
		add(rAdviceNoIndication)
	}
	if out == Smuggled && anyPresent {
		give[aConsultCareCoordinator] = true
		add(rAdviceConsultSmugglingIndicators)
	}
	if in.Age == nil && !in.Minor {
		give[aEstablishAge] = true
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
