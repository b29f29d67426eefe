package content

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// phoneRE finds telephone numbers in a contact text: 112, 0800-2000,
// 033-448 11 86, +31 70 333 44 44 (runs of fewer than three digits, such as
// the 24 of "24 uur" or the hours 09.00, are no numbers: see phoneNumbers).
var phoneRE = regexp.MustCompile(`\+?\d[\d -]*\d`)

func phoneNumbers(text string) []string {
	var out []string
	for _, m := range phoneRE.FindAllString(text, -1) {
		m = strings.TrimSpace(m)
		if strings.Count(m, "")-1-strings.Count(m, " ")-strings.Count(m, "-")-strings.Count(m, "+") >= 3 {
			out = append(out, m)
		}
	}
	return out
}

// verifiedNumbers are the numbers of partners.yaml, each checked on the day in
// `checked` against a page in `sources` (docs/content.md, "Contactgegevens").
// A number in a contact that is not listed here fails the test: check it
// against a page you can read first, then add it here and to the docs.
var verifiedNumbers = map[string][]string{
	"politie":                 {"112", "0900-8844", "0800-7000"},
	"arbeidsinspectie":        {"0800-5151", "+31 70 333 44 44"},
	"veilig_thuis":            {"0800-2000"},
	"lkha":                    {"0800-2000"}, // Veilig Thuis; the LKHA's own number was not verified
	"centrum_seksueel_geweld": {"0800-0188"},
	"comensha":                {"033-448 11 86", "+31 33 448 11 86", "112"},
	"nidos":                   {"0800-2000"}, // Veilig Thuis; Nidos's own number was not verified
	"raad_kinderbescherming":  {"0800-2000"},
	"slachtofferhulp":         {"0900-0101"},
}

// TestPartnerContactsChecked: every contact in the embedded catalogue is dated
// and sourced, holds only verified numbers, and says what CONTENT-REVIEW.md §4
// asked for.
func TestPartnerContactsChecked(t *testing.T) {
	c := MustLoad()
	withContact := 0
	for _, p := range c.PartnerTypes {
		if p.Contact.NL == "" {
			if _, listed := verifiedNumbers[p.ID]; listed {
				t.Errorf("%s: listed with verified numbers but has no contact", p.ID)
			}
			continue
		}
		withContact++
		if p.CheckedOn().IsZero() || len(p.Sources) == 0 {
			t.Errorf("%s: contact without check date (%q) or sources (%d)", p.ID, p.Checked, len(p.Sources))
		}
		for _, lang := range []string{"nl", "en"} {
			for _, n := range phoneNumbers(p.Contact.In(lang)) {
				if !slices.Contains(verifiedNumbers[p.ID], n) {
					t.Errorf("%s (%s): number %q is not among the verified numbers %v", p.ID, lang, n, verifiedNumbers[p.ID])
				}
			}
		}
	}
	if withContact != len(verifiedNumbers)+1 { // fairwork: a website only
		t.Errorf("%d partner types with a contact, want %d", withContact, len(verifiedNumbers)+1)
	}

	// The new partner types of §4, with the ids the advice refers to.
	for id, want := range map[string][]string{
		"lkha":                    {"Veilig Thuis Haaglanden", "huwelijksdwangenachterlating.nl", "0800-2000"},
		"centrum_seksueel_geweld": {"0800-0188", "7 dagen", "24 uur per dag"},
		"nidos":                   {"Beschermde Opvang", "nidos.nl"},
		"raad_kinderbescherming":  {"Via Veilig Thuis", "illegale adoptie"},
		"slachtofferhulp":         {"0900-0101", "strafproces", "schadevergoeding"},
		// The corrections of §4 and F9, F13, F15.
		"arbeidsinspectie": {"+31 70 333 44 44", "Team Criminele Inlichtingen (TCI)"},
		"comensha":         {"maandag tot en met vrijdag van 09.00 tot 17.00", "geen 24-uurslijn"},
		"fairwork":         {"internationale werknemers", "ongedocumenteerd"},
		"politie":          {"zonder rechtmatig verblijf", "B8/3"},
	} {
		p, ok := c.PartnerType(id)
		if !ok {
			t.Errorf("partner type %s is missing", id)
			continue
		}
		all := p.Label.NL + " " + p.Description.NL + " " + p.Contact.NL
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: Dutch text lacks %q", id, w)
			}
		}
	}
	// The politie no longer offers the reflection period to everyone.
	if p, _ := c.PartnerType("politie"); strings.Contains(p.Description.NL, "biedt de politie een mogelijk slachtoffer de bedenktijd aan") {
		t.Error("politie: the reflection period is still offered to every possible victim")
	}
}

func TestCheckedOn(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2026-12-04": time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC),
		"":           {},
		"2026-13-01": {},
		"4-12-2026":  {},
	} {
		if got := (PartnerType{Checked: in}).CheckedOn(); !got.Equal(want) {
			t.Errorf("CheckedOn(%q) = %v, want %v", in, got, want)
		}
	}
}
