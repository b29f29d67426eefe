// Package web serves Baken's server-rendered pages: the login, a start page
// per role, the directory of organisations (wie is wie), the administration
// of organisations, users and API tokens, the user's own settings and the
// processing-log viewer. Every page works without JavaScript; htmx only
// enhances.
//
// The shape: one route table (routes), handlers of the form
// func(w, r) error, and one wrapper (Server.wrap) that loads the session,
// checks the CSRF token, requires a signed-in user where needed and renders
// whatever error a handler returns (Server.renderError). The services
// enforce the policy and write the processing log; this package uses
// policy.Can only to decide what to show.
package web

import (
	"fmt"
	"net/http"
	"time"

	_ "time/tzdata" // Europe/Amsterdam on hosts without a zoneinfo database

	"github.com/baken-nl/baken/internal/httpx"
)

// Cookie names.
const (
	sessionCookie = "baken_session"
	csrfCookie    = "baken_csrf"
	langCookie    = "lang"
	csrfField     = "csrf" // the hidden form field holding the CSRF token
)

// Server holds the web pages' dependencies and parsed templates.
type Server struct {
	d      Deps
	tmpl   *templates
	static *assets
	tz     *time.Location
}

// handler is a page handler: it renders or returns an error for the wrapper.
type handler func(w http.ResponseWriter, r *http.Request) error

// access says who may reach a route.
type access int

const (
	public   access = iota // anyone (login, language switch, not found)
	signedIn               // a signed-in user; the handler checks the policy
	asset                  // static files: no session, no CSRF, long caching
	// upload: a signed-in user's multipart upload. The session is loaded and
	// sign-in required, but the wrapper leaves the body alone: the handler
	// reads it (capped, in memory) and must check its token with uploadCSRF.
	upload
)

type route struct {
	pattern string
	access  access
	h       handler
}

// routes is the route table of the web pages. Paths are Dutch: they are
// what users see.
func (s *Server) routes() []route {
	return append([]route{
		{"GET /static/{hash}/{file...}", asset, s.serveStatic},

		{"GET /inloggen", public, s.loginPage},
		{"POST /inloggen", public, s.login},
		{"POST /uitloggen", public, s.logout},
		{"POST /taal", public, s.setLanguage},

		{"GET /{$}", signedIn, s.home},
		{"GET /wie-is-wie", signedIn, s.directory},

		{"GET /signalen-wegen", signedIn, s.assessPageGet},
		{"POST /signalen-wegen", signedIn, s.assessPagePost},
		{"POST /signalen-wegen/uitkomst", signedIn, s.assessResult},
		{"GET /signalen-wegen/uitleg", signedIn, s.assessExplain},

		{"GET /signalen", signedIn, s.signalList},
		{"POST /signalen/zoeken", signedIn, s.signalSearch},
		{"GET /signalen/inbox", signedIn, s.signalInbox},
		{"GET /signalen/nieuw", signedIn, s.signalNew},
		{"POST /signalen/nieuw", signedIn, s.signalCreate},
		{"POST /signalen/nieuw/uitkomst", signedIn, s.signalOutcome},
		{"GET /signalen/{id}", signedIn, s.signalShow},
		{"POST /signalen/{id}/status", signedIn, s.signalTransition},
		{"POST /signalen/{id}/meldcode", signedIn, s.signalMeldcode},
		{"POST /signalen/{id}/herbeoordeling", signedIn, s.signalReassess},
		{"POST /signalen/{id}/herbeoordeling/bewaren", signedIn, s.signalReassessKeep},

		{"GET /account", signedIn, s.account},
		{"POST /account/wachtwoord", signedIn, s.changePassword},
		{"POST /account/tokens", signedIn, s.createToken},
		{"POST /account/tokens/{token}/intrekken", signedIn, s.revokeOwnToken},

		{"GET /beheer/organisaties", signedIn, s.orgList},
		{"GET /beheer/organisaties/nieuw", signedIn, s.orgNew},
		{"POST /beheer/organisaties", signedIn, s.orgCreate},
		{"GET /beheer/organisaties/{id}", signedIn, s.orgEdit},
		{"POST /beheer/organisaties/{id}", signedIn, s.orgUpdate},

		{"GET /beheer/gebruikers", signedIn, s.userList},
		{"POST /beheer/gebruikers/zoeken", signedIn, s.userList},
		{"GET /beheer/gebruikers/nieuw", signedIn, s.userNew},
		{"POST /beheer/gebruikers", signedIn, s.userCreate},
		{"GET /beheer/gebruikers/{id}", signedIn, s.userEdit},
		{"POST /beheer/gebruikers/{id}", signedIn, s.userUpdate},
		{"POST /beheer/gebruikers/{id}/tokens/{token}/intrekken", signedIn, s.revokeUserToken},
		{"GET /beheer/rollen", signedIn, s.grantList},
		{"POST /beheer/rollen/{id}", signedIn, s.grantDecide},

		{"GET /logboek", signedIn, s.auditLog},
		{"POST /logboek", signedIn, s.auditLog},

		// Everything else, any method: the 404 page in the same layout.
		{"/", public, s.notFound},
	}, append(s.caseRoutes(), s.kaderRoutes()...)...)
}

// New returns the web handler.
func New(d Deps) (http.Handler, error) {
	_, h, err := newServer(d)
	return h, err
}

func newServer(d Deps) (*Server, http.Handler, error) {
	if d.Logger == nil || d.Auth == nil || d.Orgs == nil || d.Viewer == nil || d.I18n == nil || d.Content == nil || d.Engine == nil {
		return nil, nil, fmt.Errorf("web: missing dependencies")
	}
	tz, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return nil, nil, fmt.Errorf("web: time zone: %w", err)
	}
	s := &Server{d: d, tz: tz}
	if s.static, err = loadAssets(); err != nil {
		return nil, nil, fmt.Errorf("web: static assets: %w", err)
	}
	if s.tmpl, err = parseTemplates(d.I18n, s.static, tz); err != nil {
		return nil, nil, fmt.Errorf("web: templates: %w", err)
	}
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, s.wrap(rt))
	}
	// The state holder goes in first so that the panic page can still speak
	// the user's language.
	// Go's cross-origin protection refuses unsafe cross-site requests before
	// any handler runs; the refusal gets the same 403 page as a bad CSRF token.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.SetRoute(r, "cross-origin refused")
		s.renderError(w, r, errCSRF)
	}))
	return s, withState(httpx.Recover(d.Logger, s.panicPage)(cop.Handler(mux))), nil
}

// notFound answers every unknown route.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return errNotFound
}
