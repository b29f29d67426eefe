package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// decodeCases run through decodeJSON into the real body of PUT /users/{id}
// (an embedded struct, a pointer, a slice of a named string type).
var decodeCases = []struct {
	name, in string
	key      string   // problem key of a whole-body error
	args     []any    // its arguments (line, column)
	fields   []string // "field:key" of every field error, in order
	want     *userUpdateJSON
}{
	{name: "ok", in: `{"email":"a@b.nl","name":"A","roles":["beheerder"],"disabled":true,"version":3}`,
		want: &userUpdateJSON{UserInput: org.UserInput{Email: "a@b.nl", Name: "A", Roles: []policy.Role{"beheerder"}, Disabled: true}, Version: ptr(3)}},
	{name: "null leaves zero", in: `{"version":null,"roles":null,"name":null}`, want: &userUpdateJSON{}},
	{name: "whitespace around", in: " \n\t{ }\r\n ", want: &userUpdateJSON{}},
	{name: "empty", in: ``, key: "api.body.empty"},
	{name: "blank", in: " \n ", key: "api.body.empty"},
	{name: "array", in: `[{"name":"A"}]`, key: "api.body.object"},
	{name: "string", in: `"x"`, key: "api.body.object"},
	{name: "null", in: `null`, key: "api.body.object"},
	{name: "two objects", in: `{"name":"A"} {"name":"B"}`, key: "api.body.trailing"},
	{name: "trailing garbage", in: `{"name":"A"}x`, key: "api.body.trailing"},
	{name: "unterminated", in: `{"name":`, key: "api.body.syntax", args: []any{1, 9}},
	{name: "trailing comma", in: `{"name":"A",}`, key: "api.body.syntax", args: []any{1, 13}},
	{name: "second line", in: "{\"name\":\"A\",\n  \"version\": x}", key: "api.body.syntax", args: []any{2, 14}},
	{name: "columns count characters", in: "{\"name\":\"ÄÖÜ\" \"x\"}", key: "api.body.syntax", args: []any{1, 15}},
	{name: "bad utf-8", in: "{\"name\":\"\xff\"}", key: "api.body.utf8"},
	{name: "case matters", in: `{"Name":"A"}`, fields: []string{"Name:api.field.unknown"}},
	{name: "duplicate", in: `{"name":"A","name":"B"}`, fields: []string{"name:api.field.duplicate"}},
	{name: "every error at once", in: `{"name":1,"version":"3","roles":"beheerder","zzz":true,"disabled":"yes"}`,
		fields: []string{"name:api.field.type", "version:api.field.type", "roles:api.field.type", "zzz:api.field.unknown", "disabled:api.field.type"}},
	{name: "fraction into int", in: `{"version":1.5}`, fields: []string{"version:api.field.type"}},
	{name: "nested wrong", in: `{"roles":[1]}`, fields: []string{"roles[0]:api.field.type"}},
	{name: "nested wrong at every index", in: `{"roles":["beheerder",1,true]}`, fields: []string{"roles[1]:api.field.type", "roles[2]:api.field.type"}},
	{name: "empty array is not null", in: `{"roles":[]}`, want: &userUpdateJSON{UserInput: org.UserInput{Roles: []policy.Role{}}}},
	{name: "password has omitempty tag", in: `{"password":"twelve chars!"}`, want: &userUpdateJSON{UserInput: org.UserInput{Password: "twelve chars!"}}},
}

func ptr[T any](v T) *T { return &v }

func TestDecodeJSON(t *testing.T) {
	for _, tc := range decodeCases {
		t.Run(tc.name, func(t *testing.T) {
			var got userUpdateJSON
			err := decodeJSON([]byte(tc.in), &got)
			var pe *problemError
			switch {
			case tc.want != nil:
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if !reflect.DeepEqual(&got, tc.want) {
					t.Errorf("got %+v, want %+v", got, *tc.want)
				}
			case tc.key != "":
				if !errors.As(err, &pe) || pe.key != tc.key || pe.status != http.StatusBadRequest {
					t.Fatalf("error %v, want %s", err, tc.key)
				}
				if !reflect.DeepEqual(pe.args, tc.args) {
					t.Errorf("position %v, want %v", pe.args, tc.args)
				}
			default:
				e := errs.As(err)
				if e == nil || e.Code != errs.Invalid {
					t.Fatalf("error %v, want a validation error", err)
				}
				var fields []string
				for _, f := range e.Fields {
					fields = append(fields, f.Field+":"+f.Key)
				}
				if !slices.Equal(fields, tc.fields) {
					t.Errorf("fields %v, want %v", fields, tc.fields)
				}
			}
		})
	}
}

func TestCheckJSONContentType(t *testing.T) {
	for ct, ok := range map[string]bool{
		"application/json":                  true,
		"application/json; charset=utf-8":   true,
		"Application/JSON; Charset=UTF-8":   true,
		"":                                  false,
		"text/plain":                        false,
		"application/json; charset=latin-1": false,
		"application/json; foo=bar":         false,
		"application/problem+json":          false,
		"application/x-www-form-urlencoded": false,
		"multipart/form-data; boundary=x":   false,
		"application/json;;":                false,
	} {
		if err := checkJSONContentType(ct); (err == nil) != ok {
			t.Errorf("%q: error %v, want ok=%v", ct, err, ok)
		}
	}
}

func TestReadJSONTooLarge(t *testing.T) {
	a := &API{maxBody: 64}
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"name":"`+strings.Repeat("x", 100)+`"}`))
	r.Header.Set("Content-Type", "application/json")
	var in userUpdateJSON
	if err := a.readJSON(httptest.NewRecorder(), r, &in); !errs.Is(err, errs.TooLarge) {
		t.Fatalf("error %v, want too large", err)
	}
}

func TestPosition(t *testing.T) {
	data := []byte("ab\ncdé\nf")
	for _, tc := range []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {7, 2, 4}, {8, 3, 1}, {99, 3, 2}, {-1, 1, 1}} {
		if l, c := position(data, tc.off); l != tc.line || c != tc.col {
			t.Errorf("position(%d) = %d:%d, want %d:%d", tc.off, l, c, tc.line, tc.col)
		}
	}
}

// FuzzDecodeJSON: decodeJSON never panics; what it accepts is valid JSON
// that encoding/json reads to the same value; what it rejects is a 400
// whose messages all exist in both catalogs.
func FuzzDecodeJSON(f *testing.F) {
	for _, tc := range decodeCases {
		f.Add([]byte(tc.in))
	}
	f.Add([]byte(`{"email":"x@y.nl","roles":["a","b"],"locale":"en","phone":"\u0000","organisationId":"o"}`))
	f.Add([]byte(`{"a":{"b":[1,2,{"c":null}]},"version":-0}`))
	bundle := i18n.MustLoad()
	f.Fuzz(func(t *testing.T, data []byte) {
		var got userUpdateJSON
		err := decodeJSON(data, &got)
		if err == nil {
			if !json.Valid(data) {
				t.Fatalf("accepted invalid JSON %q", data)
			}
			var std userUpdateJSON
			if err := json.Unmarshal(data, &std); err != nil {
				t.Fatalf("accepted %q, encoding/json says %v", data, err)
			}
			if !reflect.DeepEqual(got, std) {
				t.Fatalf("%q: got %+v, encoding/json %+v", data, got, std)
			}
			return
		}
		var pe *problemError
		if errors.As(err, &pe) {
			if pe.status != http.StatusBadRequest || !bundle.Has("nl", pe.key) || !bundle.Has("en", pe.key) {
				t.Fatalf("%q: bad problem %+v", data, pe)
			}
			return
		}
		e := errs.As(err)
		if e == nil || e.Code != errs.Invalid || len(e.Fields) == 0 {
			t.Fatalf("%q: unexpected error %v", data, err)
		}
		for _, fe := range e.Fields {
			if !bundle.Has("nl", fe.Key) || !bundle.Has("en", fe.Key) {
				t.Fatalf("%q: field error key %q not in the catalogs", data, fe.Key)
			}
		}
	})
}

// TestDecodeSignalJSON: the signal body is strict at every level: nested
// members match exactly, once, and every problem is named by its path.
func TestDecodeSignalJSON(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		fields   []string // "field:key" of every field error, in order; nil: accepted
	}{
		{"ok", `{"department":"wmo","persons":[{"alias":"A","birthYear":1990},{"ageBand":"25_34"}],
			"assessment":{"forms":["x"],"indicators":["a","b"],"smuggling":{"borderCrossingFacilitated":true,"paid":true,"consented":false},"acuteDanger":true}}`, nil},
		{"nulls", `{"persons":[null,{"birthYear":null}],"assessment":{"smuggling":null,"indicators":null}}`, nil},
		{"empty nested", `{"persons":[],"assessment":{"smuggling":{}}}`, nil},
		{"unknown person member", `{"persons":[{"alias":"X","shoeSize":42}]}`, []string{"persons[0].shoeSize:api.field.unknown"}},
		{"differently cased person member", `{"persons":[{"alias":"X"},{"BirthYear":1990}]}`, []string{"persons[1].BirthYear:api.field.unknown"}},
		{"wrong person type", `{"persons":[{"alias":"X"},{"birthYear":"1990"}]}`, []string{"persons[1].birthYear:api.field.type"}},
		{"person not an object", `{"persons":[{"alias":"X"},"Y"]}`, []string{"persons[1]:api.field.type"}},
		{"persons not an array", `{"persons":{"alias":"X"}}`, []string{"persons:api.field.type"}},
		{"duplicate person member", `{"persons":[{"alias":"X","alias":"Y"}]}`, []string{"persons[0].alias:api.field.duplicate"}},
		{"wrong assessment type", `{"assessment":{"indicators":"coercion.violence"}}`, []string{"assessment.indicators:api.field.type"}},
		{"wrong indicator type", `{"assessment":{"indicators":["a",7]}}`, []string{"assessment.indicators[1]:api.field.type"}},
		{"differently cased assessment member", `{"assessment":{"Indicators":["a"]}}`, []string{"assessment.Indicators:api.field.unknown"}},
		{"assessment not an object", `{"assessment":[]}`, []string{"assessment:api.field.type"}},
		{"smuggling nested", `{"assessment":{"smuggling":{"Paid":true,"consented":"yes","x":1}}}`,
			[]string{"assessment.smuggling.Paid:api.field.unknown", "assessment.smuggling.consented:api.field.type", "assessment.smuggling.x:api.field.unknown"}},
		{"every problem at once", `{"Department":"wmo","observedOn":20260101,"persons":[{"shoeSize":42},{"birthYear":"1990","gender":1}],
			"assessment":{"indicators":"x","age":30}}`,
			[]string{"Department:api.field.unknown", "observedOn:api.field.type", "persons[0].shoeSize:api.field.unknown",
				"persons[1].birthYear:api.field.type", "persons[1].gender:api.field.type", "assessment.indicators:api.field.type", "assessment.age:api.field.unknown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got signalCreateJSON
			err := decodeJSON([]byte(tc.in), &got)
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				var std signalCreateJSON
				if err := json.Unmarshal([]byte(tc.in), &std); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, std) {
					t.Errorf("got %+v, encoding/json %+v", got, std)
				}
				return
			}
			e := errs.As(err)
			if e == nil || e.Code != errs.Invalid {
				t.Fatalf("error %v, want a validation error", err)
			}
			var fields []string
			for _, f := range e.Fields {
				fields = append(fields, f.Field+":"+f.Key)
			}
			if !slices.Equal(fields, tc.fields) {
				t.Errorf("fields %v, want %v", fields, tc.fields)
			}
		})
	}
}

// TestEmptyBody: a body of unknown length (chunked) that holds nothing is
// empty — the re-assessment's comparison —, one that holds something is not
// and stays readable in full.
func TestEmptyBody(t *testing.T) {
	chunked := func(body string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/signals/x/reassessment", io.NopCloser(strings.NewReader(body)))
		r.ContentLength = -1
		return r
	}
	if !emptyBody(chunked("")) {
		t.Error("an empty chunked body is not empty")
	}
	r := chunked(`{"keep": true, "version": 3}`)
	if emptyBody(r) {
		t.Error("a chunked body with JSON is empty")
	}
	if b, _ := io.ReadAll(r.Body); string(b) != `{"keep": true, "version": 3}` {
		t.Errorf("the body after the peek: %q", b)
	}
	sized := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(`{}`))
	if emptyBody(sized) {
		t.Error("a body of known length is empty")
	}
	if r := httptest.NewRequest(http.MethodPost, "/x", nil); !emptyBody(r) {
		t.Error("no body is not empty")
	}
}
