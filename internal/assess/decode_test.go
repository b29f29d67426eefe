package assess

import (
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func TestDecodeInput(t *testing.T) {
	in, err := DecodeInput(strings.NewReader(`{"age": 16, "minor": true, "forms": ["sexual"], "indicators": ["coercion.violence", "exploitation.excessive_hours"],
		"acts": ["recruit", "transport"], "smuggling": {"borderCrossingFacilitated": true, "paid": true, "consented": false}, "acuteDanger": true, "possiblyMinor": true}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Input{Age: age(16), Minor: true, Forms: []string{"sexual"}, Indicators: []string{"coercion.violence", "exploitation.excessive_hours"},
		Acts: []string{"recruit", "transport"}, Smuggling: &Smuggling{BorderCrossingFacilitated: true, Paid: true}, AcuteDanger: true, PossiblyMinor: true}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("decoded %+v, want %+v", in, want)
	}
	for _, ok := range []string{`{}`, ` { } `, `{"age": null, "forms": null, "smuggling": null, "minor": null}`, "{\"age\":0}\n"} {
		if _, err := DecodeInput(strings.NewReader(ok)); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	in, _ = DecodeInput(strings.NewReader(`{"age": null, "smuggling": {}}`))
	if in.Age != nil || in.Smuggling == nil || *in.Smuggling != (Smuggling{}) {
		t.Errorf("nulls and an empty object: %+v", in)
	}
}

func TestDecodeInputInvalid(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		want       []Problem
	}{
		{"empty", "", []Problem{{BodyField, KeyJSONEmpty, ""}}},
		{"blank", " \n\t", []Problem{{BodyField, KeyJSONEmpty, ""}}},
		{"not utf-8", "{\"forms\": [\"\xff\"]}", []Problem{{BodyField, KeyJSONUTF8, ""}}},
		{"syntax", "{\n  \"age\": 16,\n  \"forms\": [\"sexual\",]\n}", []Problem{{BodyField, KeyJSONSyntax, "line 3, column 22"}}},
		{"cut short", `{"age": 1`, []Problem{{BodyField, KeyJSONSyntax, "line 1, column 10"}}},
		{"trailing object", `{} {}`, []Problem{{BodyField, KeyJSONTrailing, "line 1, column 4"}}},
		{"trailing garbage", "{}\n  x", []Problem{{BodyField, KeyJSONTrailing, "line 2, column 3"}}},
		{"array", `["coercion.violence"]`, []Problem{{BodyField, KeyJSONObject, "array"}}},
		{"null", `null`, []Problem{{BodyField, KeyJSONObject, "null"}}},
		{"number", `12`, []Problem{{BodyField, KeyJSONObject, "number"}}},
		{"too large", `{"indicators": ["` + strings.Repeat("a", MaxInputLen) + `"]}`, []Problem{{BodyField, KeyJSONTooLarge, "more than 65536 bytes"}}},
		{"unknown field", `{"age": 3, "indicator": ["x"]}`, []Problem{{"indicator", KeyFieldUnknown, "indicator"}}},
		{"empty name", `{"": 1, "smuggling": {"": 2}}`, []Problem{{`""`, KeyFieldUnknown, ""}, {`smuggling.""`, KeyFieldUnknown, ""}}},
		{"case matters", `{"Age": 3}`, []Problem{{"Age", KeyFieldUnknown, "Age"}}},
		{"duplicate field", `{"age": 3, "age": 4, "age": 5}`, []Problem{{"age", KeyFieldDuplicate, "age"}}},
		{"age string", `{"age": "16"}`, []Problem{{"age", KeyFieldType, `"16"`}}},
		{"age fraction", `{"age": 16.5}`, []Problem{{"age", KeyFieldType, "16.5"}}},
		{"age exponent", `{"age": 1e1}`, []Problem{{"age", KeyFieldType, "1e1"}}},
		{"age huge", `{"age": 99999999999999999999999}`, []Problem{{"age", KeyAgeInvalid, "99999999999999999999999"}}},
		{"minor string", `{"minor": "yes"}`, []Problem{{"minor", KeyFieldType, `"yes"`}}},
		{"possiblyMinor string", `{"possiblyMinor": "ja"}`, []Problem{{"possiblyMinor", KeyFieldType, `"ja"`}}},
		{"possiblyMinor number", `{"possiblyMinor": 1}`, []Problem{{"possiblyMinor", KeyFieldType, `1`}}},
		{"forms string", `{"forms": "sexual"}`, []Problem{{"forms", KeyFieldType, `"sexual"`}}},
		{"indicator number", `{"indicators": ["coercion.violence", 3, null, {"a":1}]}`, []Problem{
			{"indicators[1]", KeyFieldType, "3"}, {"indicators[2]", KeyFieldType, "null"}, {"indicators[3]", KeyFieldType, `{"a":1}`}}},
		{"list too long", `{"acts": [` + strings.TrimSuffix(strings.Repeat(`"recruit",`, MaxListLen+1), ",") + `]}`, []Problem{{"acts", KeyListTooLong, "257"}}},
		{"smuggling wrong", `{"smuggling": true}`, []Problem{{"smuggling", KeyFieldType, "true"}}},
		{"smuggling members", `{"smuggling": {"paid": 1, "consent": true, "paid": true}}`, []Problem{
			{"smuggling.paid", KeyFieldType, "1"}, {"smuggling.consent", KeyFieldUnknown, "consent"}, {"smuggling.paid", KeyFieldDuplicate, "paid"}}},
		{"all at once", `{"age": "x", "forms": [1], "extra": 1, "acuteDanger": 0}`, []Problem{
			{"age", KeyFieldType, `"x"`}, {"forms[0]", KeyFieldType, "1"}, {"extra", KeyFieldUnknown, "extra"}, {"acuteDanger", KeyFieldType, "0"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeInput(strings.NewReader(tc.json))
			checkInvalid(t, err, tc.want)
		})
	}
	_, err := DecodeInput(strings.NewReader(""))
	if got := ValidationDetails(err); !reflect.DeepEqual(got, []string{"body: no input"}) {
		t.Errorf("ValidationDetails = %q", got)
	}
	_, err = DecodeInput(strings.NewReader("{\"age\": [}"))
	if got := ValidationDetails(err); !reflect.DeepEqual(got, []string{`body: not valid JSON at "line 1, column 10"`}) {
		t.Errorf("ValidationDetails = %q", got)
	}
	_, err = DecodeInput(iotest.ErrReader(iotest.ErrTimeout))
	checkInvalid(t, err, []Problem{{BodyField, KeyJSONUnreadable, "timeout"}})
}

// TestAssessJSON: decoding and value problems are reported together, with
// the indexes of the input.
func TestAssessJSON(t *testing.T) {
	e := engine(t)
	_, err := e.AssessJSON(strings.NewReader(`{"age": 130, "forms": ["sexual", 7, "x"], "indicators": [1, "coercion.magic", "coercion.violence"], "bogus": true}`), "en")
	checkInvalid(t, err, []Problem{
		{"forms[1]", KeyFieldType, "7"},
		{"indicators[0]", KeyFieldType, "1"},
		{"bogus", KeyFieldUnknown, "bogus"},
		{"age", KeyAgeInvalid, "130"},
		{"forms[2]", KeyFormUnknown, "x"},
		{"indicators[1]", KeyIndicatorUnknown, "coercion.magic"},
	})
	_, err = e.AssessJSON(strings.NewReader(`{`), "en")
	checkInvalid(t, err, []Problem{{BodyField, KeyJSONSyntax, "line 1, column 2"}})

	in := `{"age": 15, "forms": ["criminal"], "indicators": ["exploitation.forced_criminal_activity", "exploitation.earnings_taken"]}`
	got, err := e.AssessJSON(strings.NewReader(in), "en")
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := DecodeInput(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := mustAssessLang(t, e, decoded, "en"); !reflect.DeepEqual(got, want) {
		t.Errorf("AssessJSON differs from DecodeInput + Assess:\n%+v\n%+v", got, want)
	}
}

func mustAssessLang(t testing.TB, e *Engine, in Input, lang string) Result {
	t.Helper()
	r, err := e.Assess(in, lang)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
