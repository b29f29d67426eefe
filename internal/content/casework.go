package content

import (
	"slices"
	"strings"
)

// Casework is the content of care coordination (issue 5): the lists a care
// coordinator picks from and the rules of the reflection period. Every label
// is data; the ids are the contract with stored cases.
type Casework struct {
	// ClosingReasons of a case (required when it closes).
	ClosingReasons []Option `yaml:"closingReasons"`
	// ShelterTypes of a placement (COSM, OMM, vrouwenopvang, jeugdzorg, …).
	ShelterTypes []Option `yaml:"shelterTypes"`
	// SupportDomains of the support plan (housing, income, …).
	SupportDomains []Option `yaml:"supportDomains"`
	// SupportStatuses of one support domain.
	SupportStatuses []Option `yaml:"supportStatuses"`
	// DossierTypes of the registration with the national registry.
	DossierTypes []Option `yaml:"dossierTypes"`
	// PermitStatuses of the residence procedure.
	PermitStatuses []Option `yaml:"permitStatuses"`
	// DocumentTypes a document on the timeline may have.
	DocumentTypes []Option `yaml:"documentTypes"`
	// ConsentBases: the client's consent, or a legal basis when consent is
	// not needed.
	ConsentBases []Option `yaml:"consentBases"`
	// ConsentPurposes a share with a partner may serve.
	ConsentPurposes []Option `yaml:"consentPurposes"`
	// ShareableFields: what a consent may cover (the referral issue uses it).
	ShareableFields []Option `yaml:"shareableFields"`
	// ContactKinds of a contact on the timeline.
	ContactKinds []Option `yaml:"contactKinds"`
	// NonPunishmentForms: forms of exploitation for which Baken suggests the
	// non-punishment flag.
	NonPunishmentForms []string `yaml:"nonPunishmentForms"`
	// Reflection is the reflection period (bedenktijd, Vc B8/3).
	Reflection ReflectionRules `yaml:"reflection"`
	// Registration is what the national registry export says of the reporter.
	Registration RegistrationRules `yaml:"registration"`
	// Documents limits the uploads.
	Documents DocumentRules `yaml:"documents"`
	// Sources of these lists.
	Sources []Text `yaml:"sources"`
}

// Option is one entry of a pick list.
type Option struct {
	ID    string `yaml:"id"`
	Label Text   `yaml:"label"`
	Help  Text   `yaml:"help"`
}

// ReflectionRules: the period lasts Months months, or DublinDays days for a
// Dublin case; a warning shows WarnDays days before the end.
type ReflectionRules struct {
	Months     int  `yaml:"months"`
	DublinDays int  `yaml:"dublinDays"`
	WarnDays   int  `yaml:"warnDays"`
	Note       Text `yaml:"note"`
}

// RegistrationRules: ReporterType is the reporter type a care coordinator
// registers as (a partner type id).
type RegistrationRules struct {
	ReporterType string `yaml:"reporterType"`
	Note         Text   `yaml:"note"`
}

// DocumentRules: the largest upload in bytes, the most all documents of one
// case may take together (the per-case storage quota), and the content
// types accepted.
type DocumentRules struct {
	MaxBytes        int64    `yaml:"maxBytes"`
	MaxBytesPerCase int64    `yaml:"maxBytesPerCase"`
	ContentTypes    []string `yaml:"contentTypes"`
}

// OptionIn returns the option with id in list.
func OptionIn(list []Option, id string) (Option, bool) {
	i := slices.IndexFunc(list, func(o Option) bool { return o.ID == id })
	if i < 0 {
		return Option{}, false
	}
	return list[i], true
}

// HasOption reports whether list has an option id.
func HasOption(list []Option, id string) bool { _, ok := OptionIn(list, id); return ok }

func (v *validator) casework() {
	cw := v.c.Casework
	lists := []struct {
		name string
		opts []Option
	}{
		{"closingReasons", cw.ClosingReasons}, {"shelterTypes", cw.ShelterTypes},
		{"supportDomains", cw.SupportDomains}, {"supportStatuses", cw.SupportStatuses},
		{"dossierTypes", cw.DossierTypes}, {"permitStatuses", cw.PermitStatuses},
		{"documentTypes", cw.DocumentTypes}, {"consentBases", cw.ConsentBases},
		{"consentPurposes", cw.ConsentPurposes}, {"shareableFields", cw.ShareableFields},
		{"contactKinds", cw.ContactKinds},
	}
	for _, l := range lists {
		section := "casework." + l.name
		if len(l.opts) == 0 {
			v.add("casework", l.name, "the list is empty")
			continue
		}
		_, names := v.ids(section, idsOf(l.opts, func(o Option) string { return o.ID }), isWord, wordWant)
		for i, o := range l.opts {
			v.text(section, names[i], "label", o.Label)
			v.optionalText(section, names[i], "help", o.Help)
		}
	}
	for _, f := range cw.NonPunishmentForms {
		if v.formSet != nil && !v.formSet[f] {
			v.add("casework", "nonPunishmentForms", "unknown form %q", f)
		}
	}
	r := cw.Reflection
	if r.Months < 1 || r.DublinDays < 1 || r.WarnDays < 1 {
		v.add("casework", "reflection", "months, dublinDays and warnDays must each be at least 1")
	}
	v.optionalText("casework", "reflection", "note", r.Note)
	if v.partnerSet != nil && !v.partnerSet[cw.Registration.ReporterType] {
		v.add("casework", "registration", "reporterType %q is not a partner type", cw.Registration.ReporterType)
	}
	if cw.Documents.MaxBytes < 1 {
		v.add("casework", "documents", "maxBytes must be positive")
	}
	if cw.Documents.MaxBytesPerCase < cw.Documents.MaxBytes {
		v.add("casework", "documents", "maxBytesPerCase must be at least maxBytes")
	}
	if len(cw.Documents.ContentTypes) == 0 {
		v.add("casework", "documents", "contentTypes is empty")
	}
	for _, ct := range cw.Documents.ContentTypes {
		if !strings.Contains(ct, "/") {
			v.add("casework", "documents", "content type %q is not type/subtype", ct)
		}
	}
}
