package assess

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
)

// TestAssessInvalid: every offending value is named, with its field, key and
// value, in one Invalid error.
func TestAssessInvalid(t *testing.T) {
	e, c := engine(t), catalog(t)
	risk := c.RiskFactors[0].ID
	signal := "signal.not.loaded"
	if len(c.FrontlineSignals) > 0 {
		signal = c.FrontlineSignals[0].ID
	} else {
		t.Log("the catalogue has no frontline signals yet")
	}
	long := make([]string, MaxListLen+1)
	for i := range long {
		long[i] = "coercion.violence"
	}
	for _, tc := range []struct {
		name string
		in   Input
		want []Problem
	}{
		{"negative age", Input{Age: age(-1)}, []Problem{{"age", KeyAgeInvalid, "-1"}}},
		{"absurd age", Input{Age: age(121)}, []Problem{{"age", KeyAgeInvalid, "121"}}},
		{"unknown indicator", Input{Indicators: []string{"coercion.violence", "deception.job", "coercion.violence", "coercion.magic"}},
			[]Problem{{"indicators[3]", KeyIndicatorUnknown, "coercion.magic"}}},
		{"empty indicator", Input{Indicators: []string{""}}, []Problem{{"indicators[0]", KeyIndicatorUnknown, ""}}},
		{"case matters", Input{Indicators: []string{"Coercion.Violence"}}, []Problem{{"indicators[0]", KeyIndicatorUnknown, "Coercion.Violence"}}},
		{"risk factor as indicator", Input{Indicators: []string{risk}}, []Problem{{"indicators[0]", KeyIndicatorRiskFactor, risk}}},
		{"frontline signal as indicator", Input{Indicators: []string{signal}}, []Problem{{"indicators[0]", signalKey(c), signal}}},
		{"unknown form", Input{Forms: []string{"sexual", "sexul"}}, []Problem{{"forms[1]", KeyFormUnknown, "sexul"}}},
		{"unknown act", Input{Acts: []string{"recruit", "kidnap"}}, []Problem{{"acts[1]", KeyActUnknown, "kidnap"}}},
		{"list too long", Input{Indicators: long}, []Problem{{"indicators", KeyListTooLong, "257"}}},
		{"long value is clipped", Input{Forms: []string{strings.Repeat("é", 80)}}, []Problem{{"forms[0]", KeyFormUnknown, strings.Repeat("é", 50) + "…"}}},
		{"everything at once", Input{Age: age(200), Forms: []string{"x", "labour", "y"}, Acts: []string{"z"}, Indicators: []string{"a", "coercion.violence", risk}},
			[]Problem{
				{"age", KeyAgeInvalid, "200"},
				{"forms[0]", KeyFormUnknown, "x"},
				{"forms[2]", KeyFormUnknown, "y"},
				{"acts[0]", KeyActUnknown, "z"},
				{"indicators[0]", KeyIndicatorUnknown, "a"},
				{"indicators[2]", KeyIndicatorRiskFactor, risk},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Assess(tc.in, "nl")
			checkInvalid(t, err, tc.want)
		})
	}

	_, err := e.Assess(Input{Indicators: []string{"coercion.violence", "coercion.magic"}, Forms: []string{"sexul"}}, "en")
	got := ValidationDetails(err)
	want := []string{`forms[0]: unknown form of exploitation "sexul"`, `indicators[1]: unknown indicator "coercion.magic"`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ValidationDetails = %q, want %q", got, want)
	}
	if !strings.Contains(err.Error(), `unknown indicator "coercion.magic"`) {
		t.Errorf("Error() = %q does not name the value", err.Error())
	}
	if ValidationDetails(errors.New("other")) != nil && len(ValidationDetails(errors.New("other"))) != 0 {
		t.Error("ValidationDetails of a foreign error")
	}
}

// checkInvalid asserts err is an Invalid errs.Error with the problems want,
// and that its field errors mirror them.
func checkInvalid(t *testing.T, err error, want []Problem) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	e := errs.As(err)
	if e == nil || e.Code != errs.Invalid || e.Key != "error.validation" {
		t.Fatalf("error %v is not an Invalid error.validation", err)
	}
	got := Problems(err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems\n got %q\nwant %q", got, want)
	}
	if len(e.Fields) != len(got) {
		t.Fatalf("%d field errors for %d problems", len(e.Fields), len(got))
	}
	for i, f := range e.Fields {
		if f.Field != got[i].Field || f.Key != got[i].Key {
			t.Errorf("field error %d = %+v, problem %+v", i, f, got[i])
		}
	}
}

// TestNewRefusesBrokenCatalogue: a catalogue the rule cannot run on stops New,
// naming the problem.
func TestNewRefusesBrokenCatalogue(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *content.Catalog)
		want   string
	}{
		{"missing explanation", func(c *content.Catalog) { delete(c.Explanations, "outcome.smuggling") }, `explanation "outcome.smuggling" is missing`},
		{"missing dimension explanation", func(c *content.Catalog) { delete(c.Explanations, "dimension.not_positive") }, `explanation "dimension.not_positive" is missing`},
		{"explanation of no rule", func(c *content.Catalog) { c.Explanations["outcome.bogus"] = content.Text{NL: "x", EN: "x"} }, `"outcome.bogus" belongs to no rule`},
		{"wrong verbs", func(c *content.Catalog) {
			c.Explanations["population.child.age"] = content.Text{NL: "Leeftijd %s", EN: "Age %d"}
		}, `"population.child.age" (nl): verbs "%s", the rule fills in "%d"`},
		{"verb not allowed", func(c *content.Catalog) {
			c.Explanations["population.child.age"] = content.Text{NL: "Leeftijd %v", EN: "Age %d"}
		}, `verb %v is not allowed`},
		{"empty translation", func(c *content.Catalog) { c.Explanations["outcome.smuggling"] = content.Text{NL: "x"} }, `"outcome.smuggling" has no en text`},
		{"missing advice", func(c *content.Catalog) { c.Advice = c.Advice[1:] }, `the rule needs advice "call_112"`},
		{"call_112 not urgent", func(c *content.Catalog) {
			for i := range c.Advice {
				c.Advice[i].Urgent = false
			}
		}, `advice "call_112" must be urgent`},
		{"missing organ removal", func(c *content.Catalog) {
			for i := range c.Indicators {
				if c.Indicators[i].ID == indicatorOrganRemoval {
					c.Indicators = append(c.Indicators[:i], c.Indicators[i+1:]...)
					break
				}
			}
		}, `needs indicator "exploitation.organ_removal"`},
		{"missing form", func(c *content.Catalog) { c.Forms = c.Forms[:1] }, `needs form "criminal"`},
		{"bad strength", func(c *content.Catalog) { c.Indicators[0].Adult = "X" }, `adult strength "X"`},
		{"override of unknown form", func(c *content.Catalog) {
			c.Indicators[0].Overrides = append(c.Indicators[0].Overrides, content.Override{Form: "nope", Population: "adult", Strength: "S"})
		}, `override for unknown form "nope"`},
		{"two overrides", func(c *content.Catalog) {
			c.Indicators[0].Overrides = append(c.Indicators[0].Overrides, content.Override{Form: "labour", Population: "adult", Strength: "S"}, content.Override{Form: "labour", Population: "adult", Strength: "W"})
		}, `two overrides for form "labour"`},
		{"no ruleset", func(c *content.Catalog) { c.Meta.Ruleset = "" }, `meta.ruleset is empty`},
		{"missing NEW_FORMS form", func(c *content.Catalog) {
			c.Forms = slices.DeleteFunc(c.Forms, func(f content.Form) bool { return f.ID == "surrogacy" })
		}, `needs form "surrogacy"`},
		{"missing advice of 2027.1", func(c *content.Catalog) {
			c.Advice = slices.DeleteFunc(c.Advice, func(a content.Advice) bool { return a.ID == "sex_work_check" })
		}, `needs advice "sex_work_check"`},
		{"labour flag on a means indicator", func(c *content.Catalog) {
			c.Indicators[0].Labour = true // deception.job
		}, `indicator "deception.job": flag labour on an indicator that does not evidence the purpose`},
		{"no CRIME set", func(c *content.Catalog) {
			for i := range c.Indicators {
				c.Indicators[i].Crime = false
			}
		}, `no indicator carries the flag crime`},
		{"a text for a retired rule", func(c *content.Catalog) {
			c.Explanations["advice.trafficking"] = content.Text{NL: "x", EN: "x"}
		}, `explanation "advice.trafficking" belongs to a retired rule`},
		{"no purpose dimension", func(c *content.Catalog) {
			for i := range c.Dimensions {
				c.Dimensions[i].Element = content.ElementMeans
			}
		}, `no dimension evidences the purpose`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cloneCatalog(t)
			tc.change(c)
			_, err := New(c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New: %v, want an error with %q", err, tc.want)
			}
		})
	}
	if _, err := New(nil); err == nil {
		t.Error("New(nil) accepted")
	}
}

// signalKey is the key expected for a frontline signal id given as an indicator.
func signalKey(c *content.Catalog) string {
	if len(c.FrontlineSignals) == 0 {
		return KeyIndicatorUnknown
	}
	return KeyIndicatorSignal
}

// TestContextSignalAsIndicator: a context signal given as an indicator is
// named as such (it is never counted), a counted one as a frontline signal.
func TestContextSignalAsIndicator(t *testing.T) {
	c := cloneCatalog(t)
	c.FrontlineSignals = append(c.FrontlineSignals,
		content.FrontlineSignal{ID: "test_context", Context: true, Label: content.Text{NL: "x", EN: "x"}, Help: content.Text{NL: "x", EN: "x"}},
		content.FrontlineSignal{ID: "test_counted", Indicators: []string{"coercion.documents"}, Label: content.Text{NL: "x", EN: "x"}, Help: content.Text{NL: "x", EN: "x"}})
	e, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Assess(Input{Indicators: []string{"test_context", "test_counted"}}, "nl")
	want := []Problem{{"indicators[0]", KeyIndicatorContextSignal, "test_context"}, {"indicators[1]", KeyIndicatorSignal, "test_counted"}}
	if got := Problems(err); !slices.Equal(got, want) {
		t.Errorf("problems %v, want %v", got, want)
	}
}
