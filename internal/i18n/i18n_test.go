package i18n

import (
	"regexp"
	"strings"
	"testing"
)

var verb = regexp.MustCompile(`%[-+# 0]*\d*(\.\d+)?[vsdqfgtx]`)

// TestCatalogsComplete fails on a key missing from either catalog, an empty
// text, or texts whose format verbs differ between languages.
func TestCatalogsComplete(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range Langs {
		for _, other := range Langs {
			for _, k := range b.Keys(l) {
				if !b.Has(other, k) {
					t.Errorf("key %q is in %s.json but not in %s.json", k, l, other)
				}
			}
		}
		for _, k := range b.Keys(l) {
			if strings.TrimSpace(b.T(l, k)) == "" {
				t.Errorf("%s.json: %q is empty", l, k)
			}
			if got, want := verb.FindAllString(b.msgs[l][k], -1), verb.FindAllString(b.msgs[Default][k], -1); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s.json: %q has verbs %v, nl.json has %v", l, k, got, want)
			}
		}
	}
}

func TestNegotiate(t *testing.T) {
	for h, want := range map[string]string{
		"":                        "nl",
		"en-GB,en;q=0.9":          "en",
		"nl-NL,nl;q=0.9,en;q=0.8": "nl",
		"de-DE,en;q=0.5,nl;q=0.4": "en",
		"fr":                      "nl",
		"en;q=0.2,nl;q=0.8":       "nl",
		"en;q=garbage":            "en",
	} {
		if got := Negotiate(h); got != want {
			t.Errorf("Negotiate(%q) = %s, want %s", h, got, want)
		}
	}
}

func TestT(t *testing.T) {
	b := MustLoad()
	if got := b.T("xx", "app.name"); got != b.T("nl", "app.name") {
		t.Errorf("unknown language did not fall back to Dutch: %q", got)
	}
	if got := b.T("nl", "no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key: %q", got)
	}
}

func FuzzNegotiate(f *testing.F) {
	f.Add("en-GB,en;q=0.9")
	f.Add(";;,q=,")
	f.Fuzz(func(t *testing.T, h string) {
		if l := Negotiate(h); !Supported(l) {
			t.Fatalf("Negotiate(%q) = %q", h, l)
		}
	})
}
