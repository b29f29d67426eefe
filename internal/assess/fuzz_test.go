package assess

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/baken-nl/baken/internal/errs"
)

// FuzzAssessJSON feeds arbitrary bytes to DecodeInput + Assess and to
// AssessJSON: no panic; every error is an Invalid error whose every problem
// names a field; a valid input gives a complete result, the same both ways.
func FuzzAssessJSON(f *testing.F) {
	for _, tc := range goldenCases {
		f.Add([]byte(tc.json))
	}
	for _, s := range []string{
		``, `{`, `[]`, `null`, `{"age": -1}`, `{"age": 1e400}`, `{"indicators": ["coercion.magic", 1]}`,
		`{"smuggling": {"paid": "x", "paid": 1}}`, `{"a":1,"a":2}`, "{\"forms\":[\"\xff\"]}", `{} {}`,
		`{"minor": true, "forms": ["sexual", "sexual"], "indicators": ["exploitation.hazardous_work", "exploitation.hazardous_work"]}`,
	} {
		f.Add([]byte(s))
	}
	e := engine(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		in, decErr := DecodeInput(bytes.NewReader(data))
		var (
			r   Result
			err = decErr
		)
		if err == nil {
			r, err = e.Assess(in, "en")
		}
		r2, err2 := e.AssessJSON(bytes.NewReader(data), "en")
		if (err == nil) != (err2 == nil) {
			t.Fatalf("DecodeInput+Assess error %v, AssessJSON error %v", err, err2)
		}
		if err != nil {
			checkNamed(t, err)
			checkNamed(t, err2)
			return
		}
		checkResult(t, r)
		if !reflect.DeepEqual(r, r2) {
			t.Fatalf("AssessJSON differs:\n%+v\n%+v", r, r2)
		}
	})
}

func checkNamed(t *testing.T, err error) {
	t.Helper()
	e := errs.As(err)
	if e == nil || e.Code != errs.Invalid || len(e.Fields) == 0 {
		t.Fatalf("error %v is not an Invalid error with fields", err)
	}
	ps := Problems(err)
	if len(ps) != len(e.Fields) {
		t.Fatalf("%d problems for %d fields", len(ps), len(e.Fields))
	}
	for _, p := range ps {
		if p.Field == "" || p.Key == "" {
			t.Fatalf("problem %+v names no field or key", p)
		}
		if details[p.Key] == "" {
			t.Fatalf("problem key %q has no detail text", p.Key)
		}
	}
}
