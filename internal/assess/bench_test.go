package assess

import (
	"strings"
	"testing"
)

// bench20 is a realistic heavy input: 20 indicators across all dimensions,
// two forms, a child (overrides apply), acts, acute danger.
var bench20 = Input{
	Age:         age(16),
	Forms:       []string{"sexual", "criminal"},
	Acts:        []string{"recruit", "harbour"},
	AcuteDanger: true,
	Indicators: []string{
		"deception.job", "deception.wages", "deception.false_relationship",
		"recruitment_coercion.threats", "recruitment_coercion.debt_bondage",
		"recruitment_vulnerability.economic", "recruitment_vulnerability.emotional_dependency", "recruitment_vulnerability.personal_situation",
		"exploitation.excessive_hours", "exploitation.low_or_no_pay", "exploitation.hazardous_work", "exploitation.earnings_taken",
		"exploitation.forced_criminal_activity", "exploitation.sexual_services",
		"coercion.isolation", "coercion.forced_tasks_or_clients", "coercion.under_strong_influence", "coercion.shame",
		"vulnerability.dependency", "vulnerability.past_difficulties",
	},
}

// BenchmarkAssess20: one assessment of 20 indicators (target: under 5 µs
// and a few allocations). Run: go test ./internal/assess -run '^$' -bench Assess20 -benchmem
func BenchmarkAssess20(b *testing.B) {
	e := engine(b)
	if len(bench20.Indicators) != 20 {
		b.Fatal("bench20 must hold 20 indicators")
	}
	if _, err := e.Assess(bench20, "nl"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Assess(bench20, "nl"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssessJSON20 is the same input through strict JSON decoding (what
// the API and CLI pay per call).
func BenchmarkAssessJSON20(b *testing.B) {
	e := engine(b)
	body := `{"age": 16, "forms": ["sexual", "criminal"], "acts": ["recruit", "harbour"], "acuteDanger": true, "indicators": ["` +
		strings.Join(bench20.Indicators, `", "`) + `"]}`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.AssessJSON(strings.NewReader(body), "nl"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew: building an engine from the loaded catalogue (once at start-up).
func BenchmarkNew(b *testing.B) {
	c := catalog(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(c); err != nil {
			b.Fatal(err)
		}
	}
}
