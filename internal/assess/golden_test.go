package assess

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenCases are representative inputs; their full results, in Dutch and
// English, are in testdata/golden/NAME.LANG.json (regenerate with
// go test ./internal/assess -run TestGolden -update, and read the diff).
var goldenCases = []struct {
	name, json string
}{
	{"empty", `{}`},
	{"adult_sexual_likely", `{"age": 24, "forms": ["sexual"], "acts": ["recruit", "harbour"],
		"indicators": ["deception.false_relationship", "coercion.forced_tasks_or_clients", "coercion.isolation", "exploitation.earnings_taken", "exploitation.excessive_hours", "exploitation.sexual_services"]}`},
	{"child_criminal_acute", `{"age": 15, "forms": ["criminal"], "acuteDanger": true,
		"indicators": ["exploitation.forced_criminal_activity", "exploitation.earnings_taken", "coercion.threats"]}`},
	{"minor_possible", `{"minor": true, "indicators": ["exploitation.low_or_no_pay"]}`},
	{"adult_labour_possible", `{"age": 35, "forms": ["labour"], "acts": ["recruit", "transport", "harbour"],
		"indicators": ["deception.wages", "exploitation.low_or_no_pay", "exploitation.bad_living_conditions", "vulnerability.dependency"]}`},
	{"strong_means_only", `{"age": 40, "indicators": ["coercion.documents"]}`},
	{"smuggling", `{"age": 28, "acts": ["transport"], "smuggling": {"borderCrossingFacilitated": true, "paid": true, "consented": true}}`},
	{"smuggling_with_indicators", `{"age": 28, "smuggling": {"borderCrossingFacilitated": true, "paid": true, "consented": true},
		"indicators": ["coercion.debt_bondage", "exploitation.wage_manipulation"]}`},
	{"serious_disadvantage", `{"age": 45, "forms": ["labour"], "indicators": ["exploitation.excessive_hours", "exploitation.low_or_no_pay", "exploitation.no_social_protection"]}`},
	{"labour_violation", `{"age": 30, "indicators": ["exploitation.labour_law_violation"]}`},
	{"organ_removal_age_unknown", `{"forms": ["organ_removal"], "indicators": ["exploitation.organ_removal"]}`},
	{"child_sexual_override", `{"age": 16, "forms": ["sexual"], "indicators": ["exploitation.hazardous_work", "exploitation.sexual_services", "recruitment_vulnerability.emotional_dependency"]}`},
	// New in ruleset 2027.1.
	{"adult_sex_work_only", `{"age": 24, "forms": ["sexual"], "indicators": ["exploitation.sexual_services"]}`},
	{"domestic_coercion_means_only", `{"age": 34, "indicators": ["coercion.violence", "coercion.isolation", "coercion.under_strong_influence"]}`},
	{"forced_marriage_adult", `{"age": 22, "forms": ["forced_marriage"], "indicators": ["recruitment_coercion.abduction", "coercion.threats"]}`},
	{"criminal_exploitation_indicated", `{"age": 20, "forms": ["criminal"], "indicators": ["exploitation.forced_criminal_activity"]}`},
	{"possibly_minor_sexual", `{"possiblyMinor": true, "forms": ["sexual"], "indicators": ["exploitation.sexual_services"]}`},
	{"smuggling_travel_debt", `{"age": 30, "smuggling": {"borderCrossingFacilitated": true, "paid": true, "consented": true}, "indicators": ["recruitment_coercion.debt_bondage"]}`},
	{"organ_offer", `{"age": 38, "forms": ["organ_removal"], "indicators": ["recruitment_vulnerability.economic"]}`},
}

func TestGolden(t *testing.T) {
	e := engine(t)
	for _, tc := range goldenCases {
		for _, lang := range []string{"nl", "en"} {
			t.Run(tc.name+"."+lang, func(t *testing.T) {
				r, err := e.AssessJSON(strings.NewReader(tc.json), lang)
				if err != nil {
					t.Fatal(err)
				}
				var in any
				if err := json.Unmarshal([]byte(tc.json), &in); err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				enc := json.NewEncoder(&buf)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				if err := enc.Encode(struct {
					Input  any    `json:"input"`
					Lang   string `json:"lang"`
					Result Result `json:"result"`
				}{in, lang, r}); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", "golden", tc.name+"."+lang+".json")
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if !bytes.Equal(buf.Bytes(), want) {
					t.Errorf("result differs from %s (run with -update and read the diff):\n%s", path, buf.String())
				}
			})
		}
	}
}
