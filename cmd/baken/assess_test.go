package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/assess"
)

func TestAssessCommand(t *testing.T) {
	// A child with two strong exploitation indicators: purpose positive, and
	// for a child that is enough (INDICATORS.md rule 1). Acute danger: 112 first.
	input := `{"age": 15, "forms": ["criminal"], "indicators": ["exploitation.forced_criminal_activity", "exploitation.earnings_taken"], "acuteDanger": true}`
	r := cli(t, "", "", input, nil, "assess")
	if r.code != 0 {
		t.Fatalf("assess: %+v", r)
	}
	var res assess.Result
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("output is not a result: %v\n%s", err, r.stdout)
	}
	if res.Outcome != assess.TraffickingLikely || res.Population != assess.Child || res.Elements.Means != assess.NotRequired {
		t.Fatalf("result: %+v", res)
	}
	if len(res.Advice) == 0 || res.Advice[0].ID != "call_112" || !res.Advice[0].Urgent {
		t.Fatalf("advice: %+v", res.Advice)
	}
	var ids []string
	for _, a := range res.Advice {
		ids = append(ids, a.ID)
	}
	for _, want := range []string{"contact_care_coordinator", "inform_police", "register_national", "contact_veilig_thuis", "non_punishment"} {
		if !strings.Contains(strings.Join(ids, ","), want) {
			t.Errorf("advice lacks %s: %v", want, ids)
		}
	}
	if res.Ruleset == "" || res.Disclaimer == "" || len(res.Explanation) == 0 {
		t.Fatalf("result without ruleset, disclaimer or explanation: %+v", res)
	}

	// The same input from a file, in English.
	file := filepath.Join(t.TempDir(), "in.json")
	os.WriteFile(file, []byte(input), 0o600)
	en := cli(t, "", "", "", nil, "assess", "--lang", "en", file)
	var resEN assess.Result
	if en.code != 0 || json.Unmarshal([]byte(en.stdout), &resEN) != nil || resEN.Outcome != res.Outcome || resEN.Disclaimer == res.Disclaimer {
		t.Fatalf("assess --lang en FILE: %+v", en)
	}

	// Invalid input: exit 2, every error on stderr with its value, nothing on stdout.
	bad := cli(t, "", "", `{"age": -3, "forms": ["magic"], "indicators": ["coercion.violence", "x.y"], "colour": "red"}`, nil, "assess", "--lang", "en")
	if bad.code != exitUsage || bad.stdout != "" {
		t.Fatalf("invalid input: %+v", bad)
	}
	for _, want := range []string{"age:", `"-3"`, "forms[0]:", `"magic"`, "indicators[1]:", `"x.y"`, "colour:"} {
		if !strings.Contains(bad.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, bad.stderr)
		}
	}
	if r := cli(t, "", "", "{not json", nil, "assess"); r.code != exitUsage || !strings.Contains(r.stderr, "body") {
		t.Fatalf("malformed JSON: %+v", r)
	}
	if r := cli(t, "", "", "", nil, "assess", filepath.Join(t.TempDir(), "missing.json")); r.code != exitFailure {
		t.Fatalf("missing file: %+v", r)
	}
	if r := cli(t, "", "", "{}", nil, "assess", "--lang", "de"); r.code != exitUsage {
		t.Fatalf("--lang de: %+v", r)
	}
}
