package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/reqctx"
)

//go:embed templates
var templateFS embed.FS

// templates holds, per language, every page parsed together with the layout
// and the partials. Parsing once per language binds the `t` function to that
// language, so templates write {{t "key"}}.
type templates struct {
	pages map[string]map[string]*template.Template // lang → page name → template
	names []string                                 // page names, sorted
}

// onRender, when set (by the tests), hears the name of every page rendered.
var onRender func(name string)

func parseTemplates(b *i18n.Bundle, a *assets, tz *time.Location) (*templates, error) {
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New("no page templates")
	}
	ts := &templates{pages: map[string]map[string]*template.Template{}}
	for _, f := range files {
		ts.names = append(ts.names, strings.TrimSuffix(path.Base(f), ".html"))
	}
	for _, lang := range i18n.Langs {
		base, err := template.New("layout.html").Funcs(funcs(b, lang, a, tz)).
			ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
		if err != nil {
			return nil, err
		}
		ts.pages[lang] = map[string]*template.Template{}
		for i, f := range files {
			t, err := template.Must(base.Clone()).ParseFS(templateFS, f)
			if err != nil {
				return nil, err
			}
			if t.Lookup("content") == nil {
				return nil, fmt.Errorf("%s: defines no \"content\"", f)
			}
			ts.pages[lang][ts.names[i]] = t
		}
	}
	return ts, nil
}

func funcs(b *i18n.Bundle, lang string, a *assets, tz *time.Location) template.FuncMap {
	return template.FuncMap{
		// t translates a catalog key into the page's language.
		"t": func(key string, args ...any) string { return b.T(lang, key, args...) },
		// asset is the content-hashed URL of a static file.
		"asset": a.url,
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, errors.New("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(tz).Format("2006-01-02 15:04:05")
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(tz).Format("2006-01-02")
		},
		"tel":      telURL,
		"roleKey":  func(r policy.Role) string { return "role." + string(r) },
		"kindKey":  func(k org.Kind) string { return "kind." + string(k) },
		"add":      func(a, b int) int { return a + b },
		"activity": activityName,
		"list":     func(xs ...string) []string { return xs },
		// countries, country and language: names of ISO codes in the page's language.
		"countries": func() []country { return countriesIn(lang) },
		"country":   func(code string) string { return countryName(lang, code) },
		"language":  func(code string) string { return languageName(lang, code) },
	}
}

// telURL makes a tel: link from a phone number ("" when it holds anything
// but digits, spaces, dashes, brackets and a leading plus).
func telURL(phone string) template.URL {
	var b strings.Builder
	for i, c := range phone {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == '+' && i == 0:
			b.WriteRune(c)
		case c == ' ' || c == '-' || c == '(' || c == ')':
		default:
			return ""
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return template.URL("tel:" + b.String())
}

// page is what the layout needs, plus the page's own data.
type page struct {
	Lang      string
	Title     string // translated page title
	User      *org.User
	Nav       []navItem
	CSRF      string
	Self      string // this page's URL, where the language switch returns
	RequestID string
	Version   string
	Notice    string // catalog key of a notice above the content
	Data      any
}

type navItem struct {
	Href, Key string
	Current   bool
	Count     int // the inbox badge: -1 for none
}

// nav lists the pages the subject may use, in this order. An entry is shown
// when the policy allows its action on the resource res gives (a list when
// res is nil; res may also rule the entry out); also are further path
// prefixes under which the entry is the current one.
var nav = []struct {
	href, key string
	action    policy.Action
	coord     bool // care coordinators only
	res       func(st *state) (policy.Resource, bool)
	also      []string
}{
	{"/", "web.nav.home", policy.UseApp, false, nil, nil},
	{"/signalen/nieuw", "web.nav.signal_new", policy.ListSignals, false, nil, nil},
	{"/signalen", "web.nav.signals", policy.ListSignals, false, nil, nil},
	{"/signalen/inbox", "web.nav.inbox", policy.ListSignals, true, nil, nil},
	{"/casussen", "web.case.nav", policy.ListCases, false, nil, nil},
	{"/signalen-wegen", "web.nav.assess", policy.UseApp, false, nil, nil},
	{"/zelfevaluatie", "web.kader.nav.rounds", policy.ReadSelfAssessment, false, ownMunicipality, []string{"/acties"}},
	{"/regio-overzicht", "web.kader.nav.region", policy.ReadRegionKader, false, ownRegion, nil},
	{"/wie-is-wie", "web.nav.directory", policy.ReadOrg, false, nil, nil},
	{"/beheer/organisaties", "web.nav.orgs", policy.ManageOrg, false, nil, nil},
	{"/beheer/gebruikers", "web.nav.users", policy.ManageUser, false, nil, nil},
	{"/beheer/rollen", "web.nav.grants", policy.ApproveRole, false, nil, nil},
	{"/logboek", "web.nav.log", policy.ReadAudit, false, nil, nil},
	{"/account", "web.nav.account", policy.EditProfile, false, self, nil},
}

func self(st *state) (policy.Resource, bool) {
	return policy.Resource{ID: st.user.ID, OwnerID: st.user.ID}, true
}

// ownMunicipality: the user's own organisation, when it is a municipality
// (a self-assessment is a municipality's).
func ownMunicipality(st *state) (policy.Resource, bool) {
	o := st.user.Organisation
	return policy.Resource{OrgID: o.ID, RegionID: o.Region()}, o.Kind == org.Municipality
}

// ownRegion: the user's region; a national user may open any region (the
// policy decides whether their role may).
func ownRegion(st *state) (policy.Resource, bool) {
	if st.subject.RegionID == "" && st.subject.National {
		return policy.Resource{RegionID: "any"}, true
	}
	return policy.Resource{RegionID: st.subject.RegionID}, st.subject.RegionID != ""
}

func navFor(st *state, current string) []navItem {
	if !st.signedIn() {
		return nil
	}
	var out []navItem
	for _, n := range nav {
		res := policy.Resource{}
		if n.res != nil {
			r, ok := n.res(st)
			if !ok {
				continue
			}
			res = r
		}
		if !policy.Can(st.subject, n.action, res) || n.coord && !st.subject.Has(policy.Zorgcoordinator) {
			continue
		}
		cur := false
		for _, h := range append([]string{n.href}, n.also...) {
			cur = cur || current == h || h != "/" && strings.HasPrefix(current, h+"/")
		}
		out = append(out, navItem{Href: n.href, Key: n.key, Current: cur, Count: -1})
	}
	// Only the closest entry is current (/signalen/inbox, not also /signalen).
	best := -1
	for i, it := range out {
		if it.Current && (best < 0 || len(it.Href) > len(out[best].Href)) {
			best = i
		}
	}
	for i := range out {
		out[i].Current = i == best
	}
	return out
}

// newPage starts a page with the layout's data filled in.
func (s *Server) newPage(r *http.Request, titleKey string, data any) *page {
	st := stateOf(r)
	p := &page{Lang: st.lang, Title: s.d.I18n.T(st.lang, titleKey), CSRF: st.csrf,
		RequestID: reqctx.RequestID(r.Context()), Version: s.d.Version, Data: data}
	if st.signedIn() {
		u := st.user
		p.User = &u
	}
	if r.Method == http.MethodGet {
		p.Self = safeNext(r.URL.RequestURI())
	} else {
		p.Self = safeNext(r.URL.Path)
	}
	p.Nav = navFor(st, r.URL.Path)
	for i := range p.Nav {
		if p.Nav[i].Href == "/signalen/inbox" {
			p.Nav[i].Count = s.inboxCount(r, st)
		}
	}
	return p
}

// render executes a page into a buffer and then writes it, so that a
// template failure never leaves half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) error {
	t := s.tmpl.pages[p.Lang][name]
	if t == nil {
		t = s.tmpl.pages[i18n.Default][name]
	}
	if t == nil {
		return fmt.Errorf("render: no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if onRender != nil {
		onRender(name)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", p.Lang)
	h.Set("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	if err != nil {
		s.d.Logger.DebugContext(r.Context(), "write page", slog.Any("err", err))
	}
	return nil
}

// renderFragment executes one block of a page's templates (no layout) and
// writes it: the part of a page that htmx swaps in.
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, status int, name, block string, p *page) error {
	t := s.tmpl.pages[p.Lang][name]
	if t == nil {
		t = s.tmpl.pages[i18n.Default][name]
	}
	if t == nil || t.Lookup(block) == nil {
		return fmt.Errorf("render: no block %q in page template %q", block, name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, p); err != nil {
		return fmt.Errorf("render %s/%s: %w", name, block, err)
	}
	if onRender != nil {
		onRender(name + "#" + block)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", p.Lang)
	h.Set("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	if _, err := w.Write(buf.Bytes()); err != nil {
		s.d.Logger.DebugContext(r.Context(), "write fragment", slog.Any("err", err))
	}
	return nil
}

// errorPage is the data of the error page.
type errorPage struct {
	Status  int
	Message string // catalog key
	Arg     string // the message's argument, if any
}

// statusOf is errs.Statuses: one mapping for pages and API.
var statusOf = errs.Statuses

var defaultKey = map[errs.Code]string{
	errs.Invalid:     "error.validation",
	errs.Forbidden:   "error.forbidden",
	errs.NotFound:    "error.not_found",
	errs.Conflict:    "error.conflict",
	errs.TooLarge:    "error.too_large",
	errs.TooMany:     "error.too_many",
	errs.Unavailable: "error.unavailable",
	errs.Internal:    "error.internal",
}

// renderError is the one place that turns an error into a response: a
// redirect to the login page for a missing session, else the error page
// with the status of the error's code. Internal failures are logged with the
// request id and shown only as "internal error" and that id.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	st := stateOf(r)
	code := errs.CodeOf(err)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		code = errs.TooLarge
	}
	var bad *badInputError
	if errors.As(err, &bad) {
		code = errs.Invalid // 400, naming the fields
	}
	if code == errs.Unauthenticated {
		s.redirectToLogin(w, r, st)
		return
	}
	status, ok := statusOf[code]
	if !ok {
		code, status = errs.Internal, http.StatusInternalServerError
	}
	key := defaultKey[code]
	if e := errs.As(err); e != nil && e.Key != "" && code != errs.Internal && code != errs.Unavailable && s.d.I18n.Has(st.lang, e.Key) {
		key = e.Key
	}
	if status >= 500 {
		s.d.Logger.ErrorContext(r.Context(), "page failed", slog.String("request_id", reqctx.RequestID(r.Context())),
			slog.String("method", r.Method), slog.Int("status", status), slog.Any("err", err))
	}
	if ra := errs.RetryAfterHeader(err); ra != "" {
		w.Header().Set("Retry-After", ra)
	}
	ep := errorPage{Status: status, Message: key}
	if bad != nil {
		ep.Message, ep.Arg = "web.error.control_chars", clean(strings.Join(bad.fields, ", "), false)
	}
	p := s.newPage(r, "web.error.title."+strconv.Itoa(status), ep)
	if p.Title == "web.error.title."+strconv.Itoa(status) {
		p.Title = s.d.I18n.T(st.lang, "web.error.title.other")
	}
	if rerr := s.render(w, r, status, "error", p); rerr != nil {
		s.d.Logger.ErrorContext(r.Context(), "error page failed", slog.String("request_id", reqctx.RequestID(r.Context())), slog.Any("err", rerr))
		http.Error(w, "internal error, request id "+reqctx.RequestID(r.Context()), http.StatusInternalServerError)
	}
}

// panicPage renders the 500 page after a panic (httpx.Recover logged it).
func (s *Server) panicPage(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, errs.E(errs.Internal, "error.internal"))
}
