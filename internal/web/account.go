package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// accountPage is "Mijn account": who one is, the language, the password and
// one's own API tokens.
type accountPage struct {
	User      org.User
	Locales   []string
	Password  *form
	TokenForm *form
	Tokens    []auth.Token
	TokenPage pager
	// NewToken is the secret of a token just created: shown on this one
	// response and nowhere else (not in a URL, a log or a later page).
	NewToken     string
	NewTokenName string
	// TokenDays are the validities a new token can be given (days).
	TokenDays []int
}

var (
	passwordLabels = map[string]string{"current": "web.account.current", "new": "web.account.new", "repeat": "web.account.repeat"}
	tokenLabels    = map[string]string{"name": "web.token.name", "days": "web.token.days"}
)

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, ap accountPage) error {
	st := stateOf(r)
	ap.User, ap.Locales, ap.TokenDays = st.user, org.Locales, auth.TokenDayChoices
	if ap.Password == nil {
		ap.Password = newForm(nil, passwordLabels)
	}
	if ap.TokenForm == nil {
		ap.TokenForm = newForm(nil, tokenLabels)
	}
	if policy.Can(st.subject, policy.ManageTokens, st.user.Resource()) {
		all, err := s.d.Auth.ListTokens(r.Context(), st.subject, st.user.ID)
		if err != nil {
			return err
		}
		ap.Tokens, ap.TokenPage = pageTokens(r, all, "/account")
	}
	p := s.newPage(r, "web.account.title", ap)
	p.Self = "/account"
	p.Notice = notice(r)
	return s.render(w, r, status, "account", p)
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, http.StatusOK, accountPage{})
}

// changePassword changes the own password; the other sessions of the user
// end, this one stays.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	cur, next, repeat := r.PostForm.Get("current"), r.PostForm.Get("new"), r.PostForm.Get("repeat")
	// Passwords are never put back in the form; the choice to revoke the tokens is.
	f := newForm(url.Values{"revoke_tokens": {r.PostForm.Get("revoke_tokens")}}, passwordLabels)
	if next != repeat {
		// Report every problem at once, as the service would.
		if cur == "" {
			f.Add("current", "field.required")
		}
		if utf8.RuneCountInString(next) < password.MinLength {
			f.Add("new", "password.too_short")
		}
		f.Add("repeat", "web.account.repeat_mismatch")
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, accountPage{Password: f})
	}
	revokeTokens := r.PostForm.Get("revoke_tokens") == "1"
	err := s.d.Auth.GuardPasswordChange(r.Context(), st.subject, func() error {
		return s.d.Orgs.ChangePassword(r.Context(), st.subject, st.session.ID, cur, next, revokeTokens)
	})
	if errs.Is(err, errs.TooMany) {
		f.Add("current", "auth.locked")
		return s.renderAccount(w, r, http.StatusTooManyRequests, accountPage{Password: f})
	}
	if err == nil {
		redirect(w, r, "/account?melding=wachtwoord")
		return nil
	}
	status, err := formProblem(f, err)
	if err != nil {
		return err
	}
	return s.renderAccount(w, r, status, accountPage{Password: f})
}

// createToken makes an API token and shows its secret once, on this
// response (no redirect: the secret must not travel in a URL).
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	name, daysText := r.PostForm.Get("name"), r.PostForm.Get("days")
	f := newForm(url.Values{"name": {name}, "days": {daysText}}, tokenLabels)
	days := auth.DefaultTokenDays
	if daysText != "" {
		var err error
		if days, err = strconv.Atoi(daysText); err != nil {
			days = 0 // not a number: refused by the service with the other problems
		}
	}
	secret, tok, err := s.d.Auth.CreateTokenFor(r.Context(), st.subject, st.user.ID, name, days)
	if err != nil {
		status, err := formProblem(f, err)
		if err != nil {
			return err
		}
		return s.renderAccount(w, r, status, accountPage{TokenForm: f})
	}
	return s.renderAccount(w, r, http.StatusCreated, accountPage{NewToken: secret, NewTokenName: tok.Name})
}

func (s *Server) revokeOwnToken(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	id := r.PathValue("token")
	tokens, err := s.d.Auth.ListTokens(r.Context(), st.subject, st.user.ID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(tokens, func(t auth.Token) bool { return t.ID == id }) {
		return errNotFound
	}
	if err := s.d.Auth.RevokeToken(r.Context(), st.subject, id); err != nil {
		return err
	}
	redirect(w, r, "/account?melding=token_ingetrokken")
	return nil
}
