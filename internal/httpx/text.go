package httpx

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// ValidText reports whether s is text a field may hold: valid UTF-8 without
// control characters, except tab, LF and CR when multiline. No field of
// Baken takes any other character below U+0020, nor U+007F; PostgreSQL
// refuses NUL in text outright. This is the one rule the edges apply to
// every path value, query parameter, form field and JSON string (F6).
func ValidText(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != 0x7f {
			continue
		}
		if multiline && (c == '\t' || c == '\n' || c == '\r') {
			continue
		}
		return false
	}
	return true
}

// BadParams returns the names of the path values (the wildcards of the
// matched pattern, r.Pattern) and query parameters of r that are not
// ValidText on one line: ids, filters and cursors never span lines. A
// parameter whose name itself is not valid text is reported as "query".
func BadParams(r *http.Request) []string {
	var bad []string
	for _, name := range wildcards(r.Pattern) {
		if !ValidText(r.PathValue(name), false) {
			bad = append(bad, name)
		}
	}
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		// Parsed what it could; the handlers name a malformed query.
		if vals == nil {
			return bad
		}
	}
	for name, vs := range vals {
		if !ValidText(name, false) {
			bad = appendOnce(bad, "query")
			continue
		}
		for _, v := range vs {
			if !ValidText(v, false) {
				bad = appendOnce(bad, name)
				break
			}
		}
	}
	return bad
}

// BadFields returns the names of the form fields in vals whose values are
// not ValidText (multi-line text allowed: a form field may be a textarea).
// A field whose name itself is not valid text is reported as "form".
func BadFields(vals url.Values) []string {
	var bad []string
	for name, vs := range vals {
		if !ValidText(name, false) {
			bad = appendOnce(bad, "form")
			continue
		}
		for _, v := range vs {
			if !ValidText(v, true) {
				bad = appendOnce(bad, name)
				break
			}
		}
	}
	return bad
}

// wildcards returns the wildcard names of a ServeMux pattern
// ("GET /cases/{id}/files/{path...}" → id, path).
func wildcards(pattern string) []string {
	var out []string
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(pattern[i:], '}')
		if j < 0 {
			return out
		}
		name := strings.TrimSuffix(pattern[i+1:i+j], "...")
		if name != "$" {
			out = append(out, name)
		}
		pattern = pattern[i+j+1:]
	}
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
