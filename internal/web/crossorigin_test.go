package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/baken-nl/baken/internal/policy"
)

// A cross-site form post (a page elsewhere submitting to Baken) is refused
// by the cross-origin protection, even with a valid CSRF token, with the
// same 403 page, and changes nothing.
func TestCrossSitePostRefusedWithPage(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		c := e.as(policy.Signaleerder)
		c.header.Set("Sec-Fetch-Site", "cross-site")
		r := c.post("/taal", url.Values{"lang": {"en"}})
		r.wantStatus(t, http.StatusForbidden).wantContains(t, tr("nl", "error.csrf"), "<main")
		c.header.Del("Sec-Fetch-Site")
		// Still Dutch, still signed in.
		c.get("/").wantStatus(t, http.StatusOK).wantContains(t, `lang="nl"`)
	})
}
