package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/store"
)

// ageSignal sets a stored signal back to an assessment an older ruleset and
// content version made of it: no indication, with the engine's advice and
// reasons for that, under ruleset 2025.1 — as a signal stored before the
// current ruleset arrived is (the service tests build such signals with a
// whole older catalogue; here the row is enough).
func (e *env) ageSignal(t testing.TB, id string) {
	t.Helper()
	old, err := e.a.Engine.Assess(assess.Input{}, "nl")
	if err != nil {
		t.Fatal(err)
	}
	old.Ruleset = "2025.1"
	b, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.a.DB.SQL().ExecContext(e.ctx, store.Rebind(e.a.DB.Dialect(), `UPDATE signals SET assessment = ?,
		ruleset = '2025.1', content_version = '2025.1.0', outcome = 'no_indication', preview_key = '2025.1|2025.1.0',
		preview_outcome = 'no_indication', would_change = ? WHERE id = ?`), string(b), false, id); err != nil {
		t.Fatal(err)
	}
}

type comparisonJSON struct {
	SignalID                    string
	Version                     int
	VersionsDiffer, Changed     bool
	OutcomeChanged, CanKeep     bool
	AdviceAdded, ReasonsRemoved []string
	Stored, Current             struct{ Ruleset, ContentVersion, Lang string }
	Dropped                     []struct{ Field, ID string }
}

// TestSignalReassessment: POST /signals/{id}/reassessment compares (200)
// and keeps (201), with problems for bad bodies, a stale version, nothing
// to keep and callers who may not read the signal; GET
// /signals/{id}/assessments lists the records.
func TestSignalReassessment(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		signalWorld(t, e)
		s := e.createSignal(t, "signaleerderA", signalBody())
		e.ageSignal(t, s.ID)
		path := "/api/v1/signals/" + s.ID + "/reassessment"
		ruleset, content := e.a.Signals.CurrentVersions()

		// Comparing: an empty body or keep false.
		var c comparisonJSON
		a := e.do(t, "POST", path, nil, e.as("zorgNoord"), header("Accept-Language", "en")).want(t, http.StatusOK)
		a.decode(t, &c)
		if c.SignalID != s.ID || c.Version != 1 || !c.VersionsDiffer || !c.Changed || !c.OutcomeChanged || !c.CanKeep ||
			c.Stored.Ruleset != "2025.1" || c.Stored.ContentVersion != "2025.1.0" || c.Current.Ruleset != ruleset ||
			c.Current.ContentVersion != content || c.Current.Lang != "en" || c.Stored.Lang != "nl" ||
			len(c.AdviceAdded) == 0 || len(c.ReasonsRemoved) == 0 {
			t.Errorf("comparison %+v", c)
		}
		e.do(t, "POST", path, map[string]any{"keep": false}, e.as("signaleerderA")).want(t, http.StatusOK)

		// Bad bodies: every problem named.
		for _, b := range []struct {
			body any
			want []string
		}{
			{map[string]any{"keep": true}, []string{"version:field.required"}},
			{map[string]any{"version": 1}, []string{"version:signal.reassessment.version_without_keep"}},
			{map[string]any{"keep": "yes", "version": "1"}, []string{"keep:api.field.type", "version:api.field.type"}},
			{map[string]any{"keep": true, "version": 1, "result": map[string]any{"outcome": "no_indication"}}, []string{"result:api.field.unknown"}},
			{`{"keep": true,`, nil},
		} {
			p := e.do(t, "POST", path, b.body, e.as("zorgNoord")).wantProblem(t, http.StatusBadRequest, "invalid")
			if b.want != nil && !slices.Equal(p.params(), b.want) {
				t.Errorf("%v: %v, want %v", b.body, p.params(), b.want)
			}
		}
		// Who may not read the signal may not compare or keep.
		for _, label := range []string{"zorgZuid", "partner", "admin", "adminA", "signaleerderA2", "analistNoord"} {
			e.do(t, "POST", path, nil, e.as(label)).wantProblem(t, http.StatusNotFound, "not_found")
			e.do(t, "POST", path, map[string]any{"keep": true, "version": 1}, e.as(label)).wantProblem(t, http.StatusNotFound, "not_found")
			e.do(t, "GET", "/api/v1/signals/"+s.ID+"/assessments", nil, e.as(label)).wantProblem(t, http.StatusNotFound, "not_found")
		}
		// A stale version: 409 with the current signal, nothing kept.
		a = e.do(t, "POST", path, map[string]any{"keep": true, "version": 7}, e.as("zorgNoord"))
		a.wantProblem(t, http.StatusConflict, "conflict")
		var cf signalConflict
		a.decode(t, &cf)
		if cf.Current.ID != s.ID || cf.Current.Version != 1 {
			t.Errorf("stale keep: current %+v", cf.Current)
		}

		// Keeping.
		var kept struct {
			Record struct {
				Seq                     int
				Kind, Ruleset, ActorID  string
				ContentVersion, Outcome string
			}
			Signal struct {
				ID, Ruleset, ContentVersion string
				Version                     int
				Assessment                  struct{ Outcome, Ruleset string }
				History                     []struct {
					To           string
					Reassessment *struct {
						Seq                      int
						Outcome, PreviousOutcome string
					}
				}
			}
		}
		a = e.do(t, "POST", path, map[string]any{"keep": true, "version": 1}, e.as("signaleerderA")).want(t, http.StatusCreated)
		a.decode(t, &kept)
		if a.header.Get("Location") != "/api/v1/signals/"+s.ID+"/assessments" {
			t.Errorf("Location %q", a.header.Get("Location"))
		}
		r, sg := kept.Record, kept.Signal
		if r.Seq != 2 || r.Kind != "reassessment" || r.Ruleset != ruleset || r.ContentVersion != content ||
			r.ActorID != e.users["signaleerderA"].ID || r.Outcome != s.Assessment.Outcome {
			t.Errorf("record %+v", r)
		}
		last := sg.History[len(sg.History)-1]
		if sg.Version != 2 || sg.Ruleset != ruleset || sg.ContentVersion != content || sg.Assessment.Outcome != s.Assessment.Outcome ||
			last.Reassessment == nil || last.Reassessment.Seq != 2 || last.Reassessment.PreviousOutcome != "no_indication" {
			t.Errorf("signal after keep %+v", sg)
		}
		// Once more: nothing new to keep.
		if p := e.do(t, "POST", path, map[string]any{"keep": true, "version": 2}, e.as("zorgNoord")).
			wantProblem(t, http.StatusConflict, "conflict"); p.Detail == "" {
			t.Error("no detail")
		}
		var recs struct {
			Items []struct {
				Seq           int
				Kind, Ruleset string
			}
		}
		e.do(t, "GET", "/api/v1/signals/"+s.ID+"/assessments", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &recs)
		if len(recs.Items) != 2 || recs.Items[0].Kind != "intake" || recs.Items[1].Kind != "reassessment" || recs.Items[1].Ruleset != ruleset {
			t.Errorf("records %+v", recs.Items)
		}
		var got struct{ ContentVersion string }
		e.do(t, "GET", "/api/v1/signals/"+s.ID, nil, e.as("signaleerderA")).want(t, http.StatusOK).decode(t, &got)
		if got.ContentVersion != content {
			t.Errorf("contentVersion %q", got.ContentVersion)
		}
		e.do(t, "POST", "/api/v1/signals/no-such-signal/reassessment", nil, e.as("zorgNoord")).wantProblem(t, http.StatusNotFound, "not_found")
	})
}

// TestSignalWouldChangeAPI: the inbox counts, and GET /signals?wouldChange=true
// lists and marks, the open signals whose outcome the current ruleset
// changes, once their previews are refreshed.
func TestSignalWouldChangeAPI(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		signalWorld(t, e)
		old := e.createSignal(t, "signaleerderA", signalBody())
		fresh := e.createSignal(t, "signaleerderA", signalBody())
		e.ageSignal(t, old.ID)
		if n, err := e.a.Signals.RefreshPreviews(e.ctx, 0); err != nil || n != 1 {
			t.Fatalf("refresh: %d, %v", n, err)
		}
		var box struct{ New, WouldChange int }
		e.do(t, "GET", "/api/v1/signals/inbox", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &box)
		if box.New != 2 || box.WouldChange != 1 {
			t.Errorf("inbox %+v", box)
		}
		ids, status := e.listIDs(t, "zorgNoord", "wouldChange=true")
		if status != http.StatusOK || !slices.Equal(ids, []string{old.ID}) {
			t.Errorf("wouldChange=true: %v (%d), want only %s (not %s)", ids, status, old.ID, fresh.ID)
		}
		var page struct {
			Items []struct {
				ID          string
				WouldChange bool
			}
		}
		e.do(t, "GET", "/api/v1/signals", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &page)
		for _, it := range page.Items {
			if it.WouldChange != (it.ID == old.ID) {
				t.Errorf("%s marked %v", it.ID, it.WouldChange)
			}
		}
		if ids, _ := e.listIDs(t, "zorgNoord", "wouldChange=false"); len(ids) != 2 {
			t.Errorf("wouldChange=false: %v", ids)
		}
		p := e.do(t, "GET", "/api/v1/signals?wouldChange=maybe&limit=0", nil, e.as("zorgNoord")).wantProblem(t, http.StatusBadRequest, "invalid")
		if !slices.Equal(p.params(), []string{"limit:api.param.range", "wouldChange:api.param.boolean"}) {
			t.Errorf("params %v", p.params())
		}
	})
}
