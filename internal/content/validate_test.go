package content

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

func TestFixtureIsValid(t *testing.T) {
	c, err := LoadFS(fixtureFS(t, fixture()), "data")
	if err != nil {
		t.Fatalf("the valid fixture does not load: %v", err)
	}
	if _, ok := c.Indicator("exploitation.hazardous"); !ok {
		t.Error("fixture indicator not found after load")
	}
}

// TestValidateReportsEntry breaks the fixture one way at a time and expects
// exactly the listed problems, each naming file, section and entry.
func TestValidateReportsEntry(t *testing.T) {
	sig := func(c *Catalog) *FrontlineSignal { return &c.FrontlineSignals[0] }
	ind := func(c *Catalog, id string) *Indicator {
		for i := range c.Indicators {
			if c.Indicators[i].ID == id {
				return &c.Indicators[i]
			}
		}
		panic(id)
	}
	tests := []struct {
		name   string
		break_ func(c *Catalog)
		want   []string
	}{
		{"missing english", func(c *Catalog) { sig(c).Label.EN = "" },
			[]string{`data/signals.yaml: frontlineSignals[slaapt_op_werkadres]: label.en is empty`}},
		{"missing dutch", func(c *Catalog) { c.Forms[2].Explanation.NL = "  " },
			[]string{`data/forms.yaml: forms[criminal]: explanation.nl is empty`}},
		{"missing text", func(c *Catalog) { c.RiskFactors[0].Help = Text{} },
			[]string{`data/risk_factors.yaml: riskFactors[lvb]: help is missing (nl and en)`}},
		{"dangling indicator", func(c *Catalog) { sig(c).Indicators = []string{"exploitation.bad_living"} },
			[]string{`data/signals.yaml: frontlineSignals[slaapt_op_werkadres]: indicator "exploitation.bad_living" does not exist`}},
		{"signal maps to a risk factor", func(c *Catalog) { sig(c).Indicators = append(sig(c).Indicators, "lvb") },
			[]string{`data/signals.yaml: frontlineSignals[slaapt_op_werkadres]: indicator "lvb" does not exist: it is a risk factor, and risk factors are never counted as indicators`}},
		{"signal without indicators", func(c *Catalog) { sig(c).Indicators = nil },
			[]string{`data/signals.yaml: frontlineSignals[slaapt_op_werkadres]: maps to no indicator (at least one is required, unless it is a context signal: context: true)`}},
		{"context signal with indicators", func(c *Catalog) { sig(c).Context = true },
			[]string{`data/signals.yaml: frontlineSignals[slaapt_op_werkadres]: a context signal is never counted, so it maps to no indicator (remove the indicators or context: true)`}},
		{"context signal without indicators", func(c *Catalog) { sig(c).Context = true; sig(c).Indicators = nil }, nil},
		{"set flags on the wrong dimension", func(c *Catalog) {
			ind := func(id string) *Indicator {
				for i := range c.Indicators {
					if c.Indicators[i].ID == id {
						return &c.Indicators[i]
					}
				}
				panic(id)
			}
			ind("coercion.x").Labour = true          // labour: exploitation only
			ind("exploitation.x").AlsoPurpose = true // alsoPurpose: means only
			ind("exploitation.hazardous").Crime = true
			ind("coercion.x").Crime = true              // fine
			ind("deception.x").AlsoPurpose = true       // fine
			ind("exploitation.hazardous").Labour = true // fine
		}, []string{
			`data/indicators.yaml: indicators[coercion.x]: flag labour is only for indicators of a purpose dimension, and "coercion" evidences the means`,
			`data/indicators.yaml: indicators[exploitation.x]: flag alsoPurpose is only for indicators of a means dimension, and "exploitation" evidences the purpose`,
			`data/indicators.yaml: indicators[exploitation.hazardous]: flag crime is only for indicators of a means dimension, and "exploitation" evidences the purpose`,
		}},
		{"dangling form and department", func(c *Catalog) {
			sig(c).Forms = []string{"labor"}
			sig(c).Departments = []string{"handhaving", "handhaving", "brp"}
		}, []string{
			`data/signals.yaml: frontlineSignals[slaapt_op_werkadres]: form "labor" does not exist`,
			`data/signals.yaml: frontlineSignals[slaapt_op_werkadres]: department "handhaving" is listed twice`,
			`data/signals.yaml: frontlineSignals[slaapt_op_werkadres]: department "brp" does not exist`,
		}},
		{"dangling override form", func(c *Catalog) { ind(c, "exploitation.hazardous").Overrides[0].Form = "sex" },
			[]string{`data/indicators.yaml: indicators[exploitation.hazardous]: override 1: form "sex" does not exist`}},
		{"bad override", func(c *Catalog) {
			o := &ind(c, "exploitation.hazardous").Overrides
			*o = append(*o, Override{Form: "sexual", Population: "kid", Strength: "strong"}, Override{Form: "sexual", Population: Child, Strength: Weak})
		}, []string{
			`data/indicators.yaml: indicators[exploitation.hazardous]: override 2: population "kid" is not adult or child`,
			`data/indicators.yaml: indicators[exploitation.hazardous]: override 2: strength "strong" is not S, M or W`,
			`data/indicators.yaml: indicators[exploitation.hazardous]: override 3: a second override for form "sexual" and population "child"`,
		}},
		{"bad strength", func(c *Catalog) { ind(c, "coercion.x").Adult = "X"; ind(c, "coercion.x").Child = "" },
			[]string{
				`data/indicators.yaml: indicators[coercion.x]: adult strength "X" is not S, M or W`,
				`data/indicators.yaml: indicators[coercion.x]: child strength "" is not S, M or W`,
			}},
		{"indicator of an unknown dimension", func(c *Catalog) { ind(c, "coercion.x").ID = "control.x" },
			[]string{`data/indicators.yaml: indicators[control.x]: dimension "control" does not exist`}},
		{"malformed ids", func(c *Catalog) {
			ind(c, "coercion.x").ID = "coercion.X"
			c.RiskFactors[0].ID = "LVB"
			ind(c, "vulnerability.x").ID = "vulnerability"
		}, []string{
			`data/indicators.yaml: indicators[coercion.X]: id "coercion.X" is not of the form dimension.concept (lowercase letters, digits and underscores, starting with a letter)`,
			`data/indicators.yaml: indicators[vulnerability]: id "vulnerability" is not of the form dimension.concept (lowercase letters, digits and underscores, starting with a letter)`,
			`data/risk_factors.yaml: riskFactors[LVB]: id "LVB" is not lowercase letters, digits and underscores, starting with a letter`,
		}},
		{"ibp check unknown", func(c *Catalog) { c.IBP[1].Check = "vibes" },
			[]string{`data/ibp.yaml: ibp[signals]: check "vibes" is not one of [block policy_officer care_coordinator shelter_in_region signals_recorded]`}},
		{"ibp block unknown", func(c *Catalog) { c.IBP[0].Block = "thema9.p1.nope" },
			[]string{`data/ibp.yaml: ibp[clear_policy]: block "thema9.p1.nope" is not a building block of the kader`}},
		{"casework list empty", func(c *Catalog) { c.Casework.ShelterTypes = nil },
			[]string{`data/casework.yaml: casework[shelterTypes]: the list is empty`}},
		{"casework non-punishment form unknown", func(c *Catalog) { c.Casework.NonPunishmentForms = []string{"nope"} },
			[]string{`data/casework.yaml: casework[nonPunishmentForms]: unknown form "nope"`}},
		{"missing id", func(c *Catalog) {
			c.PartnerTypes = append(c.PartnerTypes, PartnerType{Label: t2("x"), Description: t2("x")})
		},
			[]string{`data/partners.yaml: partnerTypes[#3]: id is missing`}},
		{"duplicate ids", func(c *Catalog) {
			c.FrontlineSignals = append(c.FrontlineSignals, c.FrontlineSignals[0])
			ind(c, "coercion.x").ID = "deception.x"
		}, []string{
			`data/indicators.yaml: indicators[deception.x]: duplicate id "deception.x"`,
			`data/signals.yaml: frontlineSignals[slaapt_op_werkadres]: duplicate id "slaapt_op_werkadres"`,
		}},
		{"forms are fixed", func(c *Catalog) {
			c.Forms[6].ID = "trafficking" // was surrogacy
		}, []string{
			`data/forms.yaml: forms[surrogacy]: required entry "surrogacy" is missing`,
			`data/forms.yaml: forms[trafficking]: unexpected entry "trafficking": the list is fixed (sexual, labour, criminal, organ_removal, forced_marriage, illegal_adoption, surrogacy, other)`,
		}},
		{"dimension element", func(c *Catalog) { c.Dimensions[3].Element = ElementMeans },
			[]string{`data/dimensions.yaml: dimensions[exploitation]: element "means" should be "purpose" (INDICATORS.md)`}},
		{"required advice and departments", func(c *Catalog) {
			c.Advice = c.Advice[1:]                              // call_112
			c.Departments = c.Departments[:len(c.Departments)-1] // oov
		}, []string{
			`data/departments.yaml: departments[oov]: required entry "oov" is missing`,
			`data/advice.yaml: advice[call_112]: required entry "call_112" is missing`,
		}},
		{"advice partner", func(c *Catalog) { c.Advice[3].Partner = "comensha" },
			[]string{`data/advice.yaml: advice[register_national]: partner type "comensha" does not exist`}},
		{"partner contact in one language", func(c *Catalog) {
			c.PartnerTypes[1].Contact = Text{NL: "0800"}
			c.PartnerTypes[1].Checked = "2026-12-04"
			c.PartnerTypes[1].Sources = []string{"https://www.example.nl/contact"}
		}, []string{`data/partners.yaml: partnerTypes[zorgcoordinatie]: contact.en is empty`}},
		{"partner contact unchecked", func(c *Catalog) { c.PartnerTypes[0].Checked = ""; c.PartnerTypes[0].Sources = nil }, []string{
			`data/partners.yaml: partnerTypes[politie]: checked is missing: the date (YYYY-MM-DD) the contact was checked against its sources`,
			`data/partners.yaml: partnerTypes[politie]: sources are missing: the https pages the contact was checked against`,
		}},
		{"partner check date not a date", func(c *Catalog) { c.PartnerTypes[0].Checked = "4-12-2026" },
			[]string{`data/partners.yaml: partnerTypes[politie]: checked "4-12-2026" is not a date of the form YYYY-MM-DD`}},
		{"partner check date impossible", func(c *Catalog) { c.PartnerTypes[0].Checked = "2026-02-30" },
			[]string{`data/partners.yaml: partnerTypes[politie]: checked "2026-02-30" is not a date of the form YYYY-MM-DD`}},
		{"partner check date in the future", func(c *Catalog) { c.PartnerTypes[0].Checked = "2999-01-01" },
			[]string{`data/partners.yaml: partnerTypes[politie]: checked 2999-01-01 is in the future`}},
		{"partner sources not https", func(c *Catalog) {
			c.PartnerTypes[0].Sources = []string{"http://www.politie.nl/", "www.politie.nl", "https://", "https://www.politie.nl/ ",
				"https://u:p@www.politie.nl/", "https://www.politie.nl/a", "https://www.politie.nl/a"}
		}, []string{
			`data/partners.yaml: partnerTypes[politie]: source 1 "http://www.politie.nl/" is not an https URL`,
			`data/partners.yaml: partnerTypes[politie]: source 2 "www.politie.nl" is not an https URL`,
			`data/partners.yaml: partnerTypes[politie]: source 3 "https://" is not an https URL`,
			`data/partners.yaml: partnerTypes[politie]: source 4 "https://www.politie.nl/ " is not an https URL`,
			`data/partners.yaml: partnerTypes[politie]: source 5 "https://u:p@www.politie.nl/" is not an https URL`,
			`data/partners.yaml: partnerTypes[politie]: source "https://www.politie.nl/a" is listed twice`,
		}},
		{"partner without contact: date without sources", func(c *Catalog) { c.PartnerTypes[1].Checked = "2026-12-04" },
			[]string{`data/partners.yaml: partnerTypes[zorgcoordinatie]: sources are missing: the https pages the contact was checked against`}},
		{"partner without contact: sources without date", func(c *Catalog) { c.PartnerTypes[1].Sources = []string{"https://www.comensha.nl/"} },
			[]string{`data/partners.yaml: partnerTypes[zorgcoordinatie]: checked is missing: the date (YYYY-MM-DD) the contact was checked against its sources`}},
		{"partner without contact: checked and dated", func(c *Catalog) {
			c.PartnerTypes[1].Checked = "2026-12-04"
			c.PartnerTypes[1].Sources = []string{"https://www.comensha.nl/"}
		}, nil},
		{"meta", func(c *Catalog) { c.Meta = Meta{Sources: []Text{{NL: "bron"}}} }, []string{
			`data/meta.yaml: meta: version is missing`,
			`data/meta.yaml: meta: ruleset is missing`,
			`data/meta.yaml: meta: disclaimer is missing (nl and en)`,
			`data/meta.yaml: meta: sources[1].en is empty`,
		}},
		{"theme numbers", func(c *Catalog) { c.Kader.Themes[1].Number = 1; c.Kader.Themes[2].Number = 6 }, []string{
			`data/kader.yaml: kader[thema2]: theme number 1 is also theme "thema1"`,
			`data/kader.yaml: kader[thema3]: theme number 6 is not 1 to 5`,
			`data/kader.yaml: kader: theme number 2 is missing (the Kader has five themes, 1 to 5)`,
			`data/kader.yaml: kader: theme number 3 is missing (the Kader has five themes, 1 to 5)`,
		}},
		{"building blocks", func(c *Catalog) {
			b := c.Kader.Themes[0].Blocks
			b[1].Level = "plateau3"
			c.Kader.Themes[1].Blocks[0].ID = "thema2.p2.basis"
		}, []string{
			`data/kader.yaml: kader[thema1.p2.verdieping]: level "plateau3" is not plateau1 or plateau2`,
			`data/kader.yaml: kader[thema1]: theme has no building block at level plateau2`,
			`data/kader.yaml: kader[thema2.p2.basis]: building block id should be thema2.p1.concept (theme, level, lowercase letters, digits and underscores, starting with a letter)`,
		}},
		{"explanation verbs", func(c *Catalog) {
			c.Explanations["outcome.likely"] = Text{NL: "%d van de %s", EN: "%s of the %d"}
			c.Explanations["outcome.reordered"] = Text{NL: "%[2]s: %[1]d", EN: "%d of %s"}
			c.Explanations["Outcome"] = Text{NL: "%", EN: "x"}
		}, []string{
			`data/explanations.yaml: explanations[Outcome]: rule id "Outcome" is not dot-separated lowercase letters, digits and underscores, starting with a letter`,
			`data/explanations.yaml: explanations[Outcome]: nl: "%" ends in a lone %`,
			`data/explanations.yaml: explanations[outcome.likely]: fmt verbs differ: nl has 1:d 2:s, en has 1:s 2:d`,
		}},
		{"empty sections", func(c *Catalog) { c.FrontlineSignals = nil; c.RiskFactors = nil }, []string{
			`data/risk_factors.yaml: riskFactors: section is missing or empty`,
			`data/signals.yaml: frontlineSignals: section is missing or empty`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixture()
			tt.break_(c)
			_, err := LoadFS(fixtureFS(t, c), "data")
			if tt.want == nil {
				if err != nil {
					t.Fatalf("want no problem, got %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want a *ValidationError, got %v", err)
			}
			got := map[string]bool{}
			for _, p := range ve.Problems {
				got[p.Error()] = true
			}
			for _, w := range tt.want {
				if !got[w] {
					t.Errorf("missing problem\n  %s", w)
				}
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error text lacks %q", w)
				}
			}
			if len(ve.Problems) != len(tt.want) {
				t.Errorf("want %d problems, got %d:\n%v", len(tt.want), len(ve.Problems), err)
			}
		})
	}
}

// TestValidateWithoutFiles: Validate on its own names section and entry but
// no file, and a failed Validate leaves no stale index behind.
func TestValidateWithoutFiles(t *testing.T) {
	c := fixture()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.idx == nil {
		t.Fatal("Validate built no index")
	}
	c.FrontlineSignals[0].Indicators = []string{"exploitation.bad_living"}
	err := c.Validate()
	want := `content: 1 problem(s):` + "\n  " + `frontlineSignals[slaapt_op_werkadres]: indicator "exploitation.bad_living" does not exist`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	var p Problem
	if !errors.As(err, &p) || p.Section != "frontlineSignals" || p.Entry != "slaapt_op_werkadres" {
		t.Errorf("errors.As(Problem) = %+v", p)
	}
	if c.idx != nil {
		t.Error("a failed Validate kept the old index")
	}
}

// TestLoadFSFileErrors covers problems that keep files from being read.
func TestLoadFSFileErrors(t *testing.T) {
	valid := func() fstest.MapFS { return fixtureFS(t, fixture()) }
	tests := []struct {
		name string
		fsys func() fstest.MapFS
		want []string
	}{
		{"section in two files", func() fstest.MapFS {
			f := valid()
			f["data/zz_more_signals.yaml"] = &fstest.MapFile{Data: []byte("frontlineSignals: []\nriskFactors: []\n")}
			return f
		}, []string{
			`content data/zz_more_signals.yaml: section "frontlineSignals" is also in data/signals.yaml (a section stands in one file only)`,
			`content data/zz_more_signals.yaml: section "riskFactors" is also in data/risk_factors.yaml (a section stands in one file only)`,
		}},
		{"unknown field", func() fstest.MapFS {
			f := valid()
			f["data/risk_factors.yaml"] = &fstest.MapFile{Data: []byte("riskFactors:\n  - id: lvb\n    lable: {nl: a, en: b}\n")}
			return f
		}, []string{`content data/risk_factors.yaml: yaml: unmarshal errors:`, `field lable not found`}},
		{"unknown section", func() fstest.MapFS {
			f := valid()
			f["data/extra.yaml"] = &fstest.MapFile{Data: []byte("signals: []\n")}
			return f
		}, []string{`content data/extra.yaml:`, `field signals not found`}},
		{"two documents", func() fstest.MapFS {
			f := valid()
			f["data/extra.yaml"] = &fstest.MapFile{Data: []byte("---\n{}\n---\nforms: []\n")}
			return f
		}, []string{`content data/extra.yaml: more than one YAML document`}},
		{"syntax error and a second bad file", func() fstest.MapFS {
			f := valid()
			f["data/a.yaml"] = &fstest.MapFile{Data: []byte("forms: [\n")}
			f["data/b.yaml"] = &fstest.MapFile{Data: []byte("- just\n- a list\n")}
			return f
		}, []string{`content data/a.yaml: yaml:`, `content data/b.yaml: yaml:`}},
		{"no files", func() fstest.MapFS { return fstest.MapFS{"data/readme.txt": {}} },
			[]string{`content: no data files in data`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFS(tt.fsys(), "data")
			if err == nil {
				t.Fatal("loaded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestLoadFSEmptyFileIsFine(t *testing.T) {
	f := fixtureFS(t, fixture())
	f["data/empty.yaml"] = &fstest.MapFile{Data: []byte("# nothing yet\n")}
	if _, err := LoadFS(f, "data"); err != nil {
		t.Fatal(err)
	}
}

func TestFmtArgs(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"no verbs, 100%% sure", "", false},
		{"%d of %s", "1:d 2:s", false},
		{"%[2]s: %[1]d", "1:d 2:s", false},
		{"%-5.2f and %+q", "1:f 2:q", false},
		{"%*d", "1:* 2:d", false},
		{"%.*f", "1:* 2:f", false},
		{"%[1]d %d", "1:d 2:d", false},
		{"100%", "", true},
		{"%[x]d", "", true},
		{"%[1", "", true},
		{"%5", "", true},
		{"%!", "", true},
	}
	for _, tt := range tests {
		got, err := fmtArgs(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("fmtArgs(%q) error = %v", tt.in, err)
			continue
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("fmtArgs(%q) = %q, want %q", tt.in, strings.Join(got, " "), tt.want)
		}
	}
}
