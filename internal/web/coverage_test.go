package web

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
)

// TestMain checks, after a full run, that the tests rendered every page
// template at least once (goatcounter's TestTemplateExecution idea): a page
// no test renders is a page whose breakage nobody would notice.
func TestMain(m *testing.M) {
	var mu sync.Mutex
	seen := map[string]bool{}
	onRender = func(name string) {
		mu.Lock()
		seen[name] = true
		mu.Unlock()
	}
	flag.Parse()
	code := m.Run()
	full := flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.skip").Value.String() == "" && !testing.Short()
	if code == 0 && full {
		var missing []string
		for _, name := range pageNames() {
			if !seen[name] {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: page templates never rendered by a test: %s\n", strings.Join(missing, ", "))
			code = 1
		}
	}
	os.Exit(code)
}

func pageNames() []string {
	files, _ := fs.Glob(templateFS, "templates/pages/*.html")
	var out []string
	for _, f := range files {
		out = append(out, strings.TrimSuffix(filepath.Base(f), ".html"))
	}
	return out
}

// keyUse finds catalog keys: {{t "key"}} / (t "key") in templates and
// string literals of the form "web.…" in Go code.
var (
	tmplKeyRE = regexp.MustCompile(`(?:\{\{-?\s*|\(|\s)t\s+"([^"]+)"`)
	dictKeyRE = regexp.MustCompile(`"(?:Label|Help|Caption)"\s+"([^"]+)"`)
	goKeyRE   = regexp.MustCompile(`"((?:web|error|auth|field|user|org|password|token)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)"`)
)

// TestCatalogKeysExist fails on a key the templates or the Go code use that
// is missing from either language.
func TestCatalogKeysExist(t *testing.T) {
	b := i18n.MustLoad()
	used := map[string]string{} // key → where
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := templateFS.ReadFile(p)
		if err != nil {
			return err
		}
		for _, re := range []*regexp.Regexp{tmplKeyRE, dictKeyRE} {
			for _, m := range re.FindAllStringSubmatch(string(data), -1) {
				used[m[1]] = p
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKeyRE.FindAllStringSubmatch(string(data), -1) {
			if strings.HasSuffix(m[1], ".") {
				continue
			}
			used[m[1]] = f
		}
	}
	// Keys the code builds: roles, kinds, locales, error titles.
	for _, r := range policy.Roles {
		used["role."+string(r)] = "policy.Roles"
	}
	for _, k := range org.Kinds {
		used["kind."+string(k)] = "org.Kinds"
	}
	for _, l := range org.Locales {
		used["web.locale."+l] = "org.Locales"
	}
	for code, status := range statusOf {
		if status == 401 || code == "" {
			continue // an unauthenticated page request is a redirect to the login
		}
		used[fmt.Sprintf("web.error.title.%d", status)] = "statusOf"
	}
	for _, k := range defaultKey {
		used[k] = "defaultKey"
	}
	// "Signalen wegen" and "Hoe Baken weegt" build keys from the engine's
	// and the catalogue's ids.
	for _, o := range assess.Outcomes {
		for _, suffix := range []string{"", ".meaning", ".when"} {
			used["web.assess.outcome."+string(o)+suffix] = "assess.Outcomes"
		}
	}
	for _, st := range []assess.ElementState{assess.Positive, assess.Indicated, assess.Absent, assess.NotRequired, assess.Reported} {
		used["web.assess.state."+string(st)] = "assess.ElementState"
	}
	for _, el := range []string{content.ElementAct, content.ElementMeans, content.ElementPurpose} {
		used["web.assess.element."+el] = "content elements"
		used["web.assess.model.element."+el] = "content elements"
	}
	for _, p := range []assess.Population{assess.Adult, assess.Child} {
		used["web.assess.population."+string(p)] = "assess.Population"
	}
	for _, sg := range []content.Strength{content.Strong, content.Medium, content.Weak} {
		used["web.assess.strength."+string(sg)] = "content.Strength"
	}
	for _, a := range assess.Acts {
		used["web.assess.act."+a] = "assess.Acts"
	}
	for _, a := range assess.AdviceOrder() {
		used["web.assess.model.advice."+a] = "assess.AdviceOrder"
	}
	for _, f := range []string{"smugglingFacilitated", "smugglingPaid", "smugglingConsented"} {
		used["web.assess."+f] = "assess.html"
	}
	for _, r := range []string{"two_strong", "strong_and_other", "three_medium", "two_medium_one_weak"} {
		used["web.assess.model.positive."+r] = "assess_model.html"
	}
	// The signal pages build keys from the service's ids and field names.
	for _, so := range signal.Sorts {
		used["web.signal.sort."+so] = "signal.Sorts"
	}
	for _, n := range []string{"remark", "note"} {
		used["web.signal.transition."+n] = "signal_show.html"
		used["web.signal.transition."+n+".help"] = "signal_show.html"
	}
	for _, n := range personFields {
		used["web.signal.person."+n] = "personFields"
	}
	for _, n := range []string{"status", "form", "outcome", "department", "municipality", "from", "to", "sort", "cursor"} {
		used["web.signal.filter."+n] = "signals.go list"
	}
	for _, st := range signal.Statuses {
		used["signal.status."+string(st)] = "signal.Statuses"
	}
	for _, r := range signal.ClosingReasons {
		used["signal.reason."+r] = "signal.ClosingReasons"
	}
	for _, a := range signal.AgeBands {
		used["signal.age_band."+a] = "signal.AgeBands"
	}
	for _, g := range signal.Genders {
		used["signal.gender."+g] = "signal.Genders"
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	var keys []string
	for k := range used {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, l := range i18n.Langs {
			if !b.Has(l, k) {
				t.Errorf("%s uses %q, missing from the %s catalog", used[k], k, l)
			}
		}
	}
}
