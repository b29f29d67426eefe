package assess

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// DecodeInput reads one JSON input (at most MaxInputLen bytes) strictly: the
// text must be valid UTF-8 and hold exactly one object and nothing after it;
// member names must be Input's JSON names exactly and may not repeat; every
// value must have its field's type (null counts as absent), lists at most
// MaxListLen entries. Every problem is reported at once, as the same Invalid
// error Assess returns, each naming its field ("indicators[2]",
// "smuggling.paid", or "body" for the text as a whole). DecodeInput does not
// know the catalogue: Assess checks the ids (AssessJSON does both at once).
func DecodeInput(r io.Reader) (Input, error) {
	in, problems := decodeInput(r)
	if problems != nil {
		return Input{}, invalid(problems)
	}
	return in, nil
}

// AssessJSON decodes a JSON input and assesses it, reporting the problems of
// both steps together (a problem of the text as a whole stops at decoding).
func (e *Engine) AssessJSON(r io.Reader, lang string) (Result, error) {
	in, problems := decodeInput(r)
	if len(problems) == 1 && problems[0].Field == BodyField {
		return Result{}, invalid(problems)
	}
	p, more := e.validate(&in)
	for _, m := range more {
		if !hasField(problems, m.Field) { // a wrong type already named it
			problems = append(problems, m)
		}
	}
	if problems != nil {
		return Result{}, invalid(problems)
	}
	return e.assess(&in, &p, lang), nil
}

func hasField(ps []Problem, field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}

// decodeInput decodes what it can and returns every problem. A problem of the
// text as a whole is returned alone. A list entry of the wrong type is kept
// as "" so the indexes of later entries stay those of the input.
func decodeInput(r io.Reader) (in Input, problems []Problem) {
	body := func(key, value string) (Input, []Problem) {
		return Input{}, []Problem{{Field: BodyField, Key: key, Value: value}}
	}
	if r == nil {
		return body(KeyJSONEmpty, "")
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxInputLen+1))
	switch {
	case err != nil:
		return body(KeyJSONUnreadable, clip(err.Error()))
	case len(data) > MaxInputLen:
		return body(KeyJSONTooLarge, fmt.Sprintf("more than %d bytes", MaxInputLen))
	case len(bytes.TrimSpace(data)) == 0:
		return body(KeyJSONEmpty, "")
	case !utf8.Valid(data):
		return body(KeyJSONUTF8, "")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var whole json.RawMessage
	if err := dec.Decode(&whole); err != nil {
		var se *json.SyntaxError
		off := int64(len(data)) // the text ended early
		if errors.As(err, &se) {
			off = se.Offset - 1
		}
		return body(KeyJSONSyntax, position(data, off))
	}
	after := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		rest := data[after:]
		off := after + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n")))
		return body(KeyJSONTrailing, position(data, off))
	}
	if whole[0] != '{' {
		return body(KeyJSONObject, kind(whole))
	}

	members(whole, "", func(name string, raw json.RawMessage) {
		switch name {
		case "age":
			in.Age = decodeAge(raw, &problems)
		case "minor":
			in.Minor = decodeBool(raw, name, &problems)
		case "possiblyMinor":
			in.PossiblyMinor = decodeBool(raw, name, &problems)
		case "acuteDanger":
			in.AcuteDanger = decodeBool(raw, name, &problems)
		case "forms":
			in.Forms = decodeStrings(raw, name, &problems)
		case "indicators":
			in.Indicators = decodeStrings(raw, name, &problems)
		case "acts":
			in.Acts = decodeStrings(raw, name, &problems)
		case "smuggling":
			in.Smuggling = decodeSmuggling(raw, &problems)
		default:
			problems = append(problems, Problem{Field: memberField("", name), Key: KeyFieldUnknown, Value: clip(name)})
		}
	}, &problems)
	return in, problems
}

// members calls f for each member of the JSON object obj (known to be valid
// JSON) and records repeated names under prefix+name.
func members(obj json.RawMessage, prefix string, f func(name string, raw json.RawMessage), problems *[]Problem) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	_, _ = dec.Token() // {
	seen := map[string]int{}
	for dec.More() {
		tok, _ := dec.Token()
		name, _ := tok.(string)
		var raw json.RawMessage
		_ = dec.Decode(&raw)
		if seen[name]++; seen[name] > 1 {
			if seen[name] == 2 { // once per repeated name
				*problems = append(*problems, Problem{Field: memberField(prefix, name), Key: KeyFieldDuplicate, Value: clip(name)})
			}
			continue
		}
		f(name, raw)
	}
}

// memberField names the member name of an object at prefix; an empty name
// is shown as "" so that every problem names a field.
func memberField(prefix, name string) string {
	if name == "" {
		name = `""`
	}
	return clip(prefix + name)
}

func typeProblem(problems *[]Problem, field string, raw json.RawMessage) {
	*problems = append(*problems, Problem{Field: field, Key: KeyFieldType, Value: clip(string(raw))})
}

func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

func decodeAge(raw json.RawMessage, problems *[]Problem) *int {
	if isNull(raw) {
		return nil
	}
	s := string(raw)
	if c := s[0]; c != '-' && (c < '0' || c > '9') || bytes.ContainsAny(raw, ".eE") {
		typeProblem(problems, "age", raw) // not a whole number
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil { // a whole number out of range
		*problems = append(*problems, Problem{Field: "age", Key: KeyAgeInvalid, Value: clip(s)})
		return nil
	}
	return &n
}

func decodeBool(raw json.RawMessage, field string, problems *[]Problem) bool {
	switch string(raw) {
	case "true":
		return true
	case "false", "null":
		return false
	}
	typeProblem(problems, field, raw)
	return false
}

func decodeStrings(raw json.RawMessage, field string, problems *[]Problem) []string {
	if isNull(raw) {
		return nil
	}
	var items []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		typeProblem(problems, field, raw)
		return nil
	}
	if len(items) > MaxListLen {
		*problems = append(*problems, Problem{Field: field, Key: KeyListTooLong, Value: strconv.Itoa(len(items))})
		return nil
	}
	out := make([]string, len(items))
	for i, it := range items {
		if it[0] != '"' || json.Unmarshal(it, &out[i]) != nil {
			typeProblem(problems, indexed(field, i), it)
		}
	}
	return out
}

func decodeSmuggling(raw json.RawMessage, problems *[]Problem) *Smuggling {
	if isNull(raw) {
		return nil
	}
	if raw[0] != '{' {
		typeProblem(problems, "smuggling", raw)
		return nil
	}
	var s Smuggling
	members(raw, "smuggling.", func(name string, raw json.RawMessage) {
		field := "smuggling." + name
		switch name {
		case "borderCrossingFacilitated":
			s.BorderCrossingFacilitated = decodeBool(raw, field, problems)
		case "paid":
			s.Paid = decodeBool(raw, field, problems)
		case "consented":
			s.Consented = decodeBool(raw, field, problems)
		default:
			*problems = append(*problems, Problem{Field: memberField("smuggling.", name), Key: KeyFieldUnknown, Value: clip(name)})
		}
	}, problems)
	return &s
}

// kind names the JSON type of a value that should have been an object.
func kind(raw json.RawMessage) string {
	switch raw[0] {
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// position returns "line L, column C" (1-based, columns in characters) of
// byte offset off in data.
func position(data []byte, off int64) string {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return fmt.Sprintf("line %d, column %d", line, utf8.RuneCount(before)+1)
}
