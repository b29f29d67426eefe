package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/app"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/config"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

// testPassword is every seeded user's password.
const testPassword = "correct horse battery staple"

// env is a running Baken (the real app wiring, both dialects) with a small
// world: two regions, a municipality in each, a police unit, a national body
// and one user per role.
type env struct {
	t     testing.TB
	app   *app.App
	srv   *httptest.Server
	logs  *syncBuffer
	clock *testClock

	noord, zuid, gemA, gemC, politie, landelijk org.Organisation
	users                                       map[policy.Role]org.User
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testClock is the database clock; tests move it to expire sessions.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// eachDialect runs fn on SQLite and (with BAKEN_TEST_POSTGRES_URL) PostgreSQL.
func eachDialect(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, newEnv(t, d, nil))
		})
	}
}

func newEnv(t testing.TB, d store.Dialect, tweak func(*config.Config)) *env {
	t.Helper()
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.DB = storetest.URL(t, d)
	cfg.KeyFile = filepath.Join(t.TempDir(), "baken.key")
	if tweak != nil {
		tweak(&cfg)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clock := &testClock{}
	a, err := app.Open(ctx, cfg, logger, app.Options{PasswordParams: password.Fast, Clock: clock.now})
	if err != nil {
		t.Fatalf("app.Open: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	h, err := a.Handler()
	if err != nil {
		t.Fatalf("Handler: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &env{t: t, app: a, srv: srv, logs: logs, clock: clock, users: map[policy.Role]org.User{}}
	e.seed()
	return e
}

func (e *env) seed() {
	e.t.Helper()
	mk := func(in org.OrgInput) org.Organisation {
		o, err := e.app.Orgs.CreateOrg(context.Background(), org.System, in)
		if err != nil {
			e.t.Fatalf("CreateOrg %s: %v", in.Name, err)
		}
		return o
	}
	e.landelijk = mk(org.OrgInput{Kind: org.National, Name: "Landelijk Knooppunt", ContactEmail: "info@knooppunt.example", ContactPhone: "030 123 45 67"})
	e.noord = mk(org.OrgInput{Kind: org.Region, Name: "Noord", ContactEmail: "zorgcoordinatie@noord.example", ContactPhone: "050 765 43 21"})
	e.zuid = mk(org.OrgInput{Kind: org.Region, Name: "Zuid", ContactEmail: "zorgcoordinatie@zuid.example"})
	e.gemA = mk(org.OrgInput{Kind: org.Municipality, Name: "Gemeente A", RegionID: e.noord.ID, ContactEmail: "mensenhandel@gemeente-a.example"})
	e.gemC = mk(org.OrgInput{Kind: org.Municipality, Name: "Gemeente C", RegionID: e.zuid.ID})
	e.politie = mk(org.OrgInput{Kind: org.Partner, Name: "Politie Noord", RegionID: e.noord.ID, PartnerType: "politie", ContactPhone: "0900-8844"})
	for _, u := range []struct {
		role  policy.Role
		email string
		orgID string
	}{
		{policy.Beheerder, "admin@baken.test", e.landelijk.ID},
		{policy.Beleidsmedewerker, "beleid@baken.test", e.gemA.ID},
		{policy.Signaleerder, "signaleerder@baken.test", e.gemA.ID},
		{policy.Zorgcoordinator, "zorgcoordinator@baken.test", e.noord.ID},
		{policy.Ketenpartner, "partner@baken.test", e.politie.ID},
		{policy.Analist, "analist@baken.test", e.noord.ID},
		{policy.Privacyfunctionaris, "fg@baken.test", e.landelijk.ID},
	} {
		e.users[u.role] = e.addUser(u.email, "Test "+string(u.role), u.orgID, u.role)
	}
}

func (e *env) addUser(email, name, orgID string, roles ...policy.Role) org.User {
	e.t.Helper()
	u, err := e.app.Orgs.CreateUser(context.Background(), org.System, org.UserInput{Email: email, Name: name,
		OrganisationID: orgID, Roles: roles, Locale: "nl", Password: testPassword})
	if err != nil {
		e.t.Fatalf("CreateUser %s: %v", email, err)
	}
	return u
}

// client is a browser: a cookie jar, no automatic redirects.
type client struct {
	t      testing.TB
	e      *env
	hc     *http.Client
	header http.Header // sent with every request
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, e: e, header: http.Header{}, hc: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	*http.Response
	body string
}

func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	for k, v := range c.header {
		req.Header[k] = v
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return &response{Response: res, body: string(b)}
}

func (c *client) get(path string) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	return c.do(req)
}

// post sends a form with the browser's CSRF token, unless the form sets
// "csrf" itself (an empty value sends none).
func (c *client) post(path string, form url.Values) *response {
	c.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if _, ok := f["csrf"]; !ok {
		f.Set("csrf", c.cookie("baken_csrf"))
	} else if f.Get("csrf") == "" {
		f.Del("csrf")
	}
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// follow GETs the Location of a redirect.
func (c *client) follow(r *response) *response {
	c.t.Helper()
	if r.StatusCode < 300 || r.StatusCode > 399 {
		c.t.Fatalf("want a redirect, got %d", r.StatusCode)
	}
	return c.get(r.Header.Get("Location"))
}

func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.e.srv.URL)
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func (c *client) setCookie(name, value string) {
	u, _ := url.Parse(c.e.srv.URL)
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// login signs in through the form (fetching it first, as a browser does).
func (c *client) login(email string) {
	c.t.Helper()
	if r := c.get("/inloggen"); r.StatusCode != http.StatusOK {
		c.t.Fatalf("GET /inloggen: %d", r.StatusCode)
	}
	r := c.post("/inloggen", url.Values{"email": {email}, "password": {testPassword}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		c.t.Fatalf("login %s: %d %s\n%s", email, r.StatusCode, r.Header.Get("Location"), r.body)
	}
}

func (e *env) as(role policy.Role) *client {
	c := e.client()
	c.login(e.users[role].Email)
	return c
}

func (r *response) wantStatus(t *testing.T, want int) *response {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, excerpt(r.body))
	}
	return r
}

func (r *response) wantContains(t *testing.T, subs ...string) *response {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(r.body, s) {
			t.Errorf("%s %s: body lacks %q\n%s", r.Request.Method, r.Request.URL.Path, s, excerpt(r.body))
		}
	}
	return r
}

func (r *response) wantLacks(t *testing.T, subs ...string) *response {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(r.body, s) {
			t.Errorf("%s %s: body holds %q", r.Request.Method, r.Request.URL.Path, s)
		}
	}
	return r
}

// excerpt is the main content of a page, for failure messages.
func excerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 3000 {
		body = body[:3000] + "…"
	}
	return body
}

// esc is how html/template writes s in text.
func esc(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(s)
}

var assetRE = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
