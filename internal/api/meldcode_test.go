package api_test

import (
	"net/http"
	"slices"
	"testing"
)

// childSignalBody is a signal that ruleset 2026.1 already sends to Veilig
// Thuis: a 15-year-old (age band 12–17) offering sexual services.
func childSignalBody() map[string]any {
	return map[string]any{
		"department": "wmo",
		"observedOn": "2026-02-20",
		"persons":    []map[string]any{{"alias": "Noor", "ageBand": "12_17", "gender": "female"}},
		"assessment": map[string]any{"forms": []string{"sexual"}, "indicators": []string{"exploitation.sexual_services"}},
	}
}

type meldcodeJSON struct {
	SignalID string
	Applies  bool
	Steps    []struct {
		Step, Date, Note, RecordedBy string
	}
	AcuteUnsafety, StructuralUnsafety *bool
	Decision                          string
	Summary                           struct {
		StepsDone      int
		Next, Decision string
		ReportRequired bool
		Version        int
	}
	History []struct {
		Version int
		ActorID string
	}
	Version int
}

// meldcodeBody is a whole record: every step, structural unsafety, the
// decision to report.
func meldcodeBody(version int) map[string]any {
	return map[string]any{
		"version": version,
		"steps": map[string]any{
			"map":     map[string]any{"date": "2026-02-21", "note": "Met de mentor besproken"},
			"consult": map[string]any{"date": "2026-02-23"},
			"talk":    map[string]any{"date": "2026-02-24"},
			"weigh":   map[string]any{"date": "2026-02-25"},
			"decide":  map[string]any{"date": "2026-02-26"},
		},
		"acuteUnsafety": false, "structuralUnsafety": true, "decision": "report",
	}
}

// TestSignalMeldcodeAPI: GET and PUT /signals/{id}/meldcode — the record,
// every invalid field named at once, the unsafety → report rule, 409 with
// the current record on a stale version, 409 for a signal not on the route,
// 404 for whoever may not read the signal, 403 once it is closed; and the
// signal's JSON and list items carry the progress.
func TestSignalMeldcodeAPI(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		signalWorld(t, e)
		s := e.createSignal(t, "signaleerderA", childSignalBody())
		path := "/api/v1/signals/" + s.ID + "/meldcode"
		var m meldcodeJSON
		e.do(t, "GET", path, nil, e.as("signaleerderA")).want(t, http.StatusOK).decode(t, &m)
		if !m.Applies || m.Version != 0 || len(m.Steps) != 5 || m.Steps[0].Step != "map" || m.Summary.Next != "map" || m.SignalID != s.ID {
			t.Fatalf("empty record: %+v", m)
		}
		var sig struct {
			Meldcode *struct{ StepsDone, Version int }
		}
		e.do(t, "GET", "/api/v1/signals/"+s.ID, nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &sig)
		if sig.Meldcode == nil || sig.Meldcode.StepsDone != 0 {
			t.Fatalf("signal's meldcode summary %+v", sig.Meldcode)
		}

		for _, c := range []struct {
			body any
			want []string
		}{
			{map[string]any{"version": 0, "steps": map[string]any{"map": map[string]any{"date": "2099-01-01"}, "weigh": map[string]any{"date": "2026-02-25"}},
				"structuralUnsafety": true, "decision": "help"},
				[]string{"acuteUnsafety:signal.meldcode.weighing.required", "decision:signal.meldcode.decision.weigh_first",
					"steps.decide.date:signal.meldcode.decide.date_required", "steps.map.date:signal.meldcode.date.future"}},
			{func() map[string]any { b := meldcodeBody(0); b["decision"] = "help"; return b }(),
				[]string{"decision:signal.meldcode.decision.report_required"}},
			{map[string]any{"steps": map[string]any{}}, []string{"version:field.required"}},
			{map[string]any{"version": 0, "acuteUnsafety": "ja", "colour": "red"}, []string{"acuteUnsafety:api.field.type", "colour:api.field.unknown"}},
			{map[string]any{"version": 0, "steps": map[string]any{"talk": map[string]any{"date": "2026-02-10"}}, "decision": "wait"},
				[]string{"decision:signal.meldcode.decision.invalid", "steps.talk.date:signal.meldcode.date.before_observed"}},
		} {
			p := e.do(t, "PUT", path, c.body, e.as("signaleerderA")).wantProblem(t, http.StatusBadRequest, "invalid")
			if !slices.Equal(p.params(), c.want) {
				t.Errorf("%v:\n got %v\nwant %v", c.body, p.params(), c.want)
			}
		}

		// The reporter records; a stale version is a conflict with the current record.
		first := map[string]any{"version": 0, "steps": map[string]any{"map": map[string]any{"date": "2026-02-21", "note": "Met de mentor besproken"}}}
		e.do(t, "PUT", path, first, e.as("signaleerderA")).want(t, http.StatusOK).decode(t, &m)
		if m.Version != 1 || m.Summary.StepsDone != 1 || m.Steps[0].Note != "Met de mentor besproken" || m.Steps[0].RecordedBy != e.users["signaleerderA"].ID {
			t.Fatalf("after the first recording: %+v", m)
		}
		a := e.do(t, "PUT", path, meldcodeBody(0), e.as("zorgNoord"))
		a.wantProblem(t, http.StatusConflict, "conflict")
		var c struct{ Current meldcodeJSON }
		a.decode(t, &c)
		if c.Current.Version != 1 || c.Current.Summary.StepsDone != 1 {
			t.Fatalf("stale: current %+v", c.Current)
		}
		// The coordinator completes it.
		e.do(t, "PUT", path, meldcodeBody(1), e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &m)
		if m.Version != 2 || m.Summary.StepsDone != 5 || m.Decision != "report" || !m.Summary.ReportRequired || len(m.History) != 2 ||
			m.History[1].ActorID != e.users["zorgNoord"].ID {
			t.Fatalf("complete: %+v", m)
		}
		var page struct {
			Items []struct {
				ID       string
				Meldcode *struct{ StepsDone int }
			}
		}
		e.do(t, "GET", "/api/v1/signals", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &page)
		found := false
		for _, it := range page.Items {
			if it.ID == s.ID {
				found = it.Meldcode != nil && it.Meldcode.StepsDone == 5
			}
		}
		if !found {
			t.Errorf("the list lacks the meldcode's progress: %+v", page.Items)
		}

		// Who may not read the signal learns nothing.
		for _, label := range []string{"zorgZuid", "partner", "admin", "signaleerderA2", "analistNoord"} {
			e.do(t, "GET", path, nil, e.as(label)).wantProblem(t, http.StatusNotFound, "not_found")
			e.do(t, "PUT", path, meldcodeBody(2), e.as(label)).wantProblem(t, http.StatusNotFound, "not_found")
		}
		e.do(t, "GET", path, nil).wantProblem(t, http.StatusUnauthorized, "unauthenticated")

		// A signal not on the route.
		adult := e.createSignal(t, "signaleerderA", signalBody())
		e.do(t, "GET", "/api/v1/signals/"+adult.ID+"/meldcode", nil, e.as("signaleerderA")).want(t, http.StatusOK).decode(t, &m)
		if m.Applies {
			t.Fatalf("adult signal on the route: %+v", m)
		}
		e.do(t, "PUT", "/api/v1/signals/"+adult.ID+"/meldcode", meldcodeBody(0), e.as("signaleerderA")).
			wantProblem(t, http.StatusConflict, "conflict")

		// Closed: readable, not recordable.
		for _, to := range []map[string]any{{"to": "in_progress", "version": 1}, {"to": "closed", "reason": "referred_veilig_thuis", "version": 2}} {
			e.do(t, "POST", "/api/v1/signals/"+s.ID+"/transitions", to, e.as("zorgNoord")).want(t, http.StatusOK)
		}
		e.do(t, "GET", path, nil, e.as("signaleerderA")).want(t, http.StatusOK)
		e.do(t, "PUT", path, meldcodeBody(2), e.as("signaleerderA")).wantProblem(t, http.StatusForbidden, "forbidden")
	})
}
