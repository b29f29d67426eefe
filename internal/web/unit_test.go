package web

import (
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/config"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/fieldcrypt"
	"github.com/baken-nl/baken/internal/httpx"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

// testServer wires the web pages by hand (this package cannot import app).
func testServer(t testing.TB) (*Server, http.Handler) {
	t.Helper()
	db := storetest.New(t, store.SQLite)
	keys, _, err := fieldcrypt.LoadOrCreate(filepath.Join(t.TempDir(), "baken.key"))
	if err != nil {
		t.Fatal(err)
	}
	log := audit.New(keys)
	authSvc, err := auth.NewService(db, log, keys, auth.Config{Params: password.Fast})
	if err != nil {
		t.Fatal(err)
	}
	cat := content.MustLoad()
	engine, err := assess.New(cat)
	if err != nil {
		t.Fatal(err)
	}
	s, h, err := newServer(Deps{Cfg: config.Defaults(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: db, Auth: authSvc,
		Orgs: org.NewService(db, log, password.Fast), Viewer: audit.NewViewer(db, log), I18n: i18n.MustLoad(),
		Content: cat, Engine: engine, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return s, h
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                              "/",
		"/":                             "/",
		"/account":                      "/account",
		"/wie-is-wie?regio=x":           "/wie-is-wie?regio=x",
		"//evil.example":                "/",
		"/\\evil.example":               "/",
		"https://evil.example/":         "/",
		"javascript:alert(1)":           "/",
		"evil.example":                  "/",
		"/%2f%2fevil":                   "/", // decodes to //evil: refused
		"/a\nb":                         "/",
		"/a\x00b":                       "/",
		"///evil":                       "/",
		"/ok#frag":                      "/ok#frag",
		"/" + strings.Repeat("a", 3000): "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSafeNext: whatever comes in, what goes out is a path on this host.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "//x", "/\\x", "https://x", "/a?b=c", "\t/x", "/%0a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := safeNext(s)
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\r\n") {
			t.Fatalf("safeNext(%q) = %q", s, got)
		}
		// What a browser would make of it as a Location: still this host.
		base, _ := url.Parse("https://baken.example/x")
		if r := base.ResolveReference(u); r.Host != "baken.example" {
			t.Fatalf("safeNext(%q) = %q resolves to %s", s, got, r)
		}
	})
}

func TestTelURL(t *testing.T) {
	for in, want := range map[string]string{
		"050 765 43 21": "tel:0507654321",
		"+31 (0)20-1":   "tel:+310201",
		"0900-8844":     "tel:09008844",
		"bel me":        "",
		"":              "",
		"1+2":           "",
	} {
		if got := string(telURL(in)); got != want {
			t.Errorf("telURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPagerLinks(t *testing.T) {
	p := newPager(2, 25, 60, "/x", url.Values{"soort": {"region"}})
	if p.Pages != 3 || p.Prev() != "/x?soort=region" || p.Next() != "/x?pagina=3&soort=region" || p.First() != 26 || p.Last() != 50 {
		t.Errorf("pager %+v prev %q next %q", p, p.Prev(), p.Next())
	}
	if p := newPager(9, 25, 60, "/x", nil); p.Page != 3 || p.HasNext() || p.Last() != 60 {
		t.Errorf("clamped pager %+v", p)
	}
	if p := newPager(1, 25, 0, "/x", nil); p.Pages != 1 || p.First() != 0 || p.Last() != 0 || p.HasPrev() || p.HasNext() {
		t.Errorf("empty pager %+v", p)
	}
}

// TestPanicPage: a panicking handler gives the 500 page with the request
// id, in the visitor's language, and the server goes on.
func TestPanicPage(t *testing.T) {
	s, h := testServer(t)
	boom := s.wrap(route{pattern: "GET /boom", access: public, h: func(http.ResponseWriter, *http.Request) error {
		panic("secret internal detail")
	}})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/boom", nil)
	req.Header.Set("Accept-Language", "en")
	withState(httpx.Recover(s.d.Logger, s.panicPage)(boom)).ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), s.d.I18n.T("en", "web.error.title.500")) ||
		strings.Contains(rec.Body.String(), "secret internal detail") || !strings.Contains(rec.Body.String(), `lang="en"`) {
		t.Errorf("panic page: %d\n%s", rec.Code, rec.Body.String())
	}
	// The real handler still answers.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/inloggen", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("after a panic: %d", rec.Code)
	}
}

func TestCountryNames(t *testing.T) {
	for _, c := range []struct{ lang, code, want string }{
		{"nl", "RO", "Roemenië"}, {"en", "RO", "Romania"}, {"nl", "ng", "Nigeria"}, {"nl", "DE", "Duitsland"},
		{"nl", "XX", "XX"}, {"nl", "", ""}, {"nl", "Roemeens", "Roemeens"},
	} {
		if got := countryName(c.lang, c.code); got != c.want {
			t.Errorf("countryName(%s, %q) = %q, want %q", c.lang, c.code, got, c.want)
		}
	}
	for _, c := range []struct{ lang, code, want string }{
		{"nl", "ro", "Roemeens"}, {"en", "ro", "Romanian"}, {"nl", "pl", "Pools"}, {"nl", "qqq", "qqq"},
	} {
		if got := languageName(c.lang, c.code); got != c.want {
			t.Errorf("languageName(%s, %q) = %q, want %q", c.lang, c.code, got, c.want)
		}
	}
	nl := countriesIn("nl")
	if len(nl) < 240 || len(nl) > 260 {
		t.Errorf("%d countries", len(nl))
	}
	i := slices.IndexFunc(nl, func(c country) bool { return c.Code == "NL" })
	if i < 0 || nl[i].Name != "Nederland" {
		t.Errorf("NL: %+v", nl[max(i, 0)])
	}
	// Sorted by name as Dutch readers sort (ü with u, not after z).
	col := collate.New(language.Dutch)
	for j := 1; j < len(nl); j++ {
		if col.CompareString(nl[j-1].Name, nl[j].Name) > 0 {
			t.Errorf("not sorted: %q before %q", nl[j-1].Name, nl[j].Name)
		}
	}
	if got := countriesIn("en")[0].Name; got != "Afghanistan" {
		t.Errorf("first country in English: %q", got)
	}
}
