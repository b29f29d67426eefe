package app

import (
	"context"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/store"
)

// contentFS copies the catalogue's data files, with edit applied to one.
func contentFS(t *testing.T, file string, edit func(string) string) fs.FS {
	t.Helper()
	src := os.DirFS("../content")
	files, err := fs.Glob(src, "data/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("content data files: %v", err)
	}
	m := fstest.MapFS{}
	for _, f := range files {
		b, err := fs.ReadFile(src, f)
		if err != nil {
			t.Fatal(err)
		}
		if f == file {
			edited := edit(string(b))
			if edited == string(b) {
				t.Fatalf("the edit changed nothing in %s", f)
			}
			b = []byte(edited)
		}
		m[f] = &fstest.MapFile{Data: b}
	}
	return m
}

// TestOpenRefusesBrokenContent: a broken content file stops start-up, and
// the error names the file and the entry.
func TestOpenRefusesBrokenContent(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		edit       func(string) string
		want       []string
	}{
		{"dangling indicator", "data/signals.yaml",
			func(s string) string {
				return strings.Replace(s, "indicators: [coercion.under_strong_influence]", "indicators: [coercion.magic]", 1)
			},
			[]string{"data/signals.yaml", "ander_voert_het_woord", "coercion.magic"}},
		{"bad strength", "data/indicators.yaml",
			func(s string) string {
				return strings.Replace(s, "- id: deception.wages\n    adult: M", "- id: deception.wages\n    adult: X", 1)
			},
			[]string{"data/indicators.yaml", "deception.wages"}},
		{"not YAML", "data/forms.yaml",
			func(s string) string { return s + "\n  - id: [unclosed\n" },
			[]string{"data/forms.yaml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := contentFS(t, tc.file, tc.edit)
			a, err := Open(context.Background(), testConfig(t, store.SQLite), quiet(), Options{PasswordParams: password.Fast, ContentFS: fsys})
			if err == nil {
				a.Close()
				t.Fatal("Open accepted a broken catalogue")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not name %q:\n%v", w, err)
				}
			}
		})
	}
	// The embedded catalogue loads, and the app holds it and its engine.
	a, err := Open(context.Background(), testConfig(t, store.SQLite), quiet(), Options{PasswordParams: password.Fast})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Content == nil || a.Engine == nil || a.Engine.Ruleset() != a.Content.Meta.Ruleset {
		t.Errorf("content %v, engine %v", a.Content != nil, a.Engine != nil)
	}
}
