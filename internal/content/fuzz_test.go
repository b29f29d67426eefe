package content

import (
	"io/fs"
	"testing"
	"testing/fstest"
)

// FuzzLoadFS: arbitrary YAML bytes, alone or beside a small valid
// catalogue (the full one makes each run too slow to explore), never panic;
// an error or a valid catalogue comes back.
func FuzzLoadFS(f *testing.F) {
	beside := fixtureFS(f, fixture())
	for _, name := range []string{"data/departments.yaml", "data/meta.yaml", "data/advice.yaml"} {
		b, err := fs.ReadFile(dataFS, name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	for _, b := range beside {
		f.Add(b.Data, true)
	}
	for _, s := range []string{
		"", "---\n---\n", "forms: [", "forms: {id: x}", "meta: [1, 2]", "kader: {themes: [{number: x}]}",
		"frontlineSignals: [{id: a, indicators: [~, 1, {}]}]", "explanations: {a: {nl: '%', en: '%[999999999999]d'}}",
		"a: &a [*a, *a]", "indicators: [{id: ., overrides: [{}]}]", "!!binary aGVsbG8=", "- 1\n- 2",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, withFixture bool) {
		fsys := fstest.MapFS{}
		if withFixture {
			for k, v := range beside {
				fsys[k] = v
			}
		}
		fsys["data/zz_fuzz.yaml"] = &fstest.MapFile{Data: data}
		c, err := LoadFS(fsys, "data")
		if err == nil && c == nil {
			t.Fatal("no catalogue and no error")
		}
		if err == nil {
			_ = c.SignalsFor("", "")
			_ = c.IndicatorsByDimension()
		}
	})
}
