package assess

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/baken-nl/baken/internal/content"
)

var (
	loadOnce sync.Once
	loaded   *content.Catalog
	loadErr  error
)

// catalog returns the embedded catalogue (loaded once; tests must not change
// it: use cloneCatalog).
func catalog(t testing.TB) *content.Catalog {
	t.Helper()
	loadOnce.Do(func() { loaded, loadErr = content.Load() })
	if loadErr != nil {
		t.Fatalf("content.Load: %v", loadErr)
	}
	return loaded
}

var (
	engineOnce sync.Once
	theEngine  *Engine
	engineErr  error
)

// engine returns an engine on the embedded catalogue.
func engine(t testing.TB) *Engine {
	t.Helper()
	c := catalog(t)
	engineOnce.Do(func() { theEngine, engineErr = New(c) })
	if engineErr != nil {
		t.Fatalf("New: %v", engineErr)
	}
	return theEngine
}

// cloneCatalog returns a copy of the catalogue deep enough to change its
// slices and maps in a test.
func cloneCatalog(t testing.TB) *content.Catalog {
	c := *catalog(t)
	c.Forms = slices.Clone(c.Forms)
	c.Dimensions = slices.Clone(c.Dimensions)
	c.Indicators = slices.Clone(c.Indicators)
	for i := range c.Indicators {
		c.Indicators[i].Overrides = slices.Clone(c.Indicators[i].Overrides)
	}
	c.Advice = slices.Clone(c.Advice)
	c.RiskFactors = slices.Clone(c.RiskFactors)
	c.FrontlineSignals = slices.Clone(c.FrontlineSignals)
	c.Explanations = make(map[string]content.Text, len(catalog(t).Explanations))
	for k, v := range catalog(t).Explanations {
		c.Explanations[k] = v
	}
	return &c
}

func age(n int) *int { return &n }

// mustAssess assesses in (in Dutch) and fails the test on an error.
func mustAssess(t testing.TB, e *Engine, in Input) Result {
	t.Helper()
	r, err := e.Assess(in, "nl")
	if err != nil {
		t.Fatalf("Assess(%+v): %v", in, err)
	}
	return r
}

// ruleIDs returns the rule ids of r's explanation that start with prefix.
func ruleIDs(r Result, prefix string) []string {
	var out []string
	for _, x := range r.Explanation {
		if strings.HasPrefix(x.Rule, prefix) {
			out = append(out, x.Rule)
		}
	}
	return out
}

func adviceIDs(r Result) []string {
	out := make([]string, len(r.Advice))
	for i, a := range r.Advice {
		out[i] = a.ID
	}
	return out
}

func dim(r Result, id string) DimensionResult {
	for _, d := range r.Dimensions {
		if d.ID == id {
			return d
		}
	}
	return DimensionResult{}
}

// rank is an outcome's place on the ladder (0 = trafficking_likely).
func rank(o Outcome) int { return slices.Index(Outcomes, o) }

// trafficking reports whether o is outcome 1 or 2.
func trafficking(o Outcome) bool { return o == TraffickingLikely || o == TraffickingPossible }
