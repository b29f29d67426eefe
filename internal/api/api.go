// Package api serves the /api/v1 JSON surface after the NL API Design Rules:
// Bearer tokens, kebab-case paths, camelCase fields, errors as
// application/problem+json (RFC 9457) listing every invalid field at once, an
// API-Version header on every answer, and the OpenAPI 3.1 document at
// /api/v1/openapi.json. Handlers are thin: they decode, call the same service
// methods as the web pages (which check the policy and write the processing
// log) and encode.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/httpx"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/reqctx"
)

// Version is the version of the API contract (semantic versioning), sent as
// the API-Version header and kept equal to info.version of the OpenAPI document.
const Version = "1.0.0"

// BasePath is where the API lives; the major version is part of it.
const BasePath = "/api/v1"

// API is the /api/v1 handler.
type API struct {
	d       Deps
	mux     *http.ServeMux
	h       http.Handler
	maxBody int64
}

// handler is an API endpoint: it returns an error and the wrapper renders it.
// u is the authenticated user (the zero User on public routes).
type handler func(w http.ResponseWriter, r *http.Request, u org.User) error

type route struct {
	pattern string
	public  bool // no token needed
	h       handler
}

// routes is the route table of the API: every entry is described in openapi.json.
func (a *API) routes() []route {
	return append([]route{
		{"GET /api/v1/openapi.json", true, a.openAPI},
		{"GET /api/v1/me", false, a.me},
		{"GET /api/v1/me/tokens", false, a.listTokens},
		{"DELETE /api/v1/me/tokens/{id}", false, a.revokeToken},
		{"GET /api/v1/organisations", false, a.listOrgs},
		{"POST /api/v1/organisations", false, a.createOrg},
		{"GET /api/v1/organisations/{id}", false, a.getOrg},
		{"PUT /api/v1/organisations/{id}", false, a.updateOrg},
		{"GET /api/v1/users", false, a.listUsers},
		{"POST /api/v1/users", false, a.createUser},
		{"GET /api/v1/users/{id}", false, a.getUser},
		{"PUT /api/v1/users/{id}", false, a.updateUser},
		{"GET /api/v1/role-grants", false, a.listRoleGrants},
		{"GET /api/v1/role-grants/{id}", false, a.getRoleGrant},
		{"POST /api/v1/role-grants/{id}/decisions", false, a.decideRoleGrant},
		{"GET /api/v1/processing-log", false, a.listProcessingLog},
		{"POST /api/v1/processing-log/search", false, a.searchProcessingLog},
		{"POST /api/v1/assessments", false, a.assess},
		{"POST /api/v1/signals", false, a.createSignal},
		{"GET /api/v1/signals", false, a.listSignals},
		{"POST /api/v1/signals/search", false, a.searchSignals},
		{"GET /api/v1/signals/inbox", false, a.signalInbox},
		{"GET /api/v1/signals/{id}", false, a.getSignal},
		{"POST /api/v1/signals/{id}/transitions", false, a.transitionSignal},
		{"GET /api/v1/signals/{id}/meldcode", false, a.getMeldcode},
		{"PUT /api/v1/signals/{id}/meldcode", false, a.putMeldcode},
		{"POST /api/v1/signals/{id}/reassessment", false, a.reassessSignal},
		{"GET /api/v1/signals/{id}/assessments", false, a.signalAssessments},
	}, append(a.caseRoutes(), a.kaderRoutes()...)...)
}

// New returns the API handler, to be mounted at "/api/".
func New(d Deps) (http.Handler, error) {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if err := checkOpenAPI(openAPIDoc); err != nil {
		return nil, err
	}
	a := &API{d: d, mux: http.NewServeMux(), maxBody: maxJSONBody}
	if d.Cfg.MaxBody > 0 && d.Cfg.MaxBody < a.maxBody {
		a.maxBody = d.Cfg.MaxBody
	}
	for _, rt := range a.routes() {
		a.mux.HandleFunc(rt.pattern, a.wrap(rt))
	}
	// Bearer tokens are never attached by a browser on its own, so cross-site
	// request forgery cannot use them; the API refuses cross-origin unsafe
	// requests all the same, with a problem like every other refusal.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.SetRoute(r, "cross-origin refused")
		a.writeError(w, r, &problemError{status: http.StatusForbidden, code: errs.Forbidden, key: "api.cross_origin"})
	}))
	a.h = httpx.Recover(d.Logger, a.panicked)(cop.Handler(http.HandlerFunc(a.dispatch)))
	return a, nil
}

// ServeHTTP sets the API-Version header on every answer, errors included.
// Outside the app's middlewares (which give every request an id) it gives the
// request an id itself: problems always carry one.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("API-Version", Version)
	if reqctx.RequestID(r.Context()) == "" {
		httpx.Trace(a.h).ServeHTTP(w, r)
		return
	}
	a.h.ServeHTTP(w, r)
}

// dispatch routes r; paths and methods without a route get a problem.
func (a *API) dispatch(w http.ResponseWriter, r *http.Request) {
	if _, pattern := a.mux.Handler(r); pattern == "" {
		a.unmatched(w, r)
		return
	}
	a.mux.ServeHTTP(w, r)
}

// unmatched answers 405 (with Allow) when the path exists for other
// methods, 404 otherwise, as problems.
func (a *API) unmatched(w http.ResponseWriter, r *http.Request) {
	h, _ := a.mux.Handler(r)
	c := &capture{header: http.Header{}}
	h.ServeHTTP(c, r) // the mux's own 404 or 405 answer, only to read its status and Allow
	if c.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", c.header.Get("Allow"))
		a.writeError(w, r, &problemError{status: http.StatusMethodNotAllowed, code: codeMethodNotAllowed, key: "error.method"})
		return
	}
	a.writeError(w, r, errs.E(errs.NotFound, "api.route_not_found"))
}

// capture is a ResponseWriter that keeps only the status and headers.
type capture struct {
	header http.Header
	status int
}

func (c *capture) Header() http.Header         { return c.header }
func (c *capture) Write(b []byte) (int, error) { return len(b), nil }
func (c *capture) WriteHeader(status int)      { c.status = status }

// panicked answers a recovered panic (logged by httpx.Recover) with a 500 problem.
func (a *API) panicked(w http.ResponseWriter, r *http.Request) {
	a.writeError(w, r, errs.E(errs.Internal, ""))
}

// wrap names the route for logs and metrics, authenticates the caller
// unless the route is public, runs the handler and renders its error.
func (a *API) wrap(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		httpx.SetRoute(r, rt.pattern)
		var u org.User
		var err error
		// Path values and query parameters with characters no field
		// allows (a NUL byte, other control characters, invalid UTF-8)
		// stop here, named, before anything reads them (F6).
		if bad := httpx.BadParams(r); len(bad) > 0 {
			var v errs.Validation
			for _, name := range bad {
				v.Add(name, "field.control_chars")
			}
			err = v.Err()
		}
		if err == nil && !rt.public {
			var tok auth.Token
			u, tok, err = a.authenticate(w, r)
			r = r.WithContext(context.WithValue(r.Context(), tokenKey{}, tok))
		}
		if err == nil {
			err = rt.h(w, r, u)
		}
		if err != nil {
			a.writeError(w, r, err)
		}
	}
}

// authenticate returns the user of the request's Bearer token. Session
// cookies are not accepted: the API is for programs, and a cookie would make
// it open to cross-site requests.
func (a *API) authenticate(w http.ResponseWriter, r *http.Request) (org.User, auth.Token, error) {
	vals := r.Header.Values("Authorization")
	if len(vals) == 0 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="baken"`)
		return org.User{}, auth.Token{}, errs.E(errs.Unauthenticated, "api.unauthenticated")
	}
	scheme, token, _ := strings.Cut(vals[0], " ")
	token = strings.TrimSpace(token)
	if len(vals) > 1 || !strings.EqualFold(scheme, "Bearer") || token == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="baken", error="invalid_request"`)
		return org.User{}, auth.Token{}, errs.E(errs.Unauthenticated, "api.unauthenticated")
	}
	u, tok, err := a.d.Auth.TokenUserAndToken(r.Context(), token)
	if errs.Is(err, errs.Unauthenticated) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="baken", error="invalid_token"`)
	}
	return u, tok, err
}

// tokenKey holds, in a request's context, the public part of the token the
// request was authenticated with (GET /me shows its expiry).
type tokenKey struct{}

// tokenOfRequest returns the token r was authenticated with.
func tokenOfRequest(r *http.Request) auth.Token {
	t, _ := r.Context().Value(tokenKey{}).(auth.Token)
	return t
}
