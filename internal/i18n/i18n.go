// Package i18n holds Baken's message catalogs: Dutch first, English second.
// Catalogs are flat JSON maps from a key to a text with fmt verbs, one file
// per area and language (catalog/AREA.LANG.json, e.g. web.nl.json); every
// language must hold the same keys and no key may stand in two files (tests
// and Load fail otherwise).
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed catalog/*.json
var catalogFS embed.FS

// Langs are the languages Baken speaks; the first is the default.
var Langs = []string{"nl", "en"}

// Default is the language used when nothing else is known.
const Default = "nl"

// Bundle holds the loaded catalogs.
type Bundle struct {
	msgs map[string]map[string]string
}

// Load reads the embedded catalogs.
func Load() (*Bundle, error) {
	b := &Bundle{msgs: map[string]map[string]string{}}
	for _, l := range Langs {
		files, err := fs.Glob(catalogFS, "catalog/*."+l+".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		from := map[string]string{}
		for _, f := range files {
			data, err := catalogFS.ReadFile(f)
			if err != nil {
				return nil, err
			}
			part := map[string]string{}
			if err := json.Unmarshal(data, &part); err != nil {
				return nil, fmt.Errorf("catalog %s: %w", f, err)
			}
			for k, v := range part {
				if prev, dup := from[k]; dup {
					return nil, fmt.Errorf("catalog key %q stands in both %s and %s", k, prev, f)
				}
				m[k], from[k] = v, f
			}
		}
		b.msgs[l] = m
	}
	return b, nil
}

// MustLoad is Load for start-up and tests: the catalogs are embedded, so a
// failure is a build defect.
func MustLoad() *Bundle {
	b, err := Load()
	if err != nil {
		panic(err)
	}
	return b
}

// Has reports whether key exists in lang.
func (b *Bundle) Has(lang, key string) bool {
	_, ok := b.msgs[lang][key]
	return ok
}

// T returns the text of key in lang, formatted with args. An unknown
// language falls back to Dutch; an unknown key returns the key itself (and
// the catalog tests fail on it).
func (b *Bundle) T(lang, key string, args ...any) string {
	m, ok := b.msgs[lang]
	if !ok {
		m = b.msgs[Default]
	}
	s, ok := m[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Keys returns the sorted keys of lang.
func (b *Bundle) Keys(lang string) []string {
	keys := make([]string, 0, len(b.msgs[lang]))
	for k := range b.msgs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Supported reports whether lang is one of Langs.
func Supported(lang string) bool {
	for _, l := range Langs {
		if l == lang {
			return true
		}
	}
	return false
}

// Negotiate picks a language from an Accept-Language header, Dutch when none fits.
func Negotiate(header string) string {
	best, bestQ := Default, -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		lang := strings.ToLower(strings.SplitN(strings.TrimSpace(tag), "-", 2)[0])
		if !Supported(lang) {
			continue
		}
		q := 1.0
		if p := strings.TrimSpace(params); strings.HasPrefix(p, "q=") {
			if _, err := fmt.Sscanf(p, "q=%g", &q); err != nil {
				q = 0
			}
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}
