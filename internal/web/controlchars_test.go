package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/web"
)

var wildcardRE = regexp.MustCompile(`\{([^}.$]+)(\.\.\.)?\}`)

// TestControlCharactersRefusedAtTheEdge (F6) walks every page route on both
// databases, signed in with several roles, with a NUL byte (and the other
// characters no field allows) in each path value, in query filters and
// cursors, and in posted form fields. None may answer 5xx (PostgreSQL
// refuses NUL in text: before the fix some were 500s); each is a 400 naming
// the field. The login form shows itself again with the field error.
func TestControlCharactersRefusedAtTheEdge(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		clients := []*client{e.client(), e.as(policy.Beheerder), e.as(policy.Zorgcoordinator), e.as(policy.Privacyfunctionaris)}
		for _, c := range clients {
			c.get("/inloggen") // a CSRF cookie for the anonymous one
		}
		const id = "0b3c1a56-8c2e-4f4b-9a43-3c0ad9e8e7a1"
		for _, pattern := range web.RoutePatterns() {
			method, path, ok := strings.Cut(pattern, " ")
			if !ok || strings.HasPrefix(path, "/static/") {
				continue // the catch-all "/" and the static files: a 404 page, nothing read
			}
			path = strings.ReplaceAll(path, "{$}", "")
			for _, bad := range []string{"a\x00b", "a\x1bb", "a\x7fb", "a\xffb"} {
				send := func(c *client, p string, form url.Values) *response {
					if method == http.MethodPost {
						return c.post(p, form)
					}
					return c.get(p)
				}
				check := func(what string, r *response, name string) {
					t.Helper()
					if r.StatusCode >= 500 || r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, name) {
						t.Errorf("%s %s (%s %q): %d, want 400 naming %s\n%s", method, path, what, bad, r.StatusCode, name, excerpt(r.body))
					}
				}
				for _, m := range wildcardRE.FindAllStringSubmatch(path, -1) {
					p := wildcardRE.ReplaceAllStringFunc(path, func(w string) string {
						if w == m[0] {
							return url.PathEscape(bad)
						}
						return id
					})
					for _, c := range clients {
						check("path", send(c, p, nil), m[1])
					}
				}
				p := wildcardRE.ReplaceAllString(path, id)
				for _, name := range []string{"cursor", "status", "q", "regio", "jaar", "next"} {
					for _, c := range clients {
						check("query", send(c, p+"?"+name+"="+url.QueryEscape(bad), nil), name)
					}
				}
				// (The document upload takes multipart bodies: its text fields
				// are checked by its handler with the same rule.)
				if method == http.MethodPost && !strings.HasSuffix(path, "/documenten") {
					for _, name := range []string{"name", "body", "email", "reason", "note", "q"} {
						for _, c := range clients {
							want := name
							if path == "/inloggen" && name != "email" {
								want = `action="/inloggen"` // a field the login form does not have: the form again
							}
							check("form", c.post(p, url.Values{name: {bad}}), want)
						}
					}
				}
			}
		}
		// The login form comes back with the error at the field and what
		// was typed (cleaned); no attempt is counted.
		c := e.client()
		c.get("/inloggen")
		r := c.post("/inloggen", url.Values{"email": {"jan\x00@baken.test"}, "password": {"x"}})
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, `action="/inloggen"`) ||
			!strings.Contains(r.body, "jan\uFFFD@baken.test") || strings.Contains(r.body, "\x00") {
			t.Fatalf("login with NUL: %d\n%s", r.StatusCode, excerpt(r.body))
		}
	})
}
