// Package content is Baken's embedded, versioned domain catalogue: forms of
// exploitation, the indicator catalogue of INDICATORS.md (ids, dimensions,
// strengths, per-form overrides), frontline signals per department, risk
// factors, advice texts, partner types and the Kader aanpak mensenhandel.
// Everything is data (YAML files in data/), in Dutch and English, validated
// at start-up: a broken file stops Baken with a message naming file and entry.
package content

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

//go:embed data/*.yaml
var dataFS embed.FS

// Text is one text in both languages.
type Text struct {
	NL string `yaml:"nl" json:"nl"`
	EN string `yaml:"en" json:"en"`
}

// In returns the text in lang (Dutch for anything but "en").
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.NL
}

// Strength of an indicator (ILO: strong, medium, weak).
type Strength string

const (
	Strong Strength = "S"
	Medium Strength = "M"
	Weak   Strength = "W"
)

// Population an indicator's strength applies to.
const (
	Adult = "adult"
	Child = "child"
)

// Element of the legal definition a dimension evidences.
const (
	ElementAct     = "act"
	ElementMeans   = "means"
	ElementPurpose = "purpose"
)

// Meta describes the catalogue as a whole.
type Meta struct {
	Version    string `yaml:"version"`    // content version, e.g. 2026.11.1
	Ruleset    string `yaml:"ruleset"`    // version of the assessment rule + indicator strengths
	Disclaimer Text   `yaml:"disclaimer"` // decision support, not a legal determination
	Sources    []Text `yaml:"sources"`
}

// Form is a form of exploitation.
type Form struct {
	ID          string `yaml:"id"`
	Label       Text   `yaml:"label"`
	Explanation Text   `yaml:"explanation"`
}

// Dimension groups indicators (INDICATORS.md).
type Dimension struct {
	ID      string `yaml:"id"`
	Element string `yaml:"element"` // means or purpose
	Label   Text   `yaml:"label"`
	Help    Text   `yaml:"help"`
}

// Override changes an indicator's strength for a suspected form and population.
type Override struct {
	Form       string   `yaml:"form"`
	Population string   `yaml:"population"` // adult or child
	Strength   Strength `yaml:"strength"`
}

// Indicator is one entry of the indicator catalogue; its id is a contract.
type Indicator struct {
	ID        string     `yaml:"id"` // dimension.concept
	Adult     Strength   `yaml:"adult"`
	Child     Strength   `yaml:"child"`
	Overrides []Override `yaml:"overrides"`
	Label     Text       `yaml:"label"`
	Help      Text       `yaml:"help"` // written for a frontline worker

	// The indicator sets of the rule (INDICATORS-2027.1.md, "Indicator sets
	// used by the rule"), as flags validated with the rest of the catalogue.
	// Labour: an exploitation indicator that describes working conditions
	// (only these make a case a labour case). AlsoPurpose: a means indicator
	// that already contains the exploitation (a debt to work off, tasks or
	// clients that cannot be refused, pay held back). Crime: a means
	// indicator that is an offence against the person.
	Labour      bool `yaml:"labour"`
	AlsoPurpose bool `yaml:"alsoPurpose"`
	Crime       bool `yaml:"crime"`
}

// Dimension returns the dimension part of the id.
func (i Indicator) Dimension() string {
	d, _, _ := strings.Cut(i.ID, ".")
	return d
}

// Department is where a frontline worker works.
type Department struct {
	ID    string `yaml:"id"`
	Label Text   `yaml:"label"`
}

// FrontlineSignal is what a worker actually sees, mapped to indicator ids.
type FrontlineSignal struct {
	ID          string   `yaml:"id"`
	Label       Text     `yaml:"label"`
	Help        Text     `yaml:"help"`
	Forms       []string `yaml:"forms"`       // forms it is typical for (empty: any)
	Departments []string `yaml:"departments"` // departments that see it (empty: any)
	Indicators  []string `yaml:"indicators"`  // at least one, unless Context
	// Context: shown and stored with the signal, never counted (ruleset
	// 2027.1): an observation that is no indicator in itself, such as school
	// absence or a planned trip abroad. A context signal maps to no indicator.
	Context bool `yaml:"context"`
}

// RiskFactor raises attention but is never counted as an indicator.
type RiskFactor struct {
	ID    string `yaml:"id"`
	Label Text   `yaml:"label"`
	Help  Text   `yaml:"help"`
}

// Advice is a recommended next step.
type Advice struct {
	ID      string `yaml:"id"`
	Urgent  bool   `yaml:"urgent"`
	Text    Text   `yaml:"text"`
	Partner string `yaml:"partner"` // partner type id, if the advice is to contact one
}

// PartnerType is a kind of chain partner.
type PartnerType struct {
	ID          string `yaml:"id"`
	Label       Text   `yaml:"label"`
	Description Text   `yaml:"description"`
	Contact     Text   `yaml:"contact"` // how to reach them (public numbers), if national
	// Checked is the day (YYYY-MM-DD) the contact was last checked against
	// Sources, the https pages it was checked against. A partner type with a
	// contact needs both (validate.go); pages show the date beside the contact.
	Checked string   `yaml:"checked"`
	Sources []string `yaml:"sources"`
}

// CheckedOn is Checked as a date (UTC midnight), or the zero time when the
// partner type has no (valid) check date.
func (p PartnerType) CheckedOn() time.Time {
	d, err := time.Parse(time.DateOnly, p.Checked)
	if err != nil {
		return time.Time{}
	}
	return d
}

// Theme is one of the five themes of the Kader aanpak mensenhandel.
type Theme struct {
	ID          string          `yaml:"id"`
	Number      int             `yaml:"number"`
	Label       Text            `yaml:"label"`
	Description Text            `yaml:"description"`
	Blocks      []BuildingBlock `yaml:"blocks"`
}

// Levels of a building block.
const (
	Plateau1 = "plateau1" // Basis op orde
	Plateau2 = "plateau2"
)

// BuildingBlock (bouwsteen) of a theme at a level.
type BuildingBlock struct {
	ID          string `yaml:"id"`
	Level       string `yaml:"level"`
	Label       Text   `yaml:"label"`
	Description Text   `yaml:"description"`
}

// Kader is the framework with a note on its wording.
type Kader struct {
	Note   Text    `yaml:"note"` // "Baken's own wording based on the Kader"
	Themes []Theme `yaml:"themes"`
}

// Catalog is the whole loaded content.
type Catalog struct {
	Meta             Meta              `yaml:"meta"`
	Forms            []Form            `yaml:"forms"`
	Dimensions       []Dimension       `yaml:"dimensions"`
	Indicators       []Indicator       `yaml:"indicators"`
	Departments      []Department      `yaml:"departments"`
	FrontlineSignals []FrontlineSignal `yaml:"frontlineSignals"`
	RiskFactors      []RiskFactor      `yaml:"riskFactors"`
	Advice           []Advice          `yaml:"advice"`
	PartnerTypes     []PartnerType     `yaml:"partnerTypes"`
	Kader            Kader             `yaml:"kader"`
	Casework         Casework          `yaml:"casework"`
	// IBP are the IBP 5.11 commitments of a municipality.
	IBP []Commitment `yaml:"ibp"`
	// Explanations are the texts of the rules that fire, by rule id, with
	// fmt verbs where the engine fills in counts or names.
	Explanations map[string]Text `yaml:"explanations"`

	idx *index // lookups, built by Validate (index.go)
}

// Load reads and validates the embedded catalogue.
func Load() (*Catalog, error) { return LoadFS(dataFS, "data") }

// LoadFS reads every *.yaml file in dir of fsys into one catalogue (each
// file holds some of the top-level sections; a section may stand in one file
// only) and validates it. Every problem is reported at once: first those that
// keep files from being read (syntax, unknown fields, a section in two files),
// else every validation problem, each naming the file, section and entry.
func LoadFS(fsys fs.FS, dir string) (*Catalog, error) {
	files, err := fs.Glob(fsys, dir+"/*.yaml")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("content: no data files in %s", dir)
	}
	var c Catalog
	var errs []error
	sectionFile := map[string]string{}
	for _, f := range files { // fs.Glob returns names in lexical order
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			errs = append(errs, fmt.Errorf("content %s: %w", f, err))
			continue
		}
		// Which sections does this file hold? Refuse one section in two files.
		var top map[string]yaml.Node
		if err := yaml.Unmarshal(b, &top); err != nil {
			errs = append(errs, fmt.Errorf("content %s: %w", f, err))
			continue
		}
		keys := slices.Sorted(maps.Keys(top))
		dup := false
		for _, k := range keys {
			if prev, ok := sectionFile[k]; ok {
				errs = append(errs, fmt.Errorf("content %s: section %q is also in %s (a section stands in one file only)", f, k, prev))
				dup = true
				continue
			}
			sectionFile[k] = f
		}
		if dup {
			continue
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			errs = append(errs, fmt.Errorf("content %s: %w", f, err))
			continue
		}
		// A second document would be silently ignored: refuse it.
		var more yaml.Node
		if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
			errs = append(errs, fmt.Errorf("content %s: more than one YAML document (remove the \"---\" separator)", f))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := c.Validate(); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			for i := range ve.Problems {
				ve.Problems[i].File = sectionFile[ve.Problems[i].Section]
			}
		}
		return nil, err
	}
	return &c, nil
}

// MustLoad is Load for tests.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}
