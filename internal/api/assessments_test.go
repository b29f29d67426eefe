package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/api"
	"github.com/baken-nl/baken/internal/assess"
)

// adviceIDs returns the ids of a result's advice, in order.
func adviceIDs(r assess.Result) []string {
	var out []string
	for _, a := range r.Advice {
		out = append(out, a.ID)
	}
	return out
}

// TestAssessments: the expectations are worked out by hand from ruleset
// 2027.1 (INDICATORS-2027.1.md, not copied from the engine), so a wrong
// engine fails here.
func TestAssessments(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		const path = "/api/v1/assessments"
		logs := e.count("processing_log")

		for _, tc := range []struct {
			name     string
			body     string
			outcome  assess.Outcome
			pop      assess.Population
			elements assess.Elements
			advice   []string
		}{{
			// Adult, labour: exploitation S (excessive hours) + M (low pay) is
			// positive; coercion.documents (S) and deception.wages (M) make the
			// means indicated but no means dimension positive ⇒ rank 2 (means
			// and purpose indicated). Forms exactly {labour} ⇒ no police (the
			// Labour Authority investigates) and no registration (likely
			// only); labour is a non-punishment form; the labour context ⇒
			// the Labour Authority and FairWork.
			name: "adult labour",
			body: `{"age": 34, "forms": ["labour"], "indicators": ["deception.wages", "exploitation.excessive_hours",
				"exploitation.low_or_no_pay", "coercion.documents"], "acts": ["recruit", "harbour"]}`,
			outcome: assess.TraffickingPossible, pop: assess.Adult,
			elements: assess.Elements{Act: assess.Reported, Means: assess.Indicated, Purpose: assess.Positive},
			advice:   []string{"contact_care_coordinator", "non_punishment", "contact_labour_inspectorate", "refer_fairwork"},
		}, {
			// A 15-year-old, sexual: sexual_services is S for a child, and
			// hazardous_work (M) is raised to S for a child under the form
			// sexual: two strong ⇒ exploitation positive; child and purpose
			// positive ⇒ rule 1 without any means. Acute danger puts call_112
			// first; a child adds Veilig Thuis; form sexual, non-punishment.
			name:    "child sexual, acute danger",
			body:    `{"age": 15, "forms": ["sexual"], "indicators": ["exploitation.sexual_services", "exploitation.hazardous_work"], "acuteDanger": true}`,
			outcome: assess.TraffickingLikely, pop: assess.Child,
			elements: assess.Elements{Act: assess.Absent, Means: assess.NotRequired, Purpose: assess.Positive},
			advice:   []string{"call_112", "contact_care_coordinator", "inform_police", "register_national", "contact_veilig_thuis", "non_punishment"},
		}, {
			// The same observations for an adult: sexual_services W,
			// hazardous_work M (the override is for children) ⇒ exploitation
			// indicated (hazardous_work is outside WEAK_ADULT), not positive;
			// no means; form sexual ⇒ no labour context ⇒ rank 7,
			// exploitation indicated: consult the care coordinator, and the
			// sex-work check.
			name:    "adult, same observations",
			body:    `{"age": 34, "forms": ["sexual"], "indicators": ["exploitation.sexual_services", "exploitation.hazardous_work"]}`,
			outcome: assess.ExploitationIndicated, pop: assess.Adult,
			elements: assess.Elements{Act: assess.Absent, Means: assess.Absent, Purpose: assess.Indicated},
			advice:   []string{"contact_care_coordinator", "sex_work_check"},
		}, {
			// A minor without age, one strong exploitation indicator: one strong
			// alone does not make a dimension positive, so purpose is only
			// indicated ⇒ rank 2 (child and purpose indicated), no
			// registration. Criminal form and forced criminal activity ⇒
			// non-punishment.
			name:    "minor, one strong indicator",
			body:    `{"minor": true, "forms": ["criminal"], "indicators": ["exploitation.forced_criminal_activity"]}`,
			outcome: assess.TraffickingPossible, pop: assess.Child,
			elements: assess.Elements{Act: assess.Absent, Means: assess.NotRequired, Purpose: assess.Indicated},
			advice:   []string{"contact_care_coordinator", "inform_police", "contact_veilig_thuis", "non_punishment"},
		}, {
			// Facilitated, paid for and consented to, no indicator ⇒ smuggling:
			// support for the person, not the police.
			name:    "smuggling",
			body:    `{"age": 28, "smuggling": {"borderCrossingFacilitated": true, "paid": true, "consented": true}, "acts": ["transport"]}`,
			outcome: assess.Smuggled, pop: assess.Adult,
			elements: assess.Elements{Act: assess.Reported, Means: assess.Absent, Purpose: assess.Absent},
			advice:   []string{"smuggling_support", "stay_alert"},
		}, {
			// Nothing observed; null counts as absent.
			name:    "nothing",
			body:    `{"age": 40, "indicators": null, "smuggling": null}`,
			outcome: assess.NoIndication, pop: assess.Adult,
			elements: assess.Elements{Act: assess.Absent, Means: assess.Absent, Purpose: assess.Absent},
			advice:   []string{"consult_care_coordinator"},
		}} {
			t.Run(tc.name, func(t *testing.T) {
				a := e.do(t, "POST", path, tc.body, e.as("signaleerderA")).want(t, http.StatusOK)
				var r assess.Result
				a.decode(t, &r)
				if r.Outcome != tc.outcome || r.Population != tc.pop || r.Elements != tc.elements {
					t.Errorf("outcome %s population %s elements %+v, want %s %s %+v", r.Outcome, r.Population, r.Elements, tc.outcome, tc.pop, tc.elements)
				}
				if got := adviceIDs(r); !slices.Equal(got, tc.advice) {
					t.Errorf("advice %v, want %v", got, tc.advice)
				}
				if len(r.Dimensions) != 6 || len(r.Explanation) == 0 || r.Ruleset != e.a.Content.Meta.Ruleset || r.Disclaimer != e.a.Content.Meta.Disclaimer.NL {
					t.Errorf("dimensions %d, explanation %d, ruleset %q, disclaimer %q", len(r.Dimensions), len(r.Explanation), r.Ruleset, r.Disclaimer)
				}
				if a.header.Get("Content-Language") != "nl" {
					t.Errorf("Content-Language %q", a.header.Get("Content-Language"))
				}
				// The API answers what the engine answers.
				direct, err := e.a.Engine.AssessJSON(strings.NewReader(tc.body), "nl")
				if err != nil {
					t.Fatal(err)
				}
				want, _ := json.Marshal(direct)
				if got, _ := json.Marshal(r); string(got) != string(want) {
					t.Errorf("API result differs from the engine's:\n%s\n%s", got, want)
				}
			})
		}

		// Every role may weigh signals.
		for _, who := range []string{"admin", "fg", "zorgNoord", "partner", "beleidA"} {
			e.do(t, "POST", path, `{}`, e.as(who)).want(t, http.StatusOK)
		}

		// Nothing is stored, nothing is logged.
		if n := e.count("processing_log"); n != logs {
			t.Errorf("processing log grew from %d to %d records", logs, n)
		}
	})
}

func TestAssessmentLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		body := `{"minor": true, "forms": ["criminal"], "indicators": ["exploitation.forced_criminal_activity"], "acuteDanger": true}`
		var nl, en assess.Result
		a := e.do(t, "POST", "/api/v1/assessments", body, e.as("signaleerderA")).want(t, 200)
		a.decode(t, &nl)
		b := e.do(t, "POST", "/api/v1/assessments", body, e.as("signaleerderA"), header("Accept-Language", "en-GB,en;q=0.9")).want(t, 200)
		b.decode(t, &en)
		if a.header.Get("Content-Language") != "nl" || b.header.Get("Content-Language") != "en" {
			t.Errorf("Content-Language %q and %q", a.header.Get("Content-Language"), b.header.Get("Content-Language"))
		}
		c := e.a.Content
		if nl.Disclaimer != c.Meta.Disclaimer.NL || en.Disclaimer != c.Meta.Disclaimer.EN {
			t.Errorf("disclaimers %q / %q", nl.Disclaimer, en.Disclaimer)
		}
		call, _ := c.AdviceByID("call_112")
		if nl.Advice[0].ID != "call_112" || !nl.Advice[0].Urgent || nl.Advice[0].Text != call.Text.NL || en.Advice[0].Text != call.Text.EN {
			t.Errorf("first advice %+v / %+v", nl.Advice[0], en.Advice[0])
		}
		// Same ids and rules, other words.
		if !slices.Equal(adviceIDs(nl), adviceIDs(en)) || nl.Outcome != en.Outcome || len(nl.Explanation) != len(en.Explanation) {
			t.Fatalf("the language changed the result: %+v\n%+v", nl, en)
		}
		for i := range nl.Explanation {
			if nl.Explanation[i].Rule != en.Explanation[i].Rule || nl.Explanation[i].Text == en.Explanation[i].Text {
				t.Errorf("reason %d: %+v / %+v", i, nl.Explanation[i], en.Explanation[i])
			}
		}
	})
}

// TestAssessmentInvalid: every problem of a body at once, each named by its
// field, with the value given in the reason, in the request's language.
func TestAssessmentInvalid(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		const path = "/api/v1/assessments"
		c := e.a.Content
		risk, signal := c.RiskFactors[0].ID, c.FrontlineSignals[0].ID
		body := `{"age": 300, "forms": ["labor"], "indicators": ["coercion.violence", "coercion.magic", 7, "` + risk + `", "` + signal + `"],
			"acts": ["kidnap"], "smuggling": {"paid": "yes"}, "colour": "red"}`
		p := e.do(t, "POST", path, body, e.as("signaleerderA"), header("Accept-Language", "en")).wantProblem(t, 400, "invalid")
		want := []string{"acts[0]:assess.act.unknown", "age:assess.age.invalid", "colour:assess.field.unknown", "forms[0]:assess.form.unknown",
			"indicators[1]:assess.indicator.unknown", "indicators[2]:assess.field.type", "indicators[3]:assess.indicator.risk_factor",
			"indicators[4]:assess.indicator.signal", "smuggling.paid:assess.field.type"}
		if got := p.params(); !slices.Equal(got, want) {
			t.Errorf("params\n%v, want\n%v", got, want)
		}
		reasons := map[string]string{}
		for _, ip := range p.InvalidParams {
			reasons[ip.Name] = ip.Reason
		}
		for name, want := range map[string]string{
			"age":            "Enter an age from 0 to 120 years. Given: 300.",
			"forms[0]":       `This form of exploitation does not exist. Given: "labor".`,
			"indicators[1]":  `This indicator does not exist. Given: "coercion.magic".`,
			"indicators[2]":  `This value has the wrong type. Given: 7.`,
			"smuggling.paid": `This value has the wrong type. Given: "yes".`,
			"acts[0]":        `Given: "kidnap".`,
			"colour":         `This field does not exist. Given: "colour".`,
			"indicators[3]":  `Given: "` + risk + `".`,
		} {
			if !strings.HasSuffix(reasons[name], want) {
				t.Errorf("%s: reason %q, want it to end in %q", name, reasons[name], want)
			}
		}
		nl := e.do(t, "POST", path, body, e.as("signaleerderA")).wantProblem(t, 400, "invalid")
		for _, ip := range nl.InvalidParams {
			if ip.Name == "indicators[1]" && ip.Reason != `Deze indicator bestaat niet. Opgegeven: "coercion.magic".` {
				t.Errorf("Dutch reason %q", ip.Reason)
			}
		}
		// A list over the engine's limit names its length.
		long := `{"indicators": [` + strings.Repeat(`"coercion.violence",`, 300) + `"coercion.violence"]}`
		p = e.do(t, "POST", path, long, e.as("signaleerderA"), header("Accept-Language", "en")).wantProblem(t, 400, "invalid")
		if len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != "indicators" || !strings.HasSuffix(p.InvalidParams[0].Reason, "Given: 301 values.") {
			t.Errorf("long list: %+v", p.InvalidParams)
		}

		// Problems of the body as a whole: the API's usual messages.
		p = e.do(t, "POST", path, "{\"age\": 3,\n \"minor\": }", e.as("signaleerderA"), header("Accept-Language", "en")).wantProblem(t, 400, "invalid")
		if p.Detail != "The body is not valid JSON (line 2, column 11)." || len(p.InvalidParams) != 0 {
			t.Errorf("syntax: %+v", p)
		}
		for body, key := range map[string]string{"": "api.body.empty", "[]": "api.body.object", "{}{}": "api.body.trailing", "{\"age\":\"\xff\"}": "api.body.utf8"} {
			p := e.do(t, "POST", path, body, e.as("signaleerderA")).wantProblem(t, 400, "invalid")
			if p.Detail != e.a.I18n.T("nl", key) {
				t.Errorf("%q: detail %q", body, p.Detail)
			}
		}
	})
}

// TestAssessmentRequests: authentication first, then the media type, then
// the size: the engine's 64 KiB, below the API's 256 KiB and the server's cap.
func TestAssessmentRequests(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		const path = "/api/v1/assessments"
		valid := `{"age": 20}`
		a := e.do(t, "POST", path, valid)
		a.wantProblem(t, http.StatusUnauthorized, "unauthenticated")
		if a.header.Get("WWW-Authenticate") != `Bearer realm="baken"` {
			t.Errorf("WWW-Authenticate %q", a.header.Get("WWW-Authenticate"))
		}
		e.do(t, "POST", path, valid, header("Authorization", "Bearer bkn_"+strings.Repeat("a", 52))).wantProblem(t, 401, "unauthenticated")
		for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1"} {
			e.do(t, "POST", path, valid, e.as("signaleerderA"), header("Content-Type", ct)).wantProblem(t, http.StatusUnsupportedMediaType, "unsupported_media_type")
		}
		for _, size := range []int{assess.MaxInputLen, 300 << 10, 2 << 20} {
			big := `{"indicators": ["` + strings.Repeat("x", size) + `"]}`
			e.do(t, "POST", path, big, e.as("signaleerderA")).wantProblem(t, http.StatusRequestEntityTooLarge, "too_large")
		}
		// Just under the limit is read (and refused for its content).
		pad := `{"indicators": ["` + strings.Repeat("x", assess.MaxInputLen-40) + `"]}`
		e.do(t, "POST", path, pad, e.as("signaleerderA")).wantProblem(t, http.StatusBadRequest, "invalid")
		e.do(t, "GET", path, nil, e.as("signaleerderA")).wantProblem(t, http.StatusMethodNotAllowed, "method_not_allowed")
		e.do(t, "POST", path, valid, e.as("signaleerderA"), header("Content-Type", "application/json; charset=utf-8")).want(t, http.StatusOK)
	})
}

// TestAssessmentSchema: the enums of openapi.json are the catalogue's and
// the engine's lists, so the document cannot drift from the contract.
func TestAssessmentSchema(t *testing.T) {
	e := newEnv(t, "sqlite")
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Enum []string `json:"enum"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(api.OpenAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	c := e.a.Content
	ids := func(n int, id func(int) string) []string {
		out := make([]string, n)
		for i := range n {
			out[i] = id(i)
		}
		return out
	}
	var outcomes []string
	for _, o := range assess.Outcomes {
		outcomes = append(outcomes, string(o))
	}
	for schema, want := range map[string][]string{
		"FormId":      ids(len(c.Forms), func(i int) string { return c.Forms[i].ID }),
		"IndicatorId": ids(len(c.Indicators), func(i int) string { return c.Indicators[i].ID }),
		"DimensionId": ids(len(c.Dimensions), func(i int) string { return c.Dimensions[i].ID }),
		"AdviceId":    assess.AdviceOrder(),
		"RuleId":      slices.Concat(assess.RuleIDs(), assess.RetiredRuleIDs), // retired ids: in assessments stored under 2026.1
		"Act":         assess.Acts,
		"Outcome":     outcomes,
		"Population":  {string(assess.Adult), string(assess.Child)},
	} {
		// The order of an enum means nothing; its members are the contract.
		got := slices.Sorted(slices.Values(doc.Components.Schemas[schema].Enum))
		if want := slices.Sorted(slices.Values(want)); !slices.Equal(got, want) {
			t.Errorf("openapi.json %s enum\n%v, want\n%v", schema, got, want)
		}
	}
}

// TestAssessmentExample: the example answer in openapi.json is what the
// engine answers to the example input (texts aside: they may be reworded).
func TestAssessmentExample(t *testing.T) {
	e := newEnv(t, "sqlite")
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	var op struct {
		RequestBody struct {
			Content map[string]struct {
				Examples map[string]struct {
					Value json.RawMessage `json:"value"`
				} `json:"examples"`
			} `json:"content"`
		} `json:"requestBody"`
		Responses map[string]struct {
			Content map[string]struct {
				Examples map[string]struct {
					Value assess.Result `json:"value"`
				} `json:"examples"`
			} `json:"content"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(api.OpenAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(doc.Paths["/assessments"]["post"], &op); err != nil {
		t.Fatal(err)
	}
	in := op.RequestBody.Content["application/json"].Examples["adultLabour"].Value
	want := op.Responses["200"].Content["application/json"].Examples["adultLabour"].Value
	if len(in) == 0 || want.Outcome == "" {
		t.Fatal("openapi.json has no adultLabour example")
	}
	got, err := e.a.Engine.AssessJSON(strings.NewReader(string(in)), "en")
	if err != nil {
		t.Fatal(err)
	}
	shape := func(r assess.Result) string {
		var rules []string
		for _, x := range r.Explanation {
			rules = append(rules, x.Rule)
		}
		b, _ := json.Marshal([]any{r.Outcome, r.Population, r.Elements, r.Dimensions, adviceIDs(r), rules, r.Ruleset})
		return string(b)
	}
	if shape(got) != shape(want) {
		t.Errorf("the example answer in openapi.json is not the engine's:\n%s\nengine:\n%s", shape(want), shape(got))
	}
}
