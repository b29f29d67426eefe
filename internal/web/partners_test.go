package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/baken-nl/baken/internal/policy"
)

// TestDirectoryPartnerContacts: the who-is-who shows every national partner
// contact with the day it was checked, in the reader's language, and the
// pages it was checked against; partner types without a contact are not listed.
func TestDirectoryPartnerContacts(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		cat := e.app.Content
		c := e.as(policy.Signaleerder)
		r := c.get("/wie-is-wie").wantStatus(t, http.StatusOK)
		r.wantContains(t, "data-partner-contacts", tr("nl", "web.partners.heading"), tr("nl", "web.partners.intro"),
			// The five partner types CONTENT-REVIEW.md §4 asked for, with the check date.
			`data-partner-type="lkha"`, `data-partner-type="centrum_seksueel_geweld"`, `data-partner-type="nidos"`,
			`data-partner-type="raad_kinderbescherming"`, `data-partner-type="slachtofferhulp"`,
			`<time datetime="2026-12-04">gecontroleerd op 4 december 2026</time>`, "0800-0188", "0900-0101", html("+31 70 333 44 44"))
		r.wantLacks(t, `data-partner-type="kmar"`, `data-partner-type="riec"`, "checked on")
		listed := 0
		for _, p := range cat.PartnerTypes {
			if p.Contact.NL == "" {
				r.wantLacks(t, `data-partner-type="`+p.ID+`"`)
				continue
			}
			listed++
			r.wantContains(t, `data-partner-type="`+p.ID+`"`, html(p.Label.NL), html(p.Contact.NL), `data-checked="`+p.Checked+`"`,
				tr("nl", "web.partners.sources", p.Label.NL))
			for _, src := range p.Sources {
				r.wantContains(t, `href="`+src+`" rel="noreferrer">`+esc(src)+`</a>`)
			}
		}
		if listed < 10 {
			t.Errorf("only %d partner types with a contact listed", listed)
		}
		// A chain partner sees the same list; in English, the English texts and date.
		k := e.as(policy.Ketenpartner)
		k.post("/taal", url.Values{"lang": {"en"}, "next": {"/wie-is-wie"}}).wantStatus(t, http.StatusSeeOther)
		en := k.get("/wie-is-wie").wantStatus(t, http.StatusOK)
		lkha, _ := cat.PartnerType("lkha")
		en.wantContains(t, `<html lang="en"`, tr("en", "web.partners.heading"), html(lkha.Label.EN), html(lkha.Contact.EN),
			`<time datetime="2026-12-04">checked on 4 December 2026</time>`)
		en.wantLacks(t, "gecontroleerd op")
	})
}
