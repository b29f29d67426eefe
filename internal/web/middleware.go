package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/httpx"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/reqctx"
)

// Errors the wrapper renders.
var (
	errNotFound  = errs.E(errs.NotFound, "error.not_found")
	errForbidden = errs.E(errs.Forbidden, "error.forbidden")
	errCSRF      = errs.E(errs.Forbidden, "error.csrf")
)

// state is what the wrapper learns about a request: who is signed in, in
// which language they read, and the CSRF token of their browser.
type state struct {
	user    org.User
	subject policy.Subject
	session auth.Session
	cookie  string // the raw session cookie ("id.secret"), for logout and rotation
	expired bool   // a session cookie came in but no longer works
	lang    string
	csrf    string
}

func (st *state) signedIn() bool { return st.user.ID != "" }

type stateKey struct{}

// withState puts an empty state holder in the context. The wrapper fills it;
// the panic page, which sees the outer request, reads the same holder.
func withState(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &state{lang: i18n.Default}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), stateKey{}, st)))
	})
}

func stateOf(r *http.Request) *state {
	if st, ok := r.Context().Value(stateKey{}).(*state); ok {
		return st
	}
	return &state{lang: i18n.Default}
}

// wrap turns a route into an http.Handler: it names the route for logs and
// metrics, loads the session, checks the CSRF token on unsafe requests,
// requires a signed-in user where the route says so, and renders the error
// the handler returns.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.SetRoute(r, rt.pattern)
		st := stateOf(r)
		if rt.access == asset {
			// No session work for assets; an unknown one gets the 404 page.
			if err := rt.h(w, r); err != nil {
				if lerr := s.load(w, r, st); lerr != nil {
					err = lerr
				}
				s.renderError(w, r, err)
			}
			return
		}
		err := s.load(w, r, st)
		if err == nil {
			err = checkParams(r)
		}
		if err == nil {
			err = s.guard(r, rt, st)
		}
		if err == nil {
			err = rt.h(w, r)
		}
		var bad *badInputError
		if errors.As(err, &bad) && bad.form {
			if again, ok := s.formAgain()[rt.pattern]; ok {
				err = again(w, r, bad.fields)
			}
		}
		if err != nil {
			s.renderError(w, r, err)
		}
	})
}

// load reads the session, the language and the CSRF token.
func (s *Server) load(w http.ResponseWriter, r *http.Request, st *state) error {
	st.lang = i18n.Negotiate(r.Header.Get("Accept-Language"))
	if c, err := r.Cookie(langCookie); err == nil && i18n.Supported(c.Value) {
		st.lang = c.Value
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		u, sess, err := s.d.Auth.SessionUser(r.Context(), c.Value)
		switch {
		case errs.Is(err, errs.Unauthenticated):
			st.expired = true
			s.clearCookie(w, r, sessionCookie)
		case err != nil:
			return err
		default:
			st.user, st.subject, st.session, st.cookie = u, u.Subject(), sess, c.Value
			if i18n.Supported(u.Locale) {
				st.lang = u.Locale
			}
		}
	}
	if c, err := r.Cookie(csrfCookie); err == nil && validToken(c.Value) {
		st.csrf = c.Value
	} else {
		s.newCSRF(w, r, st)
	}
	return nil
}

// guard applies the CSRF check and the sign-in requirement.
func (s *Server) guard(r *http.Request, rt route, st *state) error {
	if rt.access == upload {
		if !unsafeMethod(r.Method) {
			return errs.E(errs.NotFound, "error.not_found")
		}
		if !st.signedIn() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		return nil // the handler checks the token: uploadCSRF
	}
	if unsafeMethod(r.Method) {
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return &errs.Error{Code: errs.TooLarge, Key: "error.too_large", Err: err}
			}
			return &errs.Error{Code: errs.Invalid, Key: "web.error.bad_form", Err: err}
		}
		// Double submit: the hidden field must equal the cookie. Both are
		// random, so an attacker can neither read nor guess them.
		got := r.PostForm.Get(csrfField)
		if st.csrf == "" || subtle.ConstantTimeCompare([]byte(got), []byte(st.csrf)) != 1 {
			s.d.Logger.WarnContext(r.Context(), "csrf token missing or wrong",
				slog.String("request_id", reqctx.RequestID(r.Context())), slog.String("route", rt.pattern))
			return errCSRF
		}
		// Form fields with characters no field allows stop here (F6).
		if bad := httpx.BadFields(r.PostForm); len(bad) > 0 {
			return &badInputError{fields: bad, form: true}
		}
	}
	if rt.access == signedIn && !st.signedIn() {
		return errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	return nil
}

// badInputError is a request with characters no field allows (a NUL byte,
// another control character, invalid UTF-8) in the named path values, query
// parameters or form fields (F6): a 400, never passed on to a handler.
// form says the fields are of the posted form: a page registered in
// formAgain shows its form again with the error at each field.
type badInputError struct {
	fields []string
	form   bool
}

func (e *badInputError) Error() string {
	return "characters not allowed in " + strings.Join(e.fields, ", ")
}

// checkParams refuses path values and query parameters with characters no
// field allows (httpx.BadParams: one rule for the pages and the API).
func checkParams(r *http.Request) error {
	if bad := httpx.BadParams(r); len(bad) > 0 {
		return &badInputError{fields: bad}
	}
	return nil
}

// formAgain lists the pages that show their form again, with the field
// error, when a posted field holds a character no field allows; other
// routes answer the 400 page naming the fields.
func (s *Server) formAgain() map[string]func(w http.ResponseWriter, r *http.Request, fields []string) error {
	return map[string]func(w http.ResponseWriter, r *http.Request, fields []string) error{
		"POST /inloggen": s.loginAgain,
	}
}

// clean replaces what ValidText refuses by U+FFFD, to show a typed value
// again without the offending characters.
func clean(v string, multiline bool) string {
	v = strings.ToValidUTF8(v, "\uFFFD")
	return strings.Map(func(c rune) rune {
		if c < 0x20 && !(multiline && (c == '\t' || c == '\n' || c == '\r')) || c == 0x7f {
			return '\uFFFD'
		}
		return c
	}, v)
}

// uploadCSRF is the CSRF check of an upload route, on the token its handler
// read from the multipart body.
func (s *Server) uploadCSRF(r *http.Request, st *state, token string) error {
	if st.csrf == "" || subtle.ConstantTimeCompare([]byte(token), []byte(st.csrf)) != 1 {
		s.d.Logger.WarnContext(r.Context(), "csrf token missing or wrong",
			slog.String("request_id", reqctx.RequestID(r.Context())), slog.String("route", r.Pattern))
		return errCSRF
	}
	return nil
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// newCSRF gives the browser a fresh CSRF token (at first contact and at sign-in).
func (s *Server) newCSRF(w http.ResponseWriter, r *http.Request, st *state) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	st.csrf = base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: st.csrf, Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
}

func validToken(v string) bool {
	if len(v) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(v)
	return err == nil
}

// secure reports whether cookies must carry the Secure attribute.
func (s *Server) secure(r *http.Request) bool {
	return s.d.Cfg.SecureCookies() || httpx.IsTLS(r, s.d.Cfg.TrustProxy)
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
}

// setSession sets the session cookie: HttpOnly, SameSite=Lax (links from
// e-mail open while signed in; unsafe requests are guarded by the CSRF token
// and the cross-origin check), no Max-Age (it ends with the browser; the
// server ends it after the idle or absolute timeout anyway).
func (s *Server) setSession(w http.ResponseWriter, r *http.Request, value string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: value, Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
}

// safeNext returns a local path to go to after sign-in or a language
// switch; anything else (another host, a scheme, //host, backslashes,
// control characters) becomes "/".
func safeNext(next string) string {
	if next == "" || len(next) > 2000 || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}

// redirect answers 303 See Other (or, for an htmx request, asks htmx to
// navigate, so that a redirect never lands inside a page fragment).
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// redirectToLogin sends a visitor without a (working) session to the login
// page, remembering where they were going when that is a page (GET).
func (s *Server) redirectToLogin(w http.ResponseWriter, r *http.Request, st *state) {
	q := url.Values{}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		if next := safeNext(r.URL.RequestURI()); next != "/" {
			q.Set("next", next)
		}
	}
	if st.expired {
		q.Set("verlopen", "1")
	}
	to := "/inloggen"
	if len(q) > 0 {
		to += "?" + q.Encode()
	}
	redirect(w, r, to)
}
