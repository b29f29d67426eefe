package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/baken-nl/baken/internal/app"
	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/store"
)

// outcome is what every surface must agree on for one input.
type outcome struct {
	Outcome    string
	Population string
	Elements   assess.Elements
	Advice     []string // ids, in order
}

func (o outcome) String() string {
	return fmt.Sprintf("%s/%s act=%s means=%s purpose=%s advice=%v", o.Outcome, o.Population, o.Elements.Act, o.Elements.Means, o.Elements.Purpose, o.Advice)
}

func outcomeOf(r assess.Result) outcome {
	o := outcome{Outcome: string(r.Outcome), Population: string(r.Population), Elements: r.Elements}
	for _, a := range r.Advice {
		o.Advice = append(o.Advice, a.ID)
	}
	return o
}

// surface weighs one input the way one part of Baken does.
type surface struct {
	name  string
	weigh func(t *testing.T, in assess.Input) outcome
}

func ptr(n int) *int { return &n }

// sameResultInputs cover every branch that reaches the user: both
// populations, overrides, acute danger, smuggling, the advice rules.
var sameResultInputs = []assess.Input{
	{Age: ptr(34), Forms: []string{"labour"}, Acts: []string{"recruit", "harbour"},
		Indicators: []string{"deception.wages", "exploitation.excessive_hours", "exploitation.low_or_no_pay", "coercion.documents"}},
	{Age: ptr(15), Forms: []string{"sexual"}, AcuteDanger: true,
		Indicators: []string{"exploitation.sexual_services", "exploitation.hazardous_work", "deception.false_relationship"}},
	{Minor: true, Forms: []string{"criminal"}, Acts: []string{"transport"},
		Indicators: []string{"exploitation.forced_criminal_activity"}},
	{Age: ptr(29), Acts: []string{"transport"},
		Smuggling: &assess.Smuggling{BorderCrossingFacilitated: true, Paid: true, Consented: true}},
	{Forms: []string{"labour", "sexual"},
		Indicators: []string{"coercion.forced_tasks_or_clients", "vulnerability.dependency", "recruitment_vulnerability.emotional_dependency", "exploitation.sexual_services"}},
	{Age: ptr(52), Indicators: []string{"exploitation.excessive_hours", "exploitation.earnings_taken"}},
	// Ruleset 2027.1: doubt about age, means without exploitation, forced
	// marriage, adult sex work alone.
	{Age: ptr(19), PossiblyMinor: true, Forms: []string{"sexual"}, Indicators: []string{"exploitation.sexual_services"}},
	{Age: ptr(34), Indicators: []string{"coercion.violence", "coercion.isolation"}},
	{Age: ptr(22), Forms: []string{"forced_marriage"}, Indicators: []string{"recruitment_coercion.abduction", "coercion.threats"}},
	{Age: ptr(24), Forms: []string{"sexual"}, Indicators: []string{"exploitation.sexual_services"}},
}

// TestSameResultEverywhere: the engine itself, POST /api/v1/assessments and
// the page "Signalen wegen" (its plain, script-free submit) give the same
// outcome, population, elements and advice (ids, in order) for the same
// input. Another surface (the CLI) joins by adding to surfaces.
func TestSameResultEverywhere(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			base, a := startBaken(t, d)
			seed(t, a)
			surfaces := []surface{
				{"engine", func(t *testing.T, in assess.Input) outcome {
					r, err := a.Engine.Assess(in, "nl")
					if err != nil {
						t.Fatal(err)
					}
					return outcomeOf(r)
				}},
				{"api", apiSurface(t, base, a)},
				{"web", webSurface(t, base)},
				{"cli", cliSurface(t)},
			}
			for i, in := range sameResultInputs {
				var want outcome
				for j, s := range surfaces {
					got := s.weigh(t, in)
					if j == 0 {
						want = got
						continue
					}
					if got.String() != want.String() {
						t.Errorf("input %d: %s gives %s, %s gives %s", i, s.name, got, surfaces[0].name, want)
					}
				}
				t.Logf("input %d: %s", i, want)
			}
		})
	}
}

var (
	cliOnce sync.Once
	cliBin  string
	cliErr  error
)

// cliSurface runs the real `baken assess` binary (built once) on the input.
func cliSurface(t *testing.T) func(*testing.T, assess.Input) outcome {
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "baken-cli")
		if err != nil {
			cliErr = err
			return
		}
		cliBin = filepath.Join(dir, "baken")
		out, err := exec.Command("go", "build", "-o", cliBin, "github.com/baken-nl/baken/cmd/baken").CombinedOutput()
		if err != nil {
			cliErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return func(t *testing.T, in assess.Input) outcome {
		body, _ := json.Marshal(in)
		cmd := exec.Command(cliBin, "assess")
		cmd.Stdin = bytes.NewReader(body)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("baken assess: %v\n%s", err, stderr.String())
		}
		var r assess.Result
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("baken assess output: %v\n%s", err, out)
		}
		return outcomeOf(r)
	}
}

// apiSurface posts the input as JSON with the demo signaleerder's token.
func apiSurface(t *testing.T, base string, a *app.App) func(*testing.T, assess.Input) outcome {
	ctx := context.Background()
	users, _, err := a.Orgs.ListUsers(ctx, org.System, org.UserFilter{Query: "signaleerder@baken.test", Limit: 1})
	if err != nil || len(users) != 1 {
		t.Fatalf("demo signaleerder: %v %v", users, err)
	}
	token, _, err := a.Auth.CreateToken(ctx, org.System, users[0].ID, "e2e")
	if err != nil {
		t.Fatal(err)
	}
	return func(t *testing.T, in assess.Input) outcome {
		body, _ := json.Marshal(in)
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/assessments", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("api: %d %s", res.StatusCode, data)
		}
		var r assess.Result
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
		return outcomeOf(r)
	}
}

var (
	dataOutcomeRE = regexp.MustCompile(`data-outcome="([^"]+)" data-population="([^"]+)"`)
	dataElementRE = regexp.MustCompile(`data-element="([^"]+)" data-state="([^"]+)"`)
	dataAdviceRE  = regexp.MustCompile(`data-advice="([^"]+)"`)
)

// webSurface signs in as the demo signaleerder and submits the form of
// "Signalen wegen" the way a browser without JavaScript does, reading the
// result from the page's data attributes.
func webSurface(t *testing.T, base string) func(*testing.T, assess.Input) outcome {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf := func() string {
		u, _ := url.Parse(base)
		for _, c := range jar.Cookies(u) {
			if c.Name == "baken_csrf" {
				return c.Value
			}
		}
		return ""
	}
	post := func(t *testing.T, path string, v url.Values) (int, string) {
		v.Set("csrf", csrf())
		res, err := hc.PostForm(base+path, v)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	res, err := hc.Get(base + "/inloggen")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if status, body := post(t, "/inloggen", url.Values{"email": {"signaleerder@baken.test"}, "password": {pw}}); status != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", status, body)
	}
	return func(t *testing.T, in assess.Input) outcome {
		v := url.Values{"forms": in.Forms, "indicators": in.Indicators, "acts": in.Acts}
		if in.Age != nil {
			v.Set("age", strconv.Itoa(*in.Age))
		}
		flag := func(name string, on bool) {
			if on {
				v.Set(name, "1")
			}
		}
		flag("minor", in.Minor)
		flag("possiblyMinor", in.PossiblyMinor)
		flag("acuteDanger", in.AcuteDanger)
		if s := in.Smuggling; s != nil {
			flag("smugglingFacilitated", s.BorderCrossingFacilitated)
			flag("smugglingPaid", s.Paid)
			flag("smugglingConsented", s.Consented)
		}
		status, body := post(t, "/signalen-wegen", v)
		if status != http.StatusOK {
			t.Fatalf("web: %d", status)
		}
		region := body[strings.Index(body, `id="uitkomst"`):]
		m := dataOutcomeRE.FindStringSubmatch(region)
		if m == nil {
			t.Fatalf("web: no data-outcome in the result region")
		}
		o := outcome{Outcome: m[1], Population: m[2]}
		for _, e := range dataElementRE.FindAllStringSubmatch(region, -1) {
			st := assess.ElementState(e[2])
			switch e[1] {
			case "act":
				o.Elements.Act = st
			case "means":
				o.Elements.Means = st
			case "purpose":
				o.Elements.Purpose = st
			}
		}
		for _, a := range dataAdviceRE.FindAllStringSubmatch(region, -1) {
			o.Advice = append(o.Advice, a[1])
		}
		if slices.Contains(o.Advice, "") {
			t.Fatalf("web: an empty advice id")
		}
		return o
	}
}
