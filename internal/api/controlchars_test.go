package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/api"
)

// docOp is one operation of the served document, with what it takes.
type docOp struct {
	method, path string
	pathParams   []string
	queryParams  []string
	bodyStrings  []string // the string members of its JSON request body
}

// documentOps reads every operation of the served OpenAPI document.
func documentOps(t *testing.T) []docOp {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(api.OpenAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	resolve := func(v any) map[string]any {
		m, _ := v.(map[string]any)
		for m != nil {
			ref, ok := m["$ref"].(string)
			if !ok {
				break
			}
			var cur any = doc
			for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
				cur = cur.(map[string]any)[part]
			}
			m, _ = cur.(map[string]any)
		}
		return m
	}
	var ops []docOp
	for path, item := range doc["paths"].(map[string]any) {
		for method, o := range item.(map[string]any) {
			op, ok := o.(map[string]any)
			if !ok || method == "parameters" {
				continue
			}
			d := docOp{method: strings.ToUpper(method), path: path}
			params, _ := op["parameters"].([]any)
			if shared, ok := item.(map[string]any)["parameters"].([]any); ok {
				params = append(params, shared...)
			}
			for _, p := range params {
				pm := resolve(p)
				switch pm["in"] {
				case "path":
					d.pathParams = append(d.pathParams, pm["name"].(string))
				case "query":
					d.queryParams = append(d.queryParams, pm["name"].(string))
				}
			}
			if rb := resolve(op["requestBody"]); rb != nil {
				if c, ok := rb["content"].(map[string]any)["application/json"].(map[string]any); ok {
					schema := resolve(c["schema"])
					props, _ := schema["properties"].(map[string]any)
					for name, p := range props {
						if isString(resolve(p)["type"]) {
							d.bodyStrings = append(d.bodyStrings, name)
						}
					}
					sort.Strings(d.bodyStrings)
				}
			}
			ops = append(ops, d)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].path+ops[i].method < ops[j].path+ops[j].method })
	return ops
}

var pathParamRE = regexp.MustCompile(`\{([^}]+)\}`)

// TestControlCharactersRefusedAtTheEdge (F6) walks every operation of the
// document on both databases with a NUL byte (and other characters no field
// allows) in each path id, each query parameter (filters, cursors) and each
// string member of the JSON body, as a user who may call it. None may answer
// 5xx (PostgreSQL refuses NUL in text: before the fix it was a 500); each is
// a 400 problem naming the parameter or field.
func TestControlCharactersRefusedAtTheEdge(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		users := []string{"admin", "zorgNoord", "fg"}
		for _, op := range documentOps(t) {
			for _, bad := range []string{"a\x00b", "a\x1bb", "a\x7fb", "a\xffb"} {
				// Path ids, one at a time (the others real-looking).
				for _, name := range op.pathParams {
					path := pathParamRE.ReplaceAllStringFunc(op.path, func(m string) string {
						if m == "{"+name+"}" {
							return url.PathEscape(bad)
						}
						return "0b3c1a56-8c2e-4f4b-9a43-3c0ad9e8e7a1"
					})
					for _, u := range users {
						a := e.do(t, op.method, api.BasePath+path, bodyFor(op, ""), e.as(u))
						wantNamed(t, op, a, name)
					}
				}
				base := pathParamRE.ReplaceAllString(op.path, "0b3c1a56-8c2e-4f4b-9a43-3c0ad9e8e7a1")
				// Query parameters: filters and cursors.
				for _, name := range op.queryParams {
					for _, u := range users {
						a := e.do(t, op.method, api.BasePath+base+"?"+name+"="+url.QueryEscape(bad), bodyFor(op, ""), e.as(u))
						wantNamed(t, op, a, name)
					}
				}
				// JSON string members.
				if bad == "a\xffb" {
					continue // not JSON: invalid UTF-8 in a body is refused as a whole (api.body.utf8)
				}
				for _, name := range op.bodyStrings {
					for _, u := range users {
						a := e.do(t, op.method, api.BasePath+base, map[string]any{name: bad}, e.as(u))
						wantNamed(t, op, a, name)
					}
				}
			}
		}
	})
}

// bodyFor is an empty JSON object for operations that take a body.
func bodyFor(op docOp, _ string) any {
	if op.method == http.MethodPost || op.method == http.MethodPut {
		return map[string]any{}
	}
	return nil
}

func wantNamed(t *testing.T, op docOp, a answer, name string) {
	t.Helper()
	if a.status >= 500 {
		t.Errorf("%s %s (%s): %d %s", op.method, op.path, name, a.status, a.body)
		return
	}
	if a.status != http.StatusBadRequest {
		t.Errorf("%s %s (%s): %d, want 400; %s", op.method, op.path, name, a.status, a.body)
		return
	}
	for _, p := range a.problem(t).InvalidParams {
		if p.Name == name && p.Code == "field.control_chars" {
			return
		}
	}
	t.Errorf("%s %s: the problem does not name %s: %s", op.method, op.path, name, a.body)
}

// isString reports whether a schema type is "string" or a list holding it.
func isString(typ any) bool {
	switch t := typ.(type) {
	case string:
		return t == "string"
	case []any:
		for _, x := range t {
			if x == "string" {
				return true
			}
		}
	}
	return false
}
