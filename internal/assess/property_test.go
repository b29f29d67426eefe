package assess

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/content"
)

// gen draws random valid inputs from the real catalogue, seeded so that a
// failure can be reproduced.
type gen struct {
	r          *rand.Rand
	indicators []string
	forms      []string
	labour     []string // the LABOUR set: to reach the labour rungs
}

func newGen(t testing.TB, seed uint64) *gen {
	c := catalog(t)
	g := &gen{r: rand.New(rand.NewPCG(seed, 0x5eed))}
	for _, i := range c.Indicators {
		g.indicators = append(g.indicators, i.ID)
		if i.Labour {
			g.labour = append(g.labour, i.ID)
		}
	}
	for _, f := range c.Forms {
		g.forms = append(g.forms, f.ID)
	}
	return g
}

func (g *gen) subset(from []string, max int) []string {
	n := g.r.IntN(max + 1)
	out := make([]string, 0, n)
	for range n {
		out = append(out, from[g.r.IntN(len(from))]) // duplicates allowed
	}
	return out
}

func (g *gen) input() Input {
	in := Input{
		Indicators:    g.subset(g.indicators, 20),
		Forms:         g.subset(g.forms, 3),
		Acts:          g.subset(Acts, 3),
		Minor:         g.r.IntN(5) == 0,
		PossiblyMinor: g.r.IntN(8) == 0,
		AcuteDanger:   g.r.IntN(5) == 0,
	}
	switch g.r.IntN(4) {
	case 0: // unknown
	case 1:
		in.Age = age(g.r.IntN(18))
	default:
		in.Age = age(g.r.IntN(MaxAge + 1))
	}
	if g.r.IntN(3) == 0 {
		in.Smuggling = &Smuggling{g.r.IntN(4) != 0, g.r.IntN(4) != 0, g.r.IntN(4) != 0}
	}
	switch g.r.IntN(8) {
	case 0: // sometimes few indicators, to reach the lower outcomes
		in.Indicators = in.Indicators[:min(len(in.Indicators), 2)]
	case 1: // sometimes working conditions only, to reach the labour rungs
		in.Indicators = g.subset(g.labour, 4)
		in.Forms = g.subset([]string{"labour"}, 1)
	}
	return in
}

const propertyCases = 5000

// TestPropertyMonotone: adding an indicator (or a suspected form: the
// catalogue's overrides only raise) never moves the outcome from
// trafficking_likely or trafficking_possible to the rest, and never from
// likely to possible.
func TestPropertyMonotone(t *testing.T) {
	e, g := engine(t), newGen(t, 1)
	seen := map[Outcome]int{}
	for range propertyCases {
		in := g.input()
		before := mustAssess(t, e, in)
		seen[before.Outcome]++
		more := in
		more.Indicators = append(slices.Clone(in.Indicators), g.indicators[g.r.IntN(len(g.indicators))])
		after := mustAssess(t, e, more)
		if trafficking(before.Outcome) && rank(after.Outcome) > rank(before.Outcome) {
			t.Fatalf("adding %s moved %s to %s\ninput %+v", more.Indicators[len(more.Indicators)-1], before.Outcome, after.Outcome, in)
		}
		if len(in.Forms) > 0 {
			more = in
			more.Forms = append(slices.Clone(in.Forms), g.forms[g.r.IntN(len(g.forms))])
			after = mustAssess(t, e, more)
			if trafficking(before.Outcome) && rank(after.Outcome) > rank(before.Outcome) {
				t.Fatalf("adding form %s moved %s to %s\ninput %+v", more.Forms[len(more.Forms)-1], before.Outcome, after.Outcome, in)
			}
		}
	}
	for _, o := range Outcomes { // the generator reaches every outcome
		if seen[o] == 0 {
			t.Errorf("no random input gave %s: %v", o, seen)
		}
	}
}

// TestPropertyChildNeedsNoMeans: for a child the means element is
// not_required; with the means indicators taken away, a positive purpose
// alone gives trafficking_likely; and the means indicators never lower the
// outcome.
func TestPropertyChildNeedsNoMeans(t *testing.T) {
	e, g, c := engine(t), newGen(t, 2), catalog(t)
	isMeans := map[string]bool{}
	for _, ind := range c.Indicators {
		d, _ := c.Dimension(ind.Dimension())
		isMeans[ind.ID] = d.Element == content.ElementMeans
	}
	positive := 0
	for range propertyCases {
		in := g.input()
		if g.r.IntN(2) == 0 {
			in.Age = age(g.r.IntN(18))
		} else {
			in.Minor = true
		}
		with := mustAssess(t, e, in)
		if with.Population != Child || with.Elements.Means != NotRequired {
			t.Fatalf("child input %+v: population %s, means %s", in, with.Population, with.Elements.Means)
		}
		bare := in
		bare.Indicators = slices.DeleteFunc(slices.Clone(in.Indicators), func(id string) bool { return isMeans[id] })
		without := mustAssess(t, e, bare)
		if without.Elements.Purpose == Positive {
			positive++
			if without.Outcome != TraffickingLikely || with.Outcome != TraffickingLikely {
				t.Fatalf("child with purpose positive: %s without means, %s with; input %+v", without.Outcome, with.Outcome, in)
			}
		}
		if trafficking(without.Outcome) && rank(with.Outcome) > rank(without.Outcome) {
			t.Fatalf("means indicators lowered a child's outcome from %s to %s; input %+v", without.Outcome, with.Outcome, in)
		}
	}
	if positive < propertyCases/20 {
		t.Errorf("only %d of %d random child inputs had a positive purpose", positive, propertyCases)
	}
}

// TestPropertyOrderIndependent: shuffling and duplicating the lists gives the
// same result; so does assessing again (determinism); outcome, advice and
// rules do not depend on the language.
func TestPropertyOrderIndependent(t *testing.T) {
	e, g := engine(t), newGen(t, 3)
	shuffle := func(s []string) []string {
		s = slices.Clone(s)
		if len(s) > 0 && g.r.IntN(2) == 0 {
			s = append(s, s[g.r.IntN(len(s))])
		}
		g.r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		return s
	}
	for range propertyCases {
		in := g.input()
		want := mustAssess(t, e, in)
		other := in
		other.Indicators, other.Forms, other.Acts = shuffle(in.Indicators), shuffle(in.Forms), shuffle(in.Acts)
		if got := mustAssess(t, e, other); !reflect.DeepEqual(got, want) {
			t.Fatalf("order changed the result\n%+v\n%+v\ninputs %+v and %+v", got, want, in, other)
		}
		en := mustAssessLang(t, e, in, "en")
		if en.Outcome != want.Outcome || !reflect.DeepEqual(adviceIDs(en), adviceIDs(want)) || !reflect.DeepEqual(ruleIDs(en, ""), ruleIDs(want, "")) ||
			!reflect.DeepEqual(en.Dimensions, want.Dimensions) || en.Elements != want.Elements {
			t.Fatalf("the language changed the result for %+v", in)
		}
	}
}

// TestPropertyMeansOnlyNeverRegisters: outcome means_only never advises
// register_national or inform_police (INDICATORS-2027.1.md).
func TestPropertyMeansOnlyNeverRegisters(t *testing.T) {
	e, g := engine(t), newGen(t, 5)
	n := 0
	for range propertyCases {
		in := g.input()
		r := mustAssess(t, e, in)
		if r.Outcome != MeansOnly {
			continue
		}
		n++
		if a := adviceIDs(r); slices.Contains(a, "register_national") || slices.Contains(a, "inform_police") {
			t.Fatalf("means_only advises %v for %+v", a, in)
		}
	}
	if n < propertyCases/50 {
		t.Errorf("only %d of %d random inputs gave means_only", n, propertyCases)
	}
}

// TestPropertyLabourAdviceInLabourContext: contact_labour_inspectorate and
// refer_fairwork appear only in a labour context — form labour suspected, or
// no form and some exploitation indicator, all of them in LABOUR — computed here
// from the catalogue, independently of the engine.
func TestPropertyLabourAdviceInLabourContext(t *testing.T) {
	e, g, c := engine(t), newGen(t, 6), catalog(t)
	labourCtx := func(in Input) bool {
		if slices.Contains(in.Forms, "labour") {
			return true
		}
		if len(in.Forms) > 0 {
			return false
		}
		some := false
		for _, id := range in.Indicators {
			ind, _ := c.Indicator(id)
			if ind.Dimension() == "exploitation" && !ind.Labour {
				return false
			}
			some = some || ind.Labour
		}
		return some
	}
	with, without := 0, 0
	for range propertyCases {
		in := g.input()
		r := mustAssess(t, e, in)
		a := adviceIDs(r)
		labour := slices.Contains(a, "contact_labour_inspectorate") || slices.Contains(a, "refer_fairwork")
		switch {
		case labour && !labourCtx(in):
			t.Fatalf("labour advice %v outside a labour context: %+v", a, in)
		case labour:
			with++
		case slices.ContainsFunc(in.Indicators, func(id string) bool { return strings.HasPrefix(id, "exploitation.") }):
			without++
		}
	}
	if with < propertyCases/20 || without < propertyCases/20 {
		t.Errorf("the generator gave %d inputs with labour advice and %d with exploitation signs without", with, without)
	}
}

// TestPropertyInvariants: every result has one of the eight outcomes, a
// non-empty explanation with an outcome reason, advice, a disclaimer and the
// elements the population allows.
func TestPropertyInvariants(t *testing.T) {
	e, g := engine(t), newGen(t, 4)
	for range propertyCases {
		in := g.input()
		r := mustAssess(t, e, in)
		checkResult(t, r)
		if in.AcuteDanger != (r.Advice[0].ID == "call_112") || slices.ContainsFunc(r.Advice[1:], func(a Advice) bool { return a.ID == "call_112" }) {
			t.Fatalf("acute danger %v, advice %v", in.AcuteDanger, adviceIDs(r))
		}
	}
}

// checkResult fails on a result that breaks an invariant.
func checkResult(t testing.TB, r Result) {
	t.Helper()
	if !slices.Contains(Outcomes, r.Outcome) {
		t.Fatalf("outcome %q", r.Outcome)
	}
	if len(r.Explanation) == 0 || r.Disclaimer == "" || r.Ruleset == "" || len(r.Advice) == 0 {
		t.Fatalf("incomplete result %+v", r)
	}
	outcomes, last := 0, -1
	order := RuleIDs()
	for _, x := range r.Explanation {
		i := slices.Index(order, x.Rule)
		if i < 0 {
			t.Fatalf("reason %q is no rule", x.Rule)
		}
		if !strings.HasPrefix(x.Rule, "dimension.") { // dimensions come in catalogue order
			if i < last {
				t.Fatalf("reasons out of the order of RuleIDs: %v", ruleIDs(r, ""))
			}
			last = i
		}
		if x.Rule == "" || x.Text == "" {
			t.Fatalf("empty reason %+v", x)
		}
		if len(x.Rule) > 8 && x.Rule[:8] == "outcome." {
			outcomes++
		}
	}
	if outcomes == 0 {
		t.Fatalf("no outcome reason in %v", ruleIDs(r, ""))
	}
	seen := map[string]bool{}
	for _, a := range r.Advice {
		if seen[a.ID] || a.Text == "" {
			t.Fatalf("advice %v repeated or without text", adviceIDs(r))
		}
		seen[a.ID] = true
	}
	if slices.Contains(adviceIDs(r), "register_national") != (r.Outcome == TraffickingLikely) {
		t.Fatalf("register_national is for trafficking_likely only (CONTENT-REVIEW F13): %s with %v", r.Outcome, adviceIDs(r))
	}
	if (r.Population == Child) != (r.Elements.Means == NotRequired) {
		t.Fatalf("population %s with means %s", r.Population, r.Elements.Means)
	}
}

// TestConcurrent: one engine serves many goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	e := engine(t)
	want := mustAssess(t, e, bench20)
	done := make(chan Result)
	for range 8 {
		go func() {
			var r Result
			for range 200 {
				r, _ = e.Assess(bench20, "nl")
			}
			done <- r
		}()
	}
	for range 8 {
		if got := <-done; !reflect.DeepEqual(got, want) {
			t.Error("a concurrent assessment differs")
		}
	}
}
