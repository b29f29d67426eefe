package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/httpx"
	"github.com/baken-nl/baken/internal/i18n"
)

type loginPage struct {
	Form *form
	Next string
}

var loginLabels = map[string]string{"email": "web.login.email", "password": "web.login.password"}

// loginPage shows the sign-in form (or, for a signed-in user, goes on).
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	next := safeNext(r.URL.Query().Get("next"))
	if st.signedIn() {
		redirect(w, r, next)
		return nil
	}
	f := newForm(nil, loginLabels)
	p := s.newPage(r, "web.login.title", loginPage{Form: f, Next: next})
	switch {
	case r.URL.Query().Get("verlopen") == "1":
		p.Notice = "auth.session_expired"
	case r.URL.Query().Get("uitgelogd") == "1":
		p.Notice = "web.login.logged_out"
	}
	return s.render(w, r, http.StatusOK, "login", p)
}

// login checks the credentials, starts a session and goes on to next. The
// same message answers an unknown address and a wrong password.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	email, pw := r.PostForm.Get("email"), r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"))
	f := newForm(url.Values{"email": {email}}, loginLabels)
	if email == "" {
		f.Add("email", "field.required")
	}
	if pw == "" {
		f.Add("password", "field.required")
	}
	status := http.StatusUnprocessableEntity
	// Every attempt counts against the client's address first (F2): a flood
	// from one client is turned away here, before the database and before
	// any hashing, with no processing-log record (no account is involved;
	// the access log has the 429 line).
	if err := s.d.Auth.AllowClient(httpx.ClientKey(httpx.ClientAddr(r, s.d.Cfg.TrustProxy))); err != nil {
		w.Header().Set("Retry-After", errs.RetryAfterHeader(err))
		f.Alert, status = "auth.client_throttled", http.StatusTooManyRequests
		p := s.newPage(r, "web.login.title", loginPage{Form: f, Next: next})
		return s.render(w, r, status, "login", p)
	}
	if !f.Invalid() {
		cookie, u, err := s.d.Auth.Login(r.Context(), email, pw, st.cookie)
		switch {
		case err == nil:
			s.setSession(w, r, cookie)
			s.newCSRF(w, r, st) // a fresh token for the new session: none planted before sign-in survives
			if i18n.Supported(u.Locale) {
				http.SetCookie(w, &http.Cookie{Name: langCookie, Value: u.Locale, Path: "/", MaxAge: 365 * 24 * 3600,
					HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
			}
			redirect(w, r, next)
			return nil
		case errs.Is(err, errs.Unauthenticated):
			f.Alert = "auth.invalid_credentials"
		case errs.Is(err, errs.TooMany):
			f.Alert, status = "auth.locked", http.StatusTooManyRequests
		case errors.Is(err, password.ErrBusy):
			// No room in the hashing memory budget: come back in a moment.
			w.Header().Set("Retry-After", errs.RetryAfterHeader(err))
			f.Alert, status = "auth.busy", http.StatusServiceUnavailable
		default:
			return err
		}
	}
	p := s.newPage(r, "web.login.title", loginPage{Form: f, Next: next})
	return s.render(w, r, status, "login", p)
}

// loginAgain shows the sign-in form again when a field held a character no
// field allows (F6): 400, the typed address kept (cleaned), the error at
// each named field. Nothing was checked: no attempt is counted.
func (s *Server) loginAgain(w http.ResponseWriter, r *http.Request, fields []string) error {
	f := newForm(url.Values{"email": {clean(r.PostForm.Get("email"), false)}}, loginLabels)
	for _, name := range fields {
		if name == "email" || name == "password" {
			f.Add(name, "field.control_chars")
		} else {
			f.Alert = "web.error.bad_form"
		}
	}
	p := s.newPage(r, "web.login.title", loginPage{Form: f, Next: safeNext(clean(r.PostForm.Get("next"), false))})
	return s.render(w, r, http.StatusBadRequest, "login", p)
}

// logout ends the session and clears its cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if st.cookie != "" {
		if err := s.d.Auth.Logout(r.Context(), st.cookie); err != nil {
			return err
		}
	}
	s.clearCookie(w, r, sessionCookie)
	redirect(w, r, "/inloggen?uitgelogd=1")
	return nil
}

// setLanguage switches the language: a cookie for everyone, and the
// account's setting for a signed-in user.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	lang := r.PostForm.Get("lang")
	if !i18n.Supported(lang) {
		return errs.E(errs.Invalid, "user.locale.invalid")
	}
	if st.signedIn() && st.user.Locale != lang {
		if err := s.d.Orgs.SetLocale(r.Context(), st.subject, lang); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	redirect(w, r, safeNext(r.PostForm.Get("next")))
	return nil
}
