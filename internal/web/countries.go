package web

import (
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// country is one option of a country select.
type country struct {
	Code, Name string
}

// countriesIn lists the countries (ISO 3166-1 alpha-2 codes of countries and
// autonomous areas, as x/text knows them) with their names in lang (Dutch
// for anything but "en"), sorted by name as a reader of that language sorts.
// People are recorded by code (signals' and cases' nationality and country
// of origin); the pages show and offer the names.
var countriesIn = func() func(lang string) []country {
	var once sync.Once
	lists := map[string][]country{}
	build := func() {
		for _, lang := range []string{"nl", "en"} {
			tag, namer := language.Dutch, display.Dutch.Regions()
			if lang == "en" {
				tag, namer = language.English, display.English.Regions()
			}
			var out []country
			for a := 'A'; a <= 'Z'; a++ {
				for b := 'A'; b <= 'Z'; b++ {
					code := string([]rune{a, b})
					r, err := language.ParseRegion(code)
					if err != nil || !r.IsCountry() || r.Canonicalize().String() != code || notACountry[code] {
						continue
					}
					if name := namer.Name(r); name != "" {
						out = append(out, country{Code: code, Name: name})
					}
				}
			}
			c := collate.New(tag)
			slices.SortFunc(out, func(x, y country) int { return c.CompareString(x.Name, y.Name) })
			lists[lang] = out
		}
	}
	return func(lang string) []country {
		once.Do(build)
		if lang != "en" {
			lang = "nl"
		}
		return lists[lang]
	}
}()

// notACountry are codes x/text counts as countries that no person is a
// national of and no one comes from as such: groupings (EZ, UN) and the
// "exceptionally reserved" codes of islands and enclaves that ISO 3166-1
// does not assign (their countries are listed). Deprecated codes (BU, DD,
// UK, …) are left out by their canonical form. XK (Kosovo) stays: it is the
// code in use for it.
var notACountry = map[string]bool{"EZ": true, "UN": true, "EU": true, "QO": true,
	"AC": true, "CP": true, "DG": true, "EA": true, "IC": true, "TA": true}

// countryName is the name of an ISO 3166-1 alpha-2 code in lang; the code
// itself when it names no country.
func countryName(lang, code string) string {
	if code == "" {
		return ""
	}
	namer := display.Dutch.Regions()
	if lang == "en" {
		namer = display.English.Regions()
	}
	if r, err := language.ParseRegion(strings.ToUpper(code)); err == nil && r.IsCountry() {
		if n := namer.Name(r); n != "" {
			return n
		}
	}
	return code
}

// languageName is the name of an ISO 639 code in lang; the code itself when
// it names no language.
func languageName(lang, code string) string {
	if code == "" {
		return ""
	}
	namer := display.Dutch.Languages()
	if lang == "en" {
		namer = display.English.Languages()
	}
	if b, err := language.ParseBase(strings.ToLower(code)); err == nil {
		if n := namer.Name(b); n != "" {
			return n
		}
	}
	return code
}
