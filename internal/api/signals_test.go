package api_test

import (
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// addUser adds a user with a token to the world of e.
func (e *env) addUser(t testing.TB, label string, o org.Organisation, roles ...policy.Role) {
	t.Helper()
	u, err := e.a.Orgs.CreateUser(e.ctx, org.System, org.UserInput{Email: strings.ToLower(label) + "@baken.test",
		Name: "Test " + label, OrganisationID: o.ID, Roles: roles, Password: testPassword})
	if err != nil {
		t.Fatalf("create user %s: %v", label, err)
	}
	secret, tok, err := e.a.Auth.CreateToken(e.ctx, org.System, u.ID, "test")
	if err != nil {
		t.Fatalf("create token %s: %v", label, err)
	}
	e.users[label], e.tokens[label], e.tokenIDs[label] = u, secret, tok.ID
}

// signalWorld adds the users the signal tests need beside the harness's.
func signalWorld(t testing.TB, e *env) {
	e.addUser(t, "zorgZuid", e.zuid, policy.Zorgcoordinator)
	e.addUser(t, "analistNoord", e.noord, policy.Analist)
	e.addUser(t, "signaleerderA2", e.gemA, policy.Signaleerder)
}

// signalBody is a realistic API body: a Wmo consultant's home visit.
func signalBody() map[string]any {
	return map[string]any{
		"department":  "wmo",
		"observedOn":  "2026-02-27",
		"place":       "Oosterstraat 12b, Groningen",
		"cameToLight": "Huisbezoek voor een Wmo-aanvraag",
		"persons": []map[string]any{
			{"alias": "Mirela", "birthYear": 1999, "gender": "female", "nationality": "RO", "language": "ro",
				"name": "Mirela Popescu", "contact": "06 9876 5432"},
			{"alias": "A.K.", "ageBand": "25_34", "gender": "female"},
		},
		"narrative":        "Tijdens het huisbezoek zei Mirela dat 'de baas' haar paspoort heeft.",
		"riskFactors":      []string{"schulden"},
		"frontlineSignals": []string{"ander_voert_het_woord"},
		"consultation":     false,
		"acuteDanger":      false,
		"assessment": map[string]any{
			"forms":      []string{"sexual"},
			"indicators": []string{"exploitation.earnings_taken", "coercion.violence"},
		},
	}
}

type signalJSON struct {
	ID, Reference, Status, ReporterID string
	Version                           int
	Persons                           []struct{ ID, Alias, Name string }
	Narrative                         string
	Assessment                        struct{ Outcome string }
	History                           []struct{ To, Remark, Note string }
}

type signalConflict struct {
	Code    string
	Current signalJSON
}

func (e *env) createSignal(t testing.TB, label string, body any) signalJSON {
	t.Helper()
	a := e.do(t, "POST", "/api/v1/signals", body, e.as(label)).want(t, http.StatusCreated)
	var s signalJSON
	a.decode(t, &s)
	if got := a.header.Get("Location"); got != "/api/v1/signals/"+s.ID {
		t.Fatalf("Location %q, want /api/v1/signals/%s", got, s.ID)
	}
	return s
}

// listIDs returns the ids of every page of GET /signals for label, or nil
// with the status when the list is refused.
func (e *env) listIDs(t testing.TB, label, query string) ([]string, int) {
	t.Helper()
	var ids []string
	path := "/api/v1/signals?limit=2"
	if query != "" {
		path += "&" + query
	}
	for range 100 {
		a := e.do(t, "GET", path, nil, e.as(label))
		if a.status != http.StatusOK {
			return nil, a.status
		}
		var p struct {
			Items []struct{ ID string }
			Next  *string
		}
		a.decode(t, &p)
		for _, it := range p.Items {
			ids = append(ids, it.ID)
		}
		if p.Next == nil {
			return ids, http.StatusOK
		}
		path = "/api/v1/signals?limit=2&cursor=" + *p.Next
		if query != "" {
			path += "&" + query
		}
	}
	t.Fatal("pagination does not end")
	return nil, 0
}

func TestSignalCreateAndAccess(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		signalWorld(t, e)
		s := e.createSignal(t, "signaleerderA", signalBody())
		if !regexp.MustCompile(`^SIG-\d{4}-\d{6}$`).MatchString(s.Reference) || s.Status != "new" || s.Version != 1 ||
			s.Assessment.Outcome == "" || len(s.Persons) != 2 || s.ReporterID != e.users["signaleerderA"].ID {
			t.Fatalf("created %+v", s)
		}
		// A second one, so the lists page.
		for range 2 {
			e.createSignal(t, "signaleerderA", signalBody())
		}
		for _, label := range []string{"signaleerderA", "zorgNoord"} {
			a := e.do(t, "GET", "/api/v1/signals/"+s.ID, nil, e.as(label)).want(t, http.StatusOK)
			var got signalJSON
			a.decode(t, &got)
			if got.Reference != s.Reference || got.Persons[0].Alias != "Mirela" || got.Narrative == "" {
				t.Errorf("%s reads %+v", label, got)
			}
			ids, status := e.listIDs(t, label, "")
			if status != http.StatusOK || len(ids) != 3 || !slices.Contains(ids, s.ID) {
				t.Errorf("%s lists %v (%d), want the 3 signals", label, ids, status)
			}
		}
		var box struct{ New, InProgress, MoreInfoRequested int }
		e.do(t, "GET", "/api/v1/signals/inbox", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &box)
		if box.New != 3 {
			t.Errorf("zorgNoord's inbox %+v, want 3 new", box)
		}
		e.do(t, "GET", "/api/v1/signals/inbox", nil, e.as("zorgZuid")).want(t, http.StatusOK).decode(t, &box)
		if box.New != 0 {
			t.Errorf("zorgZuid's inbox %+v, want none", box)
		}
		for _, label := range []string{"zorgZuid", "partner", "analistNoord", "admin", "adminA", "fg", "beleidA",
			"signaleerderA2", "signaleerderC"} {
			e.do(t, "GET", "/api/v1/signals/"+s.ID, nil, e.as(label)).wantProblem(t, http.StatusNotFound, "not_found")
			ids, status := e.listIDs(t, label, "")
			if len(ids) != 0 || status != http.StatusOK && status != http.StatusForbidden {
				t.Errorf("%s lists %v (%d), want nothing", label, ids, status)
			}
		}
		e.do(t, "GET", "/api/v1/signals/nope", nil, e.as("zorgNoord")).wantProblem(t, http.StatusNotFound, "not_found")
		e.do(t, "GET", "/api/v1/signals/"+s.ID, nil).wantProblem(t, http.StatusUnauthorized, "unauthenticated")

		// Search by alias and by reference: a body, never a URL.
		for _, c := range []struct {
			label, query string
			want         int
		}{
			{"zorgNoord", "mirela", 3}, {"zorgNoord", strings.ToLower(s.Reference), 1}, {"zorgZuid", "Mirela", 0},
			{"signaleerderA2", s.Reference, 0},
		} {
			var p struct{ Items []struct{ ID string } }
			e.do(t, "POST", "/api/v1/signals/search", map[string]any{"query": c.query}, e.as(c.label)).want(t, http.StatusOK).decode(t, &p)
			if len(p.Items) != c.want {
				t.Errorf("%s searching %q finds %d, want %d", c.label, c.query, len(p.Items), c.want)
			}
		}
		p := e.do(t, "GET", "/api/v1/signals?alias=Mirela", nil, e.as("zorgNoord")).wantProblem(t, http.StatusBadRequest, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"alias:api.param.unknown"}) {
			t.Errorf("alias in the URL: %v", got)
		}
		// Filters.
		if ids, _ := e.listIDs(t, "zorgNoord", "status=closed"); len(ids) != 0 {
			t.Errorf("status=closed lists %v", ids)
		}
		if ids, _ := e.listIDs(t, "zorgNoord", "department=wmo&form=sexual&sort=oldest&municipalityId="+e.gemA.ID); len(ids) != 3 {
			t.Errorf("filters list %v, want 3", ids)
		}
		p = e.do(t, "GET", "/api/v1/signals?status=lost&sort=random&limit=0&from=yesterday", nil, e.as("zorgNoord")).
			wantProblem(t, http.StatusBadRequest, "invalid")
		if got := p.params(); len(got) != 2 { // query parameters first; the service's checks follow once they pass
			t.Errorf("bad parameters: %v", got)
		}
		p = e.do(t, "GET", "/api/v1/signals?status=lost&sort=random", nil, e.as("zorgNoord")).wantProblem(t, http.StatusBadRequest, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"sort:signal.sort.invalid", "status:signal.status.invalid"}) {
			t.Errorf("bad filters: %v", got)
		}
	})
}

func TestSignalTransitions(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		signalWorld(t, e)
		s := e.createSignal(t, "signaleerderA", signalBody())
		path := "/api/v1/signals/" + s.ID + "/transitions"
		var got signalJSON
		e.do(t, "POST", path, map[string]any{"to": "in_progress", "remark": "We pakken het op.", "note": "Intern: bel wijkagent.", "version": 1},
			e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &got)
		if got.Status != "in_progress" || got.Version != 2 || len(got.History) != 2 || got.History[1].Note == "" {
			t.Fatalf("after the transition: %+v", got)
		}
		// The same change again, on the version seen before: stale, with the current state.
		a := e.do(t, "POST", path, map[string]any{"to": "in_progress", "version": 1}, e.as("zorgNoord"))
		a.wantProblem(t, http.StatusConflict, "conflict")
		var c signalConflict
		a.decode(t, &c)
		if c.Current.ID != s.ID || c.Current.Version != 2 || c.Current.Status != "in_progress" {
			t.Errorf("stale: current %+v", c.Current)
		}
		// A move the whitelist does not allow.
		a = e.do(t, "POST", path, map[string]any{"to": "new", "version": 2}, e.as("zorgNoord"))
		if p := a.wantProblem(t, http.StatusConflict, "conflict"); !strings.Contains(string(a.body), `"current"`) || p.Detail == "" {
			t.Errorf("invalid transition: %s", a.body)
		}
		a.decode(t, &c)
		if c.Current.Version != 2 {
			t.Errorf("invalid transition: current %+v", c.Current)
		}
		// Bad bodies.
		for _, c := range []struct {
			body any
			want []string
		}{
			{map[string]any{"to": "closed", "version": 2}, []string{"reason:signal.reason.required"}},
			{map[string]any{"to": "in_progress"}, []string{"version:field.required"}},
			{map[string]any{"to": "gone", "version": 2}, []string{"to:signal.status.invalid"}},
			// converted only by opening a case from the signal (F10)
			{map[string]any{"to": "converted", "version": 2}, []string{"to:signal.convert.through_case"}},
			{map[string]any{"to": "closed", "version": "2", "colour": "red"}, []string{"colour:api.field.unknown", "version:api.field.type"}},
			{`{"to": "closed",`, nil},
		} {
			p := e.do(t, "POST", path, c.body, e.as("zorgNoord")).wantProblem(t, http.StatusBadRequest, "invalid")
			if c.want != nil && !slices.Equal(p.params(), c.want) {
				t.Errorf("%v: %v, want %v", c.body, p.params(), c.want)
			}
		}
		// Who may not.
		e.do(t, "POST", path, map[string]any{"to": "closed", "reason": "duplicate", "version": 2}, e.as("signaleerderA")).
			wantProblem(t, http.StatusForbidden, "forbidden")
		for _, label := range []string{"zorgZuid", "partner", "admin", "signaleerderA2"} {
			e.do(t, "POST", path, map[string]any{"to": "closed", "reason": "duplicate", "version": 2}, e.as(label)).
				wantProblem(t, http.StatusNotFound, "not_found")
		}
		e.do(t, "POST", path, map[string]any{"to": "closed", "reason": "referred_police", "version": 2}, e.as("zorgNoord")).
			want(t, http.StatusOK).decode(t, &got)
		if got.Status != "closed" || got.Version != 3 {
			t.Errorf("closed: %+v", got)
		}
		// The reporter sees the status and the public remark, not the internal note.
		got = signalJSON{} // decoding into the old value would keep its notes
		e.do(t, "GET", "/api/v1/signals/"+s.ID, nil, e.as("signaleerderA")).want(t, http.StatusOK).decode(t, &got)
		if got.Status != "closed" || got.History[1].Remark != "We pakken het op." || got.History[1].Note != "" {
			t.Errorf("the reporter reads %+v", got)
		}
		e.do(t, "POST", path, map[string]any{"to": "in_progress", "version": 3}, e.as("zorgNoord")).
			wantProblem(t, http.StatusConflict, "conflict")
	})
}

func TestSignalCreateInvalid(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		signalWorld(t, e)
		with := func(change func(b map[string]any)) map[string]any {
			b := signalBody()
			change(b)
			return b
		}
		future := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
		for _, c := range []struct {
			name   string
			body   any
			ct     string
			status int
			want   []string // name:code of every invalid param; nil: not checked
		}{
			{"malformed", `{"department": "wmo",`, "", 400, nil},
			{"not an object", `[1, 2]`, "", 400, nil},
			{"empty", ``, "", 400, nil},
			{"wrong types", with(func(b map[string]any) { b["observedOn"] = 20260227; b["consultation"] = "no" }), "", 400,
				[]string{"consultation:api.field.type", "observedOn:api.field.type"}},
			{"unknown fields", with(func(b map[string]any) { b["colour"] = "red"; b["Department"] = "wmo" }), "", 400,
				[]string{"Department:api.field.unknown", "colour:api.field.unknown"}},
			{"unknown person field", with(func(b map[string]any) { b["persons"] = []map[string]any{{"alias": "X", "shoeSize": 42}} }), "", 400,
				[]string{"persons[0].shoeSize:api.field.unknown"}},
			{"nested problems named precisely", with(func(b map[string]any) {
				b["persons"] = []map[string]any{{"alias": "X", "shoeSize": 42}, {"BirthYear": 1990, "birthYear": "1990"}}
				b["assessment"] = map[string]any{"indicators": "coercion.violence", "Forms": []string{"x"}, "smuggling": map[string]any{"paid": "yes"}}
			}), "", 400, []string{"assessment.Forms:api.field.unknown", "assessment.indicators:api.field.type",
				"assessment.smuggling.paid:api.field.type", "persons[0].shoeSize:api.field.unknown",
				"persons[1].BirthYear:api.field.unknown", "persons[1].birthYear:api.field.type"}},
			{"unknown ids", with(func(b map[string]any) {
				b["assessment"] = map[string]any{"forms": []string{"magic"}, "indicators": []string{"coercion.violence", "coercion.nope"}}
				b["frontlineSignals"] = []string{"nope"}
				b["department"] = "nope"
			}), "", 400, []string{"assessment.forms[0]", "assessment.indicators[1]", "department", "frontlineSignals[0]"}},
			{"possiblyMinor of the wrong type", with(func(b map[string]any) {
				b["assessment"] = map[string]any{"possiblyMinor": "misschien", "indicators": []string{"coercion.violence"}}
			}), "", 400, []string{"assessment.possiblyMinor:api.field.type"}},
			{"a context signal as an indicator, an unknown department", with(func(b map[string]any) {
				b["assessment"] = map[string]any{"indicators": []string{"coercion.violence", "verzuim_van_school", "altijd_bereikbaar"}}
				b["department"] = "afdeling_x"
			}), "", 400, []string{"assessment.indicators[1]:assess.indicator.context_signal", "assessment.indicators[2]:assess.indicator.signal", "department:signal.department.unknown"}},
			{"future date", with(func(b map[string]any) { b["observedOn"] = future }), "", 400, []string{"observedOn:signal.observed_on.future"}},
			{"narrative too long", with(func(b map[string]any) { b["narrative"] = strings.Repeat("x", 10001) }), "", 400, []string{"narrative:field.too_long"}},
			{"body too large", with(func(b map[string]any) { b["narrative"] = strings.Repeat("x", 300<<10) }), "", 413, nil},
			{"media type", signalBody(), "text/plain", 415, nil},
			{"consultation with personal data", with(func(b map[string]any) { b["consultation"] = true }), "", 400, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				opts := []opt{e.as("signaleerderA")}
				if c.ct != "" {
					opts = append(opts, header("Content-Type", c.ct))
				}
				a := e.do(t, "POST", "/api/v1/signals", c.body, opts...)
				if a.status != c.status {
					t.Fatalf("status %d, want %d: %s", a.status, c.status, a.body)
				}
				if c.want != nil {
					var got []string
					for _, p := range a.problem(t).InvalidParams {
						if strings.Contains(c.want[0], ":") {
							got = append(got, p.Name+":"+p.Code)
						} else {
							got = append(got, p.Name)
						}
					}
					slices.Sort(got)
					if !slices.Equal(got, c.want) {
						t.Errorf("invalid params %v, want %v", got, c.want)
					}
				}
				for _, table := range []string{"signals", "signal_persons", "signal_events", "signal_forms"} {
					if n := e.count(table); n != 0 {
						t.Errorf("%d rows in %s after a refused signal", n, table)
					}
				}
			})
		}
		// Who may not record at all.
		for _, label := range []string{"partner", "analistNoord", "admin", "fg"} {
			a := e.do(t, "POST", "/api/v1/signals", signalBody(), e.as(label))
			if a.status != http.StatusForbidden && a.status != http.StatusBadRequest {
				t.Errorf("%s records a signal: %d %s", label, a.status, a.body)
			}
		}
		// A signaleerder of Gemeente A may not record for Gemeente C.
		e.do(t, "POST", "/api/v1/signals", with(func(b map[string]any) { b["municipalityId"] = e.gemC.ID }), e.as("signaleerderA")).
			wantProblem(t, http.StatusForbidden, "forbidden")
		if n := e.count("signals"); n != 0 {
			t.Errorf("%d signals stored", n)
		}
		// A consultation without personal data is fine.
		s := e.createSignal(t, "signaleerderA", map[string]any{"department": "schuldhulp", "observedOn": "2026-03-01",
			"consultation": true, "persons": []map[string]any{{"ageBand": "12_17", "gender": "male"}},
			"assessment": map[string]any{"forms": []string{"criminal"}, "indicators": []string{"exploitation.forced_criminal_activity"}, "acuteDanger": true}})
		if s.Status != "new" {
			t.Errorf("consultation: %+v", s)
		}
	})
}

// TestSignalTransitionRace: coordinators of the region acting on the same
// signal at once: exactly one wins, every other gets a 409 with the state
// the winner left.
func TestSignalTransitionRace(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		for i := range 5 {
			e.addUser(t, "zorgNoord"+strconv.Itoa(i), e.noord, policy.Zorgcoordinator)
		}
		s := e.createSignal(t, "signaleerderA", signalBody())
		var wg sync.WaitGroup
		answers := make([]answer, 5)
		for i := range 5 {
			wg.Go(func() {
				answers[i] = e.do(t, "POST", "/api/v1/signals/"+s.ID+"/transitions",
					map[string]any{"to": "in_progress", "version": 1}, e.as("zorgNoord"+strconv.Itoa(i)))
			})
		}
		wg.Wait()
		won := 0
		for _, a := range answers {
			switch a.status {
			case http.StatusOK:
				won++
			case http.StatusConflict:
				var c signalConflict
				a.decode(t, &c)
				if c.Current.Version != 2 || c.Current.Status != "in_progress" {
					t.Errorf("the loser sees %+v", c.Current)
				}
			default:
				t.Errorf("status %d: %s", a.status, a.body)
			}
		}
		if won != 1 {
			t.Errorf("%d winners, want 1", won)
		}
		var got signalJSON
		e.do(t, "GET", "/api/v1/signals/"+s.ID, nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &got)
		if got.Version != 2 || len(got.History) != 2 {
			t.Errorf("after the race: version %d, %d events", got.Version, len(got.History))
		}
	})
}

// TestSignalAssessmentLanguage: with Accept-Language: en the assessment of
// a signal is the engine's re-run on the stored input in English (same
// ruleset: same result, other words), Content-Language en; once the ruleset
// has changed since the signal was recorded, the stored Dutch texts, and
// Content-Language nl says so.
func TestSignalAssessmentLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		created := e.createSignal(t, "signaleerderA", signalBody())
		stored, err := e.a.Signals.Get(e.ctx, e.users["signaleerderA"].Subject(), created.ID)
		if err != nil {
			t.Fatal(err)
		}
		en, err := e.a.Engine.Assess(stored.AssessmentInput, "en")
		if err != nil {
			t.Fatal(err)
		}
		type result struct{ Assessment assess.Result }
		get := func(lang string) (assess.Result, string) {
			t.Helper()
			a := e.do(t, "GET", "/api/v1/signals/"+created.ID, nil, e.as("zorgNoord"), header("Accept-Language", lang)).want(t, http.StatusOK)
			var r result
			a.decode(t, &r)
			if !strings.Contains(a.header.Get("Vary"), "Accept-Language") {
				t.Errorf("Vary %q", a.header.Get("Vary"))
			}
			return r.Assessment, a.header.Get("Content-Language")
		}
		if got, lang := get("nl"); lang != "nl" || !reflect.DeepEqual(got, stored.Assessment) {
			t.Errorf("Dutch: Content-Language %q, assessment %+v", lang, got)
		}
		got, lang := get("en-GB,en;q=0.9")
		if lang != "en" || !reflect.DeepEqual(got, en) {
			t.Errorf("English: Content-Language %q, assessment\n%+v\nwant\n%+v", lang, got, en)
		}
		if len(got.Advice) == 0 || got.Advice[0].Text == stored.Assessment.Advice[0].Text {
			t.Errorf("advice not in English: %+v", got.Advice)
		}
		// The create's own answer follows Accept-Language too.
		a := e.do(t, "POST", "/api/v1/signals", signalBody(), e.as("signaleerderA"), header("Accept-Language", "en")).want(t, http.StatusCreated)
		var r result
		a.decode(t, &r)
		if a.header.Get("Content-Language") != "en" || !reflect.DeepEqual(r.Assessment, en) {
			t.Errorf("create in English: Content-Language %q, assessment %+v", a.header.Get("Content-Language"), r.Assessment)
		}

		// Recorded under another ruleset: the stored Dutch texts.
		if err := e.a.DB.Tx(e.ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(e.ctx, `UPDATE signals SET ruleset = '2020.1' WHERE id = ?`, created.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got, lang := get("en"); lang != "nl" || !reflect.DeepEqual(got, stored.Assessment) {
			t.Errorf("after a ruleset change: Content-Language %q, assessment\n%+v\nwant the stored\n%+v", lang, got, stored.Assessment)
		}
	})
}
