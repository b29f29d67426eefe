package assess

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/i18n"
)

// indicatorsMD is the source of ruleset 2027.1, in the shared folder beside
// the repository (skipped where it is not). INDICATORS.md beside it describes
// ruleset 2026.1, which older stored assessments were made with.
var indicatorsMD = filepath.Join("..", "..", "..", "shared", "domain", "INDICATORS-2027.1.md")

type mdIndicator struct {
	id, adult, child string
	overrides        []content.Override
}

var (
	mdIndicatorRow = regexp.MustCompile(`^\|\s*([a-z_]+\.[a-z_]+)\s*\|\s*([SMW])/([SMW])\s*\|(.*)\|\s*$`)
	mdDimensionRow = regexp.MustCompile("^\\|\\s*`([a-z_]+)`\\s*\\|\\s*(means|purpose)\\s*\\|")
	mdOverride     = regexp.MustCompile(`([a-z_]+):\s*(adult|child)\s+([SMW])\b`)
)

// parseIndicatorsMD reads the indicator and dimension tables of INDICATORS.md.
func parseIndicatorsMD(t *testing.T) (inds []mdIndicator, dims [][2]string) {
	f, err := os.Open(indicatorsMD)
	if os.IsNotExist(err) {
		t.Skipf("%s not found", indicatorsMD)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if m := mdIndicatorRow.FindStringSubmatch(line); m != nil {
			ind := mdIndicator{id: m[1], adult: m[2], child: m[3]}
			note := regexp.MustCompile(`\([^)]*\)`).ReplaceAllString(m[4], "") // remarks in brackets
			for _, o := range mdOverride.FindAllStringSubmatch(note, -1) {
				ind.overrides = append(ind.overrides, content.Override{Form: o[1], Population: o[2], Strength: content.Strength(o[3])})
			}
			inds = append(inds, ind)
		}
		if m := mdDimensionRow.FindStringSubmatch(line); m != nil {
			dims = append(dims, [2]string{m[1], m[2]})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(inds) < 60 || len(dims) != 6 {
		t.Fatalf("parsed %d indicators and %d dimensions from %s: the table format changed?", len(inds), len(dims), indicatorsMD)
	}
	return inds, dims
}

// TestCatalogueMatchesIndicatorsMD: indicators.yaml holds exactly the ids,
// strengths and overrides of INDICATORS.md, in its order; dimensions.yaml its
// dimensions and elements.
func TestCatalogueMatchesIndicatorsMD(t *testing.T) {
	inds, dims := parseIndicatorsMD(t)
	c := catalog(t)
	var mdIDs, ymlIDs []string
	for _, i := range inds {
		mdIDs = append(mdIDs, i.id)
	}
	for _, i := range c.Indicators {
		ymlIDs = append(ymlIDs, i.ID)
	}
	if !slices.Equal(mdIDs, ymlIDs) {
		for _, id := range mdIDs {
			if !slices.Contains(ymlIDs, id) {
				t.Errorf("indicator %s of INDICATORS.md is missing from indicators.yaml", id)
			}
		}
		for _, id := range ymlIDs {
			if !slices.Contains(mdIDs, id) {
				t.Errorf("indicator %s of indicators.yaml is not in INDICATORS.md", id)
			}
		}
		if !t.Failed() {
			t.Errorf("indicators.yaml lists the ids in another order than INDICATORS.md")
		}
	}
	overrides := 0
	for _, want := range inds {
		got, ok := c.Indicator(want.id)
		if !ok {
			continue
		}
		if string(got.Adult) != want.adult || string(got.Child) != want.child {
			t.Errorf("%s: strength %s/%s, INDICATORS.md says %s/%s", want.id, got.Adult, got.Child, want.adult, want.child)
		}
		if !reflect.DeepEqual(slices.Clone(got.Overrides), want.overrides) && (len(got.Overrides) != 0 || len(want.overrides) != 0) {
			t.Errorf("%s: overrides %+v, INDICATORS.md says %+v", want.id, got.Overrides, want.overrides)
		}
		overrides += len(want.overrides)
	}
	if overrides != 2 {
		t.Errorf("parsed %d overrides from INDICATORS.md, want 2 (hazardous_work, forced_tasks_or_clients)", overrides)
	}
	var gotDims [][2]string
	for _, d := range c.Dimensions {
		gotDims = append(gotDims, [2]string{d.ID, d.Element})
	}
	if !reflect.DeepEqual(gotDims, dims) {
		t.Errorf("dimensions %v, INDICATORS.md says %v", gotDims, dims)
	}
}

// TestCatalogueTexts: every indicator and dimension has a label and help in
// both languages, every rule an explanation, and every advice id of the rule
// is in the catalogue.
func TestCatalogueTexts(t *testing.T) {
	c := catalog(t)
	empty := func(x content.Text) bool { return strings.TrimSpace(x.NL) == "" || strings.TrimSpace(x.EN) == "" }
	for _, i := range c.Indicators {
		if empty(i.Label) || empty(i.Help) {
			t.Errorf("indicator %s lacks a label or help text in a language", i.ID)
		}
	}
	for _, d := range c.Dimensions {
		if empty(d.Label) || empty(d.Help) {
			t.Errorf("dimension %s lacks a label or help text in a language", d.ID)
		}
	}
	if empty(c.Meta.Disclaimer) || c.Meta.Ruleset == "" || len(c.Meta.Sources) == 0 {
		t.Error("meta lacks a disclaimer, ruleset or sources")
	}
	var keys []string
	for k := range c.Explanations {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := RuleIDs()
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Errorf("explanations.yaml keys\n%v\nthe engine's rules\n%v", keys, want)
	}
	for _, id := range AdviceOrder() {
		if _, ok := c.AdviceByID(id); !ok {
			t.Errorf("advice %s is not in the catalogue", id)
		}
	}
	if !slices.Equal(AdviceOrder(), content.RequiredAdvice) {
		t.Errorf("the engine's advice order %v, the catalogue's required advice %v", AdviceOrder(), content.RequiredAdvice)
	}
	for _, id := range RetiredRuleIDs {
		if slices.Contains(RuleIDs(), id) {
			t.Errorf("rule id %s is retired and may not be used again", id)
		}
		if _, ok := c.Explanations[id]; ok {
			t.Errorf("explanations.yaml holds a text for the retired rule %s", id)
		}
	}
}

// TestI18nKeys: every problem key has a message in assess.nl.json and
// assess.en.json, those files hold nothing else, and the bundle loads (no key
// in two files).
func TestI18nKeys(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Langs {
		data, err := os.ReadFile(filepath.Join("..", "i18n", "catalog", "assess."+lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		for key := range details {
			if !b.Has(lang, key) || m[key] == "" {
				t.Errorf("%s: no message for %s in assess.%s.json", lang, key, lang)
			}
			if strings.Contains(m[key], "%") {
				t.Errorf("%s: %s has a verb; the edges show the value beside the message", lang, key)
			}
		}
		for key := range m {
			if details[key] == "" {
				t.Errorf("assess.%s.json: %s is not a problem key of the engine", lang, key)
			}
		}
	}
}
