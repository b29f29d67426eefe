package httpx

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
)

func TestValidText(t *testing.T) {
	for _, c := range []struct {
		s          string
		one, multi bool
	}{
		{"", true, true},
		{"Gemeente Å — 'ok' 😀", true, true},
		{"regel 1\nregel 2\r\n\tinspringing", false, true},
		{"a\x00b", false, false},
		{"a\x1bb", false, false},
		{"a\x7fb", false, false},
		{"a\x0bb", false, false},       // vertical tab
		{"a\xffb", false, false},       // invalid UTF-8
		{"\xed\xa0\x80", false, false}, // an encoded surrogate
	} {
		if got := ValidText(c.s, false); got != c.one {
			t.Errorf("ValidText(%q, false) = %v", c.s, got)
		}
		if got := ValidText(c.s, true); got != c.multi {
			t.Errorf("ValidText(%q, true) = %v", c.s, got)
		}
	}
}

func TestBadParamsAndFields(t *testing.T) {
	mux := http.NewServeMux()
	var got []string
	mux.HandleFunc("GET /cases/{id}/files/{rest...}", func(w http.ResponseWriter, r *http.Request) { got = BadParams(r) })
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/cases/a%00b/files/x/y?cursor=%01&status=open&q=a%0Ab&%00=1", nil))
	slices.Sort(got)
	if want := []string{"cursor", "id", "q", "query"}; !slices.Equal(got, want) {
		t.Fatalf("BadParams = %v, want %v", got, want)
	}
	bad := BadFields(url.Values{"note": {"line\r\nline\tx"}, "name": {"a\x00"}, "x": {"ok", "\xff"}})
	slices.Sort(bad)
	if want := []string{"name", "x"}; !slices.Equal(bad, want) {
		t.Fatalf("BadFields = %v, want %v", bad, want)
	}
	if w := wildcards("POST /a/{id}/b/{$}"); !slices.Equal(w, []string{"id"}) {
		t.Fatalf("wildcards = %v", w)
	}
}
