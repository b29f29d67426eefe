package api

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"slices"

	"github.com/baken-nl/baken/internal/org"
)

// openAPIBase is the hand-written OpenAPI 3.1 description of the API; each
// area with many routes (cases, …) keeps its paths and components in a
// fragment openapi/AREA.json, merged into the base at start-up. The tests
// check each real answer against the merged document and every route and
// operation against each other.
//
//go:embed openapi.json
var openAPIBase []byte

//go:embed openapi/*.json
var openAPIFragments embed.FS

// openAPIDoc is the served document: the base with every fragment merged.
var openAPIDoc, openAPIErr = assembleOpenAPI(openAPIBase, openAPIFragments)

// assembleOpenAPI merges the fragments' tags, paths and components into the
// base. A path, tag or component defined twice is an error.
func assembleOpenAPI(base []byte, frags fs.FS) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		return base, fmt.Errorf("openapi.json: %w", err)
	}
	files, err := fs.Glob(frags, "openapi/*.json")
	if err != nil {
		return base, err
	}
	slices.Sort(files)
	obj := func(m map[string]any, k string) map[string]any {
		if v, ok := m[k].(map[string]any); ok {
			return v
		}
		v := map[string]any{}
		m[k] = v
		return v
	}
	for _, f := range files {
		data, err := fs.ReadFile(frags, f)
		if err != nil {
			return base, err
		}
		var frag struct {
			Tags       []map[string]any          `json:"tags"`
			Paths      map[string]any            `json:"paths"`
			Components map[string]map[string]any `json:"components"`
		}
		if err := json.Unmarshal(data, &frag); err != nil {
			return base, fmt.Errorf("%s: %w", f, err)
		}
		tags, _ := doc["tags"].([]any)
		for _, t := range frag.Tags {
			for _, have := range tags {
				if h, ok := have.(map[string]any); ok && h["name"] == t["name"] {
					return base, fmt.Errorf("%s: tag %v is defined twice", f, t["name"])
				}
			}
			tags = append(tags, t)
		}
		doc["tags"] = tags
		paths := obj(doc, "paths")
		for p, v := range frag.Paths {
			if _, dup := paths[p]; dup {
				return base, fmt.Errorf("%s: path %s is defined twice", f, p)
			}
			paths[p] = v
		}
		comps := obj(doc, "components")
		for kind, items := range frag.Components {
			into := obj(comps, kind)
			for name, v := range items {
				if _, dup := into[name]; dup {
					return base, fmt.Errorf("%s: components.%s.%s is defined twice", f, kind, name)
				}
				into[name] = v
			}
		}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return base, err
	}
	return out, nil
}

// checkOpenAPI fails start-up on a document that is not JSON or whose
// version differs from the API-Version header.
func checkOpenAPI(doc []byte) error {
	if openAPIErr != nil {
		return openAPIErr
	}
	var d struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			Version string `json:"version"`
		} `json:"info"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return fmt.Errorf("openapi.json: %w", err)
	}
	if d.Info.Version != Version {
		return fmt.Errorf("openapi.json: info.version is %q, the API-Version header says %q", d.Info.Version, Version)
	}
	return nil
}

// openAPI serves the document, without authentication and open to other
// origins (it describes the API and holds no data).
func (a *API) openAPI(w http.ResponseWriter, r *http.Request, _ org.User) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(openAPIDoc)
	return nil
}
