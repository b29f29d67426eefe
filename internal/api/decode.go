package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/httpx"
)

// maxJSONBody caps an API request body (the app-wide cap may be larger: API
// bodies are small forms, never files).
const maxJSONBody = 256 << 10

// readJSON checks that r carries a JSON body and decodes it strictly into dst,
// a pointer to a struct (see decodeJSON).
func (a *API) readJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	data, err := a.readBody(w, r, a.maxBody)
	if err != nil {
		return err
	}
	return decodeJSON(data, dst)
}

// readBody checks that r carries a JSON body (415 otherwise) and reads at
// most limit bytes of it (413 beyond).
func (a *API) readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if err := checkJSONContentType(r.Header.Get("Content-Type")); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, errs.E(errs.TooLarge, "error.too_large")
		}
		return nil, &problemError{status: http.StatusBadRequest, code: errs.Invalid, key: "api.body.unreadable"}
	}
	return data, nil
}

// checkJSONContentType accepts application/json, with at most a UTF-8 charset.
func checkJSONContentType(ct string) error {
	mt, params, err := mime.ParseMediaType(ct)
	if err == nil && mt == "application/json" {
		cs, ok := params["charset"]
		if len(params) == 0 || len(params) == 1 && ok && strings.EqualFold(cs, "utf-8") {
			return nil
		}
	}
	return &problemError{status: http.StatusUnsupportedMediaType, code: codeUnsupportedMediaType, key: "api.media_type"}
}

// decodeJSON decodes one JSON object into dst, a pointer to a struct, more
// strictly than encoding/json: the body must be valid UTF-8 and hold exactly
// one object; member names must match a field's json name exactly (not
// case-insensitively) and may not repeat, at every level (objects nested in
// members and in arrays included). A syntax error names its line and column.
// Every unknown member and every value of the wrong type is reported, all at
// once, as an Invalid error with one field error each, named by its path
// ("persons[0].shoeSize", "assessment.indicators").
func decodeJSON(data []byte, dst any) error {
	whole, err := checkBody(data)
	if err != nil {
		return err
	}
	var v errs.Validation
	decodeObject(&v, "", whole, reflect.ValueOf(dst).Elem())
	return v.Err()
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// custom reports whether values of t decode themselves.
func custom(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(jsonUnmarshaler) || pt.Implements(jsonUnmarshaler) ||
		t.Implements(textUnmarshaler) || pt.Implements(textUnmarshaler)
}

// child is the path of member name below path.
func child(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// decodeValue decodes raw (syntactically valid JSON) into dst, reporting
// problems under path. A null leaves dst as it is, as encoding/json does.
// Structs and slices are walked member by member and element by element;
// anything else is left to encoding/json. A value of the wrong type leaves
// dst zero.
func decodeValue(v *errs.Validation, path string, raw json.RawMessage, dst reflect.Value) {
	raw = bytes.TrimSpace(raw)
	if string(raw) == "null" {
		if k := dst.Kind(); k == reflect.Pointer || k == reflect.Slice || k == reflect.Map || k == reflect.Interface {
			dst.SetZero()
		}
		return
	}
	t := dst.Type()
	switch {
	case custom(t):
	case t.Kind() == reflect.Pointer:
		p := reflect.New(t.Elem())
		if decodeValue(v, path, raw, p.Elem()); !v.Has(path) {
			dst.Set(p)
		}
		return
	case t.Kind() == reflect.Struct:
		if raw[0] != '{' {
			v.Add(path, "api.field.type")
			return
		}
		decodeObject(v, path, raw, dst)
		return
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		if raw[0] != '[' {
			v.Add(path, "api.field.type")
			return
		}
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			v.Add(path, "api.field.type") // cannot happen: raw is a valid array
			return
		}
		s := reflect.MakeSlice(t, len(elems), len(elems))
		for i, e := range elems {
			decodeValue(v, path+"["+strconv.Itoa(i)+"]", e, s.Index(i))
		}
		dst.Set(s)
		return
	}
	if !validStrings(raw) {
		v.Add(path, "field.control_chars")
		return
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(dst.Addr().Interface()); err != nil {
		dst.SetZero()
		v.Add(path, "api.field.type")
	}
}

// decodeObject decodes the JSON object raw into the struct value dst:
// member names exactly as the fields' json names, each at most once.
func decodeObject(v *errs.Validation, path string, raw json.RawMessage, dst reflect.Value) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		v.Add(path, "api.field.type")
		return
	}
	fields := jsonFields(dst)
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		name, ok := tok.(string)
		if err != nil || !ok {
			v.Add(path, "api.field.type") // cannot happen: raw is valid
			return
		}
		var m json.RawMessage
		if err := dec.Decode(&m); err != nil {
			v.Add(path, "api.field.type") // cannot happen: raw is valid
			return
		}
		if !httpx.ValidText(name, false) {
			v.Add(child(path, "?"), "field.control_chars")
			continue
		}
		p := child(path, name)
		if seen[name] {
			if !v.Has(p) {
				v.Add(p, "api.field.duplicate")
			}
			continue
		}
		seen[name] = true
		f, ok := fields[name]
		if !ok {
			v.Add(p, "api.field.unknown")
			continue
		}
		decodeValue(v, p, m, f)
	}
}

// checkBody checks the body as a whole: not empty, valid UTF-8, one JSON
// object (a syntax error named by line and column) and nothing after it. It
// returns the object.
func checkBody(data []byte) (json.RawMessage, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, bodyError("api.body.empty")
	}
	if !utf8.Valid(data) {
		return nil, bodyError("api.body.utf8")
	}
	// The whole value first, for exact syntax error positions and to find
	// anything after it.
	dec := json.NewDecoder(bytes.NewReader(data))
	var whole json.RawMessage
	if err := dec.Decode(&whole); err != nil {
		return nil, syntaxError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bodyError("api.body.trailing")
	}
	if whole[0] != '{' {
		return nil, bodyError("api.body.object")
	}
	return whole, nil
}

// validStrings reports whether every string in the JSON value raw (escapes
// decoded: "\u0000" is a NUL) is httpx.ValidText; multi-line text is allowed
// (a body member may be a note).
func validStrings(raw json.RawMessage) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		tok, err := dec.Token()
		if err != nil {
			return true // the end (raw is valid JSON)
		}
		if s, ok := tok.(string); ok && !httpx.ValidText(s, true) {
			return false
		}
	}
}

// jsonFields maps the json names of the exported fields of struct value s
// (embedded structs flattened) to the fields.
func jsonFields(s reflect.Value) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	t := s.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if sf.Anonymous && tag == "" && sf.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(s.Field(i)) {
				out[k] = v
			}
			continue
		}
		if !sf.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out[name] = s.Field(i)
	}
	return out
}

func bodyError(key string, args ...any) error {
	return &problemError{status: http.StatusBadRequest, code: errs.Invalid, key: key, args: args}
}

// syntaxError turns an error of decoding the first value of data into a
// 400 naming the line and column.
func syntaxError(data []byte, err error) error {
	var se *json.SyntaxError
	offset := int64(len(data)) // io.ErrUnexpectedEOF: the input ended early
	if errors.As(err, &se) {
		offset = se.Offset - 1 // the offending character is the last one read
	}
	line, col := position(data, offset)
	return bodyError("api.body.syntax", line, col)
}

// position returns the 1-based line and column (in characters) of byte offset.
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, utf8.RuneCount(before) + 1
}

// query reads the query string of a request: only the named parameters are
// allowed, each at most once; problems are collected in v.
type query struct {
	vals url.Values
	v    errs.Validation
}

// parseQuery parses r's query string against the allowed parameter names.
// A data subject id is refused with its own message: personal data never
// goes in a URL (it would end up in proxy and browser histories).
func parseQuery(r *http.Request, allowed ...string) *query {
	q := &query{}
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		q.v.Add("query", "api.param.malformed")
		return q
	}
	q.vals = vals
	for name, vs := range vals {
		switch {
		case !contains(allowed, name):
			key := "api.param.unknown"
			if name == "dataSubjectId" {
				key = "api.param.personal_data"
			}
			q.v.Add(name, key)
		case len(vs) > 1:
			q.v.Add(name, "api.param.repeated")
		}
	}
	return q
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// str returns a text parameter of at most maxLen characters.
func (q *query) str(name string, maxLen int) string {
	s := q.vals.Get(name)
	if utf8.RuneCountInString(s) > maxLen && !q.v.Has(name) {
		q.v.Add(name, "field.too_long")
		return ""
	}
	return s
}

// int returns an integer parameter within [lo, hi], def when absent.
func (q *query) int(name string, lo, hi, def int64) int64 {
	s := q.vals.Get(name)
	if s == "" {
		return def
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		if !q.v.Has(name) {
			q.v.Add(name, "api.param.range")
		}
		return def
	}
	return n
}

// bool returns a boolean parameter: "true" or "false", false when absent.
func (q *query) bool(name string) bool {
	switch q.vals.Get(name) {
	case "", "false":
		return false
	case "true":
		return true
	}
	if !q.v.Has(name) {
		q.v.Add(name, "api.param.boolean")
	}
	return false
}

// time returns an RFC 3339 date-time parameter, the zero time when absent.
func (q *query) time(name string) time.Time {
	t, ok := parseTime(q.vals.Get(name))
	if !ok && !q.v.Has(name) {
		q.v.Add(name, "api.field.datetime")
	}
	return t
}

// parseTime parses an RFC 3339 date-time; "" is the zero time.
func parseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
