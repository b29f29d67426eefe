package content

import (
	"fmt"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"
)

// t2 makes a text in both languages.
func t2(s string) Text { return Text{NL: s + " (nl)", EN: s + " (en)"} }

// fixture is a small catalogue that passes Validate: every required id and
// one of everything else. Tests break one thing at a time.
func fixture() *Catalog {
	c := &Catalog{
		Meta:  Meta{Version: "1", Ruleset: "1", Disclaimer: t2("disclaimer"), Sources: []Text{t2("source")}},
		Kader: Kader{Note: t2("note")},
		Explanations: map[string]Text{
			"outcome.likely": {NL: "%d van de %s", EN: "%d of the %s"},
		},
	}
	for _, f := range RequiredForms {
		c.Forms = append(c.Forms, Form{ID: f, Label: t2(f), Explanation: t2(f + " explanation")})
	}
	for _, d := range []string{"deception", "recruitment_coercion", "recruitment_vulnerability", "exploitation", "coercion", "vulnerability"} {
		c.Dimensions = append(c.Dimensions, Dimension{ID: d, Element: RequiredDimensions[d], Label: t2(d), Help: t2(d + " help")})
		c.Indicators = append(c.Indicators, Indicator{ID: d + ".x", Adult: Medium, Child: Strong, Label: t2(d + ".x"), Help: t2("help")})
	}
	c.Indicators = append(c.Indicators, Indicator{ID: "exploitation.hazardous", Adult: Medium, Child: Medium,
		Overrides: []Override{{Form: "sexual", Population: Child, Strength: Strong}},
		Label:     t2("hazardous"), Help: t2("help")})
	for _, d := range RequiredDepartments {
		c.Departments = append(c.Departments, Department{ID: d, Label: t2(d)})
	}
	c.RiskFactors = []RiskFactor{{ID: "lvb", Label: t2("lvb"), Help: t2("never a verdict")}}
	c.PartnerTypes = []PartnerType{
		{ID: "politie", Label: t2("politie"), Description: t2("police"), Contact: t2("0900-8844"),
			Checked: "2026-12-04", Sources: []string{"https://www.wegwijzermensenhandel.nl/signaleren-van-mensenhandel/melden-van-mensenhandel"}},
		{ID: "zorgcoordinatie", Label: t2("zorgcoordinatie"), Description: t2("care coordination")},
	}
	c.FrontlineSignals = []FrontlineSignal{{
		ID: "slaapt_op_werkadres", Label: t2("slaapt op het werkadres"), Help: t2("look for mattresses"),
		Forms: []string{"labour"}, Departments: []string{"handhaving"}, Indicators: []string{"exploitation.x"},
	}}
	for _, a := range RequiredAdvice {
		adv := Advice{ID: a, Text: t2(a), Urgent: a == "call_112"}
		if a == "inform_police" {
			adv.Partner = "politie"
		}
		c.Advice = append(c.Advice, adv)
	}
	for n := 1; n <= 5; n++ {
		id := fmt.Sprintf("thema%d", n)
		c.Kader.Themes = append(c.Kader.Themes, Theme{ID: id, Number: n, Label: t2(id), Description: t2(id), Blocks: []BuildingBlock{
			{ID: id + ".p1.basis", Level: Plateau1, Label: t2("basis"), Description: t2("basis")},
			{ID: id + ".p2.verdieping", Level: Plateau2, Label: t2("verdieping"), Description: t2("verdieping")},
		}})
	}
	opt := func(ids ...string) []Option {
		var out []Option
		for _, id := range ids {
			out = append(out, Option{ID: id, Label: t2(id)})
		}
		return out
	}
	c.Casework = Casework{
		ClosingReasons: opt("support_completed"), ShelterTypes: opt("cosm"), SupportDomains: opt("housing"),
		SupportStatuses: opt("to_do"), DossierTypes: opt("registration"), PermitStatuses: opt("none"),
		DocumentTypes: opt("other"), ConsentBases: opt("consent"), ConsentPurposes: opt("care"),
		ShareableFields: opt("name"), ContactKinds: opt("phone"), NonPunishmentForms: []string{"criminal"},
		Reflection:   ReflectionRules{Months: 3, DublinDays: 30, WarnDays: 14},
		Registration: RegistrationRules{ReporterType: "zorgcoordinatie"},
		Documents:    DocumentRules{MaxBytes: 1024, MaxBytesPerCase: 4096, ContentTypes: []string{"application/pdf"}},
	}
	c.IBP = []Commitment{{ID: "clear_policy", Label: t2("policy"), Check: CheckBlock, Block: "thema1.p1.basis"},
		{ID: "signals", Label: t2("signals"), Check: CheckSignals}}
	return c
}

// sectionFiles is where fixtureFS puts each section, as in data/.
var sectionFiles = map[string]string{
	"meta": "data/meta.yaml", "forms": "data/forms.yaml", "dimensions": "data/dimensions.yaml",
	"indicators": "data/indicators.yaml", "departments": "data/departments.yaml",
	"frontlineSignals": "data/signals.yaml", "riskFactors": "data/risk_factors.yaml",
	"advice": "data/advice.yaml", "partnerTypes": "data/partners.yaml", "kader": "data/kader.yaml",
	"explanations": "data/explanations.yaml", "casework": "data/casework.yaml", "ibp": "data/ibp.yaml",
}

// fixtureFS writes each section of c as YAML into its own file.
func fixtureFS(t testing.TB, c *Catalog) fstest.MapFS {
	t.Helper()
	sections := map[string]any{
		"meta": c.Meta, "forms": c.Forms, "dimensions": c.Dimensions, "indicators": c.Indicators,
		"departments": c.Departments, "frontlineSignals": c.FrontlineSignals, "riskFactors": c.RiskFactors,
		"advice": c.Advice, "partnerTypes": c.PartnerTypes, "kader": c.Kader, "explanations": c.Explanations,
		"casework": c.Casework, "ibp": c.IBP,
	}
	fsys := fstest.MapFS{}
	for name, v := range sections {
		b, err := yaml.Marshal(map[string]any{name: v})
		if err != nil {
			t.Fatal(err)
		}
		fsys[sectionFiles[name]] = &fstest.MapFile{Data: b}
	}
	return fsys
}
