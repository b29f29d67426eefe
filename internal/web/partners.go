package web

import (
	"strconv"
	"time"
)

// partnerContact is a national chain partner's public contact as a page shows
// it: in the page's language, with the day it was checked against its sources
// (content.PartnerType: checked, sources).
type partnerContact struct {
	ID, Label, Contact string
	Checked            string // YYYY-MM-DD, for <time datetime>
	CheckedText        string // "gecontroleerd op 4 december 2026"
	Sources            []string
}

// partnerContacts are the partner types of the catalogue that have a public
// national contact, in catalogue order. Validation guarantees each such
// contact a check date and sources.
func (s *Server) partnerContacts(lang string) []partnerContact {
	var out []partnerContact
	for _, p := range s.d.Content.PartnerTypes {
		if p.Contact.NL == "" {
			continue
		}
		out = append(out, partnerContact{ID: p.ID, Label: p.Label.In(lang), Contact: p.Contact.In(lang),
			Checked: p.Checked, CheckedText: s.d.I18n.T(lang, "web.partners.checked", s.longDate(lang, p.CheckedOn())),
			Sources: p.Sources})
	}
	return out
}

// longDate writes a day as "4 december 2026" (nl) or "4 December 2026" (en).
func (s *Server) longDate(lang string, d time.Time) string {
	return s.d.I18n.T(lang, "web.date.long", d.Day(), s.d.I18n.T(lang, "web.month."+strconv.Itoa(int(d.Month()))), d.Year())
}
