package api

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
)

func TestAssembleOpenAPI(t *testing.T) {
	base := []byte(`{"openapi": "3.1.0", "tags": [{"name": "a"}], "paths": {"/a": {}}, "components": {"schemas": {"A": {}}}}`)
	good := fstest.MapFS{
		"openapi/b.json": {Data: []byte(`{"tags": [{"name": "b"}], "paths": {"/b": {}}, "components": {"schemas": {"B": {}}, "parameters": {"P": {}}}}`)},
	}
	out, err := assembleOpenAPI(base, good)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tags       []map[string]any          `json:"tags"`
		Paths      map[string]any            `json:"paths"`
		Components map[string]map[string]any `json:"components"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Tags) != 2 || doc.Paths["/b"] == nil || doc.Paths["/a"] == nil || doc.Components["schemas"]["B"] == nil || doc.Components["parameters"]["P"] == nil {
		t.Errorf("merged = %s", out)
	}
	for name, frag := range map[string]string{
		"path":      `{"paths": {"/a": {}}}`,
		"tag":       `{"tags": [{"name": "a"}]}`,
		"component": `{"components": {"schemas": {"A": {}}}}`,
		"syntax":    `{"paths": `,
	} {
		_, err := assembleOpenAPI(base, fstest.MapFS{"openapi/x.json": {Data: []byte(frag)}})
		if err == nil || !strings.Contains(err.Error(), "openapi/x.json") {
			t.Errorf("%s defined twice: %v", name, err)
		}
	}
}
