package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/policy"
)

// caseWorld adds the users the case tests need beside the harness's: a
// second care coordinator of Noord (the unassigned colleague) and the
// signal tests' users (a coordinator of Zuid among them).
func caseWorld(t testing.TB, e *env) {
	signalWorld(t, e)
	e.addUser(t, "zorgNoord2", e.noord, policy.Zorgcoordinator)
}

// clientName is the client's name; it must never show up outside the case.
const clientName = "Mirela Popescu-Vandersteen"

func caseClient() map[string]any {
	return map[string]any{"name": clientName, "birthDate": "1999-04-12", "bsn": "111222333", "nationality": "RO",
		"countryOfOrigin": "RO", "languages": []string{"ro", "en"}, "gender": "female", "contact": "06 9876 5432, via De Haven"}
}

type caseJSON struct {
	ID, Reference, RegionID, Phase, ClosingReason string
	ClosedAt                                      *time.Time
	Client                                        struct {
		Name, BSN, BirthDate string
		Languages            []string
	}
	Forms                  []string
	NonPunishment          bool
	NonPunishmentSuggested bool
	ReflectionPeriod       *struct {
		Start, End      string
		Dublin, Warning bool
		DaysLeft        int
	}
	Aangifte, AangifteOn      string
	PermitStatus, DossierType string
	SignalIDs                 []string
	Coordinators              []struct{ UserID, Name string }
	Grants                    []struct{ UserID, Name, Reason string }
	Version                   int
}

type caseConflict struct {
	Code    string
	Detail  string
	Current caseJSON
}

// createCase opens a case as label and checks the 201.
func (e *env) createCase(t testing.TB, label string, body any) caseJSON {
	t.Helper()
	a := e.do(t, "POST", "/api/v1/cases", body, e.as(label)).want(t, http.StatusCreated)
	var c caseJSON
	a.decode(t, &c)
	if got := a.header.Get("Location"); got != "/api/v1/cases/"+c.ID {
		t.Fatalf("Location %q, want /api/v1/cases/%s", got, c.ID)
	}
	return c
}

// caseIDs returns the ids of every page of GET /cases?query for label.
func (e *env) caseIDs(t testing.TB, label, query string) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for range 100 {
		path := "/api/v1/cases?limit=2"
		if query != "" {
			path += "&" + query
		}
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		a := e.do(t, "GET", path, nil, e.as(label)).want(t, http.StatusOK)
		if strings.Contains(string(a.body), "Popescu") {
			t.Errorf("a list holds client data: %s", a.body)
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
			return ids
		}
		cursor = *p.Next
	}
	t.Fatal("pagination does not end")
	return nil
}

// translated fails when a problem's detail or an invalid param's reason is
// a bare message key (a key without a text in the catalogs).
func translated(t testing.TB, p problem) {
	t.Helper()
	if p.Detail == "" || regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)+$`).MatchString(p.Detail) {
		t.Errorf("detail %q is not a text", p.Detail)
	}
	for _, ip := range p.InvalidParams {
		if ip.Reason == ip.Code || ip.Reason == "" {
			t.Errorf("%s: %s has no text", ip.Name, ip.Code)
		}
	}
}

// today is the Dutch calendar date now, as the service sees it.
func today() time.Time { return cases.Today(time.Now()) }

func TestCaseFlow(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		caseWorld(t, e)
		s := e.createSignal(t, "signaleerderA", signalBody())
		c := e.createCase(t, "zorgNoord", map[string]any{"signalIds": []string{s.ID}, "client": caseClient(), "forms": []string{"criminal"}})
		if !regexp.MustCompile(`^CASE-\d{4}-\d{6}$`).MatchString(c.Reference) || c.Phase != "registration" || c.Version != 1 ||
			c.RegionID != e.noord.ID || !c.NonPunishment || !c.NonPunishmentSuggested || !slices.Equal(c.SignalIDs, []string{s.ID}) ||
			len(c.Coordinators) != 1 || c.Coordinators[0].UserID != e.users["zorgNoord"].ID || c.Coordinators[0].Name == "" ||
			c.Client.Name != clientName || c.ReflectionPeriod != nil {
			t.Fatalf("created %+v", c)
		}
		// The signal is converted; its reporter sees only that.
		var sig signalJSON
		e.do(t, "GET", "/api/v1/signals/"+s.ID, nil, e.as("signaleerderA")).want(t, http.StatusOK).decode(t, &sig)
		if sig.Status != "converted" {
			t.Errorf("signal status %q, want converted", sig.Status)
		}
		// Two more, directly, so the list pages.
		c2 := e.createCase(t, "zorgNoord", map[string]any{"client": map[string]any{"gender": "male"}, "forms": []string{"labour"}})
		if c2.NonPunishment || c2.NonPunishmentSuggested || len(c2.SignalIDs) != 0 {
			t.Errorf("direct case %+v", c2)
		}
		e.createCase(t, "zorgNoord", map[string]any{"forms": []string{"criminal"}, "nonPunishment": false})

		var got caseJSON
		e.do(t, "GET", "/api/v1/cases/"+c.ID, nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &got)
		if got.Client.Name != clientName || got.Client.BSN != "111222333" || len(got.Client.Languages) != 2 || got.Version != 1 {
			t.Errorf("read %+v", got)
		}

		// The case's own fields, with the version.
		got = caseJSON{}
		e.do(t, "PATCH", "/api/v1/cases/"+c.ID, map[string]any{"aangifte": "yes", "aangifteOn": "2026-03-02",
			"permitStatus": "applied", "dossierType": "registration", "version": 1}, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &got)
		if got.Version != 2 || got.Aangifte != "yes" || got.AangifteOn != "2026-03-02" || got.PermitStatus != "applied" ||
			got.DossierType != "registration" || got.Client.Name != clientName {
			t.Errorf("after PATCH %+v", got)
		}
		// Phases.
		e.do(t, "POST", "/api/v1/cases/"+c.ID+"/transitions", map[string]any{"to": "intake", "version": 2}, e.as("zorgNoord")).
			want(t, http.StatusOK).decode(t, &got)
		if got.Phase != "intake" || got.Version != 3 {
			t.Errorf("after intake %+v", got)
		}
		// The reflection period: three months, or thirty days for Dublin.
		e.do(t, "PUT", "/api/v1/cases/"+c.ID+"/reflection-period", map[string]any{"start": "2026-03-01", "dublin": false, "version": 3},
			e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &got)
		if r := got.ReflectionPeriod; r == nil || r.Start != "2026-03-01" || r.End != "2026-05-31" || r.Dublin || got.Version != 4 {
			t.Errorf("reflection %+v", got.ReflectionPeriod)
		}
		start := today().AddDate(0, 0, -20)
		e.do(t, "PUT", "/api/v1/cases/"+c.ID+"/reflection-period", map[string]any{"start": start.Format(time.DateOnly), "dublin": true, "version": 4},
			e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &got)
		if r := got.ReflectionPeriod; r == nil || r.End != start.AddDate(0, 0, 29).Format(time.DateOnly) || !r.Dublin || r.DaysLeft != 9 || !r.Warning {
			t.Errorf("Dublin reflection %+v", got.ReflectionPeriod)
		}
		// Lists and their filters.
		if ids := e.caseIDs(t, "zorgNoord", ""); len(ids) != 3 || ids[0] != c.ID {
			t.Errorf("mine lists %v, want 3 with the changed case first", ids)
		}
		for query, want := range map[string]int{
			"phase=intake": 1, "phase=open": 3, "phase=registration": 2, "phase=closed": 0, "form=criminal": 2,
			"form=labour": 1, "reflectionWithin=14": 1, "reflectionWithin=5": 0, "q=" + strings.ToLower(c.Reference): 1,
			"scope=region&phase=open": 3, "q=CASE-1999-000001": 0,
		} {
			if ids := e.caseIDs(t, "zorgNoord", query); len(ids) != want {
				t.Errorf("%s lists %d, want %d", query, len(ids), want)
			}
		}
		// The timeline: a note and a contact.
		var ev struct {
			ID, Kind, AuthorID, AuthorName, Body string
			Seq                                  int
			Detail                               map[string]string
		}
		e.do(t, "POST", "/api/v1/cases/"+c.ID+"/events", map[string]any{"kind": "note", "body": "Cliënte wil eerst rust."},
			e.as("zorgNoord")).want(t, http.StatusCreated).decode(t, &ev)
		if ev.Kind != "note" || ev.Body != "Cliënte wil eerst rust." || ev.AuthorID != e.users["zorgNoord"].ID || ev.AuthorName == "" || ev.Seq == 0 {
			t.Errorf("note %+v", ev)
		}
		e.do(t, "POST", "/api/v1/cases/"+c.ID+"/events", map[string]any{"kind": "contact", "contactKind": "phone", "body": "Gebeld."},
			e.as("zorgNoord")).want(t, http.StatusCreated).decode(t, &ev)
		if ev.Kind != "contact" || ev.Detail["contactKind"] != "phone" {
			t.Errorf("contact %+v", ev)
		}
		var kinds []string
		path := "/api/v1/cases/" + c.ID + "/events?limit=3"
		for range 10 {
			var p struct {
				Items []struct {
					Kind string
					Seq  int
				}
				Next *int
			}
			e.do(t, "GET", path, nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &p)
			for _, it := range p.Items {
				kinds = append(kinds, it.Kind)
			}
			if p.Next == nil {
				break
			}
			path = "/api/v1/cases/" + c.ID + "/events?limit=3&before=" + strconv.Itoa(*p.Next)
		}
		want := []string{"contact", "note", "reflection", "reflection", "phase", "update", "created"}
		if !slices.Equal(kinds, want) {
			t.Errorf("timeline %v, want %v", kinds, want)
		}
		// Hand-over: a colleague joins, then takes over.
		colleague := e.users["zorgNoord2"].ID
		e.do(t, "PUT", "/api/v1/cases/"+c.ID+"/coordinators", map[string]any{"userIds": []string{e.users["zorgNoord"].ID, colleague}, "version": 5},
			e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &got)
		if len(got.Coordinators) != 2 || got.Version != 6 {
			t.Errorf("after adding a colleague %+v", got.Coordinators)
		}
		e.do(t, "GET", "/api/v1/cases/"+c.ID, nil, e.as("zorgNoord2")).want(t, http.StatusOK)
		e.do(t, "PUT", "/api/v1/cases/"+c.ID+"/coordinators", map[string]any{"userIds": []string{colleague}, "version": 6},
			e.as("zorgNoord2")).want(t, http.StatusOK).decode(t, &got)
		if len(got.Coordinators) != 1 || got.Coordinators[0].UserID != colleague {
			t.Errorf("after the hand-over %+v", got.Coordinators)
		}
		e.do(t, "GET", "/api/v1/cases/"+c.ID, nil, e.as("zorgNoord")).wantProblem(t, http.StatusForbidden, "forbidden")
		if ids := e.caseIDs(t, "zorgNoord", ""); len(ids) != 2 || slices.Contains(ids, c.ID) {
			t.Errorf("after the hand-over the former coordinator lists %v", ids)
		}
		if ids := e.caseIDs(t, "zorgNoord2", ""); !slices.Equal(ids, []string{c.ID}) {
			t.Errorf("after the hand-over the new coordinator lists %v", ids)
		}
		// Through support and aftercare to closed; reopened at intake.
		version := 7
		for _, step := range []map[string]any{{"to": "support"}, {"to": "aftercare"}, {"to": "closed", "reason": "support_completed"}} {
			step["version"] = version
			got = caseJSON{}
			e.do(t, "POST", "/api/v1/cases/"+c.ID+"/transitions", step, e.as("zorgNoord2")).want(t, http.StatusOK).decode(t, &got)
			version++
			if got.Phase != step["to"] || got.Version != version {
				t.Errorf("after %v: %s version %d", step, got.Phase, got.Version)
			}
		}
		if got.ClosingReason != "support_completed" || got.ClosedAt == nil {
			t.Errorf("closed %+v", got)
		}
		e.do(t, "POST", "/api/v1/cases/"+c.ID+"/transitions", map[string]any{"to": "intake", "version": version}, e.as("zorgNoord2")).
			want(t, http.StatusOK)
		// No personal data in the server's log lines.
		if strings.Contains(e.logs.String(), "Popescu") || strings.Contains(e.logs.String(), "111222333") {
			t.Errorf("the server log holds client data")
		}
	})
}

func TestCaseAccess(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		caseWorld(t, e)
		s := e.createSignal(t, "signaleerderA", signalBody())
		c := e.createCase(t, "zorgNoord", map[string]any{"signalIds": []string{s.ID}, "client": caseClient(), "forms": []string{"criminal"}})
		id := c.ID
		patch := map[string]any{"aangifte": "no", "version": 1}
		// Everyone but the region's coordinators: the case does not exist.
		for _, label := range []string{"zorgZuid", "signaleerderA", "partner", "admin", "adminA", "fg", "analistNoord", "beleidA"} {
			for _, r := range []struct {
				method, path string
				body         any
			}{
				{"GET", "/api/v1/cases/" + id, nil},
				{"GET", "/api/v1/cases/" + id + "/outline", nil},
				{"GET", "/api/v1/cases/" + id + "/events", nil},
				{"PATCH", "/api/v1/cases/" + id, patch},
				{"POST", "/api/v1/cases/" + id + "/access", map[string]any{"reason": "nieuwsgierig"}},
			} {
				a := e.do(t, r.method, r.path, r.body, e.as(label))
				if a.status != http.StatusNotFound {
					t.Errorf("%s %s %s: %d %s, want 404", label, r.method, r.path, a.status, a.body)
				}
			}
		}
		e.do(t, "GET", "/api/v1/cases/nope", nil, e.as("zorgNoord")).wantProblem(t, http.StatusNotFound, "not_found")
		e.do(t, "GET", "/api/v1/cases/"+id, nil).wantProblem(t, http.StatusUnauthorized, "unauthenticated")
		// Lists: only care coordinators, only their region.
		for _, label := range []string{"partner", "signaleerderA", "admin"} {
			e.do(t, "GET", "/api/v1/cases", nil, e.as(label)).wantProblem(t, http.StatusForbidden, "forbidden")
		}
		if ids := e.caseIDs(t, "zorgZuid", "scope=region"); len(ids) != 0 {
			t.Errorf("Zuid lists %v", ids)
		}

		// The unassigned colleague: knows the case exists, may break the glass.
		if ids := e.caseIDs(t, "zorgNoord2", ""); len(ids) != 0 {
			t.Errorf("the colleague's own list %v", ids)
		}
		if ids := e.caseIDs(t, "zorgNoord2", "scope=region"); !slices.Equal(ids, []string{id}) {
			t.Errorf("the colleague's region list %v", ids)
		}
		for _, lang := range []string{"nl", "en"} {
			p := e.do(t, "GET", "/api/v1/cases/"+id, nil, e.as("zorgNoord2"), header("Accept-Language", lang)).
				wantProblem(t, http.StatusForbidden, "forbidden")
			if p.Detail != e.a.I18n.T(lang, "caseapi.break_glass") {
				t.Errorf("%s: 403 says %q", lang, p.Detail)
			}
		}
		for _, r := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/v1/cases/" + id + "/events", nil},
			{"PATCH", "/api/v1/cases/" + id, patch},
			{"POST", "/api/v1/cases/" + id + "/transitions", map[string]any{"to": "intake", "version": 1}},
			{"POST", "/api/v1/cases/" + id + "/events", map[string]any{"kind": "note", "body": "x"}},
			{"PUT", "/api/v1/cases/" + id + "/coordinators", map[string]any{"userIds": []string{e.users["zorgNoord2"].ID}, "version": 1}},
		} {
			if p := e.do(t, r.method, r.path, r.body, e.as("zorgNoord2")).wantProblem(t, http.StatusForbidden, "forbidden"); p.Detail != e.a.I18n.T("nl", "caseapi.break_glass") {
				t.Errorf("%s %s: %q", r.method, r.path, p.Detail)
			}
		}
		var o struct {
			ID, Reference, Phase string
			Coordinators         []struct{ UserID string }
			Access               bool
		}
		a := e.do(t, "GET", "/api/v1/cases/"+id+"/outline", nil, e.as("zorgNoord2")).want(t, http.StatusOK)
		a.decode(t, &o)
		if o.Reference != c.Reference || o.Phase != "registration" || o.Access || len(o.Coordinators) != 1 ||
			strings.Contains(string(a.body), "Popescu") {
			t.Errorf("outline %s", a.body)
		}
		p := e.do(t, "POST", "/api/v1/cases/"+id+"/access", map[string]any{"reason": "  "}, e.as("zorgNoord2")).wantProblem(t, http.StatusBadRequest, "invalid")
		if !slices.Equal(p.params(), []string{"reason:case.required"}) {
			t.Errorf("no reason: %v", p.params())
		}
		var got caseJSON
		e.do(t, "POST", "/api/v1/cases/"+id+"/access", map[string]any{"reason": "Collega ziek; cliënte belt met spoed."}, e.as("zorgNoord2")).
			want(t, http.StatusOK).decode(t, &got)
		if got.Client.Name != clientName {
			t.Errorf("after breaking the glass %+v", got)
		}
		e.do(t, "GET", "/api/v1/cases/"+id, nil, e.as("zorgNoord2")).want(t, http.StatusOK)
		e.do(t, "GET", "/api/v1/cases/"+id+"/outline", nil, e.as("zorgNoord2")).want(t, http.StatusOK).decode(t, &o)
		if !o.Access {
			t.Errorf("outline after breaking the glass: no access")
		}
		p = e.do(t, "POST", "/api/v1/cases/"+id+"/access", map[string]any{"reason": "nog eens"}, e.as("zorgNoord2")).wantProblem(t, http.StatusForbidden, "forbidden")
		if p.Detail != e.a.I18n.T("nl", "caseapi.access.has") {
			t.Errorf("again: %q", p.Detail)
		}
		// The grant holder may not hand the case over or transfer it (F4):
		// a 403 that says why, and nothing changes.
		p = e.do(t, "PUT", "/api/v1/cases/"+id+"/coordinators", map[string]any{"userIds": []string{e.users["zorgNoord2"].ID}, "version": got.Version},
			e.as("zorgNoord2")).wantProblem(t, http.StatusForbidden, "forbidden")
		if p.Detail != e.a.I18n.T("nl", "case.assign.grant") {
			t.Errorf("hand-over with a grant: %q", p.Detail)
		}
		p = e.do(t, "POST", "/api/v1/cases/"+id+"/transfers", map[string]any{"toRegionId": e.zuid.ID, "reason": "verhuist"},
			e.as("zorgNoord2")).wantProblem(t, http.StatusForbidden, "forbidden")
		if p.Detail != e.a.I18n.T("nl", "case.assign.grant") {
			t.Errorf("transfer with a grant: %q", p.Detail)
		}
		// The assigned coordinator sees who broke the glass and why.
		got = caseJSON{}
		e.do(t, "GET", "/api/v1/cases/"+id, nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &got)
		if len(got.Grants) != 1 || got.Grants[0].UserID != e.users["zorgNoord2"].ID || !strings.Contains(got.Grants[0].Reason, "spoed") {
			t.Errorf("grants %+v", got.Grants)
		}
		var tl struct {
			Items []struct{ Kind, AuthorID, Body string }
		}
		e.do(t, "GET", "/api/v1/cases/"+id+"/events", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &tl)
		if len(tl.Items) == 0 || tl.Items[0].Kind != "break_glass" || tl.Items[0].AuthorID != e.users["zorgNoord2"].ID {
			t.Errorf("timeline %+v", tl.Items)
		}
		// The reporter still sees only that the signal became a case.
		a = e.do(t, "GET", "/api/v1/signals/"+s.ID, nil, e.as("signaleerderA")).want(t, http.StatusOK)
		if b := string(a.body); strings.Contains(b, clientName) || strings.Contains(b, c.Reference) || strings.Contains(b, c.ID) {
			t.Errorf("the reporter's signal shows the case: %s", a.body)
		}
		// Zuid may not open a case in Noord.
		e.do(t, "POST", "/api/v1/cases", map[string]any{"regionId": e.noord.ID, "forms": []string{"labour"}}, e.as("zorgZuid")).
			wantProblem(t, http.StatusForbidden, "forbidden")
		for _, label := range []string{"partner", "signaleerderA"} {
			e.do(t, "POST", "/api/v1/cases", map[string]any{"forms": []string{"labour"}}, e.as(label)).wantProblem(t, http.StatusForbidden, "forbidden")
		}
		// Every read and write is in the processing log, with the case as the data subject.
		var log struct {
			Items []struct{ Action, ObjectID string }
		}
		e.do(t, "GET", "/api/v1/processing-log?objectId="+id+"&limit=500", nil, e.as("fg")).want(t, http.StatusOK).decode(t, &log)
		actions := map[string]int{}
		for _, r := range log.Items {
			actions[r.Action]++
		}
		for _, want := range []string{"case.create", "case.read", "case.break_glass"} {
			if actions[want] == 0 {
				t.Errorf("no %s in the processing log: %v", want, actions)
			}
		}
	})
}

func TestCaseInvalid(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		caseWorld(t, e)
		s := e.createSignal(t, "signaleerderA", signalBody())
		future := today().AddDate(0, 0, 3).Format(time.DateOnly)
		good := func() map[string]any {
			return map[string]any{"signalIds": []string{s.ID}, "client": caseClient(), "forms": []string{"criminal"}}
		}
		with := func(change func(b map[string]any)) map[string]any {
			b := good()
			change(b)
			return b
		}
		for _, c := range []struct {
			name   string
			body   any
			ct     string
			status int
			want   []string
		}{
			{"malformed", `{"forms": [`, "", 400, nil},
			{"not an object", `["criminal"]`, "", 400, nil},
			{"unknown fields", with(func(b map[string]any) {
				b["colour"] = "red"
				b["client"] = map[string]any{"name": "X", "shoeSize": 42}
			}), "", 400, []string{"client.shoeSize:api.field.unknown", "colour:api.field.unknown"}},
			{"wrong types", with(func(b map[string]any) {
				b["forms"] = "criminal"
				b["nonPunishment"] = "yes"
				b["client"] = map[string]any{"languages": "ro"}
			}), "", 400, []string{"client.languages:api.field.type", "forms:api.field.type", "nonPunishment:api.field.type"}},
			{"repeated", `{"forms": ["labour"], "forms": ["sexual"]}`, "", 400, []string{"forms:api.field.duplicate"}},
			{"content", with(func(b map[string]any) {
				b["signalIds"] = []string{"nope"}
				b["forms"] = []string{"magic"}
				b["client"] = map[string]any{"bsn": "123456789", "birthDate": future, "nationality": "Romania", "gender": "x"}
			}), "", 400, []string{"client.birthDate:case.date.future", "client.bsn:case.bsn.invalid", "client.gender:case.gender.invalid",
				"client.nationality:case.nationality.invalid", "forms:case.form.unknown", "signalIds[0]"}},
			{"region", with(func(b map[string]any) { b["regionId"] = e.gemA.ID }), "", 400, []string{"regionId:case.region.invalid"}},
			{"name too long", with(func(b map[string]any) { b["client"] = map[string]any{"name": strings.Repeat("x", 201)} }), "", 400,
				[]string{"client.name:case.text.too_long"}},
			{"too large", with(func(b map[string]any) { b["client"] = map[string]any{"contact": strings.Repeat("x", 300<<10)} }), "", 413, nil},
			{"media type", good(), "text/plain", 415, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				opts := []opt{e.as("zorgNoord")}
				if c.ct != "" {
					opts = append(opts, header("Content-Type", c.ct))
				}
				a := e.do(t, "POST", "/api/v1/cases", c.body, opts...)
				if a.status != c.status {
					t.Fatalf("status %d, want %d: %s", a.status, c.status, a.body)
				}
				translated(t, a.problem(t))
				if c.want != nil {
					var got []string
					for _, p := range a.problem(t).InvalidParams {
						if p.Name == "signalIds[0]" {
							got = append(got, p.Name) // the signal service's key
						} else {
							got = append(got, p.Name+":"+p.Code)
						}
					}
					slices.Sort(got)
					if !slices.Equal(got, c.want) {
						t.Errorf("invalid params %v, want %v", got, c.want)
					}
				}
				for _, table := range []string{"cases", "case_events", "case_coordinators", "case_signals"} {
					if n := e.count(table); n != 0 {
						t.Errorf("%d rows in %s after a refused case", n, table)
					}
				}
			})
		}
		var sig signalJSON
		e.do(t, "GET", "/api/v1/signals/"+s.ID, nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &sig)
		if sig.Status != "new" {
			t.Errorf("the signal of refused cases is %s", sig.Status)
		}

		c := e.createCase(t, "zorgNoord", good())
		id := c.ID
		// A signal can become one case only.
		p := e.do(t, "POST", "/api/v1/cases", good(), e.as("zorgNoord")).wantProblem(t, http.StatusBadRequest, "invalid")
		if len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != "signalIds[0]" {
			t.Errorf("a converted signal: %v", p.params())
		}
		for _, r := range []struct {
			name, method, path string
			body               any
			want               []string
		}{
			{"patch without version", "PATCH", "", map[string]any{"aangifte": "yes"}, []string{"version:field.required"}},
			{"patch version 0", "PATCH", "", map[string]any{"aangifte": "yes", "version": 0}, []string{"version:api.param.range"}},
			{"patch shape", "PATCH", "", map[string]any{"aangifte": true, "Version": 1, "client": map[string]any{"name": 7}},
				[]string{"Version:api.field.unknown", "aangifte:api.field.type", "client.name:api.field.type"}},
			{"patch content", "PATCH", "", map[string]any{"aangifte": "maybe", "permitStatus": "x", "aangifteOn": "2026-02-30",
				"registeredOn": future, "forms": []string{"criminal", "nope"}, "version": 1},
				[]string{"aangifte:case.answer.invalid", "aangifteOn:case.aangifte_on.without_yes", "aangifteOn:case.date.invalid", "forms:case.form.unknown",
					"permitStatus:case.option.unknown", "registeredOn:case.date.future"}},
			{"transition without version", "POST", "/transitions", map[string]any{"to": "intake"}, []string{"version:field.required"}},
			{"transition to nowhere", "POST", "/transitions", map[string]any{"to": "gone", "version": 1}, []string{"to:case.phase.invalid"}},
			{"close without reason", "POST", "/transitions", map[string]any{"to": "closed", "version": 1}, []string{"reason:case.reason.required"}},
			{"close with an unknown reason", "POST", "/transitions", map[string]any{"to": "closed", "reason": "bored", "version": 1},
				[]string{"reason:case.option.unknown"}},
			{"reflection", "PUT", "/reflection-period", map[string]any{"start": "2026-13-01", "version": 1}, []string{"start:case.date.invalid"}},
			{"reflection in the future", "PUT", "/reflection-period", map[string]any{"start": future, "dublin": "no", "version": 1},
				[]string{"dublin:api.field.type"}},
			{"reflection start", "PUT", "/reflection-period", map[string]any{"start": future, "version": 1}, []string{"start:case.date.future"}},
			{"reflection without version", "PUT", "/reflection-period", map[string]any{"start": "2026-03-01"}, []string{"version:field.required"}},
			{"event kind", "POST", "/events", map[string]any{"kind": "memo", "body": "x"}, []string{"kind:case.event.kind.invalid"}},
			{"contact without kind", "POST", "/events", map[string]any{"kind": "contact", "body": " "},
				[]string{"body:case.required", "contactKind:case.required"}},
			{"note too long", "POST", "/events", map[string]any{"kind": "note", "body": strings.Repeat("x", 10001)}, []string{"body:case.text.too_long"}},
			{"coordinators", "PUT", "/coordinators", map[string]any{"userIds": []string{e.users["zorgZuid"].ID}, "version": 1},
				[]string{"userIds[0]:case.coordinator.invalid"}},
			{"no coordinators", "PUT", "/coordinators", map[string]any{"userIds": []string{}, "version": 1}, []string{"userIds:case.coordinators.missing"}},
			{"coordinators without version", "PUT", "/coordinators", map[string]any{"userIds": []string{"x"}}, []string{"version:field.required"}},
			{"access shape", "POST", "/access", map[string]any{"why": "x"}, []string{"why:api.field.unknown"}},
		} {
			t.Run(r.name, func(t *testing.T) {
				path := "/api/v1/cases/" + id
				if r.method != "PATCH" {
					path += r.path
				}
				p := e.do(t, r.method, path, r.body, e.as("zorgNoord")).wantProblem(t, http.StatusBadRequest, "invalid")
				translated(t, p)
				if got := p.params(); !slices.Equal(got, r.want) {
					t.Errorf("invalid params %v, want %v", got, r.want)
				}
			})
		}
		for _, r := range []struct {
			path   string
			status int
			want   []string
		}{
			{"/api/v1/cases?scope=all&phase=lost", 400, []string{"phase:case.phase.invalid", "scope:case.option.unknown"}},
			{"/api/v1/cases?limit=0&reflectionWithin=x&name=Mirela", 400,
				[]string{"limit:api.param.range", "name:api.param.unknown", "reflectionWithin:api.param.range"}},
			{"/api/v1/cases?cursor=nonsense&form=magic", 400, []string{"cursor:case.cursor.invalid", "form:case.form.unknown"}},
			{"/api/v1/cases?limit=1&limit=2", 400, []string{"limit:api.param.repeated"}},
			{"/api/v1/cases/" + id + "/events?before=0&limit=500", 400, []string{"before:api.param.range", "limit:api.param.range"}},
		} {
			p := e.do(t, "GET", r.path, nil, e.as("zorgNoord")).wantProblem(t, r.status, "invalid")
			translated(t, p)
			if got := p.params(); !slices.Equal(got, r.want) {
				t.Errorf("%s: %v, want %v", r.path, got, r.want)
			}
		}
		// Nothing of the refused changes was stored.
		var got caseJSON
		e.do(t, "GET", "/api/v1/cases/"+id, nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &got)
		if got.Version != 1 || got.Aangifte != "unknown" || got.Phase != "registration" || got.ReflectionPeriod != nil || len(got.Coordinators) != 1 {
			t.Errorf("after refused changes %+v", got)
		}
		if n := e.count("case_events"); n != 1 {
			t.Errorf("%d events after refused changes, want 1", n)
		}
	})
}

func TestCaseConflict(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		caseWorld(t, e)
		c := e.createCase(t, "zorgNoord", map[string]any{"client": caseClient(), "forms": []string{"labour"}})
		path := "/api/v1/cases/" + c.ID
		e.do(t, "PATCH", path, map[string]any{"permitStatus": "applied", "version": 1}, e.as("zorgNoord")).want(t, http.StatusOK)
		// A stale edit: 409 with the current case, nothing changed.
		for _, r := range []struct {
			method, path string
			body         map[string]any
		}{
			{"PATCH", path, map[string]any{"permitStatus": "rejected", "version": 1}},
			{"POST", path + "/transitions", map[string]any{"to": "intake", "version": 1}},
			{"PUT", path + "/reflection-period", map[string]any{"start": "2026-03-01", "version": 1}},
			{"PUT", path + "/coordinators", map[string]any{"userIds": []string{e.users["zorgNoord2"].ID}, "version": 1}},
		} {
			for _, lang := range []string{"nl", "en"} {
				a := e.do(t, r.method, r.path, r.body, e.as("zorgNoord"), header("Accept-Language", lang))
				p := a.wantProblem(t, http.StatusConflict, "conflict")
				var cc caseConflict
				a.decode(t, &cc)
				if cc.Current.ID != c.ID || cc.Current.Version != 2 || cc.Current.PermitStatus != "applied" || cc.Current.Client.Name != clientName {
					t.Errorf("%s %s: current %+v", r.method, r.path, cc.Current)
				}
				translated(t, p)
				if p.Detail != e.a.I18n.T(lang, "api.stale") {
					t.Errorf("%s %s: detail %q", r.method, r.path, p.Detail)
				}
			}
		}
		// A move the whitelist does not allow: 409 with the current case.
		a := e.do(t, "POST", path+"/transitions", map[string]any{"to": "aftercare", "version": 2}, e.as("zorgNoord"))
		translated(t, a.wantProblem(t, http.StatusConflict, "conflict"))
		var cc caseConflict
		a.decode(t, &cc)
		if cc.Current.Phase != "registration" || cc.Current.Version != 2 {
			t.Errorf("invalid transition: current %+v", cc.Current)
		}
		// Concurrent edits on the same version: one wins, the others see its change.
		e.addUser(t, "zorgNoord3", e.noord, policy.Zorgcoordinator)
		e.do(t, "PUT", path+"/coordinators", map[string]any{"userIds": []string{e.users["zorgNoord"].ID, e.users["zorgNoord2"].ID,
			e.users["zorgNoord3"].ID}, "version": 2}, e.as("zorgNoord")).want(t, http.StatusOK)
		editors := []string{"zorgNoord", "zorgNoord2", "zorgNoord3"}
		statuses := []string{"none", "rejected", "temporary_b8_3"}
		answers := make([]answer, len(editors))
		var wg sync.WaitGroup
		for i := range editors {
			wg.Go(func() {
				answers[i] = e.do(t, "PATCH", path, map[string]any{"permitStatus": statuses[i], "version": 3}, e.as(editors[i]))
			})
		}
		wg.Wait()
		won := ""
		for i, a := range answers {
			if a.status == http.StatusOK {
				if won != "" {
					t.Errorf("two winners: %s and %s", won, statuses[i])
				}
				won = statuses[i]
			}
		}
		if won == "" {
			t.Fatalf("no winner: %d %d %d", answers[0].status, answers[1].status, answers[2].status)
		}
		for _, a := range answers {
			if a.status == http.StatusOK {
				continue
			}
			a.wantProblem(t, http.StatusConflict, "conflict")
			var cc caseConflict
			a.decode(t, &cc)
			if cc.Current.Version != 4 || cc.Current.PermitStatus != won {
				t.Errorf("the loser sees version %d %q, want 4 %q", cc.Current.Version, cc.Current.PermitStatus, won)
			}
		}
		var got caseJSON
		e.do(t, "GET", path, nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &got)
		if got.Version != 4 || got.PermitStatus != won {
			t.Errorf("after the race: version %d %q", got.Version, got.PermitStatus)
		}
	})
}

// TestCaseEnumsMatchCatalogue: the enums of openapi/cases.json are the
// content catalogue's options.
func TestCaseEnumsMatchCatalogue(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct{ Enum []string }
		}
	}
	for _, f := range []string{"openapi/cases.json", "openapi/cases_more.json"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &doc); err != nil { // the second file's schemas add to the first's
			t.Fatal(err)
		}
	}
	cw := content.MustLoad().Casework
	ids := func(opts []content.Option, empty bool) []string {
		var out []string
		if empty {
			out = append(out, "")
		}
		for _, o := range opts {
			out = append(out, o.ID)
		}
		return out
	}
	phases := []string{}
	for _, p := range cases.Phases {
		phases = append(phases, string(p))
	}
	for name, want := range map[string][]string{
		"CaseClosingReason":  ids(cw.ClosingReasons, false),
		"CasePermitStatus":   ids(cw.PermitStatuses, true),
		"CaseDossierType":    ids(cw.DossierTypes, true),
		"CaseContactKind":    ids(cw.ContactKinds, true),
		"CasePhase":          phases,
		"CaseAnswer":         cases.Answers,
		"CaseShelterType":    ids(cw.ShelterTypes, false),
		"CaseSupportDomain":  ids(cw.SupportDomains, false),
		"CaseSupportStatus":  ids(cw.SupportStatuses, false),
		"CaseDocumentType":   ids(cw.DocumentTypes, false),
		"CaseConsentBasis":   ids(cw.ConsentBases, false),
		"CaseConsentPurpose": ids(cw.ConsentPurposes, false),
		"CaseShareableField": ids(cw.ShareableFields, false),
	} {
		got := doc.Components.Schemas[name].Enum
		if !slices.Equal(got, want) {
			t.Errorf("%s enum %v, the catalogue has %v", name, got, want)
		}
	}
	var more struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct{ Enum []string }
			}
		}
	}
	data, err := os.ReadFile("openapi/cases_more.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &more); err != nil {
		t.Fatal(err)
	}
	if got := more.Components.Schemas["CaseDocument"].Properties["contentType"].Enum; !slices.Equal(got, cw.Documents.ContentTypes) {
		t.Errorf("CaseDocument.contentType enum %v, the catalogue has %v", got, cw.Documents.ContentTypes)
	}
}
